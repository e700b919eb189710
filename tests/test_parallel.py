"""Grading with two workers gives the same scores, feedback and tables as grading with one."""
import json

from autograder import examples
from conftest import REPO, run_cli

ASSIGNMENT = "01_loss_functions"
CLASS = ("correct", "gradient_sign_error", "kernel_exit", "cheat_patched_numpy", "untouched")


def test_one_and_two_jobs_agree_cell_by_cell(tmp_path):
    submissions = tmp_path / "submissions"
    for spec in examples.example_specs(REPO, ASSIGNMENT):
        if spec.name in CLASS:
            examples.build_submission(REPO, ASSIGNMENT, spec, submissions)
    works = {}
    for jobs in (1, 2):
        works[jobs] = tmp_path / f"work{jobs}"
        code, out, err = run_cli(REPO, "grade", submissions, "--out", works[jobs], "--seed", 3,
                                 "--timeout", 5, "--quiet", "--jobs", jobs)
        assert code == 0, err
    one, two = (json.loads((works[j] / "grades.json").read_text())["submissions"] for j in (1, 2))
    assert [o["student"] for o in one] == sorted(CLASS)
    assert one == two
    assert {o["student"]: o["score"] for o in one}["correct"] == 24
    assert (works[1] / "grades.csv").read_text() == (works[2] / "grades.csv").read_text()
    for student in CLASS:
        path = f"feedback/{student}/{ASSIGNMENT}/{ASSIGNMENT}.html"
        assert (works[1] / path).read_text() == (works[2] / path).read_text(), student
