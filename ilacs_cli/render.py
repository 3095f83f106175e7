"""Rich views of reports, for people. JSON for programs is the models' own dump."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .models import Area, Grade, Kind, Report
from .safe import printable
from .vocabulary import GRADES, KINDS, VISIT_KINDS, area_info, kind_info

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


def plain(value: object, style: str = "") -> Text:
    """Document or path text as a rich ``Text``: never read as markup, control characters
    shown as escapes. Every cell, title and line that holds such text goes through here."""
    from rich.text import Text

    return Text(printable("" if value is None else str(value)), style=style)


def grade_text(grade: Grade | None, label: str | None = None) -> RenderableType:

    if grade is None:
        return plain(label or "not graded", style="dim")
    words = label or GRADES[grade].word
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
    grid.add_row("Kind", kind_info(report.kind).word)
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
        title = area_info(area).title if area else "Findings"
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
    """A kind in words (``vocabulary.KINDS``), from its value as the library stores it."""
    try:
        return kind_info(Kind(kind)).word
    except ValueError:
        return kind.replace("_", " ")


#: Short labels for narrow terminals (under :data:`WIDE` columns), explained by a legend:
#: those of ``vocabulary.KINDS``.
KIND_SHORT: dict[Kind, str] = {k: i.short for k, i in KINDS.items()}
GRADE_SHORT: dict[Grade, str] = {g: i.short for g, i in GRADES.items()}
#: From this many columns up, views use whole words; below it, the short labels.
WIDE = 110

GRADE_LEGEND = (
    "Outst = outstanding, RI = requires improvement to be good, Adeq = adequate, Inad = inadequate"
)
KIND_LEGEND = "FV/MV = focused/monitoring visit, SIF = single inspection framework (2014-18)"

#: Kinds with no grades at all: their overall cell says so rather than a dash.
UNGRADED_KINDS = VISIT_KINDS


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


def history_table(
    reports: list[Report], authority: str | None = None, width: int = 120
) -> RenderableType:
    """An authority's trajectory: one row per document in date order, one column per
    judgement, grades in short words with a legend (a trajectory is read down a column).
    Ungraded documents (visits) say so; with ``authority`` (its slug), a predecessor's
    documents are marked.

    Where a column per judgement area does not fit ``width``, the judgements go under the
    headline columns (:data:`~ilacs_cli.vocabulary.COLUMNS`: an older framework's grade under
    its successor's column), the date column goes (the document says it), and the judgements
    with no headline column are counted in a note (``-f json`` has them all)."""
    from rich.console import Group
    from rich.table import Table

    from .library import history_rows, report_date
    from .vocabulary import COLUMNS

    areas, rows = history_rows(reports, authority)
    own = [r for r, row in zip(reports, rows, strict=True) if not row["predecessor"]]
    name = (own or reports)[-1].local_authority.name if reports else ""
    id_width = max((len(row["id"]) for row in rows), default=8)
    # a column per area: its short title wraps at spaces, a grade is at most 10 letters
    per_area = (
        id_width
        + 13
        + 4
        + sum(3 + max(10, *(len(w) for w in area_info(a).short.split())) for a in areas)
    )
    narrow = per_area > width
    # narrow: a document is named by its short form (salford-2023) where no other row has
    # it; `ilacs show` and `ilacs diff` take short forms
    shorts = [_short_id(r) for r in reports]
    names = [
        short if narrow and short and shorts.count(short) == 1 else row["id"]
        for short, row in zip(shorts, rows, strict=True)
    ]
    id_width = max((len(n) for n in names), default=8)
    groups: list[tuple[str, tuple[Area, ...]]]
    if narrow:
        groups = [(c.tiny or c.short, c.areas) for c in COLUMNS if set(c.areas) & set(areas)]
        shown = {a for _, group in groups for a in group}
        hidden = [a for a in areas if a not in shown]
    else:
        groups = [(area_info(a).short, (a,)) for a in areas]
        hidden = []
    table = Table(title=plain(f"History: {name}"), title_justify="left")
    # the document's id is what a user types next: never cut (its second line is as wide)
    table.add_column("Document", no_wrap=True, min_width=max(id_width, 16))
    if not narrow:
        table.add_column("Date", no_wrap=True)
    for title, _ in groups:
        # headers wrap at spaces, never inside a word
        table.add_column(title, min_width=max(5, *(len(w) for w in title.split())))
    for report, row, shown_id in zip(reports, rows, names, strict=True):
        cells: list[RenderableType] = []
        for i, (_, group) in enumerate(groups):
            judgement = next((j for a in group if (j := report.judgement(a)) is not None), None)
            if judgement is not None:
                cells.append(_history_grade(judgement.grade, judgement.grade_label))
            elif not row["graded"] and i == 0:
                cells.append(plain("not graded", style="dim"))
            else:
                cells.append(plain("—", style="dim"))
        day = report_date(report)
        document = plain(shown_id)
        second = (
            _kind(row["kind"])
            if not narrow
            else (f"{KIND_SHORT[report.kind]} {day.isoformat() if day else ''}".rstrip())
        )
        document.append("\n" + second, style="dim")
        if row["predecessor"]:
            document.append(plain(f"\npredecessor: {report.local_authority.name}", "italic"))
        date_cell = [day.isoformat() if day else "—"] if not narrow else []
        table.add_row(document, *date_cell, *cells)
    notes: list[RenderableType] = [legend(GRADE_LEGEND)]
    if narrow:
        notes.insert(0, legend(KIND_LEGEND))
    if hidden:
        titles = ", ".join(area_info(a).title.lower() for a in hidden)
        notes.append(legend(f"Not shown at this width: {titles} (-f json has every grade)."))
    return Group(table, *notes)


def _short_id(report: Report) -> str | None:
    from .library import report_date

    day = report_date(report)
    return f"{report.local_authority.slug}-{day.year}" if day else None


def _history_grade(grade: Grade | None, label: str | None) -> RenderableType:
    """A history cell: the grade in at most five letters, or the row's own words for a
    judgement without a grade ("Not judged")."""
    if grade is None:
        return plain(label or "not graded", style="dim")
    return short_grade(grade)
