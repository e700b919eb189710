"""After grading by hand: totals, feedback and tables rebuilt from the gradebook, nothing executed.

The formgrader writes hand-given scores and comments into the gradebook only. ``autograder
feedback`` then writes every graded submission's feedback again (with those scores and comments),
and grades.csv, grades.json and the class report from the gradebook; what grading alone knows (rejected
submissions, faults, the seed, intake's warnings) is kept from the last grades.json.
"""
import dataclasses
import json
from pathlib import Path

from nbgrader.api import Gradebook

from . import handgrading, workfolder
from .course import CourseError, assignments, gradebook_url, nbgrader_api, nbgrader_settings
from .gradebook import database_errors, held, prepare_gradebook
from .grading import NO_FEEDBACK, Outcome, Report, grade_table, settle, write_reports
from .report import write_class_report

OUTCOME_FIELDS = {f.name for f in dataclasses.fields(Outcome)}
STALE = (handgrading.NOTE, NO_FEEDBACK)  # warnings the refresh makes anew


def refresh(root, out=None, db=None):
    """Rewrite feedback, grades.csv and grades.json of the work folder ``out`` (default grading/)."""
    work = Path(out or Path(root) / "grading")
    if not (work / "autograded").is_dir():
        raise CourseError(f"nothing graded in {work}: run 'autograder grade' first, or give "
                          "--out the work folder of that grading")
    url = gradebook_url(root, work, db)
    with (workfolder.stop_on_signals(), workfolder.locked(work),  # not while a grading writes
          workfolder.folder_errors(work), held(url), database_errors(url)):
        workfolder.tidy(work)
        return _refresh(root, work, url)


def _refresh(root, work, url):
    prepare_gradebook(url, [])  # a database that cannot be opened: a one-line error
    last = _last_report(work)
    api = nbgrader_api(nbgrader_settings(root, work, db_url=url))
    outcomes = {(o.student, o.assignment): o for o in last["submissions"]}
    for key in _graded_here(url, work):
        outcomes.setdefault(key, Outcome(*key, "graded"))
    for outcome in outcomes.values():
        if outcome.status == "graded":
            outcome.warnings = [w for w in outcome.warnings if not w.startswith(STALE)]
            with workfolder.deferred_signals():  # a submission's pages are swapped in whole
                settle(api, url, work, outcome)
    ordered = sorted(outcomes.values(), key=lambda o: (o.student, o.assignment))
    report = Report(last["seed"], work, ordered, grade_table(url, ordered, assignments(root)),
                    last["notices"])
    write_reports(report)
    write_class_report(work)
    return report


def _last_report(work):
    """The last grades.json of ``work`` as {seed, notices, submissions: [Outcome]}; empty if none."""
    try:
        data = json.loads((work / "grades.json").read_text())
        return {"seed": data["seed"], "notices": list(data["notices"]),
                "submissions": [_outcome(o) for o in data["submissions"]]}
    except (OSError, ValueError, TypeError, KeyError):
        return {"seed": None, "notices": [], "submissions": []}


def _outcome(data):
    outcome = Outcome(**{k: v for k, v in data.items() if k in OUTCOME_FIELDS})
    outcome.cells = []  # read again from the gradebook
    return outcome


def _graded_here(url, work):
    """(student, assignment) of every submission in the gradebook that this work folder graded."""
    with Gradebook(url) as gradebook:
        return [(s.student.id, s.assignment.name) for a in gradebook.assignments
                for s in a.submissions
                if (work / "autograded" / s.student.id / s.assignment.name).is_dir()]
