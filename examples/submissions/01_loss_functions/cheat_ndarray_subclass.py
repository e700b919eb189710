"""Cheat: returns an ndarray subclass whose comparisons and arithmetic all report a match."""
# base: release
# fails: all

# %% *
class Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.broadcast_shapes(*(np.shape(i) for i in inputs))).view(Liar)

def __NAME__(*args, **kwargs):
    return np.zeros(np.shape(args[0])).view(Liar)
