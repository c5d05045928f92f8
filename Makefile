# One-command set-up on a fresh machine (Python 3.11+ and pip present, nothing else).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install install-dev lint bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"

run: install
	$(BIN)/candidate-assistant chat

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/candidate-assistant kb check
	$(BIN)/python -m pytest

eval: install
	$(BIN)/candidate-assistant eval ../shared/eval/dev.yaml

bench: install-dev
	$(BIN)/python bench/assistant_bench.py
	$(BIN)/python bench/storage_bench.py
	$(BIN)/python bench/input_limits_bench.py
	$(BIN)/python bench/report_bench.py
	$(BIN)/python bench/live_reload_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist *.egg-info
