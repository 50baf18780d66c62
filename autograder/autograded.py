"""nbgrader's ``autograded/<student>/<assignment>/<notebook>.ipynb``, the executed notebook formgrader
shows (already sanitized by the worker: see :func:`autograder.prepare.for_formgrader`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autograder.assignment import Assignment, AssignmentSpec, as_assignment
from autograder.atomic import write_atomic


def save_autograded(workspace: Path, spec: AssignmentSpec | Assignment, outcome: dict[str, Any]) -> None:
    """Write the outcome's notebooks and drop them from it (the ledger keeps results, not notebooks)."""
    whole = as_assignment(spec)
    text = outcome.pop("autograded", None)
    if not text:
        return
    by_notebook = text if isinstance(text, dict) else {whole.parts[0].notebook_name: text}
    for name, content in by_notebook.items():
        if name not in whole.notebook_names:
            continue  # only the assignment's own notebooks, whatever a worker sent back
        write_atomic(workspace / "autograded" / outcome["student_id"] / whole.name / f"{name}.ipynb", content)
