"""Text input: a plain-text file (as in ``shared/seeds``) becomes a :class:`Document`
with no geometry: one line per paragraph, form feeds split pages, tab- or
``|``-separated cells become segments."""

from __future__ import annotations

import re

from .ingest_model import BULLET, Document, Line, Page, Segment, clean_text


def _split_cells(raw: str) -> list[str]:
    if "|" in raw and raw.strip().startswith("|"):
        cells = [c.strip() for c in raw.strip().strip("|").split("|")]
    else:
        cells = [c.strip() for c in raw.split("\t")]
    return [c for c in cells if c]


def document_from_text(text: str, path: str, sha256: str) -> Document:
    """Plain text (as in ``shared/seeds``): one line per paragraph, form feeds split pages."""
    pages: list[Page] = []
    for number, chunk in enumerate(text.split("\f"), start=1):
        page = Page(number=number, width=0.0, height=0.0)
        for index, raw in enumerate(chunk.splitlines()):
            if re.fullmatch(r"\s*\|?[-:| ]+\|?\s*", raw) and "-" in raw:
                continue  # a markdown table rule
            # cells that clean to nothing (a soft hyphen, a zero-width space) are no cells
            cells = [text for text in map(clean_text, _split_cells(raw)) if text]
            segments = tuple(Segment(c, float(i), float(i)) for i, c in enumerate(cells))
            text_line = clean_text(" ".join(s.text for s in segments))
            text_line = re.sub(r"^[-*]\s+", BULLET + " ", text_line)
            text_line = re.sub(r"\*\*(.+?)\*\*", r"\1", text_line).strip()
            if not text_line:
                continue
            page.lines.append(
                Line(
                    text=text_line,
                    page=number,
                    top=float(index),
                    bottom=float(index) + 1,
                    segments=segments if len(segments) > 1 else (),
                )
            )
        pages.append(page)
    return Document(
        path=path, sha256=sha256, pages=pages, geometry=False, page_count=len(pages), engine="text"
    )
