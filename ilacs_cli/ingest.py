"""Ingest: a PDF (via pdfplumber) or a plain-text file becomes a :class:`Document` of
:class:`Line` objects with text, position and font evidence.

Nothing here knows what an Ofsted report says; :mod:`ilacs_cli.layout` and
:mod:`ilacs_cli.rules` read structure from these lines.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import math
import operator
import re
import statistics
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UnreadableDocument

BULLET = "•"

# pdfminer logs what it tolerates in a broken PDF ("Cannot set line width ...") as
# warnings; with no handler anywhere, Python prints them raw on stderr, which is for ilacs'
# own one-line messages. An application that configures logging still receives them.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

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


# --------------------------------------------------------------------------- PDF input

_BOLD = re.compile(r"bold|black|heavy|semibold|demi|,b\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def _bold_font(fontname: str) -> bool:
    return bool(_BOLD.search(fontname))


def _word_is_bold(word: dict[str, Any]) -> bool:
    chars = word.get("chars") or []
    if not chars:
        return False
    bold = sum(1 for c in chars if _bold_font(c.get("fontname", "")))
    return bold * 2 > len(chars)


def _make_line(words: list[dict[str, Any]], page_no: int) -> Line:
    words.sort(key=lambda w: w["x0"])
    weights: dict[float, int] = {}  # characters set in each size
    for w in words:
        weights[w["size"]] = weights.get(w["size"], 0) + len(w["text"])
    size = max(set(weights), key=weights.__getitem__)
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
        # words split only by a change of size (e.g. a curly apostrophe from another font)
        # touch each other: no space between them; words of one size were split at a
        # space, even when a font's overlapping boxes leave no gap ("Quality of work")
        prev = run[i - 1] if i else None
        if prev is not None and (
            w["x0"] - prev["x1"] > 0.8 or abs(w["size"] - prev["size"]) < 0.01
        ):
            text += " "
        text += w["text"]
    return Segment(clean_text(text), run[0]["x0"], run[-1]["x1"])


class _Group:
    """The words of one line as they are gathered, with what placing a word needs kept up
    to date, so that a line of thousands of words is still built in linear time."""

    __slots__ = ("words", "ref", "by_x0", "by_x1")

    def __init__(self, word: dict[str, Any]) -> None:
        self.words: list[dict[str, Any]] = []
        self.ref = word  # the largest word (the first of equal sizes)
        self.by_x0: dict[int, list[float]] = {}
        self.by_x1: dict[int, list[float]] = {}
        self.add(word)

    def add(self, word: dict[str, Any]) -> None:
        self.words.append(word)
        if word["size"] > self.ref["size"]:
            self.ref = word
        self.by_x0.setdefault(math.floor(word["x0"]), []).append(word["x0"])
        self.by_x1.setdefault(math.floor(word["x1"]), []).append(word["x1"])

    def near(self, word: dict[str, Any]) -> bool:
        """Whether a word of the line ends or starts within 2.5pt of ``word``."""
        return _within(self.by_x1, word["x0"]) or _within(self.by_x0, word["x1"])


def _within(index: dict[int, list[float]], x: float, gap: float = 2.5) -> bool:
    return any(
        abs(x - v) < gap
        for bucket in range(math.floor(x - gap), math.floor(x + gap) + 1)
        for v in index.get(bucket, ())
    )


def lines_from_words(words: Iterable[dict[str, Any]], page_no: int) -> list[Line]:
    """Group words into lines by their baseline, keeping raised superscripts with their line."""
    ordered = sorted(words, key=lambda w: (w["bottom"], w["x0"]))
    groups: list[_Group] = []
    for w in ordered:
        if not w["text"].strip():
            continue
        placed = False
        for group in reversed(groups[-3:]):
            ref = group.ref
            tol = max(1.5, ref["size"] * 0.2)
            similar = min(w["size"], ref["size"]) >= max(w["size"], ref["size"]) * 0.75
            if similar and abs(w["bottom"] - ref["bottom"]) <= tol:
                group.add(w)
                placed = True
                break
            small = w["size"] < ref["size"] * 0.8
            overlaps = w["top"] >= ref["top"] - ref["size"] * 0.4 and w["bottom"] <= ref["bottom"]
            if small and overlaps and group.near(w):
                group.add(w)
                placed = True
                break
        if not placed:
            groups.append(_Group(w))
    lines = [_make_line(g, page_no) for g in _attach_marks([g.words for g in groups])]
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


#: A page with more lone numbers than this (a column of figures) has no footnote marks to
#: find, and matching each against every line would take time quadratic in its lines.
MAX_MARK_CANDIDATES = 100


_LONE_MARK = re.compile(r"[\d*†‡]{1,2}")


def _attach_marks(groups: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """A lone small number raised beside a line's text is that line's footnote mark."""
    lone = sum(1 for g in groups if len(g) == 1 and _LONE_MARK.fullmatch(g[0]["text"]))
    if lone > MAX_MARK_CANDIDATES:
        return groups
    out: list[list[dict[str, Any]]] = []
    for group in groups:
        if len(group) == 1 and _LONE_MARK.fullmatch(group[0]["text"]):
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


# Limits that keep memory and time bounded on hostile or broken PDFs. In the 121 PDFs of
# the corpus a page has at most 3,525 characters and 115 drawn shapes, the largest stream
# decompresses to 330 KB and a whole document's streams to 3.8 MB.
MAX_PAGE_CHARS = 20_000
MAX_PAGE_GRAPHICS = 20_000
MAX_STREAM_BYTES = 32 << 20  # one decompressed stream
MAX_DECODED_BYTES = 256 << 20  # all decompressed streams of a document together
_INFLATE_CHUNK = 1 << 20

# Appended to a PDF whose cross-reference table is broken: pdfminer rebuilds the table
# by scanning the file for objects only when it finds no valid ``startxref`` pointer.
_NO_STARTXREF = b"\nstartxref\nnone\n%%EOF\n"


class _Damaged(UnreadableDocument):
    """A structural failure that a rebuilt cross-reference table may cure."""


class _TooBig(Exception):
    pass


def _open_pdf(data: bytes, path: str, password: str | None) -> Any:
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
                    return _open_pdf(data, path, None)
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


def _inflate(data: bytes, limit: int, keep: bool) -> tuple[bytes, int]:
    """Inflate ``data`` at most ``limit`` bytes far (raising :class:`_TooBig` beyond),
    keeping the output only if ``keep``. Corrupt data stops the count, as pdfminer stops
    decoding there."""
    import zlib

    inflater = zlib.decompressobj()
    parts: list[bytes] = []
    size = 0
    pending = data
    while True:
        try:
            chunk = inflater.decompress(pending, _INFLATE_CHUNK)
        except zlib.error:
            break
        size += len(chunk)
        if size > limit:
            raise _TooBig
        if keep:
            parts.append(chunk)
        pending = inflater.unconsumed_tail
        if inflater.eof or not (chunk or pending):
            break
    return b"".join(parts), size


def _unlzw(data: bytes, limit: int, keep: bool) -> tuple[bytes, int]:
    import io

    from pdfminer.lzw import LZWDecoder

    parts: list[bytes] = []
    size = 0
    try:
        for chunk in LZWDecoder(io.BytesIO(data)).run():
            size += len(chunk)
            if size > limit:
                raise _TooBig
            if keep:
                parts.append(chunk)
    except _TooBig:
        raise
    except Exception:
        pass  # corrupt data: pdfminer keeps what decoded
    return b"".join(parts), size


def _decoded_size(stream: Any, limit: int) -> int:
    """How large ``stream`` is once decoded, without ever holding more than ``limit``
    bytes of it: raises :class:`_TooBig` past the limit. Image codecs are not decoded."""
    from pdfminer import pdftypes as t

    data = stream.rawdata
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    filters = stream.get_filters()
    size = len(data)
    if _reusable(stream, filters):
        # a page's content: inflate it once, here, and hand pdfminer the result
        import zlib

        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(data, limit + 1)
        except zlib.error:
            out = None
        if out is not None and inflater.eof and not inflater.unconsumed_tail:
            stream.data, stream.rawdata = out, None
            return len(out)
        if out is not None and len(out) > limit:
            raise _TooBig
    for index, (name, _params) in enumerate(filters):
        keep = index < len(filters) - 1
        if name in t.LITERALS_FLATE_DECODE:
            data, size = _inflate(data, limit, keep)
        elif name in t.LITERALS_LZW_DECODE:
            data, size = _unlzw(data, limit, keep)
        elif name in t.LITERALS_ASCII85_DECODE:
            data = t.ascii85decode(data)  # these shrink their input
        elif name in t.LITERALS_ASCIIHEX_DECODE:
            data = t.asciihexdecode(data)
        elif name in t.LITERALS_RUNLENGTH_DECODE:
            data = t.rldecode(data)  # at most 128 times its input
        else:
            break  # image codecs (DCT, JPX, JBIG2, CCITT): pdfminer leaves them encoded
        if keep or name not in (*t.LITERALS_FLATE_DECODE, *t.LITERALS_LZW_DECODE):
            size = len(data)
        if size > limit:
            raise _TooBig
    return size


def _reusable(stream: Any, filters: list[Any]) -> bool:
    """A plain Flate stream that pdfminer will decode for a page (content or form), so
    the check's output can be kept: no predictor, not a font program or an image."""
    from pdfminer import pdftypes as t
    from pdfminer.psparser import LIT

    if len(filters) != 1 or filters[0][0] not in t.LITERALS_FLATE_DECODE:
        return False
    params = filters[0][1]
    if isinstance(params, dict) and params.get("Predictor"):
        return False
    subtype = stream.get("Subtype")
    if subtype is not None and subtype is not LIT("Form"):
        return False
    return not any(k in stream.attrs for k in ("Length1", "Length2", "Length3", "Type"))


