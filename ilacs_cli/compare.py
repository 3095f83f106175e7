"""Compare two reports on the same authority: ``diff(old, new) -> ReportDiff``.

Pure library (no Typer, no rich) and deterministic: the same two reports always give the
same diff. Three parts:

- **Judgements**: each area's old grade -> new grade (``improved`` / ``declined`` /
  ``unchanged``), mapped across frameworks (the 2023 split of children in care and care
  leavers, the 2014-18 SIF areas); ``not_graded`` when either report has no grades (a
  focused or monitoring visit), never "declined"; grades compare only where the area
  table says they do (:func:`ilacs_cli.vocabulary.comparability`), otherwise
  ``not_comparable`` with the indicative reading in the note.
- **Improvement areas**: a ledger of the old report's "What needs to improve" items
  (``addressed`` / ``persisting`` / ``unclear`` / ``not_mentioned``, each with a confidence)
  and the new report's own items (``new``), each with the sentences that decided it (finding
  number and pages). The item's subject comes first (its head phrase, not its side
  phrases); the new report's sentences on that subject are retrieved by IDF-weighted
  coverage; the new list restating it, back-references ("This was previously an area for
  improvement") and blanket statements about the last list decide before the balance of
  clause-level stances (negation with scope, contrast, Ofsted's evaluative phrases).
- **Findings**: per judgement area, sentences on the same subject whose stance changed
  (stronger / weaker), and themes that only one report mentions.

The domain vocabulary (``ilacs_cli.themes.SUBJECTS``, under the practice themes of
``ilacs_cli.themes.THEMES``: PLO = public law outline = pre-proceedings, IRO, LADO, care
leavers, front door, ...) ties synonyms and abbreviations together. The ledger
was measured against independent readers' labels (tests/diff_eval.py, README).
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
from .themes import GRADED_UNDER, SUBJECTS, Subject
from .themes import themes_of as practice_themes_of
from .vocabulary import (
    FRAMEWORK_OF_KIND,
    VISIT_KINDS,
    Comparability,
    Framework,
    area_info,
    area_order,
    comparability,
    kind_words,
)

DIFF_SCHEMA_VERSION = "1"

__all__ = [
    "BASES",
    "DIFF_SCHEMA_VERSION",
    "Basis",
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
    "stance",
    "subject_of",
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
    #: the new report is on the subject but its evidence is weak or mixed: read it yourself
    UNCLEAR = "unclear"


class Basis(StrEnum):
    """What a ledger verdict rests on: a stable key for its ``reason``, to filter on. How
    often verdicts of each basis agree with a careful reader is measured against the
    labelled set (``make corpus``; the README's table): read a verdict with its basis."""

    RESTATED = "restated"
    BACK_REFERENCE = "back_reference"
    FINDINGS = "findings"
    MIXED = "mixed"
    FINDINGS_AND_GRADE = "findings_and_grade"
    FINDINGS_AGAINST_GRADE = "findings_against_grade"
    GRADE = "grade"
    BLANKET = "blanket"
    SILENT = "silent"
    SILENT_VISIT = "silent_visit"
    LSCB = "lscb"
    NEW = "new"


#: Each basis in words (a test checks that every basis has an entry; the README's table
#: of how often each agrees with a reader uses these keys).
BASES: dict[Basis, str] = {
    Basis.RESTATED: "the new report's own list raises the item again",
    Basis.BACK_REFERENCE: "a sentence of the new report says what became of it since the last "
    "inspection",
    Basis.FINDINGS: "the balance of the new report's sentences on its subject",
    Basis.MIXED: "sentences on its subject that point both ways (unclear)",
    Basis.FINDINGS_AND_GRADE: "mixed sentences, settled by the new grade for that practice",
    Basis.FINDINGS_AGAINST_GRADE: "sentences that the new grade for that practice contradicts "
    "(unclear)",
    Basis.GRADE: "no sentence on it, in an inspection grading that practice good or better",
    Basis.BLANKET: "a statement about the whole of the last list",
    Basis.SILENT: "no sentence of the new inspection on its subject",
    Basis.SILENT_VISIT: "no sentence of the new visit on its subject (a visit has its own focus)",
    Basis.LSCB: "a recommendation to the LSCB, which the new report does not inspect",
    Basis.NEW: "an item of the new report's list that the old one did not have",
}


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
    themes: list[str] = Field(
        default_factory=list,
        description="The finer subjects it is on (names in ilacs_cli.themes.SUBJECTS).",
    )
    practice_themes: list[str] = Field(
        default_factory=list,
        description="Its practice themes (names in ilacs_cli.themes.THEMES, as in the "
        "report JSON, `ilacs themes` and export).",
    )
    evidence: list[Evidence] = Field(
        default_factory=list, description="The new report's sentences that decided the status."
    )
    related: list[Evidence] = Field(
        default_factory=list,
        description="For new improvement areas: the old report's findings on the subject.",
    )
    confidence: float | None = Field(
        default=None,
        description="0-1: how sure the verdict is (how squarely the evidence is on the "
        "subject and how one-sided it is); null for new items.",
    )
    subject: str | None = Field(
        default=None, description="The item's head phrase: what its evidence is about."
    )
    basis: Basis | None = Field(
        default=None,
        description="What the verdict rests on (a key of ilacs_cli.compare.BASES): how far to "
        "trust it is measured per basis in the README.",
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


# The subjects inspectors write about live in ilacs_cli/themes.py (SUBJECTS), under the
# practice themes they belong to: one vocabulary for themes, search and the diff.
THEMES: tuple[Subject, ...] = SUBJECTS
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


def _practice_themes(text: str) -> list[str]:
    """The practice themes an item names, as the report JSON gives them."""
    return [hit.name for hit in practice_themes_of(text)]


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
    ensure response respond responded identification identify stage know knows known
    current currently relation regard regarding respect""".split()
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
    outstanding diligent meticulous rigorous rigorously careful carefully tenacious insightful
    astute dedicated committed responsive creative exceptional exceptionally excellent
    innovative well-considered child-centred attentive""".split()
)
_NEGATIVE = frozenset(
    """weak weaker weakness weaknesses poor poorly inconsistent inconsistency inconsistently
    variable variability variably insufficient insufficiently limited underdeveloped
    fragile gap gaps shortfall shortfalls failure failed fail fails unclear unable
    ineffective lack lacks lacking delay delays delayed drift deterioration deteriorated
    declined decline concern concerns inadequate slow slower too mixed hindered undermined
    undermines struggling uneven missed unnecessary unnecessarily inaccurate little
    inappropriately inappropriate confusing haphazard superficial cursory unsafe unsuitable
    patchy piecemeal disjointed fragmented unreliable overlooked lapsed stubbornly worsened
    hampered impeded""".split()
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
        u.polarity = stance(u.text)  # clause by clause (see stance)
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


_VISITS = VISIT_KINDS


def _kind_words(report: Report) -> str:
    return kind_words(report.kind)


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

_SIM_RELEVANT = 0.12  # a sentence is on an improvement area's subject...
_SUBJECT_SHARE = 0.35  # the share of a text's theme weight that must be in common
_SIM_ALONE = 0.35  # ...or, with fewer than two themes or words in common, this similar
_RARE_SHARE = 0.05  # a theme in at most this share of sentences is rare
_ECHO = 0.15  # an unchanged echo this much more similar than a changed one wins
_SIM_PAIR = 0.25  # two findings sentences are on the same subject
_EVIDENCE = 3
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


# --------------------------------------------------------------------------- the ledger
#
# Each of the old report's improvement items is read for its subject first (its head
# phrase: "The quality of supervision" in "The quality of supervision, including for early
# help"), then the new report's sentences about that subject are retrieved (IDF-weighted
# coverage of the subject's words and vocabulary themes, BM25-style: a word common in the
# new report says little), and only those are weighed, clause by clause.

#: Where a side phrase or a purpose begins: what follows is not the item's subject.
_SIDE = re.compile(
    r",?\s+(?:including|includ\w+ for|particularly|especially|in particular|notably"
    r"|so that|in order to|to ensure|to enable|to reduce|to increase|to improve|to support"
    r"|to prevent|to make|to demonstrate|to promote|to inform|to secure|to meet|to provide"
    r"|to help|to identify|to better|to strengthen|to achieve|to evidence|to assure|to drive"
    r"|to allow|ensuring|which|and that|and ensure|as well as|for example|such as|with a"
    r" focus|that (support|supports|help|helps|enable|enables|inform|informs|promote|promotes"
    r"|meet|meets|reduce|reduces|improve|improves|ensure|ensures))\b"
    r"|\s+[-–—(]\s*|[;:]\s|\.\s",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:urgently\s+|as a priority,?\s+)?(?:ensure|improve|strengthen|develop|review|make sure"
    r"|increase|reduce|establish|embed|continue to|undertake|evaluate|monitor|address"
    r"|analyse|analyze|implement|introduce|agree|clarify|consider|provide|put in place"
    r"|work with|use(?! of))"
    r"(?:\s+(?:that|the|all|how|whether))*\s+",
    re.IGNORECASE,
)
_HEAD_MIN_STEMS = 2


@dataclass(frozen=True)
class _Subject:
    head: str
    stems: frozenset[str]  # content stems of the head
    rest: frozenset[str]  # content stems of the side phrases
    free: frozenset[str]  # head stems outside the vocabulary's phrases (what is said of it)
    themes: frozenset[str]  # subject themes of the head (or of the whole, if none)
    aspects: frozenset[str]  # aspect themes (delay, oversight ...) of the whole item
    side: frozenset[str] = frozenset()  # subject themes of the side phrases


def _subject(text: str) -> _Subject:
    """What an improvement item is about: its head phrase, before side phrases."""
    body = _LEAD.sub("", text.strip())
    m = _SIDE.search(body)
    head = body[: m.start()] if m else body
    if len(set(_stems(head)) - _GENERIC) < _HEAD_MIN_STEMS and m:
        # a bare head ("Strategy discussions") keeps its first side phrase's words apart
        head = head if _subjects(_themes(head)) else body
    all_themes = set(_themes(text))
    # the head's own subjects only: a side phrase's theme ("including early help") is not
    # what the item is about; a head without one is found by its words
    head_themes = _subjects(_themes(head))
    stems = frozenset(_stems(head)) - _GENERIC
    rest = frozenset(_stems(body)) - stems - _GENERIC
    return _Subject(
        head.strip(" ,."),
        stems,
        rest,
        _free_stems(head),
        frozenset(head_themes),
        frozenset(all_themes - _SUBJECTS),
        frozenset(_subjects(all_themes) - head_themes),
    )


# "X and the Y" coordinates two noun phrases; "assessment and support for care leavers'
# health" shares its modifier, so only a determiner after "and" (or a list's comma) splits
_CONJUNCTION = re.compile(
    r",\s*(?:and\s+)?|\s+and\s+(?=(?:the|a|an|their|its|all|how|whether|that)\s)",
    re.IGNORECASE,
)


def _conjuncts(s: _Subject, index: _Index | None = None) -> list[_Subject]:
    """The parts of a coordinated head ("Placement stability and the number of children
    living far from home"), each a subject of its own: a sentence on one of them is on the
    item. Only parts that each name a subject theme, two content words, or one word rare in
    the new report (``index``) count."""
    parts = [p for p in _CONJUNCTION.split(s.head) if p.strip()]
    if len(parts) < 2:
        return []
    out = []
    for part in parts:
        stems = frozenset(_stems(part)) - _GENERIC
        themes = frozenset(_subjects(_themes(part)))
        if not themes and stems <= _ASPECT_STEMS:
            return []  # "The timeliness, quality and impact of X": aspects of one subject
        rare = (
            index is not None
            and len(stems) == 1
            and all(t in index.idf and index.weight(t) > _RARE_WORD for t in stems)
        )
        if not themes and len(stems) < 2 and not rare:
            return []  # "assessments and plans": a common word is not a subject alone
        out.append(
            _Subject(
                part.strip(" ,."),
                stems,
                (s.stems | s.rest) - stems,
                _free_stems(part),
                themes,
                s.aspects,
                (s.themes | s.side) - themes,
            )
        )
    return out


_ASPECT_WORDS = (
    "quality|timeliness|consistency|robustness|effectiveness|impact|frequency|sufficiency"
    "|recording|availability|range|stability|capacity|pace|accuracy|rigour|depth|regularity"
)
_HEAD_ASPECTS = re.compile(
    rf"^(?:the\s+)?((?:(?:{_ASPECT_WORDS})(?:,\s*|\s+and\s+)?)+)\s+(?:of|with)\b", re.IGNORECASE
)


_ASPECT_STEMS = frozenset(_stems(_ASPECT_WORDS.replace("|", " ")))


def _head_aspects(head: str) -> frozenset[str]:
    """What of its subject a head names first ("The quality and timeliness of plans" ->
    quality, timeliness); empty when it names none."""
    m = _HEAD_ASPECTS.match(head.strip())
    if not m:
        return frozenset()
    return frozenset(w.lower() for w in re.findall(_ASPECT_WORDS, m.group(1), re.IGNORECASE))


def _first_subject(text: str) -> str | None:
    """The subject theme named first in ``text`` (its head noun, usually)."""
    low = text.lower()
    best: tuple[int, str] | None = None
    for name in _subjects(_themes(text)):
        m = _THEME_BY_NAME[name].pattern.search(low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def subject_of(text: str) -> str:
    """An improvement item's subject: its head phrase, without side phrases and purposes
    ("The quality of supervision" for "The quality of supervision, including for early
    help, to ensure ...")."""
    return _subject(_item_text(text)).head


class _Index:
    """The new report's sentences as a small retrieval index: document frequencies of
    stems and themes, for IDF weights (a word or theme in half of the sentences is
    almost no evidence of being on a subject)."""

    def __init__(self, units: list[_Unit]) -> None:
        self.units = units
        df: Counter[str] = Counter()
        self.terms: dict[int, frozenset[str]] = {}
        for u in units:
            terms = frozenset(_stems(u.text)) | {"#" + t for t in u.themes}
            self.terms[id(u)] = terms
            df.update(terms)
        n = max(len(units), 1)
        # BM25's idf, floored so that a very common term still counts a little
        self.idf = {t: max(0.05, math.log(1 + (n - c + 0.5) / (c + 0.5))) for t, c in df.items()}
        self.default = math.log(1 + (n + 0.5) / 0.5)
        self._rarest: dict[frozenset[str], str] = {}

    def rarest(self, themes: frozenset[str]) -> str:
        """The theme of ``themes`` fewest of these sentences name (ties: by name)."""
        if themes not in self._rarest:
            self._rarest[themes] = max(sorted(themes), key=lambda t: self.weight("#" + t))
        return self._rarest[themes]

    def weight(self, term: str) -> float:
        # a term the new report never uses ("MARAT" after the front door was renamed)
        # weighs in a query as a rare one, not as the rarest possible
        return self.idf.get(term, _ABSENT * self.default)


def _query(s: _Subject) -> dict[str, float]:
    q: dict[str, float] = {}
    for t in s.stems:
        q[t] = 1.0
    for t in s.rest:
        q.setdefault(t, 0.25)
    for t in s.themes:
        q["#" + t] = 2.0
    for t in s.aspects:
        q.setdefault("#" + t, 0.5)
    return q


def _relevance(index: _Index, q: dict[str, float], terms: frozenset[str]) -> float:
    """IDF-weighted share of the query found in a sentence (0..1), against the query's
    strongest terms only: a long item is not less findable than a short one."""
    weights = sorted((w * index.weight(t) for t, w in q.items()), reverse=True)
    total = sum(weights[:_QUERY_TERMS])
    if not total:
        return 0.0
    found = sum(w * index.weight(t) for t, w in q.items() if t in terms)
    return min(1.0, found / total)


# Stance, clause by clause ---------------------------------------------------------------

_CONTRAST = re.compile(
    r"(?:^|[,;]\s*|\s)(?:however|but|although|though|while|whilst|yet|despite|nevertheless"
    r"|notwithstanding|except)\b[,]?\s*",
    re.IGNORECASE,
)
_CONCESSIVE = frozenset({"although", "though", "while", "whilst", "despite", "notwithstanding"})
_CONCEDING = frozenset({"despite", "notwithstanding"})

#: Ofsted's evaluative phrases, beyond single cue words (matched on lower-cased text).
_EVALUATIVE: tuple[tuple[re.Pattern[str], float, bool], ...] = tuple(
    (re.compile(p), w, consume)
    for p, w, consume in (
        # (phrase, weight, whether it uses up its words: "not always timely" is one verdict,
        # not "not always" and then "timely")
        (r"\btoo (young|old)\b", 0.0, True),  # an age, not a judgement
        # "too compliance-focused to be driving improved practice": what follows "too X
        # to" does not happen, so its good words are not good news
        (r"\btoo (?!young\b|old\b)[\w-]+ to (be )?[a-z]+ing\b[^.;,]*", -2.0, True),
        (r"\btoo (many|few|long|slow|often|much|variable|early|soon)\b", -1.5, True),
        # negation over coordinated cue words: "not consistent or effective"
        (
            r"\bnot (always |yet |consistently |sufficiently |routinely |as )?(consistent|effective"
            r"|good|strong|timely|robust|clear|sufficient|embedded|purposeful|thorough"
            r"|comprehensive|proportionate|well|prompt|swift|regular|focused|appropriate)\w*"
            r"( (or|nor) \w+)?",
            -1.5,
            True,
        ),
        (
            r"\bnot (yet|always|consistently|all|sufficiently|routinely|fully|well|been|enough)\b",
            -1.5,
            True,
        ),
        (r"\b(is|are|was|were|has|have) not yet\b", -1.0, True),
        (
            r"\bdo(es)? not\b|\bdid not\b|\bhas not\b|\bhave not\b|\bare not\b|\bis not\b",
            -0.5,
            False,
        ),
        (r"\black of\b|\black\b|\babsence of\b", -1.0, True),
        # "some children continue to experience the impact of changes of social worker"
        (
            r"\bcontinues? to (wait|be affected)\b|\bcontinues? to (experience|face) (the impact"
            r"|delays?|drift|changes|too|a lack|difficult|poor|inconsistent|high|long|gaps)",
            -1.5,
            True,
        ),
        (r"\bremains? (a|an) (area|weakness|concern|challenge)", -2.0, True),
        (
            r"\b(still|continue[sd]? to) (be )?(an? )?"
            r"(area|weak|inconsistent|variable|poor|limited)",
            -2.0,
            True,
        ),
        (r"\bmore (work|progress) (is|needs|to)|\bmore to do\b|\bfurther work\b", -1.5, True),
        (
            r"\b(requires?|required|needs?|needed) (further |significant |more |some )?"
            r"(improvement|development|strengthening|attention|work)\b",
            -2.0,
            True,
        ),
        (
            r"\bneeds? to (further |continue to )?(support|improve|develop|strengthen|ensure"
            r"|increase|reduce|address)\b"
            r"|\b(is|are) (very |fully |acutely )?aware (that|of the need)\b"
            r"|\b(acknowledge|recognise|recognize|know)s? that (there is|more|further|it needs)",
            -1.0,
            True,
        ),
        (r"\bstrengths and difficulties questionnaires?\b", 0.0, True),
        (
            r"\b(could|should|would|needs? to|need to) (be )?(further |more )?"
            r"(strengthened|improved|developed|enhanced|better|clearer|stronger)\b"
            r"|\bwould benefit from\b",
            -1.5,
            True,
        ),
        (
            r"\b(are|is) (currently |now )?(refining|developing|reviewing|planning|working to"
            r"|beginning to|starting to)\b|\bnot yet (fully )?(embedded|evident|realised)",
            -0.75,
            True,
        ),
        (
            r"\bwork is (under ?way|ongoing|in progress)|\bat an early stage\b|\bin its infancy\b",
            -1.0,
            True,
        ),
        (
            r"\bhave (been )?(significantly |considerably )?improved\b|\bhas (been )?"
            r"(significantly |considerably )?improved\b|\bimprovements? (in|to)\b",
            1.5,
            True,
        ),
        (r"\bnow\b", 0.5, False),
        (
            r"\bwell (established|embedded|developed|coordinated|managed|supported|attended)\b",
            1.0,
            True,
        ),
        (r"\b(good|strong|effective|high) quality\b", 1.0, True),
        (
            r"\bin a timely (way|manner)\b|\bwithout (delay|drift)\b|\bno (delay|drift)\b",
            1.5,
            True,
        ),
        (
            r"\bprevent(s|ed|ing)? (them|children|young people|him|her) from( \w+){0,3}",
            -2.0,
            True,
        ),
    )
)


def _clauses(text: str) -> list[tuple[str, float]]:
    """A sentence in clauses, each with its weight: the clause after a contrast ("However,
    ...", "..., but ...") or the main clause after a concession ("Although ..., ...")
    carries the sentence's verdict."""
    parts: list[tuple[str, float]] = []
    last = 0
    marker = ""
    for m in _CONTRAST.finditer(text):
        chunk = text[last : m.start()].strip()
        if chunk:
            parts.append((chunk, marker))  # type: ignore[arg-type]
        marker = m.group(0).strip(" ,;").lower()
        last = m.end()
    parts.append((text[last:].strip(), marker))  # type: ignore[arg-type]
    out: list[tuple[str, float]] = []
    for k, (chunk, mark) in enumerate(parts):
        if mark in _CONCESSIVE and k > 0:
            # after a main clause, "X, although Y" is a caveat that qualifies X, as "but"
            # is; "X, despite Y" concedes Y and X stands
            out.append((chunk, 0.3 if mark in _CONCEDING else 1.5))
        elif mark in _CONCESSIVE:
            # "although X, Y": X is conceded; the main clause after its comma weighs more
            conceded, _, main = chunk.partition(",")
            out.append((conceded, 0.6))
            if main.strip():
                out.append((main, 1.5))
        elif mark:
            out.append((chunk, 1.5))
        else:
            out.append((chunk, 1.0 if len(parts) == 1 else 0.8))
    return [(c, w) for c, w in out if c.strip()]


#: Where a clause turns to its purpose ("... so that it supports a more robust oversight"):
#: the words after it say what is aimed at, not what is so.
_PURPOSE = re.compile(r"\b(so that|in order to|to ensure|to enable|with the aim of|aimed at)\b")


def clause_polarity(text: str) -> float:
    """Good (> 0) or bad (< 0) news in one clause: Ofsted's evaluative phrases, then cue
    words with negation in scope (see :func:`polarity`); a purpose ("so that ...",
    "to ensure ...") counts for little."""
    low = text.lower().replace("’", "'")
    aim = _PURPOSE.search(low)
    if aim and aim.start() > 0:
        return clause_polarity(low[: aim.start()]) + 0.25 * clause_polarity(low[aim.end() :])
    score = 0.0
    for pattern, weight, consume in _EVALUATIVE:
        found = len(pattern.findall(low))
        if found:
            score += weight * found
            if consume:
                low = pattern.sub(" ", low)
    return score + polarity(low)


def stance(text: str, subject: _Subject | None = None) -> float:
    """A sentence's verdict, clause by clause: clauses on the subject count fully, others
    half; the clause after a contrast weighs more."""
    total = 0.0
    seen_subject = False
    clauses = [(c, w, clause_polarity(c)) for c, w in _clauses(text)]
    # "For most children X is good, but for a few Y": a minority's shortfall beside the
    # majority's good news is the exception, not the verdict
    most = len(clauses) > 1 and any(p > 0 and _MOST.search(c) for c, _, p in clauses)
    for clause, weight, polarity_ in clauses:
        on = 1.0
        if subject is not None:
            stems = set(_stems(clause))
            themes = _subjects(_themes(clause))
            if stems & subject.stems or themes & subject.themes:
                seen_subject = True
            elif themes or not seen_subject:
                # on another subject, or before the subject is named; a clause with no
                # subject of its own after one on it ("..., although frequency is
                # inconsistent") goes on about the same thing
                on = 0.5
        if polarity_ > 0 and _FEW.search(clause):
            # good news for "some children" says it is not so for the rest
            polarity_ *= _FEW_SHARE
        elif polarity_ < 0 and most and _FEW.search(clause) and not _MOST.search(clause):
            polarity_ *= _EXCEPTION_SHARE
        total += weight * on * polarity_
    return total


#: Ofsted's quantifiers for a minority ("some", "a few", "a small number of" children).
_FEW = re.compile(
    r"\b(some|a few|a small number of|a minority of|few|not all)\b(\s+\w+)?\s+"
    r"(children|young people|care leavers|families|parents|social workers|staff|workers)\b"
    r"|\bfor (some|a few|a small number)( of)? (children|young people|them|families)\b"
    r"|(^|,)\s*for (some|a few),",
    re.IGNORECASE,
)
_MOST = re.compile(
    r"\b(most|the (large |vast )?majority of|almost all|nearly all)\b", re.IGNORECASE
)
_EXCEPTION_SHARE = 0.3
_FEW_SHARE = 0.0  # good news for a minority does not show the weakness is gone


# Back-references and blanket statements --------------------------------------------------

_BACK_POSITIVE = re.compile(
    r"previously (been )?(identified as |raised as )?(an? )?(area|weakness|shortfall|concern"
    r"|recommendation)"
    r"|(was|were) (an? )?(area|areas) (for|of) (improvement|development|concern) at the "
    r"(last|previous)"
    r"|(area|areas) (of|for) (significant |considerable |notable )?improvement since"
    r"|(?<!no )(?<!not )(?<!little )(?<!without )(significant|notable|considerable|marked"
    r"|substantial|good) (improvements?|progress)( (in|to) [^.;]{0,60})? since the (last|previous)"
    r"|(significant|notable|considerable|marked|substantial|good) (improvement|progress) since"
    r"|(improved|strengthened|addressed|progressed|developed|enhanced|better)"
    r"( significantly| considerably| substantially)? since the (last|previous)"
    r"|since the (last|previous) (inspection|focused visit|visit|monitoring visit)[^.]{0,60}"
    r"\b(has|have) (been )?(improved|strengthened|addressed)"
    r"|(has|have) (now )?been (addressed|resolved)",
    re.IGNORECASE,
)
_BACK_NEGATIVE = re.compile(
    r"(still|yet|remain\w*) to be (fully )?(addressed|improved|resolved|tackled)|"
    r"(still|remains?|continues? to be|is still) (an? )?(area|weakness|concern) (for|of|which)"
    r"|(remains?|is still) an area (for|of|requiring)"
    r"|(have|has) not (yet )?(been )?(sufficiently |fully |effectively )?(addressed|improved|"
    r"progressed|resolved)"
    r"|(deteriorat\w*|declined) since the (last|previous)"
    r"|little (or no )?progress|limited progress|not (made|seen) (enough|sufficient) progress"
    r"|\bno (significant |real |notable )?(improvement|progress)"
    r"|(identified|raised|found) at the (last|previous) (inspection|visit)[^.]{0,80}"
    r"\b(remain|persist|still|continue)",
    re.IGNORECASE,
)
_BLANKET_NEGATIVE = re.compile(
    r"(not all|none of the|few of the|some of the|the) (areas?|recommendations|weaknesses|"
    r"shortfalls)[^.]{0,90}\b(have|has) not (yet )?(been )?(fully |sufficiently |"
    r"systematically |consistently )?addressed"
    r"|not all (the )?(areas?|recommendations)[^.]{0,60}\b(have|has) been (fully )?addressed"
    r"|(areas?|recommendations|shortfalls|weaknesses)[^.]{0,60}(last|previous|since \d{4}|in "
    r"\d{4})[^.]{0,60}\b(remain relevant|remain|have not (yet )?(been )?(fully |"
    r"systematically )?addressed|are still present|is still present)"
    r"|poor practice previously identified is still present",
    re.IGNORECASE,
)
_BLANKET_POSITIVE = re.compile(
    r"(all|most) (of )?(the )?(areas?|recommendations)[^.]{0,40}(last|previous)[^.]{0,40}"
    r"\b(have|has) been (addressed|acted upon|met)"
    r"|(?<!\bof )(?<!\bnot all )(?<!\bsome )(?<!\bfew )\bthe (areas? (for|of) (improvement"
    r"|development|priority action)"
    r"|recommendations)[^.]{0,80}\b(last|previous|in \d{4})\b[^.]{0,60}\b(have|has) (all )?"
    r"been (successfully |fully |effectively |largely )?(addressed|acted upon|met|tackled)"
    r"(?![^.]*\b(but|however|although|except|other)\b)"
    r"|(have|has) (addressed|responded to) (all|most) (of )?(the )?(areas?|recommendations)",
    re.IGNORECASE,
)


# Thresholds (set on the development pairs only; see tests/diff_eval.py) -----------------

_ABSENT = 0.5  # weight of a query term absent from the new report, against the rarest
_QUERY_TERMS = 5  # a query's strength: its five strongest terms
_NEGATIVE_WEIGHT = 1.5  # a weakness on the subject outweighs a strength (the readers' rule)
_NO_FREE = 0.7  # a sentence on the head's theme without any of its other words
_FOLLOW_SHARE = 0.9  # a sentence that goes on with the one before takes this share of its
_REL_DONE = 0.6  # a plain statement this squarely on the subject says the thing is done...
_DONE = 0.5  # ...and counts as this much good news
_CONFIDENT = 0.2  # a balance verdict less sure than this is unclear
_NO_FREE_SPECIFIC = 0.5  # ...and when the head's own words weigh more than its theme
_OTHER_SUBJECT = 0.8  # a sentence also on a subject the item does not name
_REL_ON = 0.34  # a sentence this much of the subject's weight is about it
_REL_KEEP = 0.6  # ...and sentences under this share of the best one's are left aside
_REL_RESTATED = 0.5  # an item of the new list this close to the subject restates it
_WEIGH = 5  # sentences weighed
_CLEAR = 0.35  # |balance| / weight of the evidence under which the verdict is unclear
_DISSENT_REL = 0.25  # a sentence this near the subject that judges it a weakness...
_DISSENT = 2.0  # ...this clearly makes a balance of good news unclear
_RARE_WORD = 2.5  # an idf this high makes one word a subject (in few of the sentences)
_MISSING_RARE = 0.6  # a sentence without the rarest of the item's several subjects
_CONJUNCT = 0.9  # a sentence squarely on one part of a coordinated head
_BACK_REL = 0.25  # a back-reference on the subject at this relevance decides
_MIDDLE = 2  # the rank of "requires improvement" (and "adequate"): a grade that leans neither way
_BY_GRADE = 0.35  # the confidence of a verdict the new report's grade settles
_LOWEST, _HIGHEST = 1, 4  # the ranks of "inadequate" and "outstanding"
_WHOLE_SERVICE = (Framework.ILACS, Framework.SIF)  # frameworks that grade every part of it


@dataclass
class _Hit:
    rel: float
    unit: _Unit
    stance: float


def _on_subject(index: _Index, s: _Subject, q: dict[str, float], u: _Unit, m: _Matcher) -> float:
    """How much a sentence is about the subject (0 when it is not): its own relevance,
    or, for a sentence without a subject of its own, part of its paragraph's."""
    terms = index.terms[id(u)]
    rel = _relevance(index, q, terms)
    if s.free and not s.free & terms:
        # on the theme, but none of the head's own words: when those words are most of
        # what the item says ("the offer of an independent visitor" to children in care),
        # a sentence on children in care in general is not about it
        free = sum(index.weight(t) for t in s.free)
        theme = sum(q["#" + t] * index.weight("#" + t) for t in s.themes)
        rel *= _NO_FREE if free <= theme else _NO_FREE_SPECIFIC
    own = _subjects(u.themes)
    if len(s.themes) > 1:
        if index.rarest(s.themes) not in own and not s.free & terms:
            # "assessments of children in private fostering arrangements": a sentence on
            # assessments alone is not on them
            rel *= _MISSING_RARE
    if own - s.themes - s.side:
        # also on a subject the item does not name ("early help assessments" for an item
        # on assessments): likely about that other thing
        rel *= _OTHER_SUBJECT
    if s.themes:
        if not own & s.themes:
            if own:
                # a sentence on another subject: only its words in common count, lightly,
                # and not words for what of a subject ("timeliness of core groups" for an
                # item on the timeliness of return home interviews)
                return 0.0 if not (s.stems - _ASPECT_STEMS) & terms else rel * 0.5
            # no subject of its own: "They are reviewed regularly" takes its paragraph's
            para_themes = _subjects(m.para(u).themes)
            if not para_themes & s.themes:
                return 0.0
            return 0.5 * rel + 0.3 * _relevance(
                index, q, frozenset(_stems(m.para(u).text)) | {"#" + t for t in para_themes}
            )
        return rel
    # no vocabulary theme: words of the head in common, at least two (or one rare one)
    common = s.stems & terms
    if len(common) < 2 and not any(index.weight(t) > 2.5 for t in common):
        return 0.0
    return rel


def _ledger(
    m: _Matcher, old: Report, new: Report, new_ias: list[tuple[int, str, list[str]]]
) -> tuple[list[ImprovementAreaChange], set[int]]:
    body = [u for u in m.new_units if u.source != "improvement_area"]
    index = _Index(body)
    blanket_neg = [u for u in body if _BLANKET_NEGATIVE.search(u.text)]
    blanket_pos = [u for u in body if _BLANKET_POSITIVE.search(u.text)] if not blanket_neg else []
    new_lscb = any(ia.area == Area.LSCB for ia in new.improvement_areas) or any(
        f.area == Area.LSCB for f in new.findings
    )
    new_index = _Index([u for u in m.new_units if u.source == "improvement_area"] or body)
    out: list[ImprovementAreaChange] = []
    restated: set[int] = set()
    new_subjects = {j: _subject(ntext) for j, ntext, _ in new_ias}
    for i, ia in enumerate(old.improvement_areas, 1):
        text = _item_text(ia.text)
        themes = themes_of(text)
        base = {
            "old_index": i,
            "old_text": ia.text,
            "themes": themes,
            "practice_themes": _practice_themes(ia.text),
        }
        if ia.area == Area.LSCB and not new_lscb:
            out.append(
                ImprovementAreaChange(
                    status=ImprovementStatus.NOT_MENTIONED,
                    basis=Basis.LSCB,
                    reason="a recommendation to the LSCB, which the new report does not "
                    "inspect (the LSCB has no successor)",
                    confidence=0.9,
                    **base,
                )
            )
            continue
        s = _subject(text)
        q = _query(s)
        graded = _graded_for(new, text, s.head)
        # 1. the new report raises it again
        best_j: tuple[float, int] | None = None
        old_aspects = _head_aspects(s.head)
        for j, _ntext, _nthemes in new_ias:
            # head against head: "written records, including timely assessments" does not
            # restate an item on assessments
            ns = new_subjects[j]
            head_themes = _subjects(_themes(ns.head))
            if s.themes and not s.themes & head_themes:
                continue
            # each head's first-named subject (its head noun) is the other's subject too:
            # "strategy meetings in assessment teams" is not restated by "the timeliness
            # of all assessments, plans, supervision"
            first_old, first_new = _first_subject(s.head), _first_subject(ns.head)
            if (
                first_old
                and first_new
                and (first_old not in head_themes or first_new not in s.themes | s.side)
            ):
                continue
            # "the quality of strategy discussions" is not restated by "the timeliness ...
            # with which strategy meetings are held": both name what of it, and differ
            new_aspects = _head_aspects(ns.head)
            if old_aspects and new_aspects and not old_aspects & new_aspects:
                continue
            nterms = ns.stems | {"#" + t for t in head_themes}
            rel = _relevance(new_index, q, nterms)
            common = s.stems & nterms
            # without themes, the words: at least two of the head's in common
            head_share = len(common) / max(len(s.stems), 1) if len(common) >= 2 else 0.0
            score = max(rel, head_share if not s.themes else 0.0)
            if score >= _REL_RESTATED and (best_j is None or score > best_j[0]):
                best_j = (score, j)
        hits: list[_Hit] = []
        rels: dict[tuple[tuple[str, int], int], float] = {}
        recall: dict[tuple[tuple[str, int], int], float] = {}
        parts = [(c, _query(c)) for c in _conjuncts(s, index)]
        for u in body:
            rel = _on_subject(index, s, q, u, m)
            for c, cq in parts:
                rel = max(rel, _CONJUNCT * _on_subject(index, c, cq, u, m))
            # "However, ..." and "These ..." go on with the sentence before them
            prev = rels.get((u.para_key, u.position - 1), 0.0)
            own = _subjects(u.themes)
            recalled = recall.get((u.para_key, u.position - 1), 0.0)
            if recalled:
                # the verdict after "A recommendation from the 2017 inspection had been to ..."
                rel = max(rel, recalled)
                recall[(u.para_key, u.position)] = _FOLLOW_SHARE * recalled
            elif prev and _FOLLOWS.match(u.text) and (not own or own & s.themes):
                rel = max(rel, _FOLLOW_SHARE * prev)
            rels[(u.para_key, u.position)] = rel
            if _RECALL.search(u.text):
                if rel >= _REL_ON:
                    recall[(u.para_key, u.position)] = rel
                continue  # it restates the old item: no verdict of its own
            if rel >= _BACK_REL:
                h = _Hit(rel, u, stance(u.text, s))
                if h.stance == 0 and rel >= _REL_DONE and not _NEGATION.search(u.text):
                    h.stance = _DONE  # "Care leavers are given their health histories"
                hits.append(h)
        hits.sort(key=lambda h: (-h.rel, h.unit.para_key, h.unit.position))
        if best_j is not None:
            score, j = best_j
            restated.add(j)
            ev = [
                Evidence(
                    source="improvement_area",
                    paragraph=j,
                    text=new.improvement_areas[j - 1].text,
                    polarity="negative",
                    similarity=_r(score),
                )
            ]
            ev += [_hit_evidence(h) for h in hits if h.stance < 0 and h.rel >= _REL_ON][:2]
            out.append(
                ImprovementAreaChange(
                    status=ImprovementStatus.PERSISTING,
                    basis=Basis.RESTATED,
                    new_index=j,
                    new_text=new.improvement_areas[j - 1].text,
                    reason=f"the new report raises it again (improvement area {j})",
                    evidence=ev,
                    confidence=_r(min(0.95, 0.6 + score / 2)),
                    subject=s.head,
                    **base,
                )
            )
            continue
        # 2. an explicit back-reference on the subject decides
        back = _back_reference(m, index, s, q, body)
        if back is not None:
            ev0, sign, rel, key = back
            status = ImprovementStatus.ADDRESSED if sign > 0 else ImprovementStatus.PERSISTING
            ev = [ev0] + [
                _hit_evidence(x) for x in hits if x.unit.para_key != key and x.rel >= _REL_ON
            ][: _EVIDENCE - 1]
            out.append(
                ImprovementAreaChange(
                    status=status,
                    basis=Basis.BACK_REFERENCE,
                    reason="the new report states progress on it since the last inspection"
                    if sign > 0
                    else "the new report says it is still a weakness since the last inspection",
                    evidence=ev,
                    confidence=_r(min(0.9, 0.6 + rel / 2)),
                    subject=s.head,
                    **base,
                )
            )
            continue
        on = [h for h in hits if h.rel >= _REL_ON]
        if on:
            on = [h for h in on if h.rel >= _REL_KEEP * on[0].rel][:_WEIGH]
        judged = [h for h in on if h.stance != 0]
        if not judged:
            if blanket_neg:
                out.append(_blanket(blanket_neg[0], s, base, on))
                continue
            if blanket_pos and not on:
                # only where the new report does not take the subject up at all
                out.append(_blanket(blanket_pos[0], s, base, on, done=True))
                continue
            if graded is not None and graded.rank > _MIDDLE:
                # an inspection of the whole service that judges the practice good and names
                # no weakness in it: done (silence under "inadequate" says nothing: such a
                # report dwells on the worst failures)
                out.append(_by_grade(graded, s, base, on))
                continue
            out.append(
                ImprovementAreaChange(
                    status=ImprovementStatus.NOT_MENTIONED,
                    basis=Basis.SILENT_VISIT if new.kind in _VISITS else Basis.SILENT,
                    reason=(
                        "the new report does not take up its subject"
                        if not on
                        else "the new report touches its subject without judging it"
                    )
                    + (f" (it is {_a(new)} with its own focus)" if new.kind in _VISITS else ""),
                    confidence=_r(0.8 if not on else 0.5),
                    subject=s.head,
                    **base,
                )
            )
            continue
        # 3. the balance of the new report's verdicts on the subject
        pos = sum(h.rel * min(3.0, h.stance) for h in judged if h.stance > 0)
        neg = _NEGATIVE_WEIGHT * sum(h.rel * min(3.0, -h.stance) for h in judged if h.stance < 0)
        balance = pos - neg
        if blanket_neg:
            balance -= 0.5 * (pos + neg)  # the new report says the old list is not done
        if blanket_pos:
            balance += 0.3 * (pos + neg)
        certainty = abs(balance) / (pos + neg)
        confidence = certainty * min(1.0, judged[0].rel + 0.3)
        shown = _shown_hits(judged, balance)
        # a clear weakness just under the bar for weighing ("Some young people wait too
        # long" against sentences of good news) makes "addressed" unsafe
        dissent = [
            h
            for h in hits
            if h not in judged and h.rel >= _DISSENT_REL and balance > 0 and h.stance <= -_DISSENT
        ]
        weak = certainty < _CLEAR or confidence < _CONFIDENT
        mixed = weak or bool(dissent)
        if dissent and not weak:
            shown = _shown_hits(judged, balance)[:2] + [_hit_evidence(dissent[0])]
        # which way the new grade for the practice leans (None: it does not, or the report
        # says its last list is not done, which the grade does not overrule)
        leans = None
        if graded is not None and graded.rank != _MIDDLE and not blanket_neg:
            leans = graded.rank > _MIDDLE
        if mixed and leans is not None and leans == (balance > 0):
            # mixed findings that lean the way the grade for the practice does
            status = ImprovementStatus.ADDRESSED if leans else ImprovementStatus.PERSISTING
            reason = f"the new report's findings on its subject are mixed, and it {graded.words}"
            confidence = _BY_GRADE
            basis = Basis.FINDINGS_AND_GRADE
        elif mixed:
            status = ImprovementStatus.UNCLEAR
            reason = "the new report's findings on its subject are mixed"
            basis = Basis.MIXED
        elif graded is not None and (graded.rank, balance > 0) in (
            (_LOWEST, True),
            (_HIGHEST, False),
        ):
            # good news on it in a service judged inadequate there (or the reverse in an
            # outstanding one): the sentences and the grade disagree
            status = ImprovementStatus.UNCLEAR
            basis = Basis.FINDINGS_AGAINST_GRADE
            confidence = min(confidence, _BY_GRADE)
            reason = (
                "the new report's findings on its subject are mostly "
                f"{'positive' if balance > 0 else 'negative'}, but it {graded.words}"
            )
        elif balance > 0:
            status = ImprovementStatus.ADDRESSED
            reason = "the new report's findings on its subject are mostly positive"
            basis = Basis.FINDINGS
        else:
            status = ImprovementStatus.PERSISTING
            reason = "the new report's findings on its subject are mostly negative"
            basis = Basis.FINDINGS
        if blanket_neg and status is not ImprovementStatus.UNCLEAR:
            reason += "; it says the last inspection's areas for improvement are not all done"
        out.append(
            ImprovementAreaChange(
                status=status,
                basis=basis,
                reason=reason,
                evidence=shown,
                confidence=_r(min(0.9, confidence)),
                subject=s.head,
                **base,
            )
        )
    return out, restated


#: A sentence that recalls the old report's item ("A recommendation from the 2017 judgement
#: inspection had been to ensure ..."): the verdict is in the sentences after it.
_RECALL = re.compile(
    r"\b(recommendations?|areas? for (improvement|development|priority action))\b[^.]{0,60}"
    r"\b(from|at|in|made|following) (the|its|their) ((\d{4}|last|previous|most recent) )?"
    r"(\w+ )?(inspection|visit)\b[^.]{0,30}\b(had been|was|were|is|to)\b"
    r"|\bin the (\d{4} |last |previous )?(\w+ )?inspection, (a|the) recommendation",
    re.IGNORECASE,
)
_FOLLOWS = re.compile(
    r"^(however|but|although|though|despite|nevertheless|this|these|that|those|it|they|such"
    r"|there is|there are|in addition|additionally|also|equally|conversely)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(not|no|never|none|without|cannot|nor)\b|n't\b", re.IGNORECASE)
_PRONOUN = re.compile(r"^(this|these|that|those|it|they|such|the (area|work|practice))\b", re.I)


def _back_reference(
    m: _Matcher, index: _Index, s: _Subject, q: dict[str, float], body: list[_Unit]
) -> tuple[Evidence, int, float, tuple[str, int]] | None:
    """A sentence that judges the subject against the last inspection ("This was
    previously an area for improvement", "... remains an area for improvement"): its
    evidence (joined with the sentence before it when that one names the subject), its
    sign, relevance and paragraph. Only a sentence that names the subject, or follows one
    that does ("This ..."), counts."""
    best: tuple[float, int, _Unit, _Unit | None] | None = None
    for u in body:
        pos, neg = _BACK_POSITIVE.search(u.text), _BACK_NEGATIVE.search(u.text)
        if not (pos or neg):
            continue
        sign = (
            1 if pos and not neg else -1 if neg and not pos else (1 if stance(u.text) > 0 else -1)
        )
        own = _on_subject(index, s, q, u, m) if _names_subject(u, s) else 0.0
        if s.themes & _subjects(u.themes):
            # "The quality assurance arrangements have been strengthened since the last
            # inspection" names the subject squarely, whatever else the item says
            own = max(own, _BACK_REL)
        prev = next((v for v in m.by_para[u.para_key] if v.position == u.position - 1), None)
        before = 0.0
        if prev is not None and _PRONOUN.match(u.text) and _names_subject(prev, s):
            before = _on_subject(index, s, q, prev, m)
        rel = max(own, before)
        if rel < _BACK_REL:
            continue
        if best is None or rel > best[0]:
            best = (rel, sign, u, prev if before > own else None)
    if best is None:
        return None
    rel, sign, u, prev = best
    text = f"{prev.text} {u.text}" if prev is not None else u.text
    ev = Evidence(
        source=u.source,
        finding_number=u.number,
        paragraph=u.paragraph,
        pages=u.pages,
        text=text,
        polarity="positive" if sign > 0 else "negative",
        similarity=_r(rel),
    )
    return ev, sign, rel, u.para_key


def _names_subject(u: _Unit, s: _Subject) -> bool:
    """A back-reference is about this item when its sentence (or, for "This was previously
    an area for improvement", the sentence before it) names the subject."""
    if s.themes & _subjects(u.themes) or len(s.stems & set(_stems(u.text))) >= 2:
        return True
    return False


def _blanket(
    u: _Unit, s: _Subject, base: dict, on: list[_Hit], done: bool = False
) -> ImprovementAreaChange:
    """The verdict of a statement about the whole of the last list, for an item the new
    report does not otherwise judge."""
    return ImprovementAreaChange(
        status=ImprovementStatus.ADDRESSED if done else ImprovementStatus.PERSISTING,
        basis=Basis.BLANKET,
        reason="the new report says the last inspection's areas for improvement have been "
        "addressed, and does not judge this one otherwise"
        if done
        else "the new report says the last inspection's areas for improvement are not all "
        "addressed, and does not show this one is",
        evidence=[_evidence(u, 1.0)] + [_hit_evidence(h) for h in on[:1]],
        confidence=0.4 if done else 0.5,
        subject=s.head,
        **base,
    )


@dataclass(frozen=True)
class _Graded:
    """The new report's grade for the judgement that covers an item's practice."""

    rank: int
    words: str  # "grades help and protection good"


def _graded_for(new: Report, text: str, head: str) -> _Graded | None:
    """The grade of ``new`` that covers the practice ``text`` is about: the grade of the
    judgement of each practice theme its head names (else the whole item), the overall grade
    standing in for a theme whose judgement is not graded, and the worst of them; the overall
    grade alone for an item on no such theme. None for a visit, a 2012-13 inspection, or a
    report without grades."""
    if FRAMEWORK_OF_KIND.get(new.kind) not in _WHOLE_SERVICE:
        return None  # a visit has no grades; a 2012-13 inspection graded one part only
    grades: dict[Area, Grade] = {j.area: j.grade for j in new.judgements if j.grade is not None}
    if new.overall_effectiveness is not None:
        grades.setdefault(Area.OVERALL_EFFECTIVENESS, new.overall_effectiveness)
    overall = grades.get(Area.OVERALL_EFFECTIVENESS)
    found: list[tuple[Area, Grade]] = []
    for name in _practice_themes(head) or _practice_themes(text):
        under = GRADED_UNDER.get(name, ())
        area = next((a for a in under if a in grades), None)
        if area is not None:
            found.append((area, grades[area]))
        elif under and overall is not None:
            # its judgement is not graded here: the overall grade speaks for it
            found.append((Area.OVERALL_EFFECTIVENESS, overall))
        # (a theme every judgement covers, the child's voice, constrains nothing)
    if not found:
        if overall is None:
            return None
        found = [(Area.OVERALL_EFFECTIVENESS, overall)]
    area, grade = min(found, key=lambda ag: GRADE_RANK[ag[1]])
    label = area_info(area).title.lower()
    return _Graded(GRADE_RANK[grade], f"grades {label} {grade.value.replace('_', ' ')}")


def _by_grade(g: _Graded, s: _Subject, base: dict, on: list[_Hit]) -> ImprovementAreaChange:
    return ImprovementAreaChange(
        status=ImprovementStatus.ADDRESSED,
        basis=Basis.GRADE,
        reason=f"the new report names no weakness in it, and it {g.words}",
        evidence=[_hit_evidence(h) for h in on[:1]],
        confidence=_BY_GRADE,
        subject=s.head,
        **base,
    )


def _hit_evidence(h: _Hit) -> Evidence:
    return Evidence(
        source=h.unit.source,
        finding_number=h.unit.number,
        paragraph=h.unit.paragraph,
        pages=h.unit.pages,
        text=h.unit.text,
        polarity=_polarity_label(h.stance),
        similarity=_r(h.rel),
    )


def _shown_hits(judged: list[_Hit], balance: float) -> list[Evidence]:
    """The sentences that decided a balance: those that agree with the verdict first
    (most on the subject and most decided first), then the strongest one against it, so a
    mixed report shows both sides."""

    def weight(h: _Hit) -> float:
        return h.rel * min(3.0, abs(h.stance))

    agree = sorted((h for h in judged if (h.stance > 0) == (balance > 0)), key=weight, reverse=True)
    against = sorted(
        (h for h in judged if (h.stance > 0) != (balance > 0)), key=weight, reverse=True
    )
    shown = agree[: _EVIDENCE - 1] + against[:1] if against else agree[:_EVIDENCE]
    return [_hit_evidence(h) for h in shown]


def _improvement_areas(
    m: _Matcher, old: Report, new: Report, full_old: Report
) -> list[ImprovementAreaChange]:
    new_ias = [
        (i, _item_text(ia.text), themes_of(_item_text(ia.text)))
        for i, ia in enumerate(new.improvement_areas, 1)
    ]
    out: list[ImprovementAreaChange] = []

    ledger, restated = _ledger(m, full_old, new, new_ias)
    out.extend(ledger)

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
                basis=Basis.NEW,
                old_index=None,
                old_text=None,
                new_index=j,
                new_text=new.improvement_areas[j - 1].text,
                themes=nthemes,
                practice_themes=_practice_themes(new.improvement_areas[j - 1].text),
                related=related,
                reason="not among the old report's improvement areas"
                + ("; the old report's findings on the subject are shown" if related else ""),
            )
        )
    return out


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
            f"{dropped} LSCB recommendation(s) of the old report shown as not mentioned: "
            "the LSCB has no successor"
            if side == "old"
            else f"{dropped} LSCB recommendation(s) of the new report left out of the ledger: "
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
    full_old = old
    old, new = _own_items(old, "old", warnings), _own_items(new, "new", warnings)
    m = _Matcher(old, new)
    return ReportDiff(
        old=_side(old),
        new=_side(new),
        grades_note=note,
        overall=overall,
        judgements=rows,
        improvement_areas=_improvement_areas(m, old, new, full_old),
        findings=_findings(m, old, new),
        warnings=warnings,
    )
