"""Every assignment in source/: its reference solution, graded by the real ``aws-course grade``, gets full marks.

The submission is what a perfect learner hands in: the release notebook(s) with every answer cell filled
with the model answer from source/ (the source notebook itself would be flagged: its check cells hold the
hidden tests, which differ from the locked cells learners received). This catches answers that cannot
travel as data and checkers that disagree inside and outside the kernel. One batch per assignment, two
batches at a time, each with ``--jobs 2``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbfactory as f
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
STUDENT = "reference"
pytestmark = pytest.mark.slow


def reference_submission(assignment: str, target: Path) -> list[str]:
    """``<target>/reference/<assignment>/<notebook>.ipynb`` for each notebook; returns the notebook names."""
    from autograder.assignment import load_assignment

    names = []
    for spec in load_assignment(ROOT, assignment).parts:
        source = nbformat.read(spec.source_path, as_version=4)
        solutions = {c.metadata.nbgrader["grade_id"]: f._SOLUTION.sub("", c.source) for c in source.cells
                     if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
        f.write_nb(f.with_answers(spec.student_nb, solutions),
                   target / STUDENT / assignment / f"{spec.notebook_name}.ipynb")
        names.append(spec.notebook_name)
    return names


def _grade(assignment: str, base: Path) -> dict:
    subs, ws = base / assignment / "subs", base / assignment / "ws"
    reference_submission(assignment, subs)
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "course.cli", "grade", assignment, str(subs), "--workspace",
                           str(ws), "--jobs", "2"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - start
    rows = []
    if (ws / "grades.csv").is_file():
        with open(ws / "grades.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
    cells = []
    ledger = ws / "autograder-ledger.jsonl"
    if ledger.is_file():
        cells = json.loads(ledger.read_text().splitlines()[-1]).get("cells", [])
    return {"proc": proc, "rows": rows, "cells": cells, "seconds": seconds}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, bwrap):
    base = tmp_path_factory.mktemp("all")
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(ASSIGNMENTS, pool.map(lambda a: _grade(a, base), ASSIGNMENTS), strict=True))
    print(f"\nall-notebooks: {len(ASSIGNMENTS)} batches in {time.monotonic() - start:.1f} s: "
          + ", ".join(f"{a[:2]} {r['seconds']:.0f}s" for a, r in results.items()), file=sys.stderr)
    return results


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solution_gets_full_marks(graded, assignment):
    result = graded[assignment]
    assert result["proc"].returncode == 0, result["proc"].stderr[-3000:]
    assert len(result["rows"]) == 1, result["rows"]
    row = result["rows"][0]
    short = [(c.get("notebook", ""), c["grade_id"], c["score"], c["points"], c.get("problem"))
             for c in result["cells"] if c["score"] != c["points"]]
    assert row["status"] == "graded", (row, short)
    assert float(row["score"]) == float(row["max_score"]) > 0, (row, short)
