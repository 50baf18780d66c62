"""Learner text reaches instructor views only escaped for them (terminal, CSV, Markdown, HTML, the
autograded notebook formgrader renders), and the grader's own cells cannot be forged or hidden.

Each test carries the red team's attack: the payloads below are what a learner controls (file names
become student ids, cell metadata becomes cell ids and details, exception text becomes reasons).
"""

from __future__ import annotations

import copy
import csv
import io
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import nbfactory as f
import nbformat
import pytest

from autograder import escape
from autograder.assignment import Assignment
from autograder.atomic import write_atomic
from autograder.extract import EXTRACT_TAG, Extraction
from autograder.feedback import render as render_feedback
from autograder.ledger import Ledger
from autograder.outcome import CellScore, Outcome, PartOutcome
from autograder.prepare import MARK, for_formgrader, prepare, role
from autograder.report import write_report
from autograder.results_csv import render as render_csv

ESC = "\x1b"
HOSTILE = ("=HYPERLINK(\"http://evil\",\"x\")|<script>alert(1)</script><img src=x onerror=alert(1)>"
           "[click](javascript:alert(1)) ![i](http://evil/p.png) **bold** \x1b[2J\x1b]0;pwned\x07\r\nnext\u202e")


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    from autograder.assignment import load

    root = tmp_path_factory.mktemp("course")
    f.write_course(root)
    return load(root, f.ASSIGNMENT)


def _row(student: str, status: str = "flagged", detail: str = HOSTILE) -> Outcome:
    return Outcome(student, f.ASSIGNMENT, "h", status, 2.0, 8.0, detail)


# --- terminal ---------------------------------------------------------------------------------------

def test_terminal_text_loses_every_escape_sequence_and_control_character():
    text = escape.terminal("ok \x1b[31mred\x1b[0m \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ \x9b2J \x07\x08"
                           " \u202egnp.exe\nline two")
    assert text == "ok red link   gnp.exe\nline two"
    assert escape.plain("a\nb\r\nc\td") == "a b c d", "one line for log lines and table cells"


# --- CSV ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\uff1d"])
def test_csv_cells_never_start_a_formula(start):
    assert escape.csv_cell(f"{start}1+1").startswith("'")
    hidden = escape.csv_cell(f"\x00 {start}cmd|' /C calc'!A0")  # behind a control character and a space
    assert hidden.startswith("'") or not hidden.lstrip().startswith(escape._FORMULA_START), hidden


def test_grades_csv_keeps_numbers_and_neutralises_learner_text():
    text = render_csv([_row("@SUM(1_1)"), _row("-ann", "graded", "ok"), _row("bob", "failed", "\x1b[31m+cmd")])
    assert ESC not in text and "\x07" not in text and "\u202e" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["student_id"] for r in rows] == ["'-ann", "'@SUM(1_1)", "bob"]
    assert rows[2]["detail"] == "'+cmd" and rows[0]["detail"] == "ok"
    assert rows[1]["detail"].startswith("'=HYPERLINK") and "\n" not in rows[1]["detail"]
    assert rows[0]["score"] == "2.0" and rows[0]["max_score"] == "8.0", "numbers stay numbers"


# --- Markdown (the batch report) --------------------------------------------------------------------

def test_markdown_text_cannot_format_link_embed_or_break_a_table():
    out = escape.markdown(HOSTILE)
    assert "<" not in out and ">" not in out and ESC not in out and "\n" not in out
    for active in ("](", "![", "**", "javascript:"):
        assert active not in out, active
    assert not re.search(r"(?<!\\)\|", out), "a table cell separator is escaped"
    assert "\\|" in out and "\\[click\\]" in out and "&lt;script&gt;" in out
    assert escape.markdown("_em_ and __strong__ but snake_case") == "\\_em\\_ and \\_\\_strong\\_\\_ but snake_case"


def test_batch_report_escapes_student_ids_and_reasons(spec, tmp_path):
    rows = [_row("@evil"), _row("b_ob", "failed", "timeout <b>x</b>"), _row("carol", "graded", "ok")]
    target = write_report(tmp_path, Assignment(spec.name, [spec]), rows)
    text = target.read_text()
    assert "<script" not in text and "<img" not in text and "<b>" not in text and ESC not in text
    assert "](javascript" not in text and "![i]" not in text
    flagged = [line for line in text.splitlines() if line.startswith("- **")]
    assert len(flagged) == 2 and any("**@evil**" in line for line in flagged)
    assert any("**b_ob**" in line for line in flagged), "snake_case ids stay readable (inert in CommonMark)"
    table = [line for line in text.splitlines() if line.startswith("| 99\\.")]
    assert len(table) == 3 and all(line.count("|") == 6 for line in table)
    assert not list(tmp_path.glob("reports/.*.tmp")), "atomic writes leave no temp file"


# --- HTML (feedback pages) --------------------------------------------------------------------------

def test_feedback_page_escapes_everything_the_learner_controls(spec):
    row = _row("<svg onload=alert(1)>")
    cell = CellScore("check-99-1", "99.1", 2, 0, False, True, results=[
        {"error": HOSTILE, "requirements": [{"description": "d", "passed": False, "hidden": False,
                                             "hint": "<iframe src=//evil>"}]}])
    part = PartOutcome(spec.notebook_name, row.status, row.score, row.max_score, row.detail, [cell])
    page = render_feedback(spec, part, row)
    for tag in ("<script", "<img", "<svg", "<iframe"):
        assert tag not in page
    assert ESC not in page and "\x07" not in page and "&lt;script&gt;" in page


# --- the autograded notebook formgrader renders -----------------------------------------------------

