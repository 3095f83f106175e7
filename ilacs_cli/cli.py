"""The command line: a thin face on the library. Each command parses options, calls the
library and renders. Data goes to stdout; progress, warnings and errors to stderr."""

from __future__ import annotations

import errno
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from . import __version__
from .errors import ExitCode, IlacsError, UsageError
from .vocabulary import Kind

if TYPE_CHECKING:
    from .batch import Outcome
    from .library import Library
    from .models import Report

app = typer.Typer(
    help="Ofsted's inspection reports on English local authorities' children's services, as data.",
    no_args_is_help=True,
    add_completion=True,  # ilacs --install-completion / --show-completion
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # plain help: rich (and markdown-it) stay unimported at start-up
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
    """One line on stderr. A path or reason holding control characters or newlines is
    shown escaped: a file name can never forge a second ``Error:`` line."""
    sys.stderr.write(_line("Error", path, reason))


def _line(label: str, path: str | None, reason: str) -> str:
    from .safe import one_line

    where = f"{one_line(path)}: " if path else ""
    return f"{label}: {where}{one_line(reason)}\n"


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


JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Worker processes (default: the machine's cores)."),
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", min=0, help="Seconds allowed per document; 0 for no limit."),
]


class Engine(str, Enum):
    pdfplumber = "pdfplumber"
    pdfium = "pdfium"


EngineOpt = Annotated[
    Engine,
    typer.Option("--engine", help="Reads a PDF's text: pdfplumber (reference) or pdfium (fast)."),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Parse again documents the library already holds.")
]


def _outcomes(
    paths: list[str],
    *,
    jobs: int | None,
    timeout: float,
    options: dict[str, object],
    lib: Library | None,
    quiet: bool,
    debug: bool,
) -> Iterator[Outcome]:
    """Run the batch; report each failure and warning on stderr as it comes, with a
    progress bar on stderr when it is a terminal."""
    from .batch import Batch
    from .extract import PARSER_VERSION

    stdin: bytes | IlacsError | None = None
    if "-" in paths:
        from .reading import read_stream

        try:
            stdin = read_stream(sys.stdin.buffer)  # bounded: `extract - < /dev/zero` stops
        except IlacsError as exc:
            stdin = exc
    jobs = jobs or os.cpu_count() or 1
    batch = Batch(
        paths,
        jobs=min(jobs, len(paths)),
        timeout=timeout,
        options=options,
        # the cache holds what detection found: --kind asks for another reading
        cached=(lambda sha: lib.cached(sha, PARSER_VERSION))
        if lib is not None and not options.get("kind")
        else None,
        stdin=stdin,
    )
    progress = _progress(len(paths), quiet)
    failed = pages = 0
    started = time.perf_counter()
    with progress or nullcontext():
        task = (
            progress.add_task("extracting", total=len(paths), rate="", failed="")
            if progress
            else None
        )
        for outcome in batch:
            if outcome.ok:
                assert outcome.report is not None
                pages += outcome.pages
                if not quiet:
                    for warning in outcome.report.warnings:
                        _say(_line("Warning", outcome.path, warning), progress)
            else:
                failed += 1
                if debug and outcome.traceback:
                    _say(outcome.traceback, progress)
                _say(_line("Error", outcome.path, outcome.reason), progress)
            if progress is not None and task is not None:
                rate = pages / max(time.perf_counter() - started, 1e-6)
                progress.update(
                    task, advance=1, rate=f"{rate:.0f} pages/s", failed=f"{failed} failed"
                )
            yield outcome


def _progress(total: int, quiet: bool):  # type: ignore[no-untyped-def]
    """A rich progress bar on stderr, only for a person watching a batch."""
    if quiet or total < 2 or not sys.stderr.isatty():
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn("{task.fields[failed]}"),
        console=_stderr(),
        transient=True,
    )


def _say(line: str, progress) -> None:  # type: ignore[no-untyped-def]
    if progress is not None:
        progress.console.print(line, markup=False, highlight=False)
    else:
        sys.stderr.write(line.rstrip("\n") + "\n")


def _batch_exit(codes: list[int], inputs: int, succeeded: int) -> None:
    """Exit with the input's code, or for a batch 1 (some failed) / the shared reason."""
    if not codes:
        return
    if inputs > 1:
        sys.stderr.write(f"{len(codes)} of {inputs} inputs failed\n")
        raise typer.Exit(ExitCode.SOME_FAILED if succeeded or len(set(codes)) > 1 else codes[0])
    raise typer.Exit(codes[0])


def _open_library(path: Path | None, wanted: bool) -> Library | None:
    """The library, or None (not wanted, or unusable: then said once on stderr)."""
    if not wanted:
        return None
    try:
        return _library(path)
    except IlacsError as exc:
        _error(exc.path, f"not saved in the library: {exc.reason}")
        return None


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
    jobs: JobsOpt = None,
    timeout: TimeoutOpt = 120.0,
    engine: EngineOpt = Engine.pdfplumber,
    force: ForceOpt = False,
    library: LibraryOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Extract reports: judgements, improvement areas, findings, dates and inspectors."""
    with _errors(debug):
        paths = _expand(files)
    lib = _open_library(library, save)
    saved_ok = lib is not None or not save
    options = {"kind": kind, "password": password, "max_pages": max_pages, "engine": engine.value}
    reports: list[Report] = []
    codes: list[int] = []
    stream = fmt is Format.jsonl and output is None
    cache = None if force else lib
    for outcome in _outcomes(
        paths, jobs=jobs, timeout=timeout, options=options, lib=cache, quiet=quiet, debug=debug
    ):
        if outcome.report is None:
            codes.append(outcome.code)
            continue
        report = outcome.report
        if lib is not None and not outcome.cached:
            saved_id = _save(lib, report, quiet)
            saved_ok = saved_id is not None and saved_ok
            if saved_id is not None and saved_id != report.id:
                # the library's id, so that a re-run (served from the library) says the same
                report = report.model_copy(update={"id": saved_id})
        reports.append(report)
        if stream:
            sys.stdout.write(report.model_dump_json() + "\n")
            sys.stdout.flush()
    if lib is not None:
        if not stream:  # a later document of the same authority, date and kind renames one
            reports = [_current_id(lib, r) for r in reports]
        lib.close()
    if not stream:
        _emit(reports, fmt, output, findings, several=len(paths) > 1)
    _batch_exit(codes, len(paths), len(reports))
    if not saved_ok:
        raise typer.Exit(ExitCode.LIBRARY)


def _current_id(lib: Library, report: Report) -> Report:
    try:
        entry = lib.find_sha(report.source.sha256)
    except IlacsError:
        return report
    if entry is None or entry.id == report.id:
        return report
    return report.model_copy(update={"id": entry.id})


def _save(lib: Library, report: Report, quiet: bool) -> str | None:
    """Save one report and give its library id; a library problem is an error (None),
    never lost output."""
    try:
        saved = lib.save(report)
    except IlacsError as exc:
        _error(exc.path, f"not saved in the library: {exc.reason}")
        return None
    from .library import canonical_id

    if saved.id != canonical_id(report) and not quiet:
        sys.stderr.write(_line("Note", report.source.path, f"in the library as {saved.id}"))
    return saved.id


@app.command()
def add(
    files: FilesArg,
    kind: KindOpt = None,
    password: PasswordOpt = None,
    max_pages: MaxPagesOpt = 200,
    jobs: JobsOpt = None,
    timeout: TimeoutOpt = 120.0,
    engine: EngineOpt = Engine.pdfplumber,
    force: ForceOpt = False,
    library: LibraryOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Extract documents into the library, printing nothing on stdout."""
    with _errors(debug):
        paths = _expand(files)
        lib = _library(library)
    options = {"kind": kind, "password": password, "max_pages": max_pages, "engine": engine.value}
    codes: list[int] = []
    with lib:
        for outcome in _outcomes(
            paths,
            jobs=jobs,
            timeout=timeout,
            options=options,
            lib=None if force else lib,
            quiet=quiet,
            debug=debug,
        ):
            if outcome.report is None:
                codes.append(outcome.code)
                continue
            try:
                saved = lib.save(outcome.report)
            except IlacsError as exc:
                _error(exc.path, f"{outcome.path} not saved: {exc.reason}")
                codes.append(int(exc.exit_code))
                continue
            said = (
                "added" if saved.created else "updated" if saved.updated else "already in library"
            )
            from .safe import one_line

            sys.stderr.write(f"{said} {one_line(saved.id)}\n")
    _batch_exit(codes, len(paths), len(paths) - len(codes))


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

        console = Console()
        console.print(entries_table(entries, width=console.width))
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
        own = lib.history_slugs(authority)[0]
    if fmt is Format.table:
        from rich.console import Console

        from .render import history_table

        console = Console()
        console.print(history_table(reports, own, width=console.width))
    else:
        rows = history_rows(reports, own)[1]
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
    from .safe import one_line

    sys.stderr.write(f"removed {one_line(report_id)}\n")


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
    from .compare import diff as compare
    from .library import resolve

    with _errors(debug):
        refs = [old, new]
        lib = None if all(Path(r).is_file() for r in refs) else _library(library)
        with lib or nullcontext():
            a, b = (_resolved(resolve, r, lib) for r in refs)
        result = compare(a, b)
    if fmt is Format.table:
        from rich.console import Console

        from .render_diff import print_diff

        if output is not None:
            with _output(output) as fh:
                print_diff(Console(file=fh, width=120, color_system=None), result)
        else:
            print_diff(Console(), result)
        return
    _write(result.model_dump_json(indent=2 if fmt is Format.json else None) + "\n", output)


