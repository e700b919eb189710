"""The grading coordinator's own CPU time per submission, and the throughput it allows a cluster.

The coordinator (:mod:`autograder.grading`) records each submission, hands it to a worker, and
saves what comes back: scores into the gradebook, feedback pages, tables. However many workers
execute and judge, a class cannot be graded faster than the coordinator does its part, so with
``c`` seconds of coordinator time and ``w`` seconds of worker time per submission, ``W`` workers
grade at most ``min(W / w, 1 / c)`` submissions a second.

A class of ``--class-size`` students (default 200) of the toy course (``tests/fixtures``) is graded
in this process, as ``--jobs 1`` grades it, by the real coordinator. Its submissions are copies of
a few distinct ones (all correct, none done, one function wrong, a test cell edited); each
distinct task is executed and judged for real once, and its result handed back for every copy
(the page a worker renders does not name the student), so the run measures the coordinator, not
the kernels (which run without the sandbox: the coordinator's work is the same, and a commit's
code, below, runs from a folder the sandbox does not show its kernels). Reported: the coordinator's CPU seconds per submission (all of this process's CPU
time but the workers', the run's fixed costs spread over the class), the worker's seconds per
submission (the real runs' mean), and the projected throughput for 8, 64 and 256 workers.
With ``--against COMMIT`` the same class is graded by that commit's code (a git worktree of it,
in a subprocess), and the ratio is printed. Target: at most 0.15 s per submission.
Usage: ``python benchmarks/bench_coordinator.py [--class-size N] [--against COMMIT]``.
"""
import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 0.15
WORKERS = (8, 64, 256)
VARIANTS = {  # name -> submission spec (see autograder.examples)
    "done": "# base: solutions\n",
    "untouched": "# base: release\n",
    "momentum": "# base: solutions\n\n# %% sgd_momentum\ndef sgd_momentum(w, dw, config=None):\n"
                "    return w + dw, dict(config or {})\n",
    "raises": "# base: solutions\n\n# %% numerical_gradient\n"
              "def numerical_gradient(f, x, h=1e-5):\n    raise ValueError('not today')\n",
}


def build_class(root, size, folder):
    from autograder import examples

    variants = list(VARIANTS.items())
    for i in range(size):
        name, spec = variants[i % len(variants)]
        examples.build_submission(root, "99_toy", examples.parse_spec(f"s{i:04d}-{name}", spec), folder)


class Replaying:
    """run_task, executed once per distinct task and replayed for its copies; times both sides."""

    def __init__(self, run_task):
        self.run_task, self.results, self.cpu, self.real = run_task, {}, 0.0, []

    def __call__(self, task):
        started = time.process_time()
        key = (tuple(sorted(task.notebooks.items())), task.seed)
        if key not in self.results:
            wall = time.perf_counter()
            self.results[key] = self.run_task(task)
            self.real.append(time.perf_counter() - wall)
        self.cpu += time.process_time() - started
        return dataclasses.replace(self.results[key], student=task.student)


def measure(size):
    """{coordinator, worker}: seconds per submission, grading a class of ``size`` here."""
    from autograder import cli, grading
    from autograder.sandbox import Sandbox

    grading.single_threaded_kernels()
    with tempfile.TemporaryDirectory(prefix="descent-bench-") as scratch:
        root = Path(scratch) / "course"
        shutil.copytree(REPO / "tests" / "fixtures" / "toy_course", root)
        with contextlib.chdir(root), contextlib.redirect_stdout(sys.stderr):
            assert cli.main(["release"]) == 0
        build_class(root, size, Path(scratch) / "submissions")
        replaying = grading.run_task = Replaying(grading.run_task)
        started = time.process_time()
        grading.grade(root, Path(scratch) / "submissions", out=Path(scratch) / "work", seed=1,
                      progress=False, jobs=1, sandbox=Sandbox("off"))
        total = time.process_time() - started
    return {"coordinator": (total - replaying.cpu) / size,
            "worker": sum(replaying.real) / len(replaying.real)}


def measure_commit(commit, size):
    """measure(size) with the code of ``commit``, in a git worktree of it and a subprocess."""
    with tempfile.TemporaryDirectory(prefix="descent-bench-old-") as scratch:
        tree = Path(scratch) / "tree"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), commit],
                       check=True, capture_output=True)
        try:
            harness = tree / "benchmarks" / "bench_coordinator.py"  # this harness, that code
            shutil.copy(__file__, harness)
            shutil.copytree(REPO / "tests" / "fixtures" / "toy_course",
                            tree / "tests" / "fixtures" / "toy_course", dirs_exist_ok=True)
            run = subprocess.run([sys.executable, str(harness), "--class-size", str(size), "--json"],
                                 env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True,
                                 text=True)
            if run.returncode:
                sys.exit(f"grading with {commit}'s code failed:\n{run.stderr}")
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                           check=True, capture_output=True)
    return json.loads(run.stdout.splitlines()[-1])


def throughput(seconds, workers):
    """Submissions a second: the workers' pace, capped by the coordinator's."""
    return min(workers / seconds["worker"], 1 / seconds["coordinator"])


def report(label, seconds):
    print(f"{label}: coordinator {seconds['coordinator']:.3f} s of CPU per submission "
          f"(at most {1 / seconds['coordinator']:.1f} submissions/s); worker "
          f"{seconds['worker']:.2f} s per submission; projected: "
          + ", ".join(f"{w} workers {throughput(seconds, w):.1f}/s" for w in WORKERS))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class-size", type=int, default=200)
    parser.add_argument("--against", metavar="COMMIT", help="also measure this commit's code")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.json:  # in measure_commit's subprocess
        print(json.dumps(measure(args.class_size)))
        return 0
    print(f"a class of {args.class_size} submissions of the toy course, graded in one process")
    now = measure(args.class_size)
    report("this code", now)
    if args.against:
        before = measure_commit(args.against, args.class_size)
        report(args.against, before)
        print(f"coordinator time per submission: {now['coordinator'] / before['coordinator']:.2f}x "
              f"that of {args.against}; with 256 workers: "
              f"{throughput(now, 256) / throughput(before, 256):.1f}x the throughput")
    print(f"target: at most {TARGET} s per submission: "
          + ("met" if now["coordinator"] <= TARGET else "NOT met"))
    return 0 if now["coordinator"] <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
