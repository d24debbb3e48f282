# Two commands for a fresh machine (see README.md):
#   make run   - set up, build the index if missing, serve the assistant on http://127.0.0.1:7860
#   make test  - set up and run the whole test suite, grounding eval gate included
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test setup lint bench

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/assistant serve

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check assistant tests benchmarks

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_retrieval.py
