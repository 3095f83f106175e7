"""Focused-visit and monitoring-visit letters, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from ilacs_cli import Kind, extract

FV = ["salford-2025.pdf", "salford-2025-focused-visit.txt"]


@pytest.mark.parametrize("name", FV)
def test_salford_2025_focused_visit(reports, name):
    r = reports(name)
    assert r.kind is Kind.FOCUSED_VISIT
    assert r.id == "salford-2025"
    assert r.local_authority.name == "Salford City Council"
    assert r.local_authority.slug == "salford"
    assert (r.inspection.start, r.inspection.end) == (dt.date(2025, 10, 14), dt.date(2025, 10, 15))
    assert r.letter_date == dt.date(2025, 11, 13)
    assert [(i.name, i.role) for i in r.inspectors] == [
        ("Mandy Nightingale", "lead"),
        ("Sally Sinclair", "inspector"),
    ]
    assert r.judgements == []
    assert r.overall_effectiveness is None
    assert r.focus.startswith("Inspectors looked at the local authority")
    assert len(r.summary) == 2
    assert r.summary[1].endswith("at the right time and at the right level.")  # joined over p1-2
    assert len(r.improvement_areas) == 1
    area = r.improvement_areas[0]
    assert area.text.startswith("Ensure that timescales for actions in child in need")
    assert area.framework_refs == ["outcome 1"]
    assert area.priority is False
    assert len(r.findings) == 17
    assert [f.number for f in r.findings] == list(range(1, 18))
    assert all(f.area is None for f in r.findings)
    assert "This was previously an area for improvement." in r.findings[2].text
    assert r.findings[0].text.startswith("Partnership working is strong and effective in Salford.")
    assert r.findings[-1].text.startswith("Social workers told inspectors that Salford")
    assert len(r.notes) == 1 and "National Framework" in r.notes[0]
    assert not any("cross-referenced" in f.text for f in r.findings)  # footnote kept out
    assert r.warnings == []


def test_focused_visit_pages(reports):
    r = reports("salford-2025.pdf")
    assert r.findings[0].pages == [2]
    leaders = next(f for f in r.findings if f.text.startswith("Leaders know their local area"))
    assert leaders.pages == [3, 4]
    assert "agency training. This has created" in leaders.text


MONITORING = """\
Ofsted
Piccadilly Gate
Store Street

3 March 2025

Jane Doe
Director of Children's Services
Exampleshire County Council

Dear Ms Doe

Monitoring visit to Exampleshire County Council children's services

This letter summarises the findings of the monitoring visit to Exampleshire County Council children's services on 4 and 5 February 2025. This visit was the third monitoring visit since the local authority was judged inadequate in June 2023. His Majesty's Inspectors for this visit were Ann Example and Bob Sample.

Areas covered by the visit

Inspectors reviewed the progress made in the quality of practice for children in care, including the timeliness of permanence planning and the quality of support for care leavers.

Headline findings

Leaders have made steady progress since the last monitoring visit, and most children now benefit from stable homes.

Areas for priority action

- The timeliness of permanence planning for children in care. (outcome 4, national framework)

Main findings

Senior leaders have increased the number of permanent social workers, and caseloads are now manageable for most staff.

Independent reviewing officers now challenge drift in care plans more consistently.

Ofsted will take the findings from this monitoring visit into account when planning the next inspection or visit.

Yours sincerely

Ann Example
His Majesty's Inspector
"""


def test_monitoring_visit_letter():
    r = extract("exampleshire-monitoring.txt", data=MONITORING.encode())
    assert r.kind is Kind.MONITORING_VISIT
    assert r.id == "exampleshire-2025"
    assert r.local_authority.name == "Exampleshire County Council"
    assert (r.inspection.start, r.inspection.end) == (dt.date(2025, 2, 4), dt.date(2025, 2, 5))
    assert r.letter_date == dt.date(2025, 3, 3)
    assert r.visit_number == 3
    assert r.judged_inadequate == "June 2023"
    assert [i.name for i in r.inspectors] == ["Ann Example", "Bob Sample"]
    assert [(a.text, a.priority, a.framework_refs) for a in r.improvement_areas] == [
        (
            "The timeliness of permanence planning for children in care. "
            "(outcome 4, national framework)",
            True,
            ["outcome 4"],
        )
    ]
    assert len(r.summary) == 1
    # the "Areas covered" paragraph is the visit's focus; main findings follow it
    assert r.focus.startswith("Inspectors reviewed the progress made")
    assert [f.text[:30] for f in r.findings] == [
        "Senior leaders have increased ",
        "Independent reviewing officers",
    ]


def test_possessive_council_name_in_the_title():
    """Trafford's 2025 letter: 'Focused visit to Trafford Council’s children’s services'."""
    text = (
        MONITORING.replace("Monitoring visit to", "Focused visit to")
        .replace("monitoring visit to", "focused visit to")
        .replace("Exampleshire County Council children's", "Exampleshire Council’s children’s")
    )
    r = extract("letter.txt", data=text.encode())
    assert r.kind.value == "focused_visit"
    assert r.local_authority.name == "Exampleshire Council"
    assert r.id == "exampleshire-2025"


def test_title_interleaved_with_the_address_block():
    """Some letters' text comes out with the title between the lines of the address."""
    text = MONITORING.replace(
        "Jane Doe\nDirector of Children's Services\nExampleshire County Council\n",
        "Jane Doe\nMonitoring visit to Exampleshire County Council children's services\n"
        "Director of Children's Services\nExampleshire County Council\n",
    ).replace(
        "\nMonitoring visit to Exampleshire County Council children's services\n\nThis", "\nThis"
    )
    assert text.count("Monitoring visit to Exampleshire") == 1
    r = extract("letter.txt", data=text.encode())
    assert r.kind is Kind.MONITORING_VISIT
    assert r.local_authority.name == "Exampleshire County Council"
    assert r.letter_date == dt.date(2025, 3, 3)
    assert [i.name for i in r.inspectors] == ["Ann Example", "Bob Sample"]
    assert len(r.findings) == 2 and r.summary[0].startswith("Leaders have made steady progress")
