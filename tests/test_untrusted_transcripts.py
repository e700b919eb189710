"""Transcripts the kernel forged, and inputs it overwrote, cost only the test concerned.

Each test records a small test cell in this process as a kernel would (two tests of ``square``),
forges one transcript the way a hostile kernel could, and judges the cell: the forged test fails
with a short reason and its neighbour still passes.
"""
import os
import threading
import time

import numpy as np
import pytest
from nbformat.v4 import new_code_cell

from autograder import testing
from autograder.judge import judge_cell, judge_folder
from autograder.testing import JUDGE_DIR_ENV, SEED_ENV, Implementations
from autograder.transcript import MAX_JSON_VALUES, MAX_TRANSCRIPT_BYTES, json_structure
from autograder.watchdog import TimeLimitExceeded, time_limit

SOURCE = '''
def test_first(square, ref):
    x = np.arange(3.0)
    assert_close(square(x), ref.square(x), "square(x)")

run_test(test_first, square)

def test_second(square, ref):
    x = np.arange(4.0) - 1
    assert_close(square(x), ref.square(x), "square(x)")

run_test(test_second, square)
'''


def square(x):
    return x ** 2


def record(source, folder, monkeypatch, **functions):
    """Run a test cell as the student's kernel does while grading: transcripts land in ``folder``."""
    folder.mkdir(exist_ok=True)
    with monkeypatch.context() as patch:
        patch.setenv(JUDGE_DIR_ENV, str(folder))
        patch.setenv(SEED_ENV, "7")
        exec(source, {"np": np, **{name: getattr(testing, name) for name in testing.__all__},
                      **functions})


def judge(source, folder, seconds=60, **reference):
    """The grader's verdict on each test of the cell: {test: message, or None if it passed}."""
    cell = new_code_cell(source, metadata={"nbgrader": {"grade": True, "grade_id": "cell", "points": 1}})
    with judge_folder(folder) as folder_fd:
        results = judge_cell(cell, Implementations(reference, is_reference=True), folder_fd, 7, seconds)
    return {r.name: None if r.passed else r.message for r in results}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A judge folder with genuine transcripts of both tests of SOURCE."""
    record(SOURCE, tmp_path / "judge", monkeypatch, square=square)
    assert judge(SOURCE, tmp_path / "judge", square=square) == {"test_first": None, "test_second": None}
    return tmp_path / "judge"


def forge(path, how, secret):
    path.unlink()
    if how == "fifo":
        os.mkfifo(path)
    elif how == "symlink":
        path.symlink_to(secret)
    elif how == "dev-zero":
        path.symlink_to("/dev/zero")
    elif how == "hardlink":
        os.link(secret, path)
    elif how == "folder":
        path.mkdir()
    elif how == "huge":
        with open(path, "wb") as file:
            file.truncate(MAX_TRANSCRIPT_BYTES + 1)  # sparse: costs no disk
    elif how == "nested":
        path.write_bytes(b'{"events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    elif how == "many values":  # 3 bytes each, some 100 bytes each once parsed
        path.write_bytes(b'{"events": [' + b"{}," * MAX_JSON_VALUES + b"{}]}")


@pytest.mark.parametrize("how, reason", [
    ("fifo", "transcript is not a regular file"),
    ("symlink", "transcript is a symbolic link, not a regular file"),
    ("dev-zero", "transcript is a symbolic link, not a regular file"),
    ("hardlink", "transcript is not a regular file"),
    ("folder", "transcript is not a regular file"),
    ("huge", "transcript too large"),
    ("nested", "transcript nested too deeply"),
    ("many values", "transcript holds too many values"),
])
def test_a_forged_transcript_fails_only_its_test(folder, tmp_path, how, reason):
    secret = tmp_path / "secret.json"
    secret.write_text((folder / "test_first.json").read_text())  # would pass if it were read
    forge(folder / "test_first.json", how, secret)
    assert judge(SOURCE, folder, square=square) == {"test_first": reason, "test_second": None}


@pytest.mark.parametrize("text, depth, values", [
    (b'7', 0, 1),
    (b'[1, 2.5, "x"]', 1, 4),
    (b'{"a": [1, {"b": null}], "c": {}}', 3, 10),  # an empty object counts one more
    (b'["[{,:", "\\\\", "\\"]]"]', 1, 4),  # brackets, commas and escapes inside strings
])
def test_a_transcripts_depth_and_values_are_counted_without_parsing_it(text, depth, values):
    assert json_structure(text) == (depth, values)


def test_a_judge_folder_replaced_by_a_symlink_fails_every_test_of_it(folder, tmp_path):
    moved = folder.rename(tmp_path / "elsewhere")
    folder.symlink_to(moved)
    message = "your notebook removed or replaced the folder of its test results"
    assert judge(SOURCE, folder, square=square) == {"test_first": message, "test_second": message}


def test_a_replay_past_its_time_limit_fails_only_its_test(tmp_path, monkeypatch):
    source = '''
def test_slow(count):
    for _ in range(count()):  # a forged transcript could answer 10**15
        pass

run_test(test_slow, count)

def test_fast(count):
    assert count() < 10

run_test(test_fast, count)
'''
    record(source, tmp_path / "judge", monkeypatch, count=lambda: 3)
    transcript = tmp_path / "judge" / "test_slow.json"
    transcript.write_text(transcript.read_text().replace('"result": 3', '"result": 1000000000000000'))
    started = time.perf_counter()
    verdicts = judge(source, tmp_path / "judge", seconds=0.5, count=lambda: 3)
    assert time.perf_counter() - started < 5
    assert verdicts == {"test_slow": "checking its results took over 0.5 s and was stopped",
                        "test_fast": None}


def test_the_time_limit_works_in_any_thread_and_never_fires_late():
    outcome = []

    def limited():
        try:
            with time_limit(0.2):
                while True:
                    pass
        except TimeLimitExceeded:
            outcome.append("stopped")
        with time_limit(0.05):
            pass
        time.sleep(0.2)  # a limit whose body ended must not fire afterwards
        outcome.append("no stray exception")

    thread = threading.Thread(target=limited)
    thread.start()
    thread.join(5)
    assert outcome == ["stopped", "no stray exception"]


ATTACK = '''
def test_visible(mean_squared_error, ref):
    y, t = np.array([1.0, 2.0]), np.array([1.0, 0.0])
    assert_close(mean_squared_error(y, t), ref.mean_squared_error(y, t), "mean_squared_error(y, t)")

run_test(test_visible, mean_squared_error)

def test_hidden(mean_squared_error, rng, ref):
    y, t = rng.normal(size=5), rng.normal(size=5)
    assert_close(mean_squared_error(y, t), ref.mean_squared_error(y, t), "mean_squared_error(y, t)")

run_test(test_hidden, mean_squared_error)
'''


def mean_squared_error(y, t):
    return np.mean((y - t) ** 2)


def judged(source, tmp_path, monkeypatch, name, student, reference):
    """The verdicts on ``source``'s tests, recorded with the student's ``name``, judged against the reference's."""
    record(source, tmp_path / "judge", monkeypatch, **{name: student})
    return judge(source, tmp_path / "judge", **{name: reference})


