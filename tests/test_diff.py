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
    stance,
    subject_of,
    themes_of,
)
from ilacs_cli.models import Area, Finding, Grade, ImprovementArea, Judgement, Kind, Report
from ilacs_cli.render_diff import print_diff
from ilacs_cli.vocabulary import Comparability


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
    # the same practice themes as the report JSON, `ilacs themes` and export
    assert plo.practice_themes == ["pre_proceedings_plo", "supervision_oversight"]
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
    # 2025 alone says how often children are seen ("Social workers see children regularly")
    assert [(t.theme, t.findings) for t in group.themes_only_new] == [("visits", [10])]


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
        ("addressed", 1, None),  # quality assurance "strengthened since the last inspection"
        ("persisting", 2, 6),  # management oversight -> "quality and frequency of supervision"
        ("addressed", 3, None),  # the MARAT -> the strengthened front door
        ("addressed", 4, None),  # assessments: "an area of improvement since the last inspection"
        ("persisting", 5, None),  # return home interviews still not timely
        ("persisting", 6, None),  # participation "could be strengthened"
        ("new", None, 1),  # out-of-hours
        ("new", None, 2),  # homeless 16- and 17-year-olds
        ("new", None, 3),  # children in care's entitlements (its head: not the voice item)
        ("new", None, 4),  # direct work and life-story work
        ("new", None, 5),  # care leavers' transition to independence
    ]
    for c in trafford.improvement_areas:
        if c.status is ImprovementStatus.NEW:
            assert c.confidence is None
        else:
            assert c.confidence is not None and 0.5 <= c.confidence <= 0.95


def test_every_verdict_names_its_basis(
    samples: dict[str, Report], salford: ReportDiff, trafford: ReportDiff
) -> None:
    from ilacs_cli.compare import BASES, Basis

    # one entry in words per basis: adding a basis without words fails here
    assert set(BASES) == set(Basis)
    for d in (salford, trafford):
        assert all(c.basis is not None for c in d.improvement_areas)
    assert [c.basis for c in salford.improvement_areas][:1] == [Basis.BACK_REFERENCE]
    assert [c.basis.value for c in trafford.improvement_areas] == [
        "back_reference",
        "restated",
        "findings",
        "back_reference",
        "findings",
        "findings",
        *["new"] * 5,
    ]
    # and it is in the JSON, for scripts to filter on
    row = json.loads(trafford.model_dump_json())["improvement_areas"][1]
    assert (row["status"], row["basis"]) == ("persisting", "restated")
    # a visit with its own focus, silent on the old items
    old = _letter(samples["trafford-2019"], OLD_ITEMS, ["Old finding."], [])
    visit = _letter(samples["salford-2025"], [], ["Leaders have new offices."], [])
    assert [(c.status.value, c.basis.value) for c in diff(old, visit).improvement_areas] == [
        ("not_mentioned", "silent_visit")
    ] * 3


