"""Grade a class's submissions with nbgrader: autograde, feedback, grade tables.

This process is the coordinator: it alone writes the gradebook, and does as little else as it can,
since however many workers there are, a class is graded no faster than it does its part. Per
submission it

1. copies the submission in and records it in the gradebook (``prepare``);
2. hands it to a worker (:mod:`autograder.worker`): here (``jobs=1``), in a pool of processes, or
   on a Dask cluster. The worker sanitizes it as nbgrader's autograde does, against the
   assignment's released cells shipped with the task (:mod:`autograder.sanitizing`), executes it
   in a sandboxed kernel, judges it, reads its scores and renders the feedback page it expects;
3. saves the scores, late penalties and hand grades in one transaction, and writes the judged
   notebooks and the feedback, the worker's page if the gradebook shows the grades it expected,
   else one made here (``finish``, :mod:`autograder.scoring`).

What depends only on the assignment (its released cells, the feedback page's compiled templates)
is read once. A submission that crashes, loops or cannot be read is reported and the rest of the
batch goes on; scores, feedback and tables do not depend on how many workers there are or in which
order they finish, and are byte for byte what nbgrader's own autograde and generate_feedback, called
per submission, wrote (tests/test_coordinator.py).
"""
import contextlib
import json
import os
import secrets
import shutil
import sys
import tempfile
import warnings
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbgrader import utils as nbgrader_utils
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning
from tqdm import tqdm

from . import handgrading, intake, lmsnames, sanitizing, scoring, translation, workfolder
from .atomic import atomic_csv, atomic_write
from .course import (DEFAULT_TIMEOUT, CourseError, assignments, gradebook_url, nbgrader_api,
                     nbgrader_settings, notebook_names, require_assignment, with_late_policy)
from .feedback import feedback_page, translate_pages
from .gradebook import database_errors, held, late_adjusted, prepare_gradebook
from .i18n import display_width, notebook_language, pad
from .release import generate_korean, last_error_line
from .report import diagnosis, write_class_report
from .sandbox import Sandbox, SandboxError
from .worker import Task, run_task


@dataclass
class CellResult:
    notebook: str
    cell: str
    points: float
    max_points: float
    passed: bool | None  # None: a manually graded answer
    message: str  # in the language of the student's notebook
    diagnosis: str | None = None  # a failed test's, in English: see report.diagnosis


@dataclass
class Outcome:
    student: str
    assignment: str
    status: str  # graded | rejected | failed
    score: float = 0.0
    max_score: float = 0.0
    message: str = ""
    warnings: list = field(default_factory=list)
    faults: list = field(default_factory=list)  # cells that hung or killed their kernel, and why
    cells: list = field(default_factory=list)


@dataclass
class Report:
    seed: int
    work: Path
    outcomes: list
    table: list  # rows of the student x assignment table, header first
    notices: list = field(default_factory=list)  # about the grading itself (e.g. no sandbox)

    @property
    def problems(self):
        return [o for o in self.outcomes if o.status != "graded" or o.warnings]


def grade(root, submissions, *, assignment=None, out=None, seed=None, timeout=DEFAULT_TIMEOUT,
          progress=True, jobs=1, scheduler=None, sandbox=Sandbox(), db=None, feedback=True):
    """Autograde every submission under ``submissions``; write feedback, grades.csv, grades.json.

    ``jobs`` submissions are graded at once in a pool of processes, or as many as a Dask cluster
    has threads if ``scheduler`` (its address) is given. ``db`` is the gradebook's database URL.
    ``feedback=False`` leaves the feedback HTML unwritten (about a sixth of grading's work).
    """
    if assignment is not None:
        require_assignment(root, assignment)
    work = Path(out or Path(root) / "grading")
    if work.resolve().is_relative_to(Path(submissions).resolve()):
        raise CourseError(f"the work folder {work} is inside the submissions folder {submissions}: "
                          "grading again would take its files for submissions; give --out a "
                          "folder outside it")
    found, problems = intake.collect(root, submissions, assignment)
    single_threaded_kernels()
    seed = recorded_seed(work) if seed is None else seed
    url = gradebook_url(root, work, db)
    with (workfolder.stop_on_signals(), runner(jobs, scheduler, sandbox) as running,
          workfolder.locked(work), workfolder.folder_errors(work), held(url)):
        workfolder.tidy(work)
        executor, capacity, notices = running
        api = nbgrader_api(nbgrader_settings(root, work, db_url=url))
        with workfolder.deferred_signals():
            prepare_gradebook(url, sorted({s.student for s in found}))
            for assignment_id in sorted({s.assignment for s in found}):
                result = api.generate_assignment(assignment_id)
                if not result["success"]:
                    raise CourseError(f"could not prepare {assignment_id}: {last_error_line(result)}")
        references = {a: _sources(root, a) for a in {s.assignment for s in found}}
        outcomes = [Outcome(p.student, p.assignment, "rejected", message=p.message) for p in problems]
        with (database_errors(url), tqdm(total=len(found), desc="grading", unit="submission",
                                         disable=not progress, file=sys.stderr) as bar,
              Gradebook(url) as gradebook):
            shipped = {a: _shipped(api, gradebook, root, a, _editions(found, a)) for a in references}
            gradebook.db.commit()  # no transaction stays open between submissions
            batch = Batch(api, work, url, references, seed, timeout, sandbox, gradebook, shipped,
                          scoring.late_penalties(with_late_policy(root, api.config)), feedback)
            outcomes += batch.run(found, executor, capacity, bar)
        report = Report(seed, work, sorted(outcomes, key=lambda o: (o.student, o.assignment)),
                        grade_table(url, outcomes, assignments(root)), notices)
        write_reports(report)
        write_class_report(work)
    return report


