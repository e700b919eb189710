"""Hand grading in the formgrader survives regrades; `autograder feedback` refreshes from it."""
import csv
import json
import shutil
from datetime import datetime

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import cli, grading, handgrading, roster, selfcheck
from autograder.gradebook import prepare_gradebook
from conftest import WRITTEN, build, outcomes, run_cli, with_written_answer

ANSWER = "Because the gradient of the squared error grows with the residual."
ANA = f"# base: solutions\n\n# %% {WRITTEN}\n{ANSWER}\n"
BEN = "# base: release\n"  # nothing done: every test fails, the written answer is empty


@pytest.fixture(scope="module")
def written_course(toy_course, tmp_path_factory):
    return with_written_answer(toy_course, tmp_path_factory.mktemp("written") / "course")


def grade(course, submissions, work, *extra):
    return run_cli(course, "grade", submissions, "--out", work, "--timeout", 10, "--quiet",
                   "--jobs", 1, *extra)


@pytest.fixture(scope="module")
def first_grading(written_course, tmp_path_factory):
    """ana (all correct, a written answer) and ben (nothing done) graded once, seed 7."""
    folder = tmp_path_factory.mktemp("first")
    submissions = folder / "submissions"
    build(written_course, "99_toy", submissions, "ana", ANA)
    build(written_course, "99_toy", submissions, "ben", BEN)
    result = grade(written_course, submissions, folder / "work", "--seed", 7)
    return submissions, folder / "work", result


@pytest.fixture
def regrade(written_course, first_grading, tmp_path):
    """A copy of the first grading's submissions and work folder, and a function regrading them."""
    submissions = shutil.copytree(first_grading[0], tmp_path / "submissions")
    work = shutil.copytree(first_grading[1], tmp_path / "work")
    return submissions, work, lambda *extra: grade(written_course, submissions, work, *extra)


def grade_by_hand(work, student, points, comment):
    """What the formgrader does when a grader scores and comments the written answer."""
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade(WRITTEN, "99_toy", "99_toy", student)
        grade.manual_score = points
        grade.needs_manual_grade = False
        gradebook.find_comment(WRITTEN, "99_toy", "99_toy", student).manual_comment = comment
        gradebook.db.commit()


def written(work, student):
    """The written answer's entry in grades.json."""
    return next(c for c in outcomes(work)[student]["cells"] if c["cell"] == WRITTEN)


def gradebook_state(work, student):
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade(WRITTEN, "99_toy", "99_toy", student)
        comment = gradebook.find_comment(WRITTEN, "99_toy", "99_toy", student)
        return grade.manual_score, grade.needs_manual_grade, comment.manual_comment


def test_first_grading_labels_pending_and_empty_answers(first_grading):
    _, work, (code, out, err) = first_grading
    assert code == 0, err
    assert written(work, "ana") == {"notebook": "99_toy", "cell": WRITTEN, "points": 0.0,
                                    "max_points": 2.0, "passed": None,
                                    "message": "needs manual grading", "diagnosis": None}
    assert written(work, "ben")["message"] == "empty answer: 0 points"
    assert {s: o["score"] for s, o in outcomes(work).items()} == {"ana": 4.0, "ben": 0.0}
    assert "2 points of written answers wait for manual grading" in out


def test_every_grading_writes_the_class_report(first_grading):
    _, work, _ = first_grading
    assert (work / "report.html").is_file()
    with open(work / "report_questions.csv", newline="") as file:
        rows = {r["question"]: r for r in csv.DictReader(file)}
    for cell in outcomes(work)["ana"]["cells"]:  # ana passes every test, ben none
        expected = "" if cell["passed"] is None else "0.5"
        assert rows[cell["cell"]]["pass rate"] == expected
    with open(work / "report_assignments.csv", newline="") as file:
        summary = next(csv.DictReader(file))
    assert (summary["mean"], summary["needs manual grading"], summary["empty answers"]) == ("2", "1", "1")


def test_hand_grade_survives_a_regrade_with_the_same_seed(regrade):
    submissions, work, run = regrade
    grade_by_hand(work, "ana", 1.5, "Right idea; say why it is linear.")
    code, out, err = run()
    assert code == 0, err
    assert written(work, "ana")["message"] == "graded by hand"
    assert written(work, "ana")["points"] == 1.5
    assert written(work, "ben")["message"] == "empty answer: 0 points"
    assert {s: o["score"] for s, o in outcomes(work).items()} == {"ana": 5.5, "ben": 0.0}
    assert gradebook_state(work, "ana") == (1.5, False, "Right idea; say why it is linear.")
    assert "wait for manual grading" not in out
    assert json.loads((work / "grades.json").read_text())["seed"] == 7 and "seed 7" in out


