"""``aws-course export``: the gradebook's scores as the grade-import CSV of Canvas or Moodle, or plain CSV.

The scores come from nbgrader's gradebook (what ``aws-course grade`` wrote plus the instructor's manual
review in formgrader), computed as ``nbgrader export`` does: score minus the late penalty, never below
0, and 0 for a student in the gradebook or roster who submitted nothing. A submission still waiting for
review (``flagged``/``failed``, or written answers) is left blank and listed, so a provisional 0 never
reaches the LMS.

- ``canvas``: Canvas's gradebook import layout: ``Student, ID, SIS User ID, SIS Login ID, Section`` then
  one column per assignment, and a ``Points Possible`` row. Canvas matches students by ``ID`` (its user
  id, from the roster); a column named like an existing assignment (``Lab 10 (1234)`` as in Canvas's own
  export: pass ``--column``) updates it, any other name creates a new assignment.
- ``moodle``: Moodle's "Import grades from CSV file": ``Username`` and ``Email address`` (map either to the
  user in the import form) then one column per assignment (map each to its grade item).
- ``csv``: ``nbgrader export``'s columns plus ``needs_review``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autograder.atomic import write_atomic
from autograder.escape import csv_cell
from autograder.roster import Roster

FORMATS = ("canvas", "moodle", "csv")
PLAIN_FIELDS = ["student_id", "assignment", "timestamp", "raw_score", "late_submission_penalty", "score",
                "max_score", "needs_review"]


class ExportError(RuntimeError):
    """The export cannot be written (unknown assignment, no gradebook, no roster for Canvas...)."""


@dataclass(frozen=True)
class Score:
    student_id: str
    assignment: str
    max_score: float
    score: float | None  # None: waiting for review (left blank)
    raw_score: float = 0.0
    penalty: float = 0.0
    timestamp: str = ""
    submitted: bool = True


@dataclass
class Export:
    text: str
    rows: int
    review: list[str] = field(default_factory=list)  # "student (assignment)" left blank
    missing: list[str] = field(default_factory=list)  # students in the gradebook but not the roster
    absent: int = 0  # students with no submission (0)


def read_scores(db_url: str, course_id: str, assignments: list[str] | None,
                extra_students: Sequence[str] = ()) -> tuple[list[str], list[Score]]:
    """Every (student, assignment) of the gradebook, for the chosen assignments (default: all)."""
    from nbgrader.api import Gradebook, MissingEntry

    from autograder.gradebook import _alembic_on_path

    _alembic_on_path()
    try:
        gb = Gradebook(db_url, course_id=course_id)
    except Exception as exc:  # noqa: BLE001 - a missing or broken gradebook is one line, not a traceback
        raise ExportError(f"the gradebook {db_url} cannot be opened ({type(exc).__name__}); "
                          "grade with `aws-course grade` first") from None
    try:
        known = [a.name for a in gb.assignments]
        chosen = assignments or known
        for name in chosen:
            if name not in known:
                from autograder.suggest import did_you_mean, valid_names

                raise ExportError(f"no assignment {name!r} in the gradebook (it has: {valid_names(known)})"
                                  f"{did_you_mean(name, known)}")
        students = sorted({s.id for s in gb.students} | set(extra_students))
        scores: list[Score] = []
        for name in chosen:
            assignment = gb.find_assignment(name)
            for student in students:
                try:
                    sub = gb.find_submission(name, student)
                except MissingEntry:
                    scores.append(Score(student, name, assignment.max_score, 0.0, submitted=False))
                    continue
                penalty = float(sub.late_submission_penalty or 0.0)
                raw = float(sub.score or 0.0)
                final = None if sub.needs_manual_grade else max(0.0, raw - penalty)
                stamp = sub.timestamp.isoformat(sep=" ") if sub.timestamp else ""
                scores.append(Score(student, name, assignment.max_score, final, raw, penalty, stamp))
        return chosen, scores
    finally:
        gb.close()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def render(fmt: str, assignments: list[str], scores: list[Score], roster: Roster | None,
           columns: dict[str, str] | None = None) -> Export:
    """The file for ``fmt``; ``columns``: an LMS column header per assignment (default: its name)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    headers = [(columns or {}).get(a, a) for a in assignments]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    result = Export("", 0)
    result.review = [f"{s.student_id} ({s.assignment})" for s in scores if s.score is None]
    result.absent = sum(not s.submitted for s in scores)
    if fmt == "csv":
        writer.writerow(PLAIN_FIELDS)
        for s in scores:
            writer.writerow([csv_cell(s.student_id), csv_cell(s.assignment), s.timestamp, _number(s.raw_score),
                             _number(s.penalty), _number(s.score), _number(s.max_score),
                             "yes" if s.score is None else "no"])
            result.rows += 1
        result.text = out.getvalue()
        return result
    if fmt == "canvas" and roster is None:
        raise ExportError("--format canvas needs --roster FILE: Canvas finds students by its own user id")
    by_student: dict[str, dict[str, Score]] = {}
    maxima: dict[str, float] = {}
    for s in scores:
        by_student.setdefault(s.student_id, {})[s.assignment] = s
        maxima[s.assignment] = s.max_score
    people = {p.student_id: p for p in roster.people} if roster else {}
    if fmt == "canvas":
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *headers])
        writer.writerow(["Points Possible", "", "", "", "", *(_number(maxima.get(a, 0.0)) for a in assignments)])
    else:
        writer.writerow(["Username", "Email address", *headers])
    for student, per in sorted(by_student.items()):
        person = people.get(student)
        if fmt == "canvas" and person is None:
            result.missing.append(student)
            continue
        marks = [_number(per[a].score) if a in per else "" for a in assignments]
        if fmt == "canvas":
            assert person is not None
            writer.writerow([csv_cell(person.name or student), person.lms_id, csv_cell(person.sis_user_id),
                             csv_cell(person.sis_login_id or student), csv_cell(person.section), *marks])
        else:
            username = (person.username if person and person.username else student)
            writer.writerow([csv_cell(username), csv_cell(person.email if person else ""), *marks])
        result.rows += 1
    result.text = out.getvalue()
    return result


def write(target: Path, export: Export) -> None:
    write_atomic(target, export.text)
