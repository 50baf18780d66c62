"""Grading one whole submission: prepare, run in the sandbox, read answers out, score them.

Runs in a pool worker; returns an :class:`~autograder.outcome.Outcome` that the parent writes to the
gradebook, the ledger and the CSV. Nothing here touches the gradebook, so workers never contend for its lock.
"""

from __future__ import annotations

import functools
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbgrader import utils as nbutils

from autograder import assignment as assignment_mod
from autograder import escape, warm
from autograder.execute import message_limit
from autograder.extract import Extraction
from autograder.extras import import_extras
from autograder.identify import wrong_notebook_detail
from autograder.intake import Submission, SubmittedNotebook
from autograder.outcome import SEVERITY, CellScore, Outcome, PartOutcome
from autograder.prepare import prepare, strip_extraction
from autograder.sandbox import Limits, Sandbox, sandbox_uid
from autograder.score import disagreements, identity_problem, in_kernel_outcomes, trusted
from autograder.scorer import Budget, scorer_for
from course.exercises.variants import STUDENT_VARIABLE


@dataclass(frozen=True)
class Job:
    course_root: Path
    assignment: str
    submission: Submission
    workspace: Path
    cell_timeout: float
    notebook_timeout: float
    use_bwrap: bool
    limits: Limits = field(default_factory=Limits)
    extra_paths: tuple[Path, ...] = ()  # extra importable folders (exercise modules of new notebooks)
    extra_modules: tuple[str, ...] = ()
    # the submitted notebooks' bytes by notebook name, for workers that do not share our file system (Dask)
    notebooks: tuple[tuple[str, bytes], ...] = ()
    budget: Budget = field(default_factory=Budget.from_env)  # per question, for the trusted checks


def grade_to_dict(job: Job) -> dict[str, Any]:
    """What remote executors call: plain data out (the Dask boundary; :meth:`Outcome.from_dict` reads it)."""
    return grade(job).to_dict()


@functools.lru_cache(maxsize=8)
def load_parts(course_root: Path, assignment: str) -> assignment_mod.Assignment:
    return assignment_mod.load_assignment(course_root, assignment)


def grade(job: Job) -> Outcome:
    """Each notebook of the assignment in its own fresh sandbox and kernel, then one verdict for the whole
    assignment: scores summed, the worst status (failed > flagged > graded), details prefixed with the part
    when there are several. Never raises: any failure becomes a ``failed`` outcome with the reason."""
    sub = job.submission
    try:
        import_extras(job.extra_paths, job.extra_modules)
        whole = load_parts(job.course_root, job.assignment)
    except Exception as exc:
        return Outcome(sub.student_id, job.assignment, sub.sha256, "failed", 0.0, 0.0,
                       f"grader error loading the assignment: {exc}")
    out = Outcome(sub.student_id, job.assignment, sub.sha256, "failed", 0.0, whole.max_score, "")
    if sub.error is not None or not sub.parts:
        out.detail = sub.error or "no notebook"
        return out
    unknown = identity_problem(sub.student_id, whole.parts)
    if unknown is not None:
        out.detail = unknown
        return out
    submitted = {part.name: part for part in sub.parts}
    specs = whole.parts
    out.parts = [_grade_part(job, spec, submitted.get(spec.notebook_name), specs[(i + 1) % len(specs)])
                 for i, spec in enumerate(specs)]
    out.score = round(sum(p.score for p in out.parts), 2)
    out.status = max((p.status for p in out.parts), key=SEVERITY.__getitem__)
    out.seconds = sum(p.seconds for p in out.parts)
    if len(out.parts) == 1:
        out.detail = out.parts[0].detail
    else:
        out.detail = "; ".join(f"{whole.label(p.notebook)}: {p.detail}" for p in out.parts if p.detail != "ok") or "ok"
    return out


def _grade_part(job: Job, spec: assignment_mod.AssignmentSpec, submitted: SubmittedNotebook | None,
                next_spec: assignment_mod.AssignmentSpec | None = None) -> PartOutcome:
    name = spec.notebook_name
    part = PartOutcome(name, "failed", 0.0, spec.max_score, "")
    missing = f"{name}.ipynb is missing from the submission (0 points)"
    if submitted is None or submitted.error is not None or submitted.path is None:
        part.detail = (submitted.error if submitted is not None else None) or missing
        return part
    try:
        sent = dict(job.notebooks)
        text = sent[name].decode("utf-8") if name in sent else submitted.path.read_text(encoding="utf-8")
        student_nb = nbformat.reads(text, as_version=4)
        several = len(list((job.course_root / "release" / job.assignment).glob("*.ipynb"))) > 1
        wrong = wrong_notebook_detail(student_nb, job.course_root, f"{job.assignment}/{name}" if several
                                      else job.assignment)
        if wrong is not None:  # another notebook of the course: not run, one line instead of every cell
            part.status, part.detail = "flagged", wrong
            return part
        return _grade_notebook(job, spec, part, student_nb, next_spec)
    except Exception as exc:  # a grader bug costs this part, not the batch
        part.detail = f"grader error: {type(exc).__name__}: {exc}"[:500]
        print(escape.terminal(traceback.format_exc()), file=sys.stderr)  # learner text may be in it
        return part


