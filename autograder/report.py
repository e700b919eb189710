"""The class report: how an assignment went, from grades.json alone.

Written by every grading and by ``autograder feedback`` into the work folder, and by ``autograder
report``: ``report.html`` (self-contained: plots embedded as PNG, no scripts, works offline) and
the same tables as plain CSV beside it (``report_assignments.csv``, ``report_questions.csv``,
``report_diagnoses.csv``). Per assignment:

* the distribution of the graded submissions' totals;
* per question: its pass rate (the share of submissions with all its points; written answers:
  none), its mean points, and its *discrimination*: the correlation between the question's points
  and the rest of the total (the total without this question; for a pass/fail question this is
  the point-biserial correlation). Near 0 or negative, the question does not separate students
  who did well elsewhere from those who did not; empty when either side does not vary;
* the commonest diagnoses per question: the first failure line of the judge's messages, with the
  mistake it recognised in a wrong value (:func:`diagnosis`), in English whatever the edition,
  numbers replaced by ``#`` so that the same mistake counts once (each failed cell's
  ``diagnosis`` in grades.json), with how many and which students;
* rejected and failed submissions, and cells stopped by a limit or a dying kernel;
* manual grading's progress: written answers graded by hand, waiting, empty.
"""
import base64
import html
import io
import itertools
import json
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from .atomic import atomic_csv, atomic_write
from .course import CourseError

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
FAILURE = "✗"
CONTINUED = "    "  # the further lines of a failure's block (testing.failure_lines)
WORST_ENTRY = re.compile(r"\bgot .+, expected ")
TOP_DIAGNOSES = 3


def load(work):
    """The grades.json of the work folder ``work``."""
    path = Path(work) / "grades.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        raise CourseError(f"no readable {path}: run 'autograder grade' first, or give --out the "
                          "work folder of that grading") from None


def analyse(data):
    """{assignment: its summary, questions, diagnoses and problems} from grades.json's data."""
    by_assignment = defaultdict(list)
    for outcome in data["submissions"]:
        by_assignment[outcome["assignment"]].append(outcome)
    return {a: _assignment(outcomes) for a, outcomes in sorted(by_assignment.items())}


def _assignment(outcomes):
    graded = [o for o in outcomes if o["status"] == "graded"]
    totals = [o["score"] for o in graded]
    written = Counter(c["message"] for o in graded for c in o["cells"] if c["passed"] is None)
    summary = {"graded": len(graded), "max": max((o["max_score"] for o in graded), default=0),
               "mean": _mean(totals), "median": statistics.median(totals) if totals else None,
               "sd": statistics.pstdev(totals) if totals else None,
               "min": min(totals, default=None), "highest": max(totals, default=None),
               "rejected": sum(o["status"] == "rejected" for o in outcomes),
               "failed": sum(o["status"] == "failed" for o in outcomes),
               "faulty": sum(bool(o["faults"]) for o in graded),
               "graded by hand": written["graded by hand"],
               "needs manual grading": written["needs manual grading"],
               "empty answers": sum(n for m, n in written.items() if m.startswith("empty"))}
    questions = _questions(graded)
    return {"summary": summary, "totals": totals, "questions": questions,
            "diagnoses": _diagnoses(graded, [q["question"] for q in questions]),
            "problems": _problems(outcomes)}


def _questions(graded):
    cells = defaultdict(list)  # question -> [(cell, submission total)], in notebook order
    for outcome in graded:
        for cell in outcome["cells"]:
            cells[cell["cell"]].append((cell, outcome["score"]))
    rows = []
    for name, entries in cells.items():
        points = [c["points"] for c, _ in entries]
        rest = [total - c["points"] for c, total in entries]
        written = entries[0][0]["passed"] is None
        rows.append({"question": name, "max": entries[0][0]["max_points"], "n": len(entries),
                     "pass rate": None if written else _mean([bool(c["passed"]) for c, _ in entries]),
                     "mean": _mean(points), "discrimination": correlation(points, rest),
                     "written": written})
    return rows


def correlation(xs, ys):
    """Pearson's correlation of two equally long lists, or None if either does not vary."""
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return statistics.correlation(xs, ys)


def _mean(values):
    return statistics.fmean(values) if values else None


def diagnosis(message):
    """A failing cell's diagnosis: its first failure line, numbers as #; for a value that does not
    match, with the mistake the judge recognised (``it has the opposite sign everywhere``, ``it is
    ×3 the expected value: summed over the batch ...``): the line after the worst entry's
    ``got ..., expected ...`` in that failure's block (see gradcheck.diagnose)."""
    lines = message.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(FAILURE)), 0)
    block = lines[start:start + 1] + list(itertools.takewhile(
        lambda line: line.startswith(CONTINUED), lines[start + 1:]))
    if not block:
        return "(no message)"
    cause = block[2:3] if len(block) > 2 and WORST_ENTRY.search(block[1]) else []
    return NUMBER.sub("#", " — ".join(line.strip() for line in block[:1] + cause))


