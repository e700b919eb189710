"""Cheat: replaces the autograder's run_test and checks with ones that always pass."""
# base: release
# fails: all

# %% *
import autograder.testing

def _pretend(test, *graded):
    print(f"\u2713 {test.__name__} passed")

autograder.testing.run_test = run_test = _pretend
autograder.testing.assert_close = assert_close = lambda *args, **kwargs: None

def __NAME__(*args, **kwargs):
    return 0.0
