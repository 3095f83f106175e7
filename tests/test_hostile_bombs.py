"""Decompression bombs in the streams pdfminer inflates while it opens a file, before the
content-stream guard (``ingest.check_streams``) can run: object streams (which hold the
catalog), cross-reference streams, and streams under several compression layers.

Every PDF is generated here (PDF 1.5: objects in an object stream, a cross-reference
stream instead of a table). Each runs as a child process with a memory limit: before the
pre-scan, the 600 MiB object stream was read at 1.2 GB and the 1 GiB xref stream at 2.3 GB.
"""

from __future__ import annotations

import functools
import struct
import zlib
from pathlib import Path

import pytest
from fuzz.runner import Run, run_ilacs

from ilacs_cli import extract
from ilacs_cli.errors import IlacsError
from ilacs_cli.ingest import MAX_STREAM_BYTES

FLATE_MAX_RATIO = 1032  # ilacs_cli.ingest_guard.FLATE_MAX_RATIO: deflate's own bound

# the interpreter with pdfplumber loaded is ~45 MB: a bomb inflated would take gigabytes
MEMORY = 600 << 20

_CHUNK = 1 << 20


def deflated(prefix: bytes, mebibytes: int = 0, fill: bytes = b"\0") -> bytes:
    """A valid zlib stream of ``prefix`` then ``mebibytes`` MiB of ``fill``, made without
    holding the inflated data: after a full flush the compressor starts afresh, so every
    further MiB compresses to the same bytes."""
    compressor = zlib.compressobj(9)
    out = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = zlib.adler32(prefix)
    if mebibytes:
        chunk = fill * _CHUNK
        body = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
        out += body * mebibytes
        for _ in range(mebibytes):
            adler = zlib.adler32(chunk, adler)
    return out + compressor.flush()[:-4] + struct.pack(">I", adler)


def _filters(layers: int) -> bytes:
    if layers == 1:
        return b"/Filter /FlateDecode"
    return b"/Filter [" + b" ".join([b"/FlateDecode"] * layers) + b"]"


def _layered(prefix: bytes, mebibytes: int, layers: int) -> bytes:
    data = deflated(prefix, mebibytes)
    for _ in range(layers - 1):
        data = zlib.compress(data, 9)
    return data


@functools.lru_cache(maxsize=8)
def pdf15(
    *,
    objstm_padding: int = 0,
    objstm_layers: int = 1,
    xref_padding: int = 0,
    xref_layers: int = 1,
    text: str = "Ofsted",
) -> bytes:
    """A one-page PDF 1.5 whose catalog, page tree, page and font sit in an object stream
    (object 5), located by a cross-reference stream (object 6). ``*_padding`` MiB of NULs
    follow the object stream's objects or the xref stream's entries, under ``*_layers``
    Flate layers."""
    content = b"BT /F1 12 Tf 56 790 Td (" + text.encode("latin-1") + b") Tj ET"
    inner = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 7 0 R >> >> /Contents 4 0 R >>",
        7: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    header = b""
    bodies = b""
    for objid, body in inner.items():
        header += b"%d %d " % (objid, len(bodies))
        bodies += body + b"\n"
    objstm = _layered(header + bodies, objstm_padding, objstm_layers)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {4: len(out)}
    out += b"4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(content), content)
    offsets[5] = len(out)
    out += b"5 0 obj\n<< /Type /ObjStm /N %d /First %d %s /Length %d >>\nstream\n" % (
        len(inner),
        len(header),
        _filters(objstm_layers),
        len(objstm),
    )
    out += objstm + b"\nendstream\nendobj\n"
    offsets[6] = len(out)
    entries = b""
    for objid in range(8):
        if objid == 0:
            entries += struct.pack(">BIH", 0, 0, 65535)
        elif objid in offsets:
            entries += struct.pack(">BIH", 1, offsets[objid], 0)
        else:
            entries += struct.pack(">BIH", 2, 5, list(inner).index(objid))
    xref = _layered(entries, xref_padding, xref_layers)
    out += b"6 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R %s /Length %d >>\nstream\n" % (
        _filters(xref_layers),
        len(xref),
    )
    out += xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


