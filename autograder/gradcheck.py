"""Gradient checking: compare an analytic gradient with finite differences.

The central difference along coordinate i,

    df/dx_i ≈ (f(x + h e_i) - f(x - h e_i)) / (2h),      e_i = unit array at index i,

has error O(h^2): the h^1 terms of the Taylor expansions of f(x + h e_i) and
f(x - h e_i) cancel. With h = 1e-5 in float64 a correct analytic gradient
typically agrees with it to a relative error (see rel_error) of 1e-7 or better,
while a wrong one usually gives 1e-2 or more.
"""
import numbers
import re

import numpy as np

from .i18n import N_, _

_REL_ERROR_FLOOR = 1e-8  # denominator floor of rel_error, so that 0 vs 0 gives 0
_CAUSE_TOL = 1e-4  # how closely a suspected mistake must reproduce `actual`
_FACTOR_RTOL = 1e-3  # how close a fitted factor must be to 1, N, 1/N or 1/n


def rel_error(a, b):
    """Largest elementwise relative error between a and b.

        rel_error(a, b) = max_i |a_i - b_i| / max(1e-8, |a_i| + |b_i|)

    It is symmetric, lies in [0, 1] (1 when a_i and b_i have opposite signs),
    and does not change when both inputs are scaled by the same factor, as long
    as the values stay above the 1e-8 floor. a and b broadcast as in numpy;
    empty inputs give 0.
    """
    a, b = np.asarray(a), np.asarray(b)
    ratio = np.abs(a - b) / np.maximum(_REL_ERROR_FLOOR, np.abs(a) + np.abs(b))
    return float(np.max(ratio, initial=0.0))


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar-valued f at x.

        grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)    for every index i of x

    x may have any shape, including 0-d. It must be a float ndarray because its
    entries are perturbed in place, one at a time; afterwards x holds exactly
    its original values. f(x) must return a scalar: a Python float, a numpy
    scalar or an array with one element. Costs 2 * x.size calls of f.
    Returns a float64 array with the shape of x.
    """
    _require_float_array(x, "numerical_gradient")
    slopes = _central_differences(f, x, np.ndindex(x.shape), h)
    return np.array([_as_scalar(slope) for slope in slopes]).reshape(x.shape)


def numerical_gradient_array(f, x, df, h=1e-5):
    """Central-difference gradient of sum(f(x) * df) with respect to x.

    For an array-valued f this pulls the upstream gradient df back through f,
    i.e. it computes J^T df, with J the Jacobian of f, without forming J:

        grad[i] = sum_j df_j * (f_j(x + h e_i) - f_j(x - h e_i)) / (2h)

    This is what the backward pass of a layer f must return when df is the
    gradient of the loss with respect to f(x). df must have the shape of f(x);
    x follows the rules of numerical_gradient and is restored exactly.
    """
    _require_float_array(x, "numerical_gradient_array")
    df = np.asarray(df, dtype=float)

    def weighted_sum(x):
        out = np.asarray(f(x), dtype=float)
        if out.shape != df.shape:
            raise ValueError(_("df has shape {df} but f(x) has shape {out}; they must match")
                             .format(df=df.shape, out=out.shape))
        return np.sum(out * df)

    return numerical_gradient(weighted_sum, x, h)


def sparse_gradient_check(f, x, analytic_grad, num_checks=10, h=1e-5, seed=0):
    """Compare analytic_grad with central differences of scalar f at a few random entries of x.

    The full numerical gradient costs 2 * x.size calls of f, too slow for large
    parameters; this checks only num_checks distinct entries (every entry if x
    has fewer), chosen with np.random.default_rng(seed). x is restored exactly.

    Returns a list of (index, numerical, analytic, rel_error) tuples, one per
    checked entry, where index is a tuple of ints.
    """
    _require_float_array(x, "sparse_gradient_check")
    analytic_grad = np.asarray(analytic_grad)
    if analytic_grad.shape != x.shape:
        raise ValueError(_("analytic_grad has shape {grad} but x has shape {x}")
                         .format(grad=analytic_grad.shape, x=x.shape))
    indices = _random_indices(x, num_checks, seed)
    numerical = [_as_scalar(slope) for slope in _central_differences(f, x, indices, h)]
    return [
        (index, value, float(analytic_grad[index]), rel_error(value, analytic_grad[index]))
        for index, value in zip(indices, numerical)
    ]


def diagnose(actual, expected, *, name="gradient", batch_size=None, reg_gradient=None, rtol=1e-6):
    """Explain why `actual` does not match `expected`, or return None if it does.

    Meant for autograder feedback. First checks that actual is usable: array-like,
    of expected's shape, real numbers, no NaN or inf. Then it matches if
    rel_error(actual, expected) <= rtol. Otherwise the message has two or three
    lines: what does not match with its relative error and the tolerance; the
    worst entry, got against expected, printed with enough digits to differ; and
    a typical mistake if one explains actual, where ≈ means rel_error <= max(rtol, 1e-4):

        all zeros           actual == 0 everywhere (more than one entry)
        opposite sign       actual ≈ -expected
        constant factor     actual ≈ k * expected with the least-squares fit
                            k = <actual, expected> / <expected, expected>;
                            k ≈ batch_size: summed over the batch, not averaged;
                            k ≈ 1 / batch_size: averaged twice;
                            k ≈ 1 / ln 10: log10 instead of the natural log
                            (for a single number only these, since one
                            number always fits some k)
        regularization      actual ≈ expected - reg_gradient (missing)
                            or expected + reg_gradient (counted twice)
        log guard           actual ≈ -log(exp(-expected) + 1e-7): a loss -log p
                            computed with 1e-7 added to p, where the exact loss is wanted

    The message starts with `name`.
    """
    expected = np.asarray(expected, dtype=float)
    array = _as_array(actual)
    if array is None:
        return _type_problem(actual, expected.shape, name)
    problem = (
        _shape_problem(array, expected, name)
        or _dtype_problem(array, name)
        or _nonfinite_problem(array, expected, name)
    )
    if problem:
        return problem
    actual = array.astype(float)
    error = rel_error(actual, expected)
    if error <= rtol:
        return None
    tol = max(rtol, _CAUSE_TOL)
    cause = (
        _zero_cause(actual, expected)
        or _sign_cause(actual, expected, tol)
        or _factor_cause(actual, expected, batch_size, tol)
        or _regularization_cause(actual, expected, reg_gradient, tol)
        or _log_guard_cause(actual, expected, tol)
    )
    lines = [_("{name} does not match: relative error {error}, allowed {allowed}").format(
                 name=name, error=format_number(error, 2), allowed=format_number(rtol, 2)),
             _largest_difference(actual, expected)]
    return "\n".join(lines + [cause] * bool(cause))


def format_number(value, digits=4):
    """``value`` with ``digits`` significant digits, exponents written short: 3.2e-5, 1e+12, 0.219."""
    text = f"{value:.{digits}g}"
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", text)


def format_pair(got, expected, digits=4):
    """Two numbers with the fewest significant digits (at least ``digits``) at which they differ.

    A number that two more digits would write exactly is written exactly: 1.1875, not 1.188.
    """
    for precision in range(digits, 18):
        pair = tuple(_exact_or_rounded(value, precision) for value in (got, expected))
        if pair[0] != pair[1]:
            return pair
    return pair


def _exact_or_rounded(value, digits):
    """The shortest exact writing of ``value`` if it has at most ``digits`` + 2 digits, else rounded."""
    shortest = repr(float(value)).removesuffix(".0")
    mantissa = shortest.split("e")[0].replace("-", "").replace(".", "").strip("0")
    if len(mantissa) <= digits + 2:
        return re.sub(r"e([+-])0*(\d)", r"e\1\2", shortest)
    return format_number(value, digits)


# --- finite differences -----------------------------------------------------


def _require_float_array(x, caller):
    """Raise TypeError unless x is a floating-point ndarray that can be perturbed in place."""
    if isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating):
        return
    if isinstance(x, np.ndarray):
        got, fix = x.dtype, "x.astype(float)"
    else:
        got, fix = type(x).__name__, "np.array(x, dtype=float)"
    raise TypeError(_("{caller} needs a float array, got {got}: pass {fix}")
                    .format(caller=caller, got=got, fix=fix))


def _central_differences(f, x, indices, h):
    """Yield (f(x + h e_i) - f(x - h e_i)) / (2h) as a float array, for each index i in indices.

    x[i] is set to saved + h, then saved - h, then the saved value is written
    back, so x ends bit-for-bit unchanged (computing saved + h - h could round),
    even if f raises. f's results are copied right away because f may return a
    view of x, which the next perturbation would change.
    """
    for index in indices:
        saved = x[index]
        try:
            x[index] = saved + h
            f_plus = np.array(f(x), dtype=float)
            x[index] = saved - h
            f_minus = np.array(f(x), dtype=float)
        finally:
            x[index] = saved
        yield (f_plus - f_minus) / (2 * h)


def _as_scalar(slope):
    """Return a one-element difference of f values as a float; ValueError if f is not scalar-valued."""
    if slope.size != 1:
        raise ValueError(_("f must return a scalar, but it returned an array of shape {shape}; "
                           "for array-valued f use numerical_gradient_array").format(shape=slope.shape))
    return slope.item()


def _random_indices(x, count, seed):
    """Return min(count, x.size) distinct random index tuples into x."""
    rng = np.random.default_rng(seed)
    flat = rng.choice(x.size, size=min(count, x.size), replace=False)
    return [_index_tuple(np.unravel_index(i, x.shape)) for i in flat]


def _index_tuple(index):
    """Return a numpy index as a tuple of Python ints, which prints as (1, 2)."""
    return tuple(int(i) for i in index)


# --- diagnose: is `actual` usable at all? -------------------------------------


def _as_array(value):
    """Return value as an ndarray if it is an array, number, list or tuple of numbers; else None."""
    if not isinstance(value, (np.ndarray, np.generic, numbers.Number, list, tuple)):
        return None
    try:
        return np.asarray(value)
    except ValueError:  # ragged nested lists
        return None


def _type_problem(value, shape, name):
    """Describe a value that is not array-like at all."""
    if value is None:
        return _("{name} returned None, expected an array of shape {shape}: a function returns "
                 "None when it has no return statement, or returns what an in-place method such "
                 "as .sort() gives").format(name=name, shape=shape)
    return _("{name} returned {type}, expected an array of shape {shape}.").format(
        name=name, type=type(value).__name__, shape=shape)


def _shape_problem(actual, expected, name):
    """Describe a wrong shape; say so when the values are right but transposed or reshaped."""
    shape = expected.shape
    if actual.shape == shape:
        return None
    message = N_("{name} has shape {got} but should have shape {want}.")
    if actual.size == expected.size and actual.dtype.kind in "iuf":
        if actual.ndim == 2 and actual.T.shape == shape and _approx(actual.T, expected, _CAUSE_TOL):
            message = N_("{name} has shape {got} but should have shape {want}: it is the transpose "
                         "of the expected array.")
        elif _approx(actual.reshape(shape), expected, _CAUSE_TOL):
            message = (N_("{name} has shape {got} but should have shape {want}: the values are "
                          "right, arranged differently (an extra or missing axis of length 1?).")
                       if _differ_by_ones(actual.shape, shape) else
                       N_("{name} has shape {got} but should have shape {want}: the values are "
                          "right, arranged differently."))
    return _(message).format(name=name, got=actual.shape, want=shape)


def _differ_by_ones(shape, other):
    """True if the shapes are the same once their axes of length 1 are dropped."""
    return [n for n in shape if n != 1] == [n for n in other if n != 1]


def _dtype_problem(actual, name):
    """Describe a dtype that is not real numbers: complex, boolean, object, string, ..."""
    if actual.dtype.kind in "iuf":
        return None
    if actual.dtype.kind == "c":
        message = N_("{name} has complex dtype {dtype}; a real-valued array is expected.")
    elif actual.dtype.kind == "b":
        message = N_("{name} is a boolean array; expected numbers (a mask such as x > 0 returned "
                     "instead of multiplied into the gradient?).")
    else:
        message = N_("{name} has non-numeric dtype {dtype}; expected an array of floats.")
    return _(message).format(name=name, dtype=actual.dtype)


_LOG_SOFTMAX = N_("log-probabilities as shifted − log Σ exp(shifted), shifted = scores − row maximum")
_EXP_LIMITS = N_("in float64 np.exp(x) is inf above x = 709.78 and 0 below x = -745.13")


def _nonfinite_problem(actual, expected, name):
    """Describe NaN or inf entries: how many, the first one against what was expected, and why."""
    bad = ~np.isfinite(actual)
    if not bad.any():
        return None
    first = tuple(np.argwhere(bad)[0])
    nans, infs = int(np.isnan(actual).sum()), int(np.isinf(actual).sum())
    got = (_("{name} is not finite: got {value} at index {index} where {expected} is expected")
           if first else _("{name} is not finite: got {value} where {expected} is expected"))
    got = got.format(name=name, value=actual[first], index=_index_tuple(first),
                     expected=format_number(expected[first]))
    if actual.size > 1:
        counts = (_("({nans} NaN and {infs} inf in all)") if nans and infs
                  else _("({nans} NaN in all)") if nans else _("({infs} inf in all)"))
        got += " " + counts.format(nans=nans, infs=infs)
    return got + "\n" + _nonfinite_cause(actual, expected)


def _nonfinite_cause(actual, expected):
    """Where NaN and inf come from; the log-softmax fix when a loss is large enough to need it."""
    if nans := np.isnan(actual).any():
        cause = _("NaN is what inf - inf, inf / inf and 0 / 0 give")
    else:
        cause = _("inf comes from np.exp overflowing, log(0) or a division by 0")
    large_loss = np.any(np.abs(expected[~np.isfinite(actual)]) > 700)
    if not large_loss:
        return _("{cause}; {limits}").format(cause=cause, limits=_(_EXP_LIMITS)) if nans else cause
    return _("{cause}; {limits}, so for losses this large exp(scores), or a probability of about "
             "e^-1000 and its log, are not finite: compute {log_softmax} (subtracting the maximum "
             "alone avoids the overflow, not the underflow)").format(
        cause=cause, limits=_(_EXP_LIMITS), log_softmax=_(_LOG_SOFTMAX))


# --- diagnose: which mistake explains the mismatch? --------------------------


def _approx(a, b, tol):
    """True if a ≈ b in the sense rel_error(a, b) <= tol."""
    return rel_error(a, b) <= tol


def _near(value, target):
    """True if the number value is within a relative 1e-3 of target."""
    return abs(value - target) <= _FACTOR_RTOL * abs(target)


def _zero_cause(actual, expected):
    """Recognise an array of several entries that are all exactly 0."""
    if actual.size > 1 and not np.any(actual) and np.any(expected):
        return _("every entry is 0: an array made with np.zeros that is never filled in, or one "
                 "of integer dtype (np.zeros_like of an integer array) that rounds what is added "
                 "to it?")
    return None


def _sign_cause(actual, expected, tol):
    """Recognise actual ≈ -expected."""
    if _approx(actual, -expected, tol):
        return _("it has the opposite sign everywhere (a minus sign dropped or added?)")
    return None


_LN10 = float(np.log(10))


def _factor_cause(actual, expected, batch_size, tol):
    """Recognise actual ≈ k * expected for a constant k != 1, with k = <a, e> / <e, e> (least squares)."""
    if not np.any(expected):
        return None
    k = float(np.vdot(actual, expected) / np.vdot(expected, expected))
    if _near(k, 1) or not _approx(actual, k * expected, tol):
        return None
    two = batch_size == 2
    if batch_size and _near(k, batch_size):
        summed = (_("it is ×{n} the expected value: summed over the batch instead of averaged "
                    "(divide by N={n}) or a factor 2 too many or too few?") if two else
                  _("it is ×{n} the expected value: summed over the batch instead of averaged "
                    "(divide by N={n})?"))
        return summed.format(n=batch_size)
    if batch_size and _near(k * batch_size, 1):
        twice = (_("it is ×1/{n} the expected value: divided by N={n} twice or a factor 2 too "
                   "many or too few?") if two else
                 _("it is ×1/{n} the expected value: divided by N={n} twice?"))
        return twice.format(n=batch_size)
    if _near(k * _LN10, 1):
        return _("it is ×1/ln(10) = ×0.4343 the expected value: np.log10 used instead of np.log?")
    if actual.size > 1:  # a single number always fits some factor, so only the above tell anything
        return _("it is off by a constant factor {factor} (a constant dropped or added?)").format(
            factor=_format_factor(k))
    return None


def _format_factor(k):
    """Write k as ×1/n when it is close to the reciprocal of an integer n >= 2, else as ×k."""
    n = round(1 / k)
    if 0 < k < 1 and n >= 2 and _near(1 / k, n):
        return f"×1/{n}"
    return f"×{format_number(k, 3)}"


def _regularization_cause(actual, expected, reg_gradient, tol):
    """Recognise actual ≈ expected - reg_gradient (missing) or expected + reg_gradient (twice)."""
    if reg_gradient is None or not np.any(reg_gradient):
        return None
    reg_gradient = np.asarray(reg_gradient, dtype=float)
    if _approx(actual, expected - reg_gradient, tol):
        return _("the regularization term's gradient is missing (add the gradient of the penalty)")
    if _approx(actual, expected + reg_gradient, tol):
        return _("the regularization term's gradient is counted twice")
    return None


_LOG_GUARD = 1e-7  # what the study notes add inside the log of cross_entropy_error


def _log_guard_cause(actual, expected, tol):
    """Recognise losses -log(p + 1e-7) where -log p (``expected``) is wanted."""
    with np.errstate(over="ignore"):
        guarded = -np.log(np.exp(-expected) + _LOG_GUARD)
    if not np.all(np.isfinite(guarded)) or not _approx(actual, guarded, tol):
        return None
    cap = format_number(-np.log(_LOG_GUARD))
    return _("these losses are -log(p + 1e-7), not -log p: the 1e-7 inside the log caps each "
             "loss at -log(1e-7) = {cap} and shifts those of unlikely classes; compute "
             "{log_softmax}").format(cap=cap, log_softmax=_(_LOG_SOFTMAX))


def _largest_difference(actual, expected):
    """The entry where actual and expected differ most, with enough digits to tell them apart."""
    index = np.unravel_index(np.argmax(np.abs(actual - expected)), expected.shape)
    got, wanted = format_pair(actual[index], expected[index])
    if not _index_tuple(index):
        return _("got {got}, expected {expected}").format(got=got, expected=wanted)
    return _("largest difference at index {index}: got {got}, expected {expected}").format(
        index=_index_tuple(index), got=got, expected=wanted)
