"""Wildcard matching for actions, resources and ARNs, compiled once and cached.

AWS wildcards are ``*`` (any run of characters, including none) and ``?`` (exactly one
character). Actions compare case-insensitively; ARNs and condition strings do not.
"""

from __future__ import annotations

import re
from functools import lru_cache


def glob_to_regex(pattern: str) -> str:
    """Translate an AWS wildcard pattern into an (unanchored) regex source."""
    out: list[str] = []
    for ch in pattern:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@lru_cache(maxsize=8192)
def compile_glob(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(glob_to_regex(pattern), flags)


def glob_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return compile_glob(pattern, ignore_case).fullmatch(value) is not None


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


class GlobSet:
    """Many wildcard patterns tested at once: exact ones through a set, the rest as one regex."""

    __slots__ = ("ignore_case", "match_all", "exact", "regex", "patterns", "_cache")

    def __init__(self, patterns: tuple[str, ...], ignore_case: bool = False) -> None:
        self.ignore_case = ignore_case
        self.patterns = patterns
        self.match_all = "*" in patterns
        norm = (lambda s: s.lower()) if ignore_case else (lambda s: s)
        self.exact = frozenset(norm(p) for p in patterns if not has_wildcard(p))
        wild = [p for p in patterns if has_wildcard(p)]
        self.regex = (
            re.compile("|".join(f"(?:{glob_to_regex(norm(p))})" for p in wild), re.DOTALL)
            if wild
            else None
        )
        self._cache: dict[str, bool] = {}

    def matches(self, value: str) -> bool:
        if self.match_all:
            return True
        cache = self._cache
        hit = cache.get(value)
        if hit is not None:
            return hit
        v = value.lower() if self.ignore_case else value
        result = v in self.exact or (self.regex is not None and self.regex.fullmatch(v) is not None)
        if len(cache) > 4096:
            cache.clear()
        cache[value] = result
        return result

    def first_match(self, value: str) -> str | None:
        """The first pattern that matches (for explanations)."""
        for p in self.patterns:
            if glob_match(p, value, self.ignore_case):
                return p
        return None


def arn_match(pattern: str, arn: str) -> bool:
    """ARN comparison as the Arn* condition operators do it: six colon-separated parts,
    each matched with wildcards, case-sensitively."""
    if pattern == "*":
        return True
    p_parts = pattern.split(":", 5)
    a_parts = arn.split(":", 5)
    if len(p_parts) != 6 or len(a_parts) != 6:
        return False
    return all(glob_match(p, a) for p, a in zip(p_parts, a_parts, strict=True))
