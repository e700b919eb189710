"""The text test cells write, for translation: extracted from the solutions, kept in gettext catalogs.

Test cells are the same in both editions (grading runs the gradebook's English cells), so what they
write is translated where it is shown (:func:`autograder.i18n.test_text`). A *unit* is one string
expression of a test cell that ends up in a message, found by its place in the syntax tree:

* the description a check prints, ``what`` of ``assert_close``, ``assert_gradient`` and
  ``assert_raises``; the ``message`` of ``warn_unless``; the message of an ``assert`` statement;
* a string assigned to a name used there, ``call = "..."`` for ``f"{call} returned ..."``
  (also an element of a literal list a ``for`` loop takes the name from, and an argument for a
  parameter of that name of a function the cell defines, ``check(..., what="...")``).

A literal, adjacent literals, an f-string, and a ``+`` of them with other expressions are each one
unit. Its text, the *msgid*, is the f-string as written: literal braces doubled, each field as in
the source, ``{k + 1}``, ``{reason!r}``, ``{lr:.4f}``, and ``{what}`` for an expression added with
``+``. A unit without fields that reads as Python, ``softmax(scores)``, is code and stays as
written: it is not extracted (one with fields is, ``len({call})``: its fields are translated).

``locale/tests/NN_topic.pot`` holds the units of one notebook (``#:`` names the test cells);
``locale/<language>/LC_MESSAGES/tests_NN_topic.po`` their translations, each with exactly its
msgid's fields (in any order), compiled into the ``.mo`` beside it that :mod:`autograder.i18n` reads,
but for the units only in hidden tests: those are compiled into ``locale/<language>/hidden/``, which
the wheel students install leaves out.
``make messages`` extracts, updates the translations and compiles (``python -m
autograder.cellmessages``); ``autograder translate NN_topic --tests`` checks and compiles one.
Babel is needed here only, never in a student's kernel.
"""
import ast
import collections
import datetime
import io
import sys
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .atomic import atomic_write
from .i18n import FIELD_CONTEXT, LOCALE_DIR, template_parts
from .intake import hidden_lines
from .judge import is_autograded_test

TEMPLATES = LOCALE_DIR / "tests"
# Where the message is among a check's arguments: (position, keyword).
MESSAGE_ARGUMENTS = {"assert_close": (2, "what"), "assert_gradient": (3, "what"),
                     "assert_raises": (2, "what"), "warn_unless": (1, "message")}
# What problems() says of an entry still to translate.
UNTRANSLATED = "not translated yet"
FUZZY = "fuzzy: check the translation, then delete the '#, fuzzy' line"
MISSING = "missing: run make messages"
# A unit only ever seen in another's field: noted in the catalogs, compiled under a context.
FIELD_NOTE = "only the text of another message's field"
HIDDEN_NOTE = "only in hidden tests"
# Fixed, so that extracting twice writes the same files.
DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


# --------------------------------------------------------------------------------- extraction

def units(source):
    """The msgids of a test cell's source, in the order they appear, each once."""
    return list(unit_roles(source))


def unit_roles(source):
    """{msgid: (whether it is a message itself, whether students see it)} of a test cell's source,
    in the order they appear. A unit that is not a message is only ever the text of another unit's
    field (``call`` in ``f"{call} returned ..."``): it is fitted to a field's text, never to a whole
    message. Students do not see a unit written inside a hidden-test region."""
    tree = ast.parse(source)
    messages = message_expressions(tree)
    while more := [value for value in _assigned(tree, {n.id for n in messages if isinstance(n, ast.Name)})
                   if not any(value is m for m in messages)]:
        messages += more
    found, names = list(messages), set()
    while new := {name for node in found for name in _names_in(node)} - names:
        names |= new
        found += [value for value in _assigned(tree, names) if not any(value is f for f in found)]
    hidden, roles = hidden_lines(source), {}
    for node in sorted(found, key=lambda n: (n.lineno, n.col_offset)):
        text = unit_text(node, source)
        if text and not is_plain_code(text):
            is_message, seen = roles.get(text, (False, False))
            roles[text] = (is_message or any(node is m for m in messages),
                           seen or node.lineno not in hidden)
    return roles


