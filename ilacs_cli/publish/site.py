"""Build the site: gather each authority's documents, diff its last two, render the pages."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
from collections import Counter
from concurrent.futures import Executor, Future
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IlacsError, UsageError
from ..models import Grade, Report
from . import hexmap
from .authorities import Authorities, AuthorityInfo, authorities
from .views import (
    CHART_H,
    CHART_LEFT,
    CHART_LEVELS,
    CHART_W,
    COLUMNS,
    GRADE_STYLES,
    area_title,
    chart,
    column_grade,
    graded,
    kind_word,
    level_y,
    report_date,
    safe_name,
)

if TYPE_CHECKING:
    from ..compare import ReportDiff
    from ..library import Library

__all__ = ["STATE_FILE", "PublishResult", "SiteError", "publish"]

STATE_FILE = ".ilacs-publish.json"
CACHE_DIR = ".ilacs-publish-cache"
ASSETS = ("site.css", "site.js")


class SiteError(UsageError):
    """The output folder cannot be used (a file in the way, not writable). Exit 2."""


@dataclass
class PublishResult:
    out: Path
    authorities: int  # pages of authorities written
    documents: int
    pages: int  # HTML pages written
    new: list[str] = field(default_factory=list)  # ids new since the last publish
    first: bool = True  # no earlier publish in this folder
    diffs: int = 0
    diffs_cached: int = 0
    downloads: list[str] = field(default_factory=list)
    register: bool = False  # authorities from the register (else from the library)
    warnings: list[str] = field(default_factory=list)


# -- documents of an authority ---------------------------------------------------------------


@dataclass
class Doc:
    report: Report
    own: bool  # False: a predecessor's document
    authority: AuthorityInfo
    json_name: str
    ofsted_url: str | None = None

    @property
    def date(self) -> dt.date | None:
        return report_date(self.report)


def _sort_key(report: Report) -> tuple[str, str]:
    day = report_date(report)
    return (day.isoformat() if day else "", report.id)


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links: a stored URL is data, never ``javascript:``."""
    if url and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None


def _ofsted_url(library: Library, report: Report) -> str | None:
    """Where Ofsted publishes the PDF, if the library knows (``ilacs fetch`` records it)."""
    facts = getattr(library, "site_facts", None)
    if callable(facts):
        try:
            found = facts(report.id)
        except IlacsError:
            found = None
        if found is not None:
            return _safe_url(getattr(found, "url", None))
    return _safe_url(getattr(report.source, "url", None))


# -- diffs, cached in the output folder ------------------------------------------------------


@cache
def _diff_version() -> str:
    """Changes whenever the diff code or its models change: the cache key's last part."""
    from .. import __version__, compare

    source = Path(compare.__file__).read_bytes()
    return f"{__version__}-{compare.DIFF_SCHEMA_VERSION}-{hashlib.sha256(source).hexdigest()[:16]}"


def _export_key(docs: list[Doc]) -> str | None:
    """Changes whenever a document or the export code changes: a re-publish of the same
    library does not write the export tables again. None without ``ilacs_cli.export``."""
    h = hashlib.sha256()
    try:
        import importlib

        export = importlib.import_module("ilacs_cli.export")
    except ImportError:
        return None
    h.update(Path(str(export.__file__)).read_bytes())
    for d in docs:
        h.update(d.report.model_dump_json().encode())
    return h.hexdigest()[:32]


