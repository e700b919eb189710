"""Grading cost per notebook against plain execution, both measured in this run.

For each notebook, a small class of correct submissions (the solution code in the students'
notebook, as a student who finished would submit it) is

1. executed plainly, one notebook after another, top to bottom with nbclient: what running the
   notebook costs the student, and the peer;
2. graded by the ``autograder grade`` command in a fresh process, as an instructor runs it: intake,
   nbgrader's autograde (a kernel per notebook; demo cells skipped), the judge, the gradebook,
   feedback HTML and the grade tables.

Reported per notebook: seconds per submission for each, and their ratio (target: at most 2); and
the plain execution times added up, the time to run the whole course (target: at most 180 s, with
no notebook over 30 s).
Usage: ``python benchmarks/bench_grading.py [ASSIGNMENT ...] [--class-size N]``.
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder import examples, grading
from autograder.course import assignments, find_root

TARGET = 2.0
COURSE_SECONDS, NOTEBOOK_SECONDS = 180, 30


def execute_plainly(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()


def build_class(root, assignment, size, folder):
    for i in range(size):
        spec = examples.Spec(f"student{i}", "", "solutions", set())
        examples.build_submission(root, assignment, spec, folder)
    return sorted(folder.glob(f"*/{assignment}/*.ipynb"))


def measure(root, assignment, size, scratch):
    """(plain seconds per submission, grading seconds per submission) for one notebook."""
    submissions = scratch / assignment / "submissions"
    notebooks = build_class(root, assignment, size, submissions)
    start = time.perf_counter()
    for path in notebooks:
        execute_plainly(path)
    plain = (time.perf_counter() - start) / size
    command = [str(Path(sys.executable).parent / "autograder"), "grade", str(submissions),
               "--out", str(scratch / assignment / "work"), "--seed", "0", "--quiet"]
    start = time.perf_counter()
    subprocess.run(command, cwd=root, check=True, stdout=subprocess.DEVNULL)
    graded = (time.perf_counter() - start) / size
    return plain, graded


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    parser.add_argument("--class-size", type=int, default=6, help="correct submissions per notebook")
    args = parser.parse_args(argv)
    root = find_root(Path(__file__).parent)
    chosen = args.assignments or assignments(root)
    grading.single_threaded_kernels()  # as grading does; plain execution gets the same kernels
    print(f"{args.class_size} correct submissions per notebook; seconds per submission")
    print(f"{'notebook':<28}{'plain':>8}{'graded':>8}{'ratio':>8}")
    ratios, plains = [], []
    with tempfile.TemporaryDirectory(prefix="descent-bench-") as scratch:
        for assignment in chosen:
            plain, graded = measure(root, assignment, args.class_size, Path(scratch))
            ratios.append(graded / plain)
            plains.append(plain)
            print(f"{assignment:<28}{plain:8.2f}{graded:8.2f}{graded / plain:7.2f}x", flush=True)
    print(f"worst grading/plain ratio {max(ratios):.2f}x (target: at most {TARGET:g}x)")
    print(f"running the {len(chosen)} notebooks: {sum(plains):.1f} s, the slowest {max(plains):.1f} s "
          f"(targets: at most {COURSE_SECONDS} s, and {NOTEBOOK_SECONDS} s per notebook)")
    met = max(ratios) <= TARGET and sum(plains) <= COURSE_SECONDS and max(plains) <= NOTEBOOK_SECONDS
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
