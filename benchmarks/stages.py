"""Where ``--engine pdfium`` spends its time, stage by stage, against pypdfium2's bare text
extraction of the same pages, measured in one process, one file after the other.

Stages (CPU time, ``time.process_time``, or with ``--wall`` ``time.perf_counter``; by
wrapping the functions the pipeline calls):

  bare       pypdfium2: open, ``get_textpage().get_text_range()`` per page, close
  chars      PDFium character records (open, stream checks, ``_page_chars``)
  dedupe     ``ingest_lines._dedupe`` (overprint removal)
  words      ``ingest_lines._bullets`` and ``_words``
  lines      ``ingest_lines._lines``
  furniture  ``layout.remove_furniture``
  blocks     ``layout.build_blocks``
  rules      detect and the kind's rules (the rest of ``pipeline.extract_document``)
  themes     ``themes.annotate``
  model      building (validating) the ``Report``
  json       ``report.model_dump_json()``

Usage: python benchmarks/stages.py [--corpus DIR] [--every N] [--plumber] [FILE ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIMES: dict[str, float] = defaultdict(float)
#: CPU time of this process (the machine is shared: wall time counts others' work too);
#: ``--wall`` for ``time.perf_counter``
CLOCK = time.process_time


def _timed(name: str, fn: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = CLOCK()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name] += CLOCK() - start

    return wrapper


def _install() -> None:
    from ilacs_cli import ingest_lines, pipeline

    for name, stage in (
        ("_dedupe", "dedupe"),
        ("_bullets", "words"),
        ("_words", "words"),
        ("_lines", "lines"),
    ):
        setattr(ingest_lines, name, _timed(stage, getattr(ingest_lines, name)))
    pipeline.remove_furniture = _timed("furniture", pipeline.remove_furniture)
    pipeline.build_blocks = _timed("blocks", pipeline.build_blocks)
    pipeline.annotate = _timed("themes", pipeline.annotate)
    pipeline.Report = _timed("model", pipeline.Report)


def bare(path: str) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        n = len(pdf)
        for i in range(n):
            page = pdf[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return n
    finally:
        pdf.close()


def bare_plumber(path: str) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            _ = page.chars
            page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--every", type=int, default=8, help="every Nth corpus file")
    parser.add_argument("--plumber", action="store_true", help="also the default engine")
    parser.add_argument("--wall", action="store_true", help="wall time, not CPU time")
    args = parser.parse_args()
    if args.wall:
        global CLOCK
        CLOCK = time.perf_counter
    files = args.files
    if not files:
        manifest = Path(args.corpus) / "MANIFEST.tsv"
        rows = [ln.split("\t")[0] for ln in manifest.read_text().splitlines()[1:] if ln.strip()]
        files = [str(Path(args.corpus) / r) for r in sorted(rows)[:: args.every]]
    _install()
    from ilacs_cli import pipeline
    from ilacs_cli.errors import IlacsError
    from ilacs_cli.ingest import load
    from ilacs_cli.ingest_pdfium import load_pdfium

    bare(str(ROOT / "samples" / "salford-2025.pdf"))  # warm: imports, PDFium's start
    load_pdfium(str(ROOT / "samples" / "salford-2025.pdf"))
    TIMES.clear()
    pages = 0
    plumber_total = plumber_bare = 0.0
    for f in files:
        start = CLOCK()
        pages += bare(f)
        TIMES["bare"] += CLOCK() - start
        start = CLOCK()
        doc = load_pdfium(f)
        TIMES["load"] += CLOCK() - start
        start = CLOCK()
        try:
            report = pipeline.extract_document(doc)
        except IlacsError:
            report = None
        TIMES["pipeline"] += CLOCK() - start
        if report is not None:
            start = CLOCK()
            report.model_dump_json()
            TIMES["json"] += CLOCK() - start
        if args.plumber:
            start = CLOCK()
            bare_plumber(f)
            plumber_bare += CLOCK() - start
            saved = dict(TIMES)
            start = CLOCK()
            try:
                pipeline.extract_document(load(f)).model_dump_json()
            except IlacsError:
                pass
            plumber_total += CLOCK() - start
            TIMES.clear()
            TIMES.update(saved)
    t = TIMES
    t["chars"] = t["load"] - t["dedupe"] - t["words"] - t["lines"]
    t["rules"] = t["pipeline"] - t["furniture"] - t["blocks"] - t["themes"] - t["model"]
    total = t["load"] + t["pipeline"] + t["json"]
    print(f"{len(files)} PDFs, {pages} pages; ms per page (share of --engine pdfium's total)")
    for name in (
        "chars", "dedupe", "words", "lines", "furniture", "blocks", "rules", "themes",
        "model", "json",
    ):  # fmt: skip
        print(f"  {name:<10} {1000 * t[name] / pages:7.2f}  {100 * t[name] / total:5.1f}%")
    print(f"  {'total':<10} {1000 * total / pages:7.2f}")
    print(
        f"  {'bare':<10} {1000 * t['bare'] / pages:7.2f}  pypdfium2 get_text_range; "
        f"pdfium / bare = {total / t['bare']:.2f}x"
    )
    if args.plumber:
        print(
            f"default engine {1000 * plumber_total / pages:.1f} ms/page, bare pdfplumber chars "
            f"{1000 * plumber_bare / pages:.1f} ms/page: {plumber_total / plumber_bare:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
