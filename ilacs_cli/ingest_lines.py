"""Lines from characters: a page's characters (pdfplumber's ``page.chars``, or the same
characters read from PDFium) become words, and words become :class:`Line` objects with
their dominant size, boldness, column segments and superscript footnote marks.

Both engines end in :func:`page_lines`, which works on :class:`Chars`, a page's characters
as columns (NumPy arrays of positions and sizes, ids of texts and fonts): overprint
removal, word grouping and the word boxes are array operations, not a Python step a
character. The dict functions (:func:`dedupe_chars`, :func:`words_from_chars`,
:func:`lines_from_words`) give the same answers on pdfplumber-style dicts, through the same
code; text that is not upright goes through pdfplumber's own ``extract_words``.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .ingest_model import BULLET, BULLET_GLYPHS, Line, Segment, clean_text

_BOLD = re.compile(r"bold|black|heavy|semibold|demi|,b\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def _bold_font(fontname: str) -> bool:
    return bool(_BOLD.search(fontname))


# --------------------------------------------------------------------------- characters


class Chars:
    """A page's characters as columns, in the order the content stream draws them.

    ``tid`` indexes ``texts`` (each distinct text once), ``font`` indexes ``fontnames``;
    ``x0``, ``x1``, ``top``, ``bottom`` and ``size`` are pdfplumber's values (top-down page
    space). Every character is upright (the dict path handles the others)."""

    __slots__ = ("tid", "texts", "x0", "x1", "top", "bottom", "size", "font", "fontnames")

    def __init__(
        self,
        tid: np.ndarray,
        texts: list[str],
        x0: np.ndarray,
        x1: np.ndarray,
        top: np.ndarray,
        bottom: np.ndarray,
        size: np.ndarray,
        font: np.ndarray,
        fontnames: list[str],
    ) -> None:
        self.tid, self.texts = tid, texts
        self.x0, self.x1, self.top, self.bottom, self.size = x0, x1, top, bottom, size
        self.font, self.fontnames = font, fontnames

    def __len__(self) -> int:
        return len(self.tid)

    @classmethod
    def from_columns(
        cls,
        text: Sequence[str],
        x0: Sequence[float],
        x1: Sequence[float],
        top: Sequence[float],
        bottom: Sequence[float],
        size: Sequence[float],
        fontname: Sequence[str],
    ) -> Chars:
        tid, texts = _ids(text)
        font, fontnames = _ids(fontname)
        f = np.float64
        return cls(
            tid,
            texts,
            np.array(x0, f),
            np.array(x1, f),
            np.array(top, f),
            np.array(bottom, f),
            np.array(size, f),
            font,
            fontnames,
        )

    @classmethod
    def from_dicts(cls, chars: list[dict[str, Any]]) -> Chars:
        """pdfplumber's char dicts (upright ones) as columns."""
        if not chars:
            return cls.from_columns([], [], [], [], [], [], [])
        try:
            rows = list(map(_CHAR_COLUMNS, chars))
        except KeyError:
            rows = [
                (c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c.get("size", 0.0),
                 c.get("fontname", ""))
                for c in chars
            ]  # fmt: skip
        return cls.from_columns(*zip(*rows, strict=True))

    def take(self, index: np.ndarray) -> Chars:
        """The characters at ``index`` (an array of positions), in that order."""
        return Chars(
            self.tid[index],
            self.texts,
            self.x0[index],
            self.x1[index],
            self.top[index],
            self.bottom[index],
            self.size[index],
            self.font[index],
            self.fontnames,
        )


_CHAR_COLUMNS = operator.itemgetter("text", "x0", "x1", "top", "bottom", "size", "fontname")


