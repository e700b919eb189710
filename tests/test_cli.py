"""Bad input: a one-line error, a non-zero exit, and nothing else touched; the batch goes on."""
import json
import shutil
import zipfile

import nbformat
import pytest

from autograder import cli
from conftest import build, outcomes, run_cli, two_assignment_course

GOOD = "# base: solutions\n"


@pytest.fixture
def good_notebook(toy_course, tmp_path):
    folder = build(toy_course, "99_toy", tmp_path / "built", "someone", GOOD)
    return folder / "99_toy.ipynb"


def grade(course, submissions, work, *extra):
    return run_cli(course, "grade", submissions, "--out", work, "--seed", 1,
                   "--timeout", 10, "--quiet", "--jobs", 1, *extra)


def test_missing_submissions_folder(toy_course, tmp_path):
    code, out, err = grade(toy_course, tmp_path / "nope", tmp_path / "work")
    assert code == 2 and err.count("\n") == 1 and "does not exist" in err
    assert not (tmp_path / "work").exists()


def test_empty_submissions_folder(toy_course, tmp_path):
    (tmp_path / "empty").mkdir()
    code, out, err = grade(toy_course, tmp_path / "empty", tmp_path / "work")
    assert code == 2 and err.count("\n") == 1 and "is empty" in err
    assert not (tmp_path / "work").exists()


def test_unknown_assignment_option(toy_course, tmp_path, good_notebook):
    code, out, err = grade(toy_course, good_notebook.parent.parent.parent,
                           tmp_path / "work", "--assignment", "98_nope")
    assert code == 2 and "unknown assignment '98_nope'" in err and "99_toy" in err
    assert not (tmp_path / "work").exists()


def test_not_inside_a_course(tmp_path):
    code, out, err = run_cli(tmp_path, "release", "--check")
    assert code == 2 and "no course found" in err


def test_bad_submissions_are_reported_and_the_rest_graded(toy_course, tmp_path, good_notebook):
    lms = tmp_path / "lms"
    lms.mkdir()
    shutil.copy(good_notebook, lms / "ana_99_toy_attempt1.ipynb")
    with zipfile.ZipFile(lms / "ben_99_toy.zip", "w") as archive:  # a folder inside is fine
        archive.write(good_notebook, "submission/99_toy.ipynb")
        archive.writestr("__MACOSX/submission/._99_toy.ipynb", "junk")
    (lms / "cat_99_toy.ipynb").write_text("{ this is not json")
    with zipfile.ZipFile(lms / "dan_99_toy.zip", "w") as archive:
        archive.write(good_notebook, "homework.ipynb")
    with zipfile.ZipFile(lms / "eve_99_toy.zip", "w") as archive:
        archive.writestr("notes.txt", "no notebook here")
    (lms / "fay_98_nope.ipynb").write_text(good_notebook.read_text())
    (lms / "gus_99_toy.zip").write_bytes(b"not a zip")

    code, out, err = grade(toy_course, lms, tmp_path / "work")
    results = outcomes(tmp_path / "work")
    assert code == 1
    assert {s: results[s]["status"] for s in results} == {
        "ana": "graded", "ben": "graded", "cat": "rejected", "dan": "rejected", "eve": "rejected",
        "fay": "rejected", "gus": "rejected"}
    assert results["ana"]["score"] == results["ana"]["max_score"] == 4
    assert results["ben"]["score"] == 4
    assert "not a valid notebook" in results["cat"]["message"]
    assert "unexpected layout" in results["dan"]["message"] and "99_toy.ipynb" in results["dan"]["message"]
    assert "holds no notebook" in results["eve"]["message"]
    assert "unknown assignment" in results["fay"]["message"]
    assert "not a valid zip" in results["gus"]["message"]
    assert all(f"{s}/" in err for s in ("cat", "dan", "eve", "fay", "gus"))
    table = (tmp_path / "work" / "grades.csv").read_text().splitlines()
    assert table[0] == "student,99_toy (of 4),99_toy late penalty,99_toy final"
    assert "ana,4,0,4" in table and "cat,rejected,,rejected" in table


