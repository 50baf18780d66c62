"""Exercises of notebook 01 (Security, Identity & Compliance, three parts): reference solutions, realistic
wrong answers with partial credit and hints that name the misconception, and malformed input.

Policy exercises are graded by the real ``course.iam`` engine; their hidden cases are read from the
notebooks' check cells, so the tests and the notebooks cannot drift apart.
"""

from __future__ import annotations

import ast
import copy
import json
import re

import pytest
from conftest import ROOT

from course.exercises import CheckResult, evaluate, get
from course.exercises import security_identity as s
from course.iam import evaluate_json

FOLDER = ROOT / "source" / "01-security-identity-compliance"
NOTEBOOKS = sorted(FOLDER.glob("01-security-identity-compliance-part*.ipynb"))


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# --- reference solutions (the same values as the notebooks' solution cells) ----------------------------

TRUST = policy(
    {"Sid": "VendorScannerWithExternalId", "Effect": "Allow", "Principal": {"AWS": s.SCANNER_ROLE},
     "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": s.EXTERNAL_ID}}},
    {"Sid": "RespondersWithMfa", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{s.SECURITY}:root"},
     "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
)
EVERYDAY = {"Sid": "EverydayWork", "Effect": "Allow",
            "Action": ["lambda:*", "dynamodb:*", "s3:*", "logs:*", "cloudwatch:*", "iam:Get*", "iam:List*"],
            "Resource": "*"}
APP_ROLE_ACTIONS = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy",
                    "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"]
PASS_TO_LAMBDA = {"Sid": "PassAppRolesToLambda", "Effect": "Allow", "Action": "iam:PassRole",
                  "Resource": f"arn:aws:iam::{s.PROD}:role/app/*",
                  "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}


def app_roles(condition: dict | None) -> dict:
    statement = {"Sid": "CreateAndEditBoundedAppRoles", "Effect": "Allow", "Action": APP_ROLE_ACTIONS,
                 "Resource": f"arn:aws:iam::{s.PROD}:role/app/*"}
    if condition is not None:
        statement["Condition"] = condition
    return statement


BOUNDARY = policy(EVERYDAY, app_roles({"StringEquals": {"iam:PermissionsBoundary": s.APP_BOUNDARY}}),
                  PASS_TO_LAMBDA)
GLOBAL = ["iam:*", "organizations:*", "route53:*", "cloudfront:*", "support:*", "sts:*"]


def region_scp(*, not_action: list | None = None, regions: dict | None = None, exempt: bool = True,
               effect: str = "Deny") -> dict:
    condition = regions or {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}
    condition = dict(condition)
    if exempt:
        condition["ArnNotLike"] = {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}
    statement = {"Sid": "DenyOutsideApprovedRegions", "Effect": effect, "Resource": "*", "Condition": condition}
    if not_action is None:
        statement["NotAction"] = GLOBAL
    else:
        statement["Action"] = not_action
    return policy(statement)


ITEM_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]


def notes_policy(condition: dict | None = None, actions: list | str = ITEM_ACTIONS) -> dict:
    if condition is None:
        condition = {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}
    statement = {"Sid": "OwnItemsOnly", "Effect": "Allow", "Action": actions, "Resource": s.NOTES_TABLE}
    if condition:
        statement["Condition"] = condition
    return policy(statement)


READING = {"r1_decision": "Allow", "r1_statement": "ReadReports", "r2_decision": "ExplicitDeny",
           "r2_statement": "DenyInsecureTransport", "r3_decision": "ImplicitDeny", "r3_statement": "none",
           "r4_decision": "ExplicitDeny", "r4_statement": "DenyOutsideEU", "r5_decision": "ImplicitDeny",
           "r5_statement": "none"}
CONTROLS = {"req1": "RCP", "req2": "SCP", "req3": "declarative policy", "req4": "permissions boundary",
            "req5": "session policy", "req6": "SCP"}
IDENTITY_SERVICES = {"need1": "IAM Identity Center", "need2": "Cognito user pool", "need3": "Cognito identity pool",
                     "need4": "AWS Managed Microsoft AD", "need5": "AD Connector", "need6": "IAM Roles Anywhere"}

