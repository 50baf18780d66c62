"""Trusted scoring (in the budgeted helper process of :mod:`autograder.scorer`), and the verdict for one submission.

Scoring rule: a check cell worth P points earns ``P x fraction`` where the fraction is the weighted
share of requirements met (``CheckResult.score``, visible and hidden cases together; with several
hidden calls, their mean), rounded to 2 decimals. An answer that cannot be read earns 0 for its cell,
and so does one whose trusted check blows its time or memory budget (with the reason).

The in-kernel result of the check cell (did it raise?) only serves as a tripwire, and it is compared
like with like: the kernel's check saw the visible cases only, so it is held against the trusted
verdict on those same visible cases. When they disagree the submission is ``flagged`` and the trusted
score counts. An honest answer that passes the visible cases and misses a hidden one is simply
``graded`` with the points it earned.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbgrader import utils as nbutils

from autograder.assignment import AssignmentSpec, CheckSpec
from autograder.outcome import CellScore
from autograder.scorer import BudgetExceeded, Scorer
from course.exercises.results import CheckResult


def trusted(check: CheckSpec, scorer: Scorer, answer_path: Path, student: str = "") -> CellScore:
    """Score one check cell from the answer file the kernel wrote, within the scorer's budget.

    ``student`` is the submission's student id: a question that varies per learner is scored against that
    learner's variant (``course.exercises.variants``), whatever identity the notebook claimed in its kernel.
    """
    request = {"exercise_id": check.exercise_id, "path": str(answer_path), "hidden": list(check.hidden),
               "student": student}
    try:
        reply = scorer.check(request)
    except BudgetExceeded as exc:
        cell = _unscored(check, f"the trusted check of {check.exercise_id} {exc}: this question scores 0")
        cell.budget = cell.problem
        return cell
    return from_reply(check, reply)


def varying(spec: AssignmentSpec) -> list[str]:
    """The questions of ``spec`` that vary per learner."""
    from course.exercises.registry import get

    return [c.exercise_id for c in spec.checks if get(c.exercise_id).variants is not None]


def identity_problem(student_id: str, specs: list[AssignmentSpec]) -> str | None:
    """Why a submission cannot be graded against its own variants (an unknown student id), or None."""
    if student_id and student_id.strip():
        return None
    ids = [q for spec in specs for q in varying(spec)]
    if not ids:
        return None
    return (f"the submission has no student id, so the variant of question(s) {', '.join(ids)} is unknown: "
            "it is not graded (rename it after the student, e.g. <student>.ipynb, and grade it again)")


def from_reply(check: CheckSpec, reply: dict[str, Any]) -> CellScore:
    """A :class:`CellScore` from the helper's reply (plain data: results as ``CheckResult.to_dict()``)."""
    results = reply.get("results")
    if not results:
        return _unscored(check, str(reply.get("problem") or "the answer could not be checked"))
    cell = CellScore(check.grade_id, check.exercise_id, check.points, 0.0, False, None)
    fraction = sum(float(r["score"]) for r in results) / len(results)
    cell.score = round(check.points * fraction, 2)
    cell.passed = all(bool(r["passed"]) for r in results)
    cell.results = list(results)
    cell.visible_passed = bool(reply.get("visible_passed"))
    cell.answer = reply.get("answer")
    return cell


def _unscored(check: CheckSpec, problem: str) -> CellScore:
    cell = CellScore(check.grade_id, check.exercise_id, check.points, 0.0, False, None)
    result = CheckResult(check.exercise_id, "")
    result.error = problem
    cell.results, cell.problem = [result.to_dict()], problem
    return cell


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
    """Reasons to flag: the kernel's own check passed where the trusted check of the same visible cases did not.

    A question stopped by its budget is not a disagreement (it is reported as such). An answer that could
    not be read out at all is flagged for review in neutral words: that may be a grader limit, not cheating.
    """
    reasons = []
    for c in cells:
        if c.in_kernel_passed is not True or c.budget is not None:
            continue
        if c.visible_passed is False:
            reasons.append(f"check {c.grade_id}: the notebook's own check passed but the trusted check of the same "
                           f"visible cases did not (score {c.score:g}/{c.points:g}); tampering suspected")
        elif c.visible_passed is None:
            reasons.append(f"check {c.grade_id}: the notebook's own check passed but its answer could not be "
                           f"checked by the grader ({c.problem}); please review by hand")
    return reasons
