"""Hostile and broken input: every case is generated here (tmp_path), never a committed blob,
and each asserts the exit code and the exact one-line message on stderr.

The PDFs are written by hand by :class:`PdfWriter` below (plain PDF 1.4 syntax, a standard
Helvetica font, RC4 encryption by the standard security handler), so no PDF-writing
dependency is needed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ilacs_cli import extract
from ilacs_cli.cli import app
from ilacs_cli.ingest import (
    MAX_DECODED_BYTES,
    MAX_PAGE_CHARS,
    MAX_PAGE_GRAPHICS,
    MAX_STREAM_BYTES,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
VISIT_SEED = SEEDS / "salford-2025-focused-visit.txt"
VISIT_PDF = ROOT / "samples" / "salford-2025.pdf"

NEEDS_PASSWORD = "encrypted PDF: a password is needed (use --password)"
WRONG_PASSWORD = "encrypted PDF: the password is wrong"
SCAN = "no text layer; this looks like a scan (OCR is not supported)"
NOT_A_REPORT = (
    "not an Ofsted children's services report (no inspection title, dates or judgements found)"
)
MINUTES = "meeting minutes or an agenda, not a local authority children's services report"

runner = CliRunner()


def invoke(*args: str, **kw):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["extract", *args], catch_exceptions=False, **kw)


def refused(result, path: object, code: int, reason: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Error: {path}: {reason}\n"


def comparable(report: dict) -> dict:
    """A report's JSON without what names the file it came from."""
    return {**report, "source": {**report["source"], "path": None, "sha256": None}}


# --------------------------------------------------------------------------- PDF writer

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 255
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) & 255
        j = (j + s[i]) & 255
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) & 255])
    return bytes(out)


def standard_security(user: str, owner: str, revision: int, file_id: bytes) -> tuple[bytes, bytes]:
    """The file key and /Encrypt dictionary of the standard security handler, RC4 40-bit
    (revision 2) or 128-bit (revision 3): algorithms 2, 3, 4 and 5 of ISO 32000-1 7.6.3."""
    n = 5 if revision == 2 else 16
    padded_user = (user.encode("latin-1") + _PAD)[:32]
    digest = hashlib.md5((owner.encode("latin-1") + _PAD)[:32]).digest()
    for _ in range(50 if revision >= 3 else 0):
        digest = hashlib.md5(digest[:n]).digest()
    o = rc4(digest[:n], padded_user)
    for i in range(1, 20 if revision >= 3 else 1):
        o = rc4(bytes(b ^ i for b in digest[:n]), o)
    permissions = -4
    digest = hashlib.md5(padded_user + o + struct.pack("<i", permissions) + file_id).digest()
    for _ in range(50 if revision >= 3 else 0):
        digest = hashlib.md5(digest[:n]).digest()
    key = digest[:n]
    if revision == 2:
        u = rc4(key, _PAD)
    else:
        u = rc4(key, hashlib.md5(_PAD + file_id).digest())
        for i in range(1, 20):
            u = rc4(bytes(b ^ i for b in key), u)
        u += bytes(16)
    encrypt = b"<< /Filter /Standard /V %d /R %d /Length %d /P %d /O <%s> /U <%s> >>" % (
        1 if revision == 2 else 2,
        revision,
        n * 8,
        permissions,
        o.hex().encode(),
        u.hex().encode(),
    )
    return key, encrypt


