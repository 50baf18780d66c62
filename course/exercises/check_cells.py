"""What a notebook's check cell asks: ``check("N.M", answer_N_M[, hidden=<literal>])``, read with ``ast``.

One reader for the grader (``autograder.assignment``) and the checker tests (``course.mutation``), so the two
can never read a check cell differently. Hidden data must be a Python literal (``ast.literal_eval``).
"""

from __future__ import annotations

import ast
from typing import Any


class CheckCellError(ValueError):
    """A check cell that cannot be read; the message names the cell."""


def parse_check_call(grade_id: str, source: str) -> tuple[str, str, tuple[Any, ...]]:
    """``(exercise id, answer name, hidden data of each call)`` of the check cell ``grade_id``."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise CheckCellError(f"check cell {grade_id} is not valid Python: {exc}") from None
    exercise_id = answer_name = None
    hidden: list[Any] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "check"):
            continue
        if len(node.args) < 2 or not isinstance(node.args[1], ast.Name):
            raise CheckCellError(f"check cell {grade_id}: expected check(\"N.M\", answer_N_M, ...)")
        try:
            ex_id = str(ast.literal_eval(node.args[0]))
        except ValueError:
            raise CheckCellError(f"check cell {grade_id}: the question id must be a string literal") from None
        if exercise_id not in (None, ex_id):
            raise CheckCellError(f"check cell {grade_id} checks two exercises ({exercise_id}, {ex_id})")
        exercise_id, answer_name = ex_id, node.args[1].id
        for keyword in node.keywords:
            if keyword.arg == "hidden":
                try:
                    hidden.append(ast.literal_eval(keyword.value))
                except ValueError:
                    raise CheckCellError(f"check cell {grade_id}: hidden= must be a Python literal") from None
    if exercise_id is None or answer_name is None:
        raise CheckCellError(f"check cell {grade_id} does not call check(...)")
    return exercise_id, answer_name, tuple(hidden)
