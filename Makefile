# Two commands: `make run` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint bench faults

$(INSTALLED): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(INSTALLED)
	$(BIN)/keywork run

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(INSTALLED)
	$(BIN)/python bench/commands.py $(ARGS)
	$(BIN)/python bench/projections.py
	$(BIN)/python bench/relay.py
	$(BIN)/python bench/reads.py

# The long fault runs: 200 consumer kills instead of make test's 20.
faults: $(INSTALLED)
	KEYWORK_FAULTS_KILLS=200 $(BIN)/pytest tests/faults -s
