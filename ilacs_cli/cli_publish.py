"""``ilacs publish DIR``: the static web site of the library (see :mod:`ilacs_cli.publish`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from .cli import DebugOpt, JobsOpt, LibraryOpt, QuietOpt, _errors, _library

DirArg = Annotated[Path, typer.Argument(metavar="DIR", help="The folder to write the site into.")]


def publish(
    out: DirArg,
    jobs: JobsOpt = None,
    library: LibraryOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Write a static web site of the library into DIR: the national picture (table, map,
    new documents), a page per authority, and downloads."""
    from .publish import publish as build
    from .safe import one_line

    with _errors(debug), _library(library) as lib:
        result = build(lib, out, jobs=jobs or os.cpu_count() or 1)
    if not quiet:
        for warning in result.warnings:
            sys.stderr.write(f"Warning: {one_line(warning)}\n")
    new = "first publish" if result.first else f"{len(result.new)} new since the last"
    sys.stderr.write(
        f"published {one_line(str(result.out))}: {result.pages} pages, "
        f"{result.authorities} authorities, {result.documents} documents ({new}); "
        f"open {one_line(str(result.out / 'index.html'))}\n"
    )


def register(app: typer.Typer) -> None:
    app.command()(publish)
