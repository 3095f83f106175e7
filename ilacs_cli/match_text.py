"""The text the rules match against, and the document's own text in the output.

A zero-width joiner, a left-to-right or right-to-left mark, a word joiner or a combining
accent inside a word ("In\u200dspection", "Ofs\u0301ted") is invisible, or nearly, to a
reader, yet no pattern of the rules matches the word any more: a real report became
"not an Ofsted report" (exit 3). So the rules see every line :func:`folded`: format
characters (Unicode category Cf) and combining marks (Mn, Me) dropped, then NFC.

The output keeps the document's text: :func:`fold_document` records, for each word it
changed, the word as printed, and :func:`restore_report` puts those words back into the
report's texts (when a folded word stands for one printed form only; "Zoe" printed both
as "Zoe" and "Zoë" stays as the rules saw it). A document with nothing to fold (most) costs
one ``str.isascii`` a line and is left untouched.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .ingest import Document
    from .models import Report

__all__ = ["fold_document", "folded", "restore_report"]

_DROPPED = frozenset({"Cf", "Mn", "Me"})
_PUNCTUATION = "\"'()[]{}<>,.;:!?‘’“”«»-–—/…*"
_TOKEN = re.compile(r"\S+")

#: the report fields that carry the document's text (nested anywhere in the report)
_TEXT_FIELDS = frozenset(
    {"text", "section", "label", "grade_label", "name", "summary", "notes", "focus"}
    | {"judged_inadequate"}
)


def folded(text: str) -> str:
    """``text`` without format characters or combining marks, in NFC."""
    if text.isascii():
        return text
    kept = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) not in _DROPPED
    )
    return unicodedata.normalize("NFC", kept)


@dataclasses.dataclass
class Printed:
    """How the document printed each word that folding changed."""

    forms: dict[str, set[str]] = dataclasses.field(default_factory=dict)
    plain: set[str] = dataclasses.field(default_factory=set)  # words printed as they fold

    def add(self, printed: str, fold: str) -> None:
        self.forms.setdefault(fold, set()).add(printed)
        core, core_fold = printed.strip(_PUNCTUATION), fold.strip(_PUNCTUATION)
        if core != printed and core_fold:
            self.forms.setdefault(core_fold, set()).add(core)

    def table(self) -> dict[str, str]:
        """Folded word -> its one printed form (ambiguous words left out)."""
        return {
            fold: next(iter(forms))
            for fold, forms in self.forms.items()
            if len(forms) == 1 and fold not in self.plain
        }


def _fold_line(text: str, printed: Printed) -> str:
    if text.isascii():
        return text
    words = []
    for word in text.split(" "):
        fold = folded(word)
        if fold != word:
            printed.add(word, fold)
        else:
            printed.plain.update((word, word.strip(_PUNCTUATION)))
        if fold:
            words.append(fold)
    return " ".join(words)


def fold_document(doc: Document) -> dict[str, str]:
    """Fold every line (and table cell) of ``doc`` in place, for the rules; give back the
    printed form of each folded word, for :func:`restore_report` (empty: nothing changed)."""
    printed = Printed()
    plain_lines = []
    for line in doc.lines:
        if line.text.isascii() and all(s.text.isascii() for s in line.segments):
            plain_lines.append(line.text)
            continue
        line.text = _fold_line(line.text, printed)
        if line.segments:
            line.segments = tuple(
                dataclasses.replace(s, text=_fold_line(s.text, printed)) for s in line.segments
            )
    if not printed.forms:
        return {}
    for text in plain_lines:  # words printed plainly elsewhere make a folded word ambiguous
        for word in text.split(" "):
            printed.plain.update((word, word.strip(_PUNCTUATION)))
    return printed.table()


def _restore_text(text: str, table: dict[str, str]) -> str:
    def word(match: re.Match[str]) -> str:
        token = match.group()
        if token in table:
            return table[token]
        core = token.strip(_PUNCTUATION)
        if core and core in table:
            start = token.index(core)
            return token[:start] + table[core] + token[start + len(core) :]
        return token

    return _TOKEN.sub(word, text)


def _restore(value: Any, table: dict[str, str], inside: bool) -> Any:
    if isinstance(value, str):
        return _restore_text(value, table) if inside else value
    if isinstance(value, list):
        return [_restore(v, table, inside) for v in value]
    if isinstance(value, dict):
        return {k: _restore(v, table, inside or k in _TEXT_FIELDS) for k, v in value.items()}
    return value


def restore_report(report: Report, table: dict[str, str]) -> Report:
    """``report`` with the document's printed words back in its texts."""
    if not table:
        return report
    data = {
        key: _restore(value, table, key in _TEXT_FIELDS)
        for key, value in report.model_dump(mode="json").items()
        if key not in ("source", "warnings")
    }
    return report.model_validate({**report.model_dump(mode="json"), **data})
