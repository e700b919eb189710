"""The class report: how a class did, question by question, from the grading's own record.

Per assignment it gives the score distribution, and per question its pass rate, mean points and
item discrimination, the commonest diagnoses the judge gave with the students who got each, the
faults and rejections, and how far manual grading has come. It reads ``grades.json`` (what
:func:`autograder.grading.write_reports` writes) and writes ``report.html`` (plots embedded, no
network needed) and ``report.csv`` (the per-question table) beside it.

Item discrimination is the corrected item-total correlation: the Pearson correlation, across the
graded submissions, between a question's points and the points of the rest of the assignment. A
question that strong students pass and weak students fail scores near 1; near 0 or below, the
question does not tell them apart (or tests something else). It is left blank when either side
does not vary.
"""
import base64
import csv
import html
import io
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

COMMONEST = 3  # diagnoses listed per question
FAILED_TEST = re.compile(r"^\u2717 (\w+): (.*)$", re.MULTILINE)
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass
class Question:
    notebook: str
    cell: str
    max_points: float
    points: dict = field(default_factory=dict)  # student -> points
    diagnoses: dict = field(default_factory=lambda: defaultdict(list))  # diagnosis -> students
    pending: list = field(default_factory=list)  # students whose answer waits for a grader

    def pass_rate(self):
        return _share([p == self.max_points for p in self.points.values()])

    def mean(self):
        return float(np.mean(list(self.points.values()))) if self.points else None


@dataclass
class Assignment:
    name: str
    totals: dict = field(default_factory=dict)  # student -> points
    max_score: float = 0.0
    questions: dict = field(default_factory=dict)  # cell -> Question
    problems: list = field(default_factory=list)  # (student, status or "fault", message)

    def discrimination(self, question):
        """Corrected item-total correlation of ``question`` (None where it is undefined)."""
        students = sorted(question.points)
        item = np.array([question.points[s] for s in students])
        rest = np.array([self.totals[s] for s in students]) - item
        if len(students) < 3 or item.std() == 0 or rest.std() == 0:
            return None
        return float(np.corrcoef(item, rest)[0, 1])


def diagnosis(message):
    """A failure message with its numbers taken out, so that the same mistake groups together."""
    return NUMBER.sub("#", message.strip())[:160]


def class_summary(submissions):
    """{assignment: Assignment} from the ``submissions`` list of grades.json."""
    summary = {}
    for outcome in submissions:
        assignment = summary.setdefault(outcome["assignment"], Assignment(outcome["assignment"]))
        student = outcome["student"]
        if outcome["status"] != "graded":
            assignment.problems.append((student, outcome["status"], outcome["message"]))
            continue
        assignment.problems += [(student, "fault", fault) for fault in outcome.get("faults", [])]
        assignment.totals[student] = outcome["score"]
        assignment.max_score = max(assignment.max_score, outcome["max_score"])
        for cell in outcome["cells"]:
            _add_cell(assignment, student, cell)
    return summary


def _add_cell(assignment, student, cell):
    question = assignment.questions.setdefault(
        cell["cell"], Question(cell["notebook"], cell["cell"], cell["max_points"]))
    question.points[student] = cell["points"]
    if cell["passed"] is None:  # a written answer
        if cell["message"] == "needs manual grading":
            question.pending.append(student)
        return
    for test, message in FAILED_TEST.findall(cell["message"]):
        question.diagnoses[diagnosis(f"{test}: {message}")].append(student)


def _share(flags):
    return sum(flags) / len(flags) if flags else None


def question_rows(summary):
    """The per-question table, header first: one row per assignment and question."""
    rows = [["assignment", "notebook", "question", "max points", "submissions", "pass rate",
             "mean points", "discrimination", "awaiting manual grading", "commonest diagnosis",
             "students with it"]]
    for assignment in summary.values():
        for question in assignment.questions.values():
            common = _commonest(question)[:1]
            rows.append([assignment.name, question.notebook, question.cell,
                         f"{question.max_points:g}", len(question.points),
                         _number(question.pass_rate(), 3), _number(question.mean(), 3),
                         _number(assignment.discrimination(question), 3), len(question.pending),
                         common[0][0] if common else "", " ".join(common[0][1]) if common else ""])
    return rows


