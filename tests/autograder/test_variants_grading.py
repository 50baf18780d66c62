"""The grader grades each learner against their own variant (issue #19): ten learners hand in the model answer of
their own variant of questions 2.11-2.13 (notebook 02, section 9), as the literal values their notebook showed
them; one copies a neighbour's answers; one claims the neighbour's identity inside its own kernel.

One batch through ``aws-course grade`` (bubblewrap sandbox, one worker): about a minute on one core.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbfactory as f
import nbformat
import pytest

from course.exercises import get

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
REAL = "02-networking-content-delivery"
ASSIGNMENT = "96-variants"
PILOT = ("2.11", "2.12", "2.13")
LEARNERS = [f"learner{n:02d}" for n in range(1, 11)]
POINTS = 9.0


def section_nine(root: Path) -> None:
    """``source/96-variants/96-variants.ipynb``: notebook 02's setup cell and its whole section 9."""
    nb = nbformat.read(ROOT / "source" / REAL / f"{REAL}.ipynb", as_version=4)
    start = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## 9."))
    end = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "check-2-13")
    setup = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "02-setup")
    nb.cells = [nb.cells[0], setup, *nb.cells[start:end + 1]]
    f.write_nb(nb, root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")


def literal_answers(identity: str) -> dict[str, str]:
    """The answer cells a learner writes from the values their notebook shows: literal data, no ``v11.``."""
    cells = {}
    for question in PILOT:
        family = get(question).variants
        answer = family.model(family.values(question, identity))
        name = "answer_" + question.replace(".", "_")
        cells["answer-" + question.replace(".", "-")] = f"{name} = {answer!r}"
    return cells


@pytest.fixture(scope="module")
def batch(tmp_path_factory, bwrap):
    base = tmp_path_factory.mktemp("variants")
    course = base / "course"
    section_nine(course)
    release = f.release_version(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    subs = base / "subs"
    for learner in LEARNERS:
        f.write_nb(f.with_answers(release, literal_answers(learner)), subs / f"{learner}.ipynb")
    # a copy of learner01's notebook handed in by learner11
    f.write_nb(f.with_answers(release, literal_answers("learner01")), subs / "learner11.ipynb")
    # mallory copies learner01 and claims learner01's identity in her own kernel, every way the kernel looks
    claim = ("import os, pathlib\n"
             "os.environ['AWS_COURSE_STUDENT'] = os.environ['JUPYTERHUB_USER'] = 'learner01'\n"
             "pathlib.Path('my-work').mkdir(exist_ok=True)\n"
             "pathlib.Path('my-work/.aws-course-id').write_text('learner01')\n"
             "os.chdir('my-work')")
    f.write_nb(f.insert_after(f.with_answers(release, literal_answers("learner01")), "02-setup", claim),
               subs / "mallory.ipynb")
    env = {**os.environ, "AWS_COURSE_ROOT": str(course),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("AWS_COURSE_STUDENT", None)
    env.pop("JUPYTERHUB_USER", None)
    cmd = [sys.executable, "-m", "course.cli", "grade", ASSIGNMENT, str(subs), "--workspace", str(base / "ws"),
           "--jobs", "1", "--timeout-cell", "60", "--timeout-notebook", "120"]
    proc = subprocess.run(cmd, cwd=course, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(base / "ws" / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    return {"base": base, "rows": rows}


def outputs(batch, student: str) -> str:
    path = batch["base"] / "ws" / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_each_learners_own_answers_score_full_on_their_variant(batch):
    for learner in LEARNERS:
        row = batch["rows"][learner]
        assert (row["status"], float(row["score"])) == ("graded", POINTS), (learner, row["detail"])


def test_the_kernel_showed_each_learner_their_own_values(batch):
    for learner in LEARNERS[:3]:
        text = outputs(batch, learner)
        values = get("2.11").variants.values("2.11", learner)
        assert f"variant for {learner}" in text and values.partner_cidr in text


def test_a_copied_notebook_scores_below_full(batch):
    row = batch["rows"]["learner11"]
    assert row["status"] == "graded" and float(row["score"]) < POINTS, row


def test_claiming_another_identity_in_the_kernel_does_not_change_the_grade(batch):
    row = batch["rows"]["mallory"]
    assert float(row["score"]) < POINTS, row
    # her kernel's check passed on learner01's variant, the trusted check of her own did not: flagged
    assert row["status"] == "flagged" and "tampering suspected" in row["detail"], row
    assert "variant for learner01" in outputs(batch, "mallory")