def _ids(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Each value's index in the list of distinct values (in order of first appearance)."""
    index = {v: i for i, v in enumerate(dict.fromkeys(values))}
    ids = np.fromiter(map(index.__getitem__, values), np.intp, len(values))
    return ids, list(index)


def page_lines(chars: Chars, page_no: int) -> list[Line]:
    """A page's lines from its (upright) characters: overprints removed, glyphs of
    bullets made the bullet, characters grouped into words and words into lines."""
    kept = _dedupe(chars.tid, chars.x0, chars.top)
    if len(kept) < len(chars):
        chars = chars.take(kept)
    return _lines(_words(_bullets(chars)), page_no)


def lines_from_chars(chars: list[dict[str, Any]], page_no: int) -> list[Line]:
    """:func:`page_lines` for pdfplumber's char dicts; characters that are not all upright
    go through pdfplumber's ``extract_words``."""
    if all(map(_UPRIGHT, chars)):
        return page_lines(Chars.from_dicts(chars), page_no)
    return lines_from_words(words_from_chars(dedupe_chars(chars)), page_no)


# --------------------------------------------------------------------------- overprints


def dedupe_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop characters drawn twice at (almost) the same place: fake-bold overprinting
    that would otherwise read "PPaauull" (a char is dropped when an earlier kept char of
    the same text on the same line, ``round(top)``, starts less than 1pt away)."""
    if not chars:
        return []
    tid, _ = _ids([c["text"] for c in chars])
    x0 = np.array([c["x0"] for c in chars], np.float64)
    top = np.array([c["top"] for c in chars], np.float64)
    return [chars[i] for i in _dedupe(tid, x0, top).tolist()]


def _dedupe(tid: np.ndarray, x0: np.ndarray, top: np.ndarray) -> np.ndarray:
    """The positions of the characters :func:`dedupe_chars` keeps, in order.

    Sorted by (text, line, x0), a char with no neighbour of its text and line within a
    point is kept and drops nothing: only the few that have one (overprints, or letters
    of the same text closer than a point) are decided one by one, in drawing order."""
    n = len(tid)
    if n < 2:
        return np.arange(n)
    line = np.rint(top)  # Python's round(): half to even, as np.rint
    order = np.lexsort((x0, line, tid))
    sx, sl, st = x0[order], line[order], tid[order]
    # 1.5, not 1: a margin, so that no pair nearer than a point escapes by rounding
    close = (st[1:] == st[:-1]) & (sl[1:] == sl[:-1]) & (sx[1:] - sx[:-1] < 1.5)
    if not close.any():
        return np.arange(n)
    near = np.zeros(n, bool)
    near[1:] |= close
    near[:-1] |= close
    contested = np.sort(order[near])
    dropped: list[int] = []
    # (text, line) -> whole point of x -> the x0 kept there. Two x0 in the same whole
    # point are less than 1pt apart, so a bucket never holds more than one kept char,
    # and a char is a duplicate when its own bucket is taken, or a neighbour's char is
    # within 1pt (the one below can only be nearer from below, the one above from above)
    seen: dict[tuple[int, float], dict[int, float]] = {}
    for i, t, ln, x in zip(
        contested.tolist(),
        tid[contested].tolist(),
        line[contested].tolist(),
        x0[contested].tolist(),
        strict=True,
    ):
        bucket = int(x // 1)
        buckets = seen.setdefault((t, ln), {})
        if bucket in buckets:
            dropped.append(i)
            continue
        other = buckets.get(bucket - 1)
        if other is not None and x - other < 1.0:
            dropped.append(i)
            continue
        other = buckets.get(bucket + 1)
        if other is not None and x - other > -1.0:
            dropped.append(i)
            continue
        buckets[bucket] = x
    if not dropped:
        return np.arange(n)
    keep = np.ones(n, bool)
    keep[dropped] = False
    return np.flatnonzero(keep)


# --------------------------------------------------------------------------- words


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


def _is_bullet_glyph(text: str, fontname: str) -> bool:
    """Whether a char of ``text`` in ``fontname`` is a bullet's glyph, read as the plain
    bullet before words are grouped: a lone bullet is found (and put back on its line)
    by its text."""
    return (
        text == _UNMAPPED_BULLET
        or (len(text) == 1 and text != BULLET and BULLET_GLYPHS.match(text) is not None)
        or bool(text.strip() and _dingbat_font(fontname))
    )


def _bullets(chars: Chars) -> Chars:
    """``chars`` with the text of every bullet glyph made the plain bullet (decided once
    for each text and font, not once a char)."""
    texts, fontnames = chars.texts, chars.fontnames
    dingbats = [i for i, f in enumerate(fontnames) if _dingbat_font(f)]
    glyphs = [i for i, t in enumerate(texts) if _is_bullet_glyph(t, "")]
    if not dingbats and not glyphs:
        return chars
    change = np.zeros(len(texts), bool)
    change[glyphs] = True
    changed = change[chars.tid]
    if dingbats:
        inked = np.array([bool(t.strip()) for t in texts], bool)
        changed |= inked[chars.tid] & np.isin(chars.font, dingbats)
    if not changed.any():
        return chars
    texts = list(texts)
    if BULLET not in texts:
        texts.append(BULLET)
    tid = chars.tid.copy()
    tid[changed] = texts.index(BULLET)
    return Chars(
        tid, texts, chars.x0, chars.x1, chars.top, chars.bottom, chars.size, chars.font,
        chars.fontnames,
    )  # fmt: skip


_TOLERANCE = 3  # pdfplumber's default x and y tolerance
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

#: A word: (text, x0, x1, top, bottom, size, bold)
Word = tuple[str, float, float, float, float, float, bool]
_TEXT, _WX0, _WX1, _WTOP, _WBOTTOM, _WSIZE, _WBOLD = range(7)


def _word_spans(chars: Chars) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """pdfplumber's ``extract_words`` grouping for upright characters, as arrays:
    (the characters in reading order; where each stretch of it starts, a word or a space;
    which stretches are words).

    As pdfplumber: characters are taken in runs of one size; a run's tops are clustered
    (a top more than 3pt below the last starts a line); a line's characters are sorted by
    x0 (stably); a word ends at a space, at an empty text (a word of its own), or where
    the next character starts left of the last, more than 3pt after its end, or more than
    3pt above or below it."""
    n = len(chars)
    size, top, x0 = chars.size, chars.top, chars.x0
    new_run = np.ones(n, bool)
    new_run[1:] = size[1:] != size[:-1]
    run = np.cumsum(new_run)
    by_top = np.lexsort((top, run))
    sorted_top, sorted_run = top[by_top], run[by_top]
    new_line = np.ones(n, bool)
    new_line[1:] = (sorted_run[1:] != sorted_run[:-1]) | (
        sorted_top[1:] > sorted_top[:-1] + _TOLERANCE
    )
    line = np.empty(n, np.intp)
    line[by_top] = np.cumsum(new_line)
    seq = np.lexsort((x0, line))  # stable: equal x0 keep their drawing order
    # 0 a letter, 1 a space, 2 an empty text
    kinds = np.array([1 if t.isspace() else 0 if t else 2 for t in chars.texts], np.int8)
    kind = kinds[chars.tid[seq]]
    sx0, sx1, stop, sline = x0[seq], chars.x1[seq], top[seq], line[seq]
    starts = np.ones(n, bool)
    starts[1:] = (
        (sline[1:] != sline[:-1])
        | (kind[:-1] != 0)
        | (sx0[1:] < sx0[:-1])
        | (sx0[1:] > sx1[:-1] + _TOLERANCE)
        | (np.abs(stop[1:] - stop[:-1]) > _TOLERANCE)
    )
    starts |= kind != 0
    bounds = np.flatnonzero(starts)
    return seq, bounds, kind[bounds] != 1  # a space is no word; an empty text is one


def _words(chars: Chars) -> list[Word]:
    """The words of ``chars`` (all upright), in pdfplumber's order."""
    n = len(chars)
    if not n:
        return []
    seq, bounds, is_word = _word_spans(chars)
    texts = [_LIGATURES.get(t, t) for t in chars.texts]
    text = list(map(texts.__getitem__, chars.tid[seq].tolist()))
    ends = np.append(bounds[1:], n)
    starts, ends = bounds[is_word], ends[is_word]
    words_text = ["".join(text[s:e]) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    x0 = np.minimum.reduceat(chars.x0[seq], bounds)[is_word]
    x1 = np.maximum.reduceat(chars.x1[seq], bounds)[is_word]
    top = np.minimum.reduceat(chars.top[seq], bounds)[is_word]
    bottom = np.maximum.reduceat(chars.bottom[seq], bounds)[is_word]
    size = chars.size[seq][starts]
    bold_font = np.array([_bold_font(f) for f in chars.fontnames], np.intp)
    bold_chars = np.add.reduceat(bold_font[chars.font[seq]], bounds)[is_word]
    bold = bold_chars * 2 > ends - starts
    return list(
        zip(
            words_text,
            x0.tolist(),
            x1.tolist(),
            top.tolist(),
            bottom.tolist(),
            size.tolist(),
            bold.tolist(),
            strict=True,
        )
    )


def words_from_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page's words, as ``pdfplumber.utils.extract_words(chars, extra_attrs=["size"],
    return_chars=True)`` gives them (``doctop`` is ``top``: pages are read one by one);
    the grouping of :func:`page_lines` when every char is upright."""
    glyphs = [
        {**c, "text": BULLET} if _is_bullet_glyph(c["text"], c.get("fontname", "")) else c
        for c in chars
    ]
    if not all(map(_UPRIGHT, glyphs)):
        from pdfplumber.utils import extract_words

        return list(extract_words(glyphs, extra_attrs=["size"], return_chars=True))
    if not glyphs:
        return []
    seq, bounds, is_word = _word_spans(Chars.from_dicts(glyphs))
    order = seq.tolist()
    ends = np.append(bounds[1:], len(glyphs))
    words = []
    for s, e in zip(bounds[is_word].tolist(), ends[is_word].tolist(), strict=True):
        members = [glyphs[i] for i in order[s:e]]
        x0 = min(c["x0"] for c in members)
        x1 = max(c["x1"] for c in members)
        top = min(c["top"] for c in members)
        bottom = max(c["bottom"] for c in members)
        words.append(
            {
                "text": "".join(_LIGATURES.get(c["text"], c["text"]) for c in members),
                "x0": x0,
                "x1": x1,
                "top": top,
                "doctop": top,
                "bottom": bottom,
                "upright": members[0]["upright"],
                "height": bottom - top,
                "width": x1 - x0,
                "direction": "ltr",
                "size": members[0]["size"],
                "chars": members,
            }
        )
    return words


_UPRIGHT = operator.itemgetter("upright")


# --------------------------------------------------------------------------- lines


def _word_is_bold(word: dict[str, Any]) -> bool:
    chars = word.get("chars") or []
    if not chars:
        return False
    bold = sum(map(_bold_font, [c.get("fontname", "") for c in chars]))
    return bold * 2 > len(chars)


def lines_from_words(words: Iterable[dict[str, Any]], page_no: int) -> list[Line]:
    """Group word dicts (as :func:`words_from_chars` gives) into lines by their baseline,
    keeping raised superscripts with their line."""
    return _lines(
        [
            (w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["size"], _word_is_bold(w))
            for w in words
        ],
        page_no,
    )


class _Group:
    """The words of one line as they are gathered, with what placing a word needs kept up
    to date, so that a line of thousands of words is still built in linear time."""

    __slots__ = ("words", "ref", "size", "bottom", "reach", "tol", "by_x0", "by_x1", "indexed")

    def __init__(self, word: Word) -> None:
        self.words: list[Word] = [word]
        self._ref(word)
        # the words' x0 and x1 by whole point, made on the first ``near`` (most lines
        # never need them) and kept up to date from then on
        self.by_x0: dict[int, list[float]] = {}
        self.by_x1: dict[int, list[float]] = {}
        self.indexed = 0

    def _ref(self, word: Word) -> None:
        self.ref = word  # the largest word (the first of equal sizes)
        self.size = size = word[_WSIZE]
        self.bottom = word[_WBOTTOM]
        self.reach = word[_WTOP] - size * 0.4  # how high a superscript may sit
        self.tol = max(1.5, size * 0.2)

    def add(self, word: Word) -> None:
        self.words.append(word)
        if word[_WSIZE] > self.size:
            self._ref(word)

    def near(self, word: Word) -> bool:
        """Whether a word of the line ends or starts within 2.5pt of ``word``."""
        by_x0, by_x1 = self.by_x0, self.by_x1
        for w in self.words[self.indexed :]:
            by_x0.setdefault(math.floor(w[_WX0]), []).append(w[_WX0])
            by_x1.setdefault(math.floor(w[_WX1]), []).append(w[_WX1])
        self.indexed = len(self.words)
        return _within(by_x1, word[_WX0]) or _within(by_x0, word[_WX1])


def _within(index: dict[int, list[float]], x: float, gap: float = 2.5) -> bool:
    return any(
        abs(x - v) < gap
        for bucket in range(math.floor(x - gap), math.floor(x + gap) + 1)
        for v in index.get(bucket, ())
    )


_BOTTOM_X0 = operator.itemgetter(_WBOTTOM, _WX0)


def _lines(words: list[Word], page_no: int) -> list[Line]:
    """Group words into lines by their baseline, keeping raised superscripts with their line."""
    ordered = sorted(words, key=_BOTTOM_X0)
    groups: list[_Group] = []
    for w in ordered:
        if not w[_TEXT].strip():
            continue
        size, bottom = w[_WSIZE], w[_WBOTTOM]
        for group in reversed(groups[-3:]):
            rsize = group.size
            similar = (
                size >= rsize * 0.75 if size <= rsize else rsize >= size * 0.75
            )  # min(size, rsize) >= max(size, rsize) * 0.75
            if similar and abs(bottom - group.bottom) <= group.tol:
                group.add(w)
                break
            if (
                size < rsize * 0.8
                and w[_WTOP] >= group.reach
                and bottom <= group.bottom
                and group.near(w)
            ):
                group.add(w)
                break
        else:
            groups.append(_Group(w))
    lines = [_make_line(g, page_no) for g in _attach_marks([g.words for g in groups])]
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


_WORD_X0 = operator.itemgetter(_WX0)
_MARK = re.compile(r"[\d*†‡§¹²³⁴-⁹]{1,3}")


def _make_line(words: list[Word], page_no: int) -> Line:
    words.sort(key=_WORD_X0)
    weights: dict[float, int] = {}  # characters set in each size
    for w in words:
        weights[w[_WSIZE]] = weights.get(w[_WSIZE], 0) + len(w[_TEXT])
    size = max(set(weights), key=weights.__getitem__) if len(weights) > 1 else next(iter(weights))
    small = size * 0.8
    marks: list[str] = []
    if any(w[_WSIZE] < small for w in words):
        # superscript marks: small words raised above the baseline of the line's main text
        baseline = max(w[_WBOTTOM] for w in words if w[_WSIZE] >= small)
        kept: list[Word] = []
        for w in words:
            if (
                w[_WSIZE] < small
                and w[_WBOTTOM] < baseline - size * 0.15
                and _MARK.fullmatch(w[_TEXT])
            ):
                marks.append(w[_TEXT])
            else:
                kept.append(w)
        words = kept or words
    segments: list[Segment] = []
    run: list[Word] = []
    gap = max(size * 0.75, 6.0)
    last_x1 = 0.0
    for w in words:
        if run and w[_WX0] - last_x1 > gap:
            segments.append(_segment(run))
            run = []
        run.append(w)
        last_x1 = w[_WX1]
    segments.append(_segment(run))
    text = clean_text(" ".join(s.text for s in segments))
    chars = bold_chars = 0
    for w in words:
        n = len(w[_TEXT])
        chars += n
        if w[_WBOLD]:
            bold_chars += n
    return Line(
        text=text,
        page=page_no,
        x0=min(w[_WX0] for w in words),
        x1=max(w[_WX1] for w in words),
        top=min(w[_WTOP] for w in words),
        bottom=max(w[_WBOTTOM] for w in words),
        size=round(size, 1),
        bold=bold_chars * 2 > chars,
        segments=tuple(segments) if len(segments) > 1 else (),
        marks=tuple(marks),
    )


def _segment(run: list[Word]) -> Segment:
    text = run[0][_TEXT]
    prev = run[0]
    for w in run[1:]:
        # words split only by a change of size (e.g. a curly apostrophe from another font)
        # touch each other: no space between them; words of one size were split at a
        # space, even when a font's overlapping boxes leave no gap ("Quality of work")
        if w[_WX0] - prev[_WX1] > 0.8 or abs(w[_WSIZE] - prev[_WSIZE]) < 0.01:
            text += " "
        text += w[_TEXT]
        prev = w
    return Segment(clean_text(text), run[0][_WX0], run[-1][_WX1])


#: A page with more lone numbers than this (a column of figures) has no footnote marks to
#: find, and matching each against every line would take time quadratic in its lines.
MAX_MARK_CANDIDATES = 100


_LONE_MARK = re.compile(r"[\d*†‡]{1,2}")
_ORDINAL = re.compile(r"st|nd|rd|th")


def _attach_marks(groups: list[list[Word]]) -> list[list[Word]]:
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


def _lone_kind(group: list[Word]) -> str | None:
    if len(group) == 1 and _LONE_MARK.fullmatch(group[0][_TEXT]):
        return "mark"
    if len(group) == 1 and group[0][_TEXT] == BULLET:
        return "bullet"
    if all(_ORDINAL.fullmatch(w[_TEXT]) for w in group):
        return "ordinal"
    return None


def _level(host: list[Word], word: Word) -> bool:
    """``word`` is small beside ``host``'s text and raised no higher than a superscript."""
    big = max(o[_WSIZE] for o in host)
    return word[_WSIZE] < big * 0.8 and (
        min(o[_WTOP] for o in host) - big * 0.4 <= word[_WTOP] <= max(o[_WBOTTOM] for o in host)
    )


def _hosts_mark(host: list[Word], mark: Word) -> bool:
    touching = any(abs(mark[_WX0] - o[_WX1]) < 2.5 or abs(o[_WX0] - mark[_WX1]) < 2.5 for o in host)
    return touching and _level(host, mark)


def _hosts_ordinal(host: list[Word], suffix: Word) -> bool:
    after_number = any(abs(suffix[_WX0] - o[_WX1]) < 2.5 and o[_TEXT][-1:].isdigit() for o in host)
    return after_number and _level(host, suffix)


def _bullet_host(others: list[list[Word]], bullet: Word) -> list[Word] | None:
    """The line just right of a lone bullet whose text spans the bullet's middle."""
    middle = (bullet[_WTOP] + bullet[_WBOTTOM]) / 2
    best: tuple[float, list[Word]] | None = None
    for other in others:
        if not min(o[_WTOP] for o in other) <= middle <= max(o[_WBOTTOM] for o in other):
            continue
        gap = min(o[_WX0] for o in other) - bullet[_WX1]
        if -0.5 <= gap <= 72 and (best is None or gap < best[0]):
            best = (gap, other)
    return best[1] if best is not None else None
