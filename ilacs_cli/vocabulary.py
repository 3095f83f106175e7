"""The vocabulary of the JSON contract: kinds of document, judgement areas and grades.

Plain enums with no pydantic, so that the command line can use them (``--kind``) without
paying for pydantic's import at start-up. :mod:`ilacs_cli.models` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    ILACS_INSPECTION = "ilacs_inspection"
    FOCUSED_VISIT = "focused_visit"
    MONITORING_VISIT = "monitoring_visit"
    SIF_INSPECTION = "sif_inspection"
    LSCB_REVIEW = "lscb_review"
    CHILD_PROTECTION_INSPECTION = "child_protection_inspection"
    LAC_INSPECTION = "lac_inspection"


class Grade(str, Enum):
    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    ADEQUATE = "adequate"
    INADEQUATE = "inadequate"


class Area(str, Enum):
    IMPACT_OF_LEADERS = "impact_of_leaders"
    HELP_AND_PROTECTION = "help_and_protection"
    CHILDREN_IN_CARE = "children_in_care"
    CARE_LEAVERS = "care_leavers"
    CHILDREN_IN_CARE_AND_CARE_LEAVERS = "children_in_care_and_care_leavers"
    OVERALL_EFFECTIVENESS = "overall_effectiveness"
    CHILDREN_LOOKED_AFTER = "children_looked_after"
    ADOPTION_PERFORMANCE = "adoption_performance"
    LEADERSHIP_MANAGEMENT_GOVERNANCE = "leadership_management_governance"
    LSCB = "lscb"
    # 2012-13 child protection and looked-after-children inspections
    CAPACITY_FOR_IMPROVEMENT = "capacity_for_improvement"
    QUALITY_OF_PRACTICE = "quality_of_practice"
    LEADERSHIP_AND_GOVERNANCE = "leadership_and_governance"
    # 2012-13 looked-after-children inspections
    OUTCOMES_FOR_LOOKED_AFTER_CHILDREN = "outcomes_for_looked_after_children"
    QUALITY_OF_PROVISION = "quality_of_provision"
    LEADERSHIP_AND_MANAGEMENT = "leadership_and_management"


@dataclass(frozen=True)
class GradeInfo:
    """One grade for every view: ``label`` as reports print it, ``word`` for a table cell
    or the web page, ``short`` (at most five letters) for narrow terminals, ``letter`` for a
    hex or a chart point, ``rank`` for comparisons (4 best; ``adequate`` sits where the
    2012-13 frameworks put it, between good and inadequate)."""

    label: str
    word: str
    short: str
    letter: str
    rank: int


#: The one table of grades (a test walks ``Grade``); the views below are read from it.
GRADES: dict[Grade, GradeInfo] = {
    Grade.OUTSTANDING: GradeInfo("Outstanding", "Outstanding", "Outst", "O", 4),
    Grade.GOOD: GradeInfo("Good", "Good", "Good", "G", 3),
    Grade.REQUIRES_IMPROVEMENT: GradeInfo(
        "Requires improvement to be good", "Requires improvement", "RI", "RI", 2
    ),
    Grade.ADEQUATE: GradeInfo("Adequate", "Adequate", "Adeq", "A", 2),
    Grade.INADEQUATE: GradeInfo("Inadequate", "Inadequate", "Inad", "I", 1),
}

GRADE_LABELS: dict[Grade, str] = {g: i.label for g, i in GRADES.items()}

#: Grades in order from best to worst, for comparisons.
GRADE_RANK: dict[Grade, int] = {g: i.rank for g, i in GRADES.items()}


# --------------------------------------------------------------------------- areas


class Framework(str, Enum):
    """The inspection framework a graded document belongs to: grades compare freely only
    within one."""

    ILACS = "ilacs"  # inspections of local authority children's services, 2018-
    SIF = "sif"  # the single inspection framework, 2013-2018
    # the 2012-13 inspections: of child protection, and of looked-after children's services
    CHILD_PROTECTION_2012 = "child_protection_2012"
    LOOKED_AFTER_2012 = "looked_after_2012"


@dataclass(frozen=True)
class KindInfo:
    """What the project knows about one kind of document, for every view: ``word`` in
    words (tables, the web page), ``short`` for narrow terminals (explained by a legend),
    ``framework`` the one its grades belong to (None: a visit, which has no grades)."""

    word: str
    short: str
    framework: Framework | None


#: The one table of document kinds (a test walks ``Kind``): a new kind is one entry here,
#: besides the rules that recognise it.
KINDS: dict[Kind, KindInfo] = {
    Kind.ILACS_INSPECTION: KindInfo("ILACS inspection", "ILACS", Framework.ILACS),
    Kind.FOCUSED_VISIT: KindInfo("Focused visit", "FV", None),
    Kind.MONITORING_VISIT: KindInfo("Monitoring visit", "MV", None),
    Kind.SIF_INSPECTION: KindInfo("SIF inspection", "SIF", Framework.SIF),
    Kind.LSCB_REVIEW: KindInfo("LSCB review", "LSCB", Framework.SIF),
    Kind.CHILD_PROTECTION_INSPECTION: KindInfo(
        "Child protection inspection", "CP 2012-13", Framework.CHILD_PROTECTION_2012
    ),
    Kind.LAC_INSPECTION: KindInfo(
        "Looked after children inspection", "LAC 2012-13", Framework.LOOKED_AFTER_2012
    ),
}

#: The framework of each kind of document; None for documents without grades of their own.
FRAMEWORK_OF_KIND: dict[Kind, Framework | None] = {k: i.framework for k, i in KINDS.items()}

#: The visits: kinds with no grades at all (each has its own focus).
VISIT_KINDS = frozenset(k for k, i in KINDS.items() if i.framework is None)


def kind_words(kind: Kind) -> str:
    """The kind in running text: "focused visit", "ILACS inspection" (an acronym keeps its
    capitals)."""
    word = kind_info(kind).word
    return word if word[1:2].isupper() else word[:1].lower() + word[1:]


def kind_info(kind: Kind) -> KindInfo:
    """The kind's entry; a kind without one gets plain words (no view crashes on it)."""
    info = KINDS.get(kind)
    if info is None:
        words = kind.value.replace("_", " ").capitalize()
        return KindInfo(words, words, None)
    return info


