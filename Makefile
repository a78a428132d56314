# Every target sets itself up on a fresh machine: the first call creates .venv and installs
# the pinned versions from constraints.txt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EDITION ?= $(shell date +%Y)

export PIPELINE_DATA_DIR ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: install test run demo dev bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

run: $(STAMP)
	mkdir -p "$(DAGSTER_HOME)"
	$(BIN)/python -m assets.cli run --edition $(EDITION)

demo: $(STAMP)
	mkdir -p "$(DAGSTER_HOME)"
	$(BIN)/python -m assets.cli demo --edition $(EDITION)

dev: $(STAMP)
	mkdir -p "$(DAGSTER_HOME)"
	$(BIN)/dagster dev -w workspace.yaml

BENCH_STAMP := $(VENV)/.bench-stamp

# The benchmarks also need the baseline client (`eurostat` on PyPI): the `bench` extra.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
