"""The student package on its own: a built wheel, a released notebook alone in a folder, no course."""
import os
import shutil
import subprocess
import sys
import zipfile
import sysconfig
import textwrap
from pathlib import Path

import pytest

from autograder import data, examples
from conftest import REPO

# Runs in the fresh environment: the setup cell, one exercise, its test cell, then where the package
# and its data folder are.
RUN_CELLS = textwrap.dedent("""
    import sys
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(sys.argv[1], as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id", "") for cell in code]
    probe = nbformat.v4.new_code_cell(
        "import autograder.data\\nprint(autograder.data.__file__)\\n"
        "print(autograder.data.data_folder())")
    notebook.cells = [code[0], code[ids.index("residual_sum_of_squares")],
                      code[ids.index("test_residual_sum_of_squares")], probe]
    NotebookClient(notebook, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": "."}}).execute()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            print(output.get("text", ""), end="")
""")


def fresh_environment(folder):
    """A venv without the course, whose other dependencies are this environment's, read-only.

    Its site-packages gets a .pth naming a folder of links to this environment's packages, less the
    course's own (the editable install): pip and the dependencies without a download.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", folder], check=True)
    links = folder / "dependencies"
    links.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().startswith(("autograder", "descent", "__editable__", "_descent")):
            (links / entry.name).symlink_to(entry)
    python = folder / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "dependencies.pth").write_text(f"{links}\n")
    return python


def build_wheel(folder):
    """The wheel of a copy of the project's package files (the build leaves the worktree alone)."""
    source = folder / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source)
    shutil.copytree(REPO / "autograder", source / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", folder / "dist",
                    source], check=True)
    (wheel,) = (folder / "dist").glob("descent_course-*.whl")
    return wheel


def test_a_released_notebook_installs_the_wheel_and_runs_alone(tmp_path):
    if sys.platform == "win32":
        pytest.skip("the venv layout here is POSIX's")
    wheel = build_wheel(tmp_path)
    shipped = zipfile.ZipFile(wheel).namelist()
    assert "autograder/locale/ko/LC_MESSAGES/tests_01_loss_functions.mo" in shipped
    assert [name for name in shipped if "/hidden/" in name] == []  # the hidden tests' text stays home
    python = fresh_environment(tmp_path / "venv")
    alone = tmp_path / "alone"
    spec = examples.Spec("finished", "", "solutions", set())
    built = examples.build_submission(REPO, "01_loss_functions", spec, tmp_path / "built")
    alone.mkdir()
    shutil.copy(built / "01_loss_functions.ipynb", alone)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DESCENT_", "PIP_"))}
    # The setup cell installs the package from $DESCENT_PACKAGE: the wheel, offline.
    env.update(DESCENT_PACKAGE=str(wheel), PIP_NO_INDEX="1", PIP_NO_DEPS="1",
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    run = subprocess.run([python, "-c", RUN_CELLS, "01_loss_functions.ipynb"], cwd=alone, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    passed, location, folder = run.stdout.splitlines()[-3:]
    assert passed.startswith("✓ test_residual_sum_of_squares passed")
    assert location.startswith(str(tmp_path / "venv" / "lib"))
    assert folder == str(tmp_path / "cache" / "descent")
    assert sorted(p.name for p in alone.iterdir()) == ["01_loss_functions.ipynb"]
    korean = "from autograder import i18n, testing; i18n.set_language('ko'); print(testing.passed_line('t'))"
    assert subprocess.run([python, "-c", korean], env=env, capture_output=True, text=True,
                          check=True).stdout == "\u2713 t 통과\n"  # the wheel has the catalogs


def test_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DESCENT_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data.data_folder() == REPO / "data"  # in the course folder
    monkeypatch.setattr(data, "COURSE_FOLDER", tmp_path / "site-packages")  # installed on its own
    assert data.data_folder() == tmp_path / "cache" / "descent"
    monkeypatch.setenv("DESCENT_DATA_DIR", str(tmp_path / "mine"))
    assert data.mnist_path() == tmp_path / "mine" / "mnist.npz"
