# The two commands of the quick start: `make demo` and `make test`. Benchmarks: `make bench`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo/mediation-demo.db

.PHONY: install demo test lint typecheck catalogues docs bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

demo: install
	mkdir -p $(dir $(DEMO_DB))
	MEDIATION_DB=$(DEMO_DB) $(BIN)/mediation demo --fresh

lint: install
	$(BIN)/ruff check mediation cli tests tools bench
	$(BIN)/lint-imports --no-logo
	$(BIN)/python tools/catalogues.py check
	$(BIN)/python tools/clidoc.py --check
	$(BIN)/python tools/workflowdoc.py --check

typecheck: install
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -n auto --durations=25

catalogues: install
	$(BIN)/python tools/catalogues.py compile

docs: install
	$(BIN)/python tools/clidoc.py
	$(BIN)/python tools/workflowdoc.py

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache .hypothesis