def _grade_notebook(job: Job, spec: assignment_mod.AssignmentSpec, out: PartOutcome,
                    student_nb: nbformat.NotebookNode, next_spec: assignment_mod.AssignmentSpec | None = None
                    ) -> PartOutcome:
    """Run the notebook in a kernel made ready ahead for it (:mod:`autograder.warm`) while the next
    notebook's kernel starts in its own sandbox, then score."""
    scorer = scorer_for(job.budget, tuple(str(p) for p in job.extra_paths), job.extra_modules)
    scorer.start()  # it imports the checkers while the kernel runs
    readonly = _readonly(job)
    extra = list(job.extra_paths)

    def sandbox(workdir: Path) -> Sandbox:  # fresh for every kernel: its own work dir and uid
        return Sandbox(workdir, limits=job.limits, use_bwrap=job.use_bwrap, readonly=readonly,
                       uid=sandbox_uid(job.use_bwrap))

    def key(warmup: str) -> tuple[Any, ...]:
        return (job.limits, job.use_bwrap, tuple(readonly), job.extra_paths, warmup)

    if warm.enabled():
        warmup, following = warmup_for(spec), warmup_for(next_spec or spec)
        ready = warm.pool().take(key(warmup), sandbox, extra, warmup)
        warm.pool().prepare_next(key(following), sandbox, extra, following)  # starts while this one runs
    else:  # AUTOGRADER_WARM=0: a kernel started now, no warm-up (figures rendered as in the notebook)
        ready = warm.pool().take(key(""), sandbox, extra, "")
    try:
        extraction = Extraction(ready.sandbox.workdir)
        prepared = prepare(student_nb, spec, extraction)
        # the kernel shows this learner's variant (set before their first cell: kernels start ahead of a learner)
        execution = ready.run(prepared.nb, job.cell_timeout, job.notebook_timeout,
                              {STUDENT_VARIABLE: job.submission.student_id})
        outcomes = in_kernel_outcomes(execution.nb, spec, execution.replies)
        cells: list[CellScore] = []
        for check in spec.checks:
            cell = trusted(check, scorer, extraction.path(check.grade_id), job.submission.student_id)
            cell.in_kernel_passed = outcomes.get(check.grade_id)
            cells.append(cell)
        out.autograded = nbformat.writes(strip_extraction(execution.nb))
    finally:
        ready.remove()
    out.cells = cells
    out.score = round(sum(c.score for c in cells), 2)
    out.seconds = execution.seconds
    notes: list[str] = []
    flags = disagreements(cells) + prepared.tamper
    if execution.stopped:
        notes.append(execution.stopped + (f" (cell {execution.stopped_cell})" if execution.stopped_cell else ""))
    notes += [c.budget for c in cells if c.budget]
    if execution.output_truncated:
        notes.append(f"output over {job.limits.output_bytes} bytes was dropped")
    if execution.frames_refused:
        notes.append(f"output over {message_limit(job.limits.output_bytes)} bytes in one kernel message was "
                     f"refused ({execution.frames_refused} time(s); the rest of that cell's output was lost)")
    if spec.manual_points:
        notes.append(f"{spec.manual_points:g} points of written answers are graded by hand")
    if flags:
        out.status = "flagged"
    elif execution.stopped or any(c.budget for c in cells):
        out.status = "failed"
    else:
        out.status = "graded"
    out.detail = "; ".join(flags + notes) or "ok"
    return out


def _readonly(job: Job) -> list[Path]:
    """What the kernel may read besides the system: the course package and its data, nothing else."""
    import course.exercises

    paths = [Path(course.exercises.__file__).resolve().parents[1]]
    data = job.course_root / "data"
    if data.is_dir():
        paths.append(data.resolve())
    return paths + [p.resolve() for p in job.extra_paths]


_WARMUPS: dict[int, tuple[assignment_mod.AssignmentSpec, str]] = {}


def warmup_for(spec: assignment_mod.AssignmentSpec) -> str:
    """The warm-up of a kernel for ``spec``: the imports of its instructor cells, and their text.

    Instructor cells are the release's code cells that are not the learner's to answer: the locked ones
    (restored before grading) and the unlocked ones a learner may have changed (a changed one is no longer
    the instructor's text, so it gets no figure stand-in)."""
    known = _WARMUPS.get(id(spec))
    if known is None or known[0] is not spec:
        instructor = [c for c in spec.student_nb.cells if c.cell_type == "code" and not nbutils.is_solution(c)]
        code = tuple(c.source for c in instructor)
        known = (spec, warm.warmup_code(warm.imported_modules(instructor), code))
        _WARMUPS[id(spec)] = known
    return known[1]
