"""Rules for single inspection framework (SIF) reports, 2014-2018, and standalone reviews of a
Local Safeguarding Children Board (LSCB).

A SIF report opens with the overall judgement as a sentence ("Children's services in X are
good", "The overall judgement is that children's services require improvement"), then a
numbered list of judgements with grades set to the right (wrapping over two lines, sometimes
above and below the row's label). The LSCB review's grade is a sentence on page 1 or the
heading of the report's second part. Paragraphs are numbered once, from 1, through the whole
report, the LSCB part included; the earliest reports (2014) use bullets instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ingest import Line
from ..layout import Block, BlockKind, is_sub_item, join_lines
from ..models import Area, Finding, Grade, ImprovementArea, Judgement
from .common import (
    clean_person,
    date_span,
    make_inspectors,
    numbering_warnings,
    parse_grade,
    split_names,
)
from .context import Context, Draft
from .ilacs import BOILERPLATE

_GRADE = (
    r"(?P<grade>outstanding|good|requires? improvement(?:\s+to\s+be\s+good)?|inadequate|not judged)"
)
_TITLE = re.compile(
    r"\b(?:re-?\s?inspection|inspection) of services for children in need of help and\s+"
    r"protection|\breview of the effectiveness of the local safeguarding children board",
    re.IGNORECASE,
)
# the dates field, even when the title runs into it or "Report published: ..." follows it
_DATES = re.compile(
    r"\binspection dates?\s*:?\s*(?=\d)(.*?)\s*(?=\breport published\b|\bpublished\b|"
    r"\blead inspector\b|$)",
    re.IGNORECASE,
)
_SERVICES = r"children[’']?s\s+services?"
_OVERALL = re.compile(
    # "The overall judgement is good", "The overall judgement is that children's services
    # require improvement", "... is that the children's services are now good"
    r"overall judgement is(?:\s+that\s+(?:the\s+)?" + _SERVICES + r"(?:\s+(?:are|is))?"
    r"(?:\s+now)?)?\s+" + _GRADE + r"\b"
    # "Children's services in X are good", "... in X is inadequate", "... are now judged to be
    # good" (a re-inspection), "... requires improvement to be good", "Children's service
    # requires improvement"; never "are no longer inadequate"
    r"|" + _SERVICES + r"\b[^.]{0,120}?\b(?:(?:are|is)(?:\s+now)?(?:\s+judged(?:\s+to\s+be)?)?"
    r"\s+" + _GRADE.replace("grade", "grade2") + r"\b|(?:now\s+)?"
    r"(?P<req>requires?\s+improvement(?:\s+to\s+be\s+good)?))",
    re.IGNORECASE,
)
_LSCB_GRADE = re.compile(
    r"^(?:the judgement for\s+)?the\s+(?:effectiveness of the\s+)?"
    r"(?:local safeguarding children(?:\s+board)?|lscb)(?:\s*\([A-Z]+\))?"
    r"\s+(?:is\s+|are\s+)?" + _GRADE + r"\b",
    re.IGNORECASE,
)
_ROW = re.compile(
    r"^(?P<num>[123](?:\.[12])?)\.?\s+(?P<label>children who need|children looked after|"
    r"adoption performance|experiences and progress of care leavers|leadership, management)",
    re.IGNORECASE,
)
_INSPECTOR_LINE = re.compile(
    r"^(?P<role>(?:deputy\s+)?lead inspector|team inspectors?|shadow inspectors?|"
    r"inspectors?)\s*:\s*(?P<names>.+)$",
    re.IGNORECASE,
)

# headings that organise the report, in the order they are tried
_SUMMARY = re.compile(r"^(summary of (key )?findings|executive summary)\b", re.IGNORECASE)
_WNTI = re.compile(r"^what does the (local authority|lscb|board)\b.*need to improve", re.IGNORECASE)
_PRIORITY = re.compile(r"^priority and immediate action", re.IGNORECASE)
_IMPROVE = re.compile(r"^(areas for improvement|recommendations)\b", re.IGNORECASE)
_LSCB_PART = re.compile(
    r"^(section 2\b.*|the local safeguarding children board \(lscb\)$|"
    r"the effectiveness of the lscb\b.*|"
    r"the local safeguarding children (board )?(is|requires)\b.*)",
    re.IGNORECASE,
)
_OTHER = re.compile(
    r"^(information about th(is|e)\b|what the inspection judge?ments mean|summary for children|"
    r"contents$|the inspection team|progress since the last inspection)",
    re.IGNORECASE,
)
# headings that end an improvement list (others inside one are its topic sub-headings)
_LEAVE_LIST = re.compile(
    r"strengths|weaknesses|inspection findings|inspection judge?ments?|summary|information about|"
    r"progress since|the local authority$",
    re.IGNORECASE,
)
_GRADE_START = re.compile(r"^(outstanding|good|requires?|inadequate|adequate|not judged)\b", re.I)
_GRADE_TOKEN = re.compile(
    r"\b(outstanding|good|requires?|improvement|to be good|inadequate|not judged)\b", re.I
)
_EXPECTATION = re.compile(r"^it is ofsted[’']s expectation", re.IGNORECASE)


def sif_area(label: str) -> Area | None:
    """The SIF judgement a row or section heading names."""
    t = _GRADE_TOKEN.sub(" ", label.lower())  # grades set inside a wrapped heading
    t = re.sub(r"\s+", " ", t).strip()
    if "adoption performance" in t:
        return Area.ADOPTION_PERFORMANCE
    if "care leavers" in t and "looked after and care leavers" not in t:
        return Area.CARE_LEAVERS
    if "looked after and achieving permanence" in t or "children looked after" in t:
        return Area.CHILDREN_LOOKED_AFTER
    if "help and protection" in t:
        return Area.HELP_AND_PROTECTION
    if "leadership, management and governance" in t or "leadership, management" in t:
        return Area.LEADERSHIP_MANAGEMENT_GOVERNANCE
    return None


def _grade_of(text: str) -> tuple[Grade | None, str | None]:
    text = re.sub(r"\s+", " ", text).strip(" .")
    if not text:
        return None, None
    if re.match(r"^not judged\b", text, re.IGNORECASE):
        return None, text
    return parse_grade(text), text


# --------------------------------------------------------------------------- the judgement list


@dataclass
class _Row:
    label: list[str]
    page: int
    top: float
    bottom: float
    grade: list[str] = field(default_factory=list)


def parse_judgement_list(lines: list[Line]) -> tuple[list[Judgement], list[str]]:
    """The numbered judgement list of page 1: rows from their numbering and wording, grade
    cells from the column right of the labels. A grade wrapped over two lines ("Requires" /
    "improvement"), even one printed above and below its row's label, is one cell; each cell
    goes to the row nearest it vertically."""
    row_idx = [i for i, ln in enumerate(lines) if _ROW.match(_row_text(ln))]
    if not row_idx:
        return [], ["no judgement list found"]
    page = lines[row_idx[0]].page
    first, last = row_idx[0], row_idx[-1]
    label_x = min(lines[i].x0 for i in row_idx)
    # grade column: the leftmost grade word printed well to the right of the labels
    pieces: list[tuple[Line, float, str]] = []  # line, x0, text of right-hand pieces
    window = [ln for ln in lines[max(0, first - 2) : last + 3] if ln.page == page]
    for ln in window:
        for seg in ln.segments or []:
            if seg.x0 > label_x + 150:
                pieces.append((ln, seg.x0, seg.text))
        if not ln.segments and ln.x0 > label_x + 150:
            pieces.append((ln, ln.x0, ln.text))
    starts = [x for _, x, t in pieces if _GRADE_START.match(t)]
    if not starts:
        return [], ["judgement list: no grades found"]
    grade_x = min(starts)
    rows: list[_Row] = []
    cells: list[_Row] = []  # reuse the shape: text parts and a vertical span
    for ln in window:
        left = [s.text for s in ln.segments if s.x1 < grade_x - 2] if ln.segments else []
        right = [s.text for s in ln.segments if s.x1 >= grade_x - 2] if ln.segments else []
        if not ln.segments:
            (right if ln.x0 >= grade_x - 8 else left).append(ln.text)
        label = " ".join(left).strip()
        if label:
            if _ROW.match(label):
                rows.append(_Row([label], ln.page, ln.top, ln.bottom))
            elif rows and ln.top - rows[-1].bottom < ln.size * 1.6 and ln.x0 > label_x + 4:
                rows[-1].label.append(label)  # a wrapped label ("permanence")
                rows[-1].bottom = ln.bottom
        grade = " ".join(right).strip()
        if grade:
            starts_grade = bool(_GRADE_START.match(grade))
            if cells and not starts_grade and ln.top - cells[-1].bottom < ln.size * 2:
                cells[-1].label.append(grade)
                cells[-1].bottom = ln.bottom
            elif starts_grade:
                cells.append(_Row([grade], ln.page, ln.top, ln.bottom))
    for cell in cells:
        centre = (cell.top + cell.bottom) / 2
        best = min(rows, key=lambda r: abs((r.top + r.bottom) / 2 - centre))
        best.grade.extend(cell.label)
    judgements: list[Judgement] = []
    warnings: list[str] = []
    for row in rows:
        label = re.sub(r"^[123](?:\.[12])?\.?\s+", "", " ".join(row.label)).strip()
        area = sif_area(label)
        if area is None or any(j.area is area for j in judgements):
            continue
        grade, grade_label = _grade_of(" ".join(row.grade))
        if grade_label is None:
            warnings.append(f"judgement list: no grade for {label!r}")
        elif grade is None and not grade_label.lower().startswith("not judged"):
            warnings.append(f"judgement list: grade {grade_label!r} not understood for {label!r}")
        judgements.append(Judgement(area=area, label=label, grade=grade, grade_label=grade_label))
    return judgements, warnings


def _row_text(ln: Line) -> str:
    return (
        ln.segments[0].text + " " + " ".join(s.text for s in ln.segments[1:2])
        if ln.segments
        else ln.text
    )


# --------------------------------------------------------------------------- the body


@dataclass
class _Walk:
    """Where the reader is while walking the report's blocks."""

    mode: str = "skip"  # skip | findings | priority | improve
    section: str | None = None
    area: Area | None = None
    lscb: bool = False
    after_heading: bool = True  # no numbered paragraph since the last heading


