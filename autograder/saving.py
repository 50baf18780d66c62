"""Saving one result in the parent process, in an order that survives a SIGKILL anywhere: the autograded
notebook, the gradebook commit, then the ledger (which so records only what the gradebook holds), then
``grades.csv`` rebuilt whole from the ledger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from autograder.assignment import Assignment
from autograder.autograded import save_autograded
from autograder.crashpoint import crashpoint
from autograder.gradebook import GradebookWriter
from autograder.ledger import Ledger
from autograder.outcome import Outcome
from autograder.results_csv import write_csv


def save_result(workspace: Path, whole: Assignment, outcome: Outcome, writer: GradebookWriter, ledger: Ledger,
                csv_path: Path, log: Callable[[str], None]) -> Outcome:
    """One result, crash-safely: the gradebook commits first, the ledger records only what it committed.
    Returns what the batch reports for it: the outcome, or a ``failed`` copy when the gradebook refused it."""
    save_autograded(workspace, whole, outcome)
    try:
        writer.write(outcome)
    except Exception as exc:  # the gradebook refused this row: not recorded, so the next run retries it
        reason = f"not saved: the gradebook refused it: {type(exc).__name__}: {exc}"[:300]
        log(f"{outcome.student_id}: {reason}")
        return replace(outcome, status="failed", detail=reason)
    crashpoint("after-commit")
    ledger.record(outcome)
    crashpoint("after-ledger")
    write_csv(csv_path, ledger.rows())
    return outcome
