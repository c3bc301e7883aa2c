# The two commands a newcomer needs: `make demo` (set up, then run on examples/) and `make test`.
# The distribution's Python 3.11 when the machine has one, else python3 (any CPython 3.11 works: the
# CPU build of torch on this disk is for 3.11). Debian's runs our pure-Python parts faster than a
# pyenv build (its executable holds the interpreter instead of calling it through libpython.so):
# ~1.1x the whole run path, outputs identical (docs/benchmarks.md, "Interpreter").
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= examples.db

.PHONY: setup demo test clean-db

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

demo: setup
	$(BIN)/storyline run examples/ --db $(DB)
	$(BIN)/storyline stories --db $(DB)
	$(BIN)/storyline report --db $(DB) --format md

test: setup
	$(BIN)/python -m pytest

clean-db:
	rm -f $(DB) $(DB)-wal $(DB)-shm
