"""Start JupyterLab on the course in one of two profiles (``course.profiles``), with the learner's copies.

Learners work in ``my-work/`` (git-ignored), a copy of ``release/`` made on first start and topped up
with new notebooks later, beside a start page; their answers are never overwritten and ``git pull`` never
conflicts. ``aws-course lab`` serves ``my-work/`` only; ``aws-course lab --instructor`` serves the whole
repository with every nbgrader tool.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from course import profiles
from course.paths import course_root
from course.settings import load as load_settings

WORK_DIR = "my-work"
START_PAGE = "00-start-here.ipynb"
INSTRUCTOR_FLAG = "--instructor"
VARIANT_FLAG = "--variant"
# course.exercises.variants.STUDENT_VARIABLE and its preview ids (this module may not import the framework)
STUDENT_VARIABLE = "AWS_COURSE_STUDENT"
PREVIEW_PREFIX = "preview-"


def take_variant(extra: list[str]) -> tuple[list[str], str | None]:
    """``--variant N`` (or ``--variant=N``) out of the arguments: the identity whose variants the kernels show,
    ``preview-N`` for a number, else the value itself (a student id, to see what that learner sees)."""
    rest: list[str] = []
    value: str | None = None
    args = iter(extra)
    for arg in args:
        if arg == VARIANT_FLAG:
            value = next(args, "")
        elif arg.startswith(VARIANT_FLAG + "="):
            value = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if value is None:
        return rest, None
    value = value.strip()
    if not value or value.startswith("-"):
        raise SystemExit("aws-course lab: --variant needs a number or a student id, e.g. --variant 3")
    return rest, f"{PREVIEW_PREFIX}{int(value)}" if value.isdigit() else value


def prepare_work_copy(root: Path) -> list[Path]:
    """Copy release notebooks that the learner does not have yet, and write the start page if it is
    missing; return the new files."""
    created = []
    for notebook in sorted((root / "release").glob("*/*.ipynb")):
        target = root / WORK_DIR / notebook.parent.name / notebook.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(notebook, target)
            created.append(target)
    start = root / WORK_DIR / START_PAGE
    if not start.exists():
        from course.start_page import write

        write(start, root / "release")
        created.append(start)
    return created


def config_dir(workspace: Path, profile: str) -> Path:
    """Where a profile's Jupyter configuration lives: in the grading workspace (git-ignored), one per profile."""
    return workspace / "jupyter" / profile


def lab_command(extra: list[str], default_url: str = "/lab") -> list[str]:
    cmd = [sys.executable, "-m", "jupyterlab", f"--LabApp.default_url={default_url}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        cmd.append("--allow-root")  # containers and CI machines often run as root
    return [*cmd, *extra]


def prepare(root: Path, instructor: bool) -> tuple[profiles.Profile, Path, str, list[Path]]:
    """Everything but starting the server: work copies, the profile's config folder, the first URL."""
    settings = load_settings(root)
    settings.exchange.mkdir(parents=True, exist_ok=True)  # nbgrader's assignment list needs it
    created = prepare_work_copy(root)
    work = root / WORK_DIR
    if instructor:
        profile = profiles.instructor(root)
        default_url = "/lab"
    else:
        profile = profiles.learner(work, settings.course_id, settings.exchange)
        # first run: open the start page; later runs: JupyterLab restores the learner's own layout
        default_url = f"/lab/tree/{START_PAGE}" if work / START_PAGE in created else "/lab"
    folder = profiles.write_config(profile, config_dir(settings.workspace, profile.name))
    return profile, folder, default_url, created


def run(extra: list[str]) -> int:
    """Replace this process with JupyterLab (so Ctrl-C and signals reach it directly)."""
    instructor = INSTRUCTOR_FLAG in extra
    extra, preview = take_variant([arg for arg in extra if arg != INSTRUCTOR_FLAG])
    root = course_root()
    profile, folder, default_url, created = prepare(root, instructor)
    for path in created:
        print(f"new notebook for you: {path.relative_to(root)}")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder), profiles.PROFILE_VARIABLE: profile.name,
           "AWS_COURSE_ROOT": str(root)}  # kernels in my-work/ still find the course
    if preview is not None:  # an instructor's preview: every question that varies shows this identity's values
        env[STUDENT_VARIABLE] = preview
        print(f"previewing the variants of {preview!r} (questions that vary per learner show its values)")
    os.chdir(profile.root_dir)
    cmd = lab_command(extra, default_url)
    os.execve(cmd[0], cmd, env)
    return 0  # pragma: no cover - execve does not return
