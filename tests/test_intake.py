"""Intake against a hostile class: odd file-system shapes, links, FIFOs, zip bombs, odd names.

Each case gets that student a one-line reason and the rest of the class is collected; nothing
outside the submissions folder is read, nothing blocks. These call ``intake.collect`` directly
(no kernel), so they cost well under a second each after the toy course's release.
"""
import contextlib
import io
import json
import os
import shutil
import signal
import socket
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from autograder import intake
from autograder.course import CourseError
from conftest import build

GOOD = "# base: solutions\n"


@pytest.fixture(scope="module")
def good_bytes(toy_course, tmp_path_factory):
    """A complete toy submission's notebook, as bytes."""
    folder = build(toy_course, "99_toy", tmp_path_factory.mktemp("good"), "someone", GOOD)
    return (folder / "99_toy.ipynb").read_bytes()


def collected(toy_course, folder, assignment=None):
    """(sorted student ids collected, problems as lines) of a folder."""
    found, problems = intake.collect(toy_course, folder, assignment)
    return sorted(s.student for s in found), sorted(str(p) for p in problems)


@contextlib.contextmanager
def time_limit(seconds):
    """Fail instead of hanging (a FIFO opened for reading blocks forever)."""
    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def notebook_at(folder, relative, data):
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def deep_tree(folder, depth, data):
    """Make folder/a/a/.../a (``depth`` deep) holding 99_toy.ipynb, or remove it if data is None.

    Relative to folder descriptors: pathlib, os.makedirs and shutil.rmtree recurse once per level
    (Python's recursion limit is 1000) and the full path would pass PATH_MAX."""
    fds = [os.open(folder, os.O_RDONLY | os.O_DIRECTORY)]
    for _ in range(depth):
        if data is not None:
            os.mkdir("a", dir_fd=fds[-1])
        fds.append(os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
    if data is not None:
        with open(os.open("99_toy.ipynb", os.O_WRONLY | os.O_CREAT, dir_fd=fds[-1]), "wb") as file:
            file.write(data)
    else:
        os.unlink("99_toy.ipynb", dir_fd=fds[-1])
    for inner, outer in zip(reversed(fds[1:]), reversed(fds[:-1])):
        os.close(inner)
        if data is None:
            os.rmdir("a", dir_fd=outer)
    os.close(fds[0])


LINK = ("a symbolic link (not followed: it could point outside the submissions folder; "
        "put the file itself there)")


def test_every_file_system_shape_gets_a_reason_and_the_class_is_graded(toy_course, tmp_path,
                                                                       good_bytes):
    subs = tmp_path / "subs"
    notebook_at(subs, "zoe/99_toy/99_toy.ipynb", good_bytes)
    notebook_at(subs, "zed_99_toy.ipynb", good_bytes)
    (subs / "alice/99_toy/99_toy.ipynb").mkdir(parents=True)
    (subs / "bob_99_toy.ipynb").mkdir()
    reference = toy_course / "solutions" / "99_toy" / "99_toy.ipynb"
    (subs / "carl_99_toy.ipynb").symlink_to(reference)
    (subs / "dave/99_toy").mkdir(parents=True)
    (subs / "dave/99_toy/99_toy.ipynb").symlink_to(subs / "zed_99_toy.ipynb")
    (subs / "erin").symlink_to(subs / "zoe")
    (subs / "fred/99_toy").mkdir(parents=True)
    (subs / "fred/99_toy/99_toy.ipynb").symlink_to(tmp_path / "nowhere.ipynb")  # broken
    os.mkfifo(subs / "gina_99_toy.ipynb")
    (subs / "hugo/99_toy").mkdir(parents=True)
    os.mkfifo(subs / "hugo/99_toy/99_toy.ipynb")
    with contextlib.chdir(subs), socket.socket(socket.AF_UNIX) as server:
        server.bind("ivan_99_toy.ipynb")
    os.mknod(subs / "jack_99_toy.zip", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null
    (subs / "kim/99_toy").mkdir(parents=True)
    deep_tree(subs / "kim/99_toy", 1500, good_bytes)
    locked = notebook_at(subs, "lee_99_toy.ipynb", good_bytes)
    locked.chmod(0)
    (subs / "mia").mkdir()
    (subs / "mia/notes.txt").write_text("stray")
    (subs / "nils").mkdir()

    with time_limit(20):
        students, problems = collected(toy_course, subs)
    deep_tree(subs / "kim/99_toy", 1500, None)
    # root reads a file whatever its mode; anyone else is refused, and told why
    readable = os.geteuid() == 0
    assert students == ["lee", "zed", "zoe"] if readable else ["zed", "zoe"]
    assert problems == sorted([
        "alice/99_toy: alice/99_toy/99_toy.ipynb is a folder, not a notebook file",
        "bob/99_toy: bob_99_toy.ipynb is a folder, not a .ipynb file",
        f"carl/99_toy: carl_99_toy.ipynb is {LINK}, not a .ipynb file",
        f"dave/99_toy: dave/99_toy/99_toy.ipynb is {LINK}, not a notebook file",
        f"erin/?: erin is {LINK}, not a student folder, a .ipynb or a .zip file",
        f"fred/99_toy: fred/99_toy/99_toy.ipynb is {LINK}, not a notebook file",
        "gina/99_toy: gina_99_toy.ipynb is a FIFO (named pipe), not a .ipynb file",
        "hugo/99_toy: hugo/99_toy/99_toy.ipynb is a FIFO (named pipe), not a notebook file",
        "ivan/99_toy: ivan_99_toy.ipynb is a socket, not a .ipynb file",
        "jack/99_toy: jack_99_toy.zip is a device file, not a .zip file",
        "kim/99_toy: unexpected layout: found notebooks none, expected 99_toy.ipynb",
        "mia/notes.txt: mia/notes.txt is a file, not an assignment folder "
        "(expected mia/<assignment>/<notebook>.ipynb)",
        "nils/?: nils is an empty folder: expected nils/<assignment>/<notebook>.ipynb",
        *([] if readable else ["lee/99_toy: lee_99_toy.ipynb cannot be opened (Permission denied)"]),
    ])


def zip_of(path, members, symlinks=()):
    """A zip at ``path`` holding {name: bytes}; names in ``symlinks`` are stored as links."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            if name in symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return path


def understate_sizes(path, real, declared):
    """Make a zip's headers declare ``declared`` bytes for a member of ``real`` bytes."""
    data = path.read_bytes()
    old, new = real.to_bytes(4, "little"), declared.to_bytes(4, "little")
    path.write_bytes(data.replace(old, new))


def declare_entries(path, count):
    """Make a zip's end record declare ``count`` entries, whatever it holds."""
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8:end + 12] = count.to_bytes(2, "little") * 2
    path.write_bytes(bytes(data))


def test_zips_are_capped_before_anything_is_parsed(toy_course, tmp_path, good_bytes, monkeypatch):
    monkeypatch.setattr(intake, "MAX_NOTEBOOK_BYTES", 4 * len(good_bytes))
    monkeypatch.setattr(intake, "MAX_SUBMISSION_BYTES", 4 * len(good_bytes))
    monkeypatch.setattr(intake, "MAX_ZIP_MEMBERS", 5)
    subs = tmp_path / "subs"
    subs.mkdir()
    zip_of(subs / "ana_99_toy.zip", {"99_toy.ipynb": good_bytes, "x/.hidden.ipynb": b"{}"})
    zip_of(subs / "ben_99_toy.zip", {f"nb{i}.ipynb": good_bytes for i in range(5)})  # 5 x 1 > 4
    zip_of(subs / "cat_99_toy.zip", {"99_toy.ipynb": b" " * (5 * len(good_bytes))})
    zip_of(subs / "dan_99_toy.zip", {f"f{i}.txt": b"" for i in range(6)} | {"99_toy.ipynb": good_bytes})
    zip_of(subs / "eve_99_toy.zip", {"99_toy.ipynb": good_bytes}, symlinks={"99_toy.ipynb"})
    zip_of(subs / "fay_99_toy.zip", {"../99_toy.ipynb": good_bytes})
    zip_of(subs / "gus_99_toy.zip", {"/99_toy.ipynb": good_bytes})
    lying = zip_of(subs / "hal_99_toy.zip", {"99_toy.ipynb": good_bytes})
    understate_sizes(lying, len(good_bytes), 100)
    zip_of(subs / "ivy_99_toy.zip", {"99_toy.ipynb": good_bytes, "sub/99_toy.ipynb": good_bytes})
    (subs / "jon_99_toy.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip
    zip_of(subs / "kay_99_toy.zip", {"99_toy.ipynb": good_bytes,
                                     "data.bin": os.urandom(4 * len(good_bytes))})
    lying = zip_of(subs / "lou_99_toy.zip", {f"f{i}.txt": b"" for i in range(6)})
    declare_entries(lying, 1)  # zipfile parses the whole directory anyway
    lying = zip_of(subs / "max_99_toy.zip", {f"f{i:060}.txt": b"" for i in range(30)})
    declare_entries(lying, 1)  # but its size gives it away before
    data = zip_of(subs / "ned_99_toy.zip", {"99_toy.ipynb": good_bytes}).read_bytes()
    end = data.rfind(b"PK\x05\x06")
    (subs / "ned_99_toy.zip").write_bytes(data[:end] + b"PK\x06\x07" + bytes(16) + data[end:])
    students, problems = collected(toy_course, subs)
    submissions, _ = intake.collect(toy_course, subs)
    assert students == ["ana"]
    assert submissions[0].warnings == [
        "ana_99_toy.zip:x/.hidden.ipynb ignored: its name starts with '.' (hidden); "
        "rename it if it should be graded"]
    assert problems == [
        "ben/99_toy: ben_99_toy.zip: the submission's notebooks together are larger than 0 MB; "
        "clear their outputs and send them again",
        "cat/99_toy: cat_99_toy.zip:99_toy.ipynb is larger than 0 MB; clear its outputs and zip it again",
        "dan/99_toy: dan_99_toy.zip holds more than 5 files: zip only the assignment's notebooks",
        "eve/99_toy: eve_99_toy.zip:99_toy.ipynb is a symbolic link: zip the notebook file itself",
        "fay/99_toy: fay_99_toy.zip:../99_toy.ipynb is a path outside the zip (absolute or with "
        "'..'): zip the notebook files themselves",
        "gus/99_toy: gus_99_toy.zip:/99_toy.ipynb is a path outside the zip (absolute or with "
        "'..'): zip the notebook files themselves",
        "hal/99_toy: hal_99_toy.zip:99_toy.ipynb cannot be unpacked (Bad CRC-32 for file "
        "'99_toy.ipynb')",
        "ivy/99_toy: ivy_99_toy.zip holds several notebooks with the same name: 99_toy, 99_toy",
        "jon/99_toy: jon_99_toy.zip holds no notebook: zip the .ipynb file(s) of the assignment",
        "kay/99_toy: kay_99_toy.zip is larger than 0 MB; clear its outputs and send it again",
        "lou/99_toy: lou_99_toy.zip holds more than 5 files: zip only the assignment's notebooks",
        "max/99_toy: max_99_toy.zip holds more than 5 files: zip only the assignment's notebooks",
        "ned/99_toy: ned_99_toy.zip is a zip64 archive: zip only the assignment's notebooks",
    ]


def test_reading_stops_at_the_cap_whatever_the_size_claims(tmp_path):
    class Endless(io.RawIOBase):
        """A file that never ends, as a member whose header lies would be."""
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"x" * len(buffer)
            return len(buffer)
    budget = intake.Budget(total=3 * 2**20)
    with pytest.raises(intake.Rejected, match="together are larger than 50 MB"):
        budget.read(io.BufferedReader(Endless()), "endless.ipynb")
    assert budget.left == 3 * 2**20  # nothing counted as read


def test_lms_names_split_at_the_assignment_id(toy_course, tmp_path, good_bytes):
    course = tmp_path / "course"  # intake needs only solutions/: no release
    shutil.copytree(toy_course / "solutions", course / "solutions")
    second = course / "solutions" / "98_toy_again"
    second.mkdir()
    shutil.copy(course / "solutions" / "99_toy" / "99_toy.ipynb", second / "98_toy_again.ipynb")
    subs = tmp_path / "subs"
    for name in ("mary_ann_99_toy.ipynb", "joe_99_toy_v2.ipynb", "x_99_toy_98_toy_again.ipynb",
                 "kim_homework.ipynb", "lee_98_toy_again.ipynb"):
        notebook_at(subs, name, good_bytes)
    found, problems = intake.collect(course, subs)
    assert sorted((s.student, s.assignment) for s in found) == [
        ("joe", "99_toy"), ("lee", "98_toy_again"), ("mary_ann", "99_toy")]
    assert sorted(map(str, problems)) == [
        "kim/homework: unknown assignment: the name kim_homework.ipynb holds no known assignment "
        "id (98_toy_again, 99_toy), so the student id is a guess; name it "
        "<student>_<assignment>... or pass --assignment ID",
        "x/99_toy_98_toy_again: the name x_99_toy_98_toy_again.ipynb is ambiguous: it could be "
        "99_toy of student 'x' or 98_toy_again of student 'x_99_toy'; rename it "
        "<student>_<assignment>...",
    ]
    found, problems = intake.collect(course, subs, "99_toy")
    assert sorted(s.student for s in found) == ["joe", "kim", "mary_ann"]
    assert [s.warnings for s in found if s.student == "kim"] == [[
        "the name kim_homework.ipynb holds no known assignment id (98_toy_again, 99_toy), so the "
        "student id is a guess: graded as 99_toy of student 'kim' (--assignment)"]]
    assert len(problems) == 1 and "is ambiguous" in problems[0].message


@pytest.mark.parametrize("student, reason", [
    ("   ", "the student id '   ' is blank"),
    ("ann ", "the student id 'ann ' has spaces at its start or end (nbgrader would strip them: "
             "another student's id)"),
    ("a\nb", "the student id 'a\\x0ab' holds a character that is not printable or not UTF-8 "
             "(a newline, a control character, a byte of another encoding)"),
    ("caf\udce9", "the student id 'caf\\xe9' holds a character that is not printable or not UTF-8 "
                  "(a newline, a control character, a byte of another encoding)"),
    ("n" * 129, f"the student id '{'n' * 129}' is longer than 128 characters, the gradebook's limit"),
    ("a*", "the student id 'a*' holds * ? [ or ], which nbgrader reads as a pattern matching "
           "other students"),
])
def test_student_ids_nbgrader_cannot_take_get_a_reason(toy_course, tmp_path, good_bytes, student,
                                                        reason):
    subs = tmp_path / "subs"
    notebook_at(subs, "ok/99_toy/99_toy.ipynb", good_bytes)
    notebook_at(subs / student, "99_toy/99_toy.ipynb", good_bytes)
    students, problems = collected(toy_course, subs)
    assert students == ["ok"]
    assert problems == [f"{intake.shown(student)}/99_toy: {reason}; rename the file or folder"]


def test_hidden_entries_are_reported_and_junk_is_not(toy_course, tmp_path, good_bytes):
    subs = tmp_path / "subs"
    notebook_at(subs, "ann/99_toy/99_toy.ipynb", good_bytes)
    notebook_at(subs, "ann/99_toy/.99_toy-backup.ipynb", good_bytes)
    notebook_at(subs, "ann/99_toy/.ipynb_checkpoints/99_toy-checkpoint.ipynb", good_bytes)
    notebook_at(subs, "ann/.DS_Store", b"junk")
    notebook_at(subs, "._ann", b"junk")
    notebook_at(subs, "__MACOSX/ann/._99_toy.ipynb", b"junk")
    notebook_at(subs, ".bob_99_toy.ipynb", good_bytes)
    notebook_at(subs, "cid/.99_toy/99_toy.ipynb", good_bytes)
    found, problems = intake.collect(toy_course, subs)
    assert [(s.student, s.warnings) for s in found] == [("ann", [
        "ann/99_toy/.99_toy-backup.ipynb ignored: its name starts with '.' (hidden); "
        "rename it if it should be graded"])]
    assert sorted(map(str, problems)) == [
        ".bob/99_toy: .bob_99_toy.ipynb is hidden (its name starts with '.'), so it is not "
        "graded; rename it if it is a submission",
        "cid/.99_toy: cid/.99_toy is hidden, not an assignment folder "
        "(expected cid/<assignment>/<notebook>.ipynb)",
    ]


def copy_pasted(good_bytes):
    """The good notebook with its numerical_gradient answer cell pasted again, broken, after
    its test, the test_sgd_momentum cell pasted twice below it (same cell id too) and once at
    the top (where its hidden tests would fail: nothing is defined yet), the
    test_numerical_gradient cell turned into markdown (a key pressed in Jupyter), and nbgrader
    metadata a student could mangle by hand: a string, no schema version, points as text."""
    notebook = json.loads(good_bytes)
    cells = notebook["cells"]
    by_id = {c["metadata"].get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(cells)}
    broken = dict(cells[by_id["numerical_gradient"]], id="pasted1",
                  source="def numerical_gradient(f, x, h=1e-5):\n    return 0 * x\n")
    test = cells[by_id["test_sgd_momentum"]]
    cells.insert(by_id["test_numerical_gradient"] + 1, broken)
    cells.insert(by_id["test_sgd_momentum"] + 2, dict(test))
    cells.insert(by_id["test_sgd_momentum"] + 3, dict(test, id="pasted2"))
    cells[by_id["sgd_momentum"]]["metadata"]["nbgrader"].pop("schema_version")
    cells[by_id["test_LinearModel"] + 3]["metadata"]["nbgrader"]["points"] = "one"
    cells[0]["metadata"]["nbgrader"] = "junk"
    markdown = cells[by_id["test_numerical_gradient"]]
    markdown.update(cell_type="markdown", attachments={})
    del markdown["outputs"], markdown["execution_count"]
    cells.insert(0, dict(test, id="pasted3"))
    return json.dumps(notebook).encode()


def test_copy_pasted_cells_are_graded_once_with_a_warning(toy_course, tmp_path, good_bytes):
    subs = tmp_path / "subs"
    notebook_at(subs, "dup/99_toy/99_toy.ipynb", copy_pasted(good_bytes))
    [submission], problems = intake.collect(toy_course, subs)
    assert problems == [] and submission.warnings == [
        "99_toy.ipynb: cell test_sgd_momentum appears 4 times; the original (cell 8) is graded, "
        "the copies run as plain cells",
        "99_toy.ipynb: cell numerical_gradient appears 2 times; the original (cell 4) is graded, "
        "the copies run as plain cells",
        "99_toy.ipynb: cells with unknown nbgrader ids run as plain cells: cell 2 (no id)",
        "99_toy.ipynb: graded cells of another type: test_numerical_gradient (markdown); graded "
        "as the type they were released as"]
    source = nbformat.read(toy_course / "solutions/99_toy/99_toy.ipynb", as_version=4)
    released = [c.metadata.nbgrader for c in source.cells if "nbgrader" in c.metadata]
    graded = [c.metadata.nbgrader for c in submission.notebooks["99_toy"].cells
              if "nbgrader" in c.metadata]
    assert graded == released


def test_copy_pasted_cells_grade_end_to_end(toy_course, tmp_path, good_bytes):
    """nbgrader alone fails such a notebook (SchemaTooOldError: its duplicate-id pass leaves an
    empty metadata). The pasted broken answer runs after its test, so it costs nothing."""
    from conftest import cell_points, run_cli
    subs = tmp_path / "subs"
    notebook_at(subs, "dup/99_toy/99_toy.ipynb", copy_pasted(good_bytes))
    notebook_at(subs, "neighbour/99_toy/99_toy.ipynb", good_bytes)
    code, out, err = run_cli(toy_course, "grade", subs, "--out", tmp_path / "work", "--seed", 1,
                             "--timeout", 10, "--quiet", "--jobs", 1, "--no-feedback")
    full = {"test_numerical_gradient": 1.0, "test_sgd_momentum": 2.0, "test_LinearModel": 1.0}
    assert code == 1, err  # warnings make the exit status 1
    assert cell_points(tmp_path / "work") == {"dup": full, "neighbour": full}
    assert "dup/99_toy: 99_toy.ipynb: cell test_sgd_momentum appears 4 times" in out + err


# --- Property: whatever the tree, a reason per student, nothing read outside, no hang ---------

CANARY = "REFERENCE-SOLUTION-CANARY"
OPENED = {"on": False, "calls": []}


def _record_opens(event, args):
    if OPENED["on"] and event == "open":
        OPENED["calls"].append(args)


sys.addaudithook(_record_opens)  # cannot be removed: records only inside opens_recorded()


@contextlib.contextmanager
def opens_recorded():
    OPENED.update(on=True, calls=[])
    try:
        yield OPENED["calls"]
    finally:
        OPENED["on"] = False


NAMES = st.lists(st.sampled_from(["ana", "mary_ann", "_", "99_toy", ".ipynb", ".zip", ".", " ",
                                  "\n", "*", "\udcff", "x", "__MACOSX", "e\u0301", "\u00e9"]),
                 min_size=1, max_size=4).map("".join).filter(lambda n: n not in (".", ".."))
MEMBERS = st.lists(st.tuples(
    st.sampled_from(["99_toy.ipynb", "a/99_toy.ipynb", "../99_toy.ipynb", "/99_toy.ipynb",
                     ".h.ipynb", "__MACOSX/._99_toy.ipynb", "x.txt", "d/", "x" * 300 + ".ipynb",
                     "99_TOY.ipynb", "d.ipynb/"]),
    st.sampled_from(["good", "garbage", "empty", "deep", "list", "odd_cell"]), st.booleans()),
    max_size=4)
ENTRIES = st.lists(st.tuples(
    st.lists(NAMES, max_size=2), NAMES,
    st.sampled_from(["good", "garbage", "deep", "odd_cell", "folder", "link_in", "link_out", "fifo",
                     "zip"]),
    MEMBERS),
    max_size=8)


def make_tree(folder, outside, entries, good_bytes):
    """The file tree ``entries`` describes; entries that clash with earlier ones are left out."""
    contents = {"good": good_bytes, "garbage": b"{ not json", "empty": b"", "list": b"[]",
                "deep": b"[" * 5000 + b"]" * 5000,
                "odd_cell": good_bytes.replace(b'"cells": [', b'"cells": [1, ', 1)}
    for parents, name, kind, members in entries:
        path = folder.joinpath(*parents, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() or path.is_symlink():
                continue
            if kind in contents:
                path.write_bytes(contents[kind])
            elif kind == "folder":
                path.mkdir()
            elif kind == "link_in":
                path.symlink_to(folder)
            elif kind == "link_out":
                path.symlink_to(outside / "99_toy.ipynb")
            elif kind == "fifo":
                os.mkfifo(path)
            else:
                zip_of(path, {m: contents[c] for m, c, _ in members},
                       symlinks={m for m, _, link in members if link})
        except (NotADirectoryError, FileExistsError):
            continue


def allowed(path, folder, course):
    """Opened by name relative to a folder descriptor without following links, or a file of the
    course or of Python's libraries; never anything else, least of all through a link."""
    if isinstance(path, int):
        return True
    path = os.fsdecode(path)
    if not os.path.isabs(path):
        return True  # checked through the flags: see the test
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(Path(p).resolve()) for p in
               (folder, course, sys.prefix, sys.base_prefix, Path(intake.__file__).parent))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(entries=ENTRIES)
def test_no_tree_breaks_intake_or_reads_outside_it(toy_course, good_bytes, entries):
    with tempfile.TemporaryDirectory() as scratch:
        folder, outside = Path(scratch, "subs"), Path(scratch, "outside")
        folder.mkdir()
        outside.mkdir()
        (outside / "99_toy.ipynb").write_bytes(good_bytes.replace(b"Toy assignment",
                                                                  CANARY.encode()))
        make_tree(folder, outside, entries, good_bytes)
        with time_limit(10), opens_recorded() as opens:
            try:
                found, problems = intake.collect(toy_course, folder)
            except CourseError:
                found, problems = [], []
    for path, mode, flags in opens:
        assert allowed(path, folder, toy_course), path
        if isinstance(path, (str, bytes)) and not os.path.isabs(os.fsdecode(path)):
            assert flags & os.O_NOFOLLOW, path
    assert CANARY not in repr([s.notebooks for s in found])
    for line in map(str, problems):
        assert line.isprintable(), line


def test_nbgraders_exchange_files_are_kept_and_bad_ones_reported(toy_course, tmp_path, good_bytes):
    files = {"timestamp.txt": "2026-11-30 09:15:00.000000 UTC", "submission_secret.txt": "ab12" * 32}
    for name, text in files.items():
        notebook_at(tmp_path, f"ann/99_toy/{name}", text.encode() + b"\n")
        notebook_at(tmp_path, f"bo/99_toy/{name}", b"yesterday-ish; ../../etc")
    notebook_at(tmp_path, "ann/99_toy/99_toy.ipynb", good_bytes)
    notebook_at(tmp_path, "bo/99_toy/99_toy.ipynb", good_bytes)
    found, problems = intake.collect(toy_course, tmp_path)
    by_student = {s.student: s for s in found}
    assert not problems and by_student["ann"].exchange_files == files
    assert by_student["bo"].exchange_files == {}
    assert sorted(w.split(" is not")[0] for w in by_student["bo"].warnings) == [
        "bo/99_toy/submission_secret.txt", "bo/99_toy/timestamp.txt"]


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text("\\\"[]{},: a", max_size=6),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text("\\\"[]{},a", max_size=3), inner, max_size=4),
                    max_leaves=30)


