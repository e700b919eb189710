"""A signal, a second grading, a full or read-only work folder: a clean stop, nothing half-written."""
import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time

from concurrent.futures.process import BrokenProcessPool

import psutil
import pytest
from nbgrader.api import Gradebook

from autograder import atomic, gradebook, grading, workfolder
from autograder.course import CourseError
from conftest import build, cell_points, outcomes, run_cli

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


SECOND_SIGNAL = """
import os, signal, sys, time
from autograder import workfolder
try:
    with workfolder.stop_on_signals():
        os.kill(os.getpid(), signal.{first})
        time.sleep(30)
except workfolder.Stopped as stop:
    os.kill(os.getpid(), signal.SIGINT)  # a second Ctrl-C, then a SIGTERM, while cleaning up
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.2)
    print(stop)
    sys.exit(stop.code)
"""


@pytest.mark.parametrize("first", [signal.SIGHUP, signal.SIGQUIT, signal.SIGINT],
                         ids=lambda s: s.name)
def test_a_closed_terminal_or_ctrl_backslash_stop_and_a_second_signal_does_not_cut_the_stop_short(
        first):
    stopping = subprocess.run([sys.executable, "-c", SECOND_SIGNAL.format(first=first.name)],
                              capture_output=True, text=True, timeout=60)
    assert (stopping.returncode, stopping.stdout, stopping.stderr) == (
        128 + first, f"stopped by {first.name}\n", "")


ORPHANED = """
import os, sys, time
from autograder import workfolder
with workfolder.WorkerPool(1) as pool:
    print(pool.submit(os.getpid).result(), flush=True)
    pool.submit(time.sleep, 60)
    time.sleep(60)
"""


def test_workers_stop_when_the_grading_process_is_killed():
    grading = subprocess.Popen([sys.executable, "-c", ORPHANED], stdout=subprocess.PIPE, text=True)
    try:
        worker = psutil.Process(int(grading.stdout.readline()))
        time.sleep(0.5)  # into its sleep
    finally:
        grading.kill()
        grading.wait()
    worker.wait(timeout=10)  # not an orphan for ever (psutil.TimeoutExpired)
    assert not worker.is_running()


def test_a_killed_worker_fails_its_tasks_and_the_pool_is_replaced():
    with workfolder.WorkerPool(1) as pool:
        with pytest.raises(BrokenProcessPool):
            pool.submit(os._exit, 9).result()
        assert pool.submit(abs, -3).result() == 3


def test_a_submission_that_kills_its_worker_fails_alone_and_its_neighbour_is_graded(
        toy_course, tmp_path):
    """Without the sandbox a kernel can kill the process grading it; the pool's other tasks fail
    with it, and are graded again, each alone."""
    submissions = tmp_path / "submissions"
    build(toy_course, "99_toy", submissions, "ana", "# base: solutions\n")
    build(toy_course, "99_toy", submissions, "killer", "# base: solutions\n# %% sgd_momentum\n"
          "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n")
    code, out, err = run_cli(toy_course, "grade", submissions, "--out", tmp_path / "work", "--seed",
                             1, "--timeout", 10, "--quiet", "--jobs", 2, "--sandbox", "off",
                             "--no-feedback")
    assert code == 1 and "Traceback" not in err
    assert cell_points(tmp_path / "work") == {
        "ana": {"test_numerical_gradient": 1, "test_sgd_momentum": 2, "test_LinearModel": 1},
        "killer": {}}
    killer = outcomes(tmp_path / "work")["killer"]
    assert (killer["status"], killer["message"]) == ("failed", grading.WORKER_KILLED)


def test_a_full_gradebook_is_one_line_without_nbgraders_traceback(tmp_path, caplog):
    with tmpfs(tmp_path / "full", "size=512k") as folder:
        url = f"sqlite:///{folder / 'gradebook.db'}"
        gradebook.prepare_gradebook(url, [])
        with contextlib.suppress(OSError), open(folder / "filler", "wb") as filler:
            while True:  # until the disk is full
                filler.write(bytes(4096))
                filler.flush()
        with (pytest.raises(CourseError) as raised, gradebook.database_errors(url),
              Gradebook(url) as book):
            for number in range(100):
                book.add_student(f"s{number}", first_name="x" * 4096)
    assert str(raised.value) == (f"cannot write in the gradebook {url} (database or disk is full): "
                                 "free some space: what was saved before stays; grade again to "
                                 "finish")
    assert not [r for r in caplog.records if r.name == gradebook.NBGRADER_LOG.name]