def single_threaded_kernels():
    """One BLAS thread per kernel: the tests' arrays are small, and several threads on a busy
    machine make small matrix products many times slower. Kernels inherit this environment."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")


def _sources(root, assignment):
    folder = Path(root) / "solutions" / assignment
    return {name: (folder / f"{name}.ipynb").read_text() for name in notebook_names(root, assignment)}


def _shipped(api, gradebook, root, assignment, editions):
    """An assignment's released cells, for sanitizing on the workers, with those of its Korean
    edition if one of ``editions`` is Korean; None if nbgrader's autograde must do it, as it copies
    the files beside the source notebooks into autograded/."""
    folder = Path(root) / "solutions" / assignment
    if nbgrader_utils.find_all_files(str(folder), api.coursedir.ignore + ["*.ipynb"]):
        return None
    shipped = sanitizing.source_cells(gradebook, assignment)
    if translation.LANGUAGE in editions:
        for name, cells in _korean_cells(root, assignment).items():
            shipped[name]["editions"] = {translation.LANGUAGE: {**shipped[name]["cells"], **cells}}
    return shipped


def _editions(submissions, assignment):
    """The languages the submissions of an assignment say they are in."""
    return {notebook_language(notebook) for submission in submissions
            if submission.assignment == assignment for notebook in submission.notebooks.values()}


def _korean_cells(root, assignment):
    """{notebook: its released cells} of the assignment's Korean edition, made now from solutions/
    and its translation as ``autograder release`` makes it ({} if it has no translation)."""
    with tempfile.TemporaryDirectory(prefix="descent-korean-") as folder:
        released = Path(folder) / "ko"
        generate_korean(root, released, [assignment])
        return {path.stem: sanitizing.released_cells(nbformat.read(path, as_version=4))
                for path in (released / assignment).glob("*.ipynb")}


@dataclass
class Batch:
    """The coordinator's side of grading: everything but executing and judging."""

    api: object
    work: Path
    url: str
    references: dict
    seed: int
    timeout: int
    sandbox: Sandbox
    gradebook: Gradebook  # open for the whole batch: one session, committed per submission
    shipped: dict  # assignment -> its released cells for sanitizing (None: nbgrader sanitizes)
    late: object  # nbgrader's AssignLatePenalties, with its plugin
    feedback: bool = True

    def run(self, submissions, executor, capacity, bar):
        """Grade ``submissions``, keeping up to ``capacity`` tasks with the executor; the outcomes.

        A killed worker process takes the pool's other tasks with it (BrokenProcessPool): each is
        run again once, alone, so that one that kills its worker again takes no other with it.
        """
        outcomes, pending, queue = [], {}, iter(submissions)
        again, alone = [], False  # tasks of a killed worker; whether one of them runs now
        while True:
            workfolder.raise_if_stopped()
            if again and not pending:
                submission, task = again.pop(0)
                pending[executor.submit(run_task, task)], alone = (submission, task), True
            while (not again and not alone and len(pending) < capacity
                   and (submission := next(queue, None)) is not None):
                with workfolder.deferred_signals():
                    prepared = self.prepare(submission)
                if isinstance(prepared, Outcome):
                    outcomes.append(prepared)
                    bar.update()
                else:
                    pending[executor.submit(run_task, prepared)] = submission, prepared
            if not pending:
                return outcomes
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                submission, task = pending.pop(future)
                if _worker_killed(future) and not alone:
                    again.append((submission, task))
                    continue
                alone = False
                with workfolder.deferred_signals():  # a submission is saved whole, or not at all
                    outcomes.append(self.finish(submission, future))
                bar.update()

    def prepare(self, submission):
        """Copy the submission in and record it: its Task, or an Outcome.

        The worker sanitizes it (see :mod:`autograder.sanitizing`), unless files come with it or
        with the source notebooks: nbgrader's own autograde then sanitizes it here, as it also
        copies those files where feedback finds them.
        """
        student, assignment = submission.student, submission.assignment
        folder = self.work / "submitted" / student / assignment
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        texts = {}
        for name, notebook in submission.notebooks.items():
            texts[name] = nbformat.writes(notebook) + "\n"  # as nbformat.write writes it
            (folder / f"{name}.ipynb").write_text(texts[name], encoding="utf-8")
        for name, text in submission.exchange_files.items():  # late penalties, release by exchange
            (folder / name).write_text(text)
        if submission.lms_name:  # for feedback --export
            (folder / lmsnames.LMS_NAME_FILE).write_text(submission.lms_name, encoding="utf-8")
        shipped = self.shipped[assignment]
        if submission.exchange_files or shipped is None:
            return self._sanitized_by_nbgrader(submission)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)
            self.gradebook.update_or_create_submission(assignment, student)
        shutil.rmtree(self.work / "autograded" / student / assignment, ignore_errors=True)
        return Task(student, assignment, texts, self.references[assignment], self.seed,
                    self.timeout, self.sandbox, self.feedback, shipped)

    def _sanitized_by_nbgrader(self, submission):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)  # nbgrader's own session handling
            result = self.api.autograde(submission.assignment, submission.student)
        if not result["success"]:
            return Outcome(submission.student, submission.assignment, "failed",
                           message=f"nbgrader failed: {last_error_line(result)}")
        folder = self.work / "autograded" / submission.student / submission.assignment
        sanitized = {name: (folder / f"{name}.ipynb").read_text() for name in submission.notebooks}
        return Task(submission.student, submission.assignment, sanitized,
                    self.references[submission.assignment], self.seed, self.timeout, self.sandbox,
                    self.feedback)

    def finish(self, submission, future):
        """Save the judged notebooks' scores and write the feedback: the submission's Outcome."""
        outcome = Outcome(submission.student, submission.assignment, "graded",
                          warnings=list(submission.warnings))
        try:
            result = future.result()
        except sanitizing.SanitizeError as error:  # as nbgrader's autograde reports it
            outcome.status, outcome.message = "failed", f"nbgrader failed: {error}"
            return outcome
        except BrokenProcessPool:
            outcome.status, outcome.message = "failed", WORKER_KILLED
            return outcome
        except Exception as error:  # the worker could not grade it: nothing of it is saved
            outcome.status = "failed"
            outcome.message = f"grading failed: {type(error).__name__}: {error}"
            return outcome
        self._write_autograded(result)
        outcome.faults = result.faults
        student, assignment = submission.student, submission.assignment
        before = handgrading.recorded(self.work, student, assignment)
        pages, gradebook = {}, self.gradebook
        record = gradebook.find_submission(assignment, student)
        outcome.warnings += scoring.save(gradebook, record, result.summaries, self.late, before)
        for notebook in record.notebooks:
            if notebook.name in result.summaries:
                shown, rows = scoring.shown_grades(gradebook, notebook)
                outcome.cells += [_cell_result(notebook.name, cell, rows[cell[0]])
                                  for cell in result.summaries[notebook.name]["cells"]]
                pages[notebook.name] = self._page(result, notebook.name, shown)
        gradebook.db.commit()  # ends the reading transaction
        handgrading.record(self.work, student, assignment, before,
                           {n: s["texts"] for n, s in result.summaries.items()})
        outcome.score = sum(c.points for c in outcome.cells)
        outcome.max_score = sum(c.max_points for c in outcome.cells)
        if self.feedback:
            self._write_feedback(outcome, pages)
        return outcome

    def _write_autograded(self, result):
        """The judged notebooks, as nbformat.write writes them, read-only as nbgrader leaves them."""
        folder = self.work / "autograded" / result.student / result.assignment
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in result.notebooks.items():
            path = folder / f"{name}.ipynb"  # whole or not at all: 'autograder feedback' reads it
            atomic_write(path, text if text.endswith("\n") else text + "\n")
            path.chmod(0o444)

    def _page(self, result, name, shown):
        """The worker's feedback page if it shows the grades saved, else one made here: an
        exception's one line if the page cannot be made."""
        if not self.feedback:
            return None
        expected, page = result.pages.get(name, (None, None))
        if page is not None and scoring.same_grades(expected, shown):
            return page
        try:
            nb = nbformat.reads(result.notebooks[name], as_version=4)
            return feedback_page(nb, shown, result.student, result.assignment, name)
        except Exception as error:
            return FeedbackFailed(f"{type(error).__name__}: {error}")

    def _write_feedback(self, outcome, pages):
        """The pages into a staging folder, swapped in whole; nbgrader's own generate_feedback
        where the autograded folder holds more than notebooks (it copies those files too)."""
        student, assignment = outcome.student, outcome.assignment
        autograded = self.work / "autograded" / student / assignment
        if any(path.suffix != ".ipynb" for path in autograded.iterdir()):
            write_feedback(self.api, self.work, outcome)
            return
        failed = [page for page in pages.values() if isinstance(page, FeedbackFailed)]
        if failed:
            outcome.warnings.append(f"{NO_FEEDBACK} {failed[0]}")
            return
        staging = self.work / f"{workfolder.STAGING}{student}-{assignment}"
        shutil.rmtree(staging, ignore_errors=True)
        made = staging / student / assignment
        try:  # a full disk leaves neither a half-made page nor the staging folder
            made.mkdir(parents=True)
            for name, page in pages.items():
                (made / f"{name}.html").write_text(page, encoding="utf-8")
                (made / f"{name}.html").chmod(0o644)  # as nbgrader's generate_feedback leaves it
            workfolder.swap_folder(made, self.work / "feedback" / student / assignment)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


