"""``ilacs fetch``: find every authority's publications on Ofsted's reports site, download
what is new, and add each PDF to the library with the site's facts (URN, file URL, link
text, publication date).

>>> from ilacs_cli.fetch import FetchOptions, fetch
>>> from ilacs_cli.library import Library
>>> with Library() as lib:                                       # doctest: +SKIP
...     summary = fetch(lib, FetchOptions(authorities=["salford"]))
>>> summary.new, summary.unchanged, summary.updated, summary.failed   # doctest: +SKIP

How it stays dependable (see ``../shared/ofsted-site.md`` for the peers' weak spots):

- files are extracted by the worker pool as they arrive (a download goes on while the
  workers read the files before it);
- one request at a time, a pause between requests (``delay``), a timeout on each, a
  descriptive User-Agent; retries with exponential backoff and jitter on a reset
  connection, a timeout or a 5xx, and ``Retry-After`` honoured on 429 and 503;
- a failed listing page, authority or file is reported and the rest go on;
- a download goes to ``<name>.part``, is checked to be a whole PDF (header, end-of-file
  marker, length), then renamed: a download cut half-way never enters the library;
- the library's ``fetched_files`` table records every file URL with its state, so a run
  killed at any point and started again downloads nothing twice (a file on disk waiting
  for extraction is extracted, not fetched), and a re-run with nothing new requests only
  the listing pages; an HTML "Report not found" served as a file is recorded as such and
  not asked for again (``recheck`` asks again);
- a file whose bytes changed on the site (its link text or date changed, or ``recheck``
  found new bytes) is re-extracted into the entry it had, which keeps its id.

Every URL pattern and selector is in :mod:`ilacs_cli.site`. Nothing here imports Typer or
rich; the CLI listens through :class:`Listener`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import email.utils
import hashlib
import os
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import ExitCode, IlacsError, UsageError
from .library import FetchedFile, FetchStatus, Library
from .site import (
    BASE_URL,
    MAX_LISTING_PAGES,
    FetchKind,
    Provider,
    Publication,
    clean_text,
    parse_listing,
    parse_provider_page,
    search_url,
)

if TYPE_CHECKING:
    import httpx

    from .batch import Outcome

__all__ = [
    "USER_AGENT",
    "FetchError",
    "FetchOptions",
    "FetchSummary",
    "FileResult",
    "HttpSettings",
    "Listener",
    "PlannedFile",
    "SiteClient",
    "default_download_dir",
    "fetch",
    "match_authorities",
]

USER_AGENT = (
    f"ilacs/{__version__} (reads Ofsted's published children's services reports into data; "
    "one request at a time)"
)
#: A file larger than this is not a report (the archive's largest are a few MB).
MAX_FILE_BYTES = 100 * 2**20
_CHUNK = 64 * 1024


class FetchError(IlacsError):
    """The fetch cannot run at all (another fetch holds the download folder, nothing could
    be listed). Exit 1, as for a batch with failures."""

    exit_code = ExitCode.SOME_FAILED


def default_download_dir() -> Path:
    """``reports/`` in the user's data folder (beside the default library)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("ilacs")) / "reports"


# -- HTTP -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpSettings:
    """How politely and how stubbornly to ask."""

    delay: float = 1.0  # seconds between the end of one request and the start of the next
    timeout: float = 30.0  # per request: connect, and each read
    retries: int = 4  # tries after the first, on a reset, a timeout, 429 or 5xx
    backoff: float = 2.0  # first wait; doubled each retry, times a jitter of 0.5..1.5
    max_backoff: float = 120.0
    max_retry_after: float = 600.0  # a longer Retry-After is a failure, not a wait
    user_agent: str = USER_AGENT
    max_bytes: int = MAX_FILE_BYTES


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _Failed(Exception):
    """A request that retrying will not mend (404, a long Retry-After, retries spent)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _NotPdf(Exception):
    """The site answered 200 with something that is not a PDF (an HTML page)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Download:
    """A file fetched whole: ``modified`` False when the server said 304 Not Modified."""

    modified: bool
    sha256: str | None = None
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None


_RETRY_STATUS = {429, 500, 502, 503, 504}


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _transport_reason(exc: Exception) -> str:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({clean_text(str(exc)) or type(exc).__name__})"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return f"the connection broke ({clean_text(str(exc)) or type(exc).__name__})"
    return f"{type(exc).__name__}: {clean_text(str(exc))}"


