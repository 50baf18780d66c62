"""Running one prepared notebook in a sandboxed kernel with nbclient, under a per-cell and a
per-notebook timeout and an output budget. A timeout kills the whole kernel process tree (SIGKILL),
so code that ignores SIGINT stops too; the grader never relies on the kernel cooperating.

The output budget covers everything the kernel sends on IOPub, not only outputs: display updates,
widget comm messages (never stored: the grader has no use for widget state) and any other type.
Unknown message types are dropped. Below nbclient, the ZeroMQ sockets refuse any single frame larger
than a few budgets (the kernel is disconnected and reconnected, the message lost) and queue a bounded
number of messages, so nothing the kernel sends is held without a bound."""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
import zmq
import zmq.asyncio
from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from traitlets import Any as TAny

from autograder import mplcache
from autograder.prepare import role
from autograder.sandbox import Sandbox, kill_tree


class SandboxKernelManager(AsyncKernelManager):
    """A KernelManager whose kernel command goes through :meth:`Sandbox.wrap`."""

    sandbox = TAny()
    client_context = TAny(None)  # our own ZeroMQ context for the client, with size limits on every socket

    def client(self, **kwargs: Any) -> Any:
        """A client whose sockets drop oversized frames and hold a bounded queue (see :func:`message_limit`)."""
        ctx = zmq.asyncio.Context()
        ctx.setsockopt(zmq.MAXMSGSIZE, message_limit(self.sandbox.limits.output_bytes))
        ctx.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE)
        self.client_context = ctx
        return super().client(context=ctx, **kwargs)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        self.sandbox.give(Path(self.connection_file))
        assert self.kernel_spec is not None  # loaded before the command is formatted
        self.kernel_spec.interrupt_mode = "message"  # a signal would not cross into bwrap's pid namespace
        return self.sandbox.wrap([sys.executable, "-c", KERNEL_LAUNCHER, "-f", self.connection_file])


# ipykernel_launcher, minus what a grading kernel never uses: ipykernel imports the debugger (debugpy and its
# vendored pydevd, ~0.1 s CPU per kernel) at start-up; made unimportable while the kernel starts, importable
# again before the first cell. The IPython history database is off: no SQLite file and no writer thread.
KERNEL_LAUNCHER = (
    "import sys\n"
    "sys.modules['debugpy'] = None\n"
    "from ipykernel.kernelapp import IPKernelApp\n"
    "app = IPKernelApp.instance()\n"
    "app.initialize(sys.argv[1:] + ['--HistoryManager.enabled=False'])\n"
    "del sys.modules['debugpy']\n"
    "app.start()\n"
)


RECEIVE_QUEUE = 16  # messages ZeroMQ may hold for us on each socket before the kernel's side drops them
# What nbclient may turn into notebook content or act on; anything else from the kernel is dropped.
KNOWN_IOPUB = frozenset({"status", "execute_input", "stream", "display_data", "execute_result", "error",
                         "update_display_data", "clear_output", "comm_open", "comm_msg", "comm_close"})


def message_limit(output_bytes: int) -> int:
    """The largest single ZeroMQ frame the grader accepts: above the whole output budget, so a message that
    would blow it still arrives and is counted (and noted), but a frame cannot be gigabytes."""
    return 4 * output_bytes + 1024 * 1024


