"""Real Unix accounts for the tests that act as an instructor and students (exchange, hub).

They need root (``useradd``, ``runuser``) and a Python every account may run: this interpreter when it
can be run by others, else a venv of the system's Python of the same version that sees this environment's
packages (pyenv's Python under /root cannot be run by other users). Everything made is removed again.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def can_switch_users() -> bool:
    return os.geteuid() == 0 and bool(shutil.which("useradd")) and bool(shutil.which("runuser"))


def runs_for_everyone(path: Path) -> bool:
    real = path.resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [real, *real.parents])


@contextmanager
def shared_bindir() -> Iterator[Path]:
    """A bin/ every user can run, holding python and alembic (nbgrader runs alembic from PATH)."""
    here = Path(sys.executable)
    if runs_for_everyone(here):
        yield here.parent
        return
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.is_file():
        pytest.skip(f"{here} cannot be run by other users and there is no {system} to stand in for it")
    base = Path(tempfile.mkdtemp(prefix="ag-python-"))
    try:
        os.chmod(base, 0o755)
        subprocess.run([str(system), "-m", "venv", "--without-pip", str(base / "venv")], check=True, timeout=120)
        site = next((base / "venv" / "lib").glob("python3*/site-packages"))
        ours = [p for p in sys.path if p.endswith("site-packages")]
        (site / "_aws_course_tests.pth").write_text(
            "import site; " + "; ".join(f"site.addsitedir({p!r})" for p in ours) + "\n")
        for shared in ("etc", "share"):  # Jupyter's config (enabled server extensions) and data (lab extensions)
            if (Path(sys.prefix) / shared).is_dir():
                (base / "venv" / shared).symlink_to(Path(sys.prefix) / shared)
        for name, module in (("alembic", "alembic.config"),):
            script = base / "venv" / "bin" / name
            script.write_text(f"#!{base / 'venv' / 'bin' / 'python'}\nimport sys\nfrom {module} import main\n"
                              "sys.exit(main())\n")
            script.chmod(0o755)
        subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
        yield base / "venv" / "bin"
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def accounts(*roles: str) -> Iterator[dict[str, str]]:
    """One new account per role (``agx<random><role>``), removed with its home at the end."""
    if not can_switch_users():
        pytest.skip("needs root with useradd and runuser to act as an instructor and students")
    tag = secrets.token_hex(3)
    names = {role: f"agx{tag}{role[:3]}" for role in roles}
    made = []
    try:
        for name in names.values():
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True, timeout=60)
            made.append(name)
        yield names
    finally:
        for name in made:
            subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)


def uid(user: str) -> int:
    return pwd.getpwnam(user).pw_uid


def run_as(user: str, bindir: Path, *command: str, cwd: Path, check: bool = True,
           env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """``command`` as ``user`` with a clean environment (HOME, PATH with ``bindir`` first, ``env``)."""
    base = {"HOME": f"/home/{user}", "PATH": f"{bindir}:/usr/bin:/bin", "USER": user, "LOGNAME": user,
            **(env or {})}
    proc = subprocess.run(["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in base.items()),
                           *command], capture_output=True, text=True, cwd=cwd, timeout=timeout)
    if check:
        assert proc.returncode == 0, f"{command}: {proc.stdout[-1500:]}{proc.stderr[-2500:]}"
    return proc