def test_two_gradings_into_one_sqlite_gradebook_the_second_is_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with gradebook.held(url):
        with pytest.raises(CourseError) as raised, gradebook.held(url):
            pass
        assert str(raised.value) == (f"the gradebook {tmp_path / 'shared.db'} is in use by another "
                                     "grading: wait for it to finish, or give --db another gradebook")
    with gradebook.held(url):  # released with the first
        pass


@pytest.mark.parametrize("out", [".", "ana/work"])
def test_a_work_folder_inside_the_submissions_is_refused(toy_course, slow_class, out):
    code, _, err = run_cli(toy_course, "grade", slow_class, "--out", slow_class / out, "--quiet")
    assert (code, err) == (2, f"autograder: error: the work folder {slow_class / out} is inside the "
                              f"submissions folder {slow_class}: grading again would take its "
                              "files for submissions; give --out a folder outside it\n")
    assert sorted(p.name for p in slow_class.iterdir()) == ["ana", "slow"]


def test_the_class_report_in_a_read_only_folder_is_one_line_and_exit_2(toy_course, tmp_path):
    with tmpfs(tmp_path / "ro", "size=1m") as work:
        (work / "grades.json").write_text('{"seed": 1, "notices": [], "submissions": []}\n')
        subprocess.run(["mount", "-o", "remount,ro", str(work)], check=True)
        code, out, err = run_cli(toy_course, "report", "--out", work)
        assert sorted(p.name for p in work.iterdir()) == ["grades.json"]
    assert (code, out) == (2, "")
    assert err.startswith(f"autograder: error: cannot write in the work folder {work} (Read-only "
                          "file system): make it writable") and err.count("\n") == 1


def test_what_a_killed_run_left_is_put_right_by_the_next(tmp_path):
    work = tmp_path / "work"
    swapped, done = work / "feedback" / "ana" / "99_toy", work / "feedback" / "bob" / "99_toy"
    for folder in (swapped.with_name(".99_toy.old"), done, done.with_name(".99_toy.old"),
                   work / ".feedback-bob-99_toy" / "bob" / "99_toy"):
        folder.mkdir(parents=True)
        (folder / "99_toy.html").write_text(folder.name)
    (work / ".grades.json.x1y2.part").write_text('{"half')
    (work / "grades.json").write_text("{}")
    workfolder.tidy(work)
    assert (swapped / "99_toy.html").read_text() == ".99_toy.old"  # killed between the renames
    assert (done / "99_toy.html").read_text() == "99_toy"
    assert sorted(str(p.relative_to(work)) for p in work.rglob("*")) == [
        "feedback", "feedback/ana", "feedback/ana/99_toy", "feedback/ana/99_toy/99_toy.html",
        "feedback/bob", "feedback/bob/99_toy", "feedback/bob/99_toy/99_toy.html", "grades.json"]


CTRL_C_WHILE_IMPORTING = """
import os, signal, sys

class CtrlC:  # pressed while the command imports its modules
    def find_spec(self, name, path=None, target=None):
        if name == "autograder.grading":
            os.kill(os.getpid(), signal.SIGINT)

sys.meta_path.insert(0, CtrlC())
from autograder import cli
"""


def test_ctrl_c_while_the_command_starts_is_one_line():
    started = subprocess.run([sys.executable, "-c", CTRL_C_WHILE_IMPORTING], capture_output=True,
                             text=True, timeout=60)
    assert (started.returncode, started.stdout, started.stderr) == (
        130, "", "autograder: interrupted\n")


LOST_STOP = """
import os, signal, sys, time
from autograder import workfolder

class Collected:
    def __del__(self):  # the handler's Stopped lands here, where Python only prints it
        os.kill(os.getpid(), signal.SIGTERM)

try:
    with workfolder.stop_on_signals():
        Collected()
        print("going on", flush=True)
        workfolder.raise_if_stopped()  # where grading goes on: the next kernel or submission
        print("graded on")
except workfolder.Stopped as stop:
    print(stop)
    sys.exit(stop.code)
"""


def test_a_stop_lost_in_a_destructor_is_raised_again_where_grading_goes_on():
    stopping = subprocess.run([sys.executable, "-c", LOST_STOP], capture_output=True, text=True,
                              timeout=60)
    assert (stopping.returncode, stopping.stdout) == (143, "going on\nstopped by SIGTERM\n")
