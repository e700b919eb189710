"""The ``autograder`` command: release, grade, feedback, roster, report, demo, check, submit, data."""
import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

# jsonschema (under nbformat) imports rfc3987_syntax when it is installed, only to check "iri"
# strings, which notebooks never hold; that import builds a grammar and costs about 3 s at every
# start of this command. Marked absent, it makes jsonschema skip that one check.
sys.modules.setdefault("rfc3987_syntax", None)

try:  # a few seconds of imports, where a Ctrl-C would print a traceback through them
    from . import (data, examples, export, grading, refresh, release, roster,  # noqa: E402
                   sandbox, selfcheck, submit, workfolder)  # (after the line above)
    from .course import DEFAULT_TIMEOUT, CourseError, find_root, gradebook_url  # noqa: E402
    from .report import write_class_report  # noqa: E402
except KeyboardInterrupt:
    print("autograder: interrupted", file=sys.stderr)
    sys.exit(130)

DEMO_ASSIGNMENT = "01_loss_functions"
FEEDBACK_STOPPED = ("feedback not yet rewritten is as it was; run 'autograder feedback' again to "
                    "finish")


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CourseError as error:
        print(f"autograder: error: {error}", file=sys.stderr)
        return 2
    except workfolder.Stopped as stop:
        unfinished = (FEEDBACK_STOPPED if args.run is run_feedback else
                      "the submissions being graded were not saved; grade again to finish")
        print(f"autograder: {stop}: {unfinished}", file=sys.stderr)
        return stop.code
    except KeyboardInterrupt:
        print("autograder: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into head, which has read enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def parser():
    top = argparse.ArgumentParser(prog="autograder", description=__doc__)
    commands = top.add_subparsers(required=True, metavar="COMMAND")

    cmd = commands.add_parser("release", help="regenerate notebooks/ from solutions/")
    cmd.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    cmd.add_argument("--check", action="store_true",
                     help="change nothing; fail and name every notebook that differs")
    cmd.set_defaults(run=run_release)

    cmd = commands.add_parser("translate", help="what the Korean edition still lacks: cells whose "
                              "translation is missing or stale, with their English text")
    cmd.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    cmd.add_argument("--todo", action="store_true",
                     help="print each such cell's fingerprint and English source")
    cmd.add_argument("--solutions", type=Path, metavar="DIR", help="instead, write the Korean "
                     "solution notebooks missing in DIR (for self-learners: make solutions)")
    cmd.add_argument("--tests", action="store_true", help="instead, the text the test cells write: "
                     "check and compile each notebook's catalog, autograder/locale/ko/LC_MESSAGES/"
                     "tests_NN_topic.po; with --todo, print each entry still to do")
    cmd.set_defaults(run=run_translate)

    cmd = commands.add_parser("grade", help="autograde a folder of submissions")
    cmd.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    cmd.add_argument("--assignment", metavar="ID", help="the assignment, if file names don't say")
    cmd.add_argument("--out", type=Path, metavar="DIR", help="grading work folder (default grading/)")
    _grading_options(cmd)
    cmd.set_defaults(run=run_grade)

    cmd = commands.add_parser("demo", help="release, then grade the bundled example class")
    cmd.add_argument("--out", type=Path, metavar="DIR", help="work folder (default grading/, which the "
                     "formgrader shows)")
    _grading_options(cmd, timeout=10)
    cmd.set_defaults(run=run_demo)

    cmd = commands.add_parser("feedback", help="after grading by hand: rewrite feedback, "
                              "grades.csv and grades.json from the gradebook (nothing is run)")
    cmd.add_argument("--out", type=Path, metavar="DIR", help="grading work folder (default grading/)")
    cmd.add_argument("--db", metavar="URL", help="gradebook database (default: as for grade)")
    cmd.add_argument("--export", type=Path, metavar="DIR", help="also write for an LMS: a feedback "
                     "file per student and the grades as Canvas and Moodle CSV files")
    cmd.add_argument("--canvas-assignment", action="append", type=export.canvas_assignment,
                     default=[], metavar="ASSIGNMENT=ID", help="with --export: the assignment's "
                     "Canvas id, so Canvas's import updates it (else it adds a new column)")
    cmd.set_defaults(run=run_feedback)

    cmd = commands.add_parser("roster", help="import students' names into the gradebook from a "
                              "Canvas, Moodle or plain id,first,last,email CSV file")
    cmd.add_argument("file", type=Path, metavar="CSV")
    cmd.add_argument("--id", metavar="COLUMN", help="the column holding the ids submissions are "
                     "filed under (default: SIS User ID, ID number, Moodle's worksheet's Identifier or id; "
                     "ID for files from Canvas's Download Submissions)")
    cmd.add_argument("--out", type=Path, metavar="DIR", help="grading work folder (default grading/)")
    cmd.add_argument("--db", metavar="URL", help="gradebook database (default: as for grade)")
    cmd.set_defaults(run=run_roster)

    cmd = commands.add_parser("report", help="write the class report (report.html and CSV "
                              "tables) from the last grading's grades.json")
    cmd.add_argument("--out", type=Path, metavar="DIR", help="grading work folder (default grading/)")
    cmd.set_defaults(run=run_class_report)

    cmd = commands.add_parser("check", help="run your notebook's visible tests, question by question")
    cmd.add_argument("notebook", type=Path, metavar="NOTEBOOK")
    cmd.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per cell")
    cmd.set_defaults(run=run_check)

    cmd = commands.add_parser("submit", help="check your notebook, then write the file to upload")
    cmd.add_argument("notebook", type=Path, metavar="NOTEBOOK")
    cmd.add_argument("--student", metavar="ID",
                     help=f"your student id (default: ${submit.STUDENT_VARIABLE})")
    cmd.add_argument("--assignment", metavar="ID", help="the assignment, if the file name doesn't say")
    cmd.add_argument("--out", type=Path, metavar="DIR", help="where to write it (default: here)")
    cmd.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per cell")
    cmd.set_defaults(run=run_submit)

    cmd = commands.add_parser("data", help="fetch MNIST into data/ if needed, and verify it")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    cmd.set_defaults(run=run_data)
    return top


def _grading_options(cmd, timeout=DEFAULT_TIMEOUT):
    seeds = cmd.add_mutually_exclusive_group()
    seeds.add_argument("--seed", type=int, help="seed of the hidden tests' inputs (default: the "
                       "last grading's, from the work folder's grades.json; random the first time)")
    seeds.add_argument("--new-seed", action="store_true", help="draw a new seed at random")
    cmd.add_argument("--timeout", type=int, default=timeout, help="seconds per cell")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    cmd.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                     help="submissions graded at once (default: the number of cores)")
    cmd.add_argument("--scheduler", metavar="ADDRESS",
                     help="grade on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786)")
    cmd.add_argument("--sandbox", choices=sandbox.MODES, default="auto",
                     help="run kernels in bubblewrap: auto (if it works here, else warn), "
                          "required, off (default: auto)")
    cmd.add_argument("--memory", type=memory_size, default=sandbox.DEFAULT_MEMORY, metavar="SIZE",
                     help="memory per kernel, e.g. 4G or 512M (default: 4G)")
    cmd.add_argument("--disk", type=disk_size, default=sandbox.DEFAULT_DISK, metavar="SIZE",
                     help="bytes a kernel may write: each of /tmp, /dev/shm and its working folder "
                          "in the sandbox, each file, and its transcripts and sockets in all "
                          "(default: 1G)")
    cmd.add_argument("--submission-timeout", type=positive_seconds, metavar="SECONDS",
                     default=sandbox.DEFAULT_SUBMISSION_TIMEOUT,
                     help="seconds all of a submission's cells may run; the cells left then are "
                          f"not run (default: {sandbox.DEFAULT_SUBMISSION_TIMEOUT})")
    cmd.add_argument("--no-feedback", action="store_true",
                     help="write no feedback HTML: scores and tables only, about a sixth faster")
    cmd.add_argument("--db", metavar="URL", help="gradebook database, e.g. "
                     "postgresql://user@host/course (default: SQLite in the work folder, or "
                     "CourseDirectory.db_url in nbgrader_config.py)")