class PdfWriter:
    """A minimal PDF: object 1 the catalog, 2 the page tree, 3 Helvetica; pages added in
    order. No strings appear outside streams, so encryption only has streams to encrypt."""

    def __init__(self) -> None:
        self.objects: dict[int, tuple[bytes, bytes | None]] = {}
        self.kids: list[int] = []
        self.count: int | None = None  # a /Count to state instead of the true one
        self.font = self.add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
        )

    def add(self, body: bytes, stream: bytes | None = None) -> int:
        objid = max(self.objects, default=2) + 1
        self.objects[objid] = (body, stream)
        return objid

    def page(self, content: bytes, *, resources: bytes = b"", stream_keys: bytes = b"") -> int:
        contents = self.add(b"<< " + stream_keys + b" >>", content)
        self.kids.append(
            self.add(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << "
                b"/F1 %d 0 R >> %s >> /Contents %d 0 R >>" % (self.font, resources, contents)
            )
        )
        return self.kids[-1]

    def text_page(self, lines: list[str], size: float = 10) -> int:
        ops = [b"BT /F1 %g Tf %g TL 56 790 Td" % (size, size * 1.4)]
        for line in lines:
            raw = line.encode("cp1252", "replace")
            raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            ops.append(b"(" + raw + b") Tj T*")
        return self.page(b"\n".join([*ops, b"ET"]))

    def tobytes(
        self, *, user: str | None = None, owner: str | None = None, revision: int = 3
    ) -> bytes:
        file_id = b"ilacs-test-file!"
        objects = dict(self.objects)
        objects[1] = (b"<< /Type /Catalog /Pages 2 0 R >>", None)
        kids = b" ".join(b"%d 0 R" % k for k in self.kids)
        count = len(self.kids) if self.count is None else self.count
        objects[2] = (b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count), None)
        key = None
        trailer_extra = b""
        if user is not None or owner is not None:
            key, encrypt = standard_security(user or "", owner or user or "", revision, file_id)
            encrypt_id = max(objects) + 1
            objects[encrypt_id] = (encrypt, None)
            trailer_extra = b" /Encrypt %d 0 R" % encrypt_id
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        for objid in sorted(objects):
            body, stream = objects[objid]
            offsets[objid] = len(out)
            out += b"%d 0 obj\n" % objid
            if stream is None:
                out += body + b"\nendobj\n"
                continue
            if key is not None:
                object_key = hashlib.md5(key + struct.pack("<i", objid)[:3] + b"\0\0").digest()
                stream = rc4(object_key[: min(len(key) + 5, 16)], stream)
            out += body[:-2] + b"/Length %d >>\nstream\n" % len(stream)
            out += stream + b"\nendstream\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, len(objects) + 1))
        out += b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>]%s >>\n" % (
            len(objects) + 1,
            file_id.hex().encode(),
            file_id.hex().encode(),
            trailer_extra,
        )
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def text_pdf(text: str, per_page: int = 52) -> PdfWriter:
    """A text PDF of ``text``: its paragraphs wrapped at 95 characters, 52 lines a page."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        lines.extend(textwrap.wrap(paragraph.strip(), 95) or [""])
    writer = PdfWriter()
    for start in range(0, len(lines), per_page):
        writer.text_page(lines[start : start + per_page])
    return writer


def visit_pdf() -> PdfWriter:
    """The Salford 2025 focused visit letter (its seed text) set as a text PDF."""
    return text_pdf(VISIT_SEED.read_text(encoding="utf-8"))


def zlib_bomb(mebibytes: int, fill: bytes = b" ") -> bytes:
    """A valid zlib stream that inflates to ``mebibytes`` MiB of ``fill``, made without
    holding the inflated data: after a full flush the compressor starts afresh, so every
    further MiB compresses to the same bytes (~1 KB each)."""
    chunk = fill * (1 << 20)
    compressor = zlib.compressobj(9)
    head = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(mebibytes):
        adler = zlib.adler32(chunk, adler)
    return head + body * (mebibytes - 1) + compressor.flush()[:-4] + struct.pack(">I", adler)


def test_the_writer_makes_readable_pdfs():
    report = extract("visit.pdf", data=visit_pdf().tobytes())
    assert report.kind.value == "focused_visit"
    assert report.id == "salford-2025"
    assert report.source.pages == 4


def test_the_bomb_is_a_valid_stream():
    bomb = zlib_bomb(3)
    assert len(bomb) < 4_000
    assert zlib.decompress(bomb) == b" " * (3 << 20)


# --------------------------------------------------------------------------- not a PDF


@pytest.mark.parametrize(
    "content, code, reason",
    [
        (b"", 4, "empty file"),
        (b"  \n\t\n", 4, "empty file"),
        (
            b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
            b"<body><h1>Page not found</h1></body></html>\n",
            4,
            "an HTML page, not a PDF",
        ),
        (b"\n\n<HTML>\n<BODY>Service Unavailable</BODY></HTML>", 4, "an HTML page, not a PDF"),
        (random.Random(7).randbytes(4096), 4, "not a PDF or a UTF-8 text file"),
        (b"abc\x00def\n" * 20, 4, "not a PDF or a text file (binary data)"),
        (
            b"Dear customer,\n\nYour parcel will be delivered on Tuesday between 9am and 1pm.\n"
            b"Track it at any time on our website.\n",
            3,
            NOT_A_REPORT,
        ),
    ],
    ids=["zero-bytes", "whitespace", "html-404", "html-upper", "random-bytes", "nul", "text"],
)
def test_not_a_pdf_named_pdf(tmp_path, content, code, reason):
    bad = tmp_path / "report.pdf"
    bad.write_bytes(content)
    refused(invoke(str(bad)), bad, code, reason)


# --------------------------------------------------------------------------- damaged PDFs


def test_truncated_pdf(tmp_path):
    data = VISIT_PDF.read_bytes()
    half = tmp_path / "half.pdf"
    half.write_bytes(data[: len(data) // 2])
    refused(invoke(str(half)), half, 4, "damaged PDF (truncated: no %%EOF marker)")


def test_a_pdf_cut_after_its_header_is_damaged(tmp_path):
    stub = tmp_path / "stub.pdf"
    stub.write_bytes(b"%PDF-1.7\n%%EOF\n")
    reason = "damaged PDF (no document catalog: its trailer is missing or broken)"
    refused(invoke(str(stub)), stub, 4, reason)
    intact = visit_pdf().tobytes()
    cut = tmp_path / "no-trailer.pdf"
    cut.write_bytes(intact[: intact.index(b"\nxref\n")] + b"\n%%EOF\n")
    refused(invoke(str(cut)), cut, 4, reason)


def test_garbage_after_eof_still_extracts(tmp_path):
    """pdfminer finds ``startxref`` by reading backwards past trailing bytes."""
    padded = tmp_path / "padded.pdf"
    garbage = b"\r\n" + random.Random(3).randbytes(5000) + b"\n<html>junk</html>\n"
    padded.write_bytes(VISIT_PDF.read_bytes() + garbage)
    result = invoke(str(padded), "-f", "json", "--no-save")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["source"]["path"] == str(padded)
    assert comparable(report) == comparable(extract(VISIT_PDF).model_dump(mode="json"))


def _break_xref_entries(data: bytes) -> bytes:
    """Every in-use xref entry points at byte 9 (inside the header comment)."""
    table = data.index(b"\nxref\n")
    lines = [
        b"0000000009 00000 n " if line.endswith(b" 00000 n ") else line
        for line in data[table:].split(b"\n")
    ]
    return data[:table] + b"\n".join(lines)


@pytest.mark.parametrize("damage", ["entries", "startxref", "table"])
def test_broken_xref_is_rebuilt(tmp_path, damage):
    intact = visit_pdf().tobytes()
    if damage == "entries":
        data = _break_xref_entries(intact)
    elif damage == "startxref":
        end = intact.rindex(b"startxref")
        data = intact[:end] + b"startxref\n99999999\n%%EOF\n"
    else:  # the table overwritten, the trailer kept
        start, end = intact.index(b"\nxref\n"), intact.index(b"trailer")
        data = intact[:start] + b"\n" + b"%" * (end - start - 2) + b"\n" + intact[end:]
    assert data != intact
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data)
    result = invoke(str(broken), "-f", "json", "--no-save")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    expected = extract("intact.pdf", data=intact).model_dump(mode="json")
    assert comparable(json.loads(result.stdout)) == comparable(expected)


def test_a_pdf_without_pages(tmp_path):
    empty = tmp_path / "no-pages.pdf"
    empty.write_bytes(PdfWriter().tobytes())
    refused(invoke(str(empty)), empty, 4, "damaged PDF (no pages found)")


# --------------------------------------------------------------------------- encryption


@pytest.fixture(scope="module")
def visit_pdfs() -> dict[str, bytes]:
    writer = visit_pdf()
    return {
        "plain": writer.tobytes(),
        "user-rc4-40": writer.tobytes(user="s3cret pass", owner="owner", revision=2),
        "user-rc4-128": writer.tobytes(user="s3cret pass", owner="owner", revision=3),
        "owner-rc4-40": writer.tobytes(owner="only the owner", revision=2),
        "owner-rc4-128": writer.tobytes(owner="only the owner", revision=3),
    }


@pytest.mark.parametrize("variant", ["user-rc4-40", "user-rc4-128"])
def test_user_password_is_needed(tmp_path, visit_pdfs, variant):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(visit_pdfs[variant])
    refused(invoke(str(locked)), locked, 4, NEEDS_PASSWORD)
    refused(invoke(str(locked), "--password", "guess"), locked, 4, WRONG_PASSWORD)

    result = invoke(str(locked), "--password", "s3cret pass", "-f", "json", "--no-save")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report == extract(locked, password="s3cret pass").model_dump(mode="json")
    plain = extract("plain.pdf", data=visit_pdfs["plain"]).model_dump(mode="json")
    assert comparable(report) == comparable(plain)
    # the owner password opens it too
    assert invoke(str(locked), "--password", "owner", "--no-save", "-q").exit_code == 0


@pytest.mark.parametrize("variant", ["owner-rc4-40", "owner-rc4-128"])
def test_owner_password_only_is_readable(tmp_path, visit_pdfs, variant):
    restricted = tmp_path / "restricted.pdf"
    restricted.write_bytes(visit_pdfs[variant])
    plain = comparable(extract("plain.pdf", data=visit_pdfs["plain"]).model_dump(mode="json"))
    for extra in ([], ["--password", "not needed"]):
        result = invoke(str(restricted), "-f", "json", "--no-save", *extra)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        assert comparable(json.loads(result.stdout)) == plain


def test_library_reports_encryption_the_same_way(visit_pdfs):
    from ilacs_cli.errors import UnreadableDocument

    with pytest.raises(UnreadableDocument) as caught:
        extract("locked.pdf", data=visit_pdfs["user-rc4-128"])
    assert caught.value.reason == NEEDS_PASSWORD
    assert caught.value.exit_code == 4


# --------------------------------------------------------------------------- not a report


def test_image_only_pdf_is_a_scan(tmp_path):
    writer = PdfWriter()
    for _ in range(2):
        image = writer.add(
            b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 >>",
            bytes(range(0, 256, 4)),
        )
        writer.page(
            b"q 595 0 0 842 0 0 cm /Im1 Do Q", resources=b"/XObject << /Im1 %d 0 R >>" % image
        )
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(writer.tobytes())
    refused(invoke(str(scan)), scan, 4, SCAN)


def test_blank_pages_are_no_text_layer(tmp_path):
    writer = PdfWriter()
    for _ in range(3):
        writer.page(b"")
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(writer.tobytes())
    refused(invoke(str(blank)), blank, 4, SCAN)


PARISH_MINUTES = """\
Little Snoring Parish Council
Minutes of the meeting of the Parish Council held on Tuesday 4 March 2025 at 7.30pm
in the Village Hall
Present: Cllr A Smith (Chair), Cllr B Jones, Cllr C Patel, Cllr D Evans
In attendance: the Clerk and two members of the public
1. Apologies for absence were received and accepted from Cllr E Brown.
2. Declarations of interest: none.
3. The minutes of the meeting held on 4 February 2025 were approved as a true record.
4. Planning: the council raised no objection to application 24/01234/FUL (rear extension,
12 Church Lane).
5. Finance: the Clerk reported a balance of 12,345.67 at the end of February. Payments of
245.00 (grass cutting) and 60.00 (hall hire) were approved.
6. The bus shelter on Mill Road has been repaired. The Clerk will report the pothole outside
the school to the county council.
7. Date of next meeting: Tuesday 1 April 2025.
"""


def test_parish_council_minutes_are_not_a_report(tmp_path):
    minutes = tmp_path / "minutes.pdf"
    minutes.write_bytes(text_pdf(PARISH_MINUTES).tobytes())
    refused(invoke(str(minutes)), minutes, 3, MINUTES)
    as_text = tmp_path / "minutes.txt"
    as_text.write_text(PARISH_MINUTES, encoding="utf-8")
    refused(invoke(str(as_text)), as_text, 3, MINUTES)


# --------------------------------------------------------------------------- size limits


def _empty_pages(count: int, stated: int | None = None) -> bytes:
    writer = PdfWriter()
    content = writer.add(b"<< >>", b"")
    for _ in range(count):
        writer.kids.append(
            writer.add(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
                % content
            )
        )
    writer.count = stated
    return writer.tobytes()


def test_too_many_pages_is_refused_before_parsing(tmp_path):
    many = tmp_path / "many.pdf"
    many.write_bytes(_empty_pages(500))
    refused(invoke(str(many)), many, 4, "500 pages is more than --max-pages 200")
    refused(
        invoke(str(many), "--max-pages", "499"), many, 4, "500 pages is more than --max-pages 499"
    )
    # within the limit, all 500 pages are read: and they are empty
    refused(invoke(str(many), "--max-pages", "500"), many, 4, SCAN)


def test_a_page_tree_that_understates_its_count(tmp_path):
    liar = tmp_path / "liar.pdf"
    liar.write_bytes(_empty_pages(300, stated=2))
    refused(invoke(str(liar)), liar, 4, "more than 200 pages (--max-pages 200)")


# Run in a child process so that its peak memory (ru_maxrss) can be measured on its own.
_MEASURED = """
import resource, sys
from ilacs_cli.cli import app
try:
    app(sys.argv[2:], prog_name="ilacs")
