"""Notebook 01's example class and mutation suite, graded by the real pipeline with exact scores."""
import re

import nbformat
import pytest

from autograder import examples
from conftest import REPO, cell_points, max_points, outcomes, run_cli

ASSIGNMENT = "01_loss_functions"
MUTANTS = REPO / "tests" / "mutants" / f"{ASSIGNMENT}.py"
VARIANT = re.compile(r"^# %% (\w+) (correct|wrong): ([^|\n]*)(?:\| fails: ([^\n]*))?$", re.MULTILINE)


def mutant_specs():
    """Each section of the mutants file: one function rewritten, everything else the solution."""
    text = MUTANTS.read_text()
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
    """The example class and every mutant, graded in one batch through the real pipeline."""
    submissions = tmp_path_factory.mktemp("class")
    specs = examples.example_specs(REPO, ASSIGNMENT) + mutant_specs()
    for spec in specs:
        examples.build_submission(REPO, ASSIGNMENT, spec, submissions)
    work = tmp_path_factory.mktemp("class_work")
    run_cli(REPO, "grade", submissions, "--out", work, "--seed", 2026, "--timeout", 5, "--quiet")
    return {spec.name: spec for spec in specs}, work


def expected_points(spec):
    points = max_points(REPO, ASSIGNMENT)
    return {cell: 0.0 if cell in spec.failing(points) else full for cell, full in points.items()}


def test_every_submission_was_graded(graded_class):
    specs, work = graded_class
    results = outcomes(work)
    assert {name: results[name]["status"] for name in specs} == {name: "graded" for name in specs}


@pytest.mark.parametrize("name", [p.stem for p in
                                  sorted((REPO / "examples" / "submissions" / ASSIGNMENT).glob("*.py"))])
def test_example_submission_scores_exactly(graded_class, name):
    specs, work = graded_class
    assert cell_points(work)[name] == expected_points(specs[name])


def test_mutants_are_caught_and_alternatives_accepted(graded_class):
    specs, work = graded_class
    points = cell_points(work)
    wrong = {name: points[name] for name, spec in specs.items()
             if name.startswith("mutant") and points[name] != expected_points(spec)}
    assert wrong == {}


def graded_functions():
    notebook = nbformat.read(REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    return {c.metadata.nbgrader["grade_id"] for c in notebook.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


def test_every_graded_function_has_three_wrong_and_one_correct_variant():
    counts = {function: [0, 0] for function in graded_functions()}
    for spec in mutant_specs():
        (function,) = spec.answers
        counts[function][0 if spec.fails else 1] += 1
    assert all(wrong >= 3 and right >= 1 for wrong, right in counts.values()), counts
