"""Budgets in a real batch (``aws-course grade --jobs 1``: one worker, where one stuck check used to stall
everything): trusted checks that take too long or too much memory, kernels that flood the grader with
widget comms, display updates and unknown message types, and an honest answer that only misses a hidden
case. Every row must arrive with a clear status, and the grader's memory must stay bounded."""

from __future__ import annotations

import csv
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import nbfactory as f
import nbformat
import pytest

from course import authoring

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "97-budgets"
MODULE = "agbudget_exercises"
CHECK_SECONDS = 3

EXERCISES = '''
"""Fixture exercises 97.x: 97.2 has a checker that is slow, greedy or crashes on purpose."""
import os
from dataclasses import dataclass
from typing import Any, ClassVar

from course.exercises import (Exercise, PolicyCase, PolicyExercise, Requirement, SingleChoice, make_key,
                              register)

ALICE = "arn:aws:iam::111122223333:user/alice"


def request(action, key):
    return {"principal": ALICE, "action": action, "resource": f"arn:aws:s3:::example-bucket/{key}"}


@dataclass(kw_only=True)
class Costly(Exercise):
    kind: ClassVar[str] = "costly"

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        # costly only in the grader's trusted check (the kernel's copy stays quick, or the kernel's own
        # timeout or memory limit would stop the notebook before the grader ever saw the answer)
        if not os.environ.get("AGBUDGET_TRUSTED"):
            return [Requirement("the answer is ok", True)]
        if answer == "slow":
            while True:
                pass
        if answer == "hog":
            hog = [bytearray(64 * 1024 * 1024) for _ in range(64)]
            return [Requirement("never", len(hog) < 0)]
        if answer == "crash":
            os.kill(os.getpid(), 9)
        return [Requirement("the answer is ok", answer == "ok", "write ok")]


register(
    SingleChoice(id="97.1", title="Egress", points=2, answer_name="answer_97_1",
                 options={"A": "Internet gateway", "B": "NAT gateway"}, explanations={"A": "inbound too"},
                 key=make_key("97.1", "B")),
    Costly(id="97.2", title="A costly check", points=2, answer_name="answer_97_2"),
    PolicyExercise(id="97.3", title="Reports only", points=2, answer_name="answer_97_3", slot="identity",
                   cases=[PolicyCase("alice reads a report", request("s3:GetObject", "reports/q1.csv"), True),
                          PolicyCase("alice cannot write a report", request("s3:PutObject", "reports/q1.csv"), False,
                                     "reading is enough")]),
)
'''
POLICY = ('answer_97_3 = {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", '
          '"Resource": "arn:aws:s3:::example-bucket/{}"}}]}}')
ANSWERS = {"answer-97-1": 'answer_97_1 = "B"', "answer-97-2": 'answer_97_2 = "ok"',
           "answer-97-3": POLICY.format("reports/*")}
NEAR_MISS = POLICY.format("reports*")  # also reads reports-private/: what the hidden case catches
HIDDEN = [{"description": "alice cannot read the look-alike prefix reports-private/", "allow": False,
           "hint": "end the pattern with the prefix's slash",
           "request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
                       "resource": "arn:aws:s3:::example-bucket/reports-private/salaries.csv"}}]