def test_trafford_ledger_evidence(trafford: ReportDiff) -> None:
    by_old = {c.old_index: c for c in trafford.improvement_areas if c.old_index}
    qa = by_old[1].evidence[0]
    assert (qa.finding_number, qa.pages) == (45, [10])
    assert (
        qa.text
        == "The quality assurance arrangements have been strengthened since the last inspection."
    )
    assert by_old[1].reason == "the new report states progress on it since the last inspection"
    oversight = by_old[2].evidence[0]
    assert (oversight.source, oversight.paragraph) == ("improvement_area", 6)
    assert oversight.text == "The quality and frequency of supervision."
    assert by_old[2].reason == "the new report raises it again (improvement area 6)"
    front_door = by_old[3].evidence[0]
    assert front_door.finding_number == 1
    assert "Thresholds are applied appropriately" in front_door.text
    assessment = by_old[4].evidence[0]
    assert assessment.finding_number == 6
    assert assessment.text.endswith("This is an area of improvement since the last inspection.")
    # the deciding sentence comes first; the positive one of the same paragraph after it
    missing = by_old[5].evidence
    assert [(e.finding_number, e.polarity) for e in missing] == [(14, "negative"), (14, "positive")]
    assert missing[0].text.startswith("However, return home interviews are not always timely")
    assert by_old[5].subject == "The response to children who go missing"
    voice = by_old[6].evidence[0]
    assert (voice.finding_number, voice.polarity) == (47, "negative")
    assert "this participation could be strengthened" in voice.text


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
    # children in care compare with the combined row (with a caveat); care leavers, one
    # part of the combined judgement, do not: the change is shown as indicative only
    assert care == [
        (Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Area.CHILDREN_IN_CARE, Change.IMPROVED),
        (Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Area.CARE_LEAVERS, Change.NOT_COMPARABLE),
    ]
    cic, leavers = (
        r for r in d.judgements if r.new_area in (Area.CHILDREN_IN_CARE, Area.CARE_LEAVERS)
    )
    assert cic.comparability is Comparability.CAVEAT
    assert cic.note is not None and "caveat: the 2018-23 grade covered care leavers too" in cic.note
    assert leavers.comparability is Comparability.NOT_COMPARABLE
    assert leavers.note is not None and leavers.note.endswith(
        "indicative only: requires_improvement -> outstanding would read as improved"
    )
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
    # SIF -> ILACS: changes only where the judgements compare, each with its caveat; the
    # SIF's adoption and care-leavers grades are not set against the combined care row
    assert [(r.old_area, r.new_area, r.change, r.comparability) for r in d.judgements] == [
        (
            Area.LEADERSHIP_MANAGEMENT_GOVERNANCE,
            Area.IMPACT_OF_LEADERS,
            Change.DECLINED,
            Comparability.CAVEAT,
        ),
        (
            Area.HELP_AND_PROTECTION,
            Area.HELP_AND_PROTECTION,
            Change.UNCHANGED,
            Comparability.CAVEAT,
        ),
        (
            Area.CHILDREN_LOOKED_AFTER,
            Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
            Change.DECLINED,
            Comparability.CAVEAT,
        ),
        (
            Area.ADOPTION_PERFORMANCE,
            Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
            Change.NOT_COMPARABLE,
            Comparability.NOT_COMPARABLE,
        ),
        (
            Area.CARE_LEAVERS,
            Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
            Change.NOT_COMPARABLE,
            Comparability.NOT_COMPARABLE,
        ),
        (Area.LSCB, None, Change.NO_LONGER_GRADED, None),
    ]
    assert d.judgements[-1].note == "no successor judgement in the new report"
    assert d.judgements[3].note == (
        "not comparable with the old report's 'adoption performance' judgement; "
        "the SIF's adoption grade measured adoption performance only; "
        "indicative only: good -> requires_improvement would read as declined"
    )
    assert d.overall is not None and d.overall.change is Change.DECLINED
    assert d.overall.comparability is Comparability.CAVEAT


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
    assert "since the last inspection (confidence 0.80)" in text


def test_lscb_recommendations_are_not_mentioned(samples: dict[str, Report]) -> None:
    from ilacs_cli.models import ImprovementArea

    base = samples["trafford-2019"]
    lscb = ImprovementArea.model_validate(
        {"text": "Ensure that the board monitors multi-agency training.", "area": "lscb"}
    )
    sif = base.model_copy(
        update={"improvement_areas": [*base.improvement_areas, lscb], "kind": Kind.SIF_INSPECTION}
    )
    d = diff(sif, samples["trafford-2022"])
    assert d.warnings == [
        "1 LSCB recommendation(s) of the old report shown as not mentioned: the LSCB has no "
        "successor"
    ]
    olds = [c for c in d.improvement_areas if c.old_index]
    assert len(olds) == len(base.improvement_areas) + 1
    last = olds[-1]
    assert (last.old_index, last.status, last.evidence) == (
        len(base.improvement_areas) + 1,
        ImprovementStatus.NOT_MENTIONED,
        [],
    )
    assert last.reason.startswith("a recommendation to the LSCB")
    assert last.basis.value == "lscb"


