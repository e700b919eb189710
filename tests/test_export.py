"""``feedback --export``: what Canvas's and Moodle's imports need, on a gradebook made by hand."""
import argparse

import pytest
from nbgrader.api import Gradebook

from autograder import export
from autograder.course import CourseError
from autograder.gradebook import prepare_gradebook


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
