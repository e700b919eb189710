"""nbgrader's own tools on the course: the formgrader's Autograde grades like ``autograder grade``,
feedback can be released through the exchange, and pages need no network for formulas."""
import contextlib
import json
import shutil

import pytest
from nbgrader.api import Gradebook

from conftest import REPO, build, cell_points, run_cli

SEED = 11
WRONG = '''# base: solutions
# %% sgd_momentum
def sgd_momentum(w, dw, config=None):
    return w - 0.1 * dw, config or {}
'''


@pytest.fixture(scope="module")
def course(toy_course, tmp_path_factory):
    """The toy course with the repository's nbgrader_config.py, a good and a wrong submission
    graded by the command line into its grading/ folder."""
    root = tmp_path_factory.mktemp("formgrader") / "course"
    shutil.copytree(toy_course, root)
    shutil.copy(REPO / "nbgrader_config.py", root)
    submissions = root / "incoming"
    build(root, "99_toy", submissions, "good", "# base: solutions\n")
    build(root, "99_toy", submissions, "wrong", WRONG)
    code, _, err = run_cli(root, "grade", submissions, "--out", root / "grading", "--seed", SEED,
                           "--timeout", 5, "--quiet", "--jobs", 1)
    assert code == 0, err
    return root


def nbgrader_api(root):
    """nbgrader's API configured as the formgrader configures it: from nbgrader_config.py."""
    from nbgrader.apps import NbGrader, NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    with contextlib.chdir(root):
        app = NbGrader()
        app.load_config_file()
    return NbGraderAPI(CourseDirectory(config=app.config), config=app.config)


def gradebook_points(root, student):
    with Gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook("99_toy", "99_toy", student)
        return {grade.name: grade.score for grade in notebook.grades}


def test_formgraders_autograde_gives_the_command_lines_scores(course):
    expected = cell_points(course / "grading")
    assert expected["wrong"]["test_sgd_momentum"] == 0 and expected["good"]["test_sgd_momentum"] == 2
    api = nbgrader_api(course)
    for student in ("good", "wrong"):
        with contextlib.chdir(course):
            result = api.autograde("99_toy", student, force=True)
        assert result["success"], result.get("error")
        assert gradebook_points(course, student) == expected[student]
    verdict = json.loads((course / "grading" / "autograded" / "wrong" / "99_toy" / "99_toy.ipynb")
                         .read_text())
    outputs = [c["outputs"] for c in verdict["cells"]
               if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "test_sgd_momentum"]
    assert "learning_rate" in json.dumps(outputs)  # the judge's verdict, not a bare pass/fail


def test_feedback_is_released_through_the_exchange(course):
    api = nbgrader_api(course)
    with contextlib.chdir(course):
        assert api.generate_feedback("99_toy", "good", force=True)["success"]
        result = api.release_feedback("99_toy", "good")
    assert result["success"], result.get("error") or result.get("log")
    released = list((course / "grading" / "exchange").rglob("*.html"))
    assert released and all("<mfrac>" in p.read_text() for p in released)
