"""The document model: a :class:`Document` of :class:`Page` objects, each a list of
:class:`Line` objects with text, position and font evidence, and the character clean-up
every input (PDF or text) goes through.

Nothing here knows what an Ofsted report says, nor how a PDF is read.
"""

from __future__ import annotations

import hashlib
import re
import statistics
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

BULLET = "•"

# Bullet glyphs seen in Ofsted PDFs: geometric shapes and the Symbol/Wingdings
# private-use code points (U+F06E, U+F0B7 ...), all mapped to one plain bullet.
_PUA = re.compile("[\ue000-\uf8ff]")
#: Glyphs read as a bullet: geometric shapes, arrows, and the private-use code points
#: (U+F0B7 ...) that Symbol and Wingdings bullets come out as.
BULLET_GLYPHS = re.compile("[◼■▪●◦‣⁃∙➢➤►▶\ue000-\uf8ff]")
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": "",
        "\u00ad": "",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\u2010": "-",
        "\u2011": "-",
    }
)


_BLANKS = re.compile(r"[ \t]+")


def clean_text(text: str) -> str:
    """Normalise characters without touching meaning: ligatures, odd spaces, PUA bullets."""
    if not text.isascii():  # ASCII is NFC already, and nothing in it is translated
        text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
        text = _PUA.sub(BULLET, text)
        text = BULLET_GLYPHS.sub(BULLET, text)
    return _BLANKS.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of words on one line, separated from its neighbours by a wide gap (a column)."""

    text: str
    x0: float
    x1: float


@dataclass(slots=True)
class Line:
    text: str
    page: int  # 1-based
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0  # dominant font size; 0 for text input
    bold: bool = False
    segments: tuple[Segment, ...] = ()
    marks: tuple[str, ...] = ()  # superscript footnote marks removed from ``text``

    @property
    def starts_bullet(self) -> bool:
        return self.text[:1] == BULLET


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    path: str
    sha256: str
    pages: list[Page]
    geometry: bool  # False for text input: positions and fonts are unknown
    page_count: int = 0
    engine: str = "pdfplumber"

    @property
    def lines(self) -> Iterator[Line]:
        for page in self.pages:
            yield from page.lines

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def body_size(lines: Iterable[Line]) -> float:
    """The font size most text is set in (weighted by characters)."""
    weights: dict[float, int] = {}
    for line in lines:
        weights[line.size] = weights.get(line.size, 0) + len(line.text)
    return max(weights, key=lambda s: weights[s]) if weights else 0.0


def median(values: list[float], default: float = 0.0) -> float:
    return statistics.median(values) if values else default
