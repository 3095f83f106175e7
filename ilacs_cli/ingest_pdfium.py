"""A fast PDF engine: PDFium (via pypdfium2) reads each page's characters, and the same
functions as the pdfplumber engine (:mod:`ilacs_cli.ingest_lines`: ``dedupe_chars``,
``words_from_chars``, ``lines_from_words``)
turn them into lines, so the unchanged rules give the same Report.

pdfplumber spends most of its time building pdfminer objects for every character; PDFium
reads a page's text in C. :func:`load_pdfium` rebuilds, from PDFium's per-character data,
the character dicts pdfplumber would have made (text, x0, x1, top, bottom, size, fontname,
upright, in content-stream order). pdfminer's character box, which this mirrors::

    box = (0, descent, advance, descent + Tf)      # text space; descent < 0
    x0, y0, x1, y1 = the bounding box of ``box`` under the character's matrix
    size = y1 - y0
    top, bottom = page_height - y1, page_height - y0

``advance`` is the glyph's /Widths entry (read off PDFium's loose character box, which
spans origin..origin+advance unless the ink overhangs it), ``descent`` the font
descriptor's /Descent (``FPDFFont_GetDescent``), the matrix and origin PDFium's
(``FPDFText_GetMatrix``, ``FPDFText_GetCharOrigin``), computed in single precision:
positions agree with pdfplumber's to about 0.0002 pt.

Where PDFium's text page differs from pdfminer's stream of characters, this undoes it:
a space PDFium generates for a gap (and the real space after it, which it deletes) comes
back as one space; text objects it skips as invisible (a lone space) come back as a
space; a line-end hyphen it marks (U+0002) is "-" again; a glyph that maps to several
characters (a ligature) is one char. Pages with text that is not upright (rotated or
mirrored, or /Rotate 90 or 270) are read by pdfplumber instead.

Anything unusual (damaged, truncated, no text layer, too many pages, LZW or twice-deflated
streams) goes to :func:`ilacs_cli.ingest.load`, so refusals and their messages are the
pdfplumber engine's own. Like pdfium itself, not thread-safe: use processes.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from pathlib import Path
from typing import Any

import numpy as np

from . import ingest
from .errors import UnreadableDocument
from .ingest_limits import (
    MAX_DECODED_BYTES,
    MAX_PAGE_CHARS,
    MAX_PAGE_GRAPHICS,
    MAX_STREAM_BYTES,
    TooBig,
    check_streams,
    inflated_size,
)
from .ingest_lines import Chars, page_lines
from .ingest_model import Document, Page, sha256_of

ENGINE = "pdfium"

# Bounds on what PDFium is asked to decode, as pdfplumber's engine enforces with
# ``ingest_limits.check_streams``: a compressed stream is inflated (and discarded) up to the limit.
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_FLATE_MAX_RATIO = 1032  # deflate cannot expand more than this


class _Fallback(Exception):
    """PDFium cannot give the same answer: let the pdfplumber engine decide."""


def load_pdfium(
    path: str | Path,
    *,
    data: bytes | None = None,
    password: str | None = None,
    max_pages: int = 200,
) -> Document:
    """Read ``path`` (or ``data`` named ``path``) like :func:`ilacs_cli.ingest.load`, with
    PDFium instead of pdfplumber for the characters of a PDF.

    Text files, and PDFs PDFium cannot read the way pdfplumber would (damaged, no text
    layer, too many pages), go through :func:`ilacs_cli.ingest.load` unchanged, so errors
    are the same :class:`~ilacs_cli.errors.UnreadableDocument` with the same reasons.
    """
    name = str(path)
    if data is None:
        from .reading import read_input

        data = read_input(path)  # regular files only, size-bounded (as ingest.load)
    if not ingest.looks_like_pdf(data) or b"%%EOF" not in data:
        return ingest.load(path, data=data, password=password, max_pages=max_pages)
    from .ingest_guard import check_raw_streams

    check_raw_streams(data, name)  # PDFium, too, inflates object and xref streams on opening
    try:
        pages, count = _read_pdf(data, name, password, max_pages)
    except UnreadableDocument:
        raise
    except Exception:
        # _Fallback, or anything this engine did not foresee in a file (PDFium's text page
        # disagreeing with itself, say): the reference engine reads it, never a crash
        return ingest.load(path, data=data, password=password, max_pages=max_pages)
    if not any(page.lines for page in pages):
        return ingest.load(path, data=data, password=password, max_pages=max_pages)
    return Document(
        path=name,
        sha256=sha256_of(data),
        pages=pages,
        geometry=True,
        page_count=count,
        engine=ENGINE,
    )


# --------------------------------------------------------------------------- opening


def _open(data: bytes, path: str, password: str | None) -> Any:
    import pypdfium2 as pdfium  # lazily, like pdfplumber in ingest
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(data, password=password or None)
    except pdfium.PdfiumError as exc:
        if exc.err_code != raw.FPDF_ERR_PASSWORD:
            raise _Fallback from exc
        if password:
            # an owner password only (the file opens for anyone) is no reason to stop
            try:
                return pdfium.PdfDocument(data)
            except pdfium.PdfiumError:
                pass
            raise UnreadableDocument("encrypted PDF: the password is wrong", path) from None
        raise UnreadableDocument(
            "encrypted PDF: a password is needed (use --password)", path
        ) from None


def _read_pdf(
    data: bytes, path: str, password: str | None, max_pages: int
) -> tuple[list[Page], int]:
    import pypdfium2.raw as raw

    pdf = _open(data, path, password)
    try:
        count = len(pdf)
        if count == 0 or count > max_pages:
            raise _Fallback  # pdfplumber's refusal names the count its page tree states
        if raw.FPDF_GetSecurityHandlerRevision(pdf) != -1:
            _check_encrypted(data, path, password)
        else:
            _check_streams(data, path)
        pages = []
        for index in range(count):
            pages.append(_read_page(pdf, index, path))
        return pages, count
    finally:
        pdf.close()


def _check_streams(data: bytes, path: str) -> None:
    """Refuse a decompression bomb before PDFium inflates it, as ``ingest_limits.check_streams``
    does for pdfminer: deflate expands at most 1032 times, so only the streams that could
    break a limit are inflated (and discarded) to measure them. Any that does break one
    goes to the pdfplumber engine, whose refusal names the object."""
    plain = 0  # streams stored without compression count at their size
    deflated: list[tuple[int, int, int]] = []  # (most it can inflate to, start, end)
    for match in _STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        head = data[max(0, match.start() - 1024) : match.start()]
        head = head[head.rfind(b"obj") + 1 :]
        if b"/Image" in head:
            continue  # pdfminer never decodes images, nor does ingest.check_streams
        if b"/LZW" in head or head.count(b"/Fl") > 1:
            raise _Fallback  # rare (LZW, deflate twice): let pdfminer's check measure it
        if b"/Fl" in head:
            deflated.append(((end - start) * _FLATE_MAX_RATIO, start, end))
        else:
            plain += end - start
    deflated.sort(reverse=True)
    bound = plain + sum(most for most, _, _ in deflated)
    for most, start, end in deflated:
        if bound <= MAX_DECODED_BYTES and most <= MAX_STREAM_BYTES:
            return
        try:
            actual = inflated_size(data[start:end], MAX_STREAM_BYTES)
        except TooBig:
            raise _Fallback from None
        bound += actual - most
    if bound > MAX_DECODED_BYTES:
        raise _Fallback


def _check_encrypted(data: bytes, path: str, password: str | None) -> None:
    """An encrypted file's streams cannot be measured raw: pdfminer decrypts and measures
    them (``ingest_limits.check_streams``), as the pdfplumber engine does."""
    try:
        pdf = ingest.open_pdf(data, path, password)
    except UnreadableDocument as exc:
        raise _Fallback from exc
    try:
        check_streams(pdf.doc, path)
    finally:
        pdf.close()


# --------------------------------------------------------------------------- pages


def _read_page(pdf: Any, index: int, path: str) -> Page:
    import pypdfium2.raw as raw

    number = index + 1
    try:
        page = pdf[index]
    except Exception as exc:
        raise _Fallback from exc
    try:
        textpage = page.get_textpage()
        try:
            if raw.FPDFText_CountChars(textpage) > MAX_PAGE_CHARS:
                raise UnreadableDocument(
                    f"page {number} has more than {MAX_PAGE_CHARS:,} characters; "
                    "refused as too large for a report page",
                    path,
                )
            if _graphics(page) > MAX_PAGE_GRAPHICS:
                raise UnreadableDocument(
                    f"page {number} has more than {MAX_PAGE_GRAPHICS:,} drawn shapes; "
                    "refused as too large for a report page",
                    path,
                )
            if page.get_rotation() % 360:
                # a turned page (/Rotate), like rotated or mirrored text (which
                # ``_page_chars`` refuses): PDFium's text page treats it differently
                # from pdfminer; pdfplumber reads it
                raise _Fallback
            geometry = _Geometry(page)
            chars = _page_chars(page, textpage, geometry)
        finally:
            textpage.close()
    finally:
        page.close()
    return Page(number, geometry.width, geometry.height, page_lines(chars, number))


def _graphics(page: Any) -> int:
    import pypdfium2.raw as raw

    count = raw.FPDFPage_CountObjects(page)
    if count <= MAX_PAGE_GRAPHICS:
        return count
    shapes = (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_SHADING)
    return sum(
        1
        for i in range(count)
        if raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page, i)) in shapes
    )


class _Geometry:
    """pdfminer's page space (its CTM for /Rotate and the MediaBox origin) and
    pdfplumber's flip of it to top-down coordinates."""

    def __init__(self, page: Any) -> None:
        x0, y0, x1, y1 = page.get_mediabox()
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        rotation = page.get_rotation() % 360
        # pdfminer.pdfinterp.PDFPageInterpreter.process_page
        if rotation == 90:
            self.ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
        elif rotation == 180:
            self.ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
        elif rotation == 270:
            self.ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
        else:
            self.ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
        # pdfplumber.page.Page: the normalised (possibly swapped) MediaBox
        nx0, ny0, nx1, ny1 = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
        self.width = float(nx1 - nx0)
        self.height = float(ny1 - ny0)
        self.shift_x = nx0  # pdfplumber adds mediabox x0 back
        self.shift_top = -ny0


