"""Vocabulary shared by every document kind: dates, grades, judgement areas, National
Framework references, authority names and inspectors."""

from __future__ import annotations

import datetime as dt
import re

from ..models import Area, Grade, Inspector
from ..vocabulary import MONTHS

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_TOKEN = re.compile(
    rf"\b(?:(?P<year>(?:19|20)\d\d)|(?P<day>[0-3]?\d)(?:st|nd|rd|th)?|(?P<month>{_MONTH_RE})\.?)\b",
    re.IGNORECASE,
)
SINGLE_DATE = re.compile(
    rf"\b([0-3]?\d)(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE
)


_NUMERIC_DATE = re.compile(r"\b([0-3]?\d)/([01]?\d)/((?:19|20)\d\d)\b")
_MONTH_NAMES = list(MONTHS)[:12]  # the full names, in order


def _spell_numeric(m: re.Match[str]) -> str:
    """'12/09/2016' (day first, as Ofsted prints) -> '12 september 2016'."""
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return m.group(0)
    return f"{int(m.group(1))} {_MONTH_NAMES[month - 1]} {m.group(3)}"


def _month(token: str) -> int:
    """The month a matched token names. The patterns match case-insensitively, so they
    take "auguſt" (long s) or "aprıl" (dotless i) too: fold the token once (casefold), and
    if it still is no key, find the name that matched it the way the pattern did."""
    token = token.rstrip(".")
    found = MONTHS.get(token.casefold())
    if found is None:
        found = next(n for name, n in MONTHS.items() if re.fullmatch(name, token, re.IGNORECASE))
    return found


def parse_dates(text: str) -> list[dt.date]:
    """Every day named in a date phrase, with months and years carried back from later
    tokens: "21 November to 2 December 2022" -> [2022-11-21, 2022-12-02]; numeric dates
    are day first ("12/09/2016 to 06/10/2016")."""
    text = _NUMERIC_DATE.sub(_spell_numeric, text)
    tokens = list(_DATE_TOKEN.finditer(text))
    days: list[tuple[int, int | None, int | None]] = []
    month: int | None = None
    year: int | None = None
    for m in reversed(tokens):
        if m.group("year"):
            year = int(m.group("year"))
        elif m.group("month"):
            month = _month(m.group("month"))
        elif m.group("day"):
            days.append((int(m.group("day")), month, year))
    out: list[dt.date] = []
    for day, mon, yr in reversed(days):
        if mon is None or yr is None:
            continue
        try:
            out.append(dt.date(yr, mon, day))
        except ValueError:
            continue
    # a span written "30 December to 10 January 2020" starts in the year before
    for i in range(len(out) - 2, -1, -1):
        if out[i] > out[i + 1]:
            try:
                out[i] = out[i].replace(year=out[i].year - 1)
            except ValueError:
                pass
    return out


def date_span(text: str) -> tuple[dt.date | None, dt.date | None]:
    dates = parse_dates(text)
    if not dates:
        return None, None
    return min(dates), max(dates)


def single_date(text: str) -> dt.date | None:
    m = SINGLE_DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


# --------------------------------------------------------------------------- grades

_GRADE_PATTERNS: list[tuple[re.Pattern[str], Grade]] = [
    (re.compile(r"^outstanding\b", re.I), Grade.OUTSTANDING),
    (re.compile(r"^good\b", re.I), Grade.GOOD),
    (re.compile(r"^requires? improvement(\s+to\s+be\s+good)?\b", re.I), Grade.REQUIRES_IMPROVEMENT),
    (re.compile(r"^inadequate\b", re.I), Grade.INADEQUATE),
    (re.compile(r"^adequate\b", re.I), Grade.ADEQUATE),
]
GRADE_WORDS = re.compile(
    r"outstanding|good|requires? improvement(?:\s+to\s+be\s+good)?|inadequate|adequate",
    re.IGNORECASE,
)


def parse_grade(text: str) -> Grade | None:
    text = text.strip().strip(".").strip()
    for pattern, grade in _GRADE_PATTERNS:
        if pattern.match(text):
            return grade
    return None


# --------------------------------------------------------------------------- areas


def area_of(label: str) -> Area | None:
    """The judgement area a table row or section heading names."""
    t = re.sub(r"\s+", " ", label.lower())
    if "overall effectiveness" in t:
        return Area.OVERALL_EFFECTIVENESS
    if "impact of leaders" in t or "leadership" in t and "social work" in t:
        return Area.IMPACT_OF_LEADERS
    if "help and protection" in t:
        return Area.HELP_AND_PROTECTION
    if "care leavers" in t or "care-leavers" in t:
        if re.search(r"children in care and|looked after and", t):
            return Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS
        return Area.CARE_LEAVERS
    if "children in care" in t:
        return Area.CHILDREN_IN_CARE
    return None


# --------------------------------------------------------------------------- framework refs

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
}
_REF_GROUP = re.compile(
    r"\(([^()]*(?:national\s+framework|\boutcomes?\s+(?:\d|one|two|three|four|five|six|seven|eight)"
    r"|\benablers?\b|\bprinciples?\b)[^()]*)\)",
    re.IGNORECASE,
)
_KEYWORD = r"(?:outcomes?|enablers?|principles?)\b"
_NUM = r"(?:\d+|" + "|".join(_NUMBER_WORDS) + r")"


