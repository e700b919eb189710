"""Messages in the student's language: the catalogs are complete and current, the language is
chosen per process, per block and per submission, and never leaks from one submission to the next."""
import asyncio
import gettext
import io
import re
import shutil
import threading

import nbformat
import numpy as np
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from autograder import cellmessages, feedback, i18n, judge, selfcheck, submit, testing, workfolder
from autograder.i18n import Message, language, notebook_language, set_language
from conftest import REPO, build, run_cli

LOCALE = REPO / "autograder" / "locale"
KOREAN = re.compile("[\uac00-\ud7a3]")


def catalog(path):
    with open(path, "rb") as file:
        return read_po(file)


def ids(messages):
    return {m.id for m in messages if m.id}


# ------------------------------------------------------------------------------------ catalogs

def test_the_template_holds_exactly_the_messages_of_the_code():
    keywords = {**DEFAULT_KEYWORDS, "Message": None}  # as `make messages` extracts them
    extracted = {message for _, _, message, *_ in extract_from_dir(
        REPO / "autograder", [("**.py", "python")], keywords=keywords)}
    template = ids(catalog(LOCALE / "descent.pot"))
    assert extracted - template == set(), "new messages: run make messages, then translate them"
    assert template - extracted == set(), "messages no longer used: run make messages"


@pytest.mark.parametrize("code", [c for c in i18n.LANGUAGES if c != i18n.DEFAULT])
def test_every_message_is_translated_with_the_same_placeholders(code):
    translations = catalog(LOCALE / code / "LC_MESSAGES" / "descent.po")
    template = ids(catalog(LOCALE / "descent.pot"))
    by_id = {m.id: m for m in translations if m.id}
    assert template - by_id.keys() == set(), "untranslated: run make messages and translate them"
    for message in (by_id[i] for i in template):
        assert message.string and not message.fuzzy, message.id
        assert placeholders(message.string) == placeholders(message.id), message.id


def placeholders(text):
    return sorted(re.findall(r"\{(\w*)\}", text))


@pytest.mark.parametrize("code", [c for c in i18n.LANGUAGES if c != i18n.DEFAULT])
def test_the_committed_mo_file_is_the_compiled_catalog(code):
    folder = LOCALE / code / "LC_MESSAGES"
    compiled = io.BytesIO()
    write_mo(compiled, catalog(folder / "descent.po"))
    assert (folder / "descent.mo").read_bytes() == compiled.getvalue(), "run make messages"


# ----------------------------------------------------------------------- choosing the language

@pytest.mark.parametrize("metadata, expected", [
    ({"descent": {"language": "ko"}}, "ko"),
    ({"descent": {"language": "en"}}, "en"),
    ({"descent": {"language": "KO"}}, "en"),
    ({"descent": {"language": ["ko"]}}, "en"),
    ({"descent": ["language", "ko"]}, "en"),
    ({"descent": "ko"}, "en"),
    ({}, "en"),
    ("ko", "en"),
])
def test_notebook_language_is_korean_only_when_the_metadata_says_exactly_ko(metadata, expected):
    assert notebook_language({"metadata": metadata, "cells": []}) == expected
    assert notebook_language(["not", "a", "notebook"]) == "en"


@pytest.fixture
def process_language(monkeypatch):
    """set_language's setting, restored after the test."""
    monkeypatch.setattr(i18n, "_process", None)
    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)


def test_a_block_overrides_the_process_which_overrides_the_environment(process_language, monkeypatch):
    assert testing.passed_line("test_x") == "\u2713 test_x passed"
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "ko")
    assert testing.passed_line("test_x") == "\u2713 test_x 통과"
    set_language("en")
    assert testing.passed_line("test_x") == "\u2713 test_x passed"
    with language("ko"):
        assert testing.passed_line("test_x") == "\u2713 test_x 통과"
    assert i18n.current_language() == "en"
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "xx")  # an unknown one is ignored
    monkeypatch.setattr(i18n, "_process", None)
    assert i18n.current_language() == "en"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        set_language("fr")


def test_a_block_does_not_reach_another_thread(process_language):
    seen = []
    with language("ko"):
        thread = threading.Thread(target=lambda: seen.append(i18n.current_language()))
        thread.start()
        thread.join()
    assert seen == ["en"]


