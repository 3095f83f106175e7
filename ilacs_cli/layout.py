"""Layout: from lines to blocks (headings, paragraphs, bullets, footnotes).

Evidence used, as a person reading the page would:
- running headers/footers and page numbers: lines at the top or bottom of pages whose text
  (digits aside) repeats across pages at the same height, and lone numbers in the margins;
- headings: bold or larger than body text;
- paragraphs: vertical gaps wider than the line pitch, a number or bullet at the start;
- a paragraph broken across pages: it did not end a sentence, or the next page resumes in
  lower case or at the paragraph's hanging indent;
- footnotes: small text below the body at the foot of a page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from .ingest import BULLET, Document, Line, body_size

NUMBERED = re.compile(r"^(\d{1,3})\.(?:\s+|$)")
_TERMINAL = tuple(".!?;:)”’\"'")


class BlockKind(str, Enum):
    HEADING = "heading"
    PARA = "para"
    BULLET = "bullet"
    FOOTNOTE = "footnote"


@dataclass(slots=True)
class Block:
    kind: BlockKind
    lines: list[Line] = field(default_factory=list)
    number: int | None = None  # for numbered paragraphs

    @property
    def text(self) -> str:
        return join_lines([ln.text for ln in self.lines])

    @property
    def number_like(self) -> bool:
        return bool(self.lines and NUMBERED.match(self.lines[0].text))

    @property
    def pages(self) -> list[int]:
        return sorted({ln.page for ln in self.lines})

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def marks(self) -> tuple[str, ...]:
        return tuple(m for ln in self.lines for m in ln.marks)

    def body(self) -> str:
        """The text without its leading paragraph number or bullet."""
        text = self.text
        if self.number is not None:
            text = NUMBERED.sub("", text, count=1)
        if text.startswith(BULLET):
            text = text[1:].lstrip()
        return text


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines: a hyphen at a line end is a real hyphen (pre-proceedings).

    Linear in the text: only the end of the previous line is looked at, never the text
    joined so far (a 10 MB line of text took over a minute when it was rescanned)."""
    pieces: list[str] = []
    last = ""  # the previous non-empty line: the joined text ends with it
    for part in parts:
        part = part.strip()
        if not part:
            continue
        # a letter then a hyphen ends the text (a lone "-" follows a space, "/" or "-")
        hyphen = len(last) > 1 and last[-1] == "-" and last[-2].isascii() and last[-2].isalpha()
        if pieces and not (hyphen or last.endswith("/")):
            pieces.append(" ")
        pieces.append(part)
        last = part
    return "".join(pieces)


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_TERMINAL)


# --------------------------------------------------------------------------- furniture


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,3}(\s+(of|/)\s+\d{1,3})?$", re.IGNORECASE)


def remove_furniture(doc: Document) -> list[str]:
    """Drop running headers/footers and page numbers in place; return what was removed."""
    if not doc.geometry or not doc.pages:
        return []
    zone = 4  # lines considered at each end of a page
    candidates: Counter[tuple[str, str, int]] = Counter()
    for page in doc.pages:
        seen: set[tuple[str, str, int]] = set()
        for where, lines in (("top", page.lines[:zone]), ("bottom", page.lines[-zone:])):
            for ln in lines:
                seen.add((where, _norm(ln.text), round(ln.top / 6)))
        candidates.update(seen)
    pages_n = len(doc.pages)
    needed = max(2, int(pages_n * 0.3 + 0.5)) if pages_n > 2 else 2
    removed: list[str] = []
    for page in doc.pages:
        keep: list[Line] = []
        top_ids = {id(ln) for ln in page.lines[:zone]}
        bottom_ids = {id(ln) for ln in page.lines[-zone:]}
        for ln in page.lines:
            where = "top" if id(ln) in top_ids else "bottom" if id(ln) in bottom_ids else None
            drop = False
            if where is not None:
                key = (where, _norm(ln.text), round(ln.top / 6))
                near = sum(candidates[(where, key[1], key[2] + d)] for d in (-1, 0, 1))
                if near >= needed and pages_n >= 2:
                    drop = True
                in_margin = ln.top > page.height * 0.88 or ln.bottom < page.height * 0.1
                if in_margin and _PAGE_NUMBER.match(ln.text):
                    drop = True
            if drop:
                removed.append(ln.text)
            else:
                keep.append(ln)
        page.lines = keep
    return removed


# --------------------------------------------------------------------------- blocks


def _is_heading_style(ln: Line, body: float) -> bool:
    if NUMBERED.match(ln.text) or ln.starts_bullet:
        return False
    return (ln.bold and ln.size >= body - 0.6) or ln.size >= body + 1.5


def _footnote_lines(lines: list[Line], body: float) -> set[int]:
    """Small-print lines below the body text at the foot of a page."""
    out: set[int] = set()
    for ln in reversed(lines):
        if ln.size <= body - 1.0 and not ln.bold:
            out.add(id(ln))
        else:
            break
    # a footnote starts with its number; anything small without one above it is body
    ordered = [ln for ln in lines if id(ln) in out]
    if not ordered or len(ordered) == len(lines):
        return set()
    above = lines[len(lines) - len(ordered) - 1]
    set_apart = ordered[0].top - above.bottom > body * 1.2
    numbered = bool(ordered[0].marks or re.match(r"^[\d*†¹²³⁴-⁹]", ordered[0].text))
    return out if numbered or set_apart else set()