NO_FEEDBACK = "no feedback written:"
WORKER_KILLED = ("grading failed: the process grading it was killed, twice (by its code, out of "
                 "memory, or from outside): nothing of it is saved; grade again to retry")


def _worker_killed(future):
    return not future.cancelled() and isinstance(future.exception(), BrokenProcessPool)


class FeedbackFailed(str):
    """Why a feedback page could not be made."""


def settle(api, url, work, outcome, feedback=True):
    """Write a graded submission's feedback from the gradebook; read its cells and totals back."""
    if feedback:
        write_feedback(api, work, outcome)
    outcome.cells = cell_results(url, work, outcome.student, outcome.assignment)
    outcome.score = sum(c.points for c in outcome.cells)
    outcome.max_score = sum(c.max_points for c in outcome.cells)
    return outcome


def write_feedback(api, work, outcome):
    """Generate a submission's feedback into a staging folder, then swap it in whole."""
    student, assignment = outcome.student, outcome.assignment
    coursedir, staging = api.coursedir, f"{workfolder.STAGING}{student}-{assignment}"
    shutil.rmtree(work / staging, ignore_errors=True)
    coursedir.feedback_directory, kept = staging, coursedir.feedback_directory
    try:
        written = api.generate_feedback(assignment, student)
    finally:
        coursedir.feedback_directory = kept
    made = work / staging / student / assignment
    if written["success"] and made.is_dir():
        translate_pages(made, work / "autograded" / student / assignment)
        workfolder.swap_folder(made, work / "feedback" / student / assignment)
    else:
        outcome.warnings.append(f"{NO_FEEDBACK} {last_error_line(written)}")
    shutil.rmtree(work / staging, ignore_errors=True)


