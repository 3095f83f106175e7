"""Batches: worker processes, input order, a time limit per document, dead workers, and the
parse cache. A hang or a crash is simulated by replacing the extractor before the workers
are forked (they inherit the replacement)."""

from __future__ import annotations

import importlib
import json
import os
import time

import pytest
from typer.testing import CliRunner

from ilacs_cli.batch import Batch
from ilacs_cli.cli import app

SEED = "samples/seeds/salford-2025-focused-visit.txt"
SEEDS = [
    "samples/seeds/salford-2023-ilacs-inspection.txt",
    "samples/seeds/trafford-2022-ilacs-inspection.txt",
    SEED,
]

runner = CliRunner()
# the module, not the function ``ilacs_cli.extract`` that the package exports
pipeline = importlib.import_module("ilacs_cli.extract")


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(ROOT)


def _misbehave(monkeypatch, hang: str = "hang", die: str = "die") -> None:
    real = pipeline.extract

    def extract(path, **kw):  # type: ignore[no-untyped-def]
        if hang in str(path):
            time.sleep(60)
        if die in str(path):
            os._exit(9)
        return real(path, **kw)

    monkeypatch.setattr(pipeline, "extract", extract)


def test_results_come_in_input_order_with_two_workers():
    outcomes = list(Batch(SEEDS * 2, jobs=2, timeout=60))
    assert [o.index for o in outcomes] == list(range(6))
    assert [o.report.id for o in outcomes] == ["salford-2023", "trafford-2022", "salford-2025"] * 2


def test_a_hang_times_out_and_the_rest_go_on(monkeypatch, tmp_path):
    _misbehave(monkeypatch)
    hang = tmp_path / "hang.txt"
    hang.write_text("whatever")
    started = time.monotonic()
    outcomes = list(Batch([SEEDS[0], str(hang), SEEDS[1]], jobs=2, timeout=2))
    assert time.monotonic() - started < 20
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].code == 4
    assert outcomes[1].reason == "timed out after 2 s (--timeout)"


def test_a_dead_worker_is_replaced(monkeypatch, tmp_path):
    _misbehave(monkeypatch)
    die = tmp_path / "die.txt"
    die.write_text("whatever")
    outcomes = list(Batch([str(die), *SEEDS], jobs=2, timeout=30))
    assert [o.ok for o in outcomes] == [False, True, True, True]
    assert outcomes[0].code == 5
    assert outcomes[0].reason == "the worker process died (exit code 9) while reading it"


def test_the_cache_is_used_instead_of_parsing(monkeypatch, reports):
    stored = reports("salford-2025-focused-visit.txt")

    def no_parsing(path, **kw):  # type: ignore[no-untyped-def]
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(pipeline, "extract", no_parsing)
    hits = list(Batch([SEED], jobs=1, timeout=0, cached=lambda sha: stored))
    assert hits[0].cached and hits[0].report.id == "salford-2025"


def test_cli_jsonl_streams_in_input_order(tmp_path):
    result = runner.invoke(app, ["extract", *SEEDS, "-f", "jsonl", "--jobs", "2", "--no-save"])
    assert result.exit_code == 0, result.stderr
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == ["salford-2023", "trafford-2022", "salford-2025"]


def test_cli_timeout_is_one_error_line_and_exit_1(monkeypatch, tmp_path):
    _misbehave(monkeypatch)
    hang = tmp_path / "hang.txt"
    hang.write_text("whatever")
    result = runner.invoke(
        app, ["extract", SEEDS[0], str(hang), "-f", "json", "--timeout", "1", "--no-save"]
    )
    assert result.exit_code == 1
    assert [r["id"] for r in json.loads(result.stdout)] == ["salford-2023"]
    assert result.stderr.splitlines() == [
        f"Error: {hang}: timed out after 1 s (--timeout)",
        "1 of 2 inputs failed",
    ]


def test_cli_warm_cache_does_not_parse_and_force_does(monkeypatch):
    first = runner.invoke(app, ["extract", SEED, "-f", "json"])
    assert first.exit_code == 0, first.stderr
    real = pipeline.extract

    def no_parsing(path, **kw):  # type: ignore[no-untyped-def]
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(pipeline, "extract", no_parsing)
    warm = runner.invoke(app, ["extract", SEED, "-f", "json"])
    assert warm.exit_code == 0, warm.stderr
    assert json.loads(warm.stdout) == json.loads(first.stdout)
    forced = runner.invoke(app, ["extract", SEED, "-f", "json", "--force"])
    assert forced.exit_code == 5  # the stand-in extractor raised: parsing did happen
    monkeypatch.setattr(pipeline, "extract", real)


def test_a_saved_report_shows_its_library_id_on_every_run():
    """Two documents with the same authority, date and kind (a letter as PDF and as text):
    both carry their sha256 digits, and extract says so both when it parses them and when
    a re-run takes them from the library."""
    import hashlib
    from pathlib import Path

    pdf, text = "samples/salford-2025.pdf", SEED
    first = runner.invoke(app, ["extract", pdf, text, "-f", "json"])
    assert first.exit_code == 0, first.stderr
    digits = [hashlib.sha256(Path(f).read_bytes()).hexdigest()[:8] for f in (pdf, text)]
    assert [r["id"] for r in json.loads(first.stdout)] == [
        f"salford-2025-10-15-focused-visit-{d}" for d in digits
    ]
    assert f"Note: {text}: in the library as salford-2025-10-15-focused-visit-" in first.stderr
    again = runner.invoke(app, ["extract", pdf, text, "-f", "json"])
    assert json.loads(again.stdout) == json.loads(first.stdout)
