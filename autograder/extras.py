"""Notebook modules from other installed packages (entry-point group ``aws_course.notebooks``, e.g. a course
in development or a test fixture): where they live, and making them importable in a grading process."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def notebook_packages() -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """Their sys.path entries (bound read-only in the sandbox) and modules to import; the registry imports
    the modules itself, so no module list is needed."""
    from course.exercises.registry import notebook_package_paths

    return tuple(notebook_package_paths()), ()


def import_extras(paths: tuple[Path, ...], modules: tuple[str, ...]) -> None:
    """Put ``paths`` on sys.path (once each) and import ``modules``, in this process."""
    for path in paths:
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    for name in modules:
        importlib.import_module(name)
