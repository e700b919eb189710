"""`autograder roster`: Canvas, Moodle and plain CSV rosters; a one-line error for anything else."""
import pytest
from nbgrader.api import Gradebook

from autograder.course import CourseError
from autograder.gradebook import prepare_gradebook
from autograder.roster import Entry, read_roster
from conftest import run_cli

CANVAS = ("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Homework 1 (812)\n"
          "    Points Possible,,,,,10\n"
          '"Kim, Ana",1001,s2024001,ana,Sec 1,9\n'
          '"Park, Ben",1002,,ben,Sec 1,7\n'
          '"Student, Test",1099,,,Sec 1,\n')
MOODLE = ("First name,Surname,ID number,Institution,Department,Email address\n"
          "Ana,Kim,s2024001,Uni,CS,ana@uni.example\n"
          "Ben,Park,,Uni,CS,ben@uni.example\n")
PLAIN = "id,first,last,email\nana,Ana,Kim,ana@uni.example\nben,Ben,Park,\n"


def roster(tmp_path, text, **options):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return read_roster(path, **options)


def test_canvas(tmp_path):
    entries, kind = roster(tmp_path, CANVAS)
    assert kind == "Canvas"
    assert entries == [Entry("s2024001", "Ana", "Kim", "", "1001"),
                       Entry("ben", "Ben", "Park", "", "1002")]  # no SIS User ID: the login


def test_canvas_id_column_chosen(tmp_path):
    entries, _ = roster(tmp_path, CANVAS, id_column="SIS Login ID")
    assert [e.id for e in entries] == ["ana", "ben"]


def test_moodle(tmp_path):
    entries, kind = roster(tmp_path, MOODLE)
    assert kind == "Moodle"
    assert entries == [Entry("s2024001", "Ana", "Kim", "ana@uni.example", ""),
                       Entry("ben@uni.example", "Ben", "Park", "ben@uni.example", "")]


def test_plain(tmp_path):
    entries, kind = roster(tmp_path, PLAIN)
    assert kind == "plain"
    assert entries == [Entry("ana", "Ana", "Kim", "ana@uni.example", ""),
                       Entry("ben", "Ben", "Park", "", "")]


@pytest.mark.parametrize("text, expected", [
    ("name,mail\nAna,a@x\n", "unrecognised roster; its columns are name, mail; expected those of "
                             "Canvas: student, id, sis user id"),
    ("", "its columns are (none)"),
    ("id,first,last\nana,A,K\nana,A,K\n", "row 3: student id 'ana' appears twice"),
    ("id,first,last\n../x,A,K\n", "row 2: '../x' cannot be a student id"),
])
def test_bad_rosters(tmp_path, text, expected):
    with pytest.raises(CourseError) as error:
        roster(tmp_path, text)
    assert expected in str(error.value) and "\n" not in str(error.value)


def test_unknown_id_column(tmp_path):
    with pytest.raises(CourseError, match="has no column 'Login'"):
        roster(tmp_path, PLAIN, id_column="Login")


# Moodle's grades export (Download: CSV), as a Korean university's Moodle writes it: UTF-8 with a
# byte-order mark, "Last name", Korean names, and the grade columns after the identity.
MOODLE_GRADES = ("\ufeffFirst name,Last name,ID number,Institution,Department,Email address,"
                 "Assignment: 01 Loss functions (Real),Course total (Real),Last downloaded from this course\n"
                 "민준,김,2024001,한국대학교,컴퓨터공학과,mj@uni.example,24.00,24.00,1733200000\n"
                 "서연,박,2024002,한국대학교,컴퓨터공학과,sy@uni.example,-,-,1733200000\n")


def test_moodle_grades_export_with_korean_names(tmp_path):
    entries, kind = roster(tmp_path, MOODLE_GRADES)
    assert kind == "Moodle"
    assert entries == [Entry("2024001", "민준", "김", "mj@uni.example", ""),
                       Entry("2024002", "서연", "박", "sy@uni.example", "")]


def test_semicolons_as_excel_writes_csv_in_europe(tmp_path):
    entries, kind = roster(tmp_path, MOODLE_GRADES.replace(",", ";").replace("24.00", "24,00"))
    assert kind == "Moodle" and [e.id for e in entries] == ["2024001", "2024002"]
    assert entries[0].last_name == "김"


