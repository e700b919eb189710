"""The course glossary: one file, from which every notebook's "Glossary · 용어집" table is made.

``solutions/glossary.toml`` gives each English term its Korean translation and its meaning::

    ["learning rate"]
    ko = "학습률"
    meaning = "The step size $\\eta$ of gradient descent."

so a term reads the same in every notebook. A notebook's glossary cell is a markdown cell whose
metadata lists its terms, in the order its table shows them::

    {"descent": {"glossary": ["gradient descent", "learning rate"]}}

``autograder release`` writes the cell's table from the file (before nbgrader makes the students'
copy, which then has it too); ``release --check`` fails while a glossary cell differs from it.
"""
import tomllib
from pathlib import Path

from .course import CourseError, notebook_names

FILE = Path("solutions") / "glossary.toml"
HEADER = "## Glossary · 용어집\n\n| English | 한국어 | Meaning |\n|---|---|---|"
KOREAN_HEADER = "## 용어집 · Glossary\n\n| 한국어 | English | 뜻 |\n|---|---|---|"
FIELDS = {"ko", "meaning", "meaning_ko"}  # meaning_ko: the meaning in the Korean edition


def load(root):
    """{term: {"ko": ..., "meaning": ...}} from the course's glossary file."""
    path = Path(root) / FILE
    try:
        glossary = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{path} is missing: the notebooks' glossary cells are made from it") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CourseError(f"{path} is not valid TOML: {error}") from None
    for term, entry in glossary.items():
        if not (isinstance(entry, dict) and {"ko", "meaning"} <= set(entry) <= FIELDS
                and all(isinstance(value, str) and value.strip() for value in entry.values())):
            raise CourseError(f"{path}: [{term!r}] needs non-empty strings ko and meaning, and "
                              "may have meaning_ko (nothing else)")
    return glossary


def glossary_terms(cell):
    """The terms a glossary cell lists, else None (not a glossary cell)."""
    terms = cell.get("metadata", {}).get("descent", {}).get("glossary")
    return terms if cell.get("cell_type") == "markdown" and terms is not None else None


def table(glossary, terms, where, korean=False):
    """The glossary cell's Markdown for ``terms`` (``korean``: the Korean edition's table, Korean
    first, each meaning's ``meaning_ko`` where there is one); CourseError names a term the file
    lacks."""
    if not isinstance(terms, list) or not all(isinstance(term, str) for term in terms):
        raise CourseError(f"{where}: a glossary cell's terms must be a list of strings, not {terms!r}")
    unknown = [term for term in terms if term not in glossary]
    if unknown:
        raise CourseError(f"{where}: the glossary cell lists {', '.join(map(repr, unknown))}, "
                          f"which {FILE} does not define: add them there")
    if korean:
        rows = [f"| {_cell(glossary[term]['ko'])} | {_cell(term)} | "
                f"{_cell(glossary[term].get('meaning_ko', glossary[term]['meaning']))} |"
                for term in terms]
        return "\n".join([KOREAN_HEADER, *rows])
    rows = [f"| {_cell(term)} | {_cell(glossary[term]['ko'])} | {_cell(glossary[term]['meaning'])} |"
            for term in terms]
    return "\n".join([HEADER, *rows])


def _cell(text):
    """``text`` as one cell of a Markdown table: a ``|`` would end the cell."""
    return text.strip().replace("|", "\\|")


def sync(root, assignment_ids, *, write):
    """Bring the glossary cells of these assignments up to date; the notebooks that were (or would
    be) changed."""
    import nbformat

    glossary, changed = None, []  # the file is read once a glossary cell needs it
    for assignment in assignment_ids:
        for name in notebook_names(root, assignment):
            path = Path(root) / "solutions" / assignment / f"{name}.ipynb"
            notebook = nbformat.read(path, as_version=4)
            stale = False
            for cell in notebook.cells:
                if glossary_terms(cell) is not None:
                    glossary = load(root) if glossary is None else glossary
                    source = table(glossary, glossary_terms(cell), f"{assignment}/{name}")
                    stale, cell.source = stale or cell.source != source, source
            if stale:
                changed.append(path)
                if write:
                    nbformat.write(notebook, path)
    return changed
