"""Compare two reports on the same authority: ``diff(old, new) -> ReportDiff``.

Pure library (no Typer, no rich) and deterministic: the same two reports always give the
same diff. Three parts:

- **Judgements**: each area's old grade -> new grade (``improved`` / ``declined`` /
  ``unchanged``), mapped across frameworks (the 2023 split of children in care and care
  leavers, the 2014-18 SIF areas); ``not_graded`` when either report has no grades (a
  focused or monitoring visit), never "declined".
- **Improvement areas**: a ledger of the old report's "What needs to improve" items
  (``addressed`` / ``persisting`` / ``not_mentioned``) and the new report's own items
  (``new``), each with the sentences that decided it (finding number and pages).
- **Findings**: per judgement area, sentences on the same subject whose polarity changed
  (stronger / weaker), and themes that only one report mentions.

Matching is by TF-IDF cosine over content words (stop words removed, light stemming)
plus a domain vocabulary (:data:`THEMES`: PLO = public law outline = pre-proceedings,
IRO, LADO, care leavers, front door, ...). Whether a sentence is good or bad news comes
from cue words (``effective``, ``strengthened`` / ``not``, ``delay``, ``inconsistent``)
with negation ("no delay" is good news, "not always effective" is bad).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .models import GRADE_RANK, Area, Grade, Kind, Period, Report
from .vocabulary import (
    FRAMEWORK_OF_KIND,
    Comparability,
    Framework,
    area_info,
    area_order,
    comparability,
)

DIFF_SCHEMA_VERSION = "1"

__all__ = [
    "DIFF_SCHEMA_VERSION",
    "THEMES",
    "Change",
    "DiffSide",
    "Evidence",
    "FindingsChange",
    "ImprovementAreaChange",
    "ImprovementStatus",
    "JudgementChange",
    "ReportDiff",
    "SentencePair",
    "ThemeCount",
    "diff",
    "polarity",
    "split_sentences",
    "themes_of",
]

# --------------------------------------------------------------------------- models


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Change(StrEnum):
    IMPROVED = "improved"
    DECLINED = "declined"
    UNCHANGED = "unchanged"
    NEW = "new"  # graded only in the new report (the old one has grades, not this area)
    NOT_GRADED = "not_graded"  # the old or the new report has no grades (e.g. a visit)
    NO_LONGER_GRADED = "no_longer_graded"  # graded only in the old report
    # both graded, but under judgements or frameworks that do not measure the same thing
    NOT_COMPARABLE = "not_comparable"


class ImprovementStatus(StrEnum):
    ADDRESSED = "addressed"
    PERSISTING = "persisting"
    NOT_MENTIONED = "not_mentioned"
    NEW = "new"


Polarity = Literal["positive", "negative", "neutral"]
SourceKind = Literal["finding", "summary", "improvement_area"]


class DiffSide(_Model):
    id: str
    kind: Kind
    local_authority: str
    inspection: Period
    letter_date: dt.date | None = None
    focus: str | None = None
    path: str


class JudgementChange(_Model):
    area: Area = Field(description="The row's area: the new report's where it has one.")
    old_area: Area | None
    new_area: Area | None
    old_grade: Grade | None
    new_grade: Grade | None
    change: Change
    note: str | None = Field(default=None, description="Why, when it is not a plain change.")
    comparability: Comparability | None = Field(
        default=None,
        description="Whether the two grades compare: comparable, comparable_with_caveat "
        "(the caveat is in the note) or not_comparable (change is then not_comparable and "
        "the note gives the indicative reading); null when one side has no grade.",
    )


class Evidence(_Model):
    """One or more consecutive sentences of a report, and where they are."""

    source: SourceKind
    finding_number: int | None = Field(
        default=None, description="The finding's paragraph number; null for summary text."
    )
    paragraph: int | None = Field(
        default=None,
        description="1-based index of the summary paragraph or improvement area "
        "(these have no finding number).",
    )
    pages: list[int] = Field(default_factory=list)
    text: str
    polarity: Polarity
    similarity: float = Field(description="Cosine similarity to what it is evidence for.")


class ImprovementAreaChange(_Model):
    status: ImprovementStatus
    old_index: int | None = Field(description="1-based position in the old report's list.")
    old_text: str | None
    new_index: int | None = Field(
        default=None, description="1-based position in the new report's list, if it is there."
    )
    new_text: str | None = None
    reason: str = Field(description="In words, why this status.")
    themes: list[str] = Field(default_factory=list, description="Vocabulary groups it is on.")
    evidence: list[Evidence] = Field(
        default_factory=list, description="The new report's sentences that decided the status."
    )
    related: list[Evidence] = Field(
        default_factory=list,
        description="For new improvement areas: the old report's findings on the subject.",
    )


class SentencePair(_Model):
    direction: Literal["stronger", "weaker"]
    similarity: float
    themes: list[str]
    old: Evidence
    new: Evidence


class ThemeCount(_Model):
    theme: str
    label: str
    sentences: int
    findings: list[int] = Field(description="Finding numbers that mention it (first five).")


class FindingsChange(_Model):
    area: Area | None = Field(description="The judgement area; null for all findings together.")
    label: str
    old_areas: list[Area]
    new_areas: list[Area]
    note: str | None = Field(
        default=None, description="Caveats, e.g. a visit's findings cover only its focus."
    )
    stronger: list[SentencePair] = Field(default_factory=list)
    weaker: list[SentencePair] = Field(default_factory=list)
    themes_only_old: list[ThemeCount] = Field(default_factory=list)
    themes_only_new: list[ThemeCount] = Field(default_factory=list)


class ReportDiff(_Model):
    diff_schema_version: Literal["1"] = DIFF_SCHEMA_VERSION
    old: DiffSide
    new: DiffSide
    grades_note: str | None = Field(
        default=None, description="Set when either report has no grades, saying which."
    )
    overall: JudgementChange | None = None
    judgements: list[JudgementChange] = Field(default_factory=list)
    improvement_areas: list[ImprovementAreaChange] = Field(default_factory=list)
    findings: list[FindingsChange] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    pattern: re.Pattern[str]
    aspect: bool = False  # a cross-cutting aspect (delay, oversight), not a subject


def _theme(name: str, label: str, pattern: str, aspect: bool = False) -> Theme:
    # patterns are matched against lower-cased text (faster than re.IGNORECASE)
    return Theme(name, label, re.compile(pattern), aspect)


#: Vocabulary groups: the subjects inspectors write about, with their synonyms and
#: abbreviations. Aspects (delay, oversight, partnership) cut across subjects: sharing
#: only an aspect does not make two texts about the same thing.
THEMES: tuple[Theme, ...] = (
    _theme(
        "plo",
        "pre-proceedings (PLO)",
        r"pre-?\s?proceedings|public law outline|\bplo\b|letters? before proceedings"
        r"|legal gateway|legal planning",
    ),
    _theme(
        "court",
        "care proceedings and court",
        r"care proceedings|\bcourts?\b|judiciary|cafcass|legal orders?|care orders?",
    ),
    _theme(
        "cin_cp",
        "child in need and child protection plans",
        r"child[- ]in[- ]need|\bcin\b|child protection (plans?|planning|conferences?|chairs?)"
        r"|core groups?|\bcp plans?\b|protection plans?",
    ),
    _theme(
        "strategy",
        "strategy meetings and section 47 enquiries",
        r"strategy (meetings?|discussions?)|section 47|\bs47\b|child protection enquir",
    ),
    _theme(
        "front_door",
        "front door (MASH, contacts and referrals)",
        r"front[- ]door|\bmash\b|multi-agency safeguarding hub|\bmarat\b|contacts? and referrals?"
        r"|referral and assessment|first response|\bthresholds?\b|\bscreening\b|re-?referrals?"
        r"|repeat referrals?|duty (and assessment )?teams?|\bcontacts\b",
    ),
    _theme(
        "out_of_hours",
        "out-of-hours service",
        r"out[- ]of[- ]hours|out of (office|normal working) hours|emergency duty|\bedt\b",
    ),
    _theme("early_help", "early help", r"early help|edge[- ]of[- ]care"),
    _theme("assessment", "assessments", r"\bassessments?\b|chronolog(y|ies)"),
    # not an education, health and care plan (special educational needs)
    _theme("care_planning", "care plans and reviews", r"(?<!health and )care plan"),
    _theme(
        "permanence",
        "permanence and adoption",
        r"permanence|permanent (homes?|carers?|placements?|famil|arrangements?|plans?)"
        r"|long-term (fostering|matches|foster)|adopt(ion|ive|ers?)"
        r"|placed with (their )?parents|placement with parents|placements? with parents"
        r"|revocation|discharge",
    ),
    _theme("sgo", "special guardianship (SGO)", r"special guardianship|\bsgos?\b"),
    _theme("iro", "independent reviewing officers (IRO)", r"reviewing officers?|\biro"),
    _theme(
        "lado",
        "allegations against adults (LADO)",
        r"local authority designated officer|\blado\b|allegations? (against|about|relating to)",
    ),
    _theme(
        "pa",
        "personal advisers",
        r"personal advis[eo]rs?|\bpas\b|after-?care workers?|leaving care workers?",
    ),
    _theme("pathway", "pathway plans", r"pathway plan"),
    _theme(
        "care_leavers",
        "care leavers",
        r"care leavers?|care[- ]experienced|leaving care|staying put"
        r"|independen(ce|t living)|transition (in)?to adulthood|local offer",
    ),
    _theme(
        "supervision",
        "supervision and management oversight",
        r"supervision|supervisory|reflective discussion|\boversight\b|management grip|scrutiny",
    ),
    _theme("caseloads", "caseloads", r"caseloads?|case loads?|workloads?"),
    _theme(
        "workforce",
        "workforce stability",
        r"recruitment and retention|(staff|social workers?|workforce) recruitment"
        r"|recruit(ment of|ing)? (staff|social workers|managers)|retention|turnover"
        r"|agency (staff|workers|social workers)|interim"
        r"|stable workforce|workforce stability|changes (of|in) (social )?workers?",
    ),
    _theme(
        "qa",
        "quality assurance and self-evaluation",
        r"quality assurance|\baudits?\b|self-?assessment|self-?evaluation"
        r"|performance (information|data|management|reporting)|data set",
    ),
    _theme(
        "voice",
        "voice of the child and participation",
        r"voice of (the )?(child|children|young)|wishes and feelings|children['’]s views"
        r"|views of (the )?(children|child|young people)|participation|children in care council"
        r"|\bcicc\b|\bforums?\b|influence|shap(e|ing) (the )?(develop|services)|direct work"
        r"|lived experience|listen",
    ),
    _theme("life_story", "life-story work", r"life[- ]?story|later[- ]life letters?|life history"),
    _theme("private_fostering", "private fostering", r"private(ly)? fostering"),
    _theme(
        "missing",
        "missing children and return home interviews",
        r"missing (from (home|care)|episodes?)|go(es|ing)? missing|return home interviews?"
        r"|\brhis?\b"
        r"|missing-from-home",
    ),
    _theme(
        "exploitation",
        "exploitation",
        r"exploit|\bcse\b|\bcce\b|county lines|complex safeguarding|contextual safeguarding"
        r"|national referral mechanism",
    ),
    _theme(
        "disabled",
        "disabled children",
        r"disabled|disabilit|complex and additional needs|additional needs|complex needs",
    ),
    _theme("homeless", "homeless 16- and 17-year-olds", r"homeless"),
    _theme(
        "timescales",
        "timescales, drift and delay",
        r"timescales?|time-?bound|timeframes?|timeliness|\bdrift\b|\bdelay|too long|waiting",
        aspect=True,
    ),
    _theme("neglect", "neglect", r"\bneglect"),
    _theme("domestic_abuse", "domestic abuse", r"domestic (abuse|violence)"),
    _theme(
        "ehe",
        "home education and children missing education",
        r"home educat|elective home|missing (from|out of) education",
    ),
    _theme(
        "education",
        "education, employment and training",
        r"virtual school|personal education plans?|\bpeps?\b|education, (employment|training)"
        r"|employment(,)? (or|and) training|apprenticeships?|universit|\bneet\b|pupil premium",
    ),
    _theme(
        "health",
        "health and emotional well-being",
        r"health (assessments?|needs)|camhs|mental health|emotional (health|well-?being)"
        r"|dental|therap",
    ),
    _theme("corporate_parenting", "corporate parenting", r"corporate parent"),
    _theme(
        "sufficiency",
        "placements and sufficiency",
        r"sufficiency|unregistered|unregulated|placement (stability|moves|disruptions?)"
        r"|foster carers?|fostering (service|panel|households?)|residential|children['’]s homes?",
    ),
    _theme("uasc", "unaccompanied asylum-seeking children", r"unaccompanied|asylum"),
    _theme("custody", "custody and youth justice", r"custody|youth justice|youth offending"),
    _theme("accommodation", "accommodation and housing", r"accommodation|housing|tenanc"),
    _theme("safety_planning", "safety planning", r"safety plan"),
    _theme("contingency", "contingency planning", r"contingency", aspect=True),
    _theme(
        "training",
        "training and learning",
        r"(?<!employment and )(?<!employment or )(?<!employment, or )(?<!education, )"
        r"(?<!education and )\btraining|learning offer|learning culture",
        aspect=True,
    ),
    _theme(
        "family_time",
        "family time and siblings",
        r"family time|brothers and sisters|siblings|contact with (their )?(famil|parents)",
    ),
    _theme("young_carers", "young carers", r"young carers?"),
    _theme(
        "children_in_care",
        "children in care",
        r"children in care|looked[- ]after|in care\b|cared for children|care orders?",
    ),
    _theme(
        "family_network",
        "family networks and kinship care",
        r"family networks?|family group conferenc|wider family|extended family|kinship"
        r"|connected (carers?|persons?)",
    ),
    _theme("partnership", "multi-agency partnership", r"partnership|multi-agency", aspect=True),
)
_THEME_BY_NAME = {t.name: t for t in THEMES}
_SUBJECTS = frozenset(t.name for t in THEMES if not t.aspect)

_STOPWORDS = frozenset(
    """a about above after again against all also although am an and any are as at be
    because been before being below between both but by can could did do does doing done
    down during each either few for from further had has have having he her here hers him
    his how however i if in into is it its itself just least less many may me might more
    most much must my no nor not now of off often on once only or other our out over own
    per rather same several she should since so some such than that the their them then
    there these they this those through to too under until up upon very was we were what
    when where whether which while who whom whose why will with within without would yet
    you your ensure ensures ensuring child children young people person local authority
    authorities council s make makes made take takes taken there's number small
    particularly including include includes well able quality impact effectiveness
    consistency""".split()
)

_IRREGULAR = {"children": "child", "families": "family", "people": "person"}


@lru_cache(maxsize=16384)
def _stem(word: str) -> str:
    word = _IRREGULAR.get(word, word)
    for suffix in (
        "ingly",
        "edly",
        "ments",
        "ment",
        "ings",
        "ing",
        "ied",
        "ies",
        "ers",
        "er",
        "ed",
        "ly",
        "es",
        "s",
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix in ("ied", "ies"):
                return word[: -len(suffix)] + "y"
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]
    return word


_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def themes_of(text: str) -> list[str]:
    """The vocabulary groups a text mentions, in :data:`THEMES` order."""
    return list(_themes(text))


@lru_cache(maxsize=8192)
def _themes(text: str) -> tuple[str, ...]:
    low = text.lower()
    spans = {t.name: [m.span() for m in t.pattern.finditer(low)] for t in THEMES}
    spans = {name: found for name, found in spans.items() if found}

    def inside(span: tuple[int, int], other: str) -> bool:
        return any(a <= span[0] and span[1] <= b and (a, b) != span for a, b in spans[other])

    # a theme named only inside a longer phrase of another ("health assessments",
    # "children in care council") is not a subject of the text
    return tuple(
        name
        for name, found in spans.items()
        if not all(any(inside(span, other) for other in spans if other != name) for span in found)
    )


def _stems(text: str) -> list[str]:
    out: list[str] = []
    for word in _words(text):
        for part in [word, *word.split("-")] if "-" in word else [word]:
            part = part.split("'")[0]
            if len(part) < 3 or part in _STOPWORDS or part.isdigit():
                continue
            out.append(_stem(part))
    return out


_THEME_WEIGHT = 2  # a theme counts as this many occurrences of a word


def _features(text: str, themes: Iterable[str]) -> Counter[str]:
    bag: Counter[str] = Counter(_stems(text))
    for name in themes:
        bag["#" + name] += _THEME_WEIGHT
    return bag


#: Words too general to make two sentences about the same thing (kept for TF-IDF, where
#: their weight is low anyway, but not counted as a word in common).
_GENERIC = frozenset(
    _stem(w)
    for w in """impact recent recently beginning begin significant support supported
    need needs practice service services work working social worker workers time quality
    provide provided help helps right level area areas experience experiences progress
    improve improving improvement outcome outcomes family arrangements team teams offer
    offered individual wider range good clear access consider considered identify identified
    place placed use used new leaders senior managers inform informed decision decisions
    ensure response respond responded identification identify stage know knows known""".split()
)


@lru_cache(maxsize=8192)
def _free_stems(text: str) -> frozenset[str]:
    """Content stems outside the vocabulary's phrases ("care leavers" names a theme; the
    words left over say what is being said about it)."""
    covered: set[str] = set()
    low = text.lower()
    for theme in THEMES:
        for m in theme.pattern.finditer(low):
            covered.update(_stems(m.group(0)))
    return frozenset(_stems(text)) - covered - _GENERIC


# --------------------------------------------------------------------------- polarity

_POSITIVE = frozenset(
    """strengthened strong stronger strength effective effectively good well robust robustly
    timely prompt promptly swift swiftly quickly thorough thoroughly clear clearly
    comprehensive high-quality good-quality positive positively embedded well-embedded
    successful successfully purposeful accurate accurately better improved improving improves
    progressed addressed appropriate appropriately consistent consistently regular regularly
    detailed proactive proactively highly valued impressive skilled sensitive sensitively
    stable tangible established meaningful strengths sustained
    outstanding""".split()
)
_NEGATIVE = frozenset(
    """weak weaker weakness weaknesses poor poorly inconsistent inconsistency inconsistently
    variable variability variably insufficient insufficiently limited underdeveloped
    fragile gap gaps shortfall shortfalls failure failed fail fails unclear unable
    ineffective lack lacks lacking delay delays delayed drift deterioration deteriorated
    declined decline concern concerns inadequate slow slower too mixed hindered undermined
    undermines struggling uneven missed unnecessary unnecessarily inaccurate little
    inappropriately inappropriate confusing""".split()
)
_NEGATORS = frozenset("not no never without cannot nor lack absence insufficient".split())

_PROGRESS = re.compile(
    r"previously (been )?(identified as )?(an? )?(area|weakness|shortfall|concern|"
    r"recommendation)"
    r"|areas? (of|for) (significant )?improvement since"
    r"|(significant|notable|considerable) improvement since"
    r"|(improved|strengthened|addressed|progressed|developed|enhanced)( significantly)? since "
    r"the (last|previous)"
    r"|(has|have) (now )?been (addressed|resolved)"
    # "Since the focused visit in 2021, when pathway plans were ..., care leavers have ..."
    r"|since the (last |previous )?(inspection|focused visit|visit|monitoring visit)"
    r"( in \w+)?( \d{4})?, when\b",
    re.IGNORECASE,
)
_REGRESS = re.compile(
    r"(still|remains?|continues? to be|was|is) an area (for|of|which requires|requiring) "
    r"(further )?(improvement|development)"
    r"|area which requires improvement"
    r"|(deteriorat\w*|declined) since the (last|previous)"
    r"|too early|too soon|yet to",
    re.IGNORECASE,
)


_PHRASES: tuple[tuple[re.Pattern[str], float], ...] = (
    # "do not remain ... for longer than necessary" is good news; "longer than necessary" bad
    (re.compile(r"\b(not|never|no)\b[^.;]{0,80}?longer than (is )?(necessary|needed)", re.I), 1),
    (re.compile(r"longer than (is )?(necessary|needed)", re.I), -1),
    # describing a need, not judging the service
    (re.compile(r"\b(poor|low) (mental|physical|emotional) health", re.I), 0),
)


def polarity(text: str) -> float:
    """Good news (> 0) or bad news (< 0) in a sentence, from cue words and phrases.

    A negator before a positive cue ("not always effective") counts as bad news, before a
    negative cue ("no delay", "without drift") as good news.
    """
    score = 0.0
    for pattern, weight in _PHRASES:
        score += weight * len(pattern.findall(text))
        text = pattern.sub(" ", text)
    score += 3 * len(_PROGRESS.findall(text))
    text = _PROGRESS.sub(" ", text)
    score -= 2 * len(_REGRESS.findall(text))
    text = _REGRESS.sub(" ", text)
    words = _words(text)
    i = 0
    while i < len(words):
        word = words[i]
        if word in _NEGATORS or word.endswith("n't"):
            target = next(
                (
                    j
                    for j in range(i + 1, min(i + 4, len(words)))
                    if words[j] in _POSITIVE or words[j] in _NEGATIVE
                ),
                None,
            )
            if target is None:
                score -= 1
                i += 1
            else:
                score += 1 if words[target] in _NEGATIVE else -1
                i = target + 1
            continue
        if word in _POSITIVE:
            score += 1
        elif word in _NEGATIVE:
            score -= 1
        i += 1
    return score


def _polarity_label(score: float) -> Polarity:
    return "positive" if score > 0 else "negative" if score < 0 else "neutral"


# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = frozenset("e.g i.e etc no mr mrs ms dr st vs approx".split())
_BOUNDARY = re.compile(r"[.!?][\"'’”)]*\s+(?=[A-Z0-9‘“\"(])")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (abbreviations such as "e.g." do not end one)."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[start : m.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if last in _ABBREVIATIONS:
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


@dataclass
class _Unit:
    """A sentence of one report, with its paragraph for context."""

    side: Literal["old", "new"]
    source: SourceKind
    number: int | None
    paragraph: int | None
    area: Area | None
    pages: list[int]
    text: str
    position: int  # sentence index within its paragraph
    para_key: tuple[str, int]
    themes: list[str] = field(default_factory=list)
    polarity: float = 0.0
    vec: dict[str, float] = field(default_factory=dict)
    free: frozenset[str] = frozenset()


@dataclass
class _Paragraph:
    key: tuple[str, int]
    text: str
    themes: list[str]
    vec: dict[str, float] = field(default_factory=dict)


class _Space:
    """TF-IDF over the sentences of both reports."""

    def __init__(self, texts: Sequence[tuple[str, list[str]]]) -> None:
        df: Counter[str] = Counter()
        for text, themes in texts:
            df.update(set(_features(text, themes)))
        n = len(texts)
        self.idf = {term: math.log((n + 1) / (count + 1)) + 1 for term, count in df.items()}
        self.default_idf = math.log(n + 1) + 1
        # themes in at most 1 sentence in 20: naming one is as telling as two common ones
        self.rare = frozenset(
            t[1:] for t, count in df.items() if t.startswith("#") and count <= n * _RARE_SHARE
        )

    def evidence(self, themes: Iterable[str]) -> int:
        return sum(2 if t in self.rare else 1 for t in themes)

    def vector(self, text: str, themes: Iterable[str]) -> dict[str, float]:
        bag = _features(text, themes)
        vec = {t: (1 + math.log(c)) * self.idf.get(t, self.default_idf) for t, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in sorted(vec.items())}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _subjects(themes: Iterable[str]) -> set[str]:
    return {t for t in themes if t in _SUBJECTS}


_FRAMEWORK_REF = re.compile(r"\s*\((outcome|enabler)\b[^)]*\)?\s*$", re.IGNORECASE)


def _item_text(text: str) -> str:
    """An improvement area without its National Framework reference, for matching."""
    return _FRAMEWORK_REF.sub("", text).strip()


def _units(report: Report, side: Literal["old", "new"]) -> tuple[list[_Unit], list[_Paragraph]]:
    units: list[_Unit] = []
    paras: list[_Paragraph] = []

    def add(
        source: SourceKind,
        key_index: int,
        text: str,
        *,
        number: int | None,
        paragraph: int | None,
        area: Area | None,
        pages: list[int],
    ) -> None:
        key = (f"{side}:{source}", key_index)
        paras.append(_Paragraph(key, text, themes_of(text)))
        for pos, sentence in enumerate(split_sentences(text)):
            units.append(_Unit(side, source, number, paragraph, area, pages, sentence, pos, key))

    for i, para in enumerate(report.summary, start=1):
        add("summary", i, para, number=None, paragraph=i, area=None, pages=[])
    for i, ia in enumerate(report.improvement_areas, start=1):
        add(
            "improvement_area",
            i,
            _item_text(ia.text),
            number=None,
            paragraph=i,
            area=None,
            pages=[],
        )
    for f in report.findings:
        add(
            "finding",
            f.number,
            f.text,
            number=f.number,
            paragraph=None,
            area=f.area,
            pages=list(f.pages),
        )
    for u in units:
        u.themes = themes_of(u.text)
        u.polarity = polarity(u.text)
        u.free = _free_stems(u.text)
    return units, paras


# --------------------------------------------------------------------------- judgements


def _map_areas(old: Iterable[Area], new: Iterable[Area]) -> list[tuple[Area | None, Area | None]]:
    """Pairs (old area, new area) across frameworks; None on one side when unmatched."""
    old_set, new_set = set(old), set(new)
    pairs: list[tuple[Area | None, Area | None]] = []
    matched_new: set[Area] = set()
    for a in sorted(old_set, key=area_order):
        if a in new_set:
            targets = [a]
        elif (
            a == Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS
            and {Area.CHILDREN_IN_CARE, Area.CARE_LEAVERS} & new_set
        ):
            # the 2023 split: both new rows continue the old combined one
            targets = [x for x in (Area.CHILDREN_IN_CARE, Area.CARE_LEAVERS) if x in new_set]
        else:
            successors = area_info(a).successors
            targets = [next((s for s in successors if s in new_set), None)]  # type: ignore[list-item]
            # a care-leavers row never continues a combined row that already has its own
            if a == Area.CARE_LEAVERS and Area.CARE_LEAVERS in new_set:
                targets = [Area.CARE_LEAVERS]
        for t in targets:
            pairs.append((a, t))
            if t is not None:
                matched_new.add(t)
    for b in sorted(new_set - matched_new, key=area_order):
        # a new area with a predecessor that is already mapped elsewhere stays "new"
        pairs.append((None, b))
    pairs.sort(key=lambda p: (area_order(p[1] or p[0]), area_order(p[0] or p[1])))  # type: ignore[arg-type]
    return pairs


_VISITS = (Kind.FOCUSED_VISIT, Kind.MONITORING_VISIT)


def _kind_words(report: Report) -> str:
    return report.kind.value.replace("_", " ")


def _a(report: Report) -> str:
    words = _kind_words(report)
    return ("an " if words[0] in "aeiou" else "a ") + words


def _direction(old: Grade, new: Grade) -> Change:
    r = GRADE_RANK[new] - GRADE_RANK[old]
    return Change.IMPROVED if r > 0 else Change.DECLINED if r < 0 else Change.UNCHANGED


def _graded(
    a: Area,
    b: Area,
    og: Grade,
    ng: Grade,
    old_fw: Framework | None,
    new_fw: Framework | None,
) -> tuple[Change, str | None, Comparability]:
    """The change between two grades, where they compare (see :data:`AREAS`): a change
    across judgements that do not compare is ``not_comparable``, its reading a note."""
    how, why = comparability(a, b, old_fw, new_fw)
    direction = _direction(og, ng)
    was = f"the old report's '{area_info(a).title.lower()}' judgement" if a != b else None
    if how is Comparability.NOT_COMPARABLE:
        reading = f"indicative only: {og.value} -> {ng.value} would read as {direction.value}"
        text = "; ".join(
            x for x in (f"not comparable with {was}" if was else None, why, reading) if x
        )
        return Change.NOT_COMPARABLE, text, how
    parts = [f"compared with {was}" if was else None, f"caveat: {why}" if why else None]
    return direction, "; ".join(p for p in parts if p) or None, how


def _judgements(
    old: Report, new: Report
) -> tuple[JudgementChange | None, list[JudgementChange], str | None]:
    old_rows = {j.area: j for j in old.judgements if j.area != Area.OVERALL_EFFECTIVENESS}
    new_rows = {j.area: j for j in new.judgements if j.area != Area.OVERALL_EFFECTIVENESS}
    old_graded = any(j.grade for j in old.judgements)
    new_graded = any(j.grade for j in new.judgements)
    note: str | None = None
    if not old_graded and not new_graded:
        note = f"Neither report is graded (old: {_kind_words(old)}, new: {_kind_words(new)})."
    elif not new_graded:
        note = f"The new report is {_a(new)}, which has no grades: no judgement can be compared."
    elif not old_graded:
        note = f"The old report is {_a(old)}, which has no grades: no judgement can be compared."

    old_fw, new_fw = FRAMEWORK_OF_KIND.get(old.kind), FRAMEWORK_OF_KIND.get(new.kind)
    how: Comparability | None = None

    def change(a: Area | None, b: Area | None) -> JudgementChange:
        how: Comparability | None = None
        og = old_rows[a].grade if a else None
        ng = new_rows[b].grade if b else None
        row_area = b or a
        assert row_area is not None
        text: str | None = None
        if not new_graded or not old_graded:
            kind = Change.NOT_GRADED
            text = (
                f"{'new' if not new_graded else 'old'} report "
                f"({_kind_words(new if not new_graded else old)}) has no grades"
            )
        elif a is None:
            kind = Change.NEW
            text = "graded only in the new report"
        elif b is None:
            kind = Change.NO_LONGER_GRADED
            text = "no successor judgement in the new report"
        elif og is None or ng is None:
            kind = Change.NOT_GRADED
            text = f"no grade in the {'old' if og is None else 'new'} report for this area"
        else:
            kind, text, how = _graded(a, b, og, ng, old_fw, new_fw)
        return JudgementChange(
            area=row_area,
            old_area=a,
            new_area=b,
            old_grade=og,
            new_grade=ng,
            change=kind,
            note=text,
            comparability=how,
        )

    if new_graded and old_graded:
        rows = [change(a, b) for a, b in _map_areas(old_rows, new_rows)]
    elif old_graded:
        rows = [change(a, None) for a in sorted(old_rows, key=area_order)]
    else:
        rows = [change(None, b) for b in sorted(new_rows, key=area_order)]

    overall: JudgementChange | None = None
    oa, na = old.overall_effectiveness, new.overall_effectiveness
    if old_graded or new_graded:
        ov = Area.OVERALL_EFFECTIVENESS
        if not old_graded or not new_graded:
            kind, text = Change.NOT_GRADED, rows[0].note if rows else note
        elif oa and na:
            kind, text, how = _graded(ov, ov, oa, na, old_fw, new_fw)
        elif oa:
            kind, text = (
                Change.NO_LONGER_GRADED,
                "the new report has no overall effectiveness grade",
            )
        elif na:
            kind, text = Change.NEW, "the old report has no overall effectiveness grade"
        else:
            kind, text = Change.NOT_GRADED, "neither report has an overall effectiveness grade"
        overall = JudgementChange(
            area=ov,
            old_area=ov if oa else None,
            new_area=ov if na else None,
            old_grade=oa,
            new_grade=na,
            change=kind,
            note=text,
            comparability=how,
        )
    return overall, rows, note


# --------------------------------------------------------------------------- matching

_SIM_IA = 0.22  # an old improvement area restated in the new list...
_SIM_IA_SUBJECT = 0.15  # ...or this similar and on a subject in common
_SIM_RELEVANT = 0.12  # a sentence is on an improvement area's subject...
_SUBJECT_SHARE = 0.35  # the share of a text's theme weight that must be in common
_SIM_JUDGE = 0.2  # the best judging sentence must be this similar to decide a status
_SIM_ALONE = 0.35  # ...or, with fewer than two themes or words in common, this similar
_SIM_PARAGRAPH = 0.12  # a paragraph with a progress statement is on the subject
_RARE_SHARE = 0.05  # a theme in at most this share of sentences is rare
_ECHO = 0.15  # an unchanged echo this much more similar than a changed one wins
_SIM_PAIR = 0.25  # two findings sentences are on the same subject
_EVIDENCE = 3
_BALANCE = 4  # sentences weighed for addressed / persisting
_RELATED = 3
_PAIRS = 5
_THEMES_SHOWN = 6


def _r(x: float) -> float:
    return round(x, 3)


def _evidence(
    u: _Unit, sim: float, text: str | None = None, score: float | None = None
) -> Evidence:
    return Evidence(
        source=u.source,
        finding_number=u.number,
        paragraph=u.paragraph,
        pages=u.pages,
        text=text or u.text,
        polarity=_polarity_label(u.polarity if score is None else score),
        similarity=_r(sim),
    )


def _context_subjects(u: _Unit, paras: dict[tuple[str, int], _Paragraph]) -> set[str]:
    own = _subjects(u.themes)
    return own or _subjects(paras[u.para_key].themes)


@dataclass
class _Scored:
    sim: float
    unit: _Unit


class _Matcher:
    def __init__(self, old: Report, new: Report) -> None:
        self.old_units, old_paras = _units(old, "old")
        self.new_units, new_paras = _units(new, "new")
        self.paras = {p.key: p for p in [*old_paras, *new_paras]}
        units = [*self.old_units, *self.new_units]
        self.space = _Space([(u.text, u.themes) for u in units])
        for u in units:
            u.vec = self.space.vector(u.text, u.themes)
        for p in self.paras.values():
            p.vec = self.space.vector(p.text, p.themes)
        self.by_para: dict[tuple[str, int], list[_Unit]] = {}
        for u in units:
            self.by_para.setdefault(u.para_key, []).append(u)

    def weight(self, themes: Iterable[str]) -> float:
        """Rarer themes say more about what a text is about."""
        return sum(self.space.idf.get("#" + t, self.space.default_idf) for t in sorted(themes))

    def para(self, u: _Unit) -> _Paragraph:
        return self.paras[u.para_key]

    def relevant(
        self, text: str, themes: list[str], units: Iterable[_Unit], threshold: float
    ) -> list[_Scored]:
        """Sentences on the subject of ``text``: sharing a subject theme (in the sentence or,
        for a sentence with none of its own, its paragraph) and similar enough, where the
        score mixes the sentence's similarity (0.7) with its paragraph's (0.3)."""
        vec = self.space.vector(text, themes)
        subjects = _subjects(themes)
        aspects = set(themes) - subjects
        subject_weight = self.weight(subjects)
        free = _free_stems(text)
        out: list[_Scored] = []
        for u in units:
            context = _subjects(u.themes) | _subjects(self.para(u).themes)
            # on the subject: sharing its main theme, not only a side one ("health
            # assessments" are not about assessments in general)
            if subjects and self.weight(subjects & context) < _SUBJECT_SHARE * subject_weight:
                continue
            sim = 0.7 * _cosine(vec, u.vec) + 0.3 * _cosine(vec, self.para(u).vec)
            own = _subjects(u.themes)
            if subjects and own and not subjects & own:
                sim *= 0.6  # the paragraph is on the subject, this sentence on another
            # naming the same aspect (delay, contingency) in the sentence itself counts
            shared_aspects = len(aspects & set(u.themes))
            common = self.space.evidence(subjects & context) + shared_aspects + len(free & u.free)
            if sim >= threshold and (common >= 2 or sim >= _SIM_ALONE):
                sim += 0.05 * shared_aspects
                out.append(_Scored(sim, u))
        out.sort(key=lambda s: (-s.sim, s.unit.para_key, s.unit.position))
        return out


def _same_subject(a_themes: Iterable[str], b_themes: Iterable[str]) -> bool:
    """Texts that both name subjects must share one; otherwise similarity decides."""
    sa, sb = _subjects(a_themes), _subjects(b_themes)
    return bool(sa & sb) if (sa and sb) else True


def _improvement_areas(m: _Matcher, old: Report, new: Report) -> list[ImprovementAreaChange]:
    new_ias = [
        (i, _item_text(ia.text), themes_of(_item_text(ia.text)))
        for i, ia in enumerate(new.improvement_areas, 1)
    ]
    body = [u for u in m.new_units if u.source != "improvement_area"]
    out: list[ImprovementAreaChange] = []
    restated: set[int] = set()

    # 1. old improvement areas that the new report raises again
    candidates: list[tuple[float, int, int]] = []
    old_texts = [_item_text(ia.text) for ia in old.improvement_areas]
    for i, text_a in enumerate(old_texts, 1):
        themes = themes_of(text_a)
        vec = m.space.vector(text_a, themes)
        for j, text, nthemes in new_ias:
            if not _same_subject(themes, nthemes):
                continue
            # the words alone too: a short item without vocabulary ("the clarity of plans")
            sim = max(
                _cosine(vec, m.space.vector(text, nthemes)),
                _cosine(m.space.vector(text_a, []), m.space.vector(text, [])),
            )
            shared = _subjects(themes) & _subjects(nthemes)
            # the old item's subject must be there, not one side issue of it
            if shared and m.weight(shared) < _SUBJECT_SHARE * m.weight(_subjects(themes)):
                continue
            if sim >= _SIM_IA or (shared and sim >= _SIM_IA_SUBJECT):
                candidates.append((sim, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    match: dict[int, tuple[int, float]] = {}
    for sim, i, j in candidates:
        if i not in match:  # one old item may be restated once; a new item may restate several
            match[i] = (j, sim)

    for i, ia in enumerate(old.improvement_areas, 1):
        themes = themes_of(old_texts[i - 1])
        scored = m.relevant(old_texts[i - 1], themes, body, _SIM_RELEVANT)
        if i in match:
            j, sim = match[i]
            restated.add(j)
            ev = [
                Evidence(
                    source="improvement_area",
                    paragraph=j,
                    text=new.improvement_areas[j - 1].text,
                    polarity="negative",
                    similarity=_r(sim),
                )
            ]
            ev += [_evidence(s.unit, s.sim) for s in scored if s.unit.polarity < 0][: _EVIDENCE - 1]
            out.append(
                ImprovementAreaChange(
                    status=ImprovementStatus.PERSISTING,
                    old_index=i,
                    old_text=ia.text,
                    new_index=j,
                    new_text=new.improvement_areas[j - 1].text,
                    themes=themes,
                    evidence=ev,
                    reason=f"the new report raises it again (improvement area {j})",
                )
            )
            continue
        # 2. a progress statement ("This was previously an area for improvement") in a
        # paragraph on the subject
        progress, key = _progress_evidence(m, old_texts[i - 1], themes, body)
        if progress:
            ev = [progress] + [_evidence(s.unit, s.sim) for s in scored if s.unit.para_key != key][
                : _EVIDENCE - 1
            ]
            out.append(
                ImprovementAreaChange(
                    status=ImprovementStatus.ADDRESSED,
                    old_index=i,
                    old_text=ia.text,
                    themes=themes,
                    evidence=ev,
                    reason="the new report states progress on it since the last inspection",
                )
            )
            continue
        # 3. the balance of the new report's sentences on the subject
        judged = [s for s in scored if s.unit.polarity != 0]
        if judged and judged[0].sim < _SIM_JUDGE:
            judged = []  # only in passing: not enough to judge by
        # sentences much less similar than the best one are about something else
        top = [s for s in judged if s.sim >= 0.5 * judged[0].sim][:_BALANCE] if judged else []
        if not top:
            if not scored:
                why = "the new report's findings do not take up its subject"
            elif scored[0].sim < _SIM_JUDGE:
                why = "the new report mentions its subject only in passing"
            else:
                why = "the new report touches its subject without judging it"
            out.append(
                ImprovementAreaChange(
                    status=ImprovementStatus.NOT_MENTIONED,
                    old_index=i,
                    old_text=ia.text,
                    themes=themes,
                    evidence=[_evidence(s.unit, s.sim) for s in scored[:1]],
                    reason=why
                    + (
                        f" (it is {_a(new)} with its own focus)"
                        if new.kind in _VISITS and not scored
                        else ""
                    ),
                )
            )
            continue
        # stronger cues weigh more: "not as good ... delay" outweighs "some ... good"
        balance = sum(s.sim * max(-3.0, min(3.0, s.unit.polarity)) for s in top)
        status = ImprovementStatus.ADDRESSED if balance > 0 else ImprovementStatus.PERSISTING
        out.append(
            ImprovementAreaChange(
                status=status,
                old_index=i,
                old_text=ia.text,
                themes=themes,
                evidence=_shown(top),
                reason="the new report's findings on its subject are "
                + ("mostly positive" if balance > 0 else "mostly negative"),
            )
        )

    # 4. the new report's own improvement areas
    old_findings = [u for u in m.old_units if u.source != "improvement_area"]
    for j, text, nthemes in new_ias:
        if j in restated:
            continue
        scored = m.relevant(text, nthemes, old_findings, _SIM_RELEVANT)
        # earlier findings that already flagged the problem come first
        scored.sort(
            key=lambda s: (
                -(s.sim + (0.15 if s.unit.polarity < 0 else 0.0)),
                s.unit.para_key,
                s.unit.position,
            )
        )
        related: list[Evidence] = []
        seen: set[tuple[str, int]] = set()
        for s in scored:
            if s.unit.para_key in seen:
                continue
            seen.add(s.unit.para_key)
            related.append(_evidence(s.unit, s.sim))
            if len(related) == _RELATED:
                break
        out.append(
            ImprovementAreaChange(
                status=ImprovementStatus.NEW,
                old_index=None,
                old_text=None,
                new_index=j,
                new_text=new.improvement_areas[j - 1].text,
                themes=nthemes,
                related=related,
                reason="not among the old report's improvement areas"
                + ("; the old report's findings on the subject are shown" if related else ""),
            )
        )
    return out


def _shown(top: list[_Scored]) -> list[Evidence]:
    """The sentences that decided a balance, best first, with both sides shown when the
    new report is mixed on the subject."""
    shown = top[:_EVIDENCE]
    if len({s.unit.polarity > 0 for s in shown}) == 1:
        other = next(
            (s for s in top[_EVIDENCE:] if (s.unit.polarity > 0) != (shown[0].unit.polarity > 0)),
            None,
        )
        if other is not None:
            shown = [*shown[: _EVIDENCE - 1], other]
    return [_evidence(s.unit, s.sim) for s in shown]


def _progress_evidence(
    m: _Matcher, text: str, themes: list[str], body: list[_Unit]
) -> tuple[Evidence | None, tuple[str, int] | None]:
    """The new report's paragraph that states progress on the subject of ``text``: its
    progress sentence joined with the sentence of it most similar to ``text``."""
    vec = m.space.vector(text, themes)
    subjects = _subjects(themes)
    best: tuple[float, _Unit, _Unit] | None = None
    for u in body:
        if not _PROGRESS.search(u.text):
            continue
        para = m.para(u)
        if subjects and not subjects & _subjects(para.themes):
            continue
        psim = _cosine(vec, para.vec)
        if psim < _SIM_PARAGRAPH:
            continue
        # the sentence of the paragraph that names the subject
        siblings = [v for v in body if v.para_key == u.para_key]
        subject = max(siblings, key=lambda v: (_cosine(vec, v.vec), -v.position))
        if best is None or psim > best[0]:
            best = (psim, u, subject)
    if best is None:
        return None, None
    psim, u, subject = best
    parts = sorted({u.position: u, subject.position: subject}.items())
    joined = " ".join(v.text for _, v in parts)
    return _evidence(u, psim, text=joined, score=sum(v.polarity for _, v in parts)), u.para_key


# --------------------------------------------------------------------------- findings


def _finding_groups(old: Report, new: Report) -> list[tuple[Area | None, list[Area], list[Area]]]:
    old_areas = {f.area for f in old.findings if f.area}
    new_areas = {f.area for f in new.findings if f.area}
    if not old_areas or not new_areas:
        return [(None, [], [])]
    groups: dict[Area, tuple[set[Area], set[Area]]] = {}
    for a, b in _map_areas(old_areas, new_areas):
        if a is None or b is None:
            continue
        # a combined care row on either side gathers all the care rows into one group
        combined = Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS
        key = combined if combined in (a, b) else b
        olds, news = groups.setdefault(key, (set(), set()))
        olds.add(a)
        news.add(b)
    ordered = sorted(groups.items(), key=lambda kv: area_order(kv[0]))
    return [(k, sorted(o, key=area_order), sorted(n, key=area_order)) for k, (o, n) in ordered]


def _theme_counts(units: list[_Unit]) -> dict[str, tuple[int, list[int]]]:
    counts: dict[str, tuple[int, list[int]]] = {}
    for u in units:
        for t in u.themes:
            n, nums = counts.get(t, (0, []))
            if u.number is not None and u.number not in nums:
                nums = [*nums, u.number]
            counts[t] = (n + 1, nums)
    return counts


def _only(
    a: dict[str, tuple[int, list[int]]], b: dict[str, tuple[int, list[int]]]
) -> list[ThemeCount]:
    rows = [
        ThemeCount(theme=t, label=_THEME_BY_NAME[t].label, sentences=n, findings=nums[:5])
        for t, (n, nums) in a.items()
        if t not in b and not _THEME_BY_NAME[t].aspect
    ]
    rows.sort(key=lambda r: (-r.sentences, r.theme))
    return rows[:_THEMES_SHOWN]


def _clear(m: _Matcher, u: _Unit) -> bool:
    """A sentence whose good or bad news is the paragraph's verdict on its subject: a
    positive opener ("Children who go missing are referred quickly") followed by bad news
    on the same subject is not a positive finding."""
    if u.polarity == 0:
        return False
    subjects = _subjects(u.themes)
    if not subjects:
        return True
    stance = u.polarity + 0.5 * sum(
        v.polarity for v in m.by_para[u.para_key] if v is not u and subjects & _subjects(v.themes)
    )
    return (stance > 0) == (u.polarity > 0) and stance != 0


def _findings(m: _Matcher, old: Report, new: Report) -> list[FindingsChange]:
    out: list[FindingsChange] = []

    for key, old_areas, new_areas in _finding_groups(old, new):
        olds = [
            u for u in m.old_units if u.source == "finding" and (key is None or u.area in old_areas)
        ]
        news = [
            u for u in m.new_units if u.source == "finding" and (key is None or u.area in new_areas)
        ]
        candidates: list[tuple[float, _Unit, _Unit, list[str]]] = []
        clear_olds = [a for a in olds if _clear(m, a)]
        clear_news = [b for b in news if _clear(m, b)]
        # how closely each sentence is echoed, with the same verdict, by the other report:
        # a changed verdict must not be outweighed by an unchanged one
        echo: dict[int, float] = {}
        for a in clear_olds:
            for b in clear_news:
                if (a.polarity > 0) == (b.polarity > 0):
                    sim = _cosine(a.vec, b.vec)
                    echo[id(a)] = max(echo.get(id(a), 0.0), sim)
                    echo[id(b)] = max(echo.get(id(b), 0.0), sim)
        for a in clear_olds:
            sa = _context_subjects(a, m.paras)
            for b in clear_news:
                if (a.polarity > 0) == (b.polarity > 0):
                    continue
                sb = _context_subjects(b, m.paras)
                shared = sa & sb
                # one shared theme is a subject, not yet a comparison: it takes a second
                # theme or a word in common outside the themes' phrases; and a sentence on
                # a further subject (private fostering assessments) is about something else
                if not shared or m.space.evidence(shared) + len(a.free & b.free) < 2:
                    continue
                if m.weight(sa ^ sb) >= m.weight(shared):
                    continue
                sim = _cosine(a.vec, b.vec)
                if (
                    sim >= _SIM_PAIR
                    and max(echo.get(id(a), 0.0), echo.get(id(b), 0.0)) < sim + _ECHO
                ):
                    candidates.append((sim, a, b, sorted(shared)))
        candidates.sort(
            key=lambda c: (-c[0], c[1].para_key, c[1].position, c[2].para_key, c[2].position)
        )
        used_a: set[int] = set()
        used_b: set[int] = set()
        stronger: list[SentencePair] = []
        weaker: list[SentencePair] = []
        for sim, a, b, shared in candidates:
            if id(a) in used_a or id(b) in used_b:
                continue
            bucket = stronger if b.polarity > 0 else weaker
            if len(bucket) >= _PAIRS:
                continue
            used_a.add(id(a))
            used_b.add(id(b))
            bucket.append(
                SentencePair(
                    direction="stronger" if b.polarity > 0 else "weaker",
                    similarity=_r(sim),
                    themes=[t for t in (x.name for x in THEMES) if t in shared],
                    old=_evidence(a, sim),
                    new=_evidence(b, sim),
                )
            )
        old_themes, new_themes = _theme_counts(olds), _theme_counts(news)
        label = area_info(key).title if key else "All findings"
        visits = [
            f"the {side} report is {_a(r)}"
            for side, r in (("old", old), ("new", new))
            if r.kind in _VISITS
        ]
        note = (
            (
                "; ".join(visits) + ": a visit's findings cover only its focus, so themes "
                "outside it are expected to be missing"
            )
            if visits
            else None
        )
        out.append(
            FindingsChange(
                area=key,
                label=label,
                old_areas=old_areas,
                new_areas=new_areas,
                note=note,
                stronger=stronger,
                weaker=weaker,
                themes_only_old=_only(old_themes, new_themes),
                themes_only_new=_only(new_themes, old_themes),
            )
        )
    return out


# --------------------------------------------------------------------------- entry point


def _side(r: Report) -> DiffSide:
    return DiffSide(
        id=r.id,
        kind=r.kind,
        local_authority=r.local_authority.name,
        inspection=r.inspection,
        letter_date=r.letter_date,
        focus=r.focus,
        path=r.source.path,
    )


_COUNCIL_WORDS = frozenset(
    "the of city county borough metropolitan royal council council's councils district "
    "london children's services trust and".split()
)


def _authority(r: Report) -> str:
    """The authority's name without "City Council", "'s" and the like, for comparison."""
    words = _words(r.local_authority.name.replace("’", "'"))
    kept = [w.removesuffix("'s") for w in words if w not in _COUNCIL_WORDS]
    return " ".join(kept) or r.local_authority.slug


