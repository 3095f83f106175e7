"""Single inspection framework reports (2014-18) and standalone LSCB reviews: exact values
read from the documents. (The 2012-13 inspections are in test_older.py.)"""

from __future__ import annotations

import datetime as dt

import pytest

from ilacs_cli import extract
from ilacs_cli.models import Area, Grade, Kind


@pytest.fixture(scope="module")
def salford_2015(reports):
    return reports("salford-2015.pdf")


def test_sif_header(salford_2015):
    r = salford_2015
    assert r.kind is Kind.SIF_INSPECTION
    assert r.id == "salford-2015"
    assert r.local_authority.name == "Salford City Council"
    assert (r.inspection.start, r.inspection.end) == (dt.date(2015, 4, 21), dt.date(2015, 5, 8))
    assert r.inspectors[0].name == "Shirley Bailey" and r.inspectors[0].role == "lead"
    assert len(r.inspectors) == 9
    assert r.warnings == []


def test_sif_judgements(salford_2015):
    r = salford_2015
    assert r.overall_effectiveness is Grade.GOOD
    assert [(j.area, j.grade) for j in r.judgements] == [
        (Area.OVERALL_EFFECTIVENESS, Grade.GOOD),
        (Area.HELP_AND_PROTECTION, Grade.GOOD),
        (Area.CHILDREN_LOOKED_AFTER, Grade.GOOD),
        (Area.ADOPTION_PERFORMANCE, Grade.REQUIRES_IMPROVEMENT),
        (Area.CARE_LEAVERS, Grade.GOOD),
        (Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, Grade.GOOD),
        (Area.LSCB, Grade.GOOD),
    ]
    adoption = r.judgement(Area.ADOPTION_PERFORMANCE)
    assert adoption.label == "Adoption performance"
    assert adoption.grade_label == "Requires improvement"


def test_sif_improvement_areas_and_lscb_recommendations(salford_2015):
    r = salford_2015
    la = [a for a in r.improvement_areas if a.area is None]
    lscb = [a for a in r.improvement_areas if a.area is Area.LSCB]
    assert len(la) == 8 and len(lscb) == 4
    assert not any(a.priority for a in r.improvement_areas)
    assert la[0].text.startswith("Urgently analyse the local authority’s current performance")
    assert la[4].text.startswith(
        "Ensure that tracking and reviewing of progress of children in the pre-proceedings phase"
    )
    assert lscb[0].text.startswith("The board should satisfy itself that all partners")


def test_sif_findings_sections(salford_2015):
    r = salford_2015
    spans: list[tuple[Area | None, int, int]] = []
    for f in r.findings:
        if spans and spans[-1][0] == f.area:
            spans[-1] = (f.area, spans[-1][1], f.number)
        else:
            spans.append((f.area, f.number, f.number))
    assert spans == [
        (Area.HELP_AND_PROTECTION, 9, 39),
        (Area.CHILDREN_LOOKED_AFTER, 40, 75),
        (Area.ADOPTION_PERFORMANCE, 76, 90),
        (Area.CARE_LEAVERS, 91, 111),
        (Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, 112, 135),
        (Area.LSCB, 140, 170),
    ]
    # numbering runs once through the report: the improvement lists hold 1-8 and 136-139
    assert len(r.findings) == 170 - 8 - 4
    first = r.findings[0]
    assert first.section == "The experiences and progress of children who need help and protection"
    assert first.text.startswith("The local authority and its partners have invested in prevention")
    assert r.findings[-1].pages == [46]
    assert len(r.summary) == 12
    assert r.summary[0].startswith(
        "Services in Salford for children and young people in need of help"
    )


# a standalone LSCB review: no such PDF is in the corpus, so the
# tests write the documents' published wording as text


LSCB_REVIEW = """\
Lincolnshire County Council
Review of the effectiveness of the Local Safeguarding Children Board
Inspection date: 3 March 2016 to 24 March 2016
The Local Safeguarding Children Board requires improvement

Recommendations
1. Ensure that the board's business plan has measurable objectives.
2. Strengthen the evaluation of multi-agency training.

Inspection findings - the Local Safeguarding Children Board
3. The board meets its statutory responsibilities and is well chaired.
4. Learning from serious case reviews is not disseminated widely enough.

The inspection team
Lead inspector: Jane Example HMI
"""


def test_lscb_review_from_text():
    r = extract("review.txt", data=LSCB_REVIEW.encode())
    assert r.kind is Kind.LSCB_REVIEW
    assert r.id == "lincolnshire-2016"
    assert [(j.area, j.grade) for j in r.judgements] == [(Area.LSCB, Grade.REQUIRES_IMPROVEMENT)]
    assert r.overall_effectiveness is None
    assert [a.text for a in r.improvement_areas] == [
        "Ensure that the board's business plan has measurable objectives.",
        "Strengthen the evaluation of multi-agency training.",
    ]
    assert all(a.area is Area.LSCB for a in r.improvement_areas)
    assert [(f.number, f.area) for f in r.findings] == [(3, Area.LSCB), (4, Area.LSCB)]
    assert [i.name for i in r.inspectors] == ["Jane Example"]


# --------------------------------------------------------------------------- regressions
# each class of problem seen in the archive, on text written here


