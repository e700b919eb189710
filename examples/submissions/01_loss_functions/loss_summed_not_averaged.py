"""Cross-entropy summed over the batch instead of averaged: right only for a single sample."""
# base: solutions
# fails: test_cross_entropy_error

# %% cross_entropy_error
def cross_entropy_error(y, t):
    if y.ndim == 1:
        y, t = y[None, :], np.reshape(t, (1, -1)) if np.ndim(t) == 1 else np.atleast_1d(t)
    if t.shape == y.shape:
        t = t.argmax(axis=1)
    return -np.sum(np.log(y[np.arange(len(t)), t] + 1e-7))