class SiteClient:
    """One HTTP client, one request at a time, with the pause, timeout, retries and
    ``Retry-After`` of :class:`HttpSettings`. ``sleep`` and ``rng`` are injectable so
    tests see every wait."""

    def __init__(
        self,
        settings: HttpSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        import httpx

        self.settings = settings or HttpSettings()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._last: float | None = None
        self.requests = 0  # every request sent, retries included
        self.waits: list[float] = []  # every backoff or Retry-After wait, in seconds
        #: told of each wait before it starts: (seconds, why)
        self.on_wait: Callable[[float, str], None] | None = None
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.settings.timeout),
            headers={"User-Agent": self.settings.user_agent},
            follow_redirects=True,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SiteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pause(self) -> None:
        if self._last is not None and self.settings.delay > 0:
            left = self.settings.delay - (time.monotonic() - self._last)
            if left > 0:
                self._sleep(left)

    def _attempts(self, url: str, attempt: Callable[[], Any]) -> Any:
        """Run ``attempt`` until it succeeds, retrying :class:`_Retry` with backoff."""
        import httpx

        tries = self.settings.retries + 1
        for n in range(tries):
            self._pause()
            self.requests += 1
            try:
                return attempt()
            except httpx.UnsupportedProtocol as exc:
                raise _Failed(f"not a URL it can fetch ({exc})") from None
            except httpx.TransportError as exc:
                problem = _Retry(_transport_reason(exc))
            except httpx.InvalidURL as exc:
                raise _Failed(f"not a URL it can fetch ({exc})") from None
            except _Retry as exc:
                problem = exc
            finally:
                self._last = time.monotonic()
            if n == tries - 1:
                raise _Failed(f"{problem.reason} ({tries} {'try' if tries == 1 else 'tries'})")
            if problem.retry_after is not None:
                if problem.retry_after > self.settings.max_retry_after:
                    raise _Failed(
                        f"{problem.reason}: the site asked to wait {problem.retry_after:.0f} s "
                        f"(Retry-After), more than {self.settings.max_retry_after:.0f} s"
                    )
                wait = problem.retry_after
            else:
                wait = min(
                    self.settings.backoff * 2**n * self._rng.uniform(0.5, 1.5),
                    self.settings.max_backoff,
                )
            self.waits.append(wait)
            if self.on_wait is not None:
                self.on_wait(wait, problem.reason)
            self._sleep(wait)
            self._last = time.monotonic()
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _check_status(response: httpx.Response) -> None:
        code = response.status_code
        if code in _RETRY_STATUS:
            after = (
                _retry_after(response.headers.get("Retry-After")) if code in (429, 503) else None
            )
            raise _Retry(f"HTTP {code}", after)
        if code >= 400:
            raise _Failed(f"HTTP {code}")

    def page(self, url: str) -> bytes:
        """A listing or provider page's HTML."""

        def attempt() -> bytes:
            response = self._client.get(url)
            self._check_status(response)
            return response.content

        return self._attempts(url, attempt)  # type: ignore[no-any-return]

    def download(
        self, url: str, dest: Path, *, etag: str | None = None, last_modified: str | None = None
    ) -> Download:
        """Fetch a PDF into ``dest`` (whole, checked, renamed into place); with ``etag`` or
        ``last_modified`` a conditional request, which may answer not modified."""
        part = dest.with_name(dest.name + ".part")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        def attempt() -> Download:
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    if response.status_code == 304:
                        return Download(modified=False, etag=etag, last_modified=last_modified)
                    self._check_status(response)
                    digest, size, head, tail = self._save(response, part)
                    _check_pdf(head, tail, response.headers.get("Content-Type"))
                    return Download(
                        modified=True,
                        sha256=digest,
                        size=size,
                        etag=response.headers.get("ETag"),
                        last_modified=response.headers.get("Last-Modified"),
                    )
            except BaseException:
                part.unlink(missing_ok=True)
                raise

        result: Download = self._attempts(url, attempt)
        if result.modified:
            os.replace(part, dest)
        return result

    def _save(self, response: httpx.Response, part: Path) -> tuple[str, int, bytes, bytes]:
        part.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        head = b""
        tail = b""
        with part.open("wb") as fh:
            for chunk in response.iter_bytes(_CHUNK):
                size += len(chunk)
                if size > self.settings.max_bytes:
                    raise _Failed(
                        f"larger than {self.settings.max_bytes // 2**20} MB: not a report"
                    )
                if len(head) < 1024:
                    head += chunk[: 1024 - len(head)]
                tail = (tail + chunk)[-2048:]
                digest.update(chunk)
                fh.write(chunk)
            # no fsync: a process killed after the rename leaves whole bytes in the page
            # cache; a file damaged by a power cut fails its sha256 or PDF check on reuse
            # and is downloaded again
        return digest.hexdigest(), size, head, tail


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _check_pdf(head: bytes, tail: bytes, content_type: str | None) -> None:
    """A whole PDF starts with ``%PDF-`` (in its first KB) and ends with ``%%EOF``."""
    if b"%PDF-" not in head:
        lowered = head.lower()
        if b"<html" in lowered or b"<!doctype html" in lowered:
            m = _TITLE.search(head)
            title = clean_text(m.group(1).decode("utf-8", "replace"))[:80] if m else ""
            said = f' ("{title}")' if title else ""
            raise _NotPdf(f"the site served an HTML page{said}, not a PDF")
        kind = clean_text((content_type or "").split(";")[0]) or "unknown content"
        raise _NotPdf(f"the site served a file that is not a PDF ({kind})")
    if b"%%EOF" not in tail:
        raise _Retry("the download was cut short (no end-of-file marker)")


