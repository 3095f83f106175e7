"""Rich views of reports, for people. JSON for programs is the models' own dump."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .models import Area, Grade, Kind, Report
from .safe import printable

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

    from .library import Entry

GRADE_STYLE: dict[Grade, str] = {
    Grade.OUTSTANDING: "bold green",
    Grade.GOOD: "green",
    Grade.REQUIRES_IMPROVEMENT: "yellow",
    Grade.ADEQUATE: "yellow",
    Grade.INADEQUATE: "bold red",
}

AREA_TITLES: dict[Area, str] = {
    Area.IMPACT_OF_LEADERS: "Impact of leaders",
    Area.HELP_AND_PROTECTION: "Help and protection",
    Area.CHILDREN_IN_CARE: "Children in care",
    Area.CARE_LEAVERS: "Care leavers",
    Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS: "Children in care and care leavers",
    Area.OVERALL_EFFECTIVENESS: "Overall effectiveness",
    Area.CHILDREN_LOOKED_AFTER: "Children looked after",
    Area.ADOPTION_PERFORMANCE: "Adoption performance",
    Area.LEADERSHIP_MANAGEMENT_GOVERNANCE: "Leadership, management and governance",
    Area.LSCB: "Local Safeguarding Children Board",
}


def plain(value: object, style: str = "") -> Text:
    """Document or path text as a rich ``Text``: never read as markup, control characters
    shown as escapes. Every cell, title and line that holds such text goes through here."""
    from rich.text import Text

    return Text(printable("" if value is None else str(value)), style=style)


def grade_text(grade: Grade | None, label: str | None = None) -> RenderableType:

    if grade is None:
        return plain(label or "not graded", style="dim")
    words = label or grade.value.replace("_", " ").capitalize()
    return plain(words, style=GRADE_STYLE[grade])


def _period(report: Report) -> str:
    start, end = report.inspection.start, report.inspection.end
    if start and end and start != end:
        return f"{start.isoformat()} to {end.isoformat()}"
    return (start or end).isoformat() if (start or end) else "not stated"


def header(report: Report) -> RenderableType:
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("Authority", plain(report.local_authority.name))
    grid.add_row("Kind", report.kind.value.replace("_", " "))
    grid.add_row("Dates", _period(report))
    if report.letter_date:
        grid.add_row("Letter", report.letter_date.isoformat())
    if report.inspectors:
        grid.add_row(
            "Inspectors",
            plain(
                ", ".join(
                    f"{i.name}{' (lead)' if i.role == 'lead' else ''}" for i in report.inspectors
                )
            ),
        )
    if report.judgements:
        grid.add_row("Overall", grade_text(report.overall_effectiveness))
    grid.add_row("Source", plain(f"{report.source.path} ({report.source.pages} pages)"))
    return Panel(grid, title=plain(report.id, "bold"), title_align="left", expand=False)


def judgements_table(report: Report) -> RenderableType:
    from rich.table import Table

    table = Table(title="Judgements", title_justify="left", show_lines=False)
    table.add_column("Judgement")
    table.add_column("Grade")
    for j in report.judgements:
        table.add_row(plain(j.label), grade_text(j.grade, j.grade_label))
    return table


def improvement_table(report: Report) -> RenderableType:
    from rich.table import Table

    table = Table(title="What needs to improve", title_justify="left", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("Improvement area")
    table.add_column("National Framework")
    for i, area in enumerate(report.improvement_areas, start=1):
        text = plain(area.text)
        if area.priority:
            text = plain("priority ", "bold red") + text
        table.add_row(str(i), text, plain(", ".join(area.framework_refs)))
    return table


def findings_tables(report: Report) -> Iterable[RenderableType]:
    from rich.table import Table

    groups: dict[Area | None, list[int]] = {}
    for index, finding in enumerate(report.findings):
        groups.setdefault(finding.area, []).append(index)
    for area, indexes in groups.items():
        title = AREA_TITLES.get(area, "Findings") if area else "Findings"
        table = Table(title=title, title_justify="left", show_lines=True)
        table.add_column("#", justify="right")
        table.add_column("Finding")
        table.add_column("Pages", justify="right")
        for index in indexes:
            f = report.findings[index]
            table.add_row(str(f.number), plain(f.text), ",".join(map(str, f.pages)))
        yield table


def print_report(console: Console, report: Report, *, findings: bool = True) -> None:
    console.print(header(report))
    if report.judgements:
        console.print(judgements_table(report))
    if report.summary:
        # plain text, never Markdown: a document's "[text](url)" must not become a link
        console.print(plain("Summary", "bold"))
        for paragraph in report.summary:
            console.print(plain(paragraph))
            console.print()
    if report.improvement_areas:
        console.print(improvement_table(report))
    if findings:
        for table in findings_tables(report):
            console.print(table)
    else:
        console.print(plain(f"{len(report.findings)} findings (shown with --findings)", "dim"))


def _kind(kind: str) -> str:
    return kind.replace("_", " ")


#: Short labels for narrow terminals (under :data:`WIDE` columns), explained by a legend.
KIND_SHORT: dict[Kind, str] = {
    Kind.ILACS_INSPECTION: "ILACS",
    Kind.FOCUSED_VISIT: "FV",
    Kind.MONITORING_VISIT: "MV",
    Kind.SIF_INSPECTION: "SIF",
    Kind.LSCB_REVIEW: "LSCB",
    Kind.CHILD_PROTECTION_INSPECTION: "CP 2012-13",
    Kind.LAC_INSPECTION: "LAC 2012-13",
}
GRADE_SHORT: dict[Grade, str] = {
    Grade.OUTSTANDING: "Outst",
    Grade.GOOD: "Good",
    Grade.REQUIRES_IMPROVEMENT: "RI",
    Grade.ADEQUATE: "Adeq",
    Grade.INADEQUATE: "Inad",
}
#: From this many columns up, views use whole words; below it, the short labels.
WIDE = 110

GRADE_LEGEND = (
    "Outst = outstanding, RI = requires improvement to be good, Adeq = adequate, Inad = inadequate"
)
KIND_LEGEND = "FV/MV = focused/monitoring visit, SIF = single inspection framework (2014-18)"

#: Kinds with no grades at all: their overall cell says so rather than a dash.
UNGRADED_KINDS = frozenset({Kind.FOCUSED_VISIT, Kind.MONITORING_VISIT})


def short_grade(grade: Grade | None, label: str | None = None) -> RenderableType:
    """A grade in at most five letters, coloured; the legend explains the letters."""
    if grade is None:
        return plain(label or "—", style="dim")
    return plain(GRADE_SHORT[grade], style=GRADE_STYLE[grade])


def legend(*parts: str) -> RenderableType:
    return plain("  ".join(parts), style="dim")


def entries_table(entries: Iterable[Entry], width: int = 120) -> RenderableType:
    """The library's contents, one row per stored report. From :data:`WIDE` columns up,
    kinds and grades in words (and the date added from 140 columns); below, the authority is
    left out (the id starts with it) and kinds and grades are short, with a legend. Ids are
    never broken across lines."""
    from rich.console import Group
    from rich.table import Table

    wide = width >= WIDE
    added = width >= 140
    table = Table(title="Library", title_justify="left")
    table.add_column("Id", no_wrap=True)  # never broken: it is what you type next
    if wide:
        table.add_column("Authority", overflow="fold", min_width=12)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Overall", no_wrap=True)
    if added:
        table.add_column("Added", no_wrap=True)
    for e in entries:
        ungraded = "not graded" if e.kind in UNGRADED_KINDS else "—"
        cells: list[RenderableType] = [plain(e.id)]
        if wide:
            cells.append(plain(e.authority))
        cells += [
            _kind(e.kind.value) if wide else KIND_SHORT[e.kind],
            e.date.isoformat() if e.date else "—",
            grade_text(e.overall, None if e.overall else ungraded)
            if wide
            else short_grade(e.overall, ungraded),
        ]
        if added:
            cells.append(e.added_at[:10])
        table.add_row(*cells)
    if wide:
        return table
    return Group(table, legend(KIND_LEGEND), legend(GRADE_LEGEND))


#: Short column titles for the history view, so a trajectory fits a terminal.
HISTORY_TITLES: dict[Area, str] = {
    Area.OVERALL_EFFECTIVENESS: "Overall",
    Area.IMPACT_OF_LEADERS: "Leaders",
    Area.HELP_AND_PROTECTION: "Help and protection",
    Area.CHILDREN_IN_CARE: "Children in care",
    Area.CARE_LEAVERS: "Care leavers",
    Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS: "In care and leavers",
    Area.CHILDREN_LOOKED_AFTER: "Looked after",
    Area.ADOPTION_PERFORMANCE: "Adoption",
    Area.LEADERSHIP_MANAGEMENT_GOVERNANCE: "Leadership",
    Area.LSCB: "LSCB",
}


def history_table(reports: list[Report], authority: str | None = None) -> RenderableType:
    """An authority's trajectory: one row per document in date order, one column per
    judgement area, each grade coloured. Ungraded documents (visits) say so; with
    ``authority`` (its slug), a predecessor's documents are marked."""
    from rich.table import Table
    from rich.text import Text

    from .library import history_rows, report_date

    areas, rows = history_rows(reports, authority)
    own = [r for r, row in zip(reports, rows, strict=True) if not row["predecessor"]]
    name = (own or reports)[-1].local_authority.name if reports else ""
    table = Table(title=plain(f"History: {name}"), title_justify="left")
    table.add_column("Document", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    for area in areas:
        table.add_column(HISTORY_TITLES[area], overflow="fold")
    for report, row in zip(reports, rows, strict=True):
        cells: list[RenderableType] = []
        for i, area in enumerate(areas):
            judgement = report.judgement(area)
            if judgement is not None:
                label = None if judgement.grade else judgement.grade_label  # "Not judged"
                cells.append(grade_text(judgement.grade, label))
            elif not row["graded"] and i == 0:
                cells.append(Text("not graded", style="dim"))
            else:
                cells.append(Text("—", style="dim"))
        day = report_date(report)
        document = plain(row["id"])
        document.append("\n" + _kind(row["kind"]), style="dim")
        if row["predecessor"]:
            document.append(f"\npredecessor: {report.local_authority.name}", style="italic")
        table.add_row(document, day.isoformat() if day else "—", *cells)
    return table
