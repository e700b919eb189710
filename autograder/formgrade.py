"""nbgrader's own autograde, as the formgrader's "Autograde" button and ``nbgrader autograde`` run
it, graded the way ``autograder grade`` grades.

Out of the box nbgrader executes a submission in an unconfined kernel and scores whatever the
kernel printed, which a submission can forge. The course's ``nbgrader_config.py`` puts
:class:`ExecuteAndJudge` in nbgrader's autograde pipeline instead: the sanitized notebook is run and
judged by :func:`autograder.worker.run_task`, in the sandbox, with the reference from
``solutions/``, so the button gives the same scores and verdicts as the command line.
"""
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Enum, Integer, Unicode

from .course import DEFAULT_TIMEOUT, DEMO_TAG, nbgrader_settings
from .grading import recorded_seed
from .handgrading import keep_hand_grades
from .sandbox import MODES, Sandbox
from .worker import Task, run_task


class ExecuteAndJudge(NbGraderPreprocessor):
    """Execute a sanitized submission in the sandbox and judge it against ``solutions/``."""

    solutions = Unicode(help="The course's solutions/ folder (the reference)").tag(config=True)
    seed = Integer(0, help="Seed of the hidden tests' inputs").tag(config=True)
    timeout = Integer(DEFAULT_TIMEOUT, help="Seconds per cell").tag(config=True)
    sandbox = Enum(MODES, "auto", help="As the command line's --sandbox: auto (bubblewrap if it "
                   "works here, else a warning in the log), required, off").tag(config=True)

    def preprocess(self, nb, resources):
        grading = resources["nbgrader"]
        assignment, name = grading["assignment"], grading["notebook"]
        reference = (Path(self.solutions) / assignment / f"{name}.ipynb").read_text()
        task = Task(grading["student"], assignment, {name: nbformat.writes(nb)}, {name: reference},
                    self.seed, self.timeout, Sandbox(self.sandbox))
        result = run_task(task)
        if result.warning:  # as the command line warns: the kernel ran without the sandbox
            self.log.warning("%s: %s", grading["student"], result.warning)
        return nbformat.reads(result.notebooks[name], as_version=4), resources



class KeepHandGrades(NbGraderPreprocessor):
    """After nbgrader saved the autograded scores: hand grades of unchanged answers stay graded,
    as after ``autograder grade`` (see :mod:`autograder.handgrading`)."""

    work = Unicode(help="The grading work folder").tag(config=True)

    def preprocess(self, nb, resources):
        grading = resources["nbgrader"]
        for warning in keep_hand_grades(grading["db_url"], self.work, grading["student"],
                                        grading["assignment"], {grading["notebook"]: nb}):
            self.log.warning("%s: %s", grading["student"], warning)
        return nb, resources


def configure(c, root, work):
    """Set up nbgrader's own tools on the course at ``root`` with grading state in ``work``: the
    same settings as the ``autograder`` command; nbgrader's autograde pipeline grading through
    :class:`ExecuteAndJudge` with the seed of the last ``autograder grade`` and keeping hand
    grades; Validate skipping demo cells, as grading does; and an exchange folder, so that the
    formgrader can release feedback."""
    from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, SaveAutoGrades

    root, work = Path(root), Path(work)
    (work / "exchange").mkdir(parents=True, exist_ok=True)
    c.merge(nbgrader_settings(root, work))
    c.Autograde.autograde_preprocessors = [ExecuteAndJudge, SaveAutoGrades, AssignLatePenalties,
                                           CheckCellMetadata, KeepHandGrades]
    c.ExecuteAndJudge.solutions = str(root / "solutions")
    c.ExecuteAndJudge.seed = recorded_seed(work)
    c.KeepHandGrades.work = str(work)
    c.Execute.skip_cells_with_tag = DEMO_TAG