# -- options, results, listener ---------------------------------------------------------------


@dataclass(frozen=True)
class FetchOptions:
    """What to fetch and how. ``authorities``: names, slugs or URNs (empty: all);
    ``since``: only publications on or after this date; ``kinds``: empty for both."""

    base_url: str = BASE_URL
    download_dir: Path | None = None
    authorities: tuple[str, ...] = ()
    since: dt.date | None = None
    kinds: tuple[FetchKind, ...] = ()
    dry_run: bool = False
    recheck: bool = False
    http: HttpSettings = field(default_factory=HttpSettings)
    # extraction, as ``ilacs extract`` has them
    engine: str = "pdfplumber"
    max_pages: int = 200
    jobs: int = 1
    timeout: float = 120.0
    force: bool = False


@dataclass(frozen=True)
class PlannedFile:
    """A file this run will fetch or extract: ``action`` is ``new`` (never seen),
    ``changed`` (its link text or date changed on the site), ``recheck`` (a conditional
    request), ``retry`` (failed before) or ``extract`` (on disk, not yet in the library)."""

    action: str
    provider: Provider
    publication: Publication
    previous: FetchedFile | None = None


@dataclass(frozen=True)
class FileResult:
    """What became of one file: ``outcome`` is ``new``, ``updated``, ``unchanged`` or
    ``failed``."""

    outcome: str
    url: str
    authority: str
    report_id: str | None = None
    reason: str | None = None


@dataclass
class FetchSummary:
    new: int = 0
    unchanged: int = 0
    updated: int = 0
    failed: int = 0
    #: known files not asked for again: an HTML page or a refused PDF seen before
    skipped: int = 0
    authorities: int = 0
    publications: int = 0
    requests: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    planned: list[PlannedFile] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures

    def line(self) -> str:
        """The closing summary a person reads."""
        if self.dry_run:
            parts = [f"{len(self.planned)} to fetch or extract", f"{self.unchanged} unchanged"]
        else:
            parts = [f"{self.new} new", f"{self.unchanged} unchanged", f"{self.updated} updated"]
            parts.append(f"{self.failed} failed")
        text = ", ".join(parts)
        authorities = "authority" if self.authorities == 1 else "authorities"
        extra = [f"{self.authorities} {authorities}", f"{self.requests} requests"]
        if self.skipped:
            extra.append(f"{self.skipped} known bad files not asked for again (--recheck asks)")
        other = len(self.failures) - self.failed
        if other:
            extra.append(f"{other} listing or authority pages failed")
        said = "fetch --dry-run" if self.dry_run else "fetch"
        return f"{said}: {text} ({'; '.join(extra)})"


class Listener:
    """What the fetch tells whoever watches it (the CLI draws a progress bar). Every
    method does nothing here; override what you need."""

    def stage(self, name: str, total: int | None) -> None:
        """A stage starts: ``listing``, ``authorities``, ``extracting``."""

    def advance(self, what: str = "") -> None:
        """One step of the current stage is done."""

    def doing(self, what: str) -> None:
        """What the current step is doing now (a download, a wait before a retry)."""

    def file(self, result: FileResult) -> None:
        """A file's outcome (also failures)."""

    def failure(self, where: str, reason: str) -> None:
        """A listing page or an authority failed; the rest go on."""


