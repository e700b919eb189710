"""Cheat: returns an object that claims to equal, and be close to, anything."""
# base: release
# fails: all

# %% *
class Agreeable(float):
    def __eq__(self, other):
        return True
    __le__ = __ge__ = __lt__ = __gt__ = __eq__

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

def __NAME__(*args, **kwargs):
    return Agreeable()
