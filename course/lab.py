"""Start JupyterLab on the course, with the learner's own copies of the release notebooks.

Learners work in ``my-work/`` (git-ignored), a copy of ``release/`` made on first start and topped up
with new notebooks later; their answers are never overwritten and ``git pull`` never conflicts.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from course.paths import course_root
from course.settings import load as load_settings

WORK_DIR = "my-work"


def prepare_work_copy(root: Path) -> list[Path]:
    """Copy release notebooks that the learner does not have yet; return the new copies."""
    created = []
    for notebook in sorted((root / "release").glob("*/*.ipynb")):
        target = root / WORK_DIR / notebook.parent.name / notebook.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(notebook, target)
            created.append(target)
    return created


def lab_command(root: Path, extra: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
           f"--LabApp.default_url=/lab/tree/{WORK_DIR}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        cmd.append("--allow-root")  # containers and CI machines often run as root
    return [*cmd, *extra]


def run(extra: list[str]) -> int:
    """Replace this process with JupyterLab (so Ctrl-C and signals reach it directly)."""
    root = course_root()
    for path in prepare_work_copy(root):
        print(f"new notebook for you: {path.relative_to(root)}")
    load_settings(root).exchange.mkdir(parents=True, exist_ok=True)  # nbgrader's assignment list needs it
    os.chdir(root)
    cmd = lab_command(root, extra)
    os.execv(cmd[0], cmd)
    return 0  # pragma: no cover - execv does not return
