"""Exercises of notebook 10 (Amazon SES): reference solutions, realistic wrong answers, malformed input.

The policy exercise (10.5) is graded by the real ``course.iam`` engine, and its hidden cases are read
from the notebook's check cell so that the tests and the notebook can never drift apart.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
from conftest import ROOT

from course.authoring import hidden_cases
from course.exercises import CheckResult, MappingMatch, Part, evaluate, get, part_key
from course.exercises.kinds.policy import lint_requirement
from course.notebooks.customer_engagement import IDENTITY_ARN, PARTNER, PARTNER_IDENTITY_POLICY

NOTEBOOK = ROOT / "source" / "10-customer-engagement" / "10-customer-engagement.ipynb"

# --- reference solutions (the same values as the notebook's solution cells) ---------------------

REFERENCE_VERDICTS = {
    "msg1_spf": "fail", "msg1_dkim": "pass", "msg1_dmarc": "pass",
    "msg2_spf": "fail", "msg2_dkim": "pass", "msg2_dmarc": "pass",
    "msg3_spf": "fail", "msg3_dkim": "fail", "msg3_dmarc": "fail",
    "msg4_spf": "pass", "msg4_dkim": "fail", "msg4_dmarc": "pass",
}

REFERENCE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "PayrollProviderSendsPayslips",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
        "Action": ["ses:SendEmail", "ses:SendRawEmail"],
        "Resource": IDENTITY_ARN,
        "Condition": {
            "StringLike": {"ses:FromAddress": "*@hr.example.com"},
            "ForAllValues:StringLike": {"ses:Recipients": "*@example.com"},
            "Null": {"ses:Recipients": "false"},
        },
    }],
}

REFERENCES = {
    "10.1": "A",
    "10.2": "D",
    "10.3": "C",
    "10.4": REFERENCE_VERDICTS,
    "10.5": REFERENCE_POLICY,
    "10.6": {"A", "B", "E"},
}


def policy_with(**changes) -> dict:
    """The reference policy with some fields of its single statement replaced (None removes a field)."""
    policy = copy.deepcopy(REFERENCE_POLICY)
    statement = policy["Statement"][0]
    for field, value in changes.items():
        if value is None:
            statement.pop(field, None)
        else:
            statement[field] = value
    return policy


def notebook_hidden_cases(exercise_id: str) -> list:
    """The literal ``hidden=[...]`` data in the notebook's check cell of ``exercise_id``."""
    return hidden_cases(NOTEBOOK, exercise_id)


def assert_error(result: CheckResult, *words: str) -> None:
    assert result.error is not None, f"expected an error, got requirements {result.requirements}"
    assert result.score == 0 and not result.passed
    for word in words:
        assert word in result.error, f"{word!r} not in {result.error!r}"


# --- every exercise ------------------------------------------------------------------------------

def test_the_module_registers_six_exercises_of_four_kinds_with_the_notebook_points():
    exercises = {e.id: e for e in (get(i) for i in REFERENCES)}
    assert {e.kind for e in exercises.values()} == {"single-choice", "mapping", "policy", "multiple-choice"}
    assert {i: e.points for i, e in exercises.items()} == {
        "10.1": 2, "10.2": 2, "10.3": 2, "10.4": 3, "10.5": 4, "10.6": 3}
    for exercise_id, exercise in exercises.items():
        assert exercise.answer_name == "answer_" + exercise_id.replace(".", "_")


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_solution_scores_full_marks(exercise_id):
    result = evaluate(exercise_id, REFERENCES[exercise_id])
    assert result.error is None, result.error
    assert result.passed and result.score == 1.0, str(result)


def test_reference_policy_also_passes_the_notebooks_hidden_cases():
    hidden = notebook_hidden_cases("10.5")
    assert len(hidden) >= 3
    result = evaluate("10.5", REFERENCE_POLICY, hidden=hidden)
    assert result.passed, str(result)
    assert sum(r.hidden for r in result.requirements) == len(hidden)


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
@pytest.mark.parametrize("bad", [None, ..., 42, 3.5, True, [1, 2], "", object()],
                         ids=lambda v: "object" if type(v) is object else repr(v))
def test_malformed_answers_give_an_error_and_never_raise(exercise_id, bad):
    result = evaluate(exercise_id, bad)
    assert result.error, f"{exercise_id} accepted {bad!r}: {result}"
    assert result.score == 0


