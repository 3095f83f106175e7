"""Full-text search over everything the library's reports say (SQLite FTS5).

>>> from ilacs_cli.library import Library
>>> from ilacs_cli.search import search
>>> with Library() as lib:                                          # doctest: +SKIP
...     found = search(lib, "pre-proceedings", since="2023")
...     [(h.id, h.part, h.finding_number or h.item) for h in found.hits][:2]
[('salford-2023', 'improvement_areas', 1), ('salford-2023', 'findings', 14)]

Every finding, improvement area, summary paragraph and visit focus of a saved report is a
*passage* in the table ``passages``, indexed by the FTS5 table ``passages_fts``
(``tokenize='porter unicode61'``: "plans" finds "planning", accents and case do not
matter). :class:`~ilacs_cli.library.Library` keeps the index in step: a report saved,
updated or removed changes its passages in the same transaction; a library made before
search existed is indexed when it is opened (its migration step).

A query is FTS5's syntax, made forgiving for people: words (all must match), ``"a
phrase"``, ``AND`` / ``OR`` / ``NOT`` (upper case), ``(`` ``)``, ``prefix*``. A word with
punctuation inside it (``pre-proceedings``, ``16-17-year-olds``, ``children's``) is read
as the phrase of its parts. A query FTS5 cannot read raises :class:`SearchQueryError`
(exit 2) with the reason, never a traceback.

Importable without Typer or rich.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import UsageError
from .vocabulary import Area, Kind

if TYPE_CHECKING:
    from .library import Library
    from .models import Report

__all__ = [
    "Part",
    "SearchHit",
    "SearchQueryError",
    "SearchResult",
    "Sort",
    "index_report",
    "passages_of",
    "search",
    "to_fts",
    "unindex_report",
]


class Part(str, Enum):
    """Where in a report a passage sits: the report's own field names."""

    FINDINGS = "findings"
    IMPROVEMENT_AREAS = "improvement_areas"
    SUMMARY = "summary"
    FOCUS = "focus"


class Sort(str, Enum):
    RANK = "rank"  # best match first (BM25)
    DATE = "date"  # newest document first
    AUTHORITY = "authority"  # by authority, then oldest document first, then position


class SearchQueryError(UsageError):
    """A query FTS5 cannot read (unbalanced quote, a lone ``-``, ``AND`` with nothing
    after it). Exit 2, like any other usage error."""


# --------------------------------------------------------------------------- indexing

#: Marks FTS5 puts around matched terms (control characters never in a passage's text:
#: they are blanked when it is indexed).
_OPEN, _CLOSE = "\x01", "\x02"
_NO_MARKS = str.maketrans({_OPEN: " ", _CLOSE: " "})

_PASSAGE_COLUMNS = (
    "report_id, slug, authority, kind, date, part, item, number, area, section, pages, "
    "priority, region, text"
)


def passages_of(report: Report) -> Iterator[tuple[Any, ...]]:
    """The rows a report gives ``passages`` after its document columns: part, item
    (1-based position in its list), finding number, area, section, pages (JSON),
    priority, region, text."""
    region = getattr(report.local_authority, "region", None)
    for i, f in enumerate(report.findings, start=1):
        area = f.area.value if f.area else None
        pages = json.dumps(f.pages, separators=(",", ":"))
        yield (Part.FINDINGS.value, i, f.number, area, f.section, pages, 0, region, f.text)
    for i, ia in enumerate(report.improvement_areas, start=1):
        area = ia.area.value if ia.area else None
        yield (
            Part.IMPROVEMENT_AREAS.value,
            i,
            None,
            area,
            None,
            "[]",
            int(ia.priority),
            region,
            ia.text,
        )
    for i, para in enumerate(report.summary, start=1):
        yield (Part.SUMMARY.value, i, None, None, None, "[]", 0, region, para)
    if report.focus:
        yield (Part.FOCUS.value, None, None, None, None, "[]", 0, region, report.focus)


