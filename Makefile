# The two commands of README: `make demo` and `make test` (mypy, then pytest). Both create or reuse .venv.
# `make peers` installs the yente client the tests drive (nomenklatura, which pins its own
# followthemoney and duckdb) in a virtualenv of its own; CI runs it before `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
NOMENKLATURA := 4.17.4
PEERS := .venv-peers/nomenklatura-$(NOMENKLATURA)

.PHONY: demo test install bench clean peers

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

$(PEERS)/.installed:
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet nomenklatura==$(NOMENKLATURA)
	touch $@

peers: $(PEERS)/.installed

demo: install
	$(BIN)/moneymen demo

test: install
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/import_throughput.py

clean:
	rm -rf $(VENV) .venv-peers build dist src/*.egg-info .pytest_cache
