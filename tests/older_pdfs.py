"""Realistic 2012-13 inspection reports, written as PDFs by reportlab for the tests.

The corpus holds one real report of these kinds (Kent 2013, a looked-after-children
inspection); the archive holds a few dozen of both. These documents follow the published
layout: a cover (a title that wraps, the authority, "Inspection dates:", "Reporting
inspector ... HMI"), a copyright page, a contents page with page numbers, a grading scale
in small print, numbered paragraphs with a hanging indent under bold headings each followed
by "Grade N (Grade)", "Areas for improvement" bullets grouped by timescale, a running
header, and the graded "Record of main findings" table on the last page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

# Bitstream Vera (shipped with reportlab), embedded as TrueType: its text maps to Unicode,
# so the bullet and the dashes read back as printed
pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("Vera-Bold", "VeraBd.ttf"))
pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="Vera-Bold")

BODY = ParagraphStyle("body", fontName="Vera", fontSize=11, leading=13.5, spaceAfter=8)
NUMBERED = ParagraphStyle(
    "numbered", parent=BODY, leftIndent=24, bulletIndent=0, bulletFontName="Vera"
)
BULLET = ParagraphStyle(
    "bullet", parent=BODY, leftIndent=42, bulletIndent=26, spaceAfter=4, bulletFontName="Vera"
)
HEADING = ParagraphStyle(
    "heading", fontName="Vera-Bold", fontSize=14, leading=17, spaceBefore=10, spaceAfter=8
)
GRADE = ParagraphStyle("grade", fontName="Vera-Bold", fontSize=12, leading=15, spaceAfter=8)
SMALL = ParagraphStyle("small", fontName="Vera", fontSize=9, leading=11)
TITLE = ParagraphStyle("title", fontName="Vera-Bold", fontSize=26, leading=32)
AUTHORITY = ParagraphStyle("authority", fontName="Vera-Bold", fontSize=18, leading=22)
COVER = ParagraphStyle("cover", fontName="Vera", fontSize=10, leading=16)
CELL = ParagraphStyle("cell", fontName="Vera", fontSize=11, leading=13)

_WORDS = (
    "Managers have strengthened the oversight of casework and most plans are now reviewed "
    "within timescales. Partners understand their responsibilities and share information "
    "promptly, although the quality of assessments remains too variable across teams. "
    "Children and young people told inspectors that their social workers listen to them "
    "and that they know how to make a complaint. Performance information is used well by "
    "senior leaders to identify where practice needs to improve."
).split(". ")


def prose(seed: int, sentences: int = 4) -> str:
    """Plausible report prose, different for each seed."""
    out = [_WORDS[(seed + i) % len(_WORDS)].rstrip(".") + "." for i in range(sentences)]
    return (
        f"In {seed % 7 + 2} of the cases seen, "
        + out[0][0].lower()
        + out[0][1:]
        + " "
        + " ".join(out[1:])
    )


@dataclass
class OlderReport:
    """What one test report says; the PDF is drawn from it."""

    title: str
    authority: str
    dates: str
    inspector: str
    #: (heading, grade or None, number of paragraphs); "Areas for improvement" goes after the
    #: section named in ``improvements_after``
    sections: list[tuple[str, str | None, int]]
    #: timescale -> bullets
    improvements: dict[str, list[str]]
    improvements_after: str
    #: the record of main findings: (label, grade) with None for a sub-heading row
    table: list[tuple[str, str | None]]
    dates_joined_to_inspector: bool = False
    published: str = "23 August 2013"
    #: a paragraph number -> extra bullets printed under it (an evidence list)
    bullets_under: dict[int, list[str]] = field(default_factory=dict)


def build(report: OlderReport) -> bytes:
    buffer = io.BytesIO()
    running = f"{report.authority} {report.title}"

    def header(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        if doc.page >= 3:
            canvas.setFont("Vera", 8)
            canvas.drawString(70, A4[1] - 40, running)
            canvas.drawRightString(A4[0] - 70, A4[1] - 40, str(doc.page - 2))

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=70,
        rightMargin=70,
        topMargin=70,
        bottomMargin=70,
        title=report.title,
    )
    story: list = [Spacer(1, 80), Paragraph(report.title, TITLE), Spacer(1, 6)]
    story += [Paragraph(report.authority, AUTHORITY), Spacer(1, 300)]
    dates = Table(
        [["Inspection dates:", report.dates]],
        colWidths=[100, 300],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Vera", 10),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (0, 0), (-1, -1), "LEFT"),
            ]
        ),
        hAlign="LEFT",
    )
    if report.dates_joined_to_inspector:
        story.append(
            Paragraph(
                f"Inspection dates: {report.dates} Reporting inspector {report.inspector}", COVER
            )
        )
    else:
        story += [dates, Paragraph(f"Reporting inspector {report.inspector}", COVER)]
    story += [Spacer(1, 100), Paragraph("Age group: All", COVER)]
    story += [Paragraph(f"Published: {report.published}", COVER), PageBreak()]
    story += [
        Paragraph("© Crown copyright 2013", SMALL),
        Paragraph("Website: www.ofsted.gov.uk", SMALL),
    ]
    story.append(PageBreak())

    contents = [["About this inspection", "2"], ["Service information", "3"]]
    contents += [[h, str(4 + i)] for i, (h, _, _) in enumerate(report.sections)]
    contents.append(["Record of main findings", str(5 + len(report.sections))])
    story.append(Paragraph("Contents", HEADING))
    story.append(
        Table(
            contents,
            colWidths=[380, 40],
            style=TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "Vera-Bold", 11),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
            hAlign="LEFT",
        )
    )
    story.append(PageBreak())

    number = 0

    def para(text: str) -> None:
        nonlocal number
        number += 1
        story.append(Paragraph(text, NUMBERED, bulletText=f"{number}."))
        for item in report.bullets_under.get(number, []):
            story.append(Paragraph(item, BULLET, bulletText="•"))

    story.append(Paragraph("About this inspection", HEADING))
    para(
        "The purpose of the inspection is to evaluate the contribution made by relevant "
        "services to the quality of service provision. The inspection team consisted of "
        "four of Her Majesty’s Inspectors (HMI)."
    )
    para("The evidence evaluated by inspectors included:")
    story.append(Paragraph("The inspection judgements and what they mean", HEADING))
    para("All inspection judgements are made using the following four point scale.")
    legend = [
        ["Outstanding (Grade 1)", "A service that significantly exceeds minimum requirements"],
        ["Good (Grade 2)", "A service that exceeds minimum requirements"],
        ["Adequate (Grade 3)", "A service that only meets minimum requirements"],
        ["Inadequate (Grade 4)", "A service that does not meet minimum requirements"],
    ]
    story.append(
        Table(
            legend,
            colWidths=[130, 290],
            style=TableStyle([("FONT", (0, 0), (-1, -1), "Vera", 9)]),
            hAlign="LEFT",
        )
    )
    story.append(PageBreak())
    story.append(Paragraph("Service information", HEADING))
    for i in range(2):
        para(
            f"{report.authority.split()[0]} has a population of about {400 + i * 37},000 "
            "people. " + prose(100 + i, 3)
        )
    story.append(PageBreak())
    seed = 0
    for heading, grade, count in report.sections:
        story.append(Paragraph(heading, HEADING))
        if grade:
            rank = {"Outstanding": 1, "Good": 2, "Adequate": 3, "Inadequate": 4}[grade]
            story.append(Paragraph(f"Grade {rank} ({grade})", GRADE))
        for _ in range(count):
            seed += 1
            para(prose(seed, 5 + seed % 4))
        if heading == report.improvements_after:
            story.append(Paragraph("Areas for improvement", HEADING))
            para(
                f"In order to improve the quality of provision in {report.authority.split()[0]}, "
                "the local authority and its partners should take the following action."
            )
            for timescale, bullets in report.improvements.items():
                story.append(Paragraph(f"{timescale}:", GRADE))
                for item in bullets:
                    story.append(Paragraph(item, BULLET, bulletText="•"))
    if not report.table:
        doc.build(story, onFirstPage=header, onLaterPages=header)
        return buffer.getvalue()
    story.append(PageBreak())
    story.append(Paragraph("Record of main findings", HEADING))
    rows = []
    style = [
        ("FONT", (0, 0), (-1, -1), "Vera", 11),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (1, -1), "CENTER"),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
    ]
    for i, (label, grade) in enumerate(report.table):
        if grade is None:
            rows.append([Paragraph(f"<b>{label}</b>", CELL), ""])
            style.append(("SPAN", (0, i), (1, i)))
        else:
            rows.append([Paragraph(label, CELL), grade])
    story.append(Table(rows, colWidths=[250, 120], style=TableStyle(style), hAlign="LEFT"))
    doc.build(story, onFirstPage=header, onLaterPages=header)
    return buffer.getvalue()


LAC = OlderReport(
    title="Inspection of looked after children services",
    authority="Lincolnshire County Council",
    dates="15 – 19 July 2013",
    inspector="Gary Lamb HMI",
    sections=[
        (
            "Overall effectiveness of services for looked after children and young people",
            "Inadequate",
            2,
        ),
        ("Capacity to improve", "Adequate", 3),
        ("Outcomes for looked after children and young people", "Inadequate", 4),
        ("Quality of provision", "Inadequate", 3),
        ("Leadership and management", "Adequate", 3),
    ],
    improvements={
        "Immediately": [
            "improve the quality of supervision and management oversight in casework",
            "ensure that the voice of the child contributes effectively to care planning and "
            "service delivery.",
        ],
        "Within three months": [
            "improve looked after children’s participation in and ownership of personal "
            "education plans and pathway planning",
            "improve the timeliness of care proceedings.",
        ],
        "Within six months": [
            "ensure there is sufficient and suitable accommodation available for care leavers.",
        ],
    },
    improvements_after="Capacity to improve",
    table=[
        ("Services for looked after children", None),
        ("Overall effectiveness", "Inadequate"),
        ("Capacity to improve", "Adequate"),
        ("Outcomes for looked after children and young people", "Inadequate"),
        ("Quality of provision", "Inadequate"),
        ("Leadership and management", "Adequate"),
    ],
    bullets_under={
        2: [
            "discussions with children and young people receiving services, front line staff "
            "and managers",
            "a review of 64 case files for children and young people with a range of needs",
        ]
    },
)

CHILD_PROTECTION = OlderReport(
    title="Inspection of local authority arrangements for the protection of children",
    authority="Halton Borough Council",
    dates="4 – 15 February 2013",
    inspector="Jan Edwards HMI",
    dates_joined_to_inspector=True,
    published="22 March 2013",
    sections=[
        ("Overall effectiveness", "Inadequate", 2),
        ("Capacity for improvement", "Adequate", 2),
        (
            "The effectiveness of the help and protection provided to children, young people, "
            "families and carers",
            "Inadequate",
            4,
        ),
        ("Quality of practice", "Inadequate", 3),
        ("Leadership and governance", "Inadequate", 3),
    ],
    improvements={
        "Immediately": [
            "ensure that all referrals are screened by a qualified social worker and that "
            "decisions are recorded",
        ],
        "Within three months": [
            "ensure that child protection plans are specific and measurable",
            "improve the attendance of partner agencies at child protection conferences",
        ],
    },
    improvements_after="Capacity for improvement",
    table=[
        ("Overall effectiveness", "Inadequate"),
        ("Capacity for improvement", "Adequate"),
        ("Areas of judgement", None),
        (
            "The effectiveness of the help and protection provided to children, young people, "
            "families and carers",
            "Inadequate",
        ),
        ("Quality of practice", "Inadequate"),
        ("Leadership and governance", "Inadequate"),
    ],
)