class _Api:
    """Private ctypes prototypes of the per-character PDFium calls, taking and returning
    plain addresses: pypdfium2's own wrappers convert handle objects on every call,
    which costs more than the calls themselves at a few thousand characters a page."""

    def __init__(self) -> None:
        import pypdfium2_raw.bindings as bindings

        lib = bindings._libs["pdfium"]
        c = ctypes

        def proto(name: str, restype: Any, *argtypes: Any) -> Any:
            fn = lib[name]  # a fresh function object: pypdfium2's prototype is untouched
            fn.restype = restype
            fn.argtypes = argtypes
            return fn

        def unchecked(name: str, restype: Any) -> Any:
            # no argtypes: ctypes converts nothing, which halves the cost of a call. The
            # caller passes the text page as a c_void_p, the index as an int (a C int),
            # pointers by byref: exactly the C types, so nothing else may be passed
            fn = lib[name]
            fn.restype = restype
            fn.argtypes = None
            return fn

        self.count_chars = proto("FPDFText_CountChars", c.c_int, c.c_void_p)
        # called once a character, with (c_void_p text page, int index[, byref, byref])
        self.get_unicode = unchecked("FPDFText_GetUnicode", c.c_uint)
        self.is_generated = unchecked("FPDFText_IsGenerated", c.c_int)
        self.is_hyphen = unchecked("FPDFText_IsHyphen", c.c_int)
        # the object's address as an int (0, not None, for none), for arrays
        self.get_object_address = unchecked("FPDFText_GetTextObject", c.c_size_t)
        self.get_origin = unchecked("FPDFText_GetCharOrigin", c.c_int)
        self._origins = (c.c_double * 0)()
        self._x: list[Any] = []
        self._y: list[Any] = []
        self.get_text = proto("FPDFText_GetText", c.c_int, c.c_void_p, c.c_int, c.c_int, c.c_void_p)
        # once a text object
        self.get_matrix = unchecked("FPDFText_GetMatrix", c.c_int)
        self.text_font = proto("FPDFTextObj_GetFont", c.c_void_p, c.c_void_p)
        self.font_size = proto("FPDFTextObj_GetFontSize", c.c_int, c.c_void_p, c.POINTER(c.c_float))
        self.count_objects = proto("FPDFPage_CountObjects", c.c_int, c.c_void_p)
        # once a page object, with (c_void_p page, int index)
        self.get_page_object = unchecked("FPDFPage_GetObject", c.c_void_p)
        self.object_type = proto("FPDFPageObj_GetType", c.c_int, c.c_void_p)
        self.object_bounds = proto(
            "FPDFPageObj_GetBounds", c.c_int, c.c_void_p, *[c.POINTER(c.c_float)] * 4
        )
        # once a glyph measured (``_advance``), with (c_void_p text page, int index, byref)
        self.loose_box = unchecked("FPDFText_GetLooseCharBox", c.c_int)
        self.char_box = unchecked("FPDFText_GetCharBox", c.c_int)
        self.glyph_width = proto(
            "FPDFFont_GetGlyphWidth", c.c_int, c.c_void_p, c.c_uint32, c.c_float,
            c.POINTER(c.c_float),
        )  # fmt: skip
        # once a blank text object, with (c_void_p object, byref matrix)
        self.object_matrix = unchecked("FPDFPageObj_GetMatrix", c.c_int)

    def origins(self, tpv: Any, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Every character's origin (x and y arrays): one call a character, each
        writing into its own place of one buffer (the pointers made once, not a call)."""
        if len(self._x) < count:
            size = max(count, 2 * len(self._x), 4096)
            self._origins = (ctypes.c_double * (2 * size))()
            self._x = [ctypes.byref(self._origins, 16 * k) for k in range(size)]
            self._y = [ctypes.byref(self._origins, 16 * k + 8) for k in range(size)]
        list(
            map(self.get_origin, itertools.repeat(tpv, count), range(count),
                self._x[:count], self._y[:count])
        )  # fmt: skip
        xy = np.frombuffer(self._origins, np.float64, 2 * count).reshape(count, 2)
        return xy[:, 0].copy(), xy[:, 1].copy()


_API: _Api | None = None


def _api() -> _Api:
    global _API
    if _API is None:
        _API = _Api()
    return _API


class _Font:
    """A PDFium font's name (pdfminer's ``fontname``, without the subset tag) and its
    descriptor's /Descent per unit of font size."""

    __slots__ = ("handle", "address", "name", "descent")

    def __init__(self, handle: Any, address: int) -> None:
        import pypdfium2.raw as raw

        buffer = ctypes.create_string_buffer(256)
        n = raw.FPDFFont_GetBaseFontName(handle, buffer, 256)
        descent = ctypes.c_float()
        raw.FPDFFont_GetDescent(handle, ctypes.c_float(1000.0), descent)
        self.handle = handle
        self.address = address
        self.name = buffer.raw[: max(n - 1, 0)].decode("latin-1")
        self.descent = min(descent.value, 0.0) / 1000.0  # pdfminer: always negative


