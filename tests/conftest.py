"""Shared fixtures: the repository root, the course's notebooks, the one bubblewrap skip, and a temporary home.

Every test run gets its own HOME and Jupyter folders (set in ``pytest_configure``, so kernels, nbval cells and
every subprocess inherit them): `nbgrader submit` writes its cache to the Jupyter data folder, and a test once
left a phantom "Submitted" assignment in the learner's own nbgrader list. tests/test_home_isolation.py checks it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_NOTEBOOKS = sorted((ROOT / "source").glob("*/*.ipynb"))
RELEASE_NOTEBOOKS = sorted((ROOT / "release").glob("*/*.ipynb"))

# set by the run that made the temporary homes: an xdist worker (started after it) makes its home inside,
# so the one run that owns the folder removes every worker's home too, even one killed before its clean-up
HOME_ROOT_VARIABLE = "AWS_COURSE_TESTS_HOME_ROOT"
_saved_environment: dict[str, str | None] = {}
_temporary_home: Path | None = None


def isolated_home_environment(home: Path) -> dict[str, str]:
    """The variables that send Jupyter, IPython, nbgrader and matplotlib state into ``home``."""
    data = home / ".local" / "share"
    return {"HOME": str(home), "JUPYTER_DATA_DIR": str(data / "jupyter"),
            "JUPYTER_CONFIG_DIR": str(home / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(data / "jupyter" / "runtime"),
            "IPYTHONDIR": str(home / ".ipython"), "XDG_DATA_HOME": str(data),
            "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache"),
            "MPLCONFIGDIR": str(home / ".config" / "matplotlib")}


def _set(name: str, value: str) -> None:
    _saved_environment.setdefault(name, os.environ.get(name))
    os.environ[name] = value


def pytest_configure(config: pytest.Config) -> None:
    """Point HOME and the Jupyter folders at a temporary home for the whole run (each xdist worker its own)."""
    global _temporary_home
    parent = os.environ.get(HOME_ROOT_VARIABLE)
    if os.environ.get("PYTEST_XDIST_WORKER") and parent and Path(parent).is_dir():
        home = Path(tempfile.mkdtemp(prefix="worker-", dir=parent))
    else:
        home = _temporary_home = Path(tempfile.mkdtemp(prefix="aws-course-tests-home-"))
        _set(HOME_ROOT_VARIABLE, str(home))
    for name, value in isolated_home_environment(home).items():
        _set(name, value)
        Path(value).mkdir(parents=True, exist_ok=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Give the user's environment back and remove the temporary home (with the workers' homes in it)."""
    for name, value in _saved_environment.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if _temporary_home is not None:
        shutil.rmtree(_temporary_home, ignore_errors=True)


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
