"""Generate the student versions (release/) from the instructor notebooks (source/) with nbgrader.

The release is regenerated in a scratch copy of the course so that nbgrader never touches the
gradebook or the learner's files, then copied into place; tests compare a fresh generation with
the committed release/ to keep the two in step.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course.paths import assignments, course_root


class ReleaseError(RuntimeError):
    """nbgrader could not generate an assignment; the message carries nbgrader's own words."""


def nbgrader_command(*args: str) -> list[str]:
    """Run nbgrader with this interpreter, so an unactivated virtual environment works too."""
    return [sys.executable, "-m", "nbgrader", *args]


def generate(dest: Path, root: Path | None = None, names: list[str] | None = None) -> list[Path]:
    """Write the release of ``names`` (default: every assignment) under ``dest``; return the notebooks."""
    root = root or course_root()
    names = names or assignments(root)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="aws-course-release-") as scratch:
        scratch_root = Path(scratch)
        shutil.copy2(root / "nbgrader_config.py", scratch_root / "nbgrader_config.py")
        for name in names:
            src = root / "source" / name
            if not src.is_dir():
                raise ReleaseError(f"no assignment {name!r} in {root / 'source'}")
            shutil.copytree(src, scratch_root / "source" / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            proc = subprocess.run(
                nbgrader_command("generate_assignment", name, "--force", "--no-db",
                                 f"--CourseDirectory.root={scratch_root}"),
                cwd=scratch_root, capture_output=True, text=True, env=_env(scratch_root))
            out = scratch_root / "release" / name
            if proc.returncode != 0 or not out.is_dir():
                raise ReleaseError(f"nbgrader generate_assignment {name} failed:\n{proc.stdout}{proc.stderr}")
            target = dest / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(out, target)
            written += sorted(target.glob("*.ipynb"))
    return written


def sync_sources(root: Path, names: list[str] | None = None,
                 write_back: bool = True) -> tuple[list[str], str | None]:
    """Make the headings and check-cell points of ``source/`` agree with the registry (what release does
    first); return what changed (or disagrees, without ``write_back``) and an error naming an unknown
    question, if any."""
    from course.authoring import RegistryMismatch, sync_notebook

    changes: list[str] = []
    for name in names or assignments(root):
        for path in sorted((root / "source" / name).glob("*.ipynb")):
            try:
                changes += sync_notebook(path, write_back=write_back)
            except RegistryMismatch as exc:
                return changes, str(exc)
    return changes, None


def _env(root: Path) -> dict[str, str]:
    """nbgrader's environment: the scratch course's own default workspace (its config falls back to one
    inside ``root`` when the workspace variables are unset), so the real gradebook is never touched."""
    import os

    from course.settings import EXCHANGE_VARIABLE, WORKSPACE_VARIABLE

    env = {k: v for k, v in os.environ.items() if k not in (WORKSPACE_VARIABLE, EXCHANGE_VARIABLE)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env
