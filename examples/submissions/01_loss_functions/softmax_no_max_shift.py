"""Softmax straight from the formula: exp overflows for scores like 1000 and gives NaN.

The gradient softmax_cross_entropy_grad reuses this softmax, so it fails for large scores too."""
# base: solutions
# fails: test_softmax_large_scores test_softmax_cross_entropy_grad

# %% softmax
def softmax(scores):
    exps = np.exp(scores)
    return exps / np.sum(exps, axis=-1, keepdims=True)
