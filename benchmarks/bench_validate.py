"""Seconds of nbgrader's Validate button per notebook, in a student's JupyterLab (``make lab``).

For each notebook, a finished student's copy (the solution code in the students' notebook) is
validated as the button's server handler does it: nbgrader's configuration loaded from the
notebook's folder and the Jupyter config path, with ``etc/student/`` on it as ``make lab`` puts it
(demo cells skipped, as in grading), then ``Validator.validate``. The server imports nbgrader once,
when it starts (about 5 s), so that is not counted. With ``--all-cells``, also without
``etc/student/``, when Validate runs every demo cell too. Target: under 5 s a notebook.
Usage: ``python benchmarks/bench_validate.py [ASSIGNMENT ...] [--all-cells]``.
"""
import argparse
import contextlib
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.modules.setdefault("rfc3987_syntax", None)  # as in autograder.cli: 3 s of imports, unused
from nbgrader.apps import NbGrader  # noqa: E402
from nbgrader.validator import Validator  # noqa: E402

from autograder import examples  # noqa: E402
from autograder.course import assignments, find_root  # noqa: E402

TARGET = 5.0


def validate_seconds(notebook, config_path):
    """Seconds of loading the configuration and validating ``notebook``, as the button does."""
    os.environ.pop("JUPYTER_CONFIG_PATH", None)
    if config_path:
        os.environ["JUPYTER_CONFIG_PATH"] = str(config_path)
    start = time.perf_counter()
    with contextlib.chdir(notebook.parent):
        app = NbGrader(log_level=logging.ERROR)
        app.load_config_file()
        result = Validator(config=app.config).validate(str(notebook))
    seconds = time.perf_counter() - start
    if result:
        print(f"  {notebook.name}: Validate did not pass: {sorted(result)}", file=sys.stderr)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    parser.add_argument("--all-cells", action="store_true",
                        help="also time Validate without skipping demo cells (slow)")
    args = parser.parse_args()
    root = find_root()
    ways = {"demo skipped": root / "etc" / "student"} | ({"all cells": None} if args.all_cells else {})
    print(f"{'notebook':<28}" + "".join(f"{way:>14}" for way in ways) + f"   target < {TARGET:g} s")
    with tempfile.TemporaryDirectory(prefix="descent-bench-validate-") as scratch:
        for assignment in args.assignments or assignments(root):
            spec = examples.Spec("finished", "", "solutions", set())
            folder = examples.build_submission(root, assignment, spec, Path(scratch))
            notebook = next(folder.glob("*.ipynb"))
            seconds = {way: validate_seconds(notebook, config) for way, config in ways.items()}
            verdict = "ok" if seconds["demo skipped"] < TARGET else "SLOW"
            print(f"{assignment:<28}" + "".join(f"{s:>13.1f}s" for s in seconds.values())
                  + f"   {verdict}", flush=True)


if __name__ == "__main__":
    main()
