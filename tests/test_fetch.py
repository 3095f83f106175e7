"""``ilacs fetch`` against a real HTTP server on 127.0.0.1 serving pages built like Ofsted's
reports site (tests/ofsted_server.py) from the bundled sample PDFs, through the faults the
peers' scrapers do not survive."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from ofsted_server import Authority, Doc, FakeOfsted
from typer.testing import CliRunner

from ilacs_cli.cli import app
from ilacs_cli.errors import UsageError
from ilacs_cli.fetch import (
    USER_AGENT,
    FetchError,
    FetchOptions,
    HttpSettings,
    Listener,
    SiteClient,
    _retry_after,
    fetch,
    match_authorities,
)
from ilacs_cli.library import FetchStatus, Library
from ilacs_cli.site import (
    KIND_RULES,
    FetchKind,
    Provider,
    kind_of,
    parse_listing,
    parse_provider_page,
    publication_date,
    search_url,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
runner = CliRunner()

INSPECTION_2024 = "Children's services inspection, PDF - 12 January 2024"
VISIT_2025 = "Children's services focused visit, PDF - 13 November 2025"
TRAFFORD_2023 = "Children's services inspection, PDF - 20 January 2023"
TRAFFORD_2019 = "Children's services inspection, PDF - 18 March 2019"
GONE_2012 = "Children's services inspection, PDF - 01 June 2012"


def short(library_id: str) -> str:
    """A library id's short form: 'salford-2023-11-10-ilacs' -> 'salford-2023'."""
    return re.sub(r"^(.+?-\d{4})-\d\d-\d\d-.*$", r"\1", library_id)


