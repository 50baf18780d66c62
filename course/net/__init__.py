"""``course.net``: a VPC reachability model that says what blocked the packet, and draws the network.

Contract: ``docs/specs/network.md``. The JSON forms there always work; this package adds builders,
YAML loading, readable explanations and a matplotlib picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from course.figures import figure_maker

from .answer import Answer
from .builder import NetworkBuilder, allow, deny, sg_rule
from .document import load, load_json, load_yaml
from .endpoint_policy import set_endpoint_policy_evaluator
from .errors import NetworkError
from .labels import LABELS
from .model import Network
from .query import Query, parse_query
from .reach import reach


@figure_maker
def draw(network: Any, highlight: Answer | None = None, **kwargs: Any) -> Any:
    """Draw the network (matplotlib Figure); imported lazily so the CLI stays quick to start."""
    from .diagram import draw as _draw

    return _draw(network, highlight, **kwargs)


def reach_many(network: Any, queries: list[Any]) -> list[Answer]:
    """Answer many queries against one network, loading (and indexing) it once."""
    net = load(network)
    return [reach(net, q) for q in queries]


def check(network: Any, *, required: Sequence[Any] = (), forbidden: Sequence[Any] = ()) -> list[str]:
    """Grade a configuration: the problems found (empty means every required flow works and no forbidden one does)."""
    net = load(network)
    problems = []
    for q in required:
        ans = reach(net, q)
        if not ans.reachable:
            problems.append(f"required flow is blocked: {ans.explain().splitlines()[0]}")
    for q in forbidden:
        ans = reach(net, q)
        if ans.reachable:
            problems.append(f"forbidden flow is reachable: {ans.explain().splitlines()[0]}")
    return problems


__all__ = [
    "LABELS", "Answer", "Network", "NetworkBuilder", "NetworkError", "Query", "allow", "check", "deny", "draw",
    "load", "load_json", "load_yaml", "parse_query", "reach", "reach_many", "set_endpoint_policy_evaluator", "sg_rule",
]
