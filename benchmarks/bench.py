"""`make bench`: ilacs' speed as ratios against baselines measured in the same run.

Every figure is a ratio of two timings taken here, on the same files, one after the other,
so a slow or busy machine changes both sides alike. Nothing here is a pass/fail test: the
targets are printed beside the ratios.

  1. baseline: bare pdfplumber, ``page.chars`` on every page (open, parse, close)
  2. ``ilacs extract --format json --no-save --jobs 1`` on the same files: (2)/(1)
  3. the batch with ``--jobs 2`` against ``--jobs 1``
  4. a re-run with a warm cache (library) against a cold one
  5. ``ilacs --help`` start-up against a bare ``python -c pass``
  6. peak RSS of one worker over the whole corpus, first file to last (each engine)
  7. ``--engine pdfium`` against the default engine, when the engine is present
  8. ``search()`` on a library holding the whole corpus (target: under 50 ms a query),
     against a plain ``LIKE`` scan of the same passages
  9. ``ilacs fetch`` from a test server on 127.0.0.1 (tests/ofsted_server.py) against
     ``ilacs add`` of the same files: fetch's overhead per document (listing, downloading,
     checking, recording), both with ``--engine pdfium`` so that the overhead shows
  10. a re-run of that fetch with nothing new (only listing pages) against the first run
  11. ``ilacs export`` (every table, xlsx) of the library from (4) against ``ilacs list``
  12. ``ilacs publish site/`` on a library of the corpus, cold (no diff cache) and warm (a
      re-publish), against ``ilacs list -f json`` on the same library; target: cold under 10 s
  13. ``--engine pdfium`` end to end against pypdfium2's bare text extraction
     (``get_text_range`` on every page) of the same files
 14. volume: the files added to a fresh library with ``--jobs 2``, each engine, as pages
     per second and the wait for the whole archive (~12,000 pages) at that rate

Usage: python benchmarks/bench.py [--corpus DIR] [--samples-only] [--search-only] [--fetch-only]
       [--publish-only]
       [--reports DIR]   (saved Report JSON for (8); default: extract the corpus)
       [--engines-only [--every N]]   (only (2), (13), (14) and (6), on every Nth corpus file)

Where ``--engine pdfium``'s time goes, stage by stage: ``benchmarks/stages.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [
    ROOT / "samples" / n for n in ("salford-2023.pdf", "salford-2025.pdf", "trafford-2022.pdf")
]
PY = sys.executable

BASELINE = """
import sys, pdfplumber
for f in sys.argv[1:]:
    with pdfplumber.open(f) as pdf:
        for page in pdf.pages:
            page.chars
            page.close()
"""

BARE_PDFIUM = """
import sys, pypdfium2
for f in sys.argv[1:]:
    pdf = pypdfium2.PdfDocument(f)
    for i in range(len(pdf)):
        page = pdf[i]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()
"""

#: The whole archive ``ilacs fetch`` gets: ~870 documents, ~12,000 pages
ARCHIVE_PAGES = 12_000

RSS = """
import json, resource, sys
from ilacs_cli.extract import extract
from ilacs_cli.errors import IlacsError

def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20

engine, *files = sys.argv[1:]
out = []
for f in files:
    try:
        extract(f, engine=engine)
    except IlacsError:
        pass
    out.append(rss_mb())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"after_each": out, "peak": peak}))
"""


def timed(args: list[str], env: dict[str, str] | None = None, repeat: int = 1) -> float:
    """Wall time of a command (the median of ``repeat`` runs); its output is discarded."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
            check=False,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ilacs(*args: str) -> list[str]:
    return [PY, "-m", "ilacs_cli", *args]


def pages_of(files: list[str]) -> int:
    import pypdfium2

    total = 0
    for f in files:
        pdf = pypdfium2.PdfDocument(f)
        total += len(pdf)
        pdf.close()
    return total


def line(label: str, ratio: float, target: str, detail: str) -> None:
    print(f"{label:<48} {ratio:>8.2f}   target {target:<10} {detail}")


