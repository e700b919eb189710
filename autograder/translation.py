"""The Korean edition: each notebook's Korean text beside its English source, keyed by cell id.

``solutions/NN_topic/NN_topic.ko.toml`` holds one table per cell, named by the cell's id::

    ["58f8a629"]                # a markdown cell: its whole Korean text
    en = "3f1c0a9e2b7d"         # fingerprint of the English cell it translates
    ko = '''
    ## 1 · 손실 함수란
    ...'''

    ["884158d0"]                # a code cell: English fragments and what they become
    en = "9d01be27c4aa"
    replace = [
        ['# Display settings', '# 출력 설정'],
        ['ax.set_title("Loss")', 'ax.set_title("손실")'],
    ]

The fingerprint is the first 12 hex digits of the SHA-256 of the English cell's source. When the
English cell changes, its translation is *stale* until a translator updates the text and the
fingerprint (``autograder translate --todo`` prints both); ``autograder release --check`` fails and
names the cell. Every markdown cell is translated, except the generated glossary cell and written
answers (the student writes those); every code cell except test cells has a table (a cell with
nothing to translate has ``replace = []``), so a new English comment or label cannot slip through.
Test cells are never translated: both editions run the same tests, and their messages come in the
notebook's language from the message catalogs (:mod:`autograder.i18n`).

Fragments are replaced in the order listed, every occurrence; each must occur in the English cell.
TOML literal strings (``'...'`` and ``'''...'''``) keep backslashes as written, so LaTeX and Python
escapes need no doubling.
"""
import copy
import hashlib
import tomllib
from pathlib import Path

import nbformat

from . import glossary
from .course import CourseError

LANGUAGE = "ko"
# Appended to the setup cell (the code cell that imports autograder.testing) of the Korean edition.
SETUP = """
from autograder.i18n import set_language
from autograder.fonts import use_korean_font
set_language("ko")  # 검사 결과와 힌트를 한국어로
use_korean_font()  # 그림 속 한글을 한글 글꼴로"""
SETUP_MARK = "from autograder.testing import"


def file_for(notebook_path):
    """``solutions/NN/NN.ko.toml`` for ``solutions/NN/NN.ipynb``."""
    path = Path(notebook_path)
    return path.with_name(f"{path.stem}.{LANGUAGE}.toml")


def fingerprint(source):
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def is_translated(cell):
    """Whether a cell of the English source has a translation: see the module docstring."""
    grading = cell.get("metadata", {}).get("nbgrader", {})
    if cell.cell_type == "markdown":
        return glossary.glossary_terms(cell) is None and not grading.get("solution")
    return cell.cell_type == "code" and not (grading.get("grade") and not grading.get("solution"))


def load(path):
    """{cell id: table} from a translation file; CourseError names what is malformed."""
    try:
        tables = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CourseError(f"{path} is not valid TOML: {error}") from None
    for cell_id, table in tables.items():
        if not _well_formed(table):
            raise CourseError(f"{path}: [{cell_id!r}] needs en (a fingerprint) and either ko (a "
                              "string) or replace (a list of [English, Korean] pairs)")
    return tables


def _well_formed(table):
    if not isinstance(table, dict) or not isinstance(table.get("en"), str):
        return False
    if set(table) == {"en", "ko"}:
        return isinstance(table["ko"], str) and table["ko"].strip() != ""
    return set(table) == {"en", "replace"} and all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)
        and pair[0] != "" for pair in table["replace"])


def problems(notebook, tables):
    """[(cell id, what is wrong)] of a notebook's translation: cells missing or stale, tables of
    the wrong kind, fragments no longer in the English cell, tables for cells that are gone."""
    found, cells = [], {}
    for cell in notebook.cells:
        if not is_translated(cell):
            continue
        cells[cell.id] = cell
        table = tables.get(cell.id)
        if table is None:
            found.append((cell.id, f"no translation of this {cell.cell_type} cell"))
        elif table["en"] != fingerprint(cell.source):
            found.append((cell.id, "stale: the English cell changed after it was translated"))
        elif ("ko" in table) != (cell.cell_type == "markdown"):
            found.append((cell.id, "a markdown cell needs ko, a code cell needs replace"))
        else:
            found += [(cell.id, f"the fragment {english[:40]!r} is not in the English cell")
                      for english, _ in table.get("replace", []) if english not in cell.source]
    found += [(cell_id, "translates a cell the notebook no longer has (or one never translated)")
              for cell_id in tables if cell_id not in cells]
    return found


def translated(notebook, tables, terms=None):
    """A copy of ``notebook`` in Korean: each cell with a table translated (the others, e.g. stale
    ones, stay English), the glossary cell made from ``terms`` (the course glossary's content)
    in Korean, :data:`SETUP` after the setup cell's imports, and ``metadata.descent.language`` set
    to ``"ko"``."""
    korean = copy.deepcopy(notebook)
    for cell in korean.cells:
        if terms is not None and glossary.glossary_terms(cell) is not None:
            cell.source = glossary.table(terms, glossary.glossary_terms(cell), "the Korean edition",
                                         korean=True)
        table = tables.get(cell.id) if is_translated(cell) else None
        if table is None or table["en"] != fingerprint(cell.source):
            continue
        if "ko" in table:
            cell.source = table["ko"].strip("\n")
        else:
            for english, text in table["replace"]:
                cell.source = cell.source.replace(english, text)
    setup = next((cell for cell in korean.cells
                  if cell.cell_type == "code" and SETUP_MARK in cell.source), None)
    if setup is None:
        raise CourseError(f"no setup cell ({SETUP_MARK} ...) to make the notebook speak Korean")
    setup.source += SETUP
    korean.metadata.setdefault("descent", {})["language"] = LANGUAGE
    return korean


def todo(notebook, tables):
    """The text a translator needs: for each missing or stale cell, its id, the fingerprint to
    write, and its English source."""
    broken = dict(problems(notebook, tables))
    sources = {cell.id: cell for cell in notebook.cells}
    lines = []
    for cell_id, problem in broken.items():
        cell = sources.get(cell_id)
        lines.append(f"===== [{cell_id!r}] {problem}")
        if cell is not None:
            lines += [f"en = {fingerprint(cell.source)!r}   # {cell.cell_type}", cell.source, ""]
    return "\n".join(lines)


def korean_edition(root, path):
    """(the Korean edition of the source notebook at ``path``, the problems of its translation)."""
    notebook = nbformat.read(path, as_version=4)
    tables = load(file_for(path))
    with_glossary = any(glossary.glossary_terms(cell) is not None for cell in notebook.cells)
    terms = glossary.load(root) if with_glossary else None
    return translated(notebook, tables, terms), problems(notebook, tables)


def write_solutions(root, assignment_ids, target):
    """Write ``target/<assignment>/<notebook>.ipynb``, the Korean edition of each solution notebook
    that has a translation, unless it is there already (a self-learner's runs are kept). The
    paths written."""
    written = []
    for assignment in assignment_ids:
        for path in sorted((Path(root) / "solutions" / assignment).glob("*.ipynb")):
            destination = Path(target) / assignment / path.name
            if file_for(path).is_file() and not destination.exists():
                notebook, _ = korean_edition(root, path)
                destination.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(notebook, destination)
                written.append(destination)
    return written
