"""The stand-ins for notebook 09's layers: right answers, used only where a student's layer fails."""
import numpy as np
import pytest

from autograder import standins

rng = np.random.default_rng(0)
X, W, B = rng.normal(size=(4, 2, 3)), rng.normal(size=(6, 5)), rng.normal(size=5)
DOUT = rng.normal(size=(4, 5))


@pytest.fixture
def in_a_test():
    """As while a test of TwoLayerNet asks a stand-in to answer."""
    token = standins._standing_in.set(True)
    yield
    standins._standing_in.reset(token)


def test_a_stand_in_is_no_answer_outside_the_tests():
    with pytest.raises(standins.NotAnAnswer, match="write the layer yourself"):
        standins.affine_backward(DOUT, (X, W, B))


def test_the_backward_stand_ins_are_the_exact_gradients_to_rounding(in_a_test):
    dx, dw, db = standins.affine_backward(DOUT, (X, W, B))
    rows = X.reshape(4, -1)
    assert np.allclose(dx, (DOUT @ W.T).reshape(X.shape), atol=1e-9)
    assert np.allclose(dw, rows.T @ DOUT, atol=1e-9) and np.allclose(db, DOUT.sum(axis=0), atol=1e-9)
    x = rows + 0.1 * np.sign(rows)                     # clear of the ReLU's kink
    assert np.allclose(standins.relu_backward(DOUT[:, :4], x[:, :4]), DOUT[:, :4] * (x[:, :4] > 0), atol=1e-9)
    scores, y = rng.normal(size=(4, 3)), np.array([0, 2, 1, 2])
    loss, dscores = standins.softmax_loss(scores, y)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(4), y])))
    assert np.allclose(dscores, (probs - np.eye(3)[y]) / 4, atol=1e-9)


@pytest.mark.parametrize("name, args, result, fits", [
    ("affine_forward", (X, W, B), (np.zeros((4, 5)), None), True),
    ("affine_forward", (X, W, B), np.zeros((4, 5)), False),             # no cache
    ("relu_forward", (DOUT,), (np.zeros(5), DOUT), False),              # a maximum over an axis
    ("affine_backward", (DOUT, (X, W, B)), (X, W.T, B), False),          # dw transposed
    ("affine_backward", (DOUT, "a cache of one's own"), None, True),     # nothing to compare with
    ("softmax_loss", (DOUT, None), (np.float64(1.0), DOUT), True),
])
def test_a_result_fits_when_its_form_and_shapes_are_the_documented_ones(name, args, result, fits):
    assert standins.fits(name, args, result) is fits


def test_only_a_layer_that_fails_is_replaced_and_every_name_is_put_back(capsys):
    def relu_forward(x):
        raise ValueError("a bug")

    def affine_forward(x, w, b):                       # a wrong value of the right shape: kept
        return x @ w + b + 0.5, "a cache of one's own"
    namespace = {"relu_forward": relu_forward, "affine_forward": affine_forward, "softmax_loss": "not a function"}
    with standins.standing_in(namespace):
        out, _ = namespace["relu_forward"](np.array([[-1.0, 2.0]]))
        assert np.array_equal(out, [[0.0, 2.0]])
        assert namespace["softmax_loss"] == "not a function"
        assert namespace["affine_forward"](np.zeros((1, 2)), np.zeros((2, 1)), np.zeros(1)) == (0.5, "a cache of one's own")
    assert namespace == {"relu_forward": relu_forward, "affine_forward": affine_forward,
                         "softmax_loss": "not a function"}
    assert "your relu_forward raised" in capsys.readouterr().out
