"""Each notebook's example class and mutation suite, graded by the real pipeline with exact scores.

One batch per notebook: its example submissions (examples/submissions/<assignment>/) and its mutants
(tests/mutants/<assignment>.py), graded once by ``autograder grade``; every test below reads that
batch's grades. ``pytest -k <assignment>`` grades one notebook only; under pytest-xdist
(``--dist loadgroup``) all tests of one notebook run in the worker that grades its batch.
"""
import re

import nbformat
import pytest

from autograder import examples
from autograder.course import assignments
from conftest import REPO, cell_points, max_points, outcomes, run_cli

MUTANTS = REPO / "tests" / "mutants"
ASSIGNMENTS = assignments(REPO)
EACH_ASSIGNMENT = [pytest.param(a, marks=pytest.mark.xdist_group(a)) for a in ASSIGNMENTS]
VARIANT = re.compile(r"^# %% (\w+) (correct|wrong): ([^|\n]*)(?:\| fails: ([^\n]*))?$", re.MULTILINE)


def example_names(assignment):
    return [spec.name for spec in examples.example_specs(REPO, assignment)]


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


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """``graded_class(assignment)``: (specs by name, work folder) of its batch, graded on first use."""
    batches = {}

    def grade(assignment):
        if assignment not in batches:
            submissions = tmp_path_factory.mktemp(f"class_{assignment}")
            specs = examples.example_specs(REPO, assignment) + mutant_specs(assignment)
            for spec in specs:
                examples.build_submission(REPO, assignment, spec, submissions)
            work = tmp_path_factory.mktemp(f"work_{assignment}")
            run_cli(REPO, "grade", submissions, "--out", work, "--seed", 2026, "--timeout", 5,
                    "--quiet")
            batches[assignment] = {spec.name: spec for spec in specs}, work
        return batches[assignment]

    return grade


def expected_points(assignment, spec):
    points = max_points(REPO, assignment)
    return {cell: 0.0 if cell in spec.failing(points) else full for cell, full in points.items()}


def test_every_notebook_has_a_mutation_suite():
    assert sorted(p.stem for p in MUTANTS.glob("*.py")) == ASSIGNMENTS


@pytest.mark.parametrize("assignment", EACH_ASSIGNMENT)
def test_every_submission_was_graded(graded_class, assignment):
    specs, work = graded_class(assignment)
    results = outcomes(work)
    assert {name: results[name]["status"] for name in specs} == {name: "graded" for name in specs}


@pytest.mark.parametrize("assignment, name", [pytest.param(a, n, marks=pytest.mark.xdist_group(a))
                                              for a in ASSIGNMENTS for n in example_names(a)])
def test_example_submission_scores_exactly(graded_class, assignment, name):
    specs, work = graded_class(assignment)
    assert cell_points(work)[name] == expected_points(assignment, specs[name])


@pytest.mark.parametrize("assignment", EACH_ASSIGNMENT)
def test_mutants_are_caught_and_alternatives_accepted(graded_class, assignment):
    specs, work = graded_class(assignment)
    points = cell_points(work)
    wrong = {name: points[name] for name, spec in specs.items()
             if name.startswith("mutant") and points[name] != expected_points(assignment, spec)}
    assert wrong == {}


def graded_functions(assignment):
    functions = set()
    for path in (REPO / "solutions" / assignment).glob("*.ipynb"):
        functions |= {c.metadata.nbgrader["grade_id"] for c in nbformat.read(path, as_version=4).cells
                      if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    return functions


@pytest.mark.parametrize("assignment", EACH_ASSIGNMENT)
def test_every_graded_function_has_three_wrong_and_one_correct_variant(assignment):
    counts = {function: [0, 0] for function in graded_functions(assignment)}
    for spec in mutant_specs(assignment):
        (function,) = spec.answers
        counts[function][0 if spec.fails else 1] += 1
    assert all(wrong >= 3 and right >= 1 for wrong, right in counts.values()), counts
