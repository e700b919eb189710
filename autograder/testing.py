"""What the notebooks' test cells use: ``run_test`` and checks whose messages say what is wrong.

A test is a function whose first parameters receive the graded functions (or classes) and which may
also ask for ``rng`` (a seeded ``numpy.random.Generator``) and ``ref`` (reference implementations)::

    def test_softmax(softmax, rng, ref):
        scores = rng.normal(size=(4, 3))
        assert_close(softmax(scores), ref.softmax(scores), "softmax(scores)")

    run_test(test_softmax, softmax)

``run_test`` runs the same test in three places:

* in a student's kernel, directly: instant feedback. There is no reference solution there, so
  ``ref.softmax`` is the student's own ``softmax`` and comparisons with it prove nothing; gradient
  checks then compare the student's gradient with the numerical gradient of their own loss;
* in the student's kernel while grading: every call into the graded objects is recorded
  (see :mod:`autograder.transcript`) with inputs drawn from the grader's seed. Nothing is judged
  there: the ``assert_*`` checks do nothing and a failing test does not stop the cell, so a check
  against the student's own ``ref`` can never cut the recording short;
* in the grader's own process (:mod:`autograder.judge`): the test runs again on the recorded outputs,
  with the real reference, and its verdict is the cell's score.

So a test must reach the graded objects only through its parameters, make the same calls whatever
``ref`` is, and compare with ``ref`` only through the ``assert_*`` checks.

A point is lost only for a rule the notebook has taught, with its reason, before the exercise. A
convention it has not taught (leaving the caller's dict alone, say) is checked with
:func:`warn_unless`: the student sees the warning, and it never costs a point.

A test writes English: what a check compares (``"softmax(scores)"`` above), warnings, the message
of an ``assert``. Where a failure is shown in another language, that text is looked up in the
catalogs of the test cells' text (:func:`autograder.i18n.test_text`), only then.
"""
import contextlib
import contextvars
import functools
import inspect
import linecache
import os
import sys
import sysconfig
import textwrap
import traceback
import zlib

import numpy as np

from . import gradcheck
from .i18n import _, test_text
from .transcript import Recorder, SubmissionError, TranscriptError

__all__ = ["run_test", "assert_close", "assert_gradient", "assert_unchanged", "assert_raises",
           "warn_unless", "warn_unless_config_kept"]

JUDGE_DIR_ENV = "DESCENT_JUDGE_DIR"
SEED_ENV = "DESCENT_SEED"
STUDENT_SEED = 0

# Set by the grader while it replays a test cell (see autograder.judge).
active_grader = contextvars.ContextVar("descent_active_grader", default=None)
# True in the student's kernel while a test is recorded for the grader.
recording = contextvars.ContextVar("descent_recording", default=False)


def run_test(test, *graded):
    """Run ``test(*graded)`` for instant feedback, or record it for the grader while grading."""
    grader = active_grader.get()
    if grader is not None:
        return grader.run(test, graded)
    extras = test_extras(test, _kernel_seed(),
                         Implementations(sys._getframe(1).f_globals, is_reference=False))
    folder = os.environ.get(JUDGE_DIR_ENV)
    if folder is None:
        try:
            test(*graded, **extras)
        except Exception as error:
            raise TestFailure(failure_lines(test.__name__, explain(error, test), VERDICT_WIDTH)) from None
        print(passed_line(test.__name__))
    else:
        _record(test, graded, extras, os.path.join(folder, f"{test.__name__}.json"))


def _record(test, graded, extras, path):
    """Run the test on recording proxies and save the transcript; the grader decides the verdict."""
    recorder = Recorder()
    token = recording.set(True)
    try:
        test(*(recorder.proxy(obj, f"g{i}") for i, obj in enumerate(graded)), **extras)
    except Exception:
        pass  # the grader replays this test and reports what went wrong
    finally:
        recording.reset(token)
        recorder.save(path, test.__name__, _kernel_seed())


def test_extras(test, seed, ref):
    """The keyword arguments ``rng`` and ``ref`` that ``test`` asks for by name."""
    wanted = inspect.signature(test).parameters
    extras = {"rng": np.random.default_rng([seed, zlib.crc32(test.__name__.encode())]),
              "ref": ref}
    return {name: value for name, value in extras.items() if name in wanted}


def _kernel_seed():
    return int(os.environ.get(SEED_ENV, STUDENT_SEED))


class Implementations:
    """``ref`` in a test: the reference solution in the grader, the student's own code in their kernel.

    In a student's kernel there is no reference solution, so ``ref.f`` is the student's ``f``.
    """

    def __init__(self, functions, *, is_reference):
        self.functions = functions
        self.is_reference = is_reference

    def __getattr__(self, name):
        try:
            return self.functions[name]
        except KeyError:
            message = (_("{name} is not defined in the reference solution") if self.is_reference
                       else _("{name} is not defined yet: run the cell that defines it"))
            raise AttributeError(message.format(name=name)) from None


