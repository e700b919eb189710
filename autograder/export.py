"""Results as a learning-management system takes them: feedback per student, grades as CSV.

``autograder feedback --export DIR`` writes

* ``DIR/feedback/<assignment>/<student id>.html`` (a zip of the pages when an assignment has
  several notebooks), for a bulk upload of feedback files; a submission from Moodle's "Download
  all submissions" gets ``<assignment>.html`` in the folder it came from,
  ``DIR/feedback/<assignment>/<Full name>_<participant id>_assignsubmission_file_/``, as Moodle's
  "Upload multiple feedback files in a zip" wants them (zip the folders);
* ``DIR/canvas.csv``: Canvas's gradebook import: ``Student``, ``ID``, ``SIS User ID``,
  ``SIS Login ID``, ``Section`` and a column per assignment with its total. Canvas matches rows
  by ``ID`` (its user id, known after ``autograder roster`` of a Canvas export) or ``SIS User
  ID`` (our student id, unless that is Canvas's user id, for a student graded from Canvas's
  download: then it is the ``ID``, and ``SIS User ID`` stays empty); it updates an existing
  assignment only if the column is named ``<name> (<Canvas assignment id>)``, so an assignment
  given its Canvas id (``--canvas-assignment 01_loss_functions=12345``) is named so, and any
  other becomes a new assignment: this file holds totals only;
* ``DIR/moodle.csv``: for Moodle's CSV grade import: ``ID number`` (empty for a student graded
  from Moodle's download, whose id is a participant id), ``Email address``, ``First name``,
  ``Surname``; per assignment its total, its late penalty and each question's
  points (map the columns you want to grade items when importing; the others are ignored).

A total is the points minus the late penalty (never below 0), as nbgrader's own export computes
it and as grades.csv's final column shows it; a student with no submission has empty cells (no
grade), not 0.
"""
import argparse
import re
import zipfile
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from . import lmsnames
from .atomic import atomic_csv, atomic_write
from .course import CourseError
from .gradebook import late_adjusted

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDENTITY = ["ID number", "Email address", "First name", "Surname"]


def export(url, work, target, canvas_ids=None):
    """Write the feedback files and both grade tables into ``target``: (the number of students,
    the assignments with no Canvas id). ``canvas_ids``: {assignment: Canvas assignment id}."""
    target, canvas_ids = Path(target), canvas_ids or {}
    with Gradebook(url) as gradebook:
        assignments = sorted(gradebook.assignments, key=lambda a: a.name)
        _require_known(canvas_ids, [a.name for a in assignments])
        target.mkdir(parents=True, exist_ok=True)
        questions = {a.name: _questions(a) for a in assignments}
        students = sorted(gradebook.students, key=lambda s: s.id)
        results = {(s.id, a.name): _result(gradebook, s.id, a.name) for s in students
                   for a in assignments}
        canvas = [CANVAS_IDENTITY + [_canvas_column(a.name, canvas_ids) for a in assignments]]
        moodle = [MOODLE_IDENTITY + [column for a in assignments
                                     for column in _moodle_columns(a.name, questions[a.name])]]
        for student in students:
            mine = [results[(student.id, a.name)] for a in assignments]
            origins = _downloads(Path(work), student.id, assignments)
            canvas.append(_canvas_identity(student, lmsnames.CANVAS in origins)
                          + [r["total"] for r in mine])
            moodle.append(_moodle_identity(student, lmsnames.MOODLE in origins) + [
                v for a, r in zip(assignments, mine) for v in _moodle_values(r, questions[a.name])])
    atomic_csv(target / "canvas.csv", canvas)  # whole or not at all: an LMS never gets half
    atomic_csv(target / "moodle.csv", moodle)
    for student in students:
        for assignment in assignments:
            _copy_feedback(Path(work), target / "feedback", student.id, assignment.name)
    return len(students), [a.name for a in assignments if a.name not in canvas_ids]


def canvas_assignment(text):
    """``01_loss_functions=12345`` as (assignment, Canvas assignment id), for the command line."""
    assignment, _, number = text.partition("=")
    if not assignment or not re.fullmatch(r"[1-9][0-9]{0,17}", number):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not ASSIGNMENT=ID (ID: the number in the assignment's Canvas address, "
            ".../assignments/12345)")
    return assignment, number


def canvas_assignment_ids(pairs):
    """{assignment: Canvas id} from the (assignment, id) pairs of the command line; CourseError if
    one assignment is given two ids."""
    ids = {}
    for assignment, number in pairs:
        if ids.setdefault(assignment, number) != number:
            raise CourseError(f"--canvas-assignment gives {assignment} two ids, {ids[assignment]} "
                              f"and {number}: keep the one in its Canvas address")
    return ids


def _require_known(canvas_ids, names):
    unknown = sorted(set(canvas_ids) - set(names))
    if unknown:
        raise CourseError(f"--canvas-assignment names {', '.join(unknown)}, which the gradebook "
                          f"does not have (it has {', '.join(names) or 'none'})")


def _canvas_column(assignment, canvas_ids):
    """``name (id)`` if the assignment's Canvas id is known: only so does Canvas update it."""
    return f"{assignment} ({canvas_ids[assignment]})" if assignment in canvas_ids else assignment


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


def _canvas_identity(student, from_canvas):
    """Student, ID, SIS User ID, ...: our id is Canvas's user id, not a SIS id, for a student
    graded from Canvas's download (``from_canvas``) or named by ``roster --id ID``."""
    name = ", ".join(p for p in (student.last_name, student.first_name) if p) or student.id
    user_id = student.lms_user_id or (student.id if from_canvas else "")
    return [name, user_id, "" if user_id == student.id else student.id, "", ""]


def _moodle_identity(student, from_moodle):
    """ID number, ...: our id is no ID number for a student graded from Moodle's download (it is
    the assignment's participant id): Moodle's import then matches by email."""
    id_number = "" if from_moodle else student.id
    return [id_number, student.email or "", student.first_name or "", student.last_name or ""]


def _copy_feedback(work, target, student, assignment):
    """One file per student and assignment: the page itself, or a zip of the pages."""
    pages = sorted((work / "feedback" / student / assignment).glob("*.html"))
    if not pages or Path(student).name != student:
        return
    lms = _download_name(work, student, assignment)
    moodle = lms.moodle_folder() if lms and lms.lms == lmsnames.MOODLE else None
    folder, name = (target / assignment / moodle, assignment) if moodle else (target / assignment,
                                                                              student)
    folder.mkdir(parents=True, exist_ok=True)
    if len(pages) == 1:
        atomic_write(folder / f"{name}.html", pages[0].read_bytes())
        return

    def zipped(file):
        with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
            for page in pages:
                archive.write(page, page.name)
    atomic_write(folder / f"{name}.zip", zipped)


def _downloads(work, student, assignments):
    """The LMSs (CANVAS, MOODLE) whose downloads the student's graded submissions came from."""
    return {lms.lms for a in assignments if (lms := _download_name(work, student, a.name))}


def _download_name(work, student, assignment):
    """The :class:`lmsnames.LmsName` of the download the graded submission came from (recorded
    by grading), or None (also if it names another student)."""
    path = work / "submitted" / student / assignment / lmsnames.LMS_NAME_FILE
    try:
        lms = lmsnames.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return lms if lms and lms.student == student else None
