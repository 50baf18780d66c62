"""Exercise kinds for log analysis, shared by notebooks 06 and 07 (a private module: it registers nothing).

- :class:`TimedMapping`: a :class:`MappingMatch` whose time parts accept a pandas ``Timestamp``, a
  ``datetime`` or an ISO-8601 string, all compared as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC.
- :class:`DetectorMatch`: the learner writes a function over a DataFrame; :func:`run_detector` runs it
  on the real dataset *and* on generated cases the learner has not looked at, and the answer is what it
  returned for each case (as plain data), so the grader never has to run learner code itself.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from course.exercises.base import MalformedAnswer
from course.exercises.hints import sentences
from course.exercises.keys import make_key
from course.exercises.kinds.value import MappingMatch, Part, part_key
from course.exercises.results import Requirement
from course.exercises.variants import CURRENT, Scenario, VariantFamily, resolve

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

    Hints come from what the function returned. ``item_keys[case]`` holds :func:`item_key` of every item
    the function should return on that case (make them with :func:`detector_item_keys`), so a wrong case
    says how many items the function missed and how many it flagged wrongly, with a few examples
    described by ``describe(case frame, item)`` (the facts about the item that matter to the rule), never
    the whole expected list. ``noun`` names one item and many.
    """

    kind: ClassVar[str] = "detector"
    cases: Callable[[], dict[str, Any]]
    to_value: Callable[[Any], Any]
    returns: str
    casefold: bool = False
    notes: dict[str, str] = field(default_factory=dict)
    item_keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    describe_item: Callable[[Any, str], str] | None = None
    noun: tuple[str, str] = ("event", "events")
    examples: int = 2
    _frames: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def run(self, function: Callable[[Any], Any]) -> dict[str, Any]:
        """Call ``function`` on a copy of every case; a crash or a wrong return type becomes an error string."""
        if not callable(function):
            raise TypeError(f"pass your function itself (its name, without brackets), not {type(function).__name__}")
        results: dict[str, Any] = {}
        for name, frame in self._inputs().items():
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
            if not req.passed and isinstance(answer, dict) and part.name in answer:
                req = Requirement(req.description, False, self.case_hint(part.name, answer[part.name], part.hint))
            out.append(req)
        return out

    def hint_texts(self) -> list[str]:
        return [part.hint for part in self.parts]

    def case_hint(self, case: str, value: Any, fallback: str) -> str:
        """What the function did on ``case`` compared with what it should have done."""
        label = case.replace("_", " ")
        if isinstance(value, str) and value.startswith(ERROR_PREFIX):
            return sentences(f"On {label} your function failed: {value[len(ERROR_PREFIX):]}")
        if not isinstance(value, list):
            return sentences(f"On {label} the answer holds {type(value).__name__}, not what run_detector "
                             "returns: assign the result of run_detector again", fallback)
        one, many = self.noun
        returned = Counter(str(v) for v in value)
        total = sum(returned.values())
        said = f"On {label} your function returned {total} {one if total == 1 else many}"
        if case not in self.item_keys:
            return sentences(said, fallback)
        expected = Counter(self.item_keys[case])  # an item the rule catches twice has its key twice
        wrong, repeated, hits = [], 0, 0
        for item, count in sorted(returned.items()):
            wanted = expected.get(item_key(self.id, case, item), 0)
            hits += min(count, wanted)
            if not wanted:
                wrong.append(item)
            elif count > wanted:
                repeated += count - wanted
        missed = sum(expected.values()) - hits
        frame = self._frame(case)
        findings = []
        if missed:
            examples = self._missed_examples(case, frame, returned, expected)
            findings.append(f"it missed {missed} of the {sum(expected.values())} that the rule catches{examples}")
        if wrong:
            flagged = sum(returned[item] for item in wrong)
            findings.append(f"it flagged {flagged} that the rule does not catch{self._examples(frame, wrong)}")
        if repeated:
            findings.append(f"it returned {repeated} {one if repeated == 1 else many} more often than the input "
                            "holds them")
        return sentences(f"{said}: {'; '.join(findings) or 'not the ones the rule catches'}")

    def _inputs(self) -> dict[str, Any]:
        """Every case's input, built once per process (the functions get copies, so they stay as built)."""
        if not self._frames:
            self._frames.update(self.cases())
        return self._frames

    def _frame(self, case: str) -> Any:
        """The input of ``case``, or None when the inputs cannot be built here (the hint then gives counts)."""
        try:
            return self._inputs().get(case)
        except Exception:  # e.g. a grader without the data files: counts still come from the item keys
            return None

    def _missed_examples(self, case: str, frame: Any, returned: Counter, expected: Counter) -> str:
        if frame is None:
            return ""
        try:
            candidates = sorted({str(v) for v in self.to_value(frame)})
        except Exception:
            return ""
        missed = [c for c in candidates if expected.get(item_key(self.id, case, c), 0) > returned.get(c, 0)]
        # never so many examples that, with the hits, they complete the expected list (unless it has one item)
        shown = min(self.examples, len(missed))
        if sum(expected.values()) > 1 and shown == len(missed):
            shown -= 1
        return self._examples(frame, missed, shown)

    def _examples(self, frame: Any, items: list[str], limit: int | None = None) -> str:
        limit = self.examples if limit is None else min(limit, self.examples)
        if not items or limit <= 0:
            return ""
        shown = items[:limit]
        described = []
        for item in shown:
            try:
                described.append(self.describe_item(frame, item) if self.describe_item and frame is not None
                                 else item)
            except Exception:
                described.append(item)
        lead = "for example " if len(items) > len(shown) else ""
        return f" ({lead}{'; '.join(described)})"


