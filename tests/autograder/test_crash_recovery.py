"""Killing the grader mid-batch loses no finished result, and the next run completes only the rest.

Uses the small fixture course (exercises 99.x, no pandas) so the kill and the re-run stay quick.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbfactory as f
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _env(course: Path, pylib: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", AWS_COURSE_ROOT=str(course),
               PYTHONPATH=str(pylib))
    return env


def _cmd(subs: Path, ws: Path, cell_timeout: int) -> list[str]:
    return [sys.executable, "-m", "course.cli", "grade", f.ASSIGNMENT, str(subs), "--workspace", str(ws),
            "--jobs", "1", "--timeout-cell", str(cell_timeout)]


def test_kill_mid_batch_then_rerun_grades_only_the_rest(tmp_path, bwrap):
    course = tmp_path / "course"
    pylib = f.write_course(course)
    release = f.release_version(course / "source" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.ipynb")
    subs, ws = tmp_path / "subs", tmp_path / "ws"
    f.write_nb(f.correct(release), subs / "a.ipynb")
    f.write_nb(f.correct(release), subs / "b.ipynb")
    f.write_nb(f.insert_after(f.correct(release), "check-99-1", "import time\ntime.sleep(600)"), subs / "c.ipynb")
    env = _env(course, pylib)
    proc = subprocess.Popen(_cmd(subs, ws, 300), cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ledger = ws / "autograder-ledger.jsonl"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if ledger.is_file() and len(ledger.read_text().splitlines()) >= 2:
            break
        assert proc.poll() is None, "the grader stopped before it was killed"
        time.sleep(0.2)
    else:
        pytest.fail("the first two submissions were not finished in time")
    time.sleep(1)  # c is now running its endless cell
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)

    rerun = subprocess.run(_cmd(subs, ws, 3), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "(1 new or changed, 2 unchanged since the last run)" in rerun.stdout
    rows = (ws / "grades.csv").read_text().splitlines()
    assert len(rows) == 4 and any(r.startswith("c,") and ",failed," in r and "timeout" in r for r in rows)
    assert sum(",graded," in r for r in rows) == 2
