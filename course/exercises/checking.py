"""``check(id, answer)``: the learner's feedback table, and an AssertionError for nbgrader."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from course.exercises.registry import get
from course.exercises.results import CheckResult
from course.exercises.variants import CURRENT, Scenario, current_identity, options_of, resolve

if TYPE_CHECKING:
    from course.exercises.model_answers import ModelAnswer


class ExerciseFailed(AssertionError):
    """A requirement is not met (an AssertionError, so nbgrader gives the test cell no points).

    The message (the error's ``evalue``) stays the machine-readable summary that progress reports read;
    what the learner sees is the one calm line of :meth:`_render_traceback_`, because the feedback table
    above it already says what is wrong, and library file paths in a red traceback say nothing more.
    """

    def __init__(self, message: str, line: str | None = None) -> None:
        super().__init__(message)
        self.line = line or message

    def _render_traceback_(self) -> list[str]:
        """IPython shows these lines in place of the traceback (in the notebook and in saved outputs)."""
        return [self.line]


def evaluate(exercise_id: str, answer: Any, hidden: Any = None, *,
             identity: str | None | object = CURRENT) -> CheckResult:
    """Check without displaying or raising: what the autograder calls in its own process.

    A question that varies per learner is checked against ``identity``'s variant: the autograder passes the
    submission's student id; the default (``CURRENT``) is this kernel's learner (``course.exercises.variants``).
    """
    exercise, hidden = resolve(get(exercise_id), identity, hidden)
    return exercise.check(answer, hidden)


def variant(exercise_id: str) -> Scenario | None:
    """Show and return your own values for question ``exercise_id`` (None for a question that does not vary)."""
    exercise = get(exercise_id)
    if exercise.variants is None:
        print(f"Question {exercise_id} is the same for everybody: it has no variant.")
        return None
    values = exercise.variants.values(exercise.id, current_identity().name)
    if values.rows():  # a question whose only variant is its option order has no table of values
        show(values)
    listed = options_of(exercise.variants.exercise(values))
    if listed is not None:
        show(listed)
    return values


def check(exercise_id: str, answer: Any, hidden: Any = None) -> None:
    """Show which requirements ``answer`` meets and raise :class:`ExerciseFailed` if any is not met.

    Returns None on purpose: a test cell that ends in a value would be read by nbgrader as a
    partial-credit score.
    """
    __tracebackhide__ = True  # IPython hides this frame in the learner's traceback
    result = evaluate(exercise_id, answer, hidden)
    show(result)
    if not result.passed:
        raise ExerciseFailed(result.summary(), result.failure_line())
    offer_model_answer(exercise_id, answer)


def offer_model_answer(exercise_id: str, answer: Any) -> None:
    """After a pass, in the learner profile: the model answer, collapsed (``course.exercises.model_answers``)."""
    from course.exercises import model_answers

    if model_answers.in_profile():
        offer = model_answers.model_answer(resolve(get(exercise_id), CURRENT, None)[0], answer)
        if offer is not None:
            show(offer)


def show(result: CheckResult | ModelAnswer | object) -> None:
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
