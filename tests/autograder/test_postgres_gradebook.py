"""``--db postgresql://...``: the gradebook on PostgreSQL, a real server started for the test.

CI installs PostgreSQL from Debian (`.ci/run`); the test starts a private throwaway cluster on a Unix
socket, so it needs no configuration and touches no system database.
"""

from __future__ import annotations

import csv
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbfactory as f
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
pytest.importorskip("psycopg2", reason="psycopg2 is not installed (it is in the dev extra)")


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL cluster listening only on a Unix socket in a private folder."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed; CI installs it (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="aws-course-pg-", dir="/tmp"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", "55432"
    try:
        subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"),
                        "-o", f"-k {folder} -p {port} -c listen_addresses=''", "start"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*run_as, str(bin_dir / "createdb"), "-h", str(folder), "-p", port, "-U", "postgres",
                        "gradebook"], check=True, capture_output=True, timeout=60)
        yield f"postgresql+psycopg2://postgres@/gradebook?host={folder}&port={port}"
    finally:
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_grades_land_in_a_postgresql_gradebook(tmp_path, postgres_url, bwrap):
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    pylib = f.write_course(course)
    release = f.release_version(course / "source" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.ipynb")
    subs, ws = tmp_path / "subs", tmp_path / "ws"
    f.write_nb(f.correct(release), subs / "ann.ipynb")
    f.write_nb(f.with_answers(f.correct(release), {"answer-99-1": 'answer_99_1 = "A"'}), subs / "ben.ipynb")
    env = dict(os.environ)
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", AWS_COURSE_ROOT=str(course),
               PYTHONPATH=str(pylib))
    proc = subprocess.run([sys.executable, "-m", "course.cli", "grade", f.ASSIGNMENT, str(subs), "--workspace",
                           str(ws), "--db", postgres_url, "--jobs", "2"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with open(ws / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert {s: (r["status"], float(r["score"])) for s, r in rows.items()} == {"ann": ("graded", 8),
                                                                          "ben": ("graded", 6)}
    assert not (ws / "gradebook.db").exists(), "with --db, no SQLite gradebook is made"
    with Gradebook(postgres_url) as gb:
        assert gb.find_submission(f.ASSIGNMENT, "ann").score == 8
        assert gb.find_submission(f.ASSIGNMENT, "ben").score == 6


def test_an_id_over_varchar_128_is_a_failed_row_before_anything_is_written(tmp_path, postgres_url):
    """nbgrader's gradebook stores student ids in varchar(128): a 142-character id once killed the first
    batch on PostgreSQL and the re-run misreported it. Now it is refused at intake, on every run alike."""
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    pylib = f.write_course(course)
    release = f.release_version(course / "source" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.ipynb")
    subs, ws, long_id = tmp_path / "subs", tmp_path / "ws", "s" * 142
    f.write_nb(f.correct(release), subs / "ann.ipynb")
    f.write_nb(f.correct(release), subs / f"{long_id}.ipynb")
    env = dict(os.environ)
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", AWS_COURSE_ROOT=str(course),
               PYTHONPATH=str(pylib))
    runs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-m", "course.cli", "grade", f.ASSIGNMENT, str(subs), "--workspace",
                               str(ws), "--db", postgres_url, "--jobs", "1"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        with open(ws / "grades.csv", newline="") as handle:
            runs.append({r["student_id"]: (r["status"], float(r["score"]), r["detail"])
                         for r in csv.DictReader(handle)})
    assert runs[0] == runs[1], "the re-run reports the same"
    assert runs[0]["ann"][:2] == ("graded", 8)
    status, score, detail = runs[0][long_id]
    assert (status, score) == ("failed", 0) and "142 characters" in detail and "varchar(128)" in detail
    with Gradebook(postgres_url) as gb:
        assert {s.id for s in gb.students} == {"ann"}
        assert gb.find_submission(f.ASSIGNMENT, "ann").score == 8
