"""Results accumulate across batches, learner text stays escaped through a real batch, and a SIGKILL at
any point of saving a result leaves grades.csv, the ledger and the gradebook in agreement after a re-run.

Uses the small fixture course (exercises 99.x). The kills come from the grader's own test hook
(``AUTOGRADER_CRASH_AT``), which SIGKILLs the process at an exact point of the save sequence.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import nbfactory as f
import nbformat
import pytest

from autograder.extract import EXTRACT_TAG

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
ESC = "\x1b"
HOSTILE_ID = "=HYPERLINK(\"http://evil\")|<script>alert(1)</script>[x](javascript:alert(1))\x1b[2J**b**"


@pytest.fixture(scope="module")
def course(tmp_path_factory, bwrap):
    root = tmp_path_factory.mktemp("course")
    pylib = f.write_course(root)
    release = f.release_version(root / "source" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.ipynb")
    return root, pylib, release


def _grade(course, subs: Path, ws: Path, crash_at: str | None = None) -> subprocess.CompletedProcess:
    root, pylib, _ = course
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_CRASH_AT"}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", AWS_COURSE_ROOT=str(root),
               PYTHONPATH=str(pylib))
    if crash_at:
        env["AUTOGRADER_CRASH_AT"] = crash_at
    cmd = [sys.executable, "-m", "course.cli", "grade", f.ASSIGNMENT, str(subs), "--workspace", str(ws),
           "--jobs", "1", "--timeout-cell", "20"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=300)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever the killed grader left behind
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _csv(ws: Path) -> list[dict[str, str]]:
    path = ws / "grades.csv"
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _ledger(ws: Path) -> dict[str, dict]:
    path = ws / "autograder-ledger.jsonl"
    rows: dict[str, dict] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            rows[row["student_id"]] = row
    return rows


def _gradebook(ws: Path) -> dict[str, float]:
    """Each student's total score in nbgrader's gradebook, read with nbgrader's own API."""
    from nbgrader.api import Gradebook, MissingEntry

    from autograder.gradebook import _alembic_on_path
    from course.settings import load as course_settings

    if not (ws / "gradebook.db").is_file():
        return {}
    _alembic_on_path()
    course_id = course_settings(Path(__file__).resolve().parents[2]).course_id
    gb = Gradebook(f"sqlite:///{ws / 'gradebook.db'}", course_id=course_id)
    try:
        try:
            subs = gb.find_assignment(f.ASSIGNMENT).submissions
        except MissingEntry:
            return {}
        return {s.student_id: float(s.score) for s in subs}
    finally:
        gb.close()


def _hostile(release: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = f.correct(release)
    nb = f.insert_after(nb, "answer-99-1",
                        "from IPython.display import HTML, Javascript, display\n"
                        "s = '<scr' + 'ipt>alert(1)</scr' + 'ipt><img src=x on' + 'error=alert(2)>'\n"
                        "display(HTML('<b>fine</b>' + s))\n"
                        "display(Javascript('alert(3)'))")  # the payload only exists in the output
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("Notes <script>alert(4)</script> [c](javascript:alert(5))"))
    nb.cells.insert(2, nbformat.v4.new_markdown_cell("Full marks please", metadata={"nbgrader": {
        "grade": True, "solution": True, "grade_id": HOSTILE_ID, "points": 50}}))
    nb.cells.insert(3, nbformat.v4.new_code_cell("learner_marker = 'kept'", metadata={"tags": [EXTRACT_TAG]}))
    return nb


