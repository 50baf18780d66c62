"""Running one prepared notebook in a sandboxed kernel with nbclient, under a per-cell and a
per-notebook timeout and an output budget. A timeout kills the whole kernel process tree (SIGKILL),
so code that ignores SIGINT stops too; the grader never relies on the kernel cooperating."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager, KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from traitlets import Any as TAny

from autograder.sandbox import Sandbox, kill_tree


class SandboxKernelManager(AsyncKernelManager):
    """A KernelManager whose kernel command goes through :meth:`Sandbox.wrap`."""

    sandbox = TAny()

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        self.sandbox.give(Path(self.connection_file))
        assert self.kernel_spec is not None  # loaded before the command is formatted
        self.kernel_spec.interrupt_mode = "message"  # a signal would not cross into bwrap's pid namespace
        return self.sandbox.wrap([sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file])


class BudgetClient(NotebookClient):
    """nbclient with an output budget: past it, outputs are dropped (the kernel keeps running)."""

    output_budget = TAny(2 * 1024 * 1024)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.output_used = 0
        self.output_truncated = False
        self.last_status: str | None = None

    async def _check_raise_for_error(self, cell: Any, cell_index: int, exec_reply: dict | None) -> None:
        """Remember how the kernel itself answered (ok/error): outputs may have been dropped."""
        self.last_status = (exec_reply or {}).get("content", {}).get("status")
        await super()._check_raise_for_error(cell, cell_index, exec_reply)

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
    replies: dict[int, str | None] = field(default_factory=dict)  # cell index -> execute_reply status


def run(nb: nbformat.NotebookNode, sandbox: Sandbox, *, cell_timeout: float, notebook_timeout: float,
        extra_pythonpath: list[Path] | None = None, startup_timeout: float = 60) -> Execution:
    """Execute every cell of ``nb`` (errors do not stop the run, as in nbgrader's autograde)."""
    return asyncio.run(_run(nb, sandbox, cell_timeout, notebook_timeout, extra_pythonpath, startup_timeout))


async def _run(nb: nbformat.NotebookNode, sandbox: Sandbox, cell_timeout: float, notebook_timeout: float,
               extra_pythonpath: list[Path] | None, startup_timeout: float) -> Execution:
    sandbox.prepare()
    km = SandboxKernelManager(sandbox=sandbox, kernel_name="python3", transport="ipc",
                              ip=str(sandbox.workdir / "ipc"),
                              connection_file=str(sandbox.workdir / "kernel.json"))
    client = BudgetClient(nb, km=km, timeout=cell_timeout, allow_errors=True, interrupt_on_timeout=False,
                          startup_timeout=startup_timeout, record_timing=False, shutdown_kernel="immediate",
                          resources={"metadata": {"path": str(sandbox.workdir)}})
    client.output_budget = sandbox.limits.output_bytes
    result = Execution(nb)
    start = time.monotonic()
    deadline = start + notebook_timeout
    index = -1
    log_path = sandbox.workdir.parent / "kernel.log"
    try:
        with open(log_path, "wb") as log:
            await client.async_start_new_kernel(env=sandbox.kernel_env(extra_pythonpath),
                                                stdout=subprocess.DEVNULL, stderr=log)
        await client.async_start_new_kernel_client()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _NotebookTimeout
            # nbclient's own cell timeout normally fires first; this hard limit does not trust it to
            budget = min(cell_timeout + 5, remaining)
            try:
                await asyncio.wait_for(client.async_execute_cell(cell, index), budget)
            except TimeoutError:
                if budget < cell_timeout + 5:
                    raise _NotebookTimeout from None
                raise CellTimeoutError(f"cell {index} timed out") from None
            result.replies[index] = client.last_status
    except _NotebookTimeout:
        result.stopped, result.stopped_cell = f"timeout: the notebook ran longer than {notebook_timeout:g} s", index
    except CellTimeoutError:
        result.stopped, result.stopped_cell = f"timeout: a cell ran longer than {cell_timeout:g} s", index
    except DeadKernelError:
        result.stopped = "kernel died (it exited, crashed or hit the memory or process limit)"
        result.stopped_cell = index
    except RuntimeError as exc:  # kernel failed to start or to answer
        result.stopped = f"kernel error: {exc}; {_tail(log_path)}"[:500]
        result.stopped_cell = index
    finally:
        pid = getattr(km.provisioner, "pid", None)  # LocalProvisioner's; None before the kernel started
        kill_tree(pid, sandbox.uid)
        try:
            await asyncio.wait_for(client._async_cleanup_kernel(), 10)
        except Exception:  # noqa: BLE001 - the kernel is already dead; cleanup is best effort
            pass
        _reap(km)
        result.seconds = time.monotonic() - start
        result.output_truncated = client.output_truncated
    return result


class _NotebookTimeout(Exception):
    pass


def _reap(km: KernelManager) -> None:
    """Collect the exit status of the killed kernel process (no zombies across hundreds of submissions)."""
    process = getattr(km.provisioner, "process", None) if km.provisioner is not None else None
    if process is not None:
        try:
            process.wait(timeout=5)
        except Exception:  # noqa: BLE001
            pass


def _tail(path: Path, limit: int = 300) -> str:
    try:
        return path.read_bytes()[-limit:].decode("utf-8", "replace").strip()
    except OSError:
        return ""
