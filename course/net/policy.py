"""Endpoint policies (spec §5.9): ``*``/``?`` globs, case-sensitive; Deny wins, then Allow, else implicit deny."""

from __future__ import annotations

import re
from functools import lru_cache

from .model import Statement


@lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern[str]:
    parts = []
    for ch in pattern:
        if ch == "*":
            parts.append(".*")
        elif ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.DOTALL)


def glob_match(pattern: str, value: str) -> bool:
    return _glob(pattern).fullmatch(value) is not None


def _matches(st: Statement, action: str, resource: str) -> bool:
    return any(glob_match(p, action) for p in st.actions) and any(glob_match(p, resource) for p in st.resources)


def decide(policy: list[Statement] | None, action: str, resource: str) -> tuple[bool, str]:
    """(allowed, reason). ``None`` is the default full-access policy."""
    if policy is None:
        return True, "default policy allows full access"
    allowed = False
    for i, st in enumerate(policy):
        if _matches(st, action, resource):
            if not st.allow:
                return False, f"Statement[{i}] explicitly denies {action} on {resource}"
            allowed = True
    if allowed:
        return True, f"a statement allows {action} on {resource}"
    return False, f"no statement allows {action} on {resource} (implicit deny)"
