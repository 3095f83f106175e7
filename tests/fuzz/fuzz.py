"""The fuzzing harness: mutations of ``samples/*.pdf`` and ``samples/seeds/*.txt`` run
through ilacs with a time and a memory limit per input, counted by exit code.

    python tests/fuzz/fuzz.py --count 300            # make fuzz
    python tests/fuzz/fuzz.py --count 20 --quick     # what make test runs

Every input runs in a worker process of ``ilacs_cli.batch.Batch`` (``--timeout`` per input)
inside a child process whose address space is capped (``resource.setrlimit``, inherited
by the workers): the exit code and reason are the ones ``ilacs extract`` gives. Each
report is validated against the ``Report`` model (a JSON round trip) and drawn as the
table view. Every ``--cli-every``-th input also runs as a real ``ilacs extract`` command
(``fuzz.runner.run_ilacs``), whose stderr must be one-line messages.

A failure is: exit 5 (an internal error), a traceback, a hang past the wall-clock limit,
output that does not validate or cannot be drawn, or a stderr line that is not ``Error:``,
``Warning:`` or ``Note:``. Failing inputs are kept in ``--keep`` (default: a temporary
folder, printed) to be replayed with ``ilacs extract FILE --debug``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make tests/ importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz.mutate import Mutant, Sample, mutants, samples  # noqa: E402
from fuzz.runner import ROOT, run_ilacs  # noqa: E402

MEMORY = 1 << 30  # per process: the interpreter with pdfplumber loaded is ~45 MB
TIMEOUT = 30.0  # seconds per input (ilacs --timeout)

# Runs in the child process: the batch over the inputs, one JSON line per outcome.
_CHILD = """
import io, json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from rich.console import Console
from ilacs_cli.batch import Batch
from ilacs_cli.models import Report
from ilacs_cli.render import print_report
paths = sys.argv[4:]
batch = Batch(paths, jobs=int(sys.argv[3]), timeout=float(sys.argv[2]),
              options={"kind": None, "password": None, "max_pages": 200, "engine": "pdfplumber"})
for outcome in batch:
    problem = None
    if outcome.report is not None:
        try:
            again = Report.model_validate_json(outcome.report.model_dump_json())
            assert again == outcome.report, "the JSON round trip changed the report"
            print_report(Console(file=io.StringIO(), width=100), again, findings=True)
        except Exception as exc:
            problem = f"output: {type(exc).__name__}: {exc}"
    print(json.dumps({"path": outcome.path, "code": outcome.code, "reason": outcome.reason,
                      "traceback": outcome.traceback, "problem": problem}), flush=True)
