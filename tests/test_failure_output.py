"""A failed check shows the feedback table and one calm line, in a real kernel and in nbgrader's feedback.

The exception stays (nbgrader needs it to give the cell no points, and progress reads its message), but
IPython renders it through ``ExerciseFailed._render_traceback_``: no red traceback, no library paths.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

WRONG_1_6 = ('{"req1": "SCP", "req2": "SCP", "req3": "declarative policy", "req4": "permissions boundary", '
             '"req5": "session policy", "req6": "SCP"}')
LINE = "✘ Question 1.6: 1 of 6 requirements not met — see the table above"
PATHS = re.compile(r"(/[\w.-]+)+\.py|site-packages|File \"|Traceback|\x1b\[")


def _error_outputs(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for cell in nb.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]


@pytest.mark.slow
def test_a_failed_check_in_a_real_kernel_is_one_line_under_the_table(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from course.exercises import check"),
                nbformat.v4.new_code_cell(f"answer_1_6 = {WRONG_1_6}"),
                nbformat.v4.new_code_cell('check("1.6", answer_1_6)'),
                nbformat.v4.new_code_cell('check("1.6", ...)')]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    wrong, missing = _error_outputs(nb)
    assert wrong["ename"] == "ExerciseFailed"
    assert wrong["evalue"] == "Question 1.6: 5 of 6 requirements met", "progress reads the message unchanged"
    assert wrong["traceback"] == [LINE], "one line in place of the traceback"
    assert missing["traceback"] == ["✘ Question 1.6: the answer could not be checked — see the message above"]
    table = nb.cells[2].outputs[0]
    assert table["output_type"] == "display_data" and "✘ FAIL" in table["data"]["text/html"], \
        "the feedback table is still shown above the line"
    assert "You chose &#x27;SCP&#x27;" in table["data"]["text/html"], "the hint names the chosen option"
    for output in (wrong, missing):
        assert not PATHS.search("\n".join(output["traceback"])), output["traceback"]


@pytest.mark.slow
def test_nbgrader_feedback_shows_the_one_line_and_no_traceback(tmp_path, venv_env):
    """generate_assignment, a wrong submission, autograde, generate_feedback: the feedback HTML is calm."""
    name = "ps1"
    course = tmp_path / "course"
    source = course / "source" / name
    source.mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", course)
    nb = nbformat.v4.new_notebook()
    meta = {"schema_version": 3, "task": False}
    nb.cells = [
        nbformat.v4.new_code_cell("from course.exercises import check"),
        nbformat.v4.new_code_cell(f"### BEGIN SOLUTION\nanswer_1_6 = {WRONG_1_6}\n### END SOLUTION",
                                  metadata={"nbgrader": {**meta, "grade": False, "grade_id": "answer_1_6",
                                                         "locked": False, "solution": True}}),
        nbformat.v4.new_code_cell('check("1.6", answer_1_6)',
                                  metadata={"nbgrader": {**meta, "grade": True, "grade_id": "check_1_6",
                                                         "locked": True, "points": 3, "solution": False}}),
    ]
    nbformat.write(nb, source / "ps1.ipynb")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    env = dict(venv_env, AWS_COURSE_WORKSPACE=str(workspace))

    def nbgrader(*args: str) -> None:
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"],
                              capture_output=True, text=True, cwd=course, env=env, timeout=600)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]

    nbgrader("generate_assignment", name, "--force")
    submitted = workspace / "submitted" / "learner" / name
    submitted.mkdir(parents=True)
    released = nbformat.read(course / "release" / name / "ps1.ipynb", as_version=4)
    released.cells[1].source = f"answer_1_6 = {WRONG_1_6}"
    nbformat.write(released, submitted / "ps1.ipynb")
    nbgrader("autograde", name, "--force")
    nbgrader("generate_feedback", name, "--force")

    graded = nbformat.read(workspace / "autograded" / "learner" / name / "ps1.ipynb", as_version=4)
    (error,) = _error_outputs(graded)
    assert error["ename"] == "ExerciseFailed" and error["traceback"] == [LINE]
    page = (workspace / "feedback" / "learner" / name / "ps1.html").read_text()
    assert "Question 1.6: 1 of 6 requirements not met" in page, "the one line is in the feedback"
    assert "✘ FAIL" in page and "You chose" in page, "so is the table with the hint"
    body = re.sub(r"<style.*?</style>", "", page[page.index("<body"):], flags=re.S)  # the CSS names Traceback
    assert "Traceback" not in body and "site-packages" not in body and "checking.py" not in body
    assert "Score: 0.0 / 3.0" in re.sub(r"<[^>]+>|\s+", " ", body).replace("  ", " "), \
        "the failed check still scores nothing"
