"""What a student sees when a test fails: in the kernel, in ``autograder check``, in the feedback.

The kernel's side is tested by calling ``run_test`` here, as a notebook cell does (no kernel needed);
nbgrader's Validate and the feedback page by running them on the toy course.
"""
import numpy as np
import pytest
from nbformat.v4 import new_notebook

from autograder import judge, testing
from autograder.course import nbgrader_settings
from autograder.feedback import WRAP_CSS
from autograder.judge import failure_message, verdict_output
from autograder.selfcheck import Check, format_checks
from autograder.testing import assert_close, assert_raises, run_test
from autograder.transcript import SubmissionError, TranscriptError


def test_softmax(softmax):
    scores = np.array([3.2, 5.1, -1.7])
    e = np.exp(scores)
    assert_close(softmax(scores), e / e.sum(), "softmax(np.array([3.2, 5.1, -1.7]))")


test_softmax.__test__ = False  # a notebook's test, run by run_test, not by pytest


def softmax(scores):
    shifted = scores - np.max(scores)
    return np.exp(shifted) / np.sum(np.exp(shifted))


def failure(test, *graded):
    """The lines a failing test shows in place of a traceback."""
    with pytest.raises(testing.TestFailure) as raised:
        run_test(test, *graded)
    lines = raised.value._render_traceback_()
    assert str(raised.value) == "\n".join(lines)
    assert all(len(line) <= testing.VERDICT_WIDTH for line in lines)  # Validate cuts at 87
    return lines


def unwrapped(lines):
    """The block's text with the wrapping undone: lines joined, runs of spaces made one."""
    return " ".join(" ".join(lines).split())


def test_a_passing_test_says_so(capsys):
    run_test(test_softmax, softmax)
    assert capsys.readouterr().out == "\u2713 test_softmax passed\n"


def test_a_wrong_answer_is_one_short_block():
    def summed_softmax(scores):
        return 3 * softmax(scores)

    lines = failure(test_softmax, summed_softmax)
    assert unwrapped(lines) == (
        "\u2717 test_softmax: softmax(np.array([3.2, 5.1, -1.7])) does not match: relative error 0.5, "
        "allowed 1e-6 largest difference at index (1,): got 2.607, expected 0.869 "
        "it is off by a constant factor ×3 (a constant dropped or added?)")
    assert len(lines) == 4


def test_a_stub_says_not_done_yet():
    def softmax(scores):
        # YOUR CODE HERE
        raise NotImplementedError()

    assert failure(test_softmax, softmax) == ["\u2717 test_softmax: not done yet: softmax"]


def test_an_error_in_the_students_code_shows_only_the_notebooks_frames():
    def helper(scores):
        return np.sum(np.exp(scores), axis=1)  # a vector has no axis 1

    def softmax(scores):
        return np.exp(scores) / helper(scores)

    lines = failure(test_softmax, softmax)
    text = "\n".join(lines)
    assert unwrapped(lines).startswith(
        "\u2717 test_softmax: your code raised: AxisError: axis 1 is out of bounds for array of dimension 1 "
        "test_verdicts.py, line ")
    called = [line.strip() for line in lines if ", line " in line]
    assert [line.split(", in ")[1] for line in called] == ["test_softmax", "softmax", "helper"]
    assert "return np.sum(np.exp(scores), axis=1)" in text
    assert "autograder" not in text and "numpy" not in text and "Traceback" not in text


def test_an_output_the_test_cannot_use_is_blamed_on_the_output():
    def test_rows(softmax):
        assert_close(softmax(np.ones((2, 3))).sum(axis=1), np.ones(2), "softmax(np.ones((2, 3))).sum(axis=1)")

    lines = failure(test_rows, lambda scores: None)
    assert unwrapped(lines).startswith(
        "\u2717 test_rows: the test could not check the output: AttributeError: 'NoneType' object "
        "has no attribute 'sum' test_verdicts.py, line ")
    assert [line for line in lines if ", line " in line][0].endswith(", in test_rows")


def test_a_wrong_exception_is_a_check_failure():
    def test_rejects(validate):
        assert_raises(ValueError, lambda: validate(-1), "validate(-1)")

    def validate(x):
        raise TypeError("no")

    assert unwrapped(failure(test_rejects, validate)) == (
        "\u2717 test_rejects: validate(-1) should raise ValueError, but it raised TypeError: no")


# ------------------------------------------------------------------------------ in the grader

