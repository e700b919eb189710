"""The Korean edition of the toy course: released from the same source with its translation,
checked for drift, and graded with the English one in one run, with the same scores."""
import csv
import html
import re
import shutil

import nbformat
import pytest

from autograder import translation
from autograder.course import CourseError
from autograder.judge import is_autograded_test
from test_i18n import KOREAN
from conftest import REPO, WRITTEN, build, cell_points, outcomes, run_cli, with_written_answer

TRANSLATION = REPO / "tests" / "fixtures" / "99_toy.ko.toml"
WRONG = '''# base: solutions
# %% sgd_momentum
def sgd_momentum(w, dw, config=None):
    return w - 0.1 * dw, config or {}
'''
BLANK = "# base: release\n"


@pytest.fixture(scope="module")
def course(toy_course, tmp_path_factory):
    """The toy course with a written answer and its Korean translation, released in both editions."""
    root = with_written_answer(toy_course, tmp_path_factory.mktemp("korean") / "course")
    shutil.copy(TRANSLATION, root / "solutions" / "99_toy")
    code, out, err = run_cli(root, "release")
    assert (code, err) == (0, ""), err
    assert out == "released notebooks/99_toy and notebooks/ko/99_toy\n"
    return root


def released(course, *edition):
    return nbformat.read(course.joinpath("notebooks", *edition, "99_toy", "99_toy.ipynb"), as_version=4)


def test_the_korean_edition_is_released_beside_the_english_one(course):
    english, korean = released(course), released(course, "ko")
    assert korean.metadata.descent.language == "ko" and "descent" not in english.metadata
    assert [c.id for c in korean.cells] == [c.id for c in english.cells]
    assert korean.cells[0].source.startswith("# 99 · 연습용 과제")
    assert "스칼라 함수 f의" in korean.cells[2].source and "NotImplementedError" in korean.cells[2].source
    assert 'set_language("ko")' in korean.cells[1].source
    assert korean.cells[-1].source == '여기에 답을 쓰세요 (질문 q_why, "99 · 연습용 과제" 아래)'
    tests = [(e.source, k.source) for e, k in zip(english.cells, korean.cells)
             if is_autograded_test(e)]
    assert len(tests) == 3 and all(e == k for e, k in tests)  # the same tests in both editions
    assert run_cli(course, "release", "--check")[0] == 0


def test_release_check_names_stale_and_missing_translations(course, tmp_path):
    changed = tmp_path / "course"
    shutil.copytree(course, changed)
    source = changed / "solutions" / "99_toy" / "99_toy.ipynb"
    source.write_text(source.read_text().replace("Toy assignment", "Toy exercise"))
    tables = changed / "solutions" / "99_toy" / "99_toy.ko.toml"
    tables.write_text(tables.read_text().replace('["9a9c9d45"]', '["0000cafe"]'))
    code, _, err = run_cli(changed, "release", "--check")
    assert code == 1
    assert "c5fc7bd9 (stale: the English cell changed after it was translated)" in err
    assert "9a9c9d45 (no translation of this code cell)" in err
    assert "0000cafe (translates a cell the notebook no longer has" in err
    code, out, _ = run_cli(changed, "translate", "--todo")
    assert code == 1 and f"en = '{translation.fingerprint(nbformat.read(source, 4).cells[0].source)}'" in out


def in_korean(course, submission):
    """The submission as a student of the Korean edition hands it in: the Korean release with the
    same answers (an answer left as released stays as the Korean edition released it)."""
    path = submission / "99_toy.ipynb"
    stubs = {c.source for c in released(course).cells}
    answers = {c.metadata.nbgrader.grade_id: c.source for c in nbformat.read(path, 4).cells
               if c.metadata.get("nbgrader", {}).get("solution") and c.source not in stubs}
    korean = released(course, "ko")
    for cell in korean.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in answers:
            cell.source = answers[cell.metadata.nbgrader.grade_id]
    nbformat.write(korean, path)


