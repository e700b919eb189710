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
cell's grade_id (the function it defines). A section can also be an *edit* of the reference cell,
which shows the mistake at a glance and follows every later change to the reference::

    # %% softmax
    -    shifted = scores - scores.max(axis=1, keepdims=True)
    +    shifted = scores

Every non-blank line of an edit starts with ``-`` or ``+``. A run of ``-`` lines and the run of
``+`` lines after it make one hunk: the ``-`` lines (indentation included, trailing spaces not)
must occur, consecutively, exactly once in the reference cell, and the ``+`` lines replace them. ``fails`` lists the test cells expected to score 0, or
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


def is_edit(section):
    """Whether a section is an edit of the reference cell (see the module docstring)."""
    lines = [line for line in section.split("\n") if line.strip()]
    return bool(lines) and all(line[0] in "-+" for line in lines)


def apply_edit(code, edit):
    """``code`` with every hunk of ``edit`` applied; ValueError names a hunk that does not fit."""
    lines = code.split("\n")
    for removed, added in _hunks(edit):
        found = [i for i in range(len(lines) - len(removed) + 1)
                 if [line.rstrip() for line in lines[i:i + len(removed)]] == removed]
        if len(found) != 1:
            where = "nowhere" if not found else f"{len(found)} times"
            raise ValueError(f"the lines to replace occur {where} in the reference: {removed}")
        lines[found[0]:found[0] + len(removed)] = added
    return "\n".join(lines)


def _hunks(edit):
    """[(lines removed, lines added)] of an edit, in order."""
    hunks = []
    for line in filter(str.strip, edit.split("\n")):
        sign, text = line[0], line[1:].rstrip()
        if sign == "-" and (not hunks or hunks[-1][1]):
            hunks.append(([], []))
        if not hunks:
            raise ValueError(f"an edit starts with the lines it replaces ('-'), not with: {line}")
        hunks[-1][1 if sign == "+" else 0].append(text)
    return hunks


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
                cell.source = _answer(spec, grade_id, solution_code(reference[grade_id]))
            elif EVERY_OTHER in spec.answers and cell.cell_type == "code":
                cell.source = spec.answers[EVERY_OTHER].replace("__NAME__", grade_id)
            elif spec.base == "solutions":
                cell.source = solution_code(reference[grade_id])
    return notebook


def _answer(spec, grade_id, reference):
    section = spec.answers[grade_id]
    if not is_edit(section):
        return section
    try:
        return apply_edit(reference, section)
    except ValueError as error:
        raise ValueError(f"{spec.name}, {grade_id}: {error}") from None


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
