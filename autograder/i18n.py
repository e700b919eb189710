"""The language of what a student reads: verdicts, hints, ``check`` and ``submit``, the feedback page.

Messages go through the standard gettext machinery, domain ``descent``: the code writes English,
``_("{name} has shape {got} but should have shape {want}.").format(...)``, and a catalog,
``autograder/locale/<language>/LC_MESSAGES/descent.po``, gives each message in another language.
English is the code's own text (gettext's identity). Babel extracts the messages into
``locale/descent.pot`` and compiles each ``.po`` into the ``.mo`` file gettext reads; the ``.mo``
files are committed and shipped in the wheel, so a student's kernel needs no build step and no
Babel (``make messages`` extracts, updates and compiles; tests/test_i18n.py fails when any of
them is out of date). Messages are marked by ``_``, by ``N_`` where they are defined apart from
their use, and by :class:`Message` for those shown in English to the instructor as well.

The test cells write English too (what a check compares, the message of an ``assert``), and they
are the same in both editions, so their text is translated where it is shown, by
:func:`test_text`, from catalogs of their own: ``locale/<language>/LC_MESSAGES/tests_NN_topic.mo``,
one per notebook (see :mod:`autograder.cellmessages`, which extracts and compiles them).

Which language, from the narrowest setting to the widest:

* :func:`language`, a context manager, for the code inside it (a contextvar: a grading worker
  judges each submission in that submission's language, and nothing leaks to the next one);
* :func:`set_language`, for the whole process (the Korean edition's setup cell calls it);
* the environment variable ``DESCENT_LANGUAGE``;
* English.

:func:`notebook_language` reads a notebook's language from its metadata, ``descent.language``;
:func:`pad` lines up text of any language in a terminal's columns.
"""
import contextlib
import contextvars
import functools
import gettext
import os
from pathlib import Path

from wcwidth import wcwidth

DOMAIN = "descent"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "ko")
DEFAULT = "en"
ENVIRONMENT_VARIABLE = "DESCENT_LANGUAGE"

_scoped = contextvars.ContextVar("descent_language", default=None)
_process = None  # set_language's


def set_language(code):
    """Speak ``code`` ("en" or "ko") in this process, unless a :func:`language` block says otherwise."""
    global _process
    _process = _checked(code)


@contextlib.contextmanager
def language(code):
    """Speak ``code`` inside the block (in this thread or task only), whatever the process speaks."""
    token = _scoped.set(_checked(code))
    try:
        yield
    finally:
        _scoped.reset(token)


def current_language():
    """The language messages are given in now (see the module's docstring)."""
    from_environment = os.environ.get(ENVIRONMENT_VARIABLE)
    return (_scoped.get() or _process
            or (from_environment if from_environment in LANGUAGES else DEFAULT))


def notebook_language(nb):
    """"ko" if the notebook's metadata says ``descent.language`` is "ko", else "en", whatever it
    holds (a submission's metadata is the student's to change)."""
    metadata = nb.get("metadata") if isinstance(nb, dict) else None
    descent = metadata.get("descent") if isinstance(metadata, dict) else None
    said = descent.get("language") if isinstance(descent, dict) else None
    return "ko" if said == "ko" else DEFAULT


def display_width(text):
    """The columns ``text`` takes in a terminal: a Korean syllable takes two, a combining mark none
    (``len`` counts characters); a control character counts as none."""
    return sum(max(0, wcwidth(character)) for character in text)


def pad(text, width):
    """``text`` with spaces after it up to ``width`` columns (``str.ljust``, counting columns)."""
    return text + " " * max(0, width - display_width(text))


def _(message):
    """``message`` in the current language."""
    return _translations(current_language()).gettext(message)


def N_(message):
    """Marks ``message`` for the catalog where it is defined; :func:`_` translates it where used."""
    return message


@functools.cache
def _translations(code):
    if code == DEFAULT:
        return gettext.NullTranslations()
    # without its catalog (tests/test_i18n.py fails then), English rather than no verdict at all
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def _checked(code):
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}: choose one of {', '.join(LANGUAGES)}")
    return code


FIELD_CONTEXT = "field"  # the context a test text that is only a field's text is compiled under
TEST_TEXT_LIMIT = 2000  # characters: a longer text is none a test cell wrote, and stays as it is