# ---------------------------------------------------------------- the ledger's rules


@pytest.mark.parametrize(
    ("text", "head"),
    [
        (
            "Strategic partnerships, particularly for early help services.",
            "Strategic partnerships",
        ),
        (
            "The quality of assessments, plans and pre-proceedings work, to reduce "
            "over-optimism and increase the level of professional curiosity.",
            "The quality of assessments, plans and pre-proceedings work",
        ),
        (
            "Ensure that permanence plans for all children looked after are systematically "
            "tracked and monitored.",
            "permanence plans for all children looked after are systematically tracked and "
            "monitored",
        ),
        (
            "The quality of written records including timely assessments (outcome 3, "
            "national framework).",
            "The quality of written records",
        ),
    ],
)
def test_subject_is_the_head_not_a_side_phrase(text: str, head: str) -> None:
    assert subject_of(text) == head


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # negation with its scope, over coordinated cue words
        ("This has prevented them from developing meaningful, trusting relationships.", -1),
        ("The footprint of IROs is not consistent or effective.", -1),
        ("Return home interviews are not always timely.", -1),
        # contrast: the clause after "but" / the main clause after "although" decides
        ("Oversight has been more regular, but a lack of sufficient challenge remains.", -1),
        ("Although a few plans are delayed, most children are seen quickly and regularly.", 1),
        # Ofsted's evaluative phrases
        ("Too many children experience drift.", -1),
        ("This participation could be strengthened.", -1),
        ("Leaders know that there is more to do.", -1),
        ("Strategy meetings are held promptly and are well attended.", 1),
        # a purpose says what is aimed at, not what is so
        ("Leaders are refining the tracker so that it supports a more robust oversight.", -1),
        # after a main clause, "although" adds a caveat on the same subject (as "but" does),
        # while "despite" concedes and the main clause stands
        (
            "Supervision records demonstrate appropriate management oversight, although "
            "frequency and recording are inconsistent for some workers.",
            -1,
        ),
        ("Care leavers are well supported into education, despite some delays in housing.", 1),
        # "continue to experience" the thing the item was about
        (
            "However, some children continue to experience the impact of changes of social worker.",
            -1,
        ),
        # the majority's good news, with a minority's exception, is good news
        (
            "For most children, progress is tracked well but, for a few, there is too much "
            "focus on short-term changes.",
            1,
        ),
        ("Progress is tracked well but, for a few, there is too much focus on the short term.", -1),
        # Ofsted's evaluative adjectives beyond "good" and "effective"
        ("The response to allegations is diligent and meticulous.", 1),
        ("Management oversight is patchy and recording is cursory.", -1),
        # aware of a thing is not aware that more needs doing
        ("Personal advisers are aware of the local offer and describe it well.", 1),
        # a board's or partners' influence is not the child's voice; nor is "too young to"
        ("Children who are too young to be attending school are well supported.", 1),
        ("Children continue to experience stable homes.", 1),
        ("Plans have been strong for some time.", 1),
        # good news for a minority of children is not good news about the service
        ("Some children's views are regularly and sensitively captured.", 0),
        ("Most children's views are regularly and sensitively captured.", 1),
        # what follows "too X to" does not happen
        ("Audits remain too compliance-focused to be driving improved practice effectively.", -1),
    ],
)
def test_stance_at_clause_level(text: str, sign: int) -> None:
    score = stance(text)
    assert (score > 0) - (score < 0) == sign


def _letter(base: Report, items: list[str], findings: list[str], summary: list[str]) -> Report:
    return base.model_copy(
        update={
            "improvement_areas": [ImprovementArea(text=t) for t in items],
            "findings": [
                Finding(number=n, area=None, text=t, pages=[n + 1])
                for n, t in enumerate(findings, start=1)
            ],
            "summary": summary,
        }
    )


OLD_ITEMS = [
    "The quality of life-story work for children in care.",
    "The timeliness of return home interviews for children who go missing.",
    "The recording of private fostering arrangements.",
]


