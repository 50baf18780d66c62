"""Assignments with several notebooks (nbgrader's submitted/<student>/<assignment>/<notebook>.ipynb):
one row per student, scores summed, the worst status, details naming the part, one gradebook
SubmittedNotebook and one feedback page per notebook. Uses the small split fixture (98-split, 2 parts)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbfactory as f
import nbformat
import pytest

from autograder.assignment import load_assignment
from autograder.intake import collect

ROOT = Path(__file__).resolve().parents[2]
P1, P2 = list(f.SPLIT_PARTS)


@pytest.fixture(scope="module")
def split_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("split")
    pylib = f.write_split_course(root)
    return root, pylib


def _nb_bytes() -> bytes:
    return nbformat.writes(nbformat.v4.new_notebook()).encode()


def test_assignment_loads_every_notebook(split_course):
    whole = load_assignment(split_course[0], f.SPLIT)
    assert len(whole.parts) == 2 and whole.notebook_names == [P1, P2]
    assert whole.max_score == 8 and [p.max_score for p in whole.parts] == [6, 2]
    assert [whole.label(n) for n in whole.notebook_names] == ["part1", "part2"]
    single = load_assignment(split_course[0], f.ASSIGNMENT)
    assert len(single.parts) == 1 and single.notebook_names == [f.ASSIGNMENT]


def test_intake_finds_each_part_and_names_the_missing_one(tmp_path):
    for student, parts in (("ann", [P1, P2]), ("ben", [P1])):
        for name in parts:
            (tmp_path / "s" / student / f.SPLIT).mkdir(parents=True, exist_ok=True)
            (tmp_path / "s" / student / f.SPLIT / f"{name}.ipynb").write_bytes(_nb_bytes())
    (tmp_path / "s" / "cy").mkdir()
    found = {s.student_id: s for s in collect(tmp_path / "s", f.SPLIT, [P1, P2], tmp_path / "u")}
    assert [(p.name, p.path is not None, p.error) for p in found["ann"].parts] == [(P1, True, None), (P2, True, None)]
    assert found["ben"].error is None and found["ben"].parts[1].path is None
    assert "missing" in found["ben"].parts[1].error
    assert found["ann"].sha256 != found["ben"].sha256
    assert found["cy"].error and "no notebook" in found["cy"].error


def test_intake_refuses_one_file_per_student_for_several_notebooks(tmp_path):
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "dee.ipynb").write_bytes(_nb_bytes())
    refused = collect(tmp_path / "flat", f.SPLIT, [P1, P2], tmp_path / "u")  # a failed row, not a dead batch
    assert [s.student_id for s in refused] == ["dee"] and "2 notebooks" in refused[0].error
    found = collect(tmp_path / "flat", f.SPLIT, [P1], tmp_path / "u2")  # one notebook: still fine
    assert [s.student_id for s in found] == ["dee"]


def _grade(course: Path, pylib: Path, subs: Path, ws: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", AWS_COURSE_ROOT=str(course),
               PYTHONPATH=str(pylib))
    cmd = [sys.executable, "-m", "course.cli", "grade", f.SPLIT, str(subs), "--workspace", str(ws),
           "--jobs", "2", "--timeout-cell", "20", "--timeout-notebook", "60"]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def batch(split_course, tmp_path_factory, bwrap):
    course, pylib = split_course
    base = tmp_path_factory.mktemp("split-batch")
    release, correct = f.split_release(course), f.split_correct(course)
    subs = {
        "full": {P1: correct[P1], P2: correct[P2]},
        "blank_part2": {P1: correct[P1], P2: release[P2]},
        "missing_part2": {P1: correct[P1]},
        "crash_part2": {P1: correct[P1], P2: f.insert_after(correct[P2], f"{P2}-setup", "import os\nos._exit(0)")},
    }
    for student, parts in subs.items():
        for name, nb in parts.items():
            f.write_nb(nb, base / "subs" / student / f.SPLIT / f"{name}.ipynb")
    proc = _grade(course, pylib, base / "subs", base / "ws")
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(base / "ws" / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    return {"base": base, "rows": rows, "course": course, "pylib": pylib}


def _row(batch, name):
    r = batch["rows"][name]
    return r["status"], float(r["score"]), float(r["max_score"]), r["detail"]


@pytest.mark.slow
def test_one_row_per_student_with_the_whole_assignment(batch):
    assert set(batch["rows"]) == {"full", "blank_part2", "missing_part2", "crash_part2"}
    assert _row(batch, "full") == ("graded", 8, 8, "ok")
    assert _row(batch, "blank_part2")[:3] == ("graded", 6, 8)


@pytest.mark.slow
def test_a_missing_part_counts_zero_with_a_clear_detail(batch):
    status, score, max_score, detail = _row(batch, "missing_part2")
    assert (status, score, max_score) == ("failed", 6, 8)
    assert detail.startswith("part2: ") and f"{P2}.ipynb is missing" in detail and "part1" not in detail


@pytest.mark.slow
def test_a_kernel_crash_fails_the_row_and_names_the_part(batch):
    status, score, _, detail = _row(batch, "crash_part2")
    assert (status, score) == ("failed", 6)
    assert "part2: " in detail and "kernel died" in detail and "part1" not in detail


@pytest.mark.slow
def test_gradebook_has_one_submitted_notebook_per_part(batch):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{batch['base'] / 'ws' / 'gradebook.db'}", course_id="aws-security-notebooks") as gb:
        assert sorted(nb.name for nb in gb.find_assignment(f.SPLIT).notebooks) == [P1, P2]
        for student, total in (("full", 8), ("blank_part2", 6), ("missing_part2", 6), ("crash_part2", 6)):
            assert gb.find_submission(f.SPLIT, student).score == pytest.approx(total), student
        assert gb.find_submission_notebook(P1, f.SPLIT, "crash_part2").score == 6
        assert gb.find_submission_notebook(P1, f.SPLIT, "crash_part2").flagged is False
        assert gb.find_submission_notebook(P2, f.SPLIT, "crash_part2").flagged is True
        assert gb.find_submission_notebook(P2, f.SPLIT, "full").score == 2


@pytest.mark.slow
def test_feedback_and_autograded_notebooks_cover_every_part(batch):
    ws = batch["base"] / "ws"
    for student in ("full", "missing_part2"):
        pages = {n: (ws / "feedback" / student / f.SPLIT / f"{n}.html").read_text() for n in (P1, P2)}
        assert "Question 99.1" in pages[P1] and "Question 99.3" not in pages[P1]
    assert "Question 99.3" in (ws / "feedback" / "full" / f.SPLIT / f"{P2}.html").read_text()
    assert "is missing" in (ws / "feedback" / "missing_part2" / f.SPLIT / f"{P2}.html").read_text()
    # every part's executed notebook, plus the two files nbgrader's formgrader and release_feedback read
    assert {p.name for p in (ws / "autograded" / "full" / f.SPLIT).iterdir()} == {
        f"{P1}.ipynb", f"{P2}.ipynb", "timestamp.txt", "submission_secret.txt"}
    report = (ws / "reports" / f"{f.SPLIT}.md").read_text()
    assert "part2/check-99-3" in report and "missing_part2" in report


@pytest.mark.slow
def test_rerun_skips_the_unchanged_and_regrades_a_changed_part(batch, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(batch["base"] / "subs" / "full", again / "full")
    shutil.copytree(batch["base"] / "subs" / "full", again / "blank_part2")  # part 2 now answered
    proc = _grade(batch["course"], batch["pylib"], again, batch["base"] / "ws")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "(1 new or changed, 1 unchanged since the last run)" in proc.stdout


@pytest.mark.slow
def test_one_file_per_student_is_refused_with_a_clear_error(batch, tmp_path):
    """A failed row that names the layout to use (one wrong submission never stops a batch)."""
    (tmp_path / "flat").mkdir()
    f.write_nb(f.split_correct(batch["course"])[P1], tmp_path / "flat" / "eve.ipynb")
    proc = _grade(batch["course"], batch["pylib"], tmp_path / "flat", tmp_path / "ws")
    assert proc.returncode == 0, proc.stderr[-2000:]
    with open(tmp_path / "ws" / "grades.csv", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert (row["student_id"], row["status"], float(row["score"])) == ("eve", "failed", 0)
    assert "2 notebooks" in row["detail"] and "<student>/98-split/" in row["detail"]
