"""``ilacs fetch``: the thin face on :mod:`ilacs_cli.fetch`. Data (the ``--dry-run`` list)
goes to stdout; progress, one line per file, errors and the summary to stderr.

No ``from __future__ import annotations`` here: Typer reads the option annotations, which
name aliases imported inside :func:`register`."""

import datetime as dt
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .site import BASE_URL, FetchKind

if TYPE_CHECKING:
    from .fetch import FetchSummary


def register(app: typer.Typer) -> None:
    from .cli import (
        DebugOpt,
        Engine,
        ForceOpt,
        JobsOpt,
        LibraryOpt,
        MaxPagesOpt,
        QuietOpt,
        TimeoutOpt,
    )

    @app.command()
    def fetch(
        authority: Annotated[
            list[str] | None,
            typer.Option(
                "--authority",
                "-a",
                metavar="NAME|SLUG|URN",
                help="Only this authority: its name, slug or URN (repeatable).",
            ),
        ] = None,
        since: Annotated[
            str | None,
            typer.Option("--since", metavar="DATE", help="Only publications on or after DATE."),
        ] = None,
        kind: Annotated[
            FetchKind | None,
            typer.Option("--kind", help="Only inspections or only visits (default: both)."),
        ] = None,
        dry_run: Annotated[
            bool,
            typer.Option("--dry-run", help="List what would be fetched (stdout); fetch no file."),
        ] = False,
        delay: Annotated[
            float, typer.Option("--delay", min=0, help="Seconds between requests.")
        ] = 1.0,
        base_url: Annotated[
            str, typer.Option("--base-url", metavar="URL", help="The reports site (or a mirror).")
        ] = BASE_URL,
        directory: Annotated[
            Path | None,
            typer.Option(
                "--dir",
                help="Download folder (default: reports/ in your user data folder).",
            ),
        ] = None,
        recheck: Annotated[
            bool,
            typer.Option(
                "--recheck",
                help="Ask again for known files (conditionally): catches bytes changed "
                "under the same link, and HTML pages that became PDFs.",
            ),
        ] = False,
        retries: Annotated[
            int, typer.Option("--retries", min=0, help="Retries per request after the first.")
        ] = 4,
        backoff: Annotated[
            float,
            typer.Option(
                "--backoff",
                min=0,
                envvar="ILACS_FETCH_BACKOFF",
                help="First retry wait in seconds, doubled each retry, with jitter.",
            ),
        ] = 2.0,
        request_timeout: Annotated[
            float,
            typer.Option("--request-timeout", min=0.1, help="Seconds allowed per request."),
        ] = 30.0,
        max_pages: MaxPagesOpt = 200,
        jobs: JobsOpt = None,
        timeout: TimeoutOpt = 120.0,
        # the fast engine by default: its JSON is identical to pdfplumber's on every corpus
        # document (make corpus checks it), and a whole archive is ~12,000 pages
        engine: Annotated[
            Engine,
            typer.Option(
                "--engine",
                help="Reads a PDF's text: pdfium (default here: fast, same JSON) or pdfplumber.",
            ),
        ] = Engine.pdfium,
        force: ForceOpt = False,
        library: LibraryOpt = None,
        quiet: QuietOpt = False,
        debug: DebugOpt = False,
    ) -> None:
        """Download what is new on Ofsted's reports site and add it to the library."""
        import os

        from .cli import _errors, _library
        from .errors import UsageError
        from .fetch import FetchOptions, HttpSettings
        from .fetch import fetch as run_fetch

        with _errors(debug):
            day = None
            if since:
                try:
                    day = dt.date.fromisoformat(since)
                except ValueError:
                    raise UsageError("--since: not a date (YYYY-MM-DD)", since) from None
            options = FetchOptions(
                base_url=base_url,
                download_dir=directory,
                authorities=tuple(authority or ()),
                since=day,
                kinds=(kind,) if kind else (),
                dry_run=dry_run,
                recheck=recheck,
                http=HttpSettings(
                    delay=delay, timeout=request_timeout, retries=retries, backoff=backoff
                ),
                engine=engine.value,
                max_pages=max_pages,
                jobs=jobs or os.cpu_count() or 1,
                timeout=timeout,
                force=force,
            )
            lib = None
            if not dry_run or _library_exists(library):
                lib = _library(library)
            listener = _Listener(quiet)
            try:
                with listener.bar or nullcontext():
                    summary = run_fetch(lib, options, listener)
            except KeyboardInterrupt:
                sys.stderr.write("fetch: interrupted; run it again to finish (nothing is lost)\n")
                raise typer.Exit(130) from None
            finally:
                if lib is not None:
                    lib.close()
        if dry_run:
            _print_plan(summary)
        sys.stderr.write(summary.line() + "\n")
        if not summary.ok:
            raise typer.Exit(1)


def _library_exists(path: Path | None) -> bool:
    from .library import default_library_path

    return Path(path or default_library_path()).exists()


def _print_plan(summary: "FetchSummary") -> None:
    from .site import clean_text

    rows = ["action\turn\tauthority\tpublished\tkind\turl\tlink_text"]
    for p in summary.planned:
        pub = p.publication
        rows.append(
            "\t".join(
                [
                    p.action,
                    p.provider.urn,
                    clean_text(p.provider.name),
                    pub.published.isoformat() if pub.published else "",
                    pub.kind.value if pub.kind else "",
                    pub.url,
                    clean_text(pub.link_text),
                ]
            )
        )
    sys.stdout.write("\n".join(rows) + "\n")


class _Listener:
    """Progress bar (a terminal only, not with -q), one line per file, errors."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        self.task = None
        if not quiet and sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            from .cli import _stderr

            self.bar = Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                # the site's link texts are data, never rich markup
                TextColumn("{task.fields[what]}", markup=False),
                console=_stderr(),
                transient=True,
            )

    def _say(self, line: str) -> None:
        from .cli import _say

        _say(line, self.bar)

    def stage(self, name: str, total: int | None) -> None:
        if self.bar is not None:
            if self.task is not None:
                self.bar.remove_task(self.task)
            self.task = self.bar.add_task(name, total=total, what="")

    def advance(self, what: str = "") -> None:
        if self.bar is not None and self.task is not None:
            from .site import clean_text

            self.bar.update(self.task, advance=1, what=clean_text(what)[:60])

    def doing(self, what: str) -> None:
        if self.bar is not None and self.task is not None:
            from .site import clean_text

            self.bar.update(self.task, what=clean_text(what)[:60])

    def file(self, result) -> None:  # type: ignore[no-untyped-def]
        from .site import clean_text

        if result.outcome == "failed":
            self._say(f"Error: {result.url}: {clean_text(result.reason or '')}")
        elif not self.quiet and result.outcome in ("new", "updated"):
            said = "added" if result.outcome == "new" else "updated"
            self._say(f"{said} {result.report_id} {result.url}")

    def failure(self, where: str, reason: str) -> None:
        from .site import clean_text

        self._say(f"Error: {clean_text(where)}: {clean_text(reason)}")
