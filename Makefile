# graphsvc: `make run` serves the demo, `make test` runs everything CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= $(CURDIR)/.data
export GRAPHSVC_STORE ?= sqlite:///$(DATA)/graphsvc.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check lint typecheck bench schema clean install browser

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

## run: set up, load the demo portfolio into the embedded store if it is empty, serve it on loopback without
##      sign-in; open the URL it prints (http://$(HOST):$(PORT)/) for the portfolio, account maps and team pages
run: $(STAMP)
	$(BIN)/graphsvc demo --if-empty
	$(BIN)/graphsvc serve --host $(HOST) --port $(PORT) --no-auth

## test: lint, type checks and the whole test suite (the browser tests included), in TEST_WORKERS processes
##       (pytest-xdist, an idle worker takes tests from a busy one; each worker has its own Neo4j test servers)
TEST_WORKERS ?= 2
test: $(STAMP) browser lint typecheck
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=25

## check: the quick local loop (lint, types, tests not marked slow)
check: $(STAMP) lint typecheck
	$(BIN)/python -m pytest -m "not slow" -q

## browser: Debian's chromium for the browser tests, installed when missing (as root, or through sudo)
CHROMIUM ?= $(or $(GRAPHSVC_CHROMIUM),chromium)
browser:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; else \
	    echo "make browser: $(CHROMIUM) is missing and installing it needs root: apt-get install chromium" >&2; exit 1; fi; \
	  echo "installing Debian's chromium for the browser tests" >&2; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends chromium; }

lint: $(STAMP)
	$(BIN)/ruff check graphsvc tests bench
	$(BIN)/ruff format --check graphsvc tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

## bench: every benchmark under bench/, results to bench/results/
bench: $(STAMP)
	$(BIN)/python -m bench

## soak: ten minutes of a moderate steady load on the embedded store (bench/soak.py): zero errors, stable memory,
##       no growth in open files or connections; result in bench/results/ (SOAK_ARGS="--store neo4j --minutes 20")
.PHONY: soak
soak: $(STAMP)
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

## schema: regenerate the files under schema/ from the code
schema: $(STAMP)
	$(BIN)/python -m graphsvc.model.jsonschema > schema/interchange.schema.json
	$(BIN)/python -m graphsvc.api > schema/schema.graphql

## fuzz: the long fuzz run: FUZZ_EXAMPLES (3000) generated queries and mutations per store against a live
##       graphsvc serve on SQLite and on Neo4j, random seed FUZZ_SEED; figures to bench/results/ (docs/reliability.md)
FUZZ_EXAMPLES ?= 3000
FUZZ_SEED ?= $(shell date +%s)
.PHONY: fuzz
fuzz: $(STAMP)
	GRAPHSVC_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) GRAPHSVC_FUZZ_SEED=$(FUZZ_SEED) GRAPHSVC_FUZZ_RESULTS=1 \
	  $(BIN)/python -m pytest tests/fuzz/test_live_schema.py -q -s --timeout=0

clean:
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache .hypothesis
