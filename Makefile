# The two commands a newcomer needs: `make run` (set up on first use, then `visage up`) and
# `make test` (set up on first use, then lint, type-check and the whole test suite).
# Setting up is idempotent: it reinstalls only when a project file changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROJECTS := . $(patsubst %/pyproject.toml,%,$(wildcard sdk/pyproject.toml terraform/pyproject.toml))
INSTALL_INPUTS := Makefile $(addsuffix /pyproject.toml,$(PROJECTS))
EDITABLES := $(foreach p,$(PROJECTS),-e '$(p)[test]')

.PHONY: setup run test lint unit bench

setup: $(STAMP)

$(STAMP): $(INSTALL_INPUTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(EDITABLES)
	# face-recognition declares a dependency on dlib, which would compile for minutes: dlib-bin
	# (a prebuilt wheel of the same library) is already installed, so skip its dependencies.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps face-recognition==1.3.0
	touch $@

run: setup
	$(BIN)/visage up $(ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(if $(wildcard sdk/pyproject.toml),cd sdk && ../$(BIN)/mypy --strict visage examples)
	$(if $(wildcard terraform/pyproject.toml),cd terraform && ../$(BIN)/mypy)

unit: setup
	$(BIN)/pytest tests/unit -q

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/detect.py