class Comparability(str, Enum):
    """Whether an old grade and a new one measure the same thing."""

    COMPARABLE = "comparable"
    CAVEAT = "comparable_with_caveat"
    NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class Link:
    """How this area's grade compares with ``area``'s, read old -> new or new -> old.

    ``frameworks``: the link holds only between grades given under exactly these two
    frameworks (e.g. a SIF grade and an ILACS one); empty: wherever the two areas are
    graded. ``note`` says what the reader must keep in mind (the caveat, or why not)."""

    area: Area
    how: Comparability
    note: str
    frameworks: frozenset[Framework] = frozenset()


@dataclass(frozen=True)
class AreaInfo:
    """What the project knows about one judgement area.

    ``order``: place in tables (overall first). ``frameworks``: where the area is graded.
    ``successors``: areas of another framework that carry its subject, best first (used to
    pair rows and to group findings, whether or not the grades compare). ``links``: how its
    grade compares with other areas' (and with itself under another framework); a pair
    without a link does not compare, except the same area within one framework."""

    title: str
    short: str
    order: int
    frameworks: frozenset[Framework]
    successors: tuple[Area, ...] = ()
    links: tuple[Link, ...] = ()


_I, _S = Framework.ILACS, Framework.SIF
_OLDER = frozenset({Framework.CHILD_PROTECTION_2012, Framework.LOOKED_AFTER_2012})
_NC, _CAV = Comparability.NOT_COMPARABLE, Comparability.CAVEAT

_SIF_ILACS = (
    "the SIF (2013-18) and ILACS (2018-) grade against different criteria: read the change "
    "as indicative"
)
_OLDER_NOTE = (
    "the 2012-13 inspections graded adequate/good/outstanding against their own criteria: "
    "not comparable with later frameworks"
)

