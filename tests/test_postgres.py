"""The gradebook in a real PostgreSQL server (initdb in a temporary folder, loopback only)."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from conftest import build, run_cli, two_assignment_course

GOOD = "# base: solutions\n"
BLANK = "# base: release\n"


def server_programs():
    """The folder holding initdb and pg_ctl, or None."""
    found = shutil.which("pg_ctl")
    candidates = [found] if found else sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1:]
    return Path(candidates[0]).resolve().parent if candidates else None


def server_user():
    """(uid, gid) to run the server as: PostgreSQL refuses to run as root."""
    if os.geteuid() != 0:
        return None, None
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no 'postgres' user to run the server as")
    return entry.pw_uid, entry.pw_gid


@pytest.fixture(scope="module")
def postgres():
    """A function making a new empty database on a private server; it returns the database's URL."""
    programs = server_programs()
    if programs is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed: "
                    "apt-get install postgresql")
    psycopg = pytest.importorskip("psycopg", reason="pip install 'descent[postgres]'")
    uid, gid = server_user()
    folder = Path(tempfile.mkdtemp(prefix="descent-pg-"))
    if uid is not None:
        os.chown(folder, uid, gid)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def run(*command):
        subprocess.run([str(c) for c in command], check=True, capture_output=True, user=uid,
                       group=gid, cwd=folder)

    run(programs / "initdb", "-D", folder / "data", "--auth=trust", "-U", "postgres", "--no-sync")
    run(programs / "pg_ctl", "-D", folder / "data", "-l", folder / "log", "-w", "start", "-o",
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off")
    made = []

    def new_database():
        name = f"course{len(made)}"
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        made.append(name)
        return f"postgresql://postgres@127.0.0.1:{port}/{name}"

    yield new_database
    run(programs / "pg_ctl", "-D", folder / "data", "-m", "immediate", "stop")
    shutil.rmtree(folder, ignore_errors=True)


def scores(url):
    """{(student, assignment): score} of every submission in the gradebook."""
    with Gradebook(url) as gradebook:
        return {(s.student.id, s.assignment.name): s.score
                for a in gradebook.assignments for s in a.submissions}


def test_grade_and_regrade_into_postgresql(postgres, toy_course, tmp_path):
    url = postgres()
    course = tmp_path / "course"
    shutil.copytree(toy_course, course)
    submissions = tmp_path / "submissions"
    build(course, "99_toy", submissions, "ana", GOOD)
    build(course, "99_toy", submissions, "ben", BLANK)
    grade = ("grade", submissions, "--out", tmp_path / "work", "--seed", 1, "--timeout", 10,
             "--quiet", "--jobs", 1)
    code, out, err = run_cli(course, *grade, "--db", url)
    assert code == 0, err
    assert scores(url) == {("ana", "99_toy"): 4, ("ben", "99_toy"): 0}
    # Regrade with the course's nbgrader_config.py naming the database instead of --db.
    (course / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.db_url = {url!r}\n")
    build(course, "99_toy", submissions, "ben", GOOD)
    code, out, err = run_cli(course, *grade)
    assert code == 0, err
    assert scores(url) == {("ana", "99_toy"): 4, ("ben", "99_toy"): 4}
    assert "ben      4" in out
    assert not (tmp_path / "work" / "gradebook.db").exists()


def test_two_assignments_graded_at_once_lose_no_rows(postgres, toy_course, tmp_path):
    url = postgres()  # empty: both gradings find no tables, no course and no students
    course = two_assignment_course(toy_course, tmp_path / "course")
    students = ("ana", "ben", "cat")
    for assignment in ("98_toy_again", "99_toy"):
        for student in students:
            build(course, assignment, tmp_path / assignment, student, GOOD)
    gradings = [subprocess.Popen(
        [str(Path(sys.executable).parent / "autograder"), "grade", str(tmp_path / assignment),
         "--out", str(tmp_path / f"work_{assignment}"), "--db", url, "--seed", "1", "--quiet",
         "--jobs", "1"], cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for assignment in ("98_toy_again", "99_toy")]
    for grading in gradings:
        out, err = grading.communicate(timeout=300)
        assert grading.returncode == 0, err
    assert scores(url) == {(s, a): 4 for s in students for a in ("98_toy_again", "99_toy")}
