"""The coordinator's output is byte-for-byte what it was before it was made fast.

``tests/fixtures/coordinator_golden.json`` holds the sha256 of every file a grading writes for
the student (feedback pages, autograded notebooks, recorded answers), of the tables (grades.json,
grades.csv, the class report) and the gradebook's scores and comments, as the coordinator of
commit 638c8b1 (nbgrader's autograde and generate_feedback called per submission, a query per
cell) wrote them for the class below: a first grading, then hand grades (one of them for an answer
that then changes) and a regrade. Only a change that means to change what students or
instructors see may regenerate it (``DESCENT_GOLDEN=write pytest tests/test_coordinator.py``), saying why.
Regenerated since: released written-answer stubs now name their question; grades.csv gained each
assignment's late penalty and final score, grades.json each failed test's English diagnosis (only
those two tables changed).

Pages (feedback, report.html) are compared only under the versions of the libraries that render
them recorded beside the digests; everything else always.
"""
import hashlib
import json
import os
from importlib.metadata import version

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import grading, sanitizing, worker
from conftest import REPO, build, run_cli, with_written_answer
from test_handgrading import ANSWER, WRITTEN, grade_by_hand

GOLDEN = REPO / "tests" / "fixtures" / "coordinator_golden.json"
CLASS = {
    "ana": f"# base: solutions\n\n# %% {WRITTEN}\n{ANSWER}\n",
    "ben": "# base: release\n",
    "cat": "# base: solutions\n\n# %% sgd_momentum\ndef sgd_momentum(w, dw, config=None):\n"
           "    return w + dw, dict(config or {})\n",
    "dan": f"# base: solutions\n\n# %% numerical_gradient\ndef numerical_gradient(f, x, h=1e-5):\n"
           f"    raise ValueError('not today')\n\n# %% {WRITTEN}\nIt does not.\n",
    "eve": f"# base: solutions\n\n# %% {WRITTEN}\nThe residual.\n",
}
WRITTEN_FOLDERS = ("feedback", "autograded", "answers")
RENDERERS = ("nbconvert", "nbgrader", "jinja2", "pygments", "matplotlib", "mistune")
TABLES = ("grades.json", "grades.csv", "report.html", "report_assignments.csv",
          "report_questions.csv", "report_diagnoses.csv")


@pytest.fixture
def course(toy_course, tmp_path):
    """The toy course with a written answer (2 points), its cell id pinned."""
    return with_written_answer(toy_course, tmp_path / "course", id="q-why")


def grade_class(course, folder):
    """Grade the class, grade by hand, change an answer, regrade: {run: {file: sha256}}."""
    submissions = folder / "submissions"
    for student, spec in CLASS.items():
        build(course, "99_toy", submissions, student, spec)
    edit_test_cell(submissions / "cat" / "99_toy" / "99_toy.ipynb")
    work = folder / "work"
    options = ("--out", work, "--seed", 5, "--timeout", 10, "--quiet", "--jobs", 1)
    runs = {}
    code, _, err = run_cli(course, "grade", submissions, *options)
    assert code == 1 and "cat/99_toy: 99_toy.ipynb: test cells edited" in err, err
    runs["first"] = digests(work)
    grade_by_hand(work, "ana", 1.5, "Right idea; say why it is linear.")
    grade_by_hand(work, "eve", 1, "Which residual?")
    override_test_score(work, "cat", "test_sgd_momentum", 1)
    change_answer(submissions / "eve" / "99_toy" / "99_toy.ipynb", "The residual, squared.")
    code, _, err = run_cli(course, "grade", submissions, *options)
    assert code == 1 and "eve/99_toy: hand grade of" in err, err
    runs["regrade"] = digests(work)
    return runs


def edit_test_cell(path):
    """A student who weakened a test: grading puts the released test back."""
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "test_sgd_momentum")
    cell.source = "pass"
    nbformat.write(notebook, path)


def change_answer(path, text):
    notebook = nbformat.read(path, as_version=4)
    next(c for c in notebook.cells
         if c.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN).source = text
    nbformat.write(notebook, path)


