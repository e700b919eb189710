"""One grading task, wherever it runs: a submission's notebooks executed in a sandbox, then judged.

A :class:`Task` is plain data (notebooks as JSON text, the reference notebooks, the seed and the
limits, and the released cells to sanitize against), so it runs the same in the grading process,
in a process pool or on a Dask worker on another machine. It never touches the gradebook: the
coordinator (:mod:`autograder.grading`) alone writes that, from the :class:`TaskResult`, which
also carries what the coordinator would otherwise compute itself: the scores read from the judged
notebooks (:func:`autograder.scoring.summarize`) and the feedback pages as they are expected to be.
"""
import functools
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.preprocessors import CheckCellMetadata, IgnorePattern, LimitOutput

from .cleanup import remove_tree
from .execute import FaultTolerantClient, TimeBudget
from .feedback import feedback_page
from .i18n import language, notebook_language
from .judge import judge_notebook, load_reference
from .sandbox import Sandbox, kernel_environment, prepare_run_folder, sandbox_uid
from .sanitizing import sanitize
from .scoring import expected_grades, summarize
from .testing import JUDGE_DIR_ENV, SEED_ENV


@dataclass(frozen=True)
class Task:
    student: str
    assignment: str
    notebooks: dict  # notebook name -> the sanitized submission, as JSON text
    references: dict  # notebook name -> its source notebook in solutions/, as JSON text
    seed: int
    timeout: int
    sandbox: Sandbox = Sandbox()
    feedback: bool = False  # render each notebook's feedback page as it is expected to be
    # notebook name -> its released cells (sanitizing.source_cells): the notebooks are as
    # submitted, and sanitized here; None: they were sanitized already
    shipped: dict | None = None


@dataclass
class TaskResult:
    student: str
    assignment: str
    notebooks: dict  # notebook name -> executed and judged notebook, as JSON text
    faults: list = field(default_factory=list)  # "<notebook> <cell>: cause"
    warning: str | None = None  # what the sandbox could not protect here
    seconds: float = 0.0
    summaries: dict = field(default_factory=dict)  # notebook name -> scoring.summarize
    pages: dict = field(default_factory=dict)  # notebook name -> (its grades, feedback page)


def run_task(task):
    """Execute and judge every notebook of ``task``; raises only if the sandbox cannot work."""
    started = time.perf_counter()
    isolated, warning = task.sandbox.isolated()
    result = TaskResult(task.student, task.assignment, {}, warning=warning)
    budget = TimeBudget(task.sandbox.submission_timeout)  # for all its notebooks together
    for name, text in task.notebooks.items():
        if task.shipped is not None:
            text = sanitize(text, task.shipped[name], task.student, task.assignment, name)
        nb = nbformat.reads(text, as_version=4)
        with language(notebook_language(nb)):  # the verdicts', in the language it was written in
            faults = execute_and_judge(nb, reference(task.references[name]), task, isolated, budget)
        CheckCellMetadata().preprocess(nb, {})  # as nbgrader's autograde does before saving
        result.notebooks[name] = nbformat.writes(nb)
        result.summaries[name] = summarize(nb)
        if task.feedback:
            result.pages[name] = expected_page(task, name, result)
        result.faults += [f"{name} {cell_label(nb.cells[f.cell], f.cell)}: {f.cause}"
                          for f in faults]
    result.seconds = time.perf_counter() - started
    return result


def expected_page(task, name, result):
    """(grades, page): the feedback page as it will be if the gradebook shows those grades; no
    page if it cannot be made here (the coordinator tries, and says why)."""
    grades = expected_grades(result.summaries[name])
    nb = nbformat.reads(result.notebooks[name], as_version=4)  # the notebook as saved
    try:
        return grades, feedback_page(nb, grades, task.student, task.assignment, name)
    except Exception:
        return grades, None


def execute_and_judge(nb, reference, task, isolated, budget):
    """Run ``nb`` in its own run folder and kernel, then judge it in this process; the faults."""
    run = Path(tempfile.mkdtemp(prefix="descent-run-"))
    try:
        uid = sandbox_uid() if isolated else None
        prepare_run_folder(run, uid)
        env = {**kernel_environment(run), JUDGE_DIR_ENV: str(run / "judge"), SEED_ENV: str(task.seed)}
        client = FaultTolerantClient(nb, run=run, sandbox=task.sandbox, isolated=isolated,
                                     uid=uid, env=env, timeout=task.timeout, budget=budget)
        faults = client.execute_all()
        for step in (IgnorePattern(), LimitOutput()):  # as in nbgrader's autograde pipeline
            nb, _ = step.preprocess(nb, {})
        judge_notebook(nb, reference, run / "judge", task.seed)
    finally:
        remove_run_folder(run)
    return faults


def remove_run_folder(run):
    """Delete a run folder whatever the kernel left in it; say so, not fail, if that is impossible."""
    try:
        remove_tree(run)
    except OSError as error:
        warnings.warn(f"the run folder {run} could not be removed: {error}")


@functools.lru_cache(maxsize=32)
def reference(text):
    """The reference implementations of a source notebook, built once per process."""
    return load_reference(nbformat.reads(text, as_version=4))


def cell_label(cell, index):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