class _Style:
    """What every character drawn in one font, size and matrix shares, in pdfminer's
    page space."""

    __slots__ = (
        "fontname", "tf", "font", "font_id", "a", "b", "c", "d",
        "descent", "ascent", "upright", "simple", "low", "high", "glyphs",
    )  # fmt: skip

    def __init__(self, font: _Font, tf: float, m: Any, ctm: tuple[float, ...]) -> None:
        ca, cb, cc, cd, _, _ = ctm
        self.fontname = font.name
        self.tf = tf
        self.font = font.handle
        self.font_id = font.address
        # the text object's matrix times pdfminer's CTM for the page
        self.a, self.b = m.a * ca + m.b * cc, m.a * cb + m.b * cd
        self.c, self.d = m.c * ca + m.d * cc, m.c * cb + m.d * cd
        # pdfminer's box is Tf high, from the descent below the baseline
        self.descent = font.descent * tf
        self.ascent = self.descent + tf
        self.upright = self.a * self.d > 0 and self.b * self.c <= 0
        # unrotated, unmirrored: the box is (x, y + d*descent, x + a*width, y + d*ascent)
        self.simple = self.b == 0 and self.c == 0 and self.a > 0 and self.d > 0
        self.low = self.d * self.descent
        self.high = self.d * self.ascent
        # code -> (text, advance in text space, advance along x on the page)
        self.glyphs: dict[int, tuple[str, float, float]] = {}


