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
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from .ingest import BULLET, Document, Line, body_size

NUMBERED = re.compile(r"^(\d{1,3})\.(?:\s+|$|(?=[A-Z‘“]))")
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


_SUSPENDED = re.compile(r"(?:and|or|to|and/or)\s")


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines: a hyphen at a line end is a real hyphen, after a letter or a
    digit alike (pre-proceedings, 18-year-olds, 24-hour), except a suspended one that
    the next line goes on from ("16-" / "and 17-year-olds").

    Linear in the text: only the end of the previous line is looked at, never the text
    joined so far (a 10 MB line of text took over a minute when it was rescanned)."""
    pieces: list[str] = []
    last = ""  # the previous non-empty line: the joined text ends with it
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if pieces:
            hyphen = (
                len(last) > 1
                and last[-1] == "-"
                and last[-2].isascii()
                and last[-2].isalnum()
                and not _SUSPENDED.match(part)
            )
            if not (hyphen or last.endswith("/")):
                pieces.append(" ")
        pieces.append(part)
        last = part
    return "".join(pieces)


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_TERMINAL)


def is_sub_item(item: Block, block: Block) -> bool:
    """Whether ``block`` is a sub-bullet of the list item ``item``: a bullet set deeper
    than the item, or a bullet after a numbered item that leads in to it ("...so that:")."""
    if block.kind is not BlockKind.BULLET or not item.lines or not block.lines:
        return False
    if block.lines[0].x0 > item.lines[0].x0 + 5:
        return True
    return item.number is not None and item.text.rstrip().endswith(":")


# --------------------------------------------------------------------------- furniture


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,3}(\s+(of|/)\s+\d{1,3})?$", re.IGNORECASE)


def remove_furniture(doc: Document) -> list[str]:
    """Drop running headers/footers and page numbers in place; return what was removed.

    A line is furniture when its text (digits aside) repeats at the same height at the
    top or bottom of enough pages. A page with one or two body lines has its footer among
    its first lines too, so each line is tried as top and as bottom furniture. A running
    footer found so is also dropped where it sits higher on a page (the cover's), if it
    is at the foot of that page, in the footer's own print size, with any page number
    printed beside it."""
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

    def repeats(where: str, ln: Line) -> bool:
        text, level = _norm(ln.text), round(ln.top / 6)
        return sum(candidates[(where, text, level + d)] for d in (-1, 0, 1)) >= needed

    removed: list[str] = []
    footers: dict[str, set[float]] = {}  # running footer text -> its print sizes
    drops: dict[int, set[int]] = {}
    for page in doc.pages:
        top = {id(ln) for ln in page.lines[:zone]}
        bottom = {id(ln) for ln in page.lines[-zone:]}
        dropped: set[int] = set()
        for ln in page.lines:
            wheres = [w for w, ids in (("top", top), ("bottom", bottom)) if id(ln) in ids]
            if not wheres:
                continue
            hit = [w for w in wheres if pages_n >= 2 and repeats(w, ln)]
            in_margin = ln.top > page.height * 0.88 or ln.bottom < page.height * 0.1
            if hit or (in_margin and _PAGE_NUMBER.match(ln.text)):
                dropped.add(id(ln))
            if "bottom" in hit and not _PAGE_NUMBER.match(ln.text):
                footers.setdefault(_norm(ln.text), set()).add(ln.size)
        drops[page.number] = dropped
    for page in doc.pages:
        dropped = drops[page.number]
        foot = page.lines[-zone:]
        moved = [
            ln
            for ln in foot
            if id(ln) not in dropped
            and ln.size in footers.get(_norm(ln.text), ())
            and ln.top > page.height * 0.6
        ]
        for ln in moved:
            dropped.add(id(ln))
            for other in foot:  # its page number, printed on the same line
                if abs(other.top - ln.top) < 3 and _PAGE_NUMBER.match(other.text):
                    dropped.add(id(other))
        removed += [ln.text for ln in page.lines if id(ln) in dropped]
        page.lines = [ln for ln in page.lines if id(ln) not in dropped]
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
    # where paragraphs are set apart by space, a line ending short inside one is a
    # line break, not a new paragraph
    right = 0.0 if _spaced_paragraphs(doc, body) else _right_edge(doc, body)
    spacing = line_spacing(doc.lines)
    blocks: list[Block] = []
    current: Block | None = None  # the block text flows into (never a footnote)
    last_number = 0  # the number of the last numbered paragraph
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
                    pitch = line_gap_limit(max(prev.size, ln.size), spacing)
                    same_kind = (
                        kind is current.kind
                        or (kind is BlockKind.PARA and current.kind is BlockKind.BULLET)
                    ) and abs(ln.size - prev.size) < 1.0
                    lone_number = (
                        bool(re.fullmatch(r"\d{1,3}\.?", last.text)) and len(current.lines) == 1
                    )
                    # "17." wrapped to the start of a line inside a numbered paragraph
                    # (or a bullet) sits at its hanging indent, not at the number's place;
                    # with no hanging indent, the sentence running on shows it ("Key
                    # Stage" / "4.": not the next paragraph's number)
                    wrapped_number = number_match is not None and (
                        (
                            (current.number_like or current.kind is BlockKind.BULLET)
                            and ln.x0 > current.lines[0].x0 + 5
                        )
                        or _wraps_onto_number(prev, int(number_match.group(1)), last_number)
                    )
                    if lone_number and gap < pitch * 1.5 and kind is not BlockKind.HEADING:
                        start_new = False
                    elif wrapped_number and same_kind and gap <= pitch:
                        start_new = False
                    elif (
                        same_kind
                        and gap <= pitch
                        and not number_match
                        and not ln.starts_bullet
                        and not _ended_short(current, prev, ln, right)
                    ):
                        start_new = False
            if start_new:
                current = Block(kind, [ln])
                blocks.append(current)
                if number_match is not None:
                    last_number = int(number_match.group(1))
            else:
                assert current is not None
                current.lines.append(ln)
            prev = ln
    return _finish(blocks)


def _wraps_onto_number(prev: Line, number: int, last_number: int) -> bool:
    """A line that starts with a number after a line whose sentence did not end is the
    sentence going on ("at Key Stage" / "4. Most..."), unless the number is the next
    paragraph's: paragraphs end their sentences."""
    return not ends_sentence(prev.text) and number != last_number + 1


def _right_edge(doc: Document, body: float) -> float:
    """Where full lines of body text end: the right edge of the text column."""
    ends = sorted(ln.x1 for ln in doc.lines if abs(ln.size - body) < 0.5)
    return ends[int(len(ends) * 0.9)] if ends else 0.0


def _body_gaps(lines: Iterable[Line], body: float) -> list[float]:
    """The distances from one line of plain body text to the next, on each page."""
    gaps: list[float] = []
    prev: Line | None = None
    for ln in lines:
        if abs(ln.size - body) >= 0.5 or ln.bold:
            continue
        if prev is not None and prev.page == ln.page and ln.top > prev.top:
            gaps.append(ln.top - prev.top)
        prev = ln
    return gaps


def line_spacing(lines: Iterable[Line]) -> float:
    """How far apart, in font sizes, the lines of a paragraph are set: the usual
    distance between consecutive lines of body text (Ofsted's 1.2; a double-spaced
    document's 2), from which paragraph gaps are told apart."""
    lines = list(lines)
    body = body_size(lines)
    gaps = sorted(g for g in _body_gaps(lines, body) if body * 0.8 < g < body * 3)
    return gaps[len(gaps) // 2] / body if gaps and body else 1.2


def line_gap_limit(size: float, spacing: float) -> float:
    """The widest top-to-top distance at which the next line is the same paragraph."""
    return size * max(1.6, spacing * 1.25)


def _spaced_paragraphs(doc: Document, body: float) -> bool:
    """Whether the document sets its paragraphs apart with space: between consecutive
    lines of body text, some gaps are much wider than the usual line pitch."""
    gaps = _body_gaps(doc.lines, body)
    if not gaps:
        return True
    pitch = sorted(gaps)[len(gaps) // 2]
    wide = sum(1 for g in gaps if pitch * 1.4 < g < pitch * 4)
    return wide >= len(gaps) * 0.03


def _ended_short(block: Block, prev: Line, ln: Line, right: float) -> bool:
    """A paragraph ends where a sentence ends on a line that stopped short: the first
    word of the next line would have fitted in the space left at its end, so the line
    was not broken for want of room. With no space between paragraphs and no indent (as
    many producers set them), that and the capital after it is all that shows it."""
    if block.kind is not BlockKind.PARA or not right or not ln.text:
        return False
    if not ends_sentence(prev.text) or not ln.text[:1].isupper():
        return False
    word = ln.text.split()[0]
    # the word's width, from the line's average character width
    width = (ln.x1 - ln.x0) * (len(word) + 1) / len(ln.text)
    return right - prev.x1 > width * 1.3 + ln.size


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
