"""Stand-ins for notebook 09's layer functions, so that a layer that raises costs only its own test.

``TwoLayerNet`` calls the student's layers (``affine_forward``, ``relu_forward``, ...). When one of
them raises, or returns arrays of the wrong shape that make the next layer raise, every test of the
class would fail with it: a cascade. So the tests of the class run it inside :func:`standing_in`,
which answers such a call with the layer's stand-in, and build their expected values with
:func:`call_or_stand_in` the same way. (A layer that returns wrong values of the right shape is
not replaced: the tests accept what the student's own layers give, put together correctly.)

A stand-in gives away nothing an exercise asks for: a forward pass is the layer's definition, as
the notebook states it before the exercise; a backward pass is the numerical gradient of that
forward pass (notebook 04), thousands of times slower than backprop but exact to about 1e-9 on a
test's small arrays. The arguments follow the layers' docstrings: caches are ``(x, w, b)`` for an
affine layer and ``x`` for a ReLU.
"""
import contextlib
import contextvars
import functools
import inspect

import numpy as np

from .testing import warn_unless


H = 1e-5  # the step of the central differences, as in notebook 04


def numerical_gradient_stacked(f, x, dout):
    """The central-difference gradient of sum(f(x) * dout) with respect to x, every entry at once:
    ``f`` takes a stack of inputs (a new first axis) and returns the stack of their outputs. The same
    numbers as :func:`autograder.gradcheck.numerical_gradient_array`, in one call of ``f``."""
    x = np.asarray(x, dtype=float)
    steps = H * np.eye(x.size).reshape((x.size,) + x.shape)
    differences = f(x + steps) - f(x - steps)
    weighted = np.sum(differences * np.asarray(dout, dtype=float), axis=tuple(range(1, differences.ndim)))
    return (weighted / (2 * H)).reshape(x.shape)


class NotAnAnswer(RuntimeError):
    """A stand-in was called from outside a test: it is no answer to an exercise."""


_standing_in = contextvars.ContextVar("descent_standing_in", default=False)


def _for_tests_only(stand_in):
    """The stand-in, answering only while :func:`answer` calls it for a test: called by a student's
    own layer (``return standins.affine_backward(dout, cache)``) it raises, so delegating to it earns
    nothing."""
    @functools.wraps(stand_in)
    def guarded(*args):
        if not _standing_in.get():
            raise NotAnAnswer(f"autograder.standins.{stand_in.__name__} stands in for a failing layer "
                              "in the tests of TwoLayerNet only: write the layer yourself")
        return stand_in(*args)
    return guarded


@_for_tests_only
def affine_forward(x, w, b):
    return np.reshape(x, (np.shape(x)[0], -1)) @ w + b, (x, w, b)


@_for_tests_only
def affine_backward(dout, cache):
    x, w, b = (np.asarray(a, dtype=float) for a in cache)
    rows = x.reshape(len(x), -1)
    return (numerical_gradient_stacked(lambda xs: xs.reshape(len(xs), len(x), -1) @ w + b, x, dout),
            numerical_gradient_stacked(lambda ws: rows @ ws + b, w, dout),
            numerical_gradient_stacked(lambda bs: (rows @ w)[np.newaxis] + bs[:, np.newaxis, :], b, dout))


@_for_tests_only
def relu_forward(x):
    return np.maximum(0.0, x), x


@_for_tests_only
def relu_backward(dout, cache):
    return numerical_gradient_stacked(lambda xs: np.maximum(0.0, xs), cache, dout)


@_for_tests_only
def softmax_loss(scores, y):
    def loss(s):                              # the mean cross-entropy of each score table in a stack
        shifted = s - np.max(s, axis=-1, keepdims=True)
        log_sums = np.log(np.sum(np.exp(shifted), axis=-1))
        return np.mean(log_sums - shifted[..., np.arange(len(y)), y], axis=-1)
    scores = np.asarray(scores, dtype=float)
    return float(loss(scores)), numerical_gradient_stacked(loss, scores, 1.0)


STAND_INS = {f.__name__: f for f in (affine_forward, affine_backward, relu_forward, relu_backward,
                                     softmax_loss)}


def fits(name, args, result):
    """Whether a layer's result has the form and the shapes its docstring promises for ``args``: a
    wrong value is the layer's own test's business, but a wrong shape would crash the layers after it.
    An affine cache not of the documented form (x, w, b) says nothing about the shapes: accepted."""
    try:
        if name in ("affine_forward", "relu_forward"):
            x = args[0]
            shape = (np.shape(x)[0], np.shape(args[1])[1]) if name == "affine_forward" else np.shape(x)
            return isinstance(result, (tuple, list)) and len(result) == 2 and np.shape(result[0]) == shape
        if name == "relu_backward":
            return np.shape(result) == np.shape(args[0])
        if name == "softmax_loss":
            return (isinstance(result, (tuple, list)) and len(result) == 2 and np.size(result[0]) == 1
                    and np.shape(result[1]) == np.shape(args[0]))
        cache = args[1]                        # affine_backward
        if not (isinstance(cache, (tuple, list)) and len(cache) == 3):
            return True
        return (isinstance(result, (tuple, list)) and len(result) == 3
                and [np.shape(grad) for grad in result] == [np.shape(array) for array in cache])
    except (TypeError, ValueError):
        return False


def answer(layer, name, args):
    """(what ``layer(*args)`` returns, False), or (the stand-in's answer, True) if the student's layer
    raises or returns something of the wrong form or shape (see :func:`fits`)."""
    try:
        result = layer(*args)
    except Exception:
        return _stand_in(name, args), True
    return (result, False) if fits(name, args, result) else (_stand_in(name, args), True)


def _stand_in(name, args):
    token = _standing_in.set(True)
    try:
        return STAND_INS[name](*args)
    finally:
        _standing_in.reset(token)


def call_or_stand_in(layer, name, *args):
    """``layer(*args)``, or the stand-in's answer where :func:`answer` says so."""
    return answer(layer, name, args)[0]


@contextlib.contextmanager
def standing_in(namespace):
    """While the block runs, the student's layer functions in ``namespace`` (a notebook's globals)
    answer as :func:`answer` says; afterwards they are put back, and the student is told which
    layers a stand-in replaced (a warning, no points).

    Only plain functions are wrapped: in the grader the names stand for recorded code, and there the
    student's class is not run at all, so nothing needs replacing.
    """
    originals = {name: namespace[name] for name in STAND_INS if inspect.isfunction(namespace.get(name))}
    replaced = []

    def guarded(name, layer, *args):
        result, stood_in = answer(layer, name, args)
        if stood_in:
            replaced.append(name)
        return result

    for name, layer in originals.items():
        namespace[name] = functools.wraps(layer)(functools.partial(guarded, name, layer))
    try:
        yield
    finally:
        namespace.update(originals)
    for name in dict.fromkeys(replaced):
        warn_unless(False, f"your {name} raised or returned arrays of the wrong shape, so a stand-in took "
                    "its place in this test (its own test says what is wrong)")
