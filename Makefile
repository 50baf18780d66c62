# The two commands a newcomer needs: `make lab` (start the course) and `make test` (run every test).
# Both create the virtual environment .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
# pytest workers: notebooks and nbgrader runs are spread over the cores, one file per worker
JOBS   ?= auto

.PHONY: lab test release lint venv clean-workspace

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

lab: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/aws-course lab $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -n $(JOBS) --dist loadfile --nbval-lax tests source $(ARGS)

release: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/aws-course release

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean-workspace:
	rm -rf grading
