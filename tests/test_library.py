"""The library: ids and suffixes, migrations, several writers, a writer killed mid-save."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilacs_cli import library as library_module
from ilacs_cli.errors import (
    ExitCode,
    LibraryError,
    NotInLibrary,
    UnreadableDocument,
    UnsupportedDocument,
)
from ilacs_cli.library import (
    SCHEMA_VERSION,
    AmbiguousId,
    Library,
    canonical_id,
    default_library_path,
    history_rows,
    library_id_candidates,
    resolve,
)
from ilacs_cli.models import Kind, Period, Report

ILACS_TXT = "salford-2023-ilacs-inspection.txt"
VISIT_TXT = "salford-2025-focused-visit.txt"
TRAFFORD_TXT = "trafford-2022-ilacs-inspection.txt"


def fake_sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def variant(report: Report, sha: str, **update: object) -> Report:
    """Another document like ``report``: a different sha256 (made from ``sha``), fields as
    given."""
    source = report.source.model_copy(update={"sha256": fake_sha(sha)})
    return report.model_copy(update={"source": source, **update})


@pytest.fixture
def lib(tmp_path):
    with Library(tmp_path / "lib" / "library.sqlite3") as library:
        yield library


@pytest.fixture
def ilacs(reports) -> Report:
    return reports(ILACS_TXT)


@pytest.fixture
def visit(reports) -> Report:
    return reports(VISIT_TXT)


def stored_json_id(library: Library, report_id: str) -> str:
    row = sqlite3.connect(library.path).execute(
        "SELECT json FROM reports WHERE id = ?", (report_id,)
    )
    return json.loads(row.fetchone()[0])["id"]


# -- where the library lives ------------------------------------------------------------------


def test_tests_never_touch_the_user_data_folder(_library_in_tmp):
    assert default_library_path() == _library_in_tmp


def test_default_path_is_the_user_data_folder(monkeypatch):
    import platformdirs

    monkeypatch.delenv("ILACS_LIBRARY")
    expected = Path(platformdirs.user_data_dir("ilacs")) / "library.sqlite3"
    assert default_library_path() == expected


def test_library_is_importable_without_typer_or_rich():
    code = (
        "import sys, ilacs_cli.library; "
        "assert not {'typer', 'rich'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- saving and ids ---------------------------------------------------------------------------


SALFORD = "salford-2023-11-10-ilacs"
VISIT = "salford-2025-10-15-focused-visit"
TRAFFORD = "trafford-2022-12-02-ilacs"


def as_stored(report: Report, library_id: str) -> Report:
    return report.model_copy(update={"id": library_id})


def test_save_twice_keeps_one_entry(lib, ilacs):
    first = lib.save(ilacs)
    again = lib.save(ilacs)
    assert (first.id, first.created) == (SALFORD, True)
    assert (again.id, again.created, again.updated) == (SALFORD, False, False)
    assert [e.id for e in lib.entries()] == [SALFORD]
    assert lib.get(SALFORD) == as_stored(ilacs, SALFORD)
    assert lib.get("salford-2023") == as_stored(ilacs, SALFORD)  # the report's own id


def test_the_id_comes_from_authority_date_and_kind(ilacs, visit):
    assert canonical_id(ilacs) == SALFORD
    assert canonical_id(visit) == VISIT
    undated = ilacs.model_copy(update={"inspection": Period(), "letter_date": None})
    assert canonical_id(undated) == f"salford-ilacs-{ilacs.source.sha256[:8]}"
    monitoring = ilacs.model_copy(update={"kind": Kind.MONITORING_VISIT})
    assert canonical_id(monitoring) == "salford-2023-11-10-monitoring-visit"


def test_two_documents_with_the_same_authority_date_and_kind_both_carry_digits(lib, ilacs):
    lib.save(ilacs)
    twin = variant(ilacs, "a corrected reissue")
    saved = lib.save(twin)
    first = f"{SALFORD}-{ilacs.source.sha256[:8]}"
    second = f"{SALFORD}-{twin.source.sha256[:8]}"
    assert saved.id == second and saved.created
    assert sorted(e.id for e in lib.entries()) == sorted([first, second])
    assert stored_json_id(lib, first) == first  # the stored JSON follows the rename
    assert lib.save(twin).id == second  # stable when re-added
    third = variant(ilacs, "third")
    assert lib.save(third).id == f"{SALFORD}-{third.source.sha256[:8]}"
    with pytest.raises(AmbiguousId) as err:
        lib.get("salford-2023")
    assert err.value.exit_code == ExitCode.UNREADABLE
    assert str(err.value).startswith("salford-2023: names 3 documents: ")
    assert f"{first} (ILACS inspection, 2023-11-10)" in str(err.value)
    assert str(err.value).endswith("use the id of the one you mean")


def test_short_forms_name_one_entry(lib, ilacs, visit):
    lib.save(ilacs)
    lib.save(visit)
    monitoring = variant(
        ilacs,
        "mv",
        kind=Kind.MONITORING_VISIT,
        inspection=Period(start=dt.date(2023, 3, 1), end=dt.date(2023, 3, 2)),
    )
    mv = lib.save(monitoring).id
    assert mv == "salford-2023-03-02-monitoring-visit"
    assert lib.resolve_id("salford-2025") == VISIT
    assert lib.resolve_id("salford-2023-11") == SALFORD
    assert lib.resolve_id("salford-2023-ilacs") == SALFORD
    assert lib.resolve_id("salford-2023-ilacs-inspection") == SALFORD  # the old <id>-<kind>
    assert lib.resolve_id("salford-2023-monitoring-visit") == mv
    assert lib.resolve_id("Salford City Council-2025") == VISIT  # any name the register knows
    with pytest.raises(AmbiguousId) as err:
        lib.resolve_id("salford-2023")
    assert str(err.value) == (
        "salford-2023: names 2 documents: salford-2023-03-02-monitoring-visit (monitoring "
        f"visit, 2023-03-02); {SALFORD} (ILACS inspection, 2023-11-10); use the id of the "
        "one you mean"
    )


def test_new_parser_version_updates_in_place(lib, ilacs):
    lib.save(ilacs)
    newer = ilacs.model_copy(
        update={
            "source": ilacs.source.model_copy(update={"parser_version": "9.9.9"}),
            "summary": ["changed by the new parser"],
        }
    )
    saved = lib.save(newer)
    assert (saved.id, saved.created, saved.updated) == (SALFORD, False, True)
    assert lib.get(SALFORD).summary == ["changed by the new parser"]
    assert lib.find_sha(ilacs.source.sha256).parser_version == "9.9.9"
    assert len(lib) == 1


def test_find_sha(lib, ilacs):
    assert lib.find_sha(ilacs.source.sha256) is None
    lib.save(ilacs)
    entry = lib.find_sha(ilacs.source.sha256)
    assert entry.id == SALFORD
    assert entry.urn == "80548"
    assert entry.kind is Kind.ILACS_INSPECTION
    assert entry.date == dt.date(2023, 11, 10)
    assert entry.overall.value == "good"


def test_unknown_id_suggests_close_ones(lib, ilacs):
    lib.save(ilacs)
    with pytest.raises(NotInLibrary) as err:
        lib.get("salford-2032")
    assert err.value.exit_code == ExitCode.UNREADABLE
    assert str(err.value) == (
        f"salford-2032: no report with this id in the library; did you mean {SALFORD}? "
        "(`ilacs list` shows what it holds)"
    )
    with pytest.raises(NotInLibrary) as err:
        lib.get("zzz")
    assert "did you mean" not in str(err.value)


def test_remove(lib, ilacs):
    lib.save(ilacs)
    assert lib.remove("salford-2023") is True  # a short form names it
    assert lib.remove(SALFORD) is False
    assert SALFORD not in lib
    assert lib.save(ilacs).created  # and it can come back


def test_entries_and_history_in_date_order(lib, ilacs, visit, reports):
    trafford = reports(TRAFFORD_TXT)
    old = variant(
        ilacs,
        "old",
        id="salford-2018",
        inspection=Period(start=dt.date(2018, 1, 8), end=dt.date(2018, 1, 19)),
    )
    for report in (visit, trafford, ilacs, old):
        lib.save(report)
    assert [e.id for e in lib.entries()] == [
        "salford-2018-01-19-ilacs",
        SALFORD,
        VISIT,
        TRAFFORD,
    ]
    assert [e.id for e in lib.entries(authority="trafford")] == [TRAFFORD]
    assert [e.id for e in lib.entries(kind="focused_visit")] == [VISIT]
    assert [e.id for e in lib.entries(authority="Salford City Council")] == [
        "salford-2018-01-19-ilacs",
        SALFORD,
        VISIT,
    ]
    history = lib.history("salford")
    assert [r.id for r in history] == ["salford-2018-01-19-ilacs", SALFORD, VISIT]
    assert [r.id for r in lib.history("80548")] == [r.id for r in history]  # by URN
    areas, rows = history_rows(history, "salford")
    assert areas[0].value == "overall_effectiveness"
    assert rows[1]["grades"]["care_leavers"] == "outstanding"
    assert rows[2]["graded"] is False
    assert {r["predecessor"] for r in rows} == {False}
    assert set(rows[2]["grades"].values()) == {None}
    with pytest.raises(NotInLibrary, match="did you mean salford"):
        lib.history("salfrod")


def test_a_letter_date_orders_a_report_without_inspection_dates(lib, visit):
    undated = variant(visit, "letter only", id="salford-2024", inspection=Period())
    undated = undated.model_copy(update={"letter_date": dt.date(2024, 3, 1)})
    lib.save(visit)
    lib.save(undated)
    assert [r.id for r in lib.history("salford")] == ["salford-2024-03-01-focused-visit", VISIT]


# -- resolve: a file, a saved JSON or a library id --------------------------------------------


def test_resolve(lib, ilacs, tmp_path):
    from conftest import SEEDS

    lib.save(ilacs)
    saved = tmp_path / "saved.json"
    saved.write_text(ilacs.model_dump_json(), encoding="utf-8")
    assert resolve(saved, lib) == ilacs
    assert resolve("salford-2023", lib) == as_stored(ilacs, SALFORD)
    assert resolve(str(SEEDS / VISIT_TXT), lib).id == "salford-2025"


def test_resolve_uses_the_default_library(ilacs):
    with Library() as default:
        default.save(ilacs)
    assert resolve("salford-2023") == as_stored(ilacs, SALFORD)


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"id": "x"}', "not an ilacs schema 1 report: kind: Field required (and 2 more)"),
        ("[1, 2]", "not an ilacs schema 1 report: document: Input should be an object"),
        ("{oops", "not an ilacs schema 1 report: document: Invalid JSON: key must be a string"),
    ],
)
def test_resolve_refuses_json_that_is_not_a_report(lib, tmp_path, content, reason):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(UnsupportedDocument) as err:
        resolve(bad, lib)
    assert err.value.path == str(bad)
    assert err.value.reason.startswith(reason)
    assert "\n" not in str(err.value)


def test_resolve_missing(lib):
    with pytest.raises(UnreadableDocument, match="no such file"):
        resolve("no/such/report.json", lib)
    with pytest.raises(NotInLibrary):
        resolve("no-such-id", lib)


# -- the file: migrations, refusals -----------------------------------------------------------


def test_fresh_library_gets_the_latest_version(lib):
    assert lib.schema_version == SCHEMA_VERSION >= 1
    conn = sqlite3.connect(lib.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"reports_slug", "reports_kind", "reports_sha256"} <= indexes


def test_migrations_run_in_order_and_keep_data(tmp_path, ilacs, monkeypatch):
    path = tmp_path / "library.sqlite3"
    with Library(path) as lib:
        lib.save(ilacs)
    step = "ALTER TABLE reports ADD COLUMN note TEXT; CREATE INDEX reports_note ON reports (note)"
    monkeypatch.setattr(library_module, "MIGRATIONS", [*library_module.MIGRATIONS, step])
    monkeypatch.setattr(library_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Library(path) as lib:
        assert lib.schema_version == SCHEMA_VERSION + 1
        assert lib.get("salford-2023") == as_stored(ilacs, SALFORD)
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(reports)")]
    assert "note" in columns


def test_a_failing_migration_changes_nothing(tmp_path, ilacs, monkeypatch):
    path = tmp_path / "library.sqlite3"
    with Library(path) as lib:
        lib.save(ilacs)
    before = {
        r[0]
        for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    broken = "CREATE TABLE extra (x); CREATE TABLE reports (x)"  # the second fails
    monkeypatch.setattr(library_module, "MIGRATIONS", [*library_module.MIGRATIONS, broken])
    monkeypatch.setattr(library_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(LibraryError, match="already exists"):
        Library(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "reports" in tables and "extra" not in tables
    assert tables == before


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_a_newer_library_is_refused_and_left_alone(tmp_path, ilacs, journal):
    path = tmp_path / "library.sqlite3"
    with Library(path) as lib:
        lib.save(ilacs)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError) as err:
        Library(path)
    assert err.value.exit_code == ExitCode.LIBRARY == 6
    assert err.value.reason == (
        f"made by a newer ilacs (library version {SCHEMA_VERSION + 1}; this ilacs knows up "
        f"to {SCHEMA_VERSION}): upgrade ilacs, or use another file with --library"
    )
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_unusable_locations(tmp_path):
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("my notes, not a database\n" * 200)
    cases = {
        tmp_path: "is a directory, not a library file",
        not_sqlite: "not an ilacs library (not a SQLite database)",
        not_sqlite / "library.sqlite3": f"cannot create the library's folder {not_sqlite}: a "
        "file is in the way",
        not_sqlite / "sub" / "library.sqlite3": f"cannot create the library's folder "
        f"{not_sqlite / 'sub'}: a file is in the way",
        Path("/proc/ilacs-library.sqlite3"): "cannot open or create the library file here",
    }
    for path, reason in cases.items():
        with pytest.raises(LibraryError) as err:
            Library(path)
        assert err.value.path == str(path)
        assert err.value.reason.startswith(reason), err.value.reason
    assert not_sqlite.read_text() == "my notes, not a database\n" * 200


# -- several processes ------------------------------------------------------------------------

WRITER = """
import hashlib, sys, time
from ilacs_cli.library import Library
from ilacs_cli.models import Report

