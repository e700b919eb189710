"""Tests for autograder.gradcheck.

Every expected gradient is derived by hand from the function being
differentiated, e.g. d/dx sum(sin(x)) = cos(x) and d/dx sum(df * (A @ x)) = A.T @ df.
"""
import warnings

import numpy as np
import pytest

from autograder.gradcheck import (
    diagnose,
    format_number,
    format_pair,
    numerical_gradient,
    numerical_gradient_array,
    rel_error,
    sparse_gradient_check,
)

# A correct analytic gradient and a central difference with h = 1e-5 agree to
# about 1e-7 in relative error or better; 1e-6 leaves a safety margin.
GRAD_TOL = 1e-6

SHAPES = [(), (5,), (3, 4), (2, 3, 4)]

SCALAR_FUNCTIONS = {
    "sum of squares": (lambda x: np.sum(x**2), lambda x: 2 * x),
    "sum of sines": (lambda x: np.sum(np.sin(x)), np.cos),
    "x tanh x": (lambda x: np.sum(x * np.tanh(x)), lambda x: np.tanh(x) + x / np.cosh(x) ** 2),
}


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# --- rel_error ---------------------------------------------------------------


def test_rel_error_is_zero_for_equal_inputs(rng):
    a = rng.standard_normal((3, 4))
    assert rel_error(a, a.copy()) == 0.0
    assert rel_error(2.5, 2.5) == 0.0


def test_rel_error_is_symmetric(rng):
    a, b = rng.standard_normal((2, 5))
    assert rel_error(a, b) == rel_error(b, a)


@pytest.mark.parametrize(
    "a, b",
    [
        (3.0, 1.0),  # same sign
        (2.0, -2.0),  # opposite signs: the ratio is 1
        (1e-10, 0.0),  # both below the 1e-8 floor
        ([1.0, 2.0, 4.0], [1.0, 3.0, 4.0]),  # the maximum over entries
        ([[1.0, 2.0], [3.0, 5.0]], 2.0),  # broadcasting
    ],
)
def test_rel_error_follows_its_formula(a, b):
    a, b = np.asarray(a), np.asarray(b)
    by_formula = np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
    assert rel_error(a, b) == pytest.approx(by_formula)
    assert isinstance(rel_error(a, b), float)


def test_rel_error_does_not_depend_on_scale(rng):
    a, b = rng.standard_normal((2, 6))
    assert rel_error(1e4 * a, 1e4 * b) == pytest.approx(rel_error(a, b))


# --- numerical_gradient --------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("function", SCALAR_FUNCTIONS.values(), ids=SCALAR_FUNCTIONS.keys())
def test_numerical_gradient_matches_analytic_gradient(rng, shape, function):
    f, grad = function
    x = rng.standard_normal(shape)
    numerical = numerical_gradient(f, x)
    assert numerical.shape == x.shape
    assert rel_error(numerical, grad(x)) < GRAD_TOL


@pytest.mark.parametrize(
    "as_returned",
    [float, np.float64, np.asarray, lambda value: np.asarray(value).reshape(1, 1)],
    ids=["python float", "numpy scalar", "0-d array", "size-1 array"],
)
def test_numerical_gradient_accepts_any_scalar_return_type(rng, as_returned):
    x = rng.standard_normal((2, 3))
    numerical = numerical_gradient(lambda x: as_returned(np.sum(x**2)), x)
    assert rel_error(numerical, 2 * x) < GRAD_TOL


def test_numerical_gradient_of_a_linear_function_of_a_matrix(rng):
    # f(W) = sum(v * (W @ u)) = v^T W u has gradient the outer product v u^T.
    W, u, v = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal(3)
    numerical = numerical_gradient(lambda W: np.sum(v * (W @ u)), W)
    assert rel_error(numerical, np.outer(v, u)) < GRAD_TOL


def test_numerical_gradient_copes_with_f_returning_a_view_of_x(rng):
    # x[0:1] is a view of x, so its value changes when x is perturbed again;
    # the gradient of f(x) = x_0 is the unit vector e_0.
    x = rng.standard_normal(4)
    e0 = np.eye(4)[0]
    assert rel_error(numerical_gradient(lambda x: x[0:1], x), e0) < GRAD_TOL


