"""The class report's numbers, from a small grades.json worked out by hand."""
import csv
import json

import pytest

from autograder import report
from conftest import run_cli


def cell(name, points, max_points, passed, message=""):
    return {"notebook": "nb", "cell": name, "points": points, "max_points": max_points,
            "passed": passed, "message": message}


def graded(student, cells, faults=()):
    return {"student": student, "assignment": "01_a", "status": "graded",
            "score": sum(c["points"] for c in cells), "max_score": 5.0, "message": "",
            "warnings": [], "faults": list(faults), "cells": cells}


GRADES = {"seed": 1, "notices": [], "submissions": [
    graded("s1", [cell("test_A", 1, 1, True), cell("test_B", 2, 2, True),
                  cell("q_W", 0, 2, None, "needs manual grading")]),
    graded("s2", [cell("test_A", 1, 1, True), cell("test_B", 0, 2, False, "✗ test_B: got 0.5, expected 1.5"),
                  cell("q_W", 1, 2, None, "graded by hand")]),
    graded("s3", [cell("test_A", 0, 1, False, "✓ test_A passed\n✗ test_A_hidden: got 3, expected 4"),
                  cell("test_B", 0, 2, False, "✗ test_B: got 0.25, expected -1.5e-3"),
                  cell("q_W", 0, 2, None, "empty answer: 0 points")]),
    {"student": "s4<script>", "assignment": "01_a", "status": "rejected", "score": 0,
     "max_score": 0, "message": "not a valid notebook <img src=x onerror=alert(1)>",
     "warnings": [], "faults": [], "cells": []},
    graded("s5", [cell("test_A", 0, 1, False, "✗ test_A: the cell ran past its time limit"),
                  cell("test_B", 2, 2, True), cell("q_W", 2, 2, None, "graded by hand")],
           faults=["nb test_A: time limit (10 s)"]),
]}


@pytest.fixture
def work(tmp_path):
    (tmp_path / "grades.json").write_text(json.dumps(GRADES))
    return tmp_path


def test_summary_and_questions():
    result = report.analyse(GRADES)["01_a"]
    assert result["summary"] == {
        "graded": 4, "max": 5.0, "mean": 2.25, "median": 2.5, "sd": pytest.approx(1.4790199),
        "min": 0, "highest": 4, "rejected": 1, "failed": 0, "faulty": 1,
        "graded by hand": 2, "needs manual grading": 1, "empty answers": 1}
    questions = {q["question"]: q for q in result["questions"]}
    assert list(questions) == ["test_A", "test_B", "q_W"]
    # test_A: points 1 1 0 0 against the rest of the totals 2 1 0 4: r = -0.5 / sqrt(8.75)
    assert questions["test_A"] == {"question": "test_A", "max": 1, "n": 4, "pass rate": 0.5,
                                   "mean": 0.5, "discrimination": pytest.approx(-0.1690309),
                                   "written": False}
    # test_B: points 2 0 0 2 against 1 2 0 2: r = 1 / sqrt(11)
    assert questions["test_B"]["discrimination"] == pytest.approx(0.3015113)
    assert questions["q_W"]["pass rate"] is None and questions["q_W"]["mean"] == 0.75


def test_diagnoses_group_the_same_mistake():
    diagnoses = report.analyse(GRADES)["01_a"]["diagnoses"]
    assert diagnoses == [
        {"question": "test_A", "diagnosis": "✗ test_A: the cell ran past its time limit",
         "count": 1, "students": ["s5"]},
        {"question": "test_A", "diagnosis": "✗ test_A_hidden: got #, expected #", "count": 1,
         "students": ["s3"]},
        {"question": "test_B", "diagnosis": "✗ test_B: got #, expected #", "count": 2,
         "students": ["s2", "s3"]}]


@pytest.mark.parametrize("message, expected", [
    ("✗ test_g: g(x) does not match: relative error 0.5, allowed 1e-6\n"
     "    largest difference at index (2, 2): got -0.9979, expected -0.3326\n"
     "    it is ×3 the expected value: summed over the batch instead of averaged (divide by N=3)?\n"
     "✗ test_g_hidden: g for a random batch does not match: relative error 0.5, allowed 1e-6",
     "✗ test_g: g(x) does not match: relative error #, allowed # — it is ×# the expected value: "
     "summed over the batch instead of averaged (divide by N=#)?"),
    ("✓ test_g passed\n✗ test_g_hidden: g does not match: relative error 1, allowed 1e-6\n"
     "    got 1, expected 0\n✗ test_g_other: it has the opposite sign everywhere",
     "✗ test_g_hidden: g does not match: relative error #, allowed #"),  # no mistake recognised
    ("✗ test_g: your code raised: ValueError: bad\n    <cell 3>, line 2, in g\n        raise ValueError",
     "✗ test_g: your code raised: ValueError: bad"),
    ("a fault, in no failure block\nsecond line", "a fault, in no failure block"),
    ("", "(no message)"),
])
def test_a_diagnosis_is_the_first_failure_with_the_mistake_recognised(message, expected):
    assert report.diagnosis(message) == expected


def test_an_assignment_with_only_rejected_submissions(work):
    data = {"seed": 1, "notices": [], "submissions": [GRADES["submissions"][3]]}
    (work / "grades.json").write_text(json.dumps(data))
    page = report.write_class_report(work).read_text()
    assert "not a valid notebook" in page and "data:image/png" not in page


def test_correlation_undefined_without_variation():
    assert report.correlation([1, 1, 1], [0, 1, 2]) is None
    assert report.correlation([0, 1], [3, 3]) is None


def test_page_and_tables(work):
    page = report.write_class_report(work).read_text()
    assert page.count("data:image/png;base64,") == 2  # the totals and the pass rates
    assert "<script>" not in page and "<img src=x" not in page and "s4&lt;script&gt;" in page
    assert "nb test_A: time limit (10 s)" in page
    with open(work / "report_questions.csv", newline="") as file:
        rows = {r["question"]: r for r in csv.DictReader(file)}
    assert rows["test_A"]["pass rate"] == "0.5" and rows["test_B"]["discrimination"] == "0.3015"
    assert rows["q_W"]["pass rate"] == ""
    with open(work / "report_diagnoses.csv", newline="") as file:
        assert [r["students"] for r in csv.DictReader(file)] == ["s5", "s3", "s2 s3"]


def test_report_command(toy_course, work):
    code, out, err = run_cli(toy_course, "report", "--out", work)
    assert code == 0 and (work / "report.html").is_file() and (work / "report_assignments.csv").is_file()


def test_report_command_without_grading(toy_course, tmp_path):
    code, out, err = run_cli(toy_course, "report", "--out", tmp_path)
    assert code == 2 and err.count("\n") == 1 and "run 'autograder grade' first" in err