def _commonest(question):
    ranked = sorted(question.diagnoses.items(), key=lambda item: (-len(item[1]), item[0]))
    return [(text, sorted(set(students))) for text, students in ranked[:COMMONEST]]


def _number(value, digits):
    return "" if value is None else f"{value:.{digits}g}"


def write_report(work):
    """Write ``report.html`` and ``report.csv`` in ``work`` from its grades.json; their paths."""
    work = Path(work)
    data = json.loads((work / "grades.json").read_text())
    summary = class_summary(data["submissions"])
    with open(work / "report.csv", "w", newline="") as file:
        csv.writer(file).writerows(question_rows(summary))
    (work / "report.html").write_text(report_html(summary, data.get("seed")))
    return work / "report.html", work / "report.csv"


# ------------------------------------------------------------------------------------ the page

def report_html(summary, seed):
    sections = "\n".join(_assignment_html(a) for a in summary.values()) or "<p>Nothing graded yet.</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Class report</title>
<style>
body {{ font-family: sans-serif; max-width: 70em; margin: 1em auto; padding: 0 1em; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
th, td {{ border: 1px solid #ccc; padding: 0.2em 0.5em; vertical-align: top; text-align: left; }}
td.n {{ text-align: right; }}
td.why {{ white-space: pre-wrap; max-width: 40em; }}
</style></head><body>
<h1>Class report</h1>
<p>Seed of the hidden tests' inputs: {seed}. Discrimination: correlation of a question's points
with the rest of the assignment's (blank where either does not vary or fewer than 3 submissions).</p>
{sections}
</body></html>
"""


def _assignment_html(assignment):
    totals = list(assignment.totals.values())
    mean = f"{np.mean(totals):.3g}" if totals else "–"
    pending = sum(len(q.pending) for q in assignment.questions.values())
    return f"""<h2>{html.escape(assignment.name)}</h2>
<p>{len(totals)} graded, mean {mean} of {assignment.max_score:g};
{len(assignment.problems)} rejections, failures or faults; {pending} written answers await manual
grading.</p>
{_histogram(assignment) if totals else ""}
{_questions_table(assignment)}
{_problems_table(assignment)}"""


def _questions_table(assignment):
    rows = []
    for question in assignment.questions.values():
        diagnoses = "\n".join(f"{len(students)}× {text} ({', '.join(students)})"
                              for text, students in _commonest(question))
        rows.append(
            f"<tr><td>{html.escape(question.cell)}</td><td class=n>{question.max_points:g}</td>"
            f"<td class=n>{_number(question.pass_rate(), 3)}</td>"
            f"<td class=n>{_number(question.mean(), 3)}</td>"
            f"<td class=n>{_number(assignment.discrimination(question), 3)}</td>"
            f"<td class=n>{len(question.pending)}</td><td class=why>{html.escape(diagnoses)}</td></tr>")
    return ("<table><tr><th>question</th><th>points</th><th>pass rate</th><th>mean</th>"
            "<th>discrimination</th><th>awaiting grader</th><th>commonest diagnoses</th></tr>"
            + "".join(rows) + "</table>")


def _problems_table(assignment):
    if not assignment.problems:
        return ""
    rows = "".join(f"<tr><td>{html.escape(s)}</td><td>{html.escape(kind)}</td>"
                   f"<td class=why>{html.escape(message)}</td></tr>"
                   for s, kind, message in sorted(assignment.problems))
    return f"<table><tr><th>student</th><th>what</th><th>why</th></tr>{rows}</table>"


def _histogram(assignment):
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 2.4))
    axes = figure.subplots()
    axes.hist(list(assignment.totals.values()), bins=min(20, max(5, len(assignment.totals))),
              range=(0, assignment.max_score or 1), color="#4a7ebb", edgecolor="white")
    axes.set_xlabel(f"points (of {assignment.max_score:g})")
    axes.set_ylabel("submissions")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img alt="distribution of the scores of {html.escape(assignment.name)}" src="data:image/png;base64,{data}">'