@pytest.mark.parametrize(
    "sentence, grade, wording",
    [
        # a singular verb
        ("Children’s services in Exampleshire requires improvement to be good", "ri", None),
        ("The children’s service requires improvement.", "ri", "requires improvement"),
        ("Children’s services in Exampleshire require improvement to be Good", "ri", None),
        ("Children’s services in Exampleshire is inadequate", Grade.INADEQUATE, "inadequate"),
        # re-inspection wording
        ("Children’s services in Exampleshire are now good", Grade.GOOD, "good"),
        ("Children’s services in Exampleshire are now judged to be good", Grade.GOOD, "good"),
        (
            "Children’s services in Exampleshire are no longer inadequate and now require "
            "improvement to be good",
            "ri",
            "require improvement to be good",
        ),
        ("The overall judgement is that children’s services are now good", Grade.GOOD, "good"),
        # the forms read before
        ("The overall judgement is requires improvement.", "ri", "requires improvement"),
        ("The overall judgement is good.", Grade.GOOD, "good"),
    ],
)
def test_overall_sentence_singular_verb_and_reinspection_wording(sentence, grade, wording):
    from ilacs_cli.rules.sif import overall_sentence

    got = overall_sentence(sentence)
    assert got is not None
    want = Grade.REQUIRES_IMPROVEMENT if grade == "ri" else grade
    assert got[0] is want
    if wording:
        assert got[1] == wording


def test_overall_sentence_no_longer_inadequate_is_not_inadequate():
    from ilacs_cli.rules.sif import overall_sentence

    assert overall_sentence("Services in Exampleshire are no longer inadequate.") is None
    assert overall_sentence("Children’s services in Exampleshire are no longer inadequate.") is None


def test_heading_require_improvement_to_be_good_is_not_good():
    from ilacs_cli.models import Judgement
    from ilacs_cli.rules.context import Draft
    from ilacs_cli.rules.sif import _check_heading_grade, heading_grade

    heading = "Leadership, management and governance require improvement to be good"
    assert heading_grade(heading) is Grade.REQUIRES_IMPROVEMENT
    assert heading_grade("The graded judgement for adoption performance is good") is Grade.GOOD
    listed = Judgement(
        area=Area.LEADERSHIP_MANAGEMENT_GOVERNANCE,
        label="Leadership, management and governance",
        grade=Grade.REQUIRES_IMPROVEMENT,
        grade_label="Requires improvement",
    )
    draft = Draft(judgements=[listed])
    _check_heading_grade(draft, Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, heading)
    assert draft.warnings == []  # no false "heading says good" warning
    _check_heading_grade(draft, Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, "Leadership ... are good")
    assert draft.warnings == [
        "section heading 'Leadership ... are good' says good but the judgement list says "
        "requires_improvement"
    ]


SIF_HEAD = """\
{title_line}
{dates_line}
{overall}

Summary of findings
1. Leaders know their services well.

Areas for improvement
2. Improve the quality of plans.

The inspection team
Lead inspector: Jane Example HMI
"""
_TITLE_TEXT = (
    "Re-inspection of services for children in need of help and protection, children looked "
    "after and care leavers"
)


@pytest.mark.parametrize(
    "title_line, dates_line, start, end",
    [
        # numeric dates
        (
            f"Exampleshire County Council\n{_TITLE_TEXT}",
            "Inspection dates: 12/09/2016 to 06/10/2016",
            dt.date(2016, 9, 12),
            dt.date(2016, 10, 6),
        ),
        # each date with its year
        (
            f"Exampleshire County Council\n{_TITLE_TEXT}",
            "Inspection dates: 2 June 2014 – 25 June 2014",
            dt.date(2014, 6, 2),
            dt.date(2014, 6, 25),
        ),
        # the publication date joined to the dates: never the end date
        (
            f"Exampleshire County Council\n{_TITLE_TEXT}",
            "Inspection dates: 9 October to 2 November 2017 Report published: 21 December 2017",
            dt.date(2017, 10, 9),
            dt.date(2017, 11, 2),
        ),
        # the dates (and the authority) joined to the title
        (
            f"Exampleshire County Council {_TITLE_TEXT} Inspection dates: 9 October to 2 "
            "November 2017",
            "Report published: 21 December 2017",
            dt.date(2017, 10, 9),
            dt.date(2017, 11, 2),
        ),
        # the dates wrapped after the dash
        (
            f"Exampleshire County Council\n{_TITLE_TEXT}",
            "Inspection dates: 2 June 2014 –\n25 June 2014",
            dt.date(2014, 6, 2),
            dt.date(2014, 6, 25),
        ),
    ],
)
def test_sif_dates_numeric_joined_or_wrapped(title_line, dates_line, start, end):
    text = SIF_HEAD.format(
        title_line=title_line,
        dates_line=dates_line,
        overall="Children’s services in Exampleshire requires improvement to be good",
    )
    r = extract("sif.txt", data=text.encode())
    assert r.kind is Kind.SIF_INSPECTION
    assert r.local_authority.name == "Exampleshire County Council"
    assert (r.inspection.start, r.inspection.end) == (start, end)
    assert r.overall_effectiveness is Grade.REQUIRES_IMPROVEMENT
