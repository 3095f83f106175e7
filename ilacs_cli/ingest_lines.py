"""Lines from characters: a page's character dicts (pdfplumber's ``page.chars``, or the
same dicts rebuilt from PDFium) become words, and words become :class:`Line` objects with
their dominant size, boldness, column segments and superscript footnote marks.

Both engines call :func:`dedupe_chars`, :func:`words_from_chars` and
:func:`lines_from_words`, so a page gives the same lines whichever engine read it.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections.abc import Iterable
from typing import Any

from .ingest_model import BULLET, BULLET_GLYPHS, Line, Segment, clean_text

_BOLD = re.compile(r"bold|black|heavy|semibold|demi|,b\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def _bold_font(fontname: str) -> bool:
    return bool(_BOLD.search(fontname))


def _word_is_bold(word: dict[str, Any]) -> bool:
    chars = word.get("chars") or []
    if not chars:
        return False
    bold = sum(map(_bold_font, [c.get("fontname", "") for c in chars]))  # no call a char
    return bold * 2 > len(chars)


def _make_line(words: list[dict[str, Any]], page_no: int) -> Line:
    words.sort(key=_X0)
    weights: dict[float, int] = {}  # characters set in each size
    for w in words:
        weights[w["size"]] = weights.get(w["size"], 0) + len(w["text"])
    size = max(set(weights), key=weights.__getitem__)
    # superscript marks: small words raised above the baseline of the line's main text
    main = [w for w in words if w["size"] >= size * 0.8]
    baseline = max(w["bottom"] for w in main)
    marks: list[str] = []
    kept: list[dict[str, Any]] = []
    for w in words:
        if (
            w["size"] < size * 0.8
            and w["bottom"] < baseline - size * 0.15
            and re.fullmatch(r"[\d*†‡§¹²³⁴-⁹]{1,3}", w["text"])
        ):
            marks.append(w["text"])
        else:
            kept.append(w)
    words = kept or words
    segments: list[Segment] = []
    run: list[dict[str, Any]] = []
    for w in words:
        if run and w["x0"] - run[-1]["x1"] > max(size * 0.75, 6.0):
            segments.append(_segment(run))
            run = []
        run.append(w)
    segments.append(_segment(run))
    text = clean_text(" ".join(s.text for s in segments))
    bold_chars = sum(len(w["text"]) for w in words if _word_is_bold(w))
    return Line(
        text=text,
        page=page_no,
        x0=min(w["x0"] for w in words),
        x1=max(w["x1"] for w in words),
        top=min(w["top"] for w in words),
        bottom=max(w["bottom"] for w in words),
        size=round(size, 1),
        bold=bold_chars * 2 > sum(len(w["text"]) for w in words),
        segments=tuple(segments) if len(segments) > 1 else (),
        marks=tuple(marks),
    )


def _segment(run: list[dict[str, Any]]) -> Segment:
    text = ""
    for i, w in enumerate(run):
        # words split only by a change of size (e.g. a curly apostrophe from another font)
        # touch each other: no space between them; words of one size were split at a
        # space, even when a font's overlapping boxes leave no gap ("Quality of work")
        prev = run[i - 1] if i else None
        if prev is not None and (
            w["x0"] - prev["x1"] > 0.8 or abs(w["size"] - prev["size"]) < 0.01
        ):
            text += " "
        text += w["text"]
    return Segment(clean_text(text), run[0]["x0"], run[-1]["x1"])


class _Group:
    """The words of one line as they are gathered, with what placing a word needs kept up
    to date, so that a line of thousands of words is still built in linear time."""

    __slots__ = ("words", "ref", "by_x0", "by_x1")

    def __init__(self, word: dict[str, Any]) -> None:
        self.words: list[dict[str, Any]] = []
        self.ref = word  # the largest word (the first of equal sizes)
        self.by_x0: dict[int, list[float]] = {}
        self.by_x1: dict[int, list[float]] = {}
        self.add(word)

    def add(self, word: dict[str, Any]) -> None:
        self.words.append(word)
        if word["size"] > self.ref["size"]:
            self.ref = word
        self.by_x0.setdefault(math.floor(word["x0"]), []).append(word["x0"])
        self.by_x1.setdefault(math.floor(word["x1"]), []).append(word["x1"])

    def near(self, word: dict[str, Any]) -> bool:
        """Whether a word of the line ends or starts within 2.5pt of ``word``."""
        return _within(self.by_x1, word["x0"]) or _within(self.by_x0, word["x1"])


def _within(index: dict[int, list[float]], x: float, gap: float = 2.5) -> bool:
    return any(
        abs(x - v) < gap
        for bucket in range(math.floor(x - gap), math.floor(x + gap) + 1)
        for v in index.get(bucket, ())
    )


_BOTTOM_X0 = operator.itemgetter("bottom", "x0")


def lines_from_words(words: Iterable[dict[str, Any]], page_no: int) -> list[Line]:
    """Group words into lines by their baseline, keeping raised superscripts with their line."""
    ordered = sorted(words, key=_BOTTOM_X0)
    groups: list[_Group] = []
    for w in ordered:
        if not w["text"].strip():
            continue
        placed = False
        for group in reversed(groups[-3:]):
            ref = group.ref
            tol = max(1.5, ref["size"] * 0.2)
            similar = min(w["size"], ref["size"]) >= max(w["size"], ref["size"]) * 0.75
            if similar and abs(w["bottom"] - ref["bottom"]) <= tol:
                group.add(w)
                placed = True
                break
            small = w["size"] < ref["size"] * 0.8
            overlaps = w["top"] >= ref["top"] - ref["size"] * 0.4 and w["bottom"] <= ref["bottom"]
            if small and overlaps and group.near(w):
                group.add(w)
                placed = True
                break
        if not placed:
            groups.append(_Group(w))
    lines = [_make_line(g, page_no) for g in _attach_marks([g.words for g in groups])]
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


#: A page with more lone numbers than this (a column of figures) has no footnote marks to
#: find, and matching each against every line would take time quadratic in its lines.
MAX_MARK_CANDIDATES = 100


_LONE_MARK = re.compile(r"[\d*†‡]{1,2}")
_ORDINAL = re.compile(r"st|nd|rd|th")


def _attach_marks(groups: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """Put back on their line the words that were grouped on a line of their own:

    - a lone small number raised beside a line's text: that line's footnote mark;
    - raised small ordinal suffixes ("th", "st") touching a number: "18th birthday", not
      a line "th" above "18 birthday" (two on one line, "16th and 18th", too);
    - a lone bullet glyph whose font sits it a little higher or lower than the text to
      its right (a dingbat font's other metrics): the bullet of that line.
    """
    candidates = [g for g in groups if _lone_kind(g) is not None]
    if not candidates or len(candidates) > MAX_MARK_CANDIDATES:
        return groups
    attached: set[int] = set()
    for group in candidates:
        kind = _lone_kind(group)
        others = [o for o in groups if o is not group and id(o) not in attached]
        if kind == "mark":
            host = next((o for o in others if _hosts_mark(o, group[0])), None)
            if host is not None:
                host.append(group[0])
                attached.add(id(group))
        elif kind == "ordinal":
            hosts = [next((o for o in others if _hosts_ordinal(o, w)), None) for w in group]
            if all(h is not None for h in hosts):
                for word, host in zip(group, hosts, strict=True):
                    host.append(word)  # type: ignore[union-attr]
                attached.add(id(group))
        else:
            host = _bullet_host(others, group[0])
            if host is not None:
                host.append(group[0])
                attached.add(id(group))
    return [g for g in groups if id(g) not in attached]


def _lone_kind(group: list[dict[str, Any]]) -> str | None:
    if len(group) == 1 and _LONE_MARK.fullmatch(group[0]["text"]):
        return "mark"
    if len(group) == 1 and group[0]["text"] == BULLET:
        return "bullet"
    if all(_ORDINAL.fullmatch(w["text"]) for w in group):
        return "ordinal"
    return None


def _level(host: list[dict[str, Any]], word: dict[str, Any]) -> bool:
    """``word`` is small beside ``host``'s text and raised no higher than a superscript."""
    big = max(o["size"] for o in host)
    return word["size"] < big * 0.8 and (
        min(o["top"] for o in host) - big * 0.4 <= word["top"] <= max(o["bottom"] for o in host)
    )


def _hosts_mark(host: list[dict[str, Any]], mark: dict[str, Any]) -> bool:
    touching = any(abs(mark["x0"] - o["x1"]) < 2.5 or abs(o["x0"] - mark["x1"]) < 2.5 for o in host)
    return touching and _level(host, mark)


def _hosts_ordinal(host: list[dict[str, Any]], suffix: dict[str, Any]) -> bool:
    after_number = any(abs(suffix["x0"] - o["x1"]) < 2.5 and o["text"][-1:].isdigit() for o in host)
    return after_number and _level(host, suffix)


def _bullet_host(
    others: list[list[dict[str, Any]]], bullet: dict[str, Any]
) -> list[dict[str, Any]] | None:
    """The line just right of a lone bullet whose text spans the bullet's middle."""
    middle = (bullet["top"] + bullet["bottom"]) / 2
    best: tuple[float, list[dict[str, Any]]] | None = None
    for other in others:
        if not min(o["top"] for o in other) <= middle <= max(o["bottom"] for o in other):
            continue
        gap = min(o["x0"] for o in other) - bullet["x1"]
        if -0.5 <= gap <= 72 and (best is None or gap < best[0]):
            best = (gap, other)
    return best[1] if best is not None else None


#: Fonts of pictures, not letters: a glyph in one of them at the start of a list item is
#: a bullet whatever character code it has ("n" is a square in ZapfDingbats, "§" one in
#: Wingdings), and PDFium and pdfminer map those codes differently.
_DINGBAT_FONT = re.compile(r"dingbat|wingding|webding", re.IGNORECASE)
#: What pdfminer gives for the code WinAnsiEncoding also assigns to the bullet (0x7F;
#: PDF 32000-1 annex D: unused codes above 40 octal map to the bullet), which reportlab uses
_UNMAPPED_BULLET = "(cid:127)"


@functools.lru_cache(maxsize=1024)
def _dingbat_font(fontname: str) -> bool:
    return bool(_DINGBAT_FONT.search(fontname))


def _glyph(c: dict[str, Any]) -> dict[str, Any]:
    """``c`` with a bullet glyph's text made the plain bullet, before words are grouped:
    a lone bullet is found (and put back on its line) by its text."""
    text = c["text"]
    if (
        text == _UNMAPPED_BULLET
        or (len(text) == 1 and text != BULLET and BULLET_GLYPHS.match(text))
        or (text.strip() and _dingbat_font(c.get("fontname", "")))
    ):
        return {**c, "text": BULLET}
    return c


def words_from_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page's words, as ``pdfplumber.utils.extract_words(chars, extra_attrs=["size"],
    return_chars=True)`` gives them; a faster equivalent when every char is upright."""
    # whether ``_glyph`` changes a char depends on its text and font only: decided once
    # for each pair, not once a char
    changes: dict[tuple[str, str], bool] = {}
    glyphs: list[dict[str, Any]] = []
    append = glyphs.append
    for c in chars:
        key = (c["text"], c.get("fontname", ""))
        change = changes.get(key)
        if change is None:
            change = changes[key] = _glyph(c) is not c
        append({**c, "text": BULLET} if change else c)
    chars = glyphs
    if all(map(_UPRIGHT, chars)):
        return _upright_words(chars)
    from pdfplumber.utils import extract_words

    return list(extract_words(chars, extra_attrs=["size"], return_chars=True))


def _upright_words(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``pdfplumber.utils.extract_words(chars, extra_attrs=["size"], return_chars=True)``
    for upright characters, without pdfplumber's generic machinery (twice as fast): the
    same groups, line clusters, order and word dicts (``doctop`` is ``top``: pages are
    read one by one)."""
    words: list[dict[str, Any]] = []
    for _, run in itertools.groupby(chars, _UPRIGHT_SIZE):
        group = list(run)
        # pdfplumber.utils.cluster_objects(group, "top", 3): chained clusters of tops
        cluster: dict[float, int] = {}
        last = None
        index = -1
        for top in sorted({c["top"] for c in group}):
            if last is None or top > last + _TOLERANCE:
                index += 1
            cluster[top] = index
            last = top
        lines: list[list[dict[str, Any]]] = [[] for _ in range(index + 1)]
        for c in group:
            lines[cluster[c["top"]]].append(c)
        for line in lines:
            line.sort(key=_X0)
            current: list[dict[str, Any]] = []
            px0 = px1 = ptop = 0.0  # the last char of ``current``
            for c in line:
                text = c["text"]
                if text.isspace():
                    if current:
                        words.append(_merge(current))
                        current = []
                    continue
                if not text:  # pdfplumber: "" is in any split_at_punctuation string
                    if current:
                        words.append(_merge(current))
                        current = []
                    words.append(_merge([c]))
                    continue
                x0, top = c["x0"], c["top"]
                if current and (x0 < px0 or x0 > px1 + _TOLERANCE or abs(top - ptop) > _TOLERANCE):
                    words.append(_merge(current))
                    current = [c]
                else:
                    current.append(c)
                px0, px1, ptop = x0, c["x1"], top
            if current:
                words.append(_merge(current))
    return words


