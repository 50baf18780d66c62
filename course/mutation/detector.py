"""Source-code mutants of a detector function (the model ``def`` from the answer cell), by AST transform.

Families: a comparison's boundary (``>`` <-> ``>=``, ``<`` <-> ``<=``), an integer constant plus or minus
one, ``.count()`` <-> ``.nunique()``, a filter term dropped (one side of ``&``/``|``, or a whole
``frame[mask]`` selection), a filter term inverted (``~term``, ``==`` <-> ``!=``). Each mutant is compiled
in the namespace the model function was defined in and run through ``DetectorMatch.run`` on the
exercise's cases, exactly like a learner's function passed to ``run_detector``.

A site is named by the source text of the node it changes (``ports >= 100``) and, when that text occurs
more than once, its occurrence number, so descriptions stay stable while the function is unchanged.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from course.mutation.base import Mutant
from course.mutation.solutions import DetectorSource

_BOUNDARY = {ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Lt: ast.LtE, ast.LtE: ast.Lt}
_INVERT = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In}
_COUNTS = {"count": "nunique", "nunique": "count"}

Path = tuple[tuple[str, int | None], ...]


def mutants(exercise: Any, source: DetectorSource) -> Iterator[Mutant]:
    seen: dict[str, int] = {}
    for family, path, make in _sites(source.node):
        original = _at(source.node, path)
        replacement = make(copy.deepcopy(original))
        before, after = ast.unparse(original), ast.unparse(replacement)
        text = f"`{before}` -> `{after}`"
        seen[text] = seen.get(text, 0) + 1
        if seen[text] > 1:
            text += f" (occurrence {seen[text]})"
        node = _replace(source.node, path, replacement)
        yield Mutant(exercise.id, f"detector: {family}", f"{source.name}: {text}",
                     make_answer=partial(_run, exercise, source, node))


def _run(exercise: Any, source: DetectorSource, node: ast.FunctionDef) -> Any:
    """The mutant's answer: what ``run_detector`` returns for the mutated function."""
    return exercise.run(source.compile(node))


def _children(node: ast.AST) -> Iterator[tuple[ast.AST, tuple[str, int | None]]]:
    for name, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            yield value, (name, None)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield item, (name, i)


def _walk(node: ast.AST, path: Path = ()) -> Iterator[tuple[ast.AST, Path]]:
    yield node, path
    for child, step in _children(node):
        yield from _walk(child, (*path, step))


def _at(node: ast.AST, path: Path) -> ast.AST:
    for name, index in path:
        node = getattr(node, name) if index is None else getattr(node, name)[index]
    return node


def _replace(root: ast.FunctionDef, path: Path, new: ast.AST) -> ast.FunctionDef:
    root = copy.deepcopy(root)
    parent = _at(root, path[:-1])
    name, index = path[-1]
    if index is None:
        setattr(parent, name, new)
    else:
        getattr(parent, name)[index] = new
    return root


Site = tuple[str, Path, Callable[[Any], ast.AST]]


def _sites(function: ast.FunctionDef) -> Iterator[Site]:
    in_subscript_slice: set[int] = set()
    for node, _ in _walk(function):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, (ast.Constant, ast.Slice, ast.Tuple)):
            for inner, _ in _walk(node.slice):
                in_subscript_slice.add(id(inner))
    for node, path in _walk(function):
        if not path:
            continue
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            op = type(node.ops[0])
            if op in _BOUNDARY:
                yield "boundary", path, partial(_with_op, op=_BOUNDARY[op])
            if op in _INVERT:
                yield "invert filter", path, partial(_with_op, op=_INVERT[op])
        if (isinstance(node, ast.Constant) and type(node.value) is int and id(node) not in in_subscript_slice):
            yield "constant +1", path, lambda n: ast.Constant(n.value + 1)
            yield "constant -1", path, lambda n: ast.Constant(n.value - 1)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _COUNTS:
            yield "count/nunique", path, lambda n: _renamed_call(n, _COUNTS[n.func.attr])
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            yield "drop filter", path, lambda n: n.right
            yield "drop filter", path, lambda n: n.left
            yield "invert filter", path, lambda n: ast.BinOp(ast.UnaryOp(ast.Invert(), n.left), n.op, n.right)
            yield "invert filter", path, lambda n: ast.BinOp(n.left, n.op, ast.UnaryOp(ast.Invert(), n.right))
        if isinstance(node, ast.BoolOp) and len(node.values) > 1:
            for k in range(len(node.values)):
                yield "drop filter", path, partial(_without_value, k=k)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
            yield "invert filter", path, lambda n: n.operand
        if isinstance(node, ast.Subscript) and _is_mask(node.slice):
            yield "drop filter", path, lambda n: n.value
            yield "invert filter", path, lambda n: ast.Subscript(n.value, ast.UnaryOp(ast.Invert(), n.slice), n.ctx)


def _is_mask(node: ast.AST) -> bool:
    """A boolean selection ``frame[...]``: a comparison, a combination of masks, or a negated mask."""
    if isinstance(node, ast.Compare):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
        "isin", "contains", "startswith", "endswith", "notna", "isna", "notnull", "isnull", "between")


def _without_value(node: ast.BoolOp, k: int) -> ast.expr:
    """``a and b`` without its ``k``-th operand."""
    rest = node.values[:k] + node.values[k + 1:]
    return rest[0] if len(rest) == 1 else ast.BoolOp(node.op, rest)


def _with_op(node: ast.Compare, op: type) -> ast.Compare:
    return ast.Compare(node.left, [op()], node.comparators)


def _renamed_call(node: Any, name: str) -> ast.Call:
    return ast.Call(ast.Attribute(node.func.value, name, ast.Load()), node.args, node.keywords)
