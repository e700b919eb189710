"""The whole grading pipeline on the toy course: callables, stateful rules, classes, loops, crashes."""
import csv
import os

import numpy as np
import pytest

from autograder.feedback import WRAP_CSS
from autograder.judge import GraderSession, verdict_output
from autograder.judge import TestResult as Verdict  # not a pytest class
from autograder.testing import JUDGE_DIR_ENV, active_grader, recording, warn_unless

from conftest import build, cell_points, outcomes, run_cli

SPECS = {
    "good": "# base: solutions\n",
    "blank": "# base: release\n",
    "wrong": '''# base: solutions
# %% numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    x += 1.0
    return np.zeros_like(x)
# %% sgd_momentum
def sgd_momentum(w, dw, config=None):
    return w - 0.1 * dw, config or {}
# %% LinearModel
class LinearModel:
    def __init__(self, dim):
        self.params = {"w": np.zeros(dim)}
    def loss(self, X, y):
        return np.sum((X @ self.params["w"] - y) ** 2)
''',
    "convention": '''# base: solutions
# %% sgd_momentum
def sgd_momentum(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 0.1)
    config.setdefault("momentum", 0.9)
    config["velocity"] = config["momentum"] * config.get("velocity", 0.0) - config["learning_rate"] * dw
    return w + config["velocity"], config
''',
    "loops": '''# base: solutions
# %% numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    while True:
        pass
''',
    "crashes": '''# base: solutions
# %% sgd_momentum
import os
os._exit(1)
''',
}


@pytest.fixture(scope="module")
def graded(toy_course, tmp_path_factory):
    """The toy class graded once: (work folder, exit code, stdout, stderr)."""
    submissions = tmp_path_factory.mktemp("toy_submissions")
    for name, text in SPECS.items():
        build(toy_course, "99_toy", submissions, name, text)
    work = tmp_path_factory.mktemp("toy_work")
    return (work, *run_cli(toy_course, "grade", submissions, "--out", work, "--seed", 11,
                           "--timeout", 5, "--quiet", "--jobs", 1))


def test_grading_scores_every_cell_exactly(graded):
    work, code, out, err = graded
    points = cell_points(work)
    assert points["good"] == {"test_numerical_gradient": 1, "test_sgd_momentum": 2, "test_LinearModel": 1}
    assert points["blank"] == {"test_numerical_gradient": 0, "test_sgd_momentum": 0, "test_LinearModel": 0}
    assert points["wrong"] == {"test_numerical_gradient": 0, "test_sgd_momentum": 0, "test_LinearModel": 0}
    assert points["convention"] == points["good"]  # a warning costs no point
    assert points["loops"] == {"test_numerical_gradient": 0, "test_sgd_momentum": 2, "test_LinearModel": 1}
    # The answer cell of sgd_momentum kills its kernel: a fresh one grades the other questions.
    assert points["crashes"] == {"test_numerical_gradient": 1, "test_sgd_momentum": 0, "test_LinearModel": 1}
    assert JUDGE_DIR_ENV not in os.environ  # the kernels' settings never touch the grader's
    crashed = outcomes(work)["crashes"]
    assert crashed["status"] == "graded"
    assert crashed["faults"] == ["99_toy sgd_momentum: the kernel died (exit code 1)"]
    assert code == 0, err
    totals = dict(line.split() for line in out.splitlines()[2:7])  # no penalties: no such columns
    assert totals == {"blank": "0", "convention": "4", "crashes": "2", "good": "4", "loops": "3"}
    assert "99_toy (of 4)" in out


def test_messages_name_the_mistake(graded):
    work = graded[0]
    messages = {o["student"]: {c["cell"]: c["message"] for c in o["cells"]} for o in outcomes(work).values()}
    assert "changed its input x in place" in messages["wrong"]["test_numerical_gradient"]
    assert "LinearModel.loss(X, y) does not match" in messages["wrong"]["test_LinearModel"]
    assert "not done yet: sgd_momentum" in messages["blank"]["test_sgd_momentum"]
    assert "stopped by the time limit" in messages["loops"]["test_numerical_gradient"]
    assert messages["good"]["test_sgd_momentum"].splitlines() == [
        "\u2713 test_sgd_momentum passed", "\u2713 test_sgd_momentum_hidden passed"]
    assert messages["convention"]["test_sgd_momentum"].splitlines() == [
        "\u2713 test_sgd_momentum passed", "\u2713 test_sgd_momentum_hidden passed",
        "\u26a0 test_sgd_momentum_hidden: sgd_momentum(w, dw, config) added keys to the caller's "
        "config (a convention)"]


