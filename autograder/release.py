"""Generate the students' ``notebooks/`` from ``solutions/`` with nbgrader, or check they match.

Releasing first fills the given cells of ``solutions/`` (see :mod:`autograder.given`) and its
glossary cells (see :mod:`autograder.glossary`); then
nbgrader replaces each solution region with a stub and removes hidden tests. Generated files are
committed; ``release --check`` is how a test (and CI) notices a notebook edited by hand, a solution
changed without releasing again, or a given cell out of step with the notebook it comes from. It
compares what was released (cells, their sources and nbgrader metadata), not what running a notebook
in JupyterLab adds to it (outputs, execution counts, kernel and widget metadata), so a notebook that
was only run, in solutions/ or notebooks/, is not out of date.
"""
import filecmp
import json
import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from . import given, glossary, translation
from .course import (CourseError, assignments, nbgrader_api, nbgrader_settings, notebook_names,
                     require_assignment)
from .i18n import notebook_language
from .workfolder import swap_folder


class NameWrittenAnswers(NbGraderPreprocessor):
    """A written answer's stub names its question and the nearest heading above it:
    ``YOUR ANSWER HERE (question q_id, under "4 · Outliers")``.

    nbgrader's Validate lists an empty answer as its cell's text, and nbgrader's stub is the same
    for every answer; this way the student sees which one. It runs after nbgrader has replaced the
    solutions by stubs and before it records their checksums (by which grading and Validate tell
    an answer left as released).
    """

    stub = Unicode("YOUR ANSWER HERE", help="nbgrader's stub of a written answer "
                   "(ClearSolutions.text_stub)").tag(config=True)

    def preprocess(self, nb, resources):
        section = None
        korean = notebook_language(nb) == translation.LANGUAGE
        for cell in (c for c in nb.cells if c.cell_type == "markdown"):
            grading = cell.metadata.get("nbgrader", {})
            unanswered = cell.source.strip() == self.stub
            if grading.get("solution") and grading.get("grade") and unanswered:
                cell.source = (_korean_stub if korean else self._stub)(grading["grade_id"], section)
            else:
                section = _last_heading(cell.source) or section
        return nb, resources

    def _stub(self, question, section):
        where = f', under "{section}"' if section else ""
        return f"{self.stub} (question {question}{where})"


def _korean_stub(question, section):
    where = f', "{section}" 아래' if section else ""
    return f"여기에 답을 쓰세요 (질문 {question}{where})"


def _last_heading(markdown):
    headings = [line.lstrip("#").strip() for line in markdown.splitlines()
                if re.match(r"#{1,6}\s", line)]
    return headings[-1] if headings else None


def generate(root, target, assignment_ids):
    """Write the student version of each assignment to ``target/<assignment>/``."""
    with tempfile.TemporaryDirectory(prefix="descent-release-") as work:
        api = nbgrader_api(nbgrader_settings(root, work, release=target))
        for assignment in assignment_ids:
            result = api.generate_assignment(assignment)
            if not result["success"]:
                raise CourseError(f"could not generate {assignment}: {last_error_line(result)}")


def last_error_line(result):
    """The most telling line of a failed nbgrader call: its innermost exception, not the summary."""
    text = "\n".join(result.get(key) or "" for key in ("log", "error"))
    causes = [line.strip() for line in text.splitlines()
              if re.match(r"\s*[\w.]*(Error|Exception|Interrupt)\b", line)
              and "NbGraderException" not in line]
    return causes[0] if causes else "nbgrader gave no reason (run again to see its log)"


def selected(root, assignment_ids):
    for assignment in assignment_ids:
        require_assignment(root, assignment)
    return list(assignment_ids) or assignments(root)


KOREAN = Path("notebooks") / translation.LANGUAGE


def release(root, assignment_ids=()):
    """Regenerate ``notebooks/<assignment>/`` for the given (default: all) assignments, and
    ``notebooks/ko/<assignment>/`` for those with a translation. Returns (assignments released,
    [(translation file, cell id, problem)]): cells left in English in the Korean edition."""
    chosen = selected(root, assignment_ids)
    given.sync(root, chosen, write=True)
    glossary.sync(root, chosen, write=True)
    with tempfile.TemporaryDirectory(prefix="descent-release-") as staging:
        staging = Path(staging)
        generate(root, staging / "en", chosen)
        korean, untranslated = generate_korean(root, staging / "ko", chosen)
        for assignment in chosen:
            _replace(staging / "en" / assignment, Path(root) / "notebooks" / assignment)
            _replace(staging / "ko" / assignment if assignment in korean else None,
                     Path(root) / KOREAN / assignment)
    return chosen, untranslated


