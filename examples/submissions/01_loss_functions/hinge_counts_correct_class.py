"""The hinge sum runs over every class, the correct one too: each loss is delta too large."""
# base: solutions
# fails: test_multiclass_hinge_loss test_multiclass_hinge_loss_options

# %% multiclass_hinge_loss
def multiclass_hinge_loss(scores, y, delta=1.0, squared=False):
    correct = scores[np.arange(len(y)), y][:, None]
    margins = np.maximum(0, scores - correct + delta)
    if squared:
        margins = margins ** 2
    return margins.sum(axis=1)
