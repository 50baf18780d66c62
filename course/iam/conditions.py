"""Condition operators, compiled once per policy.

Rules implemented (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):

* operators and keys in one Condition block are ANDed; the values of one key are ORed;
  negated operators (``StringNotEquals``, ``NotIpAddress``, ``ArnNotLike``...) mean "none of";
* a key absent from the request makes a positive operator false and a negated one true,
  except ``...IfExists`` (absent -> true) and ``Null`` (tests presence); a key whose value is an
  empty string or an empty list counts as absent for every operator (Null, ForAllValues,
  ForAnyValue, IfExists and the plain ones alike), so the documented guard
  ``ForAllValues:... + Null: false`` denies it;
* ``ForAllValues:`` is true for an absent key or an empty set, and otherwise needs every request
  value to match; ``ForAnyValue:`` is false for an absent key or empty set and needs one value;
* a single-valued operator on a multivalued key is true when any request value matches.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from .errors import PolicyError, join_path
from .matching import arn_match, has_wildcard
from .variables import Template, parse_template

# canonical name -> (family, negated)
OPERATORS: dict[str, tuple[str, bool]] = {
    "StringEquals": ("string", False),
    "StringNotEquals": ("string", True),
    "StringEqualsIgnoreCase": ("string_ic", False),
    "StringNotEqualsIgnoreCase": ("string_ic", True),
    "StringLike": ("string_like", False),
    "StringNotLike": ("string_like", True),
    "NumericEquals": ("num_eq", False),
    "NumericNotEquals": ("num_eq", True),
    "NumericLessThan": ("num_lt", False),
    "NumericLessThanEquals": ("num_le", False),
    "NumericGreaterThan": ("num_gt", False),
    "NumericGreaterThanEquals": ("num_ge", False),
    "DateEquals": ("date_eq", False),
    "DateNotEquals": ("date_eq", True),
    "DateLessThan": ("date_lt", False),
    "DateLessThanEquals": ("date_le", False),
    "DateGreaterThan": ("date_gt", False),
    "DateGreaterThanEquals": ("date_ge", False),
    "Bool": ("bool", False),
    "BinaryEquals": ("binary", False),
    "IpAddress": ("ip", False),
    "NotIpAddress": ("ip", True),
    "ArnEquals": ("arn", False),
    "ArnLike": ("arn", False),
    "ArnNotEquals": ("arn", True),
    "ArnNotLike": ("arn", True),
    "Null": ("null", False),
}
_CANON = {name.lower(): name for name in OPERATORS}
_OP_RE = re.compile(r"^(?:(ForAllValues|ForAnyValue):)?([A-Za-z]+?)(IfExists)?$", re.IGNORECASE)
# Families whose values may hold policy variables.
_VARIABLE_FAMILIES = {"string", "string_ic", "string_like", "arn"}


def parse_operator(name: str) -> tuple[str, str | None, bool] | None:
    """``ForAnyValue:StringLikeIfExists`` -> ("StringLike", "any", True); None if unknown."""
    m = _OP_RE.match(name)
    if not m:
        return None
    base = _CANON.get(m.group(2).lower())
    if base is None:
        # "StringLikeIfExists" may have been split greedily the other way round.
        return None
    set_op = None
    if m.group(1):
        set_op = "all" if m.group(1).lower() == "forallvalues" else "any"
    if_exists = m.group(3) is not None
    if base == "Null" and if_exists:
        return None
    return base, set_op, if_exists


_NUM_RE = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_EPOCH_RE = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")


@lru_cache(maxsize=4096)
def parse_number(text: str) -> float | None:
    if not _NUM_RE.match(text):
        return None
    return float(text)


@lru_cache(maxsize=4096)
def parse_date(text: str) -> float | None:
    """ISO 8601 or epoch seconds -> epoch seconds (naive times are UTC)."""
    if _EPOCH_RE.match(text):
        return float(text)
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


_DOTTED_QUAD = re.compile(r"(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})")


def _ipv4_int(text: str) -> int | None:
    """A canonical dotted-quad IPv4 address as an integer; None for anything else (ipaddress decides)."""
    m = _DOTTED_QUAD.fullmatch(text)
    if m is None:
        return None
    a, b, c, d = (int(g) for g in m.groups())
    if a > 255 or b > 255 or c > 255 or d > 255:
        return None
    return (a << 24) | (b << 16) | (c << 8) | d


@lru_cache(maxsize=4096)
def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _value_text(value: object, path: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    raise PolicyError(
        f"condition values must be strings, numbers or booleans, not {type(value).__name__}", path
    )


Matcher = Callable[[str, dict], bool]


def _build_matcher(family: str, values: tuple[str, ...], templates: tuple[Template, ...]) -> Matcher:
    """A function (request_value, context) -> does it match any policy value."""
    dynamic = any(t.has_vars for t in templates)
    if family == "string":
        if not dynamic:
            exact = frozenset(t.resolve({}) for t in templates)
            return lambda v, ctx: v in exact
        return lambda v, ctx: any(t.resolve(ctx) == v for t in templates)
    if family == "string_ic":
        if not dynamic:
            folded = frozenset(r.casefold() for t in templates if (r := t.resolve({})) is not None)
            return lambda v, ctx: v.casefold() in folded
        return lambda v, ctx: any((r := t.resolve(ctx)) is not None and r.casefold() == v.casefold()
                                  for t in templates)
    if family == "string_like":
        if not dynamic:
            pats = [p for t in templates if (p := t.resolve_glob({})) is not None]
            return lambda v, ctx: any(p.matches(v) for p in pats)

        def like(v: str, ctx: dict) -> bool:
            for t in templates:
                p = t.resolve_glob(ctx)
                if p is not None and p.matches(v):
                    return True
            return False

        return like
    if family == "arn":
        if not dynamic:
            resolved = [r for t in templates if (r := t.resolve({})) is not None]
            return lambda v, ctx: any(arn_match(p, v) for p in resolved)
        return lambda v, ctx: any((r := t.resolve(ctx)) is not None and arn_match(r, v) for t in templates)
    if family.startswith("num_"):
        nums = [n for n in (parse_number(x) for x in values) if n is not None]
        cmp = _COMPARE[family[4:]]
        return lambda v, ctx: (x := parse_number(v)) is not None and any(cmp(x, n) for n in nums)
    if family.startswith("date_"):
        dates = [d for d in (parse_date(x) for x in values) if d is not None]
        cmp = _COMPARE[family[5:]]
        return lambda v, ctx: (x := parse_date(v)) is not None and any(cmp(x, d) for d in dates)
    if family == "bool":
        bools = frozenset(x.lower() for x in values if x.lower() in ("true", "false"))
        return lambda v, ctx: v.lower() in bools
    if family == "binary":
        raw = [(x, _b64(x)) for x in values]
        return lambda v, ctx: any(v == s or (b is not None and _b64(v) == b) for s, b in raw)
    if family == "ip":
        nets = [n for n in (parse_network(x) for x in values) if n is not None]
        v4 = [(int(n.network_address), int(n.netmask)) for n in nets if n.version == 4]

        def in_net(v: str, ctx: dict) -> bool:
            x = _ipv4_int(v)  # a plain dotted quad: integer arithmetic, same answer as ipaddress
            if x is not None:
                return any(x & mask == net for net, mask in v4)
            ip = _parse_ip(v)
            return ip is not None and any(ip.version == n.version and ip in n for n in nets)

        return in_net
    raise AssertionError(family)


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


@dataclass(slots=True, eq=False)
class Clause:
    """One (operator, key, values) triple of a Condition block."""

    operator: str
    base: str
    set_op: str | None
    if_exists: bool
    negated: bool
    key: str
    key_lower: str
    values: tuple[str, ...]
    path: str
    family: str
    matcher: Matcher | None = field(default=None, repr=False)
    static: bool = False  # no policy variables: a value's match can be memoised
    simple: bool = False  # no set operator and not Null: the common fast path
    _memo: dict[str, bool] = field(default_factory=dict, repr=False)

    def evaluate(self, ctx: dict) -> bool:
        raw = ctx.get(self.key_lower)
        if self.simple and raw.__class__ is str and raw:
            if self.static:
                memo = self._memo
                hit = memo.get(raw)
                if hit is None:
                    hit = self.matcher(raw, ctx)  # type: ignore[misc]
                    if len(memo) > 1024:
                        memo.clear()
                    memo[raw] = hit
            else:
                hit = self.matcher(raw, ctx)  # type: ignore[misc]
            return not hit if self.negated else hit
        if self.family == "null":
            absent = not raw  # None, "" and [] alike
            return any((x.lower() == "true") == absent for x in self.values
                       if x.lower() in ("true", "false"))
        if not raw:  # absent, empty string or empty list: one rule for every operator
            if self.if_exists or self.set_op == "all":
                return True
            if self.set_op == "any":
                return False
            return self.negated
        values: list[str] | tuple[str, ...] = (raw,) if isinstance(raw, str) else raw
        m = self.matcher
        assert m is not None
        if self.set_op == "all":
            if self.negated:
                return not any(m(v, ctx) for v in values)
            return all(m(v, ctx) for v in values)
        if self.set_op == "any":
            if self.negated:
                return any(not m(v, ctx) for v in values)
            return any(m(v, ctx) for v in values)
        hit = any(m(v, ctx) for v in values)
        return not hit if self.negated else hit

    def describe(self, ctx: dict) -> dict:
        """Why this clause held or failed, for people."""
        raw = ctx.get(self.key_lower)
        return {
            "operator": self.operator,
            "key": self.key,
            "policy_values": list(self.values),
            "request_values": None if raw is None else ([raw] if isinstance(raw, str) else list(raw)),
            "result": self.evaluate(ctx),
        }


def compile_condition(block: object, path: str, substitute: bool) -> tuple[Clause, ...]:
    """Validate and compile a Condition element."""
    if not isinstance(block, dict):
        raise PolicyError("Condition must be an object of {operator: {key: value(s)}}", path)
    clauses: list[Clause] = []
    for op_name, keys in block.items():
        op_path = join_path(path, op_name)
        parsed = parse_operator(op_name) if isinstance(op_name, str) else None
        if parsed is None:
            raise PolicyError(
                f"unknown condition operator {op_name!r}; expected e.g. StringEquals, "
                "StringLike, ArnLike, IpAddress, Bool, Null, optionally with IfExists or "
                "ForAllValues:/ForAnyValue:",
                op_path,
            )
        base, set_op, if_exists = parsed
        family, negated = OPERATORS[base]
        if not isinstance(keys, dict) or not keys:
            raise PolicyError(f"{op_name} must map condition keys to values", op_path)
        for key, raw_values in keys.items():
            key_path = join_path(op_path, key)
            if not isinstance(key, str) or not key.strip():
                raise PolicyError("condition keys must be non-empty strings", key_path)
            items = raw_values if isinstance(raw_values, list) else [raw_values]
            if not items:
                raise PolicyError(f"condition key {key!r} has an empty list of values", key_path)
            values = tuple(
                _value_text(v, join_path(key_path, i) if isinstance(raw_values, list) else key_path)
                for i, v in enumerate(items)
            )
            use_vars = substitute and family in _VARIABLE_FAMILIES
            templates = tuple(parse_template(v, use_vars) for v in values)
            clause = Clause(
                operator=op_name, base=base, set_op=set_op, if_exists=if_exists, negated=negated,
                key=key, key_lower=key.lower(), values=values, path=key_path, family=family,
            )
            if family != "null":
                clause.matcher = _build_matcher(family, values, templates)
                clause.static = not any(t.has_vars for t in templates)
                clause.simple = set_op is None
            clauses.append(clause)
    return tuple(clauses)


def value_problems(clause: Clause) -> list[str]:
    """Policy values that can never match for the operator (used by lint)."""
    bad: list[str] = []
    for v in clause.values:
        if "${" in v and clause.family not in _VARIABLE_FAMILIES:
            continue
        if clause.family.startswith("num_") and parse_number(v) is None:
            bad.append(v)
        elif clause.family.startswith("date_") and parse_date(v) is None:
            bad.append(v)
        elif clause.family == "ip" and parse_network(v) is None:
            bad.append(v)
        elif clause.family in ("bool", "null") and v.lower() not in ("true", "false"):
            bad.append(v)
        elif clause.family == "string" and has_wildcard(v) and "${" not in v:
            pass  # legal, but lint flags it separately
    return bad
