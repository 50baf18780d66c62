"""Exercises of notebook 11 (Amazon WorkSpaces): reference solutions, realistic wrong answers, malformed input."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from course.exercises import CheckResult, evaluate, get

REFERENCE_ACCESS = {"windows": "trust", "macos": "trust", "ipad": "deny", "linux": "deny", "web": "deny"}
REFERENCES = {"11.1": "B", "11.2": {"A", "B", "C"}, "11.3": REFERENCE_ACCESS, "11.4": "A"}


def assert_error(result: CheckResult, *words: str) -> None:
    assert result.error is not None, f"expected an error, got requirements {result.requirements}"
    assert result.score == 0 and not result.passed
    for word in words:
        assert word in result.error, f"{word!r} not in {result.error!r}"


# --- every exercise ------------------------------------------------------------------------------

def test_the_module_registers_four_exercises_of_three_kinds_with_the_notebook_points():
    exercises = {i: get(i) for i in REFERENCES}
    assert {e.kind for e in exercises.values()} == {"single-choice", "multiple-choice", "mapping"}
    assert {i: e.points for i, e in exercises.items()} == {"11.1": 2, "11.2": 3, "11.3": 3, "11.4": 2}
    for exercise_id, exercise in exercises.items():
        assert exercise.answer_name == "answer_" + exercise_id.replace(".", "_")


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_solution_scores_full_marks(exercise_id):
    result = evaluate(exercise_id, REFERENCES[exercise_id])
    assert result.error is None, result.error
    assert result.passed and result.score == 1.0, str(result)


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
@pytest.mark.parametrize("bad", [None, ..., 42, 3.5, True, [1, 2], "", object()],
                         ids=lambda v: "object" if type(v) is object else repr(v))
def test_malformed_answers_give_an_error_and_never_raise(exercise_id, bad):
    result = evaluate(exercise_id, bad)
    assert result.error, f"{exercise_id} accepted {bad!r}: {result}"
    assert result.score == 0


def test_keys_do_not_appear_in_plain_text_in_the_module():
    source = (ROOT / "course" / "notebooks" / "end_user_computing.py").read_text()
    assert "make_key(" not in source and "part_key(" not in source and "choice_keys(" not in source
    assert len(re.findall(r'"[0-9a-f]{64}"', source)) == 1 + 6 + 5 + 1 + 4, "every key is a 64-hex salted hash"


# --- 11.1 and 11.4: single choice ----------------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id, wrong, words", [
    ("11.1", "A", "cannot trust the on-premises domain"),
    ("11.1", "C", "stores the directory in AWS"),
    ("11.1", "D", "not for Windows sessions"),
    ("11.4", "B", "do not see the client's address"),
    ("11.4", "C", "does not stop the connection"),
    ("11.4", "D", "reaches the WorkSpace through the service's own interface"),
])
def test_single_choice_wrong_options_explain_the_misconception(exercise_id, wrong, words):
    result = evaluate(exercise_id, wrong)
    assert not result.passed and result.score == 0
    hint = result.failures[0].hint
    assert words in hint
    right = REFERENCES[exercise_id]
    assert get(exercise_id).options[right] not in hint and f"Option {right}" not in hint


@pytest.mark.parametrize("exercise_id", ["11.1", "11.4"])
def test_single_choice_accepts_case_and_refuses_collections(exercise_id):
    assert evaluate(exercise_id, f" {REFERENCES[exercise_id].lower()}").passed
    assert_error(evaluate(exercise_id, (REFERENCES[exercise_id],)), "exactly one")
    assert_error(evaluate(exercise_id, "Z"), "not one of the options")
    assert set(get(exercise_id).explanations) == set(get(exercise_id).options)


# --- 11.2: certificate-based authentication ---------------------------------------------------------------

def test_cba_with_a_public_certificate_and_without_the_ca_is_explained():
    result = evaluate("11.2", {"A", "C", "D"})
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "private CA that WorkSpaces itself calls" in hints and "1 more option" in hints
    assert "euc-private-ca" not in hints, "a missed option is never named"


def test_cba_that_drops_the_directory_or_installs_long_lived_certificates_is_explained():
    result = evaluate("11.2", {"A", "B", "C", "E", "F"})
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "short-lived certificate" in hints and "still what authenticates" in hints


def test_cba_malformed_choices():
    assert_error(evaluate("11.2", frozenset()), "at least one")
    assert_error(evaluate("11.2", "ABC"), "set of option letters")
    assert_error(evaluate("11.2", {"A", "H"}), "not one of the options")
    assert evaluate("11.2", ["c", "b", "a"]).passed


# --- 11.3: access per client type ---------------------------------------------------------------------------

def test_access_that_trusts_windows_and_mac_but_leaves_others_allowed_loses_three_parts():
    # The classic mistake: enabling certificates for two client types and leaving the rest as they were.
    result = evaluate("11.3", dict(REFERENCE_ACCESS, ipad="allow", linux="allow", web="allow"))
    assert result.score == pytest.approx(2 / 5)
    hints = " ".join(r.hint for r in result.failures)
    assert hints.count("You chose 'allow'. The setting 'allow' admits every device of that client type, managed or "
                       "not, with no certificate check.") == 3


def test_access_that_merely_allows_the_managed_devices_loses_those_parts():
    result = evaluate("11.3", dict(REFERENCE_ACCESS, windows="allow", macos="allow"))
    assert result.score == pytest.approx(3 / 5)
    assert "admits every device of that client type, managed or not" in result.failures[0].hint


def test_access_that_asks_ipads_for_certificates_is_wrong_for_ipad():
    result = evaluate("11.3", dict(REFERENCE_ACCESS, ipad="trust", linux="trust"))
    assert result.score == pytest.approx(3 / 5)
    assert result.failures[0].hint.startswith("You chose 'trust'.")
    assert "a client that cannot take part in the check cannot connect at all" in result.failures[0].hint


def test_access_malformed_and_partial_answers():
    assert evaluate("11.3", {k: v.upper() for k, v in REFERENCE_ACCESS.items()}).passed
    assert_error(evaluate("11.3", dict(REFERENCE_ACCESS, web="block")), "'web'", "'trust'")
    assert_error(evaluate("11.3", dict(REFERENCE_ACCESS, android="trust")), "unexpected key")
    assert_error(evaluate("11.3", {}), "empty")
    partial = evaluate("11.3", {"windows": "trust"})
    assert partial.score == pytest.approx(1 / 5) and "missing" in partial.failures[0].hint
