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


# --------------------------------------------------------------------------- regressions
# each class of problem seen in the archive's letters, on a letter written here

LETTER = """\
Ofsted
Piccadilly Gate
Store Street
{letter_date}

Jane Doe
Director of Children's Services
Exampleshire County Council

Dear Ms Doe

Focused visit to Exampleshire County Council children's services

{summarises} {inspectors}

{focus}

Headline findings

Leaders have a clear understanding of the quality of practice for children in need.

What needs to improve in this area of social work practice?

- The quality of plans for children in need. (outcome 2, national framework)

{main}

Managers check that plans are reviewed in time, and inspectors were told that supervision is regular and helpful.

Social workers know their children well.

Ofsted will take the findings from this focused visit into account when planning the next inspection or visit.

Yours sincerely

Ann Example
His Majesty's Inspector
"""
DEFAULTS = {
    "letter_date": "3 March 2025",
    "summarises": "This letter summarises the findings of the focused visit to Exampleshire County Council children's services on 4 and 5 February 2025.",
    "inspectors": "His Majesty's Inspectors for this visit were Ann Example and Bob Sample.",
    "focus": "Inspectors looked at the local authority's arrangements for children in need.",
    "main": "Main findings",
}


def letter(**changes: str):
    text = LETTER.format(**{**DEFAULTS, **changes})
    return extract("letter.txt", data=text.encode())


@pytest.mark.parametrize(
    "sentence",
    [
        "The visit was carried out by Ann Example and Bob Sample, Her Majesty's Inspectors.",
        "The visit was carried out by Her Majesty's Inspectors (HMIs) Ann Example and Bob Sample.",
        "The visit was conducted by Ann Example and Bob Sample, two of Her Majesty's Inspectors.",
        "The inspectors were Ann Example, Her Majesty's Inspector, and Bob Sample, Senior Her Majesty's Inspector.",
        "The inspectors were Ann Example (AI) and Bob Sample, Her Majesty's Inspector (HMI) Social Care.",
        "The visit was carried out by Her Majesty's Inspector, Ann Example and Her Majesty's Inspector, Bob Sample.",
        "The inspectors were Ann Example HMI and Bob Sample HMI.",
    ],
)
def test_inspector_sentences_and_role_words_stuck_to_names(sentence):
    r = letter(inspectors=sentence)
    assert [(i.name, i.role) for i in r.inspectors] == [
        ("Ann Example", "lead"),
        ("Bob Sample", "inspector"),
    ]


def test_lead_inspector_field_holds_one_name():
    r = letter(
        inspectors="His Majesty's Inspectors for this visit were Rebecca Quested, His Majesty's Inspector, and Matthew Reed"
    )
    assert [i.name for i in r.inspectors] == ["Rebecca Quested", "Matthew Reed"]
    assert r.inspectors[0].role == "lead"


def test_names_run_on_into_the_next_sentence():
    # a missing full stop: "... were Kendra Bell and Teresa Godfrey Inspectors looked at ..."
    r = letter(
        inspectors="His Majesty's Inspectors for this visit were Ann Example and Bob Sample Inspectors looked at the local authority's arrangements"
    )
    assert [i.name for i in r.inspectors] == ["Ann Example", "Bob Sample"]


def test_loose_inspectors_pattern_never_takes_prose_as_names():
    # no inspectors sentence in the opening: "inspectors were told ..." in the main findings
    # is prose, not a list of names
    r = letter(inspectors="")
    assert r.inspectors == []
    r = letter(inspectors="Inspectors for this visit were Ann Example and Bob Sample.")
    assert [i.name for i in r.inspectors] == ["Ann Example", "Bob Sample"]


def test_authority_named_as_a_trust():
    r = letter(
        summarises="This letter summarises the findings of the focused visit to Sandwell Children's Trust on 30 and 31 October 2024.",
        letter_date="28 November 2024",
    )
    assert r.local_authority.name == "Exampleshire County Council"  # the title's name wins
    text = LETTER.format(
        **{
            **DEFAULTS,
            "letter_date": "28 November 2024",
            "summarises": "This letter summarises the findings of the focused visit to Sandwell Children's Trust on 30 and 31 October 2024.",
        }
    )
    text = text.replace("Focused visit to Exampleshire County Council children's services\n", "")
    r = extract("letter.txt", data=text.encode())
    assert r.local_authority.name == "Sandwell Children's Trust"
    assert (r.inspection.start, r.inspection.end) == (dt.date(2024, 10, 30), dt.date(2024, 10, 31))


