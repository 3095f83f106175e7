"""The practice themes Ofsted writes about, and which of them a text names.

This module is the one place to read and extend the vocabulary. Each :class:`Theme` has a
stable ``name`` (what the JSON carries), a ``label`` for people, a ``description`` of what
it covers, and its ``terms``: the words and phrases inspectors use for it, as regular
expressions matched on whole words of the lower-cased text. In a term, a space matches
any run of spaces or hyphens and a hyphen an optional one (``front door`` finds "front
door" and "front-door"; ``pre-proceedings`` finds "pre-proceedings" and "preproceedings").
``acronyms`` are matched case-sensitively on the text as printed (``MASH``, ``PLO``,
``SEND``), so that the words "mash" or "send" do not count. ``unless`` lists phrases that
contain a term but are not the theme ("education, health and care plan" is not a child in
care's care plan). ``weak`` terms count only when the text names none of the themes in
``weak_unless`` by their own (not weak) terms: "assessments" are child in need and child
protection work unless the text is about another group of children ("private fostering
assessments", "an assessment of need for 16- and 17-year-olds who present as homeless"),
"thresholds" are the front door's unless the text is about children in need and child
protection plans.

The matching is deterministic and explainable: :func:`themes_of` gives each theme a text
names, in :data:`THEMES` order, with the phrase that triggered it (the earliest match, as
printed). Two rules keep it to what a text is about:

- a theme whose every match sits inside a longer match of another theme is not named
  ("multi-agency safeguarding hub" is the front door, not partnership working);
- National Framework references printed after an improvement area ("(outcome 2, national
  framework)", "(enabler: the workforce is equipped and effective)") are not read.

A visit's focus is read without its account of the evidence ("Inspectors considered a
range of evidence, including ... quality assurance information"): see :func:`focus_text`.

To add a theme, append a :class:`Theme` to :data:`THEMES`; to catch more wording, add a
term. ``tests/test_themes.py`` checks the vocabulary's shape, and ``make corpus`` prints the
precision and recall of every theme against the hand-labelled sets in
``tests/truth/themes_truth.json`` (development) and ``tests/truth/themes_heldout.json``
(held out: labelled by another reader, measured once the rules were written).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from .vocabulary import Area

if TYPE_CHECKING:
    import datetime as dt

    from .library import Library
    from .models import Report, ThemeHit
    from .vocabulary import Kind

__all__ = [
    "SUBJECTS",
    "THEMES",
    "THEME_BY_NAME",
    "Subject",
    "Theme",
    "annotate",
    "count_themes",
    "focus_text",
    "reports_in",
    "theme_names",
    "themes_of",
]


@dataclass(frozen=True)
class Theme:
    """One practice theme and the words Ofsted uses for it."""

    name: str
    label: str
    description: str
    terms: tuple[str, ...]
    acronyms: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    weak_unless: tuple[str, ...] = ()

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.terms)

    @cached_property
    def weak_pattern(self) -> re.Pattern[str] | None:
        return _compile(self.weak) if self.weak else None

    @cached_property
    def acronym_pattern(self) -> re.Pattern[str] | None:
        if not self.acronyms:
            return None
        return re.compile(r"\b(?:" + "|".join(self.acronyms) + r")s?\b")

    @cached_property
    def unless_pattern(self) -> re.Pattern[str] | None:
        return _compile(self.unless) if self.unless else None


def _term(term: str) -> str:
    """A term as a regular expression: outside character classes, a space matches any run
    of spaces or hyphens and a hyphen an optional one."""
    out: list[str] = []
    in_class = escaped = False
    for char in term:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "[":
            out.append(char)
            in_class = True
        elif char == " ":
            out.append("[ -]+")
        elif char == "-":
            out.append("[ -]?")
        else:
            out.append(char)
    return "".join(out)


def _compile(terms: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(_term(t) for t in terms) + r")\b")


#: Education, employment and training, the three in any order and any joining.
_EET = (
    r"(education|employment|training),? (and |or )?(education|employment|training),? "
    r"(and |or )?(education|employment|training)"
)

#: The vocabulary, in the order themes are listed. Names are a public contract (they are in
#: the JSON): add themes and terms freely, never rename one.
THEMES: tuple[Theme, ...] = (
    Theme(
        "front_door",
        "front door and MASH",
        "Where concerns about children first arrive: contacts and referrals, the multi-agency "
        "safeguarding hub, thresholds for a service, consent, stepping up from or down to "
        "early help, the out-of-hours service.",
        terms=(
            r"front door",
            r"multi-agency safeguarding hubs?",
            r"safeguarding hubs?",
            r"early help hubs?",
            r"single points? of (contact|access|entry)",
            r"first points? of contact",
            r"first response( teams?| service)?",
            r"initial (response|contacts?|referrals?|decisions?|screening)",
            r"contacts?( and | or |, )referrals?",
            r"referrals?",
            r"re-referrals?",
            r"(multi-agency )?(screening|triage)",
            r"multi-agency referral and (risk )?assessment teams?",
            r"multi-agency risk assessment teams?",
            r"(police |domestic abuse |domestic violence )?notifications?",
            r"step(s|ped|ping)? (up|down)",
            r"(parental |informed )?consent",
            r"duty (and assessment )?(teams?|service|system)",
            r"out of (office |normal working )?hours",
            r"emergency duty( team| service)?",
        ),
        acronyms=("MASH", "MARAT", "EDT", "SPA"),
        unless=(r"referral (criteria|pathways?|routes?)",),
        weak=(r"thresholds?",),
        weak_unless=("cin_cp",),
    ),
    Theme(
        "cin_cp",
        "children in need and child protection",
        "Help and protection for children living at home: child in need and child protection "
        "plans and their reviews, strategy discussions and section 47 enquiries, child "
        "protection conferences and core groups, children at risk of significant harm.",
        terms=(
            r"child(ren)? in need",
            r"child protection( plans?| planning| conferences?| enquir(y|ies)| investigations?"
            r"| chairs?| processes?| procedures?| work| practice| reviews?| meetings?)?",
            r"protection plans?",
            r"(initial|review) (child protection )?conferences?",
            r"core groups?",
            r"strategy (discussions?|meetings?)",
            r"section 47( enquir(y|ies)| investigations?)?",
            r"significant harm",
            r"subject to (a |their )?plans?",
            r"safety plan(s|ning)?",
            r"neglect\w*",
        ),
        acronyms=("CIN", "CP", "S47"),
        unless=(r"assessment (teams?|services?|hubs?)",),
        weak=(
            r"(social work )?assessments?( of need)?",
            r"assess(ing|ed|es)? (the )?(risks?|needs?)",
        ),
        weak_unless=(
            "children_in_care",
            "care_leavers",
            "private_fostering",
            "homeless_16_17",
            "permanence_adoption",
        ),
    ),
    Theme(
        "pre_proceedings_plo",
        "pre-proceedings and PLO",
        "Work under the Public Law Outline before and during care proceedings: letters before "
        "proceedings, legal gateway or planning meetings, the timeliness of escalation into "
        "pre-proceedings and of proceedings.",
        terms=(
            r"pre-proceedings?",
            r"public law outline",
            r"letters? (before|of) (proceedings|issue)",
            r"legal (gateway|planning|planning meetings?|panel|gateway meetings?)",
            r"(care |court |legal )?proceedings",
        ),
        acronyms=("PLO",),
    ),
    Theme(
        "exploitation_efh",
        "exploitation and extra-familial harm",
        "Harm outside the home: sexual and criminal exploitation, county lines, trafficking "
        "and modern slavery, radicalisation, serious youth violence, contextual or complex "
        "safeguarding.",
        terms=(
            r"exploit\w*",
            r"extra-familial( harm| risks?| abuse)?",
            r"non-familial( harm| risks?| abuse)?",
            r"(harm|risks?|dangers?) outside (the|their) (home|family|families)",
            r"county lines",
            r"contextual safeguarding",
            r"complex safeguarding",
            r"traffick\w*",
            r"modern slavery",
            r"national referral mechanism",
            r"radicali[sz]\w*",
            r"serious youth violence",
            r"gangs?",
            r"knife crime",
            r"vulnerable adolescents?",
            r"adolescents? (at risk|who are vulnerable)",
            r"adolescent (risk|safeguarding|services?|teams?)",
        ),
        acronyms=("CSE", "CCE", "NRM", "EFH"),
    ),
    Theme(
        "missing_children",
        "missing children",
        "Children who go missing from home, care or education, return home interviews and "
        "what is done with what they learn.",
        terms=(
            r"(go|goes|going|went|gone|been|are|is|were|was|being|become|becomes|run|runs) "
            r"missing",
            r"missing (from (home|care|their placements?|placements?)|episodes?|incidents?"
            r"|children|young people|persons?|coordinators?|protocols?)",
            r"children (who are |who have been )?missing",
            r"missing (from |out of )?(education|school)",
            r"missing-from-home",
            r"return (home )?(interviews?|conversations?)",
            r"runaways?",
        ),
        acronyms=("RHI",),
    ),
    Theme(
        "children_in_care",
        "children in care",
        "Children looked after by the local authority: their care plans and reviews, "
        "independent reviewing officers, foster and connected carers, their health and "
        "education, family time, life-story work, corporate parenting, unaccompanied "
        "children.",
        terms=(
            r"child(ren)? in care",
            r"child(ren)? (who are )?looked-after",
            r"looked-after",
            r"(in|into|entering|enter|entry to|entry into|came into|come into|coming into) care",
            r"cared-for (children|young people)",
            r"care plan(s|ning)?",
            r"independent reviewing officers?",
            r"reviewing officers?",
            r"corporate parent\w*",
            r"connected (carers?|persons?|person carers?)",
            r"(initial |review )?health assessments?",
            r"personal education plans?",
            r"virtual schools?",
            r"family time",
            r"life-story( work)?",
            r"placement (stability|moves?|breakdowns?|disruptions?|changes?)",
            r"unaccompanied( asylum-seeking)?( children| young people| minors)?",
            r"asylum-seeking",
        ),
        acronyms=("CLA", "LAC", "IRO", "PEP", "UASC"),
        weak=(r"foster carers?", r"foster(ing)? (care|placements?|households?|families|homes?)"),
        weak_unless=("care_leavers",),
        unless=(
            r"edge of care",
            r"(education,? )?health and care plans?",
            r"in care proceedings",
            r"in care leavers?",
        ),
    ),
    Theme(
        "permanence_adoption",
        "permanence and adoption",
        "Securing a permanent home: permanence planning, adoption, special guardianship, "
        "long-term fostering and matching, reunification and children placed with parents, "
        "later life letters.",
        terms=(
            r"permanence( planning| plans?| options?| arrangements?)?",
            r"permanent (plans?|homes?|carers?|placements?|famil(y|ies)|arrangements?|options?)",
            r"permanency",
            r"long-term (foster\w*|carers?|match(es|ing)?|homes?|plans?|placements?)",
            # adoption, adopters, adopted children; not the verb ("adopt a range of measures")
            r"adoptions?",
            r"adopt(ers?|ive|ees?)",
            r"adopted (child|children|young people|people|persons?|adults?)",
            r"(children|child|young people|siblings?|babies|baby) (\w+ ){0,3}adopted",
            r"adopt (a |the |their )?(child|children|baby|babies|siblings?)",
            r"special guardian\w*",
            r"reunification",
            r"reunified",
            r"(placed|placement|placements|living|live) (at home )?with (their )?parents",
            r"revocation",
            r"later-life letters?",
            r"child arrangements? orders?",
            r"kinship( care| carers?)?",
            r"matching",
        ),
        acronyms=("SGO", "RAA"),
    ),
    Theme(
        "care_leavers",
        "care leavers and their accommodation",
        "Young people who have left care (usually 18 to 25): pathway plans, personal "
        "advisers, the local offer and entitlements, staying put and staying close, their "
        "accommodation, education, employment and health.",
        terms=(
            r"care leavers?('s|')?",
            r"leaving care",
            r"left care",
            r"care-experienced",
            r"pathway plan(s|ning)?",
            r"personal advis[eo]rs?",
            r"staying (put|close)",
            r"local offer",
            r"leaving-care( service| team)?",
            r"after-care",
            r"aged 18 (to|and) 25",
            r"independent living",
            # education, employment and training, in any order ("not in education,
            # employment or training", "education, training and employment")
            r"(not in )?" + _EET,
            r"young adults?",
        ),
        acronyms=("PA", "NEET"),
    ),
    Theme(
        "homeless_16_17",
        "16- and 17-year-olds who are homeless",
        "The response to 16- and 17-year-olds who present as homeless: assessment, the joint "
        "housing protocol, their right to be accommodated.",
        terms=(
            r"homeless\w*",
            r"(joint )?housing protocols?",
        ),
    ),
    Theme(
        "disabled_children",
        "disabled children",
        "Disabled children and children with special educational needs, complex health or "
        "additional needs: short breaks, education, health and care plans, transition to "
        "adult services.",
        terms=(
            r"disabled",
            r"disabilit(y|ies)",
            r"special educational needs",
            r"education,? health and care plans?",
            r"short breaks?",
            r"autis\w*",
            r"neurodiver\w*",
            r"complex (health )?needs",
            r"additional needs",
        ),
        acronyms=("SEND", "SEN", "EHCP"),
    ),
    Theme(
        "private_fostering",
        "private fostering",
        "Children in private fostering arrangements: their identification, assessment and visits.",
        terms=(r"private(ly)? foster\w*",),
    ),
    Theme(
        "placement_sufficiency",
        "placement sufficiency",
        "Enough of the right homes for children in care: the sufficiency strategy, foster "
        "carer recruitment, children's homes and residential provision, unregistered and "
        "unregulated settings, placements far from home, placement choice and decisions.",
        terms=(
            r"sufficiency",
            r"sufficient (\w+ ){0,2}(homes|placements|carers|foster carers|accommodation)",
            r"(range|choice|availability|supply) of (\w+ ){0,2}(placements?|homes|carers)",
            r"placement (choice|options?|availability|sufficiency|provision|decisions?"
            r"|decision-making|finding|search(es)?)",
            r"unregistered",
            r"unregulated",
            r"supported accommodation",
            r"children's homes?",
            r"residential (homes?|provision|placements?|care|settings?)",
            r"recruit\w* (of )?(new |more )?(foster carers|foster families|adopters|carers)",
            r"foster carer recruitment",
            r"commissioning",
            r"out of (area|borough|county)",
            r"(far|distance|a distance) from (home|their communities)",
        ),
        unless=(
            r"(workforce|staff|staffing|social work|frontline|management) sufficiency",
            r"sufficiency of (the )?(staff|social workers|workforce|managers|capacity|support)",
            r"sufficient (social workers|staff|capacity)",
            r"sufficiency of (\w+ ){0,2}(workers|staff|social workers|managers)",
        ),
    ),
    Theme(
        "workforce_caseloads",
        "workforce and caseloads",
        "Enough stable, skilled staff: recruitment and retention, turnover and agency staff, "
        "vacancies, changes of social worker, caseloads and workloads, team capacity, "
        "training and development of staff.",
        terms=(
            r"workforce( stability| strategy| development| sufficiency| planning)?",
            r"caseloads?",
            r"case loads?",
            r"workloads?",
            r"recruit\w*",
            r"retention",
            r"retain\w*",
            r"turnover",
            r"agency (staff|workers?|social workers?|managers?)",
            r"interim (staff|managers?|social workers?)",
            r"(non-)?permanent (staff|social workers?|workforce|managers?)",
            r"vacanc(y|ies)",
            r"staffing",
            r"stable (workforce|staff\w*|teams?)",
            r"(changes?|change) (of|in) (their )?(social )?workers?",
            r"(team|staffing|workforce|social work) capacity",
            r"capacity (in|of|within) (the )?(\w+ ){0,2}teams?",
            r"newly qualified",
            r"training",
            r"(learning|professional|practice) and development",
            r"professional development",
            r"social work academy",
            r"(sufficiently |appropriately |suitably )(skilled|experienced|trained)",
            r"(skilled|experienced|qualified) "
            r"(social workers|staff|practitioners|managers|workforce)",
            r"(social workers?|staff|practitioners|managers)'? (skills|experience|expertise)",
            r"sufficiency of (\w+ ){0,2}(workers|staff|social workers|managers)",
            r"(workforce|staff|staffing|social work|frontline) sufficiency",
        ),
        acronyms=("ASYE",),
        unless=(
            r"(education|employment),? (and|or) training",
            r"employment,? (education )?(and|or) training",
            _EET,
            r"secure training (centres?|units?)",
            r"recruit\w* (of )?(new |more )?(foster carers|foster families|adopters|carers)",
            r"foster carer recruitment",
            r"the workforce is equipped and effective",
            r"retain\w* (their )?(links?|contact|relationships?|friends)",
        ),
    ),
    Theme(
        "supervision_oversight",
        "supervision and management oversight",
        "How managers direct and check social work: supervision and reflective discussion, "
        "management oversight and grip, case direction, the recording of management "
        "decisions and their rationale.",
        terms=(
            r"supervisions?",
            r"supervisory",
            r"supervis(e|ed|ing)",
            r"(management|managerial|senior|leadership|manager) oversight",
            r"(management|managerial|managers?'?) (grip|challenge|scrutiny|direction|decisions?"
            r"|decision-making|footprint)",
            r"managers' (grip|challenge|scrutiny|direction|decisions?|decision-making)",
            r"managers?['’]? oversight|management oversight|oversight by (\w+ )?managers?",
            r"case direction",
            r"reflective (discussions?|supervision)",
            r"grip",
            r"(challenge|scrutiny) (\w+ ){0,3}(managers?|leaders)",
            r"(reviewed|evaluated|overseen|monitored|scrutinised|checked) by (\w+ ){0,2}managers?",
            r"managers? (review|evaluate|oversee|scrutinise|monitor|check)\w*",
        ),
        # a supervision order is the court's order, not the supervision of staff; strategic
        # or corporate oversight is governance, not managers' oversight of practice
        unless=(r"supervision orders?", r"(strategic|corporate|governance) oversight"),
        # "oversight" alone is managers' unless the text is about partners' or a board's
        weak=(r"oversight",),
        weak_unless=("partnership_working",),
    ),
    Theme(
        "quality_assurance",
        "quality assurance",
        "How leaders know the quality of practice: quality assurance, case audits, "
        "performance information and data, self-evaluation, learning from reviews.",
        terms=(
            r"quality assur\w*",
            r"audit\w*",
            r"self-evaluation",
            r"self-assessment",
            r"performance (information|data|management|reporting|framework|monitoring"
            r"|indicators?|reports?|measures?|measurement)",
            r"management information",
            r"data",
            r"learning from (audits?|practice reviews?|reviews?|complaints)",
        ),
        unless=(
            r"audit trails?",
            # a child's own plan checked by the officer who reviews it (an IRO, a conference
            # chair): case work on that plan, not how leaders know the quality of practice
            r"quality assur\w* (of|on) (the )?(individual )?(child's |children's "
            r"|young people's |their )?(own )?(care |child protection |child in need "
            r"|pathway )?plans?",
            r"quality assur(e|es|ed|ing) (the )?(individual )?(child's |children's "
            r"|young people's |their |care |child protection |child in need |pathway )+plans?",
        ),
    ),
    Theme(
        "partnership_working",
        "partnership working",
        "Work with other agencies and partners: the police, health, schools, the safeguarding "
        "partnership, multi-agency and joint working, information sharing.",
        terms=(
            r"partnerships? working",
            r"partner agencies",
            r"multi-agency risk assessment conferences?",
            r"multi-agency public protection arrangements?",
            r"multi-agency",
            r"inter-agency",
            r"multi-disciplinary",
            r"other agencies",
            r"agencies",
            r"joint working",
            r"work(ing)? jointly",
            r"police",
            r"health (partners?|colleagues|professionals|services|visitors?|agencies)",
            r"schools",
            r"(with|and|by|from) (the )?(child's |children's )?school",
            r"education (partners|settings|providers)",
            r"information sharing",
            r"safeguarding children (board|partnership)",
        ),
        # a local safeguarding children board or partnership by its local acronym: LSCB,
        # HSCB, SSCB, RCSCB, LSCP ...
        acronyms=("[A-Z]{0,4}SCBs?", "[A-Z]{0,4}SCPs?", "MAPPA", "MARAC"),
        weak=(r"partner\w*",),
        weak_unless=("children_in_care", "care_leavers", "permanence_adoption"),
    ),
    Theme(
        "voice_of_child",
        "voice of the child",
        "Children's own views and experience in the work: their voice, wishes and feelings, "
        "direct work, participation, advocacy and independent visitors, how they influence "
        "services, their lived experience.",
        terms=(
            r"voices?",
            r"wishes( and feelings)?",
            r"views",
            r"listen\w*",
            r"participat\w*",
            r"advocacy( services?)?",
            r"(independent |children's |young people's )advocates?",
            r"life-story( work)?",
            r"independent visitors?",
            r"direct work",
            r"lived experiences?",
            r"co-produc\w*",
            # children's influence, not a board's: "enable children to influence",
            # "children's collective influence", "how they can influence services"
            r"(children|young people|children's|young people's|child's) (\w+ ){0,3}"
            r"influenc(e|es|ed|ing)",
            r"(they|them) (can |to |could )(\w+ ){0,2}influenc(e|es|ed|ing)",
            r"influence of (the )?(children|young people)",
            # "Children in Care Council": children in care and their voice, both
            r"(children|young people)('s)? councils?",
            r"in care councils?",
            r"seen alone",
            r"(feedback|views) (from|of) (the )?(children|young people|child)",
            r"(engagement|consultation|consulting) with (the )?(children|young people)",
            r"(engage|consult)(s|ed|ing)? (and consult )?(with )?((?!to |for |support)\w+ ){0,4}"
            r"(children|young people)\b(?! (to|for|with))",
            r"involve(ment|d)? (of )?(children|young people)",
            r"(children|young people)'s involvement",
            r"(children|young people)'s (own )?experiences?",
            r"child's (own )?experiences?",
            r"shap\w+ (the )?(\w+ )?(services?|development|developing)",
        ),
    ),
)

#: Themes by name.
THEME_BY_NAME: dict[str, Theme] = {t.name: t for t in THEMES}

_HELP = (Area.HELP_AND_PROTECTION,)
_CARE = (Area.CHILDREN_IN_CARE, Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS, Area.CHILDREN_LOOKED_AFTER)
_LEADERS = (Area.IMPACT_OF_LEADERS, Area.LEADERSHIP_MANAGEMENT_GOVERNANCE)

#: The judgement whose grade covers each theme's practice, in the order to look for it in a
#: report (an ILACS report of 2018-23 grades children in care and care leavers together, a
#: SIF report children looked after). Empty: practice every judgement covers (the child's
#: voice), for which the overall grade stands. Every theme has an entry (a test checks).
GRADED_UNDER: dict[str, tuple[Area, ...]] = {
    "front_door": _HELP,
    "cin_cp": _HELP,
    "pre_proceedings_plo": _HELP,
    "exploitation_efh": _HELP,
    "missing_children": _HELP,
    "children_in_care": _CARE,
    "permanence_adoption": (*_CARE, Area.ADOPTION_PERFORMANCE),
    "care_leavers": (Area.CARE_LEAVERS, Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS),
    "homeless_16_17": _HELP,
    "disabled_children": _HELP,
    "private_fostering": _HELP,
    "placement_sufficiency": _CARE,
    "workforce_caseloads": _LEADERS,
    "supervision_oversight": _LEADERS,
    "quality_assurance": _LEADERS,
    "partnership_working": _LEADERS,
    "voice_of_child": (),
}


def theme_names() -> list[str]:
    """The themes' names in :data:`THEMES` order."""
    return [t.name for t in THEMES]


