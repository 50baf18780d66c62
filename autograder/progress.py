"""A one-line progress bar with an ETA on a terminal; silent otherwise (CI)."""

from __future__ import annotations

import sys
import time

from autograder.escape import plain
from autograder.outcome import Outcome


class Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled, self.done, self.start = total, enabled and total > 0, 0, time.monotonic()

    def step(self, outcome: Outcome) -> None:
        self.done += 1
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        width = 30
        filled = int(width * self.done / self.total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                         f"ETA {eta:5.0f}s  {plain(outcome.student_id)[:20]:<20}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
