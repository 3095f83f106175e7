"""The diff ledger against the labelled set in tests/truth/diff_labels/ (run by `make corpus`).

Independent readers, who never saw the code's output, read B in full for 74 pairs of corpus
documents (five rounds) and labelled each of A's improvement items ``addressed`` /
``persisting`` / ``not_mentioned`` with the deciding sentence of B (READER-BRIEF*.md are
their briefs); rounds 1-4 were read a second time (second/). This prints, per pair, per
round (SPLIT.json), per basis and for the two readings:

- agreement: the code's status equals the reader's label (``unclear`` never agrees);
- the confusion matrix (reader's label x code's status) and how many are ``unclear``;
- swapped: addressed where the reader says persisting, or the reverse (the harmful error);
- first evidence = the reader's deciding sentence, over the items the reader decided;
- not_mentioned items (by the reader) that still get evidence.

Run alone: ``python tests/diff_eval.py --corpus ../shared/corpus [--cache DIR]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ilacs_cli.compare import ImprovementAreaChange, diff  # noqa: E402
from ilacs_cli.models import Report  # noqa: E402

LABELS = ROOT / "tests" / "truth" / "diff_labels"
#: A second, independent reading of every pair (READER-BRIEF-second.md: the round 4 brief,
#: and the first readers' labels kept from them).
SECOND = LABELS / "second"
READER = ("addressed", "persisting", "not_mentioned")
#: The splits of SPLIT.json ("dev" is every pair in none of the others), and their titles.
SPLITS = ("dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5")
SPLIT_NAMES = {
    "dev": "dev pairs (round 1)",
    "holdout": "held-out pairs (round 1, since seen)",
    "holdout2": "held-out pairs (round 2, since seen)",
    "holdout3": "held-out pairs (round 3, since seen)",
    "holdout4": "held-out pairs (round 4, since seen)",
    "holdout5": "held-out pairs (round 5)",
}
CODE = ("addressed", "persisting", "not_mentioned", "unclear", "left_out")


@dataclass
class Item:
    pair: str
    kind: str
    n: int
    text: str
    lscb: bool
    label: str
    confidence: str
    sentence: str | None
    status: str = "left_out"
    first_evidence: str | None = None
    evidence_texts: list[str] = field(default_factory=list)
    verdict_confidence: float | None = None
    reason: str | None = None
    basis: str | None = None
    second: str | None = None  # the second reader's label (second/), None where unread
    second_confidence: str | None = None
    second_sentence: str | None = None


def load_pairs() -> list[dict]:
    """Every labelled pair with A's items (text, whose list) joined to the readers' labels."""
    items: dict[tuple[str, int], dict] = {}
    for f in sorted((LABELS / "pairs").glob("pairs-reader*.json")):
        for pair in json.loads(f.read_text(encoding="utf-8")):
            for it in pair["A_items"]:
                items[(pair["pair_id"], it["n"])] = it
    splits = json.loads((LABELS / "SPLIT.json").read_text(encoding="utf-8"))
    split_of = {pid: name for name in SPLITS[1:] for pid in splits.get(name, [])}
    pairs = []
    for f in sorted(LABELS.glob("*__TO__*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        d["split"] = split_of.get(d["pair_id"], "dev")
        d["A_items"] = {n: it for (p, n), it in items.items() if p == d["pair_id"]}
        second = SECOND / f.name
        if second.exists():
            again = {it["n"]: it for it in json.loads(second.read_text(encoding="utf-8"))["items"]}
            for it in d["items"]:
                if it["n"] in again:
                    it["second"] = again[it["n"]]["label"]
                    it["second_confidence"] = again[it["n"]]["confidence"]
                    it["second_sentence"] = again[it["n"]].get("sentence")
        pairs.append(d)
    return pairs


_WORD = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def same_sentence(reader: str, code: str) -> bool:
    """The code's evidence is the reader's sentence: at least 80% of the reader's words, in
    order-free terms, are in the evidence, and the evidence is not a whole page of text."""
    r, c = _tokens(reader), set(_tokens(code))
    if not r:
        return False
    share = sum(1 for w in r if w in c) / len(r)
    return share >= 0.8 and len(c) <= 3 * len(set(r)) + 40


def _match(report: Report, it: dict) -> int | None:
    """The 0-based index of a labelled item in today's extraction: by number when the text
    agrees, else by its text (the extraction may have moved)."""
    want = _tokens(it["text"])[:12]
    n = it["n"] - 1
    texts = [_tokens(ia.text)[:12] for ia in report.improvement_areas]
    if n < len(texts) and texts[n] == want:
        return n
    return next((i for i, t in enumerate(texts) if t == want), None)


#: per pair: (area pair, change, comparability) of every grade row, for the grade summary
GRADE_ROWS: dict[str, list[tuple[str, str, str | None]]] = {}


def run_pair(pair: dict, old: Report, new: Report, warn: Callable[[str], None]) -> list[Item]:
    d = diff(old, new)
    GRADE_ROWS[pair["pair_id"]] = [
        (
            f"{r.old_area.value if r.old_area else '-'} -> "
            f"{r.new_area.value if r.new_area else '-'}",
            r.change.value,
            getattr(r, "comparability", None) and r.comparability.value,
        )
        for r in [*d.judgements, *([d.overall] if d.overall else [])]
    ]
    by_index: dict[int, ImprovementAreaChange] = {
        c.old_index: c for c in d.improvement_areas if c.old_index is not None
    }
    out = []
    for lab in pair["items"]:
        it = pair["A_items"][lab["n"]]
        item = Item(
            pair=pair["pair_id"],
            kind=pair["pair_kind"],
            n=lab["n"],
            text=it["text"],
            lscb=it.get("whose") == "lscb",
            label=lab["label"],
            confidence=lab["confidence"],
            sentence=lab.get("sentence"),
            second=lab.get("second"),
            second_confidence=lab.get("second_confidence"),
            second_sentence=lab.get("second_sentence"),
        )
        index = _match(old, it)
        if index is None:
            warn(f"{pair['pair_id']}: item {lab['n']} not in today's extraction")
        elif (c := by_index.get(index + 1)) is not None:
            item.status = c.status.value
            item.evidence_texts = [e.text for e in c.evidence]
            item.first_evidence = item.evidence_texts[0] if item.evidence_texts else None
            item.verdict_confidence = getattr(c, "confidence", None)
            item.reason = c.reason
            item.basis = getattr(c, "basis", None) and c.basis.value
        out.append(item)
    return out


@dataclass
class Score:
    n: int
    agree: int
    swapped: int
    unclear: int
    decided: int  # reader's addressed/persisting items with a sentence
    first_is_reader: int
    nm: int
    nm_with_evidence: int
    matrix: Counter[tuple[str, str]]

    @property
    def agreement(self) -> float:
        return self.agree / self.n if self.n else 0.0


def score(items: Iterable[Item]) -> Score:
    items = list(items)
    matrix: Counter[tuple[str, str]] = Counter((i.label, i.status) for i in items)
    decided = [i for i in items if i.label != "not_mentioned" and i.sentence]
    nm = [i for i in items if i.label == "not_mentioned"]
    return Score(
        n=len(items),
        agree=sum(i.label == i.status for i in items),
        swapped=sum({i.label, i.status} == {"addressed", "persisting"} for i in items),
        unclear=sum(i.status == "unclear" for i in items),
        decided=len(decided),
        first_is_reader=sum(
            bool(i.first_evidence and same_sentence(i.sentence or "", i.first_evidence))
            for i in decided
        ),
        nm=len(nm),
        nm_with_evidence=sum(bool(i.evidence_texts) for i in nm),
        matrix=matrix,
    )


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f}%)" if b else f"{a}/0"


def summary_line(name: str, s: Score) -> str:
    return (
        f"{name:<70} items {s.n:>3}  agree {_pct(s.agree, s.n):>13}  "
        f"swapped {_pct(s.swapped, s.n):>11}  unclear {s.unclear:>2}  "
        f"first=reader {_pct(s.first_is_reader, s.decided):>12}  "
        f"not_mentioned with evidence {_pct(s.nm_with_evidence, s.nm)}"
    )


def compact_matrix(s: Score) -> str:
    """The confusion matrix on one line: per reader label (a, p, n), the code's counts as
    addressed/persisting/not_mentioned/unclear ("a 3/0/1/0" = 3 agreed, 1 not mentioned)."""
    return "  ".join(
        f"{r[0]} " + "/".join(str(s.matrix[(r, c)]) for c in CODE[:4])
        for r in READER
        if any(s.matrix[(r, c)] for c in CODE)
    )


def matrix_lines(s: Score) -> list[str]:
    cols = [c for c in CODE if any(s.matrix[(r, c)] for r in READER)]
    head = "reader \\ code".ljust(15) + "".join(c.rjust(15) for c in cols)
    rows = [head]
    for r in READER:
        rows.append(r.ljust(15) + "".join(str(s.matrix[(r, c)]).rjust(15) for c in cols))
    return rows


def report(items: list[Item], pairs: list[dict], out: Callable[[str], None] = print) -> None:
    split = {p["pair_id"]: p["split"] for p in pairs}
    out("\nDiff ledger against the readers' labels (tests/truth/diff_labels)")
    for pair in pairs:
        pid = pair["pair_id"]
        mine = [i for i in items if i.pair == pid]
        out(summary_line(f"[{pair['split']}] {pid}", score(mine)))
        out(" " * 6 + "reader -> code a/p/n/u: " + compact_matrix(score(mine)))
    groups: list[tuple[str, list[Item]]] = [
        *((SPLIT_NAMES[name], [i for i in items if split[i.pair] == name]) for name in SPLITS),
        ("all pairs", items),
        ("all pairs, LSCB recommendations aside", [i for i in items if not i.lscb]),
        (
            "all pairs, items the reader was sure of (high/medium)",
            [i for i in items if i.confidence != "low"],
        ),
    ]
    for kind in sorted({p["pair_kind"] for p in pairs}):
        groups.append((f"kind {kind}", [i for i in items if i.kind == kind]))
    for name, group in groups:
        s = score(group)
        out("")
        out(summary_line(name, s))
        for line in matrix_lines(s):
            out("    " + line)
    by_basis(items, out)
    two_readers(items, out)
    rows = [row for pid in split for row in GRADE_ROWS.get(pid, [])]
    changes = Counter((how or "-", change) for _, change, how in rows)
    out(
        "\nGrade rows of these pairs (comparability, change): "
        + ", ".join(f"{how}/{change} {n}" for (how, change), n in sorted(changes.items()))
    )
    bad = [
        (pid, pair)
        for pid in split
        for pair, change, how in GRADE_ROWS.get(pid, [])
        if how == "not_comparable" and change in ("improved", "declined", "unchanged")
    ]
    out(f"grade changes reported across judgements that do not compare: {len(bad)}")
    wrong = [i for i in items if i.label != i.status]
    if wrong:
        out("\nDisagreements (pair, item, reader -> code):")
        for i in wrong:
            out(f"  [{split[i.pair]}] {i.pair} #{i.n}: {i.label} -> {i.status}  {i.text[:70]}")


def by_basis(items: list[Item], out: Callable[[str], None] = print) -> None:
    """Per basis of the verdict (what it rests on): how many, how many agree with the
    reader, how many are swapped, and the readers' labels: how far a verdict of each kind
    can be trusted (the README's table)."""
    out("\nBy basis (what the verdict rests on): items, agree, swapped, readers' labels a/p/n")
    groups: dict[str, list[Item]] = {}
    for i in items:
        groups.setdefault(i.basis or "-", []).append(i)
    for basis, group in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        s = score(group)
        labels = "/".join(str(sum(i.label == r for i in group)) for r in READER)
        out(
            f"  {basis:<24} {s.n:>4}  agree {_pct(s.agree, s.n):>13}  "
            f"swapped {_pct(s.swapped, s.n):>11}  readers {labels}"
        )


def kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's kappa of two labellings: agreement beyond what their label shares give."""
    n = len(pairs)
    if not n:
        return 0.0
    seen = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[k] * second[k] for k in READER) / (n * n)
    return (seen - chance) / (1 - chance) if chance < 1 else 1.0


