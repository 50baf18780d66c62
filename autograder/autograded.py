"""nbgrader's ``autograded/<student>/<assignment>/<notebook>.ipynb``, the executed notebook formgrader
shows (already sanitized by the worker: see :func:`autograder.prepare.for_formgrader`)."""

from __future__ import annotations

from pathlib import Path

from autograder.assignment import Assignment
from autograder.atomic import write_atomic
from autograder.outcome import Outcome


def save_autograded(workspace: Path, whole: Assignment, outcome: Outcome) -> None:
    """Write each part's executed notebook and drop it from the outcome (the ledger keeps results, not
    notebooks)."""
    for part in outcome.parts:
        text, part.autograded = part.autograded, None
        if not text or part.notebook not in whole.notebook_names:
            continue  # only the assignment's own notebooks, whatever a worker sent back
        write_atomic(workspace / "autograded" / outcome.student_id / whole.name / f"{part.notebook}.ipynb", text)
