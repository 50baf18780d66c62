"""nbgrader's collect step, refusing submissions made in another student's name.

With nbgrader's default exchange every student may write into ``inbound/``, and a submission's student is
read from its folder name (``<student>+<assignment>+<timestamp>+<random>``). ``nbgrader submit
--student alice`` run by bob therefore makes a folder that ``nbgrader collect`` files as alice's, and the
newest one wins: bob replaces alice's submission. nbgrader notices (the folder is owned by bob) but only
logs a warning. This collector, installed by the course's ``nbgrader_config.py``
(``c.ExchangeFactory.collect``), leaves such a folder out before choosing each student's newest
submission, with one error line naming the folder, its owner and the student it claims; the student's own
submissions are collected as usual. nbgrader leaves each submission folder writable by everyone (0777, so
the instructor can delete it; its random name hides it), so a folder holding a file someone else made is
left out the same way. Folders owned by the collecting instructor are trusted (students cannot make them).
"""

from __future__ import annotations

import glob
import os
import pwd
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import check_mode


def owner_of(path: str) -> str:
    """The user name owning ``path`` (its uid as text when the system does not know it)."""
    uid = os.stat(path, follow_symlinks=False).st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


class OwnerCheckedCollect(ExchangeCollect):
    """``nbgrader collect`` that only collects a student's submission from folders the student owns."""

    def _trusted(self, record: dict[str, Any]) -> bool:
        path = os.path.join(self.inbound_path, record["filename"])
        try:
            owner = owner_of(path)
        except OSError as exc:
            self.log.error("not collected: %s cannot be read (%s)", path, exc.strerror)
            return False
        trusted = (record["username"], pwd.getpwuid(os.getuid()).pw_name)
        if owner in trusted:
            for folder, dirs, files in os.walk(path):
                for entry in dirs + files:
                    inner = os.path.join(folder, entry)
                    maker = owner_of(inner)
                    if maker not in trusted:
                        self.log.error("not collected: %s holds %s, made by %s, not by %s", path,
                                       os.path.relpath(inner, path), maker, record["username"])
                        return False
            return True
        self.log.error("not collected: %s claims to be %s's submission but %s made it (owner); "
                       "%s's own submissions are collected as usual", path, record["username"], owner,
                       record["username"])
        return False

    def init_src(self) -> None:
        """nbgrader 0.9's ``ExchangeCollect.init_src`` with the owner check before the newest is chosen."""
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        records = [self._path_to_record(f) for f in glob.glob(pattern)]
        records = [r for r in records if self._trusted(r)]
        usergroups = groupby(records, lambda item: item["username"])
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        if self.duedate is None or not self.before_duedate:
            self.src_records = [self._sort_by_timestamp(v)[0] for v in usergroups.values()]
            return
        self.src_records = []
        for group in usergroups.values():
            ordered = self._sort_by_timestamp(group)
            before = [r for r in ordered if r["timestamp"] <= self.duedate]
            self.src_records.append(before[0] if before else ordered[0])
