# jingqing — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= data/demo-city
PORT ?= 3000

export BENTOML_DO_NOT_TRACK := true
export MLFLOW_ALLOW_FILE_STORE := false
# Compiled bytecode is kept in .venv/pycache, outside the source tree: uv installs no .pyc
# files, so without a cache every step of the demo (and every CLI test's subprocess) would
# compile mlflow, pandas, scikit-learn, scipy, ... from source again (about 10 s of CPU per
# process that imports them). An empty PYTHONDONTWRITEBYTECODE lets Python write it.
export PYTHONDONTWRITEBYTECODE :=
export PYTHONPYCACHEPREFIX := $(abspath $(VENV))/pycache

.PHONY: venv demo demo-models test lint format bench clean browser-deps screenshots

venv: $(STAMP)

# The install: uv installs the same pins from the same indexes as pip in a fraction of the
# time (it resolves and downloads in parallel and links from its cache); plain pip is the
# fallback whenever uv cannot be had or fails. The venv is made without pip (ensurepip is
# the slowest part of `python -m venv`); uv installs pip into it with everything else, the
# fallback bootstraps it. uv is the venv's own (a dev dependency), else one on PATH, else
# pip puts it into the venv first (one 20 MB wheel). uv reads neither pip.conf nor PIP_*
# variables, so pip's own settings (`pip config list`: index, extra indexes, find-links,
# constraints, no-index, CA bundle) are handed to it, with pip's rule of taking the best version
# from all of them.
UV_REQUIREMENT := uv>=0.5,<1
# A setting as pip's install command sees it: the [global] section, then [install], then
# the PIP_* variables, the last one found winning.
PIP_SETTING = $$(for part in global install :env:; do printf '%s\n' "$$pip_settings" \
  | sed -n "s/^$$part\.$(1)='\(.*\)'$$/\1/p"; done | tail -n 1)
INSTALL_WITH_UV = pip_settings=$$($(PYTHON) -m pip config list 2>/dev/null | sed 's/\\n/ /g'); \
  set --; \
  for url in $(call PIP_SETTING,index-url); do set -- "$$@" --index-url "$$url"; done; \
  for url in $(call PIP_SETTING,extra-index-url); do set -- "$$@" --extra-index-url "$$url"; done; \
  for dir in $(call PIP_SETTING,find-links); do set -- "$$@" --find-links "$$dir"; done; \
  for file in $(call PIP_SETTING,constraint); do set -- "$$@" --constraints "$$file"; done; \
  case $(call PIP_SETTING,no-index) in 1|[Tt]rue|[Yy]es|[Oo]n) set -- "$$@" --no-index;; esac; \
  cert=$(call PIP_SETTING,cert); \
  uv=$(BIN)/uv; [ -x "$$uv" ] || uv=$$(command -v uv) || \
  { $(PYTHON) -m pip --python $(BIN)/python install -q '$(UV_REQUIREMENT)' && uv=$(BIN)/uv; } && \
  env $${cert:+SSL_CERT_FILE="$$cert"} "$$uv" pip install --python $(BIN)/python \
    --index-strategy unsafe-best-match "$$@" pip -e '.[dev]'
# pip draws its download bars on a terminal and prints one line per package otherwise
INSTALL_WITH_PIP = { $(BIN)/python -m pip --version >/dev/null 2>&1 || \
    $(BIN)/python -m ensurepip --upgrade >/dev/null; } && \
  $(BIN)/python -m pip install --upgrade pip && \
  $(BIN)/python -m pip install --progress-bar $$( [ -t 1 ] && echo on || echo off ) -e '.[dev]'
INSTALL = { $(INSTALL_WITH_UV) || { echo ">> uv could not install: installing with pip"; \
  $(INSTALL_WITH_PIP); }; }

# Reinstall only when the project's declared dependencies change.
$(STAMP): SHELL := /bin/bash
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	@echo ">> installing jingqing and its dependencies into $(VENV)"
	@$(call STEP,install,$(INSTALL))
	@touch $(STAMP)

# Headless browser tests drive Debian's Chromium; nothing is downloaded by the test tools.
browser-deps:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ -n "$$JINGQING_SKIP_BROWSER" ]; then echo ">> JINGQING_SKIP_BROWSER set: browser tests skipped"; \
	else \
	  echo ">> installing chromium + chromium-driver for the console's browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei >/dev/null; \
	fi

