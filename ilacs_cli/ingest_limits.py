"""Limits that keep memory and time bounded on hostile or broken PDFs, and the check
that refuses a decompression bomb before pdfminer decodes it (:func:`check_streams`).
The PDFium engine applies the same limits (:func:`inflated_size`)."""

from __future__ import annotations

from typing import Any

from .errors import UnreadableDocument

# the corpus a page has at most 3,525 characters and 115 drawn shapes, the largest stream
# decompresses to 330 KB and a whole document's streams to 3.8 MB.
MAX_PAGE_CHARS = 20_000
MAX_PAGE_GRAPHICS = 20_000
MAX_STREAM_BYTES = 32 << 20  # one decompressed stream
MAX_DECODED_BYTES = 256 << 20  # all decompressed streams of a document together
_INFLATE_CHUNK = 1 << 20


class TooBig(Exception):
    """A stream expands past the limit it is measured against."""


def inflated_size(data: bytes, limit: int) -> int:
    """How many bytes deflate ``data`` inflates to, as far as it is valid deflate data;
    raises :class:`TooBig` past ``limit`` without ever holding the output."""
    return inflate(data, limit, keep=False)[1]


def inflate(data: bytes, limit: int, keep: bool) -> tuple[bytes, int]:
    """Inflate ``data`` at most ``limit`` bytes far (raising :class:`TooBig` beyond),
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
            raise TooBig
        if keep:
            parts.append(chunk)
        pending = inflater.unconsumed_tail
        if inflater.eof or not (chunk or pending):
            break
    return b"".join(parts), size


def unlzw(data: bytes, limit: int, keep: bool) -> tuple[bytes, int]:
    import io

    from pdfminer.lzw import LZWDecoder

    parts: list[bytes] = []
    size = 0
    try:
        for chunk in LZWDecoder(io.BytesIO(data)).run():
            size += len(chunk)
            if size > limit:
                raise TooBig
            if keep:
                parts.append(chunk)
    except TooBig:
        raise
    except Exception:
        pass  # corrupt data: pdfminer keeps what decoded
    return b"".join(parts), size


def _decoded_size(stream: Any, limit: int) -> int:
    """How large ``stream`` is once decoded, without ever holding more than ``limit``
    bytes of it: raises :class:`TooBig` past the limit. Image codecs are not decoded."""
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
            raise TooBig
    for index, (name, _params) in enumerate(filters):
        keep = index < len(filters) - 1
        if name in t.LITERALS_FLATE_DECODE:
            data, size = inflate(data, limit, keep)
        elif name in t.LITERALS_LZW_DECODE:
            data, size = unlzw(data, limit, keep)
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
            raise TooBig
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
            except TooBig:
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
