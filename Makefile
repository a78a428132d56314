# Every target sets itself up on a fresh machine: the first call creates .venv and installs
# the pinned versions from constraints.txt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EDITION ?= $(shell date +%Y)

export PIPELINE_DATA_DIR ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: install test run demo dev dev-demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

# The CLI checks every setting first, then creates the Dagster instance of the data directory
# (deploy/dagster.local.yaml copied in when absent: telemetry off). Add DEBUG=1 for tracebacks.
CLI := $(BIN)/python -m assets.cli $(if $(filter-out 0,$(DEBUG)),--debug)

run: $(STAMP)
	@$(CLI) run --edition "$(EDITION)"

demo: $(STAMP)
	@$(CLI) demo --edition "$(EDITION)"

# The UI on the live data ($(PIPELINE_DATA_DIR), instance $(DAGSTER_HOME)).
dev: $(STAMP)
	@$(CLI) dev

# The UI on the demo's data and instance (data/demo, data/demo/.dagster), with the sample mirror
# served while it runs, so materialising from the UI works offline.
dev-demo: $(STAMP)
	@$(CLI) dev --demo

BENCH_STAMP := $(VENV)/.bench-stamp

# The benchmarks also need the baseline client (`eurostat` on PyPI): the `bench` extra.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
