"""An IPython extension for grading kernels: matplotlib is imported when a graded cell first uses it.

Every notebook's first cell imports ``matplotlib.pyplot`` and the next one sets ``plt.rcParams``,
yet every plot is in a demo cell, which grading skips. Importing matplotlib, pyplot and the inline
backend would take most of the time a kernel spends on a correct submission's cells. So grading
starts its kernels with ``--ext autograder.lazy_matplotlib``, and this extension puts stand-ins
(:class:`Deferred`) for ``matplotlib`` and ``matplotlib.pyplot`` in ``sys.modules``:

* ``import matplotlib.pyplot as plt`` binds the stand-in; so does ``import matplotlib``;
* ``plt.rcParams[key] = value`` (or ``matplotlib.rcParams[...]``) is kept, and applied the moment
  matplotlib is imported, as it would have been right after the import;
* any other use (``plt.plot``, ``matplotlib.colors``, ``from matplotlib.ticker import ...``, a
  module attribute or ``dir``) imports the real module, and the stand-in passes everything on to
  it from then on. The module's metadata (``__name__``, ``__spec__``, ``__file__``, ...) does not
  import it: it is known from the module's spec, found without running the module.

A cell that plots therefore works as before, and the only difference a submission can see is when
matplotlib's own code runs. A submodule import that comes first (``import matplotlib.colors``) goes
through :class:`SubmoduleFinder`, which imports the real package before the submodule is looked
for: the package imports some of its submodules itself, and they must not be imported twice.
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

PACKAGE, PYPLOT = "matplotlib", "matplotlib.pyplot"


class Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for the module ``spec`` describes until it is first used.

    ``early`` maps attribute names to functions giving their value while the module is not
    imported; ``before`` runs before the import and ``after(module)`` right after it.
    """

    def __init__(self, spec, early, before=lambda: None, after=lambda module: None):
        super().__init__(spec.name)
        state = object.__getattribute__(self, "__dict__")
        state.update(_spec=spec, _early={**metadata(spec), **early}, _before=before, _after=after,
                     _real=None)

    def __getattribute__(self, name):
        state = object.__getattribute__(self, "__dict__")
        if state["_real"] is None and name in state["_early"]:
            return state["_early"][name]()
        return getattr(imported(self), name)

    def __setattr__(self, name, value):
        setattr(imported(self), name, value)

    def __delattr__(self, name):
        delattr(imported(self), name)

    def __dir__(self):
        return dir(imported(self))


def metadata(spec):
    """What a module made from ``spec`` will have as its own attributes, as early answers."""
    def path():
        if spec.submodule_search_locations is None:
            raise AttributeError(f"module {spec.name!r} has no attribute '__path__'")
        return list(spec.submodule_search_locations)
    return {"__class__": lambda: Deferred, "__name__": lambda: spec.name, "__spec__": lambda: spec, "__loader__": lambda: spec.loader,
            "__package__": lambda: spec.parent, "__file__": lambda: spec.origin,
            "__cached__": lambda: spec.cached, "__path__": path}


def is_pending(stand_in):
    """Whether ``stand_in`` has not imported its module yet."""
    return object.__getattribute__(stand_in, "__dict__")["_real"] is None


def imported(stand_in):
    """The real module behind ``stand_in``, imported now if it was not yet."""
    state = object.__getattribute__(stand_in, "__dict__")
    if state["_real"] is None:
        state["_before"]()
        name = state["_spec"].name
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        module = importlib.import_module(name)
        state["_real"] = module
        state["_after"](module)
    return state["_real"]


class DeferredSettings:
    """``rcParams`` while matplotlib is not imported: an assignment ``[key] = value`` is kept for
    ``apply``; any other use imports matplotlib (applying what was kept) and goes to its rcParams."""

    def __init__(self, package):
        self.package, self.kept = package, {}

    def __setitem__(self, key, value):
        if is_pending(self.package):
            self.kept[key] = value
        else:
            imported(self.package).rcParams[key] = value

    def __getattr__(self, name):
        return getattr(imported(self.package).rcParams, name)

    def apply(self, rc_params):
        for key, value in self.kept.items():
            rc_params[key] = value
        self.kept.clear()


def _passed_on(method):
    return lambda self, *args: getattr(imported(self.package).rcParams, method)(*args)


for _method in ("__getitem__", "__delitem__", "__contains__", "__iter__", "__len__", "__repr__",
                "__str__", "__eq__"):
    setattr(DeferredSettings, _method, _passed_on(_method))
del _method


class SubmoduleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """First on ``sys.meta_path`` while the package is deferred: a submodule import imports the
    real package first, then the submodule (or takes the one the package imported itself)."""

    def __init__(self, package):
        self.package, self.specs = package, {}

    def find_spec(self, name, path=None, target=None):
        # Inactive once the package's real import has begun (it imports submodules of its own)
        if not name.startswith(PACKAGE + ".") or sys.modules.get(PACKAGE) is not self.package:
            return None
        return importlib.machinery.ModuleSpec(name, self)

    def create_module(self, spec):
        imported(self.package)
        module = importlib.import_module(spec.name)  # already there, or imported now
        self.specs[spec.name] = module.__spec__  # the import system is about to overwrite it
        return module

    def exec_module(self, module):
        module.__spec__ = self.specs.pop(module.__name__)


def defer_matplotlib():
    """Put the stand-ins in place (nothing happens if matplotlib is imported or not installed)."""
    if PACKAGE in sys.modules:
        return
    package_spec = importlib.util.find_spec(PACKAGE)
    if package_spec is None:
        return
    pyplot_spec = importlib.machinery.PathFinder.find_spec(PYPLOT, package_spec.submodule_search_locations)
    settings = None
    finder = None

    def rc_params():
        return settings if is_pending(package) else imported(package).rcParams

    def package_imported(module):
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)
        settings.apply(module.rcParams)
        if is_pending(pyplot):  # as the import system does once pyplot is imported
            module.pyplot = pyplot

    package = Deferred(package_spec, {"rcParams": rc_params, "pyplot": lambda: pyplot},
                       after=package_imported)
    pyplot = Deferred(pyplot_spec, {"rcParams": rc_params}, before=lambda: imported(package))
    settings, finder = DeferredSettings(package), SubmoduleFinder(package)
    sys.meta_path.insert(0, finder)
    sys.modules[PACKAGE], sys.modules[PYPLOT] = package, pyplot


def load_ipython_extension(ipython):
    defer_matplotlib()
