"""One grading batch, orchestration only: intake (``intake``), skipping what the ledger already holds,
the executor grading whole submissions (``executors``, ``worker``), the parent saving each result as soon as
it arrives (``saving``: crash-safe order), then feedback and the report. The CSV and the report cover every
result in the workspace, so a small late batch adds rows and never replaces the earlier ones. Everything it
logs is stripped of terminal escapes."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograder import assignment as assignment_mod
from autograder import same_answer
from autograder.escape import plain, terminal
from autograder.executors import open_executor, outcomes
from autograder.extras import import_extras
from autograder.gradebook import GradebookWriter
from autograder.intake import Submission, collect
from autograder.intake.lms import LmsNames
from autograder.ledger import Ledger
from autograder.outcome import Outcome
from autograder.progress import Progress
from autograder.results_csv import CSV_FIELDS, write_csv
from autograder.roster import RosterError
from autograder.roster import load as load_roster
from autograder.sandbox import Limits, choose, describe
from autograder.saving import save_result
from autograder.suggest import did_you_mean
from autograder.worker import Job
from course.settings import load as course_settings
from course.settings import nbgrader_config

__all__ = ["CSV_FIELDS", "BatchResult", "Options", "run_batch"]


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
    students: tuple[str, ...] = ()  # grade only these (default: everyone in SUBMISSIONS)
    lms: str | None = None  # canvas | moodle: SUBMISSIONS is that LMS's download, named by its user ids
    roster: Path | None = None  # maps the LMS's user ids to student ids (autograder.roster)


@dataclass
class BatchResult:
    rows: list[Outcome]
    graded_now: int
    skipped: int
    seconds: float
    sandboxed: bool


def run_batch(opts: Options, log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> BatchResult:
    start = time.monotonic()
    raw_log = log

    def say(message: str) -> None:  # learner text (ids, reasons) reaches the log: no terminal escapes
        raw_log(terminal(message))

    log = say

    use_bwrap = choose(opts.require_sandbox)
    log(f"sandbox: {describe(use_bwrap)}")
    import_extras(opts.extra_paths, opts.extra_modules)
    whole = assignment_mod.load_assignment(opts.course_root, opts.assignment)
    opts.workspace.mkdir(parents=True, exist_ok=True)
    db_url = opts.db_url or f"sqlite:///{(opts.workspace / 'gradebook.db').resolve()}"
    csv_path = opts.csv_path or opts.workspace / "grades.csv"
    ledger = Ledger(opts.workspace / "autograder-ledger.jsonl")
    lms = _lms_names(opts)
    writer = GradebookWriter(db_url, whole, course_settings(opts.course_root).course_id,
                             nbgrader_config(opts.course_root))
    unpack = Path(tempfile.mkdtemp(prefix="ag-intake-"))
    try:
        submissions = _chosen(opts, collect(opts.submissions, opts.assignment, whole.notebook_names, unpack,
                                            lms=lms), log)
        return _grade_all(opts, whole, submissions, ledger, writer, csv_path, use_bwrap, start, log)
    finally:
        shutil.rmtree(unpack, ignore_errors=True)


def _lms_names(opts: Options) -> LmsNames | None:
    """The LMS download's name mapper (``--lms`` with ``--roster``); a bad roster raises RosterError."""
    if opts.lms is None:
        return None
    if opts.roster is None:
        raise RosterError(f"--lms {opts.lms} needs --roster FILE: the CSV that maps {opts.lms}'s user ids to "
                          "student ids (student_id,lms_id)")
    return LmsNames(opts.lms, load_roster(opts.roster))


def _chosen(opts: Options, submissions: list[Submission], log: Callable[[str], None]) -> list[Submission]:
    """Only the ``--student`` ones; a student with no submission there is one line, the others are graded."""
    if not opts.students:
        return submissions
    found = {s.student_id for s in submissions}
    for student in opts.students:
        if student not in found:
            log(f"--student {student}: no submission of {student} in {opts.submissions}"
                f"{did_you_mean(student, found)}; the others are graded")
    wanted = set(opts.students)
    return [s for s in submissions if s.student_id in wanted]


def _job(opts: Options, sub: Submission, use_bwrap: bool) -> Job:
    """A submission's grading job; a Dask worker does not share our file system, so it gets the bytes."""
    sent = tuple((part.name, part.path.read_bytes()) for part in sub.parts
                 if part.path is not None and part.error is None) if opts.executor == "dask" else ()
    return Job(opts.course_root, opts.assignment, sub, opts.workspace, opts.cell_timeout, opts.notebook_timeout,
               use_bwrap, opts.limits, opts.extra_paths, opts.extra_modules, sent)


