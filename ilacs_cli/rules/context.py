"""What every rule set reads (:class:`Context`) and fills in (:class:`Draft`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..ingest import Document
from ..layout import Block
from ..models import Finding, Grade, ImprovementArea, Inspector, Judgement


@dataclass
class Context:
    doc: Document
    blocks: list[Block]

    @property
    def head_text(self) -> str:
        """The first page or so of text, for detection."""
        return "\n".join(b.text for b in self.blocks[:40])


@dataclass
class Draft:
    local_authority: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    letter_date: dt.date | None = None
    inspectors: list[Inspector] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)
    overall: Grade | None = None
    summary: list[str] = field(default_factory=list)
    improvement_areas: list[ImprovementArea] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    focus: str | None = None
    visit_number: int | None = None
    judged_inadequate: str | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
