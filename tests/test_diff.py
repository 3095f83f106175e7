"""diff(old, new) -> ReportDiff: grades, the improvement-area ledger, findings changes.

Exact values for two bundled pairs, read by hand against the PDFs:

- salford-2023 (ILACS inspection) -> salford-2025 (focused visit on child in need, child
  protection and pre-proceedings): no grades to compare; the 2023 improvement area on
  pre-proceedings is addressed ("This was previously an area for improvement", finding 3);
  the 2025 item on timescales in plans is new, and 2023's finding 6 had already noted "the
  lack of clear timescales in some plans".
- trafford-2019 (inadequate) -> trafford-2022 (requires improvement): every grade change,
  and the 2019 ledger.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from conftest import ROOT, SAMPLES
from pydantic import ValidationError

from ilacs_cli.compare import (
    Change,
    ImprovementStatus,
    ReportDiff,
    diff,
    polarity,
    split_sentences,
    themes_of,
)
from ilacs_cli.models import Area, Grade, Judgement, Kind, Report
from ilacs_cli.render_diff import print_diff


@pytest.fixture(scope="module")
def samples() -> dict[str, Report]:
    """Each PDF extracted once for this module."""
    from ilacs_cli import extract

    names = ["salford-2023", "salford-2025", "trafford-2019", "trafford-2022"]
    return {n: extract((SAMPLES / f"{n}.pdf").relative_to(ROOT)) for n in names}


@pytest.fixture(scope="module")
def salford(samples: dict[str, Report]) -> ReportDiff:
    return diff(samples["salford-2023"], samples["salford-2025"])


@pytest.fixture(scope="module")
def trafford(samples: dict[str, Report]) -> ReportDiff:
    return diff(samples["trafford-2019"], samples["trafford-2022"])


def _rows(d: ReportDiff) -> list[tuple[str, str | None, str | None, str]]:
    rows = [*d.judgements, *([d.overall] if d.overall else [])]
    return [
        (
            r.area.value,
            r.old_grade.value if r.old_grade else None,
            r.new_grade.value if r.new_grade else None,
            r.change.value,
        )
        for r in rows
    ]


# ---------------------------------------------------------------- salford 2023 -> 2025


def test_salford_sides(salford: ReportDiff) -> None:
    assert salford.diff_schema_version == "1"
    assert (salford.old.id, salford.old.kind) == ("salford-2023", Kind.ILACS_INSPECTION)
    assert (salford.new.id, salford.new.kind) == ("salford-2025", Kind.FOCUSED_VISIT)
    assert salford.new.inspection.end == dt.date(2025, 10, 15)
    assert salford.warnings == []


def test_salford_focused_visit_has_no_grades_never_declined(salford: ReportDiff) -> None:
    assert _rows(salford) == [
        ("impact_of_leaders", "outstanding", None, "not_graded"),
        ("help_and_protection", "good", None, "not_graded"),
        ("children_in_care", "good", None, "not_graded"),
        ("care_leavers", "outstanding", None, "not_graded"),
        ("overall_effectiveness", "good", None, "not_graded"),
    ]
    assert salford.grades_note == (
        "The new report is a focused visit, which has no grades: no judgement can be compared."
    )
    assert all(r.note == "new report (focused visit) has no grades" for r in salford.judgements)


def test_salford_pre_proceedings_addressed(salford: ReportDiff) -> None:
    plo = salford.improvement_areas[0]
    assert plo.status is ImprovementStatus.ADDRESSED
    assert (plo.old_index, plo.new_index) == (1, None)
    assert plo.old_text == (
        "Management oversight of pre-proceedings work to prevent unnecessary delays for children."
    )
    assert plo.reason == "the new report states progress on it since the last inspection"
    assert "plo" in plo.themes
    first = plo.evidence[0]
    assert (first.source, first.finding_number, first.pages) == ("finding", 3, [2])
    assert first.text == (
        "Since the previous inspection, leaders have robustly reviewed the pre-proceedings "
        "processes. This was previously an area for improvement."
    )
    assert first.polarity == "positive"
    # the headline summary's sentence on the PLO, which has no finding number
    summary = [e for e in plo.evidence if e.source == "summary"]
    assert [(e.finding_number, e.paragraph) for e in summary] == [(None, 1)]
    assert summary[0].text.startswith("Targeted work around the PLO means that leaders now")


def test_salford_timescales_new_with_earlier_finding_6(salford: ReportDiff) -> None:
    new = salford.improvement_areas[1]
    assert new.status is ImprovementStatus.NEW
    assert (new.old_index, new.old_text, new.new_index) == (None, None, 1)
    assert new.new_text == (
        "Ensure that timescales for actions in child in need and child protection plans are "
        "consistently set, agreed and recorded. (outcome 1, national framework)"
    )
    assert new.evidence == []
    related = new.related[0]
    assert (related.source, related.finding_number, related.pages) == ("finding", 6, [2, 3])
    assert related.text == (
        "Help given to families is proportionate, although the lack of clear timescales in "
        "some plans means that delays are not always challenged quickly enough for a small "
        "number of children."
    )
    assert related.polarity == "negative"


def test_salford_ledger_is_complete(salford: ReportDiff) -> None:
    assert [(c.status.value, c.old_index, c.new_index) for c in salford.improvement_areas] == [
        ("addressed", 1, None),
        ("new", None, 1),
    ]


def test_salford_findings_one_group_for_a_visit(salford: ReportDiff) -> None:
    (group,) = salford.findings
    assert (group.area, group.label) == (None, "All findings")
    # pre-proceedings: the 2023 concerns paired with 2025's stronger practice
    assert group.stronger
    assert all(p.old.finding_number == 10 for p in group.stronger)
    assert all("plo" in p.themes for p in group.stronger)
    assert group.weaker == []
    # the visit looked at help and protection only: care leavers are 2023's alone
    assert group.themes_only_old[0].theme == "care_leavers"
    assert group.themes_only_new == []


# ---------------------------------------------------------------- trafford 2019 -> 2022


def test_trafford_every_grade_change(trafford: ReportDiff) -> None:
    assert trafford.grades_note is None
    assert _rows(trafford) == [
        ("impact_of_leaders", "inadequate", "requires_improvement", "improved"),
        ("help_and_protection", "requires_improvement", "requires_improvement", "unchanged"),
        (
            "children_in_care_and_care_leavers",
            "requires_improvement",
            "requires_improvement",
            "unchanged",
        ),
        ("overall_effectiveness", "inadequate", "requires_improvement", "improved"),
    ]
    assert all(r.note is None for r in trafford.judgements)


def test_trafford_ledger(trafford: ReportDiff) -> None:
    ledger = [(c.status.value, c.old_index, c.new_index) for c in trafford.improvement_areas]
    assert ledger == [
        ("addressed", 1, None),  # leaders' understanding, quality assurance
        ("persisting", 2, 6),  # management oversight -> "quality and frequency of supervision"
        ("addressed", 3, None),  # the MARAT -> the strengthened front door
        ("addressed", 4, None),  # assessments: "an area of improvement since the last inspection"
        ("persisting", 5, None),  # return home interviews still not timely
        ("persisting", 6, 3),  # the voice of children -> influence on shaping services
        ("new", None, 1),  # out-of-hours
        ("new", None, 2),  # homeless 16- and 17-year-olds
        ("new", None, 4),  # direct work and life-story work
        ("new", None, 5),  # care leavers' transition to independence
    ]


def test_trafford_ledger_evidence(trafford: ReportDiff) -> None:
    by_old = {c.old_index: c for c in trafford.improvement_areas if c.old_index}
    qa = by_old[1].evidence[0]
    assert (qa.finding_number, qa.pages) == (43, [10])
    assert qa.text.endswith("This is a significant area of improvement since the last inspection.")
    oversight = by_old[2].evidence[0]
    assert (oversight.source, oversight.paragraph) == ("improvement_area", 6)
    assert oversight.text == "The quality and frequency of supervision."
    front_door = by_old[3].evidence[0]
    assert front_door.finding_number == 1
    assert "Thresholds are applied appropriately" in front_door.text
    assessment = by_old[4].evidence[0]
    assert assessment.finding_number == 6
    assert assessment.text.endswith("This is an area of improvement since the last inspection.")
    missing = by_old[5].evidence[0]
    assert (missing.finding_number, missing.polarity) == (14, "negative")
    assert missing.text.startswith("However, return home interviews are not always timely")
    assert by_old[6].reason == "the new report raises it again (improvement area 3)"


def test_trafford_findings_groups_and_pairs(trafford: ReportDiff) -> None:
    assert [(g.area, g.old_areas, g.new_areas) for g in trafford.findings] == [
        (Area.IMPACT_OF_LEADERS, [Area.IMPACT_OF_LEADERS], [Area.IMPACT_OF_LEADERS]),
        (Area.HELP_AND_PROTECTION, [Area.HELP_AND_PROTECTION], [Area.HELP_AND_PROTECTION]),
        (
            Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
            [Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS],
            [Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS],
        ),
    ]
    leaders = trafford.findings[0]
    # quality assurance: weak and inaccurate in 2019, strengthened in 2022
    assert any(p.themes == ["qa"] and p.new.finding_number in (43, 45) for p in leaders.stronger)
    help_ = trafford.findings[1]
    # disabled children: a strong response in 2019, not the right service in 2022
    assert any(
        (p.old.finding_number, p.new.finding_number) == (14, 11) and "disabled" in p.themes
        for p in help_.weaker
    )
    for group in trafford.findings:
        assert len(group.stronger) <= 5 and len(group.weaker) <= 5
        sims = [p.similarity for p in group.stronger]
        assert sims == sorted(sims, reverse=True)


# ---------------------------------------------------------------- the contract


def test_json_round_trip_and_determinism(samples: dict[str, Report], salford: ReportDiff) -> None:
    text = salford.model_dump_json()
    assert ReportDiff.model_validate_json(text) == salford
    assert diff(samples["salford-2023"], samples["salford-2025"]).model_dump_json() == text
    data = json.loads(text)
    assert list(data) == [
        "diff_schema_version",
        "old",
        "new",
        "grades_note",
        "overall",
        "judgements",
        "improvement_areas",
        "findings",
        "warnings",
    ]
    assert data["improvement_areas"][0]["evidence"][0]["finding_number"] == 3
    data["surprise"] = 1
    with pytest.raises(ValidationError):
        ReportDiff.model_validate(data)


def test_diff_reads_saved_json(samples: dict[str, Report], trafford: ReportDiff) -> None:
    old = Report.model_validate_json(samples["trafford-2019"].model_dump_json())
    new = Report.model_validate_json(samples["trafford-2022"].model_dump_json())
    assert diff(old, new) == trafford


def test_reverse_direction_visit_first(samples: dict[str, Report]) -> None:
    d = diff(samples["salford-2025"], samples["salford-2023"])
    assert d.grades_note == (
        "The old report is a focused visit, which has no grades: no judgement can be compared."
    )
    assert {r.change for r in d.judgements} == {Change.NOT_GRADED}
    assert [r.new_grade for r in d.judgements] == [
        Grade.OUTSTANDING,
        Grade.GOOD,
        Grade.GOOD,
        Grade.OUTSTANDING,
    ]
    assert d.warnings == ["the new report (2023-11-10) predates the old one (2025-10-15)"]


def test_different_authorities_warned(samples: dict[str, Report]) -> None:
    d = diff(samples["trafford-2022"], samples["salford-2023"])
    assert d.warnings == ["different local authorities: Trafford and Salford"]


# ---------------------------------------------------------------- area mapping


def _with(report: Report, rows: list[tuple[Area, Grade | None]], overall: Grade | None) -> Report:
    judgements = [Judgement(area=a, label=a.value, grade=g, grade_label=None) for a, g in rows]
    return report.model_copy(update={"judgements": judgements, "overall_effectiveness": overall})


def test_2023_split_maps_both_new_rows_to_the_combined_one(samples: dict[str, Report]) -> None:
    d = diff(samples["trafford-2022"], samples["salford-2023"])
    care = [
        (r.old_area, r.new_area, r.change)
        for r in d.judgements
        if r.new_area in (Area.CHILDREN_IN_CARE, Area.CARE_LEAVERS)
    ]
    assert care == [
        (Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Area.CHILDREN_IN_CARE, Change.IMPROVED),
        (Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Area.CARE_LEAVERS, Change.IMPROVED),
    ]
    # the findings of the combined section are compared with both new sections together
    care_group = [g for g in d.findings if g.area == Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS]
    assert care_group[0].new_areas == [Area.CHILDREN_IN_CARE, Area.CARE_LEAVERS]


def test_sif_areas_map_to_ilacs(samples: dict[str, Report]) -> None:
    base = samples["trafford-2019"]
    sif = _with(
        base.model_copy(update={"kind": Kind.SIF_INSPECTION}),
        [
            (Area.HELP_AND_PROTECTION, Grade.REQUIRES_IMPROVEMENT),
            (Area.CHILDREN_LOOKED_AFTER, Grade.GOOD),
            (Area.ADOPTION_PERFORMANCE, Grade.GOOD),
            (Area.CARE_LEAVERS, Grade.OUTSTANDING),
            (Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, Grade.GOOD),
            (Area.LSCB, Grade.GOOD),
        ],
        Grade.GOOD,
    )
    d = diff(sif, base)
    assert [(r.old_area, r.new_area, r.change) for r in d.judgements] == [
        (Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, Area.IMPACT_OF_LEADERS, Change.DECLINED),
        (Area.HELP_AND_PROTECTION, Area.HELP_AND_PROTECTION, Change.UNCHANGED),
        (Area.CHILDREN_LOOKED_AFTER, Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Change.DECLINED),
        (Area.ADOPTION_PERFORMANCE, Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Change.DECLINED),
        (Area.CARE_LEAVERS, Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Change.DECLINED),
        (Area.LSCB, None, Change.NO_LONGER_GRADED),
    ]
    assert d.judgements[-1].note == "no successor judgement in the new report"
    assert d.overall is not None and d.overall.change is Change.DECLINED


def test_new_area_and_dropped_overall(samples: dict[str, Report]) -> None:
    base = samples["trafford-2022"]
    old = _with(base, [(Area.HELP_AND_PROTECTION, Grade.GOOD)], Grade.GOOD)
    new = _with(
        base,
        [(Area.HELP_AND_PROTECTION, Grade.GOOD), (Area.IMPACT_OF_LEADERS, Grade.GOOD)],
        None,  # inspected from April 2026: no overall effectiveness row
    )
    d = diff(old, new)
    assert [(r.area, r.change) for r in d.judgements] == [
        (Area.IMPACT_OF_LEADERS, Change.NEW),
        (Area.HELP_AND_PROTECTION, Change.UNCHANGED),
    ]
    assert d.overall is not None
    assert (d.overall.change, d.overall.note) == (
        Change.NO_LONGER_GRADED,
        "the new report has no overall effectiveness grade",
    )


def test_two_visits_have_no_grade_rows(samples: dict[str, Report]) -> None:
    d = diff(samples["salford-2025"], samples["salford-2025"])
    assert (d.judgements, d.overall) == ([], None)
    assert d.grades_note == "Neither report is graded (old: focused visit, new: focused visit)."


# ---------------------------------------------------------------- text rules


def test_split_sentences_keeps_abbreviations() -> None:
    assert split_sentences("Help, e.g. early help, is good. It is now 2023. Next one") == [
        "Help, e.g. early help, is good.",
        "It is now 2023.",
        "Next one",
    ]


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Plans are effective and timely.", 1),
        ("Plans are not always effective.", -1),
        ("Children receive help without delay.", 1),
        ("There is drift and delay for some children.", -1),
        ("This was previously an area for improvement.", 1),
        ("Senior leaders acknowledged that this was an area for further improvement.", -1),
        ("Children do not remain the subject of pre-proceedings for longer than necessary.", 1),
    ],
)
def test_polarity(text: str, sign: int) -> None:
    score = polarity(text)
    assert (score > 0) - (score < 0) == sign


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("children subject to the Public Law Outline (PLO)", "plo"),
        ("work during pre-proceedings", "plo"),
        ("the local authority designated officer", "lado"),
        ("contacts to the MASH", "front_door"),
        ("the quality and frequency of supervision", "supervision"),
        ("return home interviews", "missing"),
        ("special guardianship orders", "sgo"),
        ("homeless 16- and 17-year-olds", "homeless"),
    ],
)
def test_vocabulary(text: str, theme: str) -> None:
    assert theme in themes_of(text)


# ---------------------------------------------------------------- rich view


def test_print_diff(salford: ReportDiff, trafford: ReportDiff) -> None:
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, width=240, color_system=None, force_terminal=False)
    print_diff(console, salford)
    print_diff(console, trafford)
    text = out.getvalue()
    assert "salford-2023 → salford-2025" in text
    assert "not graded" in text and "declined" not in text.split("trafford-2019 →")[0]
    assert "This was previously an area for improvement." in text
    assert "finding 3, p2" in text
    assert "summary paragraph 1 (no number)" in text
    assert "finding 6, p2,3" in text
    assert "▲ improved" in text and "= unchanged" in text
    assert "persisting" in text and "addressed" in text and "new #1" in text


def test_lscb_recommendations_left_out(samples: dict[str, Report]) -> None:
    from ilacs_cli.models import ImprovementArea

    if "area" not in ImprovementArea.model_fields:
        pytest.skip("improvement areas do not record whose list they are on")
    base = samples["trafford-2019"]
    lscb = ImprovementArea.model_validate(
        {"text": "Ensure that the board monitors multi-agency training.", "area": "lscb"}
    )
    sif = base.model_copy(
        update={"improvement_areas": [*base.improvement_areas, lscb], "kind": Kind.SIF_INSPECTION}
    )
    d = diff(sif, samples["trafford-2022"])
    assert "1 LSCB recommendation(s) of the old report left out of the ledger" in d.warnings[0]
    assert len([c for c in d.improvement_areas if c.old_index]) == len(base.improvement_areas)