@pytest.mark.parametrize(
    "x, got",
    [(np.arange(3), "int64"), (np.ones(3, dtype=bool), "bool"), ([1.0, 2.0], "list"), (2.0, "float")],
)
def test_numerical_gradient_rejects_x_that_is_not_a_float_array(x, got):
    with pytest.raises(TypeError, match=f"float array, got {got}: pass .*float"):
        numerical_gradient(lambda x: np.sum(x), x)


def test_numerical_gradient_rejects_non_scalar_f(rng):
    x = rng.standard_normal(3)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        numerical_gradient(lambda x: x**2, x)


# --- numerical_gradient_array --------------------------------------------------


@pytest.mark.parametrize("x_shape", [(4,), (4, 2)])
def test_numerical_gradient_array_of_matrix_product_is_transposed_product(rng, x_shape):
    # f(x) = A @ x has Jacobian A, so the pulled-back gradient is A^T df.
    A = rng.standard_normal((3, 4))
    x = rng.standard_normal(x_shape)
    df = rng.standard_normal((3,) + x_shape[1:])
    numerical = numerical_gradient_array(lambda x: A @ x, x, df)
    assert rel_error(numerical, A.T @ df) < GRAD_TOL


@pytest.mark.parametrize("shape", SHAPES)
def test_numerical_gradient_array_of_elementwise_cube(rng, shape):
    # f(x) = x**3 has a diagonal Jacobian 3 x**2, so J^T df = 3 x**2 * df.
    x, df = rng.standard_normal(shape), rng.standard_normal(shape)
    numerical = numerical_gradient_array(lambda x: x**3, x, df)
    assert rel_error(numerical, 3 * x**2 * df) < GRAD_TOL


def test_numerical_gradient_array_copes_with_f_returning_x_itself(rng):
    # The identity has Jacobian I, so the pulled-back gradient is df itself.
    x, df = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    assert rel_error(numerical_gradient_array(lambda x: x, x, df), df) < GRAD_TOL


def test_numerical_gradient_array_rejects_df_of_the_wrong_shape(rng):
    A, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        numerical_gradient_array(lambda x: A @ x, x, np.ones(2))


# --- sparse_gradient_check -----------------------------------------------------


def test_sparse_gradient_check_accepts_a_correct_gradient(rng):
    x = rng.standard_normal((50, 40))
    results = sparse_gradient_check(lambda x: np.sum(np.sin(x)), x, np.cos(x), num_checks=7)
    assert len(results) == 7
    assert len({index for index, *_ in results}) == 7  # distinct entries
    for index, numerical, analytic, error in results:
        assert analytic == np.cos(x)[index]
        assert rel_error(numerical, np.cos(x[index])) < GRAD_TOL
        assert error == rel_error(numerical, analytic) < GRAD_TOL


def test_sparse_gradient_check_flags_a_wrong_gradient(rng):
    # Claiming 3x for the gradient 2x of sum(x**2) gives |2x - 3x| / (|2x| + |3x|) = 1/5.
    x = rng.standard_normal((50, 40))
    results = sparse_gradient_check(lambda x: np.sum(x**2), x, 3 * x)
    assert [error for *_, error in results] == pytest.approx([1 / 5] * len(results))


def test_sparse_gradient_check_covers_every_entry_of_a_small_x(rng):
    x = rng.standard_normal((2, 2))
    results = sparse_gradient_check(lambda x: np.sum(x**2), x, 2 * x, num_checks=10)
    assert sorted(index for index, *_ in results) == list(np.ndindex(x.shape))


def test_sparse_gradient_check_is_reproducible_for_a_seed(rng):
    x = rng.standard_normal((30, 30))

    def indices(seed):
        return [index for index, *_ in sparse_gradient_check(lambda x: np.sum(x), x, np.ones_like(x), seed=seed)]

    assert indices(1) == indices(1)
    assert indices(1) != indices(2)


def test_sparse_gradient_check_rejects_gradient_of_the_wrong_shape(rng):
    x = rng.standard_normal((2, 3))
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2, 3\)"):
        sparse_gradient_check(lambda x: np.sum(x**2), x, 2 * x.T)


# --- all three restore x exactly --------------------------------------------


CHECKS = {
    "numerical_gradient": lambda f, x: numerical_gradient(f, x),
    "numerical_gradient_array": lambda f, x: numerical_gradient_array(lambda x: np.atleast_1d(f(x)), x, np.ones(1)),
    "sparse_gradient_check": lambda f, x: sparse_gradient_check(f, x, np.zeros_like(x)),
}