def unindex_report(conn: sqlite3.Connection, report_id: str) -> None:
    """Take a report's passages out of the index (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO passages_fts (passages_fts, rowid, text) "
        "SELECT 'delete', id, text FROM passages WHERE report_id = ?",
        (report_id,),
    )
    conn.execute("DELETE FROM passages WHERE report_id = ?", (report_id,))


def index_report(conn: sqlite3.Connection, report_id: str, report: Report) -> None:
    """Put a report's passages in the index in place of any it had (inside the caller's
    transaction, so the report and its passages are saved together or not at all)."""
    unindex_report(conn, report_id)
    day = report.inspection.end or report.inspection.start or report.letter_date
    document = (
        report_id,
        report.local_authority.slug,
        report.local_authority.name,
        report.kind.value,
        day.isoformat() if day else None,
    )
    for row in passages_of(report):
        cur = conn.execute(
            f"INSERT INTO passages ({_PASSAGE_COLUMNS}) VALUES ({', '.join('?' * 14)})",
            (*document, *row[:-1], row[-1].translate(_NO_MARKS)),
        )
        conn.execute(
            "INSERT INTO passages_fts (rowid, text) VALUES (?, ?)",
            (cur.lastrowid, row[-1].translate(_NO_MARKS)),
        )


# --------------------------------------------------------------------------- the query

_BAREWORD = re.compile(r"^\w+$")
_OPERATORS = {"AND", "OR", "NOT"}


def to_fts(query: str) -> str:
    """A person's query as an FTS5 expression: words with punctuation inside become
    phrases (``pre-proceedings`` -> ``"pre-proceedings"``); quotes, brackets, ``AND``,
    ``OR``, ``NOT`` and ``prefix*`` pass through. Raises :class:`SearchQueryError` for an
    unbalanced quote, a lone ``-`` or ``*``, or an empty query."""
    out: list[str] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise SearchQueryError(
                    'unbalanced double quote (a phrase is written "like this")', query
                )
            star = end + 1 < n and query[end + 1] == "*"
            out.append(query[i : end + 1] + ("*" if star else ""))
            i = end + 1 + star
        elif c in "()":
            out.append(c)
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in '()"':
                j += 1
            out.append(_word(query[i:j], query))
            i = j
    if not any(t not in _OPERATORS and t not in "()" for t in out):
        raise SearchQueryError("nothing to search for", query)
    return " ".join(out)


def _word(word: str, query: str) -> str:
    if word in _OPERATORS:
        return word
    if word.startswith("-"):
        raise SearchQueryError(
            f"'{word}': a '-' does not leave words out here; write NOT (adoption NOT fostering)",
            query,
        )
    star = word.endswith("*")
    stem = word.rstrip("*")
    if not stem:
        raise SearchQueryError("a '*' needs the start of a word before it (plan*)", query)
    if _BAREWORD.match(stem):
        return stem + ("*" if star else "")
    return f'"{stem}"' + ("*" if star else "")


def _fts_reason(exc: sqlite3.OperationalError) -> str | None:
    text = str(exc)
    if (
        not text.startswith("fts5:")
        and "syntax error" not in text
        and "malformed MATCH" not in text
    ):
        return None
    reason = text.removeprefix("fts5: ").replace('near ""', "at the end of the query")
    if "syntax error" in reason:
        reason += " (AND, OR and NOT need a word on each side, brackets must pair)"
    return reason


# --------------------------------------------------------------------------- results


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchHit(_Model):
    """One matching passage and where it sits."""

    id: str = Field(description="The library id of the document.")
    authority: str
    slug: str
    region: str | None = None
    date: dt.date | None = Field(
        description="The inspection's last day, else its first, else the letter's date."
    )
    kind: Kind
    part: Part = Field(description="Which list of the report it is in.")
    item: int | None = Field(
        description="1-based position in that list (the improvement area's or summary "
        "paragraph's number); null for a focus."
    )
    finding_number: int | None = Field(description="Findings: the paragraph number as printed.")
    area: Area | None = Field(description="Findings: the judgement area it sits under.")
    section: str | None = None
    pages: list[int] = Field(default_factory=list, description="Findings: the page(s).")
    priority: bool = Field(default=False, description="Improvement areas: a priority action.")
    text: str = Field(description="The whole passage, as in the report.")
    marks: list[tuple[int, int]] = Field(
        description="Where the query's terms are in text: [start, end) offsets in characters "
        "(Unicode code points)."
    )
    matches: list[str] = Field(description="The marked words, text[start:end] for each mark.")
    snippet: str = Field(description="A short excerpt around the matches ('…' where cut).")
    snippet_marks: list[tuple[int, int]] = Field(description="The marks, as offsets in snippet.")
    score: float = Field(description="BM25 relevance: higher is a better match.")


class SearchResult(_Model):
    query: str
    fts_query: str = Field(description="The query as FTS5 read it.")
    total: int = Field(description="How many passages match (hits holds at most --limit).")
    hits: list[SearchHit]


def _unmark(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Text marked with _OPEN ... _CLOSE as plain text and the marks' offsets."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for i, piece in enumerate(re.split("[\x01\x02]", marked)):
        if i % 2 == 1:  # between an open and its close
            spans.append((length, length + len(piece)))
        out.append(piece)
        length += len(piece)
    return "".join(out), spans


def _day(value: str | dt.date | None, end: bool) -> str | None:
    """``2023`` / ``2023-06`` / ``2023-06-30`` as the first (or last) day it covers."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return f"{text}-12-31" if end else f"{text}-01-01"
        if re.fullmatch(r"\d{4}-\d{1,2}", text):
            year, month = (int(x) for x in text.split("-"))
            first = dt.date(year, month, 1)
            if not end:
                return first.isoformat()
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return (following - dt.timedelta(days=1)).isoformat()
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise UsageError(f"not a date: {value!r} (write 2023, 2023-06 or 2023-06-30)")


