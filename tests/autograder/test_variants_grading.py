"""The grader grades each learner against their own variant (issue #19): ten learners hand in the model answer of
their own variant of questions 2.11-2.13 (notebook 02, section 9), as the literal values their notebook showed
them; one copies a neighbour's answers; one hands in the authored question's answers (the instructor's version in
source/); one claims the neighbour's identity inside its own kernel; one file's name is no student id (its variant
is unknown: failed, never run).

Two batches (and a re-run with nothing new) through ``aws-course grade`` (bubblewrap sandbox, one worker) into
one workspace: the second hands in one more copy (2.11 and 2.12), and the same-answer report, rebuilt from every
result, finds both copies.
About a minute and a half on one core. ``test_same_answer_100.py`` does 100 learners through the trusted path.
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


def literal_answers(identity: str | None) -> dict[str, str]:
    """The answer cells a learner writes from the values their notebook shows: literal data, no ``v11.``
    (``None``: the authored question's values, what the instructor's notebook shows)."""
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
    # olivia hands in the answers of the authored question (worked in the instructor's notebook)
    f.write_nb(f.with_answers(release, literal_answers(None)), subs / "olivia.ipynb")
    # mallory copies learner01 and claims learner01's identity in her own kernel, every way the kernel looks
    claim = ("import os, pathlib\n"
             "os.environ['AWS_COURSE_STUDENT'] = os.environ['JUPYTERHUB_USER'] = 'learner01'\n"
             "pathlib.Path('my-work').mkdir(exist_ok=True)\n"
             "pathlib.Path('my-work/.aws-course-id').write_text('learner01')\n"
             "os.chdir('my-work')")
    f.write_nb(f.insert_after(f.with_answers(release, literal_answers("learner01")), "02-setup", claim),
               subs / "mallory.ipynb")
    # a file whose name is no student id: its variant is unknown
    f.write_nb(f.with_answers(release, literal_answers("learner03")), subs / "a b.ipynb")
    env = {**os.environ, "AWS_COURSE_ROOT": str(course),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("AWS_COURSE_STUDENT", None)
    env.pop("JUPYTERHUB_USER", None)

    def grade(folder: Path) -> tuple[dict[str, dict[str, str]], str]:
        cmd = [sys.executable, "-m", "course.cli", "grade", ASSIGNMENT, str(folder), "--workspace", str(base / "ws"),
               "--jobs", "1", "--timeout-cell", "60", "--timeout-notebook", "120"]
        proc = subprocess.run(cmd, cwd=course, env=env, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        with open(base / "ws" / "grades.csv", newline="") as handle:
            return {r["student_id"]: r for r in csv.DictReader(handle)}, proc.stdout + proc.stderr

    rows, _ = grade(subs)
    first_report = (base / "ws" / "reports" / f"{ASSIGNMENT}.md").read_text()
    # a later batch: learner12 copies learner02's answers to 2.11 and 2.12
    later = base / "later"
    answers = literal_answers("learner12")
    answers.update({k: v for k, v in literal_answers("learner02").items() if k in ("answer-2-11", "answer-2-12")})
    f.write_nb(f.with_answers(release, answers), later / "learner12.ipynb")
    after, said = grade(later)
    saved = (base / "ws" / "same-answer.json").read_bytes()
    again, _ = grade(later)  # nothing new: the saved findings are reused, not compared again
    assert (base / "ws" / "same-answer.json").read_bytes() == saved and again == after
    return {"base": base, "rows": rows, "first_report": first_report, "after": after, "said": said,
            "report": (base / "ws" / "reports" / f"{ASSIGNMENT}.md").read_text(),
            "html": (base / "ws" / "reports" / f"{ASSIGNMENT}.html").read_text()}


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


def test_a_copied_notebook_scores_below_full_and_is_flagged_as_the_same_answer(batch):
    row = batch["rows"]["learner11"]
    assert float(row["score"]) < POINTS, row
    assert row["status"] == "flagged" and "same answer" in row["detail"] and "learner01's variant" in row["detail"]
    assert "the score is unchanged" in row["detail"] and "not a verdict" in row["detail"]
    section = batch["first_report"][batch["first_report"].index("## Answers that fit another learner's variant"):]
    assert "| learner11 | learner01 |" in section


def test_the_authored_answers_score_below_full_and_are_flagged_as_such(batch):
    row = batch["rows"]["olivia"]
    assert float(row["score"]) < POINTS, row
    assert row["status"] == "flagged" and row["detail"].startswith("authored answer:"), row
    assert "fit the authored question" in row["detail"] and "instructor's notebook" in row["detail"]
    assert "the score is unchanged" in row["detail"] and "same answer" not in row["detail"]
    part = batch["first_report"][batch["first_report"].index("### Answers that fit the authored question"):]
    assert "| olivia |" in part
    assert "1 learner(s)' answers fit the authored question" in batch["said"]


def test_a_submission_without_a_usable_student_id_fails_with_the_reason_and_is_never_run(batch):
    row = batch["rows"]["a b"]
    assert row["status"] == "failed" and "student id" in row["detail"] and float(row["score"]) == 0, row
    assert not (batch["base"] / "ws" / "autograded" / "a b").exists()


def test_the_same_answer_report_accumulates_across_batches(batch):
    after = batch["after"]
    assert after["learner12"]["status"] == "flagged" and "learner02's variant" in after["learner12"]["detail"]
    assert after["learner11"]["status"] == "flagged", "the first batch's copy is still reported"
    assert 3.0 <= float(after["learner12"]["score"]) < POINTS, "2.13 full, the copied 2.11 and 2.12 not"
    section = batch["report"][batch["report"].index("## Answers that fit another learner's variant"):]
    assert "| learner11 | learner01 |" in section and "| learner12 | learner02 |" in section
    assert "<td>learner12</td><td>learner02</td>" in batch["html"]
    for learner in LEARNERS:
        assert after[learner]["status"] == "graded", after[learner]
    assert "same answer:" in batch["said"]


def test_claiming_another_identity_in_the_kernel_does_not_change_the_grade(batch):
    row = batch["rows"]["mallory"]
    assert float(row["score"]) < POINTS, row
    # her kernel's check passed on learner01's variant, the trusted check of her own did not: flagged
    assert row["status"] == "flagged" and "tampering suspected" in row["detail"], row
    assert "learner01's variant" in row["detail"], "and her answers fit learner01's variant"
    assert "variant for learner01" in outputs(batch, "mallory")
