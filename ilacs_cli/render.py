"""Rich views of reports, for people. JSON for programs is the models' own dump."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .models import Area, Grade, Report

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

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


def grade_text(grade: Grade | None, label: str | None = None) -> RenderableType:
    from rich.text import Text

    if grade is None:
        return Text(label or "not graded", style="dim")
    words = label or grade.value.replace("_", " ").capitalize()
    return Text(words, style=GRADE_STYLE[grade])


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
    grid.add_row("Authority", report.local_authority.name)
    grid.add_row("Kind", report.kind.value.replace("_", " "))
    grid.add_row("Dates", _period(report))
    if report.letter_date:
        grid.add_row("Letter", report.letter_date.isoformat())
    if report.inspectors:
        grid.add_row(
            "Inspectors",
            ", ".join(
                f"{i.name}{' (lead)' if i.role == 'lead' else ''}" for i in report.inspectors
            ),
        )
    if report.judgements:
        grid.add_row("Overall", grade_text(report.overall_effectiveness))
    grid.add_row("Source", f"{report.source.path} ({report.source.pages} pages)")
    return Panel(grid, title=f"[bold]{report.id}[/bold]", title_align="left", expand=False)


def judgements_table(report: Report) -> RenderableType:
    from rich.table import Table

    table = Table(title="Judgements", title_justify="left", show_lines=False)
    table.add_column("Judgement")
    table.add_column("Grade")
    for j in report.judgements:
        table.add_row(j.label, grade_text(j.grade, j.grade_label))
    return table


def improvement_table(report: Report) -> RenderableType:
    from rich.table import Table

    table = Table(title="What needs to improve", title_justify="left", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("Improvement area")
    table.add_column("National Framework")
    for i, area in enumerate(report.improvement_areas, start=1):
        prefix = "[bold red]priority[/] " if area.priority else ""
        table.add_row(str(i), prefix + area.text, ", ".join(area.framework_refs))
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
            table.add_row(str(f.number), f.text, ",".join(map(str, f.pages)))
        yield table


def print_report(console: Console, report: Report, *, findings: bool = True) -> None:
    console.print(header(report))
    if report.judgements:
        console.print(judgements_table(report))
    if report.summary:
        from rich.markdown import Markdown

        console.print(Markdown("**Summary**\n\n" + "\n\n".join(report.summary)))
    if report.improvement_areas:
        console.print(improvement_table(report))
    if findings:
        for table in findings_tables(report):
            console.print(table)
    else:
        console.print(f"[dim]{len(report.findings)} findings (shown with --findings)[/dim]")