def message_expressions(tree):
    """The expressions in message places: see the module docstring."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.msg is not None:
            found.append(node.msg)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in MESSAGE_ARGUMENTS):
            position, keyword = MESSAGE_ARGUMENTS[node.func.id]
            found += node.args[position:position + 1]
            found += [k.value for k in node.keywords if k.arg == keyword]
    return found


def _names_in(node):
    """The names a message expression takes text from: itself, its f-string fields, its + terms."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.JoinedStr):
        return {v.value.id for v in node.values
                if isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name)}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _names_in(node.left) | _names_in(node.right)
    return set()


def _assigned(tree, names):
    """The values given to ``names``: by ``name = value``, by a ``for`` over a literal list (or a
    name bound to one), and as arguments for the parameters of that name of the cell's functions."""
    lists = {target.id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)}
    functions = {node.name: node.args for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in names
                                                for t in node.targets):
            yield node.value
        elif isinstance(node, ast.For):
            iterable = lists.get(node.iter.id) if isinstance(node.iter, ast.Name) else node.iter
            for element in iterable.elts if isinstance(iterable, (ast.List, ast.Tuple)) else ():
                yield from _unpacked(node.target, element, names)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
            parameters = functions[node.func.id]
            positional = [p.arg for p in parameters.posonlyargs + parameters.args]
            yield from (value for name, value in zip(positional, node.args) if name in names)
            yield from (k.value for k in node.keywords if k.arg in names)


def _unpacked(target, value, names):
    if isinstance(target, ast.Name) and target.id in names:
        yield value
    elif isinstance(target, ast.Tuple) and isinstance(value, (ast.Tuple, ast.List)):
        for t, v in zip(target.elts, value.elts):
            yield from _unpacked(t, v, names)


