# The verbs people use. Each target creates .venv and installs what it needs first.
# torch is pinned to the CPU build (see pyproject.toml); install with pip, not uv/poetry.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
BENCH_STAMP := $(VENV)/.bench-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: run test unit eval bench loadtest lint index browser-deps office-deps clean

run: $(RUN_STAMP)
	$(PY) app.py

index: $(RUN_STAMP)
	$(VENV)/bin/assistant index

test: $(DEV_STAMP) browser-deps office-deps
	$(PY) -m pytest
	$(VENV)/bin/assistant eval --gate --report test-output/eval-report.md
	$(MAKE) loadtest

unit: $(DEV_STAMP)
	$(PY) -m pytest -m unit

eval: $(RUN_STAMP)
	$(VENV)/bin/assistant eval --report evals/reports/latest.md
	$(VENV)/bin/assistant eval --set dev --cases evals/dev/cases-3.yaml --report evals/reports/dev-held-out.md

# Every speed and memory figure in one run (~15 min; --quick for the smaller sizes):
# prints a table, writes benchmarks/results/latest.json.
bench: $(BENCH_STAMP)
	$(PY) -m benchmarks.run $(BENCH_ARGS)

# 20 concurrent clients ask the real app's /ask API for 60 s on loopback (about 2 minutes
# in all): fails on any error or growing memory. Figures in test-output/loadtest.json.
loadtest: $(DEV_STAMP)
	$(PY) evals/loadtest.py --clients 20 --seconds 60

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check assistant tests app.py evals benchmarks
	$(VENV)/bin/ruff format --check assistant tests app.py evals benchmarks
	$(VENV)/bin/mypy

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP) install torch==2.13.0
	$(PIP) install -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(RUN_STAMP)
	$(PIP) install -e '.[dev]'
	touch $@

$(BENCH_STAMP): pyproject.toml $(RUN_STAMP)
	$(PIP) install -e '.[bench]'
	touch $@

# Browser tests drive Debian's Chromium: Playwright cannot download browsers here.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "browser tests need Chromium: sudo apt-get install -y chromium" >&2; exit 1; \
	  fi; }

# The Word export test opens the .docx in LibreOffice (headless Writer, no GUI packages).
office-deps:
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      -o DPkg::Lock::Timeout=300 --no-install-recommends libreoffice-writer-nogui >/dev/null; \
	  else \
	    echo "the Word export test needs LibreOffice: sudo apt-get install -y libreoffice-writer-nogui" >&2; exit 1; \
	  fi; }

clean:
	rm -rf $(VENV) index/chroma index/gen-* index/manifest.json test-output evals/reports