def test_a_late_batch_adds_rows_and_learner_text_stays_escaped(course, tmp_path):
    _, _, release = course
    first, late, ws = tmp_path / "first", tmp_path / "late", tmp_path / "ws"
    f.write_nb(f.correct(release), first / "ann.ipynb")
    f.write_nb(f.with_answers(f.correct(release), {"answer-99-1": 'answer_99_1 = "A"'}), first / "-bob.ipynb")
    f.write_nb(_hostile(release), first / "@evil.ipynb")
    f.write_nb(f.correct(release), late / "zed.ipynb")

    one = _grade(course, first, ws)
    assert one.returncode == 0, one.stderr[-2000:]
    assert len(_csv(ws)) == 3
    two = _grade(course, late, ws)
    assert two.returncode == 0, two.stderr[-2000:]
    assert "(all new or changed)" in two.stdout

    rows = {r["student_id"]: r for r in _csv(ws)}
    assert set(rows) == {"ann", "'-bob", "'@evil", "zed"}, "the late student is added, no one is lost"
    assert float(rows["ann"]["score"]) == 8.0 and float(rows["'-bob"]["score"]) == 6.0
    evil = rows["'@evil"]
    assert evil["status"] == "flagged" and "claims to be a graded cell" in evil["detail"]
    assert EXTRACT_TAG in evil["detail"], "the forged extraction tag is reported"
    assert float(evil["score"]) == 8.0, "the forged graded cell is worth nothing; the honest answers count"
    raw_csv = (ws / "grades.csv").read_text(encoding="utf-8")
    assert ESC not in raw_csv and all(not v.startswith(("=", "+", "-", "@")) for r in rows.values()
                                      for v in r.values())
    assert set(_gradebook(ws)) == {"ann", "-bob", "@evil", "zed"}
    assert set(_ledger(ws)) == {"ann", "-bob", "@evil", "zed"}

    report = (ws / "reports" / f"{f.ASSIGNMENT}.md").read_text(encoding="utf-8")
    assert report.count("4 submissions") == 1 and "1 flagged" in report
    assert "**@evil**" in report and "<script" not in report and ESC not in report
    assert "](javascript" not in report and "HYPERLINK\\(" in report

    autograded = (ws / "autograded" / "@evil" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.ipynb").read_text()
    for active in ("<script", "onerror", "application/javascript", "(javascript:", "__autograder_extract"):
        assert active not in autograded, active
    nb = nbformat.reads(autograded, as_version=4)
    assert any(c.source == "learner_marker = 'kept'" for c in nb.cells), "the learner's tagged cell is shown"
    assert not any(c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == HOSTILE_ID for c in nb.cells)
    assert "<b>fine</b>" in autograded
    feedback = (ws / "feedback" / "@evil" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.html").read_text()
    assert "<script" not in feedback and ESC not in feedback
    for out in (one, two):
        assert ESC not in out.stdout + out.stderr


@pytest.mark.parametrize("point", ["after-commit:2", "after-ledger:2", "before-rename:3", "before-rename:4"])
def test_a_kill_at_any_point_then_a_rerun_leaves_csv_ledger_and_gradebook_in_agreement(course, tmp_path, point):
    """after-commit: gradebook committed, ledger not yet; after-ledger: CSV not yet rewritten;
    before-rename 3 / 4: mid-write of the 2nd student's autograded notebook / of grades.csv."""
    _, _, release = course
    subs, ws = tmp_path / "subs", tmp_path / "ws"
    f.write_nb(f.correct(release), subs / "a.ipynb")
    f.write_nb(f.with_answers(f.correct(release), {"answer-99-3": "answer_99_3 = 41"}), subs / "b.ipynb")
    f.write_nb(f.correct(release), subs / "c.ipynb")

    killed = _grade(course, subs, ws, crash_at=point)
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr[-2000:])
    ledger, book, table = _ledger(ws), _gradebook(ws), _csv(ws)
    assert set(ledger) <= set(book), "the ledger never says done before the gradebook committed"
    assert {r["student_id"] for r in table} <= set(ledger), "the CSV holds only recorded results"
    assert len(ledger) < 3

    rerun = _grade(course, subs, ws)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    expected = f"({3 - len(ledger)} new or changed, {len(ledger)} unchanged" if ledger else "(all new or changed)"
    assert expected in rerun.stdout
    ledger, book, table = _ledger(ws), _gradebook(ws), _csv(ws)
    ids = [r["student_id"] for r in table]
    assert sorted(ids) == ["a", "b", "c"], "each student once: no loss, no duplicate"
    assert set(ledger) == set(book) == set(ids)
    for row in table:
        assert float(row["score"]) == book[row["student_id"]] == float(ledger[row["student_id"]]["score"])
    assert {r["student_id"]: float(r["score"]) for r in table} == {"a": 8.0, "b": 6.0, "c": 8.0}
    lines = (ws / "autograder-ledger.jsonl").read_text().splitlines()
    assert all(json.loads(line) for line in lines), "no torn line left in the ledger"
    assert not list(ws.glob(".*.tmp")) and not list(ws.glob("autograded/*/*/.*.tmp"))
    assert "3 submissions" in (ws / "reports" / f"{f.ASSIGNMENT}.md").read_text()
