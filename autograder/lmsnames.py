"""The names Canvas and Moodle give the files of a bulk download, and the student ids they hold.

* Canvas's "Download Submissions": ``<sortable name>_<user id>_<submission id>_<original>``, a late
  one ``<sortable name>_LATE_<user id>_<submission id>_<original>``. The sortable name is the
  student's "last first" with everything but letters, digits and ``_`` removed, lower-cased
  (``kimana``, ``김아나``). When a student uploads a file again, Canvas may add ``-1``, ``-2`` to the
  original name (``01_loss_functions-1.ipynb``). Canvas numbers what is uploaded in order, so
  of two files the one with the larger third number, then resubmission number, is the newer.
* Moodle's "Download all submissions": a folder ``<Full name>_<participant id>_assignsubmission_file_``
  holding the original files, or, with "Download submissions in folders" off, files named
  ``<Full name>_<participant id>_assignsubmission_file_<original>``. Moodle writes a ``_`` of the
  name as a space, and its feedback upload takes the participant id after the first ``_``.

The student id a submission is filed under is the one the LMS keeps for the student whatever
their name: Canvas's user id (the ``ID`` column of its gradebook export), Moodle's participant
id (``Participant 12345`` in the ``Identifier`` column of its grading worksheet; Moodle numbers
the participants of each assignment anew). A name is read
as one of these only if it has exactly their shape (ASCII digits, no leading zero, the ``LATE``
and ``assignsubmission_file`` markers as written); any other name is left to the usual
``<student>_<assignment>...`` reading.
"""
import re
from dataclasses import dataclass

CANVAS, MOODLE = "Canvas", "Moodle"
# Beside a graded submission in the work folder's submitted/<student>/<assignment>/: the name the
# LMS's download gave it (Moodle's: its folder's, which Moodle's feedback upload wants back).
LMS_NAME_FILE = "lms_name.txt"
NUMBER = r"[1-9][0-9]{0,17}"  # ASCII digits only: \d would take '١٢٣' too
CANVAS_NAME = re.compile(
    rf"(?P<name>\w+?)_(?P<late>LATE_)?(?P<user>{NUMBER})_(?P<submission>{NUMBER})_(?P<original>.+)",
    re.DOTALL)
MOODLE_MARKER = "_assignsubmission_file"
MOODLE_NAME = re.compile(
    rf"(?P<name>[^_\s](?:[^_]*[^_\s])?)_(?P<user>{NUMBER}){MOODLE_MARKER}(?:_(?P<original>.*))?",
    re.DOTALL)
RESUBMISSION = re.compile(rf"-(?P<number>{NUMBER})(?=\.[^.]*$|$)")
PARTICIPANT = re.compile(rf"\D*\s(?P<user>{NUMBER})")


@dataclass(frozen=True)
class LmsName:
    """What an LMS download's file or folder name says."""

    lms: str  # CANVAS or MOODLE
    student: str  # the LMS's id for the student: Canvas's user id, Moodle's participant id
    name: str  # the student's name as the LMS wrote it (Canvas's sortable name, Moodle's full name)
    original: str  # the file name the student uploaded ('' for a Moodle folder)
    late: bool = False
    # Canvas: (submission id, resubmission number); the larger one is the newer upload
    order: tuple = ()

    @property
    def is_folder(self):
        """Moodle's folder of a student's files (the name holds no original file name)."""
        return self.lms == MOODLE and not self.original

    def moodle_folder(self):
        """The folder Moodle's download and its feedback upload use for this student."""
        return f"{self.name}_{self.student}{MOODLE_MARKER}_"


def parse(name):
    """The :class:`LmsName` that a file or folder name of a Canvas or Moodle download is, or None."""
    if name.startswith(".") or not name.isprintable():
        return None
    if match := MOODLE_NAME.fullmatch(name):
        return LmsName(MOODLE, match["user"], match["name"], match["original"] or "")
    if match := CANVAS_NAME.fullmatch(name):
        resubmission = RESUBMISSION.search(match["original"])
        return LmsName(CANVAS, match["user"], match["name"], match["original"],
                       late=bool(match["late"]),
                       order=(int(match["submission"]),
                              int(resubmission["number"]) if resubmission else 0))
    return None


def participant_id(identifier):
    """Moodle's participant id from its grading worksheet's Identifier ('Participant 12345', in
    whatever language the word is), or None."""
    match = PARTICIPANT.fullmatch(identifier.strip())
    return match["user"] if match else None
