"""Which kind of document is this? Decided from content, never from the file name: each
kind's predicate in the registry's order (:data:`ilacs_cli.rules.kinds.KINDS`), then, for a
document that is none of them, a refusal that says what it looks like."""

from __future__ import annotations

import re

from ..errors import UnsupportedDocument
from ..models import Kind
from .context import Context
from .kinds import KINDS
from .signs import looks_like

_OFSTED = re.compile(r"ofsted|majesty[’']s inspector", re.IGNORECASE)
_PRESS = re.compile(
    r"press release|news release|\bcouncillor\b|\bsaid:|\badded:|sign in|cabinet member|"
    r"\bmayor\b",
    re.IGNORECASE,
)


def detect(ctx: Context) -> Kind:
    """The document's kind, or :class:`UnsupportedDocument` saying what it looks like."""
    for entry in KINDS:
        if entry.detect(ctx):
            return entry.kind
    looks = looks_like(ctx)
    if looks:
        raise UnsupportedDocument(f"{looks}, not a local authority children's services report")
    text = ctx.doc.text
    if _OFSTED.search(text) and len(_PRESS.findall(text)) >= 2:
        raise UnsupportedDocument(
            "a council press release or news item about an Ofsted report, not an Ofsted report"
        )
    if _OFSTED.search(text):
        raise UnsupportedDocument(
            "mentions Ofsted but is not a children's services inspection report or visit "
            "letter (no inspection title, dates or judgements found)"
        )
    raise UnsupportedDocument(
        "not an Ofsted children's services report (no inspection title, dates or judgements found)"
    )
