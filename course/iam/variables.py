"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``, ``${*}``.

Only policies with ``"Version": "2012-10-17"`` substitute variables; under 2008-10-17 or with
no Version the text is taken literally. A variable whose key is absent (or multivalued) from
the request has no value: it matches nothing, so positive operators fail and negated ones
succeed ("Policy variables with no value",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .matching import Glob

_VAR = re.compile(r"\$\{([^}]*)\}")
_BODY = re.compile(r"^\s*([^,'\s][^,']*?)\s*(?:,\s*'((?:[^']|'')*)'\s*)?$")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}

# Part kinds: raw policy text (wildcards live), literal text (wildcards dead), variable.
GLOB, LIT, VAR = 0, 1, 2


@dataclass(frozen=True, slots=True, eq=False)
class Template:
    """A policy string split into raw text, literal text and variable references."""

    source: str
    parts: tuple[tuple, ...]
    has_vars: bool

    @property
    def has_literals(self) -> bool:
        """True when escapes such as ``${*}`` need wildcard-aware resolution."""
        return any(p[0] == LIT for p in self.parts)

    def variables(self) -> list[str]:
        return [p[1] for p in self.parts if p[0] == VAR]

    def resolve(self, ctx: dict) -> str | None:
        """Substitute variables; ``None`` when a variable has no value and no default."""
        if not self.has_vars:
            return _plain(self.parts)
        out: list[str] = []
        for part in self.parts:
            if part[0] == VAR:
                value = lookup_variable(ctx, part[1], part[2])
                if value is None:
                    return None
                out.append(value)
            else:
                out.append(part[1])
        return "".join(out)

    def resolve_glob(self, ctx: dict, ignore_case: bool = False) -> Glob | None:
        """A compiled wildcard pattern, with substituted values and escapes matched literally."""
        values: list[str] = []
        for part in self.parts:
            if part[0] == VAR:
                value = lookup_variable(ctx, part[1], part[2])
                if value is None:
                    return None
                values.append(value)
        key = (self, tuple(values), ignore_case)
        glob = _GLOB_CACHE.get(key)
        if glob is not None:
            return glob
        it = iter(values)
        pieces = [(part[1], True) if part[0] == GLOB else (part[1] if part[0] == LIT else next(it), False)
                  for part in self.parts]
        glob = Glob(pieces, ignore_case, self.source)
        if len(_GLOB_CACHE) > 8192:
            _GLOB_CACHE.clear()
        _GLOB_CACHE[key] = glob
        return glob


_GLOB_CACHE: dict[tuple, Glob] = {}


def _plain(parts: tuple[tuple, ...]) -> str:
    return "".join(p[1] for p in parts)


def lookup_variable(ctx: dict, key: str, default: str | None) -> str | None:
    value = ctx.get(key)
    if isinstance(value, str):
        return value
    # Absent, or multivalued (a multivalued key cannot be a variable): use the default.
    return default


def parse_template(text: str, substitute: bool) -> Template:
    """Split ``text`` into parts; with ``substitute`` False the whole text is raw policy text."""
    if not substitute or "${" not in text:
        return Template(text, ((GLOB, text),) if text else (), False)
    parts: list[tuple] = []
    pos = 0
    has_vars = False
    for m in _VAR.finditer(text):
        if m.start() > pos:
            parts.append((GLOB, text[pos:m.start()]))
        body = m.group(1)
        if body in _SPECIAL:
            parts.append((LIT, _SPECIAL[body]))
        else:
            bm = _BODY.match(body)
            if bm is None:
                parts.append((GLOB, m.group(0)))  # not a variable: taken literally
            else:
                default = bm.group(2).replace("''", "'") if bm.group(2) is not None else None
                parts.append((VAR, bm.group(1).lower(), default))
                has_vars = True
        pos = m.end()
    if pos < len(text):
        parts.append((GLOB, text[pos:]))
    return Template(text, tuple(parts), has_vars)
