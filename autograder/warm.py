"""One kernel made ready ahead per worker process, so a submission does not wait for a kernel to start and
import the course's libraries: while one notebook is scored, the next notebook's kernel starts in its own
fresh sandbox (new work dir, new uid) and imports what the assignment's locked cells import.

Isolation is unchanged: every kernel, ready ahead or not, runs exactly one notebook and is then killed;
nothing of one learner's kernel survives into another's. A kernel made ready for settings that no longer
match (other limits, paths or assignment) is stopped unused. All kernels live on one event loop thread
for the life of the process (bubblewrap's --die-with-parent watches the thread that started them).
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing import util as mp_util
from pathlib import Path
from typing import Any

import nbformat

from autograder.execute import Execution, Kernel, execute, start_kernel, stop_kernel, warmup_code

__all__ = ["Pool", "Ready", "close_all", "enabled", "imported_modules", "pool", "warmup_code"]
from autograder.sandbox import Sandbox


@dataclass
class Ready:
    """A kernel (or its start, still under way) and the scratch folder its sandbox lives in."""

    scratch: Path
    sandbox: Sandbox
    kernel: Future[Kernel]

    def run(self, nb: nbformat.NotebookNode, cell_timeout: float, notebook_timeout: float,
            env: dict[str, str] | None = None) -> Execution:
        """Run ``nb``; ``env``: the learner's own variables, set in the kernel before their first cell."""
        return _call(self._run(nb, cell_timeout, notebook_timeout, env))

    async def _run(self, nb: nbformat.NotebookNode, cell_timeout: float, notebook_timeout: float,
                   env: dict[str, str] | None) -> Execution:
        kernel = await asyncio.wrap_future(self.kernel)
        return await execute(kernel, nb, cell_timeout, notebook_timeout, env)

    def discard(self) -> None:
        """Stop the kernel unused and remove its folder."""
        try:
            kernel = self.kernel.result(timeout=120)
            if not kernel.used:
                _call(stop_kernel(kernel))
        except Exception:  # noqa: BLE001 - best effort: the kernel is gone either way
            pass
        self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


_LOOP: asyncio.AbstractEventLoop | None = None
_LOCK = threading.Lock()


def _loop() -> asyncio.AbstractEventLoop:
    global _LOOP
    with _LOCK:
        if _LOOP is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="autograder-kernels", daemon=True).start()
            _LOOP = loop
        return _LOOP


def _call(coro: Any) -> Any:
    return asyncio.run_coroutine_threadsafe(coro, _loop()).result()


def enabled() -> bool:
    """``AUTOGRADER_WARM=0`` turns kernels made ready ahead and the warm-up off (to measure, or to keep
    figures rendered in the autograded notebooks)."""
    return os.environ.get("AUTOGRADER_WARM", "1") != "0"


class Pool:
    """At most one kernel ready ahead, keyed by everything that shapes a kernel."""

    def __init__(self) -> None:
        self.ahead: tuple[Hashable, Ready] | None = None

    def take(self, key: Hashable, make: Callable[[Path], Sandbox], extra: list[Path], warmup: str) -> Ready:
        """The kernel made ready ahead for ``key``, or one started now (same path, no waiting saved)."""
        if self.ahead is not None:
            ahead_key, ready = self.ahead
            self.ahead = None
            if ahead_key == key:
                return ready
            ready.discard()
        return _start(make, extra, warmup)

    def prepare_next(self, key: Hashable, make: Callable[[Path], Sandbox], extra: list[Path], warmup: str) -> None:
        """Start the next kernel now, in the background, in a fresh sandbox."""
        if self.ahead is not None:
            self.ahead[1].discard()
        self.ahead = (key, _start(make, extra, warmup))

    def close(self) -> None:
        if self.ahead is not None:
            _, ready = self.ahead
            self.ahead = None
            ready.discard()


def _start(make: Callable[[Path], Sandbox], extra: list[Path], warmup: str) -> Ready:
    scratch = Path(tempfile.mkdtemp(prefix="ag-"))
    sandbox = make(scratch / "work")
    future = asyncio.run_coroutine_threadsafe(start_kernel(sandbox, extra, warmup=warmup), _loop())
    return Ready(scratch, sandbox, future)


_LOCAL = threading.local()
_POOLS: list[Pool] = []


def pool() -> Pool:
    """This thread's pool (a Dask worker grades in several threads; a process pool worker has one)."""
    current: Pool | None = getattr(_LOCAL, "pool", None)
    if current is None:
        current = _LOCAL.pool = Pool()
        with _LOCK:
            _POOLS.append(current)
        # a process pool worker leaves through multiprocessing's exit path, which skips atexit
        mp_util.Finalize(current, current.close, exitpriority=10)
    return current


def close_all() -> None:
    """Stop every kernel made ready and not used (at exit)."""
    with _LOCK:
        pools = list(_POOLS)
    for each in pools:
        each.close()


atexit.register(close_all)


def imported_modules(cells: list[nbformat.NotebookNode]) -> tuple[str, ...]:
    """The modules that trusted, instructor-written code ``cells`` import, in order."""
    found: list[str] = []
    for cell in cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
            found += [n for n in names if n not in found]
    return tuple(found)