def test_blanket_statement_about_the_last_list_decides(samples: dict[str, Report]) -> None:
    old = _letter(samples["trafford-2019"], OLD_ITEMS, ["Old finding."], [])
    new = _letter(
        samples["trafford-2022"],
        [],
        [
            "Life-story work is consistently strong and helps children understand their histories.",
            "Leaders have invested in new offices.",
        ],
        [
            "The areas for improvement identified at the last inspection have not yet been "
            "fully addressed and remain relevant."
        ],
    )
    d = diff(old, new)
    ledger = {c.old_index: c for c in d.improvement_areas}
    # what the new report shows to be better stays addressed; the rest persists
    assert ledger[1].status is ImprovementStatus.ADDRESSED
    assert ledger[1].evidence[0].finding_number == 1
    for i in (2, 3):
        assert ledger[i].status is ImprovementStatus.PERSISTING
        assert ledger[i].reason.startswith("the new report says the last inspection's areas")
        assert ledger[i].basis.value == "blanket"
        assert ledger[i].evidence[0].text.startswith("The areas for improvement identified")


def test_blanket_statement_that_the_last_list_is_done_decides_the_untouched(
    samples: dict[str, Report],
) -> None:
    old = _letter(samples["trafford-2019"], OLD_ITEMS, ["Old finding."], [])
    new = _letter(
        samples["trafford-2022"],
        [],
        [
            "Life-story work is inconsistent and too many children wait for it.",
            "Leaders have invested in new offices.",
        ],
        [
            "The areas for improvement identified during the inspection in 2019 have been "
            "addressed with rigour and pace."
        ],
    )
    ledger = {c.old_index: c for c in diff(old, new).improvement_areas}
    # what the new report judges keeps its own verdict; the untouched follow the statement
    assert ledger[1].status is ImprovementStatus.PERSISTING
    for i in (2, 3):
        assert ledger[i].status is ImprovementStatus.ADDRESSED
        assert ledger[i].evidence[0].text.startswith("The areas for improvement identified")
        assert ledger[i].confidence == 0.4
        assert ledger[i].basis.value == "blanket"


def test_a_partial_or_negated_statement_about_the_last_list_decides_nothing() -> None:
    from ilacs_cli.compare import _BACK_NEGATIVE, _BACK_POSITIVE, _BLANKET_POSITIVE

    for text in (
        "Some of the areas for improvement identified at the last inspection have been "
        "addressed, but others have not.",
        "Few of the areas for improvement identified at the last inspection have been addressed.",
        "The areas for improvement from the last inspection have been addressed, except for "
        "care leavers' housing.",
    ):
        assert not _BLANKET_POSITIVE.search(text), text
    no = "There has been no significant improvement in life-story work since the last inspection."
    assert not _BACK_POSITIVE.search(no) and _BACK_NEGATIVE.search(no)


def test_back_reference_on_another_subject_does_not_decide(samples: dict[str, Report]) -> None:
    old = _letter(samples["trafford-2019"], OLD_ITEMS, ["Old finding."], [])
    new = _letter(
        samples["trafford-2022"],
        [],
        [
            "Since the last inspection, the front door has been strengthened. This was "
            "previously an area for improvement.",
            "Leaders have invested in new offices.",
        ],
        [],
    )
    d = diff(old, new)
    # nothing in the new report is on these subjects: not mentioned, and no evidence
    assert [(c.status, c.evidence) for c in d.improvement_areas] == [
        (ImprovementStatus.NOT_MENTIONED, [])
    ] * 3


def test_mixed_evidence_is_unclear(samples: dict[str, Report]) -> None:
    old = _letter(samples["trafford-2019"], OLD_ITEMS[:1], ["Old finding."], [])
    new = _letter(
        samples["trafford-2022"],
        [],
        [
            "Life-story work is strong and effective for most children in care.",
            "Life-story work is inconsistent and poor for some children in care.",
        ],
        [],
    )
    # no grades for the practice to lean on: the sentences alone decide
    (c,) = diff(old, _with(new, [], None)).improvement_areas
    assert (c.status, c.basis.value) == (ImprovementStatus.UNCLEAR, "mixed")
    assert c.reason == "the new report's findings on its subject are mixed"
    assert {e.polarity for e in c.evidence} == {"positive", "negative"}
    assert c.confidence is not None and c.confidence < 0.35