def parsed_structure(value, level=0):
    """(values, deepest nesting) of a parsed JSON value, counted by walking it."""
    children = list(value.values()) if isinstance(value, dict) else value
    if not isinstance(value, (dict, list)):
        return 1, level
    counts = [parsed_structure(child, level + 1) for child in children]
    return 1 + sum(c for c, _ in counts), max([level + 1, *(d for _, d in counts)])


@settings(max_examples=100, deadline=None)
@given(value=JSON, indent=st.sampled_from([None, 1]))
def test_json_structure_bounds_the_values_and_finds_the_depth_without_parsing(value, indent):
    values, depth = parsed_structure(value)
    found_values, found_depth = intake.json_structure(json.dumps(value, indent=indent).encode())
    assert values <= found_values <= 2 * values and found_depth == depth


def test_notebooks_too_many_values_or_too_deep_are_refused_before_parsing(toy_course, tmp_path,
                                                                          good_bytes, monkeypatch):
    """Parsed, 49 MB of '{}' took 8.5 GB of memory and 85 s; deep nesting breaks recursion."""
    monkeypatch.setattr(intake, "MAX_NOTEBOOK_VALUES", 5000)
    notebook = json.loads(good_bytes)
    notebook["metadata"]["x"] = [{}] * 3000
    notebook_at(tmp_path, "many_99_toy.ipynb", json.dumps(notebook).encode())
    notebook["metadata"]["x"] = json.loads("[" * 101 + "]" * 101)
    notebook_at(tmp_path, "deep_99_toy.ipynb", json.dumps(notebook).encode())
    notebook["metadata"]["x"] = json.loads("[" * 98 + "]" * 98)  # 100 levels in all
    notebook_at(tmp_path, "ok_99_toy.ipynb", json.dumps(notebook).encode())
    notebook["metadata"]["x"] = [{}] * 1500  # over 3,000 values: two are too many
    third = json.dumps(notebook).encode()
    zip_of(tmp_path / "zip_99_toy.zip", {f"{i}.ipynb": third for i in range(3)})
    for i in range(3):
        notebook_at(tmp_path, f"dir/99_toy/{i}.ipynb", third)
    parsed = []
    reads = nbformat.reads
    monkeypatch.setattr(nbformat, "reads", lambda text, *args, **options: parsed.append(text) or
                        reads(text, *args, **options))
    students, problems = collected(toy_course, tmp_path)
    # ok's notebook, and the first of zip's and of dir's
    assert students == ["ok"] and len([text for text in parsed if '"x"' in text]) == 3
    assert problems == [
        "deep/99_toy: deep_99_toy.ipynb is not a valid notebook: its JSON nests 103 levels deep "
        "(at most 100); ask for the .ipynb file as saved by Jupyter",
        "dir/99_toy: dir/99_toy/1.ipynb: the submission's notebooks together hold more than 5,000 "
        "JSON values (cells, lines of output, ...); clear the outputs and send it again",
        "many/99_toy: many_99_toy.ipynb holds more than 5,000 JSON values (cells, lines of "
        "output, ...); clear the outputs and send it again",
        "zip/99_toy: zip_99_toy.zip:1.ipynb: the submission's notebooks together hold more than "
        "5,000 JSON values (cells, lines of output, ...); clear the outputs and send it again"]


