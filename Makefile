# The two commands a newcomer needs: `make run` (set up what running needs on first use, then
# `visage up --dev`) and `make test` (add the test tools on first use, then lint, type-check and
# the whole test suite). Setting up is idempotent: each stamp is redone only when its inputs changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar on
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
TEST_PROJECTS := . $(patsubst %/pyproject.toml,%,$(wildcard sdk/pyproject.toml terraform/pyproject.toml))
TEST_INPUTS := $(addsuffix /pyproject.toml,$(TEST_PROJECTS))

.PHONY: setup setup-run run test lint unit bench

setup: $(TEST_STAMP)
setup-run: $(RUN_STAMP)

$(RUN_STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || { echo "==> Creating the virtual environment in $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> Installing Visage and what it needs to run (the first time takes a few minutes)"
	$(PIP) -e .
	@# face-recognition declares a dependency on dlib, which would compile for minutes: dlib-bin
	@# (a prebuilt wheel of the same library) is already installed, so skip its dependencies.
	$(PIP) --no-deps face-recognition==1.3.0
	@touch $@
	@echo "==> Ready to run: $(BIN)/visage up"

$(TEST_STAMP): $(RUN_STAMP) $(TEST_INPUTS)
	@echo "==> Adding the test tools: the SDK, the Terraform provider, pytest, ruff, mypy, browsers' drivers"
	$(PIP) $(foreach p,$(TEST_PROJECTS),-e '$(p)[test]')
	@touch $@

run: $(RUN_STAMP)
	$(BIN)/visage up --dev $(ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(if $(wildcard sdk/pyproject.toml),cd sdk && ../$(BIN)/mypy --strict visage examples)
	$(if $(wildcard terraform/pyproject.toml),cd terraform && ../$(BIN)/mypy)

unit: $(TEST_STAMP)
	$(BIN)/pytest tests/unit -q

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	$(BIN)/python bench/detect.py
