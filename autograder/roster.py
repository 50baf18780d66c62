"""The class roster: which LMS user is which nbgrader student, read from one CSV file.

An LMS names people by its own numbers (Canvas user ids, Moodle participant ids) while nbgrader, the hub
and the gradebook use the student id (usually the hub login). The roster maps one to the other, for both
directions: submission downloads in (:mod:`autograder.intake.lms`) and grade files out
(:mod:`autograder.export`). Two layouts are read:

- the course's own: a header with ``student_id`` and ``lms_id`` and, optionally, ``name``, ``email``,
  ``username``, ``sis_user_id``, ``sis_login_id``, ``section`` (any order, any case);
- Canvas's gradebook export as downloaded (``Student, ID, SIS User ID, SIS Login ID, Section, ...``): the
  Canvas ``ID`` is the LMS id and ``SIS Login ID`` the student id (the institution login a hub uses).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from autograder.intake.names import id_problem

OPTIONAL = ("name", "email", "username", "sis_user_id", "sis_login_id", "section")
CANVAS_COLUMNS = {"Student": "name", "ID": "lms_id", "SIS User ID": "sis_user_id", "SIS Login ID": "sis_login_id",
                  "Section": "section"}
MAX_BYTES = 20 * 1024 * 1024


class RosterError(ValueError):
    """The roster file cannot be used; the message names the file, the line and what to change."""


@dataclass(frozen=True)
class Person:
    student_id: str
    lms_id: str
    name: str = ""
    email: str = ""
    username: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""


@dataclass(frozen=True)
class Roster:
    path: Path
    people: tuple[Person, ...]

    def by_lms_id(self, lms_id: str) -> Person | None:
        return next((p for p in self.people if p.lms_id == lms_id), None)

    def by_student(self, student_id: str) -> Person | None:
        return next((p for p in self.people if p.student_id == student_id), None)


def _rows(path: Path) -> list[list[str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise RosterError(f"{path}: {len(data)} bytes, more than a roster ({MAX_BYTES} bytes at most)")
    try:
        text = data.decode("utf-8-sig")  # Excel and the LMSs write a byte-order mark
    except UnicodeDecodeError as exc:
        raise RosterError(f"{path}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None
    try:
        return [row for row in csv.reader(text.splitlines()) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise RosterError(f"{path}: not a CSV file ({exc})") from None


def load(path: Path) -> Roster:
    """Read a roster in either layout; every problem is a :class:`RosterError` naming the file and line."""
    rows = _rows(path)
    if not rows:
        raise RosterError(f"{path}: empty; a roster needs a header row with student_id and lms_id")
    header = [cell.strip() for cell in rows[0]]
    lowered = [cell.lower() for cell in header]
    if "student_id" in lowered and "lms_id" in lowered:
        columns = {name: lowered.index(name) for name in ("student_id", "lms_id", *OPTIONAL) if name in lowered}
    elif all(name in header for name in ("Student", "ID", "SIS Login ID")):
        columns = {field: header.index(col) for col, field in CANVAS_COLUMNS.items() if col in header}
        columns["student_id"] = header.index("SIS Login ID")
    else:
        raise RosterError(f"{path}: the header has neither student_id and lms_id nor Canvas's Student, ID and "
                          f"SIS Login ID columns (found: {', '.join(header[:8])})")
    people: list[Person] = []
    seen_ids: dict[str, int] = {}
    seen_lms: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        values = {field: (row[i].strip() if i < len(row) else "") for field, i in columns.items()}
        name = values.get("name", "").lower()
        if name == "points possible" or (name == "test student" and not values["student_id"]):
            continue  # rows of a Canvas export that are not people (the points row, Canvas's student view)
        where = f"{path}, line {line}"
        if not values["lms_id"]:
            raise RosterError(f"{where}: no LMS id for {values['student_id'] or 'this row'}")
        if not values["student_id"]:
            raise RosterError(f"{where}: no student id for LMS id {values['lms_id']}")
        problem = id_problem(values["student_id"])
        if problem:
            raise RosterError(f"{where}: {problem}")
        for key, seen in (("student_id", seen_ids), ("lms_id", seen_lms)):
            if values[key] in seen:
                raise RosterError(f"{where}: {key} {values[key]} is also on line {seen[values[key]]}")
            seen[values[key]] = line
        people.append(Person(**values))
    if not people:
        raise RosterError(f"{path}: no students below the header")
    return Roster(path, tuple(people))
