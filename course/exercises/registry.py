"""The course's exercises by id ("10.2"), filled by the per-notebook modules when they are imported."""

from __future__ import annotations

import importlib

from course.exercises.base import Exercise

_REGISTRY: dict[str, Exercise] = {}

# one module per notebook, in course order; each calls register() at import
NOTEBOOK_MODULES = (
    "course.exercises.customer_engagement",
)


class UnknownExercise(KeyError):
    """No exercise has this id."""

    def __str__(self) -> str:
        return f"no exercise with id {self.args[0]!r}; ids look like '10.1'"


def register(*exercises: Exercise) -> None:
    """Add exercises; an id used twice is an authoring error."""
    for exercise in exercises:
        if exercise.id in _REGISTRY and _REGISTRY[exercise.id] is not exercise:
            raise ValueError(f"exercise id {exercise.id} registered twice")
        _REGISTRY[exercise.id] = exercise


def _load_all() -> None:
    for name in NOTEBOOK_MODULES:
        importlib.import_module(name)


def get(exercise_id: str) -> Exercise:
    _load_all()
    try:
        return _REGISTRY[str(exercise_id)]
    except KeyError:
        raise UnknownExercise(exercise_id) from None


def all_exercises() -> list[Exercise]:
    """Every exercise, sorted by notebook and question number."""
    _load_all()
    return sorted(_REGISTRY.values(), key=lambda e: tuple(int(p) for p in e.id.split(".")))
