# jingqing — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= data/demo-city
PORT ?= 3000

export BENTOML_DO_NOT_TRACK := true
export MLFLOW_ALLOW_FILE_STORE := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: venv demo demo-models test lint format bench clean browser-deps screenshots

venv: $(STAMP)

# Reinstall only when the project's declared dependencies change.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo ">> installing jingqing and its dependencies into $(VENV) (first run takes a few minutes)"
	$(BIN)/python -m pip install --upgrade pip
	@# pip draws its download bars on a terminal and prints one line per package otherwise
	$(BIN)/python -m pip install --progress-bar $$( [ -t 1 ] && echo on || echo off ) -e '.[dev]'
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
# fresh clone. The two models train side by side (one core each); the forecast and the
# plan follow the forecast model, and every line of the two branches says which it is.
# The model store's tables are made first, so the two trainings never race to create them.
# Ctrl-C or a failed step stops both branches.
STEP = { echo ">> $(1)"; TIMEFORMAT=">> $(1): %1R s wall, %1U s user + %1S s system"; time $(2); }
demo: $(STAMP) demo-models
	$(BIN)/jingqing serve --port $(PORT)

demo-models: SHELL := /bin/bash
demo-models: $(STAMP)
	@$(call STEP,simulate,$(BIN)/jingqing simulate --out $(DEMO_DIR) --start $(DEMO_START) --force)
	@$(call STEP,validate,$(BIN)/jingqing validate $(DEMO_DIR)/calls.csv)
	@$(call STEP,model store,$(BIN)/python -c "import mlflow; from training import tracking; \
	  tracking.configure(); mlflow.search_experiments()")
	@set -o pipefail; \
	$(call STEP,train triage,$(BIN)/jingqing train triage --calls $(DEMO_DIR)/calls.csv \
	  --config configs/triage-demo.yaml) > >(sed -u 's/^/[triage]   /') 2>&1 & triage=$$!; \
	stop() { pkill -TERM -P $$triage; kill $$triage; wait $$triage; } 2>/dev/null; \
	trap 'stop; exit 130' INT TERM; \
	{ $(call STEP,train forecast,$(BIN)/jingqing train forecast --calls $(DEMO_DIR)/calls.csv \
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