_PART_ORDER = (
    "CASE part WHEN 'focus' THEN 0 WHEN 'summary' THEN 1 WHEN 'improvement_areas' THEN 2 ELSE 3 END"
)
_ORDER = {
    Sort.RANK: "score DESC, slug, date, id",
    Sort.DATE: f"date DESC, slug, {_PART_ORDER}, item",
    Sort.AUTHORITY: f"slug, date, report_id, {_PART_ORDER}, item",
}


def search(
    library: Library,
    query: str,
    *,
    authority: str | None = None,
    region: str | None = None,
    kind: Kind | str | None = None,
    area: Area | str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    parts: Sequence[Part | str] | None = None,
    limit: int | None = 50,
    sort: Sort | str = Sort.RANK,
    snippet_tokens: int = 32,  # words in a hit's snippet
) -> SearchResult:
    """The passages of the library's reports that match ``query``, best first (or by date
    or authority), at most ``limit`` of them (None or 0: all), with the total that match.

    Filters: ``authority`` (slug or name), ``region`` (e.g. "North West", case and
    hyphens aside), ``kind``, ``area`` (a finding's judgement area), ``since`` / ``until``
    (``2023``, ``2023-06`` or a date, inclusive, on the document's date) and ``parts``
    (findings, improvement_areas, summary, focus)."""
    from .library import _slug

    fts = to_fts(query)
    if authority and not library.entries(authority=authority):
        library.history(authority)  # raises NotInLibrary, suggesting close names
    where = ["passages_fts MATCH ?"]
    params: list[Any] = [fts]
    if authority:
        where.append("(p.slug = ? OR p.slug = ? OR lower(p.authority) = lower(?))")
        params += [authority, _slug(authority), authority]
    if region:
        where.append("lower(replace(p.region, ' ', '-')) = lower(replace(?, ' ', '-'))")
        params.append(region.strip())
    if kind:
        where.append("p.kind = ?")
        params.append(Kind(kind).value)
    if area:
        where.append("p.area = ?")
        params.append(Area(area).value)
    if (start := _day(since, end=False)) is not None:
        where.append("p.date >= ?")
        params.append(start)
    if (stop := _day(until, end=True)) is not None:
        where.append("p.date <= ?")
        params.append(stop)
    if parts:
        chosen = [Part(p).value for p in parts]
        where.append(f"p.part IN ({', '.join('?' * len(chosen))})")
        params += chosen
    joined = "FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid WHERE " + " AND ".join(
        where
    )
    order = _ORDER[Sort(sort)]
    # two steps: rank and filter every match on narrow rows, then read and mark up only
    # the passages returned
    sql = (
        "SELECT id, score, count(*) OVER () AS total FROM (SELECT p.id, p.report_id, p.slug, "
        "p.date, p.part, p.item, -bm25(passages_fts) AS score "
        f"{joined}) ORDER BY {order}"
    )
    if len(where) == 1 and Sort(sort) is Sort.RANK:
        # no filter: rank in the index alone, without reading the passages (ties by rowid)
        sql = (
            "SELECT id, score, count(*) OVER () AS total FROM (SELECT rowid AS id, "
            "-bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ?) "
            "ORDER BY score DESC, id"
        )
    if limit:
        sql += f" LIMIT {int(limit)}"
    details = (
        "SELECT p.*, highlight(passages_fts, 0, char(1), char(2)) AS marked "
        "FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid "
        "WHERE passages_fts MATCH ? AND passages_fts.rowid IN (SELECT value FROM json_each(?))"
    )

    def run(conn: sqlite3.Connection) -> tuple[int, list[tuple[sqlite3.Row, float]]]:
        conn.execute("BEGIN")  # both steps read one snapshot, whatever writers do meanwhile
        try:
            ranked = conn.execute(sql, params).fetchall()
            total = ranked[0]["total"] if ranked else 0
            ids = json.dumps([row["id"] for row in ranked])
            rows = {row["id"]: row for row in conn.execute(details, (fts, ids))}
            return total, [(rows[r["id"]], r["score"]) for r in ranked]
        except sqlite3.OperationalError as exc:
            reason = _fts_reason(exc)
            if reason is None:
                raise
            raise SearchQueryError(f"not a valid search: {reason}", query) from None
        finally:
            conn.execute("COMMIT")

    total, rows = library._read(run)
    return SearchResult(
        query=query,
        fts_query=fts,
        total=total,
        hits=[_hit(r, score, snippet_tokens) for r, score in rows],
    )


