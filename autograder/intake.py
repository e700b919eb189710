"""Find a class's submissions and check each before it reaches nbgrader.

Two layouts are accepted:

* ``<student>/<assignment>/<notebook>.ipynb`` (nbgrader's own ``submitted/`` layout);
* a flat folder of files from a learning-management system, each named
  ``<student>_<assignment>...`` and either a notebook or a zip holding the assignment's notebooks.
  The name is split at a known assignment id, so ``mary_ann_01_loss_functions.ipynb`` is
  student ``mary_ann``'s; a name that splits two ways, or names no assignment, is reported.
  Canvas's and Moodle's bulk downloads are recognised by their exact shape (see
  :mod:`autograder.lmsnames`) and filed under the student's Canvas user id or Moodle participant
  id; of a student's several Canvas uploads only the newest is graded, and each one skipped is
  named in a warning.

Everything in the folder is hostile until checked. A submission that cannot be graded as it is
becomes a :class:`Problem` (one line naming the file, what is wrong and what to do); the others
are graded. In particular:

* Nothing outside the submissions folder is ever read: symbolic links are rejected with a reason,
  not followed (simplest and safest: a link to ``solutions/`` would put the reference into the
  feedback), and every folder and file is opened relative to its parent's descriptor with
  ``O_NOFOLLOW``, so a link swapped in after listing is refused too. Zips are never unpacked to
  disk; members that are links, absolute paths or climb out with ``..`` are rejected.
* Only regular files are read, after ``fstat`` says so: a FIFO is opened non-blocking and never
  read, so it cannot hang the grader; sockets and devices are named and rejected.
* Reading is capped before anything is parsed: a notebook at :data:`MAX_NOTEBOOK_BYTES`, all of a
  submission's notebooks together (or its zip file) at :data:`MAX_SUBMISSION_BYTES`, a zip at
  :data:`MAX_ZIP_MEMBERS` entries. A zip's declared sizes are checked first and the real bytes
  are counted while reading, so a header that lies is caught as well. A notebook's JSON values
  and nesting are counted before it is parsed (:data:`MAX_NOTEBOOK_VALUES`, :data:`MAX_NESTING`).
* Names starting with ``.`` are reported, except the junk that operating systems and Jupyter
  create without being asked (:data:`JUNK`): it never holds a submission, and reporting it would
  bury the real problems. In an assignment folder or a zip, where other files are ignored
  anyway, only hidden notebooks are reported (as a warning).
* Student ids that nbgrader or the gradebook cannot take are rejected with the reason; an id is
  taken in its composed Unicode form (NFC), so a decomposed copy of it is the same student.
* A copy-pasted graded cell (a duplicated nbgrader ``grade_id``) is graded at its original;
  the other copies run as plain cells and the submission's warnings name the cell. Every
  graded cell gets its metadata back as released, so stray edits to it cannot fail nbgrader.
"""
import contextlib
import copy
import io
import json
import os
import re
import stat
import struct
import unicodedata
import warnings as python_warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat
import numpy as np
from nbformat.corpus.words import generate_corpus_id

from . import lmsnames
from .course import CourseError, assignments, notebook_names
from .judge import is_autograded_test

MAX_NOTEBOOK_BYTES = 50 * 2**20
# Each JSON value costs the grader 0.4 to 5 kB and a few ms from intake to feedback (a 49 MB
# notebook of 16 million '{}' took intake alone 8.5 GB and 85 s), so the values are counted before
# parsing. The course's notebooks hold 1,500 to 3,300; outputs add one per line printed.
MAX_NOTEBOOK_VALUES = 100_000
MAX_NESTING = 100  # Jupyter writes 5 or 6 levels; Python's parser and copies recurse per level
# The course's assignments are one notebook each, so a whole submission may hold what one notebook
# may: this bounds what a single student can make the grader hold in memory.
MAX_SUBMISSION_BYTES = MAX_NOTEBOOK_BYTES
# Far more than an assignment's notebooks plus what zip tools add (folders, __MACOSX).
MAX_ZIP_MEMBERS = 1000
# A zip's directory entry: 46 bytes and the member's name, extra field and comment.
MAX_ZIP_ENTRY_BYTES = 512
ZIP_END_RECORD, ZIP_END_SIZE = b"PK\x05\x06", 22
ZIP64_LOCATOR, ZIP64_LOCATOR_SIZE = b"PK\x06\x07", 20
MAX_STUDENT_ID = 128  # nbgrader's gradebook: Student.id is a String(128)
# Made by operating systems and Jupyter, never by a student on purpose: skipped silently.
JUNK = {".DS_Store", ".ipynb_checkpoints", "__MACOSX", "Thumbs.db", "desktop.ini", ".Trashes",
        ".localized", ".Spotlight-V100", ".fseventsd"}
