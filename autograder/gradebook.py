"""Writing results into nbgrader's gradebook, from the parent process only (one writer: no lock errors).

The assignment's cells are recorded with nbgrader's own SaveCells preprocessor (as ``generate_assignment``
does), so formgrader shows our submissions like any other. Each result overwrites every grade of the
submission: a failed re-grade sets the scores to 0 and asks for manual review, never leaving stale grades.
It also records the submission's time and the late penalty as ``nbgrader autograde`` does
(:mod:`autograder.lateness`), in the same commit.
"""

from __future__ import annotations

import copy
import os
import sys
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import SaveCells

from autograder.assignment import Assignment
from autograder.intake.names import storable
from autograder.lateness import Lateness, apply_penalties
from autograder.outcome import Outcome


def _alembic_on_path() -> None:
    """nbgrader shells out to ``alembic`` when it opens a gradebook: put this interpreter's bin/ first."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"


class GradebookWriter:
    """One SubmittedNotebook per notebook of the assignment (nbgrader's model), even when split in parts."""

    def __init__(self, db_url: str, whole: Assignment, course_id: str, config: Any = None) -> None:
        """``course_id``: the course's own (``c.CourseDirectory.course_id`` of its nbgrader_config.py);
        ``config``: its whole traitlets Config (the late-submission plugin's settings)."""
        _alembic_on_path()
        self.db_url = db_url
        self.whole = whole
        self.config = config
        self.gb = Gradebook(db_url, course_id=course_id)
        self._register()

    def _register(self) -> None:
        """Record assignment, notebooks and cells unless submissions already pin them."""
        self.gb.update_or_create_assignment(self.whole.name)
        for part in self.whole.parts:
            try:
                notebook = self.gb.find_notebook(part.notebook_name, self.whole.name)
                if notebook.submissions:
                    continue
            except MissingEntry:
                pass
            resources: dict[str, Any] = {"nbgrader": {"notebook": part.notebook_name,
                                                      "assignment": self.whole.name, "db_url": self.db_url}}
            SaveCells(db_url=self.db_url).preprocess(copy.deepcopy(part.graded_nb), resources)

    def write(self, outcome: Outcome, timestamp: datetime | None = None) -> Lateness:
        """All grades of the submission, its time (``timestamp``, from timestamp.txt) and the late penalties
        in one commit. On an error the grades are rolled back and a submission this call created is
        removed again, so the gradebook keeps what the ledger says (the caller records the result in the
        ledger only after this returns; a crash re-grades it)."""
        student, assignment = outcome.student_id, self.whole.name
        if not storable(student):  # refused at intake (e.g. over varchar(128)): its failed row is in the CSV
            return Lateness(timestamp, 0.0, 0.0)
        created = False
        try:
            self.gb.update_or_create_student(student)
            try:
                self.gb.find_submission(assignment, student)
            except MissingEntry:
                with warnings.catch_warnings():  # nbgrader's own add_submission trips an SQLAlchemy warning
                    warnings.simplefilter("ignore")
                    self.gb.add_submission(assignment, student)  # nbgrader commits this itself
                created = True
            submission = self.gb.find_submission(assignment, student)
            submission.timestamp = timestamp  # what formgrader compares with submitted/.../timestamp.txt
            self._write_grades(outcome)
            lateness = apply_penalties(self.gb, self.config, assignment, student, self.whole.notebook_names)
            self.gb.db.commit()
            return lateness
        except BaseException:
            self.gb.db.rollback()
            if created:
                self.gb.remove_submission(assignment, student)
            raise

    def _write_grades(self, outcome: Outcome) -> None:
        """Every notebook's grades; a notebook the outcome has no part for (nothing could be graded) scores 0
        with the outcome's own status."""
        student, assignment = outcome.student_id, self.whole.name
        for part in self.whole.parts:
            graded = outcome.part(part.notebook_name)
            status = graded.status if graded is not None else outcome.status
            review = status in ("failed", "flagged")
            by_id = {c.grade_id: c for c in graded.cells} if graded is not None else {}
            for check in part.checks:
                grade = self.gb.find_grade(check.grade_id, part.notebook_name, assignment, student)
                cell = by_id.get(check.grade_id)
                grade.auto_score = float(cell.score) if cell else 0.0
                grade.manual_score = None
                grade.needs_manual_grade = review
            submission_nb = self.gb.find_submission_notebook(part.notebook_name, assignment, student)
            submission_nb.flagged = review
        self.gb.db.flush()  # the scores the late penalty is computed from

    def close(self) -> None:
        self.gb.close()