_WORD = re.compile(r"\S+")


def snippet(
    text: str, marks: list[tuple[int, int]], words: int = 32
) -> tuple[str, list[tuple[int, int]]]:
    """The ``words``-word window of ``text`` holding the most marks (the earliest such),
    with "…" where it cuts the text, and the marks as offsets in it."""
    spans = [m.span() for m in _WORD.finditer(text)]
    if len(spans) <= words:
        return text, list(marks)
    starts = [a for a, _ in marks]
    best, best_count = 0, -1
    j = k = 0  # marks before the window, marks starting before its end
    for first in range(len(spans) - words + 1):
        lo, hi = spans[first][0], spans[first + words - 1][1]
        while j < len(starts) and starts[j] < lo:
            j += 1
        while k < len(starts) and starts[k] < hi:
            k += 1
        if k - j > best_count:
            best, best_count = first, k - j
    # then give the matches some words of context before them, keeping them all in
    lo, hi = spans[best][0], spans[best + words - 1][1]
    inside_words = [
        i for i, (a, b) in enumerate(spans) if lo <= a < hi and any(a <= m < b for m in starts)
    ]
    if inside_words:
        first_word, last_word = inside_words[0], inside_words[-1]
        best = max(0, min(first_word - words // 4, len(spans) - words))
        best = max(best, last_word - words + 1)
    lo, hi = spans[best][0], spans[best + words - 1][1]
    head = "…" if best > 0 else ""
    tail = "…" if best + words < len(spans) else ""
    shift = lo - len(head)
    inside = [(a - shift, min(b, hi) - shift) for a, b in marks if lo <= a < hi]
    return head + text[lo:hi] + tail, inside


def _hit(row: sqlite3.Row, score: float, snippet_words: int) -> SearchHit:
    text, marks = _unmark(row["marked"])
    snip, snip_marks = snippet(text, marks, snippet_words)
    return SearchHit(
        id=row["report_id"],
        authority=row["authority"],
        slug=row["slug"],
        region=row["region"],
        date=dt.date.fromisoformat(row["date"]) if row["date"] else None,
        kind=Kind(row["kind"]),
        part=Part(row["part"]),
        item=row["item"],
        finding_number=row["number"],
        area=Area(row["area"]) if row["area"] else None,
        section=row["section"],
        pages=json.loads(row["pages"] or "[]"),
        priority=bool(row["priority"]),
        text=text,
        marks=marks,
        matches=[text[a:b] for a, b in marks],
        snippet=snip,
        snippet_marks=snip_marks,
        score=round(float(score), 4),
    )
