"""CPU seconds a grading kernel spends on each stage of one submission: start-up, warm-up, the notebook's
cells (and the grader's silent read-outs). Load-independent where wall times are not: read from ``/proc`` for
every process of the kernel's own sandbox uid (so it needs root and ``setpriv``, as the grader does).

    PATH=$PWD/.venv/bin:$PATH .venv/bin/python benchmarks/kernel_cpu.py --assignment 01-security-identity-compliance
"""

# mypy: disable-error-code=method-assign
# (a meter is put around the grader's own coroutines on purpose)
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from grade_throughput import correct_submissions  # noqa: E402

from autograder import execute, worker  # noqa: E402
from autograder.assignment import load_assignment  # noqa: E402
from autograder.extract import Extraction  # noqa: E402
from autograder.prepare import prepare, role  # noqa: E402
from autograder.sandbox import Sandbox, bwrap_works, sandbox_uid  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
SECONDS: dict[str, float] = defaultdict(float)


def uid_cpu(uid: int) -> float:
    """utime + stime of every live process of ``uid``."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            with open(f"/proc/{entry}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue
        fields = raw[raw.rfind(b")") + 2:].split()
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def _metered(uid: int, label: Any, fn: Any) -> Any:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        before = uid_cpu(uid)
        try:
            return await fn(*args, **kwargs)
        finally:
            SECONDS[label(*args, **kwargs)] += uid_cpu(uid) - before
    return wrapper


async def one_notebook(spec: Any, nb: Any, use_bwrap: bool, job: worker.Job) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="kcpu-"))
    box = Sandbox(scratch / "work", use_bwrap=use_bwrap, readonly=worker._readonly(job), uid=sandbox_uid(use_bwrap))
    if box.uid is None:
        raise SystemExit("needs root and setpriv: the kernel's CPU is read by its own uid")
    kernel = await execute.start_kernel(box, [])
    SECONDS["kernel start (ipykernel ready)"] += uid_cpu(box.uid)
    before = uid_cpu(box.uid)
    await execute._silently(kernel.client, worker.warmup_for(spec))
    SECONDS["warm-up (imports of the locked cells, hooks)"] += uid_cpu(box.uid) - before
    prepared = prepare(nb, spec, Extraction(box.workdir))
    client_cls = execute.BudgetClient
    original_cell, original_silent = client_cls.async_execute_cell, execute._silently

    def cell_label(self: Any, cell: Any, index: int, *a: Any, **k: Any) -> str:
        first = (cell.source.strip().splitlines() or [""])[0][:45]
        return f"  cell [{role(cell) or 'learner'}] {first}"

    client_cls.async_execute_cell = _metered(box.uid, cell_label, original_cell)
    execute._silently = _metered(box.uid, lambda *a, **k: "  grader's silent requests (learner id, read-outs)",
                                 original_silent)
    try:
        await execute.execute(kernel, prepared.nb, 60, 600, {"AWS_COURSE_STUDENT": job.submission.student_id})
    finally:
        client_cls.async_execute_cell, execute._silently = original_cell, original_silent
    import shutil

    shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="02-networking-content-delivery")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cells", action="store_true", help="list every cell (default: the 12 costliest)")
    args = parser.parse_args(argv)
    from autograder.intake import Submission

    whole = load_assignment(ROOT, args.assignment)
    notebooks = correct_submissions(args.assignment)
    use_bwrap = bwrap_works()
    for i in range(args.repeat):
        job = worker.Job(ROOT, args.assignment, Submission(f"s{i}", "0" * 64, None, ()), ROOT, 60, 600, use_bwrap)
        for spec in whole.parts:
            asyncio.run(one_notebook(spec, notebooks[spec.notebook_name], use_bwrap, job))
    per = {k: v / args.repeat for k, v in SECONDS.items()}
    cells = sorted((k for k in per if k.startswith("  cell")), key=per.__getitem__, reverse=True)
    print(f"{args.assignment}: {len(whole.parts)} notebook(s), kernel CPU seconds per submission, mean of "
          f"{args.repeat}; load average {os.getloadavg()[0]:.1f}")
    print(f"  {sum(per.values()):6.3f}  all kernels of one submission")
    for key in [k for k in per if not k.startswith("  cell")]:
        print(f"  {per[key]:6.3f}  {key}")
    print(f"  {sum(per[k] for k in cells):6.3f}  all cells")
    for key in cells if args.cells else cells[:12]:
        print(f"  {per[key]:6.3f}  {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
