"""The 2012-13 inspections of looked after children services and of child protection: full
reports drawn as PDFs by tests/older_pdfs.py (the corpus holds one real one, Kent 2013,
checked by make corpus against tests/truth/older_truth.json), and the children's summary."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from older_pdfs import CHILD_PROTECTION, LAC, build

from ilacs_cli import extract
from ilacs_cli.models import Area, Grade, Kind

A, G = Area, Grade


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {"lac": build(LAC), "cp": build(CHILD_PROTECTION)}


@pytest.fixture(scope="module")
def lac(pdfs):
    return extract("lac-2013.pdf", data=pdfs["lac"])


@pytest.fixture(scope="module")
def cp(pdfs):
    return extract("cp-2013.pdf", data=pdfs["cp"])


def test_lac_inspection_report(lac):
    assert lac.kind is Kind.LAC_INSPECTION
    assert lac.id == "lincolnshire-2013"
    assert lac.local_authority.name == "Lincolnshire County Council"
    assert (lac.inspection.start, lac.inspection.end) == (
        dt.date(2013, 7, 15),
        dt.date(2013, 7, 19),
    )
    assert [(i.name, i.role) for i in lac.inspectors] == [("Gary Lamb", "lead")]
    assert [(j.area, j.grade, j.label) for j in lac.judgements] == [
        (A.OVERALL_EFFECTIVENESS, G.INADEQUATE, "Overall effectiveness"),
        (A.CAPACITY_FOR_IMPROVEMENT, G.ADEQUATE, "Capacity to improve"),
        (
            A.OUTCOMES_FOR_LOOKED_AFTER_CHILDREN,
            G.INADEQUATE,
            "Outcomes for looked after children and young people",
        ),
        (A.QUALITY_OF_PROVISION, G.INADEQUATE, "Quality of provision"),
        (A.LEADERSHIP_AND_MANAGEMENT, G.ADEQUATE, "Leadership and management"),
    ]
    assert lac.overall_effectiveness is G.INADEQUATE
    assert [f.number for f in lac.findings] == list(range(1, 22))
    assert lac.notes == [] and lac.warnings == []


def test_child_protection_inspection_report(cp):
    assert cp.kind is Kind.CHILD_PROTECTION_INSPECTION
    assert cp.id == "halton-2013"
    assert cp.local_authority.name == "Halton Borough Council"
    assert [(j.area, j.grade) for j in cp.judgements] == [
        (A.OVERALL_EFFECTIVENESS, G.INADEQUATE),
        (A.CAPACITY_FOR_IMPROVEMENT, G.ADEQUATE),
        (A.HELP_AND_PROTECTION, G.INADEQUATE),
        (A.QUALITY_OF_PRACTICE, G.INADEQUATE),
        (A.LEADERSHIP_AND_GOVERNANCE, G.INADEQUATE),
    ]
    assert [f.number for f in cp.findings] == list(range(1, 21))
    assert cp.notes == [] and cp.warnings == []


def test_wrapped_title_is_not_the_authority(lac):
    # "Inspection of looked after children / services" wraps; the authority is the line
    # under the title, never the title's last word
    assert lac.local_authority.name == "Lincolnshire County Council"


def test_reporting_inspector_without_a_colon(lac):
    assert [i.name for i in lac.inspectors] == ["Gary Lamb"]  # "Reporting inspector Gary Lamb HMI"


def test_dates_joined_to_the_inspector_line(cp):
    # "Inspection dates: 4 – 15 February 2013 Reporting inspector Jan Edwards HMI"
    assert (cp.inspection.start, cp.inspection.end) == (dt.date(2013, 2, 4), dt.date(2013, 2, 15))
    assert [i.name for i in cp.inspectors] == ["Jan Edwards"]


def test_record_of_main_findings_with_wrapped_labels(cp):
    # the help-and-protection label wraps over three lines with its grade set beside the
    # middle one; "Areas of judgement" is a sub-heading row without a grade
    row = cp.judgement(A.HELP_AND_PROTECTION)
    assert row.label == (
        "The effectiveness of the help and protection provided to children, young people, "
        "families and carers"
    )
    assert (row.grade, row.grade_label) == (G.INADEQUATE, "Inadequate")
    assert len(cp.judgements) == 5


def test_improvement_bullets_keep_their_timescale(lac, cp):
    assert [a.text for a in lac.improvement_areas] == [
        "Immediately: improve the quality of supervision and management oversight in casework",
        "Immediately: ensure that the voice of the child contributes effectively to care "
        "planning and service delivery.",
        "Within three months: improve looked after children’s participation in and ownership "
        "of personal education plans and pathway planning",
        "Within three months: improve the timeliness of care proceedings.",
        "Within six months: ensure there is sufficient and suitable accommodation available "
        "for care leavers.",
    ]
    assert [a.text.split(":")[0] for a in cp.improvement_areas] == [
        "Immediately",
        "Within three months",
        "Within three months",
    ]
    assert not any(a.priority or a.framework_refs for a in lac.improvement_areas)


def test_numbered_paragraphs_are_findings_under_their_heading(lac):
    by_number = {f.number: f for f in lac.findings}
    assert (by_number[1].area, by_number[1].section) == (None, "About this inspection")
    assert by_number[4].section == "Service information"
    assert by_number[6].area is A.OVERALL_EFFECTIVENESS
    assert by_number[8].area is A.CAPACITY_FOR_IMPROVEMENT
    # the lead-in of the improvement list is a numbered paragraph, not an improvement
    assert by_number[11].section == "Areas for improvement"
    assert by_number[11].text.startswith("In order to improve the quality of provision")
    assert [f.number for f in lac.findings if f.area is A.QUALITY_OF_PROVISION] == [16, 17, 18]
    # an evidence list stays with the paragraph that introduces it
    assert by_number[2].text.splitlines() == [
        "The evidence evaluated by inspectors included:",
        "discussions with children and young people receiving services, front line staff and "
        "managers",
        "a review of 64 case files for children and young people with a range of needs",
    ]
    assert any(len(f.pages) == 2 for f in lac.findings)  # paragraphs run across pages


def test_grade_legend_and_cover_fields_are_not_notes(lac, cp):
    assert lac.notes == [] and cp.notes == []
    assert "Inadequate (Grade 4)" in lac.findings[2].text  # the scale paragraph 3 introduces


def test_section_grade_that_disagrees_with_the_table_warns():
    sections = [(h, "Good" if h == "Quality of provision" else g, n) for h, g, n in LAC.sections]
    r = extract("x.pdf", data=build(dataclasses.replace(LAC, sections=sections)))
    assert r.judgement(A.QUALITY_OF_PROVISION).grade is G.INADEQUATE  # the table wins
    assert r.warnings == [
        "section 'Quality of provision' says 'Good' but the record of main findings says "
        "'Inadequate'"
    ]


def test_section_grades_stand_in_for_a_missing_table():
    r = extract("x.pdf", data=build(dataclasses.replace(CHILD_PROTECTION, table=[])))
    assert [(j.area, j.grade) for j in r.judgements] == [
        (A.OVERALL_EFFECTIVENESS, G.INADEQUATE),
        (A.CAPACITY_FOR_IMPROVEMENT, G.ADEQUATE),
        (A.HELP_AND_PROTECTION, G.INADEQUATE),
        (A.QUALITY_OF_PRACTICE, G.INADEQUATE),
        (A.LEADERSHIP_AND_GOVERNANCE, G.INADEQUATE),
    ]
    assert r.judgement(A.CAPACITY_FOR_IMPROVEMENT).label == "Capacity for improvement"
    assert r.overall_effectiveness is G.INADEQUATE


@pytest.mark.parametrize("name", ["lac", "cp"])
def test_pdfium_reads_the_same(pdfs, name, lac, cp):
    fast = extract(f"{name}.pdf", data=pdfs[name], engine="pdfium").model_dump(mode="json")
    slow = (lac if name == "lac" else cp).model_dump(mode="json")
    fast.pop("source"), slow.pop("source")
    assert fast == slow


def test_child_protection_summary_seed(reports):
    r = reports("salford-2012-child-protection-summary.txt")
    assert r.kind is Kind.CHILD_PROTECTION_INSPECTION
    assert r.id == "salford-2012"
    assert r.local_authority.name == "Salford City Council"
    assert (r.inspection.start, r.inspection.end) == (dt.date(2012, 10, 8), dt.date(2012, 10, 17))
    assert r.overall_effectiveness is Grade.ADEQUATE
    assert [(j.area, j.grade) for j in r.judgements] == [
        (Area.OVERALL_EFFECTIVENESS, Grade.ADEQUATE)
    ]
    assert len(r.summary) == 3
    assert r.summary[0].startswith("The council has improved a lot from being inadequate")
    texts = [a.text for a in r.improvement_areas]
    assert len(texts) == 5
    assert texts[0].startswith("The help that children might need when they are assessed")
    assert texts[-1].endswith(
        "Some work is going on but this is at an early stage and not yet pulled together."
    )
    assert r.findings == [] and r.warnings == []


LAC_REPORT = """\
Inspection of services for looked after children
Lincolnshire County Council
Inspection dates: 14 - 25 May 2012

| Overall effectiveness | Good |
| Capacity for improvement | Outstanding |

Areas for improvement
Immediately:
- ensure that all looked after children have an up-to-date care plan
Within three months:
- improve the timeliness of health assessments for looked after children
- ensure that pathway plans are reviewed with young people
"""


def test_lac_inspection_from_text():
    r = extract("lac.txt", data=LAC_REPORT.encode())
    assert r.kind is Kind.LAC_INSPECTION
    assert r.local_authority.name == "Lincolnshire County Council"
    assert r.id == "lincolnshire-2012"
    assert [(j.area, j.grade) for j in r.judgements] == [
        (Area.OVERALL_EFFECTIVENESS, Grade.GOOD),
        (Area.CAPACITY_FOR_IMPROVEMENT, Grade.OUTSTANDING),
    ]
    assert [a.text for a in r.improvement_areas] == [
        "Immediately: ensure that all looked after children have an up-to-date care plan",
        "Within three months: improve the timeliness of health assessments for looked after "
        "children",
        "Within three months: ensure that pathway plans are reviewed with young people",
    ]