#: The one table of judgement areas. A new area is one entry here (a test walks ``Area``).
AREAS: dict[Area, AreaInfo] = {
    Area.OVERALL_EFFECTIVENESS: AreaInfo(
        "Overall effectiveness",
        "Overall",
        0,
        frozenset({_I, _S, *_OLDER}),
        links=(Link(Area.OVERALL_EFFECTIVENESS, _CAV, _SIF_ILACS, frozenset({_S, _I})),),
    ),
    Area.IMPACT_OF_LEADERS: AreaInfo(
        "Impact of leaders",
        "Leaders",
        10,
        frozenset({_I}),
        successors=(Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, Area.LEADERSHIP_AND_GOVERNANCE),
        links=(Link(Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, _CAV, _SIF_ILACS),),
    ),
    Area.LEADERSHIP_MANAGEMENT_GOVERNANCE: AreaInfo(
        "Leadership, management and governance",
        "Leadership",
        11,
        frozenset({_S}),
        successors=(Area.IMPACT_OF_LEADERS, Area.LEADERSHIP_AND_GOVERNANCE),
        links=(Link(Area.IMPACT_OF_LEADERS, _CAV, _SIF_ILACS),),
    ),
    Area.LEADERSHIP_AND_GOVERNANCE: AreaInfo(
        "Leadership and governance",
        "Leadership (2012-13)",
        12,
        _OLDER,
        successors=(Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, Area.IMPACT_OF_LEADERS),
    ),
    Area.HELP_AND_PROTECTION: AreaInfo(
        "Help and protection",
        "Help and protection",
        20,
        frozenset({_I, _S, *_OLDER}),
        links=(Link(Area.HELP_AND_PROTECTION, _CAV, _SIF_ILACS, frozenset({_S, _I})),),
    ),
    Area.QUALITY_OF_PRACTICE: AreaInfo(
        "Quality of practice",
        "Practice (2012-13)",
        21,
        _OLDER,
    ),
    Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS: AreaInfo(
        "Children in care and care leavers",
        "In care and leavers",
        30,
        frozenset({_I}),
        successors=(Area.CHILDREN_IN_CARE, Area.CARE_LEAVERS, Area.CHILDREN_LOOKED_AFTER),
        links=(
            Link(
                Area.CHILDREN_IN_CARE,
                _CAV,
                "the 2018-23 grade covered care leavers too; from 2023 children in care are "
                "graded on their own",
            ),
            Link(
                Area.CHILDREN_LOOKED_AFTER,
                _CAV,
                _SIF_ILACS + "; the SIF graded adoption and care leavers apart",
            ),
            Link(
                Area.CARE_LEAVERS,
                _NC,
                "the 2018-23 grade judged children in care and care leavers together; care "
                "leavers have had a grade of their own since 2023 (and had one in the SIF)",
            ),
            Link(
                Area.ADOPTION_PERFORMANCE,
                _NC,
                "the SIF's adoption grade measured adoption performance only",
            ),
        ),
    ),
    Area.CHILDREN_LOOKED_AFTER: AreaInfo(
        "Children looked after",
        "Looked after",
        31,
        frozenset({_S}),
        successors=(Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Area.CHILDREN_IN_CARE),
        links=(
            Link(
                Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
                _CAV,
                _SIF_ILACS + "; the SIF graded adoption and care leavers apart",
            ),
            Link(Area.CHILDREN_IN_CARE, _CAV, _SIF_ILACS),
        ),
    ),
    Area.CHILDREN_IN_CARE: AreaInfo(
        "Children in care",
        "Children in care",
        32,
        frozenset({_I}),
        successors=(Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Area.CHILDREN_LOOKED_AFTER),
        links=(
            Link(
                Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
                _CAV,
                "the 2018-23 grade covered care leavers too; from 2023 children in care are "
                "graded on their own",
            ),
            Link(Area.CHILDREN_LOOKED_AFTER, _CAV, _SIF_ILACS),
            Link(
                Area.ADOPTION_PERFORMANCE,
                _NC,
                "the SIF's adoption grade measured adoption performance only",
            ),
        ),
    ),
    Area.ADOPTION_PERFORMANCE: AreaInfo(
        "Adoption performance",
        "Adoption",
        33,
        frozenset({_S}),
        successors=(
            Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
            Area.CHILDREN_IN_CARE,
            Area.CHILDREN_LOOKED_AFTER,
        ),
        links=(
            Link(
                Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
                _NC,
                "the SIF's adoption grade measured adoption performance only",
            ),
            Link(
                Area.CHILDREN_IN_CARE,
                _NC,
                "the SIF's adoption grade measured adoption performance only",
            ),
        ),
    ),
    Area.CARE_LEAVERS: AreaInfo(
        "Care leavers",
        "Care leavers",
        34,
        frozenset({_I, _S}),
        successors=(Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,),
        links=(
            Link(Area.CARE_LEAVERS, _CAV, _SIF_ILACS, frozenset({_S, _I})),
            Link(
                Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
                _NC,
                "the 2018-23 grade judged children in care and care leavers together; care "
                "leavers have had a grade of their own since 2023 (and had one in the SIF)",
            ),
        ),
    ),
    Area.CAPACITY_FOR_IMPROVEMENT: AreaInfo(
        "Capacity for improvement",
        "Capacity (2012-13)",
        40,
        _OLDER,
    ),
    # the 2012-13 inspections of looked-after children's own graded rows
    Area.OUTCOMES_FOR_LOOKED_AFTER_CHILDREN: AreaInfo(
        "Outcomes for looked after children and young people",
        "Outcomes (LAC 12-13)",
        35,
        _OLDER,
        successors=(Area.CHILDREN_LOOKED_AFTER, Area.CHILDREN_IN_CARE),
    ),
    Area.QUALITY_OF_PROVISION: AreaInfo(
        "Quality of provision",
        "Provision (2012-13)",
        22,
        _OLDER,
    ),
    Area.LEADERSHIP_AND_MANAGEMENT: AreaInfo(
        "Leadership and management",
        "Leadership (LAC 12-13)",
        13,
        _OLDER,
        successors=(Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, Area.IMPACT_OF_LEADERS),
    ),
    Area.LSCB: AreaInfo(
        "Local Safeguarding Children Board",
        "LSCB",
        50,
        frozenset({_S}),
    ),
}


