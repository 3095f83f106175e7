"""Overprinted characters (fake bold: each glyph drawn twice, a fraction of a point apart)
are read once, however the copies fall about a whole point of x; characters a point or
more apart, or of other text or another line, are all kept."""

from __future__ import annotations

from typing import Any

from ilacs_cli.ingest_lines import dedupe_chars


def _char(text: str, x0: float, top: float = 100.0) -> dict[str, Any]:
    return {"text": text, "x0": x0, "x1": x0 + 5, "top": top, "bottom": top + 10}


def _kept(*chars: dict[str, Any]) -> list[tuple[str, float]]:
    return [(c["text"], c["x0"]) for c in dedupe_chars(list(chars))]


def test_overprinted_copy_within_a_point_is_dropped_across_bucket_edges() -> None:
    assert _kept(_char("P", 9.6), _char("P", 10.4)) == [("P", 9.6)]  # below, then above
    assert _kept(_char("P", 10.4), _char("P", 9.6)) == [("P", 10.4)]  # above, then below
    assert _kept(_char("P", 10.2), _char("P", 10.9)) == [("P", 10.2)]  # same whole point
    assert _kept(_char("P", -0.3), _char("P", 0.3)) == [("P", -0.3)]  # about zero


def test_characters_a_point_or_more_apart_are_all_kept() -> None:
    assert _kept(_char("l", 9.0), _char("l", 10.0), _char("l", 11.5)) == [
        ("l", 9.0),
        ("l", 10.0),
        ("l", 11.5),
    ]
    # a neighbour bucket's char counts only when it is within a point
    assert _kept(_char("l", 9.1), _char("l", 10.5), _char("l", 10.05)) == [
        ("l", 9.1),
        ("l", 10.5),
    ]


def test_fake_bold_word_reads_once_and_other_text_or_lines_are_kept() -> None:
    word = []
    for i, letter in enumerate("Paul"):
        word += [_char(letter, 50 + 6 * i), _char(letter, 50.3 + 6 * i)]
    assert "".join(c["text"] for c in dedupe_chars(word)) == "Paul"
    assert _kept(_char("a", 10.0), _char("b", 10.2)) == [("a", 10.0), ("b", 10.2)]
    assert _kept(_char("a", 10.0, 100), _char("a", 10.2, 112)) == [("a", 10.0), ("a", 10.2)]
