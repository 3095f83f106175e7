"""Ingest: a PDF (via pdfplumber) or a plain-text file becomes a :class:`Document` of
:class:`Line` objects with text, position and font evidence.

Nothing here knows what an Ofsted report says; :mod:`ilacs_cli.layout` and
:mod:`ilacs_cli.rules` read structure from these lines. The parts live along their seams:

- :mod:`ilacs_cli.ingest_model`: the document model (``Document``, ``Page``, ``Line``) and
  character clean-up;
- :mod:`ilacs_cli.ingest_lines`: characters to words to lines (shared by both engines);
- :mod:`ilacs_cli.ingest_limits`: the limits on hostile PDFs and the stream check;
- :mod:`ilacs_cli.ingest_text`: plain-text input;
- this module: reading a PDF with pdfplumber, and :func:`load`, the entry point.
"""

from __future__ import annotations

import functools
import logging
import operator
import re
from pathlib import Path
from typing import Any

from .errors import UnreadableDocument
from .ingest_limits import (
    MAX_DECODED_BYTES,
    MAX_PAGE_CHARS,
    MAX_PAGE_GRAPHICS,
    MAX_STREAM_BYTES,
    check_streams,
)
from .ingest_lines import (
    MAX_MARK_CANDIDATES,
    Chars,
    dedupe_chars,
    lines_from_chars,
    lines_from_words,
    page_lines,
    words_from_chars,
)
from .ingest_model import (
    BULLET,
    Document,
    Line,
    Page,
    Segment,
    body_size,
    clean_text,
    median,
    sha256_of,
)
from .ingest_text import document_from_text

__all__ = [
    "BULLET",
    "MAX_DECODED_BYTES",
    "MAX_MARK_CANDIDATES",
    "MAX_PAGE_CHARS",
    "MAX_PAGE_GRAPHICS",
    "MAX_STREAM_BYTES",
    "Document",
    "Line",
    "Page",
    "Segment",
    "body_size",
    "check_streams",
    "clean_text",
    "dedupe_chars",
    "document_from_pdf",
    "document_from_text",
    "lines_from_chars",
    "lines_from_words",
    "load",
    "looks_like_pdf",
    "median",
    "open_pdf",
    "sha256_of",
    "words_from_chars",
]

# pdfminer logs what it tolerates in a broken PDF ("Cannot set line width ...") as
# warnings; with no handler anywhere, Python prints them raw on stderr, which is for ilacs'
# own one-line messages. An application that configures logging still receives them.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


# Appended to a PDF whose cross-reference table is broken: pdfminer rebuilds the table
# by scanning the file for objects only when it finds no valid ``startxref`` pointer.
_NO_STARTXREF = b"\nstartxref\nnone\n%%EOF\n"


class _Damaged(UnreadableDocument):
    """A structural failure that a rebuilt cross-reference table may cure."""


def open_pdf(data: bytes, path: str, password: str | None) -> Any:
    import io

    import pdfplumber  # imported lazily: start-up of `ilacs --help` stays fast
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        return pdfplumber.open(io.BytesIO(data), password=password or "")
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else exc
        if isinstance(inner, PDFPasswordIncorrect):
            if password:
                # an owner password only (the file opens for anyone) is no reason to stop
                try:
                    return open_pdf(data, path, None)
                except UnreadableDocument:
                    pass
                raise UnreadableDocument("encrypted PDF: the password is wrong", path) from exc
            raise UnreadableDocument(
                "encrypted PDF: a password is needed (use --password)", path
            ) from exc
        if isinstance(inner, PDFEncryptionError):
            raise UnreadableDocument(f"encrypted PDF: cannot decrypt ({inner})", path) from exc
        raise _Damaged(_damage_reason(data, inner), path) from exc
    except Exception as exc:  # pdfminer raises many types on broken files
        raise _Damaged(_damage_reason(data, exc), path) from exc


def _damage_reason(data: bytes, exc: BaseException) -> str:
    if b"%%EOF" not in data:
        return "damaged PDF (truncated: no %%EOF marker)"
    detail = str(exc) or type(exc).__name__
    if detail.startswith("No /Root object"):  # pdfminer's "... - Is this really a PDF?"
        detail = "no document catalog: its trailer is missing or broken"
    return f"damaged PDF ({detail})"


