"""A damaged, empty or full-disk library: refused before anything is written (exit 6, the
file byte-identical), and on a full disk still readable, with a message that says so."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ilacs_cli.cli import app
from ilacs_cli.errors import LibraryError
from ilacs_cli.library import Library

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
ILACS_SEED = SEEDS / "salford-2023-ilacs-inspection.txt"
VISIT_SEED = SEEDS / "salford-2025-focused-visit.txt"
TAIL = "; it was not written: restore it from a backup, or use another file with --library"
EMPTY = (
    "an empty file (0 bytes), not an ilacs library: remove it and ilacs creates a new library "
    "there, or use another file with --library"
)
FULL = (
    "the disk is full: the library can be read but not written (it is as it was; free some space)"
)

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def _filled(path: Path, reports) -> Path:  # type: ignore[no-untyped-def]
    """A library of 12 entries (about 0.5 MB), checkpointed into the main file."""
    base = reports("salford-2023-ilacs-inspection.txt")
    with Library(path) as lib:
        for i in range(12):
            source = base.source.model_copy(update={"sha256": f"sha-{i}"})
            lib.save(base.model_copy(update={"id": f"salford-{2000 + i}", "source": source}))
    assert not Path(f"{path}-wal").exists()
    return path


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


@pytest.fixture
def damaged(tmp_path, reports) -> Path:  # type: ignore[no-untyped-def]
    """16 KiB zeroed in the middle of the file, on page boundaries."""
    path = _filled(tmp_path / "library.sqlite3", reports)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 16384] = bytes(16384)
    path.write_bytes(bytes(data))
    assert _integrity(path) != "ok"
    return path


def _refused_unchanged(result, path: Path, before: bytes) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 6, result.stderr
    line = result.stderr
    assert line.startswith(f"Error: {path}: "), line
    assert "the library file is damaged (" in line and line.endswith(TAIL + "\n"), line
    assert line.count("\n") == 1
    assert path.read_bytes() == before


def test_add_refuses_a_damaged_library(damaged):
    before = damaged.read_bytes()
    result = invoke("add", str(VISIT_SEED), "--library", str(damaged))
    _refused_unchanged(result, damaged, before)


def test_remove_refuses_a_damaged_library(damaged):
    before = damaged.read_bytes()
    result = invoke("remove", "salford-2001", "--library", str(damaged))
    _refused_unchanged(result, damaged, before)


def test_extract_prints_its_data_but_does_not_save_into_a_damaged_library(damaged):
    before = damaged.read_bytes()
    result = invoke("extract", str(VISIT_SEED), "-f", "json", "--library", str(damaged))
    assert result.exit_code == 6
    assert json.loads(result.stdout)["id"] == "salford-2025"
    assert result.stderr.startswith(f"Error: {damaged}: not saved in the library: the library ")
    assert result.stderr.endswith(TAIL + "\n")
    assert damaged.read_bytes() == before


def test_the_library_api_refuses_to_write_too(damaged):
    before = damaged.read_bytes()
    with Library(damaged) as lib, pytest.raises(LibraryError) as caught:
        lib.remove("salford-2001")
    assert caught.value.exit_code == 6
    assert caught.value.reason.startswith("the library file is damaged (quick_check: ")
    assert damaged.read_bytes() == before


def test_a_sound_library_passes_the_check_and_is_written(tmp_path, reports):
    path = _filled(tmp_path / "library.sqlite3", reports)
    with Library(path) as lib:
        second = lib.entries()[1].id
    result = invoke("remove", second, "--library", str(path))
    assert (result.exit_code, result.stderr) == (0, f"removed {second}\n")


@pytest.mark.parametrize(
    "args",
    [("add", str(VISIT_SEED)), ("list",), ("remove", "salford-2025"), ("show", "salford-2025")],
)
def test_an_empty_file_is_not_a_library(tmp_path, args):
    path = tmp_path / "library.sqlite3"
    path.touch()
    result = invoke(*args, "--library", str(path))
    assert result.exit_code == 6
    assert result.stderr == f"Error: {path}: {EMPTY}\n"
    assert path.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library.sqlite3"]


def test_a_new_library_is_never_an_empty_file(tmp_path):
    """Created beside its place and linked in whole: no other process sees 0 bytes."""
    path = tmp_path / "new" / "library.sqlite3"
    with Library(path) as lib:
        assert len(lib) == 0
        assert path.stat().st_size > 0
    assert sorted(p.name for p in path.parent.iterdir()) == ["library.sqlite3"]


# A full disk, without root: the child may not grow any file (RLIMIT_FSIZE 0: SQLite
# cannot make its -wal and -shm files, "disk I/O error"), and the free space it reads is 0.
_FULL_DISK = """
import collections, resource, shutil, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
usage = collections.namedtuple("usage", "total used free")
shutil.disk_usage = lambda path: usage(1 << 30, 1 << 30, 0)
from ilacs_cli.cli import main
sys.argv[0] = "ilacs"
main()
"""


def _on_a_full_disk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _FULL_DISK, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.fixture
def saved(tmp_path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "library.sqlite3"
    assert invoke("add", str(VISIT_SEED), "--library", str(path)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library.sqlite3"]
    return path


def test_reads_work_on_a_full_disk(saved):
    listed = _on_a_full_disk("list", "-f", "json", "--library", str(saved))
    assert (listed.returncode, listed.stderr) == (0, "")
    assert [e["id"] for e in json.loads(listed.stdout)] == ["salford-2025-10-15-focused-visit"]
    shown = _on_a_full_disk("show", "salford-2025", "-f", "json", "--library", str(saved))
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["kind"] == "focused_visit"
    assert sorted(p.name for p in saved.parent.iterdir()) == ["library.sqlite3"]


@pytest.mark.parametrize(
    "args, line",
    [
        (("add", str(ILACS_SEED)), f"{ILACS_SEED} not saved: {FULL}"),
        (("remove", "salford-2025"), FULL),
        (("extract", str(ILACS_SEED), "-f", "json"), f"not saved in the library: {FULL}"),
    ],
)
def test_writes_on_a_full_disk_say_so(saved, args, line):
    before = saved.read_bytes()
    run = _on_a_full_disk(*args, "--library", str(saved))
    assert run.returncode == 6
    assert run.stderr == f"Error: {saved}: {line}\n"
    assert saved.read_bytes() == before
    assert sorted(p.name for p in saved.parent.iterdir()) == ["library.sqlite3"]  # no -wal/-shm