def test_deleted_and_edited_test_cells(toy_course, tmp_path):
    submissions = tmp_path / "subs"
    wrong = "# base: release\n"  # answers left blank: no test may pass
    deleted = build(toy_course, "99_toy", submissions, "deleter", wrong) / "99_toy.ipynb"
    edited = build(toy_course, "99_toy", submissions, "editor", wrong) / "99_toy.ipynb"
    notebook = nbformat.read(deleted, as_version=4)
    notebook.cells = [c for c in notebook.cells
                      if c.metadata.get("nbgrader", {}).get("grade_id") != "test_sgd_momentum"]
    nbformat.write(notebook, deleted)
    notebook = nbformat.read(edited, as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_"):
            cell.source = "print('all good')"
    nbformat.write(notebook, edited)

    code, out, err = grade(toy_course, submissions, tmp_path / "work")
    results = outcomes(tmp_path / "work")
    assert code == 1
    assert results["deleter"]["status"] == "rejected"
    assert "test cells deleted: test_sgd_momentum" in results["deleter"]["message"]
    assert results["editor"]["status"] == "graded" and results["editor"]["score"] == 0
    assert "graded with the original tests" in results["editor"]["warnings"][0]


def test_regrading_keeps_one_result_per_student(toy_course, tmp_path):
    submissions = tmp_path / "subs"
    build(toy_course, "99_toy", submissions, "ana", GOOD)
    for _ in range(2):
        code, out, err = grade(toy_course, submissions, tmp_path / "work")
        assert code == 0
    data = json.loads((tmp_path / "work" / "grades.json").read_text())
    assert [(o["student"], o["score"]) for o in data["submissions"]] == [("ana", 4)]


def test_self_check(toy_course, tmp_path, good_notebook):
    code, out, err = run_cli(toy_course, "check", good_notebook)
    assert code == 0 and "3 of 3 questions pass" in out and "passed    test_LinearModel" in out
    blank = build(toy_course, "99_toy", tmp_path / "blank", "b", "# base: release\n") / "99_toy.ipynb"
    code, out, err = run_cli(toy_course, "check", blank)
    assert code == 1 and "FAILED    test_sgd_momentum  -- not done yet: sgd_momentum\n" in out
    assert "0 of 3" in out
    code, out, err = run_cli(toy_course, "check", tmp_path / "missing.ipynb")
    assert code == 2 and "does not exist" in err
    (tmp_path / "bad.ipynb").write_text("nope")
    code, out, err = run_cli(toy_course, "check", tmp_path / "bad.ipynb")
    assert code == 2 and "not a valid notebook" in err


def test_release_check_names_drifted_notebooks(toy_course, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(toy_course, course)
    assert run_cli(course, "release", "--check")[0] == 0
    released = course / "notebooks" / "99_toy" / "99_toy.ipynb"
    released.write_text(released.read_text().replace("Toy assignment", "Toy assignment (edited)"))
    code, out, err = run_cli(course, "release", "--check")
    assert code == 1 and "out of date: notebooks/99_toy/99_toy.ipynb" in err
    assert run_cli(course, "release")[0] == 0
    assert run_cli(course, "release", "--check")[0] == 0


def test_a_missing_submission_is_marked_missing_not_zero(toy_course, tmp_path):
    course = two_assignment_course(toy_course, tmp_path / "course")
    submissions = tmp_path / "subs"
    build(course, "99_toy", submissions, "ana", GOOD)
    build(course, "98_toy_again", submissions, "ana", GOOD)
    build(course, "99_toy", submissions, "ben", GOOD)
    code, out, err = grade(course, submissions, tmp_path / "work")
    table = (tmp_path / "work" / "grades.csv").read_text().splitlines()
    assert code == 0
    assert table == ["student,98_toy_again (of 4),98_toy_again late penalty,98_toy_again final,"
                     "99_toy (of 4),99_toy late penalty,99_toy final",
                     "ana,4,0,4,4,0,4", "ben,missing,,missing,4,0,4"]


def test_an_oversized_notebook_in_a_zip_is_rejected_by_name(toy_course, tmp_path, monkeypatch,
                                                             good_notebook):
    from autograder import intake
    monkeypatch.setattr(intake, "MAX_NOTEBOOK_BYTES", 100)
    lms = tmp_path / "lms"
    lms.mkdir()
    with zipfile.ZipFile(lms / "ana_99_toy.zip", "w") as archive:
        archive.write(good_notebook, "99_toy.ipynb")
    found, problems = intake.collect(toy_course, lms)
    assert found == [] and [str(p) for p in problems] == [
        "ana/99_toy: ana_99_toy.zip:99_toy.ipynb is larger than 0 MB; clear its outputs and zip it again"]


def test_bad_grading_options_are_named(toy_course, tmp_path, good_notebook, capsys):
    submissions = good_notebook.parent.parent.parent
    for size, problem in (("10", "10 is too little memory for a kernel: give 64M or more"),
                          ("lots", "'lots' is not a size: write e.g. 4G or 512M")):
        with pytest.raises(SystemExit):
            cli.main(["grade", str(submissions), "--memory", size])
        assert problem in capsys.readouterr().err
    code, out, err = grade(toy_course, submissions, tmp_path / "work", "--db",
                           "postgresql://grader:secret@127.0.0.1:1/course")
    assert code == 2 and err.startswith("autograder: error: cannot open the gradebook "
                                        "postgresql://grader@127.0.0.1:1/course: ")
    assert "secret" not in err


def test_no_feedback_writes_scores_only(toy_course, tmp_path, good_notebook):
    code, out, err = grade(toy_course, good_notebook.parent.parent.parent, tmp_path / "work",
                           "--no-feedback")
    assert code == 0, err
    assert outcomes(tmp_path / "work")["someone"]["score"] == 4
    assert not (tmp_path / "work" / "feedback").exists()


@pytest.mark.parametrize("name", ["박서연준호", "\u1107\u1161\u11a8서연", "ana"])  # NFD, as macOS names files
def test_the_grade_table_lines_up_korean_names_in_a_terminal(name):
    from autograder.grading import format_table
    from autograder.i18n import display_width

    rows = [["student", "01 (of 30)", "01 final"], [name, "3", "2.5"], ["bo", "24", "23.5"]]
    lines = format_table(rows).splitlines()
    assert display_width("박서연") == 6 and display_width("\u1107\u1161\u11a8") == 2
    for column in (1, 2):  # each value starts in the same column of the terminal on every line
        starts = {display_width(line[:line.index(row[column])])
                  for line, row in zip([lines[0], *lines[2:]], rows)}
        assert len(starts) == 1, lines


def test_faults_are_summed_up_per_submission_with_the_first_cause(capsys):
    from autograder.grading import Outcome

    timed_out = Outcome("ana", "01", "graded", faults=[
        "01 test_a: the cell ran past its time limit of 3 s and did not stop when interrupted, so "
        "its kernel was stopped", "01 test_b: not run: the submission reached its time limit of "
        "600 s before this cell", "01 test_c: not run: the submission reached ..."])
    cli.print_faults([timed_out, Outcome("bo", "01", "graded", faults=["01 test_a: the kernel died"])])
    assert capsys.readouterr().out.splitlines() == [
        "2 submissions had cells stopped by the grader (a time limit, a dying kernel, too much "
        "output or disk); those cells scored 0, the others were graded:",
        "  ana: 01 test_a: the cell ran past its time limit of 3 s and did not stop when "
        "interrupted, so its kernel was stopped (and 2 more cells: see 'faults' in grades.json)",
        "  bo: 01 test_a: the kernel died"]
    cli.print_faults([])
    assert capsys.readouterr().out == ""


def test_the_terminal_shows_penalty_columns_only_where_someone_has_a_penalty():
    from autograder.grading import without_unused_penalties

    rows = [["student", "01 (of 4)", "01 late penalty", "01 final", "02 (of 6)", "02 late penalty",
             "02 final"],
            ["ana", "4", "0", "4", "6", "2", "4"],
            ["ben", "missing", "", "missing", "rejected", "", "rejected"]]
    assert without_unused_penalties(rows) == [
        ["student", "01 (of 4)", "02 (of 6)", "02 late penalty", "02 final"],
        ["ana", "4", "6", "2", "4"], ["ben", "missing", "rejected", "", "rejected"]]
