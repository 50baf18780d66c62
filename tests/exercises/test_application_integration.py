"""Exercises of notebook 08 (SNS and SQS): reference solutions, realistic wrong answers, malformed input.

The queue policy (8.3) is graded by the real ``course.iam`` engine; its hidden cases are read from the
notebook's check cell so that the tests and the notebook cannot drift apart.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
from conftest import ROOT

from course.authoring import hidden_cases
from course.exercises import CheckResult, evaluate, get
from course.exercises.kinds.policy import lint_requirement
from course.notebooks.application_integration import QUEUE_ARN, TOPIC_ARN

NOTEBOOK = ROOT / "source" / "08-application-integration" / "08-application-integration.ipynb"

REFERENCE_PATTERNS = {"w1": "sns", "w2": "sqs", "w3": "sns+sqs", "w4": "fifo"}

REFERENCE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "FindingsTopicDelivers",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": QUEUE_ARN,
        "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC_ARN}},
    }],
}

REFERENCES = {"8.1": "B", "8.2": REFERENCE_PATTERNS, "8.3": REFERENCE_POLICY, "8.4": {"A", "C", "D"}}


def policy_with(**changes) -> dict:
    """The reference policy with fields of its statement replaced (None removes a field)."""
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

def test_the_module_registers_four_exercises_of_four_kinds_with_the_notebook_points():
    exercises = {i: get(i) for i in REFERENCES}
    assert {e.kind for e in exercises.values()} == {"single-choice", "mapping", "policy", "multiple-choice"}
    assert {i: e.points for i, e in exercises.items()} == {"8.1": 2, "8.2": 2, "8.3": 4, "8.4": 3}
    for exercise_id, exercise in exercises.items():
        assert exercise.answer_name == "answer_" + exercise_id.replace(".", "_")


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_solution_scores_full_marks(exercise_id):
    result = evaluate(exercise_id, REFERENCES[exercise_id])
    assert result.error is None, result.error
    assert result.passed and result.score == 1.0, str(result)


def test_reference_policy_also_passes_the_notebooks_hidden_cases():
    hidden = notebook_hidden_cases("8.3")
    assert len(hidden) >= 3
    result = evaluate("8.3", REFERENCE_POLICY, hidden=hidden)
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
    source = (ROOT / "course" / "notebooks" / "application_integration.py").read_text()
    assert "make_key(" not in source and "part_key(" not in source and "choice_keys(" not in source
    assert len(re.findall(r'"[0-9a-f]{64}"', source)) == 1 + 4 + 6, "every key is a 64-hex salted hash"


# --- 8.1: who may subscribe ---------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, words", [
    ("A", "the outsider confirms"),
    ("C", "decrypts each message before"),
    ("D", "whoever owns it"),
])
def test_subscribe_wrong_options_explain_the_misconception(wrong, words):
    result = evaluate("8.1", wrong)
    assert not result.passed and result.score == 0
    hint = result.failures[0].hint
    assert words in hint
    assert get("8.1").options["B"] not in hint and "Option B" not in hint


def test_subscribe_accepts_case_and_spaces_and_refuses_collections():
    assert evaluate("8.1", " b ").passed
    assert_error(evaluate("8.1", ["B"]), "exactly one")
    assert_error(evaluate("8.1", "E"), "not one of the options")
    assert set(get("8.1").explanations) == set(get("8.1").options)


# --- 8.2: choosing the pattern -------------------------------------------------------------------------

def test_patterns_that_skip_the_queues_lose_the_backlog_workloads():
    # A learner who reaches for SNS whenever there is more than one consumer.
    result = evaluate("8.2", dict(REFERENCE_PATTERNS, w3="sns"))
    assert result.score == pytest.approx(3 / 4)
    assert result.failures[0].hint.startswith("You chose 'sns'. A standard topic with direct subscriptions pushes")
    assert "keeps no backlog" in result.failures[0].hint


def test_patterns_that_ignore_order_and_duplicates_lose_workload_4_and_maybe_more():
    result = evaluate("8.2", dict(REFERENCE_PATTERNS, w4="sns+sqs", w2="sns"))
    assert result.score == pytest.approx(2 / 4)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'sns+sqs'" in hints and "still without ordering or de-duplication" in hints
    assert "You chose 'sns'" in hints and "keeps no backlog" in hints
    assert "fifo" not in hints.lower().replace("first-in", ""), "the hint never names the answer"


def test_patterns_accept_case_and_spaces_and_refuse_unknown_values():
    assert evaluate("8.2", {k: f" {v.upper()} " for k, v in REFERENCE_PATTERNS.items()}).passed
    assert_error(evaluate("8.2", dict(REFERENCE_PATTERNS, w1="kinesis")), "'w1'", "'sns'")
    assert_error(evaluate("8.2", dict(REFERENCE_PATTERNS, w5="sns")), "unexpected key")
    assert_error(evaluate("8.2", {}), "empty")
    assert_error(evaluate("8.2", list(REFERENCE_PATTERNS.values())), "expected a dict")
    partial = evaluate("8.2", {"w1": "sns"})
    assert partial.score == pytest.approx(1 / 4) and "missing" in partial.failures[0].hint


# --- 8.3: the queue policy (course.iam) -------------------------------------------------------------------

@pytest.mark.parametrize("name, policy, failing", [
    ("service principal with no condition", policy_with(Condition=None),
     ["another topic of the same account", "stranger's account"]),
    ("source account instead of source ARN",
     policy_with(Condition={"StringEquals": {"aws:SourceAccount": "111122223333"}}),
     ["another topic of the same account"]),
    ("receive and delete granted too",
     policy_with(Action=["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]),
     ["receive or delete"]),
    ("wildcard principal and no condition", policy_with(Principal="*", Condition=None),
     ["another topic of the same account", "stranger's account", "anonymous caller", "role in a stranger's"]),
])
def test_realistic_wrong_policies_fail_the_right_cases_with_partial_credit(name, policy, failing):
    result = evaluate("8.3", policy)
    assert result.error is None, result.error
    failed = [r for r in result.failures if not r.description.startswith("no lint finding")]
    assert len(failed) == len(failing), f"{name}: {[r.description for r in failed]}"
    for fragment, failure in zip(failing, failed, strict=True):
        assert fragment in failure.description
        assert "should be denied" in failure.hint and len(failure.hint) > 60
    assert 0 < result.score < 1


def test_a_wildcard_principal_with_the_source_arn_condition_is_accepted():
    # The older AWS pattern: Principal "*" plus aws:SourceArn. Callers cannot forge aws:SourceArn.
    result = evaluate("8.3", policy_with(Principal="*"), hidden=notebook_hidden_cases("8.3"))
    assert result.passed, str(result)


def test_a_service_wide_action_fails_a_request_and_the_linter():
    only_send = policy_with(Action=["sqs:SendMessage", "sqs:SendMessageBatch"])
    assert evaluate("8.3", only_send).passed
    result = evaluate("8.3", policy_with(Action="sqs:*"))
    assert [r.description for r in result.failures] == [
        "SNS cannot receive or delete messages from the queue", lint_requirement("IAM010")]
    no_condition = evaluate("8.3", policy_with(Principal="*", Condition=None))
    assert lint_requirement("IAM004") in [r.description for r in no_condition.failures]


def test_hidden_cases_catch_a_prefix_wildcard_and_a_wrong_region_pattern():
    loose = policy_with(Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:security-findings*"}})
    assert evaluate("8.3", loose).passed, "the visible cases alone do not see this mistake"
    result = evaluate("8.3", loose, hidden=notebook_hidden_cases("8.3"))
    assert not result.passed
    assert {r.hidden for r in result.failures} == {True}
    assert len(result.failures) == 2


def test_policy_hints_name_the_mistake_but_never_the_solution():
    result = evaluate("8.3", policy_with(Principal="*", Action="sqs:*", Condition=None))
    hints = " ".join(r.hint for r in result.failures)
    assert len(result.failures) >= 4
    for secret in ("aws:SourceArn", "ArnEquals", TOPIC_ARN, "sns.amazonaws.com"):
        assert secret not in hints, f"a hint gives away {secret!r}"


def test_policy_answers_as_json_strings_work_and_broken_json_is_explained():
    assert evaluate("8.3", json.dumps(REFERENCE_POLICY)).passed
    assert_error(evaluate("8.3", '{"Version": "2012-10-17", "Statement": ['), "not valid JSON")
    assert_error(evaluate("8.3", ""), "not valid JSON")
    assert_error(evaluate("8.3", {}), "no 'Statement'")
    assert_error(evaluate("8.3", [REFERENCE_POLICY]), "a policy is a dict")
    assert_error(evaluate("8.3", policy_with(Effect="Permit")))


def test_an_empty_policy_fails_only_the_allowed_delivery():
    result = evaluate("8.3", {"Version": "2012-10-17", "Statement": []})
    assert [r.description for r in result.failures if not r.description.startswith("no lint")] == [
        get("8.3").cases[0].description]


# --- 8.4: encryption keys ------------------------------------------------------------------------------------

def test_managed_key_choice_is_explained_and_partially_credited():
    result = evaluate("8.4", {"B", "C", "D"})
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "cannot be edited" in hints and "1 more option" in hints
    assert "Option A" not in hints


def test_same_key_misconception_and_wildcard_principal_are_explained():
    same_key = evaluate("8.4", {"A", "F"})
    assert "its own key" in same_key.failures[0].hint
    wildcard = evaluate("8.4", {"A", "C", "D", "E"})
    assert wildcard.score == pytest.approx(5 / 6)
    assert "any AWS account" in wildcard.failures[0].hint


def test_encryption_malformed_choices():
    assert_error(evaluate("8.4", set()), "at least one")
    assert_error(evaluate("8.4", "ACD"), "set of option letters")
    assert_error(evaluate("8.4", {"A", "Z"}), "not one of the options")
    assert evaluate("8.4", ["a", "c", "d"]).passed