REFERENCES = {
    "1.1": ["B", "C", "E", "A", "F", "D"],
    "1.2": READING,
    "1.3": TRUST,
    "1.4": BOUNDARY,
    "1.5": region_scp(),
    "1.6": CONTROLS,
    "1.7": notes_policy(),
    "1.8": IDENTITY_SERVICES,
}
POINTS = {"1.1": 3, "1.2": 5, "1.3": 5, "1.4": 5, "1.5": 5, "1.6": 3, "1.7": 4, "1.8": 3}


def notebook_hidden_cases(exercise_id: str) -> list:
    """The literal ``hidden=[...]`` data in the check cell of ``exercise_id``, in whichever part it is."""
    grade_id = "check-" + exercise_id.replace(".", "-")
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") != grade_id:
                continue
            source = "".join(cell["source"])
            block = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", source, re.S)
            if not block:
                return []
            call = ast.parse(block.group(1)).body[0].value
            return ast.literal_eval(next(k.value for k in call.keywords if k.arg == "hidden"))
    raise AssertionError(f"no cell {grade_id} in {FOLDER.name}")


def notebook_solution(exercise_id: str):
    """The value the notebook's solution cell assigns, so that tests and notebooks agree."""
    grade_id = "answer-" + exercise_id.replace(".", "-")
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
                source = "".join(cell["source"])
                body = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, re.S).group(1)
                return ast.literal_eval(ast.parse(body).body[-1].value)
    raise AssertionError(f"no cell {grade_id}")


def assert_error(result: CheckResult, *words: str) -> None:
    assert result.error is not None, f"expected an error, got requirements {result.requirements}"
    assert result.score == 0 and not result.passed
    for word in words:
        assert word in result.error, f"{word!r} not in {result.error!r}"


def failed(result: CheckResult) -> list[str]:
    return [r.description for r in result.failures]


def assert_partial(result: CheckResult, failing: list[str], *hint_words: str) -> None:
    """The answer fails exactly the requirements whose descriptions contain ``failing`` (in order)."""
    assert result.error is None, result.error
    descriptions = failed(result)
    assert len(descriptions) == len(failing), descriptions
    for fragment, description in zip(failing, descriptions, strict=True):
        assert fragment in description, (fragment, description)
    assert 0 < result.score < 1
    hints = " ".join(r.hint for r in result.failures)
    for word in hint_words:
        assert word in hints, f"{word!r} not in the hints: {hints}"


# --- every exercise ---------------------------------------------------------------------------------------

def test_part1_registers_its_exercises_with_the_notebook_points_and_answer_names():
    for exercise_id, points in POINTS.items():
        exercise = get(exercise_id)
        assert exercise.points == points
        assert exercise.answer_name == "answer_" + exercise_id.replace(".", "_")


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_solution_scores_full_marks_with_the_hidden_cases(exercise_id):
    hidden = notebook_hidden_cases(exercise_id) if get(exercise_id).kind == "policy" else None
    result = evaluate(exercise_id, REFERENCES[exercise_id], hidden=hidden)
    assert result.passed and result.score == 1.0, str(result)
    if hidden:
        assert sum(r.hidden for r in result.requirements) == len(hidden) >= 3


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_the_notebook_solution_is_the_reference(exercise_id):
    assert notebook_solution(exercise_id) == REFERENCES[exercise_id]


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
@pytest.mark.parametrize("bad", [None, ..., 42, 3.5, True, "", object()],
                         ids=lambda v: "object" if type(v) is object else repr(v))
def test_malformed_answers_give_an_error_and_never_raise(exercise_id, bad):
    result = evaluate(exercise_id, bad)
    assert result.error, f"{exercise_id} accepted {bad!r}: {result}"
    assert result.score == 0


def test_keys_do_not_appear_in_plain_text_in_the_module():
    source = (ROOT / "course" / "exercises" / "security_identity.py").read_text()
    for helper in ("make_key(", "part_key(", "choice_keys(", "precedence_key("):
        assert helper not in source
    assert re.findall(r'"[0-9a-f]{64}"', source), "keys are 64-hex salted hashes"


@pytest.mark.parametrize("exercise_id", [k for k in sorted(REFERENCES) if get(k).kind == "policy"])
def test_policy_hints_never_give_the_solution_away(exercise_id):
    empty = {"Version": "2012-10-17", "Statement": []}
    result = evaluate(exercise_id, empty, hidden=notebook_hidden_cases(exercise_id))
    hints = " ".join(r.hint for r in result.failures)
    assert result.failures
    reference = json.dumps(REFERENCES[exercise_id])
    for value in re.findall(r'"([^"]{12,})"', reference):
        if value.startswith("arn:") or value.startswith("${") or "*" in value:
            assert value not in hints, f"a hint gives away {value!r}"


