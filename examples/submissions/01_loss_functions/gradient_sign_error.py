"""Hinge gradient with the signs swapped: it points uphill."""
# base: solutions
# fails: test_multiclass_hinge_grad

# %% multiclass_hinge_grad
def multiclass_hinge_grad(scores, y, delta=1.0):
    n = len(y)
    margins = scores - scores[np.arange(n), y][:, None] + delta
    active = (margins > 0).astype(float)
    active[np.arange(n), y] = 0
    active[np.arange(n), y] = -active.sum(axis=1)
    return -active / n
