# paperwire: `make demo` runs the service on the bundled sample; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_HOME ?= demo-home
PORT ?= 8000

.PHONY: demo test venv system-deps bench clean

# The venv is rebuilt when the dependency lists change. torch is installed first and
# pinned: the CPU build lies on local disk, an unpinned torch pulls a multi-GB CUDA build.
$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c requirements.lock -e '.[test]'
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/paperwire --home $(DEMO_HOME) demo --port $(PORT)

system-deps:
	bash scripts/install-system-deps

test: venv system-deps
	$(BIN)/python -m pytest -n 2 -q

bench: venv
	$(BIN)/python bench/import.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) test-artifacts
