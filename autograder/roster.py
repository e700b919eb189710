"""Import a class roster into the gradebook, so the formgrader shows names instead of "None, None".

Three kinds of CSV file are read, recognised by their header row (case and spaces aside):

* Canvas's gradebook export: ``Student`` ("Last, First"), ``ID`` (Canvas's own user id),
  ``SIS User ID``, ``SIS Login ID``, ``Section``, ...; its "Points Possible" row and its test
  student are skipped;
* Moodle's participants or grades export: ``First name``, ``Surname`` (or ``Last name``),
  ``ID number``, ``Username``, ``Email address``, ...;
* Moodle's grading worksheet (an assignment's "Download grading worksheet"): ``Identifier``
  (``Participant 12345``), ``Full name``, ``Email address``, ...: students are keyed by the
  participant id, which is what Moodle's "Download all submissions" files them under;
* a plain ``id,first,last,email`` (email optional).

The file is UTF-8 (Excel's "CSV UTF-8"; a file in another encoding, such as the cp949 in which
Excel on Korean Windows saves plain "CSV", is a one-line error saying so: guessing the encoding
could put wrong names in the gradebook), separated by commas, or by semicolons as Excel writes
CSV where the decimal separator is a comma, or tabs.

A student's id is the name their submissions are filed under (``<student>/...`` or
``<student>_<assignment>...``): by default Canvas's ``SIS User ID``, Moodle's ``ID number``, the
plain file's ``id``, each falling back to the next column of :data:`FORMATS` where it is empty;
``--id COLUMN`` picks another column: ``--id ID`` for submissions from Canvas's "Download
Submissions", filed under Canvas's user id (see :mod:`autograder.lmsnames`).
"""
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from .course import CourseError
from .lmsnames import participant_id
from .gradebook import prepare_gradebook


@dataclass(frozen=True)
class Format:
    name: str
    required: tuple  # columns that identify the format (normalised: lower case)
    ids: tuple  # columns giving the student id, the first non-empty one wins
    read: object  # row (normalised column -> value) -> (first, last, email, lms id)
    # the id column's value -> the student id, or None if it is not in the format's shape
    student_id: object = str


def _canvas(row):
    last, _, first = row.get("student", "").partition(",")
    return first.strip(), last.strip(), "", row.get("id", "")


def _moodle(row):
    return (row.get("first name", ""), row.get("surname") or row.get("last name", ""),
            row.get("email address", ""), "")


def _moodle_worksheet(row):
    """Moodle gives the full name only: kept whole, as a last name (as for a Canvas name with no
    comma), since which part is the first name depends on the site's settings. The participant
    id is the student's id, not a user id of the LMS (it is the assignment's own)."""
    return "", row.get("full name", ""), row.get("email address", ""), ""


def _plain(row):
    return row.get("first", ""), row.get("last", ""), row.get("email", ""), ""


FORMATS = (
    Format("Canvas", ("student", "id", "sis user id"), ("sis user id", "sis login id", "id"), _canvas),
    Format("Moodle", ("first name", "id number", "email address"),
           ("id number", "username", "email address"), _moodle),
    Format("Moodle grading worksheet", ("identifier", "full name"), ("identifier",),
           _moodle_worksheet, participant_id),
    Format("plain", ("id", "first", "last"), ("id",), _plain),
)


@dataclass
class Entry:
    id: str
    first_name: str
    last_name: str
    email: str
    lms_user_id: str


def read_roster(path, id_column=None):
    """The roster's students, and the format recognised. Raises CourseError on a bad file."""
    header, rows = _read_csv(Path(path))
    form = next((f for f in FORMATS if set(f.required) <= set(header)), None)
    if form is None:
        expected = "; ".join(f"{f.name}: {', '.join(f.required)}" for f in FORMATS)
        raise CourseError(f"{path}: unrecognised roster; its columns are "
                          f"{', '.join(header) or '(none)'}; expected those of {expected}")
    ids = (_normal(id_column),) if id_column else form.ids
    if id_column and ids[0] not in header:
        raise CourseError(f"{path} has no column {id_column!r}: its columns are {', '.join(header)}")
    entries, seen = [], set()
    for number, row in enumerate(rows, start=2):
        value = next((row[c] for c in ids if row.get(c)), "")
        if not value or _is_canvas_extra_row(row):
            continue
        student_id = value if id_column else form.student_id(value)
        if student_id is None:
            raise CourseError(f"{path}, row {number}: {value!r} is not a {form.name}'s "
                              f"{ids[0]} ('Participant 12345'); export the worksheet again")
        _check_id(path, number, student_id, seen)
        seen.add(student_id)
        entries.append(Entry(student_id, *form.read(row)))
    return entries, form.name


def _read_csv(path):
    """(normalised header, rows as {normalised column: stripped value}).

    UTF-8, with or without Excel's byte-order mark; separated by commas, or by semicolons (Excel
    where the decimal separator is a comma) or tabs, as the header row shows."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CourseError(f"roster {path} does not exist") from None
    except UnicodeDecodeError as error:
        raise CourseError(f"cannot read the roster {path}: {_not_utf8(error)}; export it again as "
                          "UTF-8 CSV (Excel: Save As, 'CSV UTF-8')") from None
    except OSError as error:
        raise CourseError(f"cannot read the roster {path}: {error.strerror}") from None
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text)))
    except csv.Error as error:
        raise CourseError(f"cannot read the roster {path}: {error}") from None
    if not table:
        return [], []
    header = [_normal(c) for c in table[0]]
    return header, [dict(zip(header, (v.strip() for v in row))) for row in table[1:]]


def _separator(text):
    """The one of comma, semicolon and tab that the header row has most of (a comma if none)."""
    return max(",;\t", key=text.partition("\n")[0].count)


def _not_utf8(error):
    """Where a file is not UTF-8, and why that is likely."""
    data = error.object
    line = data.count(b"\n", 0, error.start) + 1
    return (f"it is not UTF-8 (byte 0x{data[error.start]:02x} on line {line}); Excel saves plain "
            "'CSV' in the computer's code page (cp949, EUC-KR, on Korean Windows)")


def _normal(column):
    return " ".join(column.split()).lower()


def _is_canvas_extra_row(row):
    """Canvas's "Points Possible" row, and its built-in test student."""
    return row.get("student", "").lower() in ("points possible", "student, test")


def _check_id(path, number, student_id, seen):
    if "/" in student_id or "\\" in student_id or student_id.startswith(".") or len(student_id) > 128:
        raise CourseError(f"{path}, row {number}: {student_id!r} cannot be a student id "
                          "(no slashes, no leading dot, at most 128 characters)")
    if student_id in seen:
        raise CourseError(f"{path}, row {number}: student id {student_id!r} appears twice")


def import_roster(url, entries):
    """Create or update each student; empty fields leave what the gradebook has.

    Returns the ids of students in the gradebook who are not on the roster (for instance, filed
    under another id than the roster's)."""
    prepare_gradebook(url, [])
    with Gradebook(url) as gradebook:
        for entry in entries:
            fields = {k: v for k, v in vars(entry).items() if v and k != "id"}
            gradebook.update_or_create_student(entry.id, **fields)
        listed = {e.id for e in entries}
        return sorted(s.id for s in gradebook.students if s.id not in listed)