# --- 1.1 access-key rotation --------------------------------------------------------------------------

@pytest.mark.parametrize("order, score, words", [
    (["B", "A", "C", "E", "F", "D"], 5 / 6, "nobody told you"),          # deactivates before checking use
    (["B", "C", "E", "D", "A", "F"], 4 / 6, "cannot be undone"),         # deletes straight away
    (["B", "E", "C", "A", "F", "D"], 5 / 6, "only once the applications"),  # checks last use too early
    (["A", "B", "C", "E", "F", "D"], 5 / 6, "nobody told you"),          # switches the old key off first
])
def test_rotation_orders_that_risk_an_outage_get_partial_credit(order, score, words):
    result = evaluate("1.1", order)
    assert result.score == pytest.approx(score)
    assert words in " ".join(r.hint for r in result.failures)


def test_rotation_refuses_incomplete_or_repeated_steps():
    assert_error(evaluate("1.1", ["B", "C", "A", "D"]), "E, F missing")
    assert_error(evaluate("1.1", ["B", "C", "E", "A", "F", "D", "D"]), "D more than once")
    assert_error(evaluate("1.1", "BCEAFD"), "list of option letters")
    assert evaluate("1.1", ("b", "c", "e", "a", "f", "d")).passed


# --- 1.2 reading policies -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(s.READING_REQUESTS))
def test_the_reading_key_is_what_course_iam_decides(name):
    answer = evaluate_json(s.reading_question(name))
    decision = READING[f"{name}_decision"]
    assert answer["decision"] == decision
    deciding = answer["explanation"]["deciding_statement"]
    expected = READING[f"{name}_statement"]
    if decision == "ImplicitDeny":
        assert expected == "none"
    else:
        assert deciding["sid"] == expected


def test_reading_a_learner_who_thinks_the_bucket_policy_must_allow_too():
    result = evaluate("1.2", dict(READING, r1_decision="ImplicitDeny", r1_statement="none"))
    assert result.score == pytest.approx(8 / 10)
    assert "need not allow as well" in result.failures[0].hint


def test_reading_a_learner_who_forgets_the_permissions_boundary():
    result = evaluate("1.2", dict(READING, r3_decision="Allow", r3_statement="QueryWithAthena"))
    assert result.score == pytest.approx(8 / 10)
    assert "permissions boundary" in result.failures[0].hint


def test_reading_a_learner_who_names_a_statement_for_an_implicit_deny_and_misses_the_scp():
    result = evaluate("1.2", dict(READING, r5_statement="WriteScratch", r4_decision="Allow",
                                  r4_statement="QueryWithAthena"))
    assert result.score == pytest.approx(7 / 10)
    hints = " ".join(r.hint for r in result.failures)
    assert "answer 'none'" in hints and "NotAction" in hints


def test_reading_refuses_unknown_values():
    assert_error(evaluate("1.2", dict(READING, r1_decision="Deny")), "'Allow' or 'ImplicitDeny' or 'ExplicitDeny'")
    assert_error(evaluate("1.2", dict(READING, r2_statement="DenyPlainHttp")), "r2_statement")
    assert evaluate("1.2", {k: v.lower() for k, v in READING.items()}).passed, "case does not matter"


# --- 1.3 trust policy --------------------------------------------------------------------------------------

def trust_with(index: int, **changes) -> dict:
    document = copy.deepcopy(TRUST)
    for key, value in changes.items():
        if value is None:
            document["Statement"][index].pop(key)
        else:
            document["Statement"][index][key] = value
    return document


def test_trust_without_an_external_id_is_a_confused_deputy():
    result = evaluate("1.3", trust_with(0, Condition=None))
    assert_partial(result, ["refused without an external ID"], "confused-deputy")
    hidden = evaluate("1.3", trust_with(0, Condition=None), hidden=notebook_hidden_cases("1.3"))
    assert "another customer's external ID" in " ".join(failed(hidden))


def test_trust_with_a_wildcard_principal_and_the_external_id():
    result = evaluate("1.3", trust_with(0, Principal="*"))
    assert_partial(result, ["another role in the vendor's account", "unrelated account"], "not a password")


