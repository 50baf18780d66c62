"""environment.yml only installs the project, so pyproject.toml stays the one list of dependencies."""

from __future__ import annotations

import tomllib

import yaml
from conftest import ROOT


def test_environment_yml_installs_python_pip_and_the_project_with_its_dev_extra():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    pins = [d for d in deps if isinstance(d, str)]
    pip = [d["pip"] for d in deps if isinstance(d, dict)]
    assert sorted(p.split("=")[0] for p in pins) == ["pip", "python"], (
        f"environment.yml lists packages besides python and pip: {pins}; add them to pyproject.toml instead")
    assert pip == [["-e .[dev]"]] and len(deps) == 3, deps
    python = next(p for p in pins if p.startswith("python="))
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert required.startswith(">="), required
    version = tuple(int(x) for x in python.split("=", 1)[1].split("."))
    assert version >= tuple(int(x) for x in required[2:].split(".")), f"{python} does not satisfy {required}"
