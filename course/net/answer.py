"""The answer of spec §4, with a learner-facing rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Answer:
    reachable: bool
    blocked_by: str | None
    blocked_at: str | None
    also_blocked_by: list[str] = field(default_factory=list)
    path: list[dict[str, Any]] = field(default_factory=list)
    query: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the spec's answer JSON."""
        return {
            "reachable": self.reachable,
            "blocked_by": self.blocked_by,
            "blocked_at": self.blocked_at,
            "also_blocked_by": list(self.also_blocked_by),
            "path": [dict(h) for h in self.path],
        }

    def __bool__(self) -> bool:
        return self.reachable

    def explain(self) -> str:
        from .explain import explain

        return explain(self)

    def __str__(self) -> str:
        return self.explain()

    def _repr_html_(self) -> str:
        from .explain import to_html

        return to_html(self)