# ------------------------------------------------------------------------------- the messages

def unnormalized_softmax(scores):
    return np.exp(scores)


def test_a_wrong_answer_gets_its_verdict_in_the_language_in_use(process_language):
    def test_softmax(softmax):  # a notebook's test, run in the student's kernel
        scores = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        testing.assert_close(softmax(scores), exp / exp.sum(axis=1, keepdims=True), "softmax(scores)")

    verdicts = {}
    for code in ("en", "ko"):
        with language(code), pytest.raises(testing.TestFailure) as failure:
            testing.run_test(test_softmax, unnormalized_softmax)
        verdicts[code] = failure.value.lines
    assert verdicts["en"] == [
        "\u2717 test_softmax: softmax(scores) does not match: relative error 0.94, allowed", "  1e-6",
        "    largest difference at index (0, 2): got 20.09, expected 0.6652"]
    assert verdicts["ko"] == [
        "\u2717 test_softmax: softmax(scores) 값이 일치하지 않습니다: 상대 오차 0.94, 허용 1e-6",
        "    가장 큰 차이는 인덱스 (0, 2): 결과 20.09, 기댓값 0.6652"]
    assert not any(KOREAN.search(line) for line in verdicts["en"])


def test_check_and_submit_speak_the_language_in_use(process_language, tmp_path):
    checks = [selfcheck.Check("test_a", True, ""), selfcheck.Check("test_b", False, "wrong"),
              selfcheck.Check("q_why", False, "", written=True)]
    with language("ko"):
        text = selfcheck.format_checks(checks) + "\n" + submit.format_summary(
            tmp_path / "me_01.ipynb", checks, ["softmax"])
    # lined up in a terminal, where a Hangul syllable takes two columns: names start at column 10
    assert text.splitlines()[:3] == ["통과      test_a", "실패      test_b  -- wrong",
                                     "미작성    q_why"]
    assert "문제 2개 중 1개가 공개 테스트를 통과했습니다" in text
    assert "  작성하지 않은 함수 (1): softmax" in text and "passed" not in text


# -------------------------------------------------------------- one class, two languages, graded

WRONG = '''# base: solutions
# %% sgd_momentum
def sgd_momentum(w, dw, config=None):
    return w - 0.1 * dw, config or {}
'''


def test_pages_nbgrader_wrote_are_translated_for_korean_notebooks_only(tmp_path):
    """After grading by hand, ``autograder feedback`` has nbgrader write the pages: then they are
    translated in place, each by its autograded notebook's language; hostile metadata means English."""
    page = ('<h4>99_toy (Score: 2.0 / 4.0)</h4><span class="nbgrader-label">Student\'s answer</span>'
            '<b>Comments:</b> Score: see (Score: x / y)')
    languages = {"ko": {"descent": {"language": "ko"}}, "en": {}, "odd": {"descent": "ko"}}
    for name, metadata in languages.items():
        nbformat.write(nbformat.v4.new_notebook(metadata=metadata), tmp_path / f"{name}.ipynb")
        (tmp_path / f"{name}.html").write_text(page)
    (tmp_path / "lost.html").write_text(page)  # no notebook: left as it is
    feedback.translate_pages(tmp_path, tmp_path)
    assert (tmp_path / "ko.html").read_text() == (
        '<h4>99_toy (점수: 2.0 / 4.0)</h4><span class="nbgrader-label">학생 답안</span>'
        '<b>코멘트:</b> Score: see (Score: x / y)')
    assert [(tmp_path / f"{name}.html").read_text() for name in ("en", "odd", "lost")] == [page] * 3


def test_check_runs_a_korean_notebook_in_korean(toy_course, tmp_path, process_language):
    path = build(toy_course, "99_toy", tmp_path, "me", WRONG) / "99_toy.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.metadata["descent"] = {"language": "ko"}
    nbformat.write(nb, path)
    code, out, err = run_cli(tmp_path, "check", path)
    assert code == 1, err
    assert "실패      test_sgd_momentum  -- 테스트가 출력을 확인하지 못했습니다: KeyError" in out, out
    assert "문제 3개 중 2개가 공개 테스트를 통과했습니다" in out, out


