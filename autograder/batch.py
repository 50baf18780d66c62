"""One grading batch: intake, a process pool of workers grading whole submissions, and the parent
writing each result (ledger, gradebook, CSV, feedback) as soon as it arrives."""

from __future__ import annotations

import csv
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import assignment as assignment_mod
from autograder.gradebook import GradebookWriter
from autograder.intake import collect
from autograder.ledger import Ledger
from autograder.sandbox import Limits, choose, describe
from autograder.worker import Job, grade

CSV_FIELDS = ["student_id", "assignment", "score", "max_score", "status", "detail"]
PRELOAD = ["autograder.worker", "nbclient", "jupyter_client", "course.exercises", "pandas"]


@dataclass
class Options:
    assignment: str
    submissions: Path
    workspace: Path
    course_root: Path
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    csv_path: Path | None = None
    db_url: str | None = None
    cell_timeout: float = 60.0
    notebook_timeout: float = 300.0
    require_sandbox: bool = False
    force: bool = False
    limits: Limits = field(default_factory=Limits)
    extra_paths: tuple[Path, ...] = ()
    extra_modules: tuple[str, ...] = ()
    progress: bool | None = None  # None: only on a terminal
    executor: str = "local"  # local | dask
    scheduler: str | None = None  # Dask scheduler address


@dataclass
class BatchResult:
    rows: list[dict[str, Any]]
    graded_now: int
    skipped: int
    seconds: float
    sandboxed: bool


def notebook_packages() -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """Notebook modules of other installed packages (entry-point group ``aws_course.notebooks``, e.g. a
    course in development or a test fixture): their sys.path entries, bound read-only in the sandbox.
    The registry imports the modules themselves, so no module list is needed."""
    from course.exercises.registry import notebook_package_paths

    return tuple(notebook_package_paths()), ()


