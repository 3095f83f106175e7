"""The command line: a thin face on the library. Each command parses options, calls the
library and renders. Data goes to stdout; progress, warnings and errors to stderr."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .errors import ExitCode, IlacsError, UsageError
from .models import Kind

app = typer.Typer(
    help="Ofsted's inspection reports on English local authorities' children's services, as data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)

INTERNAL_ERROR = 5  # a bug in ilacs: never shares a code with "not a report"


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="table (for people), json or jsonl.")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the data to FILE, not stdout.")
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No warnings on stderr.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ilacs {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Extract Ofsted children's services inspection reports (PDF or text) into data."""


def _stderr():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _error(path: str | None, reason: str) -> None:
    where = f"{path}: " if path else ""
    sys.stderr.write(f"Error: {where}{reason}\n")


def _expand(inputs: list[str]) -> list[str]:
    """Directories become the PDFs and .txt files in them, sorted."""
    out: list[str] = []
    for item in inputs:
        p = Path(item)
        if item != "-" and p.is_dir():
            found = sorted(
                str(f) for f in p.rglob("*") if f.suffix.lower() in (".pdf", ".txt") and f.is_file()
            )
            if not found:
                raise UsageError(f"{item}: no .pdf or .txt files in this directory")
            out.extend(found)
        else:
            out.append(item)
    return out


@app.command()
def extract(
    files: Annotated[
        list[str],
        typer.Argument(help="PDF or .txt files, directories of them, or - for stdin."),
    ],
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    findings: Annotated[
        bool, typer.Option("--findings/--no-findings", help="Show findings in the table view.")
    ] = True,
    kind: Annotated[
        Kind | None, typer.Option("--kind", help="Skip detection: treat inputs as KIND.")
    ] = None,
    password: Annotated[
        str | None, typer.Option("--password", help="Password of an encrypted PDF.")
    ] = None,
    max_pages: Annotated[
        int, typer.Option("--max-pages", min=1, help="Refuse PDFs with more pages.")
    ] = 200,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Extract reports: judgements, improvement areas, findings, dates and inspectors."""
    from .extract import extract as run

    try:
        paths = _expand(files)
    except IlacsError as exc:
        _error(None, exc.reason)
        raise typer.Exit(exc.exit_code) from None
    reports = []
    codes: list[int] = []
    for path in paths:
        try:
            data = sys.stdin.buffer.read() if path == "-" else None
            report = run(
                "<stdin>" if path == "-" else path,
                data=data,
                kind=kind,
                password=password,
                max_pages=max_pages,
            )
        except IlacsError as exc:
            if debug:
                import traceback

                traceback.print_exc()
            _error(exc.path or path, exc.reason)
            codes.append(int(exc.exit_code))
            continue
        except Exception as exc:  # a bug: say so, keep going with the other files
            if debug:
                raise
            _error(path, f"internal error ({type(exc).__name__}: {exc}); rerun with --debug")
            codes.append(INTERNAL_ERROR)
            continue
        if not quiet:
            for warning in report.warnings:
                sys.stderr.write(f"Warning: {path}: {warning}\n")
        reports.append(report)
    _emit(reports, fmt, output, findings, several=len(paths) > 1)
    if codes:
        if len(paths) > 1:
            sys.stderr.write(f"{len(codes)} of {len(paths)} inputs failed\n")
            raise typer.Exit(ExitCode.SOME_FAILED if reports or len(set(codes)) > 1 else codes[0])
        raise typer.Exit(codes[0])


def _emit(reports, fmt: Format, output: Path | None, findings: bool, several: bool) -> None:  # type: ignore[no-untyped-def]
    if fmt is Format.table:
        if not reports:
            return
        from rich.console import Console

        from .render import print_report

        if output is not None:
            with output.open("w", encoding="utf-8") as fh:
                console = Console(file=fh, width=120, color_system=None)
                for report in reports:
                    print_report(console, report, findings=findings)
            return
        console = Console()
        for report in reports:
            print_report(console, report, findings=findings)
        return
    if fmt is Format.jsonl:
        text = "".join(r.model_dump_json() + "\n" for r in reports)
    elif several:
        text = (
            json.dumps([r.model_dump(mode="json") for r in reports], indent=2, ensure_ascii=False)
            + "\n"
        )
    elif reports:
        text = reports[0].model_dump_json(indent=2) + "\n"
    else:
        return
    if output is not None:
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    else:
        sys.stdout.write(text)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a report (schema_version "1")."""
    from .models import Report

    sys.stdout.write(json.dumps(Report.model_json_schema(), indent=2) + "\n")


def main() -> None:
    app()