class _Styles:
    """The style of each text object on a page; objects in the same font, size and
    matrix share one (and its glyph widths)."""

    def __init__(self, geo: _Geometry) -> None:
        self.ctm = geo.ctm
        self.by_object: dict[int, _Style] = {}
        self.by_key: dict[tuple[Any, ...], _Style] = {}
        self.fonts: dict[int, _Font] = {}

    def __contains__(self, obj: int) -> bool:
        return obj in self.by_object

    def of(self, obj: int, matrix: Any) -> _Style:
        """The style of text object ``obj`` (its address) drawn with ``matrix``."""
        import pypdfium2.raw as raw

        style = self.by_object.get(obj)
        if style is not None:
            return style
        api = _api()
        address = api.text_font(obj) or 0
        size = ctypes.c_float()
        api.font_size(obj, ctypes.byref(size))
        key = (address, size.value, matrix.a, matrix.b, matrix.c, matrix.d)
        style = self.by_key.get(key)
        if style is None:
            known = self.fonts.get(address)
            if known is None:
                font = ctypes.cast(address, raw.FPDF_FONT)
                known = self.fonts[address] = _Font(font, address)
            style = self.by_key[key] = _Style(known, float(size.value), matrix, self.ctm)
        self.by_object[obj] = style
        return style