def run_batch(opts: Options, log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> BatchResult:
    start = time.monotonic()
    use_bwrap = choose(opts.require_sandbox)
    log(f"sandbox: {describe(use_bwrap)}")
    for path in opts.extra_paths:
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    for name in opts.extra_modules:
        __import__(name)
    spec = assignment_mod.load_assignment(opts.course_root, opts.assignment)
    opts.workspace.mkdir(parents=True, exist_ok=True)
    db_url = opts.db_url or f"sqlite:///{(opts.workspace / 'gradebook.db').resolve()}"
    csv_path = opts.csv_path or opts.workspace / "grades.csv"
    ledger = Ledger(opts.workspace / "autograder-ledger.jsonl")
    writer = GradebookWriter(db_url, spec)
    unpack = Path(tempfile.mkdtemp(prefix="ag-intake-"))
    try:
        submissions = collect(opts.submissions, opts.assignment, spec.notebook_names, unpack)
        return _grade_all(opts, spec, submissions, ledger, writer, csv_path, use_bwrap, start)
    finally:
        shutil.rmtree(unpack, ignore_errors=True)


def _grade_all(opts: Options, spec: assignment_mod.Assignment, submissions: list, ledger: Ledger,
               writer: GradebookWriter, csv_path: Path, use_bwrap: bool, start: float) -> BatchResult:
    rows: dict[str, dict[str, Any]] = {}
    todo: list[Job] = []
    for sub in submissions:
        done = None if opts.force else ledger.finished(opts.assignment, sub.student_id, sub.sha256)
        if done is not None:
            rows[sub.student_id] = done
            continue
        content: bytes | None = None
        contents: tuple[tuple[str, bytes], ...] = ()
        if opts.executor == "dask" and sub.parts:
            contents = tuple((name, path.read_bytes()) for name, path, error in sub.parts
                             if path is not None and error is None)
        elif opts.executor == "dask" and sub.path is not None:
            content = sub.path.read_bytes()
        todo.append(Job(opts.course_root, opts.assignment, sub, opts.workspace, opts.cell_timeout,
                        opts.notebook_timeout, use_bwrap, opts.limits, opts.extra_paths, opts.extra_modules,
                        content, contents))
    skipped = len(rows)
    progress = Progress(len(todo), opts.progress if opts.progress is not None else sys.stderr.isatty())
    try:
        results = _execute_dask(todo, opts.scheduler) if opts.executor == "dask" else _execute(todo, opts.jobs)
        for outcome in results:
            _save_autograded(opts.workspace, spec, outcome)
            ledger.record(outcome)
            writer.write(outcome)
            rows[outcome["student_id"]] = outcome
            _write_csv(csv_path, rows)
            progress.step(outcome)
    finally:
        writer.close()
        progress.close()
    ordered = [rows[s.student_id] for s in submissions]
    _write_csv(csv_path, rows)
    _after_batch(opts, spec, ordered)
    return BatchResult(ordered, len(todo), skipped, time.monotonic() - start, use_bwrap)


def _after_batch(opts: Options, spec: assignment_mod.Assignment, rows: list[dict[str, Any]]) -> None:
    """Feedback files and the batch report (best effort: grades are already safe)."""
    try:
        from autograder.feedback import write_all
        from autograder.report import write_report
    except ImportError:
        return
    write_all(opts.workspace, spec, rows)
    write_report(opts.workspace, spec, rows)


def _execute(jobs: list[Job], workers: int) -> Iterator[dict[str, Any]]:
    """Yield outcomes as they finish; one job per submission, at most ``workers`` at a time."""
    if not jobs:
        return
    workers = max(1, min(workers, len(jobs)))
    if workers == 1:
        for job in jobs:
            yield grade(job).to_dict()
        return
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending: dict[Future, Job] = {pool.submit(grade, job): job for job in jobs}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                job = pending.pop(fut)
                try:
                    yield fut.result().to_dict()
                except Exception as exc:  # a worker process died (it should not: grade() never raises)
                    sub = job.submission
                    yield {"student_id": sub.student_id, "assignment": job.assignment, "sha256": sub.sha256,
                           "status": "failed", "score": 0.0, "max_score": 0.0, "cells": [], "seconds": 0.0,
                           "detail": f"grader worker crashed: {type(exc).__name__}: {exc}"[:300]}


def _execute_dask(jobs: list[Job], address: str | None) -> Iterator[dict[str, Any]]:
    """The same jobs on a Dask distributed cluster; results come back as plain data to this process."""
    if not jobs:
        return
    if not address:
        raise ValueError("--executor dask needs --scheduler ADDRESS")
    from distributed import Client, as_completed

    from autograder.worker import grade_to_dict

    with Client(address) as client:
        futures = {client.submit(grade_to_dict, job, pure=False, key=f"grade-{job.submission.student_id}-"
                                 f"{job.submission.sha256[:12]}"): job for job in jobs}
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                yield fut.result()
            except Exception as exc:  # a lost worker costs one row, not the batch
                sub = job.submission
                yield {"student_id": sub.student_id, "assignment": job.assignment, "sha256": sub.sha256,
                       "status": "failed", "score": 0.0, "max_score": 0.0, "cells": [], "seconds": 0.0,
                       "detail": f"dask worker failed: {type(exc).__name__}: {exc}"[:300]}


def _save_autograded(workspace: Path, spec: assignment_mod.AssignmentSpec | assignment_mod.Assignment,
                     outcome: dict[str, Any]) -> None:
    """nbgrader's ``autograded/<student>/<assignment>/<notebook>.ipynb`` (formgrader shows it)."""
    whole = assignment_mod.as_assignment(spec)
    text = outcome.pop("autograded", None)
    if not text:
        return
    by_notebook = text if isinstance(text, dict) else {whole.parts[0].notebook_name: text}
    for name, content in by_notebook.items():
        target = workspace / "autograded" / outcome["student_id"] / whole.name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")


def _write_csv(path: Path, rows: dict[str, dict[str, Any]]) -> None:
    """Rewritten atomically after each result, so it is always complete for what is finished."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=CSV_FIELDS, extrasaction="ignore")
        out.writeheader()
        for row in sorted(rows.values(), key=lambda r: r["student_id"]):
            out.writerow(row)
    os.replace(tmp, path)


class Progress:
    """A one-line progress bar with an ETA on a terminal; silent otherwise (CI)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled, self.done, self.start = total, enabled and total > 0, 0, time.monotonic()

    def step(self, outcome: dict[str, Any]) -> None:
        self.done += 1
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        width = 30
        filled = int(width * self.done / self.total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                         f"ETA {eta:5.0f}s  {outcome['student_id'][:20]:<20}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
