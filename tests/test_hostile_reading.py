"""Unbounded reads: a ``.pdf`` that is a named pipe, a link to ``/dev/zero``, ``extract -``
fed from ``/dev/zero``, a file past the size limit. Each runs ``ilacs`` as a child
process with a time and a memory limit: before the fix the pipe hung the parent process
(outside ``--timeout``) and ``/dev/zero`` was read until memory ran out."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from fuzz.runner import run_ilacs

from ilacs_cli import extract
from ilacs_cli.errors import UnreadableDocument

MAX_INPUT_BYTES = 64 << 20  # ilacs_cli.reading.MAX_INPUT_BYTES, checked below

PIPE = "not a regular file (a named pipe); to read a stream, pipe it to - (stdin)"
DEVICE = "not a regular file (a character device); to read a stream, pipe it to - (stdin)"
TOO_LARGE = f"larger than {MAX_INPUT_BYTES >> 20} MB; refused as too large for a report"


def _library(tmp_path: Path) -> dict[str, str]:
    return {"ILACS_LIBRARY": str(tmp_path / "library.sqlite3")}


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", ["extract", "add"])
def test_a_named_pipe_is_refused_without_blocking(tmp_path, fifo, command):
    """The library's cache lookup read the pipe in the parent process: a hang for ever."""
    run = run_ilacs(command, str(fifo), "--timeout", "5", env=_library(tmp_path), seconds=30)
    assert run.code == 4, run.stderr
    assert run.stdout == ""
    assert run.stderr == f"Error: {fifo}: {PIPE}\n"


def test_a_named_pipe_with_the_pdfium_engine(tmp_path, fifo):
    run = run_ilacs("extract", str(fifo), "--engine", "pdfium", "--no-save", seconds=30)
    assert (run.code, run.stderr) == (4, f"Error: {fifo}: {PIPE}\n")


@pytest.mark.parametrize("command", ["extract", "add"])
def test_a_link_to_dev_zero_is_refused(tmp_path, command):
    zero = tmp_path / "zero.pdf"
    zero.symlink_to("/dev/zero")
    run = run_ilacs(command, str(zero), env=_library(tmp_path), seconds=30)
    assert (run.code, run.stdout, run.stderr) == (4, "", f"Error: {zero}: {DEVICE}\n")


def test_stdin_from_dev_zero_stops_at_the_size_limit(tmp_path):
    with open("/dev/zero", "rb") as zero:
        run = run_ilacs("extract", "-", "--no-save", stdin=zero.fileno(), seconds=30)
    assert (run.code, run.stdout, run.stderr) == (4, "", f"Error: <stdin>: {TOO_LARGE}\n")


def test_stdin_too_large_in_a_batch_is_one_failure(tmp_path):
    """The other inputs are still read; stdin's failure is its own line."""
    seed = Path(__file__).parent.parent / "samples" / "seeds" / "salford-2025-focused-visit.txt"
    with open("/dev/zero", "rb") as zero:
        run = run_ilacs(
            "extract", "-", str(seed), "-f", "jsonl", "--no-save", stdin=zero.fileno(), seconds=60
        )
    assert run.code == 1, run.stderr
    assert run.stderr.splitlines() == [f"Error: <stdin>: {TOO_LARGE}", "1 of 2 inputs failed"]
    assert len(run.stdout.splitlines()) == 1


def test_the_limit_is_the_documented_one():
    from ilacs_cli import reading

    assert reading.MAX_INPUT_BYTES == MAX_INPUT_BYTES


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.pdf"
    with big.open("wb") as fh:  # sparse: no disk space used
        fh.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(UnreadableDocument) as caught:
        extract(big)
    assert (caught.value.path, caught.value.reason) == (str(big), TOO_LARGE)


def test_reads_are_bounded_by_the_limit_given(tmp_path):
    from ilacs_cli.reading import read_input, read_stream

    small = tmp_path / "small.txt"
    small.write_bytes(b"x" * 100)
    assert read_input(small, limit=100) == b"x" * 100
    with pytest.raises(UnreadableDocument, match="larger than 99 bytes"):
        read_input(small, limit=99)
    assert read_stream(io.BytesIO(b"y" * 50), limit=50) == b"y" * 50
    with pytest.raises(UnreadableDocument, match="larger than 49 bytes"):
        read_stream(io.BytesIO(b"y" * 50), limit=49)


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a directory"),
    ],
)
def test_missing_and_directories_keep_their_messages(tmp_path, make, reason):
    from ilacs_cli.reading import read_input

    path = tmp_path / "thing.pdf"
    make(path)
    with pytest.raises(UnreadableDocument) as caught:
        read_input(path)
    assert caught.value.reason == reason