path, base, prefix, count, start_at = sys.argv[1:6]
report = Report.model_validate_json(open(base, encoding="utf-8").read())
with Library(path) as lib:
    while time.time() < float(start_at):
        time.sleep(0.005)
    i = 0
    while i < int(count) or int(count) == 0:
        sha = hashlib.sha256(f"{prefix}-{i}".encode()).hexdigest()
        source = report.source.model_copy(update={"sha256": sha})
        saved = lib.save(report.model_copy(update={"source": source}))
        print(f"{prefix}-{i}", saved.id, flush=True)
        i += 1
"""


def writer(path: Path, base: Path, prefix: str, count: int, start_at: float) -> subprocess.Popen:
    from conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", WRITER, str(path), str(base), prefix, str(count), str(start_at)]
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )


def integrity(path: Path) -> str:
    return sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_writer_processes(tmp_path, ilacs, writers):
    # A fresh file: the writers race to create it too. That race once failed at once with
    # "database is locked" on switching to WAL (SQLite calls no busy handler there).
    path = tmp_path / "shared" / "library.sqlite3"
    base = tmp_path / "base.json"
    base.write_text(ilacs.model_dump_json(), encoding="utf-8")
    start_at = time.time() + 0.8
    procs = [writer(path, base, f"w{n}", 25, start_at) for n in range(writers)]
    done = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * writers, [err for _, err in done]
    # every document has the same authority, date and kind: each id carries its digits
    # (the first saved took the plain id, and was renamed when the second came)
    expected = {f"{SALFORD}-{fake_sha(f'w{n}-{i}')[:8]}" for n in range(writers) for i in range(25)}
    with Library(path) as lib:
        assert {e.id for e in lib.entries()} == expected
        one = f"{SALFORD}-{fake_sha('w0-3')[:8]}"
        assert lib.get(one).id == one
    assert integrity(path) == "ok"


def test_a_writer_killed_mid_save_loses_nothing_it_committed(tmp_path, ilacs):
    path = tmp_path / "library.sqlite3"
    base = tmp_path / "base.json"
    base.write_text(ilacs.model_dump_json(), encoding="utf-8")
    Library(path).close()
    proc = writer(path, base, "k", 0, 0)  # 0: save for ever
    committed = []
    deadline = time.monotonic() + 4
    while len(committed) < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed.append(line.split()[0])
    os.kill(proc.pid, signal.SIGKILL)
    rest, err = proc.communicate(timeout=10)
    committed += [line.split()[0] for line in rest.splitlines() if line.strip()]
    assert proc.returncode == -signal.SIGKILL, err
    assert len(committed) >= 5
    assert integrity(path) == "ok"
    with Library(path) as lib:
        shas = {e.sha256 for e in lib.entries()}
        assert {fake_sha(c) for c in committed} <= shas
        in_flight = {fake_sha(f"k-{i}") for i in range(len(committed) + 1)}
        assert shas <= in_flight  # at most one in flight
        assert lib.find_sha(fake_sha(committed[-1])) is not None
        assert lib.save(variant(ilacs, "after")).created  # and it still takes writes
    assert integrity(path) == "ok"


# -- the id rule, for any order of saves -------------------------------------------------------


@functools.cache
def _base() -> Report:
    from conftest import SEEDS

    from ilacs_cli import extract

    return extract(SEEDS / VISIT_TXT)


KINDS = [Kind.ILACS_INSPECTION, Kind.FOCUSED_VISIT, Kind.MONITORING_VISIT]
DAYS = [dt.date(2020, 5, 1), dt.date(2021, 5, 1)]


def _document(n: int) -> Report:
    """Document ``n``: always the same date, kind and sha256; several share both."""
    return variant(_base(), f"doc-{n}", inspection=Period(end=DAYS[n % 2]), kind=KINDS[n % 3])


def _ids(order: list[int]) -> dict[int, str]:
    with tempfile.TemporaryDirectory() as tmp, Library(Path(tmp) / "lib.sqlite3") as lib:
        for n in order:
            lib.save(_document(n))
        return {n: lib.find_sha(_document(n).source.sha256).id for n in set(order)}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=8), max_size=12), st.randoms())
def test_the_same_documents_get_the_same_ids_in_any_order(saves, rnd):
    shuffled = list(saves)
    rnd.shuffle(shuffled)
    ids = _ids(saves)
    assert ids == _ids(shuffled)
    assert len(set(ids.values())) == len(ids)
    for n, report_id in ids.items():  # the id is the rule's, for the set
        doc = _document(n)
        twins = {m for m in ids if canonical_id(_document(m)) == canonical_id(doc)}
        want = (
            canonical_id(doc)
            if len(twins) == 1
            else next(i for i in library_id_candidates(doc) if i != canonical_id(doc))
        )
        assert report_id == want


def test_adding_the_same_files_in_two_orders_gives_the_same_ids(tmp_path, reports):
    from conftest import SEEDS
    from typer.testing import CliRunner

    from ilacs_cli.cli import app

    files = [str(SEEDS / name) for name in (ILACS_TXT, VISIT_TXT, TRAFFORD_TXT)]
    runner = CliRunner()
    listings = []
    for n, order in enumerate((files, files[::-1])):
        path = tmp_path / f"lib{n}.sqlite3"
        for f in order:  # one add per file: the order of saves is the order given
            result = runner.invoke(app, ["add", f, "--library", str(path)])
            assert result.exit_code == 0, result.stderr
        with Library(path) as lib:
            listings.append({e.sha256: e.id for e in lib.entries()})
    assert listings[0] == listings[1]
    assert sorted(listings[0].values()) == [SALFORD, VISIT, TRAFFORD]


def test_a_full_disk_is_a_clear_error_and_nothing_half_written(lib, ilacs):
    """SQLite's page limit stands in for a full disk: the save fails whole."""
    lib.save(ilacs)
    pages = lib._conn.execute("PRAGMA page_count").fetchone()[0]
    lib._conn.execute(f"PRAGMA max_page_count = {pages}")
    big = variant(ilacs, "big", summary=["x" * 200_000])
    with pytest.raises(LibraryError) as err:
        lib.save(big)
    assert err.value.reason == "the disk is full (nothing was saved; the library is as it was)"
    assert err.value.exit_code == 6
    assert [e.id for e in lib.entries()] == [SALFORD]
    assert lib.find_sha(fake_sha("big")) is None
    assert lib._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- migrating a library made before the register ----------------------------------------------


