"""Invisible and combining characters inside words: the rules see through them, the
output keeps the document's text. Before, one zero-width joiner or right-to-left mark per
word made a real report "not an Ofsted children's services report" (exit 3)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from ilacs_cli import extract

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
ILACS_SEED = SEEDS / "salford-2023-ilacs-inspection.txt"
VISIT_SEED = SEEDS / "salford-2025-focused-visit.txt"

MARKS = {
    "zero-width joiner": "\u200d",
    "zero-width non-joiner": "\u200c",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "right-to-left override": "\u202e",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "combining grapheme joiner": "\u034f",
    "combining acute accent": "\u0301",
    "combining dot above": "\u0307",
}


def _inside_words(text: str, mark: str) -> str:
    """``mark`` after the second letter of every word of four letters or more."""
    return re.sub(r"\b([A-Za-z]{2})([A-Za-z]{2,})", rf"\1{mark}\2", text)


def _fold(value: object) -> object:
    """What the rules saw: the marks taken out again (NFD, no Cf/Mn, NFC)."""
    from ilacs_cli.match_text import folded

    if isinstance(value, str):
        return folded(value)
    if isinstance(value, list):
        return [_fold(v) for v in value]
    if isinstance(value, dict):
        return {k: _fold(v) for k, v in value.items() if k != "source"}
    return value


@pytest.fixture(scope="module")
def clean() -> dict:
    return extract("clean.txt", data=ILACS_SEED.read_bytes()).model_dump(mode="json")


@pytest.mark.parametrize("mark", MARKS.values(), ids=MARKS.keys())
def test_marks_inside_words_do_not_hide_a_report(clean, mark):
    text = _inside_words(ILACS_SEED.read_text(encoding="utf-8"), mark)
    report = extract("marked.txt", data=text.encode()).model_dump(mode="json")
    assert report["kind"] == "ilacs_inspection"
    assert report["id"] == "salford-2023"
    assert [(j["area"], j["grade"]) for j in report["judgements"]] == [
        (j["area"], j["grade"]) for j in clean["judgements"]
    ]
    assert len(report["findings"]) == len(clean["findings"]) == 63
    # the output is the document's text: the marks are still in it ...
    printed = unicodedata.normalize("NFC", f"Ch{mark}ildren and fa{mark}milies")
    assert report["findings"][0]["text"].startswith(printed)
    # ... and without them it is exactly what the clean document gives
    assert _fold(report) == _fold(clean)


def test_accented_words_keep_their_accents_in_the_output():
    """The rules match "Zoe" but the letter names "Zoë Nightingále"; NFD input too."""
    text = VISIT_SEED.read_text(encoding="utf-8").replace(
        "Mandy Nightingale", "Zoe\u0308 Nightinga\u0301le"
    )
    report = extract("visit.txt", data=text.encode())
    names = [i.name for i in report.inspectors]
    assert "Zoë Nightingále" in names, names
    assert report.kind.value == "focused_visit"


def test_a_document_with_nothing_to_fold_is_untouched(clean):
    from ilacs_cli.ingest import load
    from ilacs_cli.match_text import fold_document

    doc = load(ILACS_SEED)
    before = [line.text for line in doc.lines]
    assert fold_document(doc) == {}
    assert [line.text for line in doc.lines] == before
