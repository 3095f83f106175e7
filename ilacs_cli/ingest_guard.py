"""The decompression-bomb guard for the streams a PDF reader inflates as it opens a file.

pdfminer (and PDFium) decode cross-reference streams and object streams while opening a
document, to find its objects and its catalog: before :func:`ilacs_cli.ingest.check_streams`
can measure anything. So :func:`check_raw_streams` reads the file's raw bytes first: every
stream whose dictionary says ``/Type /ObjStm`` or ``/Type /XRef``, and every stream under
more than one compression filter, is decoded filter by filter and thrown away, never
holding more than the budget content streams have (``MAX_STREAM_BYTES`` a stream,
``MAX_DECODED_BYTES`` in all).

A stream under several compression layers that expands more than one layer can (deflate:
1,032 times) is refused too: PDF producers compress once, and layering exists only to
multiply the ratio (30 MiB of NULs under two Flate layers is 191 bytes, and took pdfminer
38 s of CPU to parse as an object stream).

Encrypted object streams are inflated only after decryption, by ``check_streams``'s
counterpart in pdfminer: here their bytes do not inflate and count as they are stored
(cross-reference streams are never encrypted).

Importable without pdfminer (it is imported only for LZW, ASCII85 and ASCIIHex data).
"""

from __future__ import annotations

import re

from .errors import UnreadableDocument
from .ingest_limits import TooBig, inflate, unlzw

__all__ = ["FLATE_MAX_RATIO", "check_raw_streams"]

#: deflate cannot expand its input more than this many times
FLATE_MAX_RATIO = 1032

_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_OBJID = re.compile(rb"(\d+)\s+\d+\s+obj")
_TYPE = re.compile(rb"/Type\s*/(ObjStm|XRef)\b")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")

_FLATE = {b"FlateDecode", b"Fl"}
_LZW = {b"LZWDecode", b"LZW"}
_A85 = {b"ASCII85Decode", b"A85"}
_AHX = {b"ASCIIHexDecode", b"AHx"}
_RL = {b"RunLengthDecode", b"RL"}
_COMPRESSING = _FLATE | _LZW | _RL

_WHAT = {b"ObjStm": "object stream", b"XRef": "cross-reference stream"}


_TooBig = TooBig  # one exception for both checks


def check_raw_streams(data: bytes, path: str) -> None:
    """Refuse (:class:`~ilacs_cli.errors.UnreadableDocument`, exit 4) a PDF whose object
    streams, cross-reference streams or multiply-compressed streams would expand past the
    content-stream budget, reading only ``data``'s raw bytes (nothing is parsed by
    pdfminer). Streams that do not decode stop counting where they break."""
    from .ingest import MAX_DECODED_BYTES, MAX_STREAM_BYTES

    total = 0
    for match in _STREAM.finditer(data):
        if data[match.start() - 3 : match.start()] == b"end":
            continue
        head = data[max(0, match.start() - 4096) : match.start()]
        cut = head.rfind(b"obj")
        objid = _OBJID.search(head, max(0, cut - 24), cut + 3) if cut >= 0 else None
        head = head[cut + 3 :] if cut >= 0 else head
        kind = _TYPE.search(head) if b"/ObjStm" in head or b"/XRef" in head else None
        if kind is None and b"[" not in head:
            continue  # one filter at most: a content stream, which check_streams measures
        filters = _filters(head)
        layers = sum(1 for name in filters if name in _COMPRESSING)
        if kind is None and layers < 2:
            continue
        start = match.end()
        raw = _raw(data, start, head)
        what = _WHAT[kind.group(1)] if kind else "stream"
        objid = objid.group(1).decode() if objid else "?"
        try:
            size = _decoded_size(raw, filters, MAX_STREAM_BYTES)
        except _TooBig:
            raise UnreadableDocument(
                f"a compressed {what} (object {objid}) expands to more than "
                f"{MAX_STREAM_BYTES >> 20} MB; refused as a likely decompression bomb",
                path,
            ) from None
        if layers >= 2 and size > FLATE_MAX_RATIO * max(len(raw), 1):
            raise UnreadableDocument(
                f"a compressed {what} (object {objid}) expands {size // max(len(raw), 1):,} "
                f"times through {layers} compression layers (one layer can expand at most "
                f"{FLATE_MAX_RATIO:,} times); refused as a likely decompression bomb",
                path,
            )
        total += size
        if total > MAX_DECODED_BYTES:
            raise UnreadableDocument(
                f"compressed streams expand to more than {MAX_DECODED_BYTES >> 20} MB "
                "in all; refused as too large",
                path,
            )


def _filters(head: bytes) -> list[bytes]:
    found = _FILTER.search(head)
    if found is None:
        return []
    return _NAME.findall(found.group(1))


def _raw(data: bytes, start: int, head: bytes) -> bytes:
    """The stream's stored bytes: ``/Length`` when it is a direct number that ends at
    ``endstream``, else up to the next ``endstream``."""
    length = _LENGTH.search(head)
    if length is not None:
        end = start + int(length.group(1))
        if data[end : end + 32].lstrip().startswith(b"endstream"):
            return data[start:end]
    end = data.find(b"endstream", start)
    return data[start : end if end >= 0 else len(data)]


def _decoded_size(data: bytes, filters: list[bytes], limit: int) -> int:
    """How large ``data`` is once every filter is applied, holding at most ``limit``
    bytes of any stage; raises :class:`_TooBig` past ``limit``. Image codecs end the
    chain (readers leave them encoded)."""
    size = len(data)
    for index, name in enumerate(filters):
        keep = index < len(filters) - 1
        if name in _FLATE:
            data, size = inflate(data, limit, keep)
        elif name in _LZW:
            data, size = unlzw(data, limit, keep)
        elif name in _RL:
            data, size = _unrl(data, limit, keep)
        elif name in _A85 | _AHX:
            data = _ascii_decode(name, data)  # these shrink their input
            size = len(data)
        else:
            break
        if size > limit:
            raise _TooBig
    return size


def _unrl(data: bytes, limit: int, keep: bool) -> tuple[bytes, int]:
    """RunLengthDecode, counted: a run can repeat a byte 128 times."""
    parts: list[bytes] = []
    size = 0
    i = 0
    while i < len(data):
        length = data[i]
        if length == 128:
            break  # end of data
        if length < 128:
            piece = data[i + 1 : i + 2 + length]
            i += 2 + length
        else:
            piece = data[i + 1 : i + 2] * (257 - length)
            i += 2
        size += len(piece)
        if size > limit:
            raise _TooBig
        if keep:
            parts.append(piece)
    return b"".join(parts), size


def _ascii_decode(name: bytes, data: bytes) -> bytes:
    from pdfminer import pdftypes as t

    try:
        return bytes(t.ascii85decode(data) if name in _A85 else t.asciihexdecode(data))
    except Exception:
        return b""