def _diff_key(old: Report, new: Report) -> str:
    parts = [
        old.source.sha256,
        old.source.parser_version,
        new.source.sha256,
        new.source.parser_version,
        old.model_dump_json(),
        new.model_dump_json(),
        _diff_version(),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _diff_json(pair: tuple[Report, Report]) -> str:
    from ..compare import diff

    return diff(*pair).model_dump_json()


def _diffs(
    pairs: dict[str, tuple[Report, Report]], cache_dir: Path, pool: Executor | None
) -> tuple[dict[str, ReportDiff], int]:
    """ReportDiff per authority slug, and how many came from the cache; the others are
    computed in ``pool`` when there is one."""
    from ..compare import ReportDiff

    out: dict[str, ReportDiff] = {}
    todo: dict[str, tuple[str, tuple[Report, Report]]] = {}
    hits = 0
    for slug, pair in pairs.items():
        key = _diff_key(*pair)
        cached = cache_dir / f"{key}.json"
        if cached.is_file():
            try:
                out[slug] = ReportDiff.model_validate_json(cached.read_bytes())
                hits += 1
                continue
            except (OSError, ValueError):
                pass
        todo[slug] = (key, pair)
    if todo:
        items = [p for _, p in todo.values()]
        if pool is not None and len(items) > 1:
            texts = list(pool.map(_diff_json, items, chunksize=1))
        else:
            texts = [_diff_json(p) for p in items]
        cache_dir.mkdir(parents=True, exist_ok=True)
        for (slug, (key, _)), text in zip(todo.items(), texts, strict=True):
            out[slug] = ReportDiff.model_validate_json(text)
            _write(cache_dir / f"{key}.json", text)
        keep = {f"{_diff_key(*p)}.json" for p in pairs.values()}
        for old in cache_dir.glob("*.json"):
            if old.name not in keep:
                old.unlink(missing_ok=True)
    return out, hits


# -- state: what the last publish held -------------------------------------------------------


def _read_state(out: Path, warnings: list[str]) -> dict[str, Any] | None:
    path = out / STATE_FILE
    if not path.is_file():
        return None
    try:
        state = json.loads(path.read_text("utf-8"))
        if not isinstance(state, dict) or not isinstance(state.get("documents"), dict):
            raise ValueError("not a publish state")
        return state
    except (OSError, ValueError) as exc:
        warnings.append(f"{path}: the last publish's state is unreadable ({exc}); starting afresh")
        return None


# -- writing ---------------------------------------------------------------------------------


def _write(path: Path, text: str | bytes) -> None:
    """Write a file whole (a reader never sees half a page)."""
    tmp = path.with_name(path.name + ".tmp")
    if isinstance(text, str):
        tmp.write_text(text, encoding="utf-8")
    else:
        tmp.write_bytes(text)
    tmp.replace(path)


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError("not a folder (a file is in the way)", str(out))
    try:
        for sub in (out, out / "la", out / "assets", out / "downloads" / "reports"):
            sub.mkdir(parents=True, exist_ok=True)
        probe = out / ".ilacs-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise SiteError(f"cannot write here: {exc.strerror or exc}", str(out)) from None


@cache
def _env():  # type: ignore[no-untyped-def]
    import jinja2

    from ..safe import printable

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ilacs_cli", "templates"),
        autoescape=True,  # every template: document text is data, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # control characters and bidi overrides in a document's text are shown as escapes
        finalize=lambda v: printable(v) if isinstance(v, str) else ("" if v is None else v),
    )
    env.globals.update(
        COLUMNS=COLUMNS,
        GRADE_STYLES=GRADE_STYLES,
        CHART_W=CHART_W,
        CHART_H=CHART_H,
        CHART_LEFT=CHART_LEFT,
        CHART_LEVELS=CHART_LEVELS,
        level_y=level_y,
        area_title=area_title,
        kind_word=kind_word,
        grade_word=grade_word,
        grade_css=grade_css,
        change_word=change_word,
        where=where,
        dates=dates,
    )
    return env


def grade_word(grade: Grade | None, empty: str = "—") -> str:
    return GRADE_STYLES[grade].word if grade is not None else empty


def grade_css(grade: Grade | None) -> str:
    return GRADE_STYLES[grade].css if grade is not None else "g-none"


_CHANGE_MARK = {"improved": "▲", "declined": "▼", "unchanged": "=", "new": "+"}


def change_word(change: Any) -> str:
    """'▲ improved', 'not graded', ...: the words are the value's, so a new kind of change
    shows as itself."""
    value = getattr(change, "value", str(change))
    mark = _CHANGE_MARK.get(value)
    words = value.replace("_", " ")
    return f"{mark} {words}" if mark else words


def where(e: Any) -> str:
    """Where a piece of diff evidence is: 'finding 3, page 2', 'summary paragraph 1'."""
    pages = f", page {', '.join(map(str, e.pages))}" if e.pages else ""
    if e.source == "finding":
        return f"finding {e.finding_number}{pages}"
    if e.source == "summary":
        return f"summary paragraph {e.paragraph}{pages}"
    return f"improvement area {e.paragraph}"