def _version_1_library(path: Path, reports: list[Report], ids: list[str], slugs: list[str]):
    """A library file as ilacs made it before the register (layout version 1)."""
    conn = sqlite3.connect(path)
    for statement in library_module.MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    for report, old_id, slug in zip(reports, ids, slugs, strict=True):
        la = {"name": report.local_authority.name, "slug": slug}
        data = report.model_dump(mode="json", exclude={"published", "framework"})
        data.update(id=old_id, local_authority=la)
        conn.execute(
            "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                old_id,
                report.source.sha256,
                slug,
                la["name"],
                report.kind.value,
                None,
                data["inspection"]["end"],
                None,
                None,
                "1.3.0",
                report.source.path,
                "2026-01-01T00:00:00+00:00",
                json.dumps(data),
            ),
        )
    conn.commit()
    conn.close()


def test_a_version_1_library_is_migrated_to_register_ids(tmp_path, ilacs, visit):
    path = tmp_path / "old.sqlite3"
    dudley = variant(
        ilacs,
        "dudley",
        local_authority=ilacs.local_authority.model_copy(
            update={"name": "Dudley MBC", "slug": "dudley-mbc"}
        ),
    )
    twin = variant(ilacs, "twin")
    _version_1_library(
        path,
        [ilacs, visit, dudley, twin],
        ["salford-2023", "salford-2025", "dudley-mbc-2023", "salford-2023-ilacs-inspection"],
        ["salford", "salford", "dudley-mbc", "salford"],
    )
    with Library(path) as lib:
        assert lib.schema_version == SCHEMA_VERSION
        entries = {e.sha256: e for e in lib.entries()}
        assert entries[visit.source.sha256].id == VISIT
        assert entries[dudley.source.sha256].id == "dudley-2023-11-10-ilacs"
        assert entries[dudley.source.sha256].slug == "dudley"
        assert entries[dudley.source.sha256].urn == "80464"
        # two documents with the same authority, date and kind: both carry digits
        assert entries[ilacs.source.sha256].id == f"{SALFORD}-{ilacs.source.sha256[:8]}"
        # every old id still names its document
        assert lib.get("salford-2025").id == VISIT
        assert lib.get("dudley-mbc-2023").local_authority.la_code == "332"
        assert lib.get("salford-2023").source.sha256 == ilacs.source.sha256
        assert lib.get("salford-2023-ilacs-inspection").source.sha256 == twin.source.sha256
        assert stored_json_id(lib, VISIT) == VISIT
    # and the same documents extracted afresh (the register resolving "Dudley MBC") get
    # the same ids
    from ilacs_cli.register import report_authority

    la = report_authority("Dudley MBC", dt.date(2023, 11, 10))
    dudley = dudley.model_copy(update={"local_authority": la})
    with Library(tmp_path / "new.sqlite3") as fresh:
        for report in (twin, dudley, visit, ilacs):
            fresh.save(report)
        assert {e.sha256: e.id for e in fresh.entries()} == {s: e.id for s, e in entries.items()}