def item_key(exercise_id: str, case: str, item: str) -> str:
    """The short salted hash that marks ``item`` as one the detector should return on ``case``."""
    return make_key(exercise_id, f"{case}:{item}")[:16]


def detector_item_keys(exercise_id: str, results: dict[str, list]) -> dict[str, tuple[str, ...]]:
    """Author helper: ``item_keys`` of a :class:`DetectorMatch` from the reference function's results (one key
    per returned item, so an item returned twice, such as an event ID that two input rows share, counts twice)."""
    return {case: tuple(sorted(item_key(exercise_id, case, str(v)) for v in values))
            for case, values in results.items()}


def run_detector(exercise_id: str, function: Callable[[Any], Any]) -> dict[str, Any]:
    """Run ``function`` on every case of the detector exercise ``exercise_id``: the answer to assign.

    A question that varies per learner runs the function on this kernel's learner's own cases (the grader's
    kernel has the submission's student id, so it runs it on the same ones)."""
    from course.exercises.registry import get

    exercise = resolve(get(exercise_id), CURRENT, None)[0]
    if not isinstance(exercise, DetectorMatch):
        raise ValueError(f"question {exercise_id} does not grade a function")
    return exercise.run(function)


@dataclass(eq=False)
class DetectorVariants:
    """How a detector question varies per learner: each scenario has its own generated cases (and thresholds),
    and the expected answer of a case is what the question's rule, ``reference(values)``, returns on it.

    The default scenario's exercise is the authored ``template`` (its keys were reviewed and stay literal);
    every other scenario's keys are computed from the reference rule on that scenario's cases when it is built.
    ``hints(values)`` gives the parts' hints where they name a scenario value (a threshold, an account).
    """

    template: DetectorMatch
    default: Scenario
    draw: Callable[[int], Scenario]
    cases: Callable[[Any], dict[str, Any]]
    reference: Callable[[Any], Callable[[Any], Any]]
    hints: Callable[[Any], dict[str, str]] | None = None

    def is_default(self, values: Scenario) -> bool:
        return dataclasses.replace(values, question_id="", identity=None) == self.default

    def frames(self, values: Any) -> dict[str, Any]:
        """The cases of ``values``' variant (the authored ones for the default scenario)."""
        return self.template.cases() if self.is_default(values) else self.cases(values)

    def build(self, values: Any) -> DetectorMatch:
        if self.is_default(values):
            return self.template
        frames = self.cases(values)
        rule = self.reference(values)
        results = {name: self.template.to_value(rule(frame.copy())) for name, frame in frames.items()}
        hints = self.hints(values) if self.hints else {}
        parts = [Part(p.name, part_key(self.template.id, p.name, results[p.name], self.template.casefold),
                      hints.get(p.name, p.hint), p.description, p.choices) for p in self.template.parts]
        return dataclasses.replace(self.template, cases=lambda: frames, parts=parts,
                                   item_keys=detector_item_keys(self.template.id, results))

    def model(self, values: Any) -> dict[str, Any]:
        """The model answer of ``values``' variant: what the reference rule returns on each of its cases."""
        rule = self.reference(values)
        return {name: self.template.to_value(rule(frame.copy())) for name, frame in self.frames(values).items()}

    def registered(self) -> DetectorMatch:
        """The authored exercise, carrying this family (what the notebook module registers)."""
        VariantFamily(self.default, self.draw, self.build, self.model).registered()  # sets template.variants
        return self.template


def event_describer(*columns: str) -> Callable[[Any, str], str]:
    """A ``describe_item`` for CloudTrail events: the event's time and the values of ``columns``."""

    def describe(frame: Any, event_id: str) -> str:
        import pandas as pd

        rows = frame[frame["eventID"].astype(str) == event_id]
        if rows.empty:
            return event_id
        row = rows.iloc[0]
        facts = []
        for column in columns:
            if column in frame.columns:
                value = row[column]
                facts.append(f"{column} {'absent' if _missing(value, pd) else repr(_plain(value))}")
        when = iso_utc(row["eventTime"]) if "eventTime" in frame.columns else ""
        return f"the event at {when} with {', '.join(facts)}" if facts else f"the event {event_id}"

    return describe


def _missing(value: Any, pd: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def event_ids(frame: Any) -> list[str]:
    """The sorted ``eventID`` values of a returned DataFrame (duplicates kept)."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"got {type(frame).__name__}")
    if "eventID" not in frame.columns:
        raise KeyError("the eventID column is missing: return rows of the input, with all its columns")
    return sorted(str(v) for v in frame["eventID"].tolist())