# ----------------------------------------------------------------------------------- verdicts

VERDICT_WIDTH = 80  # nbgrader's Validate cuts lines longer than 87 characters, after a 4-space indent


class CheckFailed(AssertionError):
    """An ``assert_*`` check found a wrong output; its message is the whole explanation."""


class TestFailure(AssertionError):
    """A test that failed in the student's kernel, shown as a short block instead of a traceback.

    IPython shows what ``_render_traceback_`` returns in place of a traceback, and ipykernel
    sends the same lines as the error output's ``traceback``, which nbgrader's Validate and
    ``autograder check`` print.
    """

    def __init__(self, lines):
        super().__init__("\n".join(lines))
        self.lines = list(lines)

    def _render_traceback_(self):
        return self.lines


def passed_line(test_name):
    """``✓ test passed``, in the current language."""
    return _("\u2713 {test} passed").format(test=test_name)


def failure_lines(test_name, message, width=None):
    """A failed test as lines: ``✗ test: <first line>``, then the message's other lines indented;
    with ``width``, long lines are cut at spaces and continued two spaces deeper."""
    first, *rest = message.splitlines() or [""]
    lines = [f"\u2717 {test_name}: {first}", *("    " + line for line in rest)]
    return [part for line in lines for part in _wrapped(line, width)] if width else lines


def _wrapped(line, width):
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [line]


def explain(error, test):
    """What went wrong when the student's kernel ran ``test`` directly: the check's own message,
    "not done yet", or the exception with the traceback cut to the notebook's frames."""
    if isinstance(error, CheckFailed):
        return str(error)
    frames = _notebook_frames(error.__traceback__, test)
    innermost = frames[-1][0].f_code if frames else test.__code__
    if isinstance(error, NotImplementedError):
        return not_done_yet(_local_name(innermost))
    raised = error_text(error)
    if innermost is test.__code__:
        lines = [could_not_check(raised)]
    else:
        lines = [_("your code raised: {error}").format(error=raised)]
    for frame, lineno in frames:
        code = frame.f_code
        lines += [_("{cell}, line {line}, in {function}").format(
                      cell=_cell_name(code.co_filename), line=lineno, function=_local_name(code)),
                  "    " + linecache.getline(code.co_filename, lineno, frame.f_globals).strip()]
    return "\n".join(lines)


def error_text(error):
    """``Name: message`` of an exception; the message of an ``assert`` in a test cell (a plain
    AssertionError: a check's is a CheckFailed) in the current language (see :func:`test_text`)."""
    message = test_text(str(error)) if type(error) is AssertionError else str(error)
    return f"{type(error).__name__}: {message}".removesuffix(": ")


def not_done_yet(function):
    """What a function that still raises NotImplementedError gets."""
    return _("not done yet: {function}").format(function=function)


def could_not_check(raised):
    """A test that raised in its own code (not the student's), ``raised`` as ``Name: message``."""
    return _("the test could not check the output: {error}").format(error=raised)


def _local_name(code):
    """A function's name with its class, as ``LinearModel.loss``, without enclosing functions."""
    return code.co_qualname.rpartition("<locals>.")[2]


_LIBRARY_DIRS = tuple(os.path.realpath(folder) + os.sep for folder in {
    os.path.dirname(__file__), *(sysconfig.get_paths()[key] for key in ("stdlib", "purelib", "platlib"))})


def _notebook_frames(tb, test):
    """(frame, line number) from ``test`` inwards, for code that is not ours, numpy's or Python's."""
    frames = list(traceback.walk_tb(tb))
    starts = [i for i, (frame, _) in enumerate(frames) if frame.f_code is test.__code__]
    return [(frame, lineno) for frame, lineno in frames[starts[0] if starts else 0:]
            if not os.path.realpath(frame.f_code.co_filename).startswith(_LIBRARY_DIRS)]


def _cell_name(filename):
    """``Cell In[12]`` for a notebook cell run by IPython, else the file's name."""
    try:
        name = get_ipython().compile.format_code_name(filename)  # noqa: F821, IPython's builtin
    except Exception:
        name = None
    return " ".join(name) if name else os.path.basename(filename)


# ------------------------------------------------------------------------------------- checks

def warn_unless(ok, message):
    """Warn, never fail, unless ``ok``: for a convention the notebook has not taught as a rule.

    The student's kernel prints "\u26a0 <message>"; the grader adds the message to the current
    test's result (it costs no point); while recording, nothing happens.
    """
    if recording.get() or ok:
        return
    message = test_text(message)
    grader = active_grader.get()
    if grader is None:
        print(f"\u26a0 {message}")
    else:
        grader.warn(message)


