"""A while loop that never ends in mean_absolute_error: stopped by the time limit, the rest graded."""
# base: solutions
# fails: test_mean_absolute_error

# %% mean_absolute_error
def mean_absolute_error(y, t):
    total, i = 0.0, 0
    while i < np.size(y):
        total += abs(np.ravel(y)[i] - np.ravel(t)[i])
    return total / np.size(y)
