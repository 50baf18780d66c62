"""Student ids from the file names of an LMS's "download all submissions" zip.

nbgrader's way (``zip_collect`` with its ``FileNameCollectorPlugin``): a named-group regular expression
applied to each file name gives the student's identifier; here that identifier is the LMS's own user number,
which the roster (:mod:`autograder.roster`) maps to the nbgrader student id. The documented names:

- Canvas: ``<lastfirst>_<user id>_<submission id>_<file name>``, with ``LATE_`` before the user id for a
  late submission (``doejane_LATE_4021_99812_10-customer-engagement.ipynb``); a resubmitted file's own
  name may end in ``-1``, ``-2``...
- Moodle: ``<Full Name>_<participant id>_assignsubmission_file_<file name>``, or, with "Download
  submissions in folders", a folder ``<Full Name>_<participant id>_assignsubmission_file/`` holding the file.

A name that does not follow the pattern, or a user missing from the roster, is refused with a one-line reason
(its own ``failed`` row); the rest of the batch is graded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nbgrader.plugins import FileNameCollectorPlugin

if TYPE_CHECKING:  # the roster module reads ids with the intake's rules: import it for types only
    from autograder.roster import Roster

PATTERNS = {
    "canvas": r"(?P<name>[^_]+)_(?:(?P<late>LATE)_)?(?P<lms_id>[0-9]+)_(?P<submission_id>[0-9]+)_(?P<file_id>.+)$",
    "moodle": r"(?P<name>.+)_(?P<lms_id>[0-9]+)_assignsubmission_file(?:_(?P<file_id>.+)|/)$",
}
SHAPES = {
    "canvas": "<lastfirst>_<user id>_<submission id>_<file>.ipynb (LATE_ before the user id when late)",
    "moodle": "<Full Name>_<participant id>_assignsubmission_file_<file>.ipynb, or a folder "
              "<Full Name>_<participant id>_assignsubmission_file/",
}
LMS_NAMES = {"canvas": "Canvas", "moodle": "Moodle"}
_QUIET = logging.getLogger("autograder.intake.lms")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


@dataclass(frozen=True)
class Mapped:
    student_id: str | None  # None when the name cannot be mapped
    problem: str | None = None  # why not (one line)
    late: bool = False  # Canvas marked the file LATE


class LmsNames:
    """Maps top-level entry names of an LMS download to student ids through the roster."""

    def __init__(self, lms: str, roster: Roster) -> None:
        if lms not in PATTERNS:
            raise ValueError(f"unknown LMS {lms!r}: one of {', '.join(PATTERNS)}")
        self.lms = lms
        self.roster = roster
        # nbgrader's collector plugin; '' lets a Moodle folder name (no extension) through
        self.plugin = FileNameCollectorPlugin(named_regexp=PATTERNS[lms], valid_ext=[".ipynb", ""],
                                              log=_QUIET)

    def map(self, stem: str, folder: bool = False) -> Mapped:
        """``stem``: a top-level name of the download without its ``.ipynb`` (in any case); ``folder``:
        whether it is a folder (Moodle's)."""
        lms = LMS_NAMES[self.lms]
        # a folder is matched with a trailing '/', so a dot in a name ("J. Doe") is no file extension
        found = self.plugin.collect(stem + ("/" if folder else ".ipynb"))
        if not found or not found.get("lms_id"):
            return Mapped(None, f"not a {lms} download name ({SHAPES[self.lms]}); rename it to "
                                "<student id>.ipynb and grade it on its own")
        person = self.roster.by_lms_id(found["lms_id"])
        if person is None:
            return Mapped(None, f"{lms} user {found['lms_id']} is not in the roster {self.roster.path.name}; "
                                "add a row for them and grade again")
        return Mapped(person.student_id, None, bool(found.get("late")))