def bench_set(name: str, files: list[str], full: bool) -> None:
    pages = pages_of(files)
    print(f"\n== {name}: {len(files)} PDFs, {pages} pages ==")
    base = timed([PY, "-c", BASELINE, *files])
    one = timed(
        ilacs("extract", *files, "-f", "json", "--no-save", "--jobs", "1", "--timeout", "0")
    )
    line(
        "(2)/(1) ilacs extract vs bare pdfplumber chars",
        one / base,
        "<= 1.10",
        f"{one:.1f} s vs {base:.1f} s ({1000 * base / pages:.0f} ms/page baseline)",
    )
    two = timed(ilacs("extract", *files, "-f", "json", "--no-save", "--jobs", "2"))
    line("(3) --jobs 1 / --jobs 2 (speed-up)", one / two, ">= 1.8", f"{one:.1f} s vs {two:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        env = {"ILACS_LIBRARY": str(Path(tmp) / "bench.sqlite3")}
        cold = timed(ilacs("extract", *files, "-f", "json", "--jobs", "2"), env)
        warm = timed(ilacs("extract", *files, "-f", "json", "--jobs", "2"), env)
        listed = timed(ilacs("list", "-f", "json"), env, repeat=3)
        book = str(Path(tmp) / "export.xlsx")
        exported = timed(ilacs("export", "-f", "xlsx", "-o", book), env, repeat=3)
        documents = timed(ilacs("export", "documents", "-f", "csv"), env, repeat=3)
    line(
        "(4) cold cache / warm cache (speed-up)",
        cold / warm,
        ">= 20",
        f"{cold:.1f} s vs {warm:.2f} s",
    )
    line(
        "(11) export every table (xlsx) / ilacs list",
        exported / listed,
        "< 2 s",
        f"{exported:.2f} s vs {listed:.2f} s; export documents -f csv {documents:.2f} s",
    )
    if _has_pdfium_engine():
        fast = timed(
            ilacs(
                "extract",
                *files,
                "-f",
                "json",
                "--no-save",
                "--jobs",
                "1",
                "--timeout",
                "0",
                "--engine",
                "pdfium",
            )
        )
        line(
            "(7) pdfplumber engine / pdfium engine",
            one / fast,
            ">= 5",
            f"{one:.1f} s vs {fast:.1f} s",
        )
    if full:
        peak_rss(files, "pdfplumber")


def peak_rss(files: list[str], engine: str) -> None:
    """(6): one process extracting every file in turn, as a worker does."""
    import json

    out = subprocess.run([PY, "-c", RSS, engine, *files], capture_output=True, text=True, cwd=ROOT)
    data = json.loads(out.stdout)
    after = data["after_each"]
    label = "(6) peak RSS of one worker (MB)" + ("" if engine == "pdfplumber" else f", {engine}")
    print(
        f"{label:<48} {data['peak']:>8.0f}   target {'< 200':<10} "
        f"after the first file {after[0]:.0f} MB, after the last {after[-1]:.0f} MB, "
        f"highest {max(after):.0f} MB"
    )


SEARCH = """
import json, statistics, sys, time
from pathlib import Path
from ilacs_cli.library import Library
from ilacs_cli.models import Report

lib_path, *files = sys.argv[1:]
QUERIES = ["pre-proceedings", "children", '"management oversight"', "exploit*",
           "care leavers AND accommodation", "adoption OR fostering", "plan* NOT court"]
FILTERS = [{}, {"since": "2023"}, {"kind": "focused_visit", "parts": ["improvement_areas"]}]
with Library(lib_path) as lib:
    if not len(lib):
        for f in files:
            lib.save(Report.model_validate_json(Path(f).read_bytes()))
    from ilacs_cli.search import search
    conn = lib._conn
    passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    times, like = [], []
    for q in QUERIES:
        for filters in FILTERS:
            search(lib, q, **filters)  # warm
            runs = []
            for _ in range(5):
                t = time.perf_counter()
                search(lib, q, **filters)
                runs.append(time.perf_counter() - t)
            times.append(statistics.median(runs))
        word = q.strip('"*').split()[0]
        t = time.perf_counter()
        conn.execute("SELECT id, text FROM passages WHERE text LIKE ? LIMIT 50",
                     (f"%{word}%",)).fetchall()
        conn.execute("SELECT count(*) FROM passages WHERE text LIKE ?", (f"%{word}%",)).fetchone()
        like.append(time.perf_counter() - t)
    reports = len(lib)
print(json.dumps({"reports": reports, "passages": passages, "times": times, "like": like}))
"""


def bench_search(files: list[str], from_json: bool) -> None:
    """(8): a library of the whole corpus; each query's median of 5 runs."""
    import json

    with tempfile.TemporaryDirectory() as tmp:
        lib = str(Path(tmp) / "search.sqlite3")
        if not from_json:
            subprocess.run(
                ilacs("add", *files, "--jobs", "2", "-q", "--library", lib),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=ROOT,
                check=False,
            )
            files = []
        out = subprocess.run(
            [PY, "-c", SEARCH, lib, *files], capture_output=True, text=True, cwd=ROOT
        )
    if out.returncode != 0:
        print(f"(8) search benchmark failed: {out.stderr.strip().splitlines()[-1:]}")
        return
    data = json.loads(out.stdout)
    times, like = data["times"], data["like"]
    worst, median = max(times) * 1000, statistics.median(times) * 1000
    print(
        f"{'(8) ilacs search, slowest query (ms)':<48} {worst:>8.1f}   target {'< 50':<10} "
        f"median {median:.1f} ms over {len(times)} queries; {data['reports']} reports, "
        f"{data['passages']} passages"
    )
    line(
        "(8) LIKE scan / search (median)",
        statistics.median(like) / statistics.median(times),
        "info",
        f"{1000 * statistics.median(like):.1f} ms a LIKE scan of the passages",
    )


def fetch_site(files: list[tuple[str, str, str, str]]):  # type: ignore[no-untyped-def]
    """A test server serving ``files`` ((path, authority, kind, published)), one provider
    page per authority, as tests/test_fetch.py does."""
    import datetime as dt

    sys.path.insert(0, str(ROOT / "tests"))
    from ofsted_server import Authority, Doc, FakeOfsted

    by_authority: dict[str, Authority] = {}
    for n, (path, authority, kind, published) in enumerate(files):
        a = by_authority.setdefault(
            authority,
            Authority(str(80000 + len(by_authority)), authority.replace("-", " ").title()),
        )
        day = dt.date.fromisoformat(published).strftime("%d %B %Y")
        what = "focused visit" if "visit" in kind else "inspection"
        text = f"Children's services {what}, PDF - {day}"
        a.docs.append(Doc(str(50000000 + n), Path(path).read_bytes(), text))
    return FakeOfsted(list(by_authority.values()))


def bench_fetch(name: str, files: list[tuple[str, str, str, str]], repeat: int = 1) -> None:
    """(9) and (10): each run in fresh folders, alternating add and fetch; medians."""
    paths = [f[0] for f in files]
    print(f"\n== ilacs fetch, {name}: {len(files)} PDFs from a server on 127.0.0.1 ==")
    common = ["--engine", "pdfium", "--jobs", "2"]
    adds, firsts, agains = [], [], []
    with fetch_site(files) as site:
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as tmp:
                adds.append(timed(ilacs("add", *paths, "--library", f"{tmp}/add.sqlite3", *common)))
                args = ilacs(
                    "fetch", "--base-url", site.url, "--dir", f"{tmp}/downloads", "--delay", "0",
                    "--library", f"{tmp}/fetch.sqlite3", *common,
                )  # fmt: skip
                before = len(site.log)
                firsts.append(timed(args))
                requests = len(site.log) - before
                agains.append(timed(args))
                listing = len(site.log) - before - requests
    add, first, again = (statistics.median(t) for t in (adds, firsts, agains))
    per_doc = 1000 * (first - add) / len(files)
    runs = f", medians of {repeat}" if repeat > 1 else ""
    line(
        "(9) fetch + add / add of the same files",
        first / add,
        "",
        f"{first:.1f} s vs {add:.1f} s: {per_doc:+.0f} ms per document, {requests} requests{runs}",
    )
    line(
        "(10) first fetch / re-run with nothing new",
        first / again,
        "",
        f"{first:.1f} s vs {again:.2f} s ({listing} listing requests, no file)",
    )


def fetch_benches(corpus: Path, samples_only: bool) -> None:
    """(9) and (10) on the five samples, then on the corpus when it is there."""
    samples = [
        (str(p), p.stem.rsplit("-", 1)[0], "inspection", f"{p.stem.rsplit('-', 1)[1]}-06-01")
        for p in sorted((ROOT / "samples").glob("*.pdf"))
    ]
    bench_fetch("the five samples", samples, repeat=3)
    if not samples_only and (corpus / "MANIFEST.tsv").exists():
        rows = [
            ln.split("\t")
            for ln in (corpus / "MANIFEST.tsv").read_text().splitlines()[1:]
            if ln.strip()
        ]
        bench_fetch("the corpus", [(str(corpus / r[0]), r[1], r[2], r[3]) for r in rows])


SAVE_REPORTS = """
import sys
from pathlib import Path
from ilacs_cli.library import Library
from ilacs_cli.models import Report

with Library(sys.argv[1]) as lib:
    for f in sorted(Path(sys.argv[2]).glob("*.json")):
        lib.save(Report.model_validate_json(f.read_bytes()))
    print(len(lib))
"""


def bench_publish(reports: Path | None, files: list[str]) -> None:
    """(12) ``ilacs publish`` on a library of the corpus: made from saved Report JSON
    (``--reports``) or by ``ilacs add`` of the corpus files."""
    with tempfile.TemporaryDirectory() as tmp:
        lib = str(Path(tmp) / "corpus.sqlite3")
        if reports is not None:
            out = subprocess.run(
                [PY, "-c", SAVE_REPORTS, lib, str(reports)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
            held = out.stdout.strip()
        elif files:
            subprocess.run(
                ilacs("add", *files, "--jobs", "2", "-q", "--engine", "pdfium", "--library", lib),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=ROOT,
                check=False,
            )
            held = str(len(files))
        else:
            print("\n(12) ilacs publish skipped: no corpus and no --reports")
            return
        print(f"\n== ilacs publish: a library of {held} reports ==")
        env = {"ILACS_LIBRARY": lib}
        listed = timed(ilacs("list", "-f", "json"), env, repeat=3)
        site = str(Path(tmp) / "site")
        cold = timed(ilacs("publish", site), env)
        warm = timed(ilacs("publish", site), env)
        pages = len(list((Path(site) / "la").glob("*.html"))) + 1
        line(
            "(12) ilacs publish site/, cold (seconds)",
            cold,
            "< 10 s",
            f"{pages} pages; {cold / listed:.0f}x ilacs list -f json ({listed:.2f} s)",
        )
        line(
            "(12) ilacs publish cold / warm (re-publish)",
            cold / warm,
            "",
            f"warm {warm:.1f} s (diffs cached in the site folder)",
        )


def bench_engines(name: str, files: list[str], engines_rss: bool = True) -> None:
    """(2), (13) and (14) on ``files``: each engine against its own bare text extraction,
    then the volume a user waits for."""
    pages = pages_of(files)
    print(f"\n== {name}: {len(files)} PDFs, {pages} pages ==")
    extract = ["extract", *files, "-f", "json", "--no-save", "--jobs", "1", "--timeout", "0"]
    base = timed([PY, "-c", BASELINE, *files])
    plumber = timed(ilacs(*extract))
    line(
        "(2) default engine / bare pdfplumber chars",
        plumber / base,
        "<= 1.10",
        f"{plumber:.1f} s vs {base:.1f} s ({1000 * base / pages:.1f} ms/page baseline)",
    )
    bare = timed([PY, "-c", BARE_PDFIUM, *files])
    fast = timed(ilacs(*extract, "--engine", "pdfium"))
    line(
        "(13) --engine pdfium / bare pypdfium2 text",
        fast / bare,
        "<= 4",
        f"{fast:.2f} s vs {bare:.2f} s ({1000 * fast / pages:.1f} vs "
        f"{1000 * bare / pages:.1f} ms/page)",
    )
    for engine in ("pdfplumber", "pdfium"):
        with tempfile.TemporaryDirectory() as tmp:
            lib = str(Path(tmp) / "volume.sqlite3")
            wall = timed(
                ilacs("add", *files, "--jobs", "2", "-q", "--engine", engine, "--library", lib)
            )
        rate = pages / wall
        wait = ARCHIVE_PAGES / rate
        print(
            f"{'(14) add --jobs 2, pages/s, ' + engine:<48} {rate:>8.1f}   target {'info':<10} "
            f"{wall:.1f} s for {pages} pages; ~{ARCHIVE_PAGES:,} pages: "
            f"{wait / 60:.0f} min ({wait / 3600:.1f} h)"
        )
    if engines_rss:
        for engine in ("pdfplumber", "pdfium"):
            peak_rss(files, engine)


def _has_pdfium_engine() -> bool:
    out = subprocess.run(ilacs("extract", "--help"), capture_output=True, text=True, cwd=ROOT)
    return "--engine" in out.stdout


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--samples-only", action="store_true")
    parser.add_argument("--search-only", action="store_true", help="only (8)")
    parser.add_argument("--fetch-only", action="store_true", help="only (9) and (10)")
    parser.add_argument("--publish-only", action="store_true", help="only (12)")
    parser.add_argument("--reports", help="a folder of saved Report JSON to fill (8)'s library")
    parser.add_argument("--engines-only", action="store_true", help="only (2), (13), (14) and (6)")
    parser.add_argument("--every", type=int, default=1, help="with --engines-only: every Nth file")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    corpus = Path(args.corpus)
    if args.fetch_only:
        fetch_benches(corpus, args.samples_only)
        return 0
    if args.publish_only:
        bench_publish(Path(args.reports) if args.reports else None, _corpus_files(corpus))
        return 0
    if args.engines_only:
        files = _corpus_files(corpus)[:: args.every] or [str(p) for p in SAMPLES]
        bench_engines("engines" if args.every == 1 else f"every {args.every}th file", files)
        return 0
    if args.search_only:
        if args.reports:
            bench_search(sorted(str(p) for p in Path(args.reports).glob("*.json")), True)
        else:
            bench_search(_corpus_files(corpus) or [str(p) for p in SAMPLES], False)
        return 0
    bare = timed([PY, "-c", "pass"], repeat=7)
    helped = timed(ilacs("--help"), repeat=7)
    line(
        "(5) ilacs --help start-up minus python -c pass",
        (helped - bare) * 1000,
        "<= 150 ms",
        f"{1000 * helped:.0f} ms vs {1000 * bare:.0f} ms (medians of 7)",
    )
    bench_set("the three samples", [str(p) for p in SAMPLES], full=False)
    files = _corpus_files(corpus)
    if not args.samples_only and files:
        bench_set("the corpus", files, full=True)
        bench_engines("the corpus, engines and volume", files, engines_rss=False)
        peak_rss(files, "pdfium")
        print("\n== search ==")
        if args.reports:
            bench_search(sorted(str(p) for p in Path(args.reports).glob("*.json")), True)
        else:
            bench_search(files, False)
    fetch_benches(corpus, args.samples_only)
    if not args.samples_only:
        bench_publish(Path(args.reports) if args.reports else None, files)
    return 0


def _corpus_files(corpus: Path) -> list[str]:
    if not (corpus / "MANIFEST.tsv").exists():
        return []
    return sorted(
        str(corpus / ln.split("\t")[0])
        for ln in (corpus / "MANIFEST.tsv").read_text().splitlines()[1:]
        if ln.strip()
    )


if __name__ == "__main__":
    sys.exit(main())
