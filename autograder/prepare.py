"""The notebook that actually runs: the learner's cells with every locked cell restored from the
release version (nbgrader's OverwriteCells idea, with ``add_missing_cells``), plus the grader's
extraction cells. Edits to and deletions of locked cells are recorded as tamper notes.

The grader's own cells (extraction cells, restored release cells) are marked with a random nonce made
by this process, which a learner cannot know in advance: a learner cell carrying the grader's tag or
marker is kept as the learner's cell (and flagged), never hidden or trusted. A learner cell claiming a
graded cell id the assignment does not have loses its nbgrader metadata and is flagged.
"""

from __future__ import annotations

import copy
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell
from nbgrader import utils as nbutils

from autograder.assignment import AssignmentSpec
from autograder.escape import plain
from autograder.extract import EXTRACT_TAG, Extraction

# per grader process (and so per batch): what marks the cells the grader made or restored
NONCE = secrets.token_hex(16)
MARK = "autograder"  # cell metadata key of the mark: {"nonce": NONCE, "role": "extract" | "release"}


@dataclass
class Prepared:
    nb: nbformat.NotebookNode
    tamper: list[str] = field(default_factory=list)  # locked cells edited or deleted, forged grader cells


def _grade_id(cell: nbformat.NotebookNode) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    gid = meta.get("grade_id") if isinstance(meta, dict) else None
    return gid if isinstance(gid, str) else None


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _mark(cell: nbformat.NotebookNode, role: str) -> nbformat.NotebookNode:
    cell.metadata[MARK] = {"nonce": NONCE, "role": role}
    return cell


def role(cell: nbformat.NotebookNode) -> str | None:
    """``extract`` or ``release`` for the grader's own cells of this process; None for the learner's."""
    mark = cell.get("metadata", {}).get(MARK)
    if isinstance(mark, dict) and mark.get("nonce") == NONCE:
        return str(mark.get("role"))
    return None


def _name(gid: str) -> str:
    return repr(plain(gid)[:80])


def _learner_cell(cell: nbformat.NotebookNode, known: dict[str, str], seen: set[str],
                  tamper: list[str]) -> nbformat.NotebookNode:
    """A cell of the learner's own: no forged grader mark or tag, no graded id the assignment lacks."""
    cell = copy.deepcopy(cell)
    meta = cell.setdefault("metadata", {})
    if MARK in meta:
        tamper.append("a cell carries the grader's own cell mark (kept as the learner's cell)")
        meta.pop(MARK)
    tags = meta.get("tags")
    if isinstance(tags, list) and EXTRACT_TAG in tags:
        tamper.append(f"a cell carries the grader's {EXTRACT_TAG!r} tag (kept as the learner's cell)")
        meta["tags"] = [t for t in tags if t != EXTRACT_TAG]
    if "nbgrader" in meta:
        gid = _grade_id(cell)
        graded = isinstance(meta["nbgrader"], dict) and nbutils.is_grade(cell)
        if gid is None or known.get(gid) != cell.cell_type or gid in seen:
            if graded:
                tamper.append(f"cell {_name(gid or '')} claims to be a graded cell but is not one of the "
                              "assignment's (its grading metadata was removed)")
            meta.pop("nbgrader")
        else:
            seen.add(gid)
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
    return cell


def prepare(student: nbformat.NotebookNode, spec: AssignmentSpec, extraction: Extraction) -> Prepared:
    locked = spec.locked_cells()
    known = {gid: c.cell_type for c in spec.student_nb.cells if (gid := _grade_id(c))}
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
            cells.append(_mark(copy.deepcopy(original), "release"))
            seen.add(gid)
        else:
            cells.append(_learner_cell(cell, known, seen, out.tamper))
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
        cells.insert(position, _mark(copy.deepcopy(locked[gid]), "release"))
        seen.add(gid)
    # an extraction cell right after each check cell: the answer as it was when it was checked
    checks = {c.grade_id: c for c in spec.checks}
    for cell in cells:
        out.nb.cells.append(cell)
        gid = _grade_id(cell)
        if gid in checks and cell.cell_type == "code" and role(cell) == "release":
            out.nb.cells.append(_mark(new_code_cell(extraction.cell_source(gid, checks[gid].answer_name),
                                                    metadata={"tags": [EXTRACT_TAG]}), "extract"))
    return out


_UNSAFE_LINK = re.compile(r"(?i)(\]\(\s*<?\s*|\]:\s*<?\s*|<\s*)(j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|"
                          r"v\s*b\s*s\s*c\s*r\s*i\s*p\s*t|d\s*a\s*t\s*a)\s*:")


def _sanitizer() -> Any:
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    return SanitizeHTML(strip=True)


def _sanitize_text(sanitizer: Any, text: str) -> str:
    if "<" in text:  # no tag without one; bleach would also escape a Markdown blockquote's ">"
        text = sanitizer.sanitize_html_tags(text)
    return _UNSAFE_LINK.sub(r"\1blocked-\2:", text)


def for_formgrader(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The executed notebook as formgrader shows it: without the grader's extraction cells or marks, the
    learner's markdown and raw cells and every output sanitized (nbconvert's SanitizeHTML: bleach; no
    scripts, event handlers, active output types or ``javascript:`` links)."""
    nb = copy.deepcopy(nb)
    sanitizer = _sanitizer()
    cells = []
    for cell in nb.cells:
        kind = role(cell)
        if kind == "extract":
            continue
        cell.get("metadata", {}).pop(MARK, None)
        if cell.cell_type == "code":
            cell.outputs = sanitizer.sanitize_code_outputs(cell.get("outputs", []))
            for output in cell.outputs:
                data = output.get("data", {})
                if isinstance(data.get("text/markdown"), str):
                    data["text/markdown"] = _UNSAFE_LINK.sub(r"\1blocked-\2:", data["text/markdown"])
        elif kind != "release":  # the release's own text is trusted and kept as written
            cell.source = _sanitize_text(sanitizer, cell.get("source", ""))
        cells.append(cell)
    nb.cells = cells
    return nb


def strip_extraction(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What the worker saves as the autograded notebook (the name it has always called)."""
    return for_formgrader(nb)
