"""The two ways JupyterLab opens on the course: the learner's and the instructor's.

Both are written as plain Jupyter configuration into a folder ``aws-course lab`` owns (it becomes
``JUPYTER_CONFIG_DIR`` for the server), so JupyterLab's and jupyter_server's own mechanisms do the work:

- ``jupyter_server_config.json``: the server root and which nbgrader server extensions load
  (``ServerApp.jpserver_extensions``); the learner's server has no formgrader and no course list, so their
  URLs do not exist;
- ``labconfig/page_config.json``: ``disabledExtensions``, the nbgrader front-end plugins a learner never
  sees (Formgrader, Courses, Create Assignment and nbgrader's own menu, which lists the instructor items);
- ``app-settings/overrides.json`` (``LabApp.app_settings_dir``): setting defaults, no "Jupyter news"
  prompt and, for the learner, an Nbgrader menu with only the Assignment List;
- ``custom/custom.css`` (``LabApp.custom_css``): whole file names in the file browser;
- ``nbgrader_config.py`` (learner only): the course id and the exchange, because the learner's server
  runs in ``my-work/`` where the course's ``nbgrader_config.py`` is out of reach.

A JupyterHub can point its single-user servers at a folder written by :func:`write_config` the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

LEARNER = "learner"
INSTRUCTOR = "instructor"
# kernels started by the lab inherit it: checks offer model answers only in a profile (never while grading)
PROFILE_VARIABLE = "AWS_COURSE_PROFILE"

NBGRADER_SERVER_EXTENSIONS = ("formgrader", "course_list", "assignment_list", "validate_assignment")
LEARNER_SERVER_EXTENSIONS = ("assignment_list", "validate_assignment")
# nbgrader's front-end plugins a learner must not see; assignment-list and validate-assignment stay
LEARNER_DISABLED_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:menu",  # its menu lists Courses and Formgrader: replaced by LEARNER_MENU
    "@jupyterlab/extensionmanager-extension:plugin",  # installing lab extensions is not a learner's job
)
ASSIGNMENT_LIST_COMMAND = "nbgrader:open-assignment-list"
LEARNER_MENU = {
    "id": "jp-mainmenu-nbgrader-learner",
    "label": "Nbgrader",
    "rank": 1000,
    "items": [{"command": ASSIGNMENT_LIST_COMMAND}],
}
# no "Would you like to receive official Jupyter news?" prompt, no update check: the course is offline
QUIET_NOTIFICATIONS = {"fetchNews": "false", "checkForUpdates": False}
# whole names in the file browser: JupyterLab cuts long names with "…" at the column's edge, which made the
# three parts of notebook 01 ("01-security-identity-compliance-part1/2/3") read the same; wrap them instead
CUSTOM_CSS = """/* written by aws-course lab (course/profiles.py) */
.jp-DirListing-content .jp-DirListing-item .jp-DirListing-itemText {
  white-space: normal !important;
  overflow-wrap: anywhere;
  text-overflow: clip;
}
"""


@dataclass(frozen=True)
class Profile:
    """What one profile's server shows: its root folder, nbgrader parts and settings defaults."""

    name: str
    root_dir: Path
    server_extensions: tuple[str, ...]
    disabled_plugins: tuple[str, ...] = ()
    overrides: dict = field(default_factory=dict)
    nbgrader: dict = field(default_factory=dict)

    def server_config(self, app_settings_dir: Path) -> dict:
        extensions = {f"nbgrader.server_extensions.{name}": name in self.server_extensions
                      for name in NBGRADER_SERVER_EXTENSIONS}
        return {"ServerApp": {"root_dir": str(self.root_dir), "jpserver_extensions": extensions},
                "LabApp": {"app_settings_dir": str(app_settings_dir), "custom_css": True, "news_url": None}}


def learner(work_dir: Path, course_id: str, exchange: Path) -> Profile:
    """JupyterLab rooted at ``my-work/``: the Assignment List and Validate, nothing of the instructor's."""
    return Profile(
        name=LEARNER, root_dir=work_dir, server_extensions=LEARNER_SERVER_EXTENSIONS,
        disabled_plugins=LEARNER_DISABLED_PLUGINS,
        overrides={"@jupyterlab/apputils-extension:notification": QUIET_NOTIFICATIONS,
                   "@jupyterlab/mainmenu-extension:plugin": {"menus": [LEARNER_MENU]}},
        nbgrader={"CourseDirectory": {"course_id": course_id}, "Exchange": {"root": str(exchange)}},
    )


def instructor(course_root: Path) -> Profile:
    """JupyterLab on the course repository with every nbgrader tool (its config is the course's own)."""
    return Profile(name=INSTRUCTOR, root_dir=course_root, server_extensions=NBGRADER_SERVER_EXTENSIONS,
                   overrides={"@jupyterlab/apputils-extension:notification": QUIET_NOTIFICATIONS})


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def write_config(profile: Profile, config_dir: Path) -> Path:
    """Write the profile's Jupyter configuration into ``config_dir`` (replacing what an earlier run wrote;
    the learner's own JupyterLab settings in ``lab/user-settings`` are kept). Returns ``config_dir``."""
    config_dir.mkdir(parents=True, exist_ok=True)
    app_settings = config_dir / "app-settings"
    _write_json(config_dir / "jupyter_server_config.json", profile.server_config(app_settings))
    _write_json(config_dir / "labconfig" / "page_config.json",
                {"disabledExtensions": {plugin: True for plugin in profile.disabled_plugins}})
    _write_json(app_settings / "overrides.json", profile.overrides)
    (config_dir / "custom").mkdir(exist_ok=True)
    (config_dir / "custom" / "custom.css").write_text(CUSTOM_CSS)  # LabApp.custom_css serves it
    nbgrader_file = config_dir / "nbgrader_config.py"  # nbgrader warns on every request without a .py
    if profile.nbgrader:
        nbgrader_file.write_text("# written by aws-course lab (course/profiles.py) on every start\n" + "".join(
            f"c.{section}.{name} = {value!r}\n" for section, values in profile.nbgrader.items()
            for name, value in values.items()))
    else:
        nbgrader_file.unlink(missing_ok=True)  # the instructor's server reads the course's nbgrader_config.py
    (config_dir / "README.txt").write_text(
        f"Written by `aws-course lab` for the {profile.name} profile on every start: edits here are replaced.\n"
        "See course/profiles.py.\n")
    return config_dir
