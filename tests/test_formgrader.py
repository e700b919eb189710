"""nbgrader's own tools on the course: the formgrader's Autograde grades like ``autograder grade``,
a grade given by hand there survives a regrade and reaches the feedback, feedback can be released
through the exchange, and pages need no network for formulas."""
import contextlib
import json
import logging
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import formgrade
from autograder.worker import TaskResult

from browser import browser_page, jupyter_lab
from conftest import REPO, WRITTEN, build, cell_points, outcomes, run_cli, with_written_answer

SEED = 11
WRONG = '''# base: solutions
# %% sgd_momentum
def sgd_momentum(w, dw, config=None):
    return w - 0.1 * dw, config or {}
'''


@pytest.fixture(scope="module")
def course(toy_course, tmp_path_factory):
    """The toy course with a written answer and the repository's nbgrader_config.py, a good and a
    wrong submission graded by the command line into its grading/ folder."""
    root = with_written_answer(toy_course, tmp_path_factory.mktemp("formgrader") / "course")
    shutil.copy(REPO / "nbgrader_config.py", root)
    submissions = root / "incoming"
    build(root, "99_toy", submissions, "good", "# base: solutions\n")
    build(root, "99_toy", submissions, "wrong", WRONG)
    # as nbgrader's collect leaves it: releasing feedback needs the submission's time and secret
    (submissions / "good" / "99_toy" / "timestamp.txt").write_text("2026-11-30 09:15:00.000000 UTC")
    (submissions / "good" / "99_toy" / "submission_secret.txt").write_text("5ec7e7" * 20)
    code, _, err = grade(root, "--seed", SEED)
    assert code == 0, err
    return root


def grade(course, *options):
    return run_cli(course, "grade", course / "incoming", "--out", course / "grading",
                   "--timeout", 5, "--quiet", "--jobs", 1, *options)


def nbgrader_api(root):
    """nbgrader's API configured as the formgrader configures it: from nbgrader_config.py."""
    from nbgrader.apps import NbGrader, NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    with contextlib.chdir(root):
        app = NbGrader()
        app.load_config_file()
    return NbGraderAPI(CourseDirectory(config=app.config), config=app.config)


def gradebook_points(root, student):
    """{autograded cell: points} of a student in the gradebook."""
    with Gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook("99_toy", "99_toy", student)
        return {grade.name: grade.score for grade in notebook.grades if grade.name != WRITTEN}


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


@pytest.fixture(scope="module")
def formgrader(course, tmp_path_factory):
    """JupyterLab with the formgrader, started in the course (its nbgrader_config.py applies)."""
    folder = tmp_path_factory.mktemp("formgrader-browser")
    with jupyter_lab(course, folder) as (url, token), browser_page(folder) as page:
        page.route("**/*", _loopback_only)
        page.set_extra_http_headers({"Authorization": f"token {token}"})  # the pages' own requests too
        yield page, url