def extract_sif(ctx: Context, draft: Draft, *, lscb_only: bool = False) -> None:
    blocks = ctx.blocks
    page1 = [b for b in blocks if b.page == blocks[0].page] if blocks else []
    _head(ctx, draft)
    if not lscb_only:
        first_lines = [ln for ln in ctx.doc.lines if ln.page <= 2]
        judgements, warnings = parse_judgement_list(first_lines)
        draft.warnings.extend(warnings)
        head_text = " ".join(b.text for b in page1)
        found = overall_sentence(head_text)
        if found:
            grade, label = found
            draft.overall = grade
            judgements.insert(
                0,
                Judgement(
                    area=Area.OVERALL_EFFECTIVENESS,
                    label="Overall effectiveness",
                    grade=grade,
                    grade_label=label,
                ),
            )
        else:
            draft.warnings.append("no overall judgement sentence found")
        draft.judgements = judgements
    lscb = _lscb_judgement(blocks)
    if lscb is not None:
        draft.judgements.append(lscb)
    elif lscb_only or any(_LSCB_PART.match(b.text) for b in blocks if b.kind is BlockKind.HEADING):
        draft.warnings.append("no LSCB judgement found")
    _body(ctx, draft, lscb_only)
    if not draft.summary:
        # the earliest layout: the paragraphs under the overall judgement on page 1
        overall_at = next((i for i, b in enumerate(page1) if _OVERALL.search(b.text)), None)
        if overall_at is not None:
            for b in page1[overall_at + 1 :]:
                if b.kind is not BlockKind.PARA or b.number is not None or _ROW.match(b.text):
                    break
                if not _EXPECTATION.match(b.text) and not b.text.rstrip().endswith(":"):
                    draft.summary.append(b.body())