def check_streams(doc: Any, path: str) -> None:
    """Refuse a PDF whose compressed streams would expand beyond the limits (a
    decompression bomb) before pdfminer decodes any of them in full.

    Every stream is a top-level object (never inside an object stream), so the streams
    are exactly the objects stored at a file offset. Images are skipped: pdfplumber never
    decodes them. Object and cross-reference streams are decoded by pdfminer as it opens
    the file, before this check can run."""
    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import LIT

    image = LIT("Image")
    total = 0
    seen: set[int] = set()
    for xref in doc.xrefs:
        try:
            objids = list(xref.get_objids())
        except Exception:
            continue
        for objid in objids:
            if objid in seen:
                continue
            seen.add(objid)
            try:
                if xref.get_pos(objid)[0] is not None:
                    continue  # inside an object stream: not a stream
                obj = doc.getobj(objid)
            except Exception:
                continue  # unreadable: pdfminer reports it if a page needs it
            if not isinstance(obj, PDFStream) or obj.rawdata is None:
                continue  # not a stream, or already decoded by pdfminer
            if obj.get("Subtype") is image:
                continue
            try:
                total += _decoded_size(obj, MAX_STREAM_BYTES)
            except _TooBig:
                raise UnreadableDocument(
                    f"a compressed stream (object {objid}) expands to more than "
                    f"{MAX_STREAM_BYTES >> 20} MB; refused as a likely decompression bomb",
                    path,
                ) from None
            except Exception:
                continue  # undecodable: pdfminer reports it if a page needs it
            if total > MAX_DECODED_BYTES:
                raise UnreadableDocument(
                    f"compressed streams expand to more than {MAX_DECODED_BYTES >> 20} MB "
                    "in all; refused as too large",
                    path,
                )


