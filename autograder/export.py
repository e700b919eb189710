"""Results as a learning-management system takes them: feedback per student, grades as CSV.

``autograder feedback --export DIR`` writes

* ``DIR/feedback/<assignment>/<student id>.html`` (a zip of the pages when an assignment has
  several notebooks), for a bulk upload of feedback files;
* ``DIR/canvas.csv``: Canvas's gradebook import: ``Student``, ``ID``, ``SIS User ID``,
  ``SIS Login ID``, ``Section`` and a column per assignment with its total. Canvas matches rows
  by ``ID`` (its user id, known after ``autograder roster`` of a Canvas export) or ``SIS User
  ID`` (our student id); a column Canvas does not know becomes a new assignment, so this file
  holds totals only;
* ``DIR/moodle.csv``: for Moodle's CSV grade import: ``ID number``, ``Email address``,
  ``First name``, ``Surname``; per assignment its total, its late penalty and each question's
  points (map the columns you want to grade items when importing; the others are ignored).

A total is the points minus the late penalty (never below 0), as nbgrader's own export computes
it and as grades.csv's final column shows it; a student with no submission has empty cells (no
grade), not 0.
"""
import zipfile
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .atomic import atomic_csv, atomic_write
from .gradebook import late_adjusted

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDENTITY = ["ID number", "Email address", "First name", "Surname"]


def export(url, work, target):
    """Write the feedback files and both grade tables into ``target``; the number of students."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    with Gradebook(url) as gradebook:
        assignments = sorted(gradebook.assignments, key=lambda a: a.name)
        questions = {a.name: _questions(a) for a in assignments}
        students = sorted(gradebook.students, key=lambda s: s.id)
        results = {(s.id, a.name): _result(gradebook, s.id, a.name) for s in students
                   for a in assignments}
        canvas = [CANVAS_IDENTITY + [a.name for a in assignments]]
        moodle = [MOODLE_IDENTITY + [column for a in assignments
                                     for column in _moodle_columns(a.name, questions[a.name])]]
        for student in students:
            mine = [results[(student.id, a.name)] for a in assignments]
            canvas.append(_canvas_identity(student) + [r["total"] for r in mine])
            moodle.append(_moodle_identity(student) + [
                v for a, r in zip(assignments, mine) for v in _moodle_values(r, questions[a.name])])
    atomic_csv(target / "canvas.csv", canvas)  # whole or not at all: an LMS never gets half
    atomic_csv(target / "moodle.csv", moodle)
    for student in students:
        for assignment in assignments:
            _copy_feedback(Path(work), target / "feedback", student.id, assignment.name)
    return len(students)


def _questions(assignment):
    """(notebook, grade cell, column label) of each graded cell, in order."""
    several = len(assignment.notebooks) > 1
    return [(n.name, c.name, f"{n.name}/{c.name}" if several else c.name)
            for n in sorted(assignment.notebooks, key=lambda n: n.name) for c in n.grade_cells]


def _result(gradebook, student, assignment):
    """{"total", "penalty", "points": {(notebook, cell): points}}; empty strings when missing."""
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return {"total": "", "penalty": "", "points": {}}
    _, penalty, final = late_adjusted(submission)
    points = {(n.name, g.name): _number(g.score) for n in submission.notebooks for g in n.grades}
    return {"total": _number(final), "penalty": _number(penalty), "points": points}


def _number(value):
    return f"{value or 0.0:g}"


def _moodle_columns(assignment, questions):
    return [assignment, f"{assignment} late penalty",
            *(f"{assignment}: {label}" for _, _, label in questions)]


def _moodle_values(result, questions):
    return [result["total"], result["penalty"],
            *(result["points"].get((n, c), "") for n, c, _ in questions)]


def _canvas_identity(student):
    name = ", ".join(p for p in (student.last_name, student.first_name) if p) or student.id
    return [name, student.lms_user_id or "", student.id, "", ""]


def _moodle_identity(student):
    return [student.id, student.email or "", student.first_name or "", student.last_name or ""]


def _copy_feedback(work, target, student, assignment):
    """One file per student and assignment: the page itself, or a zip of the pages."""
    pages = sorted((work / "feedback" / student / assignment).glob("*.html"))
    if not pages or Path(student).name != student:
        return
    folder = target / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if len(pages) == 1:
        atomic_write(folder / f"{student}.html", pages[0].read_bytes())
        return

    def zipped(file):
        with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
            for page in pages:
                archive.write(page, page.name)
    atomic_write(folder / f"{student}.zip", zipped)
