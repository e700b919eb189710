"""Grade a class's submissions with nbgrader: autograde, feedback, grade tables.

Each submission is autograded by nbgrader's Python API in this process (one kernel per notebook, no
nbgrader process per student). A submission that crashes, loops or cannot be read is reported and
skipped; the rest of the batch goes on, and the gradebook only ever holds whole results.
"""
import csv
import json
import os
import secrets
import shutil
import sys
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning
from tqdm import tqdm

from . import intake
from .course import (DEFAULT_TIMEOUT, CourseError, assignments, nbgrader_api, nbgrader_settings,
                     require_assignment)
from .judge import stop_recording
from .release import last_error_line


@dataclass
class CellResult:
    notebook: str
    cell: str
    points: float
    max_points: float
    passed: bool | None  # None: a manually graded answer
    message: str


@dataclass
class Outcome:
    student: str
    assignment: str
    status: str  # graded | rejected | failed
    score: float = 0.0
    max_score: float = 0.0
    message: str = ""
    warnings: list = field(default_factory=list)
    cells: list = field(default_factory=list)


@dataclass
class Report:
    seed: int
    work: Path
    outcomes: list
    table: list  # rows of the student x assignment table, header first

    @property
    def problems(self):
        return [o for o in self.outcomes if o.status != "graded" or o.warnings]


def grade(root, submissions, *, assignment=None, out=None, seed=None, timeout=DEFAULT_TIMEOUT,
          progress=True):
    """Autograde every submission under ``submissions``; write feedback, grades.csv, grades.json."""
    if assignment is not None:
        require_assignment(root, assignment)
    found, problems = intake.collect(root, submissions, assignment)
    single_threaded_kernels()
    work = Path(out or Path(root) / "grading")
    work.mkdir(parents=True, exist_ok=True)
    seed = secrets.randbelow(2**31) if seed is None else seed
    api = nbgrader_api(nbgrader_settings(root, work, seed=seed, timeout=timeout))
    for assignment_id in sorted({s.assignment for s in found}):
        result = api.generate_assignment(assignment_id)
        if not result["success"]:
            raise CourseError(f"could not prepare {assignment_id}: {last_error_line(result)}")
    outcomes = [Outcome(p.student, p.assignment, "rejected", message=p.message) for p in problems]
    for submission in tqdm(found, desc="grading", unit="submission", disable=not progress,
                           file=sys.stderr):
        outcomes.append(grade_submission(api, work, submission))
    report = Report(seed, work, sorted(outcomes, key=lambda o: (o.student, o.assignment)),
                    grade_table(work, outcomes, assignments(root)))
    write_reports(report)
    return report


def single_threaded_kernels():
    """One BLAS thread per kernel: the tests' arrays are small, and several threads on a busy
    machine make small matrix products many times slower. Kernels inherit this environment."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")


def grade_submission(api, work, submission):
    """Autograde one student's assignment and write their feedback; never raises for bad code."""
    folder = work / "submitted" / submission.student / submission.assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, notebook in submission.notebooks.items():
        nbformat.write(notebook, folder / f"{name}.ipynb")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)  # nbgrader's own session handling
            result = api.autograde(submission.assignment, submission.student)
    finally:
        stop_recording()
    outcome = Outcome(submission.student, submission.assignment, "graded",
                      warnings=list(submission.warnings))
    if not result["success"]:
        outcome.status, outcome.message = "failed", f"nbgrader failed: {last_error_line(result)}"
        return outcome
    feedback = api.generate_feedback(submission.assignment, submission.student)
    if not feedback["success"]:
        outcome.warnings.append(f"no feedback written: {last_error_line(feedback)}")
    outcome.cells = cell_results(work, submission.student, submission.assignment)
    outcome.score = sum(c.points for c in outcome.cells)
    outcome.max_score = sum(c.max_points for c in outcome.cells)
    return outcome


def cell_results(work, student, assignment):
    """Per graded cell, in notebook order: the gradebook's points and the judge's message."""
    results = []
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        for notebook in gradebook.find_submission(assignment, student).notebooks:
            grades = {grade.name: grade for grade in notebook.grades}
            path = work / "autograded" / student / assignment / f"{notebook.name}.ipynb"
            for cell in nbformat.read(path, as_version=4).cells:
                grade = grades.get(intake.cell_id(cell))
                if grade is not None:
                    results.append(_cell_result(notebook.name, cell, grade))
    return results


def _cell_result(notebook, cell, grade):
    points = grade.score or 0.0
    if cell.cell_type == "markdown":
        message = "needs manual grading" if grade.needs_manual_grade else "graded by hand"
        return CellResult(notebook, grade.name, points, grade.max_score, None, message)
    outputs = cell.get("outputs", [])
    message = "\n".join(o.get("text") or "\n".join(o.get("traceback", [])) for o in outputs)
    return CellResult(notebook, grade.name, points, grade.max_score, points == grade.max_score,
                      message.strip())


def grade_table(work, outcomes, known):
    """Student x assignment totals from the whole gradebook: a number, or why there is none.

    No submission is 'missing', not 0; 'rejected' and 'failed' are this run's submissions that
    could not be graded. The header gives each assignment's maximum.
    """
    rejected = {(o.student, o.assignment): o.status for o in outcomes if o.status != "graded"}
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        columns = sorted({a.name for a in gradebook.assignments}
                         | {a for _, a in rejected if a in known})
        maxima = {a.name: a.max_score for a in gradebook.assignments}
        students = sorted({s.id for s in gradebook.students} | {s for s, _ in rejected})
        rows = [["student", *(f"{a} (of {maxima.get(a, 0):g})" for a in columns)]]
        for student in students:
            rows.append([student, *(_total(gradebook, student, a, rejected) for a in columns)])
    return rows


def _total(gradebook, student, assignment, rejected):
    if (student, assignment) in rejected:
        return rejected[(student, assignment)]
    try:
        return f"{gradebook.find_submission(assignment, student).score:g}"
    except MissingEntry:
        return "missing"


def pending_manual_points(outcome):
    return sum(c.max_points for c in outcome.cells if c.message == "needs manual grading")


def write_reports(report):
    with open(report.work / "grades.csv", "w", newline="") as file:
        csv.writer(file).writerows(report.table)
    data = {"seed": report.seed,
            "submissions": [asdict(o) for o in report.outcomes]}
    (report.work / "grades.json").write_text(json.dumps(data, indent=2) + "\n")


def format_table(rows):
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
