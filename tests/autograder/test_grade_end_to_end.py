"""End to end on the real notebook 10: one batch of honest and hostile submissions, graded by the CLI
with --jobs 2, then checked row by row. Every hostile submission answers question 10.1 honestly
(2 points) and cheats or misbehaves on the rest: its score must never exceed that honest part."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbfactory as f
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = f.REAL
pytestmark = pytest.mark.slow
if not (ROOT / "release" / REAL).is_dir():
    pytest.skip(f"release/{REAL} is not there yet", allow_module_level=True)

HONEST = 2.0  # answer-10-1 right: the honest part of every hostile submission
CELL_TIMEOUT = 15


class Listener:
    """A local TCP server: a sandboxed kernel must not reach it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.received.append(conn.recv(100))
                except OSError:
                    self.received.append(b"<connected>")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


def _answers(solutions: dict[str, str], **overrides: str) -> dict[str, str]:
    """answer-10-1 right, everything else blank unless overridden."""
    out = {"answer-10-1": solutions["answer-10-1"]}
    out.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return out


def build_batch(folder: Path, port: int) -> dict[str, str]:
    """Write every submission; return student id -> what it is."""
    release, sol = f.real_notebook(ROOT)
    honest = f.with_answers(release, _answers(sol))
    # single choice: 0 (the authored wrong option A, in the letters of the learner's own option order)
    wrong = {"answer_10_2": 'answer_10_2 = v10_2.letter("A")', "answer_10_3": 'answer_10_3 = v10_3.letter("A")'}
    subs: dict[str, nbformat.NotebookNode | bytes] = {}
    subs["correct"] = f.with_answers(release, sol)
    subs["blank"] = release
    subs["partial"] = f.with_answers(release, {**sol, "answer-10-3": 'answer_10_3 = v10_3.letter("A")',
                                               "answer-10-5": "# not done\n",
                                               "answer-10-6": 'answer_10_6 = v10_6.letters("A", "B")'})
    subs["warning"] = f.with_answers(release, {**sol, "answer-10-1": 'import warnings\nwarnings.warn("hm")\n'
                                               + sol["answer-10-1"]})  # the model answer, after a warning
    subs["strip_asserts"] = f.insert_after(f.with_answers(release, _answers(sol, **wrong)), "10-setup", (
        "ip = get_ipython()\n"
        "ip.input_transformers_cleanup.append(lambda lines: [l for l in lines\n"
        "    if not l.lstrip().startswith(('assert', 'check('))])"))
    subs["always_equal"] = f.with_answers(release, _answers(sol, answer_10_2=(
        "class Yes(str):\n    def __eq__(self, other): return True\n    def __hash__(self): return 0\n"
        "class Any:\n    def __eq__(self, other): return True\n    def __hash__(self): return 0\n"
        "answer_10_2 = Yes(v10_2.letter('A'))\nanswer_10_3 = Any()\nanswer_10_4 = Any()\nanswer_10_6 = Any()")))
    subs["redefine_check"] = f.insert_after(f.with_answers(release, _answers(sol, **wrong)), "answer-10-1",
                                            "def check(*args, **kwargs):\n    return None\nassert_ = None")
    subs["patched_checker"] = f.insert_after(f.with_answers(release, _answers(sol, **wrong)), "10-setup", (
        "import course.exercises.results as r\n"
        "r.CheckResult.passed = property(lambda self: True)\n"
        "r.CheckResult.score = property(lambda self: 1.0)"))
    steal = ("import glob, json, re\n"
             "for pattern in ['{root}/source/*/*.ipynb', '../source/*/*.ipynb', '../../source/*/*.ipynb',\n"
             "                '{subs}/correct.ipynb', '../correct.ipynb']:\n"
             "    for path in glob.glob(pattern):\n"
             "        for c in json.load(open(path))['cells']:\n"
             "            src = ''.join(c['source'])\n"
             "            if c['cell_type'] == 'code' and 'answer_10_' in src and 'check(' not in src:\n"
             "                exec(re.sub('### (BEGIN|END) SOLUTION', '', src))\n")
    subs["read_source"] = f.insert_after(f.with_answers(release, _answers(sol)), "answer-10-1",
                                         steal.format(root=ROOT, subs="/nonexistent"))
    subs["read_others"] = f.insert_after(f.with_answers(release, _answers(sol)), "answer-10-1",
                                         steal.format(root="/nonexistent", subs=folder))
    subs["probe"] = f.insert_after(honest, "answer-10-1", (
        "import json, os, socket\n"
        f"paths = {{'source': {str(ROOT / 'source')!r}, 'autograder': {str(ROOT / 'autograder')!r},\n"
        f"         'submissions': {str(folder)!r}, 'repo_root': {str(ROOT / 'README.md')!r}}}\n"
        "probe = {k: os.path.exists(v) for k, v in paths.items()}\n"
        "try:\n"
        f"    s = socket.create_connection(('127.0.0.1', {port}), timeout=3); s.sendall(b'LEAK'); s.close()\n"
        "    probe['network'] = True\n"
        "except OSError:\n    probe['network'] = False\n"
        "try:\n"
        f"    open({str(ROOT / 'course' / 'pwned.txt')!r}, 'w').write('x'); probe['write_course'] = True\n"
        "except OSError:\n    probe['write_course'] = False\n"
        "probe['uid'] = os.getuid()\n"
        "print('PROBE ' + json.dumps(probe))"))
    subs["infinite_loop"] = f.insert_after(honest, "check-10-1", (
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"))
    subs["os_exit"] = f.insert_after(honest, "check-10-1", "import os\nos._exit(0)")
    subs["fork_bomb"] = f.insert_after(honest, "check-10-1", (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"))
    subs["memory_bomb"] = f.insert_after(honest, "check-10-1", (
        "hog = bytearray(16 * 1024 ** 3)  # far over the memory limit: MemoryError, the kernel lives on"))
    subs["huge_output"] = f.insert_after(honest, "check-10-1", (
        "print('x' * 30_000_000)\nfor i in range(20000):\n    print('spam' * 50)"))
    subs["kill_everything"] = f.insert_after(honest, "check-10-1", (
        "import os, signal\nfor pid in range(1, 5000):\n    try:\n        os.kill(pid, signal.SIGKILL)\n"
        "    except OSError:\n        pass"))
    subs["fill_disk"] = f.insert_after(honest, "check-10-1", (
        "with open('big.bin', 'wb') as out:\n    for _ in range(400):\n        out.write(b'0' * 1024 * 1024)"))
    subs["system_exit"] = f.with_answers(release, _answers(sol, answer_10_2="raise SystemExit(0)"))
    subs["delete_tests"] = f.remove_cells(f.with_answers(release, _answers(sol, **wrong)),
                                          {"check-10-2", "check-10-3", "check-10-6"})
    subs["edit_test"] = f.replace_source(f.with_answers(release, _answers(sol, **wrong)), "check-10-2", "pass")
    fake = f.insert_after(f.with_answers(release, _answers(sol)), "answer-10-1", "bonus = 1")
    for cell in fake.cells:
        if cell.source == "bonus = 1":
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 100, "locked": False,
                                         "solution": False, "schema_version": 3, "task": False}
    subs["fake_grade_cell"] = fake
    subs["unsupported_type"] = f.with_answers(release, _answers(sol, answer_10_2="answer_10_2 = lambda: 'D'"))
    subs["invalid_json"] = b'{"cells": [ this is not json'
    subs["wrong_nbformat"] = json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                                         "worksheets": [{"cells": []}]}).encode()
    folder.mkdir(parents=True)
    for name, nb in subs.items():
        path = folder / f"{name}.ipynb"
        if isinstance(nb, bytes):
            path.write_bytes(nb)
        else:
            f.write_nb(nb, path)
    return {name: name for name in subs}


def grade(subs: Path, workspace: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    cmd = [sys.executable, "-m", "course.cli", "grade", REAL, str(subs), "--workspace", str(workspace),
           "--jobs", "2", "--timeout-cell", str(CELL_TIMEOUT), "--timeout-notebook", "90", *extra]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def batch(tmp_path_factory, bwrap):
    base = tmp_path_factory.mktemp("e2e")
    listener = Listener()
    try:
        build_batch(base / "subs", listener.port)
        proc = grade(base / "subs", base / "ws")
    finally:
        listener.close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(base / "ws" / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    return {"base": base, "rows": rows, "proc": proc, "listener": listener}


def row(batch, name):
    return batch["rows"][name]


def score(batch, name) -> float:
    return float(row(batch, name)["score"])


def outputs_text(batch, name) -> str:
    path = batch["base"] / "ws" / "autograded" / name / REAL / f"{REAL}.ipynb"
    nb = nbformat.read(path, as_version=4)
    return "\n".join(str(o.get("text", "")) + str(o.get("evalue", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))


def test_every_submission_gets_one_row_with_a_known_status(batch):
    names = {p.stem for p in (batch["base"] / "subs").glob("*.ipynb")}
    assert set(batch["rows"]) == names
    assert len(names) >= 25
    for r in batch["rows"].values():
        assert r["status"] in {"graded", "failed", "flagged"} and r["detail"], r
        assert r["assignment"] == REAL and float(r["max_score"]) == 16


def test_honest_submissions_score_what_the_trusted_checker_says(batch):
    from course.exercises import evaluate, get

    assert (row(batch, "correct")["status"], score(batch, "correct")) == ("graded", 16)
    assert (row(batch, "blank")["status"], score(batch, "blank")) == ("graded", 0)
    _, sol = f.real_notebook(ROOT)
    ns: dict = {}
    exec(sol["answer-10-4"], ns)
    chosen = get("10.6").variants.values("10.6", "partial").letters("A", "B")  # the learner's letters (issue #19)
    expected = (2 + 2 + 0 + 3 * evaluate("10.4", ns["answer_10_4"]).score + 0
                + 3 * evaluate("10.6", chosen, identity="partial").score)
    assert row(batch, "partial")["status"] == "graded"
    assert score(batch, "partial") == pytest.approx(round(expected, 2))
    assert 4 < score(batch, "partial") < 16


def test_a_warning_does_not_cost_points(batch):
    assert (row(batch, "warning")["status"], score(batch, "warning")) == ("graded", 16)


@pytest.mark.parametrize("name", ["strip_asserts", "redefine_check", "patched_checker"])
def test_tricks_that_fool_the_kernel_are_flagged_and_score_only_the_honest_part(batch, name):
    r = row(batch, name)
    assert r["status"] == "flagged", r
    assert "tampering suspected" in r["detail"]
    assert score(batch, name) == HONEST


@pytest.mark.parametrize("name", ["always_equal", "unsupported_type", "read_source", "read_others"])
def test_cheats_score_no_more_than_the_honest_part(batch, name):
    assert score(batch, name) <= HONEST, row(batch, name)
    assert row(batch, name)["status"] in {"graded", "flagged"}


def test_sandbox_hides_course_and_submissions_blocks_network_and_writes(batch):
    text = outputs_text(batch, "probe")
    line = next(ln for ln in text.splitlines() if ln.startswith("PROBE "))
    probe = json.loads(line[len("PROBE "):])
    assert probe["source"] is False and probe["autograder"] is False
    assert probe["submissions"] is False and probe["repo_root"] is False
    assert probe["network"] is False and batch["listener"].received == []
    assert probe["write_course"] is False and not (ROOT / "course" / "pwned.txt").exists()
    assert probe["uid"] != 0
    assert (row(batch, "probe")["status"], score(batch, "probe")) == ("graded", HONEST)


@pytest.mark.parametrize("name, words", [("infinite_loop", "timeout"), ("os_exit", "kernel died"),
                                         ("fork_bomb", "")])
def test_runaway_kernels_are_stopped_and_failed_keeping_answers_checked_before(batch, name, words):
    r = row(batch, name)
    assert r["status"] == "failed", r
    assert words in r["detail"]
    assert score(batch, name) == HONEST, "10.1 was read out right after its check cell, before the runaway"


def test_no_kernel_process_survives_the_batch(batch):
    ps = subprocess.run(["ps", "-eo", "uid=,args="], capture_output=True, text=True).stdout
    leftovers = [ln for ln in ps.splitlines() if ln.split()[0].isdigit() and int(ln.split()[0]) >= 300_000
                 and "ipykernel" in ln and str(batch["base"]) in ln]
    assert leftovers == []


def test_killing_every_process_in_reach_only_kills_its_own_kernel(batch):
    r = row(batch, "kill_everything")
    assert r["status"] == "failed" and "kernel died" in r["detail"] and score(batch, "kill_everything") == HONEST


def test_file_size_limit_and_system_exit_cost_nothing_honest(batch):
    assert (row(batch, "fill_disk")["status"], score(batch, "fill_disk")) == ("graded", HONEST)
    assert "File too large" in outputs_text(batch, "fill_disk")
    assert score(batch, "system_exit") == HONEST and row(batch, "system_exit")["status"] == "graded"


def test_memory_bomb_and_huge_output_cost_nothing_honest(batch):
    assert score(batch, "memory_bomb") == HONEST
    assert row(batch, "memory_bomb")["status"] in {"graded", "failed"}
    r = row(batch, "huge_output")
    assert r["status"] == "graded" and "output" in r["detail"] and score(batch, "huge_output") == HONEST
    path = batch["base"] / "ws" / "autograded" / "huge_output" / REAL / f"{REAL}.ipynb"
    assert path.stat().st_size < 5 * 1024 * 1024


def test_deleted_edited_and_fake_test_cells_are_flagged(batch):
    for name, words in [("delete_tests", "deleted"), ("edit_test", "edited"), ("fake_grade_cell", "graded cell")]:
        r = row(batch, name)
        assert r["status"] == "flagged" and words in r["detail"], r
        assert score(batch, name) <= HONEST


def test_invalid_notebooks_fail_with_a_clear_reason(batch):
    assert row(batch, "invalid_json")["status"] == "failed" and "not JSON" in row(batch, "invalid_json")["detail"]
    assert row(batch, "wrong_nbformat")["status"] == "failed"
    assert "nbformat 3" in row(batch, "wrong_nbformat")["detail"]


def test_gradebook_holds_the_trusted_scores(batch):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{batch['base'] / 'ws' / 'gradebook.db'}", course_id="aws-security-notebooks") as gb:
        for name in ("correct", "partial", "redefine_check", "blank"):
            sub = gb.find_submission(REAL, name)
            assert sub.score == pytest.approx(score(batch, name)), name
        assert gb.find_submission_notebook(REAL, REAL, "redefine_check").flagged is True


def test_feedback_is_offline_and_shows_requirements_without_hidden_code(batch):
    html = (batch["base"] / "ws" / "feedback" / "partial" / REAL / f"{REAL}.html").read_text()
    assert "✘ not met" in html and "✔ met" in html
    for leak in ("<script", "http://", "https://", "BEGIN HIDDEN", "hidden=", "444455556666:assumed-role",
                 "BEGIN SOLUTION"):
        assert leak not in html, leak
    # answer variables may be named (the "not answered: assign `answer_10_5`" hint), never shown with code
    named_only = re.sub(r"answer_10_\d+(`|</code>| = …)", "", html)
    assert "answer_10_" not in named_only, named_only[named_only.index("answer_10_") - 80:][:200]
    report = (batch["base"] / "ws" / "reports" / f"{REAL}.md").read_text()
    assert "pass rate" in report and "invalid_json" in report and "redefine_check" in report
    assert (batch["base"] / "ws" / "reports" / f"{REAL}-scores.png").stat().st_size > 1000


def test_rerun_skips_unchanged_regrades_changed_and_never_keeps_stale_grades(batch):
    base = batch["base"]
    again = base / "again"
    again.mkdir()
    shutil.copy(base / "subs" / "correct.ipynb", again / "correct.ipynb")  # unchanged: skipped
    (again / "partial.ipynb").write_text("{ broken")  # a failed re-grade must zero the old grades
    shutil.copy(base / "subs" / "correct.ipynb", again / "blank.ipynb")  # changed: graded again
    proc = grade(again, base / "ws")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "(2 new or changed, 1 unchanged since the last run)" in proc.stdout
    with open(base / "ws" / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert rows["partial"]["status"] == "failed" and float(rows["partial"]["score"]) == 0
    assert (rows["blank"]["status"], float(rows["blank"]["score"])) == ("graded", 16)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{base / 'ws' / 'gradebook.db'}", course_id="aws-security-notebooks") as gb:
        assert gb.find_submission(REAL, "partial").score == 0
        assert gb.find_submission(REAL, "blank").score == 16