def test_trust_of_the_vendors_whole_account():
    result = evaluate("1.3", trust_with(0, Principal={"AWS": f"arn:aws:iam::{s.VENDOR}:root"}))
    assert_partial(result, ["another role in the vendor's account"], "whole account")


def test_trust_with_bool_if_exists_lets_long_term_keys_through():
    result = evaluate("1.3", trust_with(1, Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}))
    assert_partial(result, ["long-term access keys"], "absent, not false")


def test_trust_with_both_conditions_in_one_statement_refuses_everyone():
    merged = policy({"Effect": "Allow", "Principal": {"AWS": [s.SCANNER_ROLE, f"arn:aws:iam::{s.SECURITY}:root"]},
                     "Action": "sts:AssumeRole",
                     "Condition": {"StringEquals": {"sts:ExternalId": s.EXTERNAL_ID},
                                   "Bool": {"aws:MultiFactorAuthPresent": "true"}}})
    result = evaluate("1.3", merged)
    assert_partial(result, ["scanner role assumes", "responder in the security account"], "must not apply")


def test_trust_with_a_wildcard_in_a_principal_arn_is_a_lint_finding():
    wildcard = trust_with(1, Principal={"AWS": f"arn:aws:iam::{s.SECURITY}:user/responders/*"})
    result = evaluate("1.3", wildcard)
    assert "no lint finding IAM014" in failed(result)


def test_trust_policy_as_json_and_broken_json():
    assert evaluate("1.3", json.dumps(TRUST)).passed
    assert_error(evaluate("1.3", '{"Version": "2012-10-17", "Statement": ['), "not valid JSON")
    assert_error(evaluate("1.3", {"Version": "2012-10-17"}), "no 'Statement'")
    assert_error(evaluate("1.3", [TRUST]), "a policy is a dict")
    assert_error(evaluate("1.3", trust_with(0, Effect="Permit")), "your policy.Statement[0]")


# --- 1.4 permissions boundary ----------------------------------------------------------------------------

def test_boundary_that_only_requires_some_boundary():
    any_boundary = policy(EVERYDAY, app_roles({"Null": {"iam:PermissionsBoundary": "false"}}), PASS_TO_LAMBDA)
    result = evaluate("1.4", any_boundary)
    assert_partial(result, ["AdministratorAccess is refused"], "exactly")


def test_boundary_without_a_condition_on_role_creation():
    result = evaluate("1.4", policy(EVERYDAY, app_roles(None), PASS_TO_LAMBDA))
    assert_partial(result, ["without any boundary", "AdministratorAccess is refused"],
                   "iam:PermissionsBoundary")


def test_boundary_that_allows_all_of_iam():
    result = evaluate("1.4", policy(dict(EVERYDAY, Action=[*EVERYDAY["Action"], "iam:*"])))
    assert_partial(result, ["without any boundary", "AdministratorAccess is refused", "removing the boundary",
                            "editing DeveloperBoundary", "developers' own role"], "raise their own ceiling")


def test_boundary_that_forgets_the_everyday_work():
    result = evaluate("1.4", policy(app_roles({"StringEquals": {"iam:PermissionsBoundary": s.APP_BOUNDARY}}),
                                    PASS_TO_LAMBDA))
    assert_partial(result, ["deploys Lambda code"], "everyday services")


def test_boundary_with_a_wildcard_under_string_equals_fails_and_is_linted():
    loose = policy(EVERYDAY, app_roles({"StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::*:policy/App*"}}),
                   PASS_TO_LAMBDA)
    result = evaluate("1.4", loose)
    assert "no lint finding IAM015" in failed(result)
    assert "creates role app/orders-handler" in failed(result)[0]


# --- 1.5 Region SCP ---------------------------------------------------------------------------------------