test: $(STAMP) browser-deps
	$(BIN)/ruff check features training serving tests benchmarks
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The README's console pictures: the browser tests save screenshots to test-artifacts/ui/
# (never into the tracked tree); this copies the three the README shows.
screenshots: $(STAMP) browser-deps
	$(BIN)/python -m pytest -q tests/ui/test_ui_desk.py tests/ui/test_ui_planner.py
	mkdir -p docs/img
	cp test-artifacts/ui/console-1366.png test-artifacts/ui/console-1920.png \
	   test-artifacts/ui/planner-1920.png docs/img/

lint: $(STAMP)
	$(BIN)/ruff check features training serving tests benchmarks
	$(BIN)/ruff format --check features training serving tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format features training serving tests benchmarks
	$(BIN)/ruff check --fix features training serving tests benchmarks

# The demo city ends today, so "the coming day and week" are really ahead of us.
DEMO_START ?= $(shell date -d '-365 days' +%Y-%m-%d 2>/dev/null || echo 2025-01-01)

# Each step prints its name and time (bash's `time`); benchmarks/demo/run.py times them on a
# fresh clone. The model store's tables are made while the city is simulated (on the other
# core), so the two trainings never race to create them. The two models then train side by
# side (one core each): triage, the longest step, alone on its branch; the check of the
# calls file, the forecast model, the forecast and the plan on the other. Every line of the
# branches says which it is. Ctrl-C or a failed step stops both branches.
STEP = { echo ">> $(1)"; TIMEFORMAT=">> $(1): %1R s wall, %1U s user + %1S s system"; time $(2); }
demo: $(STAMP) demo-models
	$(BIN)/jingqing serve --port $(PORT)

demo-models: SHELL := /bin/bash
# one core per branch: OpenBLAS threads would only spin against the other branch (plan's
# least squares of the travel calibration took 4.5 times the CPU with two threads)
demo-models: export OPENBLAS_NUM_THREADS ?= 1
demo-models: $(STAMP)
	@$(call STEP,model store,$(BIN)/python -c "import mlflow; from training import tracking; \
	  tracking.configure(); mlflow.search_experiments()") > >(sed -u 's/^/[store]    /') 2>&1 & \
	store=$$!; stop() { pkill -TERM -P $$store; kill $$store; wait $$store; } 2>/dev/null; \
	trap 'stop; exit 130' INT TERM; \
	$(call STEP,simulate,$(BIN)/jingqing simulate --out $(DEMO_DIR) --start $(DEMO_START) \
	  --force) || { stop; exit 1; }; \
	wait $$store
	@set -o pipefail; \
	$(call STEP,train triage,$(BIN)/jingqing train triage --calls $(DEMO_DIR)/calls.csv \
	  --config configs/triage-demo.yaml) > >(sed -u 's/^/[triage]   /') 2>&1 & triage=$$!; \
	stop() { pkill -TERM -P $$triage; kill $$triage; wait $$triage; } 2>/dev/null; \
	trap 'stop; exit 130' INT TERM; \
	{ $(call STEP,validate,$(BIN)/jingqing validate $(DEMO_DIR)/calls.csv) && \
	  $(call STEP,train forecast,$(BIN)/jingqing train forecast --calls $(DEMO_DIR)/calls.csv \
	    --grids-geojson $(DEMO_DIR)/grids.geojson) && \
	  $(call STEP,forecast,$(BIN)/jingqing forecast --hours 168 \
	    --output $(DEMO_DIR)/forecast.csv) && \
	  $(call STEP,plan,$(BIN)/jingqing plan --shifts 3 --units 120 \
	    --calls $(DEMO_DIR)/calls.csv --output $(DEMO_DIR)/plan.csv); \
	} 2>&1 | sed -u 's/^/[forecast] /' || { stop; exit 1; }; \
	wait $$triage

# Speed/quality benchmarks; each writes JSON to benchmarks/results/ and prints a summary.
# The serving benchmark uses the champions of this directory's store (run `make demo` first).
bench: $(STAMP)
	$(BIN)/python benchmarks/simulator/run.py
	$(BIN)/python benchmarks/simulator_texts.py
	$(BIN)/python benchmarks/features/masking.py
	$(BIN)/python benchmarks/triage/run.py
	$(BIN)/python benchmarks/triage/speed.py
	$(BIN)/python benchmarks/forecast/run.py
	$(BIN)/python benchmarks/forecast/scale.py
	$(BIN)/python benchmarks/plan/run.py --weeks 8
	$(BIN)/python benchmarks/plan/speed.py
	$(BIN)/python benchmarks/serving/run.py --home .

clean:
	rm -rf $(VENV) .pytest_cache
