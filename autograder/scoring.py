"""A judged submission's scores into the gradebook in one transaction, and the grades its feedback shows.

nbgrader saves a judged notebook with its preprocessors ``SaveAutoGrades`` and
``AssignLatePenalties`` (a query and a commit per cell), and its feedback reads the scores back with
``GetGrades`` (a query per cell again). That was most of the coordinator's time per submission.
Here the work is split as the data allows:

* on the worker, :func:`summarize` reads from the judged notebook what those preprocessors read:
  each grade cell's automatic score and each answer's automatic comment, exactly as nbgrader
  computes them, plus what grades.json reports per cell;
* in the coordinator, :func:`save` writes a submission's scores, late penalties and hand grades
  in one session with one commit, and :func:`shown_grades` reads back, in three queries per
  notebook and with nbgrader's own SQL expressions, what ``GetGrades`` would give the feedback page.

:func:`expected_grades` is what the page shows when no grader has touched the submission and it
is not late, known to the worker before anything is saved: the worker renders the page with it,
and the coordinator keeps that page only if the gradebook then shows exactly those grades.
"""
import json
import logging

from nbgrader import utils
from nbgrader.api import BaseCell, Comment, Grade, SubmittedNotebook
from nbgrader.preprocessors import AssignLatePenalties

from . import handgrading
from .intake import cell_id
from .judge import english_verdict

LOG = logging.getLogger("nbgrader")
NO_RESPONSE = "No response."  # nbgrader's automatic comment on an answer left as released


def summarize(nb):
    """What the coordinator needs of a judged notebook, as plain data (see the module docstring)."""
    scores, comments, cells = {}, {}, []
    for cell in nb.cells:
        name = cell_id(cell)
        if utils.is_grade(cell):
            scores[name] = utils.determine_grade(cell, LOG)[0]
            cells.append([name, bool(utils.is_solution(cell)), cell_message(cell),
                          english_verdict(cell)])
        if utils.is_solution(cell) or utils.is_task(cell):  # as SaveAutoGrades._add_comment
            unchanged = cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell)
            comments[name] = NO_RESPONSE if unchanged and not utils.is_task(cell) else None
    points = {cell_id(c): float(c.metadata.nbgrader["points"]) for c in nb.cells
              if utils.is_grade(c) or utils.is_task(c)}
    return {"scores": scores, "comments": comments, "cells": cells, "points": points,
            "texts": handgrading.graded_texts(nb)}


def cell_message(cell):
    """The judge's verdict a test cell printed (or its traceback)."""
    outputs = cell.get("outputs", [])
    return "\n".join(o.get("text") or "\n".join(o.get("traceback", [])) for o in outputs).strip()


def expected_grades(summary):
    """The grades GetGrades reads for this notebook if no one graded it by hand and it is on time."""
    grades = {name: [None if score is None else float(score) + 0.0, summary["points"][name]]
              for name, score in summary["scores"].items()}
    total = sum((score for score, _ in grades.values() if score is not None), 0.0)
    return {"grades": grades, "comments": summary["comments"], "score": total,
            "max_score": sum(summary["points"].values(), 0.0), "late_penalty": 0}


def same_grades(one, other):
    """Equal, down to int against float (a page shows 1 and 1.0 differently)."""
    return json.dumps(one, sort_keys=True) == json.dumps(other, sort_keys=True)


def save(gradebook, submission, summaries, late, before):
    """Save the judged notebooks' ``summaries`` ({name: summary}) of ``submission`` and settle its
    hand grades against ``before`` (see :mod:`autograder.handgrading`); commits once. ``late`` is
    an ``AssignLatePenalties`` with its plugin. Returns the hand grades' warnings."""
    notebooks = {n.name: n for n in submission.notebooks if n.name in summaries}
    grades = {}
    for name, notebook in notebooks.items():
        grades[name] = _by_cell(gradebook.db, Grade, notebook)
        comments = _by_cell(gradebook.db, Comment, notebook)
        for cell, auto_score in summaries[name]["scores"].items():  # as SaveAutoGrades
            grade = grades[name][cell]
            grade.auto_score = auto_score
            grade.needs_manual_grade = grade.manual_score is not None or auto_score is None
        for cell, auto_comment in summaries[name]["comments"].items():
            comments[cell].auto_comment = auto_comment
    gradebook.db.flush()
    for notebook in notebooks.values():
        assign_late_penalty(gradebook.db, late, submission, notebook)
    warnings = handgrading.settle_all(grades, before, {n: s["texts"] for n, s in summaries.items()})
    gradebook.db.commit()
    return warnings


def _by_cell(db, table, notebook):
    """{cell: its Grade or Comment} of a submitted notebook, in one query."""
    rows = db.query(table, BaseCell.name).join(table.cell).filter(table.notebook_id == notebook.id)
    return {name: entry for entry, name in rows}


def assign_late_penalty(db, late, submission, notebook):
    """What AssignLatePenalties does for one notebook, in the session ``db``."""
    notebook.late_submission_penalty = None
    if submission.total_seconds_late > 0:
        db.expire(notebook, ["score"])  # the sum of the scores just saved
        penalty = late.plugin_inst.late_submission_penalty(
            submission.student.id, notebook.score, submission.total_seconds_late)
        if penalty is not None:
            notebook.late_submission_penalty = late._check_late_penalty(notebook, penalty)


def late_penalties(config):
    """nbgrader's AssignLatePenalties with its plugin, as configured: for :func:`save`."""
    step = AssignLatePenalties(config=config)
    step.init_plugin()
    return step


def shown_grades(gradebook, notebook):
    """(what GetGrades gives the feedback page, {cell: its Grade's row}) for a saved notebook."""
    db = gradebook.db
    rows = db.query(BaseCell.name, Grade.score, Grade.max_score, Grade.needs_manual_grade,
                    Grade.manual_score).join(Grade.cell).filter(Grade.notebook_id == notebook.id).all()
    comments = db.query(BaseCell.name, Comment.comment).join(Comment.cell).filter(
        Comment.notebook_id == notebook.id)
    score, max_score, late = db.query(SubmittedNotebook.score, SubmittedNotebook.max_score,
                                      SubmittedNotebook.late_submission_penalty).filter(
        SubmittedNotebook.id == notebook.id).one()
    late = 0 if late is None else late
    shown = {"grades": {r.name: [r.score, r.max_score] for r in rows},
             "comments": {name: comment for name, comment in comments},
             "score": score - late, "max_score": max_score, "late_penalty": late}
    return shown, {r.name: r for r in rows}