def area_info(area: Area) -> AreaInfo:
    """The area's entry; an area without one (added to ``Area`` but not yet to
    :data:`AREAS`) gets a plain one placed last, so that no view crashes on it."""
    info = AREAS.get(area)
    if info is None:
        words = area.value.replace("_", " ").capitalize()
        return AreaInfo(words, words, 1000, frozenset())
    return info


def area_order(area: Area) -> tuple[int, str]:
    """Sort key for areas: their table order, then name."""
    return (area_info(area).order, area.value)


def comparability(
    old: Area,
    new: Area,
    old_framework: Framework | None,
    new_framework: Framework | None,
) -> tuple[Comparability, str | None]:
    """Whether ``old``'s grade (under ``old_framework``) and ``new``'s compare, and the
    caveat or the reason they do not."""
    if old == new and old_framework == new_framework:
        return Comparability.COMPARABLE, None
    frameworks = frozenset(f for f in (old_framework, new_framework) if f is not None)
    if frameworks & _OLDER and len(frameworks) > 1:
        return Comparability.NOT_COMPARABLE, _OLDER_NOTE
    for a, b in ((old, new), (new, old)):
        for link in area_info(a).links:
            if link.area == b and (link.frameworks or frameworks) == frameworks:
                return link.how, link.note
    return Comparability.NOT_COMPARABLE, (
        f"'{area_info(old).title.lower()}' and '{area_info(new).title.lower()}' are "
        "judgements of different things"
    )


_HOW_WORDS = {
    Comparability.COMPARABLE: "comparable",
    Comparability.CAVEAT: "comparable, with a caveat",
    Comparability.NOT_COMPARABLE: "not comparable",
}


def comparability_rows() -> list[str]:
    """The README's table of grade pairs across judgements or frameworks, one Markdown row
    per link of :data:`AREAS` (each pair once)."""
    rows: list[str] = []
    seen: set[frozenset[object]] = set()
    for area, info in AREAS.items():
        for link in info.links:
            key = frozenset({area, link.area, *link.frameworks})
            if key in seen:
                continue
            seen.add(key)
            where = " and ".join(f.value.upper() for f in sorted(link.frameworks)) or "-"
            rows.append(
                f"| {info.title} | {AREAS[link.area].title} | {where} | "
                f"{_HOW_WORDS[link.how]} | {link.note} |"
            )
    return rows


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    short: str
    areas: tuple[Area, ...]  # the judgements it shows, across frameworks, first found wins
    #: at most 10 letters, for the narrowest views (``ilacs history`` at 80 columns)
    tiny: str = ""


#: The headline judgement columns: the index and map of `ilacs publish` and the narrow
#: `ilacs history` view. Older frameworks' judgements are shown under the column of their
#: successor (the first area a report grades wins).
COLUMNS: tuple[Column, ...] = (
    Column("overall", "Overall effectiveness", "Overall", (Area.OVERALL_EFFECTIVENESS,), "Overall"),
    Column(
        "leaders",
        "Impact of leaders",
        "Leaders",
        (
            Area.IMPACT_OF_LEADERS,
            Area.LEADERSHIP_MANAGEMENT_GOVERNANCE,
            Area.LEADERSHIP_AND_GOVERNANCE,
            Area.LEADERSHIP_AND_MANAGEMENT,
        ),
        "Leaders",
    ),
    Column(
        "help_and_protection",
        "Help and protection",
        "Help and protection",
        (Area.HELP_AND_PROTECTION,),
        "Help, prot",
    ),
    Column(
        "children_in_care",
        "Children in care",
        "Children in care",
        (Area.CHILDREN_IN_CARE, Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Area.CHILDREN_LOOKED_AFTER),
        "In care",
    ),
    Column(
        "care_leavers",
        "Care leavers",
        "Care leavers",
        (Area.CARE_LEAVERS, Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS),
        "Leavers",
    ),
)

#: Judgements shown on an authority's page but with no index column (a test checks that
#: every area is in a column or here).
NOT_ON_INDEX: frozenset[Area] = frozenset(
    {
        Area.ADOPTION_PERFORMANCE,
        Area.LSCB,
        Area.CAPACITY_FOR_IMPROVEMENT,
        Area.QUALITY_OF_PRACTICE,
        Area.QUALITY_OF_PROVISION,
        Area.OUTCOMES_FOR_LOOKED_AFTER_CHILDREN,
    }
)


#: Month names and their abbreviations (casefolded) -> month number: every date reader
#: (the rules, fetch's link texts) looks them up here.
MONTHS = {
    name: index
    for index, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTHS.update({name[:3]: index for name, index in list(MONTHS.items())})
MONTHS["sept"] = 9