def test_feedback_shows_hidden_results_but_not_hidden_code(graded):
    work = graded[0]
    html = (work / "feedback" / "wrong" / "99_toy" / "99_toy.html").read_text()
    assert "changed its input x in place" in html
    assert "test_sgd_momentum_hidden" in html and "BEGIN HIDDEN TESTS" not in html
    assert "test_sgd_momentum_hidden: sgd_momentum(w, dw, config) with learning_rate 0.5" in html
    assert "def test_sgd_momentum_hidden" not in html and "ref.sgd_momentum(w, dw" not in html
    # The table of contents names each test, and long verdict lines wrap.
    assert '<a href="#test_sgd_momentum">test_sgd_momentum</a>' in html and ">Test cell<" not in html
    assert html.count(WRAP_CSS) == 1
    warned = (work / "feedback" / "convention" / "99_toy" / "99_toy.html").read_text()
    assert "added keys to the caller&#39;s config" in warned or "added keys to the caller's config" in warned


def test_a_warning_follows_its_test_and_costs_nothing():
    passed = verdict_output([Verdict("test_a", True, warnings=["w1"]), Verdict("test_b", True)])
    assert passed.output_type == "stream"
    assert passed.text.splitlines() == ["\u2713 test_a passed", "\u26a0 test_a: w1", "\u2713 test_b passed"]
    failed = verdict_output([Verdict("test_a", False, "wrong", warnings=["w1"])])
    assert failed.traceback == ["\u2717 test_a: wrong", "\u26a0 test_a: w1"]
    assert failed.evalue == "test_a: wrong"


def test_warn_unless_prints_in_the_kernel_and_is_silent_while_recording(capsys):
    warn_unless(True, "not shown")
    warn_unless(False, "shown")
    token = recording.set(True)
    try:
        warn_unless(False, "recorded, not shown")
    finally:
        recording.reset(token)
    assert capsys.readouterr().out == "\u26a0 shown\n"


def test_warn_unless_in_the_grader_belongs_to_the_test_being_replayed(tmp_path):
    session = GraderSession(str(tmp_path), 0, None, {})
    session._replay = lambda test, graded: test()
    token = active_grader.set(session)
    try:
        session.run(lambda: (warn_unless(False, "twice"), warn_unless(False, "twice")), ())
        session.run(lambda: None, ())
    finally:
        active_grader.reset(token)
    assert [r.warnings for r in session.results] == [["twice"], []]
    assert all(r.passed for r in session.results)



def test_feedback_shows_formulas_without_a_network(graded):
    html = (graded[0] / "feedback" / "good" / "99_toy" / "99_toy.html").read_text()
    assert "<mfrac>" in html and "\\frac" not in html  # the formula, as MathML
    assert "coffee ($3)" in html  # a lone dollar sign is left alone
    assert "cdnjs" not in html and "MathJax" not in html  # nothing to fetch


def test_the_class_report_agrees_with_grades_json(graded):
    """The report's numbers, computed again here from grades.json (numpy, not the statistics
    module the report uses)."""
    work = graded[0]
    submissions = [o for o in outcomes(work).values() if o["status"] == "graded"]
    totals = np.array([o["score"] for o in submissions])
    with open(work / "report_assignments.csv", newline="", encoding="utf-8") as file:
        [summary] = csv.DictReader(file)
    assert float(summary["mean"]) == pytest.approx(totals.mean(), rel=1e-3)
    assert float(summary["sd"]) == pytest.approx(totals.std(), rel=1e-3)
    with open(work / "report_questions.csv", newline="", encoding="utf-8") as file:
        rows = {row["question"]: row for row in csv.DictReader(file)}
    assert set(rows) == {"test_numerical_gradient", "test_sgd_momentum", "test_LinearModel"}
    for question, row in rows.items():
        cells = [next(c for c in o["cells"] if c["cell"] == question) for o in submissions]
        points = np.array([c["points"] for c in cells])
        rest = totals - points
        assert float(row["pass rate"]) == pytest.approx(np.mean([c["passed"] for c in cells]), rel=1e-3)
        assert float(row["mean"]) == pytest.approx(points.mean(), rel=1e-3)
        assert float(row["discrimination"]) == pytest.approx(np.corrcoef(points, rest)[0, 1], rel=1e-3)


def test_a_failure_in_korean_is_kept_in_english_and_a_slow_one_is_not_replayed(tmp_path):
    from autograder.i18n import language
    from autograder.testing import not_done_yet

    runs = []

    def unfinished():
        runs.append("unfinished")
        raise AssertionError(not_done_yet("softmax"))

    def slow():
        runs.append("slow")
        while True:
            pass

    session = GraderSession(str(tmp_path), 0, None, {}, seconds=0.2)
    session._replay = lambda test, graded: test()
    with language("ko"):
        session.run(unfinished, ())
        session.run(slow, ())
        session.run(lambda: None, ())
    first, second, passed = session.results
    assert first.english == "not done yet: softmax" and first.message != first.english
    assert "softmax" in first.message
    assert second.english == "checking its results took over 0.2 s and was stopped"
    assert second.message != second.english and "0.2" in second.message
    assert passed.passed and passed.english is None
    assert runs == ["unfinished", "unfinished", "slow"]  # the slow one is not waited for twice
