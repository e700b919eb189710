"""The grader's verdict on every autograded cell, decided in the grader's process, never the kernel's.

A submission runs in its own kernel, where it can rewrite anything: numpy, this package, ``__eq__``,
how tracebacks are shown. So the kernel only runs each test and records the calls into the student's
code (:mod:`autograder.transcript`), on inputs drawn from a seed chosen at grading time. Afterwards
the grader executes each test cell's trusted source itself, answers the calls from the transcript,
compares with the reference built from ``solutions/``, and writes the verdict as the cell's only
output. nbgrader's ``SaveAutoGrades`` then scores the cell from that output as usual.

:func:`judge_notebook` runs after the kernel is gone (see :mod:`autograder.worker`).
"""
import contextlib
import dataclasses
import functools
import os
from dataclasses import dataclass, field

import nbformat
import numpy as np
from nbformat.v4 import new_output

from . import testing
from .given import given_spec, is_solution_code
from .i18n import DEFAULT, N_, _, current_language, language
from .transcript import Replay, SubmissionError, TranscriptError, open_folder
from .watchdog import TimeLimitExceeded, time_limit

# Replaying one test (the reference and the checks included) normally takes well under a second.
REPLAY_TIME_LIMIT = 60
# A judged test cell's metadata key for its verdict in English, when the student reads another
# language: the class report groups the same diagnosis under one English text, whatever the
# edition (see :func:`english_verdict`).
ENGLISH_VERDICT = "english_verdict"


@dataclass
class TestResult:
    name: str
    passed: bool
    message: str = ""
    warnings: list = field(default_factory=list)  # conventions not followed; they cost no point
    english: str | None = None  # the message in English, if it is given in another language


def judge_notebook(nb, reference, folder, seed):
    """Judge each autograded test cell of the executed ``nb``: the verdict becomes its only output.

    ``folder`` holds the transcripts the kernel wrote; it is opened once, refusing a symlink in its
    place, and each transcript is read relative to it (see :func:`autograder.transcript.read_untrusted`).
    """
    with judge_folder(folder) as folder_fd:
        for cell in nb.cells:
            if is_autograded_test(cell):
                results = judge_cell(cell, reference, folder_fd, seed)
                cell.outputs = [verdict_output(results)]
                _record_english(cell, results)
    return nb


def _record_english(cell, results):
    """Keep a failed cell's verdict in English in its metadata, if the student reads another
    language (the instructor's report reads it with :func:`english_verdict`)."""
    if current_language() == DEFAULT or all(r.passed for r in results):
        return
    with language(DEFAULT):
        lines = [line for r in results for line in result_lines(
            dataclasses.replace(r, message=r.english or r.message))]
    cell.metadata.setdefault("descent", {})[ENGLISH_VERDICT] = "\n".join(lines)


def english_verdict(cell):
    """A judged test cell's verdict in English, or None if its output is in English already."""
    descent = cell.get("metadata", {}).get("descent")
    verdict = descent.get(ENGLISH_VERDICT) if isinstance(descent, dict) else None
    return verdict if isinstance(verdict, str) else None


@contextlib.contextmanager
def judge_folder(path):
    """A descriptor of the judge folder, or None if the kernel removed or replaced it."""
    try:
        fd = open_folder(path)
    except OSError:
        yield None
        return
    try:
        yield fd
    finally:
        os.close(fd)


def is_autograded_test(cell):
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and grading.get("grade") and not grading.get("solution")


def load_reference(source):
    """Execute the solution and given cells of a source notebook (a path or a notebook), in order,
    with only ``np`` predefined. ``ref`` holds the graded functions and the given ones (a test may
    build its expected result with a given function, as the student's kernel can)."""
    notebook = source if isinstance(source, dict) else nbformat.read(source, as_version=4)
    namespace = {"__name__": "descent_reference", "np": np}
    graded = []
    for cell in notebook.cells:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if is_solution_code(cell) or given_spec(cell):
            exec(compile(cell.source, f"<solution {grading.get('grade_id')}>", "exec"), namespace)
        if is_solution_code(cell):
            graded.append(grading["grade_id"])
        elif given_spec(cell):
            graded.extend(given_spec(cell).get("functions", []))
    return testing.Implementations({name: namespace[name] for name in graded}, is_reference=True)


@dataclass(frozen=True)
class Graded:
    """Stands for a graded function or class in a test cell's source while the grader runs it."""

    name: str
    is_class: bool


