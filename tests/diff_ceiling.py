"""Where the ledger's misses come from, measured on the readers' own deciding sentences.

For every labelled item the reader decided (addressed / persisting) with a sentence of B:

- retrieval: where that sentence ranks among B's sentences by the ledger's relevance to the
  item (and, for comparison, by plain BM25 over the whole item's stems and themes, with and
  without its paragraph's score mixed in);
- stance: the sign of the ledger's clause-level stance on that very sentence, against the
  reader's label (perfect retrieval would still be held to this).

Run: ``python tests/diff_ceiling.py --cache DIR`` (DIR as for diff_eval.py; documents missing
from it are extracted from ``--corpus``). Prints counts, not timings.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import diff_eval as de  # noqa: E402

from ilacs_cli import compare as C  # noqa: E402
from ilacs_cli.models import Report  # noqa: E402


def _bm25(docs: list[list[str]], query: Counter[str], k1: float = 1.2, b: float = 0.75) -> list:
    n = len(docs)
    avg = sum(map(len, docs)) / max(n, 1)
    df = Counter(t for d in docs for t in set(d))
    out = []
    for d in docs:
        tf, score = Counter(d), 0.0
        for t, w in query.items():
            if t in tf:
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                score += w * idf * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * len(d) / avg))
        out.append(score)
    return out


def _terms(text: str, themes) -> list[str]:
    return C._stems(text) + ["#" + t for t in themes]


def _mix(a: list[float], b: list[float], w: float) -> list[float]:
    ma, mb = max(a) or 1.0, max(b) or 1.0
    return [x / ma + w * y / mb for x, y in zip(a, b, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--cache", help="extracted JSON, as for diff_eval.py")
    args = parser.parse_args()
    from ilacs_cli import extract

    def load(rel: str) -> Report:
        if args.cache:
            saved = Path(args.cache) / (rel.replace("/", "__").removesuffix(".pdf") + ".json")
            if saved.exists():
                return Report.model_validate_json(saved.read_text(encoding="utf-8"))
        return extract(Path(args.corpus) / rel)

    ranks: dict[str, Counter[str]] = {}
    stance: Counter[str] = Counter()
    for pair in de.load_pairs():
        a, b = load(pair["A"]), load(pair["B"])
        items = {i.n: i for i in de.run_pair(pair, a, b, lambda m: None)}
        m = C._Matcher(C._own_items(a, "old", []), C._own_items(b, "new", []))
        body = [u for u in m.new_units if u.source != "improvement_area"]
        index = C._Index(body)
        docs = [_terms(u.text, u.themes) for u in body]
        keys = sorted({u.para_key for u in body}, key=str)
        paras = [_terms(m.paras[k].text, m.paras[k].themes) for k in keys]
        for lab in pair["items"]:
            it = items[lab["n"]]
            if it.label == "not_mentioned" or not it.sentence:
                continue
            old_index = de._match(a, pair["A_items"][lab["n"]])
            if old_index is None:
                continue
            text = C._item_text(a.improvement_areas[old_index].text)
            s = C._subject(text)
            st = C.stance(it.sentence, s)
            sign = (
                "neutral"
                if st == 0
                else ("right" if (st > 0) == (it.label == "addressed") else "wrong")
            )
            stance[sign] += 1
            target = {k for k, u in enumerate(body) if de.same_sentence(it.sentence, u.text)}
            if not target:
                continue
            q = C._query(s)
            parts = [(c, C._query(c)) for c in C._conjuncts(s, index)]

            def rel(u, s=s, q=q, parts=parts, index=index, m=m) -> float:
                r = C._on_subject(index, s, q, u, m)
                for c, cq in parts:
                    r = max(r, C._CONJUNCT * C._on_subject(index, c, cq, u, m))
                return r

            full = Counter(C._stems(text))
            for t in C._themes(text):
                full["#" + t] += 2
            ledger = [rel(u) for u in body]
            bm = _bm25(docs, full)
            para_score = dict(zip(keys, _bm25(paras, full), strict=True))
            bm_para = _mix(bm, [para_score[u.para_key] for u in body], 0.6)
            for name, score in (
                ("ledger relevance", ledger),
                ("BM25, whole item", bm),
                ("BM25, whole item + paragraph", bm_para),
            ):
                order = sorted(range(len(body)), key=lambda k, sc=score: -sc[k])
                pos = min(order.index(k) for k in target) + 1
                zero = all(score[k] == 0 for k in target)
                c = ranks.setdefault(name, Counter())
                c["n"] += 1
                c["no tie (score 0)"] += zero
                for top in (1, 3, 5, 10):
                    c[f"top {top}"] += pos <= top and not zero
    n = sum(stance.values())
    print(
        f"stance on the reader's own sentence ({n} items): "
        + ", ".join(f"{k} {v} ({100 * v / n:.0f}%)" for k, v in sorted(stance.items()))
    )
    for name, c in ranks.items():
        print(
            f"{name:<30} {c['n']} items whose sentence is one of B's: "
            + ", ".join(
                f"{k} {c[k]} ({100 * c[k] / c['n']:.0f}%)"
                for k in ("top 1", "top 3", "top 5", "top 10", "no tie (score 0)")
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
