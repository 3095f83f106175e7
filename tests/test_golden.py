"""Golden JSON for each bundled sample: reviewed by hand, regenerated only on purpose
(`make golden`, i.e. pytest --update-golden), and the diff read before committing."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

CASES = [
    "salford-2023.pdf",
    "trafford-2022.pdf",
    "salford-2023-ilacs-inspection.txt",
    "trafford-2022-ilacs-inspection.txt",
    "salford-2025.pdf",
    "salford-2025-focused-visit.txt",
    "salford-2015.pdf",
    "salford-2012-child-protection-summary.txt",
]
GOLDEN = ROOT / "tests" / "golden"


def _blank_volatile(data: dict) -> dict:
    data["source"]["parser_version"] = ""
    return data


@pytest.mark.parametrize("name", CASES)
def test_golden(reports, update_golden, name):
    got = _blank_volatile(reports(name).model_dump(mode="json"))
    path = GOLDEN / (name.rsplit(".", 1)[0] + ("-text" if name.endswith(".txt") else "") + ".json")
    if update_golden:
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected
