"""Exercises of notebook 12 (IoT Device Defender and Device Management): reference solutions, realistic wrong
answers, malformed input. The triage review (12.1) replaced a one-line pandas filter (review F36): it asks for a
judgement per finding, where the severity of the check alone gives the wrong answer."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from course.exercises import CheckResult, evaluate, get
from course.notebooks.internet_of_things import FINDINGS, findings_frame

REFERENCE_TRIAGE = {"F-101": "fix now", "F-103": "fix now", "F-108": "planned work", "F-109": "suppress",
                    "F-110": "fix now", "F-111": "fix now"}


REFERENCE_MITIGATIONS = {
    "F-102": "REPLACE_DEFAULT_POLICY_VERSION",
    "F-106": "UPDATE_CA_CERTIFICATE",
    "F-105": "UPDATE_DEVICE_CERTIFICATE",
    "F-104": "PUBLISH_FINDINGS_TO_SNS",
    "F-101": "ADD_THINGS_TO_THING_GROUP",
}

REFERENCES = {"12.1": REFERENCE_TRIAGE, "12.2": REFERENCE_MITIGATIONS, "12.3": "C", "12.4": {"A", "B", "D"}}


def assert_error(result: CheckResult, *words: str) -> None:
    assert result.error is not None, f"expected an error, got requirements {result.requirements}"
    assert result.score == 0 and not result.passed
    for word in words:
        assert word in result.error, f"{word!r} not in {result.error!r}"


# --- every exercise ------------------------------------------------------------------------------

def test_the_module_registers_four_exercises_of_three_kinds_with_the_notebook_points():
    exercises = {i: get(i) for i in REFERENCES}
    assert {e.kind for e in exercises.values()} == {"mapping", "single-choice", "multiple-choice"}
    assert {i: e.points for i, e in exercises.items()} == {"12.1": 3, "12.2": 3, "12.3": 2, "12.4": 3}
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
    source = (ROOT / "course" / "notebooks" / "internet_of_things.py").read_text()
    assert "make_key(" not in source and "part_key(" not in source and "table_keys(" not in source
    assert len(re.findall(r'"[0-9a-f]{64}"', source)) == 6 + 5 + 1 + 6, "every key is a 64-hex salted hash"


def test_the_findings_data_are_consistent():
    frame = findings_frame()
    assert list(frame["finding_id"]) == [f"F-1{n:02d}" for n in range(1, len(FINDINGS) + 1)]
    assert set(frame["severity"]) == {"CRITICAL", "HIGH", "MEDIUM", "LOW"}
    assert frame["is_suppressed"].dtype == bool


# --- 12.1: review of a triage proposal -------------------------------------------------------------------

def test_triage_by_severity_alone_loses_the_low_logging_finding_and_the_suppressions():
    """The colleague's proposal: what a learner gets who trusts severity and existing suppressions."""
    proposal = dict(REFERENCE_TRIAGE, **{"F-103": "planned work", "F-110": "suppress", "F-111": "suppress"})
    result = evaluate("12.1", proposal)
    assert result.score == pytest.approx(3 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "blinds the response" in hints and "never removes the risk" in hints


def test_triage_that_fixes_everything_now_is_not_full_marks():
    result = evaluate("12.1", dict.fromkeys(REFERENCE_TRIAGE, "fix now"))
    assert not result.passed and result.score == pytest.approx(4 / 6)
    assert "wasteful when the risk is real but slow" in " ".join(r.hint for r in result.failures)


def test_triage_hints_never_name_the_right_disposition_of_a_finding():
    for finding, right in REFERENCE_TRIAGE.items():
        wrong = "suppress" if right != "suppress" else "fix now"
        [failure] = evaluate("12.1", dict(REFERENCE_TRIAGE, **{finding: wrong})).failures
        assert f"'{right}'" not in failure.hint, failure.hint


def test_triage_refuses_unknown_dispositions_and_findings():
    assert_error(evaluate("12.1", dict(REFERENCE_TRIAGE, **{"F-101": "ignore"})), "'F-101'")
    assert_error(evaluate("12.1", dict(REFERENCE_TRIAGE, **{"F-999": "suppress"})), "unexpected key")
    assert evaluate("12.1", {k: v.upper() for k, v in REFERENCE_TRIAGE.items()}).passed


# --- 12.2: mitigation actions -------------------------------------------------------------------------------

def test_mitigations_that_quarantine_the_stolen_pump_instead_of_deactivating_it_lose_one_part():
    result = evaluate("12.2", dict(REFERENCE_MITIGATIONS, **{"F-105": "ADD_THINGS_TO_THING_GROUP"}))
    assert result.score == pytest.approx(4 / 5)


def test_mitigations_that_revoke_the_shared_certificate_lose_one_part():
    result = evaluate("12.2", dict(REFERENCE_MITIGATIONS, **{"F-101": "UPDATE_DEVICE_CERTIFICATE"}))
    assert result.score == pytest.approx(4 / 5)
    assert "every device using it goes offline" in result.failures[0].hint


def test_mitigations_that_confuse_device_and_ca_certificates_and_policy_fixes():
    wrong = dict(REFERENCE_MITIGATIONS, **{"F-106": "UPDATE_DEVICE_CERTIFICATE",
                                           "F-102": "UPDATE_DEVICE_CERTIFICATE"})
    result = evaluate("12.2", wrong)
    assert result.score == pytest.approx(3 / 5)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'UPDATE_DEVICE_CERTIFICATE'" in hints and "no policy, CA or account setting changes" in hints


def test_mitigations_accept_case_and_refuse_unknown_actions():
    assert evaluate("12.2", {k: v.lower() for k, v in REFERENCE_MITIGATIONS.items()}).passed
    assert_error(evaluate("12.2", dict(REFERENCE_MITIGATIONS, **{"F-104": "CHANGE_CLIENT_ID"})), "'F-104'")
    assert_error(evaluate("12.2", dict(REFERENCE_MITIGATIONS, **{"F-999": "ENABLE_IOT_LOGGING"})), "unexpected key")
    assert_error(evaluate("12.2", {}), "empty")
    assert evaluate("12.2", {"F-105": "UPDATE_DEVICE_CERTIFICATE"}).score == pytest.approx(1 / 5)


# --- 12.3: which Device Defender feature -------------------------------------------------------------------

@pytest.mark.parametrize("wrong, words", [
    ("A", "configuration"),
    ("B", "choose the thresholds"),
    ("D", "raises no alarms"),
])
def test_detect_wrong_options_explain_the_misconception(wrong, words):
    result = evaluate("12.3", wrong)
    assert not result.passed and words in result.failures[0].hint
    assert "ML Detect" not in result.failures[0].hint


def test_detect_choice_malformed():
    assert evaluate("12.3", "c ").passed
    assert_error(evaluate("12.3", ["C"]), "exactly one")
    assert_error(evaluate("12.3", "E"), "not one of the options")


# --- 12.4: replacing the shared certificate ----------------------------------------------------------------

def test_rotation_with_one_new_shared_certificate_is_explained():
    result = evaluate("12.4", {"A", "B", "C"})
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "one stolen copy" in hints and "1 more option" in hints


def test_rotation_by_suppressing_or_by_ml_detect_is_explained():
    result = evaluate("12.4", {"E", "F"})
    assert result.score == pytest.approx(1 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "does not issue" in hints and "hides the risk" in hints


def test_rotation_malformed_choices():
    assert_error(evaluate("12.4", set()), "at least one")
    assert_error(evaluate("12.4", "ABD"), "set of option letters")
    assert_error(evaluate("12.4", {"A", "X"}), "not one of the options")
