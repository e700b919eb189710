"""Every notebook's glossary table is made from solutions/glossary.toml, one translation per term."""
import shutil

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

from autograder import glossary, release
from autograder.course import CourseError, assignments
from conftest import REPO, run_cli

TERMS = '''["learning rate"]
ko = "학습률"
meaning = "The step size $\\\\eta$."

["norm"]
ko = "노름"
meaning = "$\\\\lVert W\\\\rVert$, not |W|."
'''


def glossary_cell(*terms):
    return new_markdown_cell("## Glossary · 용어집\n\n(written by hand)",
                             metadata={"descent": {"glossary": list(terms)}})


def course_with_glossary(toy_course, folder, *terms):
    """A copy of the toy course whose notebook ends with a glossary cell of ``terms``."""
    shutil.copytree(toy_course, folder)
    (folder / glossary.FILE).write_text(TERMS, encoding="utf-8")
    path = folder / "solutions" / "99_toy" / "99_toy.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(glossary_cell(*terms))
    nbformat.write(notebook, path)
    return path


def test_release_writes_the_table_in_the_listed_order(toy_course, tmp_path):
    course = tmp_path / "course"
    source = course_with_glossary(toy_course, course, "norm", "learning rate")
    assert run_cli(course, "release")[0] == 0
    table = ("## Glossary · 용어집\n\n| English | 한국어 | Meaning |\n|---|---|---|\n"
             "| norm | 노름 | $\\lVert W\\rVert$, not \\|W\\|. |\n"
             "| learning rate | 학습률 | The step size $\\eta$. |")
    for path in (source, course / "notebooks" / "99_toy" / "99_toy.ipynb"):
        assert nbformat.read(path, as_version=4).cells[-1].source == table


def test_release_check_names_a_stale_glossary_cell(toy_course, tmp_path, monkeypatch):
    course = tmp_path / "course"
    source = course_with_glossary(toy_course, course, "norm", "learning rate")
    monkeypatch.setattr(release, "generate", lambda root, target, assignment_ids: None)  # not nbgrader
    stale = (str(source), f"its glossary cell differs from {glossary.FILE}: run 'autograder release'")
    assert stale in release.drifted(course, ["99_toy"])  # the cell was written by hand
    assert glossary.sync(course, ["99_toy"], write=True) == [source]
    assert stale not in release.drifted(course, ["99_toy"])
    (course / glossary.FILE).write_text(TERMS.replace("학습률", "학습 속도"), encoding="utf-8")
    assert stale in release.drifted(course, ["99_toy"])


def test_a_term_the_file_lacks_is_named(toy_course, tmp_path):
    course = tmp_path / "course"
    course_with_glossary(toy_course, course, "learning rate", "momentum")
    with pytest.raises(CourseError, match="99_toy/99_toy: the glossary cell lists 'momentum', "
                                          "which solutions/glossary.toml does not define"):
        glossary.sync(course, ["99_toy"], write=False)


@pytest.mark.parametrize("text, problem", [
    ('["norm"]\nko = "노름"\n', r"\['norm'\] needs non-empty strings ko and meaning"),
    ('["norm"]\nko = "노름"\nmeaning = ""\n', "needs non-empty strings ko and meaning"),
    ('["norm"]\nko = "노름"\nmeaning = "m"\nmeaning_ko = ""\n', "may have meaning_ko"),
    ('["norm"]\nko = "노름"\nmeaning = "m"\nsee = "x"\n', r"may have meaning_ko \(nothing else\)"),
    ('["norm"\nko = 1', "is not valid TOML"),
])
def test_a_malformed_glossary_file_is_a_one_line_error(tmp_path, text, problem):
    (tmp_path / "solutions").mkdir()
    (tmp_path / glossary.FILE).write_text(text, encoding="utf-8")
    with pytest.raises(CourseError, match=problem):
        glossary.load(tmp_path)


def test_the_course_glossary_cells_are_up_to_date_and_list_known_terms():
    course_glossary = glossary.load(REPO)
    assert glossary.sync(REPO, assignments(REPO), write=False) == []
    for term in ("overfitting", "central difference", "validation set", "regularization", "weight decay"):
        assert course_glossary[term]["ko"] in ("과대적합", "중심 차분", "검증 세트", "규제 (정규화)", "가중치 감소")


def test_the_korean_table_puts_korean_first_with_korean_meanings():
    terms = {"learning rate": {"ko": "학습률", "meaning": "The step size.", "meaning_ko": "한 걸음의 크기."},
             "norm": {"ko": "노름", "meaning": "A length | size."}}
    assert glossary.table(terms, ["learning rate", "norm"], "here", korean=True).splitlines()[2:] == [
        "| 한국어 | English | 뜻 |", "|---|---|---|",
        "| 학습률 | learning rate | 한 걸음의 크기. |",
        "| 노름 | norm | A length \\| size. |"]  # no meaning_ko yet: the English one


def test_every_term_has_a_korean_meaning_with_the_same_formulas():
    from test_korean import MATH, kept

    lacking = {term: kept(entry["meaning"], entry.get("meaning_ko", ""), MATH) or "no meaning_ko"
               for term, entry in glossary.load(REPO).items()
               if "meaning_ko" not in entry or kept(entry["meaning"], entry["meaning_ko"], MATH)}
    assert not lacking
