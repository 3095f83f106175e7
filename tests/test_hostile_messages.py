"""Crashes and messages on hostile input: odd month spellings, a full disk under ``-o``,
pdfplumber's own log lines, a saved JSON report too large to diff. Each case is generated
here and asserts the exit code and the exact one-line message."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ilacs_cli import extract
from ilacs_cli.cli import app
from ilacs_cli.rules.common import parse_dates, single_date

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "seeds" / "salford-2025-focused-visit.txt"
ILACS_SEED = ROOT / "samples" / "seeds" / "salford-2023-ilacs-inspection.txt"
DISK_FULL = "cannot write: the disk is full"

runner = CliRunner()


def invoke(*args: str, **kw):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False, **kw)


# --------------------------------------------------------------------------- month names


@pytest.mark.parametrize(
    "text, day",
    [
        ("1 auguſt 2023", dt.date(2023, 8, 1)),  # long s: matches "s" case-insensitively
        ("5 aprıl 2024", dt.date(2024, 4, 5)),  # dotless i
        ("5 APRİL 2024", dt.date(2024, 4, 5)),  # dotted capital I
        ("9 ſept. 2021", dt.date(2021, 9, 9)),
        ("2 DECEMBER 2022", dt.date(2022, 12, 2)),
    ],
)
def test_month_names_that_fold_to_no_key(text, day):
    """Matched case-insensitively, looked up with .lower(): KeyError, exit 5."""
    assert parse_dates(text) == [day]
    assert single_date(text) == day


def test_a_visit_letter_dated_with_a_long_s():
    text = SEED.read_text(encoding="utf-8").replace("August", "Auguſt")
    text = text.replace("14 and 15 October 2025", "14 and 15 Auguſt 2025")
    report = extract("visit.txt", data=text.encode())
    assert (report.inspection.start, report.inspection.end) == (
        dt.date(2025, 8, 14),
        dt.date(2025, 8, 15),
    )


# --------------------------------------------------------------------------- -o on a full disk


@pytest.fixture
def full(tmp_path: Path) -> Path:
    """An output path that is /dev/full (every write fails with ENOSPC), through a link
    in tmp_path: a writer that replaced its target would replace only the link."""
    link = tmp_path / "out.json"
    link.symlink_to("/dev/full")
    return link


def _still_dev_full() -> None:
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "table"])
def test_extract_output_on_a_full_disk(tmp_path, full, fmt):
    result = invoke("extract", str(SEED), "--no-save", "-f", fmt, "-o", str(full))
    assert result.exit_code == 7, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Error: {full}: {DISK_FULL}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no out.json.tmp
    assert full.is_symlink()
    _still_dev_full()


@pytest.mark.parametrize(
    "args",
    [
        ("extract", str(SEED), "--no-save", "-f", "json"),
        ("extract", str(SEED), "--no-save"),
        ("extract", str(SEED), str(ILACS_SEED), "--no-save", "-f", "jsonl"),
        ("diff", str(ILACS_SEED), str(SEED), "-f", "json"),
        ("schema",),
        ("--version",),  # a few bytes, still in the buffer when the command returns
        ("list", "-f", "json", "--library", "{tmp}/empty.sqlite3"),
    ],
)
def test_standard_output_on_a_full_disk(args, tmp_path):
    """`> /dev/full`: stdout takes no data. The same one-line error and exit 7 as `-o` on a
    full disk, not "internal error ... a bug in ilacs", and no second complaint from the
    interpreter's last flush."""
    with open("/dev/full", "w") as dev_full:
        proc = subprocess.run(
            [sys.executable, "-m", "ilacs_cli", *(a.format(tmp=tmp_path) for a in args)],
            stdout=dev_full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    assert proc.returncode == 7, proc.stderr
    assert proc.stderr == f"Error: standard output: {DISK_FULL}\n"


def test_show_output_on_a_full_disk(tmp_path, full):
    library = tmp_path / "library.sqlite3"
    assert invoke("add", str(SEED), "--library", str(library)).exit_code == 0
    result = invoke("show", "salford-2025", "--library", str(library), "-o", str(full))
    assert (result.exit_code, result.stderr) == (7, f"Error: {full}: {DISK_FULL}\n")


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_diff_output_on_a_full_disk(tmp_path, full, fmt):
    result = invoke("diff", str(ILACS_SEED), str(SEED), "-f", fmt, "-o", str(full))
    assert (result.exit_code, result.stdout) == (7, "")
    assert result.stderr == f"Error: {full}: {DISK_FULL}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    _still_dev_full()


_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
from ilacs_cli.cli import main
sys.argv[0] = "ilacs"
main()
"""


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_failed_write_leaves_the_old_file_and_no_tmp(tmp_path, fmt):
    """Files may not grow past 4 KB in the child: the write fails half way."""
    out = tmp_path / "report.out"
    out.write_text("the previous output\n", encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _LIMITED,
            "extract",
            str(SEED),
            "--no-save",
            "-f",
            fmt,
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 7, proc.stderr
    assert proc.stderr == (
        f"Error: {out}: cannot write (File too large); report.out is as it was\n"
    )
    assert out.read_text(encoding="utf-8") == "the previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.out"]
    assert signal.SIGXFSZ  # (the child ignores it; see _LIMITED)


def test_output_into_a_missing_folder(tmp_path):
    out = tmp_path / "no-such-folder" / "out.json"
    result = invoke("extract", str(SEED), "--no-save", "-f", "json", "-o", str(out))
    assert result.exit_code == 7
    assert result.stderr == f"Error: {out}: cannot write (No such file or directory)\n"


def test_output_to_a_pipe_is_written_not_replaced(tmp_path):
    """A target that is not a regular file (a pipe here; /dev/null, /dev/stdout) is
    written to, never replaced by a renamed FILE.tmp (as root that replaced /dev/null)."""
    import threading

    pipe = tmp_path / "out.json"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    result = invoke("extract", str(SEED), "--no-save", "-f", "json", "-o", str(pipe))
    reader.join(timeout=30)
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(received[0])["id"] == "salford-2025"
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


# --------------------------------------------------------------------------- pdfplumber's log


def _bad_metadata_pdf() -> bytes:
    """The visit letter with an /Info title that refers to itself: pdfplumber logs
    ``[WARNING] Metadata key "Title" could not be parsed ...`` and reads on."""
    from test_hostile import visit_pdf

    writer = visit_pdf()
    loop = writer.add(b"[]")
    writer.objects[loop] = (b"[%d 0 R]" % loop, None)
    info = writer.add(b"<< /Title %d 0 R >>" % loop)
    return writer.tobytes().replace(b"/Root 1 0 R", b"/Root 1 0 R /Info %d 0 R" % info)


METADATA = (
    'Metadata key "Title" could not be parsed due to exception: maximum recursion depth exceeded'
)


def test_pdfplumber_warnings_are_one_line_report_warnings(tmp_path):
    """As a command: Python's last-resort handler printed pdfplumber's record raw."""
    pdf = tmp_path / "odd metadata.pdf"
    pdf.write_bytes(_bad_metadata_pdf())
    proc = subprocess.run(
        [sys.executable, "-m", "ilacs_cli", "extract", str(pdf), "--no-save", "-f", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == f"Warning: {pdf}: {METADATA}\n"
    report = json.loads(proc.stdout)
    assert report["id"] == "salford-2025"
    assert report["warnings"][-1] == METADATA
    args = ("extract", str(pdf), "--no-save", "--jobs", "1", "--timeout", "0")
    quiet = invoke(*args, "-q")  # and --quiet silences them, like every warning
    assert (quiet.exit_code, quiet.stderr) == (0, "")


# --------------------------------------------------------------------------- diff of a saved JSON


MAX_JSON_BYTES = 2 << 20  # ilacs_cli.library.MAX_JSON_BYTES, checked below


def test_the_json_limit_is_the_documented_one():
    from ilacs_cli import library

    assert library.MAX_JSON_BYTES == MAX_JSON_BYTES


def test_diff_refuses_a_saved_json_past_the_limit_before_parsing(tmp_path):
    """A 20 MB text field took 84 s to diff; past 2 MB the file is not parsed."""
    report = extract(SEED).model_dump(mode="json")
    old = tmp_path / "old.json"
    old.write_text(json.dumps(report), encoding="utf-8")
    report["summary"] = ["Children are seen. " * (MAX_JSON_BYTES // 19 + 1)]
    big = tmp_path / "big.json"
    big.write_text(json.dumps(report), encoding="utf-8")
    result = invoke("diff", str(old), str(big), "-f", "json")
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {big}: larger than {MAX_JSON_BYTES >> 20} MB; refused as too large for a report\n"
    )


def test_diff_of_saved_json_within_the_limit(tmp_path):
    report = extract(SEED).model_dump(mode="json")
    old = tmp_path / "old.json"
    old.write_text(json.dumps(report), encoding="utf-8")
    result = invoke("diff", str(old), str(old), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["old"]["id"] == "salford-2025"


def test_every_exit_code_is_documented():
    """The README's exit-code table has a row for each ExitCode (7 was added here)."""
    import re

    from ilacs_cli.errors import ExitCode

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = {int(m) for m in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)}
    assert rows == {int(code) for code in ExitCode}
