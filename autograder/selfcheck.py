"""A student's self-check: run a notebook as the grader would and say, per question, how it went.

The notebook file is not changed. Only the visible tests run (hidden ones are not in a student's
copy), so passing here is necessary, not sufficient, for full points.
"""
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .course import DEFAULT_TIMEOUT, CourseError
from .judge import is_autograded_test
from .intake import Rejected, cell_id, read_notebook


@dataclass
class Check:
    question: str
    passed: bool
    message: str


def check_notebook(path, timeout=DEFAULT_TIMEOUT):
    """Execute a copy of the notebook; one :class:`Check` per autograded test cell."""
    path = Path(path)
    if not path.is_file():
        raise CourseError(f"{path} does not exist: give the path of your .ipynb file")
    try:
        notebook = read_notebook(path.read_bytes(), path)
    except Rejected as reason:
        raise CourseError(str(reason)) from None
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.execute()
    return [_check(cell) for cell in notebook.cells if is_autograded_test(cell)]


def _check(cell):
    errors = [o for o in cell.outputs if o.output_type == "error"]
    if not errors:
        return Check(cell_id(cell), True, "")
    return Check(cell_id(cell), False, f"{errors[0].ename}: {errors[0].evalue}")


def format_checks(checks):
    lines = [f"{'passed' if c.passed else 'FAILED'}  {c.question}"
             + ("" if c.passed else f"  -- {c.message}") for c in checks]
    passed = sum(c.passed for c in checks)
    lines.append(f"{passed} of {len(checks)} questions pass their visible tests")
    return "\n".join(lines)
