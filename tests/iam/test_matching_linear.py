"""Wildcard matching cannot be made to backtrack (red-team finding, issue #23 item 2).

Before: ``glob_match("a*" * 6 + "b", "a" * 200)`` took 110 s through a backtracking regex and eight
stars did not finish in two minutes, hanging a whole grading batch. The matcher now places the
fixed-length pieces between stars left to right in one pass. The property tests pin its semantics to
``fnmatch`` (the reference for ``*``/``?`` globs) on random patterns.
"""

from __future__ import annotations

import fnmatch
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from course.iam.matching import Glob, GlobSet, compile_glob, glob_match

from .helpers import ALICE, OBJ, allow, decide, pol

PATHOLOGICAL = [
    ("a*" * 17 + "b", "a" * 5000),
    ("*a" * 40 + "*b", "a" * 20000),
    ("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "a" * 100_000),
    ("?*" * 300 + "b", "x" * 20000),
    ("*" + "a?" * 200 + "*c", "ab" * 10000),
]


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def test_pathological_patterns_finish_fast() -> None:
    for pattern, value in PATHOLOGICAL:
        assert _timed(lambda p=pattern, v=value: glob_match(p, v)) < 1.0, pattern[:40]
        assert _timed(lambda p=pattern, v=value: glob_match(p, v, ignore_case=True)) < 1.0, pattern[:40]
        assert _timed(lambda p=pattern, v=value: GlobSet((p, "s3:x"), ignore_case=True).matches(v)) < 1.0
        assert not glob_match(pattern, value)
    assert glob_match("a*" * 17 + "b", "a" * 5000 + "b")  # and it still finds real matches


def test_pathological_policy_answer_is_decided_fast() -> None:
    """The whole engine (Action, Resource and a StringLike condition) on a hostile policy answer."""
    evil = "a*" * 20 + "b"
    long_arn = "arn:aws:s3:::" + "a" * 5000
    doc = pol(allow(action="s3:" + "*G*e*t*O*b*j*e*c*t*" * 3 + "x", resource="arn:aws:s3:::" + evil),
              allow(resource="arn:aws:s3:::" + "*a" * 30 + "*b",
                    Condition={"StringLike": {"aws:userid": evil}}))
    seconds = _timed(lambda: decide(ALICE, "s3:GetObject", long_arn, identity=[doc],
                                    context={"aws:userid": "a" * 5000}))
    assert seconds < 2.0
    assert decide(ALICE, "s3:GetObject", OBJ, identity=[doc]) == "ImplicitDeny"


# --- agreement with fnmatch -----------------------------------------------------------------------

ALPHABET = "ab:/*?"  # few letters, so stars and question marks often line up in interesting ways
patterns = st.text(alphabet="ab:/*?", max_size=12)
values = st.text(alphabet="aAbB:/*?", max_size=14)


@settings(max_examples=600, deadline=None)
@given(patterns, values)
def test_agrees_with_fnmatch(pattern: str, value: str) -> None:
    assert glob_match(pattern, value) == fnmatch.fnmatchcase(value, pattern)
    assert compile_glob(pattern).matches(value) == fnmatch.fnmatchcase(value, pattern)


@settings(max_examples=400, deadline=None)
@given(patterns, values)
def test_agrees_with_fnmatch_ignoring_case(pattern: str, value: str) -> None:
    expected = fnmatch.fnmatchcase(value.lower(), pattern.lower())
    assert glob_match(pattern.upper(), value, ignore_case=True) == expected
    assert GlobSet((pattern.upper(),), ignore_case=True).matches(value) == expected


def _escape(text: str) -> str:
    """fnmatch's way to make ``*``/``?`` literal."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="ab*?", max_size=5), st.booleans()), max_size=4), values)
def test_dead_wildcards_are_literal(parts: list[tuple[str, bool]], value: str) -> None:
    """Policy-variable escapes such as ``${*}`` and substituted values match literally."""
    reference = "".join(text if live else _escape(text) for text, live in parts)
    assert Glob(parts).matches(value) == fnmatch.fnmatchcase(value, reference)


def test_policy_variable_values_cannot_smuggle_wildcards() -> None:
    doc = pol(allow(resource="arn:aws:s3:::example-bucket/home/${aws:username}/*"))
    home = "arn:aws:s3:::example-bucket/home/alice/x"
    assert decide(ALICE, "s3:GetObject", home, identity=[doc], context={"aws:username": "alice"}) == "Allow"
    assert decide(ALICE, "s3:GetObject", home, identity=[doc], context={"aws:username": "a*"}) == "ImplicitDeny"
    assert decide(ALICE, "s3:GetObject", home, identity=[doc], context={"aws:username": "?lice"}) == "ImplicitDeny"