finally:
    with open(sys.argv[1], "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""
PEAK_MB = 200  # the interpreter with pdfplumber loaded is ~45 MB


def measured(tmp_path: Path, *args: str) -> tuple[int, str, float]:
    """Exit code, stderr and peak RSS in MB of ``ilacs`` run as a child process, with its
    address space capped at 4 GB so that a regression fails instead of swapping."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    rss = tmp_path / "rss"
    env = {**os.environ, "ILACS_LIBRARY": str(tmp_path / "library.sqlite3")}
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(rss), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        preexec_fn=cap,
    )
    return proc.returncode, proc.stderr, int(rss.read_text()) / 1024


def test_a_page_with_millions_of_characters(tmp_path):
    writer = PdfWriter()
    writer.page(b"BT /F1 4 Tf 10 10 Td (" + b"AB" * 1_000_000 + b") Tj ET")
    dense = tmp_path / "dense.pdf"
    dense.write_bytes(writer.tobytes())
    code, stderr, peak = measured(tmp_path, "extract", str(dense))
    assert code == 4
    assert stderr == (
        f"Error: {dense}: page 1 has more than {MAX_PAGE_CHARS:,} characters; refused as too "
        "large for a report page\n"
    )
    assert peak < PEAK_MB


def test_a_page_with_too_many_shapes(tmp_path):
    writer = PdfWriter()
    writer.text_page(["A page of drawing"])
    writer.page(b"0 0 1 1 re f\n" * (MAX_PAGE_GRAPHICS + 1))
    busy = tmp_path / "busy.pdf"
    busy.write_bytes(writer.tobytes())
    result = invoke(str(busy))
    refused(
        result,
        busy,
        4,
        f"page 2 has more than {MAX_PAGE_GRAPHICS:,} drawn shapes; refused as too large for a "
        "report page",
    )


@pytest.mark.parametrize(
    "layout, ops",
    [
        # thousands of lines that are each a lone number: footnote-mark candidates
        ("lone-numbers", [b"BT /F1 2 Tf 4 TL 10 830 Td", *[b"(1) Tj T*"] * 6000, b"ET"]),
        # one line of thousands of words
        ("one-line", [b"BT /F1 6 Tf 10 400 Td", *[b"(a ) Tj"] * 9000, b"ET"]),
        # a huge letter, then thousands of small raised numbers beside it
        ("marks", [b"BT /F1 60 Tf 10 400 Td (X) Tj /F1 6 Tf", *[b"(1) Tj"] * 9000, b"ET"]),
        # a line in hundreds of sizes
        (
            "sizes",
            [b"BT 10 400 Td", *(b"/F1 %d Tf (ab ) Tj" % (5 + i % 400) for i in range(6000)), b"ET"],
        ),
    ],
)
def test_pages_within_the_limits_read_in_linear_time(tmp_path, layout, ops):
    """Each took 10-60 s when grouping words into lines was quadratic. No timing here (the
    machines are noisy): the grouping and joining steps' linearity is pinned by operation
    counts in tests/test_hostile_scaling.py; this checks the pages are read to the end."""
    writer = PdfWriter()
    writer.page(b"\n".join(ops))
    page = tmp_path / f"{layout}.pdf"
    page.write_bytes(writer.tobytes())
    refused(invoke(str(page)), page, 3, NOT_A_REPORT)


BOMB = (
    "a compressed stream (object {}) expands to more than {} MB; refused as a likely "
    "decompression bomb"
)


@pytest.mark.parametrize("filters", ["/FlateDecode", "[/FlateDecode /FlateDecode]"])
def test_decompression_bomb_content_stream(tmp_path, filters):
    """A 400 MiB page content stream of spaces, stored in ~400 KB (or ~2 KB twice
    deflated), is refused before pdfminer inflates it, in bounded memory."""
    stream = zlib_bomb(400)
    if "[" in filters:
        stream = zlib.compress(stream, 9)
    writer = PdfWriter()
    writer.text_page(["Ofsted"])
    page = writer.page(stream, stream_keys=b"/Filter " + filters.encode())
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(writer.tobytes())
    contents = page - 1  # PdfWriter.page adds the content stream just before the page
    code, stderr, peak = measured(tmp_path, "extract", str(bomb))
    assert code == 4
    assert stderr == f"Error: {bomb}: {BOMB.format(contents, MAX_STREAM_BYTES >> 20)}\n"
    assert peak < PEAK_MB


def test_many_streams_within_the_single_limit_are_limited_together(tmp_path):
    writer = PdfWriter()
    each = (MAX_STREAM_BYTES >> 20) - 1
    for _ in range(MAX_DECODED_BYTES // (each << 20) + 1):
        writer.page(zlib_bomb(each), stream_keys=b"/Filter /FlateDecode")
    bombs = tmp_path / "bombs.pdf"
    bombs.write_bytes(writer.tobytes())
    code, stderr, peak = measured(tmp_path, "extract", str(bombs))
    assert code == 4
    assert stderr == (
        f"Error: {bombs}: compressed streams expand to more than {MAX_DECODED_BYTES >> 20} MB "
        "in all; refused as too large\n"
    )
    assert peak < PEAK_MB


def test_a_bomb_in_an_encrypted_pdf(tmp_path):
    writer = PdfWriter()
    writer.text_page(["Ofsted"])
    page = writer.page(zlib_bomb(100), stream_keys=b"/Filter /FlateDecode")
    locked = tmp_path / "locked-bomb.pdf"
    locked.write_bytes(writer.tobytes(user="pw"))
    result = invoke(str(locked), "--password", "pw")
    refused(result, locked, 4, BOMB.format(page - 1, MAX_STREAM_BYTES >> 20))


# --------------------------------------------------------------------------- paths and stdin


@pytest.mark.parametrize(
    "name",
    [
        "with spaces/focused visit.txt",
        'quotes/it\'s "quoted".txt',
        "non-ascii/Ŝalford – réport ✓.txt",
    ],
)
def test_awkward_paths(tmp_path, name):
    target = tmp_path / name
    target.parent.mkdir(parents=True)
    shutil.copyfile(VISIT_SEED, target)
    result = invoke(str(target), "-f", "json", "--no-save")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["source"]["path"] == str(target)
    assert report == extract(target).model_dump(mode="json")
    # a whole directory of awkward names
    result = invoke(str(target.parent), "-f", "jsonl", "--no-save")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"]["path"] == str(target)


def test_awkward_pdf_path_and_missing_file(tmp_path):
    target = tmp_path / "dir 'é' \"x\"" / "Salford focused visit (2025).pdf"
    target.parent.mkdir()
    shutil.copyfile(VISIT_PDF, target)
    result = invoke(str(target), "-f", "json", "--no-save")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "salford-2025"
    missing = target.with_name("nope ✓.pdf")
    refused(invoke(str(missing)), missing, 4, "no such file")


def test_directory_without_pdfs(tmp_path):
    folder = tmp_path / "no pdfs here"
    folder.mkdir()
    (folder / "notes.md").write_text("# not an input\n", encoding="utf-8")
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = invoke(str(folder))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {folder}: no .pdf or .txt files in this directory\n"


def test_stdin_pdf():
    data = VISIT_PDF.read_bytes()
    result = invoke("-", "-f", "json", "--no-save", input=data)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["source"]["path"] == "<stdin>"
    assert comparable(report) == comparable(extract(VISIT_PDF).model_dump(mode="json"))


def test_stdin_text():
    data = VISIT_SEED.read_bytes()
    result = invoke("-", "-f", "json", "--no-save", input=data)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert comparable(report) == comparable(extract(VISIT_SEED).model_dump(mode="json"))


@pytest.mark.parametrize(
    "data, code, reason",
    [
        (b"", 4, "empty file"),
        (b"<html><body>Not Found</body></html>", 4, "an HTML page, not a PDF"),
        (b"%PDF-1.4\n1 0 obj\n<<", 4, "damaged PDF (truncated: no %%EOF marker)"),
    ],
)
def test_stdin_refusals(data, code, reason):
    refused(invoke("-", input=data), "<stdin>", code, reason)


# --------------------------------------------------------------------------- batches


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_batch_with_some_bad_inputs(tmp_path, fmt):
    good = []
    for i in range(6):
        path = tmp_path / f"good-{i}.txt"
        shutil.copyfile(VISIT_SEED, path)
        good.append(path)
    bad = {
        tmp_path / "empty.pdf": (b"", "empty file"),
        tmp_path / "page.pdf": (b"<html>502 Bad Gateway</html>", "an HTML page, not a PDF"),
        tmp_path / "minutes.txt": (PARISH_MINUTES.encode(), MINUTES),
    }
    for path, (content, _) in bad.items():
        path.write_bytes(content)
    inputs = [good[0], *bad, *good[1:], tmp_path / "gone.pdf"]
    result = invoke(*map(str, inputs), "-f", fmt, "--no-save")
    assert result.exit_code == 1
    if fmt == "json":
        reports = json.loads(result.stdout)
    else:
        reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"]["path"] for r in reports] == [str(p) for p in good]
    assert all(r["id"] == "salford-2025" for r in reports)
    expected = [f"Error: {p}: {reason}" for p, (_, reason) in bad.items()]
    expected.append(f"Error: {tmp_path / 'gone.pdf'}: no such file")
    expected.append(f"4 of {len(inputs)} inputs failed")
    assert result.stderr.splitlines() == expected


def test_batch_where_every_input_fails_for_one_reason(tmp_path):
    paths = [tmp_path / f"{i}.pdf" for i in range(3)]
    for path in paths:
        path.write_bytes(b"<html></html>")
    result = invoke(*map(str, paths), "-f", "jsonl")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        *(f"Error: {p}: an HTML page, not a PDF" for p in paths),
        "3 of 3 inputs failed",
    ]


def test_forms_that_draw_forms_are_counted(tmp_path):
    """Form A draws form B twice, B draws C twice, ... 30 deep: 2**30 drawings of an empty
    form, from a few hundred bytes. Each drawing counts against the page's limit."""
    writer = PdfWriter()
    previous = writer.add(b"<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] >>", b"")
    for _ in range(30):
        previous = writer.add(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << "
            b"/F %d 0 R >> >> >>" % previous,
            b"/F Do /F Do",
        )
    writer.text_page(["A page before"])
    writer.page(b"/F Do", resources=b"/XObject << /F %d 0 R >>" % previous)
    fan = tmp_path / "fan-out.pdf"
    fan.write_bytes(writer.tobytes())
    reason = (
        f"page 2 has more than {MAX_PAGE_GRAPHICS:,} drawn shapes; refused as too large for a "
        "report page"
    )
    refused(invoke(str(fan)), fan, 4, reason)


def test_pdfminer_warnings_stay_off_stderr(tmp_path):
    """pdfminer logs the bad operands it skips; stderr keeps only ilacs' one line."""
    writer = PdfWriter()
    writer.page(b"(a) (b) (c) (d) (e) (f) cm (x) w BT /F1 12 Tf 10 400 Td (Hello) Tj ET")
    odd = tmp_path / "odd.pdf"
    odd.write_bytes(writer.tobytes())
    code, stderr, _ = measured(tmp_path, "extract", str(odd))
    assert code == 3
    assert stderr == f"Error: {odd}: {NOT_A_REPORT}\n"


def test_a_school_inspection_report_is_named_as_such(tmp_path):
    school = tmp_path / "school.txt"
    school.write_text(
        "Inspection of Little Snoring Primary School\n"
        "Inspection dates: 4 and 5 March 2025\n"
        "Overall effectiveness Good\n"
        "The quality of education Good\n",
        encoding="utf-8",
    )
    refused(
        invoke(str(school)),
        school,
        3,
        "an Ofsted inspection of a school, college or nursery, not a local authority "
        "children's services report",
    )


def test_a_hundred_files_with_ten_bad(tmp_path):
    """The issue's own case: 100 inputs, 10 of them bad -> 90 reports, 10 error lines, exit 1."""
    inputs = []
    for i in range(100):
        path = tmp_path / f"{i:03d}.txt"
        if i % 10 == 7:
            path.write_bytes(b"<html>404 Not Found</html>")
        else:
            shutil.copyfile(VISIT_SEED, path)
        inputs.append(path)
    result = invoke(*map(str, inputs), "-f", "jsonl", "--no-save", "--jobs", "2")
    assert result.exit_code == 1
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"]["path"] for r in reports] == [str(p) for p in inputs if p.stem[-1] != "7"]
    errors = result.stderr.splitlines()
    assert errors[:-1] == [
        f"Error: {p}: an HTML page, not a PDF" for p in inputs if p.stem[-1] == "7"
    ]
    assert errors[-1] == "10 of 100 inputs failed"
