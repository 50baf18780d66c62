"""Exercise kinds for log analysis, shared by notebooks 06 and 07 (a private module: it registers nothing).

- :class:`TimedMapping`: a :class:`MappingMatch` whose time parts accept a pandas ``Timestamp``, a
  ``datetime`` or an ISO-8601 string, all compared as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC.
- :class:`DetectorMatch`: the learner writes a function over a DataFrame; :func:`run_detector` runs it
  on the real dataset *and* on generated cases the learner has not looked at, and the answer is what it
  returned for each case (as plain data), so the grader never has to run learner code itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from course.exercises.base import MalformedAnswer
from course.exercises.kinds.value import MappingMatch
from course.exercises.results import Requirement

ERROR_PREFIX = "error: "


def iso_utc(value: Any) -> Any:
    """A time as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC); values that are not times come back unchanged."""
    import pandas as pd

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (pd.Timestamp, datetime, str)):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            return value
        if pd.isna(stamp):
            return value
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


@dataclass(kw_only=True)
class TimedMapping(MappingMatch):
    """A mapping whose ``time_parts`` are normalised to ISO-8601 UTC seconds before hashing."""

    time_parts: tuple[str, ...] = ()

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        if isinstance(answer, dict):
            answer = {k: (iso_utc(v) if k in self.time_parts else _plain(v)) for k, v in answer.items()}
        return super().requirements(answer, hidden)


def _plain(value: Any) -> Any:
    """numpy/pandas scalars as Python values, so ``frame['x'].iloc[0]`` can be an answer."""
    if hasattr(value, "item") and callable(value.item) and not hasattr(value, "__len__"):
        try:
            return value.item()
        except (ValueError, TypeError):
            return value
    return value


@dataclass(kw_only=True)
class DetectorMatch(MappingMatch):
    """The learner's function, judged by what it returned on each named case (one part per case).

    ``cases`` builds the inputs (name -> DataFrame); ``to_value`` turns the function's returned DataFrame
    into the plain value that is hashed (for example the sorted ``eventID`` list). ``returns`` says in
    words what the function must return, for error messages.
    """

    kind: ClassVar[str] = "detector"
    cases: Callable[[], dict[str, Any]]
    to_value: Callable[[Any], Any]
    returns: str
    casefold: bool = False
    notes: dict[str, str] = field(default_factory=dict)

    def run(self, function: Callable[[Any], Any]) -> dict[str, Any]:
        """Call ``function`` on a copy of every case; a crash or a wrong return type becomes an error string."""
        if not callable(function):
            raise TypeError(f"pass your function itself (its name, without brackets), not {type(function).__name__}")
        results: dict[str, Any] = {}
        for name, frame in self.cases().items():
            try:
                returned = function(frame.copy())
            except Exception as exc:  # the learner's bug is reported per case, not raised
                results[name] = f"{ERROR_PREFIX}{type(exc).__name__}: {exc}"[:300]
                continue
            try:
                results[name] = self.to_value(returned)
            except (TypeError, KeyError, ValueError, AttributeError) as exc:
                results[name] = f"{ERROR_PREFIX}the function must return {self.returns} ({exc})"[:300]
        return results

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        if callable(answer):
            raise MalformedAnswer(f"assign the result of run_detector(\"{self.id}\", your_function), not the function")
        reqs = super().requirements(answer, hidden)
        out = []
        for part, req in zip(self.parts, reqs, strict=True):
            value = answer.get(part.name) if isinstance(answer, dict) else None
            if not req.passed and isinstance(value, str) and value.startswith(ERROR_PREFIX):
                req = Requirement(req.description, False, f"your function failed on this case: {value[7:]}")
            out.append(req)
        return out


def run_detector(exercise_id: str, function: Callable[[Any], Any]) -> dict[str, Any]:
    """Run ``function`` on every case of the detector exercise ``exercise_id``: the answer to assign."""
    from course.exercises.registry import get

    exercise = get(exercise_id)
    if not isinstance(exercise, DetectorMatch):
        raise ValueError(f"question {exercise_id} does not grade a function")
    return exercise.run(function)


def event_ids(frame: Any) -> list[str]:
    """The sorted ``eventID`` values of a returned DataFrame (duplicates kept)."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"got {type(frame).__name__}")
    if "eventID" not in frame.columns:
        raise KeyError("the eventID column is missing: return rows of the input, with all its columns")
    return sorted(str(v) for v in frame["eventID"].tolist())