_TOLERANCE = 3  # pdfplumber's default x and y tolerance
_UPRIGHT_SIZE = operator.itemgetter("upright", "size")
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


_X0 = operator.itemgetter("x0")  # sort keys and tests in C, not a Python call an item
_UPRIGHT = operator.itemgetter("upright")


def _merge(chars: list[dict[str, Any]]) -> dict[str, Any]:
    """pdfplumber's ``WordExtractor.merge_chars`` for upright text (doctop = top)."""
    first = chars[0]
    x0, top, x1, bottom = first["x0"], first["top"], first["x1"], first["bottom"]
    text = _LIGATURES.get(first["text"], first["text"])
    for c in chars[1:]:
        if c["x0"] < x0:
            x0 = c["x0"]
        if c["top"] < top:
            top = c["top"]
        if c["x1"] > x1:
            x1 = c["x1"]
        if c["bottom"] > bottom:
            bottom = c["bottom"]
        text += _LIGATURES.get(c["text"], c["text"])
    return {
        "text": text,
        "x0": x0,
        "x1": x1,
        "top": top,
        "doctop": top,
        "bottom": bottom,
        "upright": first["upright"],
        "height": bottom - top,
        "width": x1 - x0,
        "direction": "ltr",
        "size": first["size"],
        "chars": chars,
    }


def dedupe_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop characters drawn twice at (almost) the same place: fake-bold overprinting
    that would otherwise read "PPaauull". Linear, unlike pdfplumber's ``dedupe_chars``:
    characters are bucketed by text and line, then by whole point of x."""
    # (text, line) -> whole point of x -> the x0 kept there. Two x0 in the same whole
    # point are less than 1pt apart, so a bucket never holds more than one kept char,
    # and a char is a duplicate when its own bucket is taken, or a neighbour's char is
    # within 1pt (the one below can only be nearer from below, the one above from above)
    seen: dict[tuple[str, int], dict[int, float]] = {}
    out: list[dict[str, Any]] = []
    append = out.append
    for c in chars:
        x0 = c["x0"]
        bucket = int(x0 // 1)
        key = (c["text"], round(c["top"]))
        buckets = seen.get(key)
        if buckets is None:
            seen[key] = {bucket: x0}
            append(c)
            continue
        if bucket in buckets:
            continue
        x = buckets.get(bucket - 1)
        if x is not None and x0 - x < 1.0:
            continue
        x = buckets.get(bucket + 1)
        if x is not None and x0 - x > -1.0:
            continue
        buckets[bucket] = x0
        append(c)
    return out