def test_text(text, depth=3, whole=True):
    """A text a test cell wrote, in the current language: the catalogs' translation of exactly this
    text, else that of the first template it fits (the most specific first: the one with the most
    literal text), its fields filled with what they matched, each translated in turn (by templates
    ``depth`` levels deep, ``call = f"..."`` inside ``what = f"...{call}"`` inside ``f"{what} ..."``,
    then by exact text only: a template such as ``"{what} {note}"`` fits any text); else as it is.
    A ``whole`` message is fitted only to templates that are messages themselves: one that is only
    ever a field's text (``call``) would fit a message that starts with it, its last field
    swallowing the rest of the message.

    A template is a test cell's f-string as written, ``"after {k + 1} steps of adam"``, fields and
    all (``{{`` and ``}}`` are literal braces); ``after 3 steps of adam`` fits it with ``k + 1`` = 3.
    """
    code = current_language()
    if code == DEFAULT or not isinstance(text, str) or len(text) > TEST_TEXT_LIMIT:
        return text
    exact, templates = _test_catalog(code)
    if text in exact or depth <= 0:
        return exact.get(text, text)
    for parts, translation, is_message in templates:
        found = _fit(parts, text) if is_message or not whole else None
        if found is not None:
            return "".join(test_text(found[part], depth - 1, whole=False) if is_field else part
                           for part, is_field in translation)
    return text


def _fit(parts, text):
    """{field: the text it matches} if ``text`` fits a template's parts, else None. Each literal
    part is found at its first place after the one before, the last one at the end of ``text``:
    no backtracking, so a text made to be hard to match costs no more than an easy one."""
    found, position, field = {}, 0, None
    for i, (part, is_field) in enumerate(parts):
        if is_field:
            if field is not None:
                found[field] = ""  # two fields in a row: the first matches nothing
            field = part
            continue
        if field is None:
            start = position if text.startswith(part, position) else -1
        elif i == len(parts) - 1:
            start = len(text) - len(part) if text.endswith(part) else -1
        else:
            start = text.find(part, position)
        if start < position:
            return None
        if field is not None:
            found[field] = text[position:start]
        position, field = start + len(part), None
    if field is not None:
        found[field], position = text[position:], len(text)
    return found if position == len(text) else None


def template_parts(template):
    """[(text, is_field)] of a template: literal text (braces undoubled) and fields, as ``{...}``
    with their braces; a field ends at the brace that balances its opening one."""
    parts, literal, i = [], [], 0
    while i < len(template):
        pair = template[i:i + 2]
        if pair in ("{{", "}}"):
            literal.append(pair[0])
            i += 2
        elif template[i] == "{":
            depth, end = 0, i
            while end < len(template):
                depth += {"{": 1, "}": -1}.get(template[end], 0)
                end += 1
                if depth == 0:
                    break
            parts += [("".join(literal), False), (template[i:end], True)]
            literal, i = [], end
        else:
            literal.append(template[i])
            i += 1
    parts.append(("".join(literal), False))
    return [(text, is_field) for text, is_field in parts if text]


@functools.cache
def _test_catalog(code):
    """({text: translation} of templates without fields, [(parts, the translation's parts, whether
    it is a message itself)] of the others, most literal text first), from every ``tests_*.mo``
    for ``code``."""
    catalog = {}
    for path in sorted((LOCALE_DIR / code).glob("*/tests_*.mo")):  # LC_MESSAGES/, and hidden/
        with open(path, "rb") as file:  # ._catalog: gettext has no public API for every entry
            catalog.update(gettext.GNUTranslations(file)._catalog)
    exact, templates = {}, []
    for key, translation in catalog.items():
        if not (key and translation and isinstance(key, str)):
            continue  # the header, or a plural
        context, _, template = key.rpartition("\x04")  # gettext's "context\x04msgid"
        parts = template_parts(template)
        if not any(is_field for _, is_field in parts):
            exact["".join(text for text, _ in parts)] = "".join(
                text for text, _ in template_parts(translation))
        elif not all(is_field for _, is_field in parts):  # fields only would fit any text
            templates.append((parts, template_parts(translation), context != FIELD_CONTEXT))
    templates.sort(key=lambda entry: -sum(len(text) for text, is_field in entry[0] if not is_field))
    return exact, templates


class Message(str):
    """A message that is its English text, as a string, for an instructor's table, and keeps its
    template and fields to be given in the current language where a student reads it
    (:meth:`translated`). A field may be a Message itself."""

    def __new__(cls, template, **fields):
        message = super().__new__(cls, template.format(**fields))
        message.template, message.fields = template, fields
        return message

    def translated(self):
        return _(self.template).format(**{
            name: value.translated() if isinstance(value, Message) else value
            for name, value in self.fields.items()})
