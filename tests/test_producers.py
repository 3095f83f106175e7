"""Reports typeset by other producers than Ofsted's read as the original does.

Each case is re-typeset from its reviewed golden JSON (tests/retypeset.py): with reportlab
in four house styles built here (list numbers as separate text objects at a tab stop;
right-aligned numbers, so two-digit ones start at another indent, with ZapfDingbats
bullets and the cover's footer set higher; no hanging indent, no space between
paragraphs, Courier and round dingbat bullets; double-spaced lines), and through
python-docx + LibreOffice with Word's automatic numbering (the committed fixture
tests/fixtures/salford-2023-word.pdf, made by make_docx_fixture.py).
Every variant must give the original's findings, improvement areas, summary and grades,
with both engines.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from retypeset import STYLES, reportlab_pdf

from ilacs_cli.extract import extract_document
from ilacs_cli.ingest import load
from ilacs_cli.ingest_pdfium import load_pdfium

GOLDEN = ROOT / "tests" / "golden"
FIXTURES = ROOT / "tests" / "fixtures"


def _essentials(report: dict) -> dict:
    return {
        "kind": report["kind"],
        "authority": report["local_authority"]["name"],
        "inspection": report["inspection"],
        "grades": [(j["area"], j["grade"]) for j in report["judgements"]],
        "overall": report["overall_effectiveness"],
        "summary": report["summary"],
        "improvement_areas": [a["text"] for a in report["improvement_areas"]],
        "findings": [(f["number"], f["area"], f["text"]) for f in report["findings"]],
    }


def _original(case: str) -> dict:
    return _essentials(json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8")))


def _both_engines(path, data: bytes | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    out = []
    for loader in (load, load_pdfium):
        doc = loader(path, data=data) if data is not None else loader(path)
        out.append(extract_document(doc).model_dump(mode="json"))
    assert [r["source"]["engine"] for r in out] == ["pdfplumber", "pdfium"]
    return out


@pytest.mark.parametrize("style", STYLES, ids=[s.name for s in STYLES])
def test_retypeset_by_reportlab_reads_as_the_original(style):
    case = "salford-2023"
    slow, fast = _both_engines(f"{case}-{style.name}.pdf", reportlab_pdf(case, style))
    want = _original(case)
    assert len(want["findings"]) == 63
    assert _essentials(slow) == want
    assert _essentials(fast) == want
    assert slow["warnings"] == []


def test_retypeset_without_hanging_indent_or_paragraph_space_keeps_paragraphs():
    """Trafford 2022's three headline paragraphs set with no indent and no space between
    them: only a sentence ending short of the margin shows where each ends."""
    case = "trafford-2022"
    style = next(s for s in STYLES if s.name == "no-hanging-indent")
    # the fast engine alone (the layout is engine-blind; parity is pinned above)
    doc = load_pdfium(f"{case}.pdf", data=reportlab_pdf(case, style))
    assert doc.engine == "pdfium"
    want = _original(case)
    assert len(want["summary"]) == 3 and len(want["improvement_areas"]) == 6
    assert _essentials(extract_document(doc).model_dump(mode="json")) == want


def test_word_automatic_numbering_via_libreoffice_reads_as_the_original():
    """Word's "List Number" printed by LibreOffice: the number is its own text object
    and a tab follows it, so "10." touches its text ("10.Decisions"); the old rules kept
    9 of the 63 findings."""
    slow, fast = _both_engines(FIXTURES / "salford-2023-word.pdf")
    want = _original("salford-2023")
    assert _essentials(slow) == want
    assert _essentials(fast) == want
    assert [f["number"] for f in slow["findings"]] == list(range(1, 64))


def test_word_loose_spacing_and_bold_table_column_reads_as_the_original():
    """Trafford 2022 in Times, one and a half line spacing, a table style that sets the
    first column in bold: the headline paragraph under the table sits at the table's own
    line pitch (it was read as the last row's label, whose grade then went to the row
    above), and the bold rows looked like section headings ("Overall effectiveness
    Good"), so the summary was read as findings before the first section."""
    slow, fast = _both_engines(FIXTURES / "trafford-2022-word.pdf")
    want = _original("trafford-2022")
    assert _essentials(slow) == want
    assert _essentials(fast) == want
    assert slow["warnings"] == []
