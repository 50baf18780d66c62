"""The notebook that actually runs: the learner's cells with every locked cell restored from the
release version (nbgrader's OverwriteCells idea, with ``add_missing_cells``), plus the grader's
extraction cells. Edits to and deletions of locked cells are recorded as tamper notes."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import nbformat
from nbformat.v4 import new_code_cell
from nbgrader import utils as nbutils

from autograder.assignment import AssignmentSpec
from autograder.extract import EXTRACT_TAG, Extraction


@dataclass
class Prepared:
    nb: nbformat.NotebookNode
    tamper: list[str] = field(default_factory=list)  # locked cells edited or deleted


def _grade_id(cell: nbformat.NotebookNode) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def prepare(student: nbformat.NotebookNode, spec: AssignmentSpec, extraction: Extraction) -> Prepared:
    locked = spec.locked_cells()
    expected_order = [_grade_id(c) for c in spec.student_nb.cells if _grade_id(c)]
    out = Prepared(nbformat.v4.new_notebook(metadata=copy.deepcopy(spec.student_nb.metadata)))
    seen: set[str] = set()
    cells: list[nbformat.NotebookNode] = []
    for cell in student.cells:
        gid = _grade_id(cell)
        if gid in locked:
            if gid in seen:
                continue  # a duplicated locked cell: keep the first, restored
            original = locked[gid]
            if cell.cell_type != original.cell_type or _norm(cell.get("source", "")) != _norm(original.source):
                out.tamper.append(f"locked cell {gid} was edited (restored from the release)")
            cells.append(copy.deepcopy(original))
            seen.add(gid)
        elif cell.cell_type == "code":
            if nbutils.is_grade(cell) and gid:
                out.tamper.append(f"cell {gid} claims to be a graded cell but is not one of the assignment's")
                cell = copy.deepcopy(cell)
                cell.metadata.pop("nbgrader", None)
            cells.append(_clean(cell))
            if gid:
                seen.add(gid)
        else:
            cells.append(copy.deepcopy(cell))
            if gid:
                seen.add(gid)
    # put back what the learner deleted, after the nearest preceding cell of the release
    for gid in expected_order:
        if gid in seen or gid not in locked:
            continue
        out.tamper.append(f"locked cell {gid} was deleted (put back from the release)")
        before = expected_order[: expected_order.index(gid)]
        position = 0
        for i, cell in enumerate(cells):
            if _grade_id(cell) in before:
                position = i + 1
        cells.insert(position, copy.deepcopy(locked[gid]))
        seen.add(gid)
    # an extraction cell right after each check cell: the answer as it was when it was checked
    checks = {c.grade_id: c for c in spec.checks}
    for cell in cells:
        out.nb.cells.append(cell)
        gid = _grade_id(cell)
        if gid in checks and cell.cell_type == "code":
            out.nb.cells.append(new_code_cell(extraction.cell_source(gid, checks[gid].answer_name),
                                              metadata={"tags": [EXTRACT_TAG]}))
    return out


def _clean(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cell = copy.deepcopy(cell)
    cell.outputs = []
    cell.execution_count = None
    return cell


def strip_extraction(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if EXTRACT_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb
