# Descent: `make demo` and `make test` set up everything they need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lab formgrader solutions release check bench data messages clean

demo: $(STAMP)         ## release notebook 01 and grade the bundled example class
	$(BIN)/autograder demo

test: $(STAMP)         ## the whole test suite (CI runs this), one worker per core
	$(BIN)/python -m pytest -q -rs -n auto --dist worksteal --durations=25

# Every Jupyter setting below is for this launch only: environment variables of the server, which
# its terminals inherit. The user's own Jupyter configuration is still read, and never changed.
# LAB: .venv/bin first on PATH, and etc/lab/: terminals run the user's shell as a plain (not login)
# shell, so /etc/profile does not reset that PATH and `autograder check` works in a lab terminal.
CONFIG = JUPYTER_CONFIG_PATH="$(1)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}"
LAB := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab $(LAB_OPTIONS)
# etc/student/: nbgrader's instructor tools off (formgrader, Create Assignment, course and
# assignment lists, their menu); Validate on, and skipping demo cells as grading does.
STUDENT := $(call CONFIG,$(CURDIR)/etc/student:$(CURDIR)/etc/lab)
INSTRUCTOR := $(call CONFIG,$(CURDIR)/etc/lab)
SCRATCH := scratch/solutions

lab: $(STAMP)          ## a student's JupyterLab on notebooks/
	$(STUDENT) $(LAB) notebooks/

formgrader: $(STAMP)   ## an instructor's JupyterLab on the course folder, with nbgrader's tools
	$(INSTRUCTOR) $(LAB)

solutions: $(STAMP)    ## self-learners: run copies of solutions/ (and their Korean edition, in ko/) in scratch/, never solutions/ itself
	@# copies only what is missing there: a self-learner's runs and edits are kept
	$(BIN)/python -c 'import os, shutil; shutil.copytree("solutions", "$(SCRATCH)", dirs_exist_ok=True, \
	    copy_function=lambda source, target: os.path.exists(target) or shutil.copy2(source, target))'
	$(BIN)/autograder translate --solutions $(SCRATCH)/ko
	$(STUDENT) $(LAB) $(SCRATCH)/

release: $(STAMP)      ## regenerate notebooks/ from solutions/
	$(BIN)/autograder release

check: $(STAMP)        ## fail if notebooks/ is out of date
	$(BIN)/autograder release --check

bench: $(STAMP)        ## grading against plain execution per notebook; the coordinator's time per submission; Validate per notebook; training speed against PyTorch
	$(BIN)/python benchmarks/bench_grading.py --dask
	$(BIN)/python benchmarks/bench_coordinator.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_training.py

data: $(STAMP)         ## fetch MNIST into data/mnist.npz if needed, and verify it
	$(BIN)/autograder data

LOCALE := autograder/locale
messages: $(STAMP)     ## extract the messages students read (the code's and the test cells') into the catalogs, and compile them (commit all)
	$(BIN)/pybabel extract --no-location --sort-output -k Message --project descent-course \
	    --copyright-holder Descent -o $(LOCALE)/descent.pot autograder
	$(BIN)/pybabel update --ignore-obsolete --ignore-pot-creation-date -D descent -i $(LOCALE)/descent.pot -d $(LOCALE)
	$(BIN)/pybabel compile --statistics -D descent -d $(LOCALE)
	$(BIN)/python -m autograder.cellmessages  # the text of the test cells: $(LOCALE)/tests/*.pot, ko/LC_MESSAGES/tests_*

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Descent needs Python 3.11 or newer: run make PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:                 ## remove grading state and caches (keeps .venv)
	rm -rf grading .pytest_cache
