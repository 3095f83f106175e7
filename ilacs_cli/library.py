"""A library of extracted reports, kept in one SQLite file (stdlib ``sqlite3``).

>>> from ilacs_cli import extract
>>> from ilacs_cli.library import Library
>>> with Library("/tmp/library.sqlite3") as lib:            # doctest: +SKIP
...     lib.save(extract("samples/salford-2023.pdf"))
SaveResult(id='salford-2023', created=True, updated=False)

Each report is stored whole (its ``model_dump_json()``) beside a few columns to find it by.
A document is known by the sha256 of its bytes: saving it again gives back the entry it
already has. A library id is made from the document alone (see :func:`canonical_id`:
``salford-2023-11-10-ilacs``), so the same documents get the same ids on every machine,
whatever order they were added in; short forms (``salford-2023``) name an entry when only
one matches (:meth:`Library.resolve_id`).

The file is safe for several processes at once (WAL, a busy timeout, one ``BEGIN
IMMEDIATE`` transaction per write) and for a writer killed mid-save (a transaction is
either committed whole or not at all). Its layout is versioned by ``PRAGMA user_version``:
older files are migrated on open; a file from a newer ilacs is refused and never written.

Importable without Typer or rich.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from pydantic import ValidationError

from .errors import LibraryError, NotInLibrary, UnreadableDocument, UnsupportedDocument
from .models import Area, Grade, Kind, Report
from .search import index_report, unindex_report
from .vocabulary import VISIT_KINDS, kind_words

__all__ = [
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Entry",
    "Library",
    "SaveResult",
    "authority_rows",
    "default_library_path",
    "AmbiguousId",
    "canonical_id",
    "history_rows",
    "kind_tag",
    "library_id_candidates",
    "short_forms",
    "resolve",
]

ENV_VAR = "ILACS_LIBRARY"

#: How long a writer waits for another process's write to finish before giving up.
BUSY_TIMEOUT_MS = 30_000

#: The library's layout, one step per version: ``MIGRATIONS[n]`` takes a file from
#: ``user_version`` n to n + 1, in one transaction with the version bump. Append only; never
#: edit a published step. Statements are split on ";", so none may contain one. A step may
#: also be a function of the connection, for what SQL alone cannot do.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    # 0 -> 1: the reports table
    """
    CREATE TABLE reports (
        id             TEXT PRIMARY KEY,
        sha256         TEXT NOT NULL UNIQUE,
        slug           TEXT NOT NULL,
        authority      TEXT NOT NULL,
        kind           TEXT NOT NULL,
        start          TEXT,
        "end"          TEXT,
        letter_date    TEXT,
        overall        TEXT,
        parser_version TEXT NOT NULL,
        source_path    TEXT NOT NULL,
        added_at       TEXT NOT NULL,
        json           TEXT NOT NULL
    );
    CREATE INDEX reports_slug ON reports (slug);
    CREATE INDEX reports_kind ON reports (kind);
    CREATE INDEX reports_sha256 ON reports (sha256);
    """,
    # 1 -> 2: full-text search (ilacs_cli/search.py): one row per finding, improvement
    # area, summary paragraph and focus, indexed by FTS5; existing reports are indexed here
    """
    CREATE TABLE passages (
        id        INTEGER PRIMARY KEY,
        report_id TEXT NOT NULL,
        slug      TEXT NOT NULL,
        authority TEXT NOT NULL,
        kind      TEXT NOT NULL,
        date      TEXT,
        part      TEXT NOT NULL,
        item      INTEGER,
        number    INTEGER,
        area      TEXT,
        section   TEXT,
        pages     TEXT NOT NULL DEFAULT '[]',
        priority  INTEGER NOT NULL DEFAULT 0,
        region    TEXT,
        text      TEXT NOT NULL
    );
    CREATE INDEX passages_report ON passages (report_id);
    CREATE VIRTUAL TABLE passages_fts USING fts5(
        text, content='passages', content_rowid='id', tokenize='porter unicode61',
        prefix='2 3 4'
    );
    INSERT INTO passages (report_id, slug, authority, kind, date, part, item, number, area,
                          section, pages, priority, region, text)
    SELECT r.id, r.slug, r.authority, r.kind, COALESCE(r."end", r.start, r.letter_date),
           'findings', j.key + 1, json_extract(j.value, '$.number'),
           json_extract(j.value, '$.area'), json_extract(j.value, '$.section'),
           COALESCE(json_extract(j.value, '$.pages'), '[]'), 0,
           json_extract(r.json, '$.local_authority.region'),
           replace(replace(json_extract(j.value, '$.text'), char(1), ' '), char(2), ' ')
    FROM reports r, json_each(r.json, '$.findings') j ORDER BY r.id, j.key;
    INSERT INTO passages (report_id, slug, authority, kind, date, part, item, number, area,
                          section, pages, priority, region, text)
    SELECT r.id, r.slug, r.authority, r.kind, COALESCE(r."end", r.start, r.letter_date),
           'improvement_areas', j.key + 1, NULL, json_extract(j.value, '$.area'),
           NULL, '[]', COALESCE(json_extract(j.value, '$.priority'), 0),
           json_extract(r.json, '$.local_authority.region'),
           replace(replace(json_extract(j.value, '$.text'), char(1), ' '), char(2), ' ')
    FROM reports r, json_each(r.json, '$.improvement_areas') j ORDER BY r.id, j.key;
    INSERT INTO passages (report_id, slug, authority, kind, date, part, item, number, area,
                          section, pages, priority, region, text)
    SELECT r.id, r.slug, r.authority, r.kind, COALESCE(r."end", r.start, r.letter_date),
           'summary', j.key + 1, NULL, NULL, NULL, '[]', 0,
           json_extract(r.json, '$.local_authority.region'),
           replace(replace(j.value, char(1), ' '), char(2), ' ')
    FROM reports r, json_each(r.json, '$.summary') j ORDER BY r.id, j.key;
    INSERT INTO passages (report_id, slug, authority, kind, date, part, item, number, area,
                          section, pages, priority, region, text)
    SELECT r.id, r.slug, r.authority, r.kind, COALESCE(r."end", r.start, r.letter_date),
           'focus', NULL, NULL, NULL, NULL, '[]', 0,
           json_extract(r.json, '$.local_authority.region'),
           replace(replace(json_extract(r.json, '$.focus'), char(1), ' '), char(2), ' ')
    FROM reports r WHERE json_extract(r.json, '$.focus') IS NOT NULL ORDER BY r.id;
    INSERT INTO passages_fts (passages_fts) VALUES ('rebuild')
    """,
    # 2 -> 3: what `ilacs fetch` saw on Ofsted's site, one row per file URL (the site's
    # facts: URN, link text, publication date), and what became of the file
    """
    CREATE TABLE fetched_files (
        url            TEXT PRIMARY KEY,
        urn            TEXT NOT NULL,
        authority      TEXT NOT NULL,
        link_text      TEXT NOT NULL,
        published      TEXT,
        sha256         TEXT,
        status         TEXT NOT NULL,
        report_id      TEXT,
        path           TEXT,
        etag           TEXT,
        last_modified  TEXT,
        reason         TEXT,
        parser_version TEXT,
        fetched_at     TEXT NOT NULL
    );
    CREATE INDEX fetched_files_urn ON fetched_files (urn);
    CREATE INDEX fetched_files_sha256 ON fetched_files (sha256);
    """,
    # 3 -> 4: the authority register (issue 14): urn column, ids from the document alone,
    # old ids kept as aliases
    lambda conn: _migrate_register(conn),
]

#: The ``user_version`` this code writes and understands.
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = (
    'id, sha256, slug, authority, kind, start, "end", letter_date, overall, '
    "parser_version, source_path, added_at, urn"
)
_DATE = 'COALESCE("end", start, letter_date)'


def default_library_path() -> Path:
    """``$ILACS_LIBRARY`` if set, else ``library.sqlite3`` in the user's data folder."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("ilacs")) / "library.sqlite3"


