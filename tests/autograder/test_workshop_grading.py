"""`aws-course grade` on the demo course as an instructor meets it (#17 items 3, 4 and 7): only the chosen
students, a malformed timestamp.txt, a submission of another notebook, a Canvas download with a roster, and
the Canvas export of the result. Slow: it runs kernels."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from course.demo import create

pytestmark = pytest.mark.slow
NAME = "10-customer-engagement"
AWS_COURSE = str(Path(sys.executable).parent / "aws-course")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("workshop") / "course"
    create(folder, ROOT)
    submitted = folder / "grading" / "submitted"
    other = submitted / "demo-other" / NAME
    other.mkdir(parents=True)  # a learner who uploaded 03-storage under 10's name
    shutil.copy(ROOT / "release" / "03-storage" / "03-storage.ipynb", other / f"{NAME}.ipynb")
    (submitted / "demo-partial" / NAME / "timestamp.txt").write_text("last tuesday, I think\n")
    return folder


def grade(demo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_COURSE_WORKSPACE", "AWS_COURSE_EXCHANGE",
                                                            "AWS_COURSE_ROOT")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([AWS_COURSE, *args], capture_output=True, text=True, cwd=demo, env=env, timeout=1500)


def rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def first(demo):
    proc = grade(demo, "grade", NAME, "grading/submitted", "--workspace", "grading", "--student", "demo-partial",
                 "--student", "demo-other", "--student", "nobody", "--jobs", "2")
    return proc


def test_only_the_chosen_students_and_an_unknown_one_is_one_line(demo, first):
    assert first.returncode == 0, first.stderr[-3000:]
    assert set(rows(demo / "grading" / "grades.csv")) == {"demo-partial", "demo-other"}
    unknown = [line for line in first.stderr.splitlines() if "nobody" in line]
    assert unknown == [f"--student nobody: no submission of nobody in {demo / 'grading' / 'submitted'}; the others "
                       "are graded"]
    assert "2 submissions (all new or changed)" in first.stdout


def test_a_malformed_timestamp_is_one_line_naming_the_file_and_the_result_waits_for_review(demo, first):
    row = rows(demo / "grading" / "grades.csv")["demo-partial"]
    stamp = "demo-partial/10-customer-engagement/timestamp.txt"
    assert row["status"] == "flagged" and stamp in row["detail"] and "late penalty was not applied" in row["detail"]
    assert float(row["score"]) > 0, "the answers are still graded"
    lines = [line for line in first.stderr.splitlines() if "timestamp.txt" in line]
    assert len(lines) == 1 and "last tuesday" in lines[0] and "fix it or delete it" in lines[0]


def test_another_notebook_is_named_in_one_line(demo, first):
    row = rows(demo / "grading" / "grades.csv")["demo-other"]
    assert row["status"] == "flagged" and float(row["score"]) == 0
    assert row["detail"].startswith("this looks like 03-storage, not 10-customer-engagement")
    assert len(row["detail"]) < 200


def test_a_rerun_for_one_student_changes_only_that_student(demo, first):
    before = rows(demo / "grading" / "grades.csv")
    proc = grade(demo, "grade", NAME, "grading/submitted", "--workspace", "grading", "--student", "demo-full")
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = rows(demo / "grading" / "grades.csv")
    assert set(after) == {*before, "demo-full"} and all(after[s] == before[s] for s in before)
    assert after["demo-full"]["score"] == after["demo-full"]["max_score"]
    report = (demo / "grading" / "reports" / f"{NAME}.html").read_text()
    assert "data:image/png;base64," in report and "3 submissions" in report


def test_a_canvas_download_is_graded_through_the_roster_and_exported_for_canvas(demo, first, tmp_path):
    submitted = demo / "grading" / "submitted"
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(submitted / "demo-full" / NAME / f"{NAME}.ipynb", f"fulldemo_LATE_101_5001_{NAME}.ipynb")
        zf.write(submitted / "demo-blank" / NAME / f"{NAME}.ipynb", "Lab 10 blank copy.ipynb")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id,name\ncanvas-full,101,Full Demo\n")
    workspace = tmp_path / "canvas-ws"
    proc = grade(demo, "grade", NAME, str(archive), "--workspace", str(workspace), "--lms", "canvas",
                 "--roster", str(roster))
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = rows(workspace / "grades.csv")
    assert got["canvas-full"]["status"] == "graded" and got["canvas-full"]["score"] == got["canvas-full"]["max_score"]
    refused = [r for s, r in got.items() if s != "canvas-full"]
    assert len(refused) == 1 and refused[0]["status"] == "failed"
    assert "not a Canvas download name" in refused[0]["detail"] and "\n" not in refused[0]["detail"]
    missing = grade(demo, "grade", NAME, str(archive), "--workspace", str(workspace), "--lms", "canvas")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "needs --roster" in missing.stderr
    exported = grade(demo, "export", "--format", "canvas", "--roster", str(roster), "--workspace", str(workspace),
                     "--to", str(tmp_path / "canvas.csv"))
    assert exported.returncode == 0, exported.stderr
    with (tmp_path / "canvas.csv").open() as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", NAME]
    assert canvas[2][:2] == ["Full Demo", "101"] and float(canvas[2][-1]) == float(got["canvas-full"]["max_score"])
