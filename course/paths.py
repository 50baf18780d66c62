"""Where the course lives: the repository root holds source/, release/, data/ and nbgrader_config.py."""

from __future__ import annotations

import os
from pathlib import Path


class CourseNotFound(RuntimeError):
    """Commands that need the course folder were run outside it."""


def course_root(start: Path | None = None) -> Path:
    """The course folder: $AWS_COURSE_ROOT, else the nearest parent of ``start`` (default: the working
    directory) with nbgrader_config.py and source/, else the folder this package was installed from."""
    if os.environ.get("AWS_COURSE_ROOT"):
        return Path(os.environ["AWS_COURSE_ROOT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / "source").is_dir():
            return folder
    package_parent = Path(__file__).resolve().parents[1]
    if (package_parent / "nbgrader_config.py").is_file():
        return package_parent
    raise CourseNotFound("cannot find the course folder (with nbgrader_config.py and source/): "
                         "run the command inside the repository or set AWS_COURSE_ROOT")


def assignments(root: Path | None = None) -> list[str]:
    """Assignment names (``NN-slug``), in course order."""
    root = root or course_root()
    return sorted(p.name for p in (root / "source").iterdir() if p.is_dir() and p.name[:2].isdigit())


def data_dir() -> Path:
    """The datasets folder shipped with the course."""
    return course_root() / "data"