def test_names_that_name_no_student_or_the_same_one_twice_are_reported(toy_course, tmp_path,
                                                                       good_bytes):
    """A name that starts with the assignment id was graded as student '99' under --assignment;
    a decomposed (NFD, as macOS writes) 'josé' was a second student beside the composed one;
    a 60,000-character zip member filled the report."""
    notebook_at(tmp_path, "99_toy.ipynb", good_bytes)
    notebook_at(tmp_path, "ann_99_toy.ipynb", good_bytes)
    notebook_at(tmp_path, "jos\u00e9/99_toy/99_toy.ipynb", good_bytes)
    notebook_at(tmp_path, "jose\u0301_99_toy.ipynb", good_bytes)
    notebook_at(tmp_path, "rene\u0301e_99_toy.ipynb", good_bytes)
    zip_of(tmp_path / "kim_99_toy.zip", {"x" * 60000 + ".ipynb": good_bytes})
    found, problems = intake.collect(toy_course, tmp_path, "99_toy")
    assert sorted(s.student for s in found) == ["ann", "ren\u00e9e"]
    assert sorted(map(str, problems)) == [
        "99/99_toy: the name 99_toy.ipynb starts with the assignment id, so it names no student; "
        "rename it <student>_<assignment>...",
        "jos\u00e9/99_toy: submitted 2 times: keep one of them",
        f"kim/99_toy: unexpected layout: found notebooks ['{'x' * 200}... (60,000 characters)'], "
        "expected 99_toy.ipynb"]


