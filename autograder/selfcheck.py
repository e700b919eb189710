"""A student's self-check: run a notebook as the grader would and say, per question, how it went.

The notebook file is not changed. As in grading, demo cells are skipped. Only the visible tests run
(hidden ones are not in a student's copy), so passing here is necessary, not sufficient, for full
points.

What it prints is in the notebook's language (see :func:`in_notebook_language`).
"""
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from nbclient import NotebookClient
from nbconvert.filters import strip_ansi
from nbgrader.utils import compute_checksum

from .course import DEFAULT_TIMEOUT, DEMO_TAG, CourseError
from .i18n import ENVIRONMENT_VARIABLE, _, current_language, language, notebook_language, pad
from .judge import is_autograded_test
from .intake import Rejected, cell_id, read_notebook


@dataclass
class Check:
    question: str
    passed: bool
    message: str
    written: bool = False  # a written answer, graded by hand

    @property
    def status(self):
        if self.written:
            return _("answered") if self.passed else _("to do")
        return _("passed") if self.passed else _("FAILED")


def check_notebook(path, timeout=DEFAULT_TIMEOUT):
    """Execute a copy of the notebook; one :class:`Check` per test cell and per written answer."""
    path = Path(path)
    notebook = read_checked(path)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, skip_cells_with_tag=DEMO_TAG,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    # its tests' messages in the notebook's language, even if no cell of it sets one
    client.execute(env={**os.environ, ENVIRONMENT_VARIABLE: notebook_language(notebook)})
    return [_check(cell) if is_autograded_test(cell) else _written_answer(cell)
            for cell in notebook.cells if is_autograded_test(cell) or _is_written_answer(cell)]


@contextlib.contextmanager
def in_notebook_language(path):
    """Messages inside the block in the language of the notebook at ``path`` (as they are, if it
    cannot be read: the command then says why)."""
    try:
        code = notebook_language(read_checked(path))
    except CourseError:
        code = current_language()
    with language(code):
        yield


def read_checked(path):
    """The notebook at ``path``, or a one-line CourseError saying why it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise CourseError(_("{path} does not exist: give the path of your .ipynb file")
                          .format(path=path))
    try:
        return read_notebook(path.read_bytes(), path)
    except Rejected as reason:
        raise CourseError(str(reason)) from None


def is_unanswered(cell):
    """A solution cell exactly as released (nbgrader's checksum of it)."""
    return cell.metadata.nbgrader.get("checksum") == compute_checksum(cell)


def _is_written_answer(cell):
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "markdown" and grading.get("grade") and grading.get("solution")


def _written_answer(cell):
    """A written answer is unanswered while it is exactly as released (nbgrader's checksum)."""
    return Check(cell_id(cell), not is_unanswered(cell), _("written answer, graded by hand"),
                 written=True)


def _check(cell):
    errors = [o for o in cell.outputs if o.output_type == "error"]
    if not errors:
        return Check(cell_id(cell), True, "")
    error = errors[0]
    if error.ename == "TestFailure":  # the test's own short block (see autograder.testing)
        return Check(cell_id(cell), False, strip_ansi("\n".join(error.traceback)))
    return Check(cell_id(cell), False, f"{error.ename}: {error.evalue}" if error.evalue else error.ename)


def format_checks(checks):
    """One line per question; a failing test's block goes on it if short, else indented under it."""
    lines = []
    for c in checks:
        message = c.message.removeprefix(f"\u2717 {c.question}: ")  # the question names it already
        first, *rest = message.splitlines() or [""]
        if rest and first.startswith("\u2717"):
            first, rest = "", [first, *rest]
        lines.append(f"{pad(c.status, 8)}  {c.question}" + (f"  -- {first}" if first else ""))
        lines += [" " * 10 + line for line in rest]
    tests = [c for c in checks if not c.written]
    written = [c for c in checks if c.written]
    lines.append(_("{passed} of {tests} questions pass their visible tests; {answered} of "
                   "{written} written answers given").format(
        passed=sum(c.passed for c in tests), tests=len(tests),
        answered=sum(c.passed for c in written), written=len(written)))
    return "\n".join(lines)