def override_test_score(work, student, cell, points):
    """A grader overriding an autograded test's score in the formgrader."""
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        gradebook.find_grade(cell, "99_toy", "99_toy", student).manual_score = points
        gradebook.db.commit()


def digests(work):
    """{file: sha256} of what a grading writes, and of the gradebook's scores and comments."""
    files = [work / name for name in TABLES]
    files += sorted(p for name in WRITTEN_FOLDERS for p in (work / name).rglob("*") if p.is_file())
    found = {str(p.relative_to(work)): hashlib.sha256(timeless(p)).hexdigest() for p in files}
    found["gradebook"] = hashlib.sha256(json.dumps(gradebook_rows(work)).encode()).hexdigest()
    return found


def timeless(path):
    """A file's bytes; a notebook's without the times the kernel ran its cells at."""
    if path.suffix != ".ipynb":
        return path.read_bytes()
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        cell["metadata"].pop("execution", None)
    return json.dumps(notebook, sort_keys=True).encode()


def gradebook_rows(work):
    """Every submission's grades, comments and penalties, without nbgrader's random ids."""
    rows = []
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
                for notebook in submission.notebooks:
                    rows.append([submission.student.id, notebook.name, notebook.late_submission_penalty,
                                 notebook.score, notebook.max_score, notebook.needs_manual_grade])
                    rows += sorted([g.name, g.auto_score, g.manual_score, g.extra_credit,
                                    g.needs_manual_grade] for g in notebook.grades)
                    rows += sorted([c.name, c.auto_comment, c.manual_comment] for c in notebook.comments)
    return rows


def test_grading_writes_what_the_original_coordinator_wrote(course, tmp_path):
    runs = grade_class(course, tmp_path)
    versions = {name: version(name) for name in RENDERERS}
    if os.environ.get("DESCENT_GOLDEN") == "write":
        GOLDEN.write_text(json.dumps({"versions": versions, "runs": runs}, indent=1, sort_keys=True) + "\n")
    golden = json.loads(GOLDEN.read_text())
    same_renderers = golden["versions"] == versions
    for run, expected in golden["runs"].items():
        differing = sorted(name for name in expected.keys() | runs[run].keys()
                           if expected.get(name) != runs[run].get(name)
                           and (same_renderers or not name.endswith(".html")))
        assert not differing, f"{run}: these differ from the original coordinator's: {differing}"


def test_a_submission_nbgrader_refuses_fails_alone_with_nbgrader_reason():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    notebook.cells[0].metadata.nbgrader = {"grade": True, "solution": False, "grade_id": "q",
                                           "schema_version": 3}  # no points: corrupted
    shipped = {"kernelspec": None, "cells": {}, "points": {}}
    with pytest.raises(sanitizing.SanitizeError, match="ValidationError"):
        sanitizing.sanitize(nbformat.writes(notebook), shipped, "ana", "99_toy", "99_toy")
    # an ungraded cell claiming a grade id the release does not have loses the claim
    notebook.cells[0].metadata.nbgrader = {"grade": False, "solution": False, "grade_id": "q",
                                           "locked": False, "schema_version": 3}
    text = sanitizing.sanitize(nbformat.writes(notebook), shipped, "ana", "99_toy", "99_toy")
    assert "grade_id" not in nbformat.reads(text, as_version=4).cells[0].metadata.nbgrader


def test_a_feedback_page_that_cannot_be_made_is_a_warning(toy_course, tmp_path, monkeypatch):
    def broken(*_):
        raise RuntimeError("no templates")

    monkeypatch.setattr(worker, "feedback_page", broken)
    monkeypatch.setattr(grading, "feedback_page", broken)
    build(toy_course, "99_toy", tmp_path / "submissions", "ana", CLASS["ana"].split("\n\n")[0])
    code, _, err = run_cli(toy_course, "grade", tmp_path / "submissions", "--out", tmp_path / "work",
                           "--seed", 5, "--quiet", "--jobs", 1)
    assert code == 1 and "ana/99_toy: no feedback written: RuntimeError: no templates" in err, err
    assert json.loads((tmp_path / "work" / "grades.json").read_text())["submissions"][0]["score"] == 4
    assert not (tmp_path / "work" / "feedback" / "ana").exists()
