"""Rules for focused-visit and monitoring-visit letters (no grades, unnumbered paragraphs)."""

from __future__ import annotations

import datetime as dt
import re

from ..layout import Block, BlockKind
from ..models import Finding, ImprovementArea
from .common import (
    SINGLE_DATE,
    clean_person,
    date_span,
    framework_refs,
    make_inspectors,
    parse_dates,
    single_date,
    split_names,
)
from .context import Context, Draft
from .ilacs import improvement_items

_SECTION = {
    "headline": re.compile(r"^(headline findings|overview|summary of findings)\b", re.I),
    "priority": re.compile(r"^areas? for priority action", re.I),
    "improve": re.compile(r"^(what needs to improve|areas for improvement)\b", re.I),
    "main": re.compile(r"^(main findings|findings)\b", re.I),
    "covered": re.compile(r"^areas covered by (the|this) visit\b", re.I),
}
_END = re.compile(
    r"^(Ofsted will take the findings|Yours sincerely|We have notified|I am copying this letter|"
    r"Ofsted will continue to monitor|This letter will be published)",
    re.I,
)
_LA_TAIL = r"(?:\s+(?:local authority\s+)?children[’']?s?\s+services)?"
_SUMMARISES = [
    # "... the focused visit to X children's services on 4 and 5 February 2025", the
    # authority a trust ("... to Sandwell Children's Trust on 30 and 31 October 2024")
    re.compile(
        r"this letter summarises the findings of (?:the|a|our) (?:focused|monitoring) visit to\s+"
        r"(?P<la>.+?)" + _LA_TAIL + r"\s+(?:on|from|between)\s+(?P<dates>[^.]*?\d{4}"
        # a range whose each end has its year: "24 October 2022 to 25 October 2023"
        r"(?:\s*(?:to|and|–|-)\s*[0-3]?\d\s+[A-Z][a-z]+\s+\d{4})?|"
        r"[0-3]?\d\b[^.]*?\b[A-Z][a-z]+\b(?=\s*[.,]))",
        re.I,
    ),
    # the dates before the authority: "... the focused visit on 4 and 5 February 2025 to X"
    re.compile(
        r"this letter summarises the findings of (?:the|a|our) (?:focused|monitoring) visit\s+"
        r"(?:on|from|between)\s+(?P<dates>[^.]*?(?:\d{4}|[A-Z][a-z]+))\s+to\s+(?P<la>[^.]+?)"
        + _LA_TAIL
        + r"(?=\s*[.,])",
        re.I,
    ),
]
_TITLE = re.compile(
    r"^(?:focused|monitoring) visit (?:to|of)\s+(?P<la>.+?)\s+(?:local authority\s+)?"
    r"children[’']?s?\s+services",
    re.I,
)
#: the sentence naming the inspectors, the strict forms first (tried on the first page or
#: so); the last, loose form only in the letter's opening, before its first section
_INSPECTORS = [
    re.compile(
        r"(?:His|Her) Majesty[’']s Inspectors? for (?:this|the) visit (?:were|was)\s+"
        r"(?P<names>[^.]+)",
        re.I,
    ),
    re.compile(r"\bThe inspectors were\s+(?P<names>[^.]+?)(?:\.|$)", re.I),
    re.compile(r"\bThe visit was (?:conducted|carried out) by\s+(?P<names>[^.]+)", re.I),
]
_LOOSE_INSPECTORS = re.compile(
    r"\bInspectors? (?:for this visit )?(?:were|was)\s+(?P<names>[^.]+)", re.I
)
#: role words printed with a name ("Senior Her Majesty's Inspector", "(HMIs)", "(AI)",
#: "Her Majesty's Inspector (HMI) Social Care"): never part of it
_ROLE_WORDS = re.compile(
    r"\((?:S?HMIs?|AI|OI|SCRI|lead)\)|\b(?:two|three|four|five) of\b|"
    r"\b(?:His|Her)\s+Majesty[’']?s\s+Inspectors?\b|\bS?HMIs?\b|\bSenior\b|"
    r"\b(?:Social\s+Care\s+Regulatory|Ofsted|Additional|Lead)\s+Inspectors?\b|"
    r"\bSocial\s+Care\b|\bInspectors?\b",
    re.I,
)
_PARTICLES = {"de", "van", "von", "der", "le", "la", "da", "di", "du", "del", "st"}
_FOCUS = re.compile(
    r"^(Inspectors (?:looked at|considered|evaluated|reviewed|focused on)|"
    r"The visit (?:looked|focused)|This visit (?:looked|focused)|Areas covered)",
    re.I,
)
_NTH = re.compile(
    r"(?:this visit )?was the (?P<nth>\w+) monitoring visit since the local authority was "
    r"judged inadequate (?:in|on) (?P<when>(?:\d{1,2} )?[A-Z][a-z]+ \d{4})",
    re.I,
)
_ORDINALS = {
    w: i
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(),
        start=1,
    )
}


