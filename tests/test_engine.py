"""The PDFium engine (ilacs_cli.ingest_pdfium) gives the same reports as pdfplumber's,
and refuses what pdfplumber's refuses with the same reasons.

`tests/engine_check.py` runs the same comparison over the whole shared corpus."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES
from test_hostile import PdfWriter, visit_pdf

from ilacs_cli.errors import UnreadableDocument
from ilacs_cli.extract import extract_document
from ilacs_cli.ingest import load
from ilacs_cli.ingest_pdfium import load_pdfium

SAMPLE_PDFS = ["salford-2023.pdf", "salford-2025.pdf", "trafford-2022.pdf", "salford-2015.pdf"]


def _without_engine(report: dict) -> dict:
    assert report["source"].pop("engine") in ("pdfplumber", "pdfium")
    return report


@pytest.mark.parametrize("name", SAMPLE_PDFS)
def test_same_report_as_pdfplumber(reports, name):
    """``reports`` extracts each sample once per session with pdfplumber (as the golden
    tests do), so a full run parses each sample with pdfplumber only once."""
    fast = extract_document(load_pdfium(SAMPLES / name)).model_dump(mode="json")
    slow = reports(name).model_dump(mode="json")
    fast_source, slow_source = fast.pop("source"), slow.pop("source")
    assert fast_source["engine"] == "pdfium"
    for key in ("sha256", "pages", "parser_version"):
        assert fast_source[key] == slow_source[key]
    assert fast == slow


def test_same_lines_as_pdfplumber():
    """The Document itself: same text, sizes, bold, segments and marks on every line;
    positions agree to a hundredth of a point (PDFium computes in single precision)."""
    path = SAMPLES / "salford-2025.pdf"
    fast, slow = load_pdfium(path), load(path)
    assert (fast.page_count, fast.sha256, fast.geometry) == (
        slow.page_count,
        slow.sha256,
        slow.geometry,
    )
    for a, b in zip(fast.pages, slow.pages, strict=True):
        assert (a.number, round(a.width, 2), round(a.height, 2)) == (
            b.number,
            round(b.width, 2),
            round(b.height, 2),
        )
        assert [(ln.text, ln.size, ln.bold, ln.marks) for ln in a.lines] == [
            (ln.text, ln.size, ln.bold, ln.marks) for ln in b.lines
        ]
        assert [[s.text for s in ln.segments] for ln in a.lines] == [
            [s.text for s in ln.segments] for ln in b.lines
        ]
        for x, y in zip(a.lines, b.lines, strict=True):
            for name in ("x0", "x1", "top", "bottom"):
                assert getattr(x, name) == pytest.approx(getattr(y, name), abs=0.01)


def test_data_instead_of_a_path():
    data = visit_pdf().tobytes()
    fast = extract_document(load_pdfium("visit.pdf", data=data)).model_dump(mode="json")
    slow = extract_document(load("visit.pdf", data=data)).model_dump(mode="json")
    assert _without_engine(fast) == _without_engine(slow)


def test_text_input_is_read_as_text():
    path = SAMPLES / "seeds" / "salford-2025-focused-visit.txt"
    assert load_pdfium(path).engine == "text"


def _refusal(loader, path, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableDocument) as caught:
        loader(path, **kwargs)
    assert caught.value.path == str(path)
    return caught.value.reason


def _same_refusal(path, **kwargs) -> str:  # type: ignore[no-untyped-def]
    reason = _refusal(load_pdfium, path, **kwargs)
    assert reason == _refusal(load, path, **kwargs)
    return reason


def test_encrypted(tmp_path):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(visit_pdf().tobytes(user="s3cret pass", owner="owner", revision=3))
    assert _same_refusal(locked) == "encrypted PDF: a password is needed (use --password)"
    assert _same_refusal(locked, password="guess") == "encrypted PDF: the password is wrong"
    fast = load_pdfium(locked, password="s3cret pass")
    assert fast.engine == "pdfium"
    slow = load(locked, password="s3cret pass")
    assert _without_engine(extract_document(fast).model_dump(mode="json")) == _without_engine(
        extract_document(slow).model_dump(mode="json")
    )


def test_owner_password_only(tmp_path):
    restricted = tmp_path / "restricted.pdf"
    restricted.write_bytes(visit_pdf().tobytes(owner="only the owner", revision=3))
    for password in (None, "not needed"):
        fast = extract_document(load_pdfium(restricted, password=password))
        slow = extract_document(load(restricted, password=password))
        assert _without_engine(fast.model_dump(mode="json")) == _without_engine(
            slow.model_dump(mode="json")
        )


@pytest.mark.parametrize(
    "content",
    [b"", b"   \n", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", b"%PDF-1.4\n%%EOF\n", b"\x00\x01"],
    ids=["empty", "blank", "truncated", "no-catalog", "binary"],
)
def test_unreadable_input(tmp_path, content):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    _same_refusal(bad)


def test_missing_file(tmp_path):
    assert _same_refusal(tmp_path / "absent.pdf") == "no such file"


def test_too_many_pages(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes((SAMPLES / "salford-2025.pdf").read_bytes())
    assert _same_refusal(path, max_pages=2) == "5 pages is more than --max-pages 2"


def test_no_text_layer(tmp_path):
    writer = PdfWriter()
    writer.page(b"0 0 m 100 100 l S")
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(writer.tobytes())
    assert "no text layer" in _same_refusal(blank)


def test_a_lone_space_object_still_ends_a_word(tmp_path):
    """PDFium's text page skips a text object that draws only a space (Word sets one
    between a list number and its paragraph); pdfplumber keeps the space, which ends the
    word "10." although the gap is under pdfplumber's 3 pt. Found in
    portsmouth/inspection-2023-07-03.pdf: "10.Senior leaders" without it."""
    writer = PdfWriter()
    writer.page(
        b"BT /F1 12 Tf 56 700 Td (10.) Tj ET\n"
        b"BT /F1 12 Tf 74 700 Td ( ) Tj ET\n"
        b"BT /F1 12 Tf 75 700 Td (Senior leaders) Tj ET"
    )
    path = tmp_path / "numbered.pdf"
    path.write_bytes(writer.tobytes())
    fast, slow = load_pdfium(path), load(path)
    assert fast.engine == "pdfium"
    assert (
        [ln.text for ln in fast.lines] == [ln.text for ln in slow.lines] == ["10. Senior leaders"]
    )


@pytest.mark.parametrize("rotation", [180, 90])
def test_rotated_pages(tmp_path, rotation):
    """Turned pages (/Rotate) are left to pdfplumber, whose word grouping for turned
    text PDFium cannot match."""
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()  # the first page of a sample, turned
    pdf.import_pages(pdfium.PdfDocument(SAMPLES / "salford-2025.pdf"), [0])
    pdf[0].set_rotation(rotation)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    path = tmp_path / f"rotated-{rotation}.pdf"
    path.write_bytes(buffer.getvalue())
    fast, slow = load_pdfium(path), load(path)
    assert fast.engine == "pdfplumber"
    assert [ln.text for ln in fast.lines] == [ln.text for ln in slow.lines]


def test_cli_engine_option_gives_the_same_json():
    from typer.testing import CliRunner

    from ilacs_cli.cli import app

    runner = CliRunner()
    path = str(SAMPLES / "salford-2025.pdf")
    slow = runner.invoke(app, ["extract", path, "-f", "json", "--no-save"])
    fast = runner.invoke(app, ["extract", path, "-f", "json", "--no-save", "--engine", "pdfium"])
    assert slow.exit_code == fast.exit_code == 0, (slow.stderr, fast.stderr)
    a, b = json.loads(slow.stdout), json.loads(fast.stdout)
    assert (a.pop("source")["engine"], b.pop("source")["engine"]) == ("pdfplumber", "pdfium")
    assert a == b


def test_blank_text_object_only_page_does_not_crash(tmp_path):
    """A page whose only text object draws nothing (a lone space, as Word leaves on a blank
    page) has no PDFium characters at all, only a blank object to put back: the blanks were
    zipped against no runs of characters (``ValueError: zip() argument 2 is longer than
    argument 1``, exit 5, on a 2018 focused-visit letter). Now it reads like pdfplumber."""
    writer = visit_pdf()
    writer.page(b"BT /F1 12 Tf 56 700 Td ( ) Tj ET")
    path = tmp_path / "visit-with-blank-page.pdf"
    path.write_bytes(writer.tobytes())
    fast, slow = load_pdfium(path), load(path)
    assert fast.engine == "pdfium"
    assert fast.pages[-1].lines == slow.pages[-1].lines == []
    a = extract_document(fast).model_dump(mode="json")
    b = extract_document(slow).model_dump(mode="json")
    assert _without_engine(a) == _without_engine(b)
    assert a["kind"] == "focused_visit" and a["source"]["pages"] == 5


def test_unforeseen_pdfium_failure_falls_back_to_pdfplumber(tmp_path, monkeypatch):
    """Whatever goes wrong inside the fast engine on a readable file (a count PDFium's text
    calls disagree on, say), the document is read by pdfplumber instead of crashing."""
    import ilacs_cli.ingest_pdfium as engine

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("zip() argument 2 is longer than argument 1")

    monkeypatch.setattr(engine, "_page_chars", broken)
    path = tmp_path / "visit.pdf"
    path.write_bytes(visit_pdf().tobytes())
    doc = load_pdfium(path)
    assert doc.engine == "pdfplumber"
    assert extract_document(doc).id == "salford-2025"


def test_unreadable_stays_unreadable_when_pdfium_fails(tmp_path, monkeypatch):
    """The catch-all fallback never swallows a refusal: a scan is still refused."""
    writer = PdfWriter()
    writer.page(b"0 0 m 10 10 l S")
    path = tmp_path / "scan.pdf"
    path.write_bytes(writer.tobytes())
    with pytest.raises(UnreadableDocument, match="no text layer"):
        load_pdfium(path)


WORD_FIXTURE = SAMPLES.parent / "tests" / "fixtures" / "trafford-2022-word.pdf"


def test_ligature_glyph_is_as_wide_as_its_glyph():
    """One glyph that maps to several characters ("ff" in LibreOffice's Liberation fonts)
    is two PDFium characters at one origin; its box was given the width of its first
    character's code, leaving a gap that split the word ("Traff ord")."""
    fast, slow = load_pdfium(WORD_FIXTURE), load(WORD_FIXTURE)
    assert fast.engine == "pdfium"
    assert fast.pages[0].lines[0].text == slow.pages[0].lines[0].text
    assert fast.pages[0].lines[0].text == "Inspection of Trafford local authority children’s"
    # a real "f" elsewhere keeps its own width: the measure was not cached for it
    words = [w for ln in fast.lines for w in ln.text.split() if "ff" in w or "f" in w]
    assert words == [w for ln in slow.lines for w in ln.text.split() if "ff" in w or "f" in w]


def test_private_use_bullet_set_off_its_line_joins_it():
    """A Symbol-font bullet (U+F0B7) sits 3.6 pt off its text's line in PDFium's boxes
    (the fonts' descents differ): it was a line "•" of its own, above its item."""
    fast = load_pdfium(WORD_FIXTURE)
    texts = [ln.text for ln in fast.pages[1].lines]
    assert "•" not in texts
    assert any(t.startswith("• The quality of out-of-hours service provision") for t in texts)
