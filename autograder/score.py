"""Trusted scoring in the grader process, and the verdict for one submission.

Scoring rule: a check cell worth P points earns ``P x fraction`` where the fraction is the weighted
share of requirements met (``CheckResult.score``, visible and hidden cases together; with several
hidden calls, their mean), rounded to 2 decimals. An answer that cannot be read earns 0 for its cell.
The in-kernel result of the check cell (did it raise?) only serves as a tripwire: when it claims a
pass the trusted checker does not confirm, the submission is ``flagged`` and the trusted score counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbgrader import utils as nbutils

from autograder.assignment import AssignmentSpec, CheckSpec
from course.exercises.checking import evaluate
from course.exercises.results import CheckResult


@dataclass
class CellScore:
    grade_id: str
    exercise_id: str
    points: float
    score: float
    passed: bool
    in_kernel_passed: bool | None  # None: the cell never ran
    results: list[dict[str, Any]] = field(default_factory=list)  # CheckResult.to_dict() of each call
    problem: str | None = None


def trusted(check: CheckSpec, found: bool, answer: Any, problem: str | None) -> CellScore:
    cell = CellScore(check.grade_id, check.exercise_id, check.points, 0.0, False, None)
    if problem is not None and answer is None:
        result = CheckResult(check.exercise_id, "")
        result.error = problem
        cell.results, cell.problem = [result.to_dict()], problem
        return cell
    calls = [None] if not check.hidden else list(check.hidden)
    try:
        results = [evaluate(check.exercise_id, answer, hidden) for hidden in calls]
    except Exception as exc:  # a checker crash on hostile data must not stop the batch
        result = CheckResult(check.exercise_id, "")
        result.error = f"the checker could not read this answer ({type(exc).__name__})"
        cell.results, cell.problem = [result.to_dict()], result.error
        return cell
    fraction = sum(r.score for r in results) / len(results)
    cell.score = round(check.points * fraction, 2)
    cell.passed = all(r.passed for r in results)
    cell.results = [_visible_dict(r) for r in results]
    return cell


def _visible_dict(result: CheckResult) -> dict[str, Any]:
    return result.to_dict()


def in_kernel_outcomes(nb: nbformat.NotebookNode, spec: AssignmentSpec,
                       replies: dict[int, str | None]) -> dict[str, bool | None]:
    """For each check cell: did the kernel report it ``ok`` (True), an error (False), or never run it (None)?

    Read from the execute replies, not the outputs: the output budget may have dropped an error output.
    """
    outcome: dict[str, bool | None] = {c.grade_id: None for c in spec.checks}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not nbutils.is_grade(cell):
            continue
        gid = cell.metadata.nbgrader.get("grade_id")
        if gid in outcome and index in replies:
            outcome[gid] = replies[index] == "ok"
    return outcome


def disagreements(cells: list[CellScore]) -> list[str]:
    """Reasons to flag: the kernel's own check passed where the trusted check did not."""
    return [f"check {c.grade_id}: the notebook's own check passed but the trusted check did not "
            f"(score {c.score:g}/{c.points:g}); tampering suspected"
            for c in cells if c.in_kernel_passed is True and not c.passed]