def _section_of(block: Block) -> str | None:
    text = block.text
    if block.kind is not BlockKind.HEADING and (
        len(text.split()) > 12 or text.endswith((".", ","))
    ):
        return None
    for name, pattern in _SECTION.items():
        if pattern.match(text):
            return name
    return None


_LONGEST_VISIT = 31  # days; a visit printed as longer has a mistyped year
_LETTER_AFTER = 120  # days; the latest a letter follows its visit


def _letter_date(blocks: list[Block], draft: Draft) -> dt.date | None:
    """The letter's date: a line of its own above "Dear ...", or a date at the start or end
    of the address block it was joined to."""
    head: list[Block] = []
    for b in blocks[:14]:
        if re.match(r"^dear\b", b.text, re.I):
            break
        head.append(b)
    for b in head:
        pieces = [
            b.text,
            *(ln.text for ln in b.lines),
            *(s.text for ln in b.lines for s in ln.segments),
        ]
        for piece in pieces:
            if re.fullmatch(r"\s*\d{1,2}\s+\w+\s+\d{4}\s*", piece) and single_date(piece):
                return single_date(piece)
            typo = re.fullmatch(r"\s*(\d{1,2}\s+\w+\s+)(20[0-9])\d(\d)\s*", piece)
            if typo:  # "6 November 20205": a digit typed twice
                fixed = typo.group(1) + typo.group(2) + typo.group(3)
                draft.warnings.append(
                    f"letter date printed as {piece.strip()!r}; read as {fixed!r}"
                )
                return single_date(fixed)
    for b in head:
        # the address and the date run together ("Store Street Manchester 3 March 2025")
        m = SINGLE_DATE.search(b.text)
        if m and len(b.text) < 300 and not re.search(r"\bvisit\b|\binspection\b", b.text, re.I):
            return single_date(m.group(0))
    return None


def _visit_dates(text: str, draft: Draft) -> tuple[dt.date | None, dt.date | None]:
    """The visit's first and last days, read plausibly: a year missing from the sentence is
    the letter's; a year that makes a visit last months, or its letter precede it, was
    mistyped. Every such reading adds a warning."""
    start, end = date_span(text)
    printed = re.sub(r"\s+", " ", text).strip()
    letter = draft.letter_date
    if start is None and letter is not None and not re.search(r"\b(?:19|20)\d\d\b", text):
        start, end = date_span(f"{text} {letter.year}")
        if end is not None and end > letter:
            start, end = date_span(f"{text} {letter.year - 1}")
        if start is not None:
            draft.warnings.append(
                f"visit dates printed without a year ({printed!r}): the letter's year taken"
            )
    if start is None or end is None:
        return start, end
    if (end - start).days > _LONGEST_VISIT:
        days = parse_dates(text)
        for year in (end.year, start.year, letter.year if letter else None):
            if year is None:
                continue
            moved = sorted(_same_year(d, year) for d in days)
            if moved[0] and moved[-1] and (moved[-1] - moved[0]).days <= _LONGEST_VISIT:
                if letter is None or 0 <= (letter - moved[-1]).days <= _LETTER_AFTER:
                    start, end = moved[0], moved[-1]
                    draft.warnings.append(
                        f"visit dates printed as {printed!r}, a visit of "
                        f"{(days[-1] - days[0]).days + 1} days; read as {start} to {end}"
                    )
                    break
    if letter is not None and letter < end:
        later = _same_year(letter, letter.year + 1)
        if later and 0 <= (later - end).days <= _LETTER_AFTER:
            draft.warnings.append(
                f"letter dated {letter}, before its visit ({start} to {end}); read as {later}"
            )
            draft.letter_date = later
        else:
            draft.warnings.append(f"letter dated {letter}, before its visit ({start} to {end})")
    return start, end


def _same_year(day: dt.date, year: int) -> dt.date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return None


def person_name(text: str) -> str | None:
    """One inspector's name from a piece of an inspectors sentence, role words and any prose
    run on after it removed: "Stephanie Murray, Senior Her Majesty's Inspector" ->
    "Stephanie Murray"; "Teresa Godfrey Inspectors looked at ..." -> "Teresa Godfrey";
    "Her Majesty's Inspector" -> None."""
    text = _ROLE_WORDS.sub(" ", clean_person(text))
    words: list[str] = []
    for word in text.split():
        word = word.strip(" ,;:()")
        if not word:
            continue
        if word[:1].isupper() or (words and word.lower() in _PARTICLES):
            words.append(word)
        else:
            break  # the name ends where the sentence goes on
    while words and words[-1].lower() in _PARTICLES:
        words.pop()
    return " ".join(words) if 2 <= len(words) <= 5 else None


