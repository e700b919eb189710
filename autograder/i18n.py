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
