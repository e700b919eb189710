"""The grader's verdict on every autograded cell, decided in the grader's process, never the kernel's.

A submission runs in its own kernel, where it can rewrite anything: numpy, this package, ``__eq__``,
how tracebacks are shown. So the kernel only runs each test and records the calls into the student's
code (:mod:`autograder.transcript`), on inputs drawn from a seed chosen at grading time. Afterwards
the grader executes each test cell's trusted source itself, answers the calls from the transcript,
compares with the reference built from ``solutions/``, and writes the verdict as the cell's only
output. nbgrader's ``SaveAutoGrades`` then scores the cell from that output as usual.

:func:`judge_notebook` runs after the kernel is gone (see :mod:`autograder.worker`).
"""
import os
from dataclasses import dataclass, field

import nbformat
import numpy as np
from nbformat.v4 import new_output

from . import testing
from .given import given_spec, is_solution_code
from .transcript import Replay, TranscriptError


@dataclass
class TestResult:
    name: str
    passed: bool
    message: str = ""
    warnings: list = field(default_factory=list)  # conventions not followed; they cost no point


def judge_notebook(nb, reference, folder, seed):
    """Judge each autograded test cell of the executed ``nb``: the verdict becomes its only output."""
    for cell in nb.cells:
        if is_autograded_test(cell):
            cell.outputs = [verdict_output(judge_cell(cell, reference, folder, seed))]
    return nb


def is_autograded_test(cell):
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and grading.get("grade") and not grading.get("solution")


def load_reference(source):
    """Execute the solution and given cells of a source notebook (a path or a notebook), in order,
    with only ``np`` predefined."""
    notebook = source if isinstance(source, dict) else nbformat.read(source, as_version=4)
    namespace = {"__name__": "descent_reference", "np": np}
    graded = []
    for cell in notebook.cells:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if is_solution_code(cell) or given_spec(cell):
            exec(compile(cell.source, f"<solution {grading.get('grade_id')}>", "exec"), namespace)
        if is_solution_code(cell):
            graded.append(grading["grade_id"])
    return testing.Implementations({name: namespace[name] for name in graded}, is_reference=True)


@dataclass(frozen=True)
class Graded:
    """Stands for a graded function or class in a test cell's source while the grader runs it."""

    name: str
    is_class: bool


class GraderSession:
    """``run_test`` in the grader: replay one test from its transcript and keep the outcome."""

    def __init__(self, folder, seed, reference, kernel_error):
        self.folder, self.seed, self.reference = folder, seed, reference
        self.kernel_error = kernel_error
        self.results = []
        self.warnings = []  # those of the test being replayed

    def run(self, test, graded):
        name = test.__name__
        self.warnings = []
        try:
            self._replay(test, graded)
        except (AssertionError, TranscriptError) as failure:
            result = TestResult(name, False, str(failure))
        except Exception as failure:
            result = TestResult(
                name, False, f"the output could not be checked ({type(failure).__name__}: {failure})")
        else:
            result = TestResult(name, True)
        result.warnings = self.warnings
        self.results.append(result)

    def warn(self, message):
        """``warn_unless`` in the grader: a warning for the test being replayed, at no cost."""
        if message not in self.warnings:
            self.warnings.append(message)

    def _replay(self, test, graded):
        path = os.path.join(self.folder, f"{test.__name__}.json")
        if not os.path.exists(path):
            raise TranscriptError(f"this test did not run in your notebook{self.kernel_error}")
        labels = {f"g{i}": obj.name for i, obj in enumerate(graded)}
        replay = Replay.from_file(path, labels)
        proxies = [replay.proxy(f"g{i}", obj.is_class) for i, obj in enumerate(graded)]
        test(*proxies, **testing.test_extras(test, self.seed, self.reference))


def judge_cell(cell, reference, folder, seed):
    """Run a test cell's trusted source in the grader, against the kernel's transcripts."""
    session = GraderSession(folder, seed, reference, kernel_error_note(cell))
    namespace = {"__name__": "descent_test_cell", "np": np,
                 **{name: getattr(testing, name) for name in testing.__all__}}
    namespace.update({name: Graded(name, isinstance(obj, type))
                      for name, obj in reference.functions.items()})
    grade_id = cell.metadata.nbgrader["grade_id"]
    token = testing.active_grader.set(session)
    try:
        exec(compile(cell.source, f"<test cell {grade_id}>", "exec"), namespace)
    except Exception as failure:
        session.results.append(TestResult(grade_id, False, f"{type(failure).__name__}: {failure}"))
    finally:
        testing.active_grader.reset(token)
    if not session.results:
        session.results.append(TestResult(grade_id, False, "this test cell ran no test"))
    return session.results


def kernel_error_note(cell):
    """What the kernel said went wrong in this cell, to explain a missing transcript."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f" (the cell stopped with {output.get('ename')}: {output.get('evalue')})"[:500]
    return ""


def verdict_output(results):
    """One output for the cell: a stream if every test passed, else an error nbgrader scores 0.

    Each test's warnings follow its line as "\u26a0 <test>: <warning>"; they never change the score.
    """
    lines = []
    for r in results:
        lines.append(f"\u2713 {r.name} passed" if r.passed else f"\u2717 {r.name}: {r.message}")
        lines.extend(f"\u26a0 {r.name}: {warning}" for warning in r.warnings)
    failures = [r for r in results if not r.passed]
    if not failures:
        return new_output("stream", name="stdout", text="\n".join(lines) + "\n")
    return new_output("error", ename="AssertionError",
                      evalue="; ".join(f"{r.name}: {r.message}" for r in failures),
                      traceback=lines)
