"""Generate the students' ``notebooks/`` from ``solutions/`` with nbgrader, or check they match.

Releasing first fills the given cells of ``solutions/`` (see :mod:`autograder.given`); then
nbgrader replaces each solution region with a stub and removes hidden tests. Generated files are
committed; ``release --check`` is how a test (and CI) notices a notebook edited by hand, a solution
changed without releasing again, or a given cell out of step with the notebook it comes from.
"""
import filecmp
import re
import shutil
import tempfile
from pathlib import Path

from . import given
from .course import CourseError, assignments, nbgrader_api, nbgrader_settings, require_assignment


def generate(root, target, assignment_ids):
    """Write the student version of each assignment to ``target/<assignment>/``."""
    with tempfile.TemporaryDirectory(prefix="descent-release-") as work:
        api = nbgrader_api(nbgrader_settings(root, work, release=target))
        for assignment in assignment_ids:
            result = api.generate_assignment(assignment)
            if not result["success"]:
                raise CourseError(f"could not generate {assignment}: {last_error_line(result)}")


def last_error_line(result):
    """The most telling line of a failed nbgrader call: its innermost exception, not the summary."""
    text = "\n".join(result.get(key) or "" for key in ("log", "error"))
    causes = [line.strip() for line in text.splitlines()
              if re.match(r"\s*[\w.]*(Error|Exception|Interrupt)\b", line)
              and "NbGraderException" not in line]
    return causes[0] if causes else "nbgrader gave no reason (run again to see its log)"


def selected(root, assignment_ids):
    for assignment in assignment_ids:
        require_assignment(root, assignment)
    return list(assignment_ids) or assignments(root)


def release(root, assignment_ids=()):
    """Regenerate ``notebooks/<assignment>/`` for the given (default: all) assignments."""
    chosen = selected(root, assignment_ids)
    given.sync(root, chosen, write=True)
    with tempfile.TemporaryDirectory(prefix="descent-release-") as staging:
        generate(root, staging, chosen)
        for assignment in chosen:
            destination = Path(root) / "notebooks" / assignment
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(Path(staging) / assignment, destination)
    return chosen


def drifted(root, assignment_ids=()):
    """Files of ``notebooks/`` that differ from what ``solutions/`` generates (or are missing),
    and source notebooks whose given cells differ from the notebooks they come from."""
    chosen = selected(root, assignment_ids)
    stale_given = [str(path) for path in given.sync(root, chosen, write=False)]
    with tempfile.TemporaryDirectory(prefix="descent-release-") as staging:
        generate(root, staging, chosen)
        return stale_given + [path for assignment in chosen
                              for path in _differences(Path(staging) / assignment,
                                                       Path(root) / "notebooks" / assignment)]


def _differences(expected, actual):
    names = {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}
    if actual.is_dir():
        names |= {p.relative_to(actual) for p in actual.rglob("*")
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts}
    return sorted(str(actual / name) for name in names
                  if not ((expected / name).is_file() and (actual / name).is_file()
                          and filecmp.cmp(expected / name, actual / name, shallow=False)))