def attacker(y, t):
    """Knows the visible test's answer; elsewhere makes its input equal the target and says 0."""
    if y.tolist() == [1.0, 2.0]:
        return 2.0
    y[...] = t
    return 0.0


@pytest.mark.parametrize("student, hidden_passes", [(mean_squared_error, True), (attacker, False)])
def test_the_reference_sees_the_inputs_as_they_were_before_the_students_call(
        tmp_path, monkeypatch, student, hidden_passes):
    verdicts = judged(ATTACK, tmp_path, monkeypatch, "mean_squared_error", student, mean_squared_error)
    assert verdicts["test_visible"] is None
    assert (verdicts["test_hidden"] is None) == hidden_passes
    if not hidden_passes:
        assert verdicts["test_hidden"].startswith("mean_squared_error(y, t)")


CLASS_ATTACK = '''
def test_model(Model, rng, ref):
    X = rng.normal(size=(3, 2))
    model = Model(2)
    got = model.score(X)
    reference = ref.Model(2)
    assert_close(got, reference.score(X), "Model(2).score(X)")

run_test(test_model, Model)
'''


class Model:
    def __init__(self, dim):
        self.w = np.arange(1.0, dim + 1)

    def score(self, X):
        return self.total(X @ self.w)

    def total(self, values):
        return float(np.sum(values))


class OverwritingModel(Model):
    def score(self, X):
        X[...] = 0.0
        return 0.0


@pytest.mark.parametrize("student, passes", [(Model, True), (OverwritingModel, False)])
def test_methods_of_a_reference_object_see_the_inputs_as_they_were_too(
        tmp_path, monkeypatch, student, passes):
    verdicts = judged(CLASS_ATTACK, tmp_path, monkeypatch, "Model", student, Model)
    assert (verdicts["test_model"] is None) == passes


CHECKS_ON_ARGUMENTS = '''
def test_gradient(f, rng):
    x = rng.normal(size=4)
    assert_gradient(f(x), lambda v: np.sum(v ** 2), x, "f(x), the gradient of sum(x ** 2)")

run_test(test_gradient, f)

def test_identity(f, rng):
    x = rng.normal(size=3)
    assert_close(f(x) / 2, x, "f(x) / 2")

run_test(test_identity, f)
'''


def doubled(x):
    return 2 * x


def overwrites_and_agrees(x):
    """Wrong (the gradient at 0, twice a different x) but consistent with the x it leaves behind."""
    if x.size == 4:
        x[...] = 0.0
        return np.zeros(4)
    x *= 3
    return 2 * x


@pytest.mark.parametrize("student, passes", [(doubled, True), (overwrites_and_agrees, False)])
def test_checks_against_an_argument_see_it_as_the_test_made_it(tmp_path, monkeypatch, student, passes):
    verdicts = judged(CHECKS_ON_ARGUMENTS, tmp_path, monkeypatch, "f", student, doubled)
    if passes:
        assert verdicts == {"test_gradient": None, "test_identity": None}
    else:
        assert verdicts["test_gradient"].startswith("f(x), the gradient of sum(x ** 2)")
        assert verdicts["test_identity"].startswith("f(x) / 2")
