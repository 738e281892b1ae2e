# The two commands a newcomer needs: `make run` (set up, index the seeds, search) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
QUERY ?= Muqtada al-Sadr

.PHONY: run test install dev lint typecheck pytest eval bench clean

run: $(BIN)/corpusearch
	$(BIN)/corpusearch index seeds
	$(BIN)/corpusearch search "$(QUERY)" --limit 3

install: $(BIN)/corpusearch

$(BIN)/corpusearch: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

dev: $(VENV)/.dev-installed

$(VENV)/.dev-installed: pyproject.toml $(BIN)/corpusearch
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

lint: dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: dev
	$(BIN)/mypy src

pytest: dev
	$(BIN)/pytest -q

test: lint typecheck pytest

eval: dev
	$(BIN)/python bench/eval_cleaning.py --baseline bench/cleaning_baseline.json
	$(BIN)/python bench/eval_ranking.py
	$(BIN)/python bench/eval_paragraphs.py

bench: dev
	$(BIN)/python bench/bench_scale.py --quick

clean:
	rm -rf $(VENV) build dist src/*.egg-info .mypy_cache .ruff_cache .pytest_cache
	find index -mindepth 1 ! -name .gitkeep -delete
