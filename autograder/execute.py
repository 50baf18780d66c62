"""Running one prepared notebook in a sandboxed kernel with nbclient, under a per-cell and a
per-notebook timeout and an output budget. A timeout kills the whole kernel process tree (SIGKILL),
so code that ignores SIGINT stops too; the grader never relies on the kernel cooperating."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from traitlets import Any as TAny

from autograder.sandbox import Sandbox, kill_tree


class SandboxKernelManager(KernelManager):
    """A KernelManager whose kernel command goes through :meth:`Sandbox.wrap`."""

    sandbox = TAny()

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        self.sandbox.give(Path(self.connection_file))
        self.kernel_spec.interrupt_mode = "message"  # a signal would not cross into bwrap's pid namespace
        return self.sandbox.wrap([sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file])


class BudgetClient(NotebookClient):
    """nbclient with an output budget: past it, outputs are dropped (the kernel keeps running)."""

    output_budget = TAny(2 * 1024 * 1024)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.output_used = 0
        self.output_truncated = False

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
        size = len(json.dumps(msg.get("content", {}), default=str))
        self.output_used += size
        if self.output_used > self.output_budget:
            if not self.output_truncated:
                self.output_truncated = True
                outs.append(nbformat.v4.new_output(
                    "stream", name="stderr",
                    text=f"[autograder] output limit of {self.output_budget} bytes reached; further output dropped\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


@dataclass
class Execution:
    nb: nbformat.NotebookNode
    seconds: float = 0.0
    stopped: str | None = None  # why execution stopped early: timeout, kernel died...
    stopped_cell: int | None = None
    output_truncated: bool = False
    notes: list[str] = field(default_factory=list)


def run(nb: nbformat.NotebookNode, sandbox: Sandbox, *, cell_timeout: float, notebook_timeout: float,
        extra_pythonpath: list[Path] | None = None, startup_timeout: float = 60) -> Execution:
    """Execute every cell of ``nb`` (errors do not stop the run, as in nbgrader's autograde)."""
    sandbox.prepare()
    km = SandboxKernelManager(sandbox=sandbox, kernel_name="python3", transport="ipc",
                              ip=str(sandbox.workdir / "ipc"),
                              connection_file=str(sandbox.workdir / "kernel.json"))
    client = BudgetClient(nb, km=km, timeout=cell_timeout, allow_errors=True, interrupt_on_timeout=False,
                          startup_timeout=startup_timeout, record_timing=False, shutdown_kernel="immediate",
                          resources={"metadata": {"path": str(sandbox.workdir)}})
    client.output_budget = sandbox.limits.output_bytes
    result = Execution(nb)
    deadline_hit = threading.Event()

    def _kill() -> None:
        pid = km.provisioner.pid if km.provisioner is not None else None
        kill_tree(pid, sandbox.uid)

    def _watchdog() -> None:
        deadline_hit.set()
        _kill()

    timer = threading.Timer(notebook_timeout, _watchdog)
    start = time.monotonic()
    index = -1
    log = None
    try:
        log = open(sandbox.workdir.parent / "kernel.log", "wb")  # noqa: SIM115 - closed below
        with client.setup_kernel(env=sandbox.kernel_env(extra_pythonpath), stdout=subprocess.DEVNULL, stderr=log):
            timer.start()
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                client.execute_cell(cell, index)
                if deadline_hit.is_set():
                    raise DeadKernelError("notebook timeout")
    except CellTimeoutError:
        result.stopped, result.stopped_cell = f"timeout: a cell ran longer than {cell_timeout:g} s", index
    except DeadKernelError:
        if deadline_hit.is_set():
            result.stopped = f"timeout: the notebook ran longer than {notebook_timeout:g} s"
        else:
            result.stopped = "kernel died (it exited, crashed or hit the memory or process limit)"
        result.stopped_cell = index
    except RuntimeError as exc:  # kernel failed to start or to answer
        result.stopped = f"kernel error: {exc}; {_tail(sandbox.workdir.parent / 'kernel.log')}"[:500]
        result.stopped_cell = index
    finally:
        if log is not None:
            log.close()
        timer.cancel()
        _kill()
        result.seconds = time.monotonic() - start
        result.output_truncated = client.output_truncated
    if deadline_hit.is_set() and result.stopped is None:
        result.stopped = f"timeout: the notebook ran longer than {notebook_timeout:g} s"
    return result


def _tail(path: Path, limit: int = 300) -> str:
    try:
        return path.read_bytes()[-limit:].decode("utf-8", "replace").strip()
    except OSError:
        return ""
