# The two commands of README: `make demo` and `make test`. Both create or reuse .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/moneymen demo

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/import_throughput.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
