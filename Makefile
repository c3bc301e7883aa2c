# The two commands a newcomer needs: `make demo` (set up, then run on examples/) and `make test`.
PYTHON ?= python3
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
