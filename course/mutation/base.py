"""A mutant: a small, named change to a model answer that a good checker should not give full marks."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Mutant:
    """``description`` says what changed, in words stable across runs: with the exercise id it is the
    mutant's id in the equivalents file. ``answer`` is what the learner would hand in; a detector mutant
    carries ``make_answer`` instead (running the mutated function is deferred to grading time)."""

    exercise_id: str
    family: str  # the kind of mutation ("drop statement", "boundary", ...), for the table
    description: str
    answer: Any = None
    make_answer: Callable[[], Any] | None = None

    @property
    def id(self) -> str:
        return f"{self.exercise_id}: {self.description}"

    def build(self) -> Any:
        return self.make_answer() if self.make_answer is not None else self.answer


def fingerprint(value: Any) -> str:
    """Equal for answers that are the same data (so duplicate mutants are graded once)."""
    from course.exercises.answers import to_data

    try:
        return json.dumps(to_data(value), sort_keys=True, default=str)
    except TypeError:
        return repr(value)


def unique(original: Any, mutants: Iterable[Mutant]) -> Iterator[Mutant]:
    """Drop mutants equal to the model answer or to an earlier mutant (the first description wins)."""
    seen = {fingerprint(original)}
    ids: set[str] = set()
    for mutant in mutants:
        if mutant.make_answer is None:
            key = fingerprint(mutant.answer)
            if key in seen:
                continue
            seen.add(key)
        if mutant.id in ids:
            raise ValueError(f"two different mutants share the id {mutant.id!r}")
        ids.add(mutant.id)
        yield mutant


def edited(value: Any, edit: Callable[[Any], None]) -> Any:
    """A deep copy of ``value`` changed by ``edit`` (which mutates the copy in place)."""
    out = copy.deepcopy(value)
    edit(out)
    return out