class GraderSession:
    """``run_test`` in the grader: replay one test from its transcript and keep the outcome."""

    def __init__(self, folder_fd, seed, reference, cell, seconds=REPLAY_TIME_LIMIT):
        self.folder_fd, self.seed, self.reference = folder_fd, seed, reference
        self.cell, self.seconds = cell, seconds  # the test cell, for what its kernel said
        self.results = []
        self.warnings = []  # those of the test being replayed
        self.replay = None  # that of the test being replayed

    def run(self, test, graded):
        result = self._outcome(test, graded)
        if not result.passed and current_language() != DEFAULT:
            too_slow, kept = result.message == self._too_slow(), self.warnings
            with language(DEFAULT):  # the same replay (deterministic) in the instructor's words;
                # one that ran out of time is not waited for twice
                result.english = self._too_slow() if too_slow else self._outcome(test, graded).message
            self.warnings = kept
        result.warnings = self.warnings
        self.results.append(result)

    def _too_slow(self):
        return _("checking its results took over {seconds} s and was stopped").format(
            seconds=f"{self.seconds:g}")

    def _outcome(self, test, graded):
        """Replay ``test`` and give its TestResult (its warnings are in ``self.warnings``)."""
        name = test.__name__
        self.warnings, self.replay = [], None
        try:
            with time_limit(self.seconds):
                self._replay(test, graded)
        except TimeLimitExceeded:
            result = TestResult(name, False, self._too_slow())
        except Exception as failure:
            result = TestResult(name, False, failure_message(failure))
        else:
            result = TestResult(name, True)
        return result

    def pristine(self, value):
        """``value`` as the test being replayed made it, whatever the student's code did to it in
        place (see :meth:`autograder.transcript.Replay.pristine`)."""
        return value if self.replay is None else self.replay.pristine(value)

    def warn(self, message):
        """``warn_unless`` in the grader: a warning for the test being replayed, at no cost."""
        if message not in self.warnings:
            self.warnings.append(message)

    def _replay(self, test, graded):
        if self.folder_fd is None:
            raise TranscriptError(_("your notebook removed or replaced the folder of its test results"))
        labels = {f"g{i}": obj.name for i, obj in enumerate(graded)}
        try:
            replay = Replay.from_folder(self.folder_fd, f"{test.__name__}.json", labels)
        except FileNotFoundError:
            raise TranscriptError(_("this test did not run in your notebook{why}").format(
                why=kernel_error_note(self.cell))) from None
        self.replay = replay
        proxies = [replay.proxy(f"g{i}", obj.is_class) for i, obj in enumerate(graded)]
        reference = testing.Implementations(
            {name: on_pristine_inputs(implementation, replay)
             for name, implementation in self.reference.functions.items()}, is_reference=True)
        test(*proxies, **testing.test_extras(test, self.seed, reference))


def failure_message(failure):
    """Why a replayed test failed, as the student reads it."""
    if isinstance(failure, SubmissionError) and "NotImplementedError" in failure.raised:
        return testing.not_done_yet(failure.label)
    if type(failure) is AssertionError:  # an assert of the test cell's
        return testing.test_text(str(failure))
    if isinstance(failure, (AssertionError, TranscriptError)):
        return str(failure)
    return testing.could_not_check(testing.error_text(failure))


def on_pristine_inputs(implementation, replay):
    """``implementation``, called with its inputs as the test made them, whatever the student's
    code did to them in place (see :meth:`autograder.transcript.Replay.pristine`); for a class,
    the methods of its instances too."""
    if isinstance(implementation, type):
        return _class_on_pristine_inputs(implementation, replay)

    @functools.wraps(implementation, updated=())
    def call(*args, **kwargs):
        return implementation(*replay.pristine(args), **replay.pristine(kwargs))
    return call


def _class_on_pristine_inputs(cls, replay):
    """A subclass of ``cls`` whose constructor and methods are called on pristine inputs."""
    def __init__(self, *args, **kwargs):
        cls.__init__(self, *replay.pristine(args), **replay.pristine(kwargs))

    def __getattribute__(self, name):
        value = cls.__getattribute__(self, name)
        is_method = getattr(value, "__self__", None) is self and not name.startswith("__")
        return on_pristine_inputs(value, replay) if is_method else value

    return type(cls.__name__, (cls,), {"__init__": __init__, "__getattribute__": __getattribute__,
                                       "__qualname__": cls.__qualname__, "__module__": cls.__module__})


def judge_cell(cell, reference, folder_fd, seed, seconds=REPLAY_TIME_LIMIT):
    """Run a test cell's trusted source in the grader, against the kernel's transcripts."""
    session = GraderSession(folder_fd, seed, reference, cell, seconds)
    namespace = {"__name__": "descent_test_cell", "np": np,
                 **{name: getattr(testing, name) for name in testing.__all__}}
    namespace.update({name: Graded(name, isinstance(obj, type))
                      for name, obj in reference.functions.items()})
    grade_id = cell.metadata.nbgrader["grade_id"]
    token = testing.active_grader.set(session)
    try:
        exec(compile(cell.source, f"<test cell {grade_id}>", "exec"), namespace)
    except Exception as failure:
        session.results.append(TestResult(grade_id, False, testing.error_text(failure)))
    finally:
        testing.active_grader.reset(token)
    if not session.results:
        no_test = N_("this test cell ran no test")
        session.results.append(TestResult(grade_id, False, _(no_test), english=no_test))
    return session.results


def kernel_error_note(cell):
    """What the kernel said went wrong in this cell, to explain a missing transcript."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return _(" (the cell stopped with {error}: {message})").format(
                error=output.get("ename"), message=output.get("evalue"))[:500]
    return ""


def verdict_output(results):
    """One output for the cell: a stream if every test passed, else an error nbgrader scores 0.

    Each result gives its own short block of lines (see :func:`result_lines`), then its
    warnings as "\u26a0 <test>: <warning>", which never change the score; the error's traceback
    is those lines, which the feedback page and nbgrader's Validate show as they are.
    """
    lines = [line for result in results for line in result_lines(result)
             + [f"\u26a0 {result.name}: {warning}" for warning in result.warnings]]
    failures = [r for r in results if not r.passed]
    if not failures:
        return new_output("stream", name="stdout", text="\n".join(lines) + "\n")
    return new_output("error", ename="AssertionError",
                      evalue="; ".join(f"{r.name}: {(r.message.splitlines() or [''])[0]}" for r in failures),
                      traceback=lines)


def result_lines(result):
    """``✓ test passed``, or the failure block of :func:`autograder.testing.failure_lines`.

    Lines about a result that cost no points (warnings) belong right after these, with its name.
    """
    if result.passed:
        return [testing.passed_line(result.name)]
    return testing.failure_lines(result.name, result.message)
