"""Answer keys that are not plain text: salted hashes of canonical values.

Learners can read every module of ``course``, so an answer key stored as plain text would spoil the
exercise. A salted hash still lets the checker compare, and says nothing to a casual reader.
Authors make keys with :func:`make_key` (or ``python -m course.exercises.keys ID VALUE``).
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

SALT = "aws-security-notebooks/v1"


class NotCanonical(TypeError):
    """The value has a type that answers cannot have (a function, an object, ...)."""


def canonical(value: Any, *, decimals: int | None = None, casefold: bool = False) -> Any:
    """Turn an answer into a JSON-able value that is equal for equal answers.

    Sets and tuples become sorted lists, strings are stripped (and case-folded on request),
    floats are rounded when ``decimals`` is given and integral floats become ints.
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        text = value.strip()
        return text.casefold() if casefold else text
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if decimals is not None:
            value = round(value, decimals)
        return int(value) if value.is_integer() else value
    if hasattr(value, "item") and callable(value.item) and not hasattr(value, "__len__"):
        return canonical(value.item(), decimals=decimals, casefold=casefold)  # numpy scalars
    if isinstance(value, dict):
        return {str(k): canonical(v, decimals=decimals, casefold=casefold) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        items = [canonical(v, decimals=decimals, casefold=casefold) for v in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, (list, tuple)):
        return [canonical(v, decimals=decimals, casefold=casefold) for v in value]
    raise NotCanonical(f"an answer cannot be a {type(value).__name__}")


def make_key(exercise_id: str, value: Any, *, decimals: int | None = None, casefold: bool = False) -> str:
    """The salted hash of ``value`` for one exercise (the salt includes the exercise id)."""
    text = json.dumps(canonical(value, decimals=decimals, casefold=casefold), sort_keys=True)
    return hashlib.sha256(f"{SALT}:{exercise_id}:{text}".encode()).hexdigest()


def matches(key: str, exercise_id: str, value: Any, *, decimals: int | None = None,
            casefold: bool = False) -> bool:
    """True when ``value`` hashes to ``key``; False (never an exception) for values of odd types."""
    try:
        return make_key(exercise_id, value, decimals=decimals, casefold=casefold) == key
    except NotCanonical:
        return False


def _main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Print the answer key for an exercise value (JSON).")
    parser.add_argument("exercise_id")
    parser.add_argument("value", help="the value as JSON, e.g. '\"B\"' or '[1, 2]'")
    parser.add_argument("--decimals", type=int)
    parser.add_argument("--casefold", action="store_true")
    args = parser.parse_args(argv)
    print(make_key(args.exercise_id, json.loads(args.value), decimals=args.decimals, casefold=args.casefold))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
