"""Shared fixtures: the repository root, the course's notebooks, and the one bubblewrap skip."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_NOTEBOOKS = sorted((ROOT / "source").glob("*/*.ipynb"))
RELEASE_NOTEBOOKS = sorted((ROOT / "release").glob("*/*.ipynb"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def venv_env() -> dict[str, str]:
    """Environment for subprocesses: this interpreter's bin/ first (nbgrader shells out to alembic)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture(scope="session")
def bwrap() -> None:
    """Skip unless the grading sandbox works here: bwrap installed and able to make its namespaces.

    The one place tests decide this, with the grader's own probe (``autograder.sandbox.bwrap_works``)."""
    from autograder import sandbox

    if sandbox.bwrap_path() is None:
        pytest.skip("bubblewrap (bwrap) is not installed; CI installs it (apt-get install bubblewrap)")
    if not sandbox.bwrap_works():
        pytest.skip("bubblewrap is installed but cannot create namespaces here (some containers forbid them)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Notebook cells that nbval runs (``make test`` passes ``source``) execute in a kernel: slow, like the rest."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
