"""The command line: a thin face on the library. Each command parses options, calls the
library and renders. Data goes to stdout; progress, warnings and errors to stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import __version__
from .errors import ExitCode, IlacsError, UsageError
from .models import Kind

if TYPE_CHECKING:
    from .library import Library
    from .models import Report

app = typer.Typer(
    help="Ofsted's inspection reports on English local authorities' children's services, as data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)

INTERNAL_ERROR = ExitCode.INTERNAL  # a bug in ilacs: never shares a code with "not a report"


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
LibraryOpt = Annotated[
    Path | None,
    typer.Option(
        "--library",
        envvar="ILACS_LIBRARY",
        show_envvar=True,
        help="The library file (default: library.sqlite3 in your user data folder).",
    ),
]
FindingsOpt = Annotated[
    bool, typer.Option("--findings/--no-findings", help="Show findings in the table view.")
]
KindOpt = Annotated[
    Kind | None, typer.Option("--kind", help="Skip detection: treat inputs as KIND.")
]
PasswordOpt = Annotated[
    str | None, typer.Option("--password", help="Password of an encrypted PDF.")
]
MaxPagesOpt = Annotated[
    int, typer.Option("--max-pages", min=1, help="Refuse PDFs with more pages.")
]
FilesArg = Annotated[
    list[str], typer.Argument(help="PDF or .txt files, directories of them, or - for stdin.")
]


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


@contextmanager
def _errors(debug: bool = False) -> Iterator[None]:
    """Translate a domain error into ``Error: <where>: <reason>`` and its exit code."""
    try:
        yield
    except IlacsError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        _error(exc.path, exc.reason)
        raise typer.Exit(exc.exit_code) from None


def _library(path: Path | None) -> Library:
    from .library import Library

    return Library(path)


def _extract_one(path: str, quiet: bool, debug: bool, **opts: object) -> Report | int:
    """The report, or the exit code of its failure (already reported on stderr)."""
    from .extract import extract as run

    try:
        data = sys.stdin.buffer.read() if path == "-" else None
        report = run("<stdin>" if path == "-" else path, data=data, **opts)  # type: ignore[arg-type]
    except IlacsError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        _error(exc.path or path, exc.reason)
        return int(exc.exit_code)
    except Exception as exc:  # a bug: say so, keep going with the other files
        if debug:
            raise
        _error(path, f"internal error ({type(exc).__name__}: {exc}); rerun with --debug")
        return int(INTERNAL_ERROR)
    if not quiet:
        for warning in report.warnings:
            sys.stderr.write(f"Warning: {path}: {warning}\n")
    return report


def _batch_exit(codes: list[int], inputs: int, succeeded: int) -> None:
    """Exit with the input's code, or for a batch 1 (some failed) / the shared reason."""
    if not codes:
        return
    if inputs > 1:
        sys.stderr.write(f"{len(codes)} of {inputs} inputs failed\n")
        raise typer.Exit(ExitCode.SOME_FAILED if succeeded or len(set(codes)) > 1 else codes[0])
    raise typer.Exit(codes[0])


def _save_all(reports: list[Report], library: Path | None, quiet: bool) -> bool:
    """Save extracted reports; a library problem is an error, never lost output."""
    try:
        with _library(library) as lib:
            for report in reports:
                saved = lib.save(report)
                if saved.id != report.id and not quiet:
                    sys.stderr.write(f"Note: {report.source.path}: in the library as {saved.id}\n")
    except IlacsError as exc:
        _error(exc.path, f"not saved in the library: {exc.reason}")
        return False
    return True


@app.command()
def extract(
    files: FilesArg,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    findings: FindingsOpt = True,
    kind: KindOpt = None,
    password: PasswordOpt = None,
    max_pages: MaxPagesOpt = 200,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Save each report in the library.")
    ] = True,
    library: LibraryOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Extract reports: judgements, improvement areas, findings, dates and inspectors."""
    with _errors(debug):
        paths = _expand(files)
    opts = {"kind": kind, "password": password, "max_pages": max_pages}
    results = [_extract_one(path, quiet, debug, **opts) for path in paths]
    reports = [r for r in results if not isinstance(r, int)]
    _emit(reports, fmt, output, findings, several=len(paths) > 1)
    saved = not (save and reports) or _save_all(reports, library, quiet)
    _batch_exit([r for r in results if isinstance(r, int)], len(paths), len(reports))
    if not saved:
        raise typer.Exit(ExitCode.LIBRARY)


@app.command()
def add(
    files: FilesArg,
    kind: KindOpt = None,
    password: PasswordOpt = None,
    max_pages: MaxPagesOpt = 200,
    library: LibraryOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Extract documents into the library, printing nothing on stdout."""
    with _errors(debug):
        paths = _expand(files)
        lib = _library(library)
    opts = {"kind": kind, "password": password, "max_pages": max_pages}
    with lib:
        codes = [c for p in paths if (c := _add_one(lib, p, quiet, debug, **opts)) is not None]
    _batch_exit(codes, len(paths), len(paths) - len(codes))


