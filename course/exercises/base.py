"""The exercise base class: what every kind shares (id, title, points, the answer's variable name)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from course.exercises.results import CheckResult, Requirement


class MalformedAnswer(ValueError):
    """The answer has the wrong shape; the message tells the learner what was expected."""


@dataclass(kw_only=True)
class Exercise:
    """One graded question. Subclasses implement :meth:`requirements` for their kind.

    ``hidden`` is data from a hidden test cell (extra cases). Hidden cases go through the same
    checker as visible ones, so the learner's self-check and the grader can never disagree on a case
    both can see.
    """

    kind: ClassVar[str] = "exercise"

    id: str
    title: str
    points: float
    answer_name: str
    # a question that differs per learner (course.exercises.variants.VariantFamily); None: one for everybody
    variants: Any = field(default=None, repr=False, compare=False)

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        raise NotImplementedError

    def check(self, answer: Any, hidden: Any = None) -> CheckResult:
        """Check ``answer``; malformed input becomes ``CheckResult.error``, never an exception."""
        result = CheckResult(self.id, self.title)
        if answer is Ellipsis or answer is None:
            result.error = f"no answer yet: assign your answer to `{self.answer_name}` and run the cell again"
            return result
        try:
            result.requirements = self.requirements(answer, hidden)
        except MalformedAnswer as exc:
            result.error = str(exc)
        return result

    def hint_texts(self) -> list[str]:
        """Every hint and explanation text the author wrote for this exercise (each must be a sentence)."""
        return []

    def describe(self) -> dict[str, Any]:
        """Registry entry as data (for progress reports and the grader)."""
        return {"id": self.id, "title": self.title, "points": self.points, "kind": self.kind,
                "answer_name": self.answer_name, "varies": self.variants is not None}


def type_name(value: Any) -> str:
    """A learner-friendly name for the type of ``value``."""
    return {str: "a string", dict: "a dict", list: "a list", set: "a set", int: "a number",
            float: "a number", bool: "True/False", tuple: "a tuple"}.get(type(value), type(value).__name__)
