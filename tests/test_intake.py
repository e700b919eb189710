"""Intake against a hostile class: odd file-system shapes, links, FIFOs, zip bombs, odd names.

Each case gets that student a one-line reason and the rest of the class is collected; nothing
outside the submissions folder is read, nothing blocks. These call ``intake.collect`` directly
(no kernel), so they cost well under a second each after the toy course's release.
"""
import contextlib
import io
import json
import os
import signal
import socket
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from autograder import intake
from autograder.course import CourseError
from conftest import build

GOOD = "# base: solutions\n"


@pytest.fixture(scope="module")
def good_bytes(toy_course, tmp_path_factory):
    """A complete toy submission's notebook, as bytes."""
    folder = build(toy_course, "99_toy", tmp_path_factory.mktemp("good"), "someone", GOOD)
    return (folder / "99_toy.ipynb").read_bytes()


def collected(toy_course, folder, assignment=None):
    """(sorted student ids collected, problems as lines) of a folder."""
    found, problems = intake.collect(toy_course, folder, assignment)
    return sorted(s.student for s in found), sorted(str(p) for p in problems)


@contextlib.contextmanager
def time_limit(seconds):
    """Fail instead of hanging (a FIFO opened for reading blocks forever)."""
    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def notebook_at(folder, relative, data):
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def deep_tree(folder, depth, data):
    """Make folder/a/a/.../a (``depth`` deep) holding 99_toy.ipynb, or remove it if data is None.

    Relative to folder descriptors: pathlib, os.makedirs and shutil.rmtree recurse once per level
    (Python's recursion limit is 1000) and the full path would pass PATH_MAX."""
    fds = [os.open(folder, os.O_RDONLY | os.O_DIRECTORY)]
    for _ in range(depth):
        if data is not None:
            os.mkdir("a", dir_fd=fds[-1])
        fds.append(os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
    if data is not None:
        with open(os.open("99_toy.ipynb", os.O_WRONLY | os.O_CREAT, dir_fd=fds[-1]), "wb") as file:
            file.write(data)
    else:
        os.unlink("99_toy.ipynb", dir_fd=fds[-1])
    for inner, outer in zip(reversed(fds[1:]), reversed(fds[:-1])):
        os.close(inner)
        if data is None:
            os.rmdir("a", dir_fd=outer)
    os.close(fds[0])


LINK = ("a symbolic link (not followed: it could point outside the submissions folder; "
        "put the file itself there)")


def test_every_file_system_shape_gets_a_reason_and_the_class_is_graded(toy_course, tmp_path,
                                                                       good_bytes):
    subs = tmp_path / "subs"
    notebook_at(subs, "zoe/99_toy/99_toy.ipynb", good_bytes)
    notebook_at(subs, "zed_99_toy.ipynb", good_bytes)
    (subs / "alice/99_toy/99_toy.ipynb").mkdir(parents=True)
    (subs / "bob_99_toy.ipynb").mkdir()
    reference = toy_course / "solutions" / "99_toy" / "99_toy.ipynb"
    (subs / "carl_99_toy.ipynb").symlink_to(reference)
    (subs / "dave/99_toy").mkdir(parents=True)
    (subs / "dave/99_toy/99_toy.ipynb").symlink_to(subs / "zed_99_toy.ipynb")
    (subs / "erin").symlink_to(subs / "zoe")
    (subs / "fred/99_toy").mkdir(parents=True)
    (subs / "fred/99_toy/99_toy.ipynb").symlink_to(tmp_path / "nowhere.ipynb")  # broken
    os.mkfifo(subs / "gina_99_toy.ipynb")
    (subs / "hugo/99_toy").mkdir(parents=True)
    os.mkfifo(subs / "hugo/99_toy/99_toy.ipynb")
    with contextlib.chdir(subs), socket.socket(socket.AF_UNIX) as server:
        server.bind("ivan_99_toy.ipynb")
    os.mknod(subs / "jack_99_toy.zip", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null
    (subs / "kim/99_toy").mkdir(parents=True)
    deep_tree(subs / "kim/99_toy", 1500, good_bytes)
    locked = notebook_at(subs, "lee_99_toy.ipynb", good_bytes)
    locked.chmod(0)
    (subs / "mia").mkdir()
    (subs / "mia/notes.txt").write_text("stray")
    (subs / "nils").mkdir()

    with time_limit(20):
        students, problems = collected(toy_course, subs)
    deep_tree(subs / "kim/99_toy", 1500, None)
    # root reads a file whatever its mode; anyone else is refused, and told why
    readable = os.geteuid() == 0
    assert students == ["lee", "zed", "zoe"] if readable else ["zed", "zoe"]
    assert problems == sorted([
        "alice/99_toy: alice/99_toy/99_toy.ipynb is a folder, not a notebook file",
        "bob/99_toy: bob_99_toy.ipynb is a folder, not a .ipynb file",
        f"carl/99_toy: carl_99_toy.ipynb is {LINK}, not a .ipynb file",
        f"dave/99_toy: dave/99_toy/99_toy.ipynb is {LINK}, not a notebook file",
        f"erin/?: erin is {LINK}, not a student folder, a .ipynb or a .zip file",
        f"fred/99_toy: fred/99_toy/99_toy.ipynb is {LINK}, not a notebook file",
        "gina/99_toy: gina_99_toy.ipynb is a FIFO (named pipe), not a .ipynb file",
        "hugo/99_toy: hugo/99_toy/99_toy.ipynb is a FIFO (named pipe), not a notebook file",
        "ivan/99_toy: ivan_99_toy.ipynb is a socket, not a .ipynb file",
        "jack/99_toy: jack_99_toy.zip is a device file, not a .zip file",
        "kim/99_toy: unexpected layout: found notebooks none, expected 99_toy.ipynb",
        "mia/notes.txt: mia/notes.txt is a file, not an assignment folder "
        "(expected mia/<assignment>/<notebook>.ipynb)",
        "nils/?: nils is an empty folder: expected nils/<assignment>/<notebook>.ipynb",
        *([] if readable else ["lee/99_toy: lee_99_toy.ipynb cannot be opened (Permission denied)"]),
    ])
