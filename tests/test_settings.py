"""course.settings reads the workspace, course id and code stub from nbgrader_config.py, the one place
they are written; the version comes from the package metadata."""

from __future__ import annotations

import os
import shutil
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import ROOT

import course
from course import settings


def test_the_course_config_gives_course_id_code_stub_and_default_workspace(monkeypatch):
    monkeypatch.delenv("AWS_COURSE_WORKSPACE", raising=False)
    monkeypatch.delenv("AWS_COURSE_EXCHANGE", raising=False)
    found = settings.load(ROOT)
    assert found.root == ROOT.resolve()
    assert found.course_id == "aws-security-notebooks"
    assert found.code_stub == {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    assert found.workspace == ROOT.resolve() / "grading"
    assert found.exchange == found.workspace / "exchange"
    assert found.db_url == f"sqlite:///{found.workspace / 'gradebook.db'}"


def test_the_workspace_variable_moves_the_workspace_but_not_the_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_COURSE_WORKSPACE", str(tmp_path / "ws"))
    assert settings.workspace(ROOT) == (tmp_path / "ws").resolve()
    assert settings.load(ROOT).exchange == (tmp_path / "ws").resolve() / "exchange"
    assert settings.defaults(ROOT).workspace == ROOT.resolve() / "grading"
    assert os.environ["AWS_COURSE_WORKSPACE"] == str(tmp_path / "ws"), "the caller's environment is restored"


def test_a_copied_config_puts_its_workspace_in_its_own_folder(tmp_path):
    shutil.copy2(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    assert settings.defaults(tmp_path).workspace == tmp_path.resolve() / "grading"


def test_a_missing_or_broken_config_is_a_clear_error(tmp_path):
    with pytest.raises(settings.SettingsError, match="no nbgrader_config.py in"):
        settings.load(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = \n")
    with pytest.raises(settings.SettingsError, match="nbgrader_config.py cannot be read: SyntaxError"):
        settings.load(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'x'\n")
    with pytest.raises(settings.SettingsError, match="sets no c.CourseDirectory.submitted_directory"):
        settings.load(tmp_path)


def test_the_grader_takes_the_code_stub_from_the_course_config(tmp_path):
    """No copy in autograder/: the stub of a course's own config is what the grader's release version holds."""
    import sys

    from autograder.assignment import load as load_assignment

    sys.path.insert(0, str(ROOT / "tests" / "autograder"))
    try:
        import nbfactory as f
    finally:
        sys.path.pop(0)
    f.write_course(tmp_path)
    config = tmp_path / "nbgrader_config.py"
    config.write_text(config.read_text().replace(
        'c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}',
        'c.ClearSolutions.code_stub = {"python": "# WRITE HERE\\nraise NotImplementedError()"}'))
    assert settings.load(tmp_path).code_stub == {"python": "# WRITE HERE\nraise NotImplementedError()"}
    spec = load_assignment(tmp_path, f.ASSIGNMENT)
    answers = [c.source for c in spec.student_nb.cells
               if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    assert answers and all(a.startswith("# WRITE HERE") for a in answers)


def test_the_version_is_the_one_in_pyproject():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert declared["name"] == course.DISTRIBUTION
    assert course.__version__ == version(course.DISTRIBUTION) == declared["version"]


def test_the_lab_makes_the_configured_exchange(monkeypatch, tmp_path):
    """`aws-course lab` creates nbgrader's exchange where the config puts it (AWS_COURSE_EXCHANGE here)."""
    from course import lab

    course_dir = tmp_path / "course"
    (course_dir / "release").mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", course_dir / "nbgrader_config.py")
    monkeypatch.setenv("AWS_COURSE_ROOT", str(course_dir))
    monkeypatch.setenv("AWS_COURSE_EXCHANGE", str(tmp_path / "exchange"))
    started: list[list[str]] = []
    monkeypatch.setattr(lab.os, "execve", lambda path, cmd, env: started.append(cmd))
    monkeypatch.chdir(tmp_path)
    lab.run([])
    assert (tmp_path / "exchange").is_dir() and started
    assert Path.cwd() == (course_dir / "my-work").resolve()  # the learner profile serves my-work/ only