def warn_unless_config_kept(rule, caller, caller_copy, empty=None):
    """Warn for each way an update rule changed its caller's config: notebook 08's rule 2 of
    section 1, a convention (CS231n's interface fills the dict in place, which works as long as the
    returned config is used), so warnings cost no point. ``caller`` was passed to ``rule`` after
    ``caller_copy`` was taken (a copy of its arrays too); ``empty``, if given, was passed as ``{}``."""
    if empty is not None:
        warn_unless(empty == {}, _(
            "{rule}(w, dw, {{}}) wrote {keys} into the caller's empty dict (rule 2 of section 1: "
            "fill the defaults into a copy, config = dict(config))").format(rule=rule, keys=sorted(empty)))
    warn_unless(sorted(caller) == sorted(caller_copy), _(
        "{rule}(w, dw, config) added the keys {keys} to the caller's config (rule 2 of section 1: "
        "return a new dict, config = dict(config) first)").format(
            rule=rule, keys=sorted(set(caller) - set(caller_copy))))
    changed = sorted(key for key, value in caller_copy.items() if not np.array_equal(caller.get(key), value))
    warn_unless(not changed, _(
        "{rule}(w, dw, config) changed {keys} in the caller's config (rule 2 of section 1: build new "
        "state arrays instead of updating them in place, no += or *=)").format(rule=rule, keys=changed))


def _judged_by_the_grader(check):
    """While the kernel records for the grader a check does nothing: the grader runs it itself."""
    @functools.wraps(check)
    def run_unless_recording(*args, **kwargs):
        if not recording.get():
            check(*args, **kwargs)
    return run_unless_recording


def _as_made(value):
    """In the grader, ``value`` as the test made it if the student's code changed it in place: an
    expected value, or the point of a gradient check, is never one the student's call chose."""
    grader = active_grader.get()
    return value if grader is None else grader.pristine(value)


@_judged_by_the_grader
def assert_close(actual, expected, what, *, rtol=1e-6, batch_size=None, reg_gradient=None):
    """Fail with a diagnosis (shape, NaN, sign, factor, missing term, worst entry) unless close;
    ``what`` is translated only then (see :func:`test_text`)."""
    expected = np.asarray(_as_made(expected))

    def diagnosis(name):
        return gradcheck.diagnose(actual, expected, name=name, rtol=rtol,
                                  batch_size=batch_size, reg_gradient=reg_gradient)
    if diagnosis(what):
        raise CheckFailed(diagnosis(test_text(what)))


@_judged_by_the_grader
def assert_gradient(grad, loss, x, what, *, rtol=1e-6, batch_size=None, reg_gradient=None):
    """Compare an analytic gradient with the central-difference gradient of scalar ``loss`` at ``x``."""
    numerical = gradcheck.numerical_gradient(loss, np.array(_as_made(x), dtype=float))
    assert_close(grad, numerical, what, rtol=rtol, batch_size=batch_size,
                 reg_gradient=reg_gradient)


@_judged_by_the_grader
def assert_unchanged(array, original, argument, function):
    """Fail if ``function`` modified its input ``argument`` in place."""
    if not np.array_equal(array, original):
        raise CheckFailed(_(
            "{function} changed its input {argument} in place: work on a copy "
            "({argument} = {argument}.copy()) or avoid in-place operators such as -= and /="
        ).format(function=function, argument=argument))


@contextlib.contextmanager
def numpy_global_seed(seed):
    """Seed NumPy's global generator (``np.random.seed``) for the block, then put its state back.

    For a test of code that must draw from an ``rng`` argument: code that draws from ``np.random``
    instead then gives the same results on every run, in the student's kernel as in the grader, and
    different results under different seeds, which is what such a test checks.
    """
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def assert_raises(exception, call, what, *, match=None):
    """Fail unless ``call()`` raises ``exception`` (or a subclass) whose message contains ``match``.

    In the grader the call is answered from the transcript, which names the exception the
    student's code raised in the kernel; while recording, the call only has to happen.
    """
    try:
        call()
    except Exception as error:
        if recording.get():
            return
        if isinstance(error, NotImplementedError) and exception is not NotImplementedError:
            raise  # an unfinished exercise says so, as everywhere else
        names, message = _raised(error)
        if exception.__name__ not in names:
            raise CheckFailed(_("{what} should raise {expected}, but it raised {raised}: {message}")
                              .format(what=test_text(what), expected=exception.__name__, raised=names[0],
                                      message=message)) from None
        if match is not None and match not in message:
            raise CheckFailed(_("{what} raised {expected} as it should, but its message {message} "
                                "does not mention {match}")
                              .format(what=test_text(what), expected=exception.__name__,
                                      message=repr(message), match=repr(match))) from None
    else:
        if not recording.get():
            raise CheckFailed(_("{what} should raise {expected}, but it returned normally")
                              .format(what=test_text(what), expected=exception.__name__))


def _raised(error):
    """The class names (the class first, then its bases) and the message of an exception."""
    if isinstance(error, TranscriptError) or (isinstance(error, SubmissionError) and not error.raised):
        raise error  # no such call in the kernel, or it never returned: report that as it is
    if isinstance(error, SubmissionError):
        return list(error.raised), error.message
    return [cls.__name__ for cls in type(error).__mro__], str(error)