def _grade_all(opts: Options, whole: assignment_mod.Assignment, submissions: list[Submission], ledger: Ledger,
               writer: GradebookWriter, csv_path: Path, use_bwrap: bool, start: float,
               log: Callable[[str], None]) -> BatchResult:
    rows: dict[str, Outcome] = {}
    by_id = {sub.student_id: sub for sub in submissions}
    todo: list[Job] = []
    for sub in submissions:
        done = None if opts.force else ledger.finished(opts.assignment, sub.student_id, sub.sha256)
        if done is not None:
            rows[sub.student_id] = done
            continue
        todo.append(_job(opts, sub, use_bwrap))
    skipped = len(rows)
    progress = Progress(len(todo), opts.progress if opts.progress is not None else sys.stderr.isatty())
    try:
        with open_executor(opts.executor, opts.jobs, len(todo), opts.scheduler) as executor:
            for outcome in outcomes(executor, todo, opts.executor):
                rows[outcome.student_id] = save_result(opts.workspace, whole, outcome, writer, ledger, csv_path, log,
                                                       by_id.get(outcome.student_id))
                progress.step(outcome)
    finally:
        writer.close()
        progress.close()
    ordered = [rows[s.student_id] for s in submissions]
    found = _same_answers(opts, whole, ledger.rows(opts.assignment), log)
    # also after a batch with nothing new: the CSV matches the ledger (with the same-answer flags)
    write_csv(csv_path, same_answer.annotated(opts.workspace, ledger.rows()))
    _after_batch(opts, whole, ordered, ledger.rows(opts.assignment), log, found)
    shown = same_answer.annotate(ordered, [found]) if found is not None else ordered
    return BatchResult(shown, len(todo), skipped, time.monotonic() - start, use_bwrap)


def _same_answers(opts: Options, whole: assignment_mod.Assignment, everyone: list[Outcome],
                  log: Callable[[str], None]) -> same_answer.Findings | None:
    """Answers that fit another learner's variant, over every result of the assignment, compared by a trusted
    scorer helper process per job (best effort: None, with one log line, when the comparison fails). None too
    when no answer of a varying question was kept (nothing to compare, no report section). The saved findings
    when no submission changed since they were found (``--force`` compares again)."""
    if not any(cell.answer is not None for row in everyone for cell in row.cells):
        return None
    from autograder.scorer import Budget

    try:
        limit = same_answer.limit_from_env()
        stamp = same_answer.fingerprint(everyone, limit)
        saved = same_answer.load(opts.workspace, whole.name)
        if saved is not None and saved.fingerprint == stamp and not opts.force:
            found = saved  # nothing changed since these were found
        else:
            budget = Budget.from_env()
            with same_answer.helpers(budget, tuple(str(p) for p in opts.extra_paths), opts.extra_modules) as check:
                found = same_answer.find(whole, everyone, check, limit, budget.seconds, workers=max(1, opts.jobs))
            found.fingerprint = stamp
            same_answer.save(opts.workspace, found)
    except Exception as exc:  # noqa: BLE001 - evidence for the instructor; the grades are already safe
        log(f"same-answer comparison not done: {type(exc).__name__}: {plain(exc)}")
        return None
    flagged = [p for p in found.pairs if p.flagged and not p.authored]
    authored = [p for p in found.pairs if p.flagged and p.authored]
    if flagged or authored or found.notes:
        log(f"same answer: {len(flagged)} pair(s) of answers fit another learner's variant and {len(authored)} "
            "learner(s)' answers fit the authored question (flagged for review, scores unchanged; "
            f"{sum(not p.flagged for p in found.pairs)} weaker match(es)); see reports/{whole.name}.md"
            + "".join(f"; {note}" for note in found.notes))
    return found


def _after_batch(opts: Options, whole: assignment_mod.Assignment, rows: list[Outcome],
                 everyone: list[Outcome], log: Callable[[str], None],
                 found: same_answer.Findings | None = None) -> None:
    """Feedback pages for this batch and the report on every result of the assignment (best effort: the
    grades are already safe in the gradebook, the ledger and the CSV). The feedback learners read has no
    same-answer flag; the instructor's report has them."""
    from autograder.feedback import write_all
    from autograder.nbgrader_files import copy_beside
    from autograder.report import write_report

    try:
        write_all(opts.workspace, whole, rows)
        for row in rows:  # as nbgrader's generate_feedback: what release_feedback reads next to the pages
            copy_beside(opts.workspace / "autograded" / row.student_id / whole.name,
                        opts.workspace / "feedback" / row.student_id / whole.name)
        write_report(opts.workspace, whole,
                     same_answer.annotate(everyone, [found]) if found is not None else everyone, found)
    except Exception as exc:  # noqa: BLE001 - a report problem must not hide that grading succeeded
        log(f"feedback or report not written: {type(exc).__name__}: {plain(exc)}")