def test_dates_before_the_authority_name():
    text = LETTER.format(
        **{
            **DEFAULTS,
            "summarises": "This letter summarises the findings of the focused visit on 4 and 5 February 2025 to Lincolnshire County Council children's services.",
        }
    )
    text = text.replace("Focused visit to Exampleshire County Council children's services\n", "")
    r = extract("letter.txt", data=text.encode())
    assert r.local_authority.name == "Lincolnshire County Council"
    assert (r.inspection.start, r.inspection.end) == (dt.date(2025, 2, 4), dt.date(2025, 2, 5))


def test_visit_dates_without_a_year_take_the_letters():
    r = letter(
        summarises="This letter summarises the findings of the focused visit to Exampleshire County Council children's services on 4 and 5 February."
    )
    assert (r.inspection.start, r.inspection.end) == (dt.date(2025, 2, 4), dt.date(2025, 2, 5))
    assert rule_warnings(r) == [
        "visit dates printed without a year ('4 and 5 February'): the letter's year taken"
    ]
    # a December visit in a January letter is the year before
    r = letter(
        letter_date="20 January 2025",
        summarises="This letter summarises the findings of the focused visit to Exampleshire County Council children's services on 10 and 11 December.",
    )
    assert (r.inspection.start, r.inspection.end) == (dt.date(2024, 12, 10), dt.date(2024, 12, 11))


def test_letter_date_joined_to_the_address_block():
    r = letter(letter_date="Manchester M1 2WD 3 March 2025")
    assert r.letter_date == dt.date(2025, 3, 3)
    text = LETTER.format(**DEFAULTS).replace(
        "Store Street\n3 March 2025", "Store Street Manchester 3 March 2025 Jane Doe"
    )
    assert extract("letter.txt", data=text.encode()).letter_date == dt.date(2025, 3, 3)


def test_visit_printed_across_a_year_is_read_plausibly():
    r = letter(
        summarises="This letter summarises the findings of the focused visit to Exampleshire County Council children's services on 24 October 2024 to 25 October 2025.",
        letter_date="21 November 2024",
    )
    assert (r.inspection.start, r.inspection.end) == (dt.date(2024, 10, 24), dt.date(2024, 10, 25))
    assert rule_warnings(r) == [
        "visit dates printed as '24 October 2024 to 25 October 2025', a visit of 367 days; "
        "read as 2024-10-24 to 2024-10-25"
    ]


def test_letter_dated_before_its_visit_is_read_plausibly():
    r = letter(
        letter_date="21 January 2024",
        summarises="This letter summarises the findings of the focused visit to Exampleshire County Council children's services on 18 and 19 December 2024.",
    )
    assert r.letter_date == dt.date(2025, 1, 21)
    assert r.id == "exampleshire-2024"
    assert rule_warnings(r) == [
        "letter dated 2024-01-21, before its visit (2024-12-18 to 2024-12-19); read as 2025-01-21"
    ]


def test_second_headline_findings_heading_is_main_findings():
    r = letter(main="Headline findings")
    assert len(r.summary) == 1
    assert [f.text[:24] for f in r.findings] == [
        "Managers check that plan",
        "Social workers know thei",
    ]
    assert "no 'Main findings' section found" not in r.warnings


def test_areas_for_improvement_in_2018_letters():
    text = LETTER.format(**DEFAULTS).replace(
        "What needs to improve in this area of social work practice?", "Areas for improvement"
    )
    r = extract("letter.txt", data=text.encode())
    assert [a.text for a in r.improvement_areas] == [
        "The quality of plans for children in need. (outcome 2, national framework)"
    ]


def test_focus_introducing_a_list_keeps_the_bullets():
    r = letter(
        focus="Inspectors looked at the local authority's arrangements for:\n- children in need\n- children subject to a child protection plan"
    )
    assert r.focus == (
        "Inspectors looked at the local authority's arrangements for:\n"
        "children in need\nchildren subject to a child protection plan"
    )


def rule_warnings(report):
    """The letter rules' warnings: these letters name a fictional council, which the
    authority register adds a warning of its own about."""
    return [w for w in report.warnings if "is not in the register" not in w]