class InProcess(Executor):
    """Runs each task at once, in this process: ``--jobs 1``."""

    def submit(self, fn, /, *args, **kwargs):
        future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


@contextlib.contextmanager
def runner(jobs, scheduler, sandbox):
    """(executor, tasks to keep in flight, notices) for ``--jobs`` or ``--scheduler``."""
    if scheduler:
        from .cluster import dask_runner
        with dask_runner(scheduler, sandbox) as running:
            yield running
        return
    try:
        isolated, warning = sandbox.isolated()
    except SandboxError as error:
        raise CourseError(str(error)) from None
    notices = [warning] if warning else []
    if jobs <= 1:
        yield InProcess(), 1, notices
        return
    with workfolder.WorkerPool(jobs) as pool:
        yield pool, 2 * jobs, notices


def cell_results(url, work, student, assignment):
    """Per graded cell, in notebook order: the gradebook's points and the judge's message."""
    results = []
    with Gradebook(url) as gradebook:
        for notebook in gradebook.find_submission(assignment, student).notebooks:
            grades = {grade.name: grade for grade in notebook.grades}
            path = work / "autograded" / student / assignment / f"{notebook.name}.ipynb"
            cells = scoring.summarize(nbformat.read(path, as_version=4))["cells"]
            results += [_cell_result(notebook.name, cell, grades[cell[0]])
                        for cell in cells if cell[0] in grades]
    return results


