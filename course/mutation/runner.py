"""Run the mutants of every exercise, score them as the autograder would, and judge the survivors.

A mutant is graded as a submission would be: its answer travels as data (``to_data``/``from_data``, as
answers leave a learner's kernel) and is scored with ``course.exercises.evaluate`` once per hidden call
of the check cell, the points rounded as ``autograder.score.trusted`` rounds them (this package may not
import the autograder, docs/architecture.md; ``tests/test_mutation.py`` holds the two to the same verdict).
A mutant that still earns full marks *survives*. A survivor is either recorded as equivalent in the
reviewed file (with its reason), or belongs to a question listed there as ``pending`` (shown as such),
or it fails the gate. Recorded equivalents that no longer survive
(or no longer exist) are *stale* and fail the gate too, so the file stays a true record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.exercises.variants import CURRENT, resolve
from course.mutation import detector, network, policy, values
from course.mutation.base import Mutant, unique
from course.mutation.reviewed import Reviewed
from course.mutation.solutions import CheckCell, Solution, check_cells, notebook_solutions, source_notebooks


class MutationError(RuntimeError):
    """Bad input to the mutation check (an unknown question id, a question without a model answer)."""


@dataclass
class ExerciseReport:
    exercise_id: str
    kind: str
    mutants: int = 0
    killed: int = 0
    equivalent: list[tuple[Mutant, str]] = field(default_factory=list)
    survivors: list[Mutant] = field(default_factory=list)  # not recorded as equivalent
    stale: list[str] = field(default_factory=list)  # recorded equivalents that do not survive any more
    pending: str | None = None  # the reviewed file's reason when the question is pending
    problem: str | None = None  # the model answer itself does not earn full marks

    @property
    def failed(self) -> bool:
        return bool(self.problem or self.stale or (self.survivors and self.pending is None))

    @property
    def status(self) -> str:
        if self.problem:
            return "model answer fails"
        if self.stale:
            return "stale equivalents"
        if self.survivors:
            return "pending" if self.pending is not None else "SURVIVORS"
        return "ok"


@dataclass
class Report:
    exercises: list[ExerciseReport]

    @property
    def failed(self) -> bool:
        return any(e.failed for e in self.exercises)


def kind_of(exercise: Any) -> str:
    return exercise.kind


def generate(exercise: Any, solution: Solution) -> list[Mutant]:
    """The distinct mutants of ``exercise``'s model answer, by the exercise's kind."""
    from course.exercises.kinds.logs import DetectorMatch
    from course.exercises.kinds.network import NetworkExercise
    from course.exercises.kinds.policy import PolicyExercise

    answer = solution.answer
    if isinstance(exercise, PolicyExercise):
        requests = [case.request for case in exercise.cases]
        requests += [case.get("request", {}) for hidden in solution.check.hidden for case in (hidden or [])
                     if isinstance(case, dict)]
        found: Iterable[Mutant] = policy.mutants(exercise.id, answer, requests)
    elif isinstance(exercise, NetworkExercise):
        found = network.mutants(exercise, answer)
    elif isinstance(exercise, DetectorMatch):
        if solution.detector is None:
            raise MutationError(f"question {exercise.id}: the answer cell does not call run_detector(\"{exercise.id}\","
                                " a_function), so there is no model function to mutate")
        found = detector.mutants(exercise, solution.detector)
    else:
        found = values.mutants(exercise, answer)
    return list(unique(answer, found))


def full_marks(check: CheckCell, answer: Any) -> bool:
    """Does ``answer`` earn every point of ``check`` when the autograder scores it?"""
    from course.exercises.answers import UnsupportedAnswer, from_data, to_data
    from course.exercises.checking import evaluate

    try:
        answer = from_data(to_data(answer))
    except UnsupportedAnswer:
        return False
    calls = [None] if not check.hidden else list(check.hidden)
    try:
        results = [evaluate(check.exercise_id, answer, hidden) for hidden in calls]
    except Exception:  # the grader scores a checker crash as 0 points
        return False
    fraction = sum(r.score for r in results) / len(results)
    return check.points > 0 and round(check.points * fraction, 2) >= check.points


def solutions_for(root: Path, ids: list[str] | None) -> dict[str, Solution]:
    """Model answers of the questions ``ids`` (all when None), executing only the notebooks that hold them."""
    wanted = None if ids is None else set(ids)
    found: dict[str, Solution] = {}
    for path in source_notebooks(root):
        if wanted is not None and not wanted & set(check_cells(path)):
            continue
        found.update(notebook_solutions(path))
    return found


def run(root: Path, reviewed: Reviewed, ids: list[str] | None = None, identity: str | None = None) -> Report:
    """Every question's mutants, for ``identity``'s variants (None: the default scenarios, what the docs table
    and the reviewed file describe)."""
    from course.exercises.variants import pinned

    with pinned(identity, "mutation testing"):
        return _run(root, reviewed, ids)


def _run(root: Path, reviewed: Reviewed, ids: list[str] | None) -> Report:
    from course.exercises.registry import all_exercises

    exercises = {e.id: e for e in all_exercises()}
    if ids:
        unknown = [i for i in ids if i not in exercises]
        if unknown:
            raise MutationError(f"unknown question id {', '.join(map(repr, unknown))}; ids look like '1.3' "
                                "(`aws-course exercises` lists them)")
    chosen = ids or list(exercises)
    solutions = solutions_for(root, chosen)
    missing = [i for i in chosen if i not in solutions]
    if missing:
        raise MutationError(f"question {', '.join(missing)}: no check cell with a model answer in source/")
    reports = []
    for exercise_id in sorted(chosen, key=lambda i: tuple(int(p) for p in i.split("."))):
        exercise = resolve(exercises[exercise_id], CURRENT, None)[0]  # this identity's variant of it
        reports.append(check_exercise(exercise, solutions[exercise_id], reviewed,
                                      _in_default_terms(exercises[exercise_id])))
    return Report(reports)


def _in_default_terms(exercise: Any) -> Callable[[str], str] | None:
    """For a question that varies: a mutant's description said of the default scenario (the reviewed file's)."""
    from course.exercises.variants import current_identity

    family = exercise.variants
    if family is None:
        return None
    values = family.values(exercise.id, current_identity().name)
    return lambda text: family.in_default_terms(values, text)


def check_exercise(exercise: Any, solution: Solution, reviewed: Reviewed,
                   translate: Callable[[str], str] | None = None) -> ExerciseReport:
    """Grade ``exercise``'s mutants; ``translate`` names a variant's mutant as the reviewed file does."""
    translate = translate or (lambda text: text)
    report = ExerciseReport(exercise.id, kind_of(exercise), pending=reviewed.pending.get(exercise.id))
    if not full_marks(solution.check, solution.answer):
        report.problem = "the model answer in the source notebook does not earn full marks"
        return report
    survived: set[str] = set()
    for mutant in generate(exercise, solution):
        report.mutants += 1
        if not full_marks(solution.check, mutant.build()):
            report.killed += 1
            continue
        survived.add(translate(mutant.description))
        reason = reviewed.reason(exercise.id, translate(mutant.description))
        if reason is None:
            report.survivors.append(mutant)
        else:
            report.equivalent.append((mutant, reason))
    report.stale = sorted(set(reviewed.equivalent.get(exercise.id, {})) - survived)
    return report
