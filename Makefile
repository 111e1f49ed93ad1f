# One runner for every check. `make test` is what CI runs (.ci/run) and what the README gives.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: test lint typecheck pytest system-deps demo bench cli-docs clean

test: lint typecheck pytest

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check importer tests bench devcat scripts samples

typecheck: $(STAMP)
	$(BIN)/mypy

# LibreOffice + poppler, for the tests that open workbooks as a person would (idempotent).
system-deps:
	sh scripts/system-deps.sh

pytest: $(STAMP) system-deps
	$(BIN)/pytest

demo: $(STAMP)
	$(BIN)/bcdc-import demo

bench: $(STAMP)
	$(BIN)/python -m bench

# docs/cli.md from every command's --help (tests/test_cli_docs.py fails when it is stale).
cli-docs: $(STAMP)
	$(BIN)/python scripts/cli_docs.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
