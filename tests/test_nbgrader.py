"""nbgrader really validates the source and really autogrades: solutions full marks, blanks zero."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SOURCE_NOTEBOOKS

pytestmark = pytest.mark.slow  # every test here runs nbgrader
IDS = [p.parent.name for p in SOURCE_NOTEBOOKS]
# An assignment may be split into parts (NN-slug-partK.ipynb): a submission holds all of its notebooks.
ASSIGNMENTS = sorted({p.parent for p in SOURCE_NOTEBOOKS})
# Plain `nbgrader autograde` runs on the template notebook and on the assignment split into parts: every
# notebook's test cells already meet nbgrader in `nbgrader validate` (source passes) and `--invert` (blank
# release fails), and tests/autograder/test_all_notebooks.py grades every assignment's reference answers
# through nbgrader's gradebook with `aws-course grade`. Autograding all twelve here too would add minutes.
AUTOGRADED_WITH_PLAIN_NBGRADER = [f for f in ASSIGNMENTS
                                  if f.name in ("01-security-identity-compliance", "10-customer-engagement")]


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=IDS)
def test_source_notebook_passes_nbgrader_validate(path, venv_env):
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(path)],
                          capture_output=True, text=True, cwd=ROOT, env=venv_env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Success! Your notebook passes all the tests." in proc.stdout, proc.stdout[-3000:]


@pytest.mark.parametrize("folder", AUTOGRADED_WITH_PLAIN_NBGRADER, ids=[f.name for f in AUTOGRADED_WITH_PLAIN_NBGRADER])
def test_nbgrader_autograde_gives_the_solution_full_marks_and_a_blank_zero(folder, tmp_path, venv_env):
    from nbgrader.api import Gradebook

    name = folder.name
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", course)
    shutil.copytree(folder, course / "source" / name)
    env = dict(venv_env, AWS_COURSE_WORKSPACE=str(tmp_path / "workspace"))
    (tmp_path / "workspace").mkdir()

    def nbgrader(*args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"],
                              capture_output=True, text=True, cwd=course, env=env, timeout=600)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
        return proc

    nbgrader("generate_assignment", name, "--force")
    for student, notebooks in (("solution", folder), ("blank", course / "release" / name)):
        target = tmp_path / "workspace" / "submitted" / student / name
        target.mkdir(parents=True)
        for notebook in sorted(notebooks.glob("*.ipynb")):
            shutil.copy2(notebook, target / notebook.name)
    nbgrader("autograde", name, "--force")

    with Gradebook(f"sqlite:///{tmp_path / 'workspace' / 'gradebook.db'}") as gb:
        solution = gb.find_submission(name, "solution")
        blank = gb.find_submission(name, "blank")
        assert solution.max_score > 0
        assert solution.score == solution.max_score, "the reference solution earns every point"
        assert blank.score == 0, "an unanswered notebook earns nothing"
