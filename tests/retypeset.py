"""Re-typeset a report through another producer than Ofsted's.

:func:`spec` reads a report's reviewed golden JSON (``tests/golden/<case>.json``) back into
what a person would type to reproduce it: title, dates, lead inspector, the judgement
table, the headline paragraphs, the improvement bullets, and each section heading followed
by its numbered paragraphs. :func:`reportlab_pdf` sets that text with reportlab in one of
several house styles (:class:`Style`), each a layout a producer other than Ofsted's uses:
list numbers drawn as separate text objects, at a tab stop, right-aligned so that two-digit
numbers start at another indent than one-digit ones, paragraphs without a hanging indent,
other fonts and bullet glyphs, no space between paragraphs, lines set double-spaced.
``make_docx_fixture.py`` sets
the same text through python-docx and LibreOffice (Word's automatic numbering).

The extractor must read every variant as it reads the original: the same findings (number,
area, text), improvement areas and grades.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


@dataclass(frozen=True)
class Item:
    kind: str  # title | meta | table | para | heading | bullet | numbered | newpage
    text: str = ""
    number: int | None = None
    rows: tuple[tuple[str, str], ...] = ()


def spec(case: str) -> list[Item]:
    """What an ILACS report says, in reading order, from its golden JSON."""
    report = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
    items = [
        Item("title", f"Inspection of {report['local_authority']['name']} local authority"),
        Item("title", "children’s services"),
        Item("meta", f"Inspection dates: {_span(report['inspection'])}"),
    ]
    lead = next(i["name"] for i in report["inspectors"] if i["role"] == "lead")
    items.append(Item("meta", f"Lead inspector: {lead}, His Majesty’s Inspector"))
    rows = [(j["label"], j["grade_label"]) for j in report["judgements"]]
    items.append(Item("table", rows=(("Judgement", "Grade"), *rows)))
    items += [Item("para", text) for text in report["summary"]]
    items.append(Item("heading", "What needs to improve?"))
    items += [Item("bullet", area["text"]) for area in report["improvement_areas"]]
    section = None
    for finding in report["findings"]:
        if finding["section"] != section:
            section = finding["section"]
            items.append(Item("heading", section))
        items.append(Item("numbered", finding["text"], number=finding["number"]))
    return items


def footer_text(case: str) -> str:
    report = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
    return f"Inspection of {report['local_authority']['name']} local authority children’s services"


def _span(period: dict[str, str]) -> str:
    import datetime as dt

    start, end = (dt.date.fromisoformat(period[k]) for k in ("start", "end"))
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} to {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B} to {end.day} {end:%B %Y}"


# --------------------------------------------------------------------------- reportlab


@dataclass(frozen=True)
class Style:
    """One producer's house style."""

    name: str
    font: str = "Helvetica"
    bold_font: str = "Helvetica-Bold"
    size: float = 11
    leading: float = 1.3  # line pitch / size
    space_after: float = 6  # extra space after a paragraph (pt)
    margin: float = 72
    width: float = 451
    #: how a list number is drawn: "inline" ("12. text" in one string), "object" (its
    #: own text object, the text one space after it), "tab" (its own object, the text at
    #: the tab stop), "right" (right-aligned before the tab stop: "9." starts further
    #: right than "10.")
    number: str = "inline"
    tab: float = 28
    hanging: bool = True  # continuation lines at the text's indent, not the number's
    number_font: str | None = None  # another font for the list numbers
    bullet: str = "•"
    bullet_font: str | None = None  # e.g. ZapfDingbats, whose "n" is a square
    heading_size: float | None = None  # None: bold at body size
    heading_bold: bool = True
    cover_footer_rise: float = 0  # the cover page's footer sits this much higher


STYLES = [
    Style(
        "numbers-as-objects-at-a-tab-stop",
        font="Times-Roman",
        bold_font="Times-Bold",
        size=12,
        number="tab",
        tab=36,
        number_font="Times-Bold",
        heading_size=14,
    ),
    Style(
        "two-digit-numbers-at-another-indent",
        size=10,
        leading=1.4,
        number="right",
        tab=24,
        bullet="n",
        bullet_font="ZapfDingbats",
        space_after=4,
        cover_footer_rise=40,
    ),
    Style(
        "no-hanging-indent",
        font="Courier",
        bold_font="Courier-Bold",
        size=10,
        leading=1.25,
        number="object",
        hanging=False,
        bullet="l",
        bullet_font="ZapfDingbats",
        space_after=0,
        heading_size=13,
        heading_bold=False,
    ),
    Style(
        "double-spaced",
        size=11,
        leading=1.9,
        space_after=10,
        number="inline",
        tab=22,
    ),
]


