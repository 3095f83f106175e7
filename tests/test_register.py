"""The authority register: codes, name forms, predecessors; the facts a document gives
(published, framework); ``ilacs history`` across predecessors; ``ilacs authorities``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ilacs_cli.cli import app
from ilacs_cli.ingest import document_from_text
from ilacs_cli.library import Library
from ilacs_cli.models import Kind, Period, Report
from ilacs_cli.register import normalise_name, register, report_authority
from ilacs_cli.rules.context import Draft
from ilacs_cli.rules.facts import FRAMEWORKS, framework_of, published_date

REG = register()


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


# -- the table ---------------------------------------------------------------------------------


def test_the_register_holds_153_current_authorities_and_their_predecessors():
    current = [a for a in REG if a.current]
    assert len(current) == 153
    assert sorted(a.slug for a in REG if not a.current) == [
        "bournemouth",
        "cumbria",
        "dorset-county",
        "northamptonshire",
        "poole",
    ]


def test_every_current_authority_has_its_codes():
    for a in REG:
        if a.current:
            assert a.urn and a.urn.isdigit(), a.slug
            assert a.la_code and len(a.la_code) == 3, a.slug
            assert a.ons_code and len(a.ons_code) == 9, a.slug
            assert a.region and a.region_code and a.type, a.slug
            assert len(a.stat_neighbours) == 10, a.slug
        else:
            assert a.la_code and a.ons_code and a.region and a.type and a.valid_to, a.slug
            assert a.successors, a.slug
    # the two predecessors whose Ofsted URN no source here gives
    assert {a.slug for a in REG if a.urn is None} == {"bournemouth", "dorset-county"}


def test_codes_are_unique():
    for field in ("urn", "la_code", "ons_code"):
        values = [getattr(a, field) for a in REG if getattr(a, field)]
        assert len(values) == len(set(values)), field


def test_register_codes_match_known_values():
    salford = REG.get("salford")
    assert (salford.urn, salford.la_code, salford.ons_code, salford.region) == (
        "80548",
        "355",
        "E08000006",
        "North West",
    )
    assert REG.by_code("E10000027") is REG.get("somerset")  # a former code finds it
    assert REG.by_code("80548") is salford


def test_the_register_is_importable_without_typer_or_rich():
    code = (
        "import sys, ilacs_cli.register as r; r.register(); "
        "assert not {'typer', 'rich'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- name forms: what titles and letters print ------------------------------------------------


@pytest.mark.parametrize(
    "printed, slug",
    [
        ("Kingston upon Hull City Council", "kingston-upon-hull"),
        ("Hull City Council", "kingston-upon-hull"),
        ("Isle of Wight", "isle-of-wight"),
        ("Isle of Wight Council", "isle-of-wight"),
        ("Bristol City of", "bristol"),
        ("Bristol City Council", "bristol"),
        ("Medway Children's Services", "medway"),
        ("Medway’s children’s services", "medway"),
        ("Sandwell Children's Trust", "sandwell"),
        ("Bradford Children and Families Trust", "bradford"),
        ("Birmingham Children’s Trust", "birmingham"),
        ("Doncaster Children's Services Trust", "doncaster"),
        ("City of London Corporation", "london-corporation"),
        ("City of London", "london-corporation"),
        ("London Borough of Bexley", "bexley"),
        ("London Borough of Tower Hamlets", "tower-hamlets"),
        ("Royal Borough of Kensington and Chelsea", "kensington-and-chelsea"),
        ("Dudley MBC", "dudley"),
        ("Dudley Metropolitan Borough Council", "dudley"),
        ("Borough of Redcar and Cleveland", "redcar-and-cleveland"),
        ("Portsmouth City", "portsmouth"),
        ("Hartlepool Borough", "hartlepool"),
        ("Devon county council", "devon"),
        ("Kent County Council", "kent"),
        ("City of Westminster", "westminster"),
        ("Westminster City Council", "westminster"),
        ("Brighton & Hove City Council", "brighton-and-hove"),
        ("St. Helens Council", "st-helens"),
        ("Stoke-on-Trent City Council", "stoke-on-trent"),
        ("Southend-on-Sea Borough Council", "southend-on-sea"),
        ("Council of the Isles of Scilly", "isles-of-scilly"),
        ("Durham County Council", "durham"),
        ("County Durham", "durham"),
        ("Bournemouth, Christchurch and Poole Council", "bournemouth-christchurch-and-poole"),
        ("BCP", "bournemouth-christchurch-and-poole"),
        ("Westmorland and Furness Council", "westmorland-and-furness"),
        ("Somerset County Council", "somerset"),
    ],
)
def test_name_forms_resolve(printed, slug):
    assert REG.resolve(printed).slug == slug


def test_normalised_names():
    assert normalise_name("The London Borough of Barking & Dagenham") == "barking and dagenham"
    assert normalise_name("Medway Children’s Services") == "medway"
    assert normalise_name("St Helens") == "st helens"  # a final s that is not a possessive


def test_a_name_used_by_a_predecessor_and_its_successor_is_told_by_the_date():
    assert REG.resolve("Dorset County Council", dt.date(2016, 5, 1)).slug == "dorset-county"
    assert REG.resolve("Dorset Council", dt.date(2021, 11, 19)).slug == "dorset"
    assert REG.resolve("Dorset").slug == "dorset"  # no date: the current one


def test_an_unknown_name_keeps_its_slug_and_warns():
    warnings: list[str] = []
    la = report_authority("Borsetshire County Council", dt.date(2020, 1, 1), (), warnings)
    assert (la.slug, la.urn, la.ons_code) == ("borsetshire", None, None)
    assert warnings == [
        "authority 'Borsetshire County Council' is not in the register: its slug is the "
        "title's own and it has no codes"
    ]


def test_a_misread_title_falls_back_on_a_first_page_line():
    # the 2013 looked-after-children title wraps: "Inspection of looked after children /
    # services / Kent County Council"; the rules took "services" for the name
    lines = ["Inspection of looked after children", "services", "Kent County Council"]
    warnings: list[str] = []
    la = report_authority("services", dt.date(2013, 7, 19), lines, warnings)
    assert (la.name, la.slug, la.urn, la.la_code) == ("Kent County Council", "kent", "80476", "886")
    assert warnings == []


def test_the_ons_code_is_the_one_in_use_on_the_documents_date():
    early = report_authority("Somerset County Council", dt.date(2015, 3, 6))
    late = report_authority("Somerset Council", dt.date(2024, 1, 1))
    assert (early.slug, early.ons_code) == ("somerset", "E10000027")
    assert (late.slug, late.ons_code) == ("somerset", "E06000066")
    assert early.urn == late.urn == "80555" and early.la_code == late.la_code == "933"


def test_lineage():
    assert [a.slug for a in REG.lineage("north-northamptonshire")] == ["northamptonshire"]
    assert [a.slug for a in REG.lineage("bournemouth-christchurch-and-poole")] == [
        "bournemouth",
        "dorset-county",
        "poole",
    ]
    assert REG.get("cumbria").successors == ("cumberland", "westmorland-and-furness")
    assert REG.lineage("salford") == []


# -- facts from the document -------------------------------------------------------------------


def _doc(text: str):
    return document_from_text(text, "x.txt", "0" * 64)


def test_every_kind_has_a_framework():
    assert set(FRAMEWORKS) == set(Kind)


def test_published_where_printed():
    doc = _doc(
        "Somerset County Council\nInspection dates: 2 to 24 February 2015\n"
        "Report published: 27 March 2015\n"
    )
    assert published_date(doc) == dt.date(2015, 3, 27)
    assert published_date(_doc("Published: 23 August 2013\n")) == dt.date(2013, 8, 23)
    assert published_date(_doc("This letter will be published on the Ofsted website.\n")) is None


@pytest.mark.parametrize(
    "start, end, variant",
    [
        (dt.date(2023, 9, 11), dt.date(2023, 9, 15), "short"),  # one week on site
        (dt.date(2021, 9, 27), dt.date(2021, 10, 8), "standard"),  # two weeks
    ],
)
def test_ilacs_variant_from_the_inspections_length(start, end, variant):
    got = framework_of(
        _doc("Inspection of X\n"), Kind.ILACS_INSPECTION, Draft(start=start, end=end)
    )
    assert (got.name, got.variant, got.basis) == ("ilacs", variant, "inspection_length")


def test_ilacs_variant_from_the_reports_own_words():
    doc = _doc("This inspection was a short inspection carried out under the ILACS framework.\n")
    draft = Draft(start=dt.date(2021, 9, 27), end=dt.date(2021, 10, 8))
    got = framework_of(doc, Kind.ILACS_INSPECTION, draft)
    assert (got.variant, got.basis) == ("short", "stated")
    # "a focused visit or a standard inspection in due course" is not a statement about it
    later = _doc("Ofsted will carry out a focused visit or a standard inspection in due course.")
    assert framework_of(later, Kind.ILACS_INSPECTION, draft).basis == "inspection_length"


def test_framework_of_visits_and_older_kinds():
    letter = Draft(letter_date=dt.date(2016, 5, 1))
    assert framework_of(_doc(""), Kind.MONITORING_VISIT, letter).name == "sif"
    late = Draft(letter_date=dt.date(2022, 5, 1))
    assert framework_of(_doc(""), Kind.MONITORING_VISIT, late).variant == "monitoring_visit"
    assert framework_of(_doc(""), Kind.FOCUSED_VISIT, late).name == "ilacs"
    re_sif = _doc("Wigan\nRe-inspection of services for children in need of help\n")
    assert framework_of(re_sif, Kind.SIF_INSPECTION, letter).variant == "reinspection"
    cp = framework_of(_doc(""), Kind.CHILD_PROTECTION_INSPECTION, letter)
    assert (cp.name, cp.variant) == ("pre_sif", "child_protection")


def test_reports_carry_the_codes(reports):
    report = reports("salford-2023.pdf")
    la = report.local_authority
    assert (la.slug, la.urn, la.la_code, la.ons_code, la.region) == (
        "salford",
        "80548",
        "355",
        "E08000006",
        "North West",
    )
    assert report.framework.name == "ilacs"
    old = Report.model_validate(
        {
            **report.model_dump(mode="json"),
            "local_authority": {"name": "Salford", "slug": "salford"},
        }
    )  # saved JSON from before still validates
    assert old.local_authority.urn is None and old.model_dump()["published"] is None


# -- history across predecessors, and `ilacs authorities` --------------------------------------


def _on(report: Report, slug: str, name: str, end: dt.date, sha: str) -> Report:
    la = report_authority(name, end)
    assert la.slug == slug
    return report.model_copy(
        update={
            "local_authority": la,
            "inspection": Period(start=end - dt.timedelta(days=11), end=end),
            "source": report.source.model_copy(update={"sha256": sha * 64}),
            "id": f"{slug}-{end.year}",
        }
    )


@pytest.fixture
def northants(reports, _library_in_tmp):
    base = reports("salford-2023.pdf")
    with Library(_library_in_tmp) as lib:
        lib.save(
            _on(
                base,
                "northamptonshire",
                "Northamptonshire County Council",
                dt.date(2019, 7, 5),
                "a",
            )
        )
        lib.save(
            _on(
                base,
                "north-northamptonshire",
                "North Northamptonshire Council",
                dt.date(2022, 10, 14),
                "b",
            )
        )
        lib.save(
            _on(
                base,
                "west-northamptonshire",
                "West Northamptonshire Council",
                dt.date(2022, 10, 14),
                "c",
            )
        )
    return _library_in_tmp


def test_history_of_a_successor_shows_its_predecessors_documents_marked(northants):
    result = invoke("history", "North Northamptonshire", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["id"], r["authority"], r["predecessor"]) for r in rows] == [
        ("northamptonshire-2019-07-05-ilacs", "northamptonshire", True),
        ("north-northamptonshire-2022-10-14-ilacs", "north-northamptonshire", False),
    ]
    table = invoke("history", "north-northamptonshire").stdout
    assert "predecessor: Northamptonshire County Council" in table
    assert table.startswith("History: North Northamptonshire Council")
    # the predecessor's own history does not take its successors'
    rows = json.loads(invoke("history", "northamptonshire", "-f", "json").stdout)
    assert [r["id"] for r in rows] == ["northamptonshire-2019-07-05-ilacs"]


def test_authorities_lists_the_register_with_the_latest_grades(northants):
    rows = json.loads(invoke("authorities", "-f", "json", "--region", "East Midlands").stdout)
    assert {r["region"] for r in rows} == {"East Midlands"}
    by_slug = {r["slug"]: r for r in rows}
    assert by_slug["north-northamptonshire"]["latest"]["id"] == (
        "north-northamptonshire-2022-10-14-ilacs"
    )
    assert by_slug["north-northamptonshire"]["latest"]["grades"]["care_leavers"] == "outstanding"
    assert by_slug["northamptonshire"]["status"] == "predecessor"
    assert by_slug["leicestershire"]["latest"] is None
    text = invoke("authorities", "-f", "csv", "--region", "EM").stdout
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(rows)
    west = next(r for r in table if r["slug"] == "west-northamptonshire")
    assert (west["urn"], west["la_code"], west["ons_code"], west["overall_effectiveness"]) == (
        "2637548",
        "941",
        "E06000062",
        "good",
    )
    lines = invoke("authorities", "-f", "jsonl").stdout.splitlines()
    assert len(lines) == len(REG)
    assert "North Northamptonshire" in invoke("authorities", "--region", "em").stdout
