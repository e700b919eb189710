"""Grading overhead: time nbgrader and the judge spend per notebook against plain execution.

Both are measured in this run on the bundled example class of notebook 01: first each submission
is executed alone with nbclient (the peer), then the class is graded by ``autograder grade``
(execution in a kernel, the judge, the gradebook, feedback). Target: grading costs at most twice
the plain execution.
"""
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder import examples, grading
from autograder.course import find_root

ASSIGNMENT = "01_loss_functions"
TIMEOUT = 5


def execute_plainly(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3", allow_errors=True,
                   interrupt_on_timeout=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()


def main():
    root = find_root(Path(__file__).parent)
    with tempfile.TemporaryDirectory(prefix="descent-bench-") as scratch:
        submissions = Path(scratch) / "submissions"
        specs = examples.build_examples(root, ASSIGNMENT, submissions)
        notebooks = sorted(submissions.glob(f"*/{ASSIGNMENT}/*.ipynb"))

        start = time.perf_counter()
        for path in notebooks:
            execute_plainly(path)
        plain = (time.perf_counter() - start) / len(notebooks)

        start = time.perf_counter()
        grading.grade(root, submissions, out=Path(scratch) / "work", seed=0, timeout=TIMEOUT,
                      progress=False)
        graded = (time.perf_counter() - start) / len(notebooks)

    print(f"example class of {ASSIGNMENT}: {len(specs)} submissions, {TIMEOUT} s per cell limit")
    print(f"plain execution (nbclient)   {plain:6.2f} s per notebook")
    print(f"grading (autograder grade)   {graded:6.2f} s per notebook")
    ratio = graded / plain
    print(f"grading overhead ratio       {ratio:6.2f}x   (target: at most 2x)")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