def _hostile_notebook(release: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = f.correct(release)
    md = nbformat.v4.new_markdown_cell("My notes <script>alert(document.cookie)</script>"
                                       "<img src=x onerror=alert(1)> [c](javascript:alert(1)) > quoted")
    fake_graded = nbformat.v4.new_markdown_cell("I award myself full marks",
                                                metadata={"nbgrader": {"grade": True, "solution": True,
                                                                       "grade_id": HOSTILE, "points": 100}})
    hidden = nbformat.v4.new_code_cell("learner_marker = 'seen by the grader'",
                                       metadata={"tags": [EXTRACT_TAG, "mine"]})
    forged = nbformat.v4.new_code_cell("forged = 1", metadata={MARK: {"nonce": "0" * 32, "role": "extract"}})
    raw = nbformat.v4.new_raw_cell("<script>alert(2)</script>", metadata={"format": "text/html"})
    nb.cells[1:1] = [md, fake_graded, hidden, forged, raw]
    return nb


def test_prepare_flags_forged_grader_cells_and_unknown_graded_cells(spec, tmp_path):
    prepared = prepare(_hostile_notebook(spec.student_nb), spec, Extraction(tmp_path))
    notes = " ".join(prepared.tamper)
    assert "claims to be a graded cell" in notes and EXTRACT_TAG in notes and "grader's own cell mark" in notes
    cells = prepared.nb.cells
    extraction = [c for c in cells if role(c) == "extract"]
    assert len(extraction) == len(spec.checks), "one real extraction cell per check cell, no more"
    learner = [c for c in cells if "learner_marker" in c.source]
    assert len(learner) == 1 and EXTRACT_TAG not in learner[0].metadata.get("tags", [])
    assert role(learner[0]) is None
    assert not any(c.source == "I award myself full marks" and "nbgrader" in c.metadata for c in cells)
    assert role(next(c for c in cells if c.source == "forged = 1")) is None, "a guessed nonce is no mark"


def test_honest_notebook_is_not_flagged(spec, tmp_path):
    assert prepare(f.correct(spec.student_nb), spec, Extraction(tmp_path)).tamper == []


def test_autograded_notebook_keeps_learner_cells_and_drops_scripts_and_active_outputs(spec, tmp_path):
    prepared = prepare(_hostile_notebook(spec.student_nb), spec, Extraction(tmp_path))
    nb = copy.deepcopy(prepared.nb)
    learner_code = next(c for c in nb.cells if "learner_marker" in c.source)
    learner_code.outputs = [
        nbformat.v4.new_output("display_data", data={
            "text/html": "<b>ok</b><script>alert(3)</script><img src=x onerror=alert(4)>",
            "application/javascript": "alert(5)", "image/svg+xml": "<svg onload=alert(6)/>",
            "text/markdown": "[x](javascript:alert(7))<script>alert(8)</script>", "text/plain": "plain"}),
        nbformat.v4.new_output("stream", name="stdout", text="printed\n")]
    out = for_formgrader(nb)
    text = nbformat.writes(out)
    for active in ("<script", "onerror", "onload", "application/javascript", "image/svg+xml", "(javascript:"):
        assert active not in text, active
    assert "<b>ok</b>" in text and "printed" in text and "plain" in text
    assert any("learner_marker" in c.source for c in out.cells), "the learner's tagged cell stays visible"
    assert not any(role(c) for c in out.cells) and not any(MARK in c.metadata for c in out.cells)
    assert not any("__autograder_extract" in c.source for c in out.cells), "the grader's cells are removed"
    release_md = [c.source for c in spec.student_nb.cells if c.cell_type == "markdown"]
    assert all(src in [c.source for c in out.cells] for src in release_md), "the release's text is untouched"
    assert "&gt; quoted" in text or "> quoted" in text
    nbformat.validate(out)


# --- crash safety of the files ------------------------------------------------------------------------

def test_ledger_cuts_a_torn_tail_so_the_next_result_is_not_lost(tmp_path):
    path = tmp_path / "l.jsonl"
    Ledger(path).record(Outcome("s", "a", "h1", "graded", 1.0, 1.0, "ok"))
    with open(path, "a") as handle:
        handle.write('{"assignment": "a", "student_id": "t", "sta')  # SIGKILL mid-append
    ledger = Ledger(path)
    ledger.record(Outcome("u", "a", "h3", "graded", 1.0, 1.0, "ok"))
    again = Ledger(path)
    assert [r.student_id for r in again.rows("a")] == ["s", "u"]
    assert again.finished("a", "u", "h3") is not None


def test_atomic_write_replaces_whole_and_clears_stale_temp_files(tmp_path):
    target = tmp_path / "grades.csv"
    (tmp_path / ".grades.csv.dead.tmp").write_text("half")  # left by a killed process
    write_atomic(target, "a,b\n")
    assert target.read_text() == "a,b\n" and sorted(p.name for p in tmp_path.iterdir()) == ["grades.csv"]


def _run_crashpoint(env_value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_CRASH_AT"}
    if env_value is not None:
        env["AUTOGRADER_CRASH_AT"] = env_value
    code = "from autograder.crashpoint import crashpoint\nfor _ in range(3): crashpoint('after-commit')\nprint('alive')"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])


def test_crash_hook_is_inert_unless_set_and_kills_at_the_nth_time():
    assert _run_crashpoint(None).stdout.strip() == "alive"
    assert _run_crashpoint("after-ledger:1").stdout.strip() == "alive", "another point: inert"
    assert _run_crashpoint("after-commit:4").stdout.strip() == "alive", "never reached the 4th time"
    killed = _run_crashpoint("after-commit:2")
    assert killed.returncode == -signal.SIGKILL and "alive" not in killed.stdout
