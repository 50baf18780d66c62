"""Mutants of choice, ordering, mapping, value and table answers: every single wrong option, mapping,
swap or perturbed value.

- single choice: every other option; multiple choice: each option toggled (added or left out);
- ordering: every swap of two steps;
- mapping: each part given each other value it could plausibly take (its ``choices``, else the values
  of the other parts of the same type), numbers plus or minus one, times plus or minus one second;
- value: numbers plus or minus one (or one unit of the last kept decimal), a set with an item more or less;
- table: each row dropped, the first row repeated, each required column dropped, each column's first
  value perturbed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from course.mutation.base import Mutant


def mutants(exercise: Any, answer: Any) -> Iterator[Mutant]:
    from course.exercises.kinds.choice import MultipleChoice, Ordering, SingleChoice
    from course.exercises.kinds.value import MappingMatch, TableMatch, ValueMatch

    if isinstance(exercise, SingleChoice):
        yield from _single(exercise, answer)
    elif isinstance(exercise, MultipleChoice):
        yield from _multiple(exercise, answer)
    elif isinstance(exercise, Ordering):
        yield from _ordering(exercise, answer)
    elif isinstance(exercise, MappingMatch):
        yield from _mapping(exercise, answer)
    elif isinstance(exercise, ValueMatch):
        yield from _value(exercise, answer)
    elif isinstance(exercise, TableMatch):
        yield from _table(exercise, answer)


def _single(exercise: Any, answer: Any) -> Iterator[Mutant]:
    for letter in sorted(exercise.options):
        if letter != str(answer).strip().upper():
            yield Mutant(exercise.id, "choice: other option", f"choose {letter}", letter)


def _multiple(exercise: Any, answer: Any) -> Iterator[Mutant]:
    chosen = {str(a).strip().upper() for a in answer}
    for letter in sorted(exercise.options):
        if letter in chosen:
            yield Mutant(exercise.id, "choice: leave out", f"leave out {letter}", chosen - {letter})
        else:
            yield Mutant(exercise.id, "choice: add", f"add {letter}", chosen | {letter})


def _ordering(exercise: Any, answer: Any) -> Iterator[Mutant]:
    order = list(answer)
    for i in range(len(order)):
        for j in range(i + 1, len(order)):
            swapped = list(order)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            yield Mutant(exercise.id, "ordering: swap", f"swap steps {order[i]} and {order[j]}", swapped)


def _perturbed(value: Any) -> list[tuple[str, Any]]:
    """Nearby wrong values of a number, a time or a flag (text has no neighbours of its own)."""
    import pandas as pd

    if isinstance(value, bool):
        return [("not", not value)]
    if isinstance(value, int):
        return [("+1", value + 1), ("-1", value - 1)]
    if isinstance(value, float):
        step = 10 ** -min(_decimals(value), 6) if value != int(value) else 1
        return [(f"+{step:g}", value + step), (f"-{step:g}", value - step)]
    if isinstance(value, pd.Timestamp):
        return [("+1 s", value + pd.Timedelta(seconds=1)), ("-1 s", value - pd.Timedelta(seconds=1))]
    return []


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def _mapping(exercise: Any, answer: Any) -> Iterator[Mutant]:
    if not isinstance(answer, dict):
        return
    for part in exercise.parts:
        if part.name not in answer:
            continue
        value = answer[part.name]
        alternatives: list[tuple[str, Any]] = []
        if part.choices:
            alternatives += [(repr(c), c) for c in part.choices]
        else:
            alternatives += [(repr(v), v) for name, v in answer.items()
                             if name != part.name and type(v) is type(value) and isinstance(v, str)]
        alternatives += [(f"{value!r} {how}", v) for how, v in _perturbed(value)]
        seen = {_norm(value)}
        for text, alternative in alternatives:
            if _norm(alternative) in seen:
                continue
            seen.add(_norm(alternative))
            yield Mutant(exercise.id, "mapping: wrong value", f"{part.name} = {text}",
                         {**answer, part.name: alternative})


def _norm(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else repr(value)


def _value(exercise: Any, answer: Any) -> Iterator[Mutant]:
    for how, value in _perturbed(answer):
        yield Mutant(exercise.id, "value: perturbed", f"{answer!r} {how}", value)
    if isinstance(answer, (set, frozenset)):
        for item in sorted(answer, key=repr):
            yield Mutant(exercise.id, "value: perturbed", f"leave out {item!r}", set(answer) - {item})


def _table(exercise: Any, answer: Any) -> Iterator[Mutant]:
    import pandas as pd

    if isinstance(answer, pd.Series):
        answer = answer.reset_index()
    if not isinstance(answer, pd.DataFrame):
        return
    frame = answer.reset_index(drop=True)
    for k in range(len(frame)):
        yield Mutant(exercise.id, "table: drop row", f"drop row {k} ({_row_text(frame, k)})",
                     frame.drop(index=k).reset_index(drop=True))
    if len(frame):
        yield Mutant(exercise.id, "table: extra row", f"repeat row 0 ({_row_text(frame, 0)})",
                     pd.concat([frame, frame.iloc[[0]]], ignore_index=True))
    for column in exercise.columns:
        if column in frame.columns:
            yield Mutant(exercise.id, "table: drop column", f"drop column {column}", frame.drop(columns=[column]))
    for column in frame.columns:
        if not len(frame):
            break
        value = frame[column].iloc[0]
        for how, new in _perturbed(_scalar(value)) or [("changed", f"{value}x")]:
            changed = frame.copy()
            changed[column] = changed[column].astype(object)
            changed.at[0, column] = new
            yield Mutant(exercise.id, "table: wrong value", f"{column} of row 0 {how}", changed)


def _scalar(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        return value
    if hasattr(value, "item") and not hasattr(value, "__len__"):
        try:
            return value.item()
        except (ValueError, TypeError):
            return value
    return value


def _row_text(frame: Any, k: int) -> str:
    first = frame.columns[0]
    return f"{first}={frame[first].iloc[k]}"
