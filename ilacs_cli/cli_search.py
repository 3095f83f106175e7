"""``ilacs search`` and ``ilacs themes``: the command-line face of :mod:`ilacs_cli.search`
and :mod:`ilacs_cli.themes`."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# cli.py imports this module at its end, once its shared options are defined
from .cli import DebugOpt, LibraryOpt, OutputOpt, _errors, _library, _write
from .vocabulary import Area, Kind, kind_info

if TYPE_CHECKING:
    from rich.text import Text

    from .search import SearchHit, SearchResult
    from .themes import ThemeCounts


class SearchFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class ThemesFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class PartName(str, Enum):
    findings = "findings"
    improvement_areas = "improvement_areas"
    summary = "summary"
    focus = "focus"


class ThemePart(str, Enum):
    improvement_areas = "improvement_areas"
    focus = "focus"


class SortName(str, Enum):
    rank = "rank"
    date = "date"
    authority = "authority"


class GroupName(str, Enum):
    year = "year"
    region = "region"
    kind = "kind"


AuthorityOpt = Annotated[
    str | None, typer.Option("--authority", "-a", help="Only this authority (slug or name).")
]
RegionOpt = Annotated[
    str | None, typer.Option("--region", help="Only this region, e.g. 'North West'.")
]
KindFilterOpt = Annotated[Kind | None, typer.Option("--kind", help="Only this kind of document.")]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Documents dated on or after: 2023, 2023-06 or 2023-06-30."),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="Documents dated on or before: 2024, 2024-03 or 2024-03-31."),
]

#: How each part of a report is named in the table view.
WHERE_LABELS = {
    "findings": "finding",
    "improvement_areas": "improvement area",
    "summary": "summary ¶",
    "focus": "focus",
}


def register(app: typer.Typer) -> None:
    """Add ``ilacs search`` and ``ilacs themes`` to ``app``."""

    @app.command("search")
    def search_command(
        query: Annotated[
            str,
            typer.Argument(
                help='Words (all must match), "a phrase", AND / OR / NOT, ( ), prefix*. '
                "pre-proceedings is read as a phrase."
            ),
        ],
        authority: AuthorityOpt = None,
        region: RegionOpt = None,
        kind: KindFilterOpt = None,
        area: Annotated[
            Area | None, typer.Option("--area", help="Only findings under this judgement area.")
        ] = None,
        since: SinceOpt = None,
        until: UntilOpt = None,
        parts: Annotated[
            list[PartName] | None,
            typer.Option("--in", help="Only in these parts of a report (repeat for several)."),
        ] = None,
        limit: Annotated[
            int, typer.Option("--limit", "-n", min=0, help="At most N hits (0: all).")
        ] = 50,
        sort: Annotated[
            SortName,
            typer.Option("--sort", help="rank (best first), date (newest first) or authority."),
        ] = SortName.rank,
        fmt: Annotated[
            SearchFormat,
            typer.Option("--format", "-f", help="table (for people), json, jsonl or csv."),
        ] = SearchFormat.table,
        output: OutputOpt = None,
        library: LibraryOpt = None,
        debug: DebugOpt = False,
    ) -> None:
        """Search the findings, improvement areas, summaries and visits' focus of every
        report in the library (SQLite FTS5, ranked by BM25)."""
        from .search import search

        with _errors(debug), _library(library) as lib:
            result = search(
                lib,
                query,
                authority=authority,
                region=region,
                kind=kind,
                area=area,
                since=since,
                until=until,
                parts=[p.value for p in parts] if parts else None,
                limit=limit or None,
                sort=sort.value,
            )
        if fmt is SearchFormat.table:
            _print_table(search_table(result), output)
        elif fmt is SearchFormat.json:
            _write(result.model_dump_json(indent=2) + "\n", output)
        elif fmt is SearchFormat.jsonl:
            _write("".join(h.model_dump_json() + "\n" for h in result.hits), output)
        else:
            _write(hits_csv(result.hits), output)
        shown = len(result.hits)
        if shown < result.total:
            sys.stderr.write(f"{shown} of {result.total} hits shown (--limit 0 shows all)\n")
        elif not shown:
            sys.stderr.write("no passage matches\n")

    @app.command("themes")
    def themes_command(
        by: Annotated[
            GroupName, typer.Option("--by", help="One column per year, region or kind.")
        ] = GroupName.year,
        parts: Annotated[
            list[ThemePart] | None,
            typer.Option(
                "--in", help="Count improvement areas, visits' focus or both (the default)."
            ),
        ] = None,
        authority: AuthorityOpt = None,
        region: RegionOpt = None,
        kind: KindFilterOpt = None,
        since: SinceOpt = None,
        until: UntilOpt = None,
        fmt: Annotated[
            ThemesFormat, typer.Option("--format", "-f", help="table (for people), json or csv.")
        ] = ThemesFormat.table,
        output: OutputOpt = None,
        library: LibraryOpt = None,
        debug: DebugOpt = False,
    ) -> None:
        """Count the practice themes of improvement areas and visits' focus across the
        library, by year, region or kind of document."""
        from .themes import PARTS, count_themes, reports_in

        with _errors(debug), _library(library) as lib:
            reports = reports_in(
                lib, authority=authority, region=region, kind=kind, since=since, until=until
            )
            counts = count_themes(
                reports, by=by.value, parts=[p.value for p in parts] if parts else PARTS
            )
        if fmt is ThemesFormat.table:
            _print_table(themes_table(counts), output)
        elif fmt is ThemesFormat.json:
            _write(json.dumps(counts.to_json(), indent=2) + "\n", output)
        else:
            _write(themes_csv(counts), output)
        if not reports:
            sys.stderr.write("no report matches (ilacs add FILE... fills the library)\n")


# --------------------------------------------------------------------------- rendering


def _print_table(table, output: Path | None) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    if output is not None:
        from .cli import _output

        with _output(output) as fh:  # atomic; a failed write is one line and exit 7
            Console(file=fh, width=120, color_system=None).print(table)
    else:
        Console().print(table)


def where(hit: SearchHit) -> str:
    """Where a hit sits, for people: "finding 12 (help and protection)", "improvement
    area 3 (priority)", "summary ¶2", "focus"."""
    label = WHERE_LABELS[hit.part.value]
    if hit.part.value == "findings":
        text = f"{label} {hit.finding_number}"
        if hit.area is not None:
            text += f" ({hit.area.value.replace('_', ' ')})"
        return text
    if hit.part.value == "summary":
        return f"{label}{hit.item}"
    if hit.part.value == "improvement_areas":
        return f"{label} {hit.item}" + (" (priority)" if hit.priority else "")
    return label


