"""Grades given by hand in nbgrader's formgrader survive a regrade, unless what they graded changed.

nbgrader's own autograde keeps a hand-given score (``Grade.manual_score``) and comment, but marks
the cell "needs manual grading" again, so after every regrade the formgrader asks for every
written answer anew. Here each successful grading records what each graded cell judged (a
sha256 of the text), in ``answers/<student>/<assignment>.json`` of the work folder; at the next
regrade, a hand grade whose text is the same is marked graded again, and one whose text changed
loses its score (the comment stays for the grader to see) and needs grading again, with a
warning for that student.

What a cell judges: a written answer (a grade cell that is also a solution cell) judges its own
text; an autograded test cell, whose score a grader may override by hand, judges all of the
notebook's answers (the code it tests is in any of them).
"""
import hashlib
import json
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from .atomic import atomic_write
from .intake import cell_id

NOTE = "hand grade of"  # begins every warning from here: a refresh drops the old ones


def graded_texts(notebook):
    """{grade cell: sha256 of the text it judges} for one submitted (autograded) notebook."""
    answers = [c for c in notebook.cells if _grading(c).get("solution")]
    everything = _digest("\0".join(c.source for c in answers))
    return {cell_id(c): _digest(c.source) if _grading(c).get("solution") else everything
            for c in notebook.cells if _grading(c).get("grade")}


def _grading(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def record_path(work, student, assignment):
    return Path(work) / "answers" / student / f"{assignment}.json"


def recorded(work, student, assignment):
    """{notebook: {cell: digest}} recorded at the last grading, or None if there is none."""
    try:
        data = json.loads(record_path(work, student, assignment).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def keep_hand_grades(url, work, student, assignment, notebooks=None):
    """After a regrade saved its scores: settle every hand grade; record what was graded.

    ``notebooks`` ({name: judged notebook}) are the ones regraded, by default all of the
    submission's in the work folder's autograded/. Returns one warning per hand grade whose
    answer changed (or could not be compared), each beginning with :data:`NOTE`.
    """
    before = recorded(work, student, assignment)
    if notebooks is None:
        folder = Path(work) / "autograded" / student / assignment
        notebooks = {path.stem: nbformat.read(path, as_version=4)
                     for path in sorted(folder.glob("*.ipynb"))}
    now = {name: graded_texts(notebook) for name, notebook in notebooks.items()}
    warnings = []
    with Gradebook(url) as gradebook:
        for notebook, texts in now.items():
            for cell, digest in texts.items():
                try:
                    grade = gradebook.find_grade(cell, notebook, assignment, student)
                except MissingEntry:
                    continue
                if grade.manual_score is None:
                    continue
                previous = None if before is None else before.get(notebook, {}).get(cell)
                warning = _settle(grade, previous, digest)
                if warning:
                    warnings.append(f"{NOTE} {cell}: {warning}")
        gradebook.db.commit()
    _write_record(work, student, assignment, {**(before or {}), **now})
    return warnings


def _settle(grade, previous, digest):
    """Mark ``grade`` (which has a hand-given score) graded, or ungrade it; a warning or None."""
    if previous == digest:
        grade.needs_manual_grade = False
        return None
    if previous is None:
        grade.needs_manual_grade = True
        return (f"graded by hand ({grade.manual_score:g} points) before this answer was recorded; "
                "check it in the formgrader")
    given = grade.manual_score
    grade.manual_score = None
    grade.needs_manual_grade = grade.auto_score is None
    return (f"the answer changed since it was graded by hand ({given:g} of {grade.max_score:g} "
            "points): its hand grade is removed, grade it again")


def _write_record(work, student, assignment, texts):
    path = record_path(work, student, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(texts, indent=1, sort_keys=True) + "\n")
