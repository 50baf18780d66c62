"""The course's nbgrader settings as Python values: the one place the workspace, course id and code stub live.

``nbgrader_config.py`` is what nbgrader itself reads, so it is the source of these facts; ``aws-course``
(lab, release, demo, grade) loads it with traitlets' own config loader instead of repeating them. The
grading workspace is the folder that holds ``submitted/`` (``AWS_COURSE_WORKSPACE``, default
``grading/`` next to the config).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_FILE = "nbgrader_config.py"
# the environment variables nbgrader_config.py reads (tests and `aws-course demo` set or clear them)
WORKSPACE_VARIABLE = "AWS_COURSE_WORKSPACE"
EXCHANGE_VARIABLE = "AWS_COURSE_EXCHANGE"

_ENVIRON_LOCK = threading.Lock()


class SettingsError(RuntimeError):
    """The course's nbgrader_config.py is missing, broken or lacks a setting the course needs."""


@dataclass(frozen=True)
class CourseSettings:
    """What ``nbgrader_config.py`` says, for one course folder."""

    root: Path
    course_id: str
    workspace: Path
    exchange: Path
    db_url: str
    code_stub: dict[str, str]


@contextmanager
def _environment(changes: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for None, remove) environment variables while the config file runs."""
    with _ENVIRON_LOCK:
        saved = {name: os.environ.get(name) for name in changes}
        try:
            for name, value in changes.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def load(root: Path | None = None, environ: Mapping[str, str | None] | None = None) -> CourseSettings:
    """Read ``root/nbgrader_config.py`` (default: the course folder) as nbgrader would.

    ``environ`` overrides environment variables while the file runs (None removes one), so a caller can
    ask for the defaults the file falls back to.
    """
    if root is None:
        from course.paths import course_root

        root = course_root()
    root = Path(root).resolve()
    path = root / CONFIG_FILE
    config = nbgrader_config(root, environ)

    def setting(section: str, name: str) -> object:
        value = config.get(section, {}).get(name)
        if value is None or type(value).__name__ == "LazyConfigValue":
            raise SettingsError(f"{path} sets no c.{section}.{name}")
        return value

    submitted = Path(str(setting("CourseDirectory", "submitted_directory")))
    submitted = submitted if submitted.is_absolute() else root / submitted
    stub = setting("ClearSolutions", "code_stub")
    if not isinstance(stub, dict):
        raise SettingsError(f"{path}: c.ClearSolutions.code_stub must be a dict such as {{'python': '...'}}")
    return CourseSettings(
        root=root,
        course_id=str(setting("CourseDirectory", "course_id")),
        workspace=submitted.parent,
        exchange=Path(str(setting("Exchange", "root"))),
        db_url=str(setting("CourseDirectory", "db_url")),
        code_stub={str(k): str(v) for k, v in stub.items()},
    )


def nbgrader_config(root: Path, environ: Mapping[str, str | None] | None = None) -> Any:
    """The whole traitlets ``Config`` of ``root/nbgrader_config.py``, for nbgrader classes the grader runs
    itself (the late-submission plugin, say) so they take the course's settings."""
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    path = Path(root) / CONFIG_FILE
    if not path.is_file():
        raise SettingsError(f"no {CONFIG_FILE} in {root}: the course folder needs nbgrader's config file")
    try:
        with _environment(environ or {}):
            return PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    except ConfigFileNotFound as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - a broken config must name itself, not show a bare traceback
        raise SettingsError(f"{path} cannot be read: {type(exc).__name__}: {exc}") from exc


def defaults(root: Path | None = None) -> CourseSettings:
    """The settings with ``AWS_COURSE_WORKSPACE`` and ``AWS_COURSE_EXCHANGE`` unset: the workspace and
    exchange the config falls back to inside the course folder (``grading/``)."""
    return load(root, {WORKSPACE_VARIABLE: None, EXCHANGE_VARIABLE: None})


def workspace(root: Path | None = None) -> Path:
    """The grading workspace in force now: ``$AWS_COURSE_WORKSPACE``, else the config's default."""
    return load(root).workspace


def course_id(root: Path | None = None) -> str:
    return load(root).course_id


def code_stub(root: Path | None = None) -> dict[str, str]:
    """What nbgrader puts in place of a solution (``# YOUR CODE HERE`` and ``raise NotImplementedError()``)."""
    return load(root).code_stub
