"""Saving one result in the parent process, in an order that survives a SIGKILL anywhere: the autograded
notebook, the gradebook commit, then the ledger (which so records only what the gradebook holds), then
``grades.csv`` rebuilt whole from the ledger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from autograder.assignment import Assignment
from autograder.autograded import save_autograded
from autograder.crashpoint import crashpoint
from autograder.gradebook import GradebookWriter
from autograder.intake import Submission, storable
from autograder.lateness import TimestampError, parse_timestamp
from autograder.ledger import Ledger
from autograder.nbgrader_files import write_beside
from autograder.outcome import Outcome
from autograder.results_csv import write_csv
from autograder.same_answer import annotated


def _submission_time(outcome: Outcome, sub: Submission | None, log: Callable[[str], None]
                     ) -> tuple[Outcome, datetime | None]:
    """The submission's time from its timestamp.txt; one that is not a time is one error line, and the
    result is flagged for review with the reason (the late penalty cannot be applied), never dropped."""
    if sub is None or sub.timestamp is None:
        return outcome, None
    try:
        return outcome, parse_timestamp(sub.timestamp, sub.timestamp_file or "timestamp.txt")
    except TimestampError as exc:
        log(f"{outcome.student_id}: {exc}")
        detail = f"{exc}; the late penalty was not applied" + ("" if outcome.detail == "ok" else f"; {outcome.detail}")
        status = "flagged" if outcome.status == "graded" else outcome.status
        return replace(outcome, status=status, detail=detail), None


def save_result(workspace: Path, whole: Assignment, outcome: Outcome, writer: GradebookWriter, ledger: Ledger,
                csv_path: Path, log: Callable[[str], None], sub: Submission | None = None) -> Outcome:
    """One result, crash-safely: the gradebook commits first, the ledger records only what it committed.
    Returns what the batch reports for it: the outcome, or a ``failed`` copy when the gradebook refused it.
    ``sub``: the submission it grades (its timestamp.txt and secret, when nbgrader submit wrote them)."""
    outcome, stamp = _submission_time(outcome, sub, log)
    save_autograded(workspace, whole, outcome)
    if storable(outcome.student_id):  # where nbgrader's generate_feedback and release_feedback look
        write_beside(workspace / "autograded" / outcome.student_id / whole.name,
                     stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC") if stamp else None, sub.secret if sub else None)
    try:
        lateness = writer.write(outcome, stamp)
        outcome = replace(outcome, timestamp=stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC") if stamp else "",
                          late_by_seconds=lateness.seconds_late, penalty=lateness.penalty)
    except Exception as exc:  # the gradebook refused this row: not recorded, so the next run retries it
        reason = f"not saved: the gradebook refused it: {type(exc).__name__}: {exc}"[:300]
        log(f"{outcome.student_id}: {reason}")
        return replace(outcome, status="failed", detail=reason)
    crashpoint("after-commit")
    ledger.record(outcome)
    crashpoint("after-ledger")
    write_csv(csv_path, annotated(workspace, ledger.rows()))  # with the last same-answer flags that still hold
    return outcome