def test_keys_do_not_appear_in_plain_text_in_the_module():
    source = (ROOT / "course" / "notebooks" / "customer_engagement.py").read_text()
    assert "make_key(" not in source and "part_key(" not in source and "choice_keys(" not in source
    assert len(re.findall(r'"[0-9a-f]{64}"', source)) == 3 + 12 + 6, "every key is a 64-hex salted hash"


# --- 10.1, 10.2, 10.3: single choice ---------------------------------------------------------------

@pytest.mark.parametrize("exercise_id, wrong, words", [
    ("10.1", "B", "neither says anything about the leg from SES"),
    ("10.1", "C", "falls back to a clear-text delivery"),
    ("10.1", "D", "still crosses the internet"),
    ("10.1", "E", "encrypts nothing"),
    ("10.2", "B", "only speaks implicit TLS"),
    ("10.2", "C", "below 1024"),
    ("10.2", "E", "STARTTLS port"),
    ("10.2", "F", "only TLS-encrypted"),
    ("10.3", "A", "on its own schedule"),
    ("10.3", "D", "other Regions"),
    ("10.3", "E", "rules out"),
])
def test_single_choice_wrong_options_explain_the_misconception(exercise_id, wrong, words):
    result = evaluate(exercise_id, wrong)
    assert not result.passed and result.score == 0
    hint = result.failures[0].hint
    assert words in hint
    right = get(exercise_id).options[REFERENCES[exercise_id]]
    assert right not in hint and f"Option {REFERENCES[exercise_id]}" not in hint, "the hint never gives the answer"


@pytest.mark.parametrize("exercise_id", ["10.1", "10.2", "10.3"])
def test_single_choice_accepts_lower_case_and_spaces_and_refuses_collections(exercise_id):
    assert evaluate(exercise_id, f" {REFERENCES[exercise_id].lower()} ").passed
    assert_error(evaluate(exercise_id, [REFERENCES[exercise_id]]), "exactly one")
    assert_error(evaluate(exercise_id, "Z"), "not one of the options")


@pytest.mark.parametrize("exercise_id", ["10.1", "10.2", "10.3"])
def test_every_option_of_a_single_choice_has_an_explanation(exercise_id):
    exercise = get(exercise_id)
    assert set(exercise.explanations) == set(exercise.options)


# --- 10.4: DMARC verdicts ----------------------------------------------------------------------------

def test_verdicts_ignoring_alignment_lose_the_alignment_parts_with_hints():
    # A learner who copies the raw spf=/dkim= results and calls DMARC "pass" whenever either passed.
    raw = dict(REFERENCE_VERDICTS, msg1_spf="pass", msg2_spf="pass", msg3_spf="pass", msg3_dkim="pass",
               msg3_dmarc="pass")
    result = evaluate("10.4", raw)
    assert not result.passed and result.score == pytest.approx(7 / 12)
    hints = {r.description: r.hint for r in result.failures}
    assert any("align" in h for h in hints.values())
    assert "forgery" in hints["message 3: DMARC verdict"]


def test_verdicts_that_treat_strict_as_relaxed_fail_only_message_2_spf():
    result = evaluate("10.4", dict(REFERENCE_VERDICTS, msg2_spf="pass"))
    assert result.score == pytest.approx(11 / 12)
    (failure,) = result.failures
    assert "aspf=s" in failure.hint and "exact" in failure.hint


def test_verdicts_that_demand_both_mechanisms_fail_the_dmarc_parts():
    both = dict(REFERENCE_VERDICTS, msg1_dmarc="fail", msg2_dmarc="fail", msg4_dmarc="fail")
    result = evaluate("10.4", both)
    assert result.score == pytest.approx(9 / 12)
    assert all("never needs both" in r.hint for r in result.failures)


def test_verdicts_accept_case_and_spaces():
    assert evaluate("10.4", {k: f" {v.upper()} " for k, v in REFERENCE_VERDICTS.items()}).passed


def test_verdict_answers_with_missing_unknown_or_non_verdict_values():
    partial = {k: v for k, v in REFERENCE_VERDICTS.items() if k.startswith("msg1")}
    result = evaluate("10.4", partial)
    assert result.score == pytest.approx(3 / 12) and "missing" in result.failures[0].hint
    assert_error(evaluate("10.4", dict(REFERENCE_VERDICTS, msg5_dmarc="pass")), "unexpected key")
    assert_error(evaluate("10.4", dict(REFERENCE_VERDICTS, msg1_spf=True)), "'msg1_spf'", "'pass' or 'fail'")
    assert_error(evaluate("10.4", dict(REFERENCE_VERDICTS, msg1_dmarc="aligned")), "'pass' or 'fail'")
    assert_error(evaluate("10.4", {}), "empty", "msg1_spf")
    assert_error(evaluate("10.4", list(REFERENCE_VERDICTS)), "expected a dict")


def test_framework_mapping_choices_and_empty_dict_are_general():
    """The two MappingMatch additions this module needed (an empty dict, Part.choices) work for any exercise."""
    exercise = MappingMatch(id="99.9", title="t", points=1, answer_name="a", parts=[
        Part("x", part_key("99.9", "x", "yes"), "hint x", choices=("yes", "no")),
        Part("y", part_key("99.9", "y", 3), "hint y")])
    assert exercise.check({"x": "YES", "y": 3}).passed
    assert exercise.check({"x": "no", "y": 3}).score == 0.5
    assert "must be 'yes' or 'no'" in exercise.check({"x": "maybe", "y": 3}).error
    assert exercise.check({"x": "yes", "y": "anything"}).score == 0.5, "a part without choices takes any value"
    assert "empty" in exercise.check({}).error


# --- 10.5: sending authorization policy (course.iam) ---------------------------------------------------

@pytest.mark.parametrize("name, policy, failing", [
    ("From pattern without the @ anchor",
     policy_with(Condition={"StringLike": {"ses:FromAddress": "*hr.example.com"},
                            "ForAllValues:StringLike": {"ses:Recipients": "*@example.com"}}),
     ["look-alike"]),
    ("recipients without a set operator",
     policy_with(Condition={"StringLike": {"ses:FromAddress": "*@hr.example.com",
                                           "ses:Recipients": "*@example.com"}}),
     ["outside address"]),
    ("any principal",
     policy_with(Principal="*"),
     ["another AWS account"]),
    ("no conditions at all",
     policy_with(Condition=None),
     ["ceo@", "look-alike", "outside address"]),
    ("every SES action and no conditions",
     policy_with(Action="ses:*", Condition=None),
     ["ceo@", "look-alike", "outside address", "delete the identity"]),
    ("the whole domain instead of the subdomain",
     policy_with(Condition={"StringLike": {"ses:FromAddress": "*@*example.com"},
                            "ForAllValues:StringLike": {"ses:Recipients": "*@example.com"}}),
     ["ceo@", "look-alike"]),
])
def test_realistic_wrong_policies_fail_the_right_cases_with_partial_credit(name, policy, failing):
    result = evaluate("10.5", policy)
    assert result.error is None, result.error
    failed = [r for r in result.failures if not r.description.startswith("no lint finding")]
    assert len(failed) == len(failing), f"{name}: {[r.description for r in failed]}"
    for fragment, failure in zip(failing, failed, strict=True):
        assert fragment in failure.description
        assert "should be denied" in failure.hint and len(failure.hint) > 60, "the hint explains why"
    assert 0 < result.score < 1


def test_a_service_wide_action_is_caught_by_the_linter_even_when_conditions_deny_the_rest():
    # Conditions on ses:FromAddress already deny calls that carry no From address, such as deleting the
    # identity, so every request passes: least privilege is enforced by lint finding IAM010.
    result = evaluate("10.5", policy_with(Action="ses:*"))
    (failure,) = result.failures
    assert failure.description == lint_requirement("IAM010")
    assert "All actions of a service" in failure.hint and "List the actions" in failure.hint
    assert result.score == pytest.approx(8 / 9)


def test_policy_hints_name_the_mistake_but_never_the_solution():
    wrong = policy_with(Principal="*", Action="ses:*", Condition=None)
    result = evaluate("10.5", wrong)
    hints = " ".join(r.hint for r in result.failures)
    assert len(result.failures) >= 5
    for secret in ("ForAllValues", "*@hr.example.com", "*@example.com", f"{PARTNER}:root", "Null"):
        assert secret not in hints, f"a hint gives away {secret!r}"