def _page_chars(page: Any, textpage: Any, geo: _Geometry) -> Chars:
    """pdfplumber's ``page.chars`` (the columns ilacs reads), from PDFium's text page, in
    the order the content stream draws them.

    Two PDFium calls a character (its text object and its origin) are all the per-character
    work in Python; the rest is per text object, per glyph, or array arithmetic over the
    page. Raises :class:`_Fallback` for text that is not upright."""
    import pypdfium2.raw as raw

    api = _api()
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    tpv = ctypes.c_void_p(tp)  # for the unchecked per-character calls
    get_unicode = api.get_unicode
    count = api.count_chars(tp)
    styles = _Styles(geo)
    advances: dict[tuple[int, int], float] = {}
    if count <= 0:
        return _with_blank_objects(page, _Columns(), [], styles, advances, geo)
    codes = _page_text(api, tp, count)
    if codes is None:
        codes = np.array([get_unicode(tpv, i) for i in range(count)], np.int64)
    for i in np.flatnonzero(codes == 0xFFFE).tolist():  # a hyphen PDFium marked (unicode 2)
        codes[i] = get_unicode(tpv, i)
    objs = np.fromiter(
        map(api.get_object_address, itertools.repeat(tpv, count), range(count)), np.uint64, count
    )
    xs, ys = api.origins(tpv, count)
    # PDFium's generated characters: a space for a gap, or a line break (no object)
    skip = objs == 0
    is_generated, is_hyphen = api.is_generated, api.is_hyphen
    spaces = np.flatnonzero((codes == 32) & ~skip).tolist()
    skip[[i for i in spaces if is_generated(tpv, i)]] = True
    for i in np.flatnonzero((codes == 2) & ~skip).tolist():
        if is_hyphen(tpv, i):
            codes[i] = 0x2D  # PDFium marks a hyphen that ends a line; it is "-" in the file
    kept = np.flatnonzero(~skip)
    n = len(kept)
    if not n:
        return _with_blank_objects(page, _Columns(), [], styles, advances, geo)
    kobj, kx, ky, kcode = objs[kept], xs[kept], ys[kept], codes[kept]
    same = kobj[1:] == kobj[:-1]
    # one glyph that maps to several characters (a ligature "ff"): the characters after
    # the first share its object and origin; pdfminer gives one char, the whole mapping
    cont = np.zeros(n, bool)
    cont[1:] = same & (kx[1:] == kx[:-1]) & (ky[1:] == ky[:-1])
    run_start = np.ones(n, bool)
    run_start[1:] = ~same
    runs = np.flatnonzero(run_start)

    # each run of one text object: its style (font, size, matrix; shared by objects alike)
    get_matrix = api.get_matrix
    style_list: list[_Style] = []
    style_index: dict[int, int] = {}
    run_styles: list[int] = []
    by_object = styles.by_object
    for obj, i in zip(kobj[runs].tolist(), kept[runs].tolist(), strict=True):
        style = by_object.get(obj)
        if style is None:
            matrix = raw.FS_MATRIX()
            get_matrix(tpv, i, ctypes.byref(matrix))
            style = styles.of(obj, matrix)
        sid = style_index.get(id(style))
        if sid is None:
            sid = style_index[id(style)] = len(style_list)
            style_list.append(style)
        run_styles.append(sid)
    if not all(style.upright for style in style_list):
        raise _Fallback  # rotated or mirrored text: pdfplumber reads the page
    char_style = np.array(run_styles, np.intp)[np.cumsum(run_start) - 1]

    base = np.flatnonzero(~cont)  # kept positions of the chars that are chars of their own
    bstyle, bcode = char_style[base], kcode[base]
    # the next kept char continues this one's glyph
    ligature = np.zeros(n, bool)
    ligature[:-1] = cont[1:]
    width = _widths(tpv, kept, base, bstyle, bcode, kx, ligature, style_list, advances)

    flat = geo.ctm[:4] == (1.0, 0.0, 0.0, 1.0)  # no /Rotate
    _, _, _, _, ce, cf = geo.ctm
    height, shift_x, shift_top = geo.height, geo.shift_x, geo.shift_top
    flip = height + shift_top
    sa = np.array([st.a for st in style_list])
    low = np.array([st.low + cf for st in style_list])
    high = np.array([st.high + cf for st in style_list])
    bx, by = kx[base], ky[base]
    # pdfminer's LTChar box: (0, descent, width, descent + Tf) under the matrix
    e = bx + ce
    x0 = e + shift_x
    x1 = (e + sa[bstyle] * width) + shift_x
    y0 = by + low[bstyle]
    y1 = by + high[bstyle]
    top = flip - y1
    bottom = flip - y0
    size = y1 - y0
    simple = np.array([flat and st.simple for st in style_list], bool)
    fast = simple[bstyle]
    if not fast.all():  # skewed or scaled text: the general box
        for b in np.flatnonzero(~fast).tolist():
            box = _box(float(width[b]), float(bx[b]), float(by[b]), style_list[bstyle[b]], geo)
            x0[b], x1[b], top[b], bottom[b], size[b] = box

    # texts: each distinct code once; a ligature's whole mapping for its first char
    codes_seen, tid = np.unique(bcode, return_inverse=True)
    texts = [chr(c) if c else "" for c in codes_seen.tolist()]
    tid = tid.astype(np.intp)
    if cont.any():
        owner = np.cumsum(~cont) - 1  # the base (index into ``base``) of each kept char
        text_ids = {t: k for k, t in enumerate(texts)}
        for c in np.flatnonzero(cont).tolist():
            b = int(owner[c])
            text = texts[tid[b]] + chr(int(kcode[c]))
            tid[b] = text_ids.setdefault(text, len(text_ids))
            if len(text_ids) > len(texts):
                texts.append(text)
            if fast[b]:
                loose = raw.FS_RECTF()
                raw.FPDFText_GetLooseCharBox(textpage, int(kept[c]), loose)
                x1[b] = max(float(x1[b]), loose.right + ce + shift_x)

    fonts: dict[str, int] = {}
    style_font = np.array([fonts.setdefault(st.fontname, len(fonts)) for st in style_list])
    columns = _Columns()
    columns.set(tid, texts, x0, x1, top, bottom, size, style_font[bstyle], list(fonts))

    # where PDFium put a space for a gap and deleted the real space after it: pdfplumber
    # keeps the real space, and a space always ends a word there
    bidx = kept[base]  # text index of each base char
    last_skip = np.maximum.accumulate(np.where(skip, np.arange(count), -1))[bidx]
    previous = np.empty(len(base), np.int64)
    previous[0], previous[1:] = count, bidx[:-1]  # the first char follows nothing
    gap = (last_skip > previous) & (last_skip >= 0) & (bcode != 32)
    gap[0] = False
    if gap.any():
        gap &= codes[np.maximum(last_skip, 0)] == 32
        for b in np.flatnonzero(gap).tolist():
            style = style_list[bstyle[b]]
            _dropped_space(columns, b, style, advances)

    runs_out = [(int(base_of_run), int(kobj[r])) for base_of_run, r in zip(
        np.searchsorted(base, runs).tolist(), runs.tolist(), strict=True)]  # fmt: skip
    return _with_blank_objects(page, columns, runs_out, styles, advances, geo)


