"""`make bench`: ilacs' speed as ratios against baselines measured in the same run.

Every figure is a ratio of two timings taken here, on the same files, one after the other,
so a slow or busy machine changes both sides alike. Nothing here is a pass/fail test: the
targets are printed beside the ratios.

  1. baseline: bare pdfplumber, ``page.chars`` on every page (open, parse, close)
  2. ``ilacs extract --format json --no-save --jobs 1`` on the same files: (2)/(1)
  3. the batch with ``--jobs 2`` against ``--jobs 1``
  4. a re-run with a warm cache (library) against a cold one
  5. ``ilacs --help`` start-up against a bare ``python -c pass``
  6. peak RSS of one worker over the whole corpus, first file to last
  7. ``--engine pdfium`` against the default engine, when the engine is present
  8. ``ilacs export`` (every table, xlsx) of the library from (4) against ``ilacs list``
  9. ``ilacs publish site/`` on a library of the corpus (Report JSON from ``--reports``),
     cold (no diff cache) and warm (a re-publish), against ``ilacs list -f json`` on the
     same library; target: cold under 10 s

Usage: python benchmarks/bench.py [--corpus DIR] [--samples-only] [--reports DIR]
       [--publish-only]
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

RSS = """
import json, resource, sys
from ilacs_cli.extract import extract
from ilacs_cli.errors import IlacsError

def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20

out = []
for f in sys.argv[1:]:
    try:
        extract(f)
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
        "<= 1.15",
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
        "(8) export every table (xlsx) / ilacs list",
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
        out = subprocess.run([PY, "-c", RSS, *files], capture_output=True, text=True, cwd=ROOT)
        import json

        data = json.loads(out.stdout)
        after = data["after_each"]
        print(
            f"{'(6) peak RSS of one worker (MB)':<48} {data['peak']:>8.0f}   target {'< 200':<10} "
            f"after the first file {after[0]:.0f} MB, after the last {after[-1]:.0f} MB, "
            f"highest {max(after):.0f} MB"
        )


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


def bench_publish(reports: Path) -> None:
    """(9) ``ilacs publish`` on a library made from saved Report JSON."""
    files = sorted(reports.glob("*.json"))
    if not files:
        print(f"\n(9) ilacs publish skipped: no Report JSON in {reports}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        lib = str(Path(tmp) / "corpus.sqlite3")
        out = subprocess.run(
            [PY, "-c", SAVE_REPORTS, lib, str(reports)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        print(f"\n== ilacs publish: a library of {out.stdout.strip()} reports from {reports} ==")
        env = {"ILACS_LIBRARY": lib}
        listed = timed(ilacs("list", "-f", "json"), env, repeat=3)
        site = str(Path(tmp) / "site")
        cold = timed(ilacs("publish", site), env)
        warm = timed(ilacs("publish", site), env)
        pages = len(list((Path(site) / "la").glob("*.html"))) + 1
        line(
            "(9) ilacs publish site/, cold (seconds)",
            cold,
            "< 10 s",
            f"{pages} pages; {cold / listed:.0f}x ilacs list -f json ({listed:.2f} s)",
        )
        line(
            "(9) ilacs publish cold / warm (re-publish)",
            cold / warm,
            "",
            f"warm {warm:.1f} s (diffs cached in the site folder)",
        )


def _has_pdfium_engine() -> bool:
    out = subprocess.run(ilacs("extract", "--help"), capture_output=True, text=True, cwd=ROOT)
    return "--engine" in out.stdout


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--samples-only", action="store_true")
    parser.add_argument(
        "--reports",
        default=str(ROOT.parent / "labels" / "json"),
        help="Report JSON of the corpus, for the publish benchmark",
    )
    parser.add_argument("--publish-only", action="store_true")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    if args.publish_only:
        bench_publish(Path(args.reports))
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
    corpus = Path(args.corpus)
    if not args.samples_only and (corpus / "MANIFEST.tsv").exists():
        files = [
            str(corpus / ln.split("\t")[0])
            for ln in (corpus / "MANIFEST.tsv").read_text().splitlines()[1:]
            if ln.strip()
        ]
        bench_set("the corpus", sorted(files), full=True)
    bench_publish(Path(args.reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
