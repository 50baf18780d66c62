"""Writing results into nbgrader's gradebook, from the parent process only (one writer: no lock errors).

The assignment's cells are recorded with nbgrader's own SaveCells preprocessor (as ``generate_assignment``
does), so formgrader shows our submissions like any other. Each result overwrites every grade of the
submission: a failed re-grade sets the scores to 0 and asks for manual review, never leaving stale grades.
"""

from __future__ import annotations

import copy
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import SaveCells

from autograder.assignment import AssignmentSpec

COURSE_ID = "aws-security-notebooks"


def _alembic_on_path() -> None:
    """nbgrader shells out to ``alembic`` when it opens a gradebook: put this interpreter's bin/ first."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"


class GradebookWriter:
    def __init__(self, db_url: str, spec: AssignmentSpec) -> None:
        _alembic_on_path()
        self.db_url = db_url
        self.spec = spec
        self.gb = Gradebook(db_url, course_id=COURSE_ID)
        self._register()

    def _register(self) -> None:
        """Record assignment, notebook and cells unless submissions already pin them."""
        self.gb.update_or_create_assignment(self.spec.name)
        try:
            notebook = self.gb.find_notebook(self.spec.notebook_name, self.spec.name)
            if notebook.submissions:
                return
        except MissingEntry:
            pass
        resources: dict[str, Any] = {"nbgrader": {"notebook": self.spec.notebook_name,
                                                  "assignment": self.spec.name, "db_url": self.db_url}}
        SaveCells(db_url=self.db_url).preprocess(copy.deepcopy(self.spec.graded_nb), resources)

    def write(self, outcome: dict[str, Any]) -> None:
        student, assignment = outcome["student_id"], self.spec.name
        self.gb.update_or_create_student(student)
        try:
            self.gb.find_submission(assignment, student)
        except MissingEntry:
            with warnings.catch_warnings():  # nbgrader's own add_submission trips an SQLAlchemy warning
                warnings.simplefilter("ignore")
                self.gb.add_submission(assignment, student)
        by_cell = {c["grade_id"]: c for c in outcome.get("cells", [])}
        failed = outcome["status"] == "failed"
        flagged = outcome["status"] == "flagged"
        for check in self.spec.checks:
            grade = self.gb.find_grade(check.grade_id, self.spec.notebook_name, assignment, student)
            cell = by_cell.get(check.grade_id)
            grade.auto_score = float(cell["score"]) if cell else 0.0
            grade.manual_score = None
            grade.needs_manual_grade = bool(failed or flagged)
        submission_nb = self.gb.find_submission_notebook(self.spec.notebook_name, assignment, student)
        submission_nb.flagged = bool(failed or flagged)
        self.gb.db.commit()

    def close(self) -> None:
        self.gb.close()