SUBMISSION_SUFFIXES = (".ipynb", ".zip")
READ_CHUNK = 2**20
# What nbgrader's submit and collect write beside the notebooks in <student>/<assignment>/, and
# how each must look. A loader hands them on under EXCHANGE_FILES, a key no file name can be.
EXCHANGE_FILES = "\0exchange"
SECRET = re.compile(r"^[0-9a-f]{16,256}$")
CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # nbformat 4.5's schema
MAX_SHOWN = 200  # characters of a name in a message


@dataclass
class Submission:
    student: str
    assignment: str
    notebooks: dict = field(default_factory=dict)  # notebook name -> notebook (nbformat node)
    warnings: list = field(default_factory=list)
    # nbgrader's own files from the exchange (the submission time, the secret that feedback is
    # released under): {file name: text}
    exchange_files: dict = field(default_factory=dict)
    # the name a Canvas or Moodle download gave it (Moodle's: its folder's), if it came from one
    lms_name: str = ""


@dataclass
class Problem:
    student: str
    assignment: str
    message: str

    def __str__(self):
        return f"{self.student}/{self.assignment}: {self.message}"


class Rejected(Exception):
    """This submission cannot be graded; the message says why."""


@dataclass
class Candidate:
    """Something in the submissions folder that should be one student's submission."""

    student: str
    assignment: str
    load: Callable  # (warnings) -> {notebook name: notebook}; raises Rejected
    warnings: list = field(default_factory=list)
    lms_name: str = ""  # as Submission.lms_name
    skipped: list = field(default_factory=list)  # older uploads not graded for this one: notes


def collect(root, folder, assignment=None):
    """All submissions under ``folder`` as (submissions, problems); raises if there are none at all."""
    folder = Path(folder)
    if not folder.exists():
        raise CourseError(f"submissions folder {folder} does not exist")
    if not folder.is_dir():
        raise CourseError(f"{folder} is not a folder: give the folder that holds the submissions")
    try:
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise CourseError(f"cannot read the submissions folder {folder}: "
                          f"{error.strerror}") from None
    try:
        return _collect(root, folder, folder_fd, assignment)
    finally:
        os.close(folder_fd)


def _collect(root, folder, folder_fd, only):
    entries = [(name, kind) for name, kind in _listing(folder_fd) if not _is_junk(name)]
    if not entries:
        raise CourseError(f"submissions folder {folder} is empty: expected "
                          "<student>/<assignment>/<notebook>.ipynb or files named "
                          "<student>_<assignment>....ipynb/.zip")
    known = assignments(root)
    submissions, problems = [], []
    for candidate in _candidates(folder_fd, entries, known, only):
        # one id however it was typed: macOS writes names decomposed (NFD), LMSs composed (NFC)
        candidate.student = unicodedata.normalize("NFC", candidate.student)
        try:
            _require_valid_student_id(candidate.student)
            notebooks = candidate.load(candidate.warnings)
            _require_known(candidate.assignment, known)
            submissions.append(_validated(root, candidate, notebooks))
        except Rejected as reason:
            problems.append(Problem(shown(candidate.student), shown(candidate.assignment),
                                    "; ".join([str(reason), *candidate.skipped])))
    unique, duplicates = _merge(submissions)
    return unique, problems + duplicates


# --- The folder, read without following links ---------------------------------------------

def _listing(folder_fd):
    """(name, kind) of each entry of an open folder, by name; links are not followed."""
    return [(name, _kind_at(folder_fd, name)) for name in sorted(os.listdir(folder_fd))]


def _kind_at(folder_fd, name):
    try:
        return _kind(os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_mode)
    except OSError as error:
        return f"an unreadable entry ({error.strerror})"


FILE, FOLDER = "a file", "a folder"
LINK = ("a symbolic link (not followed: it could point outside the submissions folder; "
        "put the file itself there)")


