"""Softmax straight from the formula: exp overflows for scores like 1000 and gives NaN."""
# base: solutions
# fails: test_softmax_large_scores

# %% softmax
def softmax(scores):
    exps = np.exp(scores)
    return exps / np.sum(exps, axis=-1, keepdims=True)
