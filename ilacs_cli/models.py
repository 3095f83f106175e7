"""The pydantic models: they are the serialization format (JSON schema_version "1").

Field names here are a public contract: add fields freely, but renaming or removing one
needs a new ``schema_version`` and a note in the README.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .vocabulary import GRADE_LABELS, GRADE_RANK, Area, Grade, Kind

SCHEMA_VERSION = "1"

__all__ = [
    "GRADE_LABELS",
    "GRADE_RANK",
    "SCHEMA_VERSION",
    "Area",
    "Finding",
    "Framework",
    "Grade",
    "ImprovementArea",
    "Inspector",
    "Judgement",
    "Kind",
    "LocalAuthority",
    "Period",
    "Report",
    "Source",
    "ThemeHit",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class LocalAuthority(_Model):
    name: str = Field(description="The authority as the document's title names it.")
    slug: str = Field(
        description="The authority register's slug, e.g. 'salford' (one per authority "
        "across all its documents); for a name the register does not know, the title's own."
    )
    urn: str | None = Field(default=None, description="Ofsted's URN for the authority.")
    la_code: str | None = Field(default=None, description="DfE's three-digit LA code, e.g. '355'.")
    ons_code: str | None = Field(
        default=None,
        description="ONS nine-character code in use on the document's date, e.g. 'E08000006'.",
    )
    region: str | None = Field(default=None, description="Region, e.g. 'North West'.")


class Framework(_Model):
    name: Literal["ilacs", "sif", "pre_sif"] = Field(
        description="ilacs (2018 on), sif (single inspection framework, 2013-18), pre_sif "
        "(the 2012-13 child protection and looked after children inspections)."
    )
    variant: str | None = Field(
        default=None,
        description="ilacs: standard, short, focused_visit, monitoring_visit; sif: "
        "inspection, reinspection, lscb_review, monitoring_visit; pre_sif: child_protection, "
        "looked_after_children. null when it cannot be told.",
    )
    basis: Literal["stated", "inspection_length", "kind"] | None = Field(
        default=None,
        description="How the variant was found: the report says so, the length of the "
        "inspection, or the kind of document.",
    )


class Period(_Model):
    start: dt.date | None = None
    end: dt.date | None = None


class Inspector(_Model):
    name: str
    role: Literal["lead", "inspector"] = "inspector"


class Judgement(_Model):
    area: Area
    label: str = Field(description="The row's wording in the judgement table.")
    grade: Grade | None
    grade_label: str | None = Field(description="The grade's wording in the table.")


class ThemeHit(_Model):
    """A practice theme a text names (:mod:`ilacs_cli.themes`), and the words that named it."""

    name: str = Field(description="The theme's name in ilacs_cli.themes.THEMES, e.g. 'front_door'.")
    phrase: str = Field(description="The words of the text that triggered it, as printed.")


class ImprovementArea(_Model):
    text: str
    framework_refs: list[str] = Field(
        default_factory=list,
        description="National Framework cross-references, e.g. 'outcome 3', 'enabler: ...'.",
    )
    priority: bool = Field(
        default=False,
        description="True for focused-visit 'Areas for priority action' and SIF "
        "'Priority and immediate action'.",
    )
    area: Area | None = Field(
        default=None,
        description="Whose list it is when a report has several: 'lscb' for the LSCB "
        "review's recommendations in a SIF report; null for the local authority's.",
    )
    themes: list[ThemeHit] = Field(
        default_factory=list,
        description="The practice themes it names, with the phrase that named each.",
    )


class Finding(_Model):
    number: int
    area: Area | None = Field(description="The judgement area whose heading it sits under.")
    section: str | None = Field(
        default=None, description="The heading it sits under, as printed (SIF and ILACS)."
    )
    text: str
    pages: list[int]


class Source(_Model):
    path: str
    sha256: str
    pages: int
    parser_version: str = ""
    engine: str = "pdfplumber"
    url: str | None = Field(
        default=None, description="Where `ilacs fetch` downloaded it from (Ofsted's file URL)."
    )


class Report(_Model):
    schema_version: Literal["1"] = SCHEMA_VERSION
    id: str = Field(description="Authority slug + year of the inspection's last day.")
    kind: Kind
    local_authority: LocalAuthority
    inspection: Period = Field(default_factory=Period)
    letter_date: dt.date | None = None
    inspectors: list[Inspector] = Field(default_factory=list)
    judgements: list[Judgement] = Field(default_factory=list)
    overall_effectiveness: Grade | None = None
    summary: list[str] = Field(default_factory=list)
    improvement_areas: list[ImprovementArea] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    focus: str | None = Field(default=None, description="What a visit looked at.")
    focus_themes: list[ThemeHit] = Field(
        default_factory=list,
        description="Visits: the practice themes the focus names, with the phrase that named each.",
    )
    visit_number: int | None = Field(
        default=None, description="Monitoring visits: which visit since the inadequate judgement."
    )
    judged_inadequate: str | None = Field(
        default=None,
        description="Monitoring visits: when the authority was judged inadequate, "
        "as the letter says.",
    )
    notes: list[str] = Field(default_factory=list, description="Footnotes.")
    published: dt.date | None = Field(
        default=None,
        description="The 'Report published' date where the document prints it; for a "
        "document `ilacs fetch` downloaded that prints none, the site's publication date.",
    )
    framework: Framework | None = Field(
        default=None, description="The framework and variant the document was inspected under."
    )
    source: Source
    warnings: list[str] = Field(default_factory=list)

    def judgement(self, area: Area) -> Judgement | None:
        """The judgement for ``area``, if the report has one."""
        return next((j for j in self.judgements if j.area == area), None)