def two_readers(items: list[Item], out: Callable[[str], None] = print) -> None:
    """How far two careful readers agree (the ceiling a ledger can be held to), and the code
    against the second reader and against the items both readers label alike."""
    both = [i for i in items if i.second is not None]
    if not both:
        return
    labels = [(i.label, i.second or "") for i in both]
    agree = sum(a == b for a, b in labels)
    swapped = sum({a, b} == {"addressed", "persisting"} for a, b in labels)
    out("\nTwo readers (tests/truth/diff_labels/second: every item read again, blind)")
    out(
        f"reader 1 vs reader 2: items {len(both)}  agree {_pct(agree, len(both))}  "
        f"swapped {_pct(swapped, len(both))}  kappa {kappa(labels):.2f}"
    )
    m = Counter(labels)
    out("    reader 1 \\ reader 2" + "".join(c.rjust(15) for c in READER))
    for r in READER:
        out("    " + r.ljust(19) + "".join(str(m[(r, c)]).rjust(15) for c in READER))
    as_second = [
        Item(
            **{
                **i.__dict__,
                "label": i.second,
                "confidence": i.second_confidence or "",
                "sentence": i.second_sentence,
            }
        )
        for i in both
    ]
    consensus = [i for i in both if i.label == i.second]
    for name, group in (
        ("the code against reader 2", as_second),
        ("the code on the items both readers label alike", consensus),
        (
            "... of those, items both readers were sure of (high/medium)",
            [i for i in consensus if {i.confidence, i.second_confidence} <= {"high", "medium"}],
        ),
    ):
        s = score(group)
        out(summary_line(name, s))
        out("    reader -> code a/p/n/u: " + compact_matrix(s))


