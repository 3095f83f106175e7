"""The pipeline: ingest -> layout -> detect -> rules -> :class:`~ilacs_cli.models.Report`.

Use it through :func:`ilacs_cli.extract.extract`, which imports this module on first use."""

from __future__ import annotations

from .errors import UnsupportedDocument
from .extract import PARSER_VERSION
from .ingest import Document
from .layout import BlockKind, build_blocks, remove_furniture
from .models import Kind, Period, Report, Source
from .register import report_authority
from .rules.context import Context, Draft
from .rules.detect import detect
from .rules.facts import document_facts
from .rules.ilacs import extract_ilacs
from .rules.older import extract_older
from .rules.sif import extract_lscb_review, extract_sif
from .rules.visits import extract_visit

_RULES = {
    Kind.ILACS_INSPECTION: extract_ilacs,
    Kind.FOCUSED_VISIT: extract_visit,
    Kind.MONITORING_VISIT: extract_visit,
    Kind.SIF_INSPECTION: extract_sif,
    Kind.LSCB_REVIEW: extract_lscb_review,
    Kind.CHILD_PROTECTION_INSPECTION: extract_older,
    Kind.LAC_INSPECTION: extract_older,
}


def extract_document(doc: Document, *, kind: Kind | None = None) -> Report:
    remove_furniture(doc)
    ctx = Context(doc=doc, blocks=build_blocks(doc))
    try:
        found = kind or detect(ctx)
    except UnsupportedDocument as exc:
        exc.path = doc.path
        raise
    rules = _RULES.get(found)
    if rules is None:
        raise UnsupportedDocument(
            f"recognised as {found.value.replace('_', ' ')}, which this version of ilacs "
            "does not extract yet",
            doc.path,
        )
    draft = Draft()
    rules(ctx, draft)
    draft.notes.extend(b.text for b in ctx.blocks if b.kind is BlockKind.FOOTNOTE)
    return _report(doc, found, draft)


def _report(doc: Document, kind: Kind, draft: Draft) -> Report:
    day = draft.end or draft.start or draft.letter_date
    first_page = (line.text for page in doc.pages[:1] for line in page.lines)
    authority = report_authority(draft.local_authority, day, first_page, draft.warnings)
    if day is None:
        draft.warnings.append("no inspection or letter date found")
    return Report(
        id=f"{authority.slug}-{day.year}" if day else authority.slug,
        kind=kind,
        local_authority=authority,
        inspection=Period(start=draft.start, end=draft.end),
        letter_date=draft.letter_date,
        inspectors=draft.inspectors,
        judgements=draft.judgements,
        overall_effectiveness=draft.overall,
        summary=draft.summary,
        improvement_areas=draft.improvement_areas,
        findings=draft.findings,
        focus=draft.focus,
        visit_number=draft.visit_number,
        judged_inadequate=draft.judged_inadequate,
        notes=draft.notes,
        **document_facts(doc, kind, draft),  # type: ignore[arg-type]
        source=Source(
            path=doc.path,
            sha256=doc.sha256,
            pages=doc.page_count,
            parser_version=PARSER_VERSION,
            engine=doc.engine,
        ),
        warnings=draft.warnings,
    )
