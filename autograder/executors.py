"""Where submissions are graded: in this process (one job at a time), a local process pool, or a Dask
cluster, all behind :class:`concurrent.futures.Executor` (Dask's ``Client.get_executor()``). Outcomes come
back as plain data in the order they finish; a worker that dies costs its own row, never the batch."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from autograder.worker import Job, Outcome, grade_to_dict

PRELOAD = ["autograder.worker", "nbclient", "jupyter_client", "course.exercises", "pandas"]


@contextmanager
def open_executor(kind: str, workers: int, jobs: int, scheduler: str | None = None) -> Iterator[Executor | None]:
    """None means: grade in this process (one worker, or nothing to do)."""
    if kind == "dask":
        if not scheduler:
            raise ValueError("--executor dask needs --scheduler ADDRESS")
        if not jobs:
            yield None
            return
        from distributed import Client

        with Client(scheduler) as client:
            executor = client.get_executor(pure=False)
            try:
                yield executor
            finally:
                executor.shutdown(wait=False)
        return
    workers = max(1, min(workers, jobs))
    if workers == 1:
        yield None
        return
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        yield pool


def outcomes(executor: Executor | None, jobs: list[Job], kind: str = "local") -> Iterator[dict[str, Any]]:
    """Every job's outcome as soon as it is finished."""
    if executor is None:
        for job in jobs:
            yield grade_to_dict(job)
        return
    pending: dict[Future, Job] = {}
    for job in jobs:
        extra = {"key": f"grade-{job.submission.student_id}-{job.submission.sha256[:12]}"} if kind == "dask" else {}
        pending[executor.submit(grade_to_dict, job, **extra)] = job
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for fut in done:
            job = pending.pop(fut)
            try:
                yield fut.result()
            except Exception as exc:  # a worker died or was lost (grade() itself never raises)
                sub = job.submission
                yield Outcome(sub.student_id, job.assignment, sub.sha256, "failed", 0.0, 0.0,
                              f"grader worker failed: {type(exc).__name__}: {exc}"[:300]).to_dict()