def _kind(mode):
    """What an entry is, as the messages say it."""
    kinds = [(stat.S_ISREG, FILE), (stat.S_ISDIR, FOLDER), (stat.S_ISLNK, LINK),
             (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a device file"), (stat.S_ISBLK, "a device file")]
    return next((kind for test, kind in kinds if test(mode)), "a special file")


@contextlib.contextmanager
def _opened(folder_fd, name, origin, flags):
    """A descriptor for ``name`` in an open folder, never through a link; Rejected if it fails."""
    try:
        fd = os.open(name, flags | os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder_fd)
    except OSError as error:
        raise Rejected(f"{origin} cannot be opened ({error.strerror})") from None
    try:
        yield fd
    finally:
        os.close(fd)


def _opened_folder(folder_fd, name, origin):
    return _opened(folder_fd, name, origin, os.O_DIRECTORY)


def _read_file(folder_fd, name, origin, budget):
    """The bytes of a regular file in an open folder; a FIFO, device or link is never read."""
    with _opened(folder_fd, name, origin, os.O_NONBLOCK | os.O_NOCTTY) as fd:
        kind = _kind(os.fstat(fd).st_mode)
        if kind != FILE:
            raise Rejected(f"{origin} is {kind}, not a file")
        with open(fd, "rb", closefd=False) as file:
            try:
                return budget.read(file, origin)
            except OSError as error:
                raise Rejected(f"{origin} cannot be read ({error.strerror})") from None


class Budget:
    """What one submission may still read: each notebook at most MAX_NOTEBOOK_BYTES, all of them
    together MAX_SUBMISSION_BYTES. Counted on the real bytes, whatever a header declared. Its
    notebooks together hold at most MAX_NOTEBOOK_VALUES JSON values (see :func:`read_notebook`):
    a zip of 213 notebooks of 98,000 values each took intake 4.5 GB before its names were checked."""

    def __init__(self, total=None, each=None):
        self.left = MAX_SUBMISSION_BYTES if total is None else total
        self.each = MAX_NOTEBOOK_BYTES if each is None else each
        self.values = MAX_NOTEBOOK_VALUES

    def read(self, file, origin):
        """The file's bytes, read in chunks up to the limit: never more than one chunk past it."""
        limit = min(self.each, self.left)
        chunks, size = [], 0
        while size <= limit and (chunk := file.read(min(READ_CHUNK, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Rejected(self.too_large(origin, limit))
        self.left -= size
        return b"".join(chunks)

    @staticmethod
    def too_large(origin, limit):
        if limit < MAX_NOTEBOOK_BYTES:
            return (f"{origin}: the submission's notebooks together are larger than "
                    f"{_megabytes(MAX_SUBMISSION_BYTES)}; clear their outputs and send them again")
        return f"{origin} is larger than {_megabytes(limit)}; clear its outputs and send it again"


def _megabytes(size):
    return f"{size // 2**20} MB"


# --- What each entry of the submissions folder holds -----------------------------------------

def _candidates(folder_fd, entries, known, only):
    """A :class:`Candidate` for each submission the folder's entries hold."""
    downloads = {name: lms for name, kind in entries if (lms := _lms_download(name, kind, known))}
    yield from _lms_download_candidates(folder_fd, downloads, known, only)
    for name, kind in entries:
        if name in downloads:
            continue
        if kind == FOLDER and not _is_hidden(name) and not name.endswith(SUBMISSION_SUFFIXES):
            yield from _student_folder(folder_fd, name, only)
        else:
            candidate = _lms_file(folder_fd, name, kind, known, only)
            if candidate is not None:
                yield candidate


def _student_folder(folder_fd, student, only):
    """``<student>/<assignment>/``: one candidate per assignment folder, one per stray entry."""
    origin = shown(student)
    try:
        with _opened_folder(folder_fd, student, origin) as student_fd:
            entries = [(name, kind) for name, kind in _listing(student_fd) if not _is_junk(name)]
            if not entries:
                yield Candidate(student, only or "?", _rejecting(
                    f"{origin} is an empty folder: "
                    f"expected {origin}/<assignment>/<notebook>.ipynb"))
            for name, kind in entries:
                if only and name != only:
                    continue
                where = f"{origin}/{shown(name)}"
                if kind == FOLDER and not _is_hidden(name):
                    yield Candidate(student, name, lambda notes, name=name, where=where:
                                    _from_assignment_folder(student_fd, name, where, notes))
                else:
                    yield Candidate(student, name, _rejecting(
                        f"{where} is {'hidden' if _is_hidden(name) else kind}, "
                        "not an assignment folder "
                        f"(expected {origin}/<assignment>/<notebook>.ipynb)"))
    except Rejected as reason:
        yield Candidate(student, only or "?", _rejecting(str(reason)))


def _from_assignment_folder(student_fd, name, origin, notes):
    """The notebooks of ``<student>/<assignment>/``; other files are not graded, so ignored."""
    notebooks, budget = {}, Budget()
    with _opened_folder(student_fd, name, origin) as folder_fd:
        for entry, kind in _listing(folder_fd):
            where = f"{origin}/{shown(entry)}"
            if entry in ("timestamp.txt", "submission_secret.txt") and kind == FILE:
                text = _exchange_file(folder_fd, entry, where, notes)
                if text:
                    notebooks.setdefault(EXCHANGE_FILES, {})[entry] = text
                continue
            if _is_junk(entry) or not entry.endswith(".ipynb"):
                continue
            if _is_hidden(entry):
                notes.append(_hidden_ignored(where))
                continue
            if kind != FILE:
                raise Rejected(f"{where} is {kind}, not a notebook file")
            notebooks[entry[:-len(".ipynb")]] = read_notebook(
                _read_file(folder_fd, entry, where, budget), where, budget)
    return notebooks


def _exchange_file(folder_fd, name, origin, notes):
    """The text of nbgrader's timestamp.txt or submission_secret.txt, or None (with a warning)."""
    from nbgrader.utils import parse_utc

    try:
        text = _read_file(folder_fd, name, origin, Budget(512)).decode("ascii").strip()
        if name == "timestamp.txt":
            parse_utc(text)
        elif not SECRET.match(text):
            raise ValueError(text)
        return text
    except (Rejected, UnicodeDecodeError, ValueError, OverflowError):
        notes.append(f"{origin} is not as nbgrader writes it: ignored")
        return None


def _lms_file(folder_fd, name, kind, known, only, filed_as=None, origin=None):
    """A file of an LMS download, ``<student>_<assignment>...``; None if it is for another
    assignment than ``only``. Anything else at the top gets a candidate that says what is wrong.
    ``filed_as`` is read instead of ``name`` where the LMS's own name is not that shape, ``origin``
    is how messages show the file."""
    origin = origin or shown(name)
    stem = _stem(filed_as or name)
    splits = _lms_splits(stem, known)
    student, _, rest = stem.partition("_")
    if len(splits) == 1:
        [(student, assignment_id)] = splits.items()
        if only and assignment_id != only:
            return None
    else:
        assignment_id = only or rest or "?"
    problem = _entry_problem(name, kind, origin)
    notes = []
    if problem is None and len(splits) > 1:
        ways = " or ".join(f"{a} of student '{shown(s)}'" for s, a in sorted(splits.items()))
        problem = (f"the name {origin} is ambiguous: it could be {ways}; "
                   "rename it <student>_<assignment>...")
    elif problem is None and not splits and _leading_id(stem, known):
        assignment_id = _leading_id(stem, known)
        problem = (f"the name {origin} starts with the assignment id, so it names no student; "
                   "rename it <student>_<assignment>...")
    elif problem is None and not splits:
        guess = "" if filed_as else ", so the student id is a guess"  # an LMS's id is not
        doubt = f"the name {origin} holds no known assignment id ({', '.join(known) or 'none'}){guess}"
        if not only:
            problem = (f"unknown assignment: {doubt}; name it <student>_<assignment>... "
                       "or pass --assignment ID")
        elif guess and "_" in stem:
            notes.append(f"{doubt}: graded as {only} of student '{shown(student)}' (--assignment)")
    if problem is not None:
        return Candidate(student, assignment_id, _rejecting(problem))
    loader = _from_zip_file if name.endswith(".zip") else _from_notebook_file
    return Candidate(student, assignment_id,
                     lambda more: loader(folder_fd, name, origin, more), notes)


def _lms_download(name, kind, known):
    """What a Canvas or Moodle download's file or folder name says (see :mod:`lmsnames`), or None
    if it is not one: also if it is a file where the LMS makes a folder or the other way round,
    or if only the plain reading finds an assignment id in it (``joe_2024_99_toy.ipynb`` is
    student joe_2024's 99_toy, not file ``toy.ipynb`` of Canvas user 2024)."""
    lms = lmsnames.parse(name)
    if lms is None or lms.is_folder != (kind == FOLDER):
        return None
    if lms.is_folder or _lms_splits(_stem(f"{lms.student}_{lms.original}"), known):
        return lms
    return None if _lms_splits(_stem(name), known) else lms


def _stem(name):
    """A file name without its suffix."""
    suffix = Path(name).suffix
    return name[:-len(suffix)] if suffix else name


def _lms_download_candidates(folder_fd, downloads, known, only):
    """Candidates filed under the LMS's id of the student; of a student's Canvas uploads for one
    assignment only the newest, with a warning naming each one skipped."""
    uploads = {}
    for name, lms in downloads.items():
        if lms.is_folder:
            yield from _moodle_folder(folder_fd, name, lms, known, only)
        elif candidate := _lms_file(folder_fd, name, FILE, known, only,
                                    filed_as=f"{lms.student}_{lms.original}"):
            candidate.lms_name = lms.moodle_folder() if lms.lms == lmsnames.MOODLE else name
            uploads.setdefault((candidate.student, candidate.assignment, lms.lms), []).append(
                (lms.order, name, candidate))
    for (_, _, lms), group in uploads.items():
        group.sort(key=lambda upload: upload[0])
        newest_order, newest_name, newest = group[-1]
        if lms != lmsnames.CANVAS or len(group) > 1 and group[-2][0] == newest_order:
            yield from (candidate for _, _, candidate in group)  # no order: reported as duplicates
            continue
        newest.skipped = [f"{shown(name)} skipped: {shown(newest_name)} is a later upload"
                          for _, name, _ in group[:-1]]
        newest.warnings += newest.skipped
        yield newest


def _moodle_folder(folder_fd, name, lms, known, only):
    """Moodle's ``<Full name>_<participant id>_assignsubmission_file_/``: each notebook or zip in
    it is read as an LMS download's file of that participant; other files (a report, a picture,
    hidden ones) are not graded, so ignored, as in an assignment folder."""
    origin = shown(name)
    try:
        with _opened_folder(folder_fd, name, origin) as student_fd:
            entries = [(entry, kind) for entry, kind in _listing(student_fd)
                       if entry.endswith(SUBMISSION_SUFFIXES) and not _is_hidden(entry)]
            if not entries:
                yield Candidate(lms.student, only or "?", _rejecting(
                    f"{origin} holds no notebook (.ipynb) or zip file"))
            for entry, kind in entries:
                candidate = _lms_file(student_fd, entry, kind, known, only,
                                      f"{lms.student}_{entry}", f"{origin}/{shown(entry)}")
                if candidate is not None:
                    candidate.lms_name = lms.moodle_folder()
                    yield candidate
    except Rejected as reason:
        yield Candidate(lms.student, only or "?", _rejecting(str(reason)))


def _lms_splits(stem, known):
    """{student: assignment} for each way ``stem`` splits as ``<student>_<assignment>[_...]``.

    'mary_ann_01_loss_functions_v2' -> {'mary_ann': '01_loss_functions'}. Where two ids match at
    the same place (99_toy and 99_toy_again), the longer one wins.
    """
    splits = {}
    for assignment_id in sorted(known, key=len):
        for match in re.finditer(rf"_{re.escape(assignment_id)}(?![^\W_])", stem):
            splits[stem[:match.start()]] = assignment_id
    return splits


def _leading_id(stem, known):
    """The assignment id ``stem`` starts with (then it names no student), or None."""
    return next((a for a in known if stem == a or stem.startswith(f"{a}_")), None)


def _entry_problem(name, kind, origin):
    """Why a top-level entry that is not a student folder cannot be a submission file, or None."""
    suffix = Path(name).suffix
    if _is_hidden(name):
        return (f"{origin} is hidden (its name starts with '.'), so it is not graded; "
                "rename it if it is a submission")
    if kind == FILE and suffix in SUBMISSION_SUFFIXES:
        return None
    if kind == FILE:
        return f"{origin} is neither a student folder, a .ipynb nor a .zip file"
    if suffix in SUBMISSION_SUFFIXES:
        return f"{origin} is {kind}, not a {suffix} file"
    return f"{origin} is {kind}, not a student folder, a .ipynb or a .zip file"


def _from_notebook_file(folder_fd, name, origin, notes):
    budget = Budget()
    return {"__single__": read_notebook(_read_file(folder_fd, name, origin, budget), origin, budget)}


def _from_zip_file(folder_fd, name, origin, notes):
    data = _read_file(folder_fd, name, origin, Budget(each=MAX_SUBMISSION_BYTES))
    _check_zip_directory(data, origin)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError) as error:
        raise Rejected(f"{origin} is not a valid zip file ({error})") from None
    with archive:
        members = _zipped_notebooks(archive, origin, notes)
        budget = Budget()
        return {PurePosixPath(m.filename).stem: read_notebook(
                    _unzip(archive, m, origin, budget), f"{origin}:{shown(m.filename)}", budget)
                for m in members}


def _check_zip_directory(data, origin):
    """Rejected if the zip's end record declares more entries, or a larger directory, than
    MAX_ZIP_MEMBERS allow: zipfile would parse the whole directory first (a 34 MB zip of 400,000
    empty entries costs it 32 s and 220 MB). zipfile reads the last end record, as this does;
    zip64 (for more than 65,535 entries or 4 GB) is refused, as no assignment needs it."""
    end = data.rfind(ZIP_END_RECORD, max(0, len(data) - ZIP_END_SIZE - 0xFFFF))
    if end < 0 or end + ZIP_END_SIZE > len(data):
        raise Rejected(f"{origin} is not a valid zip file (it has no end record)")
    if data[max(0, end - ZIP64_LOCATOR_SIZE):end].startswith(ZIP64_LOCATOR):
        raise Rejected(f"{origin} is a zip64 archive: zip only the assignment's notebooks")
    entries, size = struct.unpack_from("<HI", data, end + 10)
    if entries > MAX_ZIP_MEMBERS or size > MAX_ZIP_MEMBERS * MAX_ZIP_ENTRY_BYTES:
        raise Rejected(_too_many_files(origin))


def _too_many_files(origin):
    return f"{origin} holds more than {MAX_ZIP_MEMBERS} files: zip only the assignment's notebooks"


def _zipped_notebooks(archive, origin, notes):
    """The notebooks in a zip, checked on what its directory declares before anything is read."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_MEMBERS:  # more than its end record declared
        raise Rejected(_too_many_files(origin))
    members = []
    for member in entries:
        parts = PurePosixPath(member.filename).parts
        where = f"{origin}:{shown(member.filename)}"
        if _outside_the_zip(member.filename):
            raise Rejected(f"{where} is a path outside the zip (absolute or with '..'): "
                           "zip the notebook files themselves")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise Rejected(f"{where} is a symbolic link: zip the notebook file itself")
        if member.is_dir() or not member.filename.endswith(".ipynb") or any(map(_is_junk, parts)):
            continue
        if any(map(_is_hidden, parts)):
            notes.append(_hidden_ignored(where))
        else:
            members.append(member)
    if not members:
        raise Rejected(f"{origin} holds no notebook: zip the .ipynb file(s) of the assignment")
    names = [PurePosixPath(m.filename).stem for m in members]
    if len(set(names)) != len(names):
        raise Rejected(f"{origin} holds several notebooks with the same name: "
                       f"{', '.join(shown(n) for n in sorted(names))}")
    oversized = [m.filename for m in members if m.file_size > MAX_NOTEBOOK_BYTES]
    if oversized:
        raise Rejected(f"{origin}:{shown(oversized[0])} is larger than "
                       f"{_megabytes(MAX_NOTEBOOK_BYTES)}; clear its outputs and zip it again")
    if sum(m.file_size for m in members) > MAX_SUBMISSION_BYTES:
        raise Rejected(Budget.too_large(origin, 0))
    return members


def _outside_the_zip(name):
    """An absolute path (POSIX or Windows) or one with '..': unpacked, it would land elsewhere."""
    return (name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) is not None
            or ".." in re.split(r"[/\\]", name))


def _unzip(archive, member, origin, budget):
    """A member's bytes, counted as they are unpacked: a size the header understates is caught."""
    where = f"{origin}:{shown(member.filename)}"
    try:
        with archive.open(member) as file:
            return budget.read(file, where)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError, RuntimeError,
            zlib.error) as error:
        raise Rejected(f"{where} cannot be unpacked ({error})") from None


# --- Names -------------------------------------------------------------------------------------

def _is_junk(name):
    return name in JUNK or name.startswith("._")  # "._name": macOS's AppleDouble files


def _is_hidden(name):
    return name.startswith(".")


def _hidden_ignored(where):
    return f"{where} ignored: its name starts with '.' (hidden); rename it if it should be graded"


def _rejecting(message):
    def reject(notes):
        raise Rejected(message)
    return reject


def shown(name):
    """``name`` on one printable line: other characters escaped, a non-UTF-8 byte as \\xNN, and
    past MAX_SHOWN characters cut, saying how long it is."""
    text = "".join(c if c.isprintable() else _escaped(c) for c in name[:MAX_SHOWN + 1])
    return text if len(name) <= MAX_SHOWN else f"{text[:MAX_SHOWN]}... ({len(name):,} characters)"


def _escaped(char):
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.listdir decodes it
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _require_valid_student_id(student):
    """Rejected if nbgrader or its gradebook cannot take ``student`` as it is."""
    problem = None
    if not student.strip():
        problem = "is blank"
    elif student != student.strip():
        problem = "has spaces at its start or end (nbgrader would strip them: another student's id)"
    elif not student.isprintable():
        problem = ("holds a character that is not printable or not UTF-8 (a newline, a control "
                   "character, a byte of another encoding)")
    elif len(student) > MAX_STUDENT_ID:
        problem = f"is longer than {MAX_STUDENT_ID} characters, the gradebook's limit"
    elif set(student) & set("*?[]"):
        problem = "holds * ? [ or ], which nbgrader reads as a pattern matching other students"
    if problem:
        raise Rejected(f"the student id '{shown(student)}' {problem}; rename the file or folder")


def _require_known(assignment_id, known):
    if assignment_id not in known:
        raise Rejected(f"unknown assignment '{shown(assignment_id)}' (known: {', '.join(known)}); "
                       "pass --assignment ID if the file names do not say it")


# --- Notebooks ---------------------------------------------------------------------------------

def read_notebook(data, origin, budget=None):
    """A notebook in nbformat 4 from its bytes, valid against nbformat's schema; else Rejected.
    Its JSON values count against ``budget``'s, those of the submission it is part of."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise Rejected(f"{origin} is larger than {_megabytes(MAX_NOTEBOOK_BYTES)}")
    _require_small_structure(data, origin, budget or Budget())
    try:
        text = data.decode("utf-8-sig")  # a byte order mark: some editors write one
    except UnicodeDecodeError as error:
        raise _not_json(origin, error) from None
    if not text.lstrip().startswith("{"):
        raise Rejected(f"{origin} is not a valid notebook (a notebook is a JSON object, starting "
                       "with '{'); ask for the .ipynb file as saved by Jupyter")
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")  # missing or duplicate cell ids: repaired
            notebook = nbformat.reads(text, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as error:
        raise _not_json(origin, error) from None
    except nbformat.NBFormatError as error:  # an nbformat version that does not exist
        raise Rejected(f"{origin} is not a valid notebook ({_first_line(error)}); "
                       "ask for the .ipynb file as saved by Jupyter") from None
    except Exception:  # nbformat's conversion fails on each malformed shape its own way
        raise Rejected(f"{origin} is not a valid notebook: its structure does not follow the "
                       "notebook format; ask for the .ipynb file as saved by Jupyter") from None
    if not isinstance(notebook.get("cells"), list):
        raise Rejected(f"{origin} is not a valid notebook: it has no list of cells")
    _require_schema(notebook, origin)
    return notebook


def _not_json(origin, error):
    return Rejected(f"{origin} is not a valid notebook (not JSON: {_first_line(error)}); "
                    "ask for the .ipynb file as saved by Jupyter")


def _require_small_structure(data, origin, budget):
    """Rejected if the JSON text ``data`` nests deeper than MAX_NESTING or holds more values than
    ``budget`` has left, found without parsing it (see :func:`json_structure`); else counted."""
    values, depth = json_structure(data)
    if depth > MAX_NESTING:
        raise Rejected(f"{origin} is not a valid notebook: its JSON nests {depth} levels deep "
                       f"(at most {MAX_NESTING}); ask for the .ipynb file as saved by Jupyter")
    if values > budget.values:
        holds = (f"{origin}: the submission's notebooks together hold"
                 if budget.values < MAX_NOTEBOOK_VALUES else f"{origin} holds")
        raise Rejected(f"{holds} more than {MAX_NOTEBOOK_VALUES:,} JSON values (cells, lines of "
                       "output, ...); clear the outputs and send it again")
    budget.values -= values


def json_structure(data):
    """(an upper bound on the number of values, the deepest nesting) of the JSON text ``data``, in
    linear time and a few chunks of memory. Every value but the first of an array or object
    follows a comma, so the commas, '[' and '{' outside strings, plus one, bound the values.
    Escaped backslashes and quotes are removed first (pairing backslashes left to right, as JSON
    does); then a character is outside strings where an even number of quotes precede it."""
    text = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    values, deepest, depth, quotes = 1, 0, 0, 0
    for start in range(0, len(text), READ_CHUNK):
        chunk = np.frombuffer(text, np.uint8, min(READ_CHUNK, len(text) - start), start)
        quoted = np.cumsum(chunk == ord('"'), dtype=np.uint8) + np.uint8(quotes)  # mod 256
        outside = quoted % 2 == 0
        opening = outside & ((chunk == ord("[")) | (chunk == ord("{")))
        closing = outside & ((chunk == ord("]")) | (chunk == ord("}")))
        commas = outside & (chunk == ord(","))
        values += int(np.count_nonzero(opening)) + int(np.count_nonzero(commas))
        brackets = opening[opening | closing]
        levels = depth + np.cumsum(np.where(brackets, 1, -1))
        if len(levels):
            deepest, depth = max(deepest, int(levels.max())), int(levels[-1])
        quotes = int(quoted[-1])
    return values, deepest


def _require_schema(notebook, origin):
    """Valid as nbformat 4.5, which every notebook is written as: a cell without an id (older 4.x
    notebooks) or with one the format does not allow (blank, spaces, too long) gets a new one;
    grading goes by nbgrader's grade_id, never by the cell id."""
    if notebook.get("nbformat_minor", 0) < 5:
        notebook.nbformat_minor = 5
    for cell in notebook.cells:
        if isinstance(cell, dict) and not (isinstance(cell.get("id"), str)
                                           and CELL_ID.fullmatch(cell["id"])):
            cell["id"] = generate_corpus_id()
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")
            nbformat.validate(notebook)
    except Exception as error:  # a schema error, or one too deeply nested to check
        path = list(getattr(error, "absolute_path", []))
        where = (f"cell {path[1] + 1}" if path[:1] == ["cells"] and len(path) > 1
                 else "/".join(map(str, path)) or "its structure")
        raise Rejected(f"{origin} is not a valid notebook: {where} does not follow the notebook "
                       "format; ask for the .ipynb file as saved by Jupyter") from None


def _first_line(error):
    lines = str(error).splitlines()
    return shown(lines[0][:200]) if lines else type(error).__name__


def _validated(root, candidate, notebooks):
    """Name the notebooks after the assignment's, restore their graded cells' metadata and check
    that no test cell was deleted."""
    expected = notebook_names(root, candidate.assignment)
    exchange_files = notebooks.pop(EXCHANGE_FILES, {})
    if set(notebooks) == {"__single__"} and len(expected) == 1:
        notebooks = {expected[0]: notebooks["__single__"]}
    if set(notebooks) != set(expected):
        raise Rejected(f"unexpected layout: found notebooks "
                       f"{[shown(n) for n in sorted(notebooks)] or 'none'}, "
                       f"expected {', '.join(n + '.ipynb' for n in expected)}")
    submission = Submission(candidate.student, candidate.assignment, notebooks, candidate.warnings,
                            exchange_files, candidate.lms_name)
    for name, notebook in notebooks.items():
        source = nbformat.read(Path(root) / "solutions" / candidate.assignment / f"{name}.ipynb",
                               as_version=4)
        submission.warnings += restore_grading_metadata(notebook, source, f"{name}.ipynb")
        _check_test_cells(submission, name, notebook, source)
    return submission


def restore_grading_metadata(notebook, source, origin):
    """Give each graded cell of ``source`` its nbgrader metadata back, at its original in
    ``notebook`` (see :func:`_originals`); other copies and cells with ids ``source`` lacks become
    plain cells. Warnings.

    nbgrader itself fails such a notebook (its duplicate-id pass leaves an empty, invalid
    metadata), and an edited or malformed metadata (points, schema version, a string) fails it too.
    """
    released = {cell_id(c): c for c in source.cells if cell_id(c)}
    originals, copies = _originals(notebook, released)
    unknown, retyped = [], []
    for index, cell in enumerate(notebook.cells):
        if "nbgrader" not in cell.metadata:
            continue
        grade_id = cell_id(cell)
        if grade_id in released and originals[grade_id] == index:
            cell.metadata["nbgrader"] = copy.deepcopy(released[grade_id].metadata.nbgrader)
            if cell.cell_type != released[grade_id].cell_type:
                retyped.append(f"{shown(grade_id)} ({cell.cell_type})")
                _retype(cell, released[grade_id].cell_type)
        else:
            del cell.metadata["nbgrader"]
        if grade_id not in released:
            unknown.append(shown(grade_id) if grade_id else f"cell {index + 1} (no id)")
    notes = [f"{origin}: cell {shown(grade_id)} appears {count} times; the original (cell "
             f"{originals[grade_id] + 1}) is graded, the copies run as plain cells"
             for grade_id, count in copies.items() if count > 1]
    if unknown:
        notes.append(f"{origin}: cells with unknown nbgrader ids run as plain cells: "
                     f"{', '.join(unknown)}")
    if retyped:
        notes.append(f"{origin}: graded cells of another type: {', '.join(retyped)}; "
                     "graded as the type they were released as")
    return notes


def _retype(cell, cell_type):
    """Make ``cell`` a ``cell_type`` cell, as nbgrader's sanitizing would (a key pressed in
    Jupyter turns a test cell into markdown: nbgrader would grade it, but intake would find the
    test missing)."""
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.update(outputs=[], execution_count=None)
        cell.pop("attachments", None)  # markdown's pictures: a code cell has none
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _originals(notebook, released):
    """({grade_id: the index of its original in ``notebook``}, {grade_id: how many cells carry it}).

    The original is the one that kept its released cell id, as Jupyter gives a pasted cell a new
    one (a copy pasted above its original must not be graded at the copy's place); else, when no
    copy or several kept it, the first."""
    places = {}
    for index, cell in enumerate(notebook.cells):
        if cell_id(cell) in released:
            places.setdefault(cell_id(cell), []).append(index)
    originals = {grade_id: next((i for i in indexes
                                 if notebook.cells[i].get("id") == released[grade_id].get("id")),
                                indexes[0])
                 for grade_id, indexes in places.items()}
    return originals, Counter({grade_id: len(indexes) for grade_id, indexes in places.items()})


def _check_test_cells(submission, name, notebook, source):
    wanted = {cell_id(c): c for c in source.cells if is_autograded_test(c)}
    present = {cell_id(c): c for c in notebook.cells if is_autograded_test(c)}
    deleted = sorted(set(wanted) - set(present))
    if deleted:
        raise Rejected(f"{name}.ipynb: test cells deleted: {', '.join(deleted)}; download the "
                       "notebook again and copy your answers into it")
    edited = sorted(i for i in wanted if _visible_part(wanted[i].source) != present[i].source)
    if edited:
        submission.warnings.append(
            f"{name}.ipynb: test cells edited: {', '.join(edited)}; graded with the original tests")


def cell_id(cell):
    """A cell's nbgrader grade_id, or None (also when its metadata is not what nbgrader writes)."""
    grading = cell.get("metadata", {}).get("nbgrader")
    grade_id = grading.get("grade_id") if isinstance(grading, dict) else None
    return grade_id if isinstance(grade_id, str) and grade_id else None


def _visible_part(source):
    """A test cell as students see it: the hidden-test region removed, as nbgrader does."""
    hidden = hidden_lines(source)
    return "\n".join(line for number, line in enumerate(source.split("\n"), 1) if number not in hidden)


def hidden_lines(source):
    """The numbers (from 1) of a test cell's lines students never see: its hidden-test regions,
    their marker lines included."""
    hidden, inside = set(), False
    for number, line in enumerate(source.split("\n"), 1):
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        if inside:
            hidden.add(number)
        if "END HIDDEN TESTS" in line:
            inside = False
    return hidden


def _merge(submissions):
    """One submission per student and assignment: a pair submitted twice is graded neither time."""
    by_pair = {}
    for submission in submissions:
        by_pair.setdefault((submission.student, submission.assignment), []).append(submission)
    unique = [group[0] for group in by_pair.values() if len(group) == 1]
    duplicates = [Problem(student, assignment, f"submitted {len(group)} times: keep one of them")
                  for (student, assignment), group in by_pair.items() if len(group) > 1]
    return unique, duplicates
