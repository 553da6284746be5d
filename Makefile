# Quickstart: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLES ?= examples/articles

.PHONY: install demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

DEMO_PERSON ?= Misri

demo: $(STAMP)
	@$(BIN)/briefings ingest $(EXAMPLES) || true
	@$(BIN)/briefings articles
	@echo
	@$(BIN)/briefings brief
	@echo
	@$(BIN)/briefings who "$(DEMO_PERSON)" || true
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then echo; echo "starting the bot (Ctrl-C stops it)"; $(BIN)/briefbot; fi

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check briefings bot testing tests benchmarks experiments
	$(BIN)/ruff format --check briefings bot testing tests benchmarks experiments
	$(BIN)/mypy

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python -m benchmarks.$$(basename $$b .py) --quick || exit 1; done

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
