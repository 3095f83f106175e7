"""What each kind of document looks like on its first pages: one predicate per kind, read
by the kind registry (:mod:`ilacs_cli.rules.kinds`). Decided from content, never from the
file name."""

from __future__ import annotations

import re

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


def looks_like(ctx: Context) -> str | None:
    """What the document looks like when it is another kind of Ofsted or council paper
    ("meeting minutes or an agenda"), else None."""
    text = ctx.head_text[:4000]
    for pattern, what in _LOOKS_LIKE:
        found = {m.lower() for m in pattern.findall(text)}
        if len(found) >= (2 if what.startswith("meeting") else 1):
            return what
    return None


def _first_lines(ctx: Context) -> str:
    return "\n".join(b.text for b in ctx.blocks[:12])


def is_monitoring_visit(ctx: Context) -> bool:
    head = ctx.head_text
    return bool(_MONITORING.search(_first_lines(ctx) + head[:3000]) and _LETTER.search(head))


def is_focused_visit(ctx: Context) -> bool:
    head = ctx.head_text
    return bool(_FOCUSED.search(head[:3000]) and _LETTER.search(head))


def is_sif_inspection(ctx: Context) -> bool:
    return bool(_SIF.search(ctx.head_text[:2000]))


def is_lscb_review(ctx: Context) -> bool:
    return bool(_LSCB.search(ctx.head_text[:1500]))


def is_child_protection_inspection(ctx: Context) -> bool:
    return bool(_CP.search(ctx.head_text[:1500]))


def is_lac_inspection(ctx: Context) -> bool:
    return bool(_LAC.search(ctx.head_text[:1500]))


def is_ilacs_inspection(ctx: Context) -> bool:
    """An ILACS title or table with inspection dates, unless the first pages look like
    another kind of paper (a school's "Inspection of ... Academy")."""
    if looks_like(ctx):
        return False
    head = ctx.head_text
    dates, table = _DATES.search(head), _ILACS_TABLE.search(head)
    if _ILACS_TITLE.search(_first_lines(ctx)) and (dates or table):
        return True
    return bool(table and dates)