def test_notebooks_with_a_byte_order_mark_or_odd_cell_ids_are_graded(toy_course, tmp_path,
                                                                    good_bytes):
    """A blank, spaced or over-long cell id rejected the whole notebook; grading goes by grade_id,
    so such a cell gets a new id. JSON that is not an object was reported as an AttributeError."""
    notebook = json.loads(good_bytes)
    for cell, odd in zip(notebook["cells"], ["", "   ", "a b", "x" * 65, 7]):
        cell["id"] = odd
    notebook_at(tmp_path, "ids_99_toy.ipynb", json.dumps(notebook).encode())
    notebook_at(tmp_path, "bom_99_toy.ipynb", b"\xef\xbb\xbf" + good_bytes)
    notebook_at(tmp_path, "list_99_toy.ipynb", b"[1, 2]")
    notebook_at(tmp_path, "null_99_toy.ipynb", b"null")
    notebook["cells"].append(1)
    notebook_at(tmp_path, "int_99_toy.ipynb", json.dumps(notebook).encode())
    notebook["nbformat"] = 99
    notebook_at(tmp_path, "v99_99_toy.ipynb", json.dumps(notebook).encode())
    found, problems = intake.collect(toy_course, tmp_path)
    assert sorted(s.student for s in found) == ["bom", "ids"]
    ids = [c.id for c in next(s for s in found if s.student == "ids").notebooks["99_toy"].cells]
    assert len(set(ids)) == len(ids) and all(intake.CELL_ID.fullmatch(i) for i in ids)
    assert sorted(map(str, problems)) == [
        "int/99_toy: int_99_toy.ipynb is not a valid notebook: its structure does not follow the "
        "notebook format; ask for the .ipynb file as saved by Jupyter",
        *(f"{student}/99_toy: {student}_99_toy.ipynb is not a valid notebook (a notebook is a "
          "JSON object, starting with '{'); ask for the .ipynb file as saved by Jupyter"
          for student in ("list", "null")),
        "v99/99_toy: v99_99_toy.ipynb is not a valid notebook (Unsupported nbformat version 99); "
        "ask for the .ipynb file as saved by Jupyter"]