class BudgetClient(NotebookClient):
    """nbclient with an output budget that every IOPub message counts against: past it, messages are
    read and dropped (the kernel keeps running). Widget comms are counted and never stored."""

    output_budget = TAny(2 * 1024 * 1024)
    store_widget_state = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.output_used = 0
        self.output_truncated = False
        self.last_status: str | None = None
        self.messages_seen = 0
        self.messages_dropped = 0  # unknown message types
        self.frames_refused = 0  # IOPub connections ZeroMQ dropped over an oversized frame
        self._monitor: Any = None

    async def async_start_new_kernel_client(self) -> Any:
        kc = await super().async_start_new_kernel_client()
        self._watch_iopub()
        return kc

    def _watch_iopub(self) -> None:
        assert self.kc is not None
        self._monitor = self.kc.iopub_channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)

    async def async_execute_cell(self, cell: Any, cell_index: int, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        finally:
            await self._after_cell(cell)

    async def _after_cell(self, cell: Any) -> None:
        """An oversized frame makes ZeroMQ drop the IOPub connection: note it, and connect a fresh socket
        so the following cells' outputs arrive again."""
        if self._monitor is None or self.kc is None:
            return
        refused = 0
        while True:
            try:
                await self._monitor.recv_multipart(flags=zmq.NOBLOCK)
                refused += 1
            except zmq.Again:
                break
        if not refused:
            return
        self.frames_refused += refused
        cell.outputs.append(nbformat.v4.new_output(
            "stream", name="stderr",
            text=f"[autograder] a kernel message over {message_limit(self.output_budget)} bytes was refused\n"))
        self._monitor.close(linger=0)
        self.kc.iopub_channel.close()
        self.kc._iopub_channel = None
        self._watch_iopub()
        await asyncio.sleep(0.2)  # let the new subscription reach the kernel before the next cell

    async def _check_raise_for_error(self, cell: Any, cell_index: int, exec_reply: dict | None) -> None:
        """Remember how the kernel itself answered (ok/error): outputs may have been dropped."""
        self.last_status = (exec_reply or {}).get("content", {}).get("status")
        await super()._check_raise_for_error(cell, cell_index, exec_reply)

    def process_message(self, msg: dict, cell: Any, cell_index: int) -> Any:
        msg_type = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
        if msg_type == "status":
            return super().process_message(msg, cell, cell_index)  # idle ends the cell: never dropped
        self.messages_seen += 1
        if not self._charge(msg, cell.outputs, self._copies(msg, msg_type)):
            return None
        if msg_type not in KNOWN_IOPUB:
            self.messages_dropped += 1
            return None
        if msg_type.startswith("comm"):
            return None  # counted above; the grader runs no widgets and keeps no comm state
        return super().process_message(msg, cell, cell_index)

    def _copies(self, msg: dict, msg_type: str | None) -> int:
        """How many outputs ``msg`` becomes: a display update rewrites every output with its display id."""
        if msg_type not in ("display_data", "execute_result", "update_display_data"):
            return 1
        transient = msg.get("content", {}).get("transient") or {}
        display_id = transient.get("display_id") if isinstance(transient, dict) else None
        if not display_id:
            return 1
        existing = sum(len(indices) for indices in self._display_id_map.get(display_id, {}).values())
        return existing + (msg_type != "update_display_data")

    def _charge(self, msg: dict, outs: list, copies: int = 1) -> bool:
        """Count ``msg`` (``copies`` times) against the budget; False (and a one-time note) once it is spent."""
        if self.output_truncated:
            return False
        size = len(json.dumps(msg.get("content", {}), default=str))
        size += sum(len(b) for b in msg.get("buffers") or ())
        self.output_used += size * max(copies, 1)
        if self.output_used <= self.output_budget:
            return True
        self.output_truncated = True
        outs.append(nbformat.v4.new_output(
            "stream", name="stderr",
            text=f"[autograder] output limit of {self.output_budget} bytes reached; further output dropped\n"))
        return False


@dataclass
class Execution:
    nb: nbformat.NotebookNode
    seconds: float = 0.0
    stopped: str | None = None  # why execution stopped early: timeout, kernel died...
    stopped_cell: int | None = None
    output_truncated: bool = False
    frames_refused: int = 0  # kernel messages over the frame limit (see :func:`message_limit`)
    replies: dict[int, str | None] = field(default_factory=dict)  # cell index -> execute_reply status


# A 1x1 transparent PNG: what a figure saved as PNG becomes while grading (no score depends on a picture).
BLANK_PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                          "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")


# The attribute that marks a function whose figure instructor cells ask for only to show it as a PNG
# (``course.figures.figure_maker``; the kernel's copy of ``course`` is not imported here).
FIGURE_MARK = "__course_figure__"
WARMUP_SOURCE = (Path(__file__).with_name("kernel_warmup.py")).read_text(encoding="utf-8")


def warmup_code(modules: tuple[str, ...], release_cells: tuple[str, ...] = ()) -> str:
    """What a fresh kernel runs before the learner's first cell (silently, outside the notebook, in a namespace
    of its own): :mod:`autograder.kernel_warmup` with the modules to import, the release's locked cells
    (``release_cells``, as SHA-256 digests: only their exact text counts as an instructor cell) and the figure
    makers. Learner code may undo any of it; that only costs time, never a score."""
    release = {hashlib.sha256(text.encode()).hexdigest() for text in release_cells}
    args = f"{list(modules)!r}, {BLANK_PNG!r}, {release!r}, {FIGURE_MARK!r}"
    return (f"(lambda ns: (exec(compile({WARMUP_SOURCE!r}, '<autograder warm-up>', 'exec'), ns), "
            f"ns['autograder_warm']({args})))({{'__name__': 'autograder_warmup'}})\n")


@dataclass
class Kernel:
    """A started kernel in its own fresh sandbox, for exactly one notebook: :func:`execute` stops it."""

    sandbox: Sandbox
    km: SandboxKernelManager
    client: BudgetClient
    log_path: Path
    error: str | None = None  # why it could not start (then ``execute`` reports it and runs nothing)
    used: bool = False


