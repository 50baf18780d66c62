"""CPU seconds of a process tree, read from /proc while it runs.

``getrusage(RUSAGE_CHILDREN)`` misses the grader's kernels: they are SIGKILLed inside bubblewrap's pid
namespace, so their time never climbs the chain of ``wait()`` calls. This samples every descendant of a
root pid (by parent links) and keeps each process's last ``utime + stime``; a process's last sampling
interval is lost, the same small bias for both graders compared.
"""

from __future__ import annotations

import os
import threading

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[int, int, float] | None:
    """(ppid, start time, cpu seconds) of one process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    fields = raw[raw.rfind(b")") + 2:].split()
    return int(fields[1]), int(fields[19]), (int(fields[11]) + int(fields[12])) / TICK


class CpuMeter:
    """Sample the tree under ``root`` every ``interval`` seconds until :meth:`stop`."""

    def __init__(self, root: int, interval: float = 0.1) -> None:
        self.root = root
        self.interval = interval
        self.seen: dict[tuple[int, int], float] = {}
        self.direct: set[tuple[int, int]] = set()  # the root's own children (e.g. the command it ran)
        self.kinds: dict[tuple[int, int], str] = {}
        self.baseline: dict[tuple[int, int], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> CpuMeter:
        """Processes already running count from now on (their CPU so far is the baseline)."""
        self.sample()
        self.baseline = dict(self.seen)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        stats = {int(p): s for p in os.listdir("/proc") if p.isdigit() and (s := _stat(p)) is not None}
        inside = {self.root}
        changed = True
        while changed:
            changed = False
            for pid, (ppid, _, _) in stats.items():
                if ppid in inside and pid not in inside:
                    inside.add(pid)
                    changed = True
        for pid in inside - {self.root}:
            if pid in stats:
                ppid, start, cpu = stats[pid]
                self.seen[(pid, start)] = max(cpu, self.seen.get((pid, start), 0.0))
                if (pid, start) not in self.kinds:
                    self.kinds[(pid, start)] = _kind(pid)
                if ppid == self.root:
                    self.direct.add((pid, start))

    def stop(self) -> float:
        """CPU seconds of every descendant seen (the root itself excluded)."""
        self.sample()
        self._stop.set()
        self._thread.join()
        return sum(cpu - self.baseline.get(key, 0.0) for key, cpu in self.seen.items())

    def direct_seconds(self) -> float:
        """CPU seconds of the root's direct children alone (without their descendants)."""
        return sum(self.seen[key] - self.baseline.get(key, 0.0) for key in self.direct)

    def by_kind(self) -> dict[str, float]:
        """CPU seconds per kind of process (kernel, scorer, worker, ...)."""
        totals: dict[str, float] = {}
        for key, cpu in self.seen.items():
            kind = "main" if key in self.direct else self.kinds.get(key, "other")
            totals[kind] = totals.get(kind, 0.0) + cpu - self.baseline.get(key, 0.0)
        return totals


KINDS = (("ipykernel", "kernel"), ("autograder.scorer", "scorer"), ("forkserver", "forkserver"),
         ("multiprocessing", "worker"), ("bwrap", "bwrap"), ("prlimit", "bwrap"), ("alembic", "alembic"))


def _kind(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return "other"
    return next((kind for marker, kind in KINDS if marker in cmd), "other")
