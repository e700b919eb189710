import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import cli, examples

REPO = Path(__file__).resolve().parent.parent

# Kernels started by the tests inherit this: with one pytest worker per core, one BLAS thread per
# kernel keeps the cores from being oversubscribed (several times slower under load).
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

TOY = REPO / "tests" / "fixtures" / "toy_course"


def run_cli(cwd, *argv):
    """Run the ``autograder`` command in ``cwd``: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def toy_course(tmp_path_factory):
    """A released copy of the toy course: a callable argument, a stateful rule and a class."""
    root = tmp_path_factory.mktemp("toy") / "course"
    shutil.copytree(TOY, root)
    assert run_cli(root, "release")[0] == 0
    return root


def two_assignment_course(toy_course, folder):
    """A released copy of the toy course with a second assignment, 98_toy_again (a copy of 99_toy)."""
    shutil.copytree(toy_course, folder)
    second = folder / "solutions" / "98_toy_again"
    second.mkdir()
    shutil.copy(folder / "solutions" / "99_toy" / "99_toy.ipynb", second / "98_toy_again.ipynb")
    assert run_cli(folder, "release")[0] == 0
    return folder


WRITTEN = "q_why"  # the written answer that with_written_answer adds to the toy course, 2 points


def with_written_answer(toy_course, folder, **cell_id):
    """A released copy of the toy course with a written answer, :data:`WRITTEN`, after its tests
    (``id=...`` pins its cell id)."""
    shutil.copytree(toy_course, folder)
    path = folder / "solutions" / "99_toy" / "99_toy.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_markdown_cell("The gradient grows with the residual.", **cell_id)
    cell.metadata.nbgrader = {"grade": True, "solution": True, "locked": False, "task": False,
                              "grade_id": WRITTEN, "points": 2, "schema_version": 3}
    notebook.cells.append(cell)
    nbformat.write(notebook, path)
    assert run_cli(folder, "release")[0] == 0
    return folder


def build(root, assignment, target, name, text):
    """Build one submission from an inline spec (see autograder.examples)."""
    return examples.build_submission(root, assignment, examples.parse_spec(name, text), target)


def cell_points(report_folder):
    """{student: {autograded cell: points}} from grades.json."""
    data = json.loads((Path(report_folder) / "grades.json").read_text())
    return {o["student"]: {c["cell"]: c["points"] for c in o["cells"] if c["passed"] is not None}
            for o in data["submissions"]}


def outcomes(report_folder):
    data = json.loads((Path(report_folder) / "grades.json").read_text())
    return {o["student"]: o for o in data["submissions"]}


def max_points(root, assignment):
    """{cell: points} of the autograded test cells of an assignment's source notebooks."""
    points = {}
    for path in sorted((Path(root) / "solutions" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            grading = cell.metadata.get("nbgrader", {})
            if grading.get("grade") and not grading.get("solution"):
                points[grading["grade_id"]] = float(grading["points"])
    return points