class _PageLimit(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _capped_page_class() -> Any:
    """A pdfplumber ``Page`` whose layout stops with :class:`_PageLimit` once a page has
    drawn more characters or shapes than a report page ever has: pdfminer's objects and
    pdfplumber's dicts for millions of characters would take gigabytes."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
    from pdfplumber.utils.exceptions import PdfminerException

    class Device(PDFPageAggregatorWithMarkedContent):  # type: ignore[misc]
        chars = 0
        graphics = 0

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            self.chars += 1
            if self.chars > MAX_PAGE_CHARS:
                raise _PageLimit(f"more than {MAX_PAGE_CHARS:,} characters")
            return float(super().render_char(*args, **kwargs))

        def paint_path(self, *args: Any, **kwargs: Any) -> None:
            self.graphics += 1
            if self.graphics > MAX_PAGE_GRAPHICS:
                raise _PageLimit(f"more than {MAX_PAGE_GRAPHICS:,} drawn shapes")
            super().paint_path(*args, **kwargs)

        def render_image(self, *args: Any, **kwargs: Any) -> None:
            self.graphics += 1
            if self.graphics > MAX_PAGE_GRAPHICS:
                raise _PageLimit(f"more than {MAX_PAGE_GRAPHICS:,} drawn shapes")
            super().render_image(*args, **kwargs)

        def begin_figure(self, *args: Any, **kwargs: Any) -> None:
            # a form drawn many times (forms drawing forms multiply) counts each time
            self.graphics += 1
            if self.graphics > MAX_PAGE_GRAPHICS:
                raise _PageLimit(f"more than {MAX_PAGE_GRAPHICS:,} drawn shapes")
            super().begin_figure(*args, **kwargs)

    class CappedPage(Page):  # type: ignore[misc]
        @property
        def layout(self) -> Any:
            if getattr(self, "_capped_layout", None) is None:
                device = Device(
                    self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams
                )
                try:
                    PDFPageInterpreter(self.pdf.rsrcmgr, device).process_page(self.page_obj)
                except _PageLimit:
                    raise
                except Exception as exc:
                    raise PdfminerException(exc) from exc
                self._capped_layout = device.get_result()
            return self._capped_layout

        def close(self) -> None:
            super().close()
            self._capped_layout = None

    return CappedPage


def _pdf_pages(pdf: Any, path: str, max_pages: int) -> list[Any]:
    """The document's pages as pdfplumber pages, refused before any is parsed if there
    are more than ``max_pages`` (the page tree is walked only that far)."""
    from pdfminer.pdfpage import PDFPage

    page_class = _capped_page_class()
    found: list[Any] = []
    try:
        for page_obj in PDFPage.create_pages(pdf.doc):
            if len(found) == max_pages:
                raise UnreadableDocument(_too_many_pages(pdf, max_pages), path)
            found.append(page_obj)
    except UnreadableDocument:
        raise
    except Exception as exc:
        raise _Damaged(f"damaged PDF: its pages cannot be listed ({_why(exc)})", path) from exc
    if not found:
        raise _Damaged("damaged PDF (no pages found)", path)
    pages = []
    doctop = 0.0
    for number, page_obj in enumerate(found, start=1):
        try:
            page = page_class(pdf, page_obj, page_number=number, initial_doctop=doctop)
        except Exception as exc:
            reason = f"damaged PDF: page {number} cannot be read ({_why(exc)})"
            raise _Damaged(reason, path) from exc
        pages.append(page)
        doctop += float(page.height)
    return pages


def _too_many_pages(pdf: Any, max_pages: int) -> str:
    """The refusal, with the page count the page tree states if it is believable."""
    try:
        from pdfminer.pdftypes import resolve1

        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
    except Exception:
        count = None
    if isinstance(count, int) and count > max_pages:
        return f"{count} pages is more than --max-pages {max_pages}"
    return f"more than {max_pages} pages (--max-pages {max_pages})"


def _why(exc: BaseException) -> str:
    inner = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args else exc
    text = str(inner)
    return f"{type(inner).__name__}: {text}" if text else type(inner).__name__


_CHAR_FIELDS = operator.attrgetter("x0", "x1", "y0", "y1", "size", "fontname")


def _layout_chars(page: Any) -> Chars | None:
    """``page.chars``, the columns ilacs reads, straight from the page's pdfminer layout,
    or None if a character is not upright.

    pdfplumber's ``page.chars`` turns every layout object (characters, and every rule and
    curve too) into a dict of all its attributes, resolving colours and paths: most of
    its time after pdfminer's. The values here are computed as pdfplumber computes them
    (``Page.process_object``): the same text, size and font name, x shifted by the
    MediaBox's x0, ``top = (height - y1) + mediabox top``."""
    from pdfminer.layout import LTContainer
    from pdfplumber.page import fix_fontname_bytes

    found: list[Any] = []

    def walk(objects: list[Any]) -> None:
        for obj in objects:
            if isinstance(obj, LTContainer):
                walk(obj._objs)  # as pdfplumber's iter_layout_objects (a figure's chars)
            elif _is_char(type(obj)):
                found.append(obj)

    walk(page.layout._objs)
    if not all(obj.upright for obj in found):
        return None
    if not found:
        return Chars.from_columns([], [], [], [], [], [], [])
    x0, x1, y0, y1, size, fontname = zip(*map(_CHAR_FIELDS, found), strict=True)
    if any(isinstance(f, bytes) for f in fontname):  # (rare) byte-encoded font names
        fontname = tuple(fix_fontname_bytes(f) if isinstance(f, bytes) else f for f in fontname)
    mb_x0, mb_top = page.mediabox[:2]
    height = page.height
    chars = Chars.from_columns([obj.get_text() for obj in found], x0, x1, y1, y0, size, fontname)
    # here ``top`` holds y1 and ``bottom`` y0: pdfplumber's flip, in its order of operations
    chars.top, chars.bottom = (height - chars.top) + mb_top, (height - chars.bottom) + mb_top
    if mb_x0 != 0:
        chars.x0, chars.x1 = chars.x0 + mb_x0, chars.x1 + mb_x0
    return chars


