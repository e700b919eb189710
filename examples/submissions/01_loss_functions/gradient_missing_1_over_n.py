"""Softmax gradient without the 1/N of the batch mean: N times too large."""
# base: solutions
# fails: test_softmax_cross_entropy_grad

# %% softmax_cross_entropy_grad
def softmax_cross_entropy_grad(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    probs[np.arange(len(y)), y] -= 1
    return probs
