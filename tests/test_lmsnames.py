"""Names of Canvas's and Moodle's bulk downloads: real shapes, look-alikes that must not match."""
import pytest

from autograder import lmsnames
from autograder.lmsnames import CANVAS, MOODLE, LmsName


@pytest.mark.parametrize("name, expected", [
    ("kimana_1001_98765_01_loss_functions.ipynb",
     LmsName(CANVAS, "1001", "kimana", "01_loss_functions.ipynb", order=(98765, 0))),
    ("kimana_1001_98766_01_loss_functions-1.ipynb",
     LmsName(CANVAS, "1001", "kimana", "01_loss_functions-1.ipynb", order=(98766, 1))),
    ("kimana_LATE_1001_98767_01_loss_functions-12.zip",
     LmsName(CANVAS, "1001", "kimana", "01_loss_functions-12.zip", late=True, order=(98767, 12))),
    ("김아나_2002_5_숙제.ipynb", LmsName(CANVAS, "2002", "김아나", "숙제.ipynb", order=(5, 0))),
    ("de_la_cruzjuan_3003_7_hw.ipynb",
     LmsName(CANVAS, "3003", "de_la_cruzjuan", "hw.ipynb", order=(7, 0))),
    ("Ana Kim_12345_assignsubmission_file_", LmsName(MOODLE, "12345", "Ana Kim", "")),
    ("Ana Kim_12345_assignsubmission_file", LmsName(MOODLE, "12345", "Ana Kim", "")),
    ("Ana Kim_12345_assignsubmission_file_01_loss_functions.ipynb",
     LmsName(MOODLE, "12345", "Ana Kim", "01_loss_functions.ipynb")),
    ("김 아나_7_assignsubmission_file_과제_1.ipynb", LmsName(MOODLE, "7", "김 아나", "과제_1.ipynb")),
    ("O'Brien Mary-Jo_42_assignsubmission_file_",
     LmsName(MOODLE, "42", "O'Brien Mary-Jo", "")),
])
def test_download_names_give_the_lms_id(name, expected):
    assert lmsnames.parse(name) == expected


@pytest.mark.parametrize("name", [
    "mary_ann_01_loss_functions.ipynb",  # the plain <student>_<assignment> shape
    "kim_0123_98765_01_loss_functions.ipynb",  # a leading zero: no LMS writes it
    "kim_١٢٣_98765_x.ipynb",  # digits of another script
    "kim_1001_98765_",  # no original name
    "_1001_98765_x.ipynb",  # no name
    "kim ana_1001_98765_x.ipynb",  # Canvas removes spaces from the sortable name
    "kimana_1001_98765_x\n.ipynb",  # not printable
    "Ana\u200bKim_12345_assignsubmission_file_",
    "kimana_LATE1001_98765_x.ipynb",
    "kimana_1001_x.ipynb",
    "kimana_1001_98765x_x.ipynb",
    "kimana_1001_" + "9" * 19 + "_x.ipynb",  # longer than any id
    "Ana Kim_12345_assignsubmission_onlinetext_onlinetext.html",
    "Ana Kim_12345_assignsubmission_files_x.ipynb",
    "Ana Kim_12345assignsubmission_file_x.ipynb",
    "Ana Kim_assignsubmission_file_x.ipynb",
    " _12345_assignsubmission_file_",  # a blank name
    ".Ana_12345_assignsubmission_file_",  # hidden
    "Ana Kim_12345_ASSIGNSUBMISSION_FILE_",
    "O'Brien_Mary-Jo_42_assignsubmission_file_",  # Moodle writes a name's '_' as a space
    "Ana Kim _12345_assignsubmission_file_",
])
def test_look_alikes_are_read_as_before(name):
    assert lmsnames.parse(name) is None


def test_moodle_folder_round_trips():
    lms = lmsnames.parse("Ana Kim_12345_assignsubmission_file_x.ipynb")
    assert lms.moodle_folder() == "Ana Kim_12345_assignsubmission_file_"
    assert lmsnames.parse(lms.moodle_folder()).is_folder and not lms.is_folder


@pytest.mark.parametrize("identifier, expected", [
    ("Participant 12345", "12345"), (" Participant  7 ", "7"), ("참가자 12345", "12345"),
    ("12345", None), ("Participant 0123", None), ("Participant 12a", None), ("", None),
    ("Participant ١٢", None),
])
def test_participant_ids_from_the_grading_worksheet(identifier, expected):
    assert lmsnames.participant_id(identifier) == expected
