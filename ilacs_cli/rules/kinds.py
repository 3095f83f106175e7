"""The kind registry: for every :class:`~ilacs_cli.vocabulary.Kind`, how it is recognised and
how it is read, in the order detection tries them.

A new kind of document is one module (its ``is_...`` predicate and its ``extract_...``
rules) and one line in :data:`KINDS`; ``tests/test_kinds.py`` fails when a ``Kind`` member
has no entry. The order matters: a monitoring-visit letter mentions the focused visits
before it, a SIF report mentions child protection, so the narrower kinds come first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..vocabulary import Kind
from . import signs
from .context import Context, Draft
from .ilacs import extract_ilacs
from .older import extract_older
from .sif import extract_lscb_review, extract_sif
from .visits import extract_visit


@dataclass(frozen=True, slots=True)
class KindRules:
    kind: Kind
    #: does the document (its first pages) look like this kind?
    detect: Callable[[Context], bool]
    #: fill in a :class:`Draft` from the document; None: recognised, not extracted yet
    extract: Callable[[Context, Draft], None] | None
    #: the ``framework`` field's name and fixed variant (None: decided from the document,
    #: see :mod:`ilacs_cli.rules.facts`)
    framework: tuple[str, str | None]


#: in detection order
KINDS: tuple[KindRules, ...] = (
    KindRules(
        Kind.MONITORING_VISIT,
        signs.is_monitoring_visit,
        extract_visit,
        ("ilacs", "monitoring_visit"),
    ),
    KindRules(
        Kind.FOCUSED_VISIT, signs.is_focused_visit, extract_visit, ("ilacs", "focused_visit")
    ),
    KindRules(Kind.SIF_INSPECTION, signs.is_sif_inspection, extract_sif, ("sif", "inspection")),
    KindRules(Kind.LSCB_REVIEW, signs.is_lscb_review, extract_lscb_review, ("sif", "lscb_review")),
    KindRules(
        Kind.CHILD_PROTECTION_INSPECTION,
        signs.is_child_protection_inspection,
        extract_older,
        ("pre_sif", "child_protection"),
    ),
    KindRules(
        Kind.LAC_INSPECTION,
        signs.is_lac_inspection,
        extract_older,
        ("pre_sif", "looked_after_children"),
    ),
    KindRules(Kind.ILACS_INSPECTION, signs.is_ilacs_inspection, extract_ilacs, ("ilacs", None)),
)

BY_KIND: dict[Kind, KindRules] = {entry.kind: entry for entry in KINDS}