def pages(hit: SearchHit) -> str:
    if not hit.pages:
        return ""
    if len(hit.pages) == 1:
        return f"p. {hit.pages[0]}"
    return f"pp. {hit.pages[0]}-{hit.pages[-1]}"


def _clean(text: str) -> str:
    # text from a document is data: no control codes reach the terminal
    return "".join(" " if (ord(c) < 32 or 127 <= ord(c) < 160) else c for c in text)


def marked_text(text: str, marks: list[tuple[int, int]]) -> Text:
    """A rich Text of ``text`` with its marks highlighted (never parsed as markup)."""
    from rich.text import Text

    out = Text(_clean(text))
    for a, b in marks:
        out.stylize("bold reverse", a, b)
    return out


def search_table(result: SearchResult):  # type: ignore[no-untyped-def]
    from rich.table import Table
    from rich.text import Text

    from .render import plain

    table = Table(
        title=plain(f"Search: {_clean(result.query)} ({result.total} hits)"),
        show_lines=True,
        title_justify="left",
    )
    table.add_column("Document", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Where")
    table.add_column("Page", no_wrap=True)
    table.add_column("Passage", ratio=1)
    for hit in result.hits:
        doc = Text(_clean(hit.authority))
        doc.append("\n" + hit.id, style="dim")
        doc.append("\n" + kind_info(hit.kind).word, style="dim")
        table.add_row(
            doc,
            hit.date.isoformat() if hit.date else "",
            where(hit),
            pages(hit),
            marked_text(hit.snippet, hit.snippet_marks),
        )
    return table


CSV_COLUMNS = (
    "id",
    "authority",
    "region",
    "date",
    "kind",
    "part",
    "item",
    "finding_number",
    "area",
    "pages",
    "priority",
    "score",
    "matches",
    "marks",
    "snippet",
    "text",
)


def hits_csv(hits: list[SearchHit]) -> str:
    """One row per hit; ``marks`` as "start-end" offsets in ``text`` joined by ";"."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for h in hits:
        writer.writerow(
            [
                h.id,
                h.authority,
                h.region or "",
                h.date.isoformat() if h.date else "",
                h.kind.value,
                h.part.value,
                "" if h.item is None else h.item,
                "" if h.finding_number is None else h.finding_number,
                h.area.value if h.area else "",
                ";".join(map(str, h.pages)),
                "true" if h.priority else "false",
                h.score,
                ";".join(h.matches),
                ";".join(f"{a}-{b}" for a, b in h.marks),
                h.snippet,
                h.text,
            ]
        )
    return buf.getvalue()


def themes_table(counts: ThemeCounts):  # type: ignore[no-untyped-def]
    from rich.table import Table

    from .themes import THEMES

    parts = " and ".join(p.replace("_", " ") for p in counts.parts)
    table = Table(title=f"Themes of {parts}, by {counts.by}", title_justify="left")
    table.add_column("Theme")
    for column in counts.columns:
        table.add_column(column.replace("_", " "), justify="right")
    table.add_column("total", justify="right")
    for theme in THEMES:
        row = counts.counts.get(theme.name, {})
        table.add_row(
            theme.label,
            *(str(row.get(c, 0)) for c in counts.columns),
            str(counts.total(theme.name)),
        )
    table.add_row(
        "items counted",
        *(str(counts.items.get(c, 0)) for c in counts.columns),
        str(sum(counts.items.values())),
        style="dim",
    )
    return table


def themes_csv(counts: ThemeCounts) -> str:
    from .themes import THEMES

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["theme", "label", *counts.columns, "total"])
    for theme in THEMES:
        row = counts.counts.get(theme.name, {})
        writer.writerow(
            [
                theme.name,
                theme.label,
                *(row.get(c, 0) for c in counts.columns),
                counts.total(theme.name),
            ]
        )
    writer.writerow(
        ["items", "items counted", *(counts.items.get(c, 0) for c in counts.columns)]
        + [sum(counts.items.values())]
    )
    return buf.getvalue()
