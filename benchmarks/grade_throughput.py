"""Throughput: ``aws-course grade`` (default --jobs) versus ``nbgrader autograde`` one submission after
the other, on N copies of one course notebook (correct answers), same machine, same run.

Reports the wall time of each, the ratio, and the per-submission overhead beyond executing the cells
(cell time measured once in an already started kernel). Run by hand:

    .venv/bin/python benchmarks/grade_throughput.py --n 200
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = re.compile(r"^### (BEGIN|END) SOLUTION\n?", re.M)


def correct_submission(assignment: str) -> nbformat.NotebookNode:
    release = nbformat.read(ROOT / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    source = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    solutions = {c.metadata.nbgrader["grade_id"]: SOLUTION.sub("", c.source) for c in source.cells
                 if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in solutions:
            cell.source = solutions[gid]
    return nb


def cell_seconds(nb: nbformat.NotebookNode, repeats: int = 3) -> float:
    """Time to execute the cells alone, kernel already started (best of ``repeats``)."""
    best = float("inf")
    for _ in range(repeats):
        client = NotebookClient(copy.deepcopy(nb), timeout=120, allow_errors=True)
        with client.setup_kernel():
            start = time.monotonic()
            for index, cell in enumerate(client.nb.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
            best = min(best, time.monotonic() - start)
    return best


def env_with_venv() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_ours(subs: Path, workspace: Path, assignment: str, jobs: int | None) -> float:
    cmd = [sys.executable, "-m", "course.cli", "grade", assignment, str(subs), "--workspace", str(workspace)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env_with_venv(), capture_output=True, text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"aws-course grade failed:\n{proc.stderr[-2000:]}")
    print(f"  ours: {proc.stdout.strip()}")
    return seconds


def run_nbgrader(nb: nbformat.NotebookNode, n: int, base: Path, assignment: str) -> float:
    """A throwaway nbgrader course: generate_assignment (records the cells), then autograde all students."""
    course = base / "nbgrader-course"
    (course / "source" / assignment).mkdir(parents=True)
    shutil.copy(ROOT / "source" / assignment / f"{assignment}.ipynb", course / "source" / assignment)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'bench'\n"
        "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\\nraise NotImplementedError()'}\n"
        "c.ExecutePreprocessor.timeout = 120\n")
    env = env_with_venv()
    nbg = [sys.executable, "-m", "nbgrader"]
    subprocess.run([*nbg, "generate_assignment", assignment, "--force"], cwd=course, env=env, check=True,
                   capture_output=True)
    for i in range(n):
        target = course / "submitted" / f"s{i:04d}" / assignment / f"{assignment}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    start = time.monotonic()
    proc = subprocess.run([*nbg, "autograde", assignment, "--force"], cwd=course, env=env, capture_output=True,
                          text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"nbgrader autograde failed:\n{proc.stderr[-2000:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of submissions (default 200)")
    parser.add_argument("--assignment", default="10-customer-engagement")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for aws-course grade (default: its own)")
    args = parser.parse_args(argv)

    nb = correct_submission(args.assignment)
    base = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    try:
        subs = base / "subs"
        subs.mkdir()
        for i in range(args.n):
            nbformat.write(nb, subs / f"s{i:04d}.ipynb")
        cells = cell_seconds(nb)
        print(f"{args.n} submissions of {args.assignment}; {os.cpu_count()} cores; "
              f"cells alone (warm kernel): {cells:.2f} s")
        ours = run_ours(subs, base / "ws", args.assignment, args.jobs)
        theirs = run_nbgrader(nb, args.n, base, args.assignment)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    jobs = args.jobs or os.cpu_count() or 1
    print(f"aws-course grade  : {ours:8.1f} s  ({ours / args.n:.2f} s per submission wall; "
          f"overhead beyond cells {ours * jobs / args.n - cells:.2f} s per submission per worker)")
    print(f"nbgrader autograde: {theirs:8.1f} s  ({theirs / args.n:.2f} s per submission; "
          f"overhead beyond cells {theirs / args.n - cells:.2f} s per submission)")
    print(f"ratio (nbgrader / ours): {theirs / ours:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
