"""Reading course notebooks for the structural tests: cells, nbgrader metadata, questions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

QUESTION_HEADING = re.compile(r"^###\s+Question\s+(\d+\.\d+)\s+—\s+.+\((\d+(?:\.\d+)?)\s+points?\)\s*$", re.M)


@dataclass
class GradedCell:
    grade_id: str
    points: float
    source: str
    cell_type: str
    solution: bool
    grade: bool


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def nbgrader_cells(nb: nbformat.NotebookNode) -> list[GradedCell]:
    cells = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta:
            cells.append(GradedCell(meta.get("grade_id", ""), float(meta.get("points", 0) or 0), cell.source,
                                    cell.cell_type, bool(meta.get("solution")), bool(meta.get("grade"))))
    return cells


def markdown_text(nb: nbformat.NotebookNode) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def questions(nb: nbformat.NotebookNode) -> dict[str, float]:
    """Question id -> points, from the ``### Question N.M — title (P points)`` headings."""
    return {m.group(1): float(m.group(2)) for m in QUESTION_HEADING.finditer(markdown_text(nb))}


WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def shared_runs(text: str, reference_words: list[str], length: int = 12) -> list[str]:
    """Runs of ``length`` consecutive words of ``text`` that also occur in the reference."""
    grams = {tuple(reference_words[i:i + length]) for i in range(len(reference_words) - length + 1)}
    found = []
    tokens = words(text)
    for i in range(len(tokens) - length + 1):
        gram = tuple(tokens[i:i + length])
        if gram in grams:
            found.append(" ".join(gram))
    return found


def solution_value(exercise_id: str, body: str) -> object:
    """The answer a solution cell's ``body`` assigns. A question that varies per learner is answered in terms of
    its variant (a choice question: ``answer_N_M = vN_M.letters(...)``, issue #19): ``vN_M`` is bound as the
    question's own cell binds it, for no identity (the authored scenario)."""
    from course.exercises import get

    exercise = get(exercise_id)
    scope: dict = {}
    if exercise.variants is not None:
        scope["v" + exercise_id.replace(".", "_")] = exercise.variants.values(exercise_id, None)
    exec(body, scope)  # noqa: S102 - the course's own solution cell
    return scope[exercise.answer_name]
