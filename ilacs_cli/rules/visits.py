"""Rules for focused-visit and monitoring-visit letters (no grades, unnumbered paragraphs)."""

from __future__ import annotations

import re

from ..layout import Block, BlockKind
from ..models import Finding, ImprovementArea
from .common import date_span, framework_refs, make_inspectors, single_date, split_names
from .context import Context, Draft
from .ilacs import improvement_items

_SECTION = {
    "headline": re.compile(r"^(headline findings|overview|summary of findings)\b", re.I),
    "priority": re.compile(r"^areas? for priority action", re.I),
    "improve": re.compile(r"^what needs to improve\b", re.I),
    "main": re.compile(r"^(main findings|findings)\b", re.I),
    "covered": re.compile(r"^areas covered by (the|this) visit\b", re.I),
}
_END = re.compile(
    r"^(Ofsted will take the findings|Yours sincerely|We have notified|I am copying this letter|"
    r"Ofsted will continue to monitor|This letter will be published)",
    re.I,
)
_SUMMARISES = re.compile(
    r"this letter summarises the findings of (?:the|a|our) (?:focused|monitoring) visit to\s+"
    r"(?P<la>.+?)\s+(?:local authority\s+)?children[’']?s?\s+services\s+(?:on|from|between)\s+"
    r"(?P<dates>[^.]*?\d{4})",
    re.I,
)
_TITLE = re.compile(
    r"^(?:focused|monitoring) visit (?:to|of)\s+(?P<la>.+?)\s+(?:local authority\s+)?"
    r"children[’']?s?\s+services",
    re.I,
)
_INSPECTORS = [
    re.compile(
        r"(?:His|Her) Majesty[’']s Inspectors? for (?:this|the) visit (?:were|was)\s+"
        r"(?P<names>[^.]+)",
        re.I,
    ),
    re.compile(r"\bThe inspectors were\s+(?P<names>[^.]+?)(?:\.|$)", re.I),
    re.compile(r"\bThe visit was (?:conducted|carried out) by\s+(?P<names>[^.]+)", re.I),
    re.compile(r"\bInspectors? (?:for this visit )?(?:were|was)\s+(?P<names>[^.]+)", re.I),
]
_FOCUS = re.compile(
    r"^(Inspectors (?:looked at|considered|evaluated|reviewed|focused on)|"
    r"The visit (?:looked|focused)|This visit (?:looked|focused)|Areas covered)",
    re.I,
)
_NTH = re.compile(
    r"(?:this visit )?was the (?P<nth>\w+) monitoring visit since the local authority was "
    r"judged inadequate (?:in|on) (?P<when>(?:\d{1,2} )?[A-Z][a-z]+ \d{4})",
    re.I,
)
_ORDINALS = {
    w: i
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(),
        start=1,
    )
}


def _section_of(block: Block) -> str | None:
    text = block.text
    if block.kind is not BlockKind.HEADING and (
        len(text.split()) > 12 or text.endswith((".", ","))
    ):
        return None
    for name, pattern in _SECTION.items():
        if pattern.match(text):
            return name
    return None


def extract_visit(ctx: Context, draft: Draft) -> None:
    blocks = ctx.blocks
    intro_text = " ".join(b.text for b in blocks[:40])
    m = _SUMMARISES.search(intro_text)
    title_la = next((tm.group("la") for b in blocks[:30] if (tm := _TITLE.match(b.text))), None)
    la = title_la or (m.group("la") if m else None)
    # "Focused visit to Trafford Council’s children’s services"
    draft.local_authority = re.sub(r"[’']s$", "", la.strip()) if la else None
    if m:
        draft.start, draft.end = date_span(m.group("dates"))
    else:
        draft.warnings.append("no 'This letter summarises the findings...' sentence found")
    for b in blocks[:12]:
        if re.match(r"^dear\b", b.text, re.I):
            break
        if re.fullmatch(r"\s*\d{1,2}\s+\w+\s+\d{4}\s*", b.text):
            draft.letter_date = single_date(b.text)
            break
        typo = re.fullmatch(r"\s*(\d{1,2}\s+\w+\s+)(20[0-9])\d(\d)\s*", b.text)
        if typo:  # "6 November 20205": a digit typed twice
            fixed = typo.group(1) + typo.group(2) + typo.group(3)
            draft.letter_date = single_date(fixed)
            draft.warnings.append(f"letter date printed as {b.text.strip()!r}; read as {fixed!r}")
            break
    names: list[str] = []
    for pattern in _INSPECTORS:
        im = pattern.search(intro_text)
        if im:
            names = split_names(im.group("names"))
            break
    draft.inspectors = make_inspectors(names)
    nth = _NTH.search(intro_text)
    if nth:
        draft.visit_number = _ORDINALS.get(nth.group("nth").lower())
        draft.judged_inadequate = nth.group("when")

    sections: list[tuple[int, str]] = [
        (i, name) for i, b in enumerate(blocks) if (name := _section_of(b))
    ]
    end = next((i for i, b in enumerate(blocks) if _END.match(b.text)), len(blocks))
    first_section = sections[0][0] if sections else end
    focus = [
        _with_list(blocks, i)
        for i, b in enumerate(blocks[:first_section])
        # a paragraph that ends "with a particular focus on:" can read as a heading
        if b.kind in (BlockKind.PARA, BlockKind.HEADING) and _FOCUS.match(b.text)
    ]
    # the paragraph about the authority's arrangements, not "Inspectors looked at a range
    # of evidence" when a letter has both
    focus.sort(
        key=lambda t: not re.search(r"local authority[’']?s? arrangements|arrangements for", t)
    )
    draft.focus = focus[0] if focus else None
    for n, (start, name) in enumerate(sections):
        stop = sections[n + 1][0] if n + 1 < len(sections) else end
        stop = min(stop, end) if start < end else stop
        body = [b for b in blocks[start + 1 : stop] if b.kind is not BlockKind.FOOTNOTE]
        if name == "headline":
            # the summary ends at the next heading, even one this module has no name for
            # ("Areas of strength")
            for b in body:
                if b.kind is BlockKind.HEADING:
                    break
                draft.summary.append(b.body())
        elif name in ("priority", "improve"):
            for item in improvement_items(body):
                text, refs = framework_refs(item)
                draft.improvement_areas.append(
                    ImprovementArea(text=text, framework_refs=refs, priority=name == "priority")
                )
        elif name == "covered":
            draft.focus = " ".join(b.text for b in body if b.kind is not BlockKind.HEADING) or None
        elif name == "main":
            for b in body:
                if b.kind is BlockKind.HEADING:
                    continue
                draft.findings.append(
                    Finding(number=len(draft.findings) + 1, area=None, text=b.body(), pages=b.pages)
                )
    if not any(name == "main" for _, name in sections):
        draft.warnings.append("no 'Main findings' section found")


def _with_list(blocks: list[Block], i: int) -> str:
    """A paragraph, with the bullets that follow it when it introduces them ("with a
    particular focus on:")."""
    text = blocks[i].text
    if not text.rstrip().endswith(":"):
        return text
    items = []
    for b in blocks[i + 1 :]:
        if b.kind is not BlockKind.BULLET:
            break
        items.append(b.body().rstrip(" ;."))
    return f"{text} {'; '.join(items)}." if items else text
