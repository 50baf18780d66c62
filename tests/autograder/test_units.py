"""Fast tests of the grader's parts: intake layouts, check-cell parsing, the ledger, sandbox choice."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import nbfactory as f
import nbformat
import pytest

from autograder import sandbox
from autograder.assignment import AssignmentError, load, parse_check_cell
from autograder.intake import IntakeError, collect, validate
from autograder.ledger import Ledger
from autograder.outcome import CellScore, Outcome, PartOutcome


@pytest.fixture(scope="module")
def fixture_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    f.write_course(root)
    return root


def _nb_bytes() -> bytes:
    return nbformat.writes(nbformat.v4.new_notebook()).encode()


def test_validate_names_the_problem():
    assert validate(_nb_bytes()) is None
    assert "not JSON" in validate(b"{oops")
    assert "nbformat 3" in validate(json.dumps({"nbformat": 3, "cells": []}).encode())
    assert "without notebook cells" in validate(b"[1, 2]")


def test_intake_reads_nbgrader_layout_flat_folders_and_zips(tmp_path):
    nbgrader_layout = tmp_path / "a" / "submitted"
    for student in ("ann", "ben"):
        (nbgrader_layout / student / "99-fixture").mkdir(parents=True)
        (nbgrader_layout / student / "99-fixture" / "99-fixture.ipynb").write_bytes(_nb_bytes())
    (nbgrader_layout / "cy").mkdir()  # a student folder without the notebook still gets a row
    found = collect(tmp_path / "a", "99-fixture", ["99-fixture"], tmp_path / "u1")
    assert [(s.student_id, s.error is None) for s in found] == [("ann", True), ("ben", True), ("cy", False)]

    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "dee.ipynb").write_bytes(_nb_bytes())
    (flat / "eve.ipynb").write_bytes(b"garbage")
    found = collect(flat, "99-fixture", ["99-fixture"], tmp_path / "u2")
    assert [(s.student_id, s.error is None) for s in found] == [("dee", True), ("eve", False)]

    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("batch/fay/99-fixture/99-fixture.ipynb", _nb_bytes())
        zf.writestr("batch/gus/99-fixture/99-fixture.ipynb", _nb_bytes())
    found = collect(archive, "99-fixture", ["99-fixture"], tmp_path / "u3")
    assert [s.student_id for s in found] == ["fay", "gus"]
    assert found[0].sha256 == found[1].sha256, "the hash is of the notebook's content"


def test_intake_refuses_unsafe_zips(tmp_path):
    """An unsafe entry is a failed row of its own (the batch goes on), never unpacked anywhere."""
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../escape.ipynb", _nb_bytes())
        zf.writestr("ann.ipynb", _nb_bytes())
    found = collect(archive, "x", ["x"], tmp_path / "u")
    assert [s.error is None for s in found] == [True, False]
    assert "unsafe" in found[1].error and "/" not in found[1].student_id
    assert not (tmp_path / "escape.ipynb").exists()
    with pytest.raises(IntakeError, match="cannot be read"):
        collect(tmp_path / "missing.zip", "x", ["x"], tmp_path / "u2")


def test_assignment_reads_hidden_cases_as_data_from_source(fixture_course):
    spec = load(fixture_course, f.ASSIGNMENT)
    assert [c.grade_id for c in spec.checks] == ["check-99-1", "check-99-2", "check-99-3"]
    assert spec.checks[2].hidden == ({"expected": 42},) and spec.max_score == 8
    student_sources = "\n".join(c.source for c in spec.student_nb.cells)
    assert "HIDDEN" not in student_sources and "hidden=" not in student_sources
    assert "raise NotImplementedError" in student_sources


def test_check_cell_parsing_rejects_code_in_hidden_data():
    with pytest.raises(AssignmentError, match="literal"):
        parse_check_cell("c", 'check("1.1", a, hidden=__import__("os").system("x"))', 1)
    with pytest.raises(AssignmentError, match="does not call"):
        parse_check_cell("c", "assert True", 1)


def test_ledger_keeps_the_last_result_and_survives_a_torn_line(tmp_path):
    ledger = Ledger(tmp_path / "l.jsonl")
    ledger.record(Outcome("s", "a", "h1", "graded", 1.0, 1.0, "ok"))
    ledger.record(Outcome("t", "a", "h2", "failed", 0.0, 1.0, "timeout"))
    with open(tmp_path / "l.jsonl", "a") as handle:
        handle.write('{"assignment": "a", "stud')  # a crash mid-write
    again = Ledger(tmp_path / "l.jsonl")
    assert again.finished("a", "s", "h1") is not None
    assert again.finished("a", "s", "other") is None, "changed content is graded again"
    assert again.finished("a", "t", "h2") is None, "failed results are retried"


def test_without_bwrap_the_grader_warns_or_refuses(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="require-sandbox"):
        sandbox.choose(require_sandbox=True)
    with pytest.warns(RuntimeWarning, match="resource limits only"):
        assert sandbox.choose(require_sandbox=False) is False


def test_sandbox_command_hides_everything_but_what_the_kernel_needs(tmp_path):
    box = sandbox.Sandbox(tmp_path / "w", readonly=[Path("/opt/course")], uid=300_123)
    cmd = box.wrap(["python", "-m", "ipykernel_launcher"])
    assert cmd[0] == "prlimit" and "--nproc=256" in cmd and "--core=0" in cmd
    assert "--unshare-net" in cmd and "--die-with-parent" in cmd
    binds = {cmd[i + 1] for i, a in enumerate(cmd) if a in ("--ro-bind", "--bind")}
    assert "/opt/course" in binds and str(tmp_path / "w") in binds and "/" not in binds
    assert cmd.index("setpriv") > cmd.index("--remount-ro"), "privileges drop inside the sandbox"
    env = box.kernel_env()
    assert set(env) >= {"HOME", "PATH"} and not any("TOKEN" in k or "DB" in k for k in env)


def _two_part_outcome() -> Outcome:
    cell = CellScore("check-1", "1.1", 2.0, 1.5, False, True, results=[{"score": 0.75, "passed": False}],
                     visible_passed=True)
    parts = [PartOutcome("a-part1", "graded", 1.5, 2.0, "ok", [cell], 3.0, '{"cells": []}'),
             PartOutcome("a-part2", "failed", 0.0, 4.0, "a-part2.ipynb is missing from the submission (0 points)")]
    return Outcome("ann", "a", "h", "failed", 1.5, 6.0, "part2: a-part2.ipynb is missing", parts, 3.0)


def test_outcome_survives_the_dask_and_ledger_boundaries_typed():
    outcome = _two_part_outcome()
    assert Outcome.from_dict(json.loads(json.dumps(outcome.to_dict()))) == outcome, "Dask: notebooks included"
    stored = outcome.to_dict(notebooks=False)
    assert "autograded" not in stored and [c["notebook"] for c in stored["cells"]] == ["a-part1"]
    back = Outcome.from_dict(json.loads(json.dumps(stored)))
    assert [p.autograded for p in back.parts] == [None, None]
    assert back.part("a-part1") == dataclasses.replace(outcome.parts[0], autograded=None)
    assert back.cells == outcome.cells and back.part("nope") is None


def test_a_ledger_line_from_before_parts_reads_as_one_part(tmp_path):
    old = {"student_id": "bob", "assignment": "a", "sha256": "h", "status": "graded", "score": 2.0,
           "max_score": 2.0, "detail": "ok", "seconds": 1.0, "parts": [],
           "cells": [{"grade_id": "check-1", "exercise_id": "1.1", "points": 2.0, "score": 2.0, "passed": True,
                      "in_kernel_passed": True, "results": [], "problem": None, "visible_passed": True,
                      "budget": None}]}
    (tmp_path / "l.jsonl").write_text(json.dumps(old) + "\n")
    row = Ledger(tmp_path / "l.jsonl").finished("a", "bob", "h")
    assert row is not None and row.score == 2.0
    part = row.part("a")  # the assignment's one notebook, whatever it is called
    assert part is not None and [c.grade_id for c in part.cells] == ["check-1"] and part.cells[0].passed


def test_in_process_outcomes_come_one_at_a_time(monkeypatch):
    from autograder import executors
    from autograder.intake import Submission
    from autograder.worker import Job

    graded: list[str] = []

    def fake_grade(job: Job) -> Outcome:  # the order of grading and saving is what is tested here
        graded.append(job.submission.student_id)
        return Outcome(job.submission.student_id, job.assignment, job.submission.sha256, "graded", 1.0, 1.0, "ok")

    monkeypatch.setattr(executors, "grade", fake_grade)
    jobs = [Job(Path("."), "a", Submission(s, "h"), Path("."), 1.0, 1.0, False) for s in ("s1", "s2")]
    stream = executors.outcomes(executors.InProcessExecutor(), jobs)
    assert next(stream).student_id == "s1" and graded == ["s1"], "saved before the next one is graded"
    assert [o.student_id for o in stream] == ["s2"]