def words_from_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page's words, as ``pdfplumber.utils.extract_words(chars, extra_attrs=["size"],
    return_chars=True)`` gives them; a faster equivalent when every char is upright."""
    if all(c["upright"] for c in chars):
        return _upright_words(chars)
    from pdfplumber.utils import extract_words

    return list(extract_words(chars, extra_attrs=["size"], return_chars=True))


def _upright_words(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``pdfplumber.utils.extract_words(chars, extra_attrs=["size"], return_chars=True)``
    for upright characters, without pdfplumber's generic machinery (twice as fast): the
    same groups, line clusters, order and word dicts (``doctop`` is ``top``: pages are
    read one by one)."""
    words: list[dict[str, Any]] = []
    for _, run in itertools.groupby(chars, _UPRIGHT_SIZE):
        group = list(run)
        # pdfplumber.utils.cluster_objects(group, "top", 3): chained clusters of tops
        cluster: dict[float, int] = {}
        last = None
        index = -1
        for top in sorted({c["top"] for c in group}):
            if last is None or top > last + _TOLERANCE:
                index += 1
            cluster[top] = index
            last = top
        lines: list[list[dict[str, Any]]] = [[] for _ in range(index + 1)]
        for c in group:
            lines[cluster[c["top"]]].append(c)
        for line in lines:
            line.sort(key=_X0)
            current: list[dict[str, Any]] = []
            px0 = px1 = ptop = 0.0  # the last char of ``current``
            for c in line:
                text = c["text"]
                if text.isspace():
                    if current:
                        words.append(_merge(current))
                        current = []
                    continue
                if not text:  # pdfplumber: "" is in any split_at_punctuation string
                    if current:
                        words.append(_merge(current))
                        current = []
                    words.append(_merge([c]))
                    continue
                x0, top = c["x0"], c["top"]
                if current and (x0 < px0 or x0 > px1 + _TOLERANCE or abs(top - ptop) > _TOLERANCE):
                    words.append(_merge(current))
                    current = [c]
                else:
                    current.append(c)
                px0, px1, ptop = x0, c["x1"], top
            if current:
                words.append(_merge(current))
    return words


