"""The ingest package's seams: the document model, lines from characters, limits and text
input are modules of their own, and the PDFium engine uses only their public names."""

from __future__ import annotations

import ast
from pathlib import Path

import ilacs_cli

PACKAGE = Path(ilacs_cli.__file__).parent
INGEST_MODULES = {"ingest", "ingest_model", "ingest_lines", "ingest_limits", "ingest_text"}


def test_the_old_import_paths_still_work():
    from ilacs_cli.ingest import BULLET, Document, Line, Page, Segment, load  # noqa: F401
    from ilacs_cli.ingest_model import Document as ModelDocument

    assert Document is ModelDocument
    assert load("x.txt", data=b"Hello\n").lines.__next__().text == "Hello"


def test_pdfium_engine_uses_no_private_ingest_helpers():
    """ingest_pdfium once called ``ingest._open_pdf`` and kept its own copy of the stream
    inflater; now it imports public names only."""
    tree = ast.parse((PACKAGE / "ingest_pdfium.py").read_text(encoding="utf-8"))
    private: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "") in INGEST_MODULES:
            private += [a.name for a in node.names if a.name.startswith("_")]
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in INGEST_MODULES
            and node.attr.startswith("_")
        ):
            private.append(f"{node.value.id}.{node.attr}")
    assert private == []
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in INGEST_MODULES
    }
    assert {"ingest_lines", "ingest_limits", "ingest_model"} <= imported


def test_each_seam_is_its_own_module():
    from ilacs_cli import ingest_limits, ingest_lines, ingest_model, ingest_text

    assert ingest_model.Line.__module__ == "ilacs_cli.ingest_model"
    assert ingest_lines.lines_from_words.__module__ == "ilacs_cli.ingest_lines"
    assert ingest_limits.check_streams.__module__ == "ilacs_cli.ingest_limits"
    assert ingest_text.document_from_text.__module__ == "ilacs_cli.ingest_text"
    # the model knows nothing of PDFs: it imports no reader
    source = (PACKAGE / "ingest_model.py").read_text(encoding="utf-8")
    assert "import pdfplumber" not in source and "from pdfminer" not in source
