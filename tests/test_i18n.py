"""Messages in the student's language: the catalogs are complete and current, the language is
chosen per process, per block and per submission, and never leaks from one submission to the next."""
import asyncio
import io
import re
import threading

import nbformat
import numpy as np
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from autograder import feedback, i18n, selfcheck, submit, testing, workfolder
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
