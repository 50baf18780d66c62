"""The model answer of every question, read by executing the source notebook's own cells.

Why execute rather than parse: many model answers are computed from data loaded by earlier cells
(``finding_types.loc[...]``, ``events[...]``) or are functions (detectors), so a literal read of the
solution region would fail for a third of the questions. Executing the notebook's code cells in order,
in one namespace, in this process, is what a learner's kernel does, minus the kernel: the setup cell's
imports, the data-loading cells and the answer cells run exactly as written. The check cells are skipped
(they are what we grade with, not part of the answer), matplotlib draws on the non-interactive Agg
backend, printed output is discarded, and execution stops after the notebook's last answer cell.

For a detector question (``answer_N_M = run_detector("N.M", some_function)``) the answer cell's
``def some_function`` is kept as an AST with the namespace it was defined in, so that mutants of the
function's source can be compiled and run the same way a learner's function is.

The check cells are parsed the way the autograder parses them (``autograder.assignment.parse_check_cell``:
every ``check("N.M", answer_N_M, hidden=<literal>)`` call, hidden data by ``ast.literal_eval``); this package
may not import the autograder (docs/architecture.md), so ``tests/test_mutation.py`` holds the two parsers
to the same result on every source notebook.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import nbformat

from course.exercises.answers import from_data, to_data
from course.exercises.check_cells import CheckCellError, parse_check_call

_SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$", re.M)
_MAGIC = re.compile(r"^(\s*)[%!].*$", re.M)


class SolutionError(RuntimeError):
    """A source notebook cannot give its model answers (a cell raised, an answer is missing)."""


@dataclass(frozen=True)
class CheckCell:
    """One check cell as the grader reads it: the question, the answer's name, points, hidden data per call."""

    grade_id: str
    exercise_id: str
    answer_name: str
    points: float
    hidden: tuple[Any, ...] = ()


def parse_check_cell(grade_id: str, source: str, points: float) -> CheckCell:
    """The ``check(...)`` calls of a check cell; raises :class:`SolutionError` naming the cell when unreadable."""
    try:
        exercise_id, answer_name, hidden = parse_check_call(grade_id, source)
    except CheckCellError as exc:
        raise SolutionError(str(exc)) from None
    return CheckCell(grade_id, exercise_id, answer_name, points, hidden)


@dataclass
class DetectorSource:
    """The model detector function as source: its ``def`` node and the namespace it runs in."""

    name: str
    node: ast.FunctionDef
    namespace: dict[str, Any]

    def compile(self, node: ast.FunctionDef | None = None) -> Any:
        """The function object for ``node`` (a mutant of :attr:`node`), defined in a copy of the namespace."""
        module = ast.Module(body=[node or self.node], type_ignores=[])
        ast.fix_missing_locations(module)
        namespace = dict(self.namespace)
        exec(compile(module, f"<mutant of {self.name}>", "exec"), namespace)  # noqa: S102 - our own notebook
        return namespace[self.name]


@dataclass
class Solution:
    """One question's model answer and its check cell (hidden cases as the grader reads them)."""

    exercise_id: str
    notebook: Path
    check: CheckCell
    answer: Any
    detector: DetectorSource | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def source_notebooks(root: Path) -> list[Path]:
    return sorted(p for p in (root / "source").glob("*/*.ipynb") if not p.name.startswith("."))


def all_solutions(root: Path) -> dict[str, Solution]:
    """Every question of every source notebook, by exercise id."""
    out: dict[str, Solution] = {}
    for path in source_notebooks(root):
        out.update(notebook_solutions(path))
    return out


def check_cells(path: Path) -> dict[str, Any]:
    """The notebook's check cells as the autograder parses them, by exercise id (no execution)."""
    nb = nbformat.read(path, as_version=4)
    checks = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            try:
                spec = parse_check_cell(meta["grade_id"], cell.source, float(meta.get("points", 0) or 0))
            except SolutionError as exc:
                raise SolutionError(f"{path.name}: {exc}") from None
            checks[spec.exercise_id] = spec
    return checks


def notebook_solutions(path: Path) -> dict[str, Solution]:
    """Execute ``path``'s code cells up to its last answer cell; cached per file content and per identity
    (a question that varies per learner has a model answer per variant: ``course.exercises.variants``)."""
    from course.exercises.variants import current_identity, pinned

    path = Path(path).resolve()
    identity = current_identity(create=False)
    with pinned(identity.name, identity.source):  # the same identity for every cell of this run
        return _cached(path, path.stat().st_mtime_ns, path.stat().st_size, identity.name)


@cache
def _cached(path: Path, mtime: int, size: int, identity: str | None) -> dict[str, Solution]:
    return _execute(path)


def _execute(path: Path) -> dict[str, Solution]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nb = nbformat.read(path, as_version=4)
    checks = check_cells(path)
    by_answer_cell = {spec.grade_id.replace("check-", "answer-", 1): spec for spec in checks.values()}
    last = max((i for i, c in enumerate(nb.cells) if _grade_id(c) in by_answer_cell), default=-1)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    solutions: dict[str, Solution] = {}
    cwd = os.getcwd()
    try:
        os.chdir(path.parent)
        for index, cell in enumerate(nb.cells[: last + 1]):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or meta.get("grade"):
                continue  # markdown, and the check cells (they grade; they are not part of the answer)
            where = f"{path.name}, cell {index} ({meta.get('grade_id', 'no grade id')})"
            source = _MAGIC.sub(r"\1pass", _SOLUTION_MARKERS.sub("", cell.source))
            try:
                code = compile(source, f"<{where}>", "exec")
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(code, namespace)  # noqa: S102 - the course's own source notebook
            except Exception as exc:
                raise SolutionError(f"{where} raised {type(exc).__name__}: {exc}") from exc
            finally:
                plt.close("all")
            spec = by_answer_cell.get(meta.get("grade_id", ""))
            if spec is None:
                continue
            if spec.answer_name not in namespace:
                raise SolutionError(f"{where}: the answer cell does not assign {spec.answer_name}")
            answer = namespace[spec.answer_name]
            try:
                answer = from_data(to_data(answer))  # what the grader reads out of a kernel
            except TypeError as exc:
                raise SolutionError(f"{where}: {spec.answer_name} cannot travel as data: {exc}") from None
            solutions[spec.exercise_id] = Solution(spec.exercise_id, path, spec, answer,
                                                   _detector(cell.source, spec.exercise_id, namespace, where))
    finally:
        os.chdir(cwd)
    missing = sorted(set(checks) - set(solutions))
    if missing:
        raise SolutionError(f"{path.name}: no answer cell for question(s) {', '.join(missing)}")
    return solutions


def _grade_id(cell: Any) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def _detector(source: str, exercise_id: str, namespace: dict[str, Any], where: str) -> DetectorSource | None:
    """``run_detector("N.M", name)`` in the cell: the ``def name`` node, for source-level mutants."""
    tree = ast.parse(_MAGIC.sub(r"\1pass", _SOLUTION_MARKERS.sub("", source)))
    name = None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "run_detector"
                and len(node.args) == 2 and isinstance(node.args[1], ast.Name)):
            name = node.args[1].id
    if name is None:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return DetectorSource(name, node, dict(namespace))
    raise SolutionError(f"{where}: run_detector names {name}, which is not defined in the answer cell")
