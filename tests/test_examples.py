"""Each notebook's example class and mutation suite, graded by the real pipeline with exact scores.

Per notebook, its example submissions (examples/submissions/<assignment>/) and its mutants
(tests/mutants/<assignment>.py) are each graded as one batch by ``autograder grade``, in one test,
so that pytest-xdist can hand every batch to whichever worker is free. ``pytest -k <assignment>``
grades one notebook only.
"""
import re

import nbformat
import pytest

from autograder import examples
from autograder.course import assignments
from conftest import REPO, cell_points, max_points, outcomes, run_cli

MUTANTS = REPO / "tests" / "mutants"
ASSIGNMENTS = assignments(REPO)
VARIANT = re.compile(r"^# %% (\w+) (correct|wrong): ([^|\n]*)(?:\| fails: ([^\n]*))?$", re.MULTILINE)


def mutant_specs(assignment):
    """Each section of the mutants file: one function rewritten, everything else the solution."""
    text = (MUTANTS / f"{assignment}.py").read_text()
    malformed = [line for line in text.splitlines()
                 if line.startswith("# %%") and not VARIANT.match(line)]
    assert not malformed, f"{assignment}: mutant headers not of the form " \
        f"'# %% <function> correct|wrong: <what without |> [| fails: <cells>]': {malformed}"
    heads = list(VARIANT.finditer(text))
    specs = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        function, verdict, label, fails = head.groups()
        assert verdict == "correct" or fails, f"{head.group(0)}: a wrong variant must say what fails"
        specs.append(examples.Spec(f"mutant{i:02d}_{function}", label.strip(), "solutions",
                                   set((fails or "").split()),
                                   {function: text[head.end():end].strip("\n")}))
    return specs


def grade_exactly(assignment, specs, folder):
    """Grade ``specs`` as one batch; {name: what differs from the expected verdict} (empty if none)."""
    submissions, work = folder / "submissions", folder / "work"
    for spec in specs:
        examples.build_submission(REPO, assignment, spec, submissions)
    run_cli(REPO, "grade", submissions, "--out", work, "--seed", 2026, "--timeout", 5, "--quiet",
            "--jobs", 1, "--no-feedback")  # scores are what is checked here
    results, points = outcomes(work), cell_points(work)
    wrong = {}
    for spec in specs:
        if results[spec.name]["status"] != "graded":
            wrong[spec.name] = results[spec.name]["status"]
        elif points[spec.name] != expected_points(assignment, spec):
            wrong[spec.name] = {"label": spec.description, "points": points[spec.name]}
    return wrong


def expected_points(assignment, spec):
    points = max_points(REPO, assignment)
    return {cell: 0.0 if cell in spec.failing(points) else full for cell, full in points.items()}


def test_every_notebook_has_a_mutation_suite():
    assert sorted(p.stem for p in MUTANTS.glob("*.py")) == ASSIGNMENTS


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if examples.example_specs(REPO, a)])
def test_example_submissions_score_exactly(assignment, tmp_path):
    assert grade_exactly(assignment, examples.example_specs(REPO, assignment), tmp_path) == {}


def packed(specs):
    """The wrong variants, one submission each; the correct ones of different functions together, as
    few submissions as the function with the most correct variants needs (each keeps every point,
    so together they must too; a kernel saved is some 3 s of the test suite)."""
    rounds = []  # each {function: its correct variant}
    for spec in (s for s in specs if not s.fails):
        (function,) = spec.answers
        free = next((r for r in rounds if function not in r), None)
        if free is None:
            rounds.append(free := {})
        free[function] = spec
    together = [examples.Spec(f"correct{i:02d}", "; ".join(f"{f}: {s.description}" for f, s in r.items()),
                              "solutions", set(), {f: s.answers[f] for f, s in r.items()})
                for i, r in enumerate(rounds)]
    return [s for s in specs if s.fails] + together


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_mutants_are_caught_and_alternatives_accepted(assignment, tmp_path):
    assert grade_exactly(assignment, packed(mutant_specs(assignment)), tmp_path) == {}


def graded_functions(assignment):
    functions = set()
    for path in (REPO / "solutions" / assignment).glob("*.ipynb"):
        functions |= {c.metadata.nbgrader["grade_id"] for c in nbformat.read(path, as_version=4).cells
                      if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    return functions


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_function_has_three_wrong_and_one_correct_variant(assignment):
    counts = {function: [0, 0] for function in graded_functions(assignment)}
    for spec in mutant_specs(assignment):
        (function,) = spec.answers
        counts[function][0 if spec.fails else 1] += 1
    assert all(wrong >= 3 and right >= 1 for wrong, right in counts.values()), counts


REFERENCE = "def f(x):\n    y = x + 1\n    z = y * 2\n    return z"


def test_an_edit_replaces_deletes_and_inserts_lines_of_the_reference():
    edit = "-    y = x + 1\n+    y = x - 1\n-    return z\n+    print(z)\n+    return -z"
    assert examples.is_edit(edit) and not examples.is_edit(REFERENCE)
    assert examples.apply_edit(REFERENCE, edit) == \
        "def f(x):\n    y = x - 1\n    z = y * 2\n    print(z)\n    return -z"
    assert examples.apply_edit(REFERENCE, "-    z = y * 2") == "def f(x):\n    y = x + 1\n    return z"


@pytest.mark.parametrize("edit, problem", [
    ("-    y = x + 2\n+    y = x", "nowhere"),
    ("-y = x + 1\n+y = x", "nowhere"),  # indentation counts
    ("+    y = x", "starts with the lines it replaces"),
])
def test_an_edit_that_does_not_fit_the_reference_says_why(edit, problem):
    with pytest.raises(ValueError, match=problem):
        examples.apply_edit(REFERENCE, edit)


def test_an_edit_of_lines_that_occur_twice_is_ambiguous():
    with pytest.raises(ValueError, match="2 times"):
        examples.apply_edit("a = 1\nb = 2\na = 1", "-a = 1\n+a = 3")
