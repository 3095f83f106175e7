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
PARSER_VERSION = "1.2.0"


def extract(
    path: str | Path,
    *,
    data: bytes | None = None,
    kind: Kind | str | None = None,
    password: str | None = None,
    max_pages: int = 200,
) -> Report:
    """Extract one document (PDF or text) into a validated :class:`Report`.

    Raises :class:`~ilacs_cli.errors.UnreadableDocument` (exit 4) or
    :class:`~ilacs_cli.errors.UnsupportedDocument` (exit 3) with a one-line reason.
    """
    from .ingest import load
    from .vocabulary import Kind

    doc = load(path, data=data, password=password, max_pages=max_pages)
    return extract_document(doc, kind=Kind(kind) if kind else None)


def extract_document(doc: Document, *, kind: Kind | None = None) -> Report:
    """Run the rules on an ingested :class:`~ilacs_cli.ingest.Document`."""
    from .pipeline import extract_document as run

    return run(doc, kind=kind)
