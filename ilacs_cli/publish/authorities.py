"""Which authorities the site shows, and the facts about each: the one adapter between
``ilacs publish`` and the authority register.

When :mod:`ilacs_cli.register` is importable, every current authority in it has a page
(with its codes, region, predecessors and successors), and a report is placed by its slug
or, for a slug the register does not know (JSON saved by an older ilacs), by its printed
name on its date. Without the register the authorities are the library's own: one per
report slug, with whatever codes the reports carry; the map then places them by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..models import Report

__all__ = ["Authorities", "AuthorityInfo", "authorities"]


@dataclass
class AuthorityInfo:
    slug: str
    name: str
    urn: str | None = None
    la_code: str | None = None
    ons_code: str | None = None
    region: str | None = None
    type: str | None = None
    current: bool = True
    valid_from: str | None = None
    valid_to: str | None = None
    predecessors: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()
    stat_neighbours: tuple[str, ...] = ()  # slugs, nearest first
    in_register: bool = False
    reports: list[Report] = field(default_factory=list)


@dataclass
class Authorities:
    by_slug: dict[str, AuthorityInfo]
    source: str  # "register" or "library"

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self.by_slug.values(), key=lambda a: a.name.lower()))

    def get(self, slug: str) -> AuthorityInfo | None:
        return self.by_slug.get(slug)

    def lineage(self, slug: str) -> list[AuthorityInfo]:
        """Predecessors, theirs in turn, nearest first."""
        out: list[AuthorityInfo] = []
        todo = list(self.by_slug[slug].predecessors) if slug in self.by_slug else []
        while todo:
            a = self.by_slug.get(todo.pop(0))
            if a is not None and a not in out:
                out.append(a)
                todo.extend(a.predecessors)
        return out


def _report_date(report: Report):  # type: ignore[no-untyped-def]
    return report.inspection.end or report.inspection.start or report.letter_date


def authorities(reports: Iterable[Report]) -> Authorities:
    """The authorities to publish, each with its reports attached."""
    reports = list(reports)
    try:
        from ..register import register  # type: ignore[attr-defined, unused-ignore]
    except ImportError:
        return _from_library(reports)
    return _from_register(register(), reports)


def _from_register(reg: Any, reports: list[Report]) -> Authorities:
    by_slug: dict[str, AuthorityInfo] = {}
    neighbours_by_code = {a.la_code: a.slug for a in reg if a.la_code}

    def info(a: Any) -> AuthorityInfo:
        return AuthorityInfo(
            slug=a.slug,
            name=a.name,
            urn=a.urn,
            la_code=a.la_code,
            ons_code=a.ons_code,
            region=a.region,
            type=a.type,
            current=a.current,
            valid_from=a.valid_from.isoformat() if a.valid_from else None,
            valid_to=a.valid_to.isoformat() if a.valid_to else None,
            predecessors=tuple(a.predecessors),
            successors=tuple(a.successors),
            stat_neighbours=tuple(
                neighbours_by_code[c] for c in a.stat_neighbours if c in neighbours_by_code
            ),
            in_register=True,
        )

    for a in reg:
        if a.current:
            by_slug[a.slug] = info(a)
    for report in reports:
        a = reg.get(report.local_authority.slug) or reg.resolve(
            report.local_authority.name, _report_date(report)
        )
        if a is None:
            slug = report.local_authority.slug
            if slug not in by_slug:
                by_slug[slug] = _library_info(slug, [report])
            by_slug[slug].reports.append(report)
            continue
        if a.slug not in by_slug:
            by_slug[a.slug] = info(a)
        by_slug[a.slug].reports.append(report)
    # predecessors and successors of shown authorities are shown too (their pages link)
    for slug in list(by_slug):
        for other in (*by_slug[slug].predecessors, *by_slug[slug].successors):
            if other not in by_slug and (a := reg.get(other)) is not None:
                by_slug[other] = info(a)
    return Authorities(by_slug, "register")


def _library_info(slug: str, reports: list[Report]) -> AuthorityInfo:
    latest = max(reports, key=lambda r: (_report_date(r) is not None, _report_date(r) or 0))
    la = latest.local_authority
    return AuthorityInfo(
        slug=slug,
        name=_display_name(la.name),
        urn=getattr(la, "urn", None),
        la_code=getattr(la, "la_code", None),
        ons_code=getattr(la, "ons_code", None),
        region=getattr(la, "region", None),
    )


_TRIM = re.compile(
    r"^(the\s+)?(london borough of|royal borough of|city of|county of)\s+|"
    r"\s+(metropolitan borough|city|county|borough|district)?\s*council$|"
    r"\s+children'?s (services|trust)$",
    re.IGNORECASE,
)


def _display_name(name: str) -> str:
    trimmed = _TRIM.sub("", name.strip()).strip()
    return trimmed or name.strip()


def _from_library(reports: list[Report]) -> Authorities:
    grouped: dict[str, list[Report]] = {}
    for report in reports:
        grouped.setdefault(report.local_authority.slug, []).append(report)
    by_slug = {}
    for slug, group in grouped.items():
        a = _library_info(slug, group)
        a.reports = list(group)
        by_slug[slug] = a
    return Authorities(by_slug, "library")