NEEDS_MANUAL_GRADING = "needs manual grading"


def _cell_result(notebook, cell, grade):
    """A graded cell's CellResult; ``cell`` is [grade_id, written answer?, message, the message
    in English or None] (see scoring.summarize), ``grade`` its Grade in the gradebook, or a row
    of the same columns."""
    name, written, message, english = cell
    points = grade.score or 0.0
    if written:
        return CellResult(notebook, name, points, grade.max_score, None, _hand_status(grade))
    passed = points == grade.max_score
    return CellResult(notebook, name, points, grade.max_score, passed, message,
                      None if passed else diagnosis(english or message))


def _hand_status(grade):
    """What became of a written answer: waiting, graded by hand, or empty (0 points, no grader)."""
    if grade.needs_manual_grade:
        return NEEDS_MANUAL_GRADING
    if grade.manual_score is not None:
        return "graded by hand"
    return "empty answer: 0 points"


def grade_table(url, outcomes, known):
    """Student x assignment totals from the whole gradebook: a number, or why there is none.

    Per assignment three columns: its points (the header gives its maximum), its late penalty and
    the final score, the points minus the penalty (never below 0), which ``feedback --export``
    gives the LMS. No submission is 'missing', not 0; 'rejected' and 'failed' are this run's
    submissions that could not be graded (the penalty then is empty).
    """
    rejected = {(o.student, o.assignment): o.status for o in outcomes if o.status != "graded"}
    with Gradebook(url) as gradebook:
        columns = sorted({a.name for a in gradebook.assignments}
                         | {a for _, a in rejected if a in known})
        maxima = {a.name: a.max_score for a in gradebook.assignments}
        students = sorted({s.id for s in gradebook.students} | {s for s, _ in rejected})
        rows = [["student", *(heading for a in columns for heading in (
            f"{a} (of {maxima.get(a, 0):g})", a + LATE_PENALTY, a + FINAL))]]
        for student in students:
            rows.append([student, *(value for a in columns
                                    for value in _totals(gradebook, student, a, rejected))])
    return rows


LATE_PENALTY, FINAL = " late penalty", " final"  # the headings' ends of those two columns


def without_unused_penalties(rows):
    """The grade table without the late penalty and final columns of each assignment where no one
    has a penalty (there the final scores are the points), for the terminal; grades.csv keeps
    them, so that its columns do not depend on the class."""
    unused = {i for i, heading in enumerate(rows[0]) if heading.endswith(LATE_PENALTY)
              and all(row[i] in ("", "0") for row in rows[1:])}
    dropped = unused | {i + 1 for i in unused}  # each penalty's final column follows it
    return [[value for i, value in enumerate(row) if i not in dropped] for row in rows]


def _totals(gradebook, student, assignment, rejected):
    """(points, late penalty, final score) as the table shows them, or why there are none."""
    if (student, assignment) in rejected:
        return rejected[(student, assignment)], "", rejected[(student, assignment)]
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return "missing", "", "missing"
    return [f"{value:g}" for value in late_adjusted(submission)]


def pending_manual_points(outcome):
    return sum(c.max_points for c in outcome.cells if c.message == NEEDS_MANUAL_GRADING)


def new_seed():
    return secrets.randbelow(2**31)


def recorded_seed(work):
    """The seed of the last grading in ``work`` (from its grades.json), or a new one: a regrade
    gives the hidden tests the same inputs as before."""
    try:
        seed = json.loads((Path(work) / "grades.json").read_text())["seed"]
    except (OSError, ValueError, TypeError, KeyError):
        return new_seed()
    return seed if type(seed) is int and 0 <= seed < 2**32 else new_seed()


def write_reports(report):
    """grades.csv and grades.json, each replaced whole (see atomic.atomic_write)."""
    atomic_csv(report.work / "grades.csv", report.table)
    data = {"seed": report.seed, "notices": report.notices,
            "submissions": [asdict(o) for o in report.outcomes]}
    atomic_write(report.work / "grades.json", json.dumps(data, indent=2) + "\n")


def format_table(rows):
    """The rows as columns lined up in a terminal, whatever their language, a rule under the header."""
    widths = [max(display_width(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(pad(str(v), w) for v, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
