"""The library as the tables analysts use: ``documents``, ``latest``, ``improvement_areas``
and ``findings``, written as CSV, JSON, JSON lines or an xlsx workbook.

>>> from ilacs_cli.library import Library
>>> from ilacs_cli.export import table, write
>>> with Library("library.sqlite3") as lib:                     # doctest: +SKIP
...     columns, rows = table("documents", lib.reports())
...     write(["documents", "latest"], lib.reports(), "xlsx", "ofsted.xlsx")

Every table is a list of columns and one dict per row whose values are strings, numbers,
booleans, dates or None. Importable without Typer or rich (xlsxwriter is imported only to
write xlsx).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .models import GRADE_RANK, Area, Grade, Report, ThemeHit
from .register import register
from .themes import focus_themes, themes_of
from .vocabulary import VISIT_KINDS

__all__ = [
    "with_site_facts",
    "FORMATS",
    "GRADE_COLOURS",
    "TABLES",
    "table",
    "write",
]

Row = dict[str, Any]

#: Grade columns, in the order the tables give them (overall effectiveness first).
AREAS = [Area.OVERALL_EFFECTIVENESS] + [a for a in Area if a is not Area.OVERALL_EFFECTIVENESS]

#: Cell colours for grades in xlsx (fill, font): green for outstanding and good, amber for
#: requires improvement (and 2012-13's adequate), red for inadequate, as Ofsted's pages
#: colour their judgement badges.
GRADE_COLOURS: dict[str, tuple[str, str]] = {
    Grade.OUTSTANDING.value: ("#00703C", "#FFFFFF"),
    Grade.GOOD.value: ("#85C77E", "#0B0C0C"),
    Grade.REQUIRES_IMPROVEMENT.value: ("#FFBF47", "#0B0C0C"),
    Grade.ADEQUATE.value: ("#FFBF47", "#0B0C0C"),
    Grade.INADEQUATE.value: ("#D4351C", "#FFFFFF"),
}

VISITS = VISIT_KINDS


def _date(report: Report) -> dt.date | None:
    return report.inspection.end or report.inspection.start or report.letter_date


def _grades(report: Report) -> dict[Area, Grade | None]:
    return {j.area: j.grade for j in report.judgements}


def _change(old: Grade | None, new: Grade | None) -> str | None:
    if new is None:
        return None
    if old is None:
        return "new"
    diff = GRADE_RANK[new] - GRADE_RANK[old]
    return "improved" if diff > 0 else "declined" if diff < 0 else "unchanged"


def with_site_facts(reports: list[Report], facts: dict[str, Any]) -> list[Report]:
    """Reports with the site's facts filled in where the report lacks them: its file URL and
    the site's publication date (``facts``: :meth:`Library.site_facts_by_id`). A document
    added with ``ilacs add`` before ``ilacs fetch`` saw it keeps its first JSON, so its facts
    live only in the fetch records."""
    out = []
    for r in reports:
        fact = facts.get(r.id)
        if fact is not None and (r.source.url is None or r.published is None):
            r = r.model_copy(
                update={
                    "source": r.source.model_copy(update={"url": r.source.url or fact.url}),
                    "published": r.published or fact.published,
                }
            )
        out.append(r)
    return out


def _site(report: Report, name: str) -> Any:
    """A fact ``ilacs fetch`` records (source URL, the site's publication date), read from
    the report wherever it keeps it; None when the report has none."""
    for holder in (report.source, report):
        value = getattr(holder, name, None)
        if value is not None:
            return value
    return None


def _key(report: Report) -> tuple[str, str, str]:
    day = _date(report)
    return (report.local_authority.slug, day.isoformat() if day else "", report.id)


def _by_lineage(reports: list[Report]) -> dict[str, list[Report]]:
    """Each authority's reports and its predecessors', oldest first."""
    reg = register()
    own: dict[str, list[Report]] = {}
    for r in reports:
        own.setdefault(r.local_authority.slug, []).append(r)
    out: dict[str, list[Report]] = {}
    for slug in own:
        slugs = [slug, *(a.slug for a in reg.lineage(slug))]
        merged = [r for s in slugs for r in own.get(s, [])]
        out[slug] = sorted(merged, key=lambda r: ((_date(r) or dt.date.min), r.id))
    return out


# -- the tables ------------------------------------------------------------------------------

DOCUMENT_COLUMNS = [
    "id",
    "urn",
    "la_code",
    "ons_code",
    "authority",
    "slug",
    "region",
    "kind",
    "framework",
    "framework_variant",
    "inspection_start",
    "inspection_end",
    "letter_date",
    "published",
    "lead_inspector",
    *(a.value for a in AREAS),
    "findings",
    "improvement_areas",
    "priority_actions",
    "framework_refs",
    "previous_id",
    *(f"{a.value}_change" for a in AREAS),
    "days_since_previous",
    "source_url",
    "sha256",
    "focus_themes",
    "focus_theme_phrases",
]


def documents(reports: list[Report]) -> tuple[list[str], list[Row]]:
    """One row per document; the previous graded inspection is the authority's (or its
    predecessors') latest earlier document with judgements."""
    history = _by_lineage(reports)
    rows = []
    for r in sorted(reports, key=_key):
        la = r.local_authority
        day = _date(r)
        earlier = [
            p
            for p in history[la.slug]
            if p.judgements and p is not r and (d := _date(p)) and day and d < day
        ]
        previous = earlier[-1] if earlier else None
        grades, before = _grades(r), _grades(previous) if previous else {}
        lead = next((i.name for i in r.inspectors if i.role == "lead"), None)
        row: Row = {
            "id": r.id,
            "urn": la.urn,
            "la_code": la.la_code,
            "ons_code": la.ons_code,
            "authority": la.name,
            "slug": la.slug,
            "region": la.region,
            "kind": r.kind.value,
            "framework": r.framework.name if r.framework else None,
            "framework_variant": r.framework.variant if r.framework else None,
            "inspection_start": r.inspection.start,
            "inspection_end": r.inspection.end,
            "letter_date": r.letter_date,
            "published": _site(r, "published"),
            "lead_inspector": lead,
            "findings": len(r.findings),
            "improvement_areas": sum(not i.priority for i in r.improvement_areas),
            "priority_actions": sum(i.priority for i in r.improvement_areas),
            "framework_refs": sum(len(i.framework_refs) for i in r.improvement_areas),
            "previous_id": previous.id if previous else None,
            "days_since_previous": (day - _date(previous)).days  # type: ignore[operator]
            if previous
            else None,
            "source_url": _site(r, "source_url") or _site(r, "url"),
            "sha256": r.source.sha256,
            **_theme_cells(focus_themes(r.focus), "focus_themes", "focus_theme_phrases"),
        }
        for a in AREAS:
            g = grades.get(a)
            row[a.value] = g.value if g else None
            row[f"{a.value}_change"] = (
                _change(before.get(a), g) if previous and a in grades else None
            )
        rows.append(row)
    return DOCUMENT_COLUMNS, rows


LATEST_GRADES = [
    Area.OVERALL_EFFECTIVENESS,
    Area.IMPACT_OF_LEADERS,
    Area.HELP_AND_PROTECTION,
    Area.CHILDREN_IN_CARE,
    Area.CARE_LEAVERS,
    Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
]
NEIGHBOUR_COUNTS = [Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE]

LATEST_COLUMNS = [
    "slug",
    "authority",
    "urn",
    "la_code",
    "ons_code",
    "region",
    "type",
    "status",
    "inspection_id",
    "inspection_kind",
    "inspection_end",
    "published",
    *(a.value for a in LATEST_GRADES),
    "visit_id",
    "visit_kind",
    "visit_date",
    "stat_neighbours",
    "stat_neighbour_judgements",
    *(f"stat_neighbours_{g.value}" for g in NEIGHBOUR_COUNTS),
]


def latest(reports: list[Report]) -> tuple[list[str], list[Row]]:
    """One row per authority of the register: its latest graded inspection, its latest
    visit, and the overall grades of its ten statistical neighbours (their latest graded
    inspections), in the neighbours' order."""
    reg = register()
    graded: dict[str, Report] = {}
    visits: dict[str, Report] = {}
    for r in sorted(reports, key=lambda r: ((_date(r) or dt.date.min), r.id)):
        if r.kind in VISITS:
            visits[r.local_authority.slug] = r
        elif r.judgements:
            graded[r.local_authority.slug] = r
    by_code = {a.la_code: a for a in reg if a.la_code}
    rows = []
    for a in reg:
        inspection, visit = graded.get(a.slug), visits.get(a.slug)
        grades = _grades(inspection) if inspection else {}
        neighbours = [by_code[c] for c in a.stat_neighbours if c in by_code]
        overall = []
        for n in neighbours:
            their = graded.get(n.slug)
            g = their.overall_effectiveness if their else None
            overall.append(g.value if g else "")
        row: Row = {
            "slug": a.slug,
            "authority": a.name,
            "urn": a.urn,
            "la_code": a.la_code,
            "ons_code": a.ons_code,
            "region": a.region,
            "type": a.type,
            "status": a.status,
            "inspection_id": inspection.id if inspection else None,
            "inspection_kind": inspection.kind.value if inspection else None,
            "inspection_end": _date(inspection) if inspection else None,
            "published": _site(inspection, "published") if inspection else None,
            "visit_id": visit.id if visit else None,
            "visit_kind": visit.kind.value if visit else None,
            "visit_date": _date(visit) if visit else None,
            "stat_neighbours": ";".join(n.slug for n in neighbours) or None,
            "stat_neighbour_judgements": ";".join(overall) if any(overall) else None,
        }
        for area in LATEST_GRADES:
            g = grades.get(area)
            row[area.value] = g.value if g else None
        for g in NEIGHBOUR_COUNTS:
            row[f"stat_neighbours_{g.value}"] = overall.count(g.value)
        rows.append(row)
    return LATEST_COLUMNS, rows


ITEM_COLUMNS = ["id", "urn", "slug", "authority", "kind", "date"]


def _theme_cells(hits: list[ThemeHit], names: str, phrases: str) -> Row:
    """Themes as two cells: their names and, in the same order, the phrase (as printed)
    that named each, both ``;``-joined (a phrase is words, spaces and hyphens: it holds no
    ``;``); None for none. Read afresh with :mod:`ilacs_cli.themes`, as ``ilacs themes``
    does, so reports saved before the vocabulary (or before a change to it) get today's."""
    return {
        names: ";".join(h.name for h in hits) or None,
        phrases: ";".join(" ".join(h.phrase.split()) for h in hits) or None,
    }


def _item_base(r: Report) -> Row:
    la = r.local_authority
    return {
        "id": r.id,
        "urn": la.urn,
        "slug": la.slug,
        "authority": la.name,
        "kind": r.kind.value,
        "date": _date(r),
    }


def improvement_areas(reports: list[Report]) -> tuple[list[str], list[Row]]:
    """One row per improvement area (and priority action), in the report's order."""
    columns = [
        *ITEM_COLUMNS,
        "n",
        "area",
        "priority",
        "text",
        "framework_refs",
        "themes",
        "theme_phrases",
    ]
    rows = []
    for r in sorted(reports, key=_key):
        base = _item_base(r)
        for n, item in enumerate(r.improvement_areas, start=1):
            rows.append(
                {
                    **base,
                    "n": n,
                    "area": item.area.value if item.area else None,
                    "priority": item.priority,
                    "text": item.text,
                    "framework_refs": ";".join(item.framework_refs) or None,
                    **_theme_cells(themes_of(item.text), "themes", "theme_phrases"),
                }
            )
    return columns, rows


def findings(reports: list[Report]) -> tuple[list[str], list[Row]]:
    """One row per finding (numbered paragraph), with its area, heading and pages."""
    columns = [*ITEM_COLUMNS, "number", "area", "section", "page", "pages", "text"]
    rows = []
    for r in sorted(reports, key=_key):
        base = _item_base(r)
        for f in r.findings:
            rows.append(
                {
                    **base,
                    "number": f.number,
                    "area": f.area.value if f.area else None,
                    "section": f.section,
                    "page": f.pages[0] if f.pages else None,
                    "pages": ";".join(map(str, f.pages)) or None,
                    "text": f.text,
                }
            )
    return columns, rows


@dataclass(frozen=True)
class Table:
    name: str
    build: Callable[[list[Report]], tuple[list[str], list[Row]]]
    description: str


#: The tables ``ilacs export`` writes, in workbook order.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("documents", documents, "one row per document"),
        Table("latest", latest, "one row per authority: where it stands, against whom"),
        Table("improvement_areas", improvement_areas, "one row per improvement area"),
        Table("findings", findings, "one row per finding"),
    )
}


