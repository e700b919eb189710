"""Given cells carry an earlier notebook's reference functions; demo cells are not run when grading."""
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import build, cell_points, outcomes, run_cli

SETUP = "import numpy as np\nfrom autograder.testing import run_test, assert_close"
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}


def solution(name, body):
    return new_code_cell(f"def {name}(x):\n    ### BEGIN SOLUTION\n    {body}\n    ### END SOLUTION",
                         metadata={"nbgrader": {"grade": False, "solution": True, "locked": False,
                                                "grade_id": name, "schema_version": 3, "task": False}})


def graded_test_cell(name, source):
    return new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "points": 1, "grade_id": f"test_{name}",
        "schema_version": 3, "task": False}})


def given(origin, *functions):
    return new_code_cell("# filled in by autograder release",
                         metadata={"descent": {"given": origin, "functions": list(functions)}})


def write(root, assignment, cells):
    folder = root / "solutions" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells, metadata=KERNEL), folder / f"{assignment}.ipynb")


OCTUPLE_TEST = '''def test_octuple(octuple, rng, ref):
    x = rng.normal(size=3)
    assert_close(octuple(x), 8 * x, "octuple(x)")
run_test(test_octuple, octuple)
### BEGIN HIDDEN TESTS
def test_octuple_hidden(octuple, rng, ref):
    x = rng.normal(size=(2, 2))
    assert_close(octuple(x), ref.octuple(x), "octuple(x) against the reference")
run_test(test_octuple_hidden, octuple)
### END HIDDEN TESTS'''


@pytest.fixture
def course(tmp_path):
    """01_base defines double, quadruple (which calls double) and unrelated; 02_use is given quadruple."""
    root = tmp_path / "course"
    write(root, "01_base", [new_code_cell(SETUP), solution("double", "return 2 * x"),
                            solution("quadruple", "return double(double(x))"),
                            solution("unrelated", "return x")])
    write(root, "02_use", [
        new_markdown_cell("# Uses quadruple"), new_code_cell(SETUP), given("01_base", "quadruple"),
        solution("octuple", "return 2 * quadruple(x)"), graded_test_cell("octuple", OCTUPLE_TEST),
        new_code_cell("import os\nos._exit(1)  # a demo that would kill the kernel",
                      metadata={"tags": ["demo"]})])
    assert run_cli(root, "release")[0] == 0
    return root


def cells(root, folder, assignment):
    return nbformat.read(root / folder / assignment / f"{assignment}.ipynb", as_version=4).cells


def test_release_fills_given_cells_with_what_they_need(course):
    for folder in ("solutions", "notebooks"):
        cell = cells(course, folder, "02_use")[2]
        assert "def double(x):" in cell.source and "def quadruple(x):" in cell.source
        assert "def unrelated" not in cell.source and "BEGIN SOLUTION" not in cell.source
        assert cell.source.index("def double") < cell.source.index("def quadruple")
        assert cell.metadata.nbgrader["locked"] and cell.metadata.nbgrader["grade_id"] == "given_01_base"
    assert run_cli(course, "release", "--check")[0] == 0


def test_check_names_a_given_cell_behind_its_origin(course):
    path = course / "solutions" / "01_base" / "01_base.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[1].source = notebook.cells[1].source.replace("2 * x", "x + x")
    nbformat.write(notebook, path)
    code, out, err = run_cli(course, "release", "--check")
    assert code == 1 and "solutions/02_use/02_use.ipynb" in err
    assert run_cli(course, "release")[0] == 0
    assert "return x + x" in cells(course, "notebooks", "02_use")[2].source


@pytest.mark.parametrize("spec, problem", [
    (("02_use", "octuple"), "not an earlier assignment"),
    (("07_nope", "double"), "not an earlier assignment"),
    (("01_base", "triple"), "must list functions defined there"),
])
def test_bad_given_cells_are_refused(course, spec, problem):
    path = course / "solutions" / "02_use" / "02_use.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[2].metadata.descent = {"given": spec[0], "functions": [spec[1]]}
    nbformat.write(notebook, path)
    code, out, err = run_cli(course, "release")
    assert code == 2 and problem in err and err.count("\n") == 1


def test_grading_restores_given_cells_and_skips_demos(course, tmp_path):
    """The student broke the given code and the demo would kill the kernel: full points anyway,
    since nbgrader restores the locked given cell, the demo is skipped, and ref uses the given code."""
    submissions = tmp_path / "submissions"
    folder = build(course, "02_use", submissions, "ana", "# base: solutions\n")
    path = folder / "02_use.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[2].source = notebook.cells[2].source.replace("return 2 * x", "return 0 * x")
    nbformat.write(notebook, path)
    code, out, err = run_cli(course, "grade", submissions, "--out", tmp_path / "work", "--seed", 3,
                             "--timeout", 10, "--quiet", "--jobs", 1)
    assert code == 0, err
    assert outcomes(tmp_path / "work")["ana"]["status"] == "graded"
    assert cell_points(tmp_path / "work")["ana"] == {"test_octuple": 1}
