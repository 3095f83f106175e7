"""Ingest: a PDF (via pdfplumber) or a plain-text file becomes a :class:`Document` of
:class:`Line` objects with text, position and font evidence.

Nothing here knows what an Ofsted report says; :mod:`ilacs_cli.layout` and
:mod:`ilacs_cli.rules` read structure from these lines.
"""

from __future__ import annotations

import hashlib
import re
import statistics
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UnreadableDocument

BULLET = "•"

# Bullet glyphs seen in Ofsted PDFs: geometric shapes and the Symbol/Wingdings
# private-use code points (U+F06E, U+F0B7 ...), all mapped to one plain bullet.
_PUA = re.compile("[\ue000-\uf8ff]")
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": "",
        "\u00ad": "",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\u2010": "-",
        "\u2011": "-",
    }
)


def clean_text(text: str) -> str:
    """Normalise characters without touching meaning: ligatures, odd spaces, PUA bullets."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    text = _PUA.sub(BULLET, text)
    text = re.sub(r"[◼■▪●◦‣⁃∙➢➤►▶]", BULLET, text)
    return re.sub(r"[ \t]+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of words on one line, separated from its neighbours by a wide gap (a column)."""

    text: str
    x0: float
    x1: float


@dataclass(slots=True)
class Line:
    text: str
    page: int  # 1-based
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0  # dominant font size; 0 for text input
    bold: bool = False
    segments: tuple[Segment, ...] = ()
    marks: tuple[str, ...] = ()  # superscript footnote marks removed from ``text``

    @property
    def starts_bullet(self) -> bool:
        return self.text[:1] == BULLET


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    path: str
    sha256: str
    pages: list[Page]
    geometry: bool  # False for text input: positions and fonts are unknown
    page_count: int = 0
    engine: str = "pdfplumber"

    @property
    def lines(self) -> Iterator[Line]:
        for page in self.pages:
            yield from page.lines

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- text input


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
            cells = _split_cells(raw)
            if not cells:
                continue
            segments = tuple(
                Segment(clean_text(c), float(i), float(i)) for i, c in enumerate(cells)
            )
            text_line = clean_text(" ".join(s.text for s in segments))
            text_line = re.sub(r"^[-*]\s+", BULLET + " ", text_line)
            text_line = re.sub(r"\*\*(.+?)\*\*", r"\1", text_line)
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


# --------------------------------------------------------------------------- PDF input

_BOLD = re.compile(r"bold|black|heavy|semibold|demi|,b\b", re.IGNORECASE)


def _word_is_bold(word: dict[str, Any]) -> bool:
    chars = word.get("chars") or []
    if not chars:
        return False
    bold = sum(1 for c in chars if _BOLD.search(c.get("fontname", "")))
    return bold * 2 > len(chars)


def _make_line(words: list[dict[str, Any]], page_no: int) -> Line:
    words.sort(key=lambda w: w["x0"])
    sizes = [w["size"] for w in words]
    size = max(set(sizes), key=lambda s: sum(len(w["text"]) for w in words if w["size"] == s))
    # superscript marks: small words raised above the baseline of the line's main text
    main = [w for w in words if w["size"] >= size * 0.8]
    baseline = max(w["bottom"] for w in main)
    marks: list[str] = []
    kept: list[dict[str, Any]] = []
    for w in words:
        if (
            w["size"] < size * 0.8
            and w["bottom"] < baseline - size * 0.15
            and re.fullmatch(r"[\d*†‡§¹²³⁴-⁹]{1,3}", w["text"])
        ):
            marks.append(w["text"])
        else:
            kept.append(w)
    words = kept or words
    segments: list[Segment] = []
    run: list[dict[str, Any]] = []
    for w in words:
        if run and w["x0"] - run[-1]["x1"] > max(size * 0.75, 6.0):
            segments.append(_segment(run))
            run = []
        run.append(w)
    segments.append(_segment(run))
    text = clean_text(" ".join(s.text for s in segments))
    bold_chars = sum(len(w["text"]) for w in words if _word_is_bold(w))
    return Line(
        text=text,
        page=page_no,
        x0=min(w["x0"] for w in words),
        x1=max(w["x1"] for w in words),
        top=min(w["top"] for w in words),
        bottom=max(w["bottom"] for w in words),
        size=round(size, 1),
        bold=bold_chars * 2 > sum(len(w["text"]) for w in words),
        segments=tuple(segments) if len(segments) > 1 else (),
        marks=tuple(marks),
    )


def _segment(run: list[dict[str, Any]]) -> Segment:
    text = ""
    for i, w in enumerate(run):
        # words split only by a font change (e.g. a curly apostrophe from another subset)
        # touch each other: no space between them
        if i and w["x0"] - run[i - 1]["x1"] > 0.8:
            text += " "
        text += w["text"]
    return Segment(clean_text(text), run[0]["x0"], run[-1]["x1"])