STREAM_BOMB = (
    "a compressed {what} (object {objid}) expands to more than {mb} MB; refused as a likely "
    "decompression bomb"
)
NOT_A_REPORT = (
    "mentions Ofsted but is not a children's services inspection report or visit letter "
    "(no inspection title, dates or judgements found)"
)


def test_the_generated_pdf15_reads(tmp_path):
    """The generator's file is a valid PDF: with no padding its text is read."""
    with pytest.raises(IlacsError) as caught:
        extract("small.pdf", data=pdf15())
    assert caught.value.exit_code == 3
    assert caught.value.reason == NOT_A_REPORT


@pytest.mark.parametrize(
    "options",
    [
        {"xref_padding": 2},  # a few MB: within the budget
        {"objstm_layers": 2, "xref_layers": 3},  # layered, but expanding as data does
    ],
)
def test_streams_within_the_limits_are_read(options):
    with pytest.raises(IlacsError) as caught:
        extract("padded.pdf", data=pdf15(**options))
    assert caught.value.reason == NOT_A_REPORT


def _run(tmp_path: Path, data: bytes, name: str, *options: str) -> tuple[Path, Run]:
    path = tmp_path / name
    path.write_bytes(data)
    return path, run_ilacs("extract", str(path), "--no-save", *options, memory=MEMORY, seconds=60)


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_an_object_stream_bomb_holding_the_catalog(tmp_path, engine):
    """600 MiB of NULs after the catalog, page tree and page in one object stream: read
    at 1.2 GB before."""
    path, run = _run(tmp_path, pdf15(objstm_padding=600), "objstm-bomb.pdf", "--engine", engine)
    reason = STREAM_BOMB.format(what="object stream", objid=5, mb=MAX_STREAM_BYTES >> 20)
    assert (run.code, run.stdout, run.stderr) == (4, "", f"Error: {path}: {reason}\n")


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_a_cross_reference_stream_bomb(tmp_path, engine):
    """1 GiB of NULs after the xref stream's entries: 2.3 GB before it was refused."""
    path, run = _run(tmp_path, pdf15(xref_padding=1024), "xref-bomb.pdf", "--engine", engine)
    reason = STREAM_BOMB.format(what="cross-reference stream", objid=6, mb=MAX_STREAM_BYTES >> 20)
    assert (run.code, run.stdout, run.stderr) == (4, "", f"Error: {path}: {reason}\n")


def test_nested_layers_in_an_object_stream(tmp_path):
    """30 MiB of NULs under two Flate layers, a few hundred bytes in the file, took 38 s
    of CPU: more than one deflate layer can expand, so layered compression, refused."""
    data = pdf15(objstm_padding=30, objstm_layers=2)
    path, run = _run(tmp_path, data, "nested.pdf")
    start = data.index(b"stream\n", data.index(b"/Type /ObjStm")) + 7
    stored = data[start : data.index(b"\nendstream", start)]
    times = len(zlib.decompress(zlib.decompress(stored))) // len(stored)
    assert times > FLATE_MAX_RATIO
    reason = (
        f"a compressed object stream (object 5) expands {times:,} times through 2 compression "
        f"layers (one layer can expand at most {FLATE_MAX_RATIO:,} times); refused as a likely "
        "decompression bomb"
    )
    assert (run.code, run.stdout, run.stderr) == (4, "", f"Error: {path}: {reason}\n")


def test_a_layered_content_stream_is_measured_the_same_way():
    """The content-stream guard took 30 MiB under two layers as within its 32 MB."""
    from test_hostile import PdfWriter

    writer = PdfWriter()
    writer.text_page(["Ofsted"])
    page = writer.page(_layered(b"", 30, 2), stream_keys=b"/Filter " + _filters(2)[8:])
    with pytest.raises(IlacsError) as caught:
        extract("layered.pdf", data=writer.tobytes())
    assert caught.value.reason.startswith(f"a compressed stream (object {page - 1}) expands "), (
        caught.value.reason
    )
    assert caught.value.reason.endswith("refused as a likely decompression bomb")
