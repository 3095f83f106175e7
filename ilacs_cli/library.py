"""A library of extracted reports, kept in one SQLite file (stdlib ``sqlite3``).

>>> from ilacs_cli import extract
>>> from ilacs_cli.library import Library
>>> with Library("/tmp/library.sqlite3") as lib:            # doctest: +SKIP
...     lib.save(extract("samples/salford-2023.pdf"))
SaveResult(id='salford-2023', created=True, updated=False)

Each report is stored whole (its ``model_dump_json()``) beside a few columns to find it by.
A document is known by the sha256 of its bytes: saving it again gives back the entry it
already has. Library ids are report ids (``salford-2023``); a second document that would
take an id already used gets ``<id>-<kind>`` (``trafford-2018-focused-visit``), then
``-2``, ``-3``...

The file is safe for several processes at once (WAL, a busy timeout, one ``BEGIN
IMMEDIATE`` transaction per write) and for a writer killed mid-save (a transaction is
either committed whole or not at all). Its layout is versioned by ``PRAGMA user_version``:
older files are migrated on open; a file from a newer ilacs is refused and never written.

Importable without Typer or rich.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from pydantic import ValidationError

from .errors import LibraryError, NotInLibrary, UnreadableDocument, UnsupportedDocument
from .models import Area, Grade, Kind, Report

__all__ = [
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Entry",
    "Library",
    "SaveResult",
    "default_library_path",
    "history_rows",
    "library_id_candidates",
    "resolve",
]

ENV_VAR = "ILACS_LIBRARY"

#: How long a writer waits for another process's write to finish before giving up.
BUSY_TIMEOUT_MS = 30_000

#: The library's layout, one step per version: ``MIGRATIONS[n]`` takes a file from
#: ``user_version`` n to n + 1, in one transaction with the version bump. Append only; never
#: edit a published step. Statements are split on ";", so none may contain one.
MIGRATIONS: list[str] = [
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
]

#: The ``user_version`` this code writes and understands.
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = (
    'id, sha256, slug, authority, kind, start, "end", letter_date, overall, '
    "parser_version, source_path, added_at"
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
        )


def report_date(report: Report) -> dt.date | None:
    """The date a report sorts by: inspection end, else start, else the letter's date."""
    return report.inspection.end or report.inspection.start or report.letter_date


def library_id_candidates(report: Report) -> Iterator[str]:
    """The ids a new document may take, in order: ``salford-2023``,
    ``salford-2023-focused-visit``, ``salford-2023-focused-visit-2``, ..."""
    yield report.id
    suffixed = f"{report.id}-{report.kind.value.replace('_', '-')}"
    yield suffixed
    n = 2
    while True:
        yield f"{suffixed}-{n}"
        n += 1


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
                for statement in MIGRATIONS[step].split(";"):
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

    def missing(self, ref: str) -> NotInLibrary:
        """The error for an id that is not here, suggesting close ids."""
        return NotInLibrary(
            "no report with this id in the library" + _did_you_mean(ref, self.ids()), ref
        )

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
                    "source_path = ?, json = ? WHERE id = ?",
                    (*values[2:11], values[12], row["id"]),
                )
                return SaveResult(row["id"], created=False, updated=True)
            taken = {
                r[0]
                for r in conn.execute(
                    "SELECT id FROM reports WHERE id = ? OR id LIKE ? ESCAPE '\\'",
                    (report.id, _like_prefix(report.id) + "-%"),
                )
            }
            new_id = next(i for i in library_id_candidates(report) if i not in taken)
            stored = report if new_id == report.id else report.model_copy(update={"id": new_id})
            conn.execute(
                f"INSERT INTO reports ({_COLUMNS}, json) VALUES ({', '.join('?' * 13)})",
                self._values(stored),
            )
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
            report.model_dump_json(),
        )

    def get(self, report_id: str) -> Report:
        """The stored report; :class:`~ilacs_cli.errors.NotInLibrary` if there is none."""
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
        """The entries, by authority then date; ``authority`` is a slug or a name."""
        where, params = [], []
        if authority:
            where.append("(slug = ? OR slug = ? OR lower(authority) = lower(?))")
            params += [authority, _slug(authority), authority]
        if kind:
            where.append("kind = ?")
            params.append(Kind(kind).value)
        sql = f"SELECT {_COLUMNS} FROM reports"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY slug, {_DATE}, id"
        return self._read(lambda c: [Entry._from_row(r) for r in c.execute(sql, params)])

    def history(self, authority: str) -> list[Report]:
        """Every stored report on ``authority`` (slug or name), oldest first."""
        found = self.entries(authority=authority)
        if not found:
            slugs = self._read(
                lambda c: [r[0] for r in c.execute("SELECT DISTINCT slug FROM reports")]
            )
            raise NotInLibrary(
                "no reports on this authority in the library"
                + _did_you_mean(_slug(authority), slugs),
                authority,
            )
        return [self.get(e.id) for e in found]

    def remove(self, report_id: str) -> bool:
        """Delete an entry; False if there was none."""
        with self._write() as conn:
            return conn.execute("DELETE FROM reports WHERE id = ?", (report_id,)).rowcount > 0

    def __len__(self) -> int:
        return int(self._read(lambda c: c.execute("SELECT count(*) FROM reports").fetchone()[0]))

    def __contains__(self, report_id: object) -> bool:
        return bool(
            self._read(
                lambda c: c.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone()
            )
        )


def _did_you_mean(ref: str, known: list[str]) -> str:
    close = [k for k in sorted(known) if k.startswith(f"{ref}-")][:3]
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


def history_rows(reports: list[Report]) -> tuple[list[Area], list[dict[str, Any]]]:
    """An authority's trajectory: the judgement areas any of ``reports`` grades (overall
    effectiveness first), and one row per report with its grade in each (None where the
    report has no such judgement, e.g. a focused visit)."""
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
                "graded": bool(r.judgements),
                "grades": {a.value: (g.value if (g := grades.get(a)) else None) for a in areas},
            }
        )
    return areas, rows
