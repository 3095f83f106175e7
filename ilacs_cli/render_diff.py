"""Rich view of a :class:`~ilacs_cli.compare.ReportDiff`, for people.

JSON for programs is the model's own dump: ``ReportDiff.model_dump_json()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .compare import (
    Change,
    DiffSide,
    Evidence,
    FindingsChange,
    ImprovementStatus,
    JudgementChange,
    ReportDiff,
)
from .render import grade_text, plain
from .safe import printable
from .vocabulary import area_info, kind_words

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

CHANGE_STYLE: dict[Change, tuple[str, str]] = {
    Change.IMPROVED: ("▲ improved", "bold green"),
    Change.DECLINED: ("▼ declined", "bold red"),
    Change.UNCHANGED: ("= unchanged", "dim"),
    Change.NEW: ("+ new", "cyan"),
    Change.NOT_GRADED: ("not graded", "dim"),
    Change.NO_LONGER_GRADED: ("no longer graded", "magenta"),
    Change.NOT_COMPARABLE: ("≠ not comparable", "magenta"),
}

STATUS_STYLE: dict[ImprovementStatus, str] = {
    ImprovementStatus.ADDRESSED: "bold green",
    ImprovementStatus.PERSISTING: "bold red",
    ImprovementStatus.NOT_MENTIONED: "dim",
    ImprovementStatus.NEW: "bold yellow",
    ImprovementStatus.UNCLEAR: "magenta",
}

POLARITY_MARK = {"positive": "[green]+[/]", "negative": "[red]-[/]", "neutral": "[dim]·[/]"}


def _m(text: str | None) -> str:
    """Document text inside a markup string: escaped, control characters made visible."""
    from rich.markup import escape

    return escape(printable(text or ""))


def _dates(side: DiffSide) -> str:
    start, end = side.inspection.start, side.inspection.end
    if start and end and start != end:
        return f"{start.isoformat()} to {end.isoformat()}"
    one = start or end or side.letter_date
    return one.isoformat() if one else "dates not stated"


def _side_line(side: DiffSide) -> str:
    return f"[bold]{_m(side.id)}[/bold] ({kind_words(side.kind)}, {_dates(side)})"


def where(e: Evidence) -> str:
    """Where a piece of evidence is: 'finding 3, p2', 'summary paragraph 1 (no number)'."""
    pages = f", p{','.join(map(str, e.pages))}" if e.pages else ""
    if e.source == "finding":
        return f"finding {e.finding_number}{pages}"
    if e.source == "summary":
        return f"summary paragraph {e.paragraph} (no number)"
    return f"improvement area {e.paragraph}"


def header(d: ReportDiff) -> RenderableType:
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("Old", _side_line(d.old))
    grid.add_row("New", _side_line(d.new))
    for label, side in (("Old focus", d.old), ("New focus", d.new)):
        if side.focus:
            grid.add_row(label, plain(side.focus))
    for w in d.warnings:
        grid.add_row("[yellow]Warning[/]", plain(w))
    return Panel(
        grid, title=plain(f"{d.old.id} → {d.new.id}", "bold"), title_align="left", expand=False
    )


def _change_text(c: JudgementChange) -> Text:
    from rich.text import Text

    words, style = CHANGE_STYLE[c.change]
    return Text(words, style=style)


def grades_table(d: ReportDiff) -> RenderableType:
    from rich.table import Table

    title = "Judgements" + (f" - {d.grades_note}" if d.grades_note else "")
    table = Table(title=title, title_justify="left")
    table.add_column("Judgement")
    table.add_column("Old")
    table.add_column("", justify="center")
    table.add_column("New")
    table.add_column("Change")
    table.add_column("Note", style="dim")
    rows = [*d.judgements, *([d.overall] if d.overall else [])]
    for c in rows:
        name = area_info(c.area).title
        if c.old_area and c.new_area and c.old_area != c.new_area:
            name = f"{name} [dim](was {area_info(c.old_area).title})[/dim]"
        table.add_row(
            name,
            grade_text(c.old_grade, None if c.old_area else "-"),
            "→",
            grade_text(c.new_grade, None if c.new_area else "-"),
            _change_text(c),
            plain(c.note),
        )
    return table


def _evidence_lines(items: list[Evidence]) -> str:
    return "\n".join(
        f"{POLARITY_MARK[e.polarity]} [bold]{where(e)}[/bold]: {_m(e.text)}" for e in items
    )


def improvement_table(d: ReportDiff) -> RenderableType:
    from rich.table import Table

    table = Table(title="Improvement areas", title_justify="left", show_lines=True)
    table.add_column("Status")
    table.add_column("Improvement area")
    table.add_column("Evidence")
    for c in d.improvement_areas:
        style = STATUS_STYLE[c.status]
        status = f"[{style}]{c.status.value.replace('_', ' ')}[/]"
        if c.status is ImprovementStatus.NEW:
            text = f"[dim]new #{c.new_index}:[/dim] {_m(c.new_text)}"
            evidence = (
                "[dim]earlier findings on the subject (old report):[/dim]\n"
                + _evidence_lines(c.related)
                if c.related
                else "[dim]no earlier finding on the subject[/dim]"
            )
        else:
            text = f"[dim]old #{c.old_index}:[/dim] {_m(c.old_text)}"
            # the subject, when it is not simply how the item begins
            if c.subject and not (c.old_text or "").startswith(c.subject):
                text += f"\n[dim]subject: {_m(c.subject)}[/dim]"
            sure = f" (confidence {c.confidence:.2f})" if c.confidence is not None else ""
            evidence = f"[dim]{_m(c.reason)}{sure}[/dim]"
            if c.evidence:
                evidence += "\n" + _evidence_lines(c.evidence)
        table.add_row(status, text, evidence)
    return table


def findings_table(f: FindingsChange, old_id: str, new_id: str) -> RenderableType | None:
    from rich.table import Table

    pairs = [*f.stronger, *f.weaker]
    if not pairs and not f.themes_only_old and not f.themes_only_new:
        return None
    title = f"Findings: {_m(f.label)}" + (f" [dim]({_m(f.note)})[/dim]" if f.note else "")
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("")
    table.add_column(plain(old_id))
    table.add_column(plain(new_id))
    for p in pairs:
        mark = "[green]▲ stronger[/]" if p.direction == "stronger" else "[red]▼ weaker[/]"
        table.add_row(
            mark,
            f"[bold]{where(p.old)}[/bold]: {_m(p.old.text)}",
            f"[bold]{where(p.new)}[/bold]: {_m(p.new.text)}",
        )
    if f.themes_only_old or f.themes_only_new:

        def themes(rows: list) -> str:  # type: ignore[type-arg]
            return (
                "\n".join(
                    f"{_m(r.label)} [dim]({r.sentences}x; findings "
                    f"{', '.join(map(str, r.findings)) or '-'})[/dim]"
                    for r in rows
                )
                or "[dim]-[/dim]"
            )

        table.add_row("[dim]only here[/dim]", themes(f.themes_only_old), themes(f.themes_only_new))
    return table


def print_diff(console: Console, d: ReportDiff) -> None:
    """Header, grade table, improvement-area ledger, then findings changes."""
    console.print(header(d))
    if d.judgements or d.overall:
        console.print(grades_table(d))
    elif d.grades_note:
        console.print(plain(d.grades_note, "dim"))
    if d.improvement_areas:
        console.print(improvement_table(d))
    else:
        console.print("[dim]Neither report lists improvement areas.[/dim]")
    for f in d.findings:
        table = findings_table(f, d.old.id, d.new.id)
        if table is not None:
            console.print(table)
