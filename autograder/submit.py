"""``autograder submit``: check a notebook as the grader will, then write the file to upload.

The file is the student's notebook exactly as saved (nothing is executed into it), named as the
grader's flat LMS layout expects: ``<student>_<assignment>.ipynb`` (see ``_parse_lms_name`` in
:mod:`autograder.intake`). The grader reads the student id up to the first underscore, so an id may
not contain one. A summary says what is still unfinished: functions as released, visible tests
failing, written answers empty. An unfinished notebook is written all the same: uploading part of
the work is the student's choice.
"""
import os
import re
from pathlib import Path

from .atomic import atomic_write
from .course import DEFAULT_TIMEOUT, CourseError, assignments, find_root
from .i18n import N_, _
from .intake import cell_id
from .selfcheck import check_notebook, is_unanswered, read_checked

STUDENT_VARIABLE = "DESCENT_STUDENT"
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.@+-]*")
# An assignment id at the start of a notebook's name: "01_loss_functions (1)" -> 01_loss_functions
ASSIGNMENT_IN_NAME = re.compile(r"\d\d_[A-Za-z0-9_]*[A-Za-z0-9]")


def student_id(given=None):
    """``given``, else ``$DESCENT_STUDENT``: an id the grader's file names can carry."""
    student = given or os.environ.get(STUDENT_VARIABLE, "")
    if not student:
        raise CourseError(_("whose notebook is it? give your student id: --student ID "
                            "(or set {variable}=ID once in your shell)").format(
            variable=STUDENT_VARIABLE))
    if not STUDENT_ID.fullmatch(student):
        raise CourseError(_("student id {student} cannot name the file: use letters, digits and "
                            ". - @ + only (no '_': the grader reads the id up to the first '_')")
                          .format(student=repr(student)))
    return student


def assignment_id(notebook, given=None):
    """``given``, else the assignment the notebook's file name starts with (the longest known one
    when the notebook is inside the course folder)."""
    if given:
        candidate = given
    else:
        match = ASSIGNMENT_IN_NAME.match(notebook.stem)
        if not match:
            raise CourseError(_("{name} does not start with an assignment id such as "
                                "01_loss_functions: give it with --assignment ID")
                              .format(name=notebook.name))
        candidate = match[0]
    try:
        known = assignments(find_root(notebook.parent))
    except CourseError:  # a notebook on its own, outside the course folder
        return candidate
    matches = [a for a in known if candidate == a or (not given and candidate.startswith(a))]
    if not matches:
        raise CourseError(_("unknown assignment {assignment}: known assignments are {known}; "
                            "give the right one with --assignment ID")
                          .format(assignment=repr(candidate), known=", ".join(known)))
    return max(matches, key=len)


def submit(notebook, student=None, assignment=None, out=None, timeout=DEFAULT_TIMEOUT):
    """Check ``notebook``, then write ``<student>_<assignment>.ipynb`` into ``out`` (default: the
    current folder). Returns (the file written, the checks, the functions still as released)."""
    notebook = Path(notebook)
    student, assignment = student_id(student), assignment_id(notebook, assignment)
    saved = notebook.read_bytes() if notebook.is_file() else None
    checks = check_notebook(notebook, timeout=timeout)
    stubs = [cell_id(cell) for cell in read_checked(notebook).cells if _is_stub(cell)]
    target = Path(out or Path.cwd()) / f"{student}_{assignment}.ipynb"
    _write_atomically(target, saved)
    return target, checks, stubs


def _is_stub(cell):
    """A solution code cell still as released, or still raising the stub's NotImplementedError."""
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return (cell.cell_type == "code" and grading.get("solution")
            and (is_unanswered(cell) or "raise NotImplementedError" in cell.source))


def _write_atomically(target, data):
    """Write ``target`` whole or not at all (see atomic.atomic_write)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)
    except OSError as error:
        raise CourseError(_("cannot write {target}: {reason}: give a writable folder with "
                            "--out DIR").format(target=target, reason=error.strerror)) from None


def format_summary(target, checks, stubs):
    """What was written, and what is still unfinished, one kind per line."""
    failing = [c.question for c in checks if not c.written and not c.passed]
    empty = [c.question for c in checks if c.written and not c.passed]
    todo = [(label, names) for label, names in ((N_("functions not written"), stubs),
                                                (N_("visible tests failing"), failing),
                                                (N_("written answers empty"), empty)) if names]
    lines = [_("wrote {target}: upload this file").format(target=target)]
    if todo:
        lines.append(_("still unfinished:"))
        lines += [f"  {_(label)} ({len(names)}): {', '.join(names)}" for label, names in todo]
    else:
        lines.append(_("every function written, every visible test passes, every written answer "
                       "given (hidden tests check more when it is graded)"))
    return "\n".join(lines)
