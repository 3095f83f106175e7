"""Rules for ILACS inspection reports (2018 onward)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ingest import Line
from ..layout import Block, BlockKind, is_sub_item, join_lines, line_gap_limit, line_spacing
from ..models import Area, Finding, ImprovementArea, Judgement
from .common import (
    area_of,
    clean_person,
    date_span,
    framework_refs,
    make_inspectors,
    numbering_warnings,
    parse_grade,
)
from .context import Context, Draft

_HEADER = re.compile(r"^judgements?\s*(?:\|\s*)?grades?$", re.IGNORECASE)
_ROW_START = re.compile(
    r"^(the\s+(impact|experiences|effectiveness)|overall\s+effectiveness|impact\s+of\s+leaders|"
    r"experiences\s+and\s+progress)",
    re.IGNORECASE,
)
_GRADE_START = re.compile(r"^(outstanding|good|requires?\b|inadequate|adequate)", re.IGNORECASE)
WNTI = re.compile(r"^what\s+needs\s+to\s+improve\b", re.IGNORECASE)
_SECTION_GRADE = re.compile(
    r"(?::|\s[–-]|\s(?=requires?|outstanding|good|inadequate))\s*"
    r"(outstanding|good|requires? improvement(?: to be good)?|inadequate)\s*\.?\s*$",
    re.IGNORECASE,
)
BOILERPLATE = re.compile(
    r"^(The Office for Standards in Education|If you would like a copy of this document|"
    r"You may reuse this information|©\s*Crown copyright|Ofsted will take the findings|"
    r"This report is available at|Interested in our work)",
    re.IGNORECASE,
)
_DATES = re.compile(r"^inspection\s+dates?\s*:?\s*(.*)$", re.IGNORECASE)
_LEAD = re.compile(r"^lead\s+inspectors?\s*:?\s*(.*)$", re.IGNORECASE)
_TITLE = re.compile(
    r"^(?:re-?)?inspection of\s+(?P<la>.*?)\s*(?:local authority\s+)?children[’']?s?\s+"
    r"(?:social care\s+)?services$",
    re.IGNORECASE,
)
_TRUST_TITLE = re.compile(r"^inspection of\s+(?P<la>.+?(?:trust|council))$", re.IGNORECASE)


@dataclass
class _Row:
    label: list[str] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0
    grade: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # its lines


@dataclass
class _Cell:
    parts: list[str]
    top: float
    bottom: float


def _split_label_grade(line: Line, grade_x: float | None, geometry: bool) -> tuple[str, str]:
    if line.segments:
        if geometry and grade_x is not None:
            label = " ".join(s.text for s in line.segments if s.x1 < grade_x - 2)
            grade = " ".join(s.text for s in line.segments if s.x1 >= grade_x - 2)
        else:
            label = line.segments[0].text
            grade = " ".join(s.text for s in line.segments[1:])
        return label.strip(), grade.strip()
    if geometry and grade_x is not None and line.x0 >= grade_x - 8:
        return "", line.text
    if not geometry and parse_grade(line.text) and len(line.text.split()) <= 5:
        return "", line.text
    return line.text, ""


def parse_table(lines: list[Line], geometry: bool) -> tuple[list[Judgement], set[int], list[str]]:
    """Find the judgement table in the first pages' lines.

    Rows are found from their wording (every row label starts "The impact..." / "The
    experiences..." / "Overall effectiveness"), grade cells from the grade column (the x of
    the "Grade" header, or a cell separator in text), and each grade cell is given to the
    row it sits beside vertically, so wrapped cells and grades drawn above or below the
    middle of their row come out right. Returns judgements, ids of the table's lines, and
    warnings.
    """
    warnings: list[str] = []
    start = None
    grade_x: float | None = None
    for i, ln in enumerate(lines):
        if _HEADER.match(ln.text):
            start = i + 1
            if ln.segments and len(ln.segments) >= 2:
                grade_x = ln.segments[-1].x0
            break
    if start is None:
        # no header row: the first row label that carries a grade starts the table
        for i, ln in enumerate(lines):
            label, grade = _split_label_grade(ln, None, geometry)
            if _ROW_START.match(label) and ln.segments and parse_grade(ln.segments[-1].text):
                start = i
                grade_x = ln.segments[-1].x0
                break
    if start is None:
        return [], set(), ["no judgement table found"]
    rows: list[_Row] = []
    cells: list[_Cell] = []
    used: set[int] = set()
    spacing = line_spacing(lines) if geometry else 1.2
    prev: Line | None = None
    for ln in lines[start:]:
        label, grade = _split_label_grade(ln, grade_x, geometry)
        if geometry and grade_x is not None and not grade and ln.x1 > grade_x + 4:
            break  # a label never runs into the grade column: narrative after the table
        starts_row = bool(_ROW_START.match(label))
        if not starts_row and not grade:
            if not geometry or prev is None or not rows:
                break
            close = ln.top - prev.top <= line_gap_limit(max(ln.size, prev.size), spacing)
            if not close or ln.page != prev.page:
                break
        if not geometry and not ln.segments and not (grade and not label):
            break
        if label:
            if starts_row or not rows:
                rows.append(_Row([label], ln.top, ln.bottom))
            else:
                rows[-1].label.append(label)
                rows[-1].bottom = ln.bottom
            if not grade:
                rows[-1].ids.append(id(ln))
        if grade:
            if (
                cells
                and not _GRADE_START.match(grade)
                and ln.top - cells[-1].bottom < ln.size * 1.2
            ):
                cells[-1].parts.append(grade)
                cells[-1].bottom = ln.bottom
            else:
                cells.append(_Cell([grade], ln.top, ln.bottom))
        used.add(id(ln))
        prev = ln
    for cell in cells:
        if not rows:
            break
        centre = (cell.top + cell.bottom) / 2
        best = min(rows, key=lambda r: abs((r.top + r.bottom) / 2 - centre))
        best.grade.extend(cell.parts)
    judgements: list[Judgement] = []
    # the table ends at its last graded row: anything after it is narrative
    while rows and not rows[-1].grade:
        # the table ends at its last graded row; an ungraded row that names a judgement
        # is worth a warning, narrative running on after the table is not (and its lines
        # are not the table's: "The experiences of children..." opening the summary)
        row = rows.pop()
        used.difference_update(row.ids)
        dropped = " ".join(row.label)
        if area_of(dropped) is not None and len(dropped) < 120:
            warnings.append(f"judgement table: no grade for {dropped[:80]!r}")
    for row in rows:
        label = " ".join(row.label)
        area = area_of(label)
        grade_text = " ".join(row.grade)
        grade = parse_grade(grade_text)
        if area is None:
            warnings.append(f"judgement table: row {label!r} names no known judgement area")
            continue
        if grade is None:
            warnings.append(f"judgement table: no grade for {label!r}")
        judgements.append(
            Judgement(
                area=area,
                label=label,
                grade=grade,
                grade_label=re.sub(r"\s+", " ", grade_text).strip() or None,
            )
        )
    return judgements, used, warnings


def _title_and_authority(ctx: Context) -> str | None:
    first = [b for b in ctx.blocks if b.page == ctx.blocks[0].page][:12]
    texts = [b.text for b in first]
    for i, text in enumerate(texts):
        if _DATES.match(text):
            break
        m = _TITLE.match(text)
        if m:
            la = m.group("la").strip()
            if la and la.lower() not in ("", "local authority"):
                return la
            # 2018-20 layout: the authority's name is the line above the title
            for earlier in reversed(texts[:i]):
                if earlier.strip():
                    return earlier.strip()
        m = _TRUST_TITLE.match(text)
        if m:
            return m.group("la").strip()
    return None


def extract_ilacs(ctx: Context, draft: Draft) -> None:
    blocks = ctx.blocks
    draft.local_authority = _title_and_authority(ctx)
    # dates and lead inspector
    for block in blocks[:40]:
        m = _DATES.match(block.text)
        if m and draft.start is None:
            draft.start, draft.end = date_span(m.group(1))
        m = _LEAD.match(block.text)
        if m and not draft.inspectors:
            name = m.group(1)
            draft.inspectors = make_inspectors([clean_person(name)]) if clean_person(name) else []
            if draft.inspectors:
                draft.inspectors[0].role = "lead"
    # judgement table
    first_lines = [ln for ln in ctx.doc.lines if ln.page <= 2]
    judgements, table_ids, table_warnings = parse_table(first_lines, ctx.doc.geometry)
    draft.warnings.extend(table_warnings)
    draft.judgements = judgements
    overall = next((j for j in judgements if j.area is Area.OVERALL_EFFECTIVENESS), None)
    draft.overall = overall.grade if overall else None

    table_end = max(
        (i for i, b in enumerate(blocks) if any(id(ln) in table_ids for ln in b.lines)),
        default=-1,
    )
    wnti = next((i for i, b in enumerate(blocks) if i > table_end and WNTI.match(b.text)), None)
    sections = [
        i
        for i, b in enumerate(blocks)
        if i > table_end
        and b.kind is BlockKind.HEADING
        and _SECTION_GRADE.search(b.text)
        and area_of(b.text)
    ]
    first_section = sections[0] if sections else None
    # headline summary: paragraphs between the table and "What needs to improve"
    stop = wnti if wnti is not None else first_section if first_section is not None else len(blocks)
    for b in blocks[table_end + 1 : stop]:
        if b.kind is BlockKind.PARA and not _DATES.match(b.text) and not _LEAD.match(b.text):
            draft.summary.append(b.body())
    if wnti is None:
        draft.warnings.append("no 'What needs to improve' section found")
    else:
        end = next(
            (i for i in range(wnti + 1, len(blocks)) if blocks[i].kind is BlockKind.HEADING),
            len(blocks),
        )
        items = improvement_items(blocks[wnti + 1 : end])
        for item in items:
            text, refs = framework_refs(item)
            draft.improvement_areas.append(ImprovementArea(text=text, framework_refs=refs))
        if not items:
            draft.warnings.append("'What needs to improve' has no items")
    _findings(ctx, draft, sections)


def improvement_items(blocks: list[Block]) -> list[str]:
    """Bullets of an improvement list; paragraphs between bullets (sub-items, a wrapped
    tail) belong to the bullet above. With no bullet glyphs, each paragraph is an item."""
    items: list[str] = []
    has_bullets = any(b.kind is BlockKind.BULLET for b in blocks)
    item: Block | None = None  # the block that started the last item
    for b in blocks:
        if b.kind in (BlockKind.FOOTNOTE, BlockKind.HEADING):
            continue
        if item is not None and is_sub_item(item, b):
            items[-1] = items[-1] + "\n" + b.text  # a sub-bullet: part of the item
        elif b.kind is BlockKind.BULLET or not has_bullets:
            items.append(b.body())
            item = b
        elif items:
            items[-1] = join_lines([items[-1], b.text])
        # else: a lead-in sentence before the first bullet
    return items


def _findings(ctx: Context, draft: Draft, sections: list[int]) -> None:
    blocks = ctx.blocks
    if not sections:
        draft.warnings.append("no judgement sections found")
        return
    table = {j.area: j for j in draft.judgements}
    seen_areas: list[Area] = []
    area: Area | None = None
    section: str | None = None
    findings: list[Finding] = []
    for i in range(sections[0], len(blocks)):
        b = blocks[i]
        if BOILERPLATE.match(b.text):
            break
        if i in sections:
            area = area_of(b.text)
            section = b.text
            m = _SECTION_GRADE.search(b.text)
            grade = parse_grade(m.group(1)) if m else None
            if area is not None:
                seen_areas.append(area)
                expected = table.get(area)
                if expected is not None and grade is not None and expected.grade is not grade:
                    draft.warnings.append(
                        f"section heading {b.text!r} says {grade.value} but the table says "
                        f"{expected.grade.value if expected.grade else 'nothing'}"
                    )
            continue
        if b.kind in (BlockKind.HEADING, BlockKind.FOOTNOTE):
            if b.kind is BlockKind.HEADING and findings:
                # a sub-heading inside a section: keep it with the finding that follows
                continue
            continue
        if b.number is not None:
            findings.append(
                Finding(number=b.number, area=area, section=section, text=b.body(), pages=b.pages)
            )
        elif findings:
            prev = findings[-1]
            sep = "\n" if b.kind is BlockKind.BULLET or prev.text.endswith(":") else " "
            prev.text = prev.text + sep + b.text
            prev.pages = sorted(set(prev.pages) | set(b.pages))
        else:
            draft.warnings.append(f"unnumbered paragraph before the first finding: {b.text[:60]!r}")
    draft.findings = findings
    draft.warnings.extend(numbering_warnings([f.number for f in findings]))
    for j in draft.judgements:
        if j.area is not Area.OVERALL_EFFECTIVENESS and j.area not in seen_areas:
            draft.warnings.append(f"judgement {j.area.value!r} has no section in the report")
