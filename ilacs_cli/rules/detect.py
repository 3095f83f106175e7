"""Which kind of document is this? Decided from content, never from the file name."""

from __future__ import annotations

import re

from ..errors import UnsupportedDocument
from ..models import Kind
from .context import Context

_I = re.IGNORECASE | re.MULTILINE
_ILACS_TITLE = re.compile(
    r"^(?:re-?)?inspection of (?:.{0,80}?\s)?(?:local authority\s+)?children[’']?s?\s+"
    r"(?:social care\s+)?services\b|^inspection of .{2,60}(?:children and families )?trust$",
    _I,
)
_ILACS_TABLE = re.compile(
    r"impact of leaders on (?:social work )?practice|overall effectiveness", re.IGNORECASE
)
_DATES = re.compile(r"^inspection dates?\b", _I)
_FOCUSED = re.compile(r"focused visit to|findings of the focused visit", re.IGNORECASE)
_MONITORING = re.compile(r"monitoring visit to|findings of the monitoring visit", re.IGNORECASE)
_LETTER = re.compile(r"^dear\b|this letter summarises|yours sincerely", _I)
_SIF = re.compile(
    r"inspection of services for children in need of help and\s+protection|"
    r"children looked after and care leavers",
    re.IGNORECASE,
)
_LSCB = re.compile(
    r"review of the effectiveness of the local safeguarding children board", re.IGNORECASE
)
_CP = re.compile(
    r"inspection of (?:local authority arrangements for the protection of children|"
    r"child protection|safeguarding and looked after children)|"
    r"inspection of (?:the )?(?:local authority )?child protection",
    re.IGNORECASE,
)
_LAC = re.compile(r"inspection of (?:services for )?looked after children", re.IGNORECASE)
_OFSTED = re.compile(r"ofsted|majesty[’']s inspector", re.IGNORECASE)
_PRESS = re.compile(
    r"press release|news release|\bcouncillor\b|\bsaid:|\badded:|sign in|cabinet member|"
    r"\bmayor\b",
    re.IGNORECASE,
)


# what some other documents look like, to say so when refusing them
_LOOKS_LIKE: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\bminutes of the\b(?=[^.]{0,60}\bmeeting\b)|\bpresent\s*:|"
            r"\bapologies for absence\b|\bdeclarations of interest\b|\bagenda item\b",
            re.IGNORECASE,
        ),
        "meeting minutes or an agenda",
    ),
    (
        re.compile(
            r"^(?:school|college|academy) (?:inspection )?report\b|"
            r"^inspection of .{2,80}\b(?:school|academy|college|nursery)\b",
            _I,
        ),
        "an Ofsted inspection of a school, college or nursery",
    ),
    (
        re.compile(r"children[’']s home inspection|^inspection of a children[’']s home", _I),
        "an Ofsted inspection of a children's home",
    ),
]


def _looks_like(text: str) -> str | None:
    for pattern, what in _LOOKS_LIKE:
        found = {m.lower() for m in pattern.findall(text)}
        if len(found) >= (2 if what.startswith("meeting") else 1):
            return what
    return None


def detect(ctx: Context) -> Kind:
    """The document's kind, or :class:`UnsupportedDocument` saying what it looks like."""
    head = ctx.head_text
    first_lines = "\n".join(b.text for b in ctx.blocks[:12])
    if _MONITORING.search(first_lines + head[:3000]) and _LETTER.search(head):
        return Kind.MONITORING_VISIT
    if _FOCUSED.search(head[:3000]) and _LETTER.search(head):
        return Kind.FOCUSED_VISIT
    if _SIF.search(head[:2000]):
        return Kind.SIF_INSPECTION
    if _LSCB.search(head[:1500]):
        return Kind.LSCB_REVIEW
    if _CP.search(head[:1500]):
        return Kind.CHILD_PROTECTION_INSPECTION
    if _LAC.search(head[:1500]):
        return Kind.LAC_INSPECTION
    looks = _looks_like(head[:4000])
    if looks:
        raise UnsupportedDocument(f"{looks}, not a local authority children's services report")
    if _ILACS_TITLE.search(first_lines) and (_DATES.search(head) or _ILACS_TABLE.search(head)):
        return Kind.ILACS_INSPECTION
    if _ILACS_TABLE.search(head) and _DATES.search(head):
        return Kind.ILACS_INSPECTION
    text = ctx.doc.text
    if _OFSTED.search(text) and len(_PRESS.findall(text)) >= 2:
        raise UnsupportedDocument(
            "a council press release or news item about an Ofsted report, not an Ofsted report"
        )
    if _OFSTED.search(text):
        raise UnsupportedDocument(
            "mentions Ofsted but is not a children's services inspection report or visit "
            "letter (no inspection title, dates or judgements found)"
        )
    raise UnsupportedDocument(
        "not an Ofsted children's services report (no inspection title, dates or judgements found)"
    )