@pytest.mark.parametrize("error, message", [
    (SubmissionError("softmax raised NotImplementedError", raised=["NotImplementedError", "Exception"],
                     label="softmax"), "not done yet: softmax"),
    (SubmissionError("softmax raised IndexError: 3", raised=["IndexError"], label="softmax"),
     "softmax raised IndexError: 3"),
    (testing.CheckFailed("x does not match\ngot 1, expected 2"), "x does not match\ngot 1, expected 2"),
    (TranscriptError("this test did not run"), "this test did not run"),
    (KeyError("velocity"), "the test could not check the output: KeyError: 'velocity'"),
])
def test_the_grader_words_a_failure_as_the_kernel_does(error, message):
    assert failure_message(error) == message


def test_a_verdict_is_the_tests_blocks_in_order():
    results = [judge.TestResult("test_a", True),
               judge.TestResult("test_b", False, "b(x) does not match: relative error 1, allowed 1e-6\ngot 0, expected 2")]
    output = verdict_output(results)
    assert output.output_type == "error"
    assert output.traceback == ["\u2713 test_a passed",
                                "\u2717 test_b: b(x) does not match: relative error 1, allowed 1e-6",
                                "    got 0, expected 2"]
    assert output.evalue == "test_b: b(x) does not match: relative error 1, allowed 1e-6"
    assert verdict_output(results[:1]).text == "\u2713 test_a passed\n"


def test_check_prints_a_block_under_its_question():
    checks = [Check("test_a", False, "\u2717 test_a: not done yet: a"),
              Check("test_b", False, "\u2717 test_b: b(x) does not match\n    got 0, expected 2"),
              Check("test_c", False, "NameError: name 'c' is not defined"),
              Check("answer_d", True, "written answer, graded by hand", written=True)]
    assert format_checks(checks).splitlines() == [
        "FAILED    test_a  -- not done yet: a",
        "FAILED    test_b  -- b(x) does not match",
        "              got 0, expected 2",
        "FAILED    test_c  -- NameError: name 'c' is not defined",
        "answered  answer_d  -- written answer, graded by hand",
        "0 of 3 questions pass their visible tests; 1 of 1 written answers given"]


def test_the_formgrader_wraps_long_output_lines(tmp_path):
    # nbgrader's formgrader renders with an HTMLExporter made from the course's configuration.
    from nbconvert import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers

    config = nbgrader_settings(tmp_path, tmp_path / "work")
    config.HTMLExporter.template_name = "formgrade"  # as the formgrader sets them
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    exporter = HTMLExporter(config=config)
    html, _ = exporter.from_notebook_node(new_notebook(), resources={"index": 0, "total": 1})
    assert html.count(WRAP_CSS) == 1


# ------------------------------------------------------------------------ nbgrader's Validate

WRONG_TOY = """# base: release
# %% numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    return 2 * helper(f, x, h)

def helper(f, x, h):
    return x + np.ones(x.size)
"""


def test_validate_shows_the_short_blocks(toy_course, tmp_path):
    """nbgrader's Validate (its button in JupyterLab and ``nbgrader validate``) prints the error
    output's traceback, so it shows what the kernel showed: the short blocks."""
    from nbgrader.validator import Validator

    from conftest import build

    folder = build(toy_course, "99_toy", tmp_path, "student", WRONG_TOY)
    failed = Validator().validate(str(folder / "99_toy.ipynb"))["failed"]
    errors = {cell["source"].splitlines()[0]: cell["raw_error"].splitlines() for cell in failed}
    assert list(errors) == ["def test_numerical_gradient(numerical_gradient, rng):",
                            "def test_sgd_momentum(sgd_momentum, rng, ref):",
                            "def test_LinearModel(LinearModel, rng, ref):"]
    gradient, momentum, model = errors.values()
    assert momentum == ["\u2717 test_sgd_momentum: not done yet: sgd_momentum"]
    assert model == ["\u2717 test_LinearModel: not done yet: LinearModel.loss"]
    # x has shape (3, 2), helper returns shape (6,): the kernel's own cells, named as JupyterLab does
    assert gradient[0].startswith("\u2717 test_numerical_gradient: your code raised: ValueError: ")
    assert [line.strip() for line in gradient if ", line " in line] == [
        "Cell In[3], line 4, in test_numerical_gradient", "Cell In[2], line 2, in numerical_gradient",
        "Cell In[2], line 5, in helper"]
    assert "Traceback" not in "\n".join(gradient) and "testing.py" not in "\n".join(gradient)
    assert all(len(line) <= testing.VERDICT_WIDTH for line in gradient)