def test_the_new_grade_for_the_practice_settles_silence_and_mixed_findings(
    samples: dict[str, Report],
) -> None:
    """An inspection of the whole service grades each part of it: a reader takes a part
    judged good, about which the report names no weakness, as no longer weak; and lets that
    grade settle findings that are mixed but lean its way. Silence under "inadequate" says
    nothing."""
    care, help_ = Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Area.HELP_AND_PROTECTION
    RI, GOOD, BAD = Grade.REQUIRES_IMPROVEMENT, Grade.GOOD, Grade.INADEQUATE
    old = _letter(samples["trafford-2019"], OLD_ITEMS[:2], ["Old finding."], [])
    leaning_bad = [
        "Life-story work is strong and effective for most children in care.",
        "Life-story work is inconsistent and poor for some children in care.",
    ]
    leaning_good = [
        "Life-story work is strong, effective and timely for children in care.",
        "Life-story work is not yet completed for a few children in care.",
    ]
    offices = "Leaders have new offices."

    def first(findings: list[str], rows: list[tuple[Area, Grade]], summary=()) -> tuple:
        new = _letter(samples["trafford-2022"], [], [*findings, offices], list(summary))
        got = diff(old, _with(new, rows, None)).improvement_areas
        return tuple((c.status.value, c.basis.value, c.confidence) for c in got[:2])

    # mixed findings leaning the grade's way follow it, at confidence 0.35
    (life, rhi) = first(leaning_good, [(care, GOOD), (help_, RI)])
    assert life == ("addressed", "findings_and_grade", 0.35)
    # return home interviews (help and protection, requires improvement): nothing said,
    # and the grade leans neither way
    assert rhi[:2] == ("not_mentioned", "silent")
    assert first(leaning_bad, [(care, BAD)])[0] == ("persisting", "findings_and_grade", 0.35)
    # ... and stay unclear where the grade leans neither way or the other way
    for findings, grade in ((leaning_good, RI), (leaning_good, BAD), (leaning_bad, GOOD)):
        assert first(findings, [(care, grade)])[0][:2] == ("unclear", "mixed"), grade
    # a report saying its last list is not done is not overruled by a good grade
    blanket = [
        "The areas for improvement identified at the last inspection have not yet been "
        "fully addressed and remain relevant."
    ]
    assert first(leaning_good, [(care, GOOD)], blanket)[0][:2] == ("unclear", "mixed")

    # silence: a part judged good is done; the reason says which grade
    new = _with(_letter(samples["trafford-2022"], [], [offices], []), [(care, GOOD)], None)
    got = diff(old, new).improvement_areas
    assert (got[0].status.value, got[0].basis.value, got[0].confidence) == (
        "addressed",
        "grade",
        0.35,
    )
    assert got[0].reason == (
        "the new report names no weakness in it, and it grades children in care and care "
        "leavers good"
    )
    # help and protection not graded, and no overall grade: nothing speaks for it
    assert got[1].basis.value == "silent"
    # ... an overall grade does (the field, as an older extraction keeps it)
    new = _with(_letter(samples["trafford-2022"], [], [offices], []), [(care, GOOD)], Grade.GOOD)
    got = diff(old, new).improvement_areas
    assert got[1].reason.endswith("it grades overall effectiveness good")
    # silence under "inadequate" says nothing
    assert [c[:2] for c in first([], [(care, BAD), (help_, BAD)])] == [
        ("not_mentioned", "silent")
    ] * 2

    # good news where the practice is judged inadequate, bad news where outstanding: unclear
    good_news = ["Life-story work is strong and effective for children in care."]
    bad_news = ["Life-story work is poor and too many children in care wait for it."]
    for findings, grade, words in (
        (
            good_news,
            BAD,
            "mostly positive, but it grades children in care and care leavers inadequate",
        ),
        (
            bad_news,
            Grade.OUTSTANDING,
            "mostly negative, but it grades children in care and care leavers outstanding",
        ),
    ):
        new = _with(
            _letter(samples["trafford-2022"], [], [*findings, offices], []), [(care, grade)], None
        )
        c = diff(old, new).improvement_areas[0]
        assert (c.status.value, c.basis.value) == ("unclear", "findings_against_grade")
        assert c.reason.endswith(words) and c.confidence <= 0.35

    # an item on two practices takes the worse of their grades
    two = _letter(
        samples["trafford-2019"],
        [
            "The quality of life-story work and of return home interviews for children in care "
            "who go missing."
        ],
        ["Old finding."],
        [],
    )
    new = _with(
        _letter(samples["trafford-2022"], [], [offices], []), [(care, GOOD), (help_, BAD)], None
    )
    assert diff(two, new).improvement_areas[0].basis.value == "silent"
    new = _with(
        _letter(samples["trafford-2022"], [], [offices], []),
        [(care, Grade.OUTSTANDING), (help_, GOOD)],
        None,
    )
    assert diff(two, new).improvement_areas[0].reason.endswith("grades help and protection good")

    # a focused visit has no grades: mixed stays unclear
    visit = _letter(samples["salford-2025"], [], [*leaning_good, offices], [])
    c = diff(old, visit).improvement_areas[0]
    assert (c.status.value, c.basis.value) == ("unclear", "mixed")


