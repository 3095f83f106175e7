"""The area table (vocabulary.AREAS): every area has its entry, and every view that reads
it (diff's grade rows and findings groups, the history table) works for every area.

Regression cases: ``ilacs diff`` of a 2012-13 inspection against an ILACS report crashed
(ValueError in compare._map_areas: an area missing from its order list) and ``ilacs
history`` of an authority with a 2012-13 inspection crashed (KeyError in
render.history_table: no short title), both because what an area is lived in six tables.
"""

from __future__ import annotations

import io
import json

import pytest
from conftest import ROOT, SAMPLES
from typer.testing import CliRunner

from ilacs_cli.compare import Change, diff
from ilacs_cli.models import Judgement, Report
from ilacs_cli.vocabulary import (
    AREAS,
    FRAMEWORK_OF_KIND,
    Area,
    Comparability,
    Framework,
    Grade,
    Kind,
    area_info,
    comparability,
)


def test_every_area_has_its_entry() -> None:
    missing = [a.value for a in Area if a not in AREAS]
    assert missing == []


def test_area_entries_are_consistent() -> None:
    orders = [info.order for info in AREAS.values()]
    assert len(set(orders)) == len(orders), "two areas share a place in the order"
    assert min(AREAS.values(), key=lambda i: i.order) is AREAS[Area.OVERALL_EFFECTIVENESS]
    for area, info in AREAS.items():
        assert info.title and info.short and len(info.short) <= 22, area
        assert info.frameworks, f"{area.value} is graded under no framework"
        assert area not in info.successors
        for link in info.links:
            assert link.note, f"{area.value} -> {link.area.value} needs its caveat or reason"
            assert link.area in AREAS
            # a link across two frameworks names both
            assert len(link.frameworks) in (0, 2)


def test_every_kind_has_a_framework_entry() -> None:
    assert set(FRAMEWORK_OF_KIND) == set(Kind)
    assert FRAMEWORK_OF_KIND[Kind.FOCUSED_VISIT] is None


def test_one_table_of_kinds_serves_every_view() -> None:
    from ilacs_cli.publish.views import KIND_WORDS
    from ilacs_cli.render import KIND_SHORT, UNGRADED_KINDS
    from ilacs_cli.vocabulary import KINDS

    # adding a kind without its entry fails here
    assert set(KINDS) == set(Kind)
    # the terminal, the web page and the diff read the same table
    assert KIND_WORDS == {k: i.word for k, i in KINDS.items()}
    assert KIND_SHORT == {k: i.short for k, i in KINDS.items()}
    assert FRAMEWORK_OF_KIND == {k: i.framework for k, i in KINDS.items()}
    assert UNGRADED_KINDS == {Kind.FOCUSED_VISIT, Kind.MONITORING_VISIT}
    from ilacs_cli import compare, export
    from ilacs_cli.vocabulary import VISIT_KINDS

    assert compare._VISITS == export.VISITS == VISIT_KINDS == UNGRADED_KINDS
    assert (KINDS[Kind.SIF_INSPECTION].word, KINDS[Kind.SIF_INSPECTION].short) == (
        "SIF inspection",
        "SIF",
    )


@pytest.mark.parametrize(
    ("old", "new", "frameworks", "how"),
    [
        (Area.HELP_AND_PROTECTION, Area.HELP_AND_PROTECTION, ("ilacs", "ilacs"), "comparable"),
        (
            Area.HELP_AND_PROTECTION,
            Area.HELP_AND_PROTECTION,
            ("sif", "ilacs"),
            "comparable_with_caveat",
        ),
        (
            Area.HELP_AND_PROTECTION,
            Area.HELP_AND_PROTECTION,
            ("child_protection_2012", "ilacs"),
            "not_comparable",
        ),
        (
            Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
            Area.CHILDREN_IN_CARE,
            ("ilacs", "ilacs"),
            "comparable_with_caveat",
        ),
        (
            Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
            Area.CARE_LEAVERS,
            ("ilacs", "ilacs"),
            "not_comparable",
        ),
        (
            Area.ADOPTION_PERFORMANCE,
            Area.CHILDREN_IN_CARE,
            ("sif", "ilacs"),
            "not_comparable",
        ),
        (Area.CARE_LEAVERS, Area.CARE_LEAVERS, ("sif", "ilacs"), "comparable_with_caveat"),
        (
            Area.OVERALL_EFFECTIVENESS,
            Area.OVERALL_EFFECTIVENESS,
            ("child_protection_2012", "looked_after_2012"),
            "not_comparable",
        ),
        (Area.LSCB, Area.HELP_AND_PROTECTION, ("sif", "ilacs"), "not_comparable"),
    ],
)
def test_comparability(old: Area, new: Area, frameworks: tuple[str, str], how: str) -> None:
    got, note = comparability(old, new, *(Framework(f) for f in frameworks))
    assert got.value == how
    assert (note is None) == (got is Comparability.COMPARABLE)