def _replace(generated, destination):
    """``destination`` replaced whole by a copy of ``generated`` (removed if None): a stop or a
    full disk halfway leaves the previous release (see workfolder.swap_folder)."""
    if generated is None:
        shutil.rmtree(destination, ignore_errors=True)
        return
    copy = destination.with_name(f".{destination.name}.new")
    shutil.rmtree(copy, ignore_errors=True)
    try:
        shutil.copytree(generated, copy)
        swap_folder(copy, destination)
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def generate_korean(root, target, assignment_ids):
    """Write the Korean edition of each assignment that has translations to ``target/<assignment>/``
    (nbgrader generates it from the translated source, as it does the English one). Returns (the
    assignments written, [(translation file, cell id, problem)] of their translations)."""
    source = Path(target).with_name(Path(target).name + "-source")
    written, untranslated = [], []
    for assignment in assignment_ids:
        for name in notebook_names(root, assignment):
            path = Path(root) / "solutions" / assignment / f"{name}.ipynb"
            tables_file = translation.file_for(path)
            if not tables_file.is_file():
                continue
            korean, problems = translation.korean_edition(root, path)
            untranslated += [(tables_file, cell, problem) for cell, problem in problems]
            (source / "solutions" / assignment).mkdir(parents=True, exist_ok=True)
            nbformat.write(korean, source / "solutions" / assignment / path.name)
            written.append(assignment)
    written = sorted(set(written))
    if written:
        generate(source, target, written)
    return written, untranslated


# What running or viewing a notebook changes without changing what was released: outputs and
# execution counts (left out of the comparison altogether), the kernel's and widgets' metadata, and
# each cell's timing, view state and trust.
VOLATILE_NOTEBOOK_METADATA = ("kernelspec", "language_info", "widgets")
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled", "jupyter", "trusted")


def drifted(root, assignment_ids=()):
    """(path, what differs) for each file of ``notebooks/`` that differs from what ``solutions/``
    generates (or is missing), and each source notebook whose given cells differ from the notebooks
    they come from. Notebooks are compared by their :func:`released_content`."""
    chosen = selected(root, assignment_ids)
    stale = [(str(path), "its given cells differ from the notebooks they come from: "
                         "run 'autograder release'")
             for path in given.sync(root, chosen, write=False)]
    stale += [(str(path), f"its glossary cell differs from {glossary.FILE}: run 'autograder release'")
              for path in glossary.sync(root, chosen, write=False)]
    with tempfile.TemporaryDirectory(prefix="descent-release-") as staging:
        staging = Path(staging)
        generate(root, staging / "en", chosen)
        korean, untranslated = generate_korean(root, staging / "ko", chosen)
        stale += _translation_problems(untranslated)
        for assignment in chosen:
            stale += _differences(staging / "en" / assignment, Path(root) / "notebooks" / assignment)
            stale += _differences(staging / "ko" / assignment, Path(root) / KOREAN / assignment)
        return stale


def _translation_problems(untranslated):
    """One line per translation file: the cells whose translation is missing or stale."""
    found = []
    for path in sorted({path for path, _, _ in untranslated}):
        cells = [f"{cell} ({problem})" for where, cell, problem in untranslated if where == path]
        found.append((str(path), f"{len(cells)} cells to translate: {'; '.join(cells)}; run "
                                 f"'autograder translate {path.parent.name} --todo'"))
    return found


def _differences(expected, actual):
    names = {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}  # none if absent
    if actual.is_dir():
        names |= {p.relative_to(actual) for p in actual.rglob("*")
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts}
    found = ((str(actual / name), _difference(expected / name, actual / name)) for name in sorted(names))
    return [(path, difference) for path, difference in found if difference]


def _difference(expected, actual):
    """What differs between a generated file and the released one, or None if nothing that matters."""
    if not actual.is_file():
        return "missing"
    if not expected.is_file():
        return "not generated from solutions/"
    if expected.suffix != ".ipynb":
        return None if filecmp.cmp(expected, actual, shallow=False) else "contents differ"
    metadata, cells = released_content(expected)
    try:
        actual_metadata, actual_cells = released_content(actual)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        return f"not a readable notebook ({error})"
    for number, (cell, actual_cell) in enumerate(zip(cells, actual_cells), start=1):
        for key in cell:
            if cell[key] != actual_cell[key]:
                return f"cell {number} ({_cell_name(cell)}): {key} differs"
    if len(cells) != len(actual_cells):
        return f"{len(actual_cells)} cells instead of {len(cells)}"
    return "notebook metadata differs" if metadata != actual_metadata else None


def released_content(path):
    """(notebook metadata, cells) of a notebook without what running or viewing it changes.

    Each cell is its type, source, metadata and attachments; outputs and execution counts are left
    out, and so are :data:`VOLATILE_CELL_METADATA` and :data:`VOLATILE_NOTEBOOK_METADATA`.
    """
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [{"cell_type": cell.get("cell_type"),
              "source": "".join(cell.get("source", "")),
              "metadata": _without(cell.get("metadata", {}), VOLATILE_CELL_METADATA),
              "attachments": cell.get("attachments")}
             for cell in notebook["cells"]]
    return _without(notebook.get("metadata", {}), VOLATILE_NOTEBOOK_METADATA), cells


def _without(mapping, keys):
    return {key: value for key, value in mapping.items() if key not in keys}


def _cell_name(cell):
    return cell["metadata"].get("nbgrader", {}).get("grade_id") or cell["cell_type"]