@functools.lru_cache(maxsize=64)
def _is_char(kind: type) -> bool:
    """pdfplumber's test for a char: the class name without "LT", lower-cased."""
    return re.sub(r"^LT", "", kind.__name__).lower() == "char"


def _read_pdf(data: bytes, path: str, password: str | None, max_pages: int) -> list[Page]:

    pdf = open_pdf(data, path, password)
    check_streams(pdf.doc, path)
    pages: list[Page] = []
    for page in _pdf_pages(pdf, path, max_pages):
        index = page.page_number
        try:
            chars = _layout_chars(page)
            if chars is not None:
                lines = page_lines(chars, index)
            else:  # text that is not upright: pdfplumber's dicts and word grouping
                lines = lines_from_chars(page.chars, index)
            pages.append(Page(index, float(page.width), float(page.height), lines))
        except _PageLimit as exc:
            raise UnreadableDocument(
                f"page {index} has {exc.reason}; refused as too large for a report page", path
            ) from None
        except Exception as exc:
            raise _Damaged(f"damaged PDF: page {index} cannot be read ({_why(exc)})", path) from exc
        finally:
            page.close()  # frees the page's cached objects: memory stays flat
    return pages


def document_from_pdf(
    data: bytes, path: str, sha256: str, *, password: str | None = None, max_pages: int = 200
) -> Document:
    """Read a PDF's text lines. A PDF that fails structurally, or shows no text, is read
    again with its cross-reference table rebuilt from the objects in the file: a broken
    xref table is the commonest damage and pdfminer recovers from it only when asked."""
    pages: list[Page] | None
    try:
        pages = _read_pdf(data, path, password, max_pages)
    except _Damaged as exc:
        pages, damage = None, exc
    if pages is None or not any(page.lines for page in pages):
        try:
            rebuilt: list[Page] | None = _read_pdf(data + _NO_STARTXREF, path, password, max_pages)
        except _Damaged:
            rebuilt = None
        if rebuilt is not None and any(page.lines for page in rebuilt):
            pages = rebuilt
        elif pages is None:
            raise UnreadableDocument(damage.reason, path) from damage
    if not any(page.lines for page in pages):
        raise UnreadableDocument(
            "no text layer; this looks like a scan (OCR is not supported)", path
        )
    return Document(path=path, sha256=sha256, pages=pages, geometry=True, page_count=len(pages))


def looks_like_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]


def load(
    path: str | Path,
    *,
    data: bytes | None = None,
    password: str | None = None,
    max_pages: int = 200,
) -> Document:
    """Read ``path`` (or ``data`` named ``path``) into a :class:`Document`.

    PDFs go through pdfplumber; anything that decodes as UTF-8 text goes through the same
    rules as plain text. Raises :class:`UnreadableDocument` with the reason otherwise.
    """
    name = str(path)
    if data is None:
        from .reading import read_input  # hostile input: regular files only, size-bounded

        data = read_input(path)
    digest = sha256_of(data)
    if not data.strip():
        raise UnreadableDocument("empty file", name)
    if looks_like_pdf(data):
        # hostile input: object/xref streams and layered compression, measured from the raw
        # bytes before pdfminer inflates them while opening the file (ilacs_cli.ingest_guard)
        from .ingest_guard import check_raw_streams

        check_raw_streams(data, name)
        return document_from_pdf(data, name, digest, password=password, max_pages=max_pages)
    head = data[:2048].lower()
    if b"<html" in head or b"<!doctype html" in head:
        raise UnreadableDocument("an HTML page, not a PDF", name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableDocument("not a PDF or a UTF-8 text file", name) from exc
    if "\x00" in text:
        raise UnreadableDocument("not a PDF or a text file (binary data)", name)
    return document_from_text(text, name, digest)
