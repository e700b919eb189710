"""Under ``--sandbox required``, notebook 01's cheats still score 0, and so do submissions that copy
the reference from solutions/, phone out, or allocate 50 GB; the last two lose only their cell."""
import json
import socket
import subprocess
import sys
import threading

import nbformat
import pytest

from autograder import examples, sandbox
from conftest import REPO, cell_points, max_points, outcomes, run_cli

ASSIGNMENT = "01_loss_functions"
NOTEBOOK = REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

needs_bubblewrap = pytest.mark.skipif(
    sandbox.bubblewrap_problem() is not None,
    reason=f"no sandbox to test: {sandbox.bubblewrap_problem()} (Debian: apt-get install bubblewrap)")

# Every answer cell replaced by code that finds solutions/ next to the autograder package, as an
# editable install puts it, and runs the reference's own cell.
COPY_THE_REFERENCE = f'''"""Cheat: runs the reference solution's cells, read from solutions/."""
# base: release
# fails: all

# %% *
import json, pathlib, autograder
_source = pathlib.Path(autograder.__file__).resolve().parents[1] / "solutions" / "{ASSIGNMENT}" / "{ASSIGNMENT}.ipynb"
for _cell in json.loads(_source.read_text())["cells"]:
    if _cell["metadata"].get("nbgrader", {{}}).get("grade_id") == "__NAME__":
        exec("".join(_cell["source"]), globals())
'''


def wrapped(function, before):
    """The reference ``function``, run after the statement ``before``."""
    reference = {c.metadata.nbgrader["grade_id"]: c.source
                 for c in nbformat.read(NOTEBOOK, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    return (f"{examples.solution_code(reference[function])}\n\n_reference = {function}\n\n"
            f"def {function}(*args, **kwargs):\n    {before}\n    return _reference(*args, **kwargs)\n")


@pytest.fixture
def listener():
    """A TCP server on the host's loopback, counting the connections it accepts."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()


@needs_bubblewrap
def test_cheats_copies_network_and_memory_under_the_sandbox(tmp_path, listener):
    port, accepted = listener
    specs = [s for s in examples.example_specs(REPO, ASSIGNMENT) if s.name.startswith("cheat_")]
    specs += [
        examples.parse_spec("copies_the_reference", COPY_THE_REFERENCE),
        examples.Spec("phones_out", "", "solutions", {"test_mean_absolute_error"}, {
            "mean_absolute_error": wrapped(
                "mean_absolute_error",
                f"__import__('socket').create_connection(('127.0.0.1', {port}), timeout=5).close()")}),
        examples.Spec("allocates_50_gb", "", "solutions", {"test_sum_squared_error"}, {
            "sum_squared_error": wrapped("sum_squared_error", "np.ones(50 * 2**30 // 8)")}),
    ]
    work = grade(specs, tmp_path, "required")
    points, results, full = cell_points(work), outcomes(work), max_points(REPO, ASSIGNMENT)
    for spec in specs:
        assert results[spec.name]["status"] == "graded", spec.name
        expected = {cell: 0.0 if cell in spec.failing(full) else value for cell, value in full.items()}
        assert points[spec.name] == expected, spec.name
    assert accepted == []
    assert "ConnectionRefusedError" in message(results["phones_out"], "test_mean_absolute_error")
    assert "MemoryError" in message(results["allocates_50_gb"], "test_sum_squared_error")
    feedback = work / "feedback" / "copies_the_reference" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert "FileNotFoundError" in feedback.read_text()  # the answer cells could not read solutions/


@needs_bubblewrap
def test_without_the_sandbox_the_copy_succeeds(tmp_path):
    """The control for the test above: the same cheat earns every point when nothing stops it."""
    work = grade([examples.parse_spec("copies_the_reference", COPY_THE_REFERENCE)], tmp_path, "off")
    assert cell_points(work)["copies_the_reference"] == max_points(REPO, ASSIGNMENT)


def test_required_refuses_to_grade_without_bubblewrap(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda: "bubblewrap (bwrap) is not installed")
    submissions = tmp_path / "submissions"
    examples.build_submission(REPO, ASSIGNMENT, examples.parse_spec("a", "# base: solutions\n"),
                              submissions)
    code, out, err = run_cli(REPO, "grade", submissions, "--out", tmp_path / "work", "--quiet",
                             "--jobs", 1, "--sandbox", "required")
    assert code == 2 and "bubblewrap (bwrap) is not installed" in err and "apt-get install" in err
    assert not (tmp_path / "work" / "grades.json").exists()


def grade(specs, folder, mode):
    submissions, work = folder / "submissions", folder / "work"
    for spec in specs:
        examples.build_submission(REPO, ASSIGNMENT, spec, submissions)
    code, out, err = run_cli(REPO, "grade", submissions, "--out", work, "--seed", 7, "--timeout", 10,
                             "--quiet", "--jobs", 1, "--sandbox", mode)
    assert "no sandbox" not in err
    return work


def message(outcome, cell):
    return next(c["message"] for c in outcome["cells"] if c["cell"] == cell)


def test_the_sandbox_sees_only_the_environment_its_folder_and_the_data():
    paths = json.dumps(sandbox.readable_paths())
    assert str(REPO / "solutions") not in paths and str(REPO) not in sandbox.readable_paths()


@needs_bubblewrap
def test_the_process_cap_stops_a_fork_bomb(tmp_path):
    spawn = ("import threading, time\nstarted = 0\ntry:\n    for _ in range(200):\n"
             "        threading.Thread(target=time.sleep, args=(3,), daemon=True).start()\n"
             "        started += 1\nexcept RuntimeError as error:\n    print('stopped', started, error)\n")
    run, uid = tmp_path / "run", sandbox.sandbox_uid()
    sandbox.prepare_run_folder(run, uid)
    command = sandbox.kernel_command([sys.executable, "-c", spawn],
                                     sandbox.Sandbox("required", processes=30), run,
                                     isolated=True, uid=uid)
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("stopped "), result.stderr
    assert int(result.stdout.split()[1]) < 30
