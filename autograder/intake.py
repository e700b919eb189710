"""Find a class's submissions and check each before it reaches nbgrader.

Two layouts are accepted:

* ``<student>/<assignment>/<notebook>.ipynb`` (nbgrader's own ``submitted/`` layout);
* a flat folder of files from a learning-management system, each named
  ``<student>_<assignment>...`` and either a notebook or a zip holding the assignment's notebooks.

A submission that cannot be graded as it is becomes a :class:`Problem` (one line naming the file,
what is wrong and what to do); the others are graded.
"""
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat

from .course import CourseError, assignments, notebook_names
from .judge import is_autograded_test

MAX_NOTEBOOK_BYTES = 50 * 2**20


@dataclass
class Submission:
    student: str
    assignment: str
    notebooks: dict = field(default_factory=dict)  # notebook name -> notebook (nbformat node)
    warnings: list = field(default_factory=list)


@dataclass
class Problem:
    student: str
    assignment: str
    message: str

    def __str__(self):
        return f"{self.student}/{self.assignment}: {self.message}"


class Rejected(Exception):
    """This submission cannot be graded; the message says why."""


def collect(root, folder, assignment=None):
    """All submissions under ``folder`` as (submissions, problems); raises if there are none at all."""
    folder = Path(folder)
    if not folder.exists():
        raise CourseError(f"submissions folder {folder} does not exist")
    if not folder.is_dir():
        raise CourseError(f"{folder} is not a folder: give the folder that holds the submissions")
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    if not entries:
        raise CourseError(f"submissions folder {folder} is empty: expected "
                          "<student>/<assignment>/<notebook>.ipynb or files named "
                          "<student>_<assignment>....ipynb/.zip")
    known = assignments(root)
    submissions, problems = [], []
    for entry in entries:
        for student, assignment_id, load in _candidates(entry, known, assignment):
            try:
                submissions.append(_validated(root, student, assignment_id, load()))
            except Rejected as reason:
                problems.append(Problem(student, assignment_id, str(reason)))
    unique, duplicates = _merge(submissions)
    return unique, problems + duplicates


def _candidates(entry, known, only):
    """(student, assignment, loader) for each submission an entry of the folder holds."""
    if entry.is_dir():
        for sub in sorted(p for p in entry.iterdir() if not p.name.startswith(".")):
            assignment_id = sub.name
            if only and assignment_id != only:
                continue
            yield entry.name, assignment_id, lambda sub=sub: _from_folder(sub, known)
    elif entry.suffix in (".ipynb", ".zip"):
        student, assignment_id = _parse_lms_name(entry.name, known, only)
        if only is None or assignment_id == only:
            loader = _from_zip if entry.suffix == ".zip" else _from_notebook_file
            yield student, assignment_id, lambda: loader(entry, assignment_id, known)
    else:
        yield entry.stem, only or "?", lambda: _reject(
            f"{entry.name} is neither a student folder, a .ipynb nor a .zip")


def _reject(message):
    raise Rejected(message)


def _parse_lms_name(name, known, only):
    student, _, rest = name.partition("_")
    if not rest:
        return name, only or "?"
    for assignment_id in sorted(known, key=len, reverse=True):
        if rest.startswith(assignment_id):
            return student, assignment_id
    return student, only or rest.rsplit(".", 1)[0]


def _from_folder(folder, known):
    _require_known(folder.name, known)
    if not folder.is_dir():
        raise Rejected(f"{folder} should be a folder holding the assignment's notebooks")
    return {p.stem: read_notebook(p.read_bytes(), p) for p in sorted(folder.glob("*.ipynb"))}


def _from_notebook_file(path, assignment_id, known):
    _require_known(assignment_id, known)
    return {"__single__": read_notebook(path.read_bytes(), path)}


