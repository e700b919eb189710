# Descent: `make demo` and `make test` set up everything they need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lab release check bench data clean

demo: $(STAMP)         ## release notebook 01 and grade the bundled example class
	$(BIN)/autograder demo

test: $(STAMP)         ## the whole test suite (CI runs this), one worker per core
	$(BIN)/python -m pytest -q -rs -n auto --dist worksteal

lab: $(STAMP)          ## JupyterLab on the students' notebooks
	$(BIN)/jupyter lab notebooks/

release: $(STAMP)      ## regenerate notebooks/ from solutions/
	$(BIN)/autograder release

check: $(STAMP)        ## fail if notebooks/ is out of date
	$(BIN)/autograder release --check

bench: $(STAMP)        ## grading against plain execution per notebook; training speed against PyTorch
	$(BIN)/python benchmarks/bench_grading.py --dask
	$(BIN)/python benchmarks/bench_training.py

data: $(STAMP)         ## fetch MNIST into data/mnist.npz if needed, and verify it
	$(BIN)/autograder data

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Descent needs Python 3.11 or newer: run make PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:                 ## remove grading state and caches (keeps .venv)
	rm -rf grading .pytest_cache