def overall_sentence(text: str) -> tuple[Grade | None, str | None] | None:
    """The overall judgement a SIF report states in a sentence on page 1, as (grade,
    wording), or None."""
    m = _OVERALL.search(text)
    if not m:
        return None
    return _grade_of(m.group("grade") or m.group("grade2") or m.group("req"))


def extract_lscb_review(ctx: Context, draft: Draft) -> None:
    extract_sif(ctx, draft, lscb_only=True)


def _head(ctx: Context, draft: Draft) -> None:
    blocks = ctx.blocks
    for i, b in enumerate(blocks[:30]):
        title = _TITLE.search(b.text)
        if title and draft.local_authority is None:
            # the authority over the title, or printed on the title's first line
            joined = b.text[: title.start()].strip(" –-")
            earlier = [x.text.strip() for x in blocks[:i] if x.text.strip()]
            if joined:
                draft.local_authority = joined
            elif earlier:
                draft.local_authority = re.sub(r"\s*[–-]\s*$", "", earlier[-1])
        m = _DATES.search(b.text)
        if m and draft.start is None:
            dates = m.group(1)
            if re.search(r"(?:[–-]|\bto|\band)$", dates) and i + 1 < len(blocks):
                dates += " " + blocks[i + 1].text  # "2 June 2014 –" / "25 June 2014"
            # the publication date that may follow on the line is never the end date
            dates = re.split(r"\b(?:report )?published\b", dates, flags=re.IGNORECASE)[0]
            draft.start, draft.end = date_span(dates)
    names: list[str] = []
    lead: str | None = None
    for b in blocks:
        m = _INSPECTOR_LINE.match(b.text)
        if not m:
            continue
        role = m.group("role").lower()
        found = split_names(m.group("names"))
        if role == "lead inspector" and found and lead is None:
            lead = clean_person(found[0])
        else:
            names.extend(found)
    if lead is not None or names:
        draft.inspectors = make_inspectors(([lead] if lead else []) + names)
        if lead is None:
            draft.inspectors[0].role = "inspector"


