"""Answers as plain data: every graded answer can leave the kernel as JSON and come back intact.

The autograder reads answers out of the learner's kernel with :func:`to_data` and re-checks them
with trusted checkers in its own process after :func:`from_data`; nothing the learner's code does
to its own interpreter can then change a score.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

_TAG = "__answer_type__"


class UnsupportedAnswer(TypeError):
    """The answer has a type that cannot travel as data."""


def to_data(value: Any) -> Any:
    """Encode an answer as JSON-able data (sets, tuples and DataFrames are tagged)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {_TAG: "dict", "items": [[to_data(k), to_data(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [to_data(v) for v in value]
    if isinstance(value, tuple):
        return {_TAG: "tuple", "items": [to_data(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {_TAG: "set", "items": [to_data(v) for v in value]}
    if isinstance(value, datetime):  # also pandas Timestamp (a datetime subclass), e.g. an event time
        return {_TAG: "Timestamp", "iso": value.isoformat()}
    import pandas as pd  # a dependency; imported here so plain answers do not load it

    if isinstance(value, pd.DataFrame):
        return {_TAG: "DataFrame", "json": value.to_json(orient="table", date_format="iso", index=False)}
    if pd is not None and isinstance(value, pd.Series):
        return {_TAG: "Series", "json": value.to_frame().to_json(orient="table", date_format="iso")}
    if hasattr(value, "item") and not hasattr(value, "__len__"):
        return to_data(value.item())  # numpy scalar
    raise UnsupportedAnswer(f"an answer of type {type(value).__name__} cannot be graded")


def from_data(data: Any) -> Any:
    """Decode what :func:`to_data` produced."""
    if isinstance(data, list):
        return [from_data(v) for v in data]
    if not isinstance(data, dict):
        return data
    tag = data.get(_TAG)
    if tag == "dict":
        return {_hashable(from_data(k)): from_data(v) for k, v in data["items"]}
    if tag == "tuple":
        return tuple(from_data(v) for v in data["items"])
    if tag == "set":
        return {_hashable(from_data(v)) for v in data["items"]}
    if tag == "Timestamp":
        import pandas as pd

        return pd.Timestamp(data["iso"])
    if tag in ("DataFrame", "Series"):
        import io

        import pandas as pd

        frame = pd.read_json(io.StringIO(data["json"]), orient="table")
        return frame if tag == "DataFrame" else frame.iloc[:, 0]
    raise UnsupportedAnswer(f"not an encoded answer: keys {sorted(data)}")


def dumps(value: Any) -> str:
    return json.dumps(to_data(value))


def loads(text: str) -> Any:
    return from_data(json.loads(text))


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
