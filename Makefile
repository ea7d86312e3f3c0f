# backstride: every target does its own set-up on a fresh Debian machine with Python 3.11.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXTRAS ?= dev,web,postgres,report,video,team

.PHONY: all run test test-fast lint fix typecheck kb-check docs serve bench clean install system-deps

all: lint test

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP)

# Debian packages the full test run needs (headless Chromium for the browser tests,
# Pango for PDF reports). Installed only where we are root and they are missing.
system-deps:
	@sh scripts/system-deps.sh

# The web app on the embedded SQLite store; it prints its address.
run: $(STAMP)
	$(BIN)/backstride serve

serve: $(STAMP)
	$(BIN)/backstride serve

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The inner loop (README "Development" says what it covers). Bytecode is written even where
# PYTHONDONTWRITEBYTECODE is set: without cached .pyc files each worker recompiles the
# package and pytest re-rewrites every test module, ~4 s of CPU per worker per run.
test-fast: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n 2 -m "not slow and not postgres and not browser and not video"

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)
	$(BIN)/mypy

fix: $(STAMP)
	$(BIN)/ruff check --fix src tests $(wildcard bench)
	$(BIN)/ruff format src tests $(wildcard bench)

typecheck: $(STAMP)
	$(BIN)/mypy

# docs/cli.md from the commands' --help (tests/test_docs.py fails when it is out of step).
docs: $(STAMP)
	$(BIN)/python -m backstride.present.cli.docs

kb-check: $(STAMP)
	$(BIN)/backstride kb check

bench: $(STAMP)
	@for b in bench/*_bench.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