def _loopback_only(route):
    """The machine a course is graded on may have no internet: the pages must not need it."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


def submission_id(course, student):
    with Gradebook(f"sqlite:///{course / 'grading' / 'gradebook.db'}") as gradebook:
        return gradebook.find_submission_notebook("99_toy", "99_toy", student).id


def test_formgrader_shows_formulas_offline(course, formgrader):
    page, url = formgrader
    page.goto(f"{url}/formgrader/submissions/{submission_id(course, 'good')}/")
    formula = page.locator("math").first
    formula.wait_for()
    box = formula.bounding_box()
    assert box["width"] > 40 and box["height"] > 10  # laid out as a formula, not an empty tag
    assert "\\frac" not in page.inner_text("body")


def test_autograde_button_gives_the_command_lines_scores(course, formgrader):
    expected = cell_points(course / "grading")["wrong"]
    judged = course / "grading" / "autograded" / "wrong" / "99_toy" / "99_toy.ipynb"
    judged.unlink()  # so the button has to execute and judge it again
    page, url = formgrader
    page.goto(f"{url}/formgrader/manage_submissions/99_toy")
    page.locator("tr", has_text="wrong").locator(".autograde a").click()
    page.locator("#success-modal").wait_for(timeout=120_000)
    assert gradebook_points(course, "wrong") == expected
    assert "learning_rate" in judged.read_text()  # the judge's verdict is in the notebook


COMMENT = "Right idea; now say why the pull is linear in the residual."


def open_for_grading(page, grading):
    """Open a submission's grading page and wait until its scripts have filled in the recorded
    grades and comments (they arrive by a request of their own, after the page has loaded)."""
    page.goto(grading)
    page.wait_for_function("() => formgrader.grades.loaded && formgrader.comments.loaded")


def test_a_hand_grade_survives_a_regrade_and_reaches_the_feedback(course, formgrader):
    page, url = formgrader
    grading = f"{url}/formgrader/submissions/{submission_id(course, 'good')}/"
    open_for_grading(page, grading)
    for field, value, api in ((f"#{WRITTEN}", "1.5", "/api/grade/"),
                              (f"#{WRITTEN}-comment", COMMENT, "/api/comment/")):
        with page.expect_response(lambda r: api in r.url and r.request.method == "PUT") as saved:
            page.fill(field, value)
            page.press(field, "Tab")  # the formgrader saves on change
        assert saved.value.ok

    code, _, err = grade(course)  # a regrade, with the recorded seed
    assert code == 0, err
    written = next(c for c in outcomes(course / "grading")["good"]["cells"] if c["cell"] == WRITTEN)
    assert (written["points"], written["message"]) == (1.5, "graded by hand")
    open_for_grading(page, grading)
    score = page.locator(f"#{WRITTEN}")
    assert score.input_value() == "1.5"
    assert "needs_manual_grade" not in score.get_attribute("class")  # graded, not waiting
    assert page.locator(f"#{WRITTEN}-comment").input_value() == COMMENT

    code, _, err = run_cli(course, "feedback")  # refresh: the work folder is grading/
    assert code == 0, err
    page.goto(f"{url}/files/grading/feedback/good/99_toy/99_toy.html")
    text = page.inner_text("body")
    assert COMMENT in text
    assert "Score: 1.5 / 2" in " ".join(text.split())


def test_the_formgrader_shows_the_names_of_the_roster(course, formgrader):
    students = course / "students.csv"
    students.write_text("id,first,last,email\ngood,민준,김,mj@uni.example\n", encoding="utf-8")
    code, _, err = run_cli(course, "roster", students)  # into grading/, as the README says
    assert code == 0 and "not on the roster: wrong" in err, err
    page, url = formgrader
    page.goto(f"{url}/formgrader/manage_submissions/99_toy")
    listed = page.locator("tr", has_text="good")
    listed.wait_for()
    assert "김, 민준" in listed.inner_text()
    assert "None, None" in page.locator("tr", has_text="wrong").inner_text()  # not on the roster


def test_the_autograde_button_takes_the_sandbox_mode_and_logs_a_missing_sandbox(monkeypatch,
                                                                                caplog):
    """The button grades with the sandbox the configuration asks for (c.ExecuteAndJudge.sandbox,
    as --sandbox), and says so in the log, as the command line does, when it runs without one."""
    modes = []

    def unsandboxed(task):
        modes.append(task.sandbox.mode)
        return TaskResult(task.student, task.assignment, dict(task.notebooks),
                          warning="no sandbox (bubblewrap is not installed): ...")

    monkeypatch.setattr(formgrade, "run_task", unsandboxed)
    log = logging.getLogger("formgrade-test")
    judge = formgrade.ExecuteAndJudge(solutions=str(REPO / "tests" / "fixtures" / "toy_course" /
                                                    "solutions"), sandbox="required", log=log)
    resources = {"nbgrader": {"assignment": "99_toy", "notebook": "99_toy", "student": "ana"}}
    with caplog.at_level(logging.WARNING, logger=log.name):
        judge.preprocess(nbformat.v4.new_notebook(), resources)
    assert modes == ["required"]
    assert [r.getMessage() for r in caplog.records] == [
        "ana: no sandbox (bubblewrap is not installed): ..."]