def reportlab_pdf(case: str, style: Style) -> bytes:
    """The report ``case`` set in ``style``."""
    return render(spec(case), style, footer_text(case))


def render(items: list[Item], style: Style, footer: str) -> bytes:
    """``items`` set in ``style`` with reportlab's canvas, ``footer`` and the page number
    at the foot of every page: every line placed by hand, so each style's numbering and
    indents are exactly as described. An item of kind "newpage" starts a page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    page_w, page_h = A4
    s = style
    pitch = s.size * s.leading
    bottom_limit = 90.0
    state = {"y": page_h - s.margin, "page": 1}

    def new_page() -> None:
        draw_footer()
        canvas.showPage()
        state["page"] += 1
        state["y"] = page_h - s.margin

    def draw_footer() -> None:
        rise = s.cover_footer_rise if state["page"] == 1 else 0
        canvas.setFont(s.bold_font, 8)  # as Ofsted's: small bold print
        canvas.drawString(s.margin, 40 + rise, footer)
        canvas.drawRightString(page_w - s.margin, 40 + rise, str(state["page"]))

    def need(height: float) -> None:
        if state["y"] - height < bottom_limit:
            new_page()

    def wrap(text: str, font: str, size: float, width: float) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            trial = f"{current} {word}" if current else word
            if current and stringWidth(trial, font, size) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        return lines

    def line(x: float, text: str, font: str, size: float) -> None:
        canvas.setFont(font, size)
        canvas.drawString(x, state["y"], text)

    def paragraph(text: str, *, label: str | None = None, label_font: str | None = None) -> None:
        left = s.margin
        indent = left + s.tab if label is not None else left
        first_width = s.width - (indent - left)
        if label is not None and s.number == "inline":
            body = wrap(f"{label} {text}", s.font, s.size, s.width)
            rest_x = indent if s.hanging else left
            for i, part in enumerate(body):
                need(pitch)
                line(left if i == 0 else rest_x, part, s.font, s.size)
                state["y"] -= pitch
            state["y"] -= s.space_after
            return
        if label is not None and s.number == "object":
            gap = stringWidth(label + " ", label_font or s.font, s.size)
            indent = left + gap
            first_width = s.width - gap
        first = wrap(text, s.font, s.size, first_width)
        head, tail = first[0], " ".join(first[1:])
        rest_x = indent if s.hanging else left
        rest = wrap(tail, s.font, s.size, s.width - (rest_x - left)) if tail else []
        need(pitch * min(2, 1 + len(rest)))
        if label is not None:
            font = label_font or s.font
            if s.number == "right":
                canvas.setFont(font, s.size)
                canvas.drawRightString(left + s.tab - 6, state["y"], label)
            else:
                line(left, label, font, s.size)
        line(indent, head, s.font, s.size)
        state["y"] -= pitch
        for part in rest:
            need(pitch)
            line(rest_x, part, s.font, s.size)
            state["y"] -= pitch
        state["y"] -= s.space_after

    def heading(text: str) -> None:
        size = s.heading_size or s.size
        font = s.bold_font if s.heading_bold else s.font
        parts = wrap(text, font, size, s.width)
        state["y"] -= s.space_after + 4
        need(size * 1.3 * len(parts) + pitch * 2)
        for part in parts:
            line(s.margin, part, font, size)
            state["y"] -= size * 1.3
        state["y"] -= s.space_after

    for item in items:
        if item.kind == "newpage":
            new_page()
        elif item.kind == "title":
            line(s.margin, item.text, s.font, 24)
            state["y"] -= 30
        elif item.kind == "meta":
            state["y"] -= 6
            line(s.margin, item.text, s.font, s.size)
            state["y"] -= pitch + 6
        elif item.kind == "table":
            label_w = 260.0
            grade_x = s.margin + label_w + 30
            for r, (label, grade) in enumerate(item.rows):
                font = s.bold_font if r == 0 else s.font
                parts = wrap(label, font, s.size, label_w)
                need(pitch * len(parts))
                for i, part in enumerate(parts):
                    line(s.margin + 6, part, font, s.size)
                    if i == 0:
                        line(grade_x, grade, font, s.size)
                    state["y"] -= pitch
                state["y"] -= 8
            state["y"] -= 8
        elif item.kind == "para":
            paragraph(item.text)
        elif item.kind == "heading":
            heading(item.text)
        elif item.kind == "bullet":
            paragraph(item.text, label=s.bullet, label_font=s.bullet_font)
        elif item.kind == "numbered":
            paragraph(item.text, label=f"{item.number}.", label_font=s.number_font)
    draw_footer()
    canvas.showPage()
    canvas.save()
    return out.getvalue()