@pytest.mark.parametrize("check", CHECKS.values(), ids=CHECKS.keys())
def test_x_is_restored_bit_for_bit(rng, check):
    h = 1e-5
    x = 0.1 + rng.standard_normal((4, 5))
    original = x.copy()
    # Sanity check of the test itself: undoing the perturbation by arithmetic would round.
    assert not np.array_equal(x + h - 2 * h + h, original)
    check(lambda x: np.sum(x**3), x)
    assert np.array_equal(x, original)


@pytest.mark.parametrize("check", CHECKS.values(), ids=CHECKS.keys())
def test_x_is_restored_when_f_raises(rng, check):
    x = rng.standard_normal(3)
    original = x.copy()

    def fails_when_perturbed(x):
        if not np.array_equal(x, original):
            raise RuntimeError("boom")
        return np.sum(x)

    with pytest.raises(RuntimeError):
        check(fails_when_perturbed, x)
    assert np.array_equal(x, original)


# --- diagnose -------------------------------------------------------------------


@pytest.fixture
def expected(rng):
    return rng.standard_normal((2, 3))


def test_diagnose_accepts_a_match(expected):
    assert diagnose(expected.copy(), expected) is None
    assert diagnose(expected * (1 + 1e-9), expected) is None
    assert diagnose(expected.tolist(), expected) is None


def test_diagnose_respects_rtol(expected):
    actual = expected * (1 + 1e-5)
    assert diagnose(actual, expected, rtol=1e-4) is None
    assert diagnose(actual, expected, rtol=1e-6) is not None


@pytest.mark.parametrize("actual", [None, "0.5", {"dW": 1.0}])
def test_diagnose_reports_a_value_that_is_not_an_array(expected, actual):
    message = diagnose(actual, expected, name="dW")
    assert "dW returned" in message
    assert "shape (2, 3)" in message


def test_diagnose_reports_a_wrong_shape(expected):
    message = diagnose(expected[0], expected)
    assert message == "gradient has shape (3,) but should have shape (2, 3)."


def test_diagnose_names_a_transpose_only_when_the_values_are_transposed(expected):
    assert "it is the transpose" in diagnose(expected.T, expected)
    # X.T @ W instead of W.T @ X and the like: the shape is swapped but the values differ.
    assert "transpose" not in diagnose(expected.T + 1.0, expected)


def test_diagnose_names_a_stray_axis_only_when_the_values_are_right(expected):
    # keepdims=True left in: the same numbers with an axis of length 1 more.
    message = diagnose(expected[0][:, None], expected[0])
    assert "the values are right" in message and "axis of length 1" in message
    # Broadcasting (N,) against (N, 1) gives (N, N) numbers that are not the answer.
    assert "values are right" not in diagnose(expected[0][:, None] - expected[0], expected[0])
    assert "values are right" not in diagnose(expected[0][:, None] + 1.0, expected[0])


def test_diagnose_explains_a_function_returning_none(expected):
    assert "no return statement" in diagnose(None, expected)


@pytest.mark.parametrize(
    "as_wrong_dtype, words",
    [
        (lambda e: e.astype(object), "non-numeric dtype object"),
        (lambda e: e.astype(str), "non-numeric dtype <U"),
        (lambda e: e + 1j, "complex"),
        (lambda e: e > 0, "boolean"),
    ],
)
def test_diagnose_reports_a_wrong_dtype(expected, as_wrong_dtype, words):
    assert words in diagnose(as_wrong_dtype(expected), expected)


def test_diagnose_reports_nan_and_inf(expected):
    actual = expected.copy()
    actual[0, 2] = np.nan
    actual[1, 0] = np.inf
    first, cause = diagnose(actual, expected).splitlines()
    assert first == (f"gradient is not finite: got nan at index (0, 2) where "
                     f"{format_number(expected[0, 2])} is expected (1 NaN and 1 inf in all)")
    assert cause.startswith("NaN is what inf - inf")
    assert "log-probabilities" not in cause  # nothing here is a large loss


# Three rows of scores [1000, 0, -1000] with labels 0, 1, 2: the losses are exactly 0, 1000, 2000.
LARGE_SCORES = np.array([[1000.0, 0.0, -1000.0]] * 3)
LABELS = np.array([0, 1, 2])
LARGE_LOSSES = np.array([0.0, 1000.0, 2000.0])