def test_every_practice_theme_is_graded_under_a_judgement() -> None:
    from ilacs_cli import themes
    from ilacs_cli.vocabulary import AREAS, Framework

    assert set(themes.GRADED_UNDER) == set(themes.THEME_BY_NAME)
    for name, areas in themes.GRADED_UNDER.items():
        if not areas:
            continue
        # each theme is graded under both frameworks that grade the whole service
        for framework in (Framework.ILACS, Framework.SIF):
            assert any(framework in AREAS[a].frameworks for a in areas), (name, framework)
    # only the child's voice runs through every judgement
    assert [n for n, a in themes.GRADED_UNDER.items() if not a] == ["voice_of_child"]


def test_a_sentence_on_one_part_of_a_coordinated_head_is_on_the_item(
    samples: dict[str, Report],
) -> None:
    old = _letter(
        samples["trafford-2019"],
        [
            "Placement stability and the disproportionate number of children in care who are "
            "living outside of the local authority's boundaries."
        ],
        ["Old finding."],
        [],
    )
    new = _letter(
        samples["trafford-2022"],
        [],
        [
            "Increased fostering provision in the local area has improved placement stability, "
            "so that children live in settled homes.",
            "Leaders have invested in new offices.",
        ],
        [],
    )
    (c,) = diff(old, new).improvement_areas
    assert c.status is ImprovementStatus.ADDRESSED
    assert c.evidence[0].finding_number == 1


def test_a_head_splits_into_parts_only_where_noun_phrases_are_coordinated() -> None:
    from ilacs_cli.compare import _conjuncts, _subject

    # "assessments and plans": "plans" alone would find every sentence on any plan
    assert _conjuncts(_subject("The quality of assessments and plans.")) == []
    # "assessment and support for care leavers' health": one modifier for both nouns
    assert (
        _conjuncts(_subject("The quality of assessment and support for care leavers' health."))
        == []
    )
    heads = [
        c.head for c in _conjuncts(_subject("Placement stability and the housing of care leavers."))
    ]
    assert heads == ["Placement stability", "the housing of care leavers"]


