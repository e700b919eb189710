"""nbgrader settings for using nbgrader's own tools (formgrader, manual grading) on this course.

The ``autograder`` command builds the same settings itself; this file makes plain ``nbgrader``
commands and JupyterLab's formgrader, started from this folder, see the same gradebook in
grading/ and judge cells the same way. Validate (``nbgrader validate``, the Validate button) runs
what grading runs: demo cells are skipped.
"""
from pathlib import Path

from autograder.course import DEMO_TAG, nbgrader_settings

here = Path(__file__).resolve().parent
(here / "grading").mkdir(exist_ok=True)
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
c.merge(nbgrader_settings(here, here / "grading"))
c.Execute.skip_cells_with_tag = DEMO_TAG
