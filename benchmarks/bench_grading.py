"""Grading cost per notebook against plain execution, all measured in this run.

For each notebook, a small class of correct submissions (the solution code in the students'
notebook, as a student who finished would submit it) is

1. executed plainly, one notebook after another, top to bottom with nbclient: what running the
   notebooks costs, and the peer;
2. graded by the ``autograder grade`` command in a fresh process, as an instructor runs it (intake,
   nbgrader's sanitizing, a sandboxed kernel per notebook with demo cells skipped, the judge, the
   gradebook, feedback HTML and the grade tables): with ``--jobs 1``, with ``--jobs <cores>``,
   with ``--jobs 1 --sandbox off`` (what the sandbox costs), and, with ``--dask``, on a Dask
   cluster of one single-threaded worker per core started on this machine.

Reported per notebook, in seconds per submission (throughput is 60 over that, in submissions a
minute): each way, the one-job ratio to plain execution (target: at most 1.5), whether ``--jobs
<cores>`` beats plain execution, and the sandbox's cost per notebook; then the course's totals.
Usage: ``python benchmarks/bench_grading.py [ASSIGNMENT ...] [--class-size N] [--dask]``.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder import examples, grading
from autograder.course import assignments, find_root

TARGET = 1.5
COURSE_SECONDS, NOTEBOOK_SECONDS = 180, 30
CORES = os.cpu_count() or 1


def execute_plainly(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()


def build_class(root, assignment, size, folder):
    for i in range(size):
        spec = examples.Spec(f"student{i}", "", "solutions", set())
        examples.build_submission(root, assignment, spec, folder)
    return sorted(folder.glob(f"*/{assignment}/*.ipynb"))


def measure(root, assignment, size, scratch, dask):
    """{way: seconds per submission} for one notebook."""
    submissions = scratch / assignment / "submissions"
    notebooks = build_class(root, assignment, size, submissions)
    start = time.perf_counter()
    for path in notebooks:
        execute_plainly(path)
    seconds = {"plain": (time.perf_counter() - start) / size}
    ways = {"jobs 1": ["--jobs", "1"], f"jobs {CORES}": ["--jobs", str(CORES)],
            "no sandbox": ["--jobs", "1", "--sandbox", "off"]}
    if dask:
        ways["dask"] = ["--scheduler", dask]
    for way, options in ways.items():
        seconds[way] = grade(root, submissions, scratch / assignment / way.replace(" ", ""),
                             options) / size
    return seconds


def grade(root, submissions, work, options):
    command = [str(Path(sys.executable).parent / "autograder"), "grade", str(submissions),
               "--out", str(work), "--seed", "0", "--quiet", *options]
    start = time.perf_counter()
    subprocess.run(command, cwd=root, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    parser.add_argument("--class-size", type=int, default=6, help="correct submissions per notebook")
    parser.add_argument("--dask", action="store_true",
                        help=f"also grade on a local Dask cluster of {CORES} workers")
    args = parser.parse_args(argv)
    root = find_root(Path(__file__).parent)
    chosen = args.assignments or assignments(root)
    grading.single_threaded_kernels()  # as grading does; plain execution gets the same kernels
    with tempfile.TemporaryDirectory(prefix="descent-bench-") as scratch:
        if args.dask:
            from autograder.cluster import local_cluster
            with local_cluster(CORES, scratch) as (address, _):
                rows = run(root, chosen, args.class_size, Path(scratch), address)
        else:
            rows = run(root, chosen, args.class_size, Path(scratch), None)
    return summarize(rows)


def run(root, chosen, size, scratch, dask):
    print(f"{size} correct submissions per notebook, seconds per submission; {CORES} cores")
    rows = {}
    for assignment in chosen:
        rows[assignment] = seconds = measure(root, assignment, size, scratch, dask)
        if len(rows) == 1:
            print(f"{'notebook':<26}" + "".join(f"{way:>12}" for way in seconds)
                  + f"{'1-job ratio':>12}{'sandbox':>9}")
        print(f"{assignment:<26}" + "".join(f"{v:12.2f}" for v in seconds.values())
              + f"{seconds['jobs 1'] / seconds['plain']:11.2f}x"
              + f"{seconds['jobs 1'] - seconds['no sandbox']:8.2f}s", flush=True)
    return rows


def summarize(rows):
    """Print the course's totals and throughputs; 0 if every target is met."""
    total = {way: sum(r[way] for r in rows.values()) for way in next(iter(rows.values()))}
    ratios = [r["jobs 1"] / r["plain"] for r in rows.values()]
    plains = [r["plain"] for r in rows.values()]
    parallel = f"jobs {CORES}"
    print("one submission of every notebook, seconds (submissions a minute): "
          + ", ".join(f"{way} {t:.1f} ({60 * len(rows) / t:.1f})" for way, t in total.items()))
    print(f"worst one-job grading/plain ratio {max(ratios):.2f}x (target: at most {TARGET:g}x); "
          f"--{parallel} against plain: {total[parallel] / total['plain']:.2f}x "
          "(target: under 1)")
    print(f"the sandbox costs {total['jobs 1'] - total['no sandbox']:.2f} s for the "
          f"{len(rows)} notebooks ({(total['jobs 1'] - total['no sandbox']) / len(rows):.2f} s each)")
    print(f"running the {len(rows)} notebooks: {sum(plains):.1f} s, the slowest {max(plains):.1f} s "
          f"(targets: at most {COURSE_SECONDS} s, and {NOTEBOOK_SECONDS} s per notebook)")
    met = (max(ratios) <= TARGET and total[parallel] < total["plain"]
           and sum(plains) <= COURSE_SECONDS and max(plains) <= NOTEBOOK_SECONDS)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
