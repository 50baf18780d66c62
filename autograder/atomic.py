"""Writing a result file so a reader (or a crash) only ever sees the old or the new whole file."""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

from autograder.crashpoint import crashpoint


def write_atomic(path: Path, data: str | bytes) -> None:
    """Temp file in the same folder, fsync, rename over ``path``, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        crashpoint("before-rename")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):  # left by a process killed mid-write
        stale.unlink(missing_ok=True)
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
