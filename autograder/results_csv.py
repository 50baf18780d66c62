"""``grades.csv``: one row per student and assignment, rebuilt whole from the ledger (every result the
gradebook committed, from every batch in the workspace), written atomically, every field escaped."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from autograder.atomic import write_atomic
from autograder.escape import csv_cell
from autograder.outcome import Outcome

# score is before the late penalty (nbgrader's raw_score); the LMS export takes the penalty off
CSV_FIELDS = ["student_id", "assignment", "score", "max_score", "status", "detail", "timestamp", "late_by_seconds",
              "penalty"]


def render(rows: Iterable[Outcome]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: (r.assignment, r.student_id)):
        writer.writerow({name: csv_cell(getattr(row, name)) for name in CSV_FIELDS})
    return out.getvalue()


def write_csv(path: Path, rows: Iterable[Outcome]) -> None:
    write_atomic(path, render(rows))