def _lscb_judgement(blocks: list[Block]) -> Judgement | None:
    for b in blocks:
        if b.number is not None or len(b.text) > 250:
            continue
        m = _LSCB_GRADE.match(b.text)
        if m:
            grade, label = _grade_of(m.group("grade"))
            return Judgement(
                area=Area.LSCB,
                label="Effectiveness of the Local Safeguarding Children Board",
                grade=grade,
                grade_label=label,
            )
    return None


def _section_heading(b: Block) -> tuple[Area, str] | None:
    """A judgement section's heading: it names an area and a grade ("The graded judgement
    for adoption performance is good"; "Leadership, management and governance Good")."""
    if b.number is not None or len(b.text) > 160 or b.kind is BlockKind.BULLET:
        return None
    area = sif_area(b.text)
    if area is None or not _GRADE_TOKEN.search(b.text):
        return None
    if b.kind is BlockKind.PARA and b.text.rstrip().endswith("."):
        return None  # a sentence, not a heading
    return area, _heading_label(b.text)


_HEADING_GRADE = re.compile(
    r"\b(requires?\s+improvement(?:\s+to\s+be\s+good)?|outstanding|good|inadequate)\b",
    re.IGNORECASE,
)


def heading_grade(text: str) -> Grade | None:
    """The grade a section heading states: the first grade phrase, read whole, so "...
    require improvement to be good" is requires_improvement, never good."""
    m = _HEADING_GRADE.search(re.sub(r"\s+", " ", text))
    return parse_grade(m.group(1)) if m else None


def _heading_label(text: str) -> str:
    """The heading without a grade cell that was set inside its wrapped lines:
    "The experiences and progress of children Requires improvement who need help and
    protection" -> "The experiences and progress of children who need help and protection"."""
    text = re.sub(r"\s+", " ", text).strip()
    inner = re.compile(
        r"\s(Requires improvement(?: to be good)?|Requires|Good|Outstanding|Inadequate)(?=\s)"
    )
    m = inner.search(text)
    if not m:
        return text
    text = text[: m.start()] + text[m.end() :]
    if m.group(1) == "Requires":
        text = re.sub(r"\s[Ii]mprovement(?: to be good)?$", "", text)
    return text


def _body(ctx: Context, draft: Draft, lscb_only: bool) -> None:
    blocks = ctx.blocks
    walk = _Walk(lscb=lscb_only, area=Area.LSCB if lscb_only else None)
    findings: list[Finding] = []
    unnumbered: list[Finding] = []  # paragraphs of reports with no numbering at all
    items: list[tuple[str, bool, Area | None, int | None]] = []  # text, priority, area, number
    item: Block | None = None  # the block that started the last item
    # the walk starts after the judgement list (a summary may follow it on page 1)
    rows = [i for i, b in enumerate(blocks[:60]) if _ROW.match(b.text) or _LSCB_GRADE.match(b.text)]
    start = rows[-1] + 1 if rows and not lscb_only else 0
    for b in blocks[start:]:
        text = b.text.strip()
        if BOILERPLATE.match(text):
            break
        if (
            b.kind is BlockKind.FOOTNOTE
            or re.search(r"\s\d{1,3}$", text)
            and b.number is None
            and b.kind is BlockKind.HEADING
        ):
            continue  # footnotes, contents lines
        # inside a summary or a list, a plain line naming a judgement and a grade is a
        # topic sub-heading ("Leadership, management and governance require improvement")
        in_part = walk.mode in ("summary", "priority", "improve")
        section = None if in_part and b.kind is not BlockKind.HEADING else _section_heading(b)
        if section is not None:
            _check_heading_grade(draft, section[0], b.text)
        if b.kind is BlockKind.HEADING or section is not None or _is_subheading(b):
            _turn(walk, b, section)
            item = None
            continue
        if walk.mode in ("priority", "improve"):
            priority = walk.mode == "priority"
            area = Area.LSCB if walk.lscb else None
            if items and item is not None and is_sub_item(item, b):
                t, p, a, n = items[-1]  # a sub-bullet belongs to the item above
                items[-1] = (t + "\n" + b.text, p, a, n)
            elif b.number is not None or b.kind is BlockKind.BULLET:
                items.append((b.body(), priority, area, b.number))
                item = b
            elif items and items[-1][1] == priority and not walk.after_heading:
                t, p, a, n = items[-1]
                items[-1] = (join_lines([t, text]), p, a, n)
            elif not _looks_like_sentence(text):
                pass  # a sub-heading inside the list
            elif re.search(r"did not find any|\bno (areas for )?priority\b", text, re.IGNORECASE):
                pass
            else:
                items.append((b.body(), priority, area, None))
            walk.after_heading = False
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
            walk.after_heading = False
            continue
        if findings and not walk.after_heading:
            prev = findings[-1]
            sep = "\n" if b.kind is BlockKind.BULLET or prev.text.endswith(":") else " "
            prev.text = prev.text + sep + text
            prev.pages = sorted(set(prev.pages) | set(b.pages))
            continue
        if walk.mode == "summary" and not walk.lscb:
            draft.summary.append(b.body())
        elif walk.mode == "findings" and walk.area is not None:
            unnumbered.append(
                Finding(
                    number=0, area=walk.area, section=walk.section, text=b.body(), pages=b.pages
                )
            )
    draft.improvement_areas = [ImprovementArea(text=t, priority=p, area=a) for t, p, a, _ in items]
    if findings:
        draft.findings = findings
        numbers = sorted([f.number for f in findings] + [n for *_, n in items if n is not None])
        draft.warnings.extend(numbering_warnings(numbers))
    elif unnumbered:
        for n, f in enumerate(unnumbered, start=1):
            f.number = n
        draft.findings = unnumbered
        draft.warnings.append(
            "the report's paragraphs are not numbered: findings are numbered in reading order"
        )
    else:
        draft.warnings.append("no findings found")
    if (
        not any(not a.priority and a.area is None for a in draft.improvement_areas)
        and not lscb_only
    ):
        draft.warnings.append("no 'Areas for improvement' or 'Recommendations' found")


