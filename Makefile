# The two commands a newcomer needs: `make lab` (start the course) and `make test` (run every test).
# Both create the virtual environment .venv on first use: `make lab` with what the course needs to run,
# `make test` adds the `dev` extra (test tools, dask, PostgreSQL driver, Selenium) on top.
# `make instructor` opens the whole course with every nbgrader tool.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# one stamp per install: the course's runtime (make lab) and the dev extra (make test); a change to
# pyproject.toml redoes both, and make test after make lab still installs the extra
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# quiet installs: no progress bars, no pip version nag, no setuptools "Editable installation" banner
PIP    := PYTHONWARNINGS="ignore:Editable installation:UserWarning" $(BIN)/python -m pip --quiet \
          --disable-pip-version-check
ARGS   ?=
# pytest workers: notebooks and nbgrader runs are spread over the cores, one file per worker
JOBS   ?= auto

.PHONY: lab instructor test release lint venv clean-workspace test-figures-pandas-low

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing the course into $(VENV) (about a minute the first time)"
	@$(PIP) install --upgrade pip
	@$(PIP) install -e .
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	@echo "installing the test tools into $(VENV)"
	@$(PIP) install -e '.[dev]'
	@touch $(DEV_STAMP)

venv: $(DEV_STAMP)

lab: $(STAMP)
	@PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/aws-course lab $(ARGS)

instructor: $(STAMP)
	@PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/aws-course lab --instructor $(ARGS)

test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -n $(JOBS) --dist loadfile --nbval-lax tests source $(ARGS)

release: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/aws-course release

# the figure test under the lowest pandas pyproject allows, in a throwaway venv under /tmp (make test uses .venv's)
test-figures-pandas-low: $(DEV_STAMP)
	$(BIN)/python tests/tools/figures_under_pandas.py $(ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean-workspace:
	rm -rf grading
