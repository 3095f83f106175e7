"""Text classes of issue 12 section 4, each pinned on a PDF or lines written here:
superscript ordinals, hyphens after digits at line ends, running footers on short pages
and on the cover, lines that wrap onto a number, a headline paragraph that opens like a
judgement row, and sub-bullets of a recommendation."""

from __future__ import annotations

import dataclasses

import pytest
from retypeset import Item, Style, render, spec
from test_hostile import PdfWriter

from ilacs_cli.extract import extract_document
from ilacs_cli.ingest import load
from ilacs_cli.ingest_model import Document, Line, Page
from ilacs_cli.ingest_pdfium import load_pdfium
from ilacs_cli.layout import Block, BlockKind, build_blocks, is_sub_item, join_lines
from ilacs_cli.rules.ilacs import improvement_items

PLAIN = Style("plain")
FOOTER = "Inspection of Salford local authority children’s services"


def _short_salford(last: int = 12) -> list[Item]:
    """Salford 2023 up to finding ``last``: a few pages, quick to read."""
    return [i for i in spec("salford-2023") if i.kind != "numbered" or i.number <= last]


def _report(items: list[Item], style: Style = PLAIN) -> dict:
    doc = load_pdfium("retypeset.pdf", data=render(items, style, FOOTER))
    assert doc.engine == "pdfium"
    return extract_document(doc).model_dump(mode="json")


# --------------------------------------------------------------------------- ordinals


def _ordinal_pdf() -> bytes:
    """ "18th" and "16th" set as Word sets them: the suffix smaller and raised (Ts)."""
    writer = PdfWriter()
    writer.page(
        b"BT /F1 12 Tf 14.4 TL 56 700 Td "
        b"(31. The transition to the 18+ service happens shortly before their 18) Tj "
        b"/F1 8 Tf 4 Ts (th) Tj /F1 12 Tf 0 Ts ( birthday.) Tj T* "
        b"(Plans start between their 16) Tj /F1 8 Tf 4 Ts (th) Tj /F1 12 Tf 0 Ts "
        b"( and 18) Tj /F1 8 Tf 4 Ts (th) Tj /F1 12 Tf 0 Ts ( birthdays.) Tj ET"
    )
    return writer.tobytes()


@pytest.mark.parametrize("loader", [load, load_pdfium], ids=["pdfplumber", "pdfium"])
def test_superscript_ordinal_stays_in_its_word(loader):
    """A raised "th" sits higher than its line, so it was grouped as a line of its own:
    a paragraph "th" and "their 18 birthday" (liverpool/inspection-2018-07-02.pdf)."""
    doc = loader("ordinals.pdf", data=_ordinal_pdf())
    assert [ln.text for ln in doc.lines] == [
        "31. The transition to the 18+ service happens shortly before their 18th birthday.",
        "Plans start between their 16th and 18th birthdays.",
    ]


# --------------------------------------------------------------------------- hyphens


def test_hyphen_after_digit_at_line_end_joins():
    assert join_lines(["support for", "18-", "year-olds"]) == "support for 18-year-olds"
    assert join_lines(["a 24-", "hour service"]) == "a 24-hour service"
    assert join_lines(["pre-", "proceedings"]) == "pre-proceedings"
    # a suspended hyphen keeps its space: the next line goes on from it
    assert join_lines(["homeless 16-", "and 17-year-olds"]) == "homeless 16- and 17-year-olds"
    assert join_lines(["pre-", "and post-birth"]) == "pre- and post-birth"
    assert join_lines(["up-", "to-date plans"]) == "up-to-date plans"


# --------------------------------------------------------------------------- footers


def test_running_footer_on_a_page_with_one_body_line_stays_out_of_findings():
    """The last page holds one line of text: its footer is among its first four lines,
    where only running headers were looked for."""
    items = _short_salford(11)
    items += [Item("newpage"), Item("numbered", "Leaders know their services well.", number=12)]
    report = _report(items)
    assert report["findings"][-1]["number"] == 12
    assert report["findings"][-1]["text"] == "Leaders know their services well."
    assert report["findings"][-1]["pages"] == [report["source"]["pages"]]
    assert report["notes"] == []
    assert report["warnings"] == []


def test_running_footer_placed_higher_on_the_cover_stays_out_of_the_summary():
    """The cover's footer sits 40 pt above the other pages' footers: it repeats nowhere
    at its own height, but it is the running footer's text at the foot of its page."""
    style = dataclasses.replace(PLAIN, cover_footer_rise=40)
    items = _short_salford()
    # the cover ends with the summary: its last paragraph runs down to the footer
    cut = next(i for i, item in enumerate(items) if item.kind == "heading")
    long_para = Item("para", " ".join([items[cut - 1].text] * 3))
    items = [*items[: cut - 1], long_para, Item("newpage"), *items[cut:]]
    report = _report(items, style)
    assert report["summary"][-1] == long_para.text
    assert all(FOOTER not in f["text"] for f in report["findings"])
    assert report["notes"] == []


