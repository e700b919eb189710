"""What a student sees in JupyterLab: a short verdict under a test cell, Korean that renders, and
a Validate that names the written answers still missing; the same in the Korean edition.

A student's JupyterLab (``make lab``'s configuration, etc/student and etc/lab) runs on loopback in
a temporary copy of notebook 01, driven by Debian's chromium through Playwright (never
``playwright install``: no browser is downloaded; see tests/browser.py).
"""
import contextlib
import json
import shutil


from browser import browser_page, jupyter_lab
from conftest import REPO

NOTEBOOK = REPO / "notebooks" / "01_loss_functions" / "01_loss_functions.ipynb"
KOREAN = REPO / "notebooks" / "ko" / "01_loss_functions" / "01_loss_functions.ipynb"

WRONG = "def mean_squared_error(y_pred, t):\n    return float(np.sum((y_pred - t) ** 2))\n"
RIGHT = "def mean_squared_error(y_pred, t):\n    return float(np.mean((y_pred - t) ** 2))\n"


@contextlib.contextmanager
def student_lab(tmp_path, notebook):
    """A student's JupyterLab serving a copy of ``notebook``, opened in a fresh Chromium page with
    its kernel started: the page."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(notebook, work / notebook.name)
    settings = tmp_path / "jupyter-home" / "config" / "lab" / "user-settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    # every cell in the page, not only those scrolled into view
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    student = {"JUPYTER_CONFIG_PATH": f"{REPO / 'etc' / 'student'}:{REPO / 'etc' / 'lab'}"}
    with (jupyter_lab(work, tmp_path, "--LabApp.expose_app_in_browser=True", env=student) as (url, token),
          browser_page(tmp_path) as page):
        page.goto(f"{url}/lab/tree/{notebook.name}?token={token}")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext"
                               " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                               " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
                               timeout=90_000)
        yield page


def cell_index(predicate, notebook=NOTEBOOK):
    cells = json.loads(notebook.read_text())["cells"]
    return next(i for i, cell in enumerate(cells) if predicate(cell))


def by_grade_id(grade_id, notebook=NOTEBOOK):
    return cell_index(lambda cell: cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id,
                      notebook)


def answer_mean_squared_error(page, notebook, code):
    """Type ``code`` as the answer and run it and its test: the test cell's index."""
    answer, test = by_grade_id("mean_squared_error", notebook), by_grade_id("test_mean_squared_error", notebook)
    type_into(page, answer, code)
    run_cell(page, answer)
    run_cell(page, test)
    return test


def run_setup(page, notebook):
    for marker in ("from autograder.testing import", "set_printoptions"):
        run_cell(page, cell_index(lambda cell: marker in "".join(cell["source"]), notebook))


def validate(page):
    """Click Validate: the text of its dialog."""
    page.locator(".validate-button").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    dialog.wait_for(timeout=120_000)
    return dialog.inner_text()


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


def test_a_student_sees_a_short_verdict_korean_and_validate(tmp_path):
    with student_lab(tmp_path, NOTEBOOK) as page:
        run_setup(page, NOTEBOOK)
        test = answer_mean_squared_error(page, NOTEBOOK, WRONG)
        verdict = output_of(page, test, "does not match")
        assert verdict.startswith("\u2717 test_mean_squared_error: mean_squared_error(y_pred, t) on the worked example")
        words = " ".join(verdict.split())  # the block is wrapped at 80 columns
        assert "got 4.75, expected 1.1875" in words
        assert "summed over the batch instead of averaged (divide by N=4)" in words
        assert "Traceback" not in verdict and "autograder/testing.py" not in verdict
        assert len(verdict.strip().splitlines()) <= 6

        test = answer_mean_squared_error(page, NOTEBOOK, RIGHT)
        assert output_of(page, test, "passed").strip() == "\u2713 test_mean_squared_error passed"

        # The glossary's Korean is drawn with a CJK font, not as empty boxes.
        glossary = cell_index(lambda cell: "".join(cell["source"]).startswith("## Glossary · 용어집"))
        assert_drawn_in_a_cjk_font(page, cell(page, glossary).locator("td", has_text="손실 함수").first)

        # Validate names each written answer still as released (the saved notebook has none).
        report = validate(page)
        assert 'YOUR ANSWER HERE (question q_mae_robustness, under "4 · Outliers: MSE versus MAE")' in report
        assert report.count("YOUR ANSWER HERE (question q_") == 4
        assert "You did not provide a response." in report


def test_the_korean_edition_speaks_korean(tmp_path):
    with student_lab(tmp_path, KOREAN) as page:
        run_setup(page, KOREAN)
        test = answer_mean_squared_error(page, KOREAN, WRONG)
        verdict = " ".join(output_of(page, test, "일치하지 않습니다").split())
        assert verdict.startswith("\u2717 test_mean_squared_error: ")
        assert "결과 4.75, 기댓값 1.1875" in verdict and "N(= 4)으로 나누세요" in verdict
        assert "Traceback" not in verdict and "does not match" not in verdict

        test = answer_mean_squared_error(page, KOREAN, RIGHT)
        assert output_of(page, test, "통과").strip() == "\u2713 test_mean_squared_error 통과"
        heading = cell(page, 0).locator("h1").first
        assert heading.inner_text().startswith("01 · 손실 함수")
        assert_drawn_in_a_cjk_font(page, heading)
        report = validate(page)
        assert report.count("여기에 답을 쓰세요 (질문 q_") == 4


def assert_drawn_in_a_cjk_font(page, element):
    """The element's text is drawn with a CJK font (asked of the browser's layout, through CDP)."""
    element.scroll_into_view_if_needed(timeout=30_000)
    element.evaluate("node => node.id = 'hangul-probe'")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#hangul-probe"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    element.evaluate("node => node.removeAttribute('id')")
    assert any("CJK" in font["familyName"] and font["glyphCount"] >= 4 for font in fonts), fonts
