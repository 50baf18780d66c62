"""The aws-course command line: lab options pass through, the learner's copies are never overwritten."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

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


def test_version_comes_from_the_package_metadata(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"aws-course {version('aws-security-notebooks')}"


@pytest.mark.slow
def test_release_first_rewrites_headings_and_points_from_the_registry(tmp_path, monkeypatch, capsys, venv_env):
    """A hand-edited heading never reaches learners: release syncs source/ from the registry, then generates."""
    import nbformat
    from conftest import ROOT

    from course.authoring import question_heading

    name = "10-customer-engagement"
    template = ROOT / "source" / name / f"{name}.ipynb"
    course = tmp_path / "course"
    (course / "source" / name).mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    nb = nbformat.read(template, as_version=4)
    heading = next(c for c in nb.cells if c.source.startswith("### Question 10.1 "))
    heading.source = heading.source.replace(heading.source.splitlines()[0], "### Question 10.1 — stale (9 points)")
    nbformat.write(nb, course / "source" / name / template.name)
    monkeypatch.setenv("PATH", venv_env["PATH"])  # nbgrader shells out to alembic
    monkeypatch.setenv("AWS_COURSE_ROOT", str(course))
    assert main(["release", name]) == 0
    out = capsys.readouterr().out
    assert "rewrote 10-customer-engagement.ipynb cell" in out and f"wrote release/{name}/{name}.ipynb" in out
    assert (course / "source" / name / template.name).read_bytes() == template.read_bytes()
    released = nbformat.read(course / "release" / name / template.name, as_version=4)
    assert any(c.source.startswith(question_heading("10.1")) for c in released.cells)
