"""Cheat: makes numpy's comparisons always succeed, and returns zeros everywhere."""
# base: release
# fails: all

# %% *
np.allclose = lambda *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None

def __NAME__(*args, **kwargs):
    return np.zeros(np.shape(args[0]))