def memory_size(text):
    """Bytes of memory from '4G', '512M', '1.5G' or a plain number of bytes; 64M at least."""
    return _size(text, "64M", "memory")


def disk_size(text):
    """Bytes of disk, written as for :func:`memory_size`; 1M at least."""
    return _size(text, "1M", "disk")


def _size(text, least, what):
    units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    number, unit = (text[:-1], text[-1].upper()) if text[-1:].upper() in units else (text, "")
    try:
        size = int(float(number) * units.get(unit, 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: write e.g. 4G or 512M") from None
    if size < int(least[:-1]) * units[least[-1]]:
        raise argparse.ArgumentTypeError(f"{text} is too little {what} for a kernel: give {least} or more")
    return size


def positive_seconds(text):
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds: write e.g. 600")
    return seconds


def _grading_settings(args):
    seed = grading.new_seed() if args.new_seed else args.seed
    return dict(seed=seed, timeout=args.timeout, progress=not args.quiet, jobs=max(1, args.jobs),
                scheduler=args.scheduler, db=args.db, feedback=not args.no_feedback,
                sandbox=sandbox.Sandbox(args.sandbox, memory=args.memory, disk=args.disk,
                                        submission_timeout=args.submission_timeout))


def run_release(args):
    root = find_root()
    if args.check:
        drifted = release.drifted(root, args.assignments)
        for path, difference in drifted:
            print(f"out of date: {Path(path).relative_to(root)} ({difference})", file=sys.stderr)
        if drifted:
            print("autograder: notebooks/ differs from what solutions/ generates: "
                  "run 'autograder release'", file=sys.stderr)
            return 1
        print("notebooks/ is up to date")
        return 0
    released, untranslated = release.release(root, args.assignments)
    for assignment in released:
        korean = root / release.KOREAN / assignment
        print(f"released notebooks/{assignment}" + (f" and {korean.relative_to(root)}"
                                                    if korean.is_dir() else ""))
    for path in sorted({path for path, _, _ in untranslated}):
        cells = [cell for where, cell, _ in untranslated if where == path]
        print(f"autograder: warning: {len(cells)} cells of the Korean edition stay in English, "
              f"their translation in {path.relative_to(root)} is missing or stale: run "
              f"'autograder translate {path.parent.name} --todo'", file=sys.stderr)
    return 0


def run_translate(args):
    import nbformat

    from . import translation
    from .course import notebook_names

    root = find_root()
    if args.tests:
        return translate_tests(root, release.selected(root, args.assignments), args.todo)
    if args.solutions:
        for path in translation.write_solutions(root, release.selected(root, args.assignments),
                                                args.solutions):
            print(f"wrote {path}")
        return 0
    missing = 0
    for assignment in release.selected(root, args.assignments):
        for name in notebook_names(root, assignment):
            path = root / "solutions" / assignment / f"{name}.ipynb"
            notebook = nbformat.read(path, as_version=4)
            table_file = translation.file_for(path)
            tables = translation.load(table_file) if table_file.is_file() else {}
            found = translation.problems(notebook, tables)
            missing += len(found)
            print(f"{table_file.relative_to(root)}: {len(found) or 'nothing'} to do")
            if args.todo and found:
                print(translation.todo(notebook, tables))
    return 1 if missing else 0


def translate_tests(root, assignments, todo):
    """``autograder translate --tests``: see :mod:`autograder.cellmessages`."""
    from . import cellmessages

    missing = 0
    for assignment in assignments:
        path = cellmessages.catalog_path(assignment)
        if not path.is_file():
            raise CourseError(f"no catalog {path} of the test cells' text: run make messages")
        found = cellmessages.compile_catalog(assignment)
        missing += len(found)
        print(f"{path.relative_to(cellmessages.LOCALE_DIR.parents[1])}: {len(found) or 'nothing'} to do")
        cells = {m.id: m.locations for m in cellmessages.read(path)}
        for text, problem in found if todo else ():
            print(f"===== {problem} (in {', '.join(cell for cell, _ in cells.get(text, []))})\n{text}")
    return 1 if missing else 0


def run_grade(args):
    root = find_root()
    report = grading.grade(root, args.submissions, assignment=args.assignment, out=args.out,
                           **_grading_settings(args))
    return print_report(report)


def run_demo(args):
    root = find_root()
    release.release(root, [DEMO_ASSIGNMENT])
    with tempfile.TemporaryDirectory(prefix="descent-demo-") as submissions:
        specs = examples.build_examples(root, DEMO_ASSIGNMENT, submissions)
        for spec in specs:
            print(f"  {spec.name:<28} {spec.description.splitlines()[0]}")
        report = grading.grade(root, submissions, out=args.out or root / "grading",
                               **_grading_settings(args))
    print_report(report)
    return 0


def run_feedback(args):
    root = find_root()
    if args.export and args.export.exists() and not args.export.is_dir():
        raise CourseError(f"{args.export} is a file: give --export a folder (new or existing)")
    if args.canvas_assignment and not args.export:
        raise CourseError("--canvas-assignment names a column of --export's canvas.csv: add --export DIR")
    canvas_ids = export.canvas_assignment_ids(args.canvas_assignment)
    report = refresh.refresh(root, args.out, args.db)
    status = print_report(report)
    if args.export:
        count, unnamed = export.export(gradebook_url(root, report.work, args.db), report.work,
                                       args.export, canvas_ids)
        print(f"{count} students' feedback, canvas.csv and moodle.csv in {args.export}")
        if unnamed:
            print(f"autograder: warning: canvas.csv: Canvas will add {', '.join(unnamed)} as new "
                  "assignments; --canvas-assignment ASSIGNMENT=ID updates the existing ones",
                  file=sys.stderr)
        pending = sum(grading.pending_manual_points(o) for o in report.outcomes)
        if pending:
            print(f"autograder: warning: the exported totals count {pending:g} points of written "
                  "answers not graded yet as 0", file=sys.stderr)
    return status


def run_roster(args):
    root = find_root()
    entries, kind = roster.read_roster(args.file, args.id)
    if not entries:
        raise CourseError(f"{args.file} lists no student")
    work = Path(args.out or root / "grading")
    work.mkdir(parents=True, exist_ok=True)
    others = roster.import_roster(gradebook_url(root, work, args.db), entries)
    print(f"{len(entries)} students imported from a {kind} roster into the gradebook in {work}")
    if others:
        print(f"autograder: warning: in the gradebook but not on the roster: {', '.join(others)} "
              "(are their submissions filed under another id? --id COLUMN; Canvas's download "
              "files them under its ID column)", file=sys.stderr)
    return 0


def run_class_report(args):
    work = args.out or find_root() / "grading"
    with workfolder.folder_errors(work):  # read-only or full: one line
        page = write_class_report(work)
    print(f"{page} and its tables report_*.csv written")
    return 0


def print_report(report):
    for notice in report.notices:
        print(f"autograder: warning: {notice}", file=sys.stderr)
    print(grading.format_table(grading.without_unused_penalties(report.table)))
    pending = sum(grading.pending_manual_points(o) for o in report.outcomes)
    if pending:
        print(f"{pending:g} points of written answers wait for manual grading: grade them in the "
              "formgrader (make formgrader), then run 'autograder feedback'")
    for outcome in report.problems:
        for line in [outcome.message] * (outcome.status != "graded") + outcome.warnings:
            print(f"{outcome.student}/{outcome.assignment}: {line}", file=sys.stderr)
    print_faults([o for o in report.outcomes if o.faults])
    print(f"seed {report.seed}; feedback, grades.csv, grades.json and report.html in {report.work}")
    return 1 if report.problems else 0


def print_faults(faulty):
    """Per submission with cells the grader had to stop, the first such cell and why."""
    if not faulty:
        return
    print(f"{_count(len(faulty), 'submission')} had cells stopped by the grader (a time limit, a "
          "dying kernel, too much output or disk); those cells scored 0, the others were graded:")
    for outcome in faulty:
        first, others = outcome.faults[0], len(outcome.faults) - 1
        print(f"  {outcome.student}: {first}"  # a fault names its notebook
              + (f" (and {_count(others, 'more cell')}: see 'faults' in grades.json)" if others else ""))


def _count(number, noun):
    return f"{number} {noun}{'' if number == 1 else 's'}"


def run_check(args):
    with selfcheck.in_notebook_language(args.notebook):
        checks = selfcheck.check_notebook(args.notebook, timeout=args.timeout)
        print(selfcheck.format_checks(checks))
    return 0 if all(c.passed for c in checks) else 1


def run_submit(args):
    with selfcheck.in_notebook_language(args.notebook):
        target, checks, stubs = submit.submit(args.notebook, args.student, args.assignment,
                                              args.out, timeout=args.timeout)
        print(selfcheck.format_checks(checks))
        print(submit.format_summary(target, checks, stubs))
    return 0


def run_data(args):
    _, source = data.ensure_mnist(progress=not args.quiet)
    path = data.mnist_path()
    how = f"filled from {source}" if source else "already there"
    print(f"{path}: {path.stat().st_size:,} bytes, {how}; every array verified:")
    for name, (shape, sha256) in data.MNIST.items():
        print(f"  {name:<8} uint8 {str(shape):<16} {math.prod(shape):>11,} bytes  sha256 {sha256}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
