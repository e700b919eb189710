"""What a student sees in JupyterLab: a short verdict under a test cell, Korean that renders, and
a Validate that names the written answers still missing.

A student's JupyterLab (``make lab``'s configuration, etc/student and etc/lab) runs on loopback in
a temporary copy of notebook 01, driven by Debian's chromium through Playwright (never
``playwright install``: no browser is downloaded).
"""
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTEBOOK = REPO / "notebooks" / "01_loss_functions" / "01_loss_functions.ipynb"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no browser: {CHROMIUM} is missing "
                                "(Debian: apt-get install chromium)")

WRONG = "def mean_squared_error(y_pred, t):\n    return float(np.sum((y_pred - t) ** 2))\n"
RIGHT = "def mean_squared_error(y_pred, t):\n    return float(np.mean((y_pred - t) ** 2))\n"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """JupyterLab serving a copy of notebook 01: (base URL, token)."""
    shutil.copy(NOTEBOOK, tmp_path / NOTEBOOK.name)
    home = tmp_path / "home"
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell in the page, not only those scrolled into view
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    token, port = secrets.token_hex(16), free_port()
    env = {**os.environ, "HOME": str(home), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTER_CONFIG_PATH": f"{REPO / 'etc' / 'student'}:{REPO / 'etc' / 'lab'}"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--ServerApp.token={token}", "--LabApp.expose_app_in_browser=True",
         f"--ServerApp.root_dir={tmp_path}", *["--allow-root"] * (os.geteuid() == 0)],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1), 60)
        yield url, token
    finally:
        server.terminate()
        server.wait(timeout=20)


def wait_for(probe, seconds):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return probe()
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


@pytest.fixture
def page(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def cell_index(predicate):
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    return next(i for i, cell in enumerate(cells) if predicate(cell))


def by_grade_id(grade_id):
    return cell_index(lambda cell: cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


RUN_CELL = """async (index) => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    notebook.activeCellIndex = index;
    await window.jupyterapp.commands.execute('notebook:run-cell');
}"""


def run_cell(page, index):
    page.evaluate(RUN_CELL, index)


def cell(page, index):
    """The page's element of cell ``index``."""
    page.evaluate("(index) => window.jupyterapp.shell.currentWidget.content.widgets[index].node"
                  ".setAttribute('data-test-index', index)", index)
    return page.locator(f".jp-Cell[data-test-index='{index}']")


def output_of(page, index, containing):
    """The text of cell ``index``'s output once it contains ``containing``."""
    output = cell(page, index).locator(".jp-OutputArea-output")
    output.filter(has_text=containing).first.wait_for(timeout=60_000)
    return output.inner_text()


def type_into(page, index, text):
    """Replace the source of cell ``index`` as a student would: select all, type the new code."""
    editor = cell(page, index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)  # as typed, without the editor's auto-indentation


def test_a_student_sees_a_short_verdict_korean_and_validate(lab, page):
    url, token = lab
    page.goto(f"{url}/lab/tree/{NOTEBOOK.name}?token={token}")
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
                           timeout=90_000)
    setup = [cell_index(lambda cell: "from autograder.testing import" in "".join(cell["source"])),
             cell_index(lambda cell: "set_printoptions" in "".join(cell["source"]))]
    answer, test = by_grade_id("mean_squared_error"), by_grade_id("test_mean_squared_error")
    for index in setup:
        run_cell(page, index)

    type_into(page, answer, WRONG)
    run_cell(page, answer)
    run_cell(page, test)
    verdict = output_of(page, test, "does not match")
    assert verdict.startswith("\u2717 test_mean_squared_error: mean_squared_error(y_pred, t) on the worked example")
    words = " ".join(verdict.split())  # the block is wrapped at 80 columns
    assert "got 4.75, expected 1.1875" in words
    assert "summed over the batch instead of averaged (divide by N=4)" in words
    assert "Traceback" not in verdict and "autograder/testing.py" not in verdict
    assert len(verdict.strip().splitlines()) <= 6

    type_into(page, answer, RIGHT)
    run_cell(page, answer)
    run_cell(page, test)
    assert output_of(page, test, "passed").strip() == "\u2713 test_mean_squared_error passed"

    # The glossary's Korean is drawn with a CJK font, not as empty boxes.
    glossary = cell_index(lambda cell: "".join(cell["source"]).startswith("## Glossary · 용어집"))
    hangul = cell(page, glossary).locator("td", has_text="손실 함수").first
    hangul.scroll_into_view_if_needed(timeout=30_000)
    hangul.evaluate("node => node.id = 'hangul-probe'")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#hangul-probe"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    assert any("CJK" in font["familyName"] and font["glyphCount"] >= 4 for font in fonts), fonts

    # Validate names each written answer still as released (the saved notebook has none).
    page.locator(".validate-button").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    dialog.wait_for(timeout=120_000)
    report = dialog.inner_text()
    assert 'YOUR ANSWER HERE (question q_mae_robustness, under "4 · Outliers: MSE versus MAE")' in report
    assert report.count("YOUR ANSWER HERE (question q_") == 4
    assert "You did not provide a response." in report
