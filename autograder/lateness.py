"""Submission times and late penalties, as nbgrader's own ``autograde`` records them.

``nbgrader submit`` writes ``timestamp.txt`` into each submission; ``nbgrader autograde`` stores it as the
submission's timestamp in the gradebook (formgrader compares the two to decide whether a submission still
"needs autograding") and then runs its ``AssignLatePenalties`` preprocessor, which asks the configured
``LateSubmissionPlugin`` (``c.LateSubmissionPlugin.penalty_method``, or another
``c.AssignLatePenalties.plugin_class``) for each notebook's penalty when the submission is past the
assignment's due date (``nbgrader db assignment add NAME --duedate ...`` or formgrader). This module does
the same for ``aws-course grade``, with the same classes, read from the course's ``nbgrader_config.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

TIMESTAMP_FILE = "timestamp.txt"
EXAMPLE = "2026-12-01 17:00:00.000000 UTC"  # what nbgrader submit writes


class TimestampError(ValueError):
    """A submission's timestamp.txt is not a time; the message names the file and says what to do."""


def parse_timestamp(text: str, where: str) -> datetime:
    """``text`` of ``where`` (a timestamp.txt) as nbgrader reads it: naive UTC."""
    from nbgrader.utils import parse_utc

    stripped = text.strip()
    shown = stripped[:60] + ("…" if len(stripped) > 60 else "")
    if not stripped:
        raise TimestampError(f"{where} is empty; nbgrader writes a time such as {EXAMPLE!r}: fix it or delete "
                             "it, then grade again")
    try:
        return parse_utc(stripped)
    except Exception:  # noqa: BLE001 - dateutil raises several types for text that is not a time
        raise TimestampError(f"{where} holds {shown!r}, not a time such as {EXAMPLE!r}: fix it or delete it, "
                             "then grade again") from None


@dataclass(frozen=True)
class Lateness:
    timestamp: datetime | None
    seconds_late: float
    penalty: float  # points taken off the whole assignment (the sum of every notebook's)


def apply_penalties(gb: Any, config: Any, assignment: str, student: str, notebooks: list[str]) -> Lateness:
    """Set each notebook's ``late_submission_penalty`` as nbgrader's ``AssignLatePenalties`` does (reset to
    None, then the plugin's penalty, kept between 0 and the notebook's score); ``gb``: an open Gradebook
    whose submission already holds its timestamp and grades. The caller commits."""
    from nbgrader.preprocessors import AssignLatePenalties

    late = AssignLatePenalties(config=config) if config is not None else AssignLatePenalties()
    late.init_plugin()
    gb.db.flush()
    gb.db.expire_all()  # the notebooks' scores are SQL expressions over grades just written: read them anew
    submission = gb.find_submission(assignment, student)
    seconds = float(submission.total_seconds_late)
    total = 0.0
    for name in notebooks:
        notebook = gb.find_submission_notebook(name, assignment, student)
        notebook.late_submission_penalty = None
        if seconds > 0:
            penalty = late.plugin_inst.late_submission_penalty(student, notebook.score, seconds)
            if penalty is not None:
                penalty = late._check_late_penalty(notebook, penalty)
                notebook.late_submission_penalty = penalty
                total += float(penalty)
    return Lateness(submission.timestamp, seconds, total)
