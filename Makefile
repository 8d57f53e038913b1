# Two commands: `make run` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# GOV.UK Frontend for the pages, axe-core for their tests: from the npm registry, never copied in.
NODE_MODULES := node_modules/.package-lock.json
# The browser tests drive Debian's Chromium through its chromedriver.
CHROMEDRIVER := /usr/bin/chromedriver
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: run test lint bench bench-scale faults

$(INSTALLED): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(CHROMEDRIVER):
	$(APT_GET) install -y -q chromium chromium-driver || \
		($(APT_GET) update -q && $(APT_GET) install -y -q chromium chromium-driver)

# The API's workers and each consumer in processes of their own; Ctrl-C stops them all.
run: $(INSTALLED) $(NODE_MODULES)
	$(BIN)/keywork run

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Two workers, each with its own PostgreSQL, broker and service, and a test file kept on one:
# most of the suite waits on servers and the browser, so two share two cores well.
TEST_WORKERS ?= 2

test: lint $(NODE_MODULES) $(CHROMEDRIVER)
	$(BIN)/pytest --numprocesses $(TEST_WORKERS) --dist loadfile

# One table of every figure against its target; the parts also run alone (bench/*.py --help).
bench: $(INSTALLED)
	$(BIN)/python bench/run.py

# The county's reads, then England's (13.4M case events, 21.4M reads): 60 to 72 minutes here.
# Point KEYWORK_DATABASE_URL at a server to keep the history, and a second run resumes or reuses it.
bench-scale: $(INSTALLED)
	$(BIN)/python bench/run.py --scale england

# The long fault runs: 200 consumer kills instead of make test's 20.
faults: $(INSTALLED)
	KEYWORK_FAULTS_KILLS=200 $(BIN)/pytest tests/faults -s
