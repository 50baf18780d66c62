"""Building course notebooks with the right nbgrader metadata, for authors and tests.

Conventions every notebook follows (tests/test_notebook_structure.py enforces them):
- the setup cell is a locked read-only cell with grade_id ``NN-setup``;
- question N.M has a markdown cell headed ``### Question N.M — title (P points)``, an answer cell
  (grade_id ``answer-N-M``, an nbgrader solution cell) and a check cell (grade_id ``check-N-M``,
  an nbgrader test cell worth P points) that calls ``check("N.M", answer_N_M)``, with hidden cases
  between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``;
- source notebooks are stored without outputs.

The registry (``course.exercises``) is the one place a question's title, points and answer name are
written: :func:`question_heading` and :func:`check_cell` take them from it, and :func:`sync_notebook`
(run by ``aws-course release`` and ``aws-course sync``) rewrites every heading and check cell's points
that disagree with it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

# the heading line of a question's markdown cell; the rest of the cell (the stem) is the author's
QUESTION_LINE = re.compile(r"^###\s+Question\s+(\d+\.\d+)\b.*$", re.M)
GRADED_ID = re.compile(r"^(?:check|answer)-(\d+)-(\d+)$")

if TYPE_CHECKING:
    from course.exercises import Exercise

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None) -> dict:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
                            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(text: str) -> nbformat.NotebookNode:
    """A plain markdown cell (notes, scenarios)."""
    return new_markdown_cell(text.strip("\n"))


def locked_code(grade_id: str, source: str) -> nbformat.NotebookNode:
    """A read-only code cell such as the setup cell or a cell that loads data."""
    return new_code_cell(source.strip("\n"), metadata=_meta(grade_id, grade=False, solution=False, locked=True))


def answer(grade_id: str, solution: str, prefix: str = "") -> nbformat.NotebookNode:
    """An answer cell: nbgrader replaces the solution region with ``raise NotImplementedError()``."""
    body = f"{prefix.strip()}\n" if prefix.strip() else ""
    body += f"### BEGIN SOLUTION\n{solution.strip()}\n### END SOLUTION"
    return new_code_cell(body, metadata=_meta(grade_id, grade=False, solution=True, locked=False))


def _exercise(exercise_id: str) -> Exercise:
    from course.exercises import get  # late: the registry imports every notebook module

    return get(exercise_id)


def question_heading(exercise_id: str) -> str:
    """``### Question N.M — title (P points)``, from the registry."""
    exercise = _exercise(exercise_id)
    unit = "point" if exercise.points == 1 else "points"
    return f"### Question {exercise.id} — {exercise.title} ({exercise.points:g} {unit})"


def question(exercise_id: str, stem: str) -> nbformat.NotebookNode:
    """A question's markdown cell: the heading from the registry, then the author's ``stem``."""
    return new_markdown_cell(f"{question_heading(exercise_id)}\n\n{stem.strip()}")


def check_call(exercise_id: str) -> str:
    """``check("N.M", answer_N_M)`` with the answer's variable name from the registry."""
    return f'check("{exercise_id}", {_exercise(exercise_id).answer_name})'


def check_cell(grade_id: str, visible: str, points: float | None = None, hidden: str = "") -> nbformat.NotebookNode:
    """A graded test cell; ``hidden`` lines are removed from the student version. ``points`` defaults to
    the registry's for the question named by ``grade_id`` (``check-N-M``)."""
    if points is None:
        points = _exercise(_question_id(grade_id)).points
    body = visible.strip()
    if hidden.strip():
        body += f"\n### BEGIN HIDDEN TESTS\n{hidden.strip()}\n### END HIDDEN TESTS"
    return new_code_cell(body, metadata=_meta(grade_id, grade=True, solution=False, locked=True, points=points))


def written_answer(grade_id: str, solution: str, points: float) -> nbformat.NotebookNode:
    """A markdown answer graded by hand (``Explain`` exercises); the release shows "YOUR ANSWER HERE"."""
    return new_markdown_cell(solution.strip(), metadata=_meta(grade_id, grade=True, solution=True, locked=False,
                                                  points=points))


def _question_id(grade_id: str) -> str:
    match = GRADED_ID.match(grade_id)
    if not match:
        raise ValueError(f"grade_id {grade_id!r} names no question: expected check-N-M or answer-N-M")
    return f"{match.group(1)}.{match.group(2)}"


class RegistryMismatch(ValueError):
    """A notebook names a question the registry does not have."""


def sync_questions(nb: nbformat.NotebookNode, where: str = "notebook") -> list[str]:
    """Rewrite, in place, every question heading and graded cell's points that disagree with the registry.

    Returns what changed (empty when the notebook already agrees). Only the heading line of a question's
    cell and the ``points`` of its graded cells are touched; stems, code and hidden tests are left alone.
    """
    from course.exercises.registry import UnknownExercise

    changes: list[str] = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        try:
            if cell.cell_type == "markdown":
                def heading(match: re.Match[str], index: int = index) -> str:
                    wanted = question_heading(match.group(1))
                    if match.group(0) != wanted:
                        changes.append(f"{where} cell {index}: {match.group(0)!r} -> {wanted!r}")
                    return wanted

                cell.source = QUESTION_LINE.sub(heading, cell.source)
            if meta.get("grade") and GRADED_ID.match(str(meta.get("grade_id", ""))):
                points = _exercise(_question_id(meta["grade_id"])).points
                if meta.get("points") != points:
                    changes.append(f"{where} {meta['grade_id']}: points {meta.get('points')} -> {points:g}")
                    meta["points"] = points
        except UnknownExercise as exc:
            raise RegistryMismatch(f"{where} cell {index}: {exc}; add the exercise to course/notebooks/ "
                                   "or fix the question number") from None
    return changes


def sync_notebook(path: str | Path, write_back: bool = True) -> list[str]:
    """:func:`sync_questions` on a notebook file; writes it only when something changed and ``write_back``."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    changes = sync_questions(nb, path.name)
    if changes and write_back:
        nbformat.validate(nb)
        nbformat.write(nb, path)
    return changes


def notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(nb: nbformat.NotebookNode, path: str | Path) -> Path:
    """Write without outputs or execution counts (source notebooks are stored clean)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.validate(nb)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def hidden_cases(notebooks: str | Path | list[Path], exercise_id: str) -> Any:
    """The literal ``hidden=`` data of question ``exercise_id``'s check cell (``[]`` when it has none).

    ``notebooks`` is a notebook, a list of them, or an assignment folder (for assignments in parts).
    Tests use it to run the notebook's own hidden cases through the checker, so the two cannot drift.
    """
    import re

    from course.exercises.check_cells import parse_check_call

    paths = [Path(notebooks)] if isinstance(notebooks, (str, Path)) else list(notebooks)
    paths = [p for path in paths for p in (sorted(path.glob("*.ipynb")) if path.is_dir() else [path])]
    grade_id = "check-" + exercise_id.replace(".", "-")
    for path in paths:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") != grade_id:
                continue
            block = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S)
            if not block:
                return []
            hidden = parse_check_call(grade_id, block.group(1))[2]  # the grader's own reader
            return hidden[0] if hidden else []
    raise LookupError(f"no check cell {grade_id} in {', '.join(p.name for p in paths)}")