def test_a_changed_answer_loses_its_hand_grade(regrade):
    submissions, work, run = regrade
    grade_by_hand(work, "ana", 1.5, "Right idea.")
    path = submissions / "ana" / "99_toy" / "99_toy.ipynb"
    notebook = nbformat.read(path, as_version=4)
    answer = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN)
    answer.source = ANSWER + " Also, outliers dominate."
    nbformat.write(notebook, path)
    code, out, err = run()
    assert code == 1
    assert (f"ana/99_toy: hand grade of {WRITTEN}: the answer changed since it was graded by hand "
            "(1.5 of 2 points)") in err
    assert written(work, "ana")["points"] == 0.0
    assert written(work, "ana")["message"] == "needs manual grading"
    assert gradebook_state(work, "ana") == (None, True, "Right idea.")
    assert "2 points of written answers wait for manual grading" in out


def test_feedback_refreshes_totals_feedback_and_tables_without_running(regrade, written_course,
                                                                      monkeypatch):
    submissions, work, _ = regrade
    grade_by_hand(work, "ana", 2, "Exactly: the pull is proportional to the residual.")
    monkeypatch.setattr(grading, "run_task", None)  # nothing may be executed
    code, out, err = run_cli(written_course, "feedback", "--out", work)
    assert code == 0, err
    assert written(work, "ana")["message"] == "graded by hand"
    assert {s: o["score"] for s, o in outcomes(work).items()} == {"ana": 6.0, "ben": 0.0}
    assert (work / "grades.csv").read_text().splitlines()[1:] == ["ana,6,0,6", "ben,0,0,0"]
    page = (work / "feedback" / "ana" / "99_toy" / "99_toy.html").read_text()
    assert "Exactly: the pull is proportional to the residual." in page
    assert "seed 7" in out and "wait for manual grading" not in out


def test_an_export_before_hand_grading_is_finished_says_so(regrade, written_course, tmp_path):
    _, work, _ = regrade
    code, out, err = run_cli(written_course, "feedback", "--out", work, "--export", tmp_path / "lms",
                             "--canvas-assignment", "99_toy=5101")
    assert code == 0
    assert err == ("autograder: warning: the exported totals count 2 points of written answers "
                   "not graded yet as 0\n")
    assert (tmp_path / "lms" / "canvas.csv").read_text().splitlines()[0].endswith(",99_toy (5101)")


def test_export_for_an_lms(regrade, written_course, tmp_path):
    submissions, work, _ = regrade
    grade_by_hand(work, "ana", 1.5, "Right idea.")
    url = f"sqlite:///{work / 'gradebook.db'}"
    roster.import_roster(url, [roster.Entry("ana", "Ana", "Kim", "ana@uni.example", "1001")])
    with Gradebook(url) as gradebook:  # as nbgrader's late-penalty plugin would have left it
        gradebook.find_submission_notebook("99_toy", "99_toy", "ana").late_submission_penalty = 0.5
        gradebook.db.commit()
    code, out, err = run_cli(written_course, "feedback", "--out", work, "--export", tmp_path / "lms")
    assert code == 0 and "not graded yet" not in err, err
    assert err == ("autograder: warning: canvas.csv: Canvas will add 99_toy as new assignments; "
                   "--canvas-assignment ASSIGNMENT=ID updates the existing ones\n")
    canvas = (tmp_path / "lms" / "canvas.csv").read_text().splitlines()
    assert canvas == ["Student,ID,SIS User ID,SIS Login ID,Section,99_toy",
                      '"Kim, Ana",1001,ana,,,5', "ben,,ben,,,0"]
    moodle = (tmp_path / "lms" / "moodle.csv").read_text().splitlines()
    assert moodle == [
        "ID number,Email address,First name,Surname,99_toy,99_toy late penalty,"
        f"99_toy: test_numerical_gradient,99_toy: test_sgd_momentum,99_toy: test_LinearModel,99_toy: {WRITTEN}",
        "ana,ana@uni.example,Ana,Kim,5,0.5,1,2,1,1.5", "ben,,,,0,0,0,0,0,0"]
    # grades.csv agrees: the points, the late penalty, and the final score the LMS gets
    assert (work / "grades.csv").read_text().splitlines() == [
        "student,99_toy (of 6),99_toy late penalty,99_toy final", "ana,5.5,0.5,5", "ben,0,0,0"]
    for student in ("ana", "ben"):
        page = tmp_path / "lms" / "feedback" / "99_toy" / f"{student}.html"
        assert page.read_bytes() == (work / "feedback" / student / "99_toy" / "99_toy.html").read_bytes()