def test_canvas_export_with_its_extra_rows_and_korean_names(tmp_path):
    text = ("Student,ID,SIS User ID,SIS Login ID,Section,01 Loss functions (5101),Current Score\n"
            "    Manual Posting,,,,,,\n"
            "    Points Possible,,,,,30.00,(read only)\n"
            '"김, 민준",71001,2024001,mjkim,컴퓨터공학 01,24.00,80.00\n'
            "박서연,71002,2024002,sypark,컴퓨터공학 01,,\n")
    entries, kind = roster(tmp_path, text)
    assert kind == "Canvas"
    assert entries == [Entry("2024001", "민준", "김", "", "71001"),
                       Entry("2024002", "", "박서연", "", "71002")]  # a name with no comma: one part


@pytest.mark.parametrize("encoding, byte", [("cp949", "0xb9"), ("latin-1", "0xc1")])
def test_not_utf8_is_one_line_naming_the_encoding_to_use(tmp_path, encoding, byte):
    name = "민준" if encoding == "cp949" else "Ána"  # Excel's plain CSV on Korean, Western Windows
    (tmp_path / "roster.csv").write_bytes(f"id,first,last\nkim,{name},K\n".encode(encoding))
    with pytest.raises(CourseError) as error:
        read_roster(tmp_path / "roster.csv")
    message = str(error.value)
    assert f"it is not UTF-8 (byte {byte} on line 2)" in message and "cp949" in message
    assert "export it again as UTF-8 CSV (Excel: Save As, 'CSV UTF-8')" in message
    assert "\n" not in message


def test_import_names_students_and_warns_of_the_unlisted(toy_course, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    url = f"sqlite:///{work / 'gradebook.db'}"
    prepare_gradebook(url, ["ana", "zoe"])  # as grading leaves it: ids without names
    (tmp_path / "roster.csv").write_text(PLAIN)
    code, out, err = run_cli(toy_course, "roster", tmp_path / "roster.csv", "--out", work)
    assert code == 0 and "2 students imported from a plain roster" in out
    assert "not on the roster: zoe" in err
    with Gradebook(url) as gradebook:
        names = {s.id: (s.first_name, s.last_name, s.email) for s in gradebook.students}
    assert names == {"ana": ("Ana", "Kim", "ana@uni.example"), "ben": ("Ben", "Park", None),
                     "zoe": (None, None, None)}


def test_cli_error_is_one_line_and_writes_nothing(toy_course, tmp_path):
    (tmp_path / "roster.csv").write_text("name\nAna\n")
    code, out, err = run_cli(toy_course, "roster", tmp_path / "roster.csv", "--out", tmp_path / "w")
    assert code == 2 and err.count("\n") == 1 and "unrecognised roster" in err
    assert not (tmp_path / "w").exists()


MOODLE_WORKSHEET = ("Identifier,Full name,Email address,Status,Grade,Maximum Grade,"
                    "Grade can be changed,Last modified (submission),Last modified (grade),"
                    "Feedback comments\n"
                    "Participant 12345,Ana Kim,ana@uni.example,Submitted for grading,,100.00,Yes,"
                    '"Thursday, 3 December 2026, 9:00 AM",-,\n'
                    "Participant 7,김민준,mj@uni.example,No submission,,100.00,Yes,-,-,\n")


def test_moodle_worksheet_keys_students_by_participant_id(tmp_path):
    entries, kind = roster(tmp_path, MOODLE_WORKSHEET)
    assert kind == "Moodle grading worksheet"
    assert entries == [Entry("12345", "", "Ana Kim", "ana@uni.example", ""),
                       Entry("7", "", "김민준", "mj@uni.example", "")]
    with pytest.raises(CourseError, match=r"row 3: 'Teilnehmer/in 7x' is not a Moodle grading "
                                          r"worksheet's identifier \('Participant 12345'\)"):
        roster(tmp_path, MOODLE_WORKSHEET.replace("Participant 7", "Teilnehmer/in 7x"))


def test_canvas_keyed_by_its_user_id_as_its_download_files_them(tmp_path):
    entries, _ = roster(tmp_path, CANVAS, id_column="ID")
    assert [(e.id, e.lms_user_id) for e in entries] == [("1001", "1001"), ("1002", "1002")]