def dates(report: Report) -> str:
    start, end = report.inspection.start, report.inspection.end
    if start and end and start != end:
        return f"{start.isoformat()} to {end.isoformat()}"
    one = start or end
    return one.isoformat() if one else "not stated"


# -- the rows and pages ----------------------------------------------------------------------


@dataclass
class Cell:
    grade: Grade | None
    title: str


@dataclass
class Row:
    a: AuthorityInfo
    href: str
    cells: dict[str, Cell]
    graded: Doc | None
    latest: Doc | None
    count: int


def _row(a: AuthorityInfo, docs: list[Doc], href: str) -> Row:
    own = [d for d in docs if d.own]
    graded_docs = [d for d in own if graded(d.report)]
    g = graded_docs[-1] if graded_docs else None
    cells = {}
    for c in COLUMNS:
        grade, area = column_grade(g.report, c) if g else (None, None)
        if g is None:
            title = f"{c.title}: no graded inspection in the library"
        elif grade is None:
            title = f"{c.title}: not judged in the {kind_word(g.report.kind)} of {dates(g.report)}"
        else:
            label = next((j.grade_label for j in g.report.judgements if j.area == area), None)
            title = (
                f"{c.title}: {label or GRADE_STYLES[grade].word} "
                f"({kind_word(g.report.kind)}, {dates(g.report)})"
            )
        cells[c.key] = Cell(grade, title)
    return Row(a, href, cells, g, own[-1] if own else None, len(own))


def _docs_of(
    a: AuthorityInfo, auths: Authorities, names: dict[int, str], urls: dict[int, str | None]
) -> list[Doc]:
    docs = [Doc(r, True, a, names[id(r)], urls[id(r)]) for r in a.reports]
    for p in auths.lineage(a.slug):
        docs += [Doc(r, False, p, names[id(r)], urls[id(r)]) for r in p.reports]
    docs.sort(key=lambda d: _sort_key(d.report))
    return docs


def _charts(docs: list[Doc]) -> list[Any]:
    days = [d.date for d in docs if d.date is not None and graded(d.report)]
    if not days:
        return []
    span = (min(days), max(days))
    pairs = [(d.report, None if d.own else d.authority.name) for d in docs]
    return [c for col in COLUMNS if (c := chart(col, pairs, span)) is not None]


def _hexes(auths: Authorities, rows: dict[str, Row]) -> tuple[list[dict[str, Any]], float, float]:
    shapes, width, height = hexmap.layout()
    by_code = {a.ons_code: a for a in auths.by_slug.values() if a.ons_code and a.current}
    by_slug = {a.slug: a for a in auths.by_slug.values() if a.current}
    from ..rules.common import slugify

    out = []
    for s in shapes:
        a = by_code.get(s.hex.code) or by_slug.get(slugify(s.hex.name))
        row = rows.get(a.slug) if a else None
        grades = {}
        for c in COLUMNS:
            cell = row.cells[c.key] if row else None
            grades[c.key] = (
                cell.grade if cell else None,
                cell.title if cell else f"{c.title}: no documents in the library",
            )
        out.append(
            {
                "shape": s,
                "name": a.name if a else s.hex.name,
                "href": row.href if row else None,
                "grades": grades,
            }
        )
    return out, width, height


def _csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _downloads(
    out: Path,
    rows: list[Row],
    docs: list[Doc],
    exported: Future[list[str] | None] | list[str] | None,
) -> list[str]:
    """The JSON of every document, and ``ilacs export``'s tables (CSV each, and one xlsx
    workbook); without :mod:`ilacs_cli.export`, a CSV of the index table and one of the
    documents instead."""
    folder = out / "downloads"
    reports_dir = folder / "reports"
    written = []
    keep = set()
    jsonl = []
    for d in docs:
        text = d.report.model_dump_json(indent=2) + "\n"
        _write(reports_dir / d.json_name, text)
        keep.add(d.json_name)
        jsonl.append(d.report.model_dump_json())
    for stale in reports_dir.glob("*.json"):
        if stale.name not in keep:
            stale.unlink(missing_ok=True)
    _write(folder / "reports.jsonl", "\n".join(jsonl) + ("\n" if jsonl else ""))
    written.append("downloads/reports.jsonl")
    if isinstance(exported, Future):
        tables = exported.result()
    elif exported is not None:
        tables = exported  # unchanged since the last publish: the files are there
    else:
        tables = _export_tables(docs_reports(docs), folder)
    if tables is not None:
        return written + tables
    _write(folder / "authorities.csv", _csv(_index_table(rows)))
    written.append("downloads/authorities.csv")
    _write(folder / "documents.csv", _csv(_documents_table(docs)))
    written.append("downloads/documents.csv")
    return written


