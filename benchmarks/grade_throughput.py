"""Throughput: ``aws-course grade`` (default --jobs) versus ``nbgrader autograde`` one submission after
the other, on the same N correct submissions of one assignment (every notebook of it), same machine, same run.

Prints the wall time of each, the ratio, the CPU seconds each spends per submission (its own process and
every child: kernels, the trusted scorer, nbgrader's subprocesses), and the load average before and after
(the machine may be shared). Run by hand:

    PATH=$PWD/.venv/bin:$PATH .venv/bin/python benchmarks/grade_throughput.py --n 200 \
        --assignment 02-networking-content-delivery
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
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cpumeter import CpuMeter  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = re.compile(r"^### (BEGIN|END) SOLUTION\n?", re.M)


def correct_submissions(assignment: str) -> dict[str, nbformat.NotebookNode]:
    """Every notebook of the assignment as released, with the source's solutions filled in."""
    found: dict[str, nbformat.NotebookNode] = {}
    for source_path in sorted((ROOT / "source" / assignment).glob("*.ipynb")):
        release = nbformat.read(ROOT / "release" / assignment / source_path.name, as_version=4)
        source = nbformat.read(source_path, as_version=4)
        solutions = {c.metadata.nbgrader["grade_id"]: SOLUTION.sub("", c.source) for c in source.cells
                     if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
        nb = copy.deepcopy(release)
        for cell in nb.cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid in solutions:
                cell.source = solutions[gid]
        found[source_path.stem] = nb
    if not found:
        raise SystemExit(f"no notebooks in source/{assignment}")
    return found


def env_with_venv() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


@dataclass
class Run:
    wall: float
    cpu: float  # the command and all its descendants
    output: str
    main_cpu: float = 0.0  # the command's own process
    kinds: dict[str, float] | None = None


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Wall and CPU seconds of ``cmd`` and everything it starts (see :mod:`cpumeter`: the grader's kernels
    die by SIGKILL in a pid namespace, so ``getrusage`` would not see them)."""
    meter = CpuMeter(os.getpid(), interval=0.05).start()
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, env={**env_with_venv(), **(env or {})}, capture_output=True, text=True)
    wall = time.monotonic() - start
    cpu = meter.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed:\n{proc.stderr[-2000:]}")
    return Run(wall, cpu, proc.stdout.strip(), meter.direct_seconds(), meter.by_kind())


def make_course(base: Path, assignment: str, notebooks: dict[str, nbformat.NotebookNode], n: int) -> Path:
    """A throwaway nbgrader course with N students in ``submitted/`` (both graders read this layout)."""
    course = base / "nbgrader-course"
    shutil.copytree(ROOT / "source" / assignment, course / "source" / assignment)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'bench'\n"
        "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\\nraise NotImplementedError()'}\n"
        "c.ExecutePreprocessor.timeout = 120\n")
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"], cwd=course,
                   env=env_with_venv(), check=True, capture_output=True)
    for i in range(n):
        folder = course / "submitted" / f"s{i:04d}" / assignment
        folder.mkdir(parents=True)
        for name, nb in notebooks.items():
            nbformat.write(nb, folder / f"{name}.ipynb")
    return course


def run_ours(course: Path, workspace: Path, assignment: str, jobs: int | None, cold: bool = False) -> Run:
    cmd = [sys.executable, "-m", "course.cli", "grade", assignment, str(course / "submitted"),
           "--workspace", str(workspace)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    return timed(cmd, ROOT, {"AUTOGRADER_WARM": "0"} if cold else None)


def run_nbgrader(course: Path, assignment: str) -> Run:
    return timed([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"], course)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of submissions (default 200)")
    parser.add_argument("--assignment", default="02-networking-content-delivery",
                        help="e.g. 02-networking-content-delivery or 01-security-identity-compliance (three parts)")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for aws-course grade (default: its own)")
    parser.add_argument("--cold", action="store_true",
                        help="ours with AUTOGRADER_WARM=0: no kernel made ready ahead, no warm-up, figures drawn "
                             "(the lean kernel start, font list and silent read-outs stay)")
    args = parser.parse_args(argv)

    notebooks = correct_submissions(args.assignment)
    base = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    load_before = os.getloadavg()
    try:
        course = make_course(base, args.assignment, notebooks, args.n)
        print(f"{args.n} submissions of {args.assignment} ({len(notebooks)} notebook(s) each); "
              f"{os.cpu_count()} cores; load average before {load_before[0]:.2f} {load_before[1]:.2f}")
        ours = run_ours(course, base / "ws", args.assignment, args.jobs, args.cold)
        print(f"  ours{' (AUTOGRADER_WARM=0)' if args.cold else ''}: {ours.output}")
        load_between = os.getloadavg()
        theirs = run_nbgrader(course, args.assignment)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    load_after = os.getloadavg()
    n = args.n
    print(f"aws-course grade  : {ours.wall:8.1f} s wall ({ours.wall / n:.2f} s per submission), "
          f"{ours.cpu / n:.2f} CPU s per submission (main process {ours.main_cpu / n:.2f}); "
          f"load after {load_between[0]:.2f}")
    print(f"nbgrader autograde: {theirs.wall:8.1f} s wall ({theirs.wall / n:.2f} s per submission), "
          f"{theirs.cpu / n:.2f} CPU s per submission (main process {theirs.main_cpu / n:.2f}); "
          f"load after {load_after[0]:.2f}")
    for label, run in (("ours", ours), ("nbgrader", theirs)):
        split = ", ".join(f"{kind} {cpu / n:.2f}" for kind, cpu in sorted((run.kinds or {}).items()))
        print(f"  CPU s per submission by process, {label}: {split}")
    print(f"ratio (nbgrader wall / ours): {theirs.wall / ours.wall:.2f}; "
          f"CPU per submission (nbgrader / ours): {theirs.cpu / ours.cpu:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
