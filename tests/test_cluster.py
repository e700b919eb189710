"""A real Dask cluster on loopback (a scheduler and two workers, each its own process) grades a class,
a worker killed in the middle of grading loses nothing, and SIGTERM stops a grading promptly."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import examples, sandbox
from autograder.cluster import local_cluster
from conftest import REPO, build, cell_points, max_points

distributed = pytest.importorskip(
    "distributed", reason="Dask distributed is not installed: pip install 'descent[cluster]'")

ASSIGNMENT = "01_loss_functions"
CLASS = ("correct", "gradient_sign_error", "hinge_counts_correct_class", "loss_summed_not_averaged",
         "softmax_no_max_shift", "gradient_missing_1_over_n")
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(scheduler address, {worker name: process}) of a scheduler and two workers, shared by the
    module's tests (the first kills w1)."""
    with local_cluster(2, tmp_path_factory.mktemp("cluster")) as running:
        yield running


def test_a_cluster_grades_a_class_and_survives_a_killed_worker(cluster, tmp_path):
    address, workers = cluster
    specs = [s for s in examples.example_specs(REPO, ASSIGNMENT) if s.name in CLASS]
    submissions, work = tmp_path / "submissions", tmp_path / "work"
    for spec in specs:
        examples.build_submission(REPO, ASSIGNMENT, spec, submissions)
    grading = subprocess.Popen(
        [str(BIN / "autograder"), "grade", str(submissions), "--out", str(work), "--seed", "4",
         "--timeout", "10", "--quiet", "--scheduler", address],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed_while_grading = kill_when_busy(address, "w1", workers["w1"])
    out, err = grading.communicate(timeout=600)
    assert killed_while_grading, "w1 never took a submission"
    assert grading.returncode == 0, err
    points, full = cell_points(work), max_points(REPO, ASSIGNMENT)
    assert sorted(points) == sorted(CLASS)
    for spec in specs:
        assert points[spec.name] == {c: 0.0 if c in spec.fails else p for c, p in full.items()}
    notices = json.loads((work / "grades.json").read_text())["notices"]
    if sandbox.bubblewrap_problem() is None:
        assert notices == []
    else:  # each worker says what its kernels are not protected from
        assert len(notices) == 2 and all("no sandbox" in notice for notice in notices)


def kill_when_busy(address, name, process):
    """Kill worker ``name`` (and its kernel) once it has been executing a submission for a second."""
    with distributed.Client(address, timeout="30s") as client:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            addresses = {w: info["name"] for w, info in client.scheduler_info()["workers"].items()}
            busy = [w for w, tasks in client.processing().items() if tasks and addresses.get(w) == name]
            if busy:
                time.sleep(1)
                os.killpg(process.pid, signal.SIGKILL)
                return True
            time.sleep(0.1)
    return False


def test_sigterm_stops_a_cluster_grading_promptly(cluster, toy_course, tmp_path):
    address, _ = cluster
    submissions, work = tmp_path / "submissions", tmp_path / "work"
    build(toy_course, "99_toy", submissions, "slow",
          "# base: solutions\n# %% sgd_momentum\nimport time\ntime.sleep(120)\n")
    grading = subprocess.Popen(
        [str(BIN / "autograder"), "grade", str(submissions), "--out", str(work), "--timeout", "100",
         "--quiet", "--scheduler", address],
        cwd=toy_course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with distributed.Client(address, timeout="30s") as client:
        deadline = time.monotonic() + 120
        while not any(client.processing().values()) and time.monotonic() < deadline:
            time.sleep(0.1)
    time.sleep(1)  # the worker is in the sleeping cell
    grading.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    out, err = grading.communicate(timeout=60)
    assert time.monotonic() - stopped < 10
    assert grading.returncode == 128 + signal.SIGTERM
    assert err == ("autograder: stopped by SIGTERM: the submissions being graded were not saved; "
                   "grade again to finish\n")
    assert not (work / "grades.json").exists()