def _index_table(rows: list[Row]) -> list[list[Any]]:
    head = ["slug", "name", "region", "urn", "la_code", "ons_code", "current"]
    head += [c.key for c in COLUMNS]
    head += ["graded_id", "graded_kind", "graded_date", "latest_id", "latest_kind", "latest_date"]
    body: list[list[Any]] = [head]
    for r in rows:
        g, latest = r.graded, r.latest
        body.append(
            [r.a.slug, r.a.name, r.a.region or "", r.a.urn or "", r.a.la_code or ""]
            + [r.a.ons_code or "", "yes" if r.a.current else "no"]
            + [r.cells[c.key].grade.value if r.cells[c.key].grade else "" for c in COLUMNS]
            + [g.report.id if g else "", g.report.kind.value if g else ""]
            + [g.date.isoformat() if g and g.date else ""]
            + [latest.report.id if latest else "", latest.report.kind.value if latest else ""]
            + [latest.date.isoformat() if latest and latest.date else ""]
        )
    return body


def _documents_table(docs: list[Doc]) -> list[list[Any]]:
    areas = sorted({j.area for d in docs for j in d.report.judgements}, key=lambda a: a.value)
    head = ["id", "authority_slug", "authority_name", "kind", "start", "end", "letter_date"]
    head += ["overall_effectiveness", *(a.value for a in areas), "improvement_areas"]
    body: list[list[Any]] = [head]
    for d in docs:
        rep = d.report
        grades = {j.area: j.grade.value if j.grade else "" for j in rep.judgements}
        body.append(
            [rep.id, d.authority.slug, d.authority.name, rep.kind.value]
            + [x.isoformat() if x else "" for x in (rep.inspection.start, rep.inspection.end)]
            + [rep.letter_date.isoformat() if rep.letter_date else ""]
            + [rep.overall_effectiveness.value if rep.overall_effectiveness else ""]
            + [grades.get(a, "") for a in areas]
            + [len(rep.improvement_areas)]
        )
    return body


def docs_reports(docs: list[Doc]) -> list[Report]:
    return [d.report for d in docs]


#: the workbook of every ``ilacs export`` table
XLSX = "ilacs-export.xlsx"


def _export_tables(reports: list[Report], folder: Path) -> list[str] | None:
    """``ilacs export``'s tables, one CSV each and one xlsx of them all; None when
    :mod:`ilacs_cli.export` is not installed."""
    try:
        from ..export import TABLES, write
    except ImportError:
        return None
    written = []
    for name in TABLES:
        write([name], reports, "csv", folder / f"{name}.csv")
        written.append(f"downloads/{name}.csv")
    write(list(TABLES), reports, "xlsx", folder / XLSX)
    written.append(f"downloads/{XLSX}")
    return written


def _pool(jobs: int) -> AbstractContextManager[Executor | None]:
    """Worker processes for the diffs and the export tables, or none (``jobs`` 1)."""
    if jobs <= 1:
        return nullcontext(None)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("fork" if os.name == "posix" else "spawn")
    return ProcessPoolExecutor(jobs, mp_context=ctx)


