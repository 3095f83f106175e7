# ilacs: make demo (run on a bundled sample), make test (the test suite).
# Each target creates .venv and installs what it needs on a machine with Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= ../shared/corpus

.PHONY: demo test corpus bench lint golden fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# setuptools' notes about editable installs are not for users: warnings off while installing
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The README's first screen on the bundled samples: a table, a diff and a JSON file.
# Nothing is saved in your library (--no-save; diff of two files opens no library).
DEMO_OUT ?= .demo
demo: $(STAMP)
	@echo "== ilacs extract samples/salford-2023.pdf --no-findings --no-save ==" >&2
	$(BIN)/ilacs extract samples/salford-2023.pdf --no-findings --no-save
	@echo "== ilacs diff samples/salford-2023.pdf samples/salford-2025.pdf ==" >&2
	$(BIN)/ilacs diff samples/salford-2023.pdf samples/salford-2025.pdf
	@mkdir -p $(DEMO_OUT)
	$(BIN)/ilacs extract samples/salford-2025.pdf --no-save --format json -o $(DEMO_OUT)/salford-2025.json
	@echo "== wrote $(DEMO_OUT)/salford-2025.json; the command is $(BIN)/ilacs (or: source $(BIN)/activate) ==" >&2

test: $(STAMP)
	$(BIN)/python -m pytest -q

corpus: $(STAMP)
	$(BIN)/python tests/corpus_check.py --corpus $(CORPUS)

# Speed as ratios against baselines measured in the same run (not part of make test).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --corpus $(CORPUS)

# Mutated samples and seed texts, each with a time and a memory limit; counts by exit code.
# Fails on an internal error, a traceback, a hang or output that does not validate.
FUZZ_COUNT ?= 300
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/fuzz.py --count $(FUZZ_COUNT)

lint: $(STAMP)
	$(BIN)/ruff check ilacs_cli tests
	$(BIN)/ruff format --check ilacs_cli tests

# Regenerate tests/golden/*.json on purpose, then review the diff by hand.
golden: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_golden.py --update-golden

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
