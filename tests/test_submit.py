"""`autograder submit`: the checked notebook, written under the name the grader's LMS layout reads."""
import pytest

from autograder import intake, submit
from autograder.course import CourseError
from autograder.selfcheck import Check
from conftest import build, run_cli


def test_submit_writes_the_notebook_as_the_grader_reads_it(toy_course, tmp_path):
    notebook = build(toy_course, "99_toy", tmp_path / "built", "x", "# base: solutions\n") / "99_toy.ipynb"
    code, out, err = run_cli(tmp_path, "submit", notebook, "--student", "ana.lee", "--out", tmp_path / "up")
    written = tmp_path / "up" / "ana.lee_99_toy.ipynb"
    assert (code, err) == (0, "")
    assert f"wrote {written}: upload this file\nevery function written" in out
    assert written.read_bytes() == notebook.read_bytes()
    assert [p.name for p in (tmp_path / "up").iterdir()] == [written.name]  # no temporary left
    submissions, problems = intake.collect(toy_course, tmp_path / "up")
    assert problems == [] and [(s.student, s.assignment) for s in submissions] == [("ana.lee", "99_toy")]


def test_submit_says_what_is_unfinished(toy_course, tmp_path, monkeypatch):
    blank = build(toy_course, "99_toy", tmp_path / "built", "x", "# base: release\n") / "99_toy.ipynb"
    monkeypatch.setenv(submit.STUDENT_VARIABLE, "ben")
    code, out, err = run_cli(tmp_path, "submit", blank)
    assert (code, err) == (0, "")
    assert (tmp_path / "ben_99_toy.ipynb").read_bytes() == blank.read_bytes()
    assert ("still unfinished:\n"
            "  functions not written (3): numerical_gradient, sgd_momentum, LinearModel\n"
            "  visible tests failing (3): test_numerical_gradient, test_sgd_momentum, "
            "test_LinearModel\n") in out


def test_the_summary_names_empty_written_answers():
    checks = [Check("test_f", True, ""), Check("q_why", False, "", written=True)]
    assert submit.format_summary("ana_01_x.ipynb", checks, []) == (
        "wrote ana_01_x.ipynb: upload this file\nstill unfinished:\n"
        "  written answers empty (1): q_why")


@pytest.mark.parametrize("argv, message", [
    ([], "give your student id: --student ID (or set DESCENT_STUDENT=ID"),
    (["--student", "ana_lee"], "student id 'ana_lee' cannot name the file"),
    (["--student", "../ana"], "student id '../ana' cannot name the file"),
])
def test_submit_needs_a_student_id_the_file_name_can_carry(tmp_path, monkeypatch, argv, message):
    monkeypatch.delenv(submit.STUDENT_VARIABLE, raising=False)
    code, out, err = run_cli(tmp_path, "submit", tmp_path / "01_x.ipynb", *argv)
    assert code == 2 and message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_the_assignment_comes_from_the_file_name(toy_course, tmp_path):
    inside = toy_course / "notebooks" / "99_toy"
    assert submit.assignment_id(inside / "99_toy (1).ipynb") == "99_toy"
    assert submit.assignment_id(tmp_path / "07_minibatch_sgd-Copy1.ipynb") == "07_minibatch_sgd"
    assert submit.assignment_id(tmp_path / "homework.ipynb", "03_search") == "03_search"
    with pytest.raises(CourseError, match="give it with --assignment ID"):
        submit.assignment_id(tmp_path / "homework.ipynb")
    with pytest.raises(CourseError, match="unknown assignment '98_toy': known assignments are 99_toy"):
        submit.assignment_id(inside / "98_toy.ipynb")
