"""An append-only record of committed results (JSON lines, fsynced one by one).

It is what makes a batch idempotent and crash-safe: a result is appended only after the gradebook
committed it, and a re-run skips a submission whose content hash already has a graded or flagged
result. A SIGKILL between the commit and the append only means that submission is graded again (the
gradebook write overwrites, so nothing is duplicated). It is also the source ``grades.csv`` and the
batch report are rebuilt from, so results accumulate across batches and never shrink.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from autograder.outcome import Outcome

DONE = ("graded", "flagged")


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.latest: dict[tuple[str, str], Outcome] = {}
        if path.is_file():
            data = path.read_bytes()
            end = data.rfind(b"\n") + 1
            if end < len(data):  # a line torn by a crash: cut it, or the next append would join it
                with open(path, "r+b") as handle:
                    handle.truncate(end)
                    os.fsync(handle.fileno())
                data = data[:end]
            for line in data.decode("utf-8", "replace").splitlines():
                try:
                    row = Outcome.from_dict(json.loads(line))
                    self.latest[(row.assignment, row.student_id)] = row
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue  # a damaged line: that result is simply graded again

    def finished(self, assignment: str, student_id: str, sha256: str) -> Outcome | None:
        row = self.latest.get((assignment, student_id))
        if row is not None and row.sha256 == sha256 and row.status in DONE:
            return row
        return None

    def rows(self, assignment: str | None = None) -> list[Outcome]:
        """The latest result of every student (of ``assignment``, or of all), by assignment and student."""
        return [row for key, row in sorted(self.latest.items()) if assignment is None or key[0] == assignment]

    def record(self, outcome: Outcome) -> None:
        """One JSON line per result (:meth:`Outcome.to_dict`, without the executed notebooks)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(outcome.to_dict(notebooks=False)) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.latest[(outcome.assignment, outcome.student_id)] = outcome
