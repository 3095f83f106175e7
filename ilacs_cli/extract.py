"""``extract(path) -> Report``: the library's front door.

This module is light on purpose: the pipeline (pdfplumber, pydantic, the rules) is imported
on the first call, so ``import ilacs_cli`` and ``ilacs --help`` stay quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ingest import Document
    from .models import Report
    from .vocabulary import Kind

#: Bump whenever a rule change alters output: cached reports from an older parser are
#: re-extracted.
PARSER_VERSION = "1.4.0"


def extract(
    path: str | Path,
    *,
    data: bytes | None = None,
    kind: Kind | str | None = None,
    password: str | None = None,
    max_pages: int = 200,
    engine: str = "pdfplumber",
) -> Report:
    """Extract one document (PDF or text) into a validated :class:`Report`.

    ``engine`` reads a PDF's characters: ``pdfplumber`` (the default and the reference) or
    ``pdfium`` (several times faster, same output; a page it cannot read the same way
    goes to pdfplumber, and ``source.engine`` says which read the document).

    Raises :class:`~ilacs_cli.errors.UnreadableDocument` (exit 4) or
    :class:`~ilacs_cli.errors.UnsupportedDocument` (exit 3) with a one-line reason.
    """
    from .vocabulary import Kind

    if engine == "pdfium":
        from .ingest_pdfium import load_pdfium as load
    elif engine == "pdfplumber":
        from .ingest import load
    else:
        raise ValueError(f"unknown engine {engine!r} (pdfplumber or pdfium)")
    doc = load(path, data=data, password=password, max_pages=max_pages)
    return extract_document(doc, kind=Kind(kind) if kind else None)


def extract_document(doc: Document, *, kind: Kind | None = None) -> Report:
    """Run the rules on an ingested :class:`~ilacs_cli.ingest.Document`."""
    from .pipeline import extract_document as run

    return run(doc, kind=kind)
