"""Tests for autograder.gradcheck.

Every expected gradient is derived by hand from the function being
differentiated, e.g. d/dx sum(sin(x)) = cos(x) and d/dx sum(df * (A @ x)) = A.T @ df.
"""
import numpy as np
import pytest

from autograder.gradcheck import (
    diagnose,
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
    assert "shape (3,) but should have shape (2, 3)" in message
    assert "transposed" not in message


def test_diagnose_suspects_a_transpose(expected):
    assert "transposed" in diagnose(expected.T, expected)


def test_diagnose_suspects_a_stray_axis_of_length_one(expected):
    assert "axis of length 1" in diagnose(expected[0][:, None], expected[0])


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
    message = diagnose(actual, expected)
    assert "2 NaN or inf" in message
    assert "index (0, 2)" in message


def test_diagnose_reports_all_zeros(expected):
    assert "all zeros" in diagnose(np.zeros_like(expected), expected)


def test_diagnose_reports_the_opposite_sign(expected):
    assert "opposite sign" in diagnose(-expected, expected)


@pytest.mark.parametrize("factor, written", [(2, "×2"), (0.5, "×1/2"), (1 / 3, "×1/3"), (0.4, "×0.4"), (-3, "×-3")])
def test_diagnose_reports_a_constant_factor(expected, factor, written):
    message = diagnose(factor * expected, expected)
    assert f"constant factor {written} " in message


def test_diagnose_recognises_summing_instead_of_averaging(expected):
    message = diagnose(8 * expected, expected, batch_size=8)
    assert "summed" in message
    assert "N=8" in message


def test_diagnose_recognises_averaging_twice(expected):
    assert "twice" in diagnose(expected / 8, expected, batch_size=8)


def test_diagnose_recognises_a_missing_regularization_gradient(rng):
    # loss = data_loss + reg * sum(W**2), so dW = data_gradient + 2 * reg * W.
    W, data_gradient, reg = rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), 0.1
    dW = data_gradient + 2 * reg * W
    message = diagnose(data_gradient, dW, reg_gradient=2 * reg * W)
    assert "regularization" in message and "missing" in message
    message = diagnose(dW + 2 * reg * W, dW, reg_gradient=2 * reg * W)
    assert "regularization" in message and "twice" in message
    assert "regularization" not in diagnose(data_gradient, dW)


def test_diagnose_reports_the_largest_difference_otherwise(expected):
    actual = expected.copy()
    actual[1, 2] += 0.5
    actual[0, 1] -= 0.1
    message = diagnose(actual, expected, name="db")
    assert message.startswith(f"db does not match (relative error {rel_error(actual, expected):.1e})")
    assert f"index (1, 2): got {actual[1, 2]:.3g}, expected {expected[1, 2]:.3g}" in message


def test_diagnose_handles_scalars():
    assert diagnose(2.0, np.float64(2.0)) is None
    message = diagnose(3.0, 2.0)  # a single number fits any factor, so none is claimed
    assert "got 3, expected 2" in message
    assert "index" not in message
    assert "summed" in diagnose(8 * 2.0, 2.0, batch_size=8)  # but N still tells


@pytest.mark.parametrize(
    "actual",
    [None, np.zeros(4), np.full((2, 3), np.nan), np.ones((2, 3)), np.arange(6.0).reshape(2, 3) ** 2],
)
def test_every_diagnosis_names_the_quantity(expected, actual):
    assert diagnose(actual, expected, name="dX").startswith("dX ")