def _check_heading_grade(draft: Draft, area: Area, text: str) -> None:
    """A warning when a section heading's grade disagrees with the judgement list's."""
    listed = next((j for j in draft.judgements if j.area is area), None)
    said = heading_grade(text)
    if listed is None or listed.grade is None or said is None or said is listed.grade:
        return
    heading = re.sub(r"\s+", " ", text).strip()
    warning = (
        f"section heading {heading!r} says {said.value} but the judgement list says "
        f"{listed.grade.value}"
    )
    if warning not in draft.warnings:
        draft.warnings.append(warning)


def _turn(walk: _Walk, b: Block, section: tuple[Area, str] | None) -> None:
    """A heading moves the reader into a new part of the report."""
    text = re.sub(r"\s+", " ", b.text).strip()
    walk.after_heading = True
    if section is not None:
        walk.area, walk.section = section
        walk.mode = "findings"
        if walk.area is not Area.LSCB:
            walk.lscb = False
        return
    if _LSCB_PART.match(text):
        walk.lscb, walk.area, walk.mode, walk.section = True, Area.LSCB, "findings", text
    elif _SUMMARY.match(text):
        walk.mode = "summary"
        if not walk.lscb:
            walk.area, walk.section = None, text
    elif _WNTI.match(text):
        walk.mode = "improve"
    elif _PRIORITY.match(text):
        walk.mode = "priority"
    elif _IMPROVE.match(text):
        walk.mode = "improve"
    elif _OTHER.match(text):
        walk.mode, walk.section = "skip", text
        if not walk.lscb:
            walk.area = None
    elif walk.mode in ("priority", "improve") and not (
        b.kind is BlockKind.HEADING and _LEAVE_LIST.search(text)
    ):
        pass  # a topic sub-heading inside an improvement list
    elif walk.mode == "skip" and re.match(r"^(section 1\b|the local authority$)", text, re.I):
        walk.mode, walk.section = "findings", text
    elif walk.mode != "skip":
        leaving_list = walk.mode in ("priority", "improve")
        if leaving_list:
            walk.mode = "findings"
        if walk.area is None and walk.mode == "findings":
            walk.section = text  # a part of its own ("The local authority's strengths")


def _is_subheading(b: Block) -> bool:
    """A short line of its own with no sentence punctuation ("Quality of practice")."""
    return (
        b.kind is BlockKind.PARA
        and b.number is None
        and len(b.lines) == 1
        and len(b.text) < 70
        and not _looks_like_sentence(b.text)
        and b.text[:1].isupper()
    )


def _looks_like_sentence(text: str) -> bool:
    return bool(re.search(r"[.:;!?)]$", text.strip())) or len(text.split()) > 12
