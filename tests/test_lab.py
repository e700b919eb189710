"""`make lab` starts a student's JupyterLab: no instructor tools, `autograder` found in its terminals."""
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from tornado.websocket import websocket_connect

from conftest import REPO

TOKEN = "descent-test"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(base, path):
    """(status, body) of a GET on the server."""
    try:
        with urllib.request.urlopen(f"{base}{path}?token={TOKEN}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def post(base, path):
    request = urllib.request.Request(f"{base}{path}?token={TOKEN}", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def student_lab(tmp_path_factory):
    """`make lab` on a free port; yields (base URL, path of its log)."""
    if not (REPO / ".venv" / "bin" / "jupyter").exists() or not shutil.which("make"):
        pytest.skip("make lab needs make and the repository's .venv (make .venv/.installed)")
    port, log = free_port(), tmp_path_factory.mktemp("lab") / "lab.log"
    options = f"--no-browser --port={port} --IdentityProvider.token={TOKEN}"
    options += " --allow-root" * (os.geteuid() == 0)
    env = {k: v for k, v in os.environ.items() if k not in ("PATH", "JUPYTER_CONFIG_PATH")}
    env["PATH"] = "/usr/bin:/bin"  # a student's shell, without the venv on PATH
    with open(log, "w") as out:
        server = subprocess.Popen(["make", "-o", ".venv/.installed", "lab", f"LAB_OPTIONS={options}"],
                                  cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while get_status(base) != 200:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield base, log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def get_status(base):
    try:
        return get(base, "/api/status")[0]
    except OSError:
        return None


def test_student_lab_has_no_instructor_tools(student_lab):
    base, log = student_lab
    assert get(base, "/formgrader")[0] == 404
    status, page = get(base, "/lab")
    assert status == 200
    config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S)[1])
    disabled = config["disabledExtensions"]
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(disabled)
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    text = log.read_text()
    assert "validate_assignment | extension was successfully loaded" in text
    assert "course directory root" not in text and "[E " not in text, text


async def terminal_output(base, command):
    """What a new lab terminal prints for ``command``."""
    name = post(base, "/api/terminals")["name"]
    url = f"{base.replace('http', 'ws')}/terminals/websocket/{name}?token={TOKEN}"
    connection = await websocket_connect(url)
    # The shell computes the end marker, so the echo of the typed line does not contain it.
    connection.write_message(json.dumps(["stdin", f"{command}; echo END-OF-$((6 * 7))\r"]))
    output = ""
    while "END-OF-42" not in output:
        message = await asyncio.wait_for(connection.read_message(), timeout=20)
        assert message is not None, output
        kind, *content = json.loads(message)
        output += content[0] if kind == "stdout" else ""
    connection.close()
    return output


def test_autograder_is_found_in_a_lab_terminal(student_lab):
    base, _ = student_lab
    output = asyncio.run(terminal_output(base, "command -v autograder"))
    assert str(REPO / ".venv" / "bin" / "autograder") in output, output


def test_validate_in_a_student_lab_skips_demo_cells(tmp_path, monkeypatch):
    """etc/student/nbgrader_config.py: the Validate button runs what grading runs."""
    import nbformat
    from nbgrader.apps import NbGrader
    from nbgrader.validator import Validator

    demo = nbformat.v4.new_code_cell("ran_demo = True", metadata={"tags": ["demo"]})
    test = nbformat.v4.new_code_cell("assert 'ran_demo' not in globals(), 'a demo cell ran'", metadata={
        "nbgrader": {"grade": True, "grade_id": "test_no_demo", "locked": True, "points": 1,
                     "schema_version": 3, "solution": False, "task": False}})
    nbformat.write(nbformat.v4.new_notebook(cells=[demo, test]), tmp_path / "n.ipynb")
    monkeypatch.chdir(tmp_path)

    def validate(config_path):
        monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(config_path))
        app = NbGrader()  # how nbgrader's Validate handler loads its configuration
        app.load_config_file()
        return Validator(config=app.config).validate(str(tmp_path / "n.ipynb"))

    assert validate(REPO / "etc" / "student") == {}
    assert "a demo cell ran" in validate(tmp_path)["failed"][0]["raw_error"]