async def start_kernel(sandbox: Sandbox, extra_pythonpath: list[Path] | None = None, startup_timeout: float = 60,
                       warmup: str | None = None) -> Kernel:
    """Start (and warm up) a kernel in ``sandbox``; a failure is kept in :attr:`Kernel.error`, not raised."""
    sandbox.prepare()
    mplcache.install(sandbox)
    km = SandboxKernelManager(sandbox=sandbox, kernel_name="python3", transport="ipc",
                              ip=str(sandbox.workdir / "ipc"),
                              connection_file=str(sandbox.workdir / "kernel.json"))
    client = BudgetClient(nbformat.v4.new_notebook(), km=km, allow_errors=True, interrupt_on_timeout=False,
                          startup_timeout=startup_timeout, record_timing=False, shutdown_kernel="immediate",
                          resources={"metadata": {"path": str(sandbox.workdir)}})
    client.output_budget = sandbox.limits.output_bytes
    kernel = Kernel(sandbox, km, client, sandbox.workdir.parent / "kernel.log")
    try:
        with open(kernel.log_path, "wb") as log:
            await client.async_start_new_kernel(env=sandbox.kernel_env(extra_pythonpath),
                                                stdout=subprocess.DEVNULL, stderr=log)
        await client.async_start_new_kernel_client()
        if warmup:
            await asyncio.wait_for(_silently(client, warmup), startup_timeout)
    except Exception as exc:  # noqa: BLE001 - failed to start or to answer: the notebook reports it
        kernel.error = f"kernel error: {exc or type(exc).__name__}; {_tail(kernel.log_path)}"[:500]
    return kernel


async def _silently(client: BudgetClient, code: str) -> str | None:
    """Run ``code`` without a cell: no execution count, no history (so learner code cannot read it back from
    ``In``), its output never read into the notebook. Returns the reply's status; a dead kernel raises."""
    assert client.kc is not None and client.km is not None
    msg_id = client.kc.execute(code, silent=True, store_history=False)
    while True:
        try:
            reply = await client.kc._async_get_shell_msg(timeout=1)
        except Empty:
            if not await ensure_async(client.km.is_alive()):
                raise DeadKernelError("kernel died") from None
            continue
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            status = reply.get("content", {}).get("status")
            return status if isinstance(status, str) else None


async def execute(kernel: Kernel, nb: nbformat.NotebookNode, cell_timeout: float,
                  notebook_timeout: float, env: dict[str, str] | None = None) -> Execution:
    """Execute every cell of ``nb`` in ``kernel`` (errors do not stop the run, as in nbgrader's autograde),
    then stop the kernel for good: a kernel runs one notebook only. ``env`` is put into the kernel's
    ``os.environ`` silently before the first cell (a kernel made ahead started before its learner was known)."""
    if kernel.used:
        raise RuntimeError("a kernel runs exactly one notebook")
    kernel.used = True
    client = kernel.client
    client.nb, client.timeout = nb, max(1, math.ceil(cell_timeout))  # nbclient's trait is whole seconds
    result = Execution(nb)
    start = time.monotonic()
    deadline = start + notebook_timeout
    index = -1
    try:
        if kernel.error is not None:
            result.stopped = kernel.error
            return result
        if env:
            values = {str(k): str(v) for k, v in env.items()}  # repr() of str is an exact Python literal
            try:
                await asyncio.wait_for(_silently(client, f"__import__('os').environ.update({values!r})"),
                                       cell_timeout)
            except TimeoutError:
                raise CellTimeoutError("setting the learner's variables timed out") from None
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _NotebookTimeout
            # nbclient's own cell timeout normally fires first; this hard limit does not trust it to
            budget = min(cell_timeout + 5, remaining)
            try:
                if role(cell) == "extract":  # the grader's own read-out: one silent request, not a cell
                    result.replies[index] = await asyncio.wait_for(_silently(client, cell.source), budget)
                    continue
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
    except RuntimeError as exc:  # kernel failed to answer
        result.stopped = f"kernel error: {exc}; {_tail(kernel.log_path)}"[:500]
        result.stopped_cell = index
    finally:
        await stop_kernel(kernel)
        result.seconds = time.monotonic() - start
        result.output_truncated = client.output_truncated
        result.frames_refused = client.frames_refused
    return result


async def stop_kernel(kernel: Kernel) -> None:
    """SIGKILL the kernel's whole tree and reap it (also for a kernel made ready but never used)."""
    km, client = kernel.km, kernel.client
    pid = getattr(km.provisioner, "pid", None)  # LocalProvisioner's; None before the kernel started
    kill_tree(pid, kernel.sandbox.uid)
    try:
        await asyncio.wait_for(client._async_cleanup_kernel(), 10)
    except Exception:  # noqa: BLE001 - the kernel is already dead; cleanup is best effort
        pass
    _reap(km)
    if km.client_context is not None:
        km.client_context.destroy(linger=0)
        km.client_context = None


def run(nb: nbformat.NotebookNode, sandbox: Sandbox, *, cell_timeout: float, notebook_timeout: float,
        extra_pythonpath: list[Path] | None = None, startup_timeout: float = 60) -> Execution:
    """Start a kernel in ``sandbox`` and execute every cell of ``nb`` in it (no kernel made ready ahead)."""

    async def both() -> Execution:
        kernel = await start_kernel(sandbox, extra_pythonpath, startup_timeout)
        return await execute(kernel, nb, cell_timeout, notebook_timeout)

    return asyncio.run(both())


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
