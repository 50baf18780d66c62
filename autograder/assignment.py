"""What the grader knows about an assignment, read from the SOURCE notebook in the grader process.

The source notebook holds solutions and hidden test cases; it never enters a sandbox. From it we derive
(with nbgrader's own preprocessors) the student version of every locked cell, so a learner who edits or
deletes a test cell gets the original back, and the hidden cases as plain data for the trusted checkers.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbgrader import utils as nbutils
from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions, ComputeChecksums, LockCells


class AssignmentError(RuntimeError):
    """The assignment cannot be graded (no source notebook, unreadable check cell...)."""


@dataclass(frozen=True)
class CheckSpec:
    """One graded check cell: ``check("N.M", answer_N_M)`` worth ``points``, with hidden case data."""

    grade_id: str
    exercise_id: str
    answer_name: str
    points: float
    hidden: tuple[Any, ...] = ()


@dataclass
class AssignmentSpec:
    """One notebook of an assignment (one part), as the grader needs it."""

    name: str  # the assignment's
    notebook_name: str  # without .ipynb, as nbgrader names notebooks
    source_path: Path
    graded_nb: nbformat.NotebookNode  # release version WITH hidden tests: what nbgrader's SaveCells records
    student_nb: nbformat.NotebookNode  # release version: what learners received
    checks: list[CheckSpec] = field(default_factory=list)
    manual_points: float = 0.0  # written answers graded by hand

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.checks)

    def locked_cells(self) -> dict[str, nbformat.NotebookNode]:
        """Student-version cells the learner must not change, by grade_id."""
        return {c.metadata.nbgrader["grade_id"]: c for c in self.student_nb.cells
                if nbutils.is_locked(c) and not nbutils.is_solution(c)}


@dataclass
class Assignment:
    """Every notebook of an assignment (nbgrader: one SubmittedNotebook per notebook), in name order.

    An assignment is always a list of parts: one for most, several for a split one (``01-...-part1``,
    ``-part2``...); a submission is still one student's whole assignment: scores summed, the worst status,
    one CSV row.
    """

    name: str
    parts: list[AssignmentSpec]

    @property
    def notebook_names(self) -> list[str]:
        return [p.notebook_name for p in self.parts]

    @property
    def max_score(self) -> float:
        return sum(p.max_score for p in self.parts)

    @property
    def manual_points(self) -> float:
        return sum(p.manual_points for p in self.parts)

    def label(self, notebook_name: str) -> str:
        """``part2`` for ``01-security-identity-compliance-part2``: how details name a notebook."""
        prefix = f"{self.name}-"
        return notebook_name[len(prefix):] if notebook_name.startswith(prefix) and notebook_name != prefix \
            else notebook_name


def find_sources(root: Path, assignment: str) -> list[Path]:
    """Every source notebook of the assignment; one notebook named like the assignment wins alone."""
    folder = root / "source" / assignment
    notebooks = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not notebooks:
        raise AssignmentError(f"no source notebook in {folder}")
    named = [p for p in notebooks if p.stem == assignment]
    return named or notebooks


def load_assignment(root: Path, assignment: str) -> Assignment:
    """All notebooks of ``source/<assignment>/`` (one :class:`AssignmentSpec` each)."""
    return Assignment(assignment, [load(root, assignment, path) for path in find_sources(root, assignment)])


def _run(preprocessors: list, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    resources: dict[str, Any] = {"language": "python"}
    for pre in preprocessors:
        nb, resources = pre.preprocess(nb, resources)
    return nb


def load(root: Path, assignment: str, path: Path | None = None) -> AssignmentSpec:
    """Read one notebook ``source/<assignment>/<notebook>.ipynb`` (``path``, or the assignment's only one)
    and derive what grading needs; :func:`load_assignment` reads them all."""
    if path is None:
        sources = find_sources(root, assignment)
        if len(sources) > 1:
            raise AssignmentError(f"{root / 'source' / assignment} holds several notebooks: "
                                  f"{', '.join(p.name for p in sources)}")
        path = sources[0]
    source = nbformat.read(path, as_version=4)
    from course.settings import load as course_settings

    stub = course_settings(root).code_stub  # what nbgrader's generate_assignment puts in answer cells
    graded = _run([LockCells(), ClearSolutions(code_stub=stub), ClearOutput(), ComputeChecksums()],
                  copy.deepcopy(source))
    student = _run([ClearHiddenTests(), ComputeChecksums()], copy.deepcopy(graded))
    released = root / "release" / assignment / path.name
    if released.is_file():  # what learners actually received wins over what source would produce now
        student = nbformat.read(released, as_version=4)
    spec = AssignmentSpec(assignment, path.stem, path, graded, student)
    for cell in source.cells:
        if not nbutils.is_grade(cell):
            continue
        grade_id = cell.metadata.nbgrader["grade_id"]
        points = float(cell.metadata.nbgrader.get("points", 0) or 0)
        if cell.cell_type != "code":
            spec.manual_points += points
            continue
        spec.checks.append(parse_check_cell(grade_id, cell.source, points))
    if not spec.checks:
        raise AssignmentError(f"{path} has no graded check cells")
    return spec


def parse_check_cell(grade_id: str, source: str, points: float) -> CheckSpec:
    """The check cell's question, answer name and hidden data (``course.exercises.check_cells``)."""
    from course.exercises.check_cells import CheckCellError, parse_check_call

    try:
        exercise_id, answer_name, hidden = parse_check_call(grade_id, source)
    except CheckCellError as exc:
        raise AssignmentError(str(exc)) from None
    return CheckSpec(grade_id, exercise_id, answer_name, points, hidden)