def test_a_late_policy_of_nbgrader_config_applies_to_grade_and_its_table(written_course, tmp_path):
    course = shutil.copytree(written_course, tmp_path / "course")
    (course / "nbgrader_config.py").write_text(  # as the formgrader's Autograde reads it too
        'c = get_config()\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    work = tmp_path / "work"
    work.mkdir()
    url = f"sqlite:///{work / 'gradebook.db'}"
    prepare_gradebook(url, [])
    with Gradebook(url) as gradebook:  # the due date, as the formgrader's Manage Assignments sets it
        gradebook.update_or_create_assignment("99_toy", duedate=datetime(2026, 11, 30, 9, 0))
    submissions = tmp_path / "submissions"
    for student, minute in (("ana", 59), ("ben", 1)):  # ana a minute early, ben an hour late
        folder = build(written_course, "99_toy", submissions, student, ANA)
        hour = 8 if student == "ana" else 10
        (folder / "timestamp.txt").write_text(f"2026-11-30 {hour:02}:{minute:02}:00.000000 UTC")
    code, out, err = grade(course, submissions, work, "--seed", 7)
    assert code == 0, err
    assert (work / "grades.csv").read_text().splitlines()[1:] == ["ana,4,0,4", "ben,4,4,0"]
    assert out.splitlines()[3].split() == ["ben", "4", "4", "0"]  # the terminal shows the penalty


def test_the_late_policy_is_read_from_nbgrader_config_and_nothing_else(tmp_path):
    from traitlets.config import Config

    from autograder.course import CourseError, with_late_policy

    mine = Config({"CourseDirectory": {"root": "work"}})
    assert with_late_policy(tmp_path, mine) == mine  # no nbgrader_config.py
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = 'elsewhere'\n"
        "c.AssignLatePenalties.plugin_class = 'course_plugins.HalfOff'\nc.HalfOff.factor = 0.5\n")
    merged = with_late_policy(tmp_path, mine)
    assert merged.CourseDirectory.root == "work" and merged.HalfOff.factor == 0.5
    assert mine == Config({"CourseDirectory": {"root": "work"}})  # not changed in place
    (tmp_path / "nbgrader_config.py").write_text("c = get_config(\n")
    with pytest.raises(CourseError, match="cannot read .*nbgrader_config.py: SyntaxError"):
        with_late_policy(tmp_path, mine)


def test_feedback_without_a_grading_is_a_one_line_error(written_course, tmp_path):
    code, out, err = run_cli(written_course, "feedback", "--out", tmp_path / "nothing")
    assert code == 2 and err.count("\n") == 1 and "nothing graded in" in err
    assert not (tmp_path / "nothing").exists()


def test_feedback_with_an_unreachable_gradebook_is_a_one_line_error(regrade, written_course):
    _, work, _ = regrade
    code, out, err = run_cli(written_course, "feedback", "--out", work, "--db",
                             "postgresql://nobody:secret@127.0.0.1:1/none")
    assert code == 2 and err.count("\n") == 1 and "cannot open the gradebook" in err
    assert "secret" not in err


def test_export_into_a_file_is_a_one_line_error(written_course, tmp_path):
    (tmp_path / "lms").write_text("")
    code, out, err = run_cli(written_course, "feedback", "--out", tmp_path, "--export", tmp_path / "lms")
    assert code == 2 and err.count("\n") == 1 and "is a file" in err


def test_recorded_seed(tmp_path):
    (tmp_path / "grades.json").write_text('{"seed": 12345}')
    assert grading.recorded_seed(tmp_path) == 12345
    for broken in ('{"seed": "12"}', '{"seed": true}', "[1]", "{trunc"):
        (tmp_path / "grades.json").write_text(broken)
        assert 0 <= grading.recorded_seed(tmp_path) < 2**31


def test_seed_and_new_seed_exclude_each_other(written_course, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["grade", str(tmp_path), "--seed", "1", "--new-seed"])
    assert exit.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_graded_texts_digest_answers_and_code():
    cells = [nbformat.v4.new_code_cell("def f(): pass"), nbformat.v4.new_code_cell("run_test(f)"),
             nbformat.v4.new_markdown_cell("because")]
    for cell, (grade_id, is_grade, solution) in zip(cells, [("f", False, True),
                                                             ("test_f", True, False),
                                                             ("q", True, True)]):
        cell.metadata.nbgrader = {"grade_id": grade_id, "grade": is_grade, "solution": solution}
    texts = handgrading.graded_texts(nbformat.v4.new_notebook(cells=cells))
    assert set(texts) == {"test_f", "q"} and texts["q"] != texts["test_f"]
    cells[0].source = "def f(): return 1"
    changed = handgrading.graded_texts(nbformat.v4.new_notebook(cells=cells))
    assert changed["q"] == texts["q"] and changed["test_f"] != texts["test_f"]


def test_a_written_answers_stub_names_its_question(written_course):
    released = nbformat.read(written_course / "notebooks" / "99_toy" / "99_toy.ipynb", as_version=4)
    answer = next(c for c in released.cells if c.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN)
    assert answer.source == f'YOUR ANSWER HERE (question {WRITTEN}, under "99 · Toy assignment")'
    assert selfcheck.is_unanswered(answer)  # its checksum is of the named stub