def pdf(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def site_docs() -> list[Authority]:
    """Three authorities (two listing pages of two), four PDFs, an HTML 'Report not found'
    served as a file and a publication fetch does not take."""
    return [
        Authority(
            "80548",
            "Salford",
            [
                Doc("50290001", pdf("salford-2025.pdf"), VISIT_2025),
                Doc("50240002", pdf("salford-2023.pdf"), INSPECTION_2024),
                Doc("2000001", b"", GONE_2012, html=True),
                Doc("50250003", b"%PDF-1.4 not taken\n%%EOF", "Annual letter, PDF - 1 May 2020"),
            ],
        ),
        Authority(
            "80573",
            "Trafford",
            [
                Doc("50210004", pdf("trafford-2022.pdf"), TRAFFORD_2023),
                Doc("50070005", pdf("trafford-2019.pdf"), TRAFFORD_2019),
            ],
        ),
        Authority("80500", "Isles of Scilly", []),
    ]


@pytest.fixture
def site():
    with FakeOfsted(site_docs(), page_size=2) as server:
        yield server


class Sleeps(list):
    """A stand-in for time.sleep that records every wait (tests never wait for real)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def options(site: FakeOfsted, tmp_path: Path, **kw) -> FetchOptions:
    http = kw.pop("http", HttpSettings(delay=0, backoff=0.5, timeout=5))
    return FetchOptions(
        base_url=site.url,
        download_dir=tmp_path / "downloads",
        http=http,
        engine="pdfium",
        **{"jobs": 1, "timeout": 0, **kw},  # by default in this process: no pool to fork
    )


def run(lib: Library, site: FakeOfsted, tmp_path: Path, **kw):
    sleeps = Sleeps()
    opts = options(site, tmp_path, **kw)
    client = SiteClient(opts.http, sleep=sleeps, rng=random.Random(1))
    try:
        summary = fetch(lib, opts, client=client)
    finally:
        client.close()
    return summary, client, sleeps


_EXTRACTED: dict[tuple[str, str], object] = {}


@pytest.fixture(autouse=True)
def _extract_each_pdf_once(monkeypatch):
    """In this process, each distinct PDF is parsed once per session (the fetch is what
    these tests are about; tests/test_engine.py and the golden tests cover extraction).
    The report's source path is the one asked for, as if parsed again."""
    import hashlib

    from ilacs_cli import batch

    real = batch.extract_one

    def once(path, data, options):
        key = (hashlib.sha256(Path(path).read_bytes()).hexdigest(), repr(sorted(options.items())))
        if key not in _EXTRACTED:
            _EXTRACTED[key] = real(path, data, options)
        outcome = _EXTRACTED[key]
        if outcome.report is None:
            return replace(outcome, path=path)
        source = outcome.report.source.model_copy(update={"path": path})
        return replace(outcome, report=outcome.report.model_copy(update={"source": source}))

    monkeypatch.setattr(batch, "extract_one", once)


@pytest.fixture
def lib(tmp_path):
    with Library(tmp_path / "library.sqlite3") as library:
        yield library


# -- the site's pages -------------------------------------------------------------------------


def test_listing_page_gives_each_authority_once_with_its_urn(site):
    url = search_url(site.url, 0)
    assert "level_1_types=3" in url and "level_2_types%5B%5D=12" in url and "rows=100" in url
    html = site.listing(0, 100) + b'<a href="/provider/44/80548">Salford</a>'
    providers = parse_listing(html, url)
    assert providers == [
        Provider("80548", "Salford", f"{site.url}/provider/44/80548"),
        Provider("80573", "Trafford", f"{site.url}/provider/44/80573"),
    ]


def test_provider_page_gives_links_text_dates_and_kinds(site):
    page = site.provider_page(site.authorities[0])
    pubs = parse_provider_page(page, f"{site.url}/provider/44/80548")
    assert [(p.url.rsplit("/", 1)[1], p.published, p.kind) for p in pubs] == [
        ("50290001", dt.date(2025, 11, 13), FetchKind.visits),
        ("50240002", dt.date(2024, 1, 12), FetchKind.inspections),
        ("2000001", dt.date(2012, 6, 1), FetchKind.inspections),
        ("50250003", dt.date(2020, 5, 1), None),
    ]
    assert pubs[1].link_text == INSPECTION_2024
    assert pubs[1].name == "Children's services inspection"


@pytest.mark.parametrize(
    ("text", "kind", "day"),
    [
        ("Children’s services inspection, PDF - 3 March 2014", FetchKind.inspections, (2014, 3, 3)),
        (
            "Children's services monitoring visit, PDF - 21 Sept 2023",
            FetchKind.visits,
            (2023, 9, 21),
        ),
        ("Monitoring visit, PDF – 2nd February 2021", FetchKind.visits, (2021, 2, 2)),
        (
            "Inspection of services for children in need of help and protection, PDF - 5 July 2013",
            FetchKind.inspections,
            (2013, 7, 5),
        ),
        ("Joint targeted area inspection, PDF - 1 May 2019", None, (2019, 5, 1)),
        ("Children's services inspection, PDF", FetchKind.inspections, None),
        ("Children's services inspection, PDF - 31 February 2019", FetchKind.inspections, None),
    ],
)
def test_link_text_gives_kind_and_publication_date(text, kind, day):
    assert kind_of(text) is kind
    assert publication_date(text) == (dt.date(*day) if day else None)


def test_every_fetch_kind_has_its_rule():
    assert set(KIND_RULES) == set(FetchKind)


def test_site_text_is_data_without_control_codes():
    html = '<a href="/provider/44/1">Evil\x1b[31m\u202eName\x07</a>'
    assert parse_listing(html, "http://x/search")[0].name == "Evil[31mName"


# -- a whole fetch through the faults ---------------------------------------------------------


def test_a_first_fetch_survives_the_faults_and_records_the_sites_facts(lib, site, tmp_path):
    site.fault("/provider/44/80573", "503", "503:2")  # a provider page: 503 twice, then 200
    site.fault("/v1/file/50240002", "429:3")  # 429 with Retry-After: 3
    site.fault("/v1/file/50210004", "cut")  # the connection closed half-way through a PDF
    site.fault("/v1/file/50070005", "cut-nolength")  # ... with no Content-Length to tell
    summary, client, sleeps = run(lib, site, tmp_path)

    assert (summary.new, summary.unchanged, summary.updated, summary.failed) == (4, 0, 0, 1)
    assert summary.failures == [
        (
            f"{site.url}/v1/file/2000001",
            'the site served an HTML page ("Report not found - Ofsted"), not a PDF '
            "(recorded; not asked for again)",
        )
    ]
    # three listing pages (2 + 1 + an empty one), the faults retried, one request at a time
    assert site.paths().count("/search") == 3
    assert site.count("/provider/44/80573") == 3
    assert site.count("/v1/file/50240002") == 2
    assert site.count("/v1/file/50210004") == 2
    assert site.count("/v1/file/50250003") == 0  # not an inspection nor a visit
    # Retry-After honoured exactly (2 s on the second 503, 3 s on the 429); other waits are
    # the jittered backoff: 0.5 s doubling, times 0.5..1.5
    assert 2.0 in client.waits and 3.0 in client.waits
    backoffs = [w for w in client.waits if w not in (2.0, 3.0)]
    assert len(backoffs) == 3 and all(0.25 <= w <= 0.75 for w in backoffs)
    assert sleeps == client.waits  # --delay 0: no other pause
    assert {h["user-agent"] for _, _, h in site.log} == {USER_AGENT}

    assert [short(e.id) for e in lib.entries()] == [
        "salford-2023",
        "salford-2025",
        "trafford-2019",
        "trafford-2022",
    ]
    facts = lib.site_facts("salford-2023")
    assert facts is not None
    # the site's facts travel with the report: its URL, and the site's publication date
    # where the document prints none (the export's source_url and published columns)
    stored = lib.get("salford-2023")
    assert stored.source.url == facts.url
    assert stored.published == facts.published == dt.date(2024, 1, 12)
    assert (facts.url, facts.urn, facts.authority, facts.link_text, facts.published) == (
        f"{site.url}/v1/file/50240002",
        "80548",
        "Salford",
        INSPECTION_2024,
        dt.date(2024, 1, 12),
    )
    assert facts.status is FetchStatus.added and short(facts.report_id) == "salford-2023"
    assert lib.site_facts("trafford-2019").published == dt.date(2019, 3, 18)
    by_id = lib.site_facts_by_id()
    assert sorted(by_id) == [e.id for e in lib.entries()]
    assert by_id[lib.resolve_id("salford-2023")] == facts
    gone = lib.fetched(f"{site.url}/v1/file/2000001")
    assert gone.status is FetchStatus.not_pdf and gone.path is None
    # whole files only, under the authority's folder; no partial file left
    files = sorted(
        p.relative_to(tmp_path / "downloads") for p in (tmp_path / "downloads").rglob("*.pdf*")
    )
    assert [str(f) for f in files] == [
        "80548-salford/2024-01-12-childrens-services-inspection-50240002.pdf",
        "80548-salford/2025-11-13-childrens-services-focused-visit-50290001.pdf",
        "80573-trafford/2019-03-18-childrens-services-inspection-50070005.pdf",
        "80573-trafford/2023-01-20-childrens-services-inspection-50210004.pdf",
    ]
    assert (tmp_path / "downloads" / files[3]).read_bytes() == pdf("trafford-2022.pdf")

    # a re-run with nothing new: only listing pages, nothing added, the HTML page not retried
    before = len(site.log)
    again, _, _ = run(lib, site, tmp_path)
    assert (again.new, again.unchanged, again.updated, again.failed) == (0, 4, 0, 0)
    assert again.skipped == 1 and again.ok
    assert [p for p in site.paths()[before:] if not p.startswith(("/search", "/provider/"))] == []
    assert len(site.paths()[before:]) == 3 + 3
    assert len(lib) == 4


def test_a_download_always_cut_short_never_enters_the_library(lib, site, tmp_path):
    site.fault("/v1/file/50210004", *["cut"] * 5)  # every try cut: retries spent
    summary, client, _ = run(lib, site, tmp_path, authorities=("trafford",))
    assert (summary.new, summary.failed) == (1, 1)
    url, reason = summary.failures[0]
    assert url.endswith("/v1/file/50210004")
    assert reason.startswith("the connection broke") and reason.endswith("(5 tries)")
    assert [short(e.id) for e in lib.entries()] == ["trafford-2019"]
    assert lib.fetched(url).status is FetchStatus.failed
    assert list((tmp_path / "downloads").rglob("*50210004*")) == []  # no .part, no .pdf
    # the next run tries it again, and only it
    before = len(site.log)
    again, _, _ = run(lib, site, tmp_path, authorities=("trafford",))
    assert (again.new, again.unchanged, again.failed) == (1, 1, 0)
    assert site.file_requests()[-1:] == ["/v1/file/50210004"]
    assert len([p for p in site.paths()[before:] if p.startswith("/v1/")]) == 1
    assert lib.site_facts("trafford-2022").urn == "80573"


def test_a_request_that_hangs_past_the_timeout_is_retried(lib, site, tmp_path):
    site.fault("/provider/44/80548", "hang:1.5")
    http = HttpSettings(delay=0, backoff=0.01, timeout=0.3)
    summary, client, _ = run(
        lib, site, tmp_path, http=http, authorities=("80548",), kinds=(FetchKind.visits,)
    )
    assert summary.ok and summary.new == 1
    assert site.count("/provider/44/80548") == 2
    assert len(client.waits) == 1


def test_a_whole_file_renamed_into_place_by_a_stopped_run_is_not_downloaded_again(
    lib, site, tmp_path
):
    # a run stopped between renaming a checked download into place and recording it
    name = "80573-trafford/2019-03-18-childrens-services-inspection-50070005.pdf"
    (tmp_path / "downloads" / name).parent.mkdir(parents=True)
    (tmp_path / "downloads" / name).write_bytes(pdf("trafford-2019.pdf"))
    part = (
        tmp_path
        / "downloads"
        / "80573-trafford/2023-01-20-childrens-services-inspection-50210004.pdf.part"
    )
    part.write_bytes(pdf("trafford-2022.pdf")[:5000])  # and one cut by the stop
    summary, _, _ = run(lib, site, tmp_path, authorities=("trafford",))
    assert (summary.new, summary.failed) == (2, 0)
    assert site.file_requests() == ["/v1/file/50210004"]
    assert lib.site_facts("trafford-2019").path == str(tmp_path / "downloads" / name)
    assert not part.exists()


def test_a_failed_authority_is_reported_and_the_rest_go_on(lib, site, tmp_path):
    site.fault("/provider/44/80548", *["500"] * 3)
    summary, _, _ = run(lib, site, tmp_path, http=HttpSettings(delay=0, backoff=0.01, retries=2))
    assert summary.failures == [
        (f"Salford (80548) {site.url}/provider/44/80548", "HTTP 500 (3 tries)")
    ]
    assert [short(e.id) for e in lib.entries()] == ["trafford-2019", "trafford-2022"]
    assert not summary.ok and summary.failed == 0


def test_a_404_is_not_retried(lib, site, tmp_path):
    site.authorities[1].docs[0].file_id = "404"  # the link points nowhere
    site.authorities[1].docs[0].data = b""
    site._resource = _without("/v1/file/404", site._resource)
    summary, client, _ = run(lib, site, tmp_path, authorities=("Trafford",))
    assert summary.failures == [(f"{site.url}/v1/file/404", "HTTP 404")]
    assert site.count("/v1/file/404") == 1 and client.waits == []


def _without(path, resource):
    def patched(p, q):
        return (None, "", "") if p == path else resource(p, q)

    return patched


def test_a_long_retry_after_is_a_failure_not_a_wait(lib, site, tmp_path):
    site.fault("/v1/file/50290001", "429:3600")
    summary, client, _ = run(
        lib, site, tmp_path, authorities=("salford",), kinds=(FetchKind.visits,)
    )
    assert summary.failures[0][1] == (
        "HTTP 429: the site asked to wait 3600 s (Retry-After), more than 600 s"
    )
    assert client.waits == []


def test_retry_after_as_an_http_date():
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    seconds = _retry_after(later.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    assert 28 <= seconds <= 30
    assert _retry_after("7") == 7.0
    assert _retry_after("soon") is None


# -- changed files ----------------------------------------------------------------------------


def changed(data: bytes) -> bytes:
    """The same report re-published with other bytes (an incremental update appended)."""
    return data + b"\n% corrected and republished\n%%EOF\n"


def test_a_file_republished_with_a_new_date_is_re_extracted_under_the_same_id(lib, site, tmp_path):
    run(lib, site, tmp_path, authorities=("salford",))
    old = lib.site_facts("salford-2023")
    doc = site.authorities[0].docs[1]
    doc.data = changed(doc.data)
    doc.link_text = "Children's services inspection, PDF - 19 January 2024"
    summary, _, _ = run(lib, site, tmp_path, authorities=("salford",))
    assert (summary.new, summary.unchanged, summary.updated, summary.failed) == (0, 1, 1, 0)
    assert [short(e.id) for e in lib.entries()] == ["salford-2023", "salford-2025"]
    facts = lib.site_facts("salford-2023")
    assert facts.published == dt.date(2024, 1, 19) and facts.sha256 != old.sha256
    report = lib.get("salford-2023")
    assert short(report.id) == "salford-2023" and report.source.sha256 == facts.sha256
    assert report.source.path == facts.path and facts.path.endswith(
        "2024-01-19-childrens-services-inspection-50240002.pdf"
    )
    assert not Path(old.path).exists()  # the older version's file is gone


def test_an_entry_renamed_earlier_in_the_same_run_is_still_replaced(lib, site, tmp_path):
    """A second document of the same authority, date and kind, saved first in a run, moves
    the first one's entry to an id with its sha256 digits; a new version of that first
    document later in the same run replaces the entry where it now is (it failed, as a
    missing entry, when the id was fixed before the run)."""
    run(lib, site, tmp_path, authorities=("salford",))
    (entry,) = [e for e in lib.entries() if short(e.id) == "salford-2023"]
    salford = site.authorities[0]
    original = salford.docs[1]
    twin = Doc("50240009", original.data + b"\n% a second copy\n%%EOF\n", INSPECTION_2024)
    salford.docs.insert(1, twin)  # listed, so fetched and saved, before the new version
    original.data = changed(original.data)
    original.link_text = "Children's services inspection, PDF - 19 January 2024"
    # two workers: the new version is downloaded, and its entry looked up, before the
    # twin's save renames that entry
    summary, _, _ = run(lib, site, tmp_path, authorities=("salford",), jobs=2, timeout=30)
    assert (summary.new, summary.updated, summary.unchanged, summary.failed) == (1, 1, 1, 0)
    ids = [e.id for e in lib.entries() if short(e.id) == "salford-2023"]
    assert len(ids) == 2 and entry.id not in ids  # the plain id now names two documents
    moved = lib.fetched(f"{site.url}/v1/file/50240002")
    assert moved.status is FetchStatus.added and moved.report_id in ids
    assert lib.get(moved.report_id).source.sha256 == moved.sha256  # the new version
    assert lib.fetched(f"{site.url}/v1/file/50240009").report_id in ids


def test_a_changed_file_downloaded_by_a_run_stopped_before_extracting_keeps_its_id(
    lib, site, tmp_path, monkeypatch
):
    from ilacs_cli import fetch as fetch_module

    run(lib, site, tmp_path, authorities=("trafford",))
    doc = site.authorities[1].docs[0]
    doc.data = changed(doc.data)
    doc.link_text = "Children's services inspection, PDF - 27 January 2023"
    with monkeypatch.context() as m:
        # stopped after the download, before the extraction
        m.setattr(fetch_module._Run, "extract", lambda self, paths: list(paths))
        run(lib, site, tmp_path, authorities=("trafford",))
    assert lib.fetched(f"{site.url}/v1/file/50210004").status is FetchStatus.downloaded
    before = len(site.file_requests())
    summary, _, _ = run(lib, site, tmp_path, authorities=("trafford",))
    assert (summary.new, summary.unchanged, summary.updated, summary.failed) == (0, 1, 1, 0)
    assert len(site.file_requests()) == before  # extracted from the file on disk
    assert [short(e.id) for e in lib.entries()] == ["trafford-2019", "trafford-2022"]
    assert lib.site_facts("trafford-2022").published == dt.date(2023, 1, 27)


def test_a_file_the_site_lost_keeps_its_entry_and_its_facts(lib, site, tmp_path):
    run(lib, site, tmp_path, authorities=("trafford",))
    facts = lib.site_facts("trafford-2022")
    site.authorities[1].docs[0].html = True  # now a "Report not found" page
    summary, _, _ = run(lib, site, tmp_path, authorities=("trafford",), recheck=True)
    assert summary.failures == [
        (
            facts.url,
            'the site served an HTML page ("Report not found - Ofsted"), not a PDF '
            "(the earlier copy is kept)",
        )
    ]
    assert lib.site_facts("trafford-2022") == facts and lib.resolve_id("trafford-2022") in lib


def test_recheck_finds_bytes_changed_under_the_same_link_and_asks_conditionally(
    lib, site, tmp_path
):
    run(lib, site, tmp_path, authorities=("trafford",))
    ids = [short(e.id) for e in lib.entries()]
    doc = site.authorities[1].docs[1]
    doc.data = changed(doc.data)
    before = len(site.log)
    plain, _, _ = run(lib, site, tmp_path, authorities=("trafford",))
    assert (plain.unchanged, plain.updated) == (2, 0)  # without --recheck: not asked
    summary, _, _ = run(lib, site, tmp_path, authorities=("trafford",), recheck=True)
    assert (summary.new, summary.unchanged, summary.updated, summary.failed) == (0, 1, 1, 0)
    asked = [(p, h.get("if-none-match")) for p, _, h in site.log[before:] if p.startswith("/v1/")]
    assert len(asked) == 2 and all(etag for _, etag in asked)  # both conditional; one 304
    assert [short(e.id) for e in lib.entries()] == ids
    assert lib.get("trafford-2019").source.sha256 == lib.site_facts("trafford-2019").sha256


# -- choosing ---------------------------------------------------------------------------------


#: what a later run does with a file the library records in each state (a file on disk,
#: its entry in the library, this parser version); a new state must say what it does
NEXT_RUN = {
    FetchStatus.added: None,  # nothing: unchanged
    FetchStatus.downloaded: "extract",  # a stopped run's download: extracted, not fetched
    FetchStatus.not_pdf: None,  # not asked for again
    FetchStatus.refused: None,  # not again until a new parser version
    FetchStatus.failed: "extract",  # the extraction failed (timed out): tried again
}


@pytest.mark.parametrize("status", list(FetchStatus))
def test_every_fetch_state_has_its_next_step(status, lib, site, tmp_path):
    from ilacs_cli.fetch import _Run
    from ilacs_cli.library import FetchedFile

    assert set(NEXT_RUN) == set(FetchStatus)
    run(lib, site, tmp_path, authorities=("trafford",))
    url = f"{site.url}/v1/file/50070005"
    row = lib.fetched(url)
    lib.record_fetched(FetchedFile(**{**row.__dict__, "status": status}))
    pub = next(
        p
        for p in parse_provider_page(site.provider_page(site.authorities[1]), site.url)
        if p.url == url
    )
    provider = Provider("80573", "Trafford", "")
    with SiteClient() as client:
        plan = _Run(lib, options(site, tmp_path), Listener(), client).plan(provider, pub)
    assert (plan.action if plan else None) == NEXT_RUN[status]


def test_authority_by_name_slug_or_urn():
    providers = [
        Provider("80548", "Salford", "u1"),
        Provider("80573", "Trafford", "u2"),
        Provider("80450", "City of London Corporation", "u3"),
    ]
    assert [p.urn for p in match_authorities(["Salford City Council"], providers)] == ["80548"]
    assert [p.urn for p in match_authorities(["80573", "salford"], providers)] == ["80548", "80573"]
    assert [p.urn for p in match_authorities(["london-corporation"], providers)] == ["80450"]
    with pytest.raises(UsageError) as err:
        match_authorities(["Salfrod"], providers)
    assert (
        str(err.value)
        == "Salfrod: no authority on the site's listing matches this; did you mean salford?"
    )


def test_since_and_kind_choose_publications(lib, site, tmp_path):
    summary, _, _ = run(
        lib, site, tmp_path, since=dt.date(2023, 1, 1), kinds=(FetchKind.inspections,)
    )
    assert [short(e.id) for e in lib.entries()] == ["salford-2023", "trafford-2022"]
    assert summary.ok and site.count("/v1/file/2000001") == 0


HOLD_LOCK = """
import fcntl, sys, time
with open(sys.argv[1], "a") as fh:
    fcntl.lockf(fh.fileno(), fcntl.LOCK_EX)
    print("locked", flush=True)
    time.sleep(30)
"""


def test_a_second_fetch_into_the_same_folder_is_refused(lib, site, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(folder / ".ilacs-fetch.lock")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(FetchError, match="another ilacs fetch is using this download folder"):
            run(lib, site, tmp_path)
    finally:
        holder.kill()
        holder.communicate()
    assert site.log == []
    summary, _, _ = run(lib, site, tmp_path, authorities=("80500",))  # free again
    assert summary.ok


def test_nothing_listed_is_an_error(lib, site, tmp_path):
    site.fault("/search", *["503"] * 5)
    with pytest.raises(FetchError) as err:
        run(lib, site, tmp_path, http=HttpSettings(delay=0, backoff=0.01, retries=1))
    assert (
        str(err.value)
        == f"{site.url}: found no authorities on the site's listing: HTTP 503 (2 tries)"
    )


def test_an_authority_missing_from_an_incomplete_listing_says_so(lib, site, tmp_path):
    site.fault("/search", "ok", *["503"] * 2)  # the second listing page fails
    with pytest.raises(FetchError) as err:
        run(
            lib,
            site,
            tmp_path,
            http=HttpSettings(delay=0, backoff=0.01, retries=1),
            authorities=("Scilly",),
        )
    assert str(err.value) == (
        "Scilly: no authority on the site's listing matches this, but the listing is incomplete "
        f"(listing page {search_url(site.url, 2)}: HTTP 503 (2 tries))"
    )


def test_delay_pauses_between_requests(lib, site, tmp_path):
    http = HttpSettings(delay=0.2, backoff=0.01)
    summary, client, sleeps = run(lib, site, tmp_path, http=http, authorities=("80500",))
    assert summary.ok and summary.requests == 4  # 3 listing pages and one provider page
    assert len(sleeps) == 3 and all(0 < s <= 0.2 for s in sleeps)


# -- the command ------------------------------------------------------------------------------


def cli(site: FakeOfsted, tmp_path: Path, *args: str):
    return runner.invoke(
        app,
        [
            "fetch",
            "--base-url",
            site.url,
            "--dir",
            str(tmp_path / "downloads"),
            "--delay",
            "0",
            "--backoff",
            "0.01",
            "--engine",
            "pdfium",
            "--jobs",
            "1",
            *args,
        ],
        catch_exceptions=False,
    )


def test_dry_run_lists_what_would_be_fetched_and_fetches_no_file(site, tmp_path, _library_in_tmp):
    result = cli(site, tmp_path, "--dry-run", "--authority", "Salford")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "action\turn\tauthority\tpublished\tkind\turl\tlink_text"
    assert lines[1:] == [
        f"new\t80548\tSalford\t2025-11-13\tvisits\t{site.url}/v1/file/50290001\t{VISIT_2025}",
        f"new\t80548\tSalford\t2024-01-12\tinspections\t{site.url}/v1/file/50240002\t{INSPECTION_2024}",
        f"new\t80548\tSalford\t2012-06-01\tinspections\t{site.url}/v1/file/2000001\t{GONE_2012}",
    ]
    assert site.file_requests() == []
    assert not _library_in_tmp.exists() and not (tmp_path / "downloads").exists()
    assert result.stderr == (
        "fetch --dry-run: 3 to fetch or extract, 0 unchanged (1 authority; 4 requests)\n"
    )


def test_cli_fetch_reports_each_file_and_a_summary_and_exits_1_on_failures(
    site, tmp_path, _library_in_tmp
):
    result = cli(site, tmp_path)
    assert result.exit_code == 1
    assert result.stdout == ""
    err = result.stderr.splitlines()
    assert sorted(err[:-1]) == sorted(
        [
            f"added salford-2025-10-15-focused-visit {site.url}/v1/file/50290001",
            f"added salford-2023-11-10-ilacs {site.url}/v1/file/50240002",
            f"added trafford-2022-12-02-ilacs {site.url}/v1/file/50210004",
            f"added trafford-2019-03-08-ilacs {site.url}/v1/file/50070005",
            f"Error: {site.url}/v1/file/2000001: the site served an HTML page "
            '("Report not found - Ofsted"), not a PDF (recorded; not asked for again)',
        ]
    )
    assert err[-1] == "fetch: 4 new, 0 unchanged, 0 updated, 1 failed (3 authorities; 11 requests)"
    again = cli(site, tmp_path)
    assert again.exit_code == 0
    assert again.stderr == (
        "fetch: 0 new, 4 unchanged, 0 updated, 0 failed (3 authorities; 6 requests; "
        "1 known bad files not asked for again (--recheck asks))\n"
    )
    listed = runner.invoke(app, ["list", "-f", "json"], catch_exceptions=False)
    assert '"id": "trafford-2019-03-08-ilacs"' in listed.stdout


def test_cli_unknown_authority_is_a_usage_error(site, tmp_path):
    result = cli(site, tmp_path, "--authority", "Atlantis")
    assert result.exit_code == 2
    assert result.stderr == "Error: Atlantis: no authority on the site's listing matches this\n"
    assert site.file_requests() == []


def test_cli_bad_since_is_a_usage_error(site, tmp_path):
    result = cli(site, tmp_path, "--since", "last week")
    assert result.exit_code == 2
    assert result.stderr == "Error: last week: --since: not a date (YYYY-MM-DD)\n"
    assert site.log == []


# -- killed and started again -----------------------------------------------------------------


def fetch_process(
    site: FakeOfsted, tmp_path: Path, library: Path, jobs: int = 1
) -> subprocess.Popen:
    args = [
        sys.executable, "-m", "ilacs_cli", "fetch", "--base-url", site.url,
        "--dir", str(tmp_path / "downloads"), "--library", str(library),
        "--delay", "0", "--backoff", "0.01", "--engine", "pdfium", "--jobs", str(jobs), "-q",
    ]  # fmt: skip
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def added(library: Path) -> int:
    if not library.exists():
        return 0
    conn = sqlite3.connect(library, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM fetched_files WHERE status = 'added'").fetchone()[
            0
        ]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


@pytest.fixture
def small_site():
    """The site less Salford's 2023 inspection: the killed runs are real processes, each
    extracting for itself, so fewer files keep them quick."""
    docs = site_docs()
    del docs[0].docs[1]
    with FakeOfsted(docs, page_size=2) as server:
        yield server


def test_kill_9_mid_download_then_a_second_run_finishes_without_downloading_twice(
    small_site, tmp_path
):
    site = small_site
    library = tmp_path / "library.sqlite3"
    site.fault("/v1/file/50210004", "block")  # Trafford's first file: half sent, then it waits
    proc = fetch_process(site, tmp_path, library)
    assert site.blocked.wait(30), proc.communicate()
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=10)
    site.release.set()
    assert proc.returncode == -signal.SIGKILL
    done_before = site.file_requests()
    assert done_before == ["/v1/file/50290001", "/v1/file/2000001", "/v1/file/50210004"]
    assert added(library) == 1  # Salford's visit, extracted while the rest downloaded
    assert list((tmp_path / "downloads").rglob("*50210004.pdf")) == []  # the cut file never renamed

    second = fetch_process(site, tmp_path, library)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert err.splitlines()[-1].startswith("fetch: 2 new, 1 unchanged, 0 updated, 0 failed")
    # the files finished before the kill (and the HTML page) are not asked for again
    assert site.file_requests()[len(done_before) :] == ["/v1/file/50210004", "/v1/file/50070005"]
    with Library(library) as lib:
        assert [short(e.id) for e in lib.entries()] == [
            "salford-2025",
            "trafford-2019",
            "trafford-2022",
        ]
        assert lib.site_facts("salford-2025").link_text == VISIT_2025


def test_kill_9_mid_extraction_then_a_second_run_finishes_without_downloading_twice(
    small_site, tmp_path
):
    site = small_site
    library = tmp_path / "library.sqlite3"
    # the last file blocks half-way: the run is killed while a worker extracts the one before
    site.fault("/v1/file/50070005", "block")
    proc = fetch_process(site, tmp_path, library, jobs=2)
    assert site.blocked.wait(30), proc.communicate()
    deadline = time.monotonic() + 30
    while added(library) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    # returns once every holder of the killed run's stdout has gone: its extraction worker
    # too, which sees end-of-file on its pipe and exits (an orphan waited for ever)
    proc.communicate(timeout=10)
    site.release.set()
    assert proc.returncode == -signal.SIGKILL
    first = site.file_requests()
    assert first == [
        "/v1/file/50290001",
        "/v1/file/2000001",
        "/v1/file/50210004",
        "/v1/file/50070005",
    ]
    # Salford's visit is in; Trafford 2022, downloaded, was being extracted (its result, if
    # the worker had it, was never read)
    was = added(library)
    assert 1 <= was <= 2
    with Library(library) as lib:
        assert lib.fetched(f"{site.url}/v1/file/50070005") is None  # cut by the kill
        assert "trafford-2019" not in [short(e.id) for e in lib.entries()]

    second = fetch_process(site, tmp_path, library)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert err.splitlines()[-1].startswith(
        f"fetch: {3 - was} new, {was} unchanged, 0 updated, 0 failed"
    )
    assert site.file_requests()[len(first) :] == ["/v1/file/50070005"]  # only the cut one
    assert added(library) == 3
    with Library(library) as lib:
        assert [short(e.id) for e in lib.entries()] == [
            "salford-2025",
            "trafford-2019",
            "trafford-2022",
        ]
