"""Rules for the 2012-2013 inspections: child protection inspections and inspections of
safeguarding and looked after children services, graded Outstanding / Good / Adequate /
Inadequate, including the short "summary report for children and young people".

What is read: the authority and dates from the title block; the overall grade from its
sentence ("Overall we rated Salford City Council as adequate", "Overall effectiveness is
adequate") or from a graded row; any other graded rows ("Capacity for improvement  Good");
the summary (what was found good); and what "needed improving" (or the "Areas for
improvement") as improvement areas.
"""

from __future__ import annotations

import re

from ..layout import BlockKind, join_lines
from ..models import Area, ImprovementArea, Judgement
from .common import date_span, parse_grade
from .context import Context, Draft

_GRADE = r"(?P<grade>outstanding|good|adequate|inadequate)"
_OVERALL = re.compile(
    r"overall,?\s+(?:we\s+(?:rated|judged|found)\s+.{0,120}?\s+(?:as|to\s+be)"
    r"|(?:the\s+)?effectiveness(?:\s+of\s+[^.]{0,120}?)?\s+(?:is|was)(?:\s+judged\s+to\s+be)?"
    r"|(?:the\s+)?judgement\s+is)\s+" + _GRADE + r"\b",
    re.IGNORECASE,
)
_ROWS: list[tuple[re.Pattern[str], Area]] = [
    (re.compile(r"^overall effectiveness", re.I), Area.OVERALL_EFFECTIVENESS),
    (re.compile(r"^capacity (?:for|to) improve", re.I), Area.CAPACITY_FOR_IMPROVEMENT),
    (re.compile(r"help and protection|protection provided", re.I), Area.HELP_AND_PROTECTION),
    (re.compile(r"^quality of (?:provision|practice)", re.I), Area.QUALITY_OF_PRACTICE),
    (re.compile(r"^(?:leadership|ambition)", re.I), Area.LEADERSHIP_AND_GOVERNANCE),
]
_TITLE = re.compile(
    r"^(?P<la>.+?)\s*[–-]\s*inspection of\b"
    r"|^inspection of .+?(?:services|children)\s*[–:-]?\s*(?P<la2>.+)$",
    re.IGNORECASE,
)
_COUNCIL = re.compile(r"\b(council|borough|county|city|district)\b", re.IGNORECASE)
_DATES = re.compile(r"^(?:inspection dates?\s*:?\s*)?(?P<d>[0-3]?\d\b.*\b(?:19|20)\d\d)\s*$", re.I)
_GOOD_LEAD = re.compile(r"\b(?:were|was)\s+(?:generally\s+)?(?:adequate or good|good)\b", re.I)
_NEEDED = re.compile(
    r"\bneeded improving\b|\bneed(?:s|ed)? to improve\b|^areas for improvement\b"
    r"|^recommendations\b",
    re.IGNORECASE,
)
_END = re.compile(
    r"^(?:the full (?:inspection )?report|if you would like|information about this inspection|"
    r"the inspection team|©)",
    re.IGNORECASE,
)
_TIMING = re.compile(r"^(?:immediately|within (?:three|six|\w+) months)\s*:?$", re.IGNORECASE)


def extract_older(ctx: Context, draft: Draft) -> None:
    blocks = ctx.blocks
    for i, b in enumerate(blocks[:12]):
        m = _TITLE.match(b.text)
        if m and draft.local_authority is None:
            draft.local_authority = (m.group("la") or m.group("la2") or "").strip() or None
        elif re.match(r"^inspection of\b", b.text, re.I) and draft.local_authority is None:
            # the authority on the line under the title
            nxt = blocks[i + 1].text.strip() if i + 1 < len(blocks) else ""
            if _COUNCIL.search(nxt) and len(nxt) < 80:
                draft.local_authority = nxt
        m = _DATES.match(b.text)
        if m and draft.start is None:
            draft.start, draft.end = date_span(m.group("d"))
    judgements: list[Judgement] = []
    for b in blocks[:80]:
        parts = [s.text for ln in b.lines for s in ln.segments] if len(b.lines) == 1 else []
        if len(parts) >= 2 and parse_grade(parts[-1]) and not parse_grade(parts[0]):
            label = " ".join(parts[:-1]).strip()
            area = next((a for p, a in _ROWS if p.search(label)), None)
            if area is None:
                draft.warnings.append(f"graded row {label!r} names no known judgement area")
            elif not any(j.area is area for j in judgements):
                judgements.append(
                    Judgement(
                        area=area, label=label, grade=parse_grade(parts[-1]), grade_label=parts[-1]
                    )
                )
    if not any(j.area is Area.OVERALL_EFFECTIVENESS for j in judgements):
        for b in blocks[:60]:
            m = _OVERALL.search(b.text)
            if m:
                grade = parse_grade(m.group("grade"))
                judgements.insert(
                    0,
                    Judgement(
                        area=Area.OVERALL_EFFECTIVENESS,
                        label="Overall effectiveness",
                        grade=grade,
                        grade_label=m.group("grade"),
                    ),
                )
                break
    draft.judgements = judgements
    overall = next((j for j in judgements if j.area is Area.OVERALL_EFFECTIVENESS), None)
    draft.overall = overall.grade if overall else None
    if overall is None:
        draft.warnings.append("no overall judgement found")
    _summary_and_improvements(ctx, draft)


def _summary_and_improvements(ctx: Context, draft: Draft) -> None:
    mode = None
    items: list[str] = []
    for b in ctx.blocks:
        text = b.text.strip()
        if _END.match(text):
            mode = None
            continue
        if _NEEDED.search(text) and (
            b.kind is BlockKind.HEADING or text.endswith(":") or len(text) < 60
        ):
            mode = "improve"
            continue
        if _GOOD_LEAD.search(text) and (b.kind is BlockKind.HEADING or text.endswith(":")):
            mode = "summary"
            continue
        if b.kind is BlockKind.HEADING or _TIMING.match(text):
            if mode == "improve" and _TIMING.match(text):
                continue  # "Within three months:" groups the items; it is not one
            mode = None if b.kind is BlockKind.HEADING and mode != "improve" else mode
            continue
        if mode == "summary" and b.kind in (BlockKind.PARA, BlockKind.BULLET):
            draft.summary.append(b.body())
        elif mode == "improve" and b.kind in (BlockKind.PARA, BlockKind.BULLET):
            if b.kind is BlockKind.PARA and items and text[:1].islower():
                items[-1] = join_lines([items[-1], text])
            else:
                items.append(b.body())
    draft.improvement_areas = [ImprovementArea(text=t) for t in items]
    if not items:
        draft.warnings.append("no improvement areas found")