def test_strict_equals_on_the_from_address_fails_the_allowed_sends_and_the_linter():
    policy = policy_with(Condition={"StringEquals": {"ses:FromAddress": "*@hr.example.com"},
                                    "ForAllValues:StringLike": {"ses:Recipients": "*@example.com"}})
    result = evaluate("10.5", policy)
    descriptions = [r.description for r in result.failures]
    assert descriptions[0].startswith("the partner sends a payslip")
    assert descriptions[1].startswith("the partner sends a notice")
    assert descriptions[2] == lint_requirement("IAM015")
    assert all("should be allowed" in r.hint for r in result.failures[:2])
    assert "StringLike" in result.failures[2].hint


def test_policy_for_the_wrong_identity_or_one_action_only_fails_allowed_sends():
    wrong_resource = evaluate("10.5", policy_with(Resource=IDENTITY_ARN.replace("example.com", "hr.example.com")))
    assert len(wrong_resource.failures) == 2 and not wrong_resource.passed
    raw_only = evaluate("10.5", policy_with(Action="ses:SendRawEmail"))
    assert [r.description for r in raw_only.failures] == [
        "the partner sends a notice (SendEmail) from no-reply@hr.example.com to two employees"]


def test_hidden_cases_catch_a_from_pattern_open_at_the_end():
    loose_end = policy_with(Condition={"StringLike": {"ses:FromAddress": "*@hr.example.com*"},
                                       "ForAllValues:StringLike": {"ses:Recipients": "*@example.com*"}})
    assert evaluate("10.5", loose_end).passed, "the visible cases alone do not see this mistake"
    result = evaluate("10.5", loose_end, hidden=notebook_hidden_cases("10.5"))
    assert not result.passed
    assert {r.hidden for r in result.failures} == {True}


def test_policy_answers_as_json_strings_work_and_broken_json_is_explained():
    assert evaluate("10.5", json.dumps(REFERENCE_POLICY)).passed
    assert_error(evaluate("10.5", '{"Version": "2012-10-17", "Statement": ['), "not valid JSON", "line 1")
    assert_error(evaluate("10.5", "{'Statement': []}"), "not valid JSON")
    assert_error(evaluate("10.5", ""), "not valid JSON")
    assert_error(evaluate("10.5", {}), "no 'Statement'")
    assert_error(evaluate("10.5", {"Version": "2012-10-17"}), "no 'Statement'")
    assert_error(evaluate("10.5", [REFERENCE_POLICY]), "a policy is a dict")


def test_policy_the_engine_rejects_becomes_an_error_pointing_into_the_policy():
    result = evaluate("10.5", {"Version": "2012-10-17", "Statement": "Allow everything"})
    assert_error(result, "your policy")
    result = evaluate("10.5", policy_with(Effect="Permit"))
    assert_error(result)


def test_the_partner_identity_policy_is_broad_so_the_resource_policy_decides():
    assert PARTNER_IDENTITY_POLICY["Statement"][0]["Action"] == "ses:*"
    empty = evaluate("10.5", {"Version": "2012-10-17", "Statement": []})
    assert [r.description for r in empty.failures][:2] == [c.description for c in get("10.5").cases[:2]], (
        "an empty policy allows nothing: the must-allow cases fail, the must-deny cases pass")


# --- 10.6: protecting received mail --------------------------------------------------------------------

def test_received_mail_wrong_choices_get_partial_credit_and_explanations():
    public = evaluate("10.6", {"A", "B", "C", "E"})
    assert public.score == pytest.approx(5 / 6)
    assert "anyone on the internet" in public.failures[0].hint
    sse_s3 = evaluate("10.6", {"A", "F"})
    assert sse_s3.score == pytest.approx(3 / 6)
    hints = " ".join(r.hint for r in sse_s3.failures)
    assert "no key policy" in hints and "2 more option" in hints
    assert "Option B" not in hints and "Option E" not in hints, "missed options are not named"
    asymmetric = evaluate("10.6", {"A", "B", "D", "E"})
    assert "symmetric" in asymmetric.failures[0].hint


def test_received_mail_malformed_choices():
    assert_error(evaluate("10.6", set()), "at least one")
    assert_error(evaluate("10.6", "ABE"), "set of option letters")
    assert_error(evaluate("10.6", {"A", "G"}), "not one of the options")
    assert_error(evaluate("10.6", {"A": True}), "set of option letters")
    assert evaluate("10.6", ["a", "b", "e"]).passed, "a list of letters is accepted too"