def probabilities(scores, shift):
    with np.errstate(over="ignore", invalid="ignore"):
        exps = np.exp(scores - np.max(scores, axis=1, keepdims=True) * shift)
        return (exps / exps.sum(axis=1, keepdims=True))[np.arange(len(scores)), LABELS]


def losses(p):
    with np.errstate(divide="ignore", over="ignore"):
        return -np.log(p)


LOSSES = {
    # the row maximum subtracted, then the log of a probability that underflowed to 0
    "log of a shifted softmax": losses(probabilities(LARGE_SCORES, shift=True)),
    # no shift: exp(1000) overflows to inf
    "log of an unshifted softmax": losses(probabilities(LARGE_SCORES, shift=False)),
    # log Σ exp(scores) - the correct score, without the shift: exp(1000) = inf, so log(inf) - s_y = inf
    "log-sum-exp without the shift": np.full(3, np.inf),
}


@pytest.mark.parametrize("wrong", LOSSES.values(), ids=LOSSES.keys())
def test_diagnose_explains_large_losses_that_are_not_finite(wrong):
    """The cause named is the log-softmax, not the max shift, which the first one already does."""
    for actual, expected in [(wrong, LARGE_LOSSES), (np.mean(wrong), 1000.0)]:
        message = diagnose(actual, expected, name="loss")
        assert "compute log-probabilities as shifted − log Σ exp(shifted)" in message
        assert "subtracting the maximum alone avoids the overflow, not the underflow" in message


def test_diagnose_explains_inf_in_a_small_loss_without_log_softmax():
    # cross_entropy_error without the 1e-7, for a probability of exactly 0: -log(1e-7) = 16.1 expected.
    message = diagnose(losses(np.array([0.0, 0.5])), -np.log(np.array([0.0, 0.5]) + 1e-7), name="loss")
    assert "inf comes from np.exp overflowing, log(0) or a division by 0" in message
    assert "log-probabilities" not in message


def test_diagnose_names_the_1e_7_when_it_caps_the_loss():
    guarded = losses(probabilities(LARGE_SCORES, shift=True) + 1e-7)
    message = diagnose(guarded, LARGE_LOSSES, name="loss")
    assert "the 1e-7 inside the log caps each loss at -log(1e-7) = 16.12" in message
    assert "got 16.12, expected 2000" in message
    assert message.endswith("compute log-probabilities as shifted − log Σ exp(shifted), shifted = scores − row maximum")
    # It shifts moderate losses too: p = 1e-5 gives -log(p + 1e-7) = 11.503, not 11.513.
    p = np.array([1e-5, 0.3])
    assert "the 1e-7 inside the log" in diagnose(losses(p + 1e-7), losses(p), name="loss")


def test_diagnose_does_not_blame_the_1e_7_for_other_mistakes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a student's kernel shows numpy's warnings
        assert "1e-7" not in diagnose(np.array([1.0, -900.0]), np.array([2.0, -1000.0]))
    p = np.array([1e-5, 0.3])
    assert "1e-7" not in diagnose(losses(p) + 0.5, losses(p), name="loss")
    assert "1e-7" not in diagnose(np.log10(1 / (p + 1e-7)), losses(p), name="loss")
    assert "1e-7" not in diagnose(losses(p + 1e-3), losses(p), name="loss")


def test_diagnose_reports_all_zeros(expected):
    assert "every entry is 0" in diagnose(np.zeros_like(expected), expected)
    # A single number 0 is reported as got 0, with no guess about arrays never filled in.
    assert diagnose(0.0, 2.5, name="loss") == "loss does not match: relative error 1, allowed 1e-6\ngot 0, expected 2.5"
    assert "every entry" not in diagnose(np.where(expected > 0, 0.0, expected), expected)


def test_diagnose_reports_the_opposite_sign(expected):
    assert "opposite sign" in diagnose(-expected, expected)
    assert "opposite sign" not in diagnose(-expected + 0.1, expected)


@pytest.mark.parametrize("factor, written", [(2, "×2"), (0.5, "×1/2"), (1 / 3, "×1/3"), (0.4, "×0.4"), (-3, "×-3")])
def test_diagnose_reports_a_constant_factor(expected, factor, written):
    message = diagnose(factor * expected, expected)
    assert f"constant factor {written} " in message


def test_diagnose_recognises_summing_instead_of_averaging(expected):
    message = diagnose(8 * expected, expected, batch_size=8)
    assert "summed over the batch instead of averaged (divide by N=8)?" in message
    assert "factor 2" not in message


