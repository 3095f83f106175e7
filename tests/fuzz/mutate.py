"""Mutations of the samples: byte flips, truncations, splices, structure-aware PDF edits
and hostile text. Deterministic: input ``n`` of a run with seed ``s`` is always the same."""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Sample:
    name: str
    data: bytes

    @property
    def pdf(self) -> bool:
        return self.name.endswith(".pdf")


@dataclass(frozen=True)
class Mutant:
    name: str  # e.g. "0007-pdf-flip-salford-2023.pdf"
    how: str
    data: bytes


def samples(root: Path = ROOT) -> list[Sample]:
    paths = sorted((root / "samples").glob("*.pdf")) + sorted(
        (root / "samples" / "seeds").glob("*.txt")
    )
    return [Sample(p.name, p.read_bytes()) for p in paths]


# --------------------------------------------------------------------------- any bytes


def flip(rng: random.Random, data: bytes, _: list[Sample]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice([1, 4, 16, 64])):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(rng: random.Random, data: bytes, _: list[Sample]) -> bytes:
    return data[: rng.randrange(1, len(data))]


def splice(rng: random.Random, data: bytes, pool: list[Sample]) -> bytes:
    other = rng.choice(pool).data
    return data[: rng.randrange(len(data))] + other[rng.randrange(len(other)) :]


# --------------------------------------------------------------------------- PDF structure

_NUMBER = re.compile(rb"(/Length|/Count|/Size|/N|/First|/Prev|startxref)(\s+)(\d+)")
_REF = re.compile(rb"(\d+) 0 R")
_STREAM = re.compile(rb"stream\r?\n")
_FILTERS = [b"/FlateDecode", b"/LZWDecode", b"/ASCII85Decode", b"/DCTDecode", b"/Bogus"]


def pdf_number(rng: random.Random, data: bytes, _: list[Sample]) -> bytes:
    """A length, count, size, offset or object-stream field set to something else."""
    found = list(_NUMBER.finditer(data))
    if not found:
        return flip(rng, data, _)
    m = rng.choice(found)
    value = rng.choice([b"0", b"1", b"-1", b"999999999", str(int(m.group(3)) + 1).encode()])
    return data[: m.start(3)] + value + data[m.end(3) :]


def pdf_reference(rng: random.Random, data: bytes, _: list[Sample]) -> bytes:
    """An indirect reference pointed elsewhere: a missing object, itself, the catalog."""
    found = list(_REF.finditer(data))
    if not found:
        return flip(rng, data, _)
    m = rng.choice(found)
    target = rng.choice([b"1", b"2", b"99999", m.group(1)])
    return data[: m.start(1)] + target + data[m.end(1) :]


def pdf_filter(rng: random.Random, data: bytes, _: list[Sample]) -> bytes:
    """A stream's filter changed, doubled or removed."""
    spots = [m.start() for m in re.finditer(rb"/FlateDecode", data)]
    if not spots:
        return flip(rng, data, _)
    at = rng.choice(spots)
    new = rng.choice(_FILTERS + [b"[/FlateDecode /FlateDecode]", b""])
    return data[:at] + new + data[at + len(b"/FlateDecode") :]


def pdf_stream(rng: random.Random, data: bytes, _: list[Sample]) -> bytes:
    """A stream's bytes damaged in the middle, or its end marker removed."""
    found = list(_STREAM.finditer(data))
    if not found:
        return flip(rng, data, _)
    start = rng.choice(found).end()
    end = data.find(b"endstream", start)
    if end < 0 or end - start < 8:
        return flip(rng, data, _)
    if rng.random() < 0.3:
        return data[:end] + data[end + 9 :]
    out = bytearray(data)
    for _ in range(rng.choice([1, 8, 64])):
        out[rng.randrange(start, end)] = rng.randrange(256)
    return bytes(out)


