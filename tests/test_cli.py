"""The aws-course command line: lab options pass through, the learner's copies are never overwritten."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from course import lab
from course.cli import main


def test_lab_passes_every_option_through_to_jupyterlab(monkeypatch):
    seen = {}
    monkeypatch.setattr(lab, "run", lambda extra: seen.setdefault("extra", extra) and 0)
    main(["lab", "--no-browser", "--port", "8899"])
    assert seen["extra"] == ["--no-browser", "--port", "8899"]


def test_lab_command_opens_the_first_page_and_passes_options_last():
    cmd = lab.lab_command(["--port", "1"], "/lab/tree/00-start-here.ipynb")
    assert cmd[1:3] == ["-m", "jupyterlab"] and "--LabApp.default_url=/lab/tree/00-start-here.ipynb" in cmd
    assert cmd[-2:] == ["--port", "1"]


def test_lab_instructor_flag_picks_the_profile_and_never_reaches_jupyterlab(tmp_path, monkeypatch):
    """`aws-course lab --instructor` serves the course; the flag itself is ours, not JupyterLab's."""
    import os

    from course import profiles

    seen = {}
    course = tmp_path / "course"
    shutil.copytree(ROOT / "release" / "10-customer-engagement", course / "release" / "10-customer-engagement")
    shutil.copy2(ROOT / "nbgrader_config.py", course)
    (course / "source").mkdir()
    monkeypatch.setenv("AWS_COURSE_ROOT", str(course))
    monkeypatch.setenv("AWS_COURSE_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.setattr(os, "execve", lambda path, cmd, env: seen.update(cmd=cmd, cwd=os.getcwd(), env=env))
    monkeypatch.chdir(tmp_path)
    for flag, profile, cwd in (([], "learner", course / "my-work"), (["--instructor"], "instructor", course)):
        lab.run([*flag, "--no-browser"])
        assert "--instructor" not in seen["cmd"] and seen["cmd"][-1] == "--no-browser"
        assert seen["cwd"] == str(cwd)
        assert seen["env"]["JUPYTER_CONFIG_DIR"] == str(tmp_path / "workspace" / "jupyter" / profile)
        assert seen["env"][profiles.PROFILE_VARIABLE] == profile and seen["env"]["AWS_COURSE_ROOT"] == str(course)


def test_work_copies_are_made_once_and_never_overwritten(tmp_path):
    release = tmp_path / "release" / "10-x"
    release.mkdir(parents=True)
    (release / "10-x.ipynb").write_text("release v1")
    assert [p.name for p in lab.prepare_work_copy(tmp_path)] == ["10-x.ipynb", "00-start-here.ipynb"]
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
