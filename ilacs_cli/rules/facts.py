"""Facts about a document as a whole: when it was published (where it prints it) and the
framework and variant it was inspected under.

Both are read from the document's words first; the framework's variant falls back on the
inspection's length (an ILACS short inspection is one week on site, a standard one two)
and then on the kind of document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from ..ingest import Document
from ..models import Framework, Kind
from .common import single_date
from .context import Draft
from .kinds import BY_KIND

__all__ = ["FRAMEWORKS", "document_facts", "framework_of", "published_date"]

#: ILACS replaced the SIF for inspections from January 2018; a monitoring visit letter
#: before then followed a SIF judgement.
ILACS_START = dt.date(2018, 1, 1)

#: An inspection whose on-site days span more than this is a standard (two-week) one.
SHORT_MAX_DAYS = 7

#: The framework (and fixed variant, if any) of each kind, from the kind registry
#: (:data:`ilacs_cli.rules.kinds.KINDS`); ILACS inspections and monitoring visits are decided
#: from the document.
FRAMEWORKS: dict[Kind, tuple[str, str | None]] = {k: e.framework for k, e in BY_KIND.items()}

_PUBLISHED = re.compile(
    r"\b(?:report\s+)?(?:published|date\s+of\s+publication|publication\s+date)\s*:\s*(.{6,40})",
    re.IGNORECASE,
)
_STATED = re.compile(
    r"\b(?:th(?:is|e)\s+(?:inspection\s+)?(?:was|is)\s+an?|carried\s+out\s+an?|"
    r"conducted\s+an?|under(?:took|taken)\s+an?)\s+(short|standard)\s+inspection\b",
    re.IGNORECASE,
)
_REINSPECTION = re.compile(r"^\s*re-?\s?inspection\s+of\b", re.IGNORECASE | re.MULTILINE)


def _head(doc: Document, pages: int) -> Iterable[str]:
    for page in doc.pages[:pages]:
        for line in page.lines:
            yield line.text


def published_date(doc: Document) -> dt.date | None:
    """The "Report published: 5 December 2014" (or "Published: 23 August 2013") date on
    the first pages, where the document prints one."""
    for text in _head(doc, 3):
        m = _PUBLISHED.search(text)
        if m and (day := single_date(m.group(1))) is not None:
            return day
    return None


def framework_of(doc: Document, kind: Kind, draft: Draft) -> Framework:
    """Which framework and variant: the report's own words, else the inspection's length,
    else the kind."""
    name, variant = FRAMEWORKS[kind]
    date = draft.end or draft.start or draft.letter_date
    if kind is Kind.MONITORING_VISIT and date is not None and date < ILACS_START:
        return Framework(name="sif", variant="monitoring_visit", basis="kind")
    if kind is Kind.SIF_INSPECTION:
        head = "\n".join(_head(doc, 2))
        if _REINSPECTION.search(head):
            return Framework(name="sif", variant="reinspection", basis="stated")
    if kind is not Kind.ILACS_INSPECTION:
        return Framework(name=name, variant=variant, basis="kind")  # type: ignore[arg-type]
    text = "\n".join(_head(doc, 4))
    if m := _STATED.search(re.sub(r"\s+", " ", text)):
        return Framework(name="ilacs", variant=m.group(1).lower(), basis="stated")
    if draft.start and draft.end:
        days = (draft.end - draft.start).days + 1
        return Framework(
            name="ilacs",
            variant="short" if days <= SHORT_MAX_DAYS else "standard",
            basis="inspection_length",
        )
    return Framework(name="ilacs", variant=None, basis=None)


def document_facts(doc: Document, kind: Kind, draft: Draft) -> dict[str, object]:
    """The Report fields this module finds: ``published`` and ``framework``."""
    return {"published": published_date(doc), "framework": framework_of(doc, kind, draft)}