def _widths(
    tpv: Any,
    kept: np.ndarray,
    base: np.ndarray,
    bstyle: np.ndarray,
    bcode: np.ndarray,
    kx: np.ndarray,
    ligature: np.ndarray,
    style_list: list[_Style],
    advances: dict[tuple[int, int], float],
) -> np.ndarray:
    """Each base char's glyph width (text space times the size) in its style.

    A style measures a code's width once (its first char of that code), from the font's
    advance (measured once a font and code, from PDFium's boxes of that char). Where
    that char starts a ligature, the width measured is the ligature's, not the code's:
    the next char of that code in that style measures again (and the font's advance too,
    if it was measured there)."""
    key = bstyle.astype(np.int64) << 32 | bcode.astype(np.int64)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    miss = np.ones(len(key), bool)
    miss[1:] = sorted_key[1:] != sorted_key[:-1]
    lig = ligature[base][order]
    again = np.flatnonzero(miss & lig).tolist()
    while again:
        p = again.pop() + 1
        if p < len(key) and sorted_key[p] == sorted_key[p - 1] and not miss[p]:
            miss[p] = True
            if lig[p]:
                again.append(p)
    measured = np.zeros(len(key))
    for p in np.sort(order[miss]).tolist():  # in drawing order
        style = style_list[bstyle[p]]
        code = int(bcode[p])
        akey = (style.font_id, code)
        advance = advances.get(akey)
        if advance is None:
            k = int(base[p])
            advance = advances[akey] = _advance(
                tpv, int(kept[k]), style.font_id, code, float(kx[k])
            )
            if ligature[k]:
                del advances[akey]
        measured[p] = advance * style.tf
    # every other char takes the width of the last measured char of its style and code
    last = np.maximum.accumulate(np.where(miss, np.arange(len(key)), 0))
    width = np.empty(len(key))
    width[order] = measured[order][last]
    return width


