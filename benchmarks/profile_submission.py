"""Where the time of one submission goes: kernel start, each cell, extraction, trusted scoring, writing.

Grades one correct submission of ``--assignment`` (every part) through the real worker path (the same
sandbox, limits and kernel as ``aws-course grade``), with timers around each step, ``--repeat`` times, and
prints the median of each step. Run by hand:

    PATH=$PWD/.venv/bin:$PATH .venv/bin/python benchmarks/profile_submission.py \
        --assignment 02-networking-content-delivery
"""

# mypy: disable-error-code=method-assign
# (timers are put around the grader's own methods on purpose)
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from cpumeter import CpuMeter  # noqa: E402
from grade_throughput import correct_submissions  # noqa: E402

from autograder import execute, warm, worker  # noqa: E402
from autograder.intake import Submission, SubmittedNotebook  # noqa: E402
from autograder.sandbox import bwrap_works  # noqa: E402

TIMES: dict[str, list[float]] = defaultdict(list)


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name].append(time.perf_counter() - start)
    return wrapper


def _atimed(name: Callable[..., str], fn: Callable[..., Any]) -> Callable[..., Any]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            TIMES[name(*args, **kwargs)].append(time.perf_counter() - start)
    return wrapper


def _instrument(ahead: bool, warmup: bool) -> None:
    client = execute.BudgetClient
    client.async_start_new_kernel = _atimed(lambda *a, **k: "kernel: launch (sandbox + process)",
                                            client.async_start_new_kernel)
    client.async_start_new_kernel_client = _atimed(lambda *a, **k: "kernel: connect + wait for ready",
                                                   client.async_start_new_kernel_client)

    def cell_name(self: Any, cell: Any, index: int, *a: Any, **k: Any) -> str:
        from autograder.prepare import role

        kind = role(cell) or "learner"
        first = (cell.source.strip().splitlines() or [""])[0][:50]
        return f"cell {index:2d} [{kind}] {first}"

    client.async_execute_cell = _atimed(cell_name, client.async_execute_cell)
    client._async_cleanup_kernel = _atimed(lambda *a, **k: "kernel: shutdown + cleanup",
                                           client._async_cleanup_kernel)
    worker.prepare = _timed("prepare (restore locked cells, add extraction cells)", worker.prepare)
    worker.trusted = _timed("trusted scoring (all checks, helper round trips)", worker.trusted)
    worker.strip_extraction = _timed("autograded notebook (strip + sanitize)", worker.strip_extraction)
    warm.Ready.run = _timed("run (wait for the kernel made ready, all cells, stop)", warm.Ready.run)
    if not ahead:
        warm.Pool.prepare_next = lambda *a, **k: None  # every kernel starts when its notebook needs it
    if not warmup:
        worker.warmup_for = lambda spec: ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="02-networking-content-delivery")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-ahead", action="store_true", help="start each kernel when its notebook needs it")
    parser.add_argument("--no-warmup", action="store_true", help="no pre-imports, figures rasterised")
    args = parser.parse_args(argv)
    _instrument(not args.no_ahead, not args.no_warmup)
    notebooks = correct_submissions(args.assignment)
    base = Path(tempfile.mkdtemp(prefix="profile-"))
    parts = []
    for name, nb in notebooks.items():
        path = base / f"{name}.ipynb"
        nbformat.write(nb, path)
        parts.append(SubmittedNotebook(name, path))
    use_bwrap = bwrap_works()
    walls, cpus = [], []
    for i in range(args.repeat + 1):  # the first one warms the caches and the scorer helper
        job = worker.Job(ROOT, args.assignment, Submission(f"s{i}", "0" * 64, None, tuple(parts)), base / "ws",
                         60, 300, use_bwrap)
        if i == 0:
            worker.grade(job)
            TIMES.clear()
            continue
        before = resource.getrusage(resource.RUSAGE_SELF)
        meter = CpuMeter(os.getpid(), interval=0.05).start()
        start = time.perf_counter()
        outcome = worker.grade(job)
        walls.append(time.perf_counter() - start)
        children = meter.stop()
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime + children)
        if outcome.status != "graded" or outcome.score != outcome.max_score:
            print(f"warning: {outcome.status} {outcome.score}/{outcome.max_score}: {outcome.detail}")
    print(f"{args.assignment}: {len(notebooks)} notebook(s), sandbox {'bwrap' if use_bwrap else 'none'}, "
          f"kernel ready ahead {not args.no_ahead}, warm-up {not args.no_warmup}, "
          f"load average {os.getloadavg()[0]:.1f}; median of {args.repeat}")
    print(f"  whole submission: {statistics.median(walls):6.3f} s wall (median), "
          f"{statistics.mean(cpus):6.3f} s CPU (mean) "
          "(grader + kernel + scorer helper)")
    for name, values in TIMES.items():
        per = len(values) // args.repeat or 1
        total = [sum(values[i * per:(i + 1) * per]) for i in range(args.repeat)]
        print(f"  {statistics.median(total):6.3f} s  {name}{f' (x{per})' if per > 1 else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
