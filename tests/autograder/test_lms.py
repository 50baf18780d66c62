"""Grades to the LMS and back (#17 item 4): the roster, LMS download names mapped to student ids, and the
Canvas, Moodle and plain CSV exports of the gradebook."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

from autograder import export
from autograder.intake import collect
from autograder.intake.lms import LmsNames
from autograder.roster import RosterError, load

A = "99-fixture"


def nb_bytes(marker: str) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(f"x = {marker!r}"))
    return nbformat.writes(nb).encode()


def write_roster(path: Path, rows: list[tuple[str, str]], extra: str = "") -> Path:
    path.write_text("student_id,lms_id,name,email\n" + "".join(f"{s},{i},Name {s},{s}@uni.example\n"
                                                              for s, i in rows) + extra)
    return path


# --- the roster ----------------------------------------------------------------------------------------

def test_roster_reads_the_course_layout_in_any_column_order(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\ufeffEmail,LMS_ID,Student_ID\nann@x.example,4021,ann\nbob@x.example,17,bob\n")
    roster = load(path)
    assert [(p.student_id, p.lms_id, p.email) for p in roster.people] == [("ann", "4021", "ann@x.example"),
                                                                          ("bob", "17", "bob@x.example")]
    assert roster.by_lms_id("17").student_id == "bob" and roster.by_lms_id("18") is None


def test_roster_reads_canvas_gradebook_export_skipping_points_and_test_student(tmp_path):
    path = tmp_path / "canvas.csv"
    path.write_text('Student,ID,SIS User ID,SIS Login ID,Section,Lab 10 (1234)\n'
                    '    Points Possible,,,,,10\n'
                    '"Doe, Jane",4021,S001,jdoe,AWS 101,\n'
                    'Test Student,999,,,AWS 101,\n')
    (person,) = load(path).people
    assert (person.student_id, person.lms_id, person.name, person.sis_user_id, person.section) == \
        ("jdoe", "4021", "Doe, Jane", "S001", "AWS 101")


@pytest.mark.parametrize(("text", "words"), [
    ("", "empty"),
    ("name,email\nann,a@x\n", "header has neither"),
    ("student_id,lms_id\nann,\n", "line 2: no LMS id"),
    ("student_id,lms_id\nann,1\nbob,1\n", "line 3: lms_id 1 is also on line 2"),
    ("student_id,lms_id\nann+1,1\n", "line 2: the student id 'ann+1'"),
    ("student_id,lms_id\n", "no students"),
])
def test_roster_problems_are_one_line_naming_file_and_line(tmp_path, text, words):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(RosterError) as caught:
        load(path)
    message = str(caught.value)
    assert str(path) in message and words in message and "\n" not in message


def test_roster_that_is_not_utf8_says_how_to_save_it(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"student_id,lms_id\n\xe9l\xe8ve,1\n")
    with pytest.raises(RosterError, match="not UTF-8.*CSV UTF-8"):
        load(path)


# --- LMS download names -----------------------------------------------------------------------------

def canvas_zip(path: Path) -> Path:
    """A Canvas "Download Submissions" zip: flat, <lastfirst>_[LATE_]<user id>_<submission id>_<file>."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"doeann_4021_99812_{A}.ipynb", nb_bytes("ann"))
        zf.writestr(f"smithbob_LATE_17_99813_{A}-1.ipynb", nb_bytes("bob"))  # late, resubmitted
        zf.writestr("smithbob_LATE_17_99813_notes.pdf", b"%PDF-1.4")  # not a notebook: ignored
        zf.writestr(f"leecarl_555_99814_{A}.ipynb", nb_bytes("carl"))  # not in the roster
        zf.writestr("my homework.ipynb", nb_bytes("renamed"))  # not Canvas's naming
    return path