def _from_zip(path, assignment_id, known):
    _require_known(assignment_id, known)
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if _is_submitted_notebook(m)]
            if not members:
                raise Rejected(f"{path.name} holds no notebook: zip the .ipynb file(s) of the assignment")
            names = [PurePosixPath(m.filename).stem for m in members]
            if len(set(names)) != len(names):
                raise Rejected(f"{path.name} holds several notebooks with the same name: {sorted(names)}")
            oversized = [m.filename for m in members if m.file_size > MAX_NOTEBOOK_BYTES]
            if oversized:
                raise Rejected(f"{path.name}:{oversized[0]} is larger than "
                               f"{MAX_NOTEBOOK_BYTES // 2**20} MB; clear its outputs and zip it again")
            return {PurePosixPath(m.filename).stem: read_notebook(archive.read(m), f"{path.name}:{m.filename}")
                    for m in members}
    except zipfile.BadZipFile:
        raise Rejected(f"{path.name} is not a valid zip file") from None


def _is_submitted_notebook(member):
    parts = PurePosixPath(member.filename).parts
    return (member.filename.endswith(".ipynb") and "__MACOSX" not in parts
            and ".ipynb_checkpoints" not in parts)


def _require_known(assignment_id, known):
    if assignment_id not in known:
        raise Rejected(f"unknown assignment {assignment_id!r} (known: {', '.join(known)}); "
                       "pass --assignment ID if the file names do not say it")


def read_notebook(data, origin):
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise Rejected(f"{origin} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    except (UnicodeDecodeError, json.JSONDecodeError, nbformat.reader.NotJSONError) as error:
        raise Rejected(f"{origin} is not a valid notebook (not JSON: {error}); "
                       "ask for the .ipynb file as saved by Jupyter") from None
    except Exception as error:
        raise Rejected(f"{origin} is not a valid notebook ({type(error).__name__}: {error})") from None
    if not isinstance(notebook.get("cells"), list):
        raise Rejected(f"{origin} is not a valid notebook: it has no list of cells")
    return notebook


def _validated(root, student, assignment_id, notebooks):
    """Name the notebooks after the assignment's and check that no test cell was deleted."""
    expected = notebook_names(root, assignment_id)
    if set(notebooks) == {"__single__"} and len(expected) == 1:
        notebooks = {expected[0]: notebooks["__single__"]}
    unexpected = sorted(set(notebooks) - set(expected))
    missing = sorted(set(expected) - set(notebooks))
    if unexpected or missing:
        raise Rejected(f"unexpected layout: found notebooks {sorted(notebooks) or 'none'}, "
                       f"expected {', '.join(n + '.ipynb' for n in expected)}")
    submission = Submission(student, assignment_id, notebooks)
    for name, notebook in notebooks.items():
        _check_test_cells(root, submission, name, notebook)
    return submission


def _check_test_cells(root, submission, name, notebook):
    source = nbformat.read(Path(root) / "solutions" / submission.assignment / f"{name}.ipynb",
                           as_version=4)
    wanted = {cell_id(c): c for c in source.cells if is_autograded_test(c)}
    present = {cell_id(c): c for c in notebook.cells if is_autograded_test(c)}
    deleted = sorted(set(wanted) - set(present))
    if deleted:
        raise Rejected(f"{name}.ipynb: test cells deleted: {', '.join(deleted)}; download the "
                       "notebook again and copy your answers into it")
    edited = sorted(i for i in wanted if _visible_part(wanted[i].source) != present[i].source)
    if edited:
        submission.warnings.append(
            f"{name}.ipynb: test cells edited: {', '.join(edited)}; graded with the original tests")


def cell_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _visible_part(source):
    """A test cell as students see it: the hidden-test region removed, as nbgrader does."""
    lines, hidden = [], False
    for line in source.split("\n"):
        if "BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden:
            lines.append(line)
    return "\n".join(lines)


def _merge(submissions):
    """One submission per student and assignment: a pair submitted twice is graded neither time."""
    by_pair = {}
    for submission in submissions:
        by_pair.setdefault((submission.student, submission.assignment), []).append(submission)
    unique = [group[0] for group in by_pair.values() if len(group) == 1]
    duplicates = [Problem(student, assignment, f"submitted {len(group)} times: keep one of them")
                  for (student, assignment), group in by_pair.items() if len(group) > 1]
    return unique, duplicates
