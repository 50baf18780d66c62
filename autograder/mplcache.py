"""matplotlib's font list for every kernel, built once per grader process instead of once per kernel.

Each kernel has a fresh, empty ``MPLCONFIGDIR`` (its work dir), so its first matplotlib import scans the
fonts (``fc-list`` in a subprocess, then every font file) and writes ``fontlist-*.json``: 0.1-0.2 s CPU of
every kernel that imports matplotlib. The grader builds that list once, by importing matplotlib's font
manager in a sandbox made like the kernels' (same binds, limits and environment; no learner code), and
copies the files into each new kernel's own ``MPLCONFIGDIR`` before it starts. Each kernel gets its own copy,
owned by its own uid: nothing written by one kernel reaches another. If the build fails (no matplotlib),
kernels build their own list as before.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

from autograder.sandbox import Sandbox, sandbox_uid

BUILD = "import matplotlib.font_manager"
_LOCK = threading.Lock()
_BUILT: dict[bool, list[tuple[str, bytes]]] = {}  # use_bwrap -> [(file name, content)]


def config_dir(sandbox: Sandbox) -> Path:
    """The kernel's ``MPLCONFIGDIR`` (see :meth:`Sandbox.kernel_env`)."""
    return Path(sandbox.kernel_env()["MPLCONFIGDIR"])


def _build(like: Sandbox) -> list[tuple[str, bytes]]:
    scratch = Path(tempfile.mkdtemp(prefix="ag-mpl-"))
    try:
        box = replace(like, workdir=scratch / "work", uid=sandbox_uid(like.use_bwrap), env={})
        box.prepare()
        proc = subprocess.run(box.wrap([sys.executable, "-c", BUILD]), env=box.kernel_env(), cwd=box.workdir,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        folder = config_dir(box)
        if proc.returncode != 0 or not folder.is_dir():
            return []
        return [(p.name, p.read_bytes()) for p in sorted(folder.glob("fontlist-*.json")) if p.is_file()]
    except (OSError, subprocess.SubprocessError):
        return []
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def install(sandbox: Sandbox) -> bool:
    """Put the font list into ``sandbox``'s fresh ``MPLCONFIGDIR`` (after :meth:`Sandbox.prepare`)."""
    with _LOCK:
        files = _BUILT.get(sandbox.use_bwrap)
        if files is None:
            files = _BUILT[sandbox.use_bwrap] = _build(sandbox)
    if not files:
        return False
    folder = config_dir(sandbox)
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        for name, content in files:
            (folder / name).write_bytes(content)
            sandbox.give(folder / name)
        sandbox.give(folder)
    except OSError:  # the kernel builds its own list, as without this
        return False
    return True