@dataclass(frozen=True)
class SaveResult:
    """Where :meth:`Library.save` put a report. ``created`` is False when the document
    (same sha256) was already there; ``updated`` when its stored JSON came from another
    parser version and was replaced in place."""

    id: str
    created: bool
    updated: bool = False


@dataclass(frozen=True)
class Entry:
    """One stored report, without its body (``Library.get(entry.id)`` loads that)."""

    id: str
    sha256: str
    slug: str
    authority: str
    kind: Kind
    start: dt.date | None
    end: dt.date | None
    letter_date: dt.date | None
    overall: Grade | None
    parser_version: str
    source_path: str
    added_at: str
    urn: str | None = None

    @property
    def date(self) -> dt.date | None:
        """The inspection's last day, else its first, else the letter's date."""
        return self.end or self.start or self.letter_date

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.date):
                data[key] = value.isoformat()
            elif isinstance(value, Kind | Grade):
                data[key] = value.value
        return data

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> Entry:
        def day(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return cls(
            id=row["id"],
            sha256=row["sha256"],
            slug=row["slug"],
            authority=row["authority"],
            kind=Kind(row["kind"]),
            start=day(row["start"]),
            end=day(row["end"]),
            letter_date=day(row["letter_date"]),
            overall=Grade(row["overall"]) if row["overall"] else None,
            parser_version=row["parser_version"],
            source_path=row["source_path"],
            added_at=row["added_at"],
            urn=row["urn"],
        )


def report_date(report: Report) -> dt.date | None:
    """The date a report sorts by: inspection end, else start, else the letter's date."""
    return report.inspection.end or report.inspection.start or report.letter_date


def kind_tag(kind: Kind) -> str:
    """The kind as ids spell it: ``ilacs``, ``focused-visit``, ``sif``, ``lac`` ..."""
    return kind.value.removesuffix("_inspection").replace("_", "-")


def canonical_id(report: Report) -> str:
    """The library id a document takes, from the document alone (the report's own id
    as the pipeline makes it, :func:`~ilacs_cli.register.document_id`): the register
    slug, the date it sorts by and its kind (``salford-2023-11-10-ilacs``)."""
    from .register import document_id

    return document_id(
        report.local_authority.slug, report_date(report), report.kind, report.source.sha256
    )


def library_id_candidates(report: Report) -> Iterator[str]:
    """The ids a new document may take, in order: its :func:`canonical_id`, then (when a
    different document has the same authority, date and kind) that id with the first 8,
    12, ... hex digits of its sha256. Both documents then carry their digits (the first
    is renamed when the second arrives), so the ids do not depend on the order."""
    base = canonical_id(report)
    yield base
    for n in range(8, 65, 4):
        yield f"{base}-{report.source.sha256[:n]}"


def short_forms(entry: Entry) -> set[str]:
    """The references that name ``entry`` besides its id: ``salford-2023``,
    ``salford-2023-ilacs``, ``salford-2023-ilacs-inspection`` (the old ``<id>-<kind>``),
    ``salford-2023-11``, ``salford-2023-11-10``, ``salford-2023-11-10-ilacs``."""
    forms = {entry.id}
    day = entry.date
    if day is None:
        return forms
    tag, kind = kind_tag(entry.kind), entry.kind.value.replace("_", "-")
    for prefix in (f"{entry.slug}-{day.year}", f"{entry.slug}-{day.isoformat()}"):
        forms |= {prefix, f"{prefix}-{tag}", f"{prefix}-{kind}"}
    forms.add(f"{entry.slug}-{day.isoformat()[:7]}")
    return forms


def _describe(entry: Entry) -> str:
    day = entry.date.isoformat() if entry.date else "no date"
    return f"{entry.id} ({kind_words(entry.kind)}, {day})"


class AmbiguousId(NotInLibrary):
    """A short form that names several entries: the message lists each with its id."""


_T = TypeVar("_T")


def _while_busy(fn: Callable[[], _T]) -> _T:
    """Run ``fn``, retrying while the database is locked, up to the busy timeout.

    Switching a new file to WAL can fail at once with "database is locked" while another
    process is creating the same library: SQLite does not call the busy handler there.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


def _os_reason(exc: OSError) -> str:
    import errno

    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full (nothing was saved; the library is as it was)"
    return "cannot open or create the library file here (is its folder writable?)"


def _sqlite_reason(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "unable to open database file" in text:
        return "cannot open or create the library file here (is its folder writable?)"
    if "readonly" in text or "read-only" in text:
        return "the library file or its folder is read-only"
    if "file is not a database" in text:
        return "not an ilacs library (not a SQLite database)"
    if "malformed" in text:
        return (
            f"the library file is damaged ({text}); restore it from a backup, or use another "
            "file with --library"
        )
    if "disk is full" in text or "database or disk is full" in text:
        return "the disk is full (nothing was saved; the library is as it was)"
    if "locked" in text or "busy" in text:
        return f"the library is busy (another ilacs kept it locked for {BUSY_TIMEOUT_MS // 1000} s)"
    return f"library error: {text}"


_DAMAGED = "; it was not written: restore it from a backup, or use another file with --library"
_FULL_DISK_BYTES = 1 << 20  # less free space than this beside the library: the disk is full


def _disk_full(folder: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(folder).free < _FULL_DISK_BYTES
    except OSError:
        return False


class Library:
    """The reports saved in one SQLite file. Use as a context manager::

        with Library(default_library_path()) as lib:
            for entry in lib.entries(authority="salford"):
                print(entry.id, entry.date)

    Raises :class:`~ilacs_cli.errors.LibraryError` (exit 6) when the file cannot be used.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_library_path()
        self._conn = self._open()

    # -- opening and migrating ------------------------------------------------------------

    def _fail(self, reason: str) -> LibraryError:
        return LibraryError(reason, str(self.path))

    def _open(self) -> sqlite3.Connection:
        self._checked = False  # PRAGMA quick_check passed on this connection
        self._read_only: str | None = None  # why this connection cannot write
        if self.path.is_dir():
            raise self._fail("is a directory, not a library file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = exc.strerror or str(exc)
            if isinstance(exc, FileExistsError | NotADirectoryError):
                why = "a file is in the way"
            raise self._fail(
                f"cannot create the library's folder {self.path.parent}: {why}"
            ) from None
        try:
            existed = self.path.stat().st_size > 0 or self._refuse_empty()
        except FileNotFoundError:
            existed = self._create()
        sidecars = [p for p in self._sidecars() if not p.exists()]
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._fail(_sqlite_reason(exc)) from None
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            # Read the version before anything can write: a newer file stays untouched.
            version = self._check_version(conn)
            wal = conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
            if existed and (not wal or version < SCHEMA_VERSION):
                self._quick_check(conn)  # about to write: never into a damaged file
            if not wal:
                _while_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            self._migrate(conn)
        except LibraryError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            if existed and "disk I/O error" in str(exc) and _disk_full(self.path.parent):
                # no room for the -wal/-shm files: read the library as it is, write nothing
                for path in sidecars:
                    if path.exists() and path.stat().st_size == 0:
                        path.unlink(missing_ok=True)
                return self._open_read_only()
            raise self._fail(_sqlite_reason(exc)) from None
        return conn

    def _sidecars(self) -> list[Path]:
        return [Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]

    def _refuse_empty(self) -> bool:
        raise self._fail(
            "an empty file (0 bytes), not an ilacs library: remove it and ilacs creates a new "
            "library there, or use another file with --library"
        )

    def _create(self) -> bool:
        """Make a new library at ``path`` atomically: built beside it, then linked into
        place, so that no process ever opens a half-made (0-byte) library. Another process
        that links first wins; its file is used. False: the file is new."""
        import secrets

        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                self._migrate(conn)
            finally:
                conn.close()
            try:
                os.link(tmp, self.path)
            except FileExistsError:
                pass  # another process made it first: use theirs
            except OSError:
                # no hard links here (some network or FUSE file systems): plain open
                if not self.path.exists():
                    os.replace(tmp, self.path)
        except sqlite3.Error as exc:
            raise self._fail(_sqlite_reason(exc)) from None
        except OSError as exc:
            raise self._fail(_os_reason(exc)) from None
        finally:
            for path in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
                path.unlink(missing_ok=True)
        return False

    def _open_read_only(self) -> sqlite3.Connection:
        """The library as it stands on disk, for reading only (``immutable``: no -wal or
        -shm file is needed); every write says why it cannot be done."""
        from urllib.parse import quote

        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro&immutable=1"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            conn.row_factory = sqlite3.Row
            self._check_version(conn)
        except sqlite3.Error as exc:
            raise self._fail(_sqlite_reason(exc)) from None
        self._read_only = (
            "the disk is full: the library can be read but not written (it is as it was; "
            "free some space)"
        )
        return conn

    def _quick_check(self, conn: sqlite3.Connection) -> None:
        """Refuse to write into a damaged file (``PRAGMA quick_check``: the b-trees and
        their pages, without cross-checking indexes; linear in the file's size)."""
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
        except sqlite3.DatabaseError as exc:
            rows = [str(exc)]
        if rows != ["ok"]:
            # SQLite's report is several lines: the first that names a problem says enough
            lines = [ln for r in rows for ln in r.splitlines() if ln and "***" not in ln]
            detail = (lines or ["not ok"])[0] + (", ..." if len(lines) > 1 else "")
            raise self._fail(f"the library file is damaged (quick_check: {detail}){_DAMAGED}")
        self._checked = True

    def _check_version(self, conn: sqlite3.Connection) -> int:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise self._fail(
                f"made by a newer ilacs (library version {version}; this ilacs knows up "
                f"to {SCHEMA_VERSION}): upgrade ilacs, or use another file with --library"
            )
        return version

    def _migrate(self, conn: sqlite3.Connection) -> None:
        if self._check_version(conn) == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = self._check_version(conn)
            for step in range(version, SCHEMA_VERSION):
                migration = MIGRATIONS[step]
                if callable(migration):
                    migration(conn)
                    conn.execute(f"PRAGMA user_version = {step + 1}")
                    continue
                for statement in migration.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {step + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- helpers ---------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with the write lock up front (``BEGIN IMMEDIATE``)."""
        if self._read_only is not None:
            raise self._fail(self._read_only)
        if not self._checked:
            self._quick_check(self._conn)  # the first write: never into a damaged file
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._fail(_sqlite_reason(exc)) from None
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException as exc:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._fail(_sqlite_reason(exc)) from None
            raise

    def _read(self, fn: Callable[[sqlite3.Connection], _T]) -> _T:
        try:
            return fn(self._conn)
        except sqlite3.Error as exc:
            raise self._fail(_sqlite_reason(exc)) from None

    def ids(self) -> list[str]:
        return self._read(lambda c: [r[0] for r in c.execute("SELECT id FROM reports ORDER BY id")])

    def resolve_id(self, ref: str) -> str:
        """The id ``ref`` names: an id, an old id kept when the library was migrated, or a
        short form (``salford-2023``) that only one entry matches. The authority part may
        be any name the register knows (``hull-2023``). :class:`AmbiguousId` lists the
        candidates when several match; :class:`NotInLibrary` when none does."""
        ref = ref.strip()

        def lookup(c: sqlite3.Connection) -> str | None:
            row = c.execute("SELECT id FROM reports WHERE id = ?", (ref,)).fetchone()
            if row is None:
                row = c.execute("SELECT id FROM aliases WHERE alias = ?", (ref,)).fetchone()
            return row[0] if row is not None else None

        found = self._read(lookup)
        if found is not None:
            return found
        wanted = {ref}
        if m := re.match(r"^(.+?)-(\d{4}(?:-.*)?)$", ref):
            from .register import register

            authority = register().find(m.group(1).replace("-", " "))
            if authority is not None:
                wanted.add(f"{authority.slug}-{m.group(2)}")
        matches = [e for e in self.entries() if short_forms(e) & wanted]
        if len(matches) == 1:
            return matches[0].id
        if matches:
            listed = "; ".join(_describe(e) for e in matches)
            raise AmbiguousId(
                f"names {len(matches)} documents: {listed}; use the id of the one you mean",
                ref,
            )
        raise self.missing(ref)

    def missing(self, ref: str) -> NotInLibrary:
        """The error for an id that is not here, suggesting close ids."""
        entries = self.entries()
        ids = [e.id for e in entries]
        if not any(i.startswith(f"{ref}-") for i in ids):
            # close to a short form (salford-2032 ~ salford-2023): suggest its ids
            years = {f"{e.slug}-{e.date.year}": e.id for e in entries if e.date}
            close = difflib.get_close_matches(ref, list(years), n=3, cutoff=0.75)
            if close:
                hint = _did_you_mean(ref, [years[c] for c in close], exact=True)
                return NotInLibrary("no report with this id in the library" + hint, ref)
        return NotInLibrary("no report with this id in the library" + _did_you_mean(ref, ids), ref)

    # -- the API ----------------------------------------------------------------------------

    def save(self, report: Report) -> SaveResult:
        """Store ``report``; give back its library id and whether it was new.

        The same document (sha256) keeps the entry it has; if that entry came from another
        parser version its JSON is replaced, under the same id.
        """
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, parser_version FROM reports WHERE sha256 = ?",
                (report.source.sha256,),
            ).fetchone()
            if row is not None:
                if row["parser_version"] == report.source.parser_version:
                    return SaveResult(row["id"], created=False)
                stored = report.model_copy(update={"id": row["id"]})
                values = self._values(stored)
                conn.execute(
                    "UPDATE reports SET slug = ?, authority = ?, kind = ?, start = ?, "
                    '"end" = ?, letter_date = ?, overall = ?, parser_version = ?, '
                    "source_path = ?, urn = ?, json = ? WHERE id = ?",
                    (*values[2:11], values[12], values[13], row["id"]),
                )
                index_report(conn, row["id"], stored)
                return SaveResult(row["id"], created=False, updated=True)
            base = canonical_id(report)
            clash = conn.execute("SELECT id, sha256 FROM reports WHERE id = ?", (base,)).fetchone()
            if clash is not None:
                # the same authority, date and kind: both carry their sha256 digits
                moved = next(
                    f"{base}-{clash['sha256'][:n]}"
                    for n in range(8, 65, 4)
                    if not conn.execute(
                        "SELECT 1 FROM reports WHERE id = ?", (f"{base}-{clash['sha256'][:n]}",)
                    ).fetchone()
                )
                _rename(conn, base, moved)
            digits = re.compile(re.escape(base) + r"-[0-9a-f]{8,64}")
            taken = {
                r[0]
                for r in conn.execute(
                    "SELECT id FROM reports WHERE id LIKE ? ESCAPE '\\'",
                    (_like_prefix(base) + "-%",),
                )
            }
            candidates = library_id_candidates(report)
            if clash is not None or any(digits.fullmatch(t) for t in taken):
                next(candidates)  # the plain id names several documents: none takes it
            new_id = next(i for i in candidates if i not in taken)
            stored = report.model_copy(update={"id": new_id})
            conn.execute(
                f"INSERT INTO reports ({_COLUMNS}, json) VALUES ({', '.join('?' * 14)})",
                self._values(stored),
            )
            index_report(conn, new_id, stored)
            return SaveResult(new_id, created=True)

    @staticmethod
    def _values(report: Report) -> tuple[Any, ...]:
        def day(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        return (
            report.id,
            report.source.sha256,
            report.local_authority.slug,
            report.local_authority.name,
            report.kind.value,
            day(report.inspection.start),
            day(report.inspection.end),
            day(report.letter_date),
            report.overall_effectiveness.value if report.overall_effectiveness else None,
            report.source.parser_version,
            report.source.path,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            report.local_authority.urn,
            report.model_dump_json(),
        )

    def get(self, report_id: str) -> Report:
        """The stored report ``report_id`` names (an id or a short form, see
        :meth:`resolve_id`); :class:`~ilacs_cli.errors.NotInLibrary` if there is none."""
        report_id = self.resolve_id(report_id)
        row = self._read(
            lambda c: c.execute("SELECT json FROM reports WHERE id = ?", (report_id,)).fetchone()
        )
        if row is None:
            raise self.missing(report_id)
        try:
            return Report.model_validate_json(row["json"])
        except ValidationError as exc:
            raise self._fail(f"entry {report_id} is damaged: {_first_error(exc)}") from None

    def cached(self, sha256: str, parser_version: str) -> Report | None:
        """The stored report of this document if this parser version made it (a parse
        cache: ``ilacs extract`` does not parse such a file again unless ``--force``)."""
        row = self._read(
            lambda c: c.execute(
                "SELECT json FROM reports WHERE sha256 = ? AND parser_version = ?",
                (sha256, parser_version),
            ).fetchone()
        )
        if row is None:
            return None
        try:
            return Report.model_validate_json(row["json"])
        except ValidationError:
            return None  # an entry this version cannot read: parse the file again

    def find_sha(self, sha256: str) -> Entry | None:
        """The entry for the document with this sha256, if it has been saved."""
        row = self._read(
            lambda c: c.execute(
                f"SELECT {_COLUMNS} FROM reports WHERE sha256 = ?", (sha256,)
            ).fetchone()
        )
        return Entry._from_row(row) if row is not None else None

    def entries(self, authority: str | None = None, kind: Kind | str | None = None) -> list[Entry]:
        """The entries, by authority then date; ``authority`` is a slug, a name (any the
        register knows: "Hull") or a code."""
        where, params = [], []
        if authority:
            from .register import register

            found = register().find(authority)
            where.append("(slug = ? OR slug = ? OR slug = ? OR lower(authority) = lower(?))")
            params += [authority, _slug(authority), found.slug if found else "", authority]
        if kind:
            where.append("kind = ?")
            params.append(Kind(kind).value)
        sql = f"SELECT {_COLUMNS} FROM reports"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY slug, {_DATE}, id"
        return self._read(lambda c: [Entry._from_row(r) for r in c.execute(sql, params)])

    def history(self, authority: str) -> list[Report]:
        """Every stored report on ``authority`` (slug, name or code) and on its
        predecessors in the register (Northamptonshire's for North Northamptonshire),
        oldest first."""
        slugs = self.history_slugs(authority)
        found = [e for s in slugs for e in self.entries(authority=s)]
        if not found:
            known = self._read(
                lambda c: [r[0] for r in c.execute("SELECT DISTINCT slug FROM reports")]
            )
            raise NotInLibrary(
                "no reports on this authority in the library"
                + _did_you_mean(_slug(authority), known),
                authority,
            )
        unique = {e.id: e for e in found}.values()
        ordered = sorted(unique, key=lambda e: ((e.date or dt.date.min).isoformat(), e.id))
        return [self.get(e.id) for e in ordered]

    @staticmethod
    def history_slugs(authority: str) -> list[str]:
        """The slugs ``history`` gathers: the authority's, then its predecessors'."""
        from .register import register

        found = register().find(authority)
        if found is None:
            return [authority]
        return [found.slug, *(a.slug for a in register().lineage(found.slug))]

    def reports(self) -> list[Report]:
        """Every stored report, by authority then date (what ``ilacs export`` reads)."""
        rows = self._read(
            lambda c: c.execute(
                f"SELECT id, json FROM reports ORDER BY slug, {_DATE}, id"
            ).fetchall()
        )
        out = []
        for row in rows:
            try:
                out.append(Report.model_validate_json(row["json"]))
            except ValidationError as exc:
                raise self._fail(f"entry {row['id']} is damaged: {_first_error(exc)}") from None
        return out

    def latest_graded(self) -> dict[str, Report]:
        """For each authority slug, the latest stored report that has judgements."""
        by_slug: dict[str, list[Entry]] = {}
        for e in self.entries():
            if e.kind not in VISIT_KINDS:
                by_slug.setdefault(e.slug, []).append(e)
        latest: dict[str, Report] = {}
        for slug, entries in by_slug.items():
            for e in reversed(entries):
                report = self.get(e.id)
                if report.judgements:
                    latest[slug] = report
                    break
        return latest

    def remove(self, report_id: str) -> bool:
        """Delete an entry (by id or short form); False if there was none.
        :class:`AmbiguousId` when a short form names several. A damaged file is refused
        (exit 6) before anything is looked up in it."""
        if not self._checked:
            self._quick_check(self._conn)
        try:
            report_id = self.resolve_id(report_id)
        except AmbiguousId:
            raise
        except NotInLibrary:
            return False
        with self._write() as conn:
            unindex_report(conn, report_id)
            conn.execute("DELETE FROM aliases WHERE id = ?", (report_id,))
            return conn.execute("DELETE FROM reports WHERE id = ?", (report_id,)).rowcount > 0

    def __len__(self) -> int:
        return int(self._read(lambda c: c.execute("SELECT count(*) FROM reports").fetchone()[0]))

    def __contains__(self, report_id: object) -> bool:
        return bool(
            self._read(
                lambda c: c.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone()
            )
        )

    # -- files fetched from Ofsted's site (ilacs fetch) -------------------------------------

    def fetched(self, url: str) -> FetchedFile | None:
        """What ``ilacs fetch`` recorded for this file URL, if anything."""
        row = self._read(
            lambda c: c.execute(
                f"SELECT {_fetched_columns()} FROM fetched_files WHERE url = ?", (url,)
            ).fetchone()
        )
        return FetchedFile._from_row(row) if row is not None else None

    def fetched_files(
        self, urn: str | None = None, status: FetchStatus | str | None = None
    ) -> list[FetchedFile]:
        """Every recorded file (optionally one authority's, or in one status), by URN then
        publication date."""
        where, params = [], []
        if urn:
            where.append("urn = ?")
            params.append(urn)
        if status:
            where.append("status = ?")
            params.append(FetchStatus(status).value)
        sql = f"SELECT {_fetched_columns()} FROM fetched_files"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY urn, published, url"
        return self._read(lambda c: [FetchedFile._from_row(r) for r in c.execute(sql, params)])

    def record_fetched(self, item: FetchedFile) -> None:
        """Insert or replace the record of one file URL (one transaction)."""
        values = item.to_json()
        columns = ", ".join(values)
        with self._write() as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO fetched_files ({columns}) "
                f"VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )

    def site_facts(self, report_id: str) -> FetchedFile | None:
        """The site's facts (URN, file URL, link text, publication date) for a stored
        report, found through its sha256; None for a report that was not fetched.
        ``report_id`` may be a short form, as for :meth:`get`."""
        try:
            report_id = self.resolve_id(report_id)
        except NotInLibrary:
            return None
        row = self._read(
            lambda c: c.execute(
                f"SELECT {_fetched_columns('f.')} FROM fetched_files f "
                "JOIN reports r ON r.sha256 = f.sha256 "
                "WHERE r.id = ? ORDER BY f.published DESC, f.url LIMIT 1",
                (report_id,),
            ).fetchone()
        )
        return FetchedFile._from_row(row) if row is not None else None

    def site_facts_by_id(self) -> dict[str, FetchedFile]:
        """:meth:`site_facts` for every fetched report at once, by report id (one query:
        for exports)."""
        rows = self._read(
            lambda c: c.execute(
                f"SELECT r.id AS report_key, {_fetched_columns('f.')} FROM fetched_files f "
                "JOIN reports r ON r.sha256 = f.sha256 ORDER BY f.published, f.url"
            ).fetchall()
        )
        out: dict[str, FetchedFile] = {}
        for row in rows:
            data = {k: row[k] for k in row.keys() if k != "report_key"}
            out[row["report_key"]] = FetchedFile._from_mapping(data)  # the latest wins
        return out

    def replace(self, report_id: str, report: Report) -> SaveResult:
        """Put ``report`` (a new version of a document: other bytes) in the place of entry
        ``report_id``, which keeps its id. If those bytes are already stored under another
        id, that entry is left as it is and given back instead."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT id FROM reports WHERE sha256 = ?", (report.source.sha256,)
            ).fetchone()
            if row is not None:
                return SaveResult(row["id"], created=False)
            if conn.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is None:
                raise self.missing(report_id)
            stored = report.model_copy(update={"id": report_id})
            values = self._values(stored)
            conn.execute(
                "UPDATE reports SET sha256 = ?, slug = ?, authority = ?, kind = ?, start = ?, "
                '"end" = ?, letter_date = ?, overall = ?, parser_version = ?, '
                "source_path = ?, urn = ?, json = ? WHERE id = ?",
                (*values[1:11], values[12], values[13], report_id),
            )
            index_report(conn, report_id, stored)
            return SaveResult(report_id, created=False, updated=True)


def _fetched_columns(prefix: str = "") -> str:
    """The columns :class:`FetchedFile` reads (a later step may add others)."""
    from dataclasses import fields

    return ", ".join(prefix + f.name for f in fields(FetchedFile))


class FetchStatus(str, Enum):
    """What became of a file ``ilacs fetch`` found on the site."""

    downloaded = "downloaded"  # on disk, checked to be a PDF, not yet in the library
    added = "added"  # extracted and in the library (``report_id``)
    not_pdf = "not_pdf"  # the site served something else (an HTML "Report not found")
    refused = "refused"  # a PDF that this parser version does not extract (exit 3 or 4)
    failed = "failed"  # the download or the extraction failed: tried again next run


@dataclass(frozen=True)
class FetchedFile:
    """One file URL as ``ilacs fetch`` saw it on the site, and what became of it."""

    url: str
    urn: str
    authority: str
    link_text: str
    published: dt.date | None
    status: FetchStatus
    sha256: str | None = None
    report_id: str | None = None
    path: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    reason: str | None = None
    parser_version: str | None = None
    fetched_at: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        data["status"] = self.status.value
        data["fetched_at"] = self.fetched_at or dt.datetime.now(dt.UTC).isoformat(
            timespec="seconds"
        )
        return data

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> FetchedFile:
        return cls._from_mapping({key: row[key] for key in row.keys()})

    @classmethod
    def _from_mapping(cls, data: dict[str, Any]) -> FetchedFile:
        data = dict(data)
        data["published"] = dt.date.fromisoformat(data["published"]) if data["published"] else None
        data["status"] = FetchStatus(data["status"])
        return cls(**data)


def _set_json_id(text: str, new_id: str) -> str:
    data = json.loads(text)
    data["id"] = new_id
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _rename(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Give entry ``old`` the id ``new`` (its stored JSON too); aliases follow it."""
    row = conn.execute("SELECT json FROM reports WHERE id = ?", (old,)).fetchone()
    conn.execute(
        "UPDATE reports SET id = ?, json = ? WHERE id = ?",
        (new, _set_json_id(row["json"], new), old),
    )
    conn.execute("UPDATE aliases SET id = ? WHERE id = ?", (new, old))
    _follow_rename(conn, old, new)


def _follow_rename(conn: sqlite3.Connection, old: str, new: str) -> None:
    """The tables that name an entry by id (the search index, fetch's records) follow it
    to its new id."""
    conn.execute("UPDATE passages SET report_id = ? WHERE report_id = ?", (new, old))
    conn.execute("UPDATE fetched_files SET report_id = ? WHERE report_id = ?", (new, old))


def _migrate_register(conn: sqlite3.Connection) -> None:
    """Library version 3 -> 4: every entry's authority is resolved through the register
    (slug, URN and codes in its JSON), its id becomes :func:`canonical_id` and its old id
    is kept as an alias, so ``ilacs show <old id>`` still works."""
    from .register import report_authority

    conn.execute("ALTER TABLE reports ADD COLUMN urn TEXT")
    conn.execute("CREATE TABLE aliases (alias TEXT PRIMARY KEY, id TEXT NOT NULL)")
    conn.execute("CREATE INDEX aliases_id ON aliases (id)")
    rows = conn.execute("SELECT id, sha256, json FROM reports ORDER BY id").fetchall()
    reports: dict[str, Report] = {}
    for row in rows:
        try:
            report = Report.model_validate_json(row["json"])
        except ValidationError:
            continue  # a damaged entry keeps its id; `ilacs show` reports the damage
        la = report.local_authority
        found = report_authority(la.name, report_date(report))
        if found.urn is not None or found.slug != la.slug:
            la = found.model_copy(update={"name": la.name})
        reports[row["id"]] = report.model_copy(update={"local_authority": la})
    bases: dict[str, list[str]] = {}
    for old, report in reports.items():
        bases.setdefault(canonical_id(report), []).append(old)
    # a damaged entry keeps its id: no other entry may take it
    kept = {row["id"] for row in rows if row["id"] not in reports}
    final: dict[str, str] = {}
    for base, olds in bases.items():
        for old in olds:
            sha = reports[old].source.sha256
            alone = len(olds) == 1 and base not in kept
            final[old] = base if alone else f"{base}-{sha[:8]}"
    taken = set(final.values()) | kept
    for old in final:  # two passes: a new id may be another entry's old one
        conn.execute("UPDATE reports SET id = ? WHERE id = ?", (f"__migrating__{old}", old))
        unindex_report(conn, old)  # indexed again below, under its new id, slug and region
        conn.execute(
            "UPDATE fetched_files SET report_id = ? WHERE report_id = ?",
            (f"__migrating__{old}", old),
        )
    for old, new in final.items():
        report = reports[old].model_copy(update={"id": new})
        conn.execute(
            "UPDATE reports SET id = ?, slug = ?, urn = ?, json = ? WHERE id = ?",
            (
                new,
                report.local_authority.slug,
                report.local_authority.urn,
                report.model_dump_json(),
                f"__migrating__{old}",
            ),
        )
        conn.execute(
            "UPDATE fetched_files SET report_id = ? WHERE report_id = ?",
            (new, f"__migrating__{old}"),
        )
        index_report(conn, new, report)
        if new != old and old not in taken:
            # an old id that is now another entry's id names that entry, not an alias
            conn.execute("INSERT OR REPLACE INTO aliases (alias, id) VALUES (?, ?)", (old, new))


def _did_you_mean(ref: str, known: list[str], exact: bool = False) -> str:
    close = known[:3] if exact else [k for k in sorted(known) if k.startswith(f"{ref}-")][:3]
    close = close or difflib.get_close_matches(ref, known, n=3, cutoff=0.75)
    names = f"{', '.join(close[:-1])} or {close[-1]}" if len(close) > 1 else "".join(close)
    hint = f"; did you mean {names}?" if close else ""
    return f"{hint} (`ilacs list` shows what it holds)"


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _slug(text: str) -> str:
    from .rules.common import slugify

    return slugify(text)


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "document"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


#: The largest saved JSON report ``resolve`` (``ilacs diff``) reads: 2 MiB, 14 times the
#: largest report of the corpus (a 2015 SIF report, 140 KB); diffing 2 MB of text takes ~20 s.
MAX_JSON_BYTES = 2 << 20


def resolve(ref: str | Path, library: Library | None = None) -> Report:
    """A report from a reference: a saved ``.json`` report, a document to extract (PDF or
    text), or a library id. This is how ``ilacs diff A B`` reads its arguments."""
    path = Path(ref)
    if path.is_file():
        if path.suffix.lower() == ".json":
            from .reading import read_input

            # bounded before parsing: diffing a 20 MB text field took 84 s
            raw = read_input(path, limit=MAX_JSON_BYTES)
            try:
                return Report.model_validate_json(raw)
            except ValidationError as exc:
                raise UnsupportedDocument(
                    f"not an ilacs schema 1 report: {_first_error(exc)}", str(ref)
                ) from None
        from .extract import extract

        return extract(path)
    if library is None:
        with Library() as lib:
            return resolve(ref, lib)
    try:
        return library.get(str(ref))
    except NotInLibrary as exc:
        if path.suffix.lower() in (".json", ".pdf", ".txt") or os.sep in str(ref):
            raise UnreadableDocument("no such file (nor a library id)", str(ref)) from None
        raise exc from None


#: The grade columns of ``ilacs authorities`` (csv), in order.
AUTHORITY_GRADES = [
    Area.OVERALL_EFFECTIVENESS,
    Area.IMPACT_OF_LEADERS,
    Area.HELP_AND_PROTECTION,
    Area.CHILDREN_IN_CARE,
    Area.CARE_LEAVERS,
    Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
]


def authority_rows(
    library: Library | None = None, region: str | None = None
) -> list[dict[str, Any]]:
    """The register, one row per authority (``region``: a name or code, e.g. 'North
    West' or 'NW'), each with the latest graded report the library holds on it (its id,
    kind, date and grades) or None."""
    from .register import register

    latest = library.latest_graded() if library is not None else {}
    wanted = re.sub(r"[^a-z]", "", region.lower()) if region else None
    rows = []
    for a in register():
        if wanted and wanted not in {
            re.sub(r"[^a-z]", "", (a.region or "").lower()),
            (a.region_code or "").lower(),
        }:
            continue
        row = a.to_json()
        report = latest.get(a.slug)
        row["latest"] = None
        if report is not None:
            day = report_date(report)
            row["latest"] = {
                "id": report.id,
                "kind": report.kind.value,
                "date": day.isoformat() if day else None,
                "grades": {
                    j.area.value: j.grade.value if j.grade else None for j in report.judgements
                },
            }
        rows.append(row)
    return rows


def history_rows(
    reports: list[Report], authority: str | None = None
) -> tuple[list[Area], list[dict[str, Any]]]:
    """An authority's trajectory: the judgement areas any of ``reports`` grades (overall
    effectiveness first), and one row per report with its grade in each (None where the
    report has no such judgement, e.g. a focused visit). With ``authority`` (the slug the
    history is of), a report on another authority (a predecessor) has ``predecessor``
    true."""
    present = {j.area for r in reports for j in r.judgements}
    order = [Area.OVERALL_EFFECTIVENESS] + [a for a in Area if a is not Area.OVERALL_EFFECTIVENESS]
    areas = [a for a in order if a in present]
    rows = []
    for r in reports:
        grades = {j.area: j.grade for j in r.judgements}
        rows.append(
            {
                "id": r.id,
                "kind": r.kind.value,
                "start": r.inspection.start.isoformat() if r.inspection.start else None,
                "end": r.inspection.end.isoformat() if r.inspection.end else None,
                "letter_date": r.letter_date.isoformat() if r.letter_date else None,
                "authority": r.local_authority.slug,
                "predecessor": authority is not None and r.local_authority.slug != authority,
                "graded": bool(r.judgements),
                "grades": {a.value: (g.value if (g := grades.get(a)) else None) for a in areas},
            }
        )
    return areas, rows