def inspector_names(text: str) -> list[str]:
    """'A, Her Majesty's Inspector, and B' / 'A and B, two of His Majesty's Inspectors'
    -> [A, B]: one name each."""
    names = [person_name(part) for part in split_names(_ROLE_WORDS.sub(", ", text))]
    return [n for n in names if n]


def extract_visit(ctx: Context, draft: Draft) -> None:
    blocks = ctx.blocks
    sections: list[tuple[int, str]] = [
        (i, name) for i, b in enumerate(blocks) if (name := _section_of(b))
    ]
    # a second "Headline findings" heading stands where "Main findings" belongs
    headlines = [n for n, (_, name) in enumerate(sections) if name == "headline"]
    if len(headlines) > 1 and not any(name == "main" for _, name in sections):
        i = headlines[1]
        sections[i] = (sections[i][0], "main")
    intro_text = " ".join(b.text for b in blocks[:40])
    opening = " ".join(b.text for b in blocks[: sections[0][0] if sections else 40])
    la, dates = None, None
    for pattern in _SUMMARISES:
        m = pattern.search(intro_text)
        if m:
            la, dates = m.group("la"), m.group("dates")
            break
    title_la = next((tm.group("la") for b in blocks[:30] if (tm := _TITLE.match(b.text))), None)
    la = title_la or la
    # "Focused visit to Trafford Council’s children’s services"
    draft.local_authority = re.sub(r"[’']s$", "", la.strip()) if la else None
    draft.letter_date = _letter_date(blocks, draft)
    if dates:
        draft.start, draft.end = _visit_dates(dates, draft)
    else:
        draft.warnings.append("no 'This letter summarises the findings...' sentence found")
    names: list[str] = []
    for pattern in _INSPECTORS:
        im = pattern.search(intro_text)
        if im:
            names = inspector_names(im.group("names"))
            break
    if not names:
        im = _LOOSE_INSPECTORS.search(opening)
        names = inspector_names(im.group("names")) if im else []
    draft.inspectors = make_inspectors(names)
    nth = _NTH.search(intro_text)
    if nth:
        draft.visit_number = _ORDINALS.get(nth.group("nth").lower())
        draft.judged_inadequate = nth.group("when")

    end = next((i for i, b in enumerate(blocks) if _END.match(b.text)), len(blocks))
    first_section = sections[0][0] if sections else end
    focus: list[str] = []
    for i, b in enumerate(blocks[:first_section]):
        lead_in = b.kind is BlockKind.HEADING and b.text.rstrip().endswith(":")
        if (b.kind is BlockKind.PARA or lead_in) and _FOCUS.match(b.text):
            # a focus that introduces a list keeps the list
            bullets = []
            for nxt in blocks[i + 1 : first_section]:
                if nxt.kind is not BlockKind.BULLET:
                    break
                bullets.append(nxt.body())
            focus.append("\n".join([b.text, *bullets]))
    # the paragraph about the authority's arrangements, not "Inspectors looked at a range
    # of evidence" when a letter has both
    focus.sort(
        key=lambda t: not re.search(r"local authority[’']?s? arrangements|arrangements for", t)
    )
    draft.focus = focus[0] if focus else None
    for n, (start, name) in enumerate(sections):
        stop = sections[n + 1][0] if n + 1 < len(sections) else end
        stop = min(stop, end) if start < end else stop
        body = [b for b in blocks[start + 1 : stop] if b.kind is not BlockKind.FOOTNOTE]
        if name == "headline":
            # the summary ends at the next heading, even one this module has no name for
            # ("Areas of strength")
            for b in body:
                if b.kind is BlockKind.HEADING:
                    break
                draft.summary.append(b.body())
        elif name in ("priority", "improve"):
            for item in improvement_items(body):
                text, refs = framework_refs(item)
                draft.improvement_areas.append(
                    ImprovementArea(text=text, framework_refs=refs, priority=name == "priority")
                )
        elif name == "covered":
            draft.focus = " ".join(b.text for b in body if b.kind is not BlockKind.HEADING) or None
        elif name == "main":
            for b in body:
                if b.kind is BlockKind.HEADING:
                    continue
                draft.findings.append(
                    Finding(number=len(draft.findings) + 1, area=None, text=b.body(), pages=b.pages)
                )
    if not any(name == "main" for _, name in sections):
        draft.warnings.append("no 'Main findings' section found")
