"""The Validate button of a student's JupyterLab runs what grading runs: demo cells are skipped."""
from autograder.course import DEMO_TAG

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
c.Execute.skip_cells_with_tag = DEMO_TAG
