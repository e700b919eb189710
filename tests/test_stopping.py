"""A signal, a second grading, a full or read-only work folder: a clean stop, nothing half-written."""
import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from autograder import atomic, workfolder
from autograder.course import CourseError
from conftest import build, cell_points, run_cli

AUTOGRADER = [sys.executable, "-m", "autograder.cli"]
SLOW = "# base: solutions\n# %% sgd_momentum\nimport time\ntime.sleep(120)\n"


@pytest.fixture
def slow_class(toy_course, tmp_path):
    """Two students of the toy course: ana (all correct), and slow, whose answer cell sleeps."""
    submissions = tmp_path / "submissions"
    build(toy_course, "99_toy", submissions, "ana", "# base: solutions\n")
    build(toy_course, "99_toy", submissions, "slow", SLOW)
    return submissions


def kernels(process):
    """The ipykernel and bubblewrap processes under ``process``, still running."""
    found = []
    with contextlib.suppress(psutil.NoSuchProcess):
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if child.status() != psutil.STATUS_ZOMBIE and any(
                        "ipykernel" in part or part == "bwrap" for part in child.cmdline()):
                    found.append(child)
    return found


def running(processes):
    alive = []
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
    return alive


@pytest.mark.parametrize("jobs, signum", [(1, signal.SIGTERM), (2, signal.SIGINT)])
def test_a_signal_stops_grading_and_grading_again_finishes(toy_course, slow_class, tmp_path,
                                                           jobs, signum):
    work = tmp_path / "work"
    command = [*AUTOGRADER, "grade", slow_class, "--out", work, "--seed", 1, "--timeout", 100,
               "--quiet", "--jobs", jobs]
    grading = subprocess.Popen([str(a) for a in command], cwd=toy_course, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process = psutil.Process(grading.pid)
    deadline = time.monotonic() + 120
    while not kernels(process) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert kernels(process), "no kernel started"
    time.sleep(1)  # into the cells
    started = kernels(process) + process.children(recursive=True)
    grading.send_signal(signum)
    out, err = grading.communicate(timeout=60)
    assert grading.returncode == 128 + signum
    assert err == (f"autograder: stopped by {signum.name}: the submissions being graded were not "
                   "saved; grade again to finish\n")
    assert "Traceback" not in out
    deadline = time.monotonic() + 10
    while running(started) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not running(started)
    assert not (work / "grades.json").exists()  # not written before every submission is graded
    if jobs == 1:  # grading again (now with a time limit the sleep runs past) grades everyone
        code, out, err = run_cli(toy_course, "grade", slow_class, "--out", work, "--seed", 1,
                                 "--timeout", 2, "--quiet", "--jobs", 1)
        assert code == 0, err
        assert cell_points(work) == {
            "ana": {"test_numerical_gradient": 1, "test_sgd_momentum": 2, "test_LinearModel": 1},
            "slow": {"test_numerical_gradient": 1, "test_sgd_momentum": 0, "test_LinearModel": 1}}


def test_a_second_grading_of_the_same_folder_names_the_first_and_writes_nothing(
        toy_course, slow_class, tmp_path):
    work = tmp_path / "work"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom autograder import workfolder\n"
         "with workfolder.locked(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(60)",
         work], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        before = sorted(work.iterdir())
        code, out, err = run_cli(toy_course, "grade", slow_class, "--out", work, "--quiet",
                                 "--jobs", 1)
        assert code == 2 and err.count("\n") == 1 and out == ""
        assert f"{work} is in use by another grading (pid {holder.pid} on " in err
        assert "grade" in err and "--out" in err
        assert sorted(work.iterdir()) == before
    finally:
        holder.kill()
        holder.wait()
    with workfolder.locked(work):  # the holder died: its lock is taken over
        assert json.loads((work / workfolder.LOCK_FILE).read_text())["pid"] == os.getpid()


@contextlib.contextmanager
def tmpfs(folder, options):
    """A small tmpfs mounted at ``folder``; skips the test where mounting is not permitted."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_read_only_work_folder_is_one_line_and_exit_2(toy_course, slow_class, tmp_path):
    with tmpfs(tmp_path / "ro", "size=1m,ro") as work:
        code, out, err = run_cli(toy_course, "grade", slow_class, "--out", work, "--quiet",
                                 "--jobs", 1)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"autograder: error: cannot write in the work folder {work} "
                          "(Read-only file system): make it writable, or grade into another")


@pytest.mark.parametrize("place", ["file", "file/below"])
def test_a_work_folder_that_is_or_is_under_a_file_is_one_line_and_exit_2(toy_course, slow_class,
                                                                           tmp_path, place):
    (tmp_path / "file").write_text("notes")
    code, out, err = run_cli(toy_course, "grade", slow_class, "--out", tmp_path / place,
                             "--quiet", "--jobs", 1)
    assert code == 2 and err.count("\n") == 1 and (tmp_path / "file").read_text() == "notes"
    assert err.startswith(f"autograder: error: cannot write in the work folder {tmp_path / place}")
    assert "give a folder, not a file" in err


def test_a_full_disk_leaves_the_previous_report_whole(tmp_path):
    with tmpfs(tmp_path / "full", "size=64k") as work:
        report = work / "grades.json"
        report.write_text('{"old": true}\n')
        with pytest.raises(CourseError) as raised, workfolder.folder_errors(work):
            atomic.atomic_write(report, "x" * 200_000)  # three times the room there is
        assert report.read_text() == '{"old": true}\n'
        assert sorted(p.name for p in work.iterdir()) == ["grades.json"]  # no temporary left
    assert str(raised.value) == (f"cannot write in the work folder {work} (No space left on "
                                 "device): free some space, or grade into another folder with --out")


def test_a_failed_swap_keeps_the_old_feedback(tmp_path):
    final, new = tmp_path / "feedback" / "ana" / "99_toy", tmp_path / "staging"
    final.mkdir(parents=True)
    (final / "99_toy.html").write_text("old")
    with pytest.raises(OSError) as raised:
        workfolder.swap_folder(tmp_path / "never made", final)
    assert raised.value.errno == errno.ENOENT
    assert (final / "99_toy.html").read_text() == "old"
    new.mkdir()
    (new / "99_toy.html").write_text("new")
    workfolder.swap_folder(new, final)
    assert (final / "99_toy.html").read_text() == "new"
    assert sorted(p.name for p in final.parent.iterdir()) == ["99_toy"]
