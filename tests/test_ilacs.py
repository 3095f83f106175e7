"""Exact values from the two ILACS samples, from the PDF and from the seed text alike."""

from __future__ import annotations

import datetime as dt

import pytest

from ilacs_cli import Area, Grade, Kind

SALFORD = ["salford-2023.pdf", "salford-2023-ilacs-inspection.txt"]
TRAFFORD = ["trafford-2022.pdf", "trafford-2022-ilacs-inspection.txt"]


def _ranges(report):
    out: dict[str, list[int]] = {}
    for f in report.findings:
        out.setdefault(f.area.value, []).append(f.number)
    return {area: (min(n), max(n)) for area, n in out.items()}


@pytest.mark.parametrize("name", SALFORD)
def test_salford_2023(reports, name):
    r = reports(name)
    assert r.kind is Kind.ILACS_INSPECTION
    assert r.id == "salford-2023"
    assert r.local_authority.name == "Salford"
    assert r.local_authority.slug == "salford"
    assert r.inspection.start == dt.date(2023, 11, 6)
    assert r.inspection.end == dt.date(2023, 11, 10)
    assert [(i.name, i.role) for i in r.inspectors] == [("Kathryn Grindrod", "lead")]
    assert [(j.area, j.grade) for j in r.judgements] == [
        (Area.IMPACT_OF_LEADERS, Grade.OUTSTANDING),
        (Area.HELP_AND_PROTECTION, Grade.GOOD),
        (Area.CHILDREN_IN_CARE, Grade.GOOD),
        (Area.CARE_LEAVERS, Grade.OUTSTANDING),
        (Area.OVERALL_EFFECTIVENESS, Grade.GOOD),
    ]
    assert r.overall_effectiveness is Grade.GOOD
    assert len(r.summary) == 3
    assert r.summary[0].startswith("Since the last inspection in 2018, Salford City Council")
    assert [a.text for a in r.improvement_areas] == [
        "Management oversight of pre-proceedings work to prevent unnecessary delays for children."
    ]
    assert r.improvement_areas[0].framework_refs == []
    assert [f.number for f in r.findings] == list(range(1, 64))
    assert _ranges(r) == {
        "help_and_protection": (1, 15),
        "children_in_care": (16, 31),
        "care_leavers": (32, 47),
        "impact_of_leaders": (48, 63),
    }
    six = r.findings[5].text
    assert "although the lack of clear timescales" in six
    assert six.endswith("challenged quickly enough for a small number of children.")
    assert "pre-proceedings" in r.findings[9].text  # hyphen at a line end kept whole
    assert "pre- proceedings" not in r.findings[9].text
    assert r.warnings == []


def test_salford_pages_and_footers(reports):
    r = reports("salford-2023.pdf")
    assert r.source.pages == 11
    assert r.findings[0].pages == [2]
    assert r.findings[5].pages == [2, 3]  # split across a page break, joined
    assert r.findings[62].pages == [10]
    for f in r.findings:
        assert "Inspection of Salford" not in f.text
        assert "November 2023" not in f.text
        assert "’" in r.findings[1].text  # curly quotes kept


@pytest.mark.parametrize("name", TRAFFORD)
def test_trafford_2022(reports, name):
    r = reports(name)
    assert r.id == "trafford-2022"
    assert r.inspection.start == dt.date(2022, 11, 21)
    assert r.inspection.end == dt.date(2022, 12, 2)
    assert r.inspectors[0].name == "Nick Bennison"
    assert len(r.judgements) == 4
    assert all(j.grade is Grade.REQUIRES_IMPROVEMENT for j in r.judgements)
    assert [j.area for j in r.judgements] == [
        Area.IMPACT_OF_LEADERS,
        Area.HELP_AND_PROTECTION,
        Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
        Area.OVERALL_EFFECTIVENESS,
    ]
    assert r.judgements[0].grade_label == "Requires improvement to be good"
    assert len(r.findings) == 50
    assert _ranges(r) == {
        "help_and_protection": (1, 18),
        "children_in_care_and_care_leavers": (19, 40),
        "impact_of_leaders": (41, 50),
    }
    assert len(r.improvement_areas) == 6
    assert r.improvement_areas[1].text == "The support for homeless children over 16."
    assert r.improvement_areas[-1].text == "The quality and frequency of supervision."
    assert r.warnings == []


def test_trafford_page_split_paragraph(reports):
    r = reports("trafford-2022.pdf")
    eight = r.findings[7]
    assert eight.number == 8
    assert "multi-agency update on progress. However" in eight.text
    assert len(eight.pages) == 2


def test_section_heading_require_improvement_is_not_read_as_good(tmp_path):
    """Issue 12 §2: "... require improvement to be good" (plural verb, no colon), as 2018
    reports print it, was read as the grade "good" and raised a false disagreement warning."""
    from conftest import SEEDS

    from ilacs_cli import extract

    seed = (SEEDS / "trafford-2022-ilacs-inspection.txt").read_text(encoding="utf-8")
    heading = (
        "The experiences and progress of children who need help and protection: "
        "requires improvement to be good"
    )
    assert heading in seed
    text = seed.replace(
        heading,
        "The experiences and progress of children who need help and protection require "
        "improvement to be good",
    )
    path = tmp_path / "trafford.txt"
    path.write_text(text, encoding="utf-8")
    report = extract(path)
    assert not [w for w in report.warnings if "heading" in w], report.warnings
    areas = {f.area.value for f in report.findings if f.area}
    assert "help_and_protection" in areas
