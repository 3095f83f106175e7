"""The short version of the fuzzing harness (``make fuzz`` runs a few hundred inputs):
mutated seed texts and a small sample PDF, each with a time and a memory limit. Fails on
an internal error, a traceback, a hang, or output that does not validate or draw."""

from __future__ import annotations

from fuzz.fuzz import fuzz, quick_pool
from fuzz.mutate import mutants


def test_mutants_are_deterministic_and_varied():
    first, again = mutants(40, seed=3), mutants(40, seed=3)
    assert [m.data for m in first] == [m.data for m in again]
    assert len({m.how for m in first}) >= 6
    assert len({m.data for m in first}) == 40


def test_twenty_mutated_inputs():
    summary = fuzz(20, seed=1, pool=quick_pool(), cli_every=10, timeout=30)
    assert summary.failures == [], "\n".join(summary.lines())
    assert sum(summary.codes.values()) == 20
    assert summary.cli_runs == 2
    assert set(summary.codes) <= {0, 3, 4}
    assert summary.codes[0] > 0  # some mutants are still reports
