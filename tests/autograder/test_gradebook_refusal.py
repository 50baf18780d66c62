"""A result the gradebook refuses costs that row, not the batch, and is recorded nowhere else: the ledger
and grades.csv keep only what the gradebook committed (real nbgrader gradebook on SQLite, real failure:
the assignment gained a check cell after the gradebook was pinned by earlier submissions)."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import nbfactory as f
import pytest

from autograder.assignment import Assignment, CheckSpec, load
from autograder.gradebook import GradebookWriter
from autograder.ledger import Ledger
from autograder.outcome import CellScore, Outcome, PartOutcome
from autograder.saving import save_result
from course.settings import load as course_settings

pytestmark = pytest.mark.slow  # opens a real nbgrader gradebook (alembic) several times

COURSE_ID = course_settings(Path(__file__).resolve().parents[2]).course_id


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    f.write_course(root)
    return load(root, f.ASSIGNMENT)


def _outcome(student: str, score: float) -> Outcome:
    cells = [CellScore(f"check-99-{i}", f"99.{i}", 2.0 * (2 if i == 2 else 1), score / 4 * (2 if i == 2 else 1),
                       True, True) for i in (1, 2, 3)]
    part = PartOutcome(f.ASSIGNMENT, "graded", score, 8.0, "ok", cells)
    return Outcome(student, f.ASSIGNMENT, f"h-{student}", "graded", score, 8.0, "ok", [part])


def _gradebook_scores(db_url: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id=COURSE_ID) as gb:
        return {s.student_id: float(s.score) for s in gb.find_assignment(f.ASSIGNMENT).submissions}


def test_a_refused_row_is_reported_and_gradebook_ledger_and_csv_still_agree(spec, tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    db_url = f"sqlite:///{ws / 'gradebook.db'}"
    csv_path = ws / "grades.csv"
    ledger = Ledger(ws / "autograder-ledger.jsonl")
    logs: list[str] = []

    whole = Assignment(spec.name, [spec])
    writer = GradebookWriter(db_url, whole, COURSE_ID)
    assert save_result(ws, whole, _outcome("ann", 8.0), writer, ledger, csv_path, logs.append).status == "graded"
    writer.close()

    changed = Assignment(spec.name, [dataclasses.replace(spec, checks=[*spec.checks, CheckSpec("check-new", "99.9",
                                                                                               "answer_99_9", 1.0)])])
    writer = GradebookWriter(db_url, changed, COURSE_ID)  # the gradebook is pinned by ann's submission: no check-new
    try:
        bob = save_result(ws, changed, _outcome("bob", 4.0), writer, ledger, csv_path, logs.append)
        ann = save_result(ws, changed, _outcome("ann", 2.0), writer, ledger, csv_path, logs.append)
        carl_writer = GradebookWriter(db_url, whole, COURSE_ID)
        carl_whole = save_result(ws, whole, _outcome("carl", 6.0), carl_writer, ledger, csv_path, logs.append)
    finally:
        writer.close()
    for row in (bob, ann):
        assert row.status == "failed" and "not saved" in row.detail and "MissingEntry" in row.detail
    assert carl_whole.status == "graded", "the batch goes on after a refused row"
    assert len(logs) == 2 and logs[0].startswith("bob: not saved")

    in_book = _gradebook_scores(db_url)
    assert in_book == {"ann": 8.0, "carl": 6.0}, "bob's half-made submission is removed, ann keeps her grades"
    assert {r.student_id: r.score for r in Ledger(ws / "autograder-ledger.jsonl").rows()} == in_book
    with open(csv_path, newline="") as handle:
        assert {r["student_id"]: float(r["score"]) for r in csv.DictReader(handle)} == in_book