# --------------------------------------------------------------------------- numbers


def _doc(rows: list[tuple[str, float, float]], size: float = 12.0) -> Document:
    """One page of body text: (text, x0, top) per line, lines about 450 pt long."""
    lines = [
        Line(text=t, page=1, x0=x0, x1=522.0, top=top, bottom=top + size, size=size)
        for t, x0, top in rows
    ]
    return Document(
        path="lines",
        sha256="",
        pages=[Page(1, 595.0, 842.0, lines)],
        geometry=True,
        page_count=1,
    )


def test_line_wrapping_onto_a_number_is_not_a_paragraph_start():
    """With no hanging indent (SIF reports, other producers) the number a sentence wraps
    onto sits where paragraph numbers do: the unfinished sentence before it, and a
    number that is not the next paragraph's, show it is text."""
    doc = _doc(
        [
            ("Most children in the area make good progress by the end of Key Stage", 72, 100),
            ("4. Those who do not are offered support to", 72, 114),
            ("reach", 72, 128),
            ("16. This results in most of them staying in education.", 72, 142),
            ("12. Children who go missing are offered return home interviews", 72, 170),
            ("which are at", 72, 184),
            ("7. Most take place within 72 hours.", 72, 198),
            ("13. Assessments are timely.", 72, 226),
            ("14. Plans are reviewed at the", 72, 240),
            ("15. A new paragraph starts with the next number.", 72, 254),
        ]
    )
    blocks = build_blocks(doc)
    assert [(b.number, b.text) for b in blocks] == [
        (
            None,
            "Most children in the area make good progress by the end of Key Stage 4. Those "
            "who do not are offered support to reach 16. This results in most of them "
            "staying in education.",
        ),
        (
            12,
            "12. Children who go missing are offered return home interviews which are at 7. "
            "Most take place within 72 hours.",
        ),
        (13, "13. Assessments are timely."),
        (14, "14. Plans are reviewed at the"),
        (15, "15. A new paragraph starts with the next number."),
    ]


def test_list_number_touching_its_text_starts_a_paragraph():
    """LibreOffice sets a tab after a list number; "10." is wide enough to touch its
    text, and the words merge: "10.Decisions"."""
    doc = _doc([("9. Children are seen.", 72, 100), ("10.Decisions are timely.", 72, 124)])
    assert [(b.number, b.body()) for b in build_blocks(doc)] == [
        (9, "Children are seen."),
        (10, "Decisions are timely."),
    ]


# --------------------------------------------------------------------------- summary


def test_first_headline_paragraph_opening_like_a_judgement_row_stays_in_summary():
    """ "The experiences of children..." just below the judgement table opened a table
    row; with no grade the row was dropped, and the paragraph with it."""
    items = _short_salford()
    at = next(i for i, item in enumerate(items) if item.kind == "para")
    opening = (
        "The experiences of children in Salford have continued to improve since the last "
        "inspection in 2018, and most children receive good-quality help."
    )
    items[at] = Item("para", opening)
    report = _report(items)
    assert report["summary"][0] == opening
    assert len(report["summary"]) == 3
    assert [j["grade"] for j in report["judgements"]] == [
        "outstanding",
        "good",
        "good",
        "outstanding",
        "good",
    ]
    assert report["warnings"] == []


# --------------------------------------------------------------------------- sub-bullets


def _block(kind: BlockKind, text: str, x0: float, number: int | None = None) -> Block:
    return Block(kind, [Line(text=text, page=1, x0=x0, size=12)], number=number)


def test_sub_bullets_and_lead_in_lines_belong_to_the_recommendation_above():
    blocks = [
        _block(BlockKind.PARA, "The local authority should improve:", 72),
        _block(BlockKind.BULLET, "• The quality of plans, so that they are:", 72),
        _block(BlockKind.BULLET, "• specific about what needs to change", 90),
        _block(BlockKind.BULLET, "• reviewed when circumstances change.", 90),
        _block(BlockKind.BULLET, "• Management oversight of pre-proceedings work.", 72),
    ]
    assert improvement_items(blocks) == [
        "The quality of plans, so that they are:\n• specific about what needs to change\n"
        "• reviewed when circumstances change.",
        "Management oversight of pre-proceedings work.",
    ]


def test_bullets_after_a_numbered_lead_in_are_its_sub_items():
    """SIF recommendations are numbered; bullets after one that leads in with a colon
    are its parts even at the same indent (and with no geometry, as in text input)."""
    item = _block(BlockKind.PARA, "41. Ensure that plans for children:", 0, number=41)
    assert is_sub_item(item, _block(BlockKind.BULLET, "• are specific", 0))
    assert not is_sub_item(item, _block(BlockKind.PARA, "42. Improve supervision.", 0, 42))
    sibling = _block(BlockKind.BULLET, "• Improve supervision.", 72)
    assert not is_sub_item(_block(BlockKind.BULLET, "• Improve plans:", 72), sibling)