def test_canvas_and_moodle_downloads_are_filed_under_the_lms_ids(toy_course, tmp_path,
                                                                  good_bytes):
    subs = tmp_path / "subs"
    for name in ("kimana_1001_98765_99_toy.ipynb", "kimana_LATE_1001_98770_99_toy-1.ipynb",
                 "leejoe_2002_500_99_toy-1.ipynb", "leejoe_2002_500_99_toy.ipynb",
                 "김아나_3003_600_99_toy.ipynb",
                 "Ana Kim_12345_assignsubmission_file_/99_toy.ipynb",
                 "Ana Kim_12345_assignsubmission_file_/.99_toy.ipynb",
                 "Ana Kim_12345_assignsubmission_file_/report.pdf",
                 "Bo Lee_23456_assignsubmission_file_99_toy.ipynb",
                 "Bo Lee_23456_assignsubmission_file_99_toy (1).ipynb",
                 "Di Ma_45678_assignsubmission_file_99_toy.ipynb",
                 "mary_ann_99_toy.ipynb", "joe_2024_99_toy.ipynb", "parkmin_4004_7_homework.ipynb"):
        notebook_at(subs, name, good_bytes)
    notebook_at(subs, "Cy Oh_34567_assignsubmission_file_/notes.txt", b"")
    notebook_at(subs, "ohsu_5005_1_99_toy.ipynb", good_bytes)
    notebook_at(subs, "ohsu_5005_2_99_toy.ipynb", b"{")  # the newest is broken: not the older
    found, problems = intake.collect(toy_course, subs)
    assert sorted(s.student for s in found) == ["1001", "12345", "2002", "3003", "45678",
                                                "joe_2024", "mary_ann"]
    assert {s.student: s.lms_name for s in found if s.lms_name} == {  # for feedback --export
        "1001": "kimana_LATE_1001_98770_99_toy-1.ipynb", "2002": "leejoe_2002_500_99_toy-1.ipynb",
        "3003": "김아나_3003_600_99_toy.ipynb", "12345": "Ana Kim_12345_assignsubmission_file_",
        "45678": "Di Ma_45678_assignsubmission_file_"}
    assert {s.student: s.warnings for s in found if s.warnings} == {
        "1001": ["kimana_1001_98765_99_toy.ipynb skipped: kimana_LATE_1001_98770_99_toy-1.ipynb "
                 "is a later upload"],
        "2002": ["leejoe_2002_500_99_toy.ipynb skipped: leejoe_2002_500_99_toy-1.ipynb is a later "
                 "upload"]}
    assert sorted(map(str, problems)) == [
        "23456/99_toy: submitted 2 times: keep one of them",
        "34567/?: Cy Oh_34567_assignsubmission_file_ holds no notebook (.ipynb) or zip file",
        "4004/homework: unknown assignment: the name parkmin_4004_7_homework.ipynb holds no known "
        "assignment id (99_toy); name it <student>_<assignment>... or pass --assignment ID",
        "5005/99_toy: ohsu_5005_2_99_toy.ipynb is not a valid notebook (not JSON: Notebook does "
        "not appear to be JSON: '{'); ask for the .ipynb file as saved by Jupyter; "
        "ohsu_5005_1_99_toy.ipynb skipped: ohsu_5005_2_99_toy.ipynb is a later upload",
    ]
    found, problems = intake.collect(toy_course, subs, "99_toy")
    assert [s.warnings for s in found if s.student == "4004"] == [[]]  # the LMS named the student