# -- choosing authorities (the one place that resolves --authority) ------------------------------


def match_authorities(
    wanted: tuple[str, ...] | list[str], providers: list[Provider]
) -> list[Provider]:
    """The providers that ``wanted`` names (each a name, slug or URN), in listing order.

    Raises :class:`~ilacs_cli.errors.UsageError` (exit 2) for one that matches nothing,
    with the closest names. (The authority register can take this over later.)
    """
    from .rules.common import slugify

    if not wanted:
        return list(providers)
    by_slug: dict[str, list[Provider]] = {}
    for p in providers:
        by_slug.setdefault(slugify(p.name), []).append(p)
    chosen: set[str] = set()
    for item in wanted:
        text = item.strip()
        hits = [p for p in providers if p.urn == text] if text.isdigit() else []
        hits = hits or [p for p in providers if p.name.lower() == text.lower()]
        hits = hits or by_slug.get(text.lower(), [])
        hits = hits or by_slug.get(slugify(text), [])
        if not hits:
            close = difflib.get_close_matches(slugify(text), list(by_slug), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(f"no authority on the site's listing matches this{hint}", item)
        chosen.update(p.urn for p in hits)
    return [p for p in providers if p.urn in chosen]


# -- the run ----------------------------------------------------------------------------------


def _file_name(provider: Provider, pub: Publication) -> Path:
    """``80548-salford/2024-01-12-childrens-services-inspection-50240000.pdf``."""
    from .rules.common import slugify

    name = re.sub(r"[^a-z0-9]+", "-", pub.name.lower().replace("'", "").replace("’", "")).strip("-")
    number = re.sub(r"[^A-Za-z0-9]+", "-", pub.file_number).strip("-") or "file"
    day = pub.published.isoformat() if pub.published else "undated"
    return Path(f"{provider.urn}-{slugify(provider.name)}") / f"{day}-{name[:60]}-{number}.pdf"


def _sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def _whole_pdf(path: Path) -> bool:
    """A file a killed run renamed into place: renaming happens only after the check."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, path.stat().st_size - 2048))
            tail = fh.read()
    except OSError:
        return False
    return b"%PDF-" in head and b"%%EOF" in tail


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One fetch per download folder at a time. A POSIX record lock (``lockf``): the OS
    releases it when the process dies, and extraction workers forked from this process do
    not inherit it (a ``flock`` would stay held by orphaned workers after a ``kill -9``)."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    with (folder / ".ilacs-fetch.lock").open("a") as fh:
        try:
            fcntl.lockf(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise FetchError(
                "another ilacs fetch is using this download folder", str(folder)
            ) from None
        try:
            yield
        finally:
            fcntl.lockf(fh.fileno(), fcntl.LOCK_UN)


class _Run:
    def __init__(
        self,
        lib: Library | None,
        options: FetchOptions,
        listener: Listener,
        client: SiteClient,
    ) -> None:
        self.lib = lib
        self.options = options
        self.listener = listener
        self.client = client
        client.on_wait = lambda wait, why: listener.doing(f"{why}: retrying in {wait:.0f} s")
        self.folder = Path(options.download_dir or default_download_dir())
        self.summary = FetchSummary(dry_run=options.dry_run)
        #: files downloaded (or found on disk) for extraction, in order, with the library
        #: id each had (a changed file keeps it)
        # (the file's record, the entry it replaces, that entry's sha256 then: renames
        # in the same run are followed by it)
        self.pending: list[tuple[FetchedFile, str | None, str | None]] = []
        self.downloads_done = False

    # -- discovery ----------------------------------------------------------------------------

    def providers(self) -> list[Provider]:
        self.listener.stage("listing", None)
        found: dict[str, Provider] = {}
        start = 0
        for _ in range(MAX_LISTING_PAGES):
            url = search_url(self.options.base_url, start)
            try:
                page = parse_listing(self.client.page(url), url)
            except _Failed as exc:
                if not found:  # nothing at all: one error, raised below
                    self.summary.failures.append((f"listing page {url}", exc.reason))
                else:
                    self._fail_page(f"listing page {url}", exc.reason)
                break
            self.listener.advance()
            fresh = [p for p in page if p.urn not in found]
            if not fresh:
                break
            found.update((p.urn, p) for p in fresh)
            start += len(page)
        if not found:
            raise FetchError(
                "found no authorities on the site's listing"
                + (f": {self.summary.failures[-1][1]}" if self.summary.failures else ""),
                self.options.base_url,
            )
        return list(found.values())

    def _fail_page(self, where: str, reason: str) -> None:
        self.summary.failures.append((where, reason))
        self.listener.failure(where, reason)

    def publications(self, provider: Provider) -> list[Publication] | None:
        self.listener.doing(provider.name)
        try:
            pubs = parse_provider_page(self.client.page(provider.url), provider.url)
        except _Failed as exc:
            self._fail_page(f"{provider.name} ({provider.urn}) {provider.url}", exc.reason)
            return None
        wanted = set(self.options.kinds) or set(FetchKind)
        since = self.options.since
        return [
            p
            for p in pubs
            if p.kind in wanted and (since is None or p.published is None or p.published >= since)
        ]

    # -- deciding ----------------------------------------------------------------------------

    def plan(self, provider: Provider, pub: Publication) -> PlannedFile | None:
        """What to do with one publication; None when nothing (it is unchanged)."""
        from .extract import PARSER_VERSION

        row = self.lib.fetched(pub.url) if self.lib is not None else None
        if row is None:
            return PlannedFile("new", provider, pub)
        if row.link_text != pub.link_text or row.published != pub.published:
            return PlannedFile("changed", provider, pub, row)

        def on_disk() -> bool:
            return bool(row.path and row.sha256 and _sha256(Path(row.path)) == row.sha256)

        if row.status is FetchStatus.added:
            assert self.lib is not None
            if self.options.recheck:
                return PlannedFile("recheck", provider, pub, row)
            if row.sha256 and self.lib.find_sha(row.sha256) is not None:
                return None
            # its entry was removed from the library: put it back
            return PlannedFile("extract" if on_disk() else "retry", provider, pub, row)
        if row.status is FetchStatus.downloaded:
            return PlannedFile("extract" if on_disk() else "retry", provider, pub, row)
        if row.status is FetchStatus.not_pdf:
            return PlannedFile("recheck", provider, pub, row) if self.options.recheck else None
        if row.status is FetchStatus.refused:
            if (self.options.force or row.parser_version != PARSER_VERSION) and on_disk():
                return PlannedFile("extract", provider, pub, row)
            return PlannedFile("recheck", provider, pub, row) if self.options.recheck else None
        # failed: the download, or the extraction of a file on disk
        return PlannedFile("extract" if on_disk() else "retry", provider, pub, row)

    # -- downloading -------------------------------------------------------------------------

    def _record(self, plan: PlannedFile, status: FetchStatus, **changes: Any) -> FetchedFile:
        base = plan.previous or FetchedFile(
            url=plan.publication.url,
            urn=plan.provider.urn,
            authority=plan.provider.name,
            link_text=plan.publication.link_text,
            published=plan.publication.published,
            status=status,
        )
        item = replace(
            base,
            urn=plan.provider.urn,
            authority=plan.provider.name,
            link_text=plan.publication.link_text,
            published=plan.publication.published,
            status=status,
            fetched_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **changes,
        )
        assert self.lib is not None
        self.lib.record_fetched(item)
        return item

    def _result(self, outcome: str, plan: PlannedFile, **kw: Any) -> None:
        if outcome == "failed":
            self.summary.failed += 1
            self.summary.failures.append((plan.publication.url, kw.get("reason") or ""))
        else:
            setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
        self.listener.file(FileResult(outcome, plan.publication.url, plan.provider.name, **kw))

    def handle(self, plan: PlannedFile) -> None:
        """Download one planned file (or find it on disk) and queue it for extraction."""
        prev = plan.previous
        previous_id = self._entry_id(prev)
        if plan.action == "extract":
            assert prev is not None
            self.pending.append((replace(prev), previous_id, self._entry_sha(previous_id)))
            return
        dest = self.folder / _file_name(plan.provider, plan.publication)
        # a file with no recorded sha256 (a run stopped between the rename and the record);
        # one whose recorded sha256 no longer matches is downloaded again
        adoptable = plan.action in ("new", "retry") and (prev is None or prev.sha256 is None)
        if adoptable and _whole_pdf(dest):
            # renamed into place by a run that was stopped before it could record it
            item = self._record(plan, FetchStatus.downloaded, sha256=_sha256(dest), path=str(dest))
            self.pending.append((item, None, None))
            return
        self.listener.doing(f"{plan.provider.name}: {plan.publication.name}")
        conditional = (
            plan.action == "recheck" and prev is not None and prev.status is FetchStatus.added
        )
        try:
            got = self.client.download(
                plan.publication.url,
                dest,
                etag=prev.etag if conditional and prev else None,
                last_modified=prev.last_modified if conditional and prev else None,
            )
        except _NotPdf as exc:
            if prev is not None and prev.status is FetchStatus.added:
                # the site lost a file it served before: the entry and its facts stay
                self._result("failed", plan, reason=exc.reason + " (the earlier copy is kept)")
                return
            self._record(plan, FetchStatus.not_pdf, reason=exc.reason, sha256=None, path=None)
            self._result("failed", plan, reason=exc.reason + " (recorded; not asked for again)")
            return
        except _Failed as exc:
            if prev is None or prev.status is not FetchStatus.added:
                self._record(plan, FetchStatus.failed, reason=exc.reason)
            self._result("failed", plan, reason=exc.reason)
            return
        except OSError as exc:
            self._result("failed", plan, reason=f"cannot write {dest}: {exc.strerror or exc}")
            return
        if not got.modified and prev is None:
            self._result("failed", plan, reason="HTTP 304 to a request that was not conditional")
            return
        if prev is not None and (
            not got.modified or (prev.status is FetchStatus.added and got.sha256 == prev.sha256)
        ):
            path = prev.path
            if got.modified and (not prev.path or not Path(prev.path).exists()):
                path = str(dest)
            elif got.modified and Path(prev.path or "") != dest:
                dest.unlink(missing_ok=True)  # the same bytes: keep the copy the entry names
            self._record(
                plan,
                prev.status,
                etag=got.etag or prev.etag,
                last_modified=got.last_modified or prev.last_modified,
                path=path,
            )
            self._result("unchanged", plan, report_id=previous_id)
            return
        item = self._record(
            plan,
            FetchStatus.downloaded,
            sha256=got.sha256,
            path=str(dest),
            etag=got.etag,
            last_modified=got.last_modified,
            reason=None,
        )
        if prev is not None and prev.path and Path(prev.path) != dest:
            Path(prev.path).unlink(missing_ok=True)  # the older version, under its old name
        self.pending.append((item, previous_id, self._entry_sha(previous_id)))

    def _entry_sha(self, entry_id: str | None) -> str | None:
        """The sha256 of entry ``entry_id`` as stored, to find it again after a rename (read
        only for a file about to be extracted in its place)."""
        if entry_id is None or self.lib is None or entry_id not in self.lib:
            return None
        return self.lib.get(entry_id).source.sha256

    def _entry_id(self, row: FetchedFile | None) -> str | None:
        """The library entry a file URL had: by its sha256 when it is in the library (ids
        may be renamed), else the id it was last added as (a newer version downloaded by a
        run that was stopped before extracting it)."""
        if row is None or self.lib is None:
            return None
        if row.status is FetchStatus.added and row.sha256:
            entry = self.lib.find_sha(row.sha256)
            if entry is not None:
                return entry.id
        return row.report_id if row.report_id and row.report_id in self.lib else None

    # -- extracting --------------------------------------------------------------------------

    def extract(self, paths: Iterable[str]) -> None:
        """Extract files as ``paths`` gives them (lazily: each is downloaded while the
        workers extract those before it) and save each in the library."""
        from .batch import Batch
        from .extract import PARSER_VERSION

        lib = self.lib
        assert lib is not None
        batch = Batch(
            paths,  # type: ignore[arg-type]  # Batch takes any iterable, read as it goes
            jobs=max(1, self.options.jobs),
            timeout=self.options.timeout,
            options={"max_pages": self.options.max_pages, "engine": self.options.engine},
            cached=None if self.options.force else (lambda sha: lib.cached(sha, PARSER_VERSION)),
        )
        for outcome in batch:
            item, previous_id, previous_sha = self.pending[outcome.index]
            if previous_sha is not None and previous_id not in lib:
                # renamed since it was looked up (a document of the same authority, date and
                # kind saved meanwhile moved it to an id with its digits): find it by its bytes
                entry = lib.find_sha(previous_sha)
                previous_id = entry.id if entry is not None else None
            self._extracted(lib, outcome, item, previous_id)
            left = len(self.pending) - outcome.index - 1
            if self.downloads_done and left:
                self.listener.doing(f"extracting: {left} left")

    def _extracted(
        self, lib: Library, outcome: Outcome, item: FetchedFile, previous_id: str | None
    ) -> None:
        from .extract import PARSER_VERSION

        plan = PlannedFile(
            "extract",
            Provider(item.urn, item.authority, ""),
            Publication(item.url, item.link_text, item.published, None),
            item,
        )
        if outcome.report is None:
            reason = outcome.reason or "not extracted"
            retry = outcome.code == int(ExitCode.INTERNAL) or reason.startswith("timed out")
            status = FetchStatus.failed if retry else FetchStatus.refused
            self._record(plan, status, reason=reason, parser_version=PARSER_VERSION)
            self._result("failed", plan, reason=reason)
            return
        # the site's facts travel with the report: its file URL, and the site's publication
        # date where the document prints none
        report = outcome.report.model_copy(
            update={
                "source": outcome.report.source.model_copy(update={"url": item.url}),
                "published": outcome.report.published or item.published,
            }
        )
        try:
            if previous_id is not None:
                saved = lib.replace(previous_id, report)
            else:
                saved = lib.save(report)
        except IlacsError as exc:
            self._result("failed", plan, reason=f"not saved in the library: {exc.reason}")
            return
        self._record(
            plan,
            FetchStatus.added,
            report_id=saved.id,
            sha256=report.source.sha256,
            reason=None,
            parser_version=report.source.parser_version,
        )
        self._result("updated" if previous_id is not None else "new", plan, report_id=saved.id)

    # -- the whole run -----------------------------------------------------------------------

    def run(self) -> FetchSummary:
        listed = self.providers()
        try:
            providers = match_authorities(self.options.authorities, listed)
        except UsageError as exc:
            if not self.summary.failures:
                raise
            where, why = self.summary.failures[-1]
            raise FetchError(
                f"{exc.reason}, but the listing is incomplete ({where}: {why})", exc.path
            ) from None
        self.summary.authorities = len(providers)
        self.listener.stage("authorities", len(providers))
        if self.options.dry_run:
            for _ in self.walk(providers):
                pass
        else:
            self.extract(self.walk(providers))
        self.summary.requests = self.client.requests
        return self.summary

    def walk(self, providers: list[Provider]) -> Iterator[str]:
        """Every chosen authority's publications: planned (dry run), or downloaded; gives
        the path of each file to extract as soon as it is on disk."""
        given = 0
        for provider in providers:
            pubs = self.publications(provider)
            for pub in pubs or []:
                plan = self.plan(provider, pub)
                if plan is None:
                    self._count_unchanged(pub)
                elif self.options.dry_run:
                    self.summary.planned.append(plan)
                else:
                    self.handle(plan)
                while given < len(self.pending):
                    yield str(self.pending[given][0].path)
                    given += 1
            if pubs is not None:
                self.summary.publications += len(pubs)
            self.listener.advance(provider.name)
        self.downloads_done = True

    def _count_unchanged(self, pub: Publication) -> None:
        row = self.lib.fetched(pub.url) if self.lib is not None else None
        if row is not None and row.status in (FetchStatus.not_pdf, FetchStatus.refused):
            self.summary.skipped += 1
        else:
            self.summary.unchanged += 1


def fetch(
    library: Library | None,
    options: FetchOptions | None = None,
    listener: Listener | None = None,
    *,
    client: SiteClient | None = None,
) -> FetchSummary:
    """Fetch what is new on the site into ``library`` (None only with ``dry_run``: then
    every file counts as new). Failures of single pages and files are in the summary's
    ``failures``; :class:`FetchError` when nothing could be listed or another fetch holds
    the download folder; :class:`~ilacs_cli.errors.UsageError` for an unknown authority."""
    options = options or FetchOptions()
    if library is None and not options.dry_run:
        raise ValueError("a library is needed unless dry_run")
    if not re.match(r"^https?://[^/]+", options.base_url):
        raise UsageError("not an http(s) URL", options.base_url)
    own = client is None
    site = client or SiteClient(options.http)
    run = _Run(library, options, listener or Listener(), site)
    try:
        if options.dry_run:
            return run.run()
        with _folder_lock(run.folder):
            return run.run()
    finally:
        if own:
            site.close()
