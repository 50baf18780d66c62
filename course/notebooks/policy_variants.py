"""Per-learner variants of policy questions (issue #19): the authored question with the learner's own names.

A policy question names accounts, buckets, keys, endpoints, instances... A learner's variant is the authored
question with those names replaced by the learner's (a :class:`~course.exercises.variants.Scenario` whose
default holds the authored values). The replacement runs over everything the question holds, in one pass and
on whole names only: the cases' requests, the fixed policies, descriptions and hints alike, and the model
answer. So every variant keeps the authored cases, their difficulty and their teaching point; only the names
differ, and an answer copied from another learner names the wrong account, bucket or key.

Hidden test cells name the same values as ``"${field}"`` placeholders (``course.exercises.variants.fill``).
The generators below draw names in the style of the AWS documentation, valid in real AWS.
"""

from __future__ import annotations

import dataclasses
import random
import re
import string
from collections.abc import Callable
from typing import Any, TypeVar

from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.variants import Scenario, VariantFamily

S = TypeVar("S", bound=Scenario)
# a name is replaced only where it stands whole: not inside a longer word or id, nor at the end of a hyphenated
# name; a look-alike that starts with it (example-photos-backup) follows it (the learner's bucket, -backup)
_BEFORE, _AFTER = r"(?<![\w-])", r"(?!\w)"
# accounts that cases use as strangers in the authored questions: never a learner's own
_NOT_NAMES = ("question_id", "identity")
RESERVED_ACCOUNTS = frozenset({"111122223333", "123456789012", "444455556666", "777788889999",
                               "555555555555", "999999999999", "000000000000"})


def about(text: str) -> dict:
    """A scenario field's metadata: what the value is (shown in the learner's table)."""
    return {"about": text}


def _named(values: Scenario) -> dict[str, str]:
    """Field -> value of every field that names something (hidden ones too: names the table need not show)."""
    return {f.name: str(getattr(values, f.name)) for f in dataclasses.fields(values)
            if f.name not in _NOT_NAMES and str(getattr(values, f.name))}


def swaps(default: Scenario, values: Scenario) -> dict[str, str]:
    """Authored value -> the learner's, for every field that differs."""
    authored = _named(default)
    return {authored[name]: mine for name, mine in _named(values).items() if mine != authored.get(name)}


def placeholders(default: Scenario) -> dict[str, str]:
    """Authored value -> ``${field}``: how a hidden test cell names the learner's values."""
    return {value: "${" + name + "}" for name, value in _named(default).items()}


def pattern(names: dict[str, str]) -> re.Pattern[str] | None:
    """One regular expression for all of ``names``, longest first, whole names only."""
    if not names:
        return None
    return re.compile(_BEFORE + "(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + ")"
                      + _AFTER)


def rename(data: Any, names: dict[str, str]) -> Any:
    """``data`` (strings, lists, tuples, dicts, keys included) with every name replaced in one pass."""
    found = pattern(names)
    if found is None:
        return data

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return found.sub(lambda m: names[m.group(1)], item)
        if isinstance(item, list):
            return [walk(x) for x in item]
        if isinstance(item, tuple):
            return tuple(walk(x) for x in item)
        if isinstance(item, dict):
            return {walk(k): walk(v) for k, v in item.items()}
        return item

    return walk(data)


def renamed_exercise(exercise: PolicyExercise, names: dict[str, str]) -> PolicyExercise:
    """``exercise`` with ``names`` replaced in its cases and fixed policies (ids, points and slots stay)."""
    if not names:
        return dataclasses.replace(exercise, variants=None)
    cases = [PolicyCase(rename(c.description, names), rename(c.request, names), c.allow, rename(c.hint, names),
                        rename(c.policies, names)) for c in exercise.cases]
    return dataclasses.replace(exercise, cases=cases, context_policies=rename(exercise.context_policies, names),
                               variants=None)


def policy_family(exercise: PolicyExercise, default: S, draw: Callable[[random.Random], S], model: dict
                  ) -> PolicyExercise:
    """Register ``exercise`` as varying per learner: ``draw`` makes a learner's scenario from a seeded random
    generator, and the exercise and ``model`` (both written for ``default``) are renamed for it."""
    def build(values: S) -> PolicyExercise:
        return renamed_exercise(exercise, swaps(default, values))

    def model_of(values: S) -> dict:
        return rename(model, swaps(default, values))

    marked = renamed_exercise(exercise, placeholders(default))
    seen = repr([(c.description, c.request, c.hint, c.policies) for c in marked.cases]) + repr(marked.context_policies)
    shown = {"${" + f.name + "}" for f in dataclasses.fields(default) if not f.metadata.get("hidden")}
    unused = [name for name in placeholders(default).values() if name in shown and name not in seen]
    if unused:  # a field of the table that no case names would vary nothing the checker shows
        raise ValueError(f"question {exercise.id}: no visible case names {', '.join(unused)}")
    registered = VariantFamily(default, lambda seed: draw(random.Random(seed)), build, model_of).registered()
    assert isinstance(registered, PolicyExercise)
    return registered


# --- names in the style of the AWS documentation -----------------------------------------------------------

def account(rng: random.Random, avoid: set[str]) -> str:
    """A 12-digit account id like the documentation's 111122223333 (three runs of four digits)."""
    while True:
        a, b, c = rng.sample("123456789", 3)
        value = a * 4 + b * 4 + c * 4
        if value not in avoid and value not in RESERVED_ACCOUNTS:
            avoid.add(value)
            return value


def hex_id(rng: random.Random, prefix: str, digits: int = 17) -> str:
    """An AWS resource id such as ``vpce-0a1b2c3d4e5f67890`` (``prefix-`` and hexadecimal digits)."""
    return f"{prefix}-0" + "".join(rng.choice("0123456789abcdef") for _ in range(digits - 1))


def key_id(rng: random.Random) -> str:
    """A KMS key id: a UUID."""
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def upper_id(rng: random.Random, length: int, first: str = "") -> str:
    """Upper-case letters and digits, as in CloudFront distribution ids and RDS resource ids."""
    return first + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(length - len(first)))


COMPANIES = ("example", "anycompany", "octank", "exampleco", "amzn-demo")


def bucket(rng: random.Random, stem: str) -> str:
    """A valid bucket name made of a fictional company, the authored ``stem`` and three digits."""
    return f"{rng.choice(COMPANIES)}-{stem}-{rng.randrange(100, 1000)}"


def org_id(rng: random.Random) -> str:
    """An organization id: ``o-`` and ten lower-case letters or digits."""
    return "o-" + "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(10))
