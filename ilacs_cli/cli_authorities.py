"""``ilacs authorities``: the authority register, with the latest grades the library holds."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import Enum
from typing import Annotated, Any

import typer

from .cli import LibraryOpt, OutputOpt, _errors, _library, _write


class AuthoritiesFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


#: csv columns: the register's codes, then the latest graded report's
CSV_COLUMNS = [
    "slug",
    "name",
    "urn",
    "la_code",
    "ons_code",
    "region_code",
    "region",
    "type",
    "status",
    "valid_from",
    "valid_to",
    "predecessors",
    "successors",
    "stat_neighbours",
    "latest_id",
    "latest_kind",
    "latest_date",
]


def csv_text(rows: list[dict[str, Any]]) -> str:
    from .library import AUTHORITY_GRADES

    grades = [a.value for a in AUTHORITY_GRADES]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS + grades, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = {k: row.get(k) for k in CSV_COLUMNS if k in row}
        for key in ("predecessors", "successors", "stat_neighbours"):
            flat[key] = ";".join(row[key])
        latest = row["latest"] or {}
        flat["latest_id"] = latest.get("id")
        flat["latest_kind"] = latest.get("kind")
        flat["latest_date"] = latest.get("date")
        for g in grades:
            flat[g] = (latest.get("grades") or {}).get(g)
        writer.writerow(flat)
    return out.getvalue()


def _table(rows: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    from rich.table import Table

    from .render import grade_text
    from .vocabulary import Grade

    table = Table(title="Authorities", title_justify="left")
    for name in ("Authority", "Region", "URN", "LA", "ONS", "Latest", "Overall"):
        table.add_column(name, overflow="fold", no_wrap=name in ("Authority", "Latest"))
    for row in rows:
        latest = row["latest"]
        name = row["name"] + ("" if row["status"] == "current" else " (predecessor)")
        overall = (latest or {}).get("grades", {}).get("overall_effectiveness")
        table.add_row(
            name,
            row["region"] or "—",
            row["urn"] or "—",
            row["la_code"] or "—",
            row["ons_code"] or "—",
            f"{latest['id']}" if latest else "—",
            grade_text(Grade(overall), None) if overall else "—",
        )
    return table


def register(app: typer.Typer) -> None:
    @app.command()
    def authorities(
        fmt: Annotated[
            AuthoritiesFormat,
            typer.Option("--format", "-f", help="table (for people), json, jsonl or csv."),
        ] = AuthoritiesFormat.table,
        region: Annotated[
            str | None,
            typer.Option("--region", help="Only this region (name or code: 'North West', 'NW')."),
        ] = None,
        output: OutputOpt = None,
        library: LibraryOpt = None,
    ) -> None:
        """The authority register: codes, region, and the latest grades the library holds."""
        from .library import authority_rows

        with _errors(), _library(library) as lib:
            rows = authority_rows(lib, region)
        if not rows:
            sys.stderr.write(f"no authority in the region {region!r}\n")
        if fmt is AuthoritiesFormat.table:
            from rich.console import Console

            Console().print(_table(rows))
            return
        if fmt is AuthoritiesFormat.csv:
            text = csv_text(rows)
        elif fmt is AuthoritiesFormat.json:
            text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
        else:
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        _write(text, output)
