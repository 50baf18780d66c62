"""Exercises of notebook 09 (CodePipeline): reference solutions, realistic wrong answers, malformed input.

The deployment role's policy (9.2) is graded by the real ``course.iam`` engine; its hidden cases are read
from the notebook's check cell so that the tests and the notebook cannot drift apart.
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
from course.notebooks.developer_tools import DEPLOY_ROLE

NOTEBOOK = ROOT / "source" / "09-developer-tools" / "09-developer-tools.ipynb"
STACK_PATTERN = "arn:aws:cloudformation:eu-west-1:444455556666:stack/web-app/*"
CFN_ACTIONS = ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet",
               "cloudformation:DescribeChangeSet", "cloudformation:DescribeStacks"]

REFERENCE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "DeployWebAppStackOnly", "Effect": "Allow", "Action": CFN_ACTIONS, "Resource": STACK_PATTERN},
        {"Sid": "PassTheDeploymentRoleToCloudFormation", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": DEPLOY_ROLE,
         "Condition": {"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}}},
    ],
}

REFERENCE_CHAIN = {
    "pass_pipeline_role": "pipeline-admin",
    "assume_action_role": "pipeline-role",
    "pass_deploy_role": "action-role",
    "create_resources": "deploy-role",
    "read_artifacts": "action-role",
}

REFERENCES = {"9.1": "A", "9.2": REFERENCE_POLICY, "9.3": REFERENCE_CHAIN, "9.4": {"A", "C", "F"}}


def policy_with(index: int, **changes) -> dict:
    """The reference policy with fields of statement ``index`` replaced (None removes a field)."""
    policy = copy.deepcopy(REFERENCE_POLICY)
    statement = policy["Statement"][index]
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


def failed_cases(result: CheckResult) -> list[str]:
    return [r.description for r in result.failures if not r.description.startswith("no lint finding")]


# --- every exercise ------------------------------------------------------------------------------

def test_the_module_registers_four_exercises_of_four_kinds_with_the_notebook_points():
    exercises = {i: get(i) for i in REFERENCES}
    assert {e.kind for e in exercises.values()} == {"single-choice", "mapping", "policy", "multiple-choice"}
    assert {i: e.points for i, e in exercises.items()} == {"9.1": 2, "9.2": 4, "9.3": 3, "9.4": 3}
    for exercise_id, exercise in exercises.items():
        assert exercise.answer_name == "answer_" + exercise_id.replace(".", "_")


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_solution_scores_full_marks(exercise_id):
    result = evaluate(exercise_id, REFERENCES[exercise_id])
    assert result.error is None, result.error
    assert result.passed and result.score == 1.0, str(result)


def test_reference_policy_also_passes_the_notebooks_hidden_cases():
    hidden = notebook_hidden_cases("9.2")
    assert len(hidden) >= 3
    result = evaluate("9.2", REFERENCE_POLICY, hidden=hidden)
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
    source = (ROOT / "course" / "notebooks" / "developer_tools.py").read_text()
    assert "make_key(" not in source and "part_key(" not in source and "choice_keys(" not in source
    assert len(re.findall(r'"[0-9a-f]{64}"', source)) == 1 + 5 + 6, "every key is a 64-hex salted hash"


# --- 9.1: the connections rename ------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, words", [
    ("B", "no longer recommends"),
    ("C", "does not cover an ARN of the renamed service"),
    ("D", "IAM denial"),
    ("E", "never matches it, whatever the Resource"),  # the distractor that names the new ARN (review F30)
])
def test_connection_wrong_options_explain_the_misconception(wrong, words):
    result = evaluate("9.1", wrong)
    assert not result.passed and result.score == 0
    hint = result.failures[0].hint
    assert words in hint
    assert "codeconnections:UseConnection" not in hint and "Option A" not in hint


def test_connection_choice_accepts_case_and_refuses_collections():
    assert evaluate("9.1", " a").passed
    assert_error(evaluate("9.1", {"A"}), "exactly one")
    assert_error(evaluate("9.1", "Q"), "not one of the options")
    assert set(get("9.1").explanations) == set(get("9.1").options)


# --- 9.2: the deployment role's identity policy (course.iam) ---------------------------------------------

@pytest.mark.parametrize("name, policy, failing", [
    ("PassRole on every role", policy_with(1, Resource="*"), ["pass prod-admin"]),
    ("PassRole without a service condition", policy_with(1, Condition=None), ["to Lambda"]),
    ("every stack of the account",
     policy_with(0, Resource="arn:aws:cloudformation:eu-west-1:444455556666:stack/*"), ["another stack"]),
    ("no PassRole at all",
     {"Version": "2012-10-17", "Statement": [REFERENCE_POLICY["Statement"][0]]},
     ["passes web-app-cfn-deploy to CloudFormation"]),
    ("create change sets only", policy_with(0, Action="cloudformation:CreateChangeSet"),
     ["executes the change set", "reads the web-app stack"]),
    ("IAM role creation granted as well",
     {"Version": "2012-10-17", "Statement": [*REFERENCE_POLICY["Statement"],
                                             {"Effect": "Allow", "Action": "iam:CreateRole",
                                              "Resource": "arn:aws:iam::444455556666:role/*"}]},
     ["create IAM roles"]),
])
def test_realistic_wrong_policies_fail_the_right_cases_with_partial_credit(name, policy, failing):
    result = evaluate("9.2", policy)
    assert result.error is None, result.error
    failed = failed_cases(result)
    assert len(failed) == len(failing), f"{name}: {failed}"
    for fragment, description in zip(failing, failed, strict=True):
        assert fragment in description
    for failure in result.failures:
        assert len(failure.hint) > 40, "every failure explains itself"
    assert 0 < result.score < 1


def test_passrole_on_star_is_also_a_lint_finding():
    result = evaluate("9.2", policy_with(1, Resource="*", Condition=None))
    descriptions = [r.description for r in result.failures]
    assert lint_requirement("IAM005") in descriptions
    assert {"the deployer cannot pass prod-admin to CloudFormation",
            "the deployer cannot pass web-app-cfn-deploy to Lambda"} <= set(descriptions)


def test_service_wide_actions_fail_requests_and_the_linter():
    result = evaluate("9.2", policy_with(0, Action="cloudformation:*"))
    assert [r.description for r in result.failures] == [lint_requirement("IAM010")]
    assert evaluate("9.2", policy_with(0, Action="cloudformation:*"),
                    hidden=notebook_hidden_cases("9.2")).score < result.score, "DeleteStack is hidden"


def test_hidden_cases_catch_open_ended_names():
    loose = policy_with(0, Resource="arn:aws:cloudformation:eu-west-1:444455556666:stack/web-app*")
    loose["Statement"][1]["Resource"] = DEPLOY_ROLE + "*"
    assert evaluate("9.2", loose).passed, "the visible cases alone do not see this mistake"
    result = evaluate("9.2", loose, hidden=notebook_hidden_cases("9.2"))
    assert not result.passed
    assert {r.hidden for r in result.failures} == {True} and len(result.failures) == 2


def test_policy_hints_never_give_the_solution():
    result = evaluate("9.2", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:*", "cloudformation:*"], "Resource": "*"}]})
    hints = " ".join(r.hint for r in result.failures)
    assert len(result.failures) >= 4
    for secret in ("iam:PassedToService", "StringEquals", STACK_PATTERN, DEPLOY_ROLE):
        assert secret not in hints, f"a hint gives away {secret!r}"


def test_policy_answers_as_json_strings_work_and_broken_json_is_explained():
    assert evaluate("9.2", json.dumps(REFERENCE_POLICY)).passed
    assert_error(evaluate("9.2", "{'Statement': []}"), "not valid JSON")
    assert_error(evaluate("9.2", ""), "not valid JSON")
    assert_error(evaluate("9.2", {"Version": "2012-10-17"}), "no 'Statement'")
    assert_error(evaluate("9.2", [REFERENCE_POLICY]), "a policy is a dict")
    assert_error(evaluate("9.2", policy_with(0, Effect="Maybe")))


# --- 9.3: the role chain ----------------------------------------------------------------------------------

def test_chain_that_gives_everything_to_the_pipeline_role_gets_partial_credit():
    everything_in_tools = dict.fromkeys(REFERENCE_CHAIN, "pipeline-role")
    result = evaluate("9.3", everything_in_tools)
    assert result.score == pytest.approx(1 / 5)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'pipeline-role'" in hints and "done by identities there" in hints


def test_chain_that_lets_the_action_role_create_resources_loses_one_part():
    result = evaluate("9.3", dict(REFERENCE_CHAIN, create_resources="action-role"))
    assert result.score == pytest.approx(4 / 5)
    assert result.failures[0].hint.startswith("You chose 'action-role'.")
    assert "nor is it the role CloudFormation creates resources with" in result.failures[0].hint


def test_chain_accepts_case_and_refuses_unknown_values():
    assert evaluate("9.3", {k: v.upper() for k, v in REFERENCE_CHAIN.items()}).passed
    assert_error(evaluate("9.3", dict(REFERENCE_CHAIN, read_artifacts="codepipeline")), "'read_artifacts'")
    assert_error(evaluate("9.3", dict(REFERENCE_CHAIN, trust_policy="action-role")), "unexpected key")
    assert_error(evaluate("9.3", {}), "empty")
    assert evaluate("9.3", {"create_resources": "deploy-role"}).score == pytest.approx(1 / 5)


# --- 9.4: the artifact store -------------------------------------------------------------------------------

def test_artifact_store_with_the_managed_key_and_an_alias_is_explained():
    result = evaluate("9.4", {"B", "C", "D", "F"})
    assert result.score == pytest.approx(3 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "cannot be changed" in hints and "key ID or key ARN" in hints and "1 more option" in hints


def test_artifact_store_with_a_tools_account_deploy_role_is_explained():
    result = evaluate("9.4", {"A", "C", "E", "F"})
    assert result.score == pytest.approx(5 / 6)
    assert "cross-account pass role is not allowed" in result.failures[0].hint


def test_artifact_store_malformed_choices():
    assert_error(evaluate("9.4", []), "at least one")
    assert_error(evaluate("9.4", "ACF"), "set of option letters")
    assert_error(evaluate("9.4", {"A", "G"}), "not one of the options")
