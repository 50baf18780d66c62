"""``check(id, answer)``: the learner's feedback table, and an AssertionError for nbgrader."""

from __future__ import annotations

from typing import Any

from course.exercises.registry import get
from course.exercises.results import CheckResult


class ExerciseFailed(AssertionError):
    """A requirement is not met (an AssertionError, so nbgrader gives the test cell no points)."""


def evaluate(exercise_id: str, answer: Any, hidden: Any = None) -> CheckResult:
    """Check without displaying or raising: what the autograder calls in its own process."""
    return get(exercise_id).check(answer, hidden)


def check(exercise_id: str, answer: Any, hidden: Any = None) -> None:
    """Show which requirements ``answer`` meets and raise :class:`ExerciseFailed` if any is not met.

    Returns None on purpose: a test cell that ends in a value would be read by nbgrader as a
    partial-credit score.
    """
    __tracebackhide__ = True  # IPython hides this frame in the learner's traceback
    result = evaluate(exercise_id, answer, hidden)
    show(result)
    if not result.passed:
        raise ExerciseFailed(result.summary())


def show(result: CheckResult) -> None:
    """Rich HTML table in Jupyter (with a text fallback), plain text elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        print(result)
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        display(result)
    else:
        print(result)
