"""An append-only record of finished results (JSON lines, fsynced one by one).

It is what makes a batch idempotent and crash-safe: every result is on disk the moment it is
finished, and a re-run skips a submission whose content hash already has a graded or flagged result.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

DONE = ("graded", "flagged")


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.latest: dict[tuple[str, str], dict[str, Any]] = {}
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                    self.latest[(row["assignment"], row["student_id"])] = row
                except (ValueError, KeyError, TypeError):
                    continue  # a line torn by a crash: that result is simply graded again

    def finished(self, assignment: str, student_id: str, sha256: str) -> dict[str, Any] | None:
        row = self.latest.get((assignment, student_id))
        if row and row.get("sha256") == sha256 and row.get("status") in DONE:
            return row
        return None

    def record(self, outcome: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(outcome) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.latest[(outcome["assignment"], outcome["student_id"])] = outcome
