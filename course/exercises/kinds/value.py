"""Exercises whose answer is a value, a mapping of named values, or a pandas DataFrame."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from course.exercises.base import Exercise, MalformedAnswer, type_name
from course.exercises.hints import lookup, said, sentences
from course.exercises.keys import NotCanonical, canonical, make_key
from course.exercises.results import Requirement


@dataclass(frozen=True)
class Part:
    """One named part of an answer with its hashed expected value and the hints for a wrong value.

    ``explanations`` maps a value the learner may choose to why it does not fit *this* part (it is
    shown only when that value is wrong here). ``hint`` is the fallback for any other wrong value: it
    points at what to reread, and never names or defines the right value.
    """

    name: str
    key: str
    hint: str
    description: str = ""
    choices: tuple[str, ...] = ()  # the values the part may take, e.g. ("pass", "fail"); () = anything
    explanations: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(kw_only=True)
class ValueMatch(Exercise):
    """A single value (a number, a string, a set...) compared with a hashed key.

    ``hidden`` may be ``{"expected": value}`` from a hidden test cell, compared in plain form.
    """

    kind: ClassVar[str] = "value"
    key: str
    expected_type: type | tuple[type, ...]
    description: str
    hint: str
    decimals: int | None = None
    casefold: bool = False

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        if isinstance(answer, bool) and self.expected_type is not bool or not isinstance(answer, self.expected_type):
            raise MalformedAnswer(f"expected {_names(self.expected_type)}, got {type_name(answer)}")
        try:
            ok = make_key(self.id, answer, decimals=self.decimals, casefold=self.casefold) == self.key
        except NotCanonical as exc:
            raise MalformedAnswer(str(exc)) from None
        wrong = sentences(f"You answered {said(answer)}", self.hint)
        reqs = [Requirement(self.description, ok, "" if ok else wrong)]
        if isinstance(hidden, dict) and "expected" in hidden:
            same = canonical(answer, decimals=self.decimals, casefold=self.casefold) == canonical(
                hidden["expected"], decimals=self.decimals, casefold=self.casefold)
            reqs.append(Requirement(self.description, same, "" if same else wrong, hidden=True))
        return reqs

    def hint_texts(self) -> list[str]:
        return [self.hint]


@dataclass(kw_only=True)
class MappingMatch(Exercise):
    """A dict whose named parts are each checked against a hashed key: partial credit per part.

    A wrong part's hint starts from the value the learner gave: the part's own explanation of that
    value, else ``explanations`` (one text per value shared by all parts, for parts that choose from the
    same list: what that choice does and cannot do), else the part's ``hint``. When ``explanations``
    is given it covers every choice, so which texts exist says nothing about the right ones.
    """

    kind: ClassVar[str] = "mapping"
    parts: list[Part]
    casefold: bool = True
    explanations: Mapping[str, str] = field(default_factory=dict)

    def wrong_hint(self, part: Part, value: Any) -> str:
        """The hint for ``value`` given (wrongly) for ``part``: it names the value, then says why it misses."""
        text = lookup(part.explanations, value) or lookup(self.explanations, value) or part.hint
        verb = "chose" if part.choices else "answered"
        return sentences(f"You {verb} {said(value)}", text)

    def hint_texts(self) -> list[str]:
        texts = list(self.explanations.values())
        for part in self.parts:
            texts += [part.hint, *part.explanations.values()]
        return texts

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        if not isinstance(answer, dict):
            raise MalformedAnswer(f"expected a dict with the keys {', '.join(repr(p.name) for p in self.parts)}, "
                                  f"got {type_name(answer)}")
        if not answer:
            raise MalformedAnswer(f"the dict is empty: give a value for each of the keys "
                                  f"{', '.join(repr(p.name) for p in self.parts)}")
        unknown = [k for k in answer if k not in {p.name for p in self.parts}]
        if unknown:
            raise MalformedAnswer(f"unexpected key(s) {', '.join(map(repr, unknown))}; "
                                  f"expected {', '.join(repr(p.name) for p in self.parts)}")
        for part in self.parts:
            if part.choices and part.name in answer:
                _check_choice(part, answer[part.name])
        reqs = []
        for part in self.parts:
            description = part.description or f"{part.name} is right"
            if part.name not in answer:
                reqs.append(Requirement(description, False, f"The key {part.name!r} is missing from your answer."))
                continue
            ok = _part_ok(self.id, part.name, answer[part.name], part.key, self.casefold)
            reqs.append(Requirement(description, ok, "" if ok else self.wrong_hint(part, answer[part.name])))
        return reqs


@dataclass(kw_only=True)
class TableMatch(Exercise):
    """A DataFrame: required columns (visible), row count and each column's values (hashed).

    ``column_keys[col]`` is ``make_key(id, f"{col}=" + json of sorted canonical values)``;
    build them with :func:`table_keys` from the reference solution.
    """

    kind: ClassVar[str] = "table"
    columns: list[str]
    rows_key: str
    column_keys: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    decimals: int | None = 6

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        import pandas as pd

        if isinstance(answer, pd.Series):
            answer = answer.reset_index()
        if not isinstance(answer, pd.DataFrame):
            raise MalformedAnswer(f"expected a pandas DataFrame, got {type_name(answer)}")
        missing = [c for c in self.columns if c not in answer.columns]
        reqs = [Requirement(f"has the columns {', '.join(self.columns)}", not missing,
                            sentences(f"Your table has no column {', '.join(missing)}; it has "
                                      f"{', '.join(map(str, answer.columns)) or 'no columns'}") if missing else "")]
        rows = len(answer)
        rows_ok = make_key(self.id, f"rows={rows}") == self.rows_key
        reqs.append(Requirement("has the right number of rows", rows_ok, "" if rows_ok else sentences(
            f"Your table has {rows} row{'' if rows == 1 else 's'}",
            self.hints.get("rows", "That is not the number the question asks for: check your filter"))))
        for col, key in self.column_keys.items():
            if col in missing:
                reqs.append(Requirement(f"column {col} holds the right values", False,
                                        f"Column {col} is missing from your table."))
                continue
            ok = _hash_or_false(self.id, f"{col}={_column_json(answer[col], self.decimals)}", key)
            reqs.append(Requirement(f"column {col} holds the right values", ok, "" if ok else sentences(
                f"Your column {col} holds other values{' (in rows that differ)' if not rows_ok else ''}",
                self.hints.get(col, ""))))
        return reqs

    def hint_texts(self) -> list[str]:
        return list(self.hints.values())


def table_keys(exercise_id: str, frame: Any, columns: list[str], decimals: int | None = 6) -> dict[str, Any]:
    """Author helper: ``rows_key`` and ``column_keys`` of a :class:`TableMatch` from the reference frame."""
    return {"rows_key": make_key(exercise_id, f"rows={len(frame)}"),
            "column_keys": {c: make_key(exercise_id, f"{c}={_column_json(frame[c], decimals)}") for c in columns}}


def part_key(exercise_id: str, name: str, value: Any, casefold: bool = True) -> str:
    """Author helper: the key of one part of a :class:`MappingMatch`."""
    return make_key(exercise_id, f"{name}={_as_json(value, casefold)}")


def _as_json(value: Any, casefold: bool) -> str:
    import json

    return json.dumps(canonical(value, casefold=casefold), sort_keys=True)


def _column_json(series: Any, decimals: int | None) -> str:
    import json

    values = []
    for v in series.tolist():
        if hasattr(v, "isoformat"):
            v = v.isoformat()
        try:
            values.append(canonical(v, decimals=decimals))
        except NotCanonical:
            values.append(str(v))
    return json.dumps(sorted(values, key=lambda item: json.dumps(item, sort_keys=True)), sort_keys=True)


def _hash_or_false(exercise_id: str, text: str, key: str) -> bool:
    return make_key(exercise_id, text) == key


def _part_ok(exercise_id: str, name: str, value: Any, key: str, casefold: bool) -> bool:
    try:
        return _hash_or_false(exercise_id, f"{name}={_as_json(value, casefold)}", key)
    except NotCanonical as exc:
        raise MalformedAnswer(f"the value of {name!r}: {exc}") from None


def _check_choice(part: Part, value: Any) -> None:
    """A part with ``choices`` takes one of them (case and surrounding spaces ignored)."""
    allowed = " or ".join(repr(c) for c in part.choices)
    if not isinstance(value, str) or value.strip().casefold() not in {c.casefold() for c in part.choices}:
        raise MalformedAnswer(f"the value of {part.name!r} must be {allowed}, got {value!r}")


def _names(types: type | tuple[type, ...]) -> str:
    types = types if isinstance(types, tuple) else (types,)
    return " or ".join(type_name(t()) if t in (str, dict, list, set, int, float, tuple) else t.__name__
                       for t in types)