def moodle_zip(path: Path) -> Path:
    """A Moodle "Download all submissions" zip: files <Full Name>_<participant id>_assignsubmission_file_<file>,
    or (downloaded in folders) <Full Name>_<participant id>_assignsubmission_file/<file>."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"Ann Doe_4021_assignsubmission_file_{A}.ipynb", nb_bytes("ann"))
        zf.writestr(f"J. Bob Smith_17_assignsubmission_file/{A}.ipynb", nb_bytes("bob"))
        zf.writestr("Ann Doe_4021_assignsubmission_onlinetext_onlinetext.html", b"<p>hi</p>")
        zf.writestr(f"Carl Lee_9_assignsubmission_file_{A}.ipynb", nb_bytes("carl"))
    return path


def test_canvas_download_names_map_through_the_roster(tmp_path):
    roster = load(write_roster(tmp_path / "r.csv", [("ann", "4021"), ("bob", "17")]))
    found = {s.student_id: s for s in collect(canvas_zip(tmp_path / "c.zip"), A, [A], tmp_path / "u",
                                              lms=LmsNames("canvas", roster))}
    assert found["ann"].error is None and found["bob"].error is None
    assert b"'ann'" in found["ann"].parts[0].path.read_bytes() and b"'bob'" in found["bob"].parts[0].path.read_bytes()
    refused = {s.entry: s.error for s in found.values() if s.error}
    assert set(refused) == {f"leecarl_555_99814_{A}.ipynb", "my homework.ipynb"}
    assert "Canvas user 555 is not in the roster r.csv" in refused[f"leecarl_555_99814_{A}.ipynb"]
    assert "not a Canvas download name" in refused["my homework.ipynb"]
    assert all("\n" not in reason for reason in refused.values())


def test_moodle_download_names_files_and_folders(tmp_path):
    roster = load(write_roster(tmp_path / "r.csv", [("ann", "4021"), ("bob", "17")]))
    found = {s.student_id: s for s in collect(moodle_zip(tmp_path / "m.zip"), A, [A], tmp_path / "u",
                                              lms=LmsNames("moodle", roster))}
    assert found["ann"].error is None and b"'ann'" in found["ann"].parts[0].path.read_bytes()
    assert found["bob"].error is None and b"'bob'" in found["bob"].parts[0].path.read_bytes()
    (carl,) = [s for s in found.values() if s.error]
    assert "Moodle user 9 is not in the roster" in carl.error


def test_two_files_of_one_canvas_user_are_both_refused_not_merged(tmp_path):
    roster = load(write_roster(tmp_path / "r.csv", [("ann", "4021")]))
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as zf:
        zf.writestr(f"doeann_4021_1_{A}.ipynb", nb_bytes("one"))
        zf.writestr("doeann_4021_1_other.ipynb", nb_bytes("two"))
    found = collect(tmp_path / "c.zip", A, [A], tmp_path / "u", lms=LmsNames("canvas", roster))
    assert len(found) == 2 and all("several submissions for the same student id" in s.error for s in found)


# --- export -------------------------------------------------------------------------------------------

def fixture_gradebook(db: Path) -> str:
    """A gradebook made with nbgrader's API: 99-fixture worth 10, ann 7 (late, penalty 2), bob waiting for
    review, carl in the gradebook without a submission."""
    from nbgrader.api import Gradebook

    from autograder.gradebook import _alembic_on_path

    _alembic_on_path()  # nbgrader runs alembic from PATH when it opens a gradebook
    url = f"sqlite:///{db}"
    with Gradebook(url, course_id="c") as gb:
        gb.add_assignment(A)
        gb.add_notebook(A, A)
        gb.add_grade_cell("q1", A, A, max_score=10, cell_type="code")
        for student in ("ann", "bob", "carl"):
            gb.add_student(student)
        for student in ("ann", "bob"):
            gb.add_submission(A, student, timestamp=datetime(2026, 12, 1, 12, 0))
        ann = gb.find_grade("q1", A, A, "ann")
        ann.auto_score, ann.needs_manual_grade = 7, False  # as aws-course grade writes a graded result
        gb.find_submission_notebook(A, A, "ann").late_submission_penalty = 2
        bob = gb.find_grade("q1", A, A, "bob")
        bob.auto_score, bob.needs_manual_grade = 0, True
        gb.db.commit()
    return url


def test_canvas_export_is_canvas_import_layout_and_never_sends_a_provisional_zero(tmp_path):
    url = fixture_gradebook(tmp_path / "gb.db")
    roster = load(write_roster(tmp_path / "r.csv", [("ann", "4021"), ("bob", "17"), ("dora", "8")]))
    names, scores = export.read_scores(url, "c", None, [p.student_id for p in roster.people])
    result = export.render("canvas", names, scores, roster, {A: "Lab 99 (1234)"})
    rows = list(csv.reader(io.StringIO(result.text)))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 99 (1234)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "10"]
    body = {r[1]: r for r in rows[2:]}
    assert body["4021"][-1] == "5"  # 7 minus the late penalty 2
    assert body["17"][-1] == ""  # waiting for review: blank, not 0
    assert body["8"][-1] == "0"  # on the roster, no submission
    assert body["4021"][3] == "ann" and body["4021"][0] == "Name ann"
    assert result.review == [f"bob ({A})"] and result.missing == ["carl"]


def test_moodle_and_plain_exports(tmp_path):
    url = fixture_gradebook(tmp_path / "gb.db")
    roster = load(write_roster(tmp_path / "r.csv", [("ann", "4021")]))
    names, scores = export.read_scores(url, "c", [A])
    moodle = list(csv.reader(io.StringIO(export.render("moodle", names, scores, roster).text)))
    assert moodle[0] == ["Username", "Email address", A]
    assert ["ann", "ann@uni.example", "5"] in moodle and ["bob", "", ""] in moodle and ["carl", "", "0"] in moodle
    plain = list(csv.DictReader(io.StringIO(export.render("csv", names, scores, None).text)))
    ann = next(r for r in plain if r["student_id"] == "ann")
    assert (ann["raw_score"], ann["late_submission_penalty"], ann["score"], ann["needs_review"]) == \
        ("7", "2", "5", "no")
    assert ann["timestamp"].startswith("2026-12-01 12:00")


def test_export_of_a_mistyped_assignment_names_the_valid_ones(tmp_path):
    url = fixture_gradebook(tmp_path / "gb.db")
    with pytest.raises(export.ExportError) as caught:
        export.read_scores(url, "c", ["99-fixtur"])
    assert f"it has: {A}" in str(caught.value) and f"did you mean {A}?" in str(caught.value)


def test_export_command_writes_the_file_and_says_what_it_left_out(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    fixture_gradebook(workspace / "gradebook.db")
    write_roster(tmp_path / "r.csv", [("ann", "4021"), ("bob", "17")])
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    base = [str(Path(sys.executable).parent / "aws-course")]
    proc = subprocess.run([*base, "export", "--format", "canvas", "--roster", str(tmp_path / "r.csv"),
                           "--workspace", str(workspace)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (workspace / "export-canvas.csv").is_file()
    assert "1 left blank, waiting for review in formgrader: bob" in proc.stdout
    assert "1 not in the roster, not exported: carl" in proc.stdout
    bad = subprocess.run([*base, "export", "--format", "canvas", "--workspace", str(workspace)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "needs --roster" in bad.stderr