def _date(r: Report) -> dt.date | None:
    return r.inspection.end or r.inspection.start or r.letter_date


def _own_items(report: Report, side: str, warnings: list[str]) -> Report:
    """The report without what is not the local authority's: a SIF report's LSCB review
    (its findings and recommendations), which has no successor to compare with."""
    keep = [ia for ia in report.improvement_areas if getattr(ia, "area", None) != Area.LSCB]
    findings = [f for f in report.findings if f.area != Area.LSCB]
    dropped = len(report.improvement_areas) - len(keep)
    if dropped:
        warnings.append(
            f"{dropped} LSCB recommendation(s) of the {side} report left out of the ledger: "
            "the LSCB has no successor"
        )
    if not dropped and len(findings) == len(report.findings):
        return report
    return report.model_copy(update={"improvement_areas": keep, "findings": findings})


def diff(old: Report, new: Report) -> ReportDiff:
    """What changed from ``old`` to ``new``: grades, improvement areas, findings."""
    warnings: list[str] = []
    if _authority(old) != _authority(new):
        warnings.append(
            f"different local authorities: {old.local_authority.name} and "
            f"{new.local_authority.name}"
        )
    od, nd = _date(old), _date(new)
    if od and nd and nd < od:
        warnings.append(
            f"the new report ({nd.isoformat()}) predates the old one ({od.isoformat()})"
        )
    overall, rows, note = _judgements(old, new)
    old, new = _own_items(old, "old", warnings), _own_items(new, "new", warnings)
    m = _Matcher(old, new)
    return ReportDiff(
        old=_side(old),
        new=_side(new),
        grades_note=note,
        overall=overall,
        judgements=rows,
        improvement_areas=_improvement_areas(m, old, new),
        findings=_findings(m, old, new),
        warnings=warnings,
    )