def pdf_content_text(rng: random.Random, data: bytes, _: list[Sample]) -> bytes:
    """A page's text operators given hostile strings: control characters, markup,
    unbalanced parentheses, huge runs."""
    found = list(re.finditer(rb"/Filter\s*/FlateDecode[^>]*>>\s*stream\r?\n", data))
    rng.shuffle(found)
    for m in found[:5]:
        start = m.end()
        end = data.find(b"endstream", start)
        try:
            plain = zlib.decompress(data[start:end])
        except zlib.error:
            continue
        if b"Tj" not in plain and b"TJ" not in plain:
            continue
        payload = rng.choice(
            [
                b"\x1b[2J\x1b]0;pwned\x07",
                b"[/bold] [link=http://x]y[/link]",
                b"\\",
                b"(((",
                b"A" * 5000,
            ]
        )
        plain = plain.replace(b") Tj", b"" + payload.replace(b")", b"\\)") + b") Tj", 1)
        packed = zlib.compress(plain)
        head = data[: m.start()]
        head = re.sub(rb"/Length \d+(?![\s\S]*/Length \d+)", b"/Length %d" % len(packed), head)
        return head + data[m.start() : start] + packed + data[end:]
    return pdf_stream(rng, data, _)


def pdf_object(rng: random.Random, data: bytes, _: list[Sample]) -> bytes:
    """An object deleted or duplicated."""
    found = list(re.finditer(rb"\d+ 0 obj\b", data))
    if len(found) < 2:
        return flip(rng, data, _)
    i = rng.randrange(len(found) - 1)
    a, b = found[i].start(), found[i + 1].start()
    return data[:a] + (data[a:b] * 2 if rng.random() < 0.5 else b"") + data[b:]


# --------------------------------------------------------------------------- hostile text

_HOSTILE = [
    "\x1b[2J",
    "\x1b]8;;http://example.com\x1b\\link\x1b]8;;\x1b\\",
    "[/]",
    "[/bold]",
    "[link=http://example.com]x[/link]",
    "[click me](http://example.com)",
    "\u200d",
    "\u200f",
    "\u202e",
    "\u0301",
    "\ufeff",
    "\f",
    "\r",
    "\t|\t",
    "Auguſt",
    "aprıl",
    "31 February 2023",
    "999.",
    "1.",
    "•",
    "Inspection of",
    "Overall effectiveness",
    "x" * 20000,
]


def text_insert(rng: random.Random, data: bytes, _: list[Sample]) -> bytes:
    text = data.decode("utf-8", "replace")
    for _ in range(rng.choice([1, 5, 50])):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(_HOSTILE) + text[at:]
    return text.encode("utf-8")


def text_lines(rng: random.Random, data: bytes, _: list[Sample]) -> bytes:
    """Lines shuffled, dropped, repeated or joined."""
    lines = data.decode("utf-8", "replace").splitlines()
    how = rng.choice(["shuffle", "drop", "repeat", "join"])
    if how == "shuffle":
        rng.shuffle(lines)
    elif how == "drop":
        lines = [ln for ln in lines if rng.random() > 0.3]
    elif how == "repeat":
        lines = [ln for ln in lines for _ in range(rng.choice([1, 1, 3]))]
    else:
        return " ".join(lines).encode("utf-8")
    return "\n".join(lines).encode("utf-8")


ANY: list[Callable[[random.Random, bytes, list[Sample]], bytes]] = [flip, truncate, splice]
PDF = [pdf_number, pdf_reference, pdf_filter, pdf_stream, pdf_content_text, pdf_object]
TEXT = [text_insert, text_insert, text_lines]


def mutants(count: int, seed: int = 0, pool: list[Sample] | None = None) -> list[Mutant]:
    """``count`` mutants, spread over the samples and the mutators."""
    pool = pool or samples()
    out = []
    for n in range(count):
        rng = random.Random(f"{seed}:{n}")
        sample = pool[n % len(pool)]
        choices = ANY + (PDF if sample.pdf else TEXT) * 2
        mutate = rng.choice(choices)
        data = mutate(rng, sample.data, pool)
        suffix = ".pdf" if sample.pdf else ".txt"
        stem = sample.name.rsplit(".", 1)[0]
        out.append(Mutant(f"{n:04d}-{mutate.__name__}-{stem}{suffix}", mutate.__name__, data))
    return out