_TOLERANCE = 3  # pdfplumber's default x and y tolerance
_UPRIGHT_SIZE = operator.itemgetter("upright", "size")
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def _X0(c: dict[str, Any]) -> float:
    return c["x0"]  # type: ignore[no-any-return]


def _merge(chars: list[dict[str, Any]]) -> dict[str, Any]:
    """pdfplumber's ``WordExtractor.merge_chars`` for upright text (doctop = top)."""
    first = chars[0]
    x0, top, x1, bottom = first["x0"], first["top"], first["x1"], first["bottom"]
    text = _LIGATURES.get(first["text"], first["text"])
    for c in chars[1:]:
        if c["x0"] < x0:
            x0 = c["x0"]
        if c["top"] < top:
            top = c["top"]
        if c["x1"] > x1:
            x1 = c["x1"]
        if c["bottom"] > bottom:
            bottom = c["bottom"]
        text += _LIGATURES.get(c["text"], c["text"])
    return {
        "text": text,
        "x0": x0,
        "x1": x1,
        "top": top,
        "doctop": top,
        "bottom": bottom,
        "upright": first["upright"],
        "height": bottom - top,
        "width": x1 - x0,
        "direction": "ltr",
        "size": first["size"],
        "chars": chars,
    }


def dedupe_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop characters drawn twice at (almost) the same place: fake-bold overprinting
    that would otherwise read "PPaauull". Linear, unlike pdfplumber's ``dedupe_chars``:
    characters are bucketed by text and line, then by whole point of x."""
    seen: dict[tuple[str, int], dict[int, list[float]]] = {}
    out: list[dict[str, Any]] = []
    append = out.append
    for c in chars:
        x0 = c["x0"]
        bucket = int(x0 // 1)
        key = (c["text"], round(c["top"]))
        buckets = seen.get(key)
        if buckets is None:
            seen[key] = {bucket: [x0]}
            append(c)
            continue
        duplicate = False
        for b in (bucket - 1, bucket, bucket + 1):
            for x in buckets.get(b, ()):
                if -1.0 < x0 - x < 1.0:
                    duplicate = True
                    break
            if duplicate:
                break
        if duplicate:
            continue
        xs = buckets.get(bucket)
        if xs is None:
            buckets[bucket] = [x0]
        else:
            xs.append(x0)
        append(c)
    return out


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


def _read_pdf(data: bytes, path: str, password: str | None, max_pages: int) -> list[Page]:

    pdf = _open_pdf(data, path, password)
    check_streams(pdf.doc, path)
    pages: list[Page] = []
    for page in _pdf_pages(pdf, path, max_pages):
        index = page.page_number
        try:
            words = words_from_chars(dedupe_chars(page.chars))
            lines = lines_from_words(words, index)
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


def body_size(lines: Iterable[Line]) -> float:
    """The font size most text is set in (weighted by characters)."""
    weights: dict[float, int] = {}
    for line in lines:
        weights[line.size] = weights.get(line.size, 0) + len(line.text)
    return max(weights, key=lambda s: weights[s]) if weights else 0.0


def median(values: list[float], default: float = 0.0) -> float:
    return statistics.median(values) if values else default