def publish(
    library: Library,
    out: str | Path,
    *,
    jobs: int = 1,
    now: dt.datetime | None = None,
) -> PublishResult:
    """Write the site for ``library`` into ``out`` (created if need be). ``jobs`` > 1 runs
    the diffs that are not cached, and the export tables, in worker processes."""
    out = Path(out)
    _prepare(out)
    now = now or dt.datetime.now(dt.UTC)
    warnings: list[str] = []
    reports = [library.get(e.id) for e in library.entries()]
    auths = authorities(reports)
    state = _read_state(out, warnings)
    result = PublishResult(out, 0, len(reports), 0, register=auths.source == "register")
    result.warnings = warnings

    names: dict[int, str] = {}
    used: set[str] = set()
    urls: dict[int, str | None] = {}
    for r in reports:
        name = safe_name(r.id)
        while f"{name}.json" in used:
            name += "-" + hashlib.sha256(r.source.sha256.encode()).hexdigest()[:6]
        used.add(f"{name}.json")
        names[id(r)] = f"{name}.json"
        urls[id(r)] = _ofsted_url(library, r)

    pages: dict[str, str] = {}
    for a in auths:
        page = safe_name(a.slug)
        while f"{page}.html" in pages.values():
            page += "-2"
        pages[a.slug] = f"{page}.html"

    docs_by: dict[str, list[Doc]] = {}
    rows: dict[str, Row] = {}
    for a in auths:
        a.reports.sort(key=_sort_key)
        docs_by[a.slug] = _docs_of(a, auths, names, urls)
        rows[a.slug] = _row(a, docs_by[a.slug], f"la/{pages[a.slug]}")

    pairs = {
        s: (a.reports[-2], a.reports[-1]) for s, a in auths.by_slug.items() if len(a.reports) > 1
    }
    # the headline counts the register's current authorities (or, without the register,
    # the library's); the table also lists former authorities and unknown names that have
    # documents
    current_rows = [
        r for r in rows.values() if r.a.current and (r.a.in_register or auths.source == "library")
    ]
    table_rows = [r for r in rows.values() if r.a.current or r.count]
    all_docs = [d for a in auths for d in docs_by[a.slug] if d.own]
    all_docs.sort(key=lambda d: _sort_key(d.report))
    previous = state["documents"] if state else None
    result.first = previous is None
    new_docs = [d for d in all_docs if previous is not None and d.report.id not in previous]
    result.new = [d.report.id for d in new_docs]
    env = _env()
    stamp = now.strftime("%Y-%m-%d %H:%M UTC")
    common = {"stamp": stamp, "documents": len(reports), "source": auths.source}

    export_key = _export_key(all_docs)
    exported: Future[list[str] | None] | list[str] | None = None
    if export_key and state and state.get("export_key") == export_key:
        files = state.get("export_files")
        if isinstance(files, list) and all((out / str(f)).is_file() for f in files):
            exported = [str(f) for f in files]
    with _pool(jobs) as pool:
        # the export tables (the longest single task) run beside the diffs and the pages
        if exported is None and pool is not None:
            exported = pool.submit(_export_tables, docs_reports(all_docs), out / "downloads")
        diffs, hits = _diffs(pairs, out / CACHE_DIR, pool)
        result.diffs, result.diffs_cached = len(diffs), hits
        template = env.get_template("authority.html.j2")
        for a in auths:
            html = template.render(
                root="../",
                a=a,
                row=rows[a.slug],
                docs=docs_by[a.slug],
                charts=_charts(docs_by[a.slug]),
                diff=diffs.get(a.slug),
                pages=pages,
                auths=auths,
                **common,
            )
            _write(out / "la" / pages[a.slug], html)
        result.downloads = _downloads(out, table_rows, all_docs, exported)

    counts = Counter(r.cells["overall"].grade for r in current_rows)
    hexes, map_w, map_h = _hexes(auths, rows)
    regions = sorted({r.a.region for r in rows.values() if r.a.region})
    index = env.get_template("index.html.j2").render(
        root="",
        rows=table_rows,
        counts=counts,
        current=len(current_rows),
        hexes=hexes,
        map_w=map_w,
        map_h=map_h,
        regions=regions,
        new_docs=list(reversed(new_docs)),
        first=result.first,
        last_stamp=state.get("published_at") if state else None,
        pages=pages,
        downloads=result.downloads,
        **common,
    )
    _write(out / "index.html", index)
    keep = set(pages.values())
    for stale in (out / "la").glob("*.html"):
        if stale.name not in keep:
            stale.unlink(missing_ok=True)
    from importlib import resources

    for name in ASSETS:
        data = resources.files("ilacs_cli").joinpath("templates", name).read_bytes()
        _write(out / "assets" / name, data)
    result.authorities = len(pages)
    result.pages = len(pages) + 1
    state_out = {
        "ilacs_publish_state": 1,
        "published_at": now.isoformat(timespec="seconds"),
        "documents": {r.id: r.source.sha256 for r in reports},
        "export_key": export_key,
        "export_files": [d for d in result.downloads if d != "downloads/reports.jsonl"],
    }
    _write(out / STATE_FILE, json.dumps(state_out, indent=1, sort_keys=True) + "\n")
    return result