def _diagnoses(graded, order):
    found = defaultdict(list)  # (question, diagnosis) -> students
    for outcome in graded:
        for cell in outcome["cells"]:
            if cell["passed"] is False:
                key = cell.get("diagnosis") or diagnosis(cell["message"])  # older grades.json: none
                found[(cell["cell"], key)].append(outcome["student"])
    by_question = defaultdict(list)
    for (question, text), students in found.items():
        by_question[question].append({"question": question, "diagnosis": text,
                                      "count": len(students), "students": sorted(students)})
    return [d for question in order for d in
            sorted(by_question[question], key=lambda d: (-d["count"], d["diagnosis"]))[:TOP_DIAGNOSES]]


def _problems(outcomes):
    rows = [{"student": o["student"], "kind": o["status"], "detail": o["message"]}
            for o in outcomes if o["status"] != "graded"]
    rows += [{"student": o["student"], "kind": "fault", "detail": str(fault)}
             for o in outcomes for fault in o["faults"]]
    return rows


def write_class_report(work):
    """Write report.html and its CSV tables into ``work`` from its grades.json."""
    work = Path(work)
    assignments = analyse(load(work))
    _write_csvs(work, assignments)
    atomic_write(work / "report.html", render(assignments))  # whole, or the previous one
    return work / "report.html"


def _write_csvs(work, assignments):
    tables = {"assignments": [{"assignment": a, **r["summary"]} for a, r in assignments.items()],
              "questions": [{"assignment": a, **q} for a, r in assignments.items() for q in r["questions"]],
              "diagnoses": [{"assignment": a, **d, "students": " ".join(d["students"])}
                            for a, r in assignments.items() for d in r["diagnoses"]]}
    for name, rows in tables.items():
        columns = list(rows[0]) if rows else []
        atomic_csv(work / f"report_{name}.csv",
                   [columns] * bool(rows) + [[_cell(row[c]) for c in columns] for row in rows])


def _cell(value):
    if value is None:
        return ""
    return f"{value:.4g}" if isinstance(value, float) else value


# --- the page ---------------------------------------------------------------------------------

STYLE = ("body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}"
         "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;"
         "text-align:left;vertical-align:top}img{max-width:100%}")


def render(assignments):
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Class report</title>"
             f"<style>{STYLE}</style></head><body><h1>Class report</h1>"]
    for name, result in assignments.items():
        parts.append(_section(name, result))
    return "".join(parts) + "</body></html>\n"


def _section(name, result):
    summary = result["summary"]
    questions = [{k: v for k, v in q.items() if k != "written"} for q in result["questions"]]
    diagnoses = [{**d, "students": ", ".join(d["students"])} for d in result["diagnoses"]]
    return "".join([
        f"<h2>{_e(name)}</h2>", _table([summary]),
        _plot_totals(result["totals"], summary["max"]) if result["totals"] else "",
        "<h3>Questions</h3>", _table(questions),
        _plot_pass_rates(result["questions"]),
        "<h3>Commonest diagnoses</h3>", _table(diagnoses),
        "<h3>Rejected, failed and faulty submissions</h3>",
        _table(result["problems"])])


def _table(rows):
    if not rows:
        return "<p>none</p>"
    head = "".join(f"<th>{_e(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{_e(_cell(v))}</td>" for v in row.values()) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _e(value):
    return html.escape(str(value))


def _plot_totals(totals, highest):
    figure, axes = _figure()
    # one bar per whole point, centred on it, while that makes at most 40 bars
    bins = [b - 0.5 for b in range(int(highest) + 2)] if highest <= 40 else 20
    axes.hist(totals, bins=bins, color="#4477aa", edgecolor="white")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set(xlabel="total points", ylabel="submissions", title="Distribution of totals")
    return _image(figure, "histogram of the totals")


def _plot_pass_rates(questions):
    rated = [q for q in questions if q["pass rate"] is not None]
    if not rated:
        return ""
    labels = [q["question"] for q in rated][::-1]
    label_inches = 0.3 + 0.08 * max(len(label) for label in labels)
    figure, axes = _figure(height=max(2.0, 1.0 + 0.25 * len(rated)),
                           left=label_inches / (label_inches + 4))
    axes.barh(labels, [q["pass rate"] for q in rated][::-1], color="#228833")
    axes.set(xlim=(0, 1), xlabel="pass rate", title="Pass rate per question")
    return _image(figure, "pass rate per question")


def _figure(height=3.0, left=0.12):
    """A figure of one plot, 4 inches wide plus ``left``, the share of its width for the labels
    of the y axis."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no display needed

    figure = Figure(figsize=(4 / (1 - left), height))
    figure.subplots_adjust(left=left, right=0.97, bottom=0.6 / height, top=1 - 0.35 / height)
    return figure, figure.add_subplot()


def _image(figure, description):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<p><img alt="{_e(description)}" src="data:image/png;base64,{data}"></p>'
