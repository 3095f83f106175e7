"""``ilacs export``: the library as tables (documents, latest, improvement_areas,
findings) in csv, xlsx, json or jsonl."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .cli import LibraryOpt, OutputOpt, _errors, _library, _write
from .errors import UsageError


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"
    jsonl = "jsonl"


class TableName(str, Enum):
    documents = "documents"
    latest = "latest"
    improvement_areas = "improvement_areas"
    findings = "findings"


def register(app: typer.Typer) -> None:
    @app.command()
    def export(
        name: Annotated[
            TableName | None,
            typer.Argument(
                metavar="[TABLE]",
                help="documents, latest, improvement_areas or findings; "
                "omit with --format xlsx for every table as a sheet.",
            ),
        ] = None,
        fmt: Annotated[
            ExportFormat, typer.Option("--format", "-f", help="csv, xlsx, json or jsonl.")
        ] = ExportFormat.csv,
        output: OutputOpt = None,
        library: LibraryOpt = None,
    ) -> None:
        """Export the library as the tables analysts use."""
        from .export import TABLES, write

        with _errors():
            if name is None and fmt is not ExportFormat.xlsx:
                raise UsageError("name a TABLE (documents, latest, ...); only xlsx takes them all")
            if fmt is ExportFormat.xlsx and output is None:
                raise UsageError("xlsx is a binary file: give -o FILE.xlsx")
            tables = [name.value] if name else list(TABLES)
            from .export import with_site_facts

            with _library(library) as lib:
                reports = with_site_facts(lib.reports(), lib.site_facts_by_id())
            if fmt is ExportFormat.xlsx:
                assert output is not None
                _write_xlsx(tables, reports, output)
            else:
                import io

                buffer = io.StringIO()
                write(tables, reports, fmt.value, buffer)
                _write(buffer.getvalue(), output)
        if not reports:
            sys.stderr.write("the library is empty (ilacs add FILE... fills it)\n")


def _write_xlsx(tables: list[str], reports: list, output: Path) -> None:  # type: ignore[type-arg]
    """The workbook through FILE.tmp, renamed over FILE once complete; a failure is one line
    and exit 7 (as for every -o), FILE as it was and no FILE.tmp left behind."""
    import typer

    from .cli import _error
    from .errors import ExitCode
    from .export import write

    tmp = output.with_name(output.name + ".tmp")
    try:
        write(tables, reports, "xlsx", tmp)
        tmp.replace(output)
    except Exception as exc:  # OSError, or xlsxwriter's own errors about the file
        tmp.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        _error(str(output), f"cannot write ({reason}); {output.name} is as it was")
        raise typer.Exit(ExitCode.OUTPUT) from None
