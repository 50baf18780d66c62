"""The trusted checkers run in a helper process with a time and a memory budget per question.

A learner's answer is data, but judging it is code: a policy with a pathological wildcard, a huge table
or a checker bug can take minutes or gigabytes. So the grader never runs a checker in its own process. A
helper process (one per grading worker, started while the kernel runs, reused across submissions)
reads the answer file the kernel wrote, decodes it and runs the checkers, one question per request.
Its address space is capped with ``RLIMIT_AS``; the grader waits at most ``seconds`` for each reply.
A question that blows either budget is killed with its helper, scores 0 with the reason, and the
next question gets a fresh helper: one bad answer never stops the submission, let alone the batch.

Requests (grader -> helper) are pickles of trusted data (exercise id, file path, hidden cases from the
source notebook); replies (helper -> grader) are JSON, so nothing the learner influences is unpickled.
"""

from __future__ import annotations

import atexit
import json
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

_HEADER = struct.Struct(">Q")
MAX_REPLY_BYTES = 16 * 1024 * 1024
STARTUP_SECONDS = 120.0


@dataclass(frozen=True)
class Budget:
    """Per question: wall seconds for all its checker calls, and memory beyond the helper's own start-up size."""

    seconds: float = 10.0
    memory_bytes: int = 1024**3

    @classmethod
    def from_env(cls) -> Budget:
        """``AUTOGRADER_CHECK_SECONDS`` and ``AUTOGRADER_CHECK_MEMORY_MB`` override the defaults."""
        default = cls()
        try:
            seconds = float(os.environ.get("AUTOGRADER_CHECK_SECONDS", default.seconds))
            megabytes = int(os.environ.get("AUTOGRADER_CHECK_MEMORY_MB", default.memory_bytes // 1024**2))
        except ValueError as exc:
            raise ValueError(f"AUTOGRADER_CHECK_SECONDS / AUTOGRADER_CHECK_MEMORY_MB must be numbers: {exc}") from None
        return cls(seconds, megabytes * 1024**2)


class BudgetExceeded(Exception):
    """The trusted check of one question took too long, used too much memory or crashed its helper."""


# --- the grader side ---------------------------------------------------------------------------


class Scorer:
    """A helper process that runs trusted checks under a :class:`Budget`; restarted after a blown budget."""

    def __init__(self, budget: Budget, paths: tuple[str, ...] = (), modules: tuple[str, ...] = ()) -> None:
        self.budget = budget
        self.paths = paths
        self.modules = modules
        self.proc: subprocess.Popen[bytes] | None = None
        self.ready = False

    def start(self) -> None:
        """Start the helper now (it imports the checkers while the caller does something else)."""
        if self.proc is not None and self.proc.poll() is None:
            return
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder.scorer"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                     start_new_session=True)
        self.ready = False
        _write(self.proc.stdin, pickle.dumps({"paths": list(self.paths), "modules": list(self.modules),
                                              "memory_bytes": self.budget.memory_bytes}))

    def check(self, request: dict[str, Any]) -> dict[str, Any]:
        """One question's reply; :class:`BudgetExceeded` (helper killed) when it blows the budget."""
        self.start()
        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        if not self.ready:
            hello = self._read(STARTUP_SECONDS)
            if hello is None or hello.get("ready") is not True:
                self.stop()
                raise BudgetExceeded(f"the trusted checker could not start: {(hello or {}).get('error', 'no reply')}")
            self.ready = True
        try:
            _write(self.proc.stdin, pickle.dumps(request))
        except (BrokenPipeError, OSError):
            self.stop()
            raise BudgetExceeded("the trusted checker stopped unexpectedly") from None
        try:
            reply = self._read(self.budget.seconds)
        except TimeoutError:
            self.stop()
            raise BudgetExceeded(f"took more than {self.budget.seconds:g} s") from None
        if reply is None:
            try:
                code: int | None = self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
            self.stop()
            how = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
            raise BudgetExceeded(f"crashed the checker ({how}; the memory budget is "
                                 f"{self.budget.memory_bytes // 1024**2} MiB)")
        if "blown" in reply:
            self.stop()
            raise BudgetExceeded(str(reply["blown"]))
        return reply

    def _read(self, seconds: float) -> dict[str, Any] | None:
        """One JSON frame within ``seconds`` (TimeoutError), or None when the helper died or spoke nonsense."""
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + seconds
        header = _read_exact(fd, _HEADER.size, deadline)
        if header is None:
            return None
        (size,) = _HEADER.unpack(header)
        if size > MAX_REPLY_BYTES:
            return {"blown": f"produced a result larger than {MAX_REPLY_BYTES // 1024**2} MiB"}
        body = _read_exact(fd, size, deadline)
        if body is None:
            return None
        try:
            reply = json.loads(body)
        except ValueError:
            return None
        return reply if isinstance(reply, dict) else None

    def stop(self) -> None:
        """Kill the helper (SIGKILL to its own session: whatever it started goes too) and reap it."""
        proc, self.proc, self.ready = self.proc, None, False
        if proc is None:
            return
        for kill in (lambda: os.killpg(proc.pid, signal.SIGKILL), proc.kill):
            try:
                kill()
            except (ProcessLookupError, PermissionError, OSError):
                pass
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def _write(stream: IO[bytes] | None, payload: bytes) -> None:
    assert stream is not None
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _read_exact(fd: int, size: int, deadline: float) -> bytes | None:
    chunks: list[bytes] = []
    left = size
    while left > 0:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        readable, _, _ = select.select([fd], [], [], remaining)
        if not readable:
            raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


_LOCAL = threading.local()


def scorer_for(budget: Budget, paths: tuple[str, ...], modules: tuple[str, ...]) -> Scorer:
    """This thread's helper for these settings (a pool worker keeps one across its submissions)."""
    key = (budget, paths, modules)
    current: Scorer | None = getattr(_LOCAL, "scorer", None)
    if current is None or getattr(_LOCAL, "key", None) != key:
        if current is not None:
            current.stop()
        current = Scorer(budget, paths, modules)
        _LOCAL.scorer, _LOCAL.key = current, key
        _ALL.append(current)
    return current


_ALL: list[Scorer] = []


def _stop_all() -> None:
    for scorer in _ALL:
        scorer.stop()


atexit.register(_stop_all)


# --- the helper side ----------------------------------------------------------------------------


def _score(request: dict[str, Any]) -> dict[str, Any]:
    """Read one answer file and run the question's checks: every hidden call (the score) and the visible
    cases alone (compared with the notebook's own check)."""
    from autograder.extract import read_answer
    from course.exercises.checking import evaluate
    from course.exercises.variants import UnknownIdentity

    found, answer, problem = read_answer(Path(request["path"]))
    if problem is not None and answer is None:
        return {"found": found, "problem": problem}
    exercise_id, hidden = request["exercise_id"], list(request.get("hidden") or [])
    # the submission's student id, never this process's environment: "" makes a varying question refuse
    student = str(request.get("student") or "")
    try:
        results = [evaluate(exercise_id, answer, h, identity=student) for h in (hidden or [None])]
        visible = evaluate(exercise_id, answer, None, identity=student) if hidden else results[0]
    except UnknownIdentity as exc:
        return {"found": found, "problem": f"{exc}: the submission's student id is unknown"}
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - a checker crash on hostile data costs this question only
        return {"found": found, "problem": f"the checker could not read this answer ({type(exc).__name__})"}
    reply: dict[str, Any] = {"found": found, "problem": problem, "results": [r.to_dict() for r in results],
                             "visible_passed": visible.passed}
    from autograder.same_answer import kept_answer

    kept = kept_answer(exercise_id, answer)
    if kept is not None:
        reply["answer"] = kept
    return reply


def _memory_in_use() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def main() -> None:
    """The helper's loop: its stdout is the reply channel only (fd 1 now points at stderr for prints)."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer

    def read() -> Any:
        header = requests.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return None
        return pickle.loads(requests.read(_HEADER.unpack(header)[0]))

    def reply(data: dict[str, Any]) -> None:
        _write(replies, json.dumps(data, default=str).encode())

    config = read()
    if config is None:
        return
    try:
        import importlib

        for path in reversed(config["paths"]):
            if path not in sys.path:
                sys.path.insert(0, path)
        import pandas  # noqa: F401 - DataFrame answers

        import autograder.same_answer  # noqa: F401 - keeps varying answers, compares them after a batch
        import course.exercises  # noqa: F401 - the checkers, before the memory cap

        for name in config["modules"]:
            importlib.import_module(name)
        from course.exercises.registry import all_exercises

        all_exercises()  # every notebook module, imported before the memory cap
        limit = _memory_in_use() + int(config["memory_bytes"])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except BaseException as exc:  # noqa: BLE001 - tell the grader why, then stop
        reply({"ready": False, "error": f"{type(exc).__name__}: {exc}"[:300]})
        return
    reply({"ready": True})
    while (request := read()) is not None:
        try:
            if request.get("kind") == "fits":  # same-answer detection after a batch
                from autograder.same_answer import fits_reply

                answer = fits_reply(request)
            else:
                answer = _score(request)
        except MemoryError:
            reply({"blown": f"needed more than {int(config['memory_bytes']) // 1024**2} MiB of memory"})
            return
        except RecursionError:
            answer = {"found": True, "problem": "the answer is nested too deeply to be checked"}
        reply(answer)


if __name__ == "__main__":
    main()