def test_a_mixed_class_is_graded_the_same_in_one_run(course):
    submissions = course / "mixed"
    for language in ("en", "ko"):
        answer = {"en": "Because the loss is quadratic.", "ko": "손실이 이차식이기 때문입니다."}[language]
        good = f"# base: solutions\n\n# %% {WRITTEN}\n{answer}\n"
        for kind, spec in (("good", good), ("wrong", WRONG), ("blank", BLANK)):
            folder = build(course, "99_toy", submissions, f"{language}_{kind}", spec)
            if language == "ko":
                in_korean(course, folder)
    code, _, err = run_cli(course, "grade", submissions, "--out", course / "grading", "--seed", 3,
                           "--timeout", 10, "--quiet", "--jobs", 2)
    assert code == 0, err
    points = cell_points(course / "grading")
    assert points["en_good"] == {"test_numerical_gradient": 1, "test_sgd_momentum": 2, "test_LinearModel": 1}
    assert points["en_wrong"] == {"test_numerical_gradient": 1, "test_sgd_momentum": 0, "test_LinearModel": 1}
    assert points["en_blank"] == {"test_numerical_gradient": 0, "test_sgd_momentum": 0, "test_LinearModel": 0}
    for kind in ("good", "wrong", "blank"):
        assert points[f"ko_{kind}"] == points[f"en_{kind}"]
    found = outcomes(course / "grading")
    messages = {student: {c["cell"]: c["message"] for c in found[student]["cells"]} for student in found}
    assert messages["en_wrong"]["test_numerical_gradient"] == "\u2713 test_numerical_gradient passed"
    assert messages["ko_wrong"]["test_numerical_gradient"] == "\u2713 test_numerical_gradient 통과"
    assert messages["en_wrong"]["test_sgd_momentum"].startswith("\u2717 test_sgd_momentum: ")
    assert messages["ko_wrong"]["test_sgd_momentum"].startswith("\u2717 test_sgd_momentum: ")
    written = {student: next(c for c in found[student]["cells"] if c["cell"] == WRITTEN)
               for student in found}
    assert written["en_good"] != written["en_blank"]  # an answer to grade by hand, or none
    for kind in ("good", "wrong", "blank"):
        assert written[f"ko_{kind}"] == written[f"en_{kind}"]
    feedback = course / "grading" / "feedback"
    korean_page = html.unescape((feedback / "ko_wrong" / "99_toy" / "99_toy.html").read_text())
    english_page = html.unescape((feedback / "en_wrong" / "99_toy" / "99_toy.html").read_text())
    # graded in one run by two workers, each submission in its own language: none leaks into another
    assert "연습용 과제" in korean_page and "Toy assignment" not in korean_page
    assert "test_numerical_gradient 통과" in korean_page and "값이 일치하지 않습니다: 상대 오차" in korean_page
    assert "(점수: " in korean_page and "Score" not in korean_page
    assert "test_numerical_gradient passed" in english_page and "does not match: relative error" in english_page
    assert "(Score: " in english_page and not KOREAN.search(english_page)
    # The class report counts a mistake once, in English, whichever edition it was made in.
    assert found["ko_wrong"]["cells"][1]["diagnosis"] == found["en_wrong"]["cells"][1]["diagnosis"]
    with open(course / "grading" / "report_diagnoses.csv", newline="", encoding="utf-8") as file:
        diagnoses = list(csv.DictReader(file))
    assert {(d["question"], d["students"]) for d in diagnoses} == {
        ("test_numerical_gradient", "en_blank ko_blank"), ("test_sgd_momentum", "en_blank ko_blank"),
        ("test_sgd_momentum", "en_wrong ko_wrong"), ("test_LinearModel", "en_blank ko_blank")}
    assert not any(KOREAN.search(d["diagnosis"]) for d in diagnoses)


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.DOTALL)


def kept(english, korean, pattern):
    """What ``pattern`` finds in the English text and not in the Korean (spacing aside)."""
    found = {" ".join(m.split()) for m in pattern.findall(korean)}
    return sorted({" ".join(m.split()) for m in pattern.findall(english)} - found)


@pytest.mark.parametrize("tables_file", sorted((REPO / "solutions").glob("*/*.ko.toml")),
                         ids=lambda p: p.parent.name)
def test_translations_keep_every_number_and_formula(tables_file):
    """The Korean text quotes the numbers the cells compute (the English text's claims are checked
    against them) and the same formulas."""
    notebook = nbformat.read(tables_file.with_name(tables_file.name.replace(".ko.toml", ".ipynb")), 4)
    tables = translation.load(tables_file)
    lost = {}
    for cell in notebook.cells:
        table = tables.get(cell.id, {})
        if cell.cell_type == "markdown" and "ko" in table:
            missing = kept(cell.source, table["ko"], NUMBER) + kept(cell.source, table["ko"], MATH)
            if missing:
                lost[cell.id] = missing
    assert not lost, f"numbers or formulas of the English text missing in the Korean: {lost}"


@pytest.mark.parametrize("text, problem", [
    ("['7adb9f9b'\nen = 'x'", "is not valid TOML"),
    ("['7adb9f9b']\nko = 'text without its fingerprint'\n", "needs en"),
    ("['7adb9f9b']\nen = 'abc'\nko = ''\n", "needs en"),
    ("['7adb9f9b']\nen = 'abc'\nreplace = [['only one side']]\n", "needs en"),
    ("['7adb9f9b']\nen = 'abc'\nko = 'x'\nreplace = []\n", "needs en"),
])
def test_a_malformed_translation_file_is_a_one_line_error(tmp_path, text, problem):
    path = tmp_path / "01.ko.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CourseError, match=problem):
        translation.load(path)
