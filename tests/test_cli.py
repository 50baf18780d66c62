"""The aws-course command line: lab options pass through, the learner's copies are never overwritten."""

from __future__ import annotations

import subprocess
import sys

from course import lab
from course.cli import main


def test_lab_passes_every_option_through_to_jupyterlab(monkeypatch):
    seen = {}
    monkeypatch.setattr(lab, "run", lambda extra: seen.setdefault("extra", extra) and 0)
    main(["lab", "--no-browser", "--port", "8899"])
    assert seen["extra"] == ["--no-browser", "--port", "8899"]


def test_lab_command_opens_the_learners_folder(tmp_path):
    cmd = lab.lab_command(tmp_path, ["--port", "1"])
    assert cmd[1:3] == ["-m", "jupyterlab"] and f"--ServerApp.root_dir={tmp_path}" in cmd
    assert "--LabApp.default_url=/lab/tree/my-work" in cmd and cmd[-2:] == ["--port", "1"]


def test_work_copies_are_made_once_and_never_overwritten(tmp_path):
    release = tmp_path / "release" / "10-x"
    release.mkdir(parents=True)
    (release / "10-x.ipynb").write_text("release v1")
    assert [p.name for p in lab.prepare_work_copy(tmp_path)] == ["10-x.ipynb"]
    mine = tmp_path / "my-work" / "10-x" / "10-x.ipynb"
    mine.write_text("my answers")
    (release / "10-x.ipynb").write_text("release v2")
    assert lab.prepare_work_copy(tmp_path) == []
    assert mine.read_text() == "my answers"


def test_unknown_command_is_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "course.cli", "fly"], capture_output=True, text=True)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr
