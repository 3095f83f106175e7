"""Precision and recall of the practice themes against the hand-labelled sets.

Two sets of improvement areas and visit foci from the corpus, each item with the themes a
reader (who did not see ilacs' output) gave it:

- ``tests/truth/themes_truth.json``: the development set, which the rules were written
  against;
- ``tests/truth/themes_heldout.json``: the held-out set, labelled by another reader, none of
  its items in the first, seen only once the rules were final (its reader's files as given
  are in ``tests/truth/themes_heldout/``).

This script reads each item's text with :func:`ilacs_cli.themes.themes_of` (improvement
areas) or :func:`ilacs_cli.themes.focus_themes` (foci) and prints, per theme, the labelled
examples, true and false positives, false negatives, precision and recall: one table for
each set and one for both. ``make corpus`` runs it.

Usage: python tests/themes_check.py [--misses] [--corpus DIR]
  --misses lists every disagreement; --corpus reads each item's text as extracted now.
Exit 1 when a theme with at least MIN_EXAMPLES labelled examples (in both sets together)
is below TARGET.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ilacs_cli.themes import THEMES, focus_themes, themes_of  # noqa: E402

TRUTH = ROOT / "tests" / "truth" / "themes_truth.json"
HELDOUT = ROOT / "tests" / "truth" / "themes_heldout.json"
#: The labelled sets, in the order their tables are printed.
SETS = {"development": TRUTH, "held-out": HELDOUT}
TARGET = 0.9
MIN_EXAMPLES = 5


def predicted(item: dict, text: str | None = None) -> set[str]:
    text = item["text"] if text is None else text
    hits = focus_themes(text) if item["type"] == "focus" else themes_of(text)
    return {h.name for h in hits}


def current_texts(items: list[dict], reports: dict) -> dict[str, str]:
    """Each item's text as the pipeline extracts it today (``reports``: corpus-relative
    path -> Report): the document's focus, or its improvement area ``n`` (found by its
    opening words if the numbering moved). Items whose document or area is not found
    keep the labelled text."""
    out: dict[str, str] = {}
    for item in items:
        report = reports.get(item["doc"])
        if report is None:
            continue
        if item["type"] == "focus":
            if report.focus:
                out[item["id"]] = report.focus
            continue
        start = " ".join(item["text"].split()[:8])
        areas = [ia.text for ia in report.improvement_areas]
        n = item.get("n") or 0
        if 0 < n <= len(areas) and " ".join(areas[n - 1].split()[:8]) == start:
            out[item["id"]] = areas[n - 1]
        else:
            found = [a for a in areas if " ".join(a.split()[:8]) == start]
            if found:
                out[item["id"]] = found[0]
    return out


def scores(items: list[dict], texts: dict[str, str] | None = None) -> dict[str, dict[str, int]]:
    texts = texts or {}
    table = {t.name: {"examples": 0, "tp": 0, "fp": 0, "fn": 0} for t in THEMES}
    for item in items:
        want, got = set(item["themes"]), predicted(item, texts.get(item["id"]))
        for name, row in table.items():
            row["examples"] += name in want
            row["tp"] += name in want and name in got
            row["fp"] += name in got and name not in want
            row["fn"] += name in want and name not in got
    return table


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def load() -> list[dict]:
    """Every labelled item of every set that exists, each with its ``set`` (a key of
    :data:`SETS`)."""
    items = []
    for name, path in SETS.items():
        if path.exists():
            items += [{**item, "set": name} for item in json.loads(path.read_text("utf-8"))]
    return items


def run(items: list[dict], texts: dict[str, str] | None = None, misses: bool = False) -> int:
    """Print a table for each set the items come from and, when there are several, one for
    them all; 1 if a theme with MIN_EXAMPLES labelled examples (in them all) is below
    TARGET."""
    texts = texts or {}
    unknown = {t for item in items for t in item["themes"]} - {t.name for t in THEMES}
    if unknown:
        print(f"themes check: labels name unknown themes: {sorted(unknown)}", file=sys.stderr)
        return 2
    ids = [item["id"] for item in items]
    if len(ids) != len(set(ids)):
        print("themes check: an item id is in more than one labelled set", file=sys.stderr)
        return 2
    names = list(dict.fromkeys(item.get("set", "labelled") for item in items))
    for name in names:
        if len(names) > 1:
            _table(f"{name} set", [i for i in items if i.get("set", "labelled") == name], texts)
    code = _table(" and ".join(names) if len(names) > 1 else "", items, texts)
    if misses:
        for item in items:
            text = texts.get(item["id"], item["text"])
            want, got = set(item["themes"]), predicted(item, text)
            if want != got:
                print(f"\n{item['id']} ({item.get('set', 'labelled')}) {item['doc']}: {text[:300]}")
                print(f"  missed: {sorted(want - got)}  extra: {sorted(got - want)}")
    return code


def _table(title: str, items: list[dict], texts: dict[str, str]) -> int:
    table = scores(items, texts)
    kinds = {k: sum(i["type"] == k for i in items) for k in ("improvement_area", "focus")}
    read = sum(i["id"] in texts for i in items)
    source = f"; {read} read from today's extraction, the rest as labelled" if texts else ""
    print(
        f"\nthemes{' (' + title + ')' if title else ''}: {len(items)} labelled items "
        f"({kinds['improvement_area']} improvement areas, {kinds['focus']} visit foci{source})"
    )
    header = ("theme", "labelled", "tp", "fp", "fn", "precision", "recall")
    print(
        f"{header[0]:<24} {header[1]:>8} {header[2]:>4} {header[3]:>4} {header[4]:>4} "
        f"{header[5]:>10} {header[6]:>8}"
    )
    below = []
    for name, row in table.items():
        p = ratio(row["tp"], row["tp"] + row["fp"])
        r = ratio(row["tp"], row["tp"] + row["fn"])
        shown = [f"{v:.2f}" if v is not None else "-" for v in (p, r)]
        print(
            f"{name:<24} {row['examples']:>8} {row['tp']:>4} {row['fp']:>4} {row['fn']:>4} "
            f"{shown[0]:>10} {shown[1]:>8}"
        )
        if row["examples"] >= MIN_EXAMPLES and ((p or 0) < TARGET or (r or 0) < TARGET):
            below.append(name)
    tp, fp, fn = (sum(r[k] for r in table.values()) for k in ("tp", "fp", "fn"))
    print(
        f"{'all':<24} {tp + fn:>8} {tp:>4} {fp:>4} {fn:>4} "
        f"{tp / max(tp + fp, 1):>10.2f} {tp / max(tp + fn, 1):>8.2f}"
    )
    if below:
        print(f"themes below {TARGET} with >= {MIN_EXAMPLES} examples: {', '.join(below)}")
        return 1
    print(f"every theme with >= {MIN_EXAMPLES} labelled examples: precision, recall >= {TARGET}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every disagreement")
    parser.add_argument("--corpus", help="read each item's text from this corpus, extracted now")
    args = parser.parse_args()
    if not TRUTH.exists():
        print(f"themes check: {TRUTH} not found", file=sys.stderr)
        return 2
    items = load()
    texts: dict[str, str] = {}
    if args.corpus:
        from ilacs_cli import extract

        corpus = Path(args.corpus)
        reports = {d: extract(corpus / d) for d in sorted({i["doc"] for i in items})}
        texts = current_texts(items, reports)
    return run(items, texts, misses=args.misses)


if __name__ == "__main__":
    sys.exit(main())
