"""The class report's numbers, checked against the grades.json they come from."""
import csv
import json

import numpy as np

from autograder import report
from conftest import run_cli


def outcome(student, cells, status="graded", faults=()):
    """A graded submission as grades.json has it; cells are (id, max, points, message), and
    those whose id starts with q are written answers."""
    points = [c[2] for c in cells]
    return {"student": student, "assignment": "01_x", "status": status, "message": "",
            "score": sum(points), "max_score": 6.0, "faults": list(faults),
            "cells": [{"notebook": "01_x", "cell": cell, "points": p, "max_points": m,
                       "passed": None if cell.startswith("q") else p == m, "message": message}
                      for cell, m, p, message in cells]}


PASS, MANUAL = "\u2713 test_f passed", "needs manual grading"


def f_cell(points, ratio="4"):
    message = PASS if points else f"\u2717 test_f: f(y) is {ratio} times too large; divide by N={ratio}"
    return ("test_f", 2.0, points, message)


CLASS = [
    outcome("ana", [f_cell(2.0), ("test_g", 2.0, 2.0, "\u2713 test_g passed"), ("q1", 2.0, 2.0, "graded by hand")]),
    outcome("ben", [f_cell(0.0, "4"), ("test_g", 2.0, 2.0, "\u2713 test_g passed"), ("q1", 2.0, 0.0, MANUAL)]),
    outcome("cy", [f_cell(0.0, "8"), ("test_g", 2.0, 0.0, "\u2717 test_g: wrong sign"), ("q1", 2.0, 1.0, "graded by hand")],
            faults=["01_x cell 3: the kernel died"]),
    outcome("dee", [f_cell(2.0), ("test_g", 2.0, 0.0, "\u2717 test_g: wrong sign"), ("q1", 2.0, 0.0, MANUAL)]),
    {"student": "eve", "assignment": "01_x", "status": "rejected", "message": "not a notebook",
     "score": 0, "max_score": 0, "faults": [], "cells": []},
]


def written(tmp_path, submissions):
    (tmp_path / "grades.json").write_text(json.dumps({"seed": 5, "submissions": submissions}))
    page, table = report.write_report(tmp_path)
    with open(table) as file:
        return page.read_text(), {row["question"]: row for row in csv.DictReader(file)}


def test_question_statistics(tmp_path):
    page, rows = written(tmp_path, CLASS)
    f = rows["test_f"]
    assert (f["pass rate"], f["mean points"], f["submissions"]) == ("0.5", "1", "4")
    item, totals = np.array([2, 0, 0, 2]), np.array([6, 2, 1, 2])
    assert float(f["discrimination"]) == float(f"{np.corrcoef(item, totals - item)[0, 1]:.3g}")
    # The same mistake with other numbers is one diagnosis, and it names who made it.
    assert f["commonest diagnosis"] == "test_f: f(y) is # times too large; divide by N=#"
    assert f["students with it"] == "ben cy"
    assert rows["q1"]["awaiting manual grading"] == "2"
    assert "2× test_g: wrong sign (cy, dee)" in page
    assert "not a notebook" in page and "the kernel died" in page
    assert "data:image/png;base64," in page and "http" not in page.replace("http://www.w3", "")


def test_undefined_discrimination_is_blank(tmp_path):
    _, rows = written(tmp_path, CLASS[:2])  # fewer than three submissions
    assert rows["test_f"]["discrimination"] == ""


def test_report_command_needs_a_grading(tmp_path, toy_course):
    code, _, err = run_cli(toy_course, "report", "--out", tmp_path)
    assert code == 2 and "no grades.json" in err and err.count("\n") == 1