def framework_refs(text: str) -> tuple[str, list[str]]:
    """Split National Framework cross-references out of an improvement bullet.

    Returns the bullet text unchanged (the reference is part of what Ofsted wrote) and the
    normalised references: "outcome 3", "enabler 2", "enabler: the workforce is equipped
    and effective", "principle 1". Handles "(outcome three, national framework)",
    "(Outcome 3: national framework)", "(National Framework, Outcome 1)" and wrapped lines.
    """
    refs: list[str] = []
    for group in _REF_GROUP.finditer(text):
        inner = re.sub(r"\s+", " ", group.group(1)).strip()
        if not re.search(_KEYWORD, inner, re.IGNORECASE):
            continue
        inner = re.sub(
            r"(?:[,;:]\s*)?(?:the\s+)?(?:children[’']s social care:?\s+)?national\s+framework"
            r"(?:\s*[,;:])?",
            ";",
            inner,
            flags=re.IGNORECASE,
        )
        parts = re.split(
            rf";|,\s*(?:and\s+)?(?={_KEYWORD})|\s+and\s+(?={_KEYWORD})", inner, flags=re.IGNORECASE
        )
        for part in parts:
            part = part.strip(" ,.:;")
            if not part:
                continue
            m = re.match(r"outcomes?\s+(.*)$", part, re.IGNORECASE)
            if m:
                for num in re.findall(rf"\b{_NUM}\b", m.group(1), re.IGNORECASE):
                    n = int(num) if num.isdigit() else _NUMBER_WORDS[num.lower()]
                    refs.append(f"outcome {n}")
                continue
            m = re.match(
                rf"(enabler|principle)s?\s*({_NUM})?\s*[:\-–,]?\s*(.*)$", part, re.IGNORECASE
            )
            if m:
                word, num, name = m.group(1).lower(), m.group(2), m.group(3).strip().rstrip(".")
                if name:
                    refs.append(f"{word}: {name.lower()}")
                elif num:
                    n = int(num) if num.isdigit() else _NUMBER_WORDS[num.lower()]
                    refs.append(f"{word} {n}")
                continue
    return text, refs


# --------------------------------------------------------------------------- names

_SLUG_DROP = re.compile(
    r"\b(city|county|borough|metropolitan|district|royal|london|council|"
    r"of|the|children'?s?|and families trust|trust)\b",
    re.IGNORECASE,
)


def slugify(name: str) -> str:
    """'Salford City Council' -> 'salford'; 'London Borough of Tower Hamlets' ->
    'tower-hamlets'; 'Westmorland and Furness Council' -> 'westmorland-and-furness'."""
    text = name.replace("’", "'").replace("&", "and")
    text = re.sub(r"\bCity of London( Corporation)?\b", "London Corporation", text, flags=re.I)
    if not re.search(r"\bLondon Corporation\b", text, re.I):
        text = re.sub(
            r"\b(city|county|borough|metropolitan|district|royal|london|council|"
            r"children and families trust|children's services trust|trust|of|the)\b",
            " ",
            text,
            flags=re.IGNORECASE,
        )
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return re.sub(r"-+", "-", text) or "unknown"


_ROLE_PREFIX = re.compile(r"^(?:(?:His|Her) Majesty[’']s Inspectors?|HMI)\s*,?\s*", re.IGNORECASE)
_ROLE = re.compile(
    r"[,;]?\s*\(?(?:(?:(?:two|three|four|five|one) of\s+)?(?:His|Her)\s+Majesty[’']?s\s+"
    r"(?:Inspector|Inspectors)(?:\s*\(HMI\))?|HMI|"
    r"Ofsted\s+Inspector|Social\s+Care\s+Regulatory\s+Inspector|lead\s+inspector|designate|OI|S?HMI|SCRI|"
    r"Additional\s+Inspector)\)?\.?\s*$",
    re.IGNORECASE,
)


def clean_person(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,.;")
    prev = None
    while prev != name:
        prev = name
        name = _ROLE.sub("", name).strip(" ,.;")
        name = _ROLE_PREFIX.sub("", name).strip(" ,.;")
    return name


def split_names(text: str) -> list[str]:
    """'A, B and C' -> [A, B, C]."""
    parts = re.split(r"[,;]\s*(?:and\s+)?|\s+and\s+|\s*&\s*", text)
    return [clean_person(p) for p in parts if clean_person(p)]


def make_inspectors(names: list[str]) -> list[Inspector]:
    seen: list[str] = []
    for n in names:
        if n and n not in seen:
            seen.append(n)
    return [Inspector(name=n, role="lead" if i == 0 else "inspector") for i, n in enumerate(seen)]


def numbering_warnings(numbers: list[int]) -> list[str]:
    """Gaps and repeats in paragraph numbers that should run 1, 2, 3... in order."""
    warnings: list[str] = []
    expected = 1
    for n in numbers:
        if n > expected:
            missing = str(expected) if n == expected + 1 else f"{expected}-{n - 1}"
            warnings.append(f"paragraph numbering: {missing} missing before {n}")
        elif n < expected:
            warnings.append(f"paragraph numbering: {n} repeated or out of order")
        expected = max(expected, n + 1)
    return warnings
