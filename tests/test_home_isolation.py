"""Tests never write to the user's home: `nbgrader submit` once left a phantom "Submitted" assignment in the
learner's own nbgrader list, because a test submitted with the real home folder (its cache lives in the
Jupyter data folder). tests/conftest.py gives every run a temporary HOME and Jupyter folders; these tests
check that it does, on a real `nbgrader submit` and a real kernel.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import HOME_ROOT_VARIABLE, ROOT, isolated_home_environment
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

COURSE = "home-isolation-course"
ASSIGNMENT = "ps1"


def _student(base: Path) -> tuple[Path, Path]:
    """A student folder holding ps1/ps1.ipynb and the exchange settings, and the exchange it submits to."""
    exchange = base / "exchange"
    (exchange / COURSE / "inbound").mkdir(parents=True)
    (exchange / COURSE / "inbound").chmod(0o2777)
    student = base / "student"
    nb = new_notebook(cells=[new_code_cell("answer_1_1 = 1")])
    for folder in (exchange / COURSE / "outbound" / ASSIGNMENT, student / ASSIGNMENT):  # released, fetched
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "ps1.ipynb")
    (student / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {COURSE!r}\nc.Exchange.root = {str(exchange)!r}\n")
    return student, exchange


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with a hash of its content (folders as such, too)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        found[key] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return found


def _as_a_user(home: Path) -> dict[str, str]:
    """The environment of a user whose home is ``home``: none of the variables the test run sets."""
    env = {k: v for k, v in os.environ.items()
           if k not in isolated_home_environment(home) and k != HOME_ROOT_VARIABLE and not k.startswith("PYTEST_")}
    env["HOME"] = str(home)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _user_home(base: Path) -> Path:
    """A home as a learner's looks after `make lab`: a Jupyter data folder with something in it."""
    home = base
    data = home / ".local" / "share" / "jupyter"
    (data / "nbgrader_cache").mkdir(parents=True)
    (data / "learner-state.txt").write_text("the learner's own Jupyter state\n")
    return home


@pytest.mark.slow  # runs nbgrader submit and a kernel
def test_submit_and_kernels_use_the_temporary_home(tmp_path, venv_env):
    """Inside the test run, nbgrader's cache and the kernel's files land in the run's temporary home."""
    student, exchange = _student(tmp_path)
    _run([sys.executable, "-m", "nbgrader", "submit", ASSIGNMENT], cwd=student, env=venv_env)
    nb = new_notebook(cells=[new_code_cell("import os; print(os.environ['HOME'])")])
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    data = Path(os.environ["JUPYTER_DATA_DIR"])
    assert Path(os.environ["HOME"]).is_relative_to(os.environ[HOME_ROOT_VARIABLE])
    assert Path(os.environ[HOME_ROOT_VARIABLE]).name.startswith("aws-course-tests-home-")
    assert data.is_relative_to(os.environ["HOME"])
    assert len(list((exchange / COURSE / "inbound").iterdir())) == 1, "the submission reached the exchange"
    assert list((data / "nbgrader_cache" / COURSE).iterdir()), "nbgrader's submit cache is in the temporary home"
    assert nb.cells[0].outputs[0].text.strip() == os.environ["HOME"], "kernels inherit the temporary home"


@pytest.mark.slow  # runs pytest, nbgrader submit and a kernel in subprocesses
def test_a_test_run_leaves_the_users_jupyter_folder_and_nbgrader_list_unchanged(tmp_path):
    # the control: the same submit, run as the user, does write to the user's Jupyter data folder, so the
    # comparison below can fail
    control = _user_home(tmp_path / "control-home")
    before = _snapshot(control)
    student, _ = _student(tmp_path / "control")
    _run([sys.executable, "-m", "nbgrader", "submit", ASSIGNMENT], cwd=student, env=_as_a_user(control))
    assert _snapshot(control) != before, "nbgrader submit with the user's home writes its cache there"

    user = _user_home(tmp_path / "user-home")
    listing_dir, _ = _student(tmp_path / "listing")  # the user's own course settings, for `nbgrader list`

    def listed() -> str:
        proc = _run([sys.executable, "-m", "nbgrader", "list", "--cached"], cwd=listing_dir, env=_as_a_user(user))
        return proc.stdout + proc.stderr

    before, listing = _snapshot(user), listed()
    test = "tests/test_home_isolation.py::test_submit_and_kernels_use_the_temporary_home"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-q", test],
                          cwd=ROOT, env=_as_a_user(user), capture_output=True, text=True, timeout=600)
    assert _snapshot(user) == before, "the test run changed the user's home"
    assert listed() == listing, "the user's nbgrader list changed"
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout[-2000:]
