from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEEDS = SAMPLES / "seeds"

# deterministic rich output: fixed width, no colour
os.environ.setdefault("COLUMNS", "120")
os.environ["NO_COLOR"] = "1"
os.environ["TERM"] = "dumb"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/*.json from the current output (review the diff!)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def reports():
    """Extract each bundled sample once per test session."""
    from ilacs_cli import extract

    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            path = SEEDS / name if name.endswith(".txt") else SAMPLES / name
            cache[name] = extract(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        return cache[name]

    old = os.getcwd()
    os.chdir(ROOT)
    yield get
    os.chdir(old)


@pytest.fixture(autouse=True)
def _library_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test touches the real user data folder: every test gets its own library file."""
    path = tmp_path_factory.mktemp("library") / "library.sqlite3"
    monkeypatch.setenv("ILACS_LIBRARY", str(path))
    return path
