"""Table views fit a terminal from 80 columns up (issue 19): every view is rendered at 80 and
120 columns, no line is wider than the terminal, and no word or date is broken across
lines."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from rich.console import Console

from ilacs_cli.library import Entry
from ilacs_cli.render import GRADE_SHORT, KIND_SHORT, entries_table
from ilacs_cli.vocabulary import Grade, Kind

WIDTHS = (80, 120)


def render(renderable, width: int) -> str:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def _entry(id_: str, kind: Kind, day: str, overall: Grade | None) -> Entry:
    d = dt.date.fromisoformat(day)
    return Entry(
        id=id_,
        sha256="0" * 64,
        slug=id_.rsplit("-", 1)[0],
        authority="Redcar and Cleveland Borough Council",
        kind=kind,
        start=d,
        end=d,
        letter_date=None,
        overall=overall,
        parser_version="x",
        source_path="/somewhere/a/long/path/to/the/file.pdf",
        added_at="2026-12-01T09:00:00",
    )


ENTRIES = [
    _entry("redcar-and-cleveland-2017", Kind.SIF_INSPECTION, "2017-03-31", Grade.INADEQUATE),
    _entry("redcar-and-cleveland-2019-focused-visit", Kind.FOCUSED_VISIT, "2019-01-17", None),
    _entry(
        "redcar-and-cleveland-2022",
        Kind.ILACS_INSPECTION,
        "2022-09-22",
        Grade.REQUIRES_IMPROVEMENT,
    ),
    _entry("redcar-and-cleveland-2026", Kind.ILACS_INSPECTION, "2026-01-28", None),
]


@pytest.mark.parametrize("width", WIDTHS)
def test_list_view_fits_and_keeps_words_whole(width):
    text = render(entries_table(ENTRIES, width=width), width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    # dates are never cut ("2015-07-3 / 0"), grade words never stacked a letter a line
    for day in ("2017-03-31", "2019-01-17", "2022-09-22", "2026-01-28"):
        assert day in text
    assert not any(re.fullmatch(r"[│|\s]*\w[│|\s]*", line) for line in lines)


def test_list_view_at_80_columns_uses_short_labels_with_a_legend():
    text = render(entries_table(ENTRIES, width=80), 80)
    assert "Inad" in text and "RI" in text and "SIF" in text and "FV" in text
    assert "RI = requires improvement to be good" in text
    assert "not graded" in text  # the focused visit
    assert "Authority" not in text and "Borough" not in text  # the id names it


def test_list_view_at_120_columns_says_grades_in_words():
    text = render(entries_table(ENTRIES, width=120), 120)
    assert "Inadequate" in text  # a SIF report's overall grade, not "—" (issue 19)
    assert "Requires improvement" in text
    assert "not graded" in text
    assert "Authority" in text and "Cleveland Borough" in text


def test_every_kind_and_grade_has_a_short_label():
    assert set(KIND_SHORT) == set(Kind)
    assert set(GRADE_SHORT) == set(Grade)


# -- every table view, through the command line, at 80 and 120 columns ----------------------

SAMPLES_USED = ("samples/salford-2015.pdf", "samples/salford-2023.pdf", "samples/salford-2025.pdf")


@pytest.fixture(scope="module")
def salford_library(tmp_path_factory):
    from conftest import ROOT
    from typer.testing import CliRunner

    from ilacs_cli.cli import app

    path = tmp_path_factory.mktemp("views") / "library.sqlite3"
    result = CliRunner().invoke(
        app, ["add", *(str(ROOT / s) for s in SAMPLES_USED), "--library", str(path)]
    )
    assert result.exit_code == 0, result.stderr
    return path


VIEWS = [
    ("list",),
    ("history", "salford"),
    ("show", "salford-2023"),
    ("diff", "salford-2023", "salford-2025"),
    ("diff", "salford-2015", "salford-2023"),
    ("authorities", "--region", "North West"),
    ("search", "pre-proceedings"),
    ("themes",),
]


def _broken_words(lines: list[str]) -> list[str]:
    """Lines whose cells are all one letter or a word cut in two ("Requir" / "es"): the
    stacking a too-narrow column makes."""
    bad = []
    for line in lines:
        cells = [c.strip() for c in re.split(r"[│┃|]", line) if c.strip()]
        if cells and all(len(c) == 1 and c.isalpha() for c in cells):
            bad.append(line)
    return bad


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: " ".join(v))
def test_every_table_view_fits_the_terminal(salford_library, monkeypatch, view, width):
    from typer.testing import CliRunner

    from ilacs_cli.cli import app

    monkeypatch.setenv("COLUMNS", str(width))
    result = CliRunner().invoke(app, [*view, "--library", str(salford_library)])
    assert result.exit_code == 0, (view, result.stderr)
    lines = result.stdout.splitlines()
    assert lines, view
    too_wide = [line for line in lines if len(line) > width]
    assert too_wide == [], too_wide[:3]
    assert _broken_words(lines) == []
    for day in re.findall(r"\d{4}-\d\d-\d", result.stdout):
        assert re.search(re.escape(day) + r"\d", result.stdout), f"date cut: {day}"
