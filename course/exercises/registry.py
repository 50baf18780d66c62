"""The course's exercises by id ("10.2"), filled by the per-notebook modules when they are imported."""

from __future__ import annotations

import importlib
import sys
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from course.exercises.base import Exercise

_REGISTRY: dict[str, Exercise] = {}

# installed packages name their notebook modules in this group (see pyproject.toml); importing a module
# registers its exercises, so adding a notebook, here or in another package, needs no edit here
ENTRY_POINT_GROUP = "aws_course.notebooks"


class NotebookModuleError(ImportError):
    """A registered notebook module cannot be imported: names the entry point and the cause."""


def _entry_points() -> list[EntryPoint]:
    found = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.value)
    if not found:
        raise NotebookModuleError(f"no notebook modules are registered in the entry-point group "
                                  f"{ENTRY_POINT_GROUP!r}: install the course with `pip install -e .` "
                                  "(`make venv` does it)")
    return list({ep.value: ep for ep in found}.values())  # a package seen twice on sys.path counts once


def notebook_modules() -> list[str]:
    """Names of the modules that define the course's exercises, from every installed package."""
    return [ep.value for ep in _entry_points()]


def notebook_package_paths() -> list[Path]:
    """Where registered notebook modules of other packages live (their sys.path entries), so that a
    grading sandbox can make exactly those readable. The course's own distribution is left out: the
    sandbox binds the ``course`` package itself, never the checkout around it."""
    import sysconfig

    own = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
    own.add(Path(__file__).resolve().parents[2])  # the folder holding the course package
    paths: list[Path] = []
    for ep in _entry_points():
        dist = ep.dist
        if dist is None or dist.name == "aws-security-notebooks":
            continue
        location = Path(str(dist.locate_file(""))).resolve()
        if location not in own and location not in paths:
            paths.append(location)
    return paths


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


_LOADED_FOR: tuple[str, ...] | None = None


def _load_all() -> None:
    """Import every registered notebook module, again only when sys.path has changed (a new package)."""
    global _LOADED_FOR
    if _LOADED_FOR == tuple(sys.path):
        return
    for name in notebook_modules():
        try:
            importlib.import_module(name)
        except Exception as exc:
            raise NotebookModuleError(f"the notebook module {name} (entry point group {ENTRY_POINT_GROUP!r}) "
                                      f"cannot be imported: {type(exc).__name__}: {exc}") from exc
    _LOADED_FOR = tuple(sys.path)


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