def test_a_sentence_without_the_item_s_rarest_subject_is_less_on_it(
    samples: dict[str, Report],
) -> None:
    old = _letter(
        samples["trafford-2019"],
        ["The effectiveness of assessments of children living in private fostering arrangements."],
        ["Old finding."],
        [],
    )
    findings = [
        "Assessments of children in need are thorough and effective.",
        "Assessments are timely and effective, and plans are strong.",
        "Assessments of risk are detailed and effective.",
        "Leaders have invested in new offices.",
    ]
    new = _letter(samples["trafford-2022"], [], findings, [])
    (c,) = diff(old, new).improvement_areas
    # good assessments in general say nothing of private fostering assessments
    assert c.status is ImprovementStatus.NOT_MENTIONED
    assert c.evidence == []


def test_a_list_of_aspects_is_one_subject() -> None:
    from ilacs_cli.compare import _conjuncts, _subject

    # "The timeliness, quality and impact of X" is not "the timeliness" and "X"
    assert (
        _conjuncts(_subject("The timeliness, quality and impact of return home interviews.")) == []
    )


def test_a_relative_clause_of_purpose_is_a_side_phrase() -> None:
    # "... tools that support decision-making": the tools are the subject, not decisions
    assert (
        subject_of(
            "The consistent oversight and use of performance management tools that "
            "support decision-making for children in care."
        )
        == "The consistent oversight and use of performance management tools"
    )


def test_a_weakness_just_under_the_bar_makes_addressed_unclear(
    samples: dict[str, Report],
) -> None:
    from ilacs_cli import compare

    old = _letter(samples["trafford-2019"], OLD_ITEMS[:1], ["Old finding."], [])
    good = [
        "Life-story work for children in care is strong and effective.",
        "Life-story work for children in care is completed in a timely way.",
    ]
    # on the subject, but less squarely than the good news (so not weighed with it)
    weak = "Life-story work is not yet completed for some and they wait too long."
    new = _letter(samples["trafford-2022"], [], [*good, "Leaders have new offices."], [])
    (c,) = diff(old, new).improvement_areas
    assert c.status is ImprovementStatus.ADDRESSED
    # the same good news beside a clear weakness on the subject is no longer safe
    new = _letter(samples["trafford-2022"], [], [*good, weak, "Leaders have new offices."], [])
    (c,) = diff(old, new).improvement_areas
    assert c.status is ImprovementStatus.UNCLEAR
    assert c.evidence[-1].text == weak
    # and it is that rule, not the balance, that says so
    bar = compare._DISSENT
    compare._DISSENT = 99.0
    try:
        (c,) = diff(old, new).improvement_areas
        assert c.status is ImprovementStatus.ADDRESSED
    finally:
        compare._DISSENT = bar


def test_a_restated_subject_names_the_same_aspect() -> None:
    from ilacs_cli.compare import _head_aspects

    assert _head_aspects("The quality and timeliness of plans") == {"quality", "timeliness"}
    assert _head_aspects("The timeliness and consistency with which meetings are held") == {
        "timeliness",
        "consistency",
    }
    assert _head_aspects("Strategy discussions") == frozenset()


def test_the_diff_reads_the_one_vocabulary() -> None:
    from ilacs_cli import compare, themes

    # the diff's subjects are themes.py's, each under a practice theme or none
    assert compare.THEMES is themes.SUBJECTS
    assert {s.theme for s in themes.SUBJECTS} - {None} <= set(themes.THEME_BY_NAME)
    # every practice theme has its finer subjects, so the diff can find it
    assert {s.theme for s in themes.SUBJECTS} >= set(themes.THEME_BY_NAME)
    assert len({s.name for s in themes.SUBJECTS}) == len(themes.SUBJECTS)


def test_every_status_and_change_has_a_style() -> None:
    from ilacs_cli.render_diff import CHANGE_STYLE, STATUS_STYLE

    assert set(STATUS_STYLE) == set(ImprovementStatus)
    assert set(CHANGE_STYLE) == set(Change)


def test_saved_diff_json_without_the_new_fields_still_reads(salford: ReportDiff) -> None:
    data = json.loads(salford.model_dump_json())
    for row in data["improvement_areas"]:
        del row["confidence"], row["subject"]
    for row in data["judgements"]:
        del row["comparability"]
    assert ReportDiff.model_validate(data).diff_schema_version == "1"
