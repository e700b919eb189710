"""Build submissions from the release notebook plus a short description, so they never go stale.

A submission spec is a text file of ``# %%`` sections::

    \"\"\"Softmax without the max shift: exp overflows for scores like 1000.\"\"\"
    # base: solutions
    # fails: test_softmax_hidden test_softmax_cross_entropy_loss_hidden

    # %% softmax
    def softmax(scores):
        ...

``base`` says what fills the answer cells no section names: ``solutions`` (the reference code) or
``release`` (left as students receive them). Each ``# %% <grade_id>`` section replaces that answer
cell; a ``# %% *`` section fills every other code answer cell, with ``__NAME__`` standing for the
cell's grade_id (the function it defines). ``fails`` lists the test cells expected to score 0, or
``all``; every other autograded cell is expected to get full points (the example tests check
exactly that).
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .course import notebook_names

SECTION = re.compile(r"^# %% (\S+)[^\n]*$", re.MULTILINE)
EVERY_OTHER = "*"


@dataclass
class Spec:
    name: str
    description: str
    base: str
    fails: set
    answers: dict = field(default_factory=dict)  # grade_id -> replacement source

    def failing(self, test_cells):
        """The test cells, of those given, this submission is expected to fail."""
        return set(test_cells) if self.fails == {"all"} else self.fails & set(test_cells)


def parse_spec(name, text):
    """Read a submission spec (see the module docstring)."""
    header, *rest = SECTION.split(text)
    sections = dict(zip(rest[::2], (body.strip("\n") for body in rest[1::2])))
    description = re.search(r'"""(.*?)"""', header, re.DOTALL)
    base = re.search(r"^# base: (\w+)", header, re.MULTILINE)
    fails = re.search(r"^# fails:(.*)$", header, re.MULTILINE)
    if base is None or base.group(1) not in ("solutions", "release"):
        raise ValueError(f"{name}: the header needs '# base: solutions' or '# base: release'")
    return Spec(name, description.group(1).strip() if description else "", base.group(1),
                set(fails.group(1).split()) if fails else set(), sections)


def solution_code(source):
    """A solution cell's code without nbgrader's solution markers."""
    return "\n".join(line for line in source.split("\n")
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def build_notebook(release, solutions, spec):
    """The release notebook with its answer cells filled as ``spec`` says."""
    reference = {_grade_id(c): c.source for c in solutions.cells if _is_answer(c)}
    notebook = nbformat.from_dict(release)
    unknown = set(spec.answers) - set(reference) - {EVERY_OTHER}
    if unknown:
        raise ValueError(f"{spec.name}: no answer cell named {', '.join(sorted(unknown))}")
    for cell in notebook.cells:
        if _is_answer(cell):
            grade_id = _grade_id(cell)
            if grade_id in spec.answers:
                cell.source = spec.answers[grade_id]
            elif EVERY_OTHER in spec.answers and cell.cell_type == "code":
                cell.source = spec.answers[EVERY_OTHER].replace("__NAME__", grade_id)
            elif spec.base == "solutions":
                cell.source = solution_code(reference[grade_id])
    return notebook


def build_submission(root, assignment, spec, target):
    """Write ``target/<spec.name>/<assignment>/<notebook>.ipynb`` for each notebook of the assignment."""
    root = Path(root)
    folder = Path(target) / spec.name / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name in notebook_names(root, assignment):
        release = nbformat.read(root / "notebooks" / assignment / f"{name}.ipynb", as_version=4)
        solutions = nbformat.read(root / "solutions" / assignment / f"{name}.ipynb", as_version=4)
        nbformat.write(build_notebook(release, solutions, spec), folder / f"{name}.ipynb")
    return folder


def example_specs(root, assignment):
    """The bundled example submissions of an assignment: examples/submissions/<assignment>/*.py."""
    folder = Path(root) / "examples" / "submissions" / assignment
    return [parse_spec(p.stem, p.read_text()) for p in sorted(folder.glob("*.py"))]


def build_examples(root, assignment, target):
    """Build every bundled example submission of ``assignment`` under ``target``."""
    specs = example_specs(root, assignment)
    for spec in specs:
        build_submission(root, assignment, spec, target)
    return specs


def _is_answer(cell):
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def _grade_id(cell):
    return cell.metadata.nbgrader["grade_id"]
