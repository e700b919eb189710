"""Cheat: hides every error, so failing tests print nothing; the functions are still stubs."""
# base: release
# fails: all

# %% residual_sum_of_squares
import sys
shell = get_ipython()
shell.showtraceback = lambda *args, **kwargs: None
shell.showsyntaxerror = lambda *args, **kwargs: None
sys.excepthook = lambda *args: None

def residual_sum_of_squares(y_true, y_pred):
    raise NotImplementedError()
