"""Single- and multiple-choice exercises with explanations for every wrong option."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from course.exercises.base import Exercise, MalformedAnswer, type_name
from course.exercises.hints import sentences
from course.exercises.keys import make_key
from course.exercises.results import Requirement
from course.exercises.variants import OptionOrder, VariantFamily, mentions_relettered, relettered, shuffled


@dataclass(kw_only=True)
class _Options(Exercise):
    options: dict[str, str]
    explanations: dict[str, str] = field(default_factory=dict)

    def _letter(self, raw: Any) -> str:
        if not isinstance(raw, str):
            raise MalformedAnswer(f"each choice must be an option letter such as 'A' (a string), got {type_name(raw)}")
        letter = raw.strip().upper()
        if letter not in self.options:
            raise MalformedAnswer(f"{raw!r} is not one of the options {', '.join(sorted(self.options))}")
        return letter

    def explain(self, letter: str) -> str:
        return self.explanations.get(letter, "")

    def hint_texts(self) -> list[str]:
        return list(self.explanations.values())

    def _relettered(self, order: tuple[str, ...], **changes: Any) -> Any:
        """A copy whose options and explanations are keyed by the letters a learner sees (``order[i]``, an
        authored letter, becomes letter i), with every "option X" in the explanations said in those letters."""
        explanations = {letter: mentions_relettered(text, order)
                        for letter, text in relettered(self.explanations, order).items()}
        return dataclasses.replace(self, options=relettered(self.options, order), explanations=explanations,
                                   variants=None, **changes)


@dataclass(kw_only=True)
class SingleChoice(_Options):
    """Pick one option. ``key`` is ``make_key(id, letter)``."""

    kind: ClassVar[str] = "single-choice"
    key: str

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        if isinstance(answer, (set, list, tuple)):
            raise MalformedAnswer("this question takes exactly one option letter, e.g. 'B', not a collection")
        letter = self._letter(answer)
        right = make_key(self.id, letter) == self.key
        hint = "" if right else sentences(f"You chose option {letter}", self.explain(letter)
                                          or "It is not the best fit for this scenario")
        return [Requirement(f"the chosen option ({letter}) fits the scenario", right, hint)]

    def right_letters(self) -> set[str]:
        """The option the key names (found by trying each letter: the key is a hash, never stored in clear)."""
        return {letter for letter in self.options if make_key(self.id, letter) == self.key}

    def reordered(self, order: tuple[str, ...]) -> SingleChoice:
        """This question with its options in ``order`` (authored letters), lettered A, B... in that order."""
        (right,) = self.right_letters()
        shown: SingleChoice = self._relettered(order, key=make_key(self.id, chr(ord("A") + order.index(right))))
        return shown


@dataclass(kw_only=True)
class MultipleChoice(_Options):
    """Pick every option that applies. ``keys[letter]`` is ``make_key(id, letter + ':in')`` or ``':out'``."""

    kind: ClassVar[str] = "multiple-choice"
    keys: dict[str, str]

    def _applies(self, letter: str) -> bool:
        return self.keys[letter] == make_key(self.id, f"{letter}:in")

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        if isinstance(answer, str) or not isinstance(answer, Iterable) or isinstance(answer, dict):
            raise MalformedAnswer(
                f"answer with a set of option letters, e.g. {{'A', 'C'}}, not {type_name(answer)}")
        chosen = {self._letter(item) for item in answer}
        if not chosen:
            raise MalformedAnswer("choose at least one option: every question here has one or more that apply")
        # Weights make the score the share of options classified correctly.
        reqs = [Requirement(f"option {letter} applies", self._applies(letter),
                            "" if self._applies(letter)
                            else sentences(f"You chose option {letter}, which does not apply",
                                           self.explain(letter)))
                for letter in sorted(chosen)]
        left_out = [letter for letter in self.options if letter not in chosen]
        missed = [letter for letter in left_out if self._applies(letter)]
        rightly_left_out = len(left_out) - len(missed)
        if missed:
            reqs.append(Requirement(
                "every option that applies is chosen", False,
                sentences(f"You chose {_listed(sorted(chosen))}, and {len(missed)} more option"
                          f"{' applies' if len(missed) == 1 else 's apply'} as well",
                          "Reread the scenario for what else it needs"),
                weight=float(len(missed))))
            if rightly_left_out:
                reqs.append(Requirement(f"{rightly_left_out} option(s) rightly left out", True,
                                        weight=float(rightly_left_out)))
        else:
            reqs.append(Requirement("every option that applies is chosen", True,
                                    weight=float(rightly_left_out)))
        return reqs

    def right_letters(self) -> set[str]:
        """The options that apply."""
        return {letter for letter in self.options if self._applies(letter)}

    def reordered(self, order: tuple[str, ...]) -> MultipleChoice:
        """This question with its options in ``order`` (authored letters), lettered A, B... in that order."""
        applies = {chr(ord("A") + order.index(letter)) for letter in self.right_letters()}
        shown: MultipleChoice = self._relettered(order, keys=choice_keys(self.id, applies, relettered(
            self.options, order)))
        return shown


Choice = TypeVar("Choice", SingleChoice, MultipleChoice)


def order_per_learner(exercise: Choice) -> Choice:
    """Let every learner see ``exercise``'s options in their own order (issue #19): its variant family's scenario
    is only the order (:class:`OptionOrder`). A learner's letters are graded and explained in that order; the
    default scenario (no identity: tests, the instructor's notebooks) is the authored order, so ``exercise``
    itself is the default variant. Returns ``exercise``, now carrying the family, for ``register``."""
    authored = tuple(sorted(exercise.options))
    right = exercise.right_letters()
    problem = ""
    if isinstance(exercise, SingleChoice) and len(right) != 1:
        problem = f"its key names {len(right)} options, not one"
    elif authored != tuple(chr(ord("A") + i) for i in range(len(authored))):
        problem = f"its options are lettered {', '.join(authored)}, not A, B, C... in a row"
    if problem:
        raise ValueError(f"question {exercise.id}: cannot vary the option order: {problem}")

    def build(values: OptionOrder) -> Exercise:
        return exercise if values.order == authored else exercise.reordered(values.order)

    def model(values: OptionOrder) -> str | set[str]:
        letters = values.letters(*right)
        return next(iter(letters)) if isinstance(exercise, SingleChoice) else letters

    exercise.variants = VariantFamily(OptionOrder(order=authored), lambda seed: OptionOrder(
        order=shuffled(list(authored), seed)), build, model)
    return exercise


def _listed(letters: list[str]) -> str:
    """'A', 'A and C', 'A, C and D'."""
    return letters[0] if len(letters) == 1 else f"{', '.join(letters[:-1])} and {letters[-1]}"


def choice_keys(exercise_id: str, applies: Iterable[str], options: Iterable[str]) -> dict[str, str]:
    """Author helper: the ``keys`` table of a :class:`MultipleChoice`."""
    applies = set(applies)
    return {o: make_key(exercise_id, f"{o}:{'in' if o in applies else 'out'}") for o in options}


@dataclass(frozen=True)
class Precedence:
    """One ordering rule of an :class:`Ordering`: some step must come before another.

    ``key`` is :func:`precedence_key` of the two letters, so the rule does not say which steps it is
    about; ``description`` says what the rule protects and ``hint`` names the mistake of breaking it.
    """

    description: str
    key: str
    hint: str


@dataclass(kw_only=True)
class Ordering(_Options):
    """Put every option (a step) in order. Partial credit: the share of ordering rules kept.

    The answer is a list (or tuple) of all the option letters, each once, first step first.
    """

    kind: ClassVar[str] = "ordering"
    rules: list[Precedence]

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        if not isinstance(answer, (list, tuple)):
            raise MalformedAnswer(f"answer with a list of option letters in order, first step first, e.g. "
                                  f"{sorted(self.options)!r}, not {type_name(answer)}")
        order = [self._letter(item) for item in answer]
        repeated = sorted({letter for letter in order if order.count(letter) > 1})
        missing = sorted(set(self.options) - set(order))
        if repeated or missing:
            problems = ([f"{', '.join(repeated)} more than once"] if repeated else []) + (
                [f"{', '.join(missing)} missing"] if missing else [])
            raise MalformedAnswer(f"list every step exactly once ({'; '.join(problems)})")
        kept = {precedence_key(self.id, first, then)
                for i, first in enumerate(order) for then in order[i + 1:]}
        return [Requirement(rule.description, rule.key in kept, "" if rule.key in kept else self._broken(rule, order))
                for rule in self.rules]

    def _broken(self, rule: Precedence, order: list[str]) -> str:
        """The hint of a broken rule, starting from the two steps the learner put the wrong way round."""
        for i, early in enumerate(order):
            for late in order[i + 1:]:
                if precedence_key(self.id, late, early) == rule.key:
                    return sentences(f"You put step {early} before step {late}", rule.hint)
        return rule.hint

    def hint_texts(self) -> list[str]:
        return [*super().hint_texts(), *(rule.hint for rule in self.rules)]


def precedence_key(exercise_id: str, first: str, then: str) -> str:
    """Author helper: the key of the rule "``first`` comes before ``then``" of an :class:`Ordering`."""
    return make_key(exercise_id, f"{first}<{then}")
