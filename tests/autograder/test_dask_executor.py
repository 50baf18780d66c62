"""``--executor dask``: the same grading on a Dask distributed cluster (a LocalCluster here)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbfactory as f
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
distributed = pytest.importorskip("distributed", reason="dask distributed is not installed")


def test_dask_executor_grades_like_the_local_pool(tmp_path, bwrap):
    course = tmp_path / "course"
    pylib = f.write_course(course)
    release = f.release_version(course / "source" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.ipynb")
    subs, ws = tmp_path / "subs", tmp_path / "ws"
    f.write_nb(f.correct(release), subs / "ann.ipynb")
    f.write_nb(f.with_answers(f.correct(release), {"answer-99-1": 'answer_99_1 = "A"'}), subs / "ben.ipynb")
    (subs / "cat.ipynb").write_text("not a notebook")
    env = dict(os.environ)
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", AWS_COURSE_ROOT=str(course),
               PYTHONPATH=str(pylib))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        proc = subprocess.run([sys.executable, "-m", "course.cli", "grade", f.ASSIGNMENT, str(subs), "--workspace",
                               str(ws), "--executor", "dask", "--scheduler", cluster.scheduler_address,
                               "--timeout-cell", "60"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with open(ws / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert (rows["ann"]["status"], float(rows["ann"]["score"])) == ("graded", 8)
    assert (rows["ben"]["status"], float(rows["ben"]["score"])) == ("graded", 6)
    assert rows["cat"]["status"] == "failed" and "not JSON" in rows["cat"]["detail"]
    assert (ws / "autograded" / "ann" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.ipynb").is_file()