def test_area_without_an_entry_still_renders() -> None:
    # a member added to Area before its entry (the test above fails, no view crashes)
    fake = Area.LSCB
    saved = AREAS.pop(fake)
    try:
        info = area_info(fake)
        assert (info.title, info.order) == ("Lscb", 1000)
    finally:
        AREAS[fake] = saved


# ---------------------------------------------------------------- the 2012-13 crashes


@pytest.fixture(scope="module")
def ilacs_2023() -> Report:
    from ilacs_cli import extract

    return extract((SAMPLES / "salford-2023.pdf").relative_to(ROOT))


def _older(base: Report) -> Report:
    """A 2012-13 child protection inspection, with the graded rows of its main findings."""
    rows = [
        (Area.OVERALL_EFFECTIVENESS, Grade.ADEQUATE),
        (Area.CAPACITY_FOR_IMPROVEMENT, Grade.GOOD),
        (Area.HELP_AND_PROTECTION, Grade.ADEQUATE),
        (Area.QUALITY_OF_PRACTICE, Grade.ADEQUATE),
        (Area.LEADERSHIP_AND_GOVERNANCE, Grade.GOOD),
    ]
    return base.model_copy(
        update={
            "id": "salford-2012",
            "kind": Kind.CHILD_PROTECTION_INSPECTION,
            "judgements": [
                Judgement(area=a, label=a.value, grade=g, grade_label=g.value) for a, g in rows
            ],
            "overall_effectiveness": Grade.ADEQUATE,
        }
    )


def test_diff_of_a_2012_13_inspection_against_ilacs(ilacs_2023: Report) -> None:
    d = diff(_older(ilacs_2023), ilacs_2023)
    rows = {(r.old_area, r.new_area): r for r in d.judgements}
    # no grade of 2012-13 compares with an ILACS grade, but each row is there
    assert {r.change for r in d.judgements} <= {
        Change.NOT_COMPARABLE,
        Change.NEW,
        Change.NO_LONGER_GRADED,
    }
    hp = rows[(Area.HELP_AND_PROTECTION, Area.HELP_AND_PROTECTION)]
    assert (hp.change, hp.comparability) == (Change.NOT_COMPARABLE, Comparability.NOT_COMPARABLE)
    assert hp.note is not None and "indicative only: adequate -> good" in hp.note
    leaders = rows[(Area.LEADERSHIP_AND_GOVERNANCE, Area.IMPACT_OF_LEADERS)]
    assert leaders.change is Change.NOT_COMPARABLE
    assert rows[(Area.CAPACITY_FOR_IMPROVEMENT, None)].change is Change.NO_LONGER_GRADED
    assert d.overall is not None and d.overall.change is Change.NOT_COMPARABLE


def test_diff_command_of_a_2012_13_inspection_exits_0(ilacs_2023: Report, tmp_path) -> None:
    from ilacs_cli.cli import app

    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(_older(ilacs_2023).model_dump_json(), encoding="utf-8")
    new.write_text(ilacs_2023.model_dump_json(), encoding="utf-8")
    for fmt in ("json", "table"):
        result = CliRunner().invoke(app, ["diff", str(old), str(new), "-f", fmt])
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["diff", str(old), str(new), "-f", "json"])
    data = json.loads(result.stdout)
    assert data["overall"]["change"] == "not_comparable"


def test_history_with_a_2012_13_inspection(ilacs_2023: Report) -> None:
    from rich.console import Console

    from ilacs_cli.render import history_table

    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(
        history_table([_older(ilacs_2023), ilacs_2023], width=200)
    )
    text = out.getvalue()
    for short in ("Overall", "Capacity (2012-13)", "Practice (2012-13)", "Leadership (2012-13)"):
        assert short in text
    assert "Adeq" in text and "Outst" in text  # short grades, explained by the legend


def test_readme_lists_every_grade_pair() -> None:
    from ilacs_cli.vocabulary import comparability_rows

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [row for row in comparability_rows() if row not in readme]
    assert missing == []


def test_one_table_of_grades_serves_every_view() -> None:
    from ilacs_cli.publish.views import GRADE_STYLES
    from ilacs_cli.render import GRADE_SHORT
    from ilacs_cli.vocabulary import GRADE_LABELS, GRADE_RANK, GRADES, Grade

    assert set(GRADES) == set(Grade)
    assert GRADE_LABELS == {g: i.label for g, i in GRADES.items()}
    assert GRADE_RANK == {g: i.rank for g, i in GRADES.items()}
    assert GRADE_SHORT == {g: i.short for g, i in GRADES.items()}
    assert all(len(short) <= 5 for short in GRADE_SHORT.values())  # the narrow tables' limit
    ri = GRADE_STYLES[Grade.REQUIRES_IMPROVEMENT]
    assert (ri.word, ri.abbr, ri.css, ri.level) == ("Requires improvement", "RI", "g-ri", 2)
    assert GRADE_LABELS[Grade.REQUIRES_IMPROVEMENT] == "Requires improvement to be good"