def build_blocks(doc: Document) -> list[Block]:
    """Turn the document's lines into blocks in reading order."""
    if not doc.geometry:
        return _text_blocks(doc)
    body = body_size(doc.lines)
    blocks: list[Block] = []
    current: Block | None = None  # the block text flows into (never a footnote)
    for page in doc.pages:
        notes = _footnote_lines(page.lines, body)
        prev: Line | None = None
        note: Block | None = None
        for ln in page.lines:
            if id(ln) in notes:
                if note is not None and not re.match(r"^[\d*†¹²³⁴-⁹]\s", ln.text):
                    note.lines.append(ln)
                else:
                    note = Block(BlockKind.FOOTNOTE, [ln])
                    blocks.append(note)
                continue
            if current is not None and prev is not None and re.fullmatch(r"[.,;:)]+", ln.text):
                # punctuation set in another font size lands on a line of its own
                current.lines[-1].text += ln.text
                continue
            kind = BlockKind.HEADING if _is_heading_style(ln, body) else BlockKind.PARA
            if ln.starts_bullet:
                kind = BlockKind.BULLET
            number_match = NUMBERED.match(ln.text)
            start_new = True
            if current is not None:
                last = current.lines[-1]
                if prev is None:
                    # first line on a new page: does the previous page's block go on?
                    start_new = not _continues_across_page(current, ln, kind)
                else:
                    gap = ln.top - prev.top
                    pitch = max(prev.size, ln.size) * 1.6
                    same_kind = (
                        kind is current.kind
                        or (kind is BlockKind.PARA and current.kind is BlockKind.BULLET)
                    ) and abs(ln.size - prev.size) < 1.0
                    lone_number = (
                        bool(re.fullmatch(r"\d{1,3}\.?", last.text)) and len(current.lines) == 1
                    )
                    # "17." wrapped to the start of a line inside a numbered paragraph
                    # sits at the paragraph's hanging indent, not at the number's place
                    wrapped_number = (
                        number_match is not None
                        and current.number_like
                        and ln.x0 > current.lines[0].x0 + 5
                    )
                    if lone_number and gap < pitch * 1.5 and kind is not BlockKind.HEADING:
                        start_new = False
                    elif wrapped_number and same_kind and gap <= pitch:
                        start_new = False
                    elif same_kind and gap <= pitch and not number_match and not ln.starts_bullet:
                        start_new = False
            if start_new:
                current = Block(kind, [ln])
                blocks.append(current)
            else:
                assert current is not None
                current.lines.append(ln)
            prev = ln
    return _finish(blocks)


def _continues_across_page(block: Block, first: Line, kind: BlockKind) -> bool:
    if block.kind not in (BlockKind.PARA, BlockKind.BULLET) or kind is BlockKind.HEADING:
        return False
    if NUMBERED.match(first.text) or first.starts_bullet:
        return False
    if abs(first.size - block.lines[-1].size) > 0.15 * block.lines[-1].size:
        return False  # another size of print: another kind of text
    text = block.text
    if not ends_sentence(text):
        return True
    if first.text[:1].islower():
        return True
    # resumes at the block's hanging indent rather than at the paragraph start
    if len(block.lines) > 1:
        indent = block.lines[1].x0
        start = block.lines[0].x0
        if indent - start > 5 and abs(first.x0 - indent) < 3:
            return True
    # A sentence that ends on a full page and a capital at the margin overleaf is
    # ambiguous: a person cannot tell either. We start a new paragraph.
    return False


def _text_blocks(doc: Document) -> list[Block]:
    """Text input: each line is a paragraph; a blank-line break inside a sentence is joined."""
    blocks: list[Block] = []
    for ln in doc.lines:
        text = ln.text
        if ln.starts_bullet:
            kind = BlockKind.BULLET
        elif ln.segments:
            kind = BlockKind.PARA
        elif _looks_like_text_heading(text):
            kind = BlockKind.HEADING
        else:
            kind = BlockKind.PARA
        if blocks and kind is not BlockKind.BULLET and not NUMBERED.match(text) and not ln.segments:
            prev = blocks[-1]
            long_para = prev.kind in (BlockKind.PARA, BlockKind.BULLET) and len(prev.text) > 100
            if long_para and (not ends_sentence(prev.text) or text[:1].islower()):
                prev.lines.append(ln)
                continue
        if re.match(r"^[¹²³⁴-⁹]\s", text):
            kind = BlockKind.FOOTNOTE
        blocks.append(Block(kind, [ln]))
    return _finish(blocks)


def _looks_like_text_heading(text: str) -> bool:
    words = text.split()
    if len(words) > 24 or NUMBERED.match(text):
        return False
    return not text.endswith((".", ",", ";")) or text.endswith("?")


_MARK_TAIL = re.compile(r"(?<=[A-Za-z?:.)])[¹²³⁴-⁹]+$")


def _finish(blocks: list[Block]) -> list[Block]:
    for block in blocks:
        match = NUMBERED.match(block.text)
        if match and block.kind is not BlockKind.FOOTNOTE:
            block.number = int(match.group(1))
            if block.kind is BlockKind.HEADING:
                block.kind = BlockKind.PARA
        if block.kind is BlockKind.HEADING and block.lines:
            last = block.lines[-1]
            last.text = _MARK_TAIL.sub("", last.text)
    return blocks