def test_execution_inside_a_running_event_loop_keeps_the_language(process_language):
    """In the formgrader's server a notebook runs on a thread of its own (run_stoppable): the
    faults it writes into the cells are still in the submission's language."""
    async def spoken():
        return i18n.current_language()

    async def server():
        with language("ko"):
            return workfolder.run_stoppable(spoken())

    assert asyncio.run(server()) == "ko"


def test_a_fault_is_english_for_the_instructor_and_translated_for_the_student(process_language):
    """execute.py's faults: their Message is the English text, its translation goes in the cell."""
    amount = Message("more than {size} MB", size="64")
    cause = Message("not run: {cause}", cause=Message(
        "{cause} before this cell", cause=Message(
            "the submission wrote {amount} into the grading folders on the grader's disk "
            "(judge/ and kernel/)", amount=amount)))
    english = ("not run: the submission wrote more than 64 MB into the grading folders on the "
               "grader's disk (judge/ and kernel/) before this cell")
    with language("ko"):
        assert cause == english and f"{cause}" == english
        assert cause.translated() == ("실행하지 않음: 제출물이 채점기 디스크의 채점 폴더(judge/와 "
                                      "kernel/)에 너무 많이 썼습니다: 64 MB 초과 (이 셀 이전)")
    assert cause.translated() == english


# ------------------------------------------------------------- what the test cells write

NOTEBOOKS = sorted(path.parent.name for path in (REPO / "solutions").glob("*/*.ipynb"))


def test_the_test_cell_templates_hold_exactly_what_the_test_cells_write():
    for assignment in NOTEBOOKS:
        notebook = nbformat.read(cellmessages.notebook_path(REPO, assignment), as_version=4)
        extracted = [(m.id, sorted(m.locations)) for m in cellmessages.template(notebook) if m.id]
        committed = [(m.id, sorted(m.locations)) for m in catalog(cellmessages.template_path(assignment))
                     if m.id]
        assert committed == extracted, f"{assignment}: the test cells' text changed: run make messages"


@pytest.mark.parametrize("assignment", NOTEBOOKS)
def test_each_test_cell_translation_has_its_msgids_fields_and_the_mo_is_compiled(assignment):
    """Every entry translated, none fuzzy, each with exactly its msgid's fields, and compiled."""
    path = cellmessages.catalog_path(assignment)
    translations = cellmessages.read(path)
    assert cellmessages.problems(translations, cellmessages.read(cellmessages.template_path(assignment))) == []
    for hidden, compiled in cellmessages.compiled_paths(assignment).items():
        assert compiled.read_bytes() == cellmessages.mo_bytes(translations, hidden), \
            f"run autograder translate {assignment} --tests"


@pytest.mark.parametrize("source, expected", [
    ('assert_close(f(x), 1.0, "f on the worked example")\n'
     'assert_gradient(g, f, x, what=f"g at {k + 1} steps, lr={lr:.4f} ({{}})")\n'
     'assert ok, f"{call} returned {reason!r}"\n'
     'warn_unless(ok, "a" "b " + name + " c")\n'
     'assert_raises(ValueError, lambda: f(1), "f(1)")\n'  # code: stays as it is
     'assert_close(y, z, f"len({call})")\n'  # code, but its field is text
     'call = "f for 3 random values"\n'
     'for grid, call in [(a, "f on a grid"), (b, "f(b)")]:\n    pass\n'
     'label = "not a message"\n',
     ["f on the worked example", "g at {k + 1} steps, lr={lr:.4f} ({{}})",
      "{call} returned {reason!r}", "ab {name} c", "len({call})", "f for 3 random values",
      "f on a grid"]),
    ('assert_close(a, b, msg)\nmsg = what + ": per entry"\n', ["{what}: per entry"]),
    ('def check(x, what):\n    assert_close(x, 1, what)\n'
     'check(2, "f on a grid")\ncheck(2, what="f on a line")\ncheck("not a message", "f(x)")\n'
     'cases = [(1, "f on a case")]\nfor n, call in cases:\n    assert_close(n, 1, f"{call}!")\n',
     ["f on a grid", "f on a line", "f on a case", "{call}!"]),
])
def test_a_unit_is_a_message_string_of_a_test_cell_written_as_in_the_source(source, expected):
    assert cellmessages.units(source) == expected


