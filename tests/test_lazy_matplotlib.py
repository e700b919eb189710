"""Grading kernels import matplotlib on first use: invisible to a cell that plots."""
import subprocess
import sys
import textwrap

import nbformat
from nbformat.v4 import new_code_cell

from autograder import sandbox
from autograder.execute import FaultTolerantClient, TimeBudget


def run_python(code):
    """Run ``code`` in a fresh interpreter with matplotlib deferred; what it printed."""
    setup = "import sys\nfrom autograder import lazy_matplotlib\nlazy_matplotlib.defer_matplotlib()\n"
    result = subprocess.run([sys.executable, "-c", setup + textwrap.dedent(code)],
                            capture_output=True, text=True, timeout=120, env={"MPLBACKEND": "agg"})
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_a_grading_kernel_imports_matplotlib_only_for_a_cell_that_plots(tmp_path):
    cells = [new_code_cell("import sys\nimport numpy as np\nimport matplotlib.pyplot as plt"),
             new_code_cell('plt.rcParams["figure.figsize"] = (2.0, 1.5)'),
             new_code_cell("print(sorted(m for m in sys.modules if m.startswith('matplotlib')))"),
             new_code_cell("plt.plot([0, 1])\nplt.gcf().get_size_inches().tolist()")]
    client = FaultTolerantClient(nbformat.v4.new_notebook(cells=cells), run=tmp_path,
                                 sandbox=sandbox.Sandbox("off"), isolated=False, uid=None,
                                 env=sandbox.kernel_environment(tmp_path), timeout=60,
                                 budget=TimeBudget(120))
    sandbox.prepare_run_folder(tmp_path, None)
    assert client.execute_all() == []
    assert cells[2].outputs[0].text == "['matplotlib', 'matplotlib.pyplot']\n"  # the stand-ins
    kinds = {o.output_type: o for o in cells[3].outputs}
    assert kinds["execute_result"].data["text/plain"] == "[2.0, 1.5]"  # the setting was kept
    assert "image/png" in kinds["display_data"].data  # the inline backend shows the figure


def test_stand_ins_answer_metadata_and_keep_settings_until_used():
    assert run_python("""
        import matplotlib.pyplot as plt
        import matplotlib
        plt.rcParams["lines.linewidth"] = 3.5
        matplotlib.rcParams["figure.dpi"] = 50
        print(plt.__name__, matplotlib.__spec__.name, isinstance(plt, int), len(sys.modules["matplotlib"].__path__))
        print(sorted(m for m in sys.modules if m.startswith("matplotlib")))
        print(plt.rcParams["lines.linewidth"], matplotlib.rcParams["figure.dpi"])
        print("matplotlib.colors" in sys.modules, "matplotlib.figure" in sys.modules)
        print(plt.figure().dpi, "matplotlib.figure" in sys.modules, plt.plot is sys.modules["matplotlib.pyplot"].plot)
        from matplotlib import pyplot
        print(pyplot is sys.modules["matplotlib.pyplot"] is matplotlib.pyplot)
    """) == ["matplotlib.pyplot", "matplotlib", "False", "1", "['matplotlib',", "'matplotlib.pyplot']",
             "3.5", "50.0", "True", "False", "50.0", "True", "True", "True"]


def test_a_submodule_imported_first_is_imported_once():
    # matplotlib's own import imports matplotlib.colors: the stand-in must not make a second one
    assert run_python("""
        import matplotlib.pyplot as plt
        import matplotlib.colors as colors
        from matplotlib.cm import ScalarMappable
        import matplotlib.cm
        print(colors is sys.modules["matplotlib.colors"] is matplotlib.cm.colors)
        print(type(colors.__spec__.loader).__name__, type(sys.modules["matplotlib"]).__name__)
        print(ScalarMappable is matplotlib.cm.ScalarMappable, type(sys.modules["matplotlib.pyplot"]).__name__)
    """) == ["True", "SourceFileLoader", "module", "True", "Deferred"]
