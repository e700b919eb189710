"""``feedback --export``: what Canvas's and Moodle's imports need, on a gradebook made by hand."""
import argparse
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import export, roster
from autograder.course import CourseError
from autograder.gradebook import prepare_gradebook
from conftest import build, cell_points, run_cli


@pytest.fixture
def gradebook(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    prepare_gradebook(url, ["1001"])
    with Gradebook(url) as book:
        for name in ("01_loss_functions", "02_gradients"):
            book.add_assignment(name)
    return url


def test_canvas_columns_carry_the_canvas_assignment_id(gradebook, tmp_path):
    count, unnamed = export.export(gradebook, tmp_path, tmp_path / "lms",
                                   {"01_loss_functions": "12345"})
    assert (count, unnamed) == (1, ["02_gradients"])
    assert (tmp_path / "lms" / "canvas.csv").read_text().splitlines() == [
        "Student,ID,SIS User ID,SIS Login ID,Section,01_loss_functions (12345),02_gradients",
        "1001,,1001,,,,"]


def test_an_unknown_canvas_assignment_is_an_error_and_nothing_is_written(gradebook, tmp_path):
    with pytest.raises(CourseError, match="^--canvas-assignment names 01_loss, which the gradebook "
                                          "does not have \\(it has 01_loss_functions, 02_gradients\\)$"):
        export.export(gradebook, tmp_path, tmp_path / "lms", {"01_loss": "12345"})
    assert not (tmp_path / "lms").exists()


@pytest.mark.parametrize("text", ["01_loss_functions", "=12345", "01_loss_functions=012",
                                  "01_loss_functions=12a", "01_loss_functions=١٢"])
def test_canvas_assignment_option_is_name_equals_number(text):
    assert export.canvas_assignment("01_loss_functions=12345") == ("01_loss_functions", "12345")
    with pytest.raises(argparse.ArgumentTypeError, match="is not ASSIGNMENT=ID"):
        export.canvas_assignment(text)


def test_feedback_from_a_moodle_download_goes_back_into_its_folder(gradebook, tmp_path):
    folder = "김 아나_1001_assignsubmission_file_"
    for assignment in ("01_loss_functions", "02_gradients"):
        page = tmp_path / "feedback" / "1001" / assignment / f"{assignment}.html"
        page.parent.mkdir(parents=True)
        page.write_text(assignment)
    submitted = tmp_path / "submitted" / "1001"
    (submitted / "01_loss_functions").mkdir(parents=True)
    (submitted / "01_loss_functions" / "lms_name.txt").write_text(folder)
    (submitted / "02_gradients").mkdir()  # another participant's folder: not this student's
    (submitted / "02_gradients" / "lms_name.txt").write_text("Bo_7_assignsubmission_file_")
    export.export(gradebook, tmp_path, tmp_path / "lms")
    moodle = (tmp_path / "lms" / "moodle.csv").read_text().splitlines()
    assert moodle[1].startswith(",,,,")  # a participant id is no ID number Moodle could match
    written = sorted(str(p.relative_to(tmp_path / "lms" / "feedback"))
                     for p in (tmp_path / "lms" / "feedback").rglob("*.html"))
    assert written == [f"01_loss_functions/{folder}/01_loss_functions.html",
                       "02_gradients/1001.html"]


def test_a_moodle_download_is_graded_and_its_feedback_goes_back_into_its_folder(toy_course,
                                                                                tmp_path):
    folder = "Ana Kim_12345_assignsubmission_file_"
    built = build(toy_course, "99_toy", tmp_path / "built", "ana", "# base: solutions\n")
    (tmp_path / "subs" / folder).mkdir(parents=True)
    (built / "99_toy.ipynb").rename(tmp_path / "subs" / folder / "99_toy.ipynb")
    work, lms = tmp_path / "work", tmp_path / "lms"
    code, _, err = run_cli(toy_course, "grade", tmp_path / "subs", "--out", work, "--seed", 1,
                           "--timeout", 10, "--quiet", "--jobs", 1)
    assert code == 0, err
    assert cell_points(work) == {"12345": {"test_numerical_gradient": 1, "test_sgd_momentum": 2,
                                           "test_LinearModel": 1}}
    code, _, err = run_cli(toy_course, "feedback", "--out", work, "--export", lms,
                           "--canvas-assignment", "99_toy=5101")
    assert code == 0 and not err, err
    assert [p.relative_to(lms) for p in lms.rglob("*.html")] == [
        Path("feedback", "99_toy", folder, "99_toy.html")]


def test_a_student_keyed_by_canvas_user_id_has_no_sis_id(gradebook, tmp_path):
    roster.import_roster(gradebook, [roster.Entry("2002", "Bo", "Lee", "", "2002"),  # --id ID
                                     roster.Entry("s2024002", "Ben", "Park", "", "1002")])
    graded = tmp_path / "submitted" / "1001" / "02_gradients"  # from Canvas's download, no roster
    graded.mkdir(parents=True)
    (graded / "lms_name.txt").write_text("kimana_1001_98765_02_gradients.ipynb")
    export.export(gradebook, tmp_path, tmp_path / "lms", {"01_loss_functions": "5101"})
    assert (tmp_path / "lms" / "canvas.csv").read_text().splitlines()[1:] == [
        "1001,1001,,,,,", '"Lee, Bo",2002,,,,,', '"Park, Ben",1002,s2024002,,,,']


def test_one_assignment_given_two_canvas_ids_is_an_error():
    pairs = [("01_loss_functions", "1"), ("02_gradients", "2"), ("01_loss_functions", "1")]
    assert export.canvas_assignment_ids(pairs) == {"01_loss_functions": "1", "02_gradients": "2"}
    with pytest.raises(CourseError, match="gives 01_loss_functions two ids, 1 and 3"):
        export.canvas_assignment_ids(pairs + [("01_loss_functions", "3")])