@pytest.fixture
def test_catalog(tmp_path, monkeypatch, process_language):
    """A Korean catalog of test cells' text made up for a test: {msgid: msgstr} -> installed."""
    def install(entries, fields_only=()):
        catalog = Catalog(locale="ko")
        for text, translation in entries.items():
            catalog.add(text, translation,
                        auto_comments=[cellmessages.FIELD_NOTE] if text in fields_only else [])
        folder = tmp_path / "ko" / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(LOCALE / "ko" / "LC_MESSAGES" / "descent.mo", folder)  # the code's messages
        (folder / "tests_99_toy.mo").write_bytes(cellmessages.mo_bytes(catalog))
        monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
        i18n._test_catalog.cache_clear()
    yield install
    i18n._test_catalog.cache_clear()


TEST_TEXT = {
    "f on the worked example": "풀이 예제의 f",
    "after {k + 1} steps of {rule}, lr {lr:.4f}": "lr {lr:.4f}로 {rule}를 {k + 1}번 적용한 뒤",
    "after {k + 1} steps": "{k + 1}번 뒤",  # less specific: used only if the above does not fit
    "{call} returned reason {reason!r}": "{call}의 반환 이유: {reason!r}",
    "f for {n} random values": "무작위 값 {n}개에 대한 f",
    "sgd(w, dw, {{}}) for {what}": "{what}에 대한 sgd(w, dw, {{}})",
    "{anything}": "전부",  # fields only: would fit anything, so never used
    "{x}{y}!": "두 필드 {y}{x}",
    "{what} {note}": "{what} {note}",  # fits any text with a space, but only three fields deep
    "not yet": "",
}


@pytest.mark.parametrize("english, korean", [
    ("f on the worked example", "풀이 예제의 f"),
    ("after 3 steps of adam, lr 0.0100", "lr 0.0100로 adam를 3번 적용한 뒤"),
    ("after 3 steps", "3번 뒤"),
    ("f for 7 random values returned reason 'max_steps'", "무작위 값 7개에 대한 f의 반환 이유: 'max_steps'"),
    ("sgd(w, dw, {}) for f on the worked example", "풀이 예제의 f에 대한 sgd(w, dw, {})"),
    ("not yet", "not yet"),
    ("f on another example", "f on another example"),
    ("after 3 steps of adam", "after 3 steps of adam"),
    ("[1,2]{a}{b}!", "두 필드 [1,2]{a}{b}"),  # the first of two fields in a row matches nothing
    ("f for " + "7 random values for " * 50 + "7 random values",
     "무작위 값 " + "7 random values for " * 50 + "7개에 대한 f"),
    ("f for " + "7 random values returned " * 50, "f for " + "7 random values returned " * 50),
    ("f for " + "7 " * 1000 + "random values", "f for " + "7 " * 1000 + "random values"),  # too long
    ("x " * 999, "x " * 999),
    ("a b c f on the worked example", "a b c 풀이 예제의 f"),
    ("a b c d f on the worked example", "a b c d f on the worked example"),  # four fields deep
])
def test_text_of_a_test_cell_is_translated_by_exact_text_or_by_template(test_catalog, english, korean):
    test_catalog(TEST_TEXT)
    with language("ko"):
        assert i18n.test_text(english) == korean
    assert i18n.test_text(english) == english


def test_a_field_s_own_template_is_not_fitted_to_a_whole_message(test_catalog):
    """``call = f"g with losses {losses}, min_delta={d}"`` has more literal text than the message
    ``f"{call} returned reason {reason!r}"``; fitted to the whole message, its last field would take
    the message's end (the 05 test whose Korean came out garbled)."""
    call = "g with losses {losses}, min_delta={d}"
    test_catalog({**TEST_TEXT, call: "손실 {losses}, min_delta={d}인 g"}, fields_only={call})
    with language("ko"):
        assert (i18n.test_text("g with losses [1, 2], min_delta=0.0 returned reason 'x'")
                == "손실 [1, 2], min_delta=0.0인 g의 반환 이유: 'x'")
        assert i18n.test_text("g with losses [1, 2], min_delta=0.0") == "g with losses [1, 2], min_delta=0.0"


