"""Precision and recall of the practice themes against the hand-labelled set.

``tests/truth/themes_truth.json`` holds improvement areas and visit foci from the corpus,
each with the themes a reader (who did not see ilacs' output) gave it. This script reads
each item's text with :func:`ilacs_cli.themes.themes_of` (improvement areas) or
:func:`ilacs_cli.themes.focus_themes` (foci) and prints, per theme, the labelled examples,
true and false positives, false negatives, precision and recall. ``make corpus`` runs it.

Usage: python tests/themes_check.py [--misses]   (--misses lists every disagreement)
Exit 1 when a theme with at least MIN_EXAMPLES labelled examples is below TARGET.
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
TARGET = 0.9
MIN_EXAMPLES = 5


def predicted(item: dict) -> set[str]:
    hits = focus_themes(item["text"]) if item["type"] == "focus" else themes_of(item["text"])
    return {h.name for h in hits}


def scores(items: list[dict]) -> dict[str, dict[str, int]]:
    table = {t.name: {"examples": 0, "tp": 0, "fp": 0, "fn": 0} for t in THEMES}
    for item in items:
        want, got = set(item["themes"]), predicted(item)
        for name, row in table.items():
            row["examples"] += name in want
            row["tp"] += name in want and name in got
            row["fp"] += name in got and name not in want
            row["fn"] += name in want and name not in got
    return table


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every disagreement")
    args = parser.parse_args()
    if not TRUTH.exists():
        print(f"themes check: {TRUTH} not found", file=sys.stderr)
        return 2
    items = json.loads(TRUTH.read_text(encoding="utf-8"))
    unknown = {t for item in items for t in item["themes"]} - {t.name for t in THEMES}
    if unknown:
        print(f"themes check: labels name unknown themes: {sorted(unknown)}", file=sys.stderr)
        return 2
    table = scores(items)
    kinds = {k: sum(i["type"] == k for i in items) for k in ("improvement_area", "focus")}
    print(
        f"\nthemes: {len(items)} labelled items ({kinds['improvement_area']} improvement "
        f"areas, {kinds['focus']} visit foci)"
    )
    print(
        f"{'theme':<24} {'labelled':>8} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}"
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
    tp = sum(r["tp"] for r in table.values())
    fp = sum(r["fp"] for r in table.values())
    fn = sum(r["fn"] for r in table.values())
    print(
        f"{'all':<24} {tp + fn:>8} {tp:>4} {fp:>4} {fn:>4} {tp / (tp + fp):>10.2f} {tp / (tp + fn):>8.2f}"
    )
    if args.misses:
        for item in items:
            want, got = set(item["themes"]), predicted(item)
            if want != got:
                print(f"\n{item['id']} {item['doc']}: {item['text'][:300]}")
                print(f"  missed: {sorted(want - got)}  extra: {sorted(got - want)}")
    if below:
        print(f"themes below {TARGET} with >= {MIN_EXAMPLES} examples: {', '.join(below)}")
        return 1
    print(
        f"every theme with >= {MIN_EXAMPLES} labelled examples has precision and recall >= {TARGET}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