def test_diagnose_says_a_factor_2_is_ambiguous_for_a_batch_of_2(expected):
    # With N = 2 a doubled gradient and a sum over the batch look the same.
    assert "summed over the batch instead of averaged (divide by N=2) or a factor 2 too many or too few?" \
        in diagnose(2 * expected, expected, batch_size=2)


def test_diagnose_recognises_averaging_twice(expected):
    assert "divided by N=8 twice" in diagnose(expected / 8, expected, batch_size=8)
    assert "twice" not in diagnose(expected / 7, expected, batch_size=8)


def test_diagnose_recognises_log10_instead_of_log():
    p = np.array([0.1, 0.6])
    assert "np.log10 used instead of np.log" in diagnose(-np.log10(p), -np.log(p))
    assert "np.log10 used instead of np.log" in diagnose(-np.mean(np.log10(p)), -np.mean(np.log(p)))
    assert "np.log10" not in diagnose(-np.log2(p), -np.log(p))


def test_diagnose_recognises_a_missing_regularization_gradient(rng):
    # loss = data_loss + reg * sum(W**2), so dW = data_gradient + 2 * reg * W.
    W, data_gradient, reg = rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), 0.1
    dW = data_gradient + 2 * reg * W
    message = diagnose(data_gradient, dW, reg_gradient=2 * reg * W)
    assert "regularization" in message and "missing" in message
    message = diagnose(dW + 2 * reg * W, dW, reg_gradient=2 * reg * W)
    assert "regularization" in message and "twice" in message
    assert "regularization" not in diagnose(data_gradient, dW)
    assert "regularization" not in diagnose(data_gradient + reg * W, dW, reg_gradient=2 * reg * W)


def test_diagnose_reports_the_largest_difference_otherwise(expected):
    actual = expected.copy()
    actual[1, 2] += 0.5
    actual[0, 1] -= 0.1
    lines = diagnose(actual, expected, name="db").splitlines()
    got, wanted = format_pair(actual[1, 2], expected[1, 2])
    assert lines == [f"db does not match: relative error {format_number(rel_error(actual, expected), 2)}, "
                     "allowed 1e-6",
                     f"largest difference at index (1, 2): got {got}, expected {wanted}"]


def test_diagnose_handles_scalars():
    assert diagnose(2.0, np.float64(2.0)) is None
    message = diagnose(3.0, 2.0)  # a single number fits any factor, so none is claimed
    assert message.splitlines()[1] == "got 3, expected 2"
    assert "summed" in diagnose(8 * 2.0, 2.0, batch_size=8)  # but N still tells


def test_diagnose_prints_numbers_that_differ():
    # 0.219 against 0.219 said nothing: enough digits are printed for the two to differ.
    assert "got 0.2191, expected 0.2193" in diagnose(0.2191432, 0.2193221)
    assert "got 0.2193101, expected 0.2193" in diagnose(0.2193101, 0.2193)
    # numbers that two more digits write exactly are written exactly
    assert "got 4.75, expected 1.1875" in diagnose(4.75, 1.1875)
    assert "relative error 3.2e-5, allowed 1e-6" in diagnose(1.000064, 1.0)


@pytest.mark.parametrize("got, expected, written", [
    (0.219, 0.2191, ("0.219", "0.2191")),
    (1 / 3, 0.3334, ("0.3333", "0.3334")),
    (1e-12, 2e-12, ("1e-12", "2e-12")),
    (123456789.0, 123456788.0, ("123456789", "123456788")),
    (0.1 + 0.2, 0.3, ("0.30000000000000004", "0.3")),
])
def test_format_pair_uses_the_fewest_digits_that_differ(got, expected, written):
    assert format_pair(got, expected) == written


def test_format_number_writes_exponents_short():
    assert [format_number(x, 2) for x in (3.2e-5, 1e-6, 1.5e12, 0.41)] == ["3.2e-5", "1e-6", "1.5e+12", "0.41"]


@pytest.mark.parametrize(
    "actual",
    [None, np.zeros(4), np.full((2, 3), np.nan), np.ones((2, 3)), np.arange(6.0).reshape(2, 3) ** 2],
)
def test_every_diagnosis_names_the_quantity(expected, actual):
    assert diagnose(actual, expected, name="dX").startswith("dX ")
