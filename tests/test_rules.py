"""The shared vocabulary: dates, grades, areas, framework references, names."""

from __future__ import annotations

import datetime as dt

import pytest

from ilacs_cli.layout import join_lines
from ilacs_cli.models import Area, Grade
from ilacs_cli.rules.common import (
    area_of,
    clean_person,
    date_span,
    framework_refs,
    parse_grade,
    slugify,
    split_names,
)

D = dt.date


@pytest.mark.parametrize(
    "text, span",
    [
        ("6 to 10 November 2023", (D(2023, 11, 6), D(2023, 11, 10))),
        ("14 May 2018 to 25 May 2018", (D(2018, 5, 14), D(2018, 5, 25))),
        ("11 May to 22 May 2026", (D(2026, 5, 11), D(2026, 5, 22))),
        ("21 November to 2 December 2022", (D(2022, 11, 21), D(2022, 12, 2))),
        ("30 December 2019 to 10 January 2020", (D(2019, 12, 30), D(2020, 1, 10))),
        ("30 December to 10 January 2020", (D(2019, 12, 30), D(2020, 1, 10))),
        ("6–10 November 2023", (D(2023, 11, 6), D(2023, 11, 10))),
        ("14 and 15 October 2025", (D(2025, 10, 14), D(2025, 10, 15))),
        ("8 -17 October 2012", (D(2012, 10, 8), D(2012, 10, 17))),
        (
            "30 September to 11 October 2024 and 13 to 16 January 2025",
            (D(2024, 9, 30), D(2025, 1, 16)),
        ),
        ("no dates here", (None, None)),
    ],
)
def test_date_span(text, span):
    assert date_span(text) == span


@pytest.mark.parametrize(
    "text, grade",
    [
        ("Outstanding", Grade.OUTSTANDING),
        ("Good", Grade.GOOD),
        ("Requires improvement to be good", Grade.REQUIRES_IMPROVEMENT),
        ("Requires improvement", Grade.REQUIRES_IMPROVEMENT),
        ("requires improvement to be good", Grade.REQUIRES_IMPROVEMENT),
        ("Inadequate", Grade.INADEQUATE),
        ("Adequate", Grade.ADEQUATE),
        ("Judgement", None),
    ],
)
def test_parse_grade(text, grade):
    assert parse_grade(text) is grade


@pytest.mark.parametrize(
    "label, area",
    [
        (
            "The impact of leaders on social work practice with children and families",
            Area.IMPACT_OF_LEADERS,
        ),
        ("The impact of leaders on practice with children and families", Area.IMPACT_OF_LEADERS),
        (
            "The experiences and progress of children who need help and protection",
            Area.HELP_AND_PROTECTION,
        ),
        (
            "The experiences and progress of children in care and care leavers",
            Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
        ),
        ("The experiences and progress of children in care", Area.CHILDREN_IN_CARE),
        ("The experiences and progress of care leavers", Area.CARE_LEAVERS),
        ("The experiences and progress of children care leavers", Area.CARE_LEAVERS),
        ("Overall effectiveness", Area.OVERALL_EFFECTIVENESS),
        ("Something else", None),
    ],
)
def test_area_of(label, area):
    assert area_of(label) is area


@pytest.mark.parametrize(
    "text, refs",
    [
        ("Plans. (outcome 3, national framework)", ["outcome 3"]),
        ("Plans. (Outcome 4, national framework)", ["outcome 4"]),
        ("Plans. (outcome three, national framework)", ["outcome 3"]),
        ("Plans. (outcome 3: national framework)", ["outcome 3"]),
        ("Plans (outcome 3, national framework).", ["outcome 3"]),
        (
            "Supervision. (enabler: the workforce is equipped and effective, national framework)",
            ["enabler: the workforce is equipped and effective"],
        ),
        ("Plans. (outcomes 1 and 3, national framework)", ["outcome 1", "outcome 3"]),
        ("The quality of plans.", []),
    ],
)
def test_framework_refs(text, refs):
    kept, found = framework_refs(text)
    assert kept == text
    assert found == refs


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Salford", "salford"),
        ("Salford City Council", "salford"),
        ("Liverpool City Council", "liverpool"),
        ("London Borough of Tower Hamlets", "tower-hamlets"),
        ("Westmorland and Furness", "westmorland-and-furness"),
        ("Redcar and Cleveland", "redcar-and-cleveland"),
        ("City of London Corporation", "london-corporation"),
        ("Kent County Council", "kent"),
        ("Bradford Children and Families Trust", "bradford"),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_people():
    assert clean_person("Kathryn Grindrod, His Majesty’s Inspector") == "Kathryn Grindrod"
    assert clean_person("Shabana Abasi HMI") == "Shabana Abasi"
    assert split_names("Mandy Nightingale and Sally Sinclair") == [
        "Mandy Nightingale",
        "Sally Sinclair",
    ]
    assert split_names("A Smith, B Jones and C Brown") == ["A Smith", "B Jones", "C Brown"]


def test_join_lines_keeps_hyphenated_words_whole():
    assert join_lines(["Letters during pre-", "proceedings are"]) == (
        "Letters during pre-proceedings are"
    )
    assert join_lines(["a self-", "assessment"]) == "a self-assessment"
    assert join_lines(["ends here", "and goes on"]) == "ends here and goes on"


def test_numbering_warnings():
    from ilacs_cli.rules.common import numbering_warnings

    assert numbering_warnings([1, 2, 3]) == []
    assert numbering_warnings([1, 2, 5, 5, 6]) == [
        "paragraph numbering: 3-4 missing before 5",
        "paragraph numbering: 5 repeated or out of order",
    ]
    assert numbering_warnings([2]) == ["paragraph numbering: 1 missing before 2"]
