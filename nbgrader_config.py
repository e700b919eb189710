"""nbgrader settings for using nbgrader's own tools (formgrader, manual grading) on this course.

The ``autograder`` command builds the same settings itself; this file makes plain ``nbgrader``
commands and JupyterLab's formgrader, started from this folder, see the same gradebook in
grading/, grade the same way (the formgrader's Autograde button runs the sandboxed pipeline of
``autograder grade``) and release feedback through an exchange folder in grading/. Validate
(``nbgrader validate``, the Validate button) runs what grading runs: demo cells are skipped.
"""
from pathlib import Path

from autograder.formgrade import configure

here = Path(__file__).resolve().parent
configure(get_config(), here, here / "grading")  # noqa: F821 (get_config: provided by nbgrader)
