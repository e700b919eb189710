"""A cell that hangs past its interrupt or kills its kernel costs only its own questions."""
import nbformat
from nbformat.v4 import new_code_cell

from autograder import examples
from autograder.execute import cells_needed, cell_names
from conftest import REPO, cell_points, max_points, outcomes, run_cli

ASSIGNMENT = "01_loss_functions"


def test_a_dead_kernel_and_an_unstoppable_loop_cost_only_their_questions(tmp_path):
    specs = [s for s in examples.example_specs(REPO, ASSIGNMENT)
             if s.name in ("kernel_exit", "loop_ignoring_interrupt")]
    submissions, work = tmp_path / "submissions", tmp_path / "work"
    for spec in specs:
        examples.build_submission(REPO, ASSIGNMENT, spec, submissions)
    code, out, err = run_cli(REPO, "grade", submissions, "--out", work, "--seed", 5,
                             "--timeout", 3, "--quiet", "--jobs", 1)
    results, points, full = outcomes(work), cell_points(work), max_points(REPO, ASSIGNMENT)
    assert code == 0, err
    assert "2 submissions had cells stopped by the grader" in out
    assert (f"  kernel_exit: {ASSIGNMENT} test_sum_squared_error: the kernel died "
            "(exit code 1)\n") in out
    for spec in specs:
        assert points[spec.name] == {c: 0.0 if c in spec.fails else p for c, p in full.items()}
    assert results["kernel_exit"]["faults"] == [
        f"{ASSIGNMENT} test_sum_squared_error: the kernel died (exit code 1)"]
    assert results["loop_ignoring_interrupt"]["faults"] == [
        f"{ASSIGNMENT} test_softmax_cross_entropy_grad: the cell ran past its time limit of 3 s "
        "and did not stop when interrupted, so its kernel was stopped"]
    feedback = (work / "feedback" / "kernel_exit" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "the kernel died (exit code 1)" in feedback


def notebook(*sources, tests=()):
    cells = [new_code_cell(source) for source in sources]
    for index in tests:
        cells[index].metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": f"t{index}"}
    return nbformat.v4.new_notebook(cells=cells).cells


def test_only_the_cells_that_define_what_is_used_later_are_rerun():
    cells = notebook(
        "import numpy as np",              # 0: np is used by 2 and 5
        "seed = 1\nunused = 2",            # 1: nothing after the fault reads these
        "def f(x):\n    return np.sum(x)",  # 2: f is used by 5
        "run_test(check_f, f)",            # 3: a test that defines nothing
        "y = f([1, 2])\nrun_test(g, y)",   # 4: a test that defines y, which 5 reassigns first
        "y = 3\nprint(f(y), np.pi)",        # 5
        tests=(3, 4))
    assert cells_needed(cells, 5, excluded=set()) == [0, 2]
    assert cells_needed(cells, 5, excluded={2}) == [0]


def test_setup_cells_that_define_nothing_are_rerun_and_magics_are_kept():
    cells = notebook("np.random.seed(0)", "%matplotlib inline", "run_test(t, f)", "print(1)",
                     tests=(2,))
    assert cells_needed(cells, 3, excluded=set()) == [0, 1]


def test_names_used_before_they_are_defined():
    defined, used = cell_names("x = f(x)\ndef g(a):\n    b = a + z\n    return b\n"
                               "w = [i * k for i in range(3)]")
    assert defined == {"x", "g", "w", "b", "i"} and used == {"f", "x", "z", "range", "k"}
    assert cell_names("%timeit 1") == (None, set())