CELL = '''
def test_close(f):
    warn_unless(False, "after 2 steps")
    assert_close(f(1.0), 2.0, "f on the worked example")

def test_raises(f):
    assert_raises(ValueError, lambda: f(1.0), "f for 1 random values")

def test_reason(f):
    call = "f for 2 random values"
    assert f(1.0) == 2.0, f"{call} returned reason {f(1.0)!r}"
'''


def test_checks_warnings_and_asserts_of_test_cells_speak_korean(test_catalog, capsys):
    test_catalog(TEST_TEXT)
    cell = {name: getattr(testing, name) for name in testing.__all__}
    exec(compile(CELL, "<test cell>", "exec"), cell)  # as a notebook runs it: no pytest rewriting
    verdicts = []
    for code in ("en", "ko"):
        with language(code):
            for test in ("test_close", "test_raises", "test_reason"):
                with pytest.raises(testing.TestFailure) as failure:
                    testing.run_test(cell[test], lambda x: x)
                verdicts.append(" ".join(failure.value.lines))
            verdicts.append(judge.failure_message(AssertionError("f for 3 random values")))
    assert verdicts == [
        "\u2717 test_close: f on the worked example does not match: relative error 0.33,   allowed 1e-6"
        "     got 1, expected 2",
        "\u2717 test_raises: f for 1 random values should raise ValueError, but it returned   normally",
        "\u2717 test_reason: the test could not check the output: AssertionError: f for 2   random values"
        " returned reason 1.0     <test cell>, line 11, in test_reason         ",
        "f for 3 random values",
        "\u2717 test_close: 풀이 예제의 f 값이 일치하지 않습니다: 상대 오차 0.33, 허용 1e-6     결과 1, 기댓값 2",
        "\u2717 test_raises: 무작위 값 1개에 대한 f: ValueError 예외가 발생해야 하는데 정상적으로 반환했습니다",
        "\u2717 test_reason: 테스트가 출력을 확인하지 못했습니다: AssertionError: 무작위 값 2개에 대한 f의 반환 "
        "이유: 1.0     <test cell>, 11번째 줄, test_reason         ",
        "무작위 값 3개에 대한 f"]
    assert capsys.readouterr().out.splitlines() == ["\u26a0 after 2 steps", "\u26a0 2번 뒤"]


def test_a_wrong_answer_in_the_korean_edition_of_notebook_01_reads_korean(process_language):
    """The visible test of mean_squared_error, run as the student's kernel runs it, on a sum."""
    notebook = nbformat.read(cellmessages.notebook_path(REPO, "01_loss_functions"), as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "test_mean_squared_error")
    visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
    namespace = {"np": np, **{name: getattr(testing, name) for name in testing.__all__},
                 "mean_squared_error": lambda y_pred, t: np.sum((y_pred - t) ** 2)}
    with language("ko"), pytest.raises(testing.TestFailure) as failure:
        exec(compile(visible, "<test cell>", "exec"), namespace)
    assert failure.value.lines == [
        "\u2717 test_mean_squared_error: 계속 쓰는 예제에 대한 mean_squared_error(y_pred, t) 값이 일치하지",
        "  않습니다: 상대 오차 0.6, 허용 1e-6",
        "    결과 4.75, 기댓값 1.1875",
        "    기댓값의 \u00d74입니다: 배치에 대해 평균하지 않고 합했나요 (N(= 4)으로 나누세요)?"]