# --------------------------------------------------------------------------- matching

#: Characters read as another (one for one, so positions stay those of the text).
_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00ad": "-",
        "\n": " ",
        "\t": " ",
        "\r": " ",
        "\u00a0": " ",
    }
)

#: A National Framework reference in brackets, e.g. "(outcome 2, national framework)",
#: "(National Framework, Outcome 2)", "(enabler: the workforce is equipped and effective)".
_FRAMEWORK_REF = re.compile(
    r"\((?=[^()]*\b(?:national framework|outcomes?\b|enablers?\b|principles?\b))[^()]*\)",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    return text.translate(_FOLD).lower()


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def themes_of(text: str) -> list[ThemeHit]:
    """The themes ``text`` names, in :data:`THEMES` order, each with the phrase (as
    printed) that triggered it: the earliest match that counts."""
    from .models import ThemeHit

    return [ThemeHit(name=name, phrase=text[a:b]) for name, (a, b) in _find(text)]


@lru_cache(maxsize=4096)
def _find(text: str) -> tuple[tuple[str, tuple[int, int]], ...]:
    printed = _blank(text, (m.span() for m in _FRAMEWORK_REF.finditer(text)))
    low = _fold(printed)

    def unmasked(theme: Theme, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        if not spans or theme.unless_pattern is None:
            return spans
        masks = [m.span() for m in theme.unless_pattern.finditer(low)]
        return [s for s in spans if not any(a < s[1] and s[0] < b for a, b in masks)]

    strong: dict[str, list[tuple[int, int]]] = {}
    for theme in THEMES:
        spans = [m.span() for m in theme.pattern.finditer(low) if m.end() > m.start()]
        if theme.acronym_pattern is not None:
            spans += [m.span() for m in theme.acronym_pattern.finditer(printed)]
        if spans := unmasked(theme, spans):
            strong[theme.name] = spans
    found: dict[str, list[tuple[int, int]]] = {}
    for theme in THEMES:
        spans = list(strong.get(theme.name, []))
        if theme.weak_pattern is not None and not any(n in strong for n in theme.weak_unless):
            spans += unmasked(theme, [m.span() for m in theme.weak_pattern.finditer(low)])
        if spans:
            found[theme.name] = sorted(set(spans), key=lambda s: (s[0], -s[1]))

    def inside(span: tuple[int, int], other: str) -> bool:
        return any(
            a <= span[0] and span[1] <= b and (b - a) > (span[1] - span[0]) for a, b in found[other]
        )

    out = []
    for name, spans in found.items():
        kept = [s for s in spans if not any(inside(s, o) for o in found if o != name)]
        if kept:
            out.append((name, kept[0]))
    return tuple(out)


# --------------------------------------------------------------------------- visits' focus

_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-Z‘'\"(])")

#: Sentences of a focus that describe the evidence inspectors used, or what they did not
#: look at, rather than what they looked at: Ofsted's letters follow the focus with
#: "Inspectors considered a range of evidence, including ... performance management
#: information, quality assurance information ..." or "... and did not include the
#: experience of children in care or care leavers".
_EVIDENCE = re.compile(
    r"range of evidence|evidence,? including|case discussions?|children's (case )?records"
    r"|young people's records|case records|spoke (to|with)|met with|talked (to|with)"
    r"|performance (management )?(information|data)|quality assurance information"
    r"|carried out in (line|accordance) with|under the (ilacs )?framework"
    r"|\b(did|does|do) not (include|look|consider|cover|evaluate|review)",
    re.IGNORECASE,
)


def focus_text(focus: str) -> str:
    """What a visit looked at: its focus without the sentences about the evidence used."""
    sentences = _SENTENCE_END.split(focus.translate(_FOLD))
    kept = [s for s in sentences if not _EVIDENCE.search(s)]
    return " ".join(kept) if kept else ""


def focus_themes(focus: str | None) -> list[ThemeHit]:
    """The themes of a visit's focus (none without one)."""
    return themes_of(focus_text(focus)) if focus else []


def annotate(report: Report) -> Report:
    """``report`` with the themes of each improvement area and of its focus filled in
    (the same report, with new values: deterministic, so annotating twice changes
    nothing)."""
    areas = [
        ia.model_copy(update={"themes": themes_of(ia.text)}) for ia in report.improvement_areas
    ]
    return report.model_copy(
        update={"improvement_areas": areas, "focus_themes": focus_themes(report.focus)}
    )


# --------------------------------------------------------------------------- counting


@dataclass
class ThemeCounts:
    """Theme counts across reports: ``counts[theme][column]`` is the number of items
    (improvement areas, visit foci) naming the theme among the reports in that column;
    ``items[column]`` how many items there were; ``documents[column]`` how many reports."""

    by: str
    parts: tuple[str, ...]
    columns: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)

    def total(self, theme: str) -> int:
        return sum(self.counts.get(theme, {}).values())

    def to_json(self) -> dict[str, object]:
        return {
            "by": self.by,
            "in": list(self.parts),
            "columns": self.columns,
            "items": self.items,
            "documents": self.documents,
            "themes": [
                {
                    "name": t.name,
                    "label": t.label,
                    "total": self.total(t.name),
                    "counts": {c: self.counts.get(t.name, {}).get(c, 0) for c in self.columns},
                }
                for t in THEMES
            ],
        }


#: What ``ilacs themes --by`` groups reports by.
GROUPINGS = ("year", "region", "kind")
#: Where themes are read from (``--in``).
PARTS = ("improvement_areas", "focus")


def group_of(report: Report, by: str) -> str:
    """The column a report counts in: its year, its region (``unknown`` when the library
    does not know it) or its kind."""
    if by == "year":
        day = report.inspection.end or report.inspection.start or report.letter_date
        return str(day.year) if day else "unknown"
    if by == "region":
        return getattr(report.local_authority, "region", None) or "unknown"
    if by == "kind":
        return report.kind.value
    raise ValueError(f"cannot group by {by!r}: one of {', '.join(GROUPINGS)}")


def count_themes(
    reports: Iterable[Report], by: str = "year", parts: Sequence[str] = PARTS
) -> ThemeCounts:
    """Count the themes of the improvement areas and/or visit foci of ``reports`` (read
    afresh with this vocabulary, so reports saved before it count too), by ``by``."""
    for part in parts:
        if part not in PARTS:
            raise ValueError(f"cannot count themes in {part!r}: one of {', '.join(PARTS)}")
    out = ThemeCounts(by=by, parts=tuple(parts))
    seen: set[str] = set()
    for report in reports:
        column = group_of(report, by)
        seen.add(column)
        out.documents[column] = out.documents.get(column, 0) + 1
        texts: list[list[ThemeHit]] = []
        if "improvement_areas" in parts:
            texts += [themes_of(ia.text) for ia in report.improvement_areas]
        if "focus" in parts and report.focus:
            texts.append(focus_themes(report.focus))
        out.items[column] = out.items.get(column, 0) + len(texts)
        for hits in texts:
            for hit in hits:
                row = out.counts.setdefault(hit.name, {})
                row[column] = row.get(column, 0) + 1
    out.columns = sorted(seen, key=lambda c: (c == "unknown", c))
    return out


def _region_key(region: str | None) -> str | None:
    return region.strip().lower().replace(" ", "-") if region else None


def reports_in(
    library: Library,
    *,
    authority: str | None = None,
    region: str | None = None,
    kind: Kind | str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
) -> list[Report]:
    """The library's reports that pass the filters (as ``ilacs search`` reads them: a slug
    or name, a region, a kind, ``since`` / ``until`` as ``2023``, ``2023-06`` or a date)."""
    from .search import _day

    start, stop = _day(since, end=False), _day(until, end=True)
    if authority and not library.entries(authority=authority):
        library.history(authority)  # raises NotInLibrary, suggesting close names
    out = []
    for entry in library.entries(authority=authority, kind=kind):
        day = entry.date.isoformat() if entry.date else None
        if (start and (day is None or day < start)) or (stop and (day is None or day > stop)):
            continue
        report = library.get(entry.id)
        if region and _region_key(getattr(report.local_authority, "region", None)) != _region_key(
            region
        ):
            continue
        out.append(report)
    return out


# --------------------------------------------------------------- subjects (for the diff)
#
# ``ilacs diff`` needs finer distinctions than the practice themes draw (strategy meetings
# against child protection plans, personal advisers against pathway plans) to tell which of
# a later report's sentences are on an improvement area's subject. Those subjects are here,
# beside the themes they belong to, so that the vocabulary is read and extended in one
# place; the diff reports each ledger item's practice themes by these names too.

#: Each subject's practice theme (None: no practice theme covers it).
_PARENT: dict[str, str | None] = {
    "plo": "pre_proceedings_plo",
    "court": "pre_proceedings_plo",
    "cin_cp": "cin_cp",
    "strategy": "cin_cp",
    "front_door": "front_door",
    "out_of_hours": "front_door",
    "early_help": None,
    "assessment": "cin_cp",
    "care_planning": "children_in_care",
    "permanence": "permanence_adoption",
    "sgo": "permanence_adoption",
    "iro": "children_in_care",
    "lado": None,
    "pa": "care_leavers",
    "pathway": "care_leavers",
    "care_leavers": "care_leavers",
    "supervision": "supervision_oversight",
    "caseloads": "workforce_caseloads",
    "workforce": "workforce_caseloads",
    "qa": "quality_assurance",
    "voice": "voice_of_child",
    "visits": None,
    "life_story": "children_in_care",
    "private_fostering": "private_fostering",
    "missing": "missing_children",
    "exploitation": "exploitation_efh",
    "disabled": "disabled_children",
    "homeless": "homeless_16_17",
    "timescales": None,
    "neglect": None,
    "domestic_abuse": None,
    "ehe": "missing_children",
    "education": None,
    "health": None,
    "corporate_parenting": "partnership_working",
    "sufficiency": "placement_sufficiency",
    "uasc": None,
    "custody": None,
    "accommodation": None,
    "safety_planning": "cin_cp",
    "contingency": None,
    "training": "workforce_caseloads",
    "family_time": "children_in_care",
    "young_carers": None,
    "children_in_care": "children_in_care",
    "family_network": None,
    "partnership": "partnership_working",
}


@dataclass(frozen=True)
class Subject:
    """A finer subject inspectors write about, under a practice theme (``theme``, a name in
    :data:`THEMES`, or None for subjects no practice theme covers: neglect, custody ...).
    ``aspect`` marks what cuts across subjects (delay, oversight, partnership): sharing only
    an aspect does not make two texts about the same thing."""

    name: str
    label: str
    pattern: re.Pattern[str]
    theme: str | None
    aspect: bool = False


def _subject(name: str, label: str, pattern: str, aspect: bool = False) -> Subject:
    # patterns are matched against lower-cased text (faster than re.IGNORECASE)
    return Subject(name, label, re.compile(pattern), _PARENT[name], aspect)


#: The finer subjects, with their synonyms and abbreviations, in the order the diff reads
#: them. To extend: add a term to a pattern, or a subject here and its practice theme in
#: :data:`_PARENT` (``tests/test_themes.py`` checks that every subject has one).
SUBJECTS: tuple[Subject, ...] = (
    _subject(
        "plo",
        "pre-proceedings (PLO)",
        r"pre-?\s?proceedings|public law outline|\bplo\b|letters? before proceedings"
        r"|legal gateway|legal planning",
    ),
    _subject(
        "court",
        "care proceedings and court",
        r"care proceedings|\bcourts?\b|judiciary|cafcass|legal orders?|care orders?",
    ),
    _subject(
        "cin_cp",
        "child in need and child protection plans",
        r"child[- ]in[- ]need|\bcin\b|child protection (plans?|planning|conferences?|chairs?)"
        r"|core groups?|\bcp plans?\b|protection plans?",
    ),
    _subject(
        "strategy",
        "strategy meetings and section 47 enquiries",
        r"strategy (meetings?|discussions?)|section 47|\bs47\b|child protection enquir",
    ),
    _subject(
        "front_door",
        "front door (MASH, contacts and referrals)",
        r"front[- ]door|\bmash\b|multi-agency safeguarding hub|\bmarat\b|contacts? and referrals?"
        r"|referral and assessment|first response|\bthresholds?\b|\bscreening\b|re-?referrals?"
        r"|repeat referrals?|duty (and assessment )?teams?|\bcontacts\b",
    ),
    _subject(
        "out_of_hours",
        "out-of-hours service",
        r"out[- ]of[- ]hours|out of (office|normal working) hours|emergency duty|\bedt\b",
    ),
    _subject("early_help", "early help", r"early help|edge[- ]of[- ]care"),
    _subject("assessment", "assessments", r"\bassessments?\b|chronolog(y|ies)"),
    # not an education, health and care plan (special educational needs)
    _subject("care_planning", "care plans and reviews", r"(?<!health and )care plan"),
    _subject(
        "permanence",
        "permanence and adoption",
        r"permanence|permanent (homes?|carers?|placements?|famil|arrangements?|plans?)"
        r"|long-term (fostering|matches|foster)|adopt(ion|ive|ers?)"
        r"|placed with (their )?parents|placement with parents|placements? with parents"
        r"|revocation|discharge|reunifi|return(s|ing)? home from care"
        r"|return(s|ing)? to the care of (their )?(parents|famil)",
    ),
    _subject("sgo", "special guardianship (SGO)", r"special guardianship|\bsgos?\b"),
    _subject("iro", "independent reviewing officers (IRO)", r"reviewing officers?|\biro"),
    _subject(
        "lado",
        "allegations against adults (LADO)",
        r"local authority designated officer|\blado\b|allegations? (against|about|relating to)",
    ),
    _subject(
        "pa",
        "personal advisers",
        r"personal advis[eo]rs?|\bpas\b|after-?care workers?|leaving care workers?",
    ),
    _subject("pathway", "pathway plans", r"pathway plan"),
    _subject(
        "care_leavers",
        "care leavers",
        r"care leavers?|care[- ]experienced|leaving care|staying put"
        r"|independen(ce|t living)|transition (in)?to adulthood|local offer",
    ),
    _subject(
        "supervision",
        "supervision and management oversight",
        r"supervision(?! orders?)|supervisory|reflective discussion|\boversight\b|management grip"
        r"|scrutiny",
    ),
    _subject("caseloads", "caseloads", r"caseloads?|case loads?|workloads?"),
    _subject(
        "workforce",
        "workforce stability",
        r"recruitment and retention|(staff|social workers?|workforce) recruitment"
        r"|recruit(ment of|ing)? (staff|social workers|managers)|retention|turnover"
        r"|agency (staff|workers|social workers)|interim"
        r"|stable workforce|workforce stability|changes (of|in) (social )?workers?",
    ),
    _subject(
        "qa",
        "quality assurance and self-evaluation",
        r"quality assurance|\baudits?\b|self-?assessment|self-?evaluation"
        r"|performance (information|data|management|reporting)|data set",
    ),
    _subject(
        "voice",
        "voice of the child and participation",
        r"voice of (the )?(child|children|young)|wishes and feelings|children['’]s views"
        r"|views of (the )?(children|child|young people)|participation|children in care council"
        r"|\bcicc\b|\bforums?\b|influence|shap(e|ing) (the )?(develop|services)|direct work"
        r"|lived experience|listen",
    ),
    _subject(
        "visits",
        "visits to children",
        r"\bvisits? (to|with) (children|young people|them)|(children|they|young people) are"
        r" (seen|visited) (alone|regularly|frequently|often|by)"
        r"|\bsee(s|ing)? (children|them|the child|young people) (alone|regularly|frequently|often)"
        r"|statutory visits|\bvisiting (children|them)",
    ),
    _subject(
        "life_story", "life-story work", r"life[- ]?story|later[- ]life letters?|life history"
    ),
    _subject("private_fostering", "private fostering", r"private(ly)? fostering"),
    _subject(
        "missing",
        "missing children and return home interviews",
        r"missing (from (home|care)|episodes?)|go(es|ing)? missing|return home interviews?"
        r"|\brhis?\b"
        r"|missing-from-home",
    ),
    _subject(
        "exploitation",
        "exploitation",
        r"exploit|\bcse\b|\bcce\b|county lines|complex safeguarding|contextual safeguarding"
        r"|national referral mechanism",
    ),
    _subject(
        "disabled",
        "disabled children",
        r"disabled|disabilit|complex and additional needs|additional needs|complex needs",
    ),
    _subject("homeless", "homeless 16- and 17-year-olds", r"homeless"),
    _subject(
        "timescales",
        "timescales, drift and delay",
        r"timescales?|time-?bound|timeframes?|timeliness|\bdrift\b|\bdelay|too long|waiting",
        aspect=True,
    ),
    _subject("neglect", "neglect", r"\bneglect"),
    _subject("domestic_abuse", "domestic abuse", r"domestic (abuse|violence)"),
    _subject(
        "ehe",
        "home education and children missing education",
        r"home educat|elective home|missing (from|out of) education",
    ),
    _subject(
        "education",
        "education, employment and training",
        r"virtual school|personal education plans?|\bpeps?\b|education, (employment|training)"
        r"|employment(,)? (or|and) training|apprenticeships?|universit|\bneet\b|pupil premium"
        r"|\bexclu(ded|sions?) from school|(fixed-term|permanent|school) exclusions?"
        r"|\bsuspensions?\b|key stage \d|attainment|school attendance",
    ),
    _subject(
        "health",
        "health and emotional well-being",
        r"health (assessments?|needs)|camhs|mental health|emotional (health|well-?being)"
        r"|dental|therap|health histor(y|ies)",
    ),
    _subject("corporate_parenting", "corporate parenting", r"corporate parent"),
    _subject(
        "sufficiency",
        "placements and sufficiency",
        r"sufficiency|unregistered|unregulated|placement (stability|moves|disruptions?)"
        r"|foster carers?|fostering (service|panel|households?)|residential|children['’]s homes?",
    ),
    _subject("uasc", "unaccompanied asylum-seeking children", r"unaccompanied|asylum"),
    _subject(
        "custody",
        "custody and youth justice",
        r"custody|youth justice|youth offending|\bprisons?\b|secure (training cent|estate)"
        r"|young offender",
    ),
    _subject("accommodation", "accommodation and housing", r"accommodation|housing|tenanc"),
    _subject("safety_planning", "safety planning", r"safety plan"),
    _subject("contingency", "contingency planning", r"contingency", aspect=True),
    _subject(
        "training",
        "training and learning",
        r"(?<!employment and )(?<!employment or )(?<!employment, or )(?<!education, )"
        r"(?<!education and )\btraining|learning offer|learning culture",
        aspect=True,
    ),
    _subject(
        "family_time",
        "family time and siblings",
        r"family time|brothers and sisters|siblings|contact with (their )?(famil|parents)",
    ),
    _subject("young_carers", "young carers", r"young carers?"),
    _subject(
        "children_in_care",
        "children in care",
        r"children in care|looked[- ]after|in care\b|cared for children|care orders?",
    ),
    _subject(
        "family_network",
        "family networks and kinship care",
        r"family networks?|family group conferenc|wider family|extended family|kinship"
        r"|connected (carers?|persons?)",
    ),
    _subject("partnership", "multi-agency partnership", r"partnership|multi-agency", aspect=True),
)