def _add_one(lib: Library, path: str, quiet: bool, debug: bool, **opts: object) -> int | None:
    """Extract and save one input, saying so on stderr; the exit code of a failure."""
    report = _extract_one(path, quiet, debug, **opts)
    if isinstance(report, int):
        return report
    try:
        saved = lib.save(report)
    except IlacsError as exc:
        _error(exc.path, f"{path} not saved: {exc.reason}")
        return int(exc.exit_code)
    said = "added" if saved.created else "updated" if saved.updated else "already in library"
    sys.stderr.write(f"{said} {saved.id}\n")
    return None


@app.command("list")
def list_(
    authority: Annotated[
        str | None, typer.Option("--authority", "-a", help="Only this authority (slug or name).")
    ] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="Only this kind.")] = None,
    fmt: FormatOpt = Format.table,
    library: LibraryOpt = None,
) -> None:
    """List the reports in the library, by authority then date."""
    with _errors(), _library(library) as lib:
        entries = lib.entries(authority=authority, kind=kind)
    if fmt is Format.table:
        from rich.console import Console

        from .render import entries_table

        Console().print(entries_table(entries))
        if not entries:
            empty = "the library is empty (ilacs add FILE... fills it)"
            sys.stderr.write(("no report matches" if authority or kind else empty) + "\n")
    elif fmt is Format.json:
        sys.stdout.write(json.dumps([e.to_json() for e in entries], indent=2) + "\n")
    else:
        sys.stdout.write("".join(json.dumps(e.to_json()) + "\n" for e in entries))


@app.command()
def show(
    report_id: Annotated[str, typer.Argument(metavar="ID", help="A library id (ilacs list).")],
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    findings: FindingsOpt = True,
    library: LibraryOpt = None,
) -> None:
    """Show a report from the library, as extract does."""
    with _errors(), _library(library) as lib:
        report = lib.get(report_id)
    _emit([report], fmt, output, findings, several=False)


@app.command()
def history(
    authority: Annotated[str, typer.Argument(help="An authority's slug or name.")],
    fmt: FormatOpt = Format.table,
    library: LibraryOpt = None,
) -> None:
    """An authority's reports in date order, a column per judgement: the trajectory."""
    from .library import history_rows

    with _errors(), _library(library) as lib:
        reports = lib.history(authority)
    if fmt is Format.table:
        from rich.console import Console

        from .render import history_table

        Console().print(history_table(reports))
    else:
        rows = history_rows(reports)[1]
        indent = 2 if fmt is Format.json else None
        text = json.dumps(rows, indent=indent) if indent else "\n".join(map(json.dumps, rows))
        sys.stdout.write(text + "\n")


@app.command()
def remove(
    report_id: Annotated[str, typer.Argument(metavar="ID", help="A library id (ilacs list).")],
    library: LibraryOpt = None,
) -> None:
    """Remove a report from the library."""
    with _errors(), _library(library) as lib:
        if not lib.remove(report_id):
            raise lib.missing(report_id)
    sys.stderr.write(f"removed {report_id}\n")


@app.command()
def diff(
    old: Annotated[
        str, typer.Argument(metavar="A", help="Earlier report: library id, PDF, .txt or JSON.")
    ],
    new: Annotated[
        str, typer.Argument(metavar="B", help="Later report: library id, PDF, .txt or JSON.")
    ],
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    library: LibraryOpt = None,
    debug: DebugOpt = False,
) -> None:
    """What changed from A to B: grades, the improvement-area ledger, findings."""
    from .diff import diff as compare
    from .library import resolve

    with _errors(debug):
        refs = [old, new]
        if all(Path(r).is_file() for r in refs):
            a, b = (resolve(r) for r in refs)
        else:
            with _library(library) as lib:
                a, b = (resolve(r, lib) for r in refs)
        result = compare(a, b)
    if fmt is Format.table:
        from rich.console import Console

        from .render_diff import print_diff

        if output is not None:
            with output.open("w", encoding="utf-8") as fh:
                print_diff(Console(file=fh, width=120, color_system=None), result)
        else:
            print_diff(Console(), result)
        return
    _write(result.model_dump_json(indent=2 if fmt is Format.json else None) + "\n", output)


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
    _write(text, output)


def _write(text: str, output: Path | None) -> None:
    """Data to stdout, or to FILE atomically (a reader never sees half a file)."""
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
