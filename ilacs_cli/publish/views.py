"""What the pages show, as plain data for the templates: the registries of grades,
judgement columns and kinds of document, and the geometry of the charts.

Every string that comes from a document stays a plain ``str`` here; the templates escape
it (Jinja2 autoescaping) and make control characters visible (:func:`ilacs_cli.safe.printable`
as the environment's ``finalize``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..models import Area, Grade, Kind, Report
from ..vocabulary import COLUMNS, GRADES, KINDS, NOT_ON_INDEX, Column, kind_info

__all__ = [
    "COLUMNS",
    "GRADE_STYLES",
    "KIND_WORDS",
    "NOT_ON_INDEX",
    "Column",
    "GradeStyle",
    "area_title",
    "chart",
    "column_grade",
    "report_date",
    "safe_name",
]


@dataclass(frozen=True)
class GradeStyle:
    word: str  # what a cell says
    abbr: str  # what a hex or chart point says
    css: str  # the class that colours it (site.css)
    level: int  # the chart's row: 4 best .. 1 worst


#: One entry per grade (a test walks the enum). Colour is never the only signal: every
#: coloured cell, hex and point also carries ``word`` or ``abbr``.
_CSS: dict[Grade, str] = {
    Grade.OUTSTANDING: "g-outstanding",
    Grade.GOOD: "g-good",
    Grade.REQUIRES_IMPROVEMENT: "g-ri",
    Grade.ADEQUATE: "g-adequate",
    Grade.INADEQUATE: "g-inadequate",
}
#: The words, letters and ranks are ``vocabulary.GRADES``'; only the colour class is the
#: page's own.
GRADE_STYLES: dict[Grade, GradeStyle] = {
    g: GradeStyle(i.word, i.letter, _CSS[g], i.rank) for g, i in GRADES.items()
}

CHART_LEVELS = {4: "Outstanding", 3: "Good", 2: "Requires improvement", 1: "Inadequate"}


#: Each kind of document in words: those of ``vocabulary.KINDS``, the one table of kinds.
KIND_WORDS: dict[Kind, str] = {k: i.word for k, i in KINDS.items()}


def kind_word(kind: Kind) -> str:
    return kind_info(kind).word


def area_title(area: Area | None) -> str:
    if area is None:
        return "All findings"
    from ..vocabulary import area_info

    return area_info(area).title


def report_date(report: Report) -> dt.date | None:
    return report.inspection.end or report.inspection.start or report.letter_date


_UNSAFE_NAME = re.compile(r"[^a-z0-9-]+")


def safe_name(text: str) -> str:
    """A file name from a slug or id: lower-case letters, digits and hyphens only."""
    return re.sub("-{2,}", "-", _UNSAFE_NAME.sub("-", text.lower())).strip("-") or "unnamed"


def column_grade(report: Report, column: Column) -> tuple[Grade | None, Area | None]:
    """The report's grade for a column: its first judgement among the column's areas."""
    by_area = {j.area: j for j in report.judgements}
    if column.key == "overall" and report.overall_effectiveness is not None:
        return report.overall_effectiveness, Area.OVERALL_EFFECTIVENESS
    for area in column.areas:
        j = by_area.get(area)
        if j is not None and j.grade is not None:
            return j.grade, area
    return None, None


def graded(report: Report) -> bool:
    """Whether the report grades any index column (an inspection, not a visit or an LSCB
    review on its own)."""
    return any(column_grade(report, c)[0] is not None for c in COLUMNS)


# -- charts -----------------------------------------------------------------------------------


@dataclass
class ChartPoint:
    x: float
    y: float
    grade: Grade
    date: str
    kind: str
    authority: str | None  # the predecessor's name, when it is one's document
    label: str  # the row's wording, as printed


@dataclass
class Chart:
    column: Column
    points: list[ChartPoint] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    path: str = ""
    description: str = ""


CHART_W, CHART_LEFT, CHART_RIGHT = 640.0, 190.0, 24.0
CHART_ROW, CHART_TOP = 24.0, 14.0
CHART_H = CHART_TOP + 4 * CHART_ROW + 22.0


def level_y(level: int) -> float:
    return CHART_TOP + (4 - level) * CHART_ROW + CHART_ROW / 2


def chart(
    column: Column,
    docs: list[tuple[Report, str | None]],
    span: tuple[dt.date, dt.date],
) -> Chart | None:
    """A column's grade over time for one authority's documents (with the predecessor's
    name where the document is a predecessor's), on a time axis shared by its charts."""
    c = Chart(column)
    lo, hi = span
    days = max((hi - lo).days, 1)
    width = CHART_W - CHART_LEFT - CHART_RIGHT

    def x_of(day: dt.date) -> float:
        if hi == lo:
            return CHART_LEFT + width / 2
        return round(CHART_LEFT + width * (day - lo).days / days, 1)

    for report, predecessor in docs:
        grade, area = column_grade(report, column)
        day = report_date(report)
        if grade is None or day is None:
            continue
        j = report.judgement(area) if area else None
        c.points.append(
            ChartPoint(
                x=x_of(day),
                y=level_y(GRADE_STYLES[grade].level),
                grade=grade,
                date=day.isoformat(),
                kind=kind_word(report.kind),
                authority=predecessor,
                label=j.label if j else column.title,
            )
        )
    if not c.points:
        return None
    c.path = " ".join(
        f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(c.points)
    )
    for year in range(lo.year, hi.year + 1):
        day = dt.date(year, 1, 1)
        if lo <= day <= hi or (year == lo.year and hi == lo):
            c.ticks.append((x_of(max(day, lo)), str(year)))
    if not c.ticks:
        c.ticks.append((x_of(lo), str(lo.year)))
    c.description = "; ".join(
        f"{GRADE_STYLES[p.grade].word} on {p.date} ({p.kind}"
        + (f", {p.authority}" if p.authority else "")
        + ")"
        for p in c.points
    )
    return c
