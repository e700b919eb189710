"""`release --check` compares what was released, not what running or viewing a notebook adds."""
import json
import shutil

from autograder import release
from conftest import run_cli


def add_running_noise(path):
    """What running a notebook in JupyterLab writes into it: outputs, counts, kernel and widget
    metadata, timing and view state of cells."""
    notebook = json.loads(path.read_text())
    notebook["metadata"]["kernelspec"] = {"name": "python3-other", "display_name": "Other"}
    notebook["metadata"]["language_info"] = {"name": "python", "version": "3.12.1"}
    notebook["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    for count, cell in enumerate(notebook["cells"], start=1):
        cell["metadata"].update(execution={"iopub.status.busy": "2026-01-01T00:00:00"},
                                collapsed=False, scrolled=True, trusted=True,
                                jupyter={"outputs_hidden": False})
        if cell["cell_type"] == "code":
            cell["execution_count"] = count
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}]
    path.write_text(json.dumps(notebook, indent=2))


def test_release_check_ignores_what_running_a_notebook_adds(toy_course, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(toy_course, course)
    add_running_noise(course / "solutions" / "99_toy" / "99_toy.ipynb")
    add_running_noise(course / "notebooks" / "99_toy" / "99_toy.ipynb")
    code, out, err = run_cli(course, "release", "--check")
    assert (code, out, err) == (0, "notebooks/ is up to date\n", "")


def test_release_check_names_the_cell_whose_source_changed(toy_course, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(toy_course, course)
    source = course / "solutions" / "99_toy" / "99_toy.ipynb"
    add_running_noise(source)
    source.write_text(source.read_text().replace("w, expected_w = rng.normal",
                                                 "w, expected_w = 2 * rng.normal"))
    code, out, err = run_cli(course, "release", "--check")
    assert code == 1
    assert ("out of date: notebooks/99_toy/99_toy.ipynb (cell 6 (test_sgd_momentum): "
            "source differs)") in err


def test_a_released_file_that_is_not_a_notebook_differs(toy_course, tmp_path):
    released = toy_course / "notebooks" / "99_toy" / "99_toy.ipynb"
    (tmp_path / "99_toy.ipynb").write_text("{not json")
    (tmp_path / "cells.ipynb").write_text('{"cells": 3}')
    assert release._difference(released, released) is None
    assert release._difference(released, tmp_path / "99_toy.ipynb").startswith("not a readable notebook")
    assert release._difference(released, tmp_path / "cells.ipynb").startswith("not a readable notebook")
    assert release._difference(released, tmp_path / "missing.ipynb") == "missing"
