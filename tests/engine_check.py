"""Run both PDF engines over every document in the shared corpus and compare them.

For each document in ``../shared/corpus/MANIFEST.tsv``: the Report JSON from pdfplumber
(``ingest.load``) and from PDFium (``ingest_pdfium.load_pdfium``), both through the same
rules, compared apart from ``source.engine``; the first differing JSON path if they
differ; whether the two Documents' lines agree (text, size, bold, segments, marks
exactly; positions within 0.01 pt); and each engine's CPU time per page, end to end
(load plus rules), timed one after the other on the same file in the same process.

Prints a table (stdout) and the overall speed-up (total pdfplumber time / total PDFium
time). Exits 1 if any document's reports differ.

    python tests/engine_check.py [--corpus DIR] [--jobs 2] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus_check import corpus_files  # noqa: E402

from ilacs_cli.errors import IlacsError  # noqa: E402
from ilacs_cli.extract import extract_document  # noqa: E402
from ilacs_cli.ingest import Document, load  # noqa: E402
from ilacs_cli.ingest_pdfium import load_pdfium  # noqa: E402

POSITION_TOLERANCE = 0.01


def first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    """The JSON path of the first place where ``a`` and ``b`` differ, or None."""
    if type(a) is not type(b):
        return path
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        return f"{path}[{min(len(a), len(b))}]" if len(a) != len(b) else None
    return None if a == b else path


def document_difference(a: Document, b: Document) -> str | None:
    """Where two Documents' lines first disagree, or None."""
    if len(a.pages) != len(b.pages):
        return f"{len(a.pages)} pages vs {len(b.pages)}"
    for pa, pb in zip(a.pages, b.pages, strict=True):
        if len(pa.lines) != len(pb.lines):
            return f"page {pa.number}: {len(pa.lines)} lines vs {len(pb.lines)}"
        for n, (la, lb) in enumerate(zip(pa.lines, pb.lines, strict=True), start=1):
            for name in ("text", "size", "bold", "marks"):
                if getattr(la, name) != getattr(lb, name):
                    return f"page {pa.number} line {n} {name}: {la.text[:40]!r}"
            if [s.text for s in la.segments] != [s.text for s in lb.segments]:
                return f"page {pa.number} line {n} segments: {la.text[:40]!r}"
            for name in ("x0", "x1", "top", "bottom"):
                if abs(getattr(la, name) - getattr(lb, name)) > POSITION_TOLERANCE:
                    return f"page {pa.number} line {n} {name}: {la.text[:40]!r}"
    return None


def _run(loader: Any, path: str) -> tuple[Any, Document | None, float, float]:
    """(report JSON without ``source``, or the refusal; the Document; CPU seconds spent
    loading, and loading plus extracting; copying the Document for comparison is not
    counted). CPU time of this process, not wall time: other work on the machine does
    not inflate one engine's figures more than the other's."""
    snapshot = None
    clock = time.process_time
    start = clock()
    try:
        doc = loader(path)
        loading = clock() - start
        snapshot = _copy(doc)
        start = clock()
        report = extract_document(doc).model_dump(mode="json")
        report.pop("source")
        result: Any = report
    except IlacsError as exc:
        loading = clock() - start
        start = clock()
        result = {"refused": f"{type(exc).__name__}: {exc.reason}"}
    return result, snapshot, loading, loading + clock() - start


def _copy(doc: Document) -> Document:
    """The lines before the rules edit them (``remove_furniture`` drops lines)."""
    from copy import copy

    pages = [copy(page) for page in doc.pages]
    for page in pages:
        page.lines = list(page.lines)
    return Document(doc.path, doc.sha256, pages, doc.geometry, doc.page_count, doc.engine)


def check_one(path: str) -> dict[str, Any]:
    plumber, doc_a, load_a, t_a = _run(load, path)
    pdfium, doc_b, load_b, t_b = _run(load_pdfium, path)
    pages = doc_a.page_count if doc_a else (doc_b.page_count if doc_b else 0)
    return {
        "path": path,
        "pages": pages,
        "engine": doc_b.engine if doc_b else "-",
        "report": first_difference(plumber, pdfium),
        "document": document_difference(doc_a, doc_b) if doc_a and doc_b else None,
        "refused": "refused" in plumber,
        "plumber": t_a,
        "pdfium": t_b,
        "plumber_load": load_a,
        "pdfium_load": load_b,
    }


def _warm_up() -> None:
    sample = ROOT / "samples" / "salford-2025.pdf"
    if sample.exists():
        check_one(str(sample))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", help="substring of the files to run")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    files = corpus_files(corpus, args.only)
    if files is None:
        print(f"engine check: {corpus / 'MANIFEST.tsv'} not found", file=sys.stderr)
        return 2
    with ProcessPoolExecutor(max_workers=args.jobs, initializer=_warm_up) as pool:
        results = list(pool.map(check_one, [str(corpus / f) for f in files]))

    identical = different = 0
    total_a = total_b = load_a = load_b = 0.0
    pages = 0
    print(f"{'file':58} {'pages':>5} {'report':10} {'plumber':>9} {'pdfium':>8} {'ratio':>6}  note")
    for rel, r in zip(files, results, strict=True):
        same = r["report"] is None
        identical += same
        different += not same
        if r["pages"]:
            pages += r["pages"]
            total_a += r["plumber"]
            total_b += r["pdfium"]
            load_a += r["plumber_load"]
            load_b += r["pdfium_load"]
        per_a = 1000 * r["plumber"] / max(r["pages"], 1)
        per_b = 1000 * r["pdfium"] / max(r["pages"], 1)
        notes = []
        if not same:
            notes.append(f"first difference at {r['report']}")
        if r["document"]:
            notes.append(f"lines differ: {r['document']}")
        if r["refused"]:
            notes.append("refused by both" if same else "refused")
        if r["engine"] not in ("pdfium", "-"):
            notes.append(f"read by {r['engine']} (fallback)")
        print(
            f"{rel[:58]:58} {r['pages']:5} {'identical' if same else 'DIFFERENT':10} "
            f"{per_a:7.1f}ms {per_b:6.1f}ms {per_a / max(per_b, 1e-9):5.1f}x  {'; '.join(notes)}"
        )
    print(
        f"\n{len(files)} documents: {identical} identical, {different} different\n"
        f"{pages} pages, CPU time per page, end to end (load + rules): "
        f"pdfplumber {1000 * total_a / max(pages, 1):.1f} ms, "
        f"pdfium {1000 * total_b / max(pages, 1):.1f} ms: "
        f"speed-up {total_a / max(total_b, 1e-9):.2f}x\n"
        f"loading only: pdfplumber {1000 * load_a / max(pages, 1):.1f} ms, "
        f"pdfium {1000 * load_b / max(pages, 1):.1f} ms: "
        f"speed-up {load_a / max(load_b, 1e-9):.2f}x"
    )
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
