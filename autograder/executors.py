"""Where submissions are graded: in this process (one job at a time), a local process pool, or a Dask
cluster, all behind one :class:`concurrent.futures.Executor` path (Dask's ``Client.get_executor()``).
Outcomes come back typed, in the order they finish; a worker that dies costs its own row, never the batch."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from autograder.outcome import Outcome
from autograder.worker import Job, grade, grade_to_dict

PRELOAD = ["autograder.worker", "nbclient", "jupyter_client", "course.exercises", "pandas"]


class InProcessExecutor(Executor):
    """Runs each job in this process as it is submitted (one worker, or nothing to do)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future, as a pool does
            future.set_exception(exc)
        return future


@contextmanager
def open_executor(kind: str, workers: int, jobs: int, scheduler: str | None = None) -> Iterator[Executor]:
    if kind == "dask":
        if not scheduler:
            raise ValueError("--executor dask needs --scheduler ADDRESS")
        if not jobs:
            yield InProcessExecutor()
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
        yield InProcessExecutor()
        return
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        yield pool


def outcomes(executor: Executor, jobs: list[Job], kind: str = "local") -> Iterator[Outcome]:
    """Every job's outcome as soon as it is finished (in this process: right after it ran, so each result
    is saved before the next submission is graded). A Dask worker replies with plain data (the only
    boundary where an outcome is a dict); a local pool pickles the dataclasses themselves."""
    remote = kind == "dask"
    pending: dict[Future, Job] = {}
    call: Callable[[Job], Any] = grade_to_dict if remote else grade
    for job in jobs:
        extra = {"key": f"grade-{job.submission.student_id}-{job.submission.sha256[:12]}"} if remote else {}
        pending[executor.submit(call, job, **extra)] = job
        yield from _finished([f for f in pending if f.done()], pending, remote)
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        yield from _finished(list(done), pending, remote)


def _finished(done: list[Future], pending: dict[Future, Job], remote: bool) -> Iterator[Outcome]:
    for fut in done:
        job = pending.pop(fut)
        try:
            result = fut.result()
            yield Outcome.from_dict(result) if remote else result
        except Exception as exc:  # a worker died or was lost (grade() itself never raises)
            sub = job.submission
            yield Outcome(sub.student_id, job.assignment, sub.sha256, "failed", 0.0, 0.0,
                          f"grader worker failed: {type(exc).__name__}: {exc}"[:300])
