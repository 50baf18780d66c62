"""A test hook: ``AUTOGRADER_CRASH_AT=<point>:<n>`` SIGKILLs this process the n-th time it reaches
``point`` (``after-commit``, ``after-ledger``, ``before-rename``), so tests can prove that a kill at any
of those moments loses and duplicates nothing. Inert (one dictionary look-up) unless the variable is set.
"""

from __future__ import annotations

import os
import signal

_counts: dict[str, int] = {}


def crashpoint(point: str) -> None:
    wanted = os.environ.get("AUTOGRADER_CRASH_AT")
    if not wanted:
        return
    name, _, nth = wanted.partition(":")
    if name != point:
        return
    _counts[point] = _counts.get(point, 0) + 1
    if _counts[point] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
