"""Work that must grow linearly with hostile input, checked by counting work, never by
timing it (timings belong in ``make bench``).

``layout.join_lines`` searched the whole text joined so far for a trailing hyphen each
time it added a line: a paragraph of 10 MB took over a minute."""

from __future__ import annotations

import random
import re
import types

import pytest

from ilacs_cli import layout
from ilacs_cli.layout import join_lines


def _reference(parts: list[str]) -> str:
    """The joining rule, written plainly: a line ending in a letter or digit and a hyphen
    (unless the next line goes on from a suspended hyphen: "and ..."), or in a slash, runs
    on without a space."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif (
            re.search(r"[A-Za-z0-9]-$", out) and not re.match(r"(?:and|or|to|and/or)\s", part)
        ) or out.endswith("/"):
            out += part
        else:
            out += " " + part
    return out


def _lines(rng: random.Random, count: int) -> list[str]:
    pieces = [
        "pre-",
        "-",
        "/",
        "and/",
        "x-",
        "3-",
        "é-",
        " ",
        "",
        "word",
        " a ",
        "B-",
        "--",
        "and ",
    ]
    return ["".join(rng.choices(pieces, k=rng.randint(0, 3))) for _ in range(count)]


@pytest.mark.parametrize("seed", range(40))
def test_join_lines_follows_the_joining_rule(seed):
    parts = _lines(random.Random(seed), 30)
    assert join_lines(parts) == _reference(parts)


class _CountingRe(types.ModuleType):
    """``re`` as ``layout`` sees it, counting the characters handed to each search."""

    def __init__(self) -> None:
        super().__init__("re")
        self.scanned = 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        target = getattr(re, name)
        if name not in {"search", "match", "fullmatch", "sub", "subn", "findall", "finditer"}:
            return target

        def counted(pattern, string, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.scanned += len(string)
            return target(pattern, string, *args, **kwargs)

        return counted


def _scanned(monkeypatch: pytest.MonkeyPatch, parts: list[str]) -> int:
    counter = _CountingRe()
    monkeypatch.setattr(layout, "re", counter)
    join_lines(parts)
    monkeypatch.undo()
    return counter.scanned


@pytest.mark.parametrize("count", [1_000, 8_000])
def test_join_lines_reads_each_character_a_bounded_number_of_times(monkeypatch, count):
    """Before: each added line rescanned everything joined so far (1,000 lines of 60
    characters: 30 million characters scanned; 8,000: 1.9 billion)."""
    parts = [f"line {i} of a very long paragraph, wrapped at sixty chars-" for i in range(count)]
    size = sum(map(len, parts))
    assert _scanned(monkeypatch, parts) <= 4 * size
