# Two commands on a fresh machine:  make demo   and   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[all]"
	touch $@

demo: setup
	$(BIN)/storytrace demo --out storytrace-demo

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) storytrace-demo .pytest_cache