def unit_text(node, source):
    """The msgid of a string expression (see the module docstring), or None for another one."""
    if isinstance(node, ast.Constant):
        return node.value.replace("{", "{{").replace("}", "}}") if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(unit_text(v, source) if isinstance(v, ast.Constant) else _field(v, source)
                       for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        terms = _terms(node)
        texts = [unit_text(term, source) for term in terms]
        if any(text is not None for text in texts):
            return "".join(f"{{{_source(term, source)}}}" if text is None else text
                           for term, text in zip(terms, texts))
    return None


def _terms(node):
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _terms(node.left) + _terms(node.right)
    return [node]


def _field(value, source):
    """An f-string's field as written: ``{expression!conversion:spec}``."""
    conversion = f"!{chr(value.conversion)}" if value.conversion != -1 else ""
    spec = value.format_spec
    spec = ":" + "".join(v.value if isinstance(v, ast.Constant) else _field(v, source)
                         for v in spec.values) if spec else ""
    return f"{{{_source(value.value, source)}{conversion}{spec}}}"


def _source(node, source):
    """The source text of an expression; Python 3.11 places some nested in an f-string wrongly,
    so it is checked, and the expression written anew where it is not that one."""
    segment = ast.get_source_segment(source, node)
    try:
        if segment and ast.dump(ast.parse(segment.strip(), mode="eval").body) == ast.dump(node):
            return segment.strip()
    except SyntaxError:
        pass
    return ast.unparse(node)


def is_plain_code(text):
    """Whether a msgid has nothing to translate: no field, and it reads as a Python expression."""
    if fields(text):
        return False
    try:
        ast.parse(text.replace("{{", "{").replace("}}", "}").strip(), mode="eval")
    except SyntaxError:
        return False
    return True


def fields(text):
    """The fields of a msgid or of its translation, each as often as it occurs."""
    return collections.Counter(part for part, is_field in template_parts(text) if is_field)


# ----------------------------------------------------------------------------------- catalogs

def template_path(assignment):
    return TEMPLATES / f"{assignment}.pot"


def catalog_path(assignment, language="ko"):
    return LOCALE_DIR / language / "LC_MESSAGES" / f"tests_{assignment}.po"


def notebook_path(root, assignment):
    return Path(root) / "solutions" / assignment / f"{assignment}.ipynb"


def template(notebook):
    """A catalog of the units of a notebook's test cells, each located by its cells' grade ids and
    noted when it is only a field's text (FIELD_NOTE) or only in hidden tests (HIDDEN_NOTE)."""
    catalog, roles = _catalog(), {}
    for cell in notebook.cells:
        if is_autograded_test(cell):
            for text, (is_message, seen) in unit_roles(cell.source).items():
                if text not in catalog:
                    catalog.add(text)
                catalog[text].locations.append((cell.metadata.nbgrader["grade_id"], None))
                was_message, was_seen = roles.get(text, (False, False))
                roles[text] = (was_message or is_message, was_seen or seen)
    for text, (is_message, seen) in roles.items():
        catalog[text].auto_comments = [note for note, holds in ((FIELD_NOTE, not is_message),
                                                                (HIDDEN_NOTE, not seen)) if holds]
    return catalog


def _catalog(locale=None):
    return Catalog(locale=locale, project="descent-course", copyright_holder="Descent",
                   creation_date=DATE, revision_date=DATE, fuzzy=False)


def po_bytes(catalog):
    out = io.BytesIO()
    write_po(out, catalog, ignore_obsolete=True, include_previous=False)
    return out.getvalue()


def mo_bytes(catalog, hidden=False):
    """The compiled catalog, with the translations :func:`problems` finds nothing wrong with: of the
    units students see, or of those only in hidden tests (``hidden``), which the wheel leaves out
    (a student's kernel never runs a hidden test; the grader, in the course folder, does)."""
    good = _catalog(catalog.locale)
    wrong = {text for text, _ in problems(catalog)}
    for message in catalog:
        if message.id and message.id not in wrong and (HIDDEN_NOTE in message.auto_comments) == hidden:
            good.add(message.id, message.string,
                     context=FIELD_CONTEXT if FIELD_NOTE in message.auto_comments else None)
    out = io.BytesIO()
    write_mo(out, good)
    return out.getvalue()


def compiled_paths(assignment, language="ko"):
    """{hidden: path} of the two compiled files of a notebook's catalog of translations."""
    name = f"tests_{assignment}.mo"
    return {False: LOCALE_DIR / language / "LC_MESSAGES" / name, True: LOCALE_DIR / language / "hidden" / name}


def read(path):
    with open(path, "rb") as file:
        return read_po(file)


def problems(catalog, english=None):
    """[(msgid, what is wrong)] of a catalog of translations, and, given the template ``english``,
    its msgids missing or no longer used."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        if not message.string:
            found.append((message.id, UNTRANSLATED))
        elif message.fuzzy:
            found.append((message.id, FUZZY))
        elif fields(message.string) != fields(message.id):
            found.append((message.id, "the translation's fields {} differ from the English's {}".format(
                sorted(fields(message.string).elements()), sorted(fields(message.id).elements()))))
    if english is not None:
        ids = {m.id for m in english if m.id}
        found += [(m.id, "no longer in the test cells: run make messages")
                  for m in catalog if m.id and m.id not in ids]
        found += [(i, MISSING) for i in sorted(ids - {m.id for m in catalog})]
    return found


def update(root, assignment, language="ko"):
    """Extract a notebook's units into its template, merge them into its catalog of translations
    (new ones empty, or fuzzy with the translation of a similar one that changed or is gone; gone
    ones dropped), and compile that."""
    english = template(nbformat.read(notebook_path(root, assignment), as_version=4))
    atomic_write(template_path(assignment), po_bytes(english))
    path = catalog_path(assignment, language)
    translations = read(path) if path.is_file() else _catalog(language)
    translations.update(english, update_header_comment=False, update_creation_date=False)
    translations.revision_date = DATE
    atomic_write(path, po_bytes(translations))
    compile_catalog(assignment, language)


def compile_catalog(assignment, language="ko"):
    """Write the compiled files of a notebook's catalog of translations; its problems."""
    translations = read(catalog_path(assignment, language))
    for hidden, path in compiled_paths(assignment, language).items():
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, mo_bytes(translations, hidden))
    return problems(translations, read(template_path(assignment)))


def main():
    """``make messages``: update every notebook's catalogs (see :func:`update`)."""
    from .course import find_root
    root = find_root()
    TEMPLATES.mkdir(exist_ok=True)
    for notebook in sorted((root / "solutions").glob("*/*.ipynb")):
        if notebook.stem == notebook.parent.name:
            update(root, notebook.stem)
            print(f"updated the test text of {notebook.stem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