def evaluate(
    reports: dict[str, Report],
    load: Callable[[str], Report] | None = None,
    out: Callable[[str], None] = print,
    only: str | None = None,
) -> list[Item]:
    """Run the evaluation over ``reports`` (corpus-relative path -> report); ``load`` reads a
    document that is not there."""
    pairs = load_pairs()
    if only:
        pairs = [p for p in pairs if p["split"] == only]
    items: list[Item] = []
    for pair in pairs:
        docs = []
        for side in ("A", "B"):
            rel = pair[side]
            if rel not in reports and load is not None:
                reports[rel] = load(rel)
            docs.append(reports.get(rel))
        if docs[0] is None or docs[1] is None:
            out(f"{pair['pair_id']}: documents not extracted; skipped")
            continue
        items.extend(run_pair(pair, docs[0], docs[1], lambda m: out("warning: " + m)))
    report(items, pairs, out)
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--cache", help="a folder to keep extracted JSON in between runs")
    parser.add_argument("--split", choices=SPLITS, help="only these pairs")
    parser.add_argument("--json", help="write every item's result here")
    args = parser.parse_args()
    from ilacs_cli import extract

    corpus = Path(args.corpus)
    cache = Path(args.cache) if args.cache else None

    def load(rel: str) -> Report:
        if cache is not None:
            saved = cache / (rel.replace("/", "__").removesuffix(".pdf") + ".json")
            if saved.exists():
                return Report.model_validate_json(saved.read_text(encoding="utf-8"))
        report = extract(corpus / rel)
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            saved.write_text(report.model_dump_json(), encoding="utf-8")
        return report

    items = evaluate({}, load, only=args.split)
    if args.json:
        Path(args.json).write_text(
            json.dumps([i.__dict__ for i in items], indent=1, ensure_ascii=False), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
