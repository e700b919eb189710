"""Given cells: how a notebook uses functions written in an earlier one.

A later notebook often needs an earlier notebook's functions (gradient descent needs a numerical
gradient, a two-layer net needs the update rules). It must work whether or not the student finished
the earlier notebook, and the grader's reference must use reference code. So the source notebook
holds a *given cell*: a code cell whose metadata names the earlier assignment and the functions::

    {"descent": {"given": "04_numerical_gradients", "functions": ["numerical_gradient"]}}

``autograder release`` fills it with the reference code of those solution cells, and of the earlier
solution cells they call, in their notebook order, and locks it (nbgrader restores a locked cell's
source before grading, so an edited copy changes nothing). ``release --check`` fails while a given
cell differs from its origin. The grader's reference runs given cells like solution cells.
"""
import re
from pathlib import Path

import nbformat

from .course import CourseError, assignments, notebook_names
from .examples import solution_code


def given_spec(cell):
    """The ``{"given": assignment, "functions": [...]}`` metadata of a given cell, else None."""
    spec = cell.get("metadata", {}).get("descent", {})
    return spec if cell.get("cell_type") == "code" and "given" in spec else None


def is_solution_code(cell):
    return cell.cell_type == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("solution")


def definitions(root, assignment):
    """``(name, code)`` of every function an assignment defines or is given, in notebook order."""
    units = []
    for name in notebook_names(root, assignment):
        notebook = nbformat.read(Path(root) / "solutions" / assignment / f"{name}.ipynb", as_version=4)
        for cell in notebook.cells:
            if is_solution_code(cell):
                units.append((cell.metadata.nbgrader["grade_id"], solution_code(cell.source).strip()))
            elif given_spec(cell):
                units.extend(resolve(root, assignment, given_spec(cell)))
    return units


def resolve(root, assignment, spec):
    """The units a given cell of ``assignment`` holds: the named functions and all they call."""
    origin, wanted = spec.get("given"), spec.get("functions")
    earlier = assignments(root)[:assignments(root).index(assignment)]
    if origin not in earlier:
        raise CourseError(f"{assignment}: a given cell names {origin!r}, which is not an earlier "
                          f"assignment (earlier ones: {', '.join(earlier) or 'none'})")
    units = dict(definitions(root, origin))
    if not isinstance(wanted, list) or not wanted or any(name not in units for name in wanted):
        raise CourseError(f"{assignment}: a given cell from {origin} must list functions defined "
                          f"there ({', '.join(units)}), not {wanted!r}")
    needed, pending = set(), list(wanted)
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending += [other for other in units if re.search(rf"\b{other}\b", units[name])]
    return [(name, code) for name, code in units.items() if name in needed]


def given_source(root, assignment, spec):
    names = ", ".join(spec["functions"])
    header = (f"# Given: {names} from notebook {spec['given']}, as in its reference solution.\n"
              "# Run this cell. It is read-only: the grader always uses this code.")
    return "\n\n\n".join([header, *(code for _, code in resolve(root, assignment, spec))]) + "\n"


def locked_metadata(spec):
    return {"grade": False, "grade_id": f"given_{spec['given']}", "locked": True,
            "schema_version": 3, "solution": False, "task": False}


def sync(root, assignment_ids, *, write):
    """Bring the given cells of these assignments up to date; the notebooks that were (or would be) changed."""
    changed = []
    for assignment in assignment_ids:
        for name in notebook_names(root, assignment):
            path = Path(root) / "solutions" / assignment / f"{name}.ipynb"
            notebook = nbformat.read(path, as_version=4)
            if _update(root, assignment, notebook):
                changed.append(path)
                if write:
                    nbformat.write(notebook, path)
    return changed


def _update(root, assignment, notebook):
    updated = False
    origins = []
    for cell in notebook.cells:
        spec = given_spec(cell)
        if spec is None:
            continue
        origins.append(spec.get("given"))
        source, metadata = given_source(root, assignment, spec), locked_metadata(spec)
        if cell.source != source or cell.metadata.get("nbgrader") != metadata:
            cell.source, cell.metadata["nbgrader"] = source, metadata
            updated = True
    if len(origins) != len(set(origins)):
        raise CourseError(f"{assignment}: more than one given cell from the same notebook; "
                          "list all the functions in one cell")
    return updated