class _Columns:
    """A page's characters as they are gathered: the base chars as arrays, and spaces to
    insert (before a char, or before a run of one text object)."""

    def __init__(self) -> None:
        self.tid = np.zeros(0, np.intp)
        self.texts: list[str] = []
        self.x0 = self.x1 = self.top = self.bottom = self.size = np.zeros(0)
        self.font = np.zeros(0, np.intp)
        self.fontnames: list[str] = []
        # (before which base char, 0 a blank object's space / 1 a dropped space, sequence,
        #  x0, x1, top, bottom, size, font name)
        self.extra: list[tuple[int, int, int, float, float, float, float, float, str]] = []

    def set(self, tid, texts, x0, x1, top, bottom, size, font, fontnames) -> None:  # type: ignore[no-untyped-def]
        self.tid, self.texts = tid, texts
        self.x0, self.x1, self.top, self.bottom, self.size = x0, x1, top, bottom, size
        self.font, self.fontnames = font, fontnames

    def chars(self) -> Chars:
        if not self.extra:
            return Chars(
                self.tid, self.texts, self.x0, self.x1, self.top, self.bottom, self.size,
                self.font, self.fontnames,
            )  # fmt: skip
        texts = list(self.texts)
        if " " not in texts:
            texts.append(" ")
        space = texts.index(" ")
        fontnames = list(self.fontnames)
        for extra in self.extra:
            if extra[8] not in fontnames:
                fontnames.append(extra[8])
        m = len(self.tid)
        before = np.array([e[0] for e in self.extra], np.int64)
        kind = np.array([e[1] for e in self.extra], np.int64)
        seq = np.array([e[2] for e in self.extra], np.int64)
        primary = np.concatenate([np.arange(m), before])
        secondary = np.concatenate([np.full(m, 2), kind])
        tertiary = np.concatenate([np.zeros(m, np.int64), seq])
        order = np.lexsort((tertiary, secondary, primary))
        cols = [np.array([e[k] for e in self.extra]) for k in range(3, 8)]
        font = np.array([fontnames.index(e[8]) for e in self.extra], np.intp)
        return Chars(
            np.concatenate([self.tid, np.full(len(self.extra), space, np.intp)])[order],
            texts,
            np.concatenate([self.x0, cols[0]])[order],
            np.concatenate([self.x1, cols[1]])[order],
            np.concatenate([self.top, cols[2]])[order],
            np.concatenate([self.bottom, cols[3]])[order],
            np.concatenate([self.size, cols[4]])[order],
            np.concatenate([self.font, font])[order],
            fontnames,
        )


def _page_text(api: _Api, tp: int, count: int) -> np.ndarray | None:
    """Every character's Unicode value in one call (``FPDFText_GetText``), or None when
    the page text does not line up one to one with the characters."""
    buffer = (ctypes.c_uint16 * (count + 1))()
    written = api.get_text(tp, 0, count, buffer)
    if written != count + 1:  # the text ends with a NUL
        return None
    return np.frombuffer(buffer, np.uint16, count).astype(np.int64)


def _box(
    width: float, x: float, y: float, style: _Style, geo: _Geometry
) -> tuple[float, float, float, float, float]:
    """pdfminer's LTChar box, (0, descent, width, descent + Tf) under the character's
    matrix and the page's CTM, as pdfplumber's (x0, x1, top, bottom, size): the general
    case."""
    ca, cb, cc, cd, ce, cf = geo.ctm
    e, f = x * ca + y * cc + ce, x * cb + y * cd + cf
    a, b, c, d, lo, hi = style.a, style.b, style.c, style.d, style.descent, style.ascent
    xs = (c * lo, a * width + c * lo, a * width + c * hi, c * hi)
    ys = (d * lo, b * width + d * lo, b * width + d * hi, d * hi)
    x0, x1 = e + min(xs), e + max(xs)
    y0, y1 = f + min(ys), f + max(ys)
    flip = geo.height + geo.shift_top
    return x0 + geo.shift_x, x1 + geo.shift_x, flip - y1, flip - y0, y1 - y0


def _with_blank_objects(
    page: Any,
    columns: _Columns,
    runs: list[tuple[int, int]],
    styles: _Styles,
    advances: dict[tuple[int, int], float],
    geo: _Geometry,
) -> Chars:
    """The page's chars with a space for each text object PDFium's text page skips
    because it draws nothing visible (a lone space between a list number and its text,
    say): pdfplumber has those spaces, and a space ends a word. ``runs`` gives, for each
    run of chars of one text object, its first base char and the object."""
    import pypdfium2.raw as raw

    api = _api()
    handle_page = ctypes.c_void_p(ctypes.cast(page.raw, ctypes.c_void_p).value)
    order: dict[int, int] = {}
    blanks: list[tuple[int, Any]] = []
    bounds = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(b) for b in bounds]
    text_kind, form_kind = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_FORM
    styled = styles.by_object
    get_page_object, object_type = api.get_page_object, api.object_type
    for k in range(api.count_objects(handle_page)):
        address = get_page_object(handle_page, k)
        kind = object_type(address)
        if kind == form_kind:
            for inner in _form_objects(ctypes.cast(address, raw.FPDF_PAGEOBJECT)):
                order[inner] = k
            continue
        if kind != text_kind:
            continue
        order[address] = k
        if address in styled:
            continue
        api.object_bounds(address, *refs)
        if bounds[2].value - bounds[0].value < 0.01:  # PDFium's test for an invisible object
            blanks.append((k, address))
    if blanks:
        # each blank goes before the first run of chars drawn after it
        pending = iter(blanks)
        blank = next(pending, None)
        end = len(columns.tid)
        sequence = 0
        for start, owner in [*runs, (end, 0)]:
            position = order.get(owner, -1) if start < end else len(order) + len(blanks)
            while blank is not None and (blank[0] < position or start == end):
                x0, x1, top, bottom, size, fontname = _blank_space(blank[1], styles, advances, geo)
                columns.extra.append((start, 0, sequence, x0, x1, top, bottom, size, fontname))
                sequence += 1
                blank = next(pending, None)
    return columns.chars()