def test_translate_tests_lists_what_is_left_and_compiles_only_good_entries(tmp_path, monkeypatch):
    assignment, locale = "01_loss_functions", tmp_path / "autograder" / "locale"
    monkeypatch.setattr(cellmessages, "LOCALE_DIR", locale)
    monkeypatch.setattr(cellmessages, "TEMPLATES", locale / "tests")
    (locale / "tests").mkdir(parents=True)
    shutil.copy(LOCALE / "tests" / f"{assignment}.pot", locale / "tests")
    translations = catalog(LOCALE / "ko" / "LC_MESSAGES" / f"tests_{assignment}.po")
    first, second, third = [m for m in translations if m.id][:3]
    first.string, second.string = "", second.string.replace("residual_sum_of_squares", "{x}")
    third.flags.add("fuzzy")
    path = cellmessages.catalog_path(assignment)
    path.parent.mkdir(parents=True)
    path.write_bytes(cellmessages.po_bytes(translations))
    code, out, err = run_cli(REPO, "translate", assignment, "--tests", "--todo")
    assert (code, err) == (1, "")
    assert out == (
        f"autograder/locale/ko/LC_MESSAGES/tests_{assignment}.po: 3 to do\n"
        f"===== {cellmessages.UNTRANSLATED} (in test_residual_sum_of_squares)\n{first.id}\n"
        "===== the translation's fields ['{x}'] differ from the English's [] "
        f"(in test_residual_sum_of_squares)\n{second.id}\n"
        f"===== {cellmessages.FUZZY} (in test_residual_sum_of_squares)\n{third.id}\n")
    compiled = {}
    for mo in cellmessages.compiled_paths(assignment).values():
        with open(mo, "rb") as file:
            compiled.update(gettext.GNUTranslations(file)._catalog)
    assert compiled.keys() == {""} | ids(translations) - {first.id, second.id, third.id}
    path.unlink()
    assert run_cli(REPO, "translate", assignment, "--tests")[:2] == (
        2, "") and "run make messages" in run_cli(REPO, "translate", assignment, "--tests")[2]


def test_units_only_in_hidden_tests_are_compiled_apart_from_those_students_see():
    source = ('call = "f on the worked example"\nassert_close(a, b, call)\n'
              '### BEGIN HIDDEN TESTS\nassert_close(a, b, "f on a hidden case")\n'
              'assert_close(a, b, f"{call} twice")\n### END HIDDEN TESTS\n')
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": "test_f", "points": 1}})
    catalog = cellmessages.template(nbformat.v4.new_notebook(cells=[cell]))
    assert [(m.id, m.auto_comments) for m in catalog if m.id] == [
        ("f on the worked example", []), ("f on a hidden case", [cellmessages.HIDDEN_NOTE]),
        ("{call} twice", [cellmessages.HIDDEN_NOTE])]
    for message in catalog:
        message.string = message.id.replace("twice", "두 번") if "{" in message.id else message.id and "번역"
    seen, hidden = (gettext.GNUTranslations(io.BytesIO(cellmessages.mo_bytes(catalog, h)))._catalog
                    for h in (False, True))
    assert (seen.keys(), hidden.keys()) == ({"", "f on the worked example"},
                                            {"", "f on a hidden case", "{call} twice"})


def test_make_messages_keeps_translations_and_marks_what_changed(tmp_path, monkeypatch):
    """cellmessages.update: new entries empty, changed ones fuzzy (not compiled), gone ones dropped."""
    monkeypatch.setattr(cellmessages, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(cellmessages, "TEMPLATES", tmp_path / "locale" / "tests")
    (tmp_path / "locale" / "tests").mkdir(parents=True)
    (tmp_path / "locale" / "ko" / "LC_MESSAGES").mkdir(parents=True)

    def release(source):
        cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
            "grade": True, "solution": False, "grade_id": "test_f", "points": 1}})
        path = cellmessages.notebook_path(tmp_path, "99_x")
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
        cellmessages.update(tmp_path, "99_x")
        return cellmessages.read(cellmessages.catalog_path("99_x"))

    first = release('assert_close(a, b, "f on the worked example")\n'
                    'assert_close(a, b, "f for 7 random values of the batch")\nassert ok, "gone soon"\n')
    for message, korean in zip(list(first)[1:], ["풀이 예제의 f", "배치의 무작위 값 7개에 대한 f", "곧 사라짐"]):
        message.string = korean
    cellmessages.catalog_path("99_x").write_bytes(cellmessages.po_bytes(first))
    second = release('assert_close(a, b, "f on the worked example")\n'
                     'assert_close(a, b, "f for 8 random values of the batch")\nassert ok, "a new message"\n')
    assert [(m.id, m.string, m.fuzzy) for m in second if m.id] == [
        ("f on the worked example", "풀이 예제의 f", False),
        ("f for 8 random values of the batch", "배치의 무작위 값 7개에 대한 f", True),
        ("a new message", "", False)]
    with open(cellmessages.catalog_path("99_x").with_suffix(".mo"), "rb") as file:
        assert gettext.GNUTranslations(file)._catalog.keys() == {"", "f on the worked example"}