def table(name: str, reports: Iterable[Report]) -> tuple[list[str], list[Row]]:
    """The columns and rows of table ``name`` (a key of :data:`TABLES`)."""
    return TABLES[name].build(list(reports))


# -- the formats -----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _csv(columns: list[str], rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else _plain(v)) for k, v in row.items()})
    return out.getvalue()


def _json(columns: list[str], rows: list[Row]) -> str:
    data = [{c: _plain(row.get(c)) for c in columns} for row in rows]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _jsonl(columns: list[str], rows: list[Row]) -> str:
    return "".join(
        json.dumps({c: _plain(row.get(c)) for c in columns}, ensure_ascii=False) + "\n"
        for row in rows
    )


def _xlsx(sheets: list[tuple[str, list[str], list[Row]]], target: str | Path | IO[bytes]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(target, {"strings_to_numbers": False, "strings_to_urls": False})
    header = book.add_format({"bold": True, "bottom": 1, "bg_color": "#F3F2F1"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    fills = {
        g: book.add_format({"bg_color": fill, "font_color": font})
        for g, (fill, font) in GRADE_COLOURS.items()
    }
    grade_columns = {a.value for a in AREAS}
    for name, columns, rows in sheets:
        sheet = book.add_worksheet(name[:31])
        for c, column in enumerate(columns):
            sheet.write_string(0, c, column, header)
            width = 60 if column in ("text", "section") else max(10, min(len(column) + 2, 28))
            sheet.set_column(c, c, width, wrap if column == "text" else None)
        for r, row in enumerate(rows, start=1):
            for c, column in enumerate(columns):
                value = row.get(column)
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), day)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                elif column in grade_columns and value in fills:
                    sheet.write_string(r, c, value, fills[value])
                else:
                    sheet.write_string(r, c, str(value))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    book.close()


_TEXT_FORMATS: dict[str, Callable[[list[str], list[Row]], str]] = {
    "csv": _csv,
    "json": _json,
    "jsonl": _jsonl,
}

#: The formats ``ilacs export`` writes. xlsx alone holds several tables (one sheet each).
FORMATS = (*_TEXT_FORMATS, "xlsx")


def write(
    tables: list[str],
    reports: Iterable[Report],
    fmt: str,
    target: str | Path | IO[str] | IO[bytes],
) -> None:
    """Write ``tables`` of ``reports`` in ``fmt`` to ``target`` (a path or an open file:
    text for csv/json/jsonl, binary for xlsx). Only xlsx takes more than one table."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if fmt != "xlsx" and len(tables) != 1:
        raise ValueError(f"{fmt} holds one table; xlsx holds several")
    reports = list(reports)
    built = [(name, *table(name, reports)) for name in tables]
    if fmt == "xlsx":
        _xlsx(built, target)  # type: ignore[arg-type]
        return
    text = _TEXT_FORMATS[fmt](built[0][1], built[0][2])
    if isinstance(target, str | Path):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text)  # type: ignore[arg-type]