def lines_from_words(words: Iterable[dict[str, Any]], page_no: int) -> list[Line]:
    """Group words into lines by their baseline, keeping raised superscripts with their line."""
    ordered = sorted(words, key=lambda w: (w["bottom"], w["x0"]))
    groups: list[list[dict[str, Any]]] = []
    for w in ordered:
        if not w["text"].strip():
            continue
        placed = False
        for group in reversed(groups[-3:]):
            ref = max(group, key=lambda g: g["size"])
            tol = max(1.5, ref["size"] * 0.2)
            similar = min(w["size"], ref["size"]) >= max(w["size"], ref["size"]) * 0.75
            if similar and abs(w["bottom"] - ref["bottom"]) <= tol:
                group.append(w)
                placed = True
                break
            small = w["size"] < ref["size"] * 0.8
            overlaps = w["top"] >= ref["top"] - ref["size"] * 0.4 and w["bottom"] <= ref["bottom"]
            near = any(abs(w["x0"] - g["x1"]) < 2.5 or abs(g["x0"] - w["x1"]) < 2.5 for g in group)
            if small and overlaps and near:
                group.append(w)
                placed = True
                break
        if not placed:
            groups.append([w])
    groups = _attach_marks(groups)
    lines = [_make_line(g, page_no) for g in groups]
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _attach_marks(groups: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """A lone small number raised beside a line's text is that line's footnote mark."""
    out: list[list[dict[str, Any]]] = []
    for group in groups:
        if len(group) == 1 and re.fullmatch(r"[\d*†‡]{1,2}", group[0]["text"]):
            mark = group[0]
            host = None
            for other in groups:
                if other is group:
                    continue
                big = max(o["size"] for o in other)
                touching = any(
                    abs(mark["x0"] - o["x1"]) < 2.5 or abs(o["x0"] - mark["x1"]) < 2.5
                    for o in other
                )
                level = (
                    min(o["top"] for o in other) - big * 0.4
                    <= mark["top"]
                    <= max(o["bottom"] for o in other)
                )
                if mark["size"] < big * 0.8 and touching and level:
                    host = other
                    break
            if host is not None:
                host.append(mark)
                continue
        out.append(group)
    return out


def _open_pdf(data: bytes, path: str, password: str | None) -> Any:
    import io

    import pdfplumber  # imported lazily: start-up of `ilacs --help` stays fast
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        return pdfplumber.open(io.BytesIO(data), password=password or "")
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else exc
        if isinstance(inner, PDFPasswordIncorrect):
            raise UnreadableDocument(
                "encrypted PDF: a password is needed (use --password)", path
            ) from exc
        if isinstance(inner, PDFSyntaxError):
            raise UnreadableDocument(f"damaged PDF ({inner})", path) from exc
        raise UnreadableDocument(f"damaged PDF ({inner or type(inner).__name__})", path) from exc
    except Exception as exc:  # pdfminer raises many types on broken files
        raise UnreadableDocument(f"damaged PDF ({type(exc).__name__}: {exc})", path) from exc


def dedupe_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop characters drawn twice at (almost) the same place: fake-bold overprinting
    that would otherwise read "PPaauull". Linear, unlike pdfplumber's ``dedupe_chars``."""
    seen: dict[tuple[str, int], list[float]] = {}
    out: list[dict[str, Any]] = []
    for c in chars:
        key = (c["text"], round(c["top"]))
        xs = seen.setdefault(key, [])
        if any(abs(c["x0"] - x) < 1.0 for x in xs):
            continue
        xs.append(c["x0"])
        out.append(c)
    return out


def document_from_pdf(
    data: bytes, path: str, sha256: str, *, password: str | None = None, max_pages: int = 200
) -> Document:
    from pdfplumber.utils import extract_words

    pdf = _open_pdf(data, path, password)
    pages: list[Page] = []
    try:
        try:
            count = len(pdf.pages)
        except Exception as exc:
            raise UnreadableDocument(f"damaged PDF ({type(exc).__name__}: {exc})", path) from exc
        if count > max_pages:
            raise UnreadableDocument(f"{count} pages is more than --max-pages {max_pages}", path)
        for index, page in enumerate(pdf.pages, start=1):
            try:
                words = extract_words(
                    dedupe_chars(page.chars), extra_attrs=["size"], return_chars=True
                )
                lines = lines_from_words(words, index)
                pages.append(Page(index, float(page.width), float(page.height), lines))
            except UnreadableDocument:
                raise
            except Exception as exc:
                raise UnreadableDocument(
                    f"damaged PDF: page {index} cannot be read ({type(exc).__name__}: {exc})",
                    path,
                ) from exc
            finally:
                page.close()  # frees the page's cached objects: memory stays flat
    finally:
        pdf.close()
    if not any(page.lines for page in pages):
        raise UnreadableDocument(
            "no text layer; this looks like a scan (OCR is not supported)", path
        )
    return Document(path=path, sha256=sha256, pages=pages, geometry=True, page_count=count)


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
        try:
            data = Path(path).read_bytes()
        except IsADirectoryError as exc:
            raise UnreadableDocument("is a directory", name) from exc
        except FileNotFoundError as exc:
            raise UnreadableDocument("no such file", name) from exc
        except OSError as exc:
            raise UnreadableDocument(f"cannot read ({exc.strerror or exc})", name) from exc
    digest = sha256_of(data)
    if not data.strip():
        raise UnreadableDocument("empty file", name)
    if looks_like_pdf(data):
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


def body_size(lines: Iterable[Line]) -> float:
    """The font size most text is set in (weighted by characters)."""
    weights: dict[float, int] = {}
    for line in lines:
        weights[line.size] = weights.get(line.size, 0) + len(line.text)
    return max(weights, key=lambda s: weights[s]) if weights else 0.0


def median(values: list[float], default: float = 0.0) -> float:
    return statistics.median(values) if values else default