def write_course(root: Path) -> Path:
    pkg = root / "pylib"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / f"{MODULE}.py").write_text(EXERCISES)
    info = pkg / f"{MODULE}-0.0.dist-info"  # an installed-looking package naming the module (entry point)
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: agbudget-exercises\nVersion: 0.0\n")
    (info / "entry_points.txt").write_text(f"[aws_course.notebooks]\n97 = {MODULE}\n")
    cells = [authoring.markdown("# Budgets"),
             authoring.locked_code("97-setup", f"from course.exercises import check\nimport {MODULE}")]
    for n in (1, 2, 3):
        hidden = f'check("97.3", answer_97_3, hidden={HIDDEN!r})' if n == 3 else ""
        cells += [authoring.markdown(f"### Question 97.{n}"),
                  authoring.answer(f"answer-97-{n}", ANSWERS[f"answer-97-{n}"]),
                  authoring.check_cell(f"check-97-{n}", f'check("97.{n}", answer_97_{n})', 2, hidden=hidden)]
    authoring.write(authoring.notebook(cells), root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    shutil.copy2(Path(__file__).resolve().parents[2] / "nbgrader_config.py", root / "nbgrader_config.py")
    return pkg


FLOODS = {
    # ipykernel's comm API: 1.2 GB of widget state under fresh keys (nbclient kept all of it in the grader)
    "comm_flood": ("from ipykernel.comm import Comm\n"
                   "state = {'_model_name': 'X', '_model_module': 'x', 'v': 0}\n"
                   "c = Comm(target_name='jupyter.widget', data={'state': state})\n"
                   "blob = 'x' * 1_000_000\n"
                   "for i in range(1200):\n"
                   "    c.send({'method': 'update', 'state': {f'v{i}': blob}})\n"
                   "for i in range(20000):\n"
                   "    c.send({'method': 'custom', 'content': {'n': i}})\n"),
    # display(..., display_id=...) 50 times, then .update(): each update rewrote all 50 outputs uncounted
    "update_flood": ("from IPython.display import display\n"
                     "h = display('start', display_id=True)\n"
                     "for i in range(49):\n"
                     "    display('again', display_id=h.display_id)\n"
                     "for i in range(300):\n"
                     "    h.update('y' * 800_000 + str(i))\n"),
    "huge_update": ("from IPython.display import display\n"
                    "h = display('start', display_id='big')\n"
                    "for i in range(4):\n"
                    "    h.update({'text/plain': 'z' * 10_000_000}, raw=True)\n"),
    "unknown_types": ("k = get_ipython().kernel\n"
                      "for i in range(3000):\n"
                      "    k.session.send(k.iopub_socket, 'made_up_type', {'blob': 'w' * 5000},\n"
                      "                   parent=k.get_parent())\n"),
}


def build(folder: Path, release: nbformat.NotebookNode) -> None:
    honest = f.with_answers(release, ANSWERS)
    subs = {
        "honest": honest,
        "near_miss": f.with_answers(release, {**ANSWERS, "answer-97-3": NEAR_MISS}),
        "slow_check": f.with_answers(release, {**ANSWERS, "answer-97-2": 'answer_97_2 = "slow"'}),
        "hog_check": f.with_answers(release, {**ANSWERS, "answer-97-2": 'answer_97_2 = "hog"'}),
        "crash_check": f.with_answers(release, {**ANSWERS, "answer-97-2": 'answer_97_2 = "crash"'}),
        "tampered": f.insert_after(f.with_answers(release, {**ANSWERS, "answer-97-1": 'answer_97_1 = "A"'}),
                                   "97-setup", ("import course.exercises.results as r\n"
                                                "r.CheckResult.passed = property(lambda self: True)")),
    }
    for name, code in FLOODS.items():
        subs[name] = f.insert_after(honest, "check-97-1", code)
    for name, nb in subs.items():
        f.write_nb(nb, folder / f"{name}.ipynb")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap (bwrap) is not installed; CI installs it (apt-get install bubblewrap)")
    base = tmp_path_factory.mktemp("budgets")
    pylib = write_course(base / "course")
    sys.path.insert(0, str(pylib))
    try:
        release = f.release_version(base / "course" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    finally:
        sys.path.remove(str(pylib))
    build(base / "subs", release)
    env = dict(os.environ)
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               AWS_COURSE_ROOT=str(base / "course"), PYTHONPATH=str(pylib), AUTOGRADER_CHECK_SECONDS=str(CHECK_SECONDS),
               AUTOGRADER_CHECK_MEMORY_MB="512", AGBUDGET_TRUSTED="1")
    cmd = [sys.executable, "-m", "course.cli", "grade", ASSIGNMENT, str(base / "subs"), "--workspace",
           str(base / "ws"), "--jobs", "1", "--timeout-cell", "30", "--timeout-notebook", "180"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest process we waited for
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(base / "ws" / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    return {"base": base, "rows": rows, "peak_kib": peak_kib}


def _row(batch, name):
    return batch["rows"][name]


def _feedback(batch, name) -> str:
    return (batch["base"] / "ws" / "feedback" / name / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()


def _autograded(batch, name) -> Path:
    return batch["base"] / "ws" / "autograded" / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def test_every_submission_gets_a_row(batch):
    assert set(batch["rows"]) == {"honest", "near_miss", "slow_check", "hog_check", "crash_check",
                                  "tampered", *FLOODS}


@pytest.mark.parametrize("name, words", [("slow_check", f"took more than {CHECK_SECONDS} s"),
                                         ("hog_check", "needed more than 512 MiB of memory"),
                                         ("crash_check", "crashed the checker (signal 9")])
def test_a_blown_check_budget_fails_that_question_with_the_reason_and_keeps_the_rest(batch, name, words):
    r = _row(batch, name)
    assert r["status"] == "failed", r
    assert f"the trusted check of 97.2 {words}" in r["detail"], r
    assert float(r["score"]) == 4.0, "97.1 and 97.3 are still scored; 97.2 scores 0"
    assert "the trusted check of 97.2" in _feedback(batch, name)


def test_the_batch_goes_on_after_a_blown_budget(batch):
    r = _row(batch, "honest")  # graded on the same worker, after a helper was killed
    assert (r["status"], float(r["score"])) == ("graded", 6.0), r


def test_an_honest_hidden_case_miss_is_graded_not_flagged(batch):
    r = _row(batch, "near_miss")
    assert r["status"] == "graded", r
    assert 4.0 < float(r["score"]) < 6.0  # 97.3: both visible cases met, the hidden one not
    assert "tampering" not in r["detail"]
    html = _feedback(batch, "near_miss").lower()
    for word in ("tamper", "cheat", "suspect", "flagged"):
        assert word not in html, word
    assert "(hidden case)" in html and "not met" in html


def test_real_tampering_is_still_flagged(batch):
    r = _row(batch, "tampered")
    assert r["status"] == "flagged" and "tampering suspected" in r["detail"], r
    assert float(r["score"]) == 4.0


@pytest.mark.parametrize("name", list(FLOODS))
def test_kernel_message_floods_count_against_the_output_budget(batch, name):
    r = _row(batch, name)
    assert r["status"] == "graded", r
    assert float(r["score"]) == 6.0, "answers are read out of the kernel, not out of its messages"
    path = _autograded(batch, name)
    assert path.stat().st_size < 3 * 1024 * 1024
    if name == "huge_update":  # a 10 MB frame is refused below nbclient and never reaches the budget
        assert "in one kernel message was refused" in r["detail"], r
    else:
        assert "output over" in r["detail"], r


def test_the_graders_memory_stays_bounded(batch):
    """comm_flood sends 1.2 GB of widget state that nbclient used to keep in the grader; now the largest
    process of the batch (grader, helper or kernel) stays well under that."""
    assert batch["peak_kib"] < 900 * 1024, f"peak RSS {batch['peak_kib'] / 1024:.0f} MiB"
