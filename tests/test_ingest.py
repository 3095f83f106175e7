"""The ingest package's seams: the document model, lines from characters, limits and text
input are modules of their own, and the PDFium engine uses only their public names; and
the characters-as-columns stages (overprints, words, the layout's characters) give what
pdfplumber gives."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ilacs_cli
from ilacs_cli.ingest import load

PACKAGE = Path(ilacs_cli.__file__).parent
INGEST_MODULES = {"ingest", "ingest_model", "ingest_lines", "ingest_limits", "ingest_text"}


def test_the_old_import_paths_still_work():
    from ilacs_cli.ingest import BULLET, Document, Line, Page, Segment, load  # noqa: F401
    from ilacs_cli.ingest_model import Document as ModelDocument

    assert Document is ModelDocument
    assert load("x.txt", data=b"Hello\n").lines.__next__().text == "Hello"


def test_pdfium_engine_uses_no_private_ingest_helpers():
    """ingest_pdfium once called ``ingest._open_pdf`` and kept its own copy of the stream
    inflater; now it imports public names only."""
    tree = ast.parse((PACKAGE / "ingest_pdfium.py").read_text(encoding="utf-8"))
    private: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "") in INGEST_MODULES:
            private += [a.name for a in node.names if a.name.startswith("_")]
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in INGEST_MODULES
            and node.attr.startswith("_")
        ):
            private.append(f"{node.value.id}.{node.attr}")
    assert private == []
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in INGEST_MODULES
    }
    assert {"ingest_lines", "ingest_limits", "ingest_model"} <= imported


def test_each_seam_is_its_own_module():
    from ilacs_cli import ingest_limits, ingest_lines, ingest_model, ingest_text

    assert ingest_model.Line.__module__ == "ilacs_cli.ingest_model"
    assert ingest_lines.lines_from_words.__module__ == "ilacs_cli.ingest_lines"
    assert ingest_limits.check_streams.__module__ == "ilacs_cli.ingest_limits"
    assert ingest_text.document_from_text.__module__ == "ilacs_cli.ingest_text"
    # the model knows nothing of PDFs: it imports no reader
    source = (PACKAGE / "ingest_model.py").read_text(encoding="utf-8")
    assert "import pdfplumber" not in source and "from pdfminer" not in source


# --------------------------------------------------------------------------- characters as columns


def _char(text: str, x0: float, top: float = 100.0, size: float = 10.0, width: float = 5.0):
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + width,
        "top": top,
        "bottom": top + size,
        "doctop": top,
        "size": size,
        "fontname": "Helvetica",
        "upright": True,
        "width": width,
        "height": size,
    }


def test_overprint_removal_decides_a_chain_of_copies_in_drawing_order():
    """Copies less than a point apart are decided in drawing order against the chars
    kept: the third of P at 10.0, 10.9, 11.8 is within a point only of the dropped
    second, so it stays (the columns path and the dict path alike)."""
    from ilacs_cli.ingest_lines import Chars, dedupe_chars, page_lines

    chars = [_char("P", 10.0), _char("P", 10.9), _char("P", 11.8), _char("a", 30.0)]
    assert [(c["text"], c["x0"]) for c in dedupe_chars(chars)] == [
        ("P", 10.0),
        ("P", 11.8),
        ("a", 30.0),
    ]
    assert [ln.text for ln in page_lines(Chars.from_dicts(chars), 1)] == ["PP a"]
    # drawn the other way round, the first drawn is kept and the chain decides again
    backwards = [_char("P", 11.8), _char("P", 10.9), _char("P", 10.0)]
    assert [c["x0"] for c in dedupe_chars(backwards)] == [11.8, 10.0]


def _pdfplumber_words(chars):
    from pdfplumber.utils import extract_words

    return [
        (w["text"], w["x0"], w["x1"], w["top"], w["bottom"])
        for w in extract_words(chars, extra_attrs=["size"], return_chars=True)
    ]


WORD_CASES = {
    # drawn right to left: read by x0
    "drawing order": [_char("b", 20.0), _char("a", 15.0)],
    # a change of size ends a word even where the chars touch
    "size change": [_char("a", 10.0), _char("b", 15.0, size=12.0)],
    # a gap of more than 3pt ends a word; 2.9pt does not
    "gaps": [_char("a", 10.0), _char("b", 17.9), _char("c", 26.0)],
    # tops 2.9pt apart chain into one line; the next 3.1pt further starts another
    "chained tops": [_char("a", 10.0, 100.0), _char("b", 15.0, 102.9), _char("c", 20.0, 106.0)],
    # a space ends a word; an empty text is a word of its own
    "space and empty": [
        _char("a", 10.0),
        _char(" ", 15.0),
        _char("b", 18.0),
        _char("", 23.0),
        _char("c", 24.0),
    ],
    # a ligature glyph's text is spelt out
    "ligature": [_char("\ufb01", 10.0), _char("t", 15.0)],
}


@pytest.mark.parametrize("case", sorted(WORD_CASES))
def test_word_grouping_is_pdfplumbers_extract_words(case):
    """The array grouping of characters into words gives pdfplumber's own words (text
    and box) on the edge cases of its rules."""
    from ilacs_cli.ingest_lines import words_from_chars

    chars = WORD_CASES[case]
    ours = [(w["text"], w["x0"], w["x1"], w["top"], w["bottom"]) for w in words_from_chars(chars)]
    assert ours == _pdfplumber_words(chars)


def test_word_grouping_edge_cases_real_values():
    from ilacs_cli.ingest_lines import words_from_chars

    def texts(case: str) -> list[str]:
        return [w["text"] for w in words_from_chars(WORD_CASES[case])]

    assert texts("drawing order") == ["ab"]
    assert texts("size change") == ["a", "b"]
    assert texts("gaps") == ["ab", "c"]
    assert texts("chained tops") == ["ab", "c"]
    assert texts("space and empty") == ["a", "b", "", "c"]
    assert texts("ligature") == ["fit"]
    sized = words_from_chars(WORD_CASES["size change"])
    assert [(w["size"], w["x0"], w["x1"]) for w in sized] == [
        (10.0, 10.0, 15.0),
        (12.0, 15.0, 20.0),
    ]


def _layout_pdf(tmp_path):
    """A page whose MediaBox does not start at 0,0, with text drawn directly, in a
    form XObject, and a rule (which pdfplumber also turns into a dict)."""
    from test_hostile import PdfWriter

    writer = PdfWriter()
    form = writer.add(
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 300 100] "
        b"/Resources << /Font << /F1 3 0 R >> >> >>",
        b"BT /F1 9 Tf 10 10 Td (In a form) Tj ET",
    )
    contents = writer.add(
        b"<< >>",
        b"BT /F1 12 Tf 80 760 Td (Direct text) Tj ET\n"
        b"q 1 0 0 1 100 500 cm /X1 Do Q\n"
        b"60 400 m 400 400 l S",
    )
    writer.kids.append(
        writer.add(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [30 40 625 882] /Resources << /Font "
            b"<< /F1 3 0 R >> /XObject << /X1 %d 0 R >> >> /Contents %d 0 R >>" % (form, contents)
        )
    )
    path = tmp_path / "offset-mediabox.pdf"
    path.write_bytes(writer.tobytes())
    return path


def test_layout_columns_are_pdfplumbers_chars(tmp_path):
    """The pdfplumber engine reads characters off pdfminer's layout, not page.chars: the
    same text, boxes (shifted by the MediaBox origin), sizes and fonts, in the same order,
    chars inside a form XObject included."""
    import pdfplumber

    from ilacs_cli.ingest import _layout_chars

    with pdfplumber.open(_layout_pdf(tmp_path)) as pdf:
        page = pdf.pages[0]
        assert page.mediabox[:2] != (0, 0)
        columns = _layout_chars(page)
        assert columns is not None
        expected = [
            (c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"], c["fontname"])
            for c in page.chars
        ]
    got = list(
        zip(
            [columns.texts[t] for t in columns.tid.tolist()],
            columns.x0.tolist(),
            columns.x1.tolist(),
            columns.top.tolist(),
            columns.bottom.tolist(),
            columns.size.tolist(),
            [columns.fontnames[f] for f in columns.font.tolist()],
            strict=True,
        )
    )
    assert got == expected
    assert "".join(t for t, *_ in got) == "Direct textIn a form"
    doc = load(tmp_path / "offset-mediabox.pdf")
    assert [ln.text for ln in doc.lines] == ["Direct text", "In a form"]


def test_layout_columns_leave_turned_text_to_pdfplumbers_dicts(tmp_path):
    import pdfplumber
    from test_hostile import PdfWriter

    from ilacs_cli.ingest import _layout_chars
    from ilacs_cli.ingest_lines import dedupe_chars, lines_from_words, words_from_chars

    writer = PdfWriter()
    writer.page(b"BT /F1 12 Tf 0 1 -1 0 300 300 Tm (Turned) Tj ET")
    path = tmp_path / "turned.pdf"
    path.write_bytes(writer.tobytes())
    with pdfplumber.open(path) as pdf:
        assert _layout_chars(pdf.pages[0]) is None
        words = words_from_chars(dedupe_chars(pdf.pages[0].chars))
        # pdfplumber's own grouping of turned text (not ours): its words, whatever they are
        assert sorted("".join(w["text"] for w in words)) == sorted("Turned")
        expected = lines_from_words(words, 1)
    lines = load(path).pages[0].lines
    assert lines == expected
    assert sorted("".join(ln.text for ln in lines)) == sorted("Turned")


def test_clean_text_ascii_and_unicode_alike():
    """ASCII text skips the Unicode steps (nothing in ASCII is translated or composed);
    the blanks are collapsed the same either way."""
    from ilacs_cli.ingest_model import clean_text

    assert clean_text("  Quality \t of   work ") == "Quality of work"
    assert clean_text("\ufb01rst\u00a0 \u2011 e\u0301t\u00e9 \uf0b7") == "first - été •"
