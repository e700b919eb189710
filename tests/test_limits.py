"""The limits on a kernel: what it inherits, writes, prints and how long it runs, each costing only
the cells that break it."""
import argparse
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from autograder import cleanup, cli, examples, execute, sandbox
from autograder.execute import FaultTolerantClient, TimeBudget
from conftest import TOY, cell_points, outcomes, run_cli

SECRET = "descent-test-secret-7f3a"
FULL = {"test_numerical_gradient": 1.0, "test_sgd_momentum": 2.0, "test_LinearModel": 1.0}


def toy_submissions(course, folder, answers):
    """{student: {answer cell: code run before (or, with '{solution}' in it, around) the reference}}."""
    reference = {c.metadata.nbgrader["grade_id"]: examples.solution_code(c.source)
                 for c in nbformat.read(TOY / "solutions/99_toy/99_toy.ipynb", as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    for student, cells in answers.items():
        code = {cell: (before if "{solution}" in before else before + "\n{solution}").replace(
            "{solution}", reference[cell]) for cell, before in cells.items()}
        examples.build_submission(course, "99_toy", examples.Spec(student, "", "solutions", set(),
                                                                  code), folder)


def grade(course, folder, *options):
    code, out, err = run_cli(course, "grade", folder / "submissions", "--out", folder / "work",
                             "--seed", 3, "--quiet", "--jobs", 1, *options)
    assert code == 0, err
    return folder / "work"


def autograded(work, student):
    return (work / "autograded" / student / "99_toy" / "99_toy.ipynb").read_text()


def cell_outputs(work, student, grade_id):
    nb = nbformat.reads(autograded(work, student), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return cell.outputs


WRITE_MB = """import os
def fill(folder, megabytes=32):
    for i in range(megabytes):
        with open(os.path.join(folder, f"filler{i}"), "wb") as file:
            file.write(b"x" * 2**20)
"""


@pytest.mark.skipif(sandbox.bubblewrap_problem() is not None, reason="no bubblewrap here")
def test_environment_disk_and_output_limits(toy_course, tmp_path, monkeypatch):
    monkeypatch.setenv("DESCENT_TEST_TOKEN", SECRET)
    toy_submissions(toy_course, tmp_path / "submissions", {
        "correct": {},
        "prints_environ": {"numerical_gradient": "import os\nprint(dict(os.environ))"},
        # Twice the --disk of 16M into /tmp, /dev/shm and the working folder, one place a cell;
        # the first and last fail after defining their function, the second before.
        "fills_disk": {"numerical_gradient": "{solution}\n" + WRITE_MB + "fill('/tmp')",
                       "sgd_momentum": WRITE_MB + "fill('/dev/shm')",
                       "LinearModel": "{solution}\n" + WRITE_MB + "fill('.')"},
        # 2 MB in small messages: cut at 1 MB. 20 MB in one message: never received, a fault.
        "floods_output": {"LinearModel": "import sys\nfor _ in range(20):\n"
                                         "    print('y' * 100_000, flush=True)",
                          "numerical_gradient": "print('x' * 20 * 2**20)"},
        # Its output channel closed: a fault too, named as such.
        "closes_output": {"LinearModel": "get_ipython().kernel.iopub_socket.close()"},
    })
    work = grade(toy_course, tmp_path, "--disk", "16M", "--timeout", 20, "--sandbox", "required")
    points, results = cell_points(work), outcomes(work)
    assert points == {
        "correct": FULL, "prints_environ": FULL,
        "fills_disk": {**FULL, "test_sgd_momentum": 0.0},
        "floods_output": {**FULL, "test_numerical_gradient": 0.0},
        "closes_output": {**FULL, "test_LinearModel": 0.0}}

    assert "DESCENT_JUDGE_DIR" in autograded(work, "prints_environ")  # the cell did print
    for path in [work / "grades.json", *work.glob("autograded/*/99_toy/*.ipynb"),
                 *work.glob("feedback/*/99_toy/*.html")]:
        assert SECRET not in path.read_text(), path

    for cell in ("numerical_gradient", "sgd_momentum", "LinearModel"):
        errors = [o for o in cell_outputs(work, "fills_disk", cell) if o.output_type == "error"]
        assert [(e.ename, e.evalue) for e in errors] == [
            ("OSError", "[Errno 28] No space left on device")], cell

    flood = cell_outputs(work, "floods_output", "LinearModel")
    printed = "".join(o.text for o in flood if o.output_type == "stream")
    line = "y" * 100_000 + "\n"
    assert printed == (line * 10 + line[:execute.CELL_OUTPUT - 10 * len(line)]
                       + "\n[output cut at this cell's limit of 1 MB: the rest was dropped]\n")
    cut = ("the cell's output stopped reaching the grader (a message over 16 MB, which grading "
           "does not take, or an output channel the cell closed), so its kernel was stopped")
    assert results["floods_output"]["faults"] == [f"99_toy numerical_gradient: {cut}"]
    assert results["closes_output"]["faults"] == [f"99_toy LinearModel: {cut}"]


FILL_JUDGE = """import os, time
judge = os.environ["DESCENT_JUDGE_DIR"]
"""


def test_what_a_submission_writes_to_the_graders_disk_is_capped_in_all(toy_course, tmp_path):
    toy_submissions(toy_course, tmp_path / "submissions", {
        "correct": {},
        # 1 MB files, each far below the file size cap, 40 MB in all: stopped while it sleeps
        "fills_judge": {"sgd_momentum": FILL_JUDGE + "for i in range(40):\n"
                        "    open(f'{judge}/f{i}', 'wb').write(b'x' * 2**20)\ntime.sleep(60)"}})
    work = grade(toy_course, tmp_path, "--disk", "16M", "--timeout", 20)
    assert cell_points(work) == {
        "correct": FULL, "fills_judge": {**FULL, "test_sgd_momentum": 0.0, "test_LinearModel": 0.0}}
    cause = ("the submission wrote more than 16 MB into the grading folders on the grader's disk "
             "(judge/ and kernel/)")
    assert outcomes(work)["fills_judge"]["faults"] == [
        f"99_toy sgd_momentum: {cause}, so its kernel was stopped"] + [
        f"99_toy {cell}: not run: {cause} before this cell"
        for cell in ("test_sgd_momentum", "LinearModel", "test_LinearModel")]
    assert outcomes(work)["correct"]["faults"] == []
    # stopped while it ran, not at its time limit
    assert [o.ename for o in cell_outputs(work, "fills_judge", "sgd_momentum")
            if o.output_type == "error"] == ["DiskLimitError"]


def test_overflow_counts_bytes_files_and_depth_without_following_links(tmp_path):
    judge, kernel = tmp_path / "judge", tmp_path / "kernel"
    judge.mkdir()
    kernel.mkdir()
    (judge / "t.json").write_bytes(b"x" * 300_000)
    (kernel / "log.txt").write_bytes(b"x" * 300_000)
    (judge / "link").symlink_to("/usr")  # not followed: counts as one entry
    assert cleanup.overflow([judge, kernel, tmp_path / "absent"], 2**20) is None
    (kernel / "more").write_bytes(b"x" * 600_000)
    assert cleanup.overflow([judge, kernel], 2**20) == "more than 1 MB"
    assert cleanup.overflow([judge, kernel], 2**21, max_entries=3) == "more than 3 files and folders"
    deep = judge
    for _ in range(cleanup.MAX_DEPTH + 1):
        deep = deep / "d"
        deep.mkdir()
    assert cleanup.overflow([judge], 2**21) == f"folders nested more than {cleanup.MAX_DEPTH} deep"


def test_a_submission_that_sleeps_in_every_cell_stops_at_its_time_limit(toy_course, tmp_path):
    toy_submissions(toy_course, tmp_path / "submissions", {
        "correct": {},
        "sleeps": {cell: "import time\ntime.sleep(3)"
                   for cell in ("numerical_gradient", "sgd_momentum", "LinearModel")}})
    work = grade(toy_course, tmp_path, "--timeout", 4, "--submission-timeout", 5)
    # 3 s of sleep, then the test: about 1.5 s are left for sgd_momentum, which is interrupted
    assert cell_points(work) == {"correct": FULL, "sleeps": {**FULL, "test_sgd_momentum": 0.0,
                                                             "test_LinearModel": 0.0}}
    assert [o.ename for o in cell_outputs(work, "sleeps", "sgd_momentum")
            if o.output_type == "error"] == ["CellTimeoutError"]
    not_run = "not run: the submission reached its time limit of 5 s before this cell"
    assert outcomes(work)["sleeps"]["faults"] == [
        f"99_toy {cell}: {not_run}" for cell in ("test_sgd_momentum", "LinearModel",
                                                 "test_LinearModel")]
    assert "the cell ran past the submission's time limit of 5 s and was interrupted" in \
        autograded(work, "sleeps")


def test_the_kernel_inherits_only_the_allowed_variables(tmp_path):
    ours = {"PATH": "/usr/bin", "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "1",
            "DESCENT_MNIST": "/data/mnist.npz", "PGPASSWORD": "pw", "GITHUB_TOKEN": "t",
            "PYTHONPATH": "/grader", "TMPDIR": "/var/grader"}
    env = sandbox.kernel_environment(tmp_path, ours)
    assert {k: v for k, v in env.items() if k in ours} == {
        "PATH": "/usr/bin", "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "1",
        "DESCENT_MNIST": "/data/mnist.npz"}
    assert env["HOME"] == str(tmp_path / "home")


def test_without_the_sandbox_each_file_is_capped(tmp_path):
    command = sandbox.kernel_command(
        [sys.executable, "-c", "open('big', 'wb').write(b'x' * 3 * 2**20)"],
        sandbox.Sandbox("off", disk=2**20), tmp_path, isolated=False)
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "OSError: [Errno 27] File too large" in result.stderr
    assert (tmp_path / "big").stat().st_size == 2**20


def message(kind, **content):
    return {"msg_type": kind, "header": {"msg_type": kind}, "parent_header": {"msg_id": "m"},
            "content": content}


def test_outputs_are_capped_per_cell_and_per_notebook(tmp_path):
    cells = [new_code_cell("print(...)") for _ in range(12)]
    client = FaultTolerantClient(nbformat.v4.new_notebook(cells=cells), run=tmp_path,
                                 sandbox=sandbox.Sandbox("off"), isolated=False, uid=None, env={},
                                 timeout=5, budget=TimeBudget(10))
    client.reset_execution_trackers()
    client.clear_before_next_output = False  # as nbclient sets it before each cell
    megabyte = "z" * execute.CELL_OUTPUT
    picture = {"image/png": "i" * 1000, "text/plain": "<Figure>"}
    for index, cell in enumerate(cells):
        client._cell_output_size, client._cut = 0, False  # as _execute does for each cell
        client.process_message(message("stream", name="stdout", text=megabyte[:-100]), cell, index)
        client.process_message(message("display_data", data=picture, metadata={}), cell, index)
        client.process_message(message("error", ename="E", evalue="v" * 50_000,
                                       traceback=["t" * 8000] * 3), cell, index)
    sizes = [[execute.output_size(o) if o.output_type != "error" else "error"
              for o in cell.outputs] for cell in cells]
    cut_cell = [execute.CELL_OUTPUT - 100, len("[output cut at this cell's limit of 1 MB: the rest "
                                                "was dropped]\n") + 1, "error"]
    assert sizes[:10] == [cut_cell] * 10  # 10 MB less 1000 characters
    cut_notebook = "\n[output cut at the notebook's limit of 10 MB: the rest was dropped]\n"
    assert [o.get("text") for o in cells[10].outputs[:-1]] == [megabyte[:1000] + cut_notebook]
    assert [o.get("text") for o in cells[11].outputs[:-1]] == [cut_notebook]
    error = cells[11].outputs[-1]
    assert len(error.evalue) == execute.ERROR_TEXT
    assert error.traceback == ["t" * 2000, "t" * 8000]


def test_limit_options_take_sizes_and_seconds():
    assert cli.disk_size("16M") == 16 * 2**20 and cli.positive_seconds("600") == 600
    for parse, text, problem in [(cli.disk_size, "100K", "too little disk for a kernel: give 1M"),
                                 (cli.memory_size, "1M", "too little memory for a kernel: give 64M"),
                                 (cli.positive_seconds, "0", "not a number of seconds"),
                                 (cli.positive_seconds, "ten", "not a number of seconds")]:
        with pytest.raises(argparse.ArgumentTypeError, match=problem):
            parse(text)
