"""The two lab profiles are plain Jupyter configuration: what each one's files say the server shows.

The Chromium test (tests/browser/test_profiles_browser.py) checks that a real JupyterLab obeys them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ROOT

from course import lab, profiles


def read(path: Path) -> dict:
    return json.loads(path.read_text())


def test_learner_config_roots_the_server_in_my_work_and_keeps_only_the_learner_parts_of_nbgrader(tmp_path):
    work, exchange = tmp_path / "my-work", tmp_path / "exchange"
    folder = profiles.write_config(profiles.learner(work, "course-x", exchange), tmp_path / "cfg")
    server = read(folder / "jupyter_server_config.json")
    assert server["ServerApp"]["root_dir"] == str(work)
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False, "nbgrader.server_extensions.course_list": False,
        "nbgrader.server_extensions.assignment_list": True,
        "nbgrader.server_extensions.validate_assignment": True}
    assert server["LabApp"]["app_settings_dir"] == str(folder / "app-settings")
    assert server["LabApp"]["news_url"] is None
    disabled = read(folder / "labconfig" / "page_config.json")["disabledExtensions"]
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:create-assignment",
            "@jupyter/nbgrader:menu"} <= set(disabled)
    assert not {"@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:validate-assignment"} & set(disabled)
    overrides = read(folder / "app-settings" / "overrides.json")
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    menu = overrides["@jupyterlab/mainmenu-extension:plugin"]["menus"]
    assert [item["command"] for m in menu for item in m["items"]] == ["nbgrader:open-assignment-list"]
    # nbgrader's assignment list runs in my-work/, out of reach of the course's nbgrader_config.py
    from traitlets.config.loader import PyFileConfigLoader

    nbgrader = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
    assert nbgrader.CourseDirectory.course_id == "course-x" and nbgrader.Exchange.root == str(exchange)
    assert "white-space: normal" in (folder / "custom" / "custom.css").read_text()


def test_instructor_config_serves_the_course_with_every_nbgrader_tool(tmp_path):
    folder = tmp_path / "cfg"
    profiles.write_config(profiles.learner(tmp_path / "w", "c", tmp_path / "x"), folder)
    profiles.write_config(profiles.instructor(tmp_path), folder)  # the same folder: nothing of the learner stays
    server = read(folder / "jupyter_server_config.json")
    assert server["ServerApp"]["root_dir"] == str(tmp_path)
    assert all(server["ServerApp"]["jpserver_extensions"].values())
    assert read(folder / "labconfig" / "page_config.json") == {"disabledExtensions": {}}
    assert "@jupyterlab/mainmenu-extension:plugin" not in read(folder / "app-settings" / "overrides.json")
    assert not (folder / "nbgrader_config.py").exists()


def small_course(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    shutil.copytree(ROOT / "release" / "10-customer-engagement", course / "release" / "10-customer-engagement")
    shutil.copy2(ROOT / "nbgrader_config.py", course)
    (course / "source").mkdir()
    return course


def test_first_start_writes_the_start_page_and_opens_it_later_starts_restore_the_layout(tmp_path, monkeypatch):
    course = small_course(tmp_path)
    monkeypatch.setenv("AWS_COURSE_WORKSPACE", str(tmp_path / "workspace"))
    profile, folder, url, created = lab.prepare(course, instructor=False)
    assert profile.root_dir == course / "my-work" and url == "/lab/tree/00-start-here.ipynb"
    assert course / "my-work" / "00-start-here.ipynb" in created
    assert folder == tmp_path / "workspace" / "jupyter" / "learner"
    assert (tmp_path / "workspace" / "exchange").is_dir()
    _, _, url, created = lab.prepare(course, instructor=False)
    assert url == "/lab" and created == []
    profile, folder, url, _ = lab.prepare(course, instructor=True)
    assert profile.root_dir == course and folder.name == "instructor" and url == "/lab"


def test_a_deleted_start_page_comes_back_and_a_changed_one_is_kept(tmp_path, monkeypatch):
    course = small_course(tmp_path)
    monkeypatch.setenv("AWS_COURSE_WORKSPACE", str(tmp_path / "workspace"))
    lab.prepare_work_copy(course)
    start = course / "my-work" / "00-start-here.ipynb"
    start.write_text("my notes")
    assert lab.prepare_work_copy(course) == [] and start.read_text() == "my notes"
    start.unlink()
    assert lab.prepare_work_copy(course) == [start]


def test_the_kernels_profile_variable_is_the_one_checks_read():
    """course.exercises may not import course.profiles (docs/architecture.md): the two names must agree."""
    from course.exercises import model_answers

    assert (profiles.PROFILE_VARIABLE, profiles.LEARNER) == (model_answers.PROFILE_VARIABLE, model_answers.LEARNER)


def test_aws_course_profile_writes_a_learner_config_for_a_hub(tmp_path, monkeypatch, capsys):
    """A hub's single-user servers are not started by `aws-course lab`: the same config, written on demand."""
    from course.cli import main

    monkeypatch.setenv("AWS_COURSE_ROOT", str(ROOT))
    home, exchange = tmp_path / "home", tmp_path / "srv-exchange"
    assert main(["profile", "learner", str(tmp_path / "cfg"), "--root", str(home), "--exchange", str(exchange)]) == 0
    assert f"JUPYTER_CONFIG_DIR={tmp_path / 'cfg'}" in capsys.readouterr().out
    server = read(tmp_path / "cfg" / "jupyter_server_config.json")
    assert server["ServerApp"]["root_dir"] == str(home)
    assert not server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"]
    assert str(exchange) in (tmp_path / "cfg" / "nbgrader_config.py").read_text()


def test_aws_course_profile_outside_a_course_is_one_line(tmp_path, monkeypatch, capsys):
    from course.cli import main

    monkeypatch.setenv("AWS_COURSE_ROOT", str(tmp_path))
    assert main(["profile", "learner", str(tmp_path / "cfg")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aws-course profile: ") and len(err.strip().splitlines()) == 1
