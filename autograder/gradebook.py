"""The gradebook's database: SQLite in the work folder by default, or PostgreSQL (``--db URL``).

nbgrader creates the tables, the course and each student on first use. Two gradings that share a
PostgreSQL gradebook (two assignments graded at once) would both try, and one would fail on the
other's rows; so :func:`prepare_gradebook` does it before grading starts, under a PostgreSQL
advisory lock. It also creates a new database's tables itself: nbgrader would ask the ``alembic``
command for the schema's version, a new Python process that imports nbgrader (about 4 s).
"""
import contextlib
import fcntl
import logging
import os
import warnings

import nbgrader
from alembic.script import ScriptDirectory
from nbgrader.api import Base, Gradebook
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.exc import OperationalError, SAWarning

from .course import COURSE_ID, CourseError

# Any number, the same for every grading of every course: it names the lock, nothing else.
LOCK_KEY = 0x64657363  # "desc"


def late_adjusted(submission):
    """(points, late penalty, final score) of a gradebook's submission: the final score is the
    points minus the penalty, never below 0, as nbgrader's own export computes it."""
    penalty = submission.late_submission_penalty or 0.0
    return submission.score or 0.0, penalty, max(0.0, (submission.score or 0.0) - penalty)


def prepare_gradebook(url, students):
    """Create the tables, the course and ``students`` if they are missing."""
    try:
        with _exclusive(url), warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)
            _create_tables(url)
            for course_id in ("", COURSE_ID):  # nbgrader opens it under both names
                with Gradebook(url, course_id) as gradebook:
                    for student in students:
                        gradebook.update_or_create_student(student)
    except ModuleNotFoundError as error:
        raise CourseError(f"the gradebook {_safe(url)} needs the Python package {error.name}: "
                          "pip install 'descent[postgres]'") from None
    except Exception as error:
        if type(error).__module__.startswith("sqlalchemy"):
            raise CourseError(f"cannot open the gradebook {_safe(url)}: "
                              f"{str(error).splitlines()[0]}") from None
        raise


def _create_tables(url):
    """The tables of a new gradebook, stamped with the schema version as nbgrader stamps them."""
    engine = create_engine(url)
    try:
        if inspect(engine).get_table_names():
            return
        Base.metadata.create_all(engine)
        migrations = os.path.join(os.path.dirname(nbgrader.__file__), "alembic")
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:version)"),
                               {"version": ScriptDirectory(migrations).get_current_head()})
    finally:
        engine.dispose()


@contextlib.contextmanager
def _exclusive(url):
    if not url.startswith("postgresql"):
        yield
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
    finally:
        engine.dispose()


@contextlib.contextmanager
def held(url):
    """Keep a SQLite gradebook to this grading (an flock on its file, which SQLite's own fcntl
    locks do not see): two gradings into one SQLite file would each replace the other's
    submissions. A second one stops with a one-line CourseError. SQLite takes the empty file
    made here for a new database; a file that cannot be opened is left for SQLite to name."""
    path = make_url(url).database if url.startswith("sqlite") else None
    try:
        file = open(path, "ab") if path and path != ":memory:" else None
    except OSError:
        file = None
    if file is None:
        yield
        return
    with file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CourseError(f"the gradebook {path} is in use by another grading: wait for it "
                              "to finish, or give --db another gradebook") from None
        yield


@contextlib.contextmanager
def database_errors(url):
    """The gradebook's database failing while grading writes it (a full disk, a read-only file,
    locked by another program, its server gone) as a one-line CourseError, not a traceback
    through nbgrader (which wraps the database's error in its own)."""
    NBGRADER_LOG.addFilter(_not_reported_here)
    try:
        yield
    except Exception as error:
        failure = _operational(error)
        if failure is None:
            raise
        cause = str(failure.orig).splitlines()[0] if failure.orig else type(failure).__name__
        if any(words in cause for words in UNREACHABLE):
            raise CourseError(f"cannot open the gradebook {_safe(url)} ({cause})") from None
        advice = next((a for words, a in DATABASE_ADVICE.items() if words in cause), "")
        raise CourseError(f"cannot write in the gradebook {_safe(url)} ({cause}){advice}: what "
                          "was saved before stays; grade again to finish") from None
    finally:
        NBGRADER_LOG.removeFilter(_not_reported_here)


NBGRADER_LOG = logging.getLogger("tornado.application")  # where nbgrader logs a database error


def _not_reported_here(record):
    """False for nbgrader's log of the failure that database_errors reports in one line."""
    return not (record.exc_info and _operational(record.exc_info[1]))


UNREACHABLE = ("connection failed", "could not connect", "unable to open database file")
DATABASE_ADVICE = {"full": ": free some space", "readonly": ": make it writable",
                   "locked": ": another program (the formgrader?) holds it, close that"}


def _operational(error):
    """The database's OperationalError that caused ``error``, if one did."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def _safe(url):
    """The URL without its password, for messages."""
    head, at, host = url.rpartition("@")
    if not at:
        return url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':')[0]}@{host}"
