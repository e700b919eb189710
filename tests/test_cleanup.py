"""Run folders are removed whatever the kernel left in them, and never fail a submission."""
import os
import tempfile
from pathlib import Path

import pytest

from autograder import worker
from autograder.cleanup import remove_tree

from conftest import build, cell_points, outcomes, run_cli

DEPTH = 1500  # past Python 3.11's recursion limit, where shutil.rmtree stops
NOBODY = 65534


def build_hostile_tree(root, outside, depth):
    """A tree as a hostile kernel might leave it; ``outside`` is a file it links to."""
    root = Path(root)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):  # each step relative to the last folder: no path grows with the depth
        os.mkdir("d", dir_fd=fd)
        with open(os.open("f", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as file:
            file.write("x")
        child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(fd)
    (root / "locked" / "inner").mkdir(parents=True)
    (root / "locked" / "inner" / "file").write_text("x")
    (root / "locked" / "inner").chmod(0o000)
    (root / "locked").chmod(0o000)
    (root / "readonly").mkdir()
    (root / "readonly" / "file").write_text("x")
    (root / "readonly").chmod(0o500)
    (root / "link").symlink_to(outside)
    (root / "link-to-folder").symlink_to(Path(outside).parent)


def hostile_tree_is_removed(folder, depth=DEPTH):
    """Build a hostile tree in a fresh run folder under ``folder`` and remove it; True if all gone."""
    outside = Path(folder) / "outside.txt"
    outside.write_text("keep me")
    run = Path(tempfile.mkdtemp(prefix="descent-run-", dir=folder))
    build_hostile_tree(run, outside, depth)
    remove_tree(run)
    return not run.exists() and outside.read_text() == "keep me"


def test_a_deep_locked_tree_is_removed_and_links_not_followed(tmp_path):
    assert hostile_tree_is_removed(tmp_path)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")
def test_without_root_a_tree_of_locked_folders_is_removed_too():
    folder = tempfile.mkdtemp(prefix="descent-test-")  # not under pytest's root-only folders
    os.chmod(folder, 0o777)
    try:
        child = os.fork()
        if child == 0:  # as the sandbox's user, who cannot override permissions
            code = 1
            try:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                code = 0 if hostile_tree_is_removed(folder, depth=100) else 1
            finally:
                os._exit(code)
        assert os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0
    finally:
        remove_tree(folder)


# The answer cell of sgd_momentum (so that question gets no points) leaves a hostile working folder.
HOSTILE_SUBMISSION = """# base: solutions
# %% sgd_momentum
import os
fd = os.open(".", os.O_RDONLY)
for _ in range(1500):
    os.mkdir("d", dir_fd=fd)
    fd = os.open("d", os.O_RDONLY, dir_fd=fd)
os.mkdir("locked")
os.chmod("locked", 0)
"""


def test_a_kernel_that_leaves_a_hostile_tree_is_graded_and_leaves_no_run_folder(
        toy_course, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the run folders go
    removed = []

    def remove_and_note(run):
        removed.append((run / "work" / "d" / "d" / "d").is_dir() and (run / "work" / "locked").is_dir())
        remove_tree(run)

    monkeypatch.setattr(worker, "remove_tree", remove_and_note)
    build(toy_course, "99_toy", tmp_path / "submissions", "hostile", HOSTILE_SUBMISSION)
    # Without bubblewrap the kernel's working folder is on the host's disk (in the sandbox it is a
    # tmpfs of the sandbox's own, which goes with it), so the tree is left in the run folder.
    code, _, err = run_cli(toy_course, "grade", tmp_path / "submissions", "--out", tmp_path / "work",
                           "--seed", 1, "--timeout", 20, "--quiet", "--jobs", 1, "--no-feedback",
                           "--sandbox", "off")
    assert code == 0, err
    assert outcomes(tmp_path / "work")["hostile"]["status"] == "graded"
    assert cell_points(tmp_path / "work")["hostile"] == {
        "test_numerical_gradient": 1, "test_sgd_momentum": 0, "test_LinearModel": 1}
    assert removed == [True] and list(tmp_path.glob("descent-run-*")) == []