def _resolved(resolve, ref: str, lib: Library | None) -> Report:  # type: ignore[no-untyped-def]
    """``resolve(ref)``, with what pdfplumber logs on the way as ``Warning:`` lines."""
    from .batch import library_warnings

    with library_warnings() as logged:
        report = resolve(ref, lib) if lib is not None else resolve(ref)
    for warning in logged:
        sys.stderr.write(_line("Warning", ref, warning))
    return report  # type: ignore[no-any-return]


def _emit(reports, fmt: Format, output: Path | None, findings: bool, several: bool) -> None:  # type: ignore[no-untyped-def]
    if fmt is Format.table:
        if not reports:
            return
        from rich.console import Console

        from .render import print_report

        if output is not None:
            with _output(output) as fh:
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
        with _output(output) as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


@contextmanager
def _output(output: Path) -> Iterator[TextIO]:
    """FILE open for writing. A regular file (or a new one) is written through FILE.tmp,
    renamed over FILE once complete; a device or a pipe (/dev/stdout) is written to
    directly, never replaced. A failure (the disk is full, no such folder) is one line on
    stderr and exit 7, FILE as it was and no FILE.tmp left behind."""
    import stat

    try:
        direct = not stat.S_ISREG(output.stat().st_mode)
    except OSError:
        direct = False  # a new file (or one stat cannot see: opening it says why)
    tmp = None if direct else output.with_name(output.name + ".tmp")
    try:
        try:
            with open(output if tmp is None else tmp, "w", encoding="utf-8") as fh:
                yield fh
            if tmp is not None:
                tmp.replace(output)
        except BaseException:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        reason = _cannot_write(exc)
        if tmp is not None and output.exists():
            reason += f"; {output.name} is as it was"
        _error(str(output), reason)
        raise typer.Exit(ExitCode.OUTPUT) from None


@app.command()
def schema() -> None:
    """Print the JSON Schema of a report (schema_version "1")."""
    from .models import Report

    sys.stdout.write(json.dumps(Report.model_json_schema(), indent=2) + "\n")


from .cli_search import register as _register_search  # noqa: E402

_register_search(app)

from .cli_fetch import register as _register_fetch  # noqa: E402

_register_fetch(app)

from .cli_authorities import register as _register_authorities  # noqa: E402

_register_authorities(app)

from .cli_export import register as _register_export  # noqa: E402

_register_export(app)

from .cli_publish import register as _register_publish  # noqa: E402

_register_publish(app)


def main() -> None:
    """The ``ilacs`` command. An exception that is not a domain error is a bug: one line on
    stderr and exit 5 (a traceback with ``--debug``), never a bare traceback and exit 1."""
    stdout = sys.stdout = _WatchedStdout(sys.stdout)
    try:
        try:
            app()
        except SystemExit:
            # a short output is still in the buffer: write it here, where a failure is
            # handled, not in the interpreter's last flush
            sys.stdout.flush()
            raise
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted\n")
        sys.exit(130)
    except OSError as exc:
        # a full disk or quota where the output goes: the file the error names, or
        # standard output (`> /dev/full`) when it is what still cannot be written; the
        # same error and exit 7 as an unwritable `-o FILE`. Anything else is a bug.
        where = exc.filename or ("standard output" if stdout.failed else None)
        if exc.errno not in _OUTPUT_ERRNOS or where is None:
            _internal(exc)
        _traceback_if_debug(exc)
        sys.stderr.write(_line("Error", str(where), _cannot_write(exc)))
        if where == "standard output":
            _drop_stdout()
        sys.exit(int(ExitCode.OUTPUT))
    except Exception as exc:  # noqa: BLE001 - the last line of defence, by design
        _internal(exc)


#: Errors of writing, not of ilacs: a full disk or device, a quota, a file too large.
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _cannot_write(exc: OSError) -> str:
    """Why the output could not be written, in words (for `-o FILE` and standard output)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "cannot write: the disk is full"
    return f"cannot write ({exc.strerror or exc})"


class _WatchedStdout:
    """Standard output, noting whether a write to it failed (so a full disk there is told
    apart from one under a file the command writes). Everything else is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.failed = False

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError:
            self.failed = True
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError:
            self.failed = True
            raise

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush does not fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover - stdout already closed or not a file
        pass


def _traceback_if_debug(exc: BaseException) -> None:
    if "--debug" in sys.argv[1:]:
        import traceback

        traceback.print_exception(exc)


def _internal(exc: BaseException) -> None:
    """A bug: one line on stderr and exit 5 (the traceback with ``--debug``)."""
    _traceback_if_debug(exc)
    reason = f"internal error ({type(exc).__name__}: {exc}); this is a bug in ilacs"
    if "--debug" not in sys.argv[1:]:
        reason += " (--debug shows the traceback)"
    sys.stderr.write(_line("Error", None, reason))
    sys.exit(int(INTERNAL_ERROR))
