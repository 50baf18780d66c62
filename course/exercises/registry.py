"""The course's exercises by id ("10.2"), filled by the per-notebook modules when they are imported."""

from __future__ import annotations

import importlib
import pkgutil

from course.exercises.base import Exercise

_REGISTRY: dict[str, Exercise] = {}

# the framework's own modules; every other module in this package holds one notebook's exercises
# and calls register() when imported, so adding a notebook needs no edit here
FRAMEWORK_MODULES = frozenset({"answers", "base", "checking", "choice", "keys", "network", "policy", "registry",
                               "results", "value"})


def notebook_modules() -> list[str]:
    """Names of the per-notebook exercise modules, found in this package."""
    package = importlib.import_module("course.exercises")
    return sorted(f"course.exercises.{m.name}" for m in pkgutil.iter_modules(package.__path__)
                  if not m.name.startswith("_") and m.name not in FRAMEWORK_MODULES)


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
    for name in notebook_modules():
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
