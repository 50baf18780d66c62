"""The small files nbgrader keeps next to a submission, written where nbgrader's own commands expect them.

``nbgrader autograde`` copies a submission's ``timestamp.txt`` and ``submission_secret.txt`` into
``autograded/<student>/<assignment>/`` and ``generate_feedback`` copies them on into
``feedback/<student>/<assignment>/``; ``nbgrader release_feedback`` reads both there (the secret names the
student's feedback file in the exchange) and stops with ``FileNotFoundError`` when one is missing. Since
``aws-course grade`` replaces both steps, it writes them itself. A submission that did not come through the
exchange (a folder of notebooks, an LMS zip) has neither: it gets the grading time and a fresh secret, so
``release_feedback`` still runs for everyone (nobody can fetch that feedback through the exchange; hand it
out through the LMS).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

from autograder.atomic import write_atomic

TIMESTAMP = "timestamp.txt"
SECRET = "submission_secret.txt"


def now_text() -> str:
    """A timestamp as ``nbgrader submit`` writes one."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def write_beside(folder: Path, timestamp: str | None, secret: str | None) -> None:
    """``timestamp.txt`` and ``submission_secret.txt`` in ``folder`` (created if needed)."""
    write_atomic(folder / TIMESTAMP, (timestamp or now_text()).strip())
    write_atomic(folder / SECRET, (secret or secrets.token_hex(64)).strip())


def copy_beside(source: Path, target: Path) -> None:
    """The two files from ``source`` into ``target`` (autograded/ to feedback/), when ``target`` exists."""
    if not target.is_dir():
        return
    for name in (TIMESTAMP, SECRET):
        if (source / name).is_file():
            write_atomic(target / name, (source / name).read_text(encoding="utf-8", errors="replace"))