def test_scp_that_allows_the_regions_instead_of_denying_the_others():
    result = evaluate("1.5", region_scp(effect="Allow", regions={
        "StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}, exempt=False))
    assert_partial(result, ["us-east-1 is denied", "ap-southeast-2 is denied"], "only a Deny does")


def test_scp_that_denies_every_action_breaks_global_services():
    result = evaluate("1.5", region_scp(not_action=["*"]))
    assert_partial(result, ["IAM still works", "CloudFront", "Route 53"], "served from us-east-1")


def test_scp_without_the_break_glass_exemption():
    result = evaluate("1.5", region_scp(exempt=False))
    assert_partial(result, ["BreakGlass role"], "aws:PrincipalArn")


def test_scp_with_a_region_pattern_passes_visibly_but_not_hidden():
    pattern = region_scp(regions={"StringNotLike": {"aws:RequestedRegion": ["eu-west-*", "eu-central-*"]}})
    assert evaluate("1.5", pattern).passed
    wide = region_scp(regions={"StringNotLike": {"aws:RequestedRegion": "eu-*"}})
    assert evaluate("1.5", wide).passed, "the visible cases cannot see this mistake"
    result = evaluate("1.5", wide, hidden=notebook_hidden_cases("1.5"))
    assert failed(result) == ["an instance in eu-north-1 is denied"]


def test_scp_hidden_cases_catch_a_prefix_exemption_and_a_wildcard_under_string_equals():
    prefix = copy.deepcopy(region_scp())
    prefix["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalArn"] = "arn:aws:iam::*:role/BreakGlass*"
    result = evaluate("1.5", prefix, hidden=notebook_hidden_cases("1.5"))
    assert failed(result) == ["a role named BreakGlassTest is not exempt"]
    equals = region_scp(regions={"StringNotEquals": {"aws:RequestedRegion": "eu-*"}})
    assert "no lint finding IAM015" in failed(evaluate("1.5", equals))


def test_scp_with_a_principal_element_is_explained():
    bad = copy.deepcopy(region_scp())
    bad["Statement"][0]["Principal"] = "*"
    assert_error(evaluate("1.5", bad), "Principal is not allowed", "your policy.Statement[0]")


# --- 1.6 choosing a control ----------------------------------------------------------------------------

def test_control_choice_with_scp_for_the_resource_perimeter_and_a_boundary_for_one_job():
    result = evaluate("1.6", dict(CONTROLS, req1="SCP", req5="permissions boundary"))
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "only limit the principals of your own accounts" in hints and "without changing the role" in hints


def test_control_choice_that_uses_an_scp_for_a_setting():
    result = evaluate("1.6", dict(CONTROLS, req3="SCP"))
    assert result.score == pytest.approx(5 / 6) and "service setting" in result.failures[0].hint
    assert_error(evaluate("1.6", dict(CONTROLS, req3="tag policy")), "'SCP' or 'RCP'")


# --- 1.7 DynamoDB with a Cognito variable -----------------------------------------------------------------

def test_notes_with_for_any_value_lets_a_mixed_batch_through():
    variable = "${cognito-identity.amazonaws.com:sub}"
    any_value = notes_policy({"ForAnyValue:StringEquals": {"dynamodb:LeadingKeys": variable}})
    assert_partial(evaluate("1.7", any_value), ["mixes Maria's and Omar's"], "Every key must match")


def test_notes_with_every_dynamodb_action():
    result = evaluate("1.7", notes_policy(actions="dynamodb:*"))
    assert_partial(result, ["scan the whole table", "delete the table", "no lint finding IAM010"],
                   "ForAllValues is true when the key is absent")


def test_notes_with_one_users_id_written_in():
    fixed = notes_policy({"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [s.MARIA_ID]}})
    assert_partial(evaluate("1.7", fixed), ["Omar reads one of his own notes"], "policy variable")


def test_notes_without_a_condition():
    result = evaluate("1.7", notes_policy(condition={}))
    assert_partial(result, ["cannot read Omar's note", "mixes Maria's and Omar's"], "dynamodb:LeadingKeys")


def test_notes_hidden_cases_catch_a_table_wildcard():
    wide = notes_policy()
    wide["Statement"][0]["Resource"] = f"arn:aws:dynamodb:{s.REGION}:{s.PROD}:table/*"
    assert evaluate("1.7", wide).passed
    result = evaluate("1.7", wide, hidden=notebook_hidden_cases("1.7"))
    assert failed(result) == ["Maria cannot read her key in another table"]


# --- 1.8 choosing an identity service ---------------------------------------------------------------------

def test_identity_choice_with_simple_ad_and_a_user_pool_for_credentials():
    result = evaluate("1.8", dict(IDENTITY_SERVICES, need4="Simple AD", need3="Cognito user pool"))
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "forest trust" in hints and "does not give AWS credentials" in hints


def test_identity_choice_that_keeps_access_keys():
    result = evaluate("1.8", dict(IDENTITY_SERVICES, need6="IAM users with access keys", need5="Simple AD"))
    assert result.score == pytest.approx(4 / 6)
    assert "get rid of" in " ".join(r.hint for r in result.failures)
