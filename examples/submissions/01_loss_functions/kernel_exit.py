"""sum_squared_error ends the whole Python process: the kernel dies, a fresh one grades the rest."""
# base: solutions
# fails: test_sum_squared_error

# %% sum_squared_error
import os

def sum_squared_error(y, t):
    os._exit(1)  # as a stray sys.exit in a C extension, or a crash, would