def _form_objects(form: Any) -> list[int]:
    import pypdfium2.raw as raw

    found: list[int] = []
    for j in range(raw.FPDFFormObj_CountObjects(form)):
        inner = raw.FPDFFormObj_GetObject(form, j)
        if raw.FPDFPageObj_GetType(inner) == raw.FPDF_PAGEOBJ_FORM:
            found.extend(_form_objects(inner))
        else:
            found.append(ctypes.cast(inner, ctypes.c_void_p).value or 0)
    return found


def _blank_space(
    address: int, styles: _Styles, advances: dict[tuple[int, int], float], geo: _Geometry
) -> tuple[float, float, float, float, float, str]:
    """A space char for an invisible text object, at its origin, one space wide:
    (x0, x1, top, bottom, size, font name)."""
    import pypdfium2.raw as raw

    matrix = raw.FS_MATRIX()
    _api().object_matrix(ctypes.c_void_p(address), ctypes.byref(matrix))
    style = styles.of(address, matrix)
    if not style.upright:
        raise _Fallback
    key = (style.font_id, -32)
    advance = advances.get(key)
    if advance is None:
        advance = advances[key] = _glyph_width(style.font_id, 32)
    return (*_box(advance * style.tf, matrix.e, matrix.f, style, geo), style.fontname)


def _dropped_space(
    columns: _Columns, b: int, style: _Style, advances: dict[tuple[int, int], float]
) -> None:
    """The space character PDFium dropped before base char ``b`` (after the one before
    it), if the gap between them is wide enough to have held one.

    Where the file draws a space after a gap, PDFium records a generated space for the
    gap and deletes the real space that follows it (it keeps no two spaces in a row).
    pdfplumber keeps the real space, and a space always ends a word there."""
    key = (style.font_id, -32)
    space = advances.get(key)
    if space is None:
        space = advances[key] = _glyph_width(style.font_id, 32)
    space *= style.tf
    x0, x1 = float(columns.x0[b]), float(columns.x1[b - 1])
    gap = x0 - x1
    if space <= 0 or gap < space * 0.5:
        return
    columns.extra.append(
        (b, 1, 0, x1, x0, float(columns.top[b]), float(columns.bottom[b]),
         float(columns.size[b]), style.fontname)
    )  # fmt: skip


def _advance(tpv: Any, index: int, font: int, code: int, origin_x: float) -> float:
    """The glyph's advance width per unit of font size (its /Widths entry / 1000).

    PDFium's loose box spans origin..origin+advance, united with the glyph's inked box:
    where the ink does not overhang the advance, the loose box's right edge gives it
    exactly (for the glyph's own char code). Otherwise PDFium's width for the Unicode
    value is used (exact for simple fonts), kept within the inked box."""
    import pypdfium2.raw as raw

    api = _api()
    loose = raw.FS_RECTF()
    api.loose_box(tpv, index, ctypes.byref(loose))
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    api.char_box(
        tpv, index, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom),
        ctypes.byref(top),
    )  # fmt: skip
    matrix = raw.FS_MATRIX()
    api.get_matrix(tpv, index, ctypes.byref(matrix))
    obj = api.get_object_address(tpv, index)
    size = ctypes.c_float()
    api.font_size(obj, ctypes.byref(size))
    scale = matrix.a * size.value
    if matrix.b or matrix.c or scale <= 0:
        return _glyph_width(font, code)
    if loose.right > right.value + 1e-3:
        return (loose.right - origin_x) / scale
    guess = _glyph_width(font, code)
    inked = (right.value - origin_x) / scale
    return guess if 0 <= guess <= inked + 1e-3 else max(inked, 0.0)


def _glyph_width(font: int, code: int) -> float:
    width = ctypes.c_float()
    _api().glyph_width(font, code, 1000.0, ctypes.byref(width))
    return width.value / 1000.0
