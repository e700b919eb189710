"""Every solution notebook runs top to bottom with every test passing and every claim of its text
holding, with one BLAS thread (its Korean edition) and with the default (the English one);
releases run without hanging.

A notebook's claims are listed in ``tests/claims/<assignment>.toml``: each ``[[claim]]`` has a
``quote``, found word for word (spacing aside) in a markdown cell, and ``holds``, a Python
expression about what the cells computed, evaluated in the notebook's namespace after its last cell.
"""
import copy
import json
import os
import re
import tomllib

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import translation
from autograder.judge import is_autograded_test
from conftest import REPO

SOLUTIONS = sorted((REPO / "solutions").glob("*/*.ipynb"))
RELEASES = sorted((REPO / "notebooks").glob("*/*.ipynb"))
CLAIMS = REPO / "tests" / "claims"
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# Appended to a solution notebook: whether each claim's expression holds (or why it cannot be evaluated)
CHECK_CLAIMS = """
import json as _json
def _holds(expression):
    try:
        return bool(eval(expression, globals()))
    except Exception as error:
        return f"{type(error).__name__}: {error}"
print(_json.dumps([_holds(expression) for expression in %r]))
"""


def execute(path, allow_errors, env=None, notebook=None):
    """Run the notebook at ``path`` (or ``notebook``, as if it were there) in its folder."""
    notebook = notebook or nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=env or os.environ)
    return notebook


def claims(path):
    file = CLAIMS / f"{path.parent.name}.toml"
    return tomllib.loads(file.read_text())["claim"] if file.exists() else []


def blas_environment(threads):
    """The kernel's environment: one BLAS thread, or whatever the notebook and NumPy choose."""
    env = {k: v for k, v in os.environ.items() if k not in BLAS_THREADS}
    return env | ({variable: "1" for variable in BLAS_THREADS} if threads == "one" else {})


def normalized(text):
    return " ".join(text.split())


def graded_tests_in(cell):
    """The tests a test cell runs, in order (a run_test may be indented: inside a with block)."""
    return re.findall(r"^\s*run_test\((\w+)", cell.source, re.MULTILINE)


def printed(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.parametrize("threads", ["one", "default"], ids=lambda t: f"{t}_blas_thread")
@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_notebook_passes_its_tests_and_its_claims_hold(path, threads):
    """Each solution notebook runs twice: with the default BLAS threads in English, and with one
    thread in its Korean edition (the same code; its text, verdicts and figure labels in Korean).
    Both times every test passes and every claim holds; the Korean run also draws its figures with
    no glyph missing."""
    english = nbformat.read(path, as_version=4)
    korean = threads == "one" and translation.file_for(path).is_file()
    notebook = translation.korean_edition(REPO, path)[0] if korean else copy.deepcopy(english)
    table = claims(path)
    notebook.cells.append(nbformat.v4.new_code_cell(CHECK_CLAIMS % [c["holds"] for c in table]))
    execute(path, allow_errors=False, env=blas_environment(threads), notebook=notebook)
    passed = "통과" if korean else "passed"
    for cell in filter(is_autograded_test, notebook.cells):
        tests = graded_tests_in(cell)
        assert tests, f"{cell.metadata.nbgrader.grade_id} calls no run_test"
        assert [f"\u2713 {name} {passed}" for name in tests] == printed(cell).splitlines()
    text = normalized(" ".join(c.source for c in english.cells if c.cell_type == "markdown"))
    verdicts = json.loads(printed(notebook.cells[-1]).splitlines()[-1])
    wrong = {c["quote"]: (c["holds"], verdict) for c, verdict in zip(table, verdicts)
             if verdict is not True or normalized(c["quote"]) not in text}
    assert not wrong, f"claims not quoted or not holding (expression, value): {wrong}"
    if korean:
        assert_figures_drawn_in_full(notebook)


def assert_figures_drawn_in_full(notebook):
    """Figures were drawn, and no text of theirs lacked a glyph in its font."""
    stderr = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code"
                     for o in c.outputs if o.get("name") == "stderr")
    assert "missing from font" not in stderr and "findfont" not in stderr, stderr[-2000:]
    figures = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
               if "image/png" in o.get("data", {})]
    assert figures or "plt." not in " ".join(c.source for c in notebook.cells)


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_released_notebook_fails_only_with_not_implemented(path):
    notebook = execute(path, allow_errors=True)
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    # a cell calling a stub raises NotImplementedError; a test of one says "not done yet"
    assert {o.ename for o in errors} == {"NotImplementedError", "TestFailure"}
    verdicts = [line for o in errors if o.ename == "TestFailure" for line in o.traceback]
    assert all("not done yet" in line for line in verdicts if line.startswith("\u2717")), verdicts
    assert "BEGIN SOLUTION" not in path.read_text() and "BEGIN HIDDEN" not in path.read_text()
