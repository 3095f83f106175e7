"""Rules for the 2012-2013 inspections: child protection inspections and inspections of
looked after children services, graded Outstanding / Good / Adequate / Inadequate,
including the short "summary report for children and young people".

A full report has a cover (the title, which may wrap: "Inspection of looked after children /
services", the authority, "Inspection dates: 15 – 19 July 2013", "Reporting inspector Helen
Cawston HMI"), a contents page, numbered paragraphs under one heading per judgement (each
heading followed by its grade, "Grade 3 (Adequate)"), "Areas for improvement" bullets
grouped "Immediately:" / "Within three months:" / "Within six months:", and on its last
page the graded "Record of main findings" table.

What is read: the authority, dates and reporting inspector from the cover; every graded row
of the record of main findings (labels wrapped over lines, grades in a column to the right
given to the row they sit beside); where a report has no such table, the section headings'
grades, graded rows anywhere ("Capacity for improvement  Good") and the overall sentence
("Overall we rated Salford City Council as adequate"); the numbered paragraphs as findings
with the area and heading they sit under; the improvement bullets, each prefixed with its
timescale as printed ("Within three months: improve the timeliness of ..."); in a
children's summary, what was found good as the summary and what "needed improving" as
improvement areas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ingest import Line
from ..layout import Block, BlockKind, join_lines
from ..models import Area, Finding, Grade, ImprovementArea, Judgement
from .common import clean_person, date_span, make_inspectors, numbering_warnings, parse_grade
from .context import Context, Draft

_GRADE = r"(?P<grade>outstanding|good|adequate|inadequate)"
_OVERALL = re.compile(
    r"overall,?\s+(?:we\s+(?:rated|judged|found)\s+.{0,120}?\s+(?:as|to\s+be)"
    r"|(?:the\s+)?effectiveness(?:\s+of\s+[^.]{0,120}?)?\s+(?:is|was)(?:\s+judged\s+to\s+be)?"
    r"|(?:the\s+)?judgement\s+is)\s+" + _GRADE + r"\b",
    re.IGNORECASE,
)
#: the wording of each graded row or section heading, tried in order
_ROWS: list[tuple[re.Pattern[str], Area]] = [
    (re.compile(r"^overall effectiveness", re.I), Area.OVERALL_EFFECTIVENESS),
    (re.compile(r"^capacity (?:for|to) improve", re.I), Area.CAPACITY_FOR_IMPROVEMENT),
    (re.compile(r"help and protection|protection provided", re.I), Area.HELP_AND_PROTECTION),
    (re.compile(r"^quality of practice", re.I), Area.QUALITY_OF_PRACTICE),
    (re.compile(r"^quality of provision", re.I), Area.QUALITY_OF_PROVISION),
    (
        re.compile(r"^(?:the\s+)?outcomes for (?:looked after )?children", re.I),
        Area.OUTCOMES_FOR_LOOKED_AFTER_CHILDREN,
    ),
    (re.compile(r"^leadership and management", re.I), Area.LEADERSHIP_AND_MANAGEMENT),
    (re.compile(r"^(?:leadership|ambition)", re.I), Area.LEADERSHIP_AND_GOVERNANCE),
]
_TITLE = re.compile(r"^(?:re-?)?inspection of\b", re.IGNORECASE)
_TITLE_TAIL = re.compile(
    r"^inspection of .+?\b(?:services|children)\s*[–:-]\s*(?P<la>\S.+)$", re.IGNORECASE
)
_LA_FIRST = re.compile(r"^(?P<la>.+?)\s*[–-]\s*inspection of\b", re.IGNORECASE)
_COUNCIL = re.compile(
    r"\b(council|borough|county|city|district|corporation|trust)\b", re.IGNORECASE
)
_COVER_FIELD = re.compile(
    r"\b(?:inspection dates?|reporting inspector|lead inspector|age group|published)\b", re.I
)
_DATES = re.compile(
    r"^(?:inspection dates?\s*:?\s*)?(?P<d>[0-3]?\d\b.*?\b(?:19|20)\d\d)\s*$", re.IGNORECASE
)
_DATES_FIELD = re.compile(
    r"\binspection dates?\s*:?\s*(?P<d>[0-3]?\d\b[^:]*?\b(?:19|20)\d\d)\b", re.IGNORECASE
)
_INSPECTOR = re.compile(
    r"\b(?:reporting|lead) inspector\s*:?\s*(?P<name>.+?)\s*"
    r"(?=\b(?:age group|published|inspection dates?)\b|$)",
    re.IGNORECASE,
)
_RECORD = re.compile(r"^record of (?:the )?main findings:?$", re.IGNORECASE)
_SECTION_GRADE = re.compile(r"^grade\s*[1-4]\s*\(\s*" + _GRADE + r"\s*\)\.?$", re.IGNORECASE)
_GRADE_LEGEND = re.compile(r"\(grade\s*1\)", re.IGNORECASE)
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
_TIMING = re.compile(
    r"^(?P<t>immediately|within (?:one|two|three|four|six|nine|twelve|\d+|\w+) months?)\s*:?$",
    re.IGNORECASE,
)


def older_area(label: str) -> Area | None:
    """The judgement area a graded row or section heading of a 2012-13 report names."""
    text = re.sub(r"\s+", " ", label).strip()
    return next((a for p, a in _ROWS if p.search(text)), None)


def extract_older(ctx: Context, draft: Draft) -> None:
    first_page = ctx.blocks[0].page if ctx.blocks else 1
    for b in ctx.blocks:
        # small print that is not a footnote: the grading scale ("Outstanding (Grade 1) A
        # service that ..."), and the cover's fields at the foot of page 1
        if b.kind is BlockKind.FOOTNOTE and (
            _GRADE_LEGEND.search(b.text) or b.page == first_page and _COVER_FIELD.search(b.text)
        ):
            b.kind = BlockKind.PARA
    _head(ctx, draft)
    judgements, warnings = record_of_main_findings(list(ctx.doc.lines))
    draft.warnings.extend(warnings)
    if not judgements:
        judgements = _graded_rows(ctx.blocks[:80], draft)
    walk = _walk(ctx, draft)
    for area, (label, grade, grade_label) in walk.section_grades.items():
        row = next((j for j in judgements if j.area is area), None)
        if row is None:
            judgements.append(
                Judgement(area=area, label=label, grade=grade, grade_label=grade_label)
            )
        elif row.grade is not grade:
            draft.warnings.append(
                f"section {label!r} says {grade_label!r} but the record of main findings says "
                f"{row.grade_label!r}"
            )
    if not any(j.area is Area.OVERALL_EFFECTIVENESS for j in judgements):
        for b in ctx.blocks[:60]:
            m = _OVERALL.search(b.text)
            if m:
                judgements.insert(
                    0,
                    Judgement(
                        area=Area.OVERALL_EFFECTIVENESS,
                        label="Overall effectiveness",
                        grade=parse_grade(m.group("grade")),
                        grade_label=m.group("grade"),
                    ),
                )
                break
    judgements.sort(key=lambda j: j.area is not Area.OVERALL_EFFECTIVENESS)
    draft.judgements = judgements
    overall = next((j for j in judgements if j.area is Area.OVERALL_EFFECTIVENESS), None)
    draft.overall = overall.grade if overall else None
    if overall is None:
        draft.warnings.append("no overall judgement found")
    if not draft.improvement_areas:
        draft.warnings.append("no improvement areas found")


# --------------------------------------------------------------------------- the cover


def _head(ctx: Context, draft: Draft) -> None:
    blocks = ctx.blocks[:14]
    for i, b in enumerate(blocks):
        text = b.text.strip()
        if draft.local_authority is None:
            draft.local_authority = _authority(blocks, i)
        if draft.start is None:
            m = _DATES_FIELD.search(text) or _DATES.match(text)
            if m:
                draft.start, draft.end = date_span(m.group("d"))
        if not draft.inspectors:
            m = _INSPECTOR.search(text)
            name = clean_person(m.group("name")) if m else ""
            if name and len(name.split()) <= 5:
                draft.inspectors = make_inspectors([name])


def _authority(blocks: list[Block], i: int) -> str | None:
    """The authority of a cover: "Salford City Council – Inspection of child protection",
    "Inspection of looked after children services: Kent", or the title with the authority
    on the line under it (or, failing that, over it)."""
    text = re.sub(r"\s+", " ", blocks[i].text).strip()
    m = _LA_FIRST.match(text)
    if m:
        return m.group("la").strip()
    if not _TITLE.match(text):
        return None
    m = _TITLE_TAIL.match(text)
    if m and _COUNCIL.search(m.group("la")):
        return m.group("la").strip()
    near = [blocks[j] for j in (i + 1, i - 1) if 0 <= j < len(blocks)]
    for b in near:
        cand = re.sub(r"\s+", " ", b.text).strip(" –-:")
        if (
            cand
            and len(cand) < 80
            and not _COVER_FIELD.search(cand)
            and not _TITLE.match(cand)
            and not re.search(r"\d", cand)
            and (_COUNCIL.search(cand) or b.kind is BlockKind.HEADING)
        ):
            return cand
    return None


# --------------------------------------------------------------------------- the table


@dataclass
class _Row:
    label: list[str]
    top: float
    bottom: float
    grade: list[str] = field(default_factory=list)


def record_of_main_findings(lines: list[Line]) -> tuple[list[Judgement], list[str]]:
    """The graded rows of the "Record of main findings" table that ends a full report.

    A row's label may wrap ("Outcomes for looked after children and" / "young people"): a
    line of the label column that starts in lower case continues the row above. Grades sit
    in a column right of the labels, on one of the label's lines or on a line of their own
    between them; a grade on its own line goes to the row nearest it vertically."""
    heads = [i for i, ln in enumerate(lines) if _RECORD.match(ln.text.strip())]
    if not heads:
        return [], []
    rows: list[_Row] = []
    cells: list[_Row] = []
    label_x: float | None = None
    for ln in lines[heads[-1] + 1 :]:
        text = ln.text.strip()
        if _END.match(text) or len(text.split()) > 14:
            break
        label, grade = _split_row(ln, label_x)
        if label:
            label_x = ln.x0 if label_x is None else min(label_x, ln.x0)
            if rows and label[:1].islower():
                rows[-1].label.append(label)
                rows[-1].bottom = ln.bottom
            else:
                rows.append(_Row([label], ln.top, ln.bottom))
            if grade:
                rows[-1].grade.append(grade)
        elif grade:
            cells.append(_Row([grade], ln.top, ln.bottom))
    for cell in cells:
        centre = (cell.top + cell.bottom) / 2
        free = [r for r in rows if not r.grade] or rows
        if free:
            best = min(free, key=lambda r: abs((r.top + r.bottom) / 2 - centre))
            best.grade.extend(cell.label)
    judgements: list[Judgement] = []
    warnings: list[str] = []
    for row in rows:
        label = join_lines(row.label)
        area = older_area(label)
        grade_label = " ".join(row.grade).strip() or None
        if area is None:
            if grade_label:
                warnings.append(f"graded row {label!r} names no known judgement area")
            continue  # a sub-heading of the table ("Services for looked after children")
        if any(j.area is area for j in judgements):
            continue
        if grade_label is None:
            warnings.append(f"record of main findings: no grade for {label!r}")
        judgements.append(
            Judgement(
                area=area,
                label=label,
                grade=parse_grade(grade_label) if grade_label else None,
                grade_label=grade_label,
            )
        )
    return judgements, warnings


def _split_row(ln: Line, label_x: float | None) -> tuple[str, str]:
    """A table line as (label, grade): the grade is a trailing segment that is a grade."""
    segs = list(ln.segments)
    if len(segs) >= 2 and parse_grade(segs[-1].text) and not parse_grade(segs[0].text):
        return " ".join(s.text for s in segs[:-1]).strip(), segs[-1].text.strip()
    text = ln.text.strip()
    lone_grade = parse_grade(text) and len(text.split()) <= 2
    if lone_grade and (label_x is None or ln.x0 > label_x + 60 or not ln.size):
        return "", text
    return text, ""


def _graded_rows(blocks: list[Block], draft: Draft) -> list[Judgement]:
    """Graded rows printed anywhere in the first pages ("Capacity for improvement  Good"),
    for documents without a record of main findings."""
    judgements: list[Judgement] = []
    for b in blocks:
        parts = [s.text for ln in b.lines for s in ln.segments] if len(b.lines) == 1 else []
        if len(parts) >= 2 and parse_grade(parts[-1]) and not parse_grade(parts[0]):
            label = " ".join(parts[:-1]).strip()
            area = older_area(label)
            if area is None:
                draft.warnings.append(f"graded row {label!r} names no known judgement area")
            elif not any(j.area is area for j in judgements):
                judgements.append(
                    Judgement(
                        area=area, label=label, grade=parse_grade(parts[-1]), grade_label=parts[-1]
                    )
                )
    return judgements


# --------------------------------------------------------------------------- the body


@dataclass
class _Walk:
    mode: str | None = None  # None | summary | improve | table
    section: str | None = None
    area: Area | None = None
    timing: str | None = None
    in_finding: bool = False  # the last block read belongs to a finding
    section_grades: dict[Area, tuple[str, Grade | None, str]] = field(default_factory=dict)


def _walk(ctx: Context, draft: Draft) -> _Walk:
    """Findings, improvement areas, summary and section grades, in one pass."""
    walk = _Walk()
    findings: list[Finding] = []
    items: list[str] = []
    for b in ctx.blocks:
        text = re.sub(r"\s+", " ", b.text).strip()
        if b.kind is BlockKind.FOOTNOTE or not text:
            continue
        if _END.match(text):
            walk.mode, walk.in_finding = None, False
            continue
        if walk.mode == "table":
            continue
        timing = _TIMING.match(text)
        if timing and walk.mode == "improve":
            walk.timing, walk.in_finding = timing.group("t"), False
            continue
        grade = _SECTION_GRADE.match(text)
        if grade and walk.area is not None and walk.area not in walk.section_grades:
            walk.section_grades[walk.area] = (
                walk.section or "",
                parse_grade(grade.group("grade")),
                grade.group("grade"),
            )
            continue
        if b.number is not None:
            findings.append(
                Finding(
                    number=b.number,
                    area=walk.area,
                    section=walk.section,
                    text=b.body(),
                    pages=b.pages,
                )
            )
            walk.in_finding = True
            continue
        heading = b.kind is BlockKind.HEADING or (
            b.kind is BlockKind.PARA and len(b.lines) == 1 and text.endswith(":") and len(text) < 60
        )
        if _RECORD.match(text):
            walk.mode = "table"
            continue
        lead_in = heading or text.endswith(":")
        if _NEEDED.search(text) and (lead_in or len(text) < 60):
            walk.mode, walk.timing, walk.in_finding = "improve", None, False
            walk.section, walk.area = (
                (text, None)
                if b.kind is BlockKind.HEADING
                else (
                    walk.section,
                    walk.area,
                )
            )
            continue
        if _GOOD_LEAD.search(text) and lead_in:
            walk.mode, walk.in_finding = "summary", False
            continue
        if heading:
            if re.search(r"\s\d{1,3}$", text):
                continue  # a contents line ("Quality of provision 13")
            walk.mode, walk.timing, walk.in_finding = None, None, False
            walk.section, walk.area = text, older_area(text)
            continue
        if walk.mode == "improve" and (b.kind is BlockKind.BULLET or not walk.in_finding):
            body = b.body()
            if b.kind is BlockKind.PARA and items and body[:1].islower():
                items[-1] = join_lines([items[-1], body])
            else:
                items.append(f"{walk.timing}: {body}" if walk.timing else body)
            walk.in_finding = False
            continue
        if walk.in_finding and findings:
            prev = findings[-1]
            sep = "\n" if b.kind is BlockKind.BULLET or prev.text.endswith(":") else " "
            prev.text = prev.text + sep + b.body() if sep == "\n" else join_lines([prev.text, text])
            prev.pages = sorted(set(prev.pages) | set(b.pages))
            continue
        if walk.mode == "summary" and b.kind in (BlockKind.PARA, BlockKind.BULLET):
            draft.summary.append(b.body())
    draft.findings = findings
    draft.improvement_areas = [ImprovementArea(text=t) for t in items]
    if findings:
        draft.warnings.extend(numbering_warnings([f.number for f in findings]))
    return walk
