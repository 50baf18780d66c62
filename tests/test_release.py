"""release/ is exactly what nbgrader makes of source/, and gives nothing away."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import RELEASE_NOTEBOOKS, ROOT, SOURCE_NOTEBOOKS
from nbhelpers import read

from course.release import generate

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def test_every_source_notebook_has_a_release():
    assert [p.relative_to(ROOT / "source") for p in SOURCE_NOTEBOOKS] == [
        p.relative_to(ROOT / "release") for p in RELEASE_NOTEBOOKS], "run `make release` and commit release/"


@pytest.mark.slow  # runs nbgrader generate_assignment on every notebook
def test_release_is_what_nbgrader_generates_from_source(tmp_path):
    generate(tmp_path)
    for committed in RELEASE_NOTEBOOKS:
        fresh = tmp_path / committed.relative_to(ROOT / "release")
        assert fresh.exists(), f"{committed} has no source"
        assert json.loads(fresh.read_text()) == json.loads(committed.read_text()), (
            f"{committed.relative_to(ROOT)} is out of date: run `make release` and commit it")


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=[p.parent.name for p in SOURCE_NOTEBOOKS])
def test_release_contains_no_solution_and_no_hidden_test(path):
    released = (ROOT / "release" / path.relative_to(ROOT / "source")).read_text()
    assert "BEGIN SOLUTION" not in released and "BEGIN HIDDEN TESTS" not in released
    source = read(path)
    secret_lines = set()
    for cell in source.cells:
        for block in SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source):
            secret_lines |= {line.strip() for line in block.splitlines() if len(line.strip()) > 12}
    release_nb = read(ROOT / "release" / path.relative_to(ROOT / "source"))
    release_lines = {line.strip() for cell in release_nb.cells for line in cell.source.splitlines()}
    leaked = secret_lines & release_lines
    assert not leaked, f"solution or hidden test lines in the release: {sorted(leaked)[:3]}"


@pytest.mark.slow  # nbgrader validate executes the notebook
@pytest.mark.parametrize("path", RELEASE_NOTEBOOKS, ids=[p.parent.name for p in RELEASE_NOTEBOOKS])
def test_a_blank_release_notebook_passes_no_test(path, venv_env):
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "validate", "--invert", str(path)],
                          capture_output=True, text=True, cwd=ROOT, env=venv_env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Success! The notebook does not pass any tests." in proc.stdout, proc.stdout[-2000:]