"""


@dataclass
class Summary:
    codes: Counter[int] = field(default_factory=Counter)
    by_mutator: dict[str, Counter[int]] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (input, what went wrong)
    cli_runs: int = 0

    def lines(self) -> list[str]:
        total = sum(self.codes.values())
        out = [
            f"{total} inputs; by exit code: "
            + ", ".join(f"{code}: {n}" for code, n in sorted(self.codes.items()))
        ]
        for how, codes in sorted(self.by_mutator.items()):
            out.append(f"  {how:<18} " + ", ".join(f"{c}: {n}" for c, n in sorted(codes.items())))
        out.append(f"{self.cli_runs} also run as `ilacs extract` commands")
        out.append(f"{len(self.failures)} failures")
        out.extend(f"  FAIL {name}: {what}" for name, what in self.failures)
        return out


def _batch(files: dict[str, Mutant], jobs: int, timeout: float, memory: int) -> list[dict]:
    wall = timeout * len(files) / max(jobs, 1) + 120
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(memory), str(timeout), str(jobs), *files],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=wall,
    )
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or len(results) != len(files):
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        raise RuntimeError(f"the fuzzing child process failed: {tail[0]}")
    return results


_ONE_LINE = ("Error: ", "Warning: ", "Note: ")


def _cli(path: str, timeout: float, memory: int) -> str | None:
    """What is wrong with ``ilacs extract PATH`` as a command, or None."""
    run = run_ilacs(
        "extract",
        path,
        "-f",
        "json",
        "--no-save",
        "--timeout",
        f"{timeout:g}",
        "--jobs",
        "1",
        memory=memory,
        seconds=timeout + 60,
    )
    if run.code is None:
        return "hung past the wall-clock limit"
    if run.code == 5 or "Traceback" in run.stderr:
        return f"exit {run.code}: {run.stderr.strip()[:300]}"
    bad = [ln for ln in run.stderr.splitlines() if not ln.startswith(_ONE_LINE)]
    if bad:
        return f"stderr line not in the one-line format: {bad[0][:200]!r}"
    if run.code == 0:
        from ilacs_cli.models import Report

        try:
            Report.model_validate_json(run.stdout)
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            return f"stdout does not validate: {exc}"
    return None


def fuzz(
    count: int,
    *,
    seed: int = 0,
    jobs: int = 1,
    timeout: float = TIMEOUT,
    memory: int = MEMORY,
    cli_every: int = 10,
    keep: Path | None = None,
    pool: list[Sample] | None = None,
) -> Summary:
    summary = Summary()
    inputs = mutants(count, seed, pool)
    with tempfile.TemporaryDirectory(prefix="ilacs-fuzz-") as tmp:
        files: dict[str, Mutant] = {}
        for mutant in inputs:
            path = Path(tmp) / mutant.name
            path.write_bytes(mutant.data)
            files[str(path)] = mutant
        for result in _batch(files, jobs, timeout, memory):
            mutant = files[result["path"]]
            code = result["code"]
            summary.codes[code] += 1
            summary.by_mutator.setdefault(mutant.how, Counter())[code] += 1
            if code == 5 or result["traceback"]:
                what = (result["traceback"] or result["reason"] or "").strip().splitlines()[-1:]
                summary.failures.append((mutant.name, f"exit {code}: {''.join(what)}"))
            elif result["problem"]:
                summary.failures.append((mutant.name, result["problem"]))
        for n, (path, mutant) in enumerate(files.items()):
            if cli_every and n % cli_every == 0:
                summary.cli_runs += 1
                problem = _cli(path, timeout, memory)
                if problem:
                    summary.failures.append((mutant.name, f"as a command: {problem}"))
        if summary.failures:
            keep = keep or Path(tempfile.mkdtemp(prefix="ilacs-fuzz-failures-"))
            keep.mkdir(parents=True, exist_ok=True)
            for name, _ in summary.failures:
                (keep / name).write_bytes(next(m.data for m in inputs if m.name == name))
            summary.failures.append((str(keep), "the failing inputs are kept here"))
    return summary


def quick_pool() -> list[Sample]:
    """The seed texts and the smallest sample PDF: ~20 inputs in a few seconds."""
    pool = samples()
    pdfs = sorted((s for s in pool if s.pdf), key=lambda s: len(s.data))
    return [s for s in pool if not s.pdf] + pdfs[:1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="inputs to generate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per input")
    parser.add_argument("--memory-mb", type=int, default=MEMORY >> 20, help="per process")
    parser.add_argument("--cli-every", type=int, default=10, help="0: no command runs")
    parser.add_argument("--keep", type=Path, help="where to keep failing inputs")
    parser.add_argument("--quick", action="store_true", help="seed texts and one small PDF")
    args = parser.parse_args(argv)
    summary = fuzz(
        args.count,
        seed=args.seed,
        jobs=args.jobs,
        timeout=args.timeout,
        memory=args.memory_mb << 20,
        cli_every=args.cli_every,
        keep=args.keep,
        pool=quick_pool() if args.quick else None,
    )
    print("\n".join(summary.lines()))
    return 1 if summary.failures else 0


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", "100")
    sys.exit(main())
