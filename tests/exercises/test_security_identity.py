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

from course import data
from course.authoring import hidden_cases
from course.exercises import CheckResult, evaluate, get
from course.exercises.kinds.policy import lint_requirement
from course.iam import evaluate_json
from course.notebooks.security_identity import part1, part2, part3, scenario

FOLDER = ROOT / "source" / "01-security-identity-compliance"
NOTEBOOKS = sorted(FOLDER.glob("01-security-identity-compliance-part*.ipynb"))


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# --- reference solutions (the same values as the notebooks' solution cells) ----------------------------

TRUST = policy(
    {"Sid": "VendorScannerWithExternalId", "Effect": "Allow", "Principal": {"AWS": part1.SCANNER_ROLE},
     "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": part1.EXTERNAL_ID}}},
    {"Sid": "RespondersWithMfa", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{scenario.SECURITY}:root"},
     "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
)
EVERYDAY = {"Sid": "EverydayWork", "Effect": "Allow",
            "Action": ["lambda:*", "dynamodb:*", "s3:*", "logs:*", "cloudwatch:*", "iam:Get*", "iam:List*"],
            "Resource": "*"}
APP_ROLE_ACTIONS = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy",
                    "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"]
PASS_TO_LAMBDA = {"Sid": "PassAppRolesToLambda", "Effect": "Allow", "Action": "iam:PassRole",
                  "Resource": f"arn:aws:iam::{scenario.PROD}:role/app/*",
                  "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}


def app_roles(condition: dict | None) -> dict:
    statement = {"Sid": "CreateAndEditBoundedAppRoles", "Effect": "Allow", "Action": APP_ROLE_ACTIONS,
                 "Resource": f"arn:aws:iam::{scenario.PROD}:role/app/*"}
    if condition is not None:
        statement["Condition"] = condition
    return statement


BOUNDARY = policy(EVERYDAY, app_roles({"StringEquals": {"iam:PermissionsBoundary": part1.APP_BOUNDARY}}),
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


OWN_FOLDER = f"{part1.PHOTOS}/private/${{cognito-identity.amazonaws.com:sub}}/*"
OWN_PREFIX = {"StringLike": {"s3:prefix": "private/${cognito-identity.amazonaws.com:sub}/*"}}


def photos_policy(objects: dict | None = None, listing: dict | None = None) -> dict:
    """The reference policy of 1.7 with fields of its two statements replaced (None removes a field)."""
    own = {"Sid": "OwnPhotos", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
           "Resource": OWN_FOLDER}
    folder = {"Sid": "ListOwnFolder", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": part1.PHOTOS,
              "Condition": OWN_PREFIX}
    for statement, changes in ((own, objects), (folder, listing)):
        for key, value in (changes or {}).items():
            if value is None:
                statement.pop(key)
            else:
                statement[key] = value
    return policy(own, folder)


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
    "1.7": photos_policy(),
    "1.8": IDENTITY_SERVICES,
}
POINTS = {"1.1": 3, "1.2": 5, "1.3": 5, "1.4": 5, "1.5": 5, "1.6": 3, "1.7": 4, "1.8": 3}


def notebook_hidden_cases(exercise_id: str) -> list:
    """The literal ``hidden=[...]`` data in the notebook's check cell of ``exercise_id``."""
    return hidden_cases(NOTEBOOKS, exercise_id)


def notebook_solution(exercise_id: str):
    """The value the notebook's solution cell assigns, so that tests and notebooks agree."""
    grade_id = "answer-" + exercise_id.replace(".", "-")
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
                source = "".join(cell["source"])
                body = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, re.S).group(1)
                if get(exercise_id).variants is not None:
                    return _built_from_the_variant(exercise_id, body)
                return ast.literal_eval(ast.parse(body).body[-1].value)
    raise AssertionError(f"no cell {grade_id}")


def _built_from_the_variant(exercise_id: str, block: str):
    """A solution written in terms of the learner's variant (``v1_3``), for the default scenario."""
    scope = {"v" + exercise_id.replace(".", "_"): get(exercise_id).variants.values(exercise_id, None)}
    exec(block, scope)  # noqa: S102 - the notebook's own solution code
    return scope["answer_" + exercise_id.replace(".", "_")]


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

@pytest.mark.parametrize("name", sorted(part1.READING_REQUESTS))
def test_the_reading_key_is_what_course_iam_decides(name):
    answer = evaluate_json(part1.reading_question(name))
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
    assert result.failures[0].hint == ("You chose 'ImplicitDeny'. The bucket policy does not name the analyst, but "
                                       "inside one account an identity policy alone can grant a request.")


def test_reading_a_learner_who_forgets_the_permissions_boundary():
    result = evaluate("1.2", dict(READING, r3_decision="Allow", r3_statement="QueryWithAthena"))
    assert result.score == pytest.approx(8 / 10)
    assert "permissions boundary" in result.failures[0].hint


def test_reading_a_learner_who_names_a_statement_for_an_implicit_deny_and_misses_the_scp():
    result = evaluate("1.2", dict(READING, r5_statement="WriteScratch", r4_decision="Allow",
                                  r4_statement="QueryWithAthena"))
    assert result.score == pytest.approx(7 / 10)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'WriteScratch'. WriteScratch allows s3:PutObject only on keys under scratch/" in hints
    assert "You chose 'Allow'" in hints and "look at where the request is sent" in hints
    assert "a grant decides only a request that ends up allowed" in hints
    assert "DenyOutsideEU" not in hints and "'none'" not in hints, "the hints never name the right answers"


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
    result = evaluate("1.3", trust_with(0, Principal={"AWS": f"arn:aws:iam::{scenario.VENDOR}:root"}))
    assert_partial(result, ["another role in the vendor's account"], "whole account")


def test_trust_with_bool_if_exists_lets_long_term_keys_through():
    result = evaluate("1.3", trust_with(1, Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}))
    assert_partial(result, ["long-term access keys"], "absent, not false")


def test_trust_with_both_conditions_in_one_statement_refuses_everyone():
    responders = f"arn:aws:iam::{scenario.SECURITY}:root"
    merged = policy({"Effect": "Allow", "Principal": {"AWS": [part1.SCANNER_ROLE, responders]},
                     "Action": "sts:AssumeRole",
                     "Condition": {"StringEquals": {"sts:ExternalId": part1.EXTERNAL_ID},
                                   "Bool": {"aws:MultiFactorAuthPresent": "true"}}})
    result = evaluate("1.3", merged)
    assert_partial(result, ["scanner role assumes", "responder in the security account"], "must not apply")


def test_trust_with_a_wildcard_in_a_principal_arn_is_a_lint_finding():
    wildcard = trust_with(1, Principal={"AWS": f"arn:aws:iam::{scenario.SECURITY}:user/responders/*"})
    result = evaluate("1.3", wildcard)
    assert lint_requirement("IAM014") in failed(result)


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
    result = evaluate("1.4", policy(app_roles({"StringEquals": {"iam:PermissionsBoundary": part1.APP_BOUNDARY}}),
                                    PASS_TO_LAMBDA))
    assert_partial(result, ["deploys Lambda code"], "everyday services")


def test_boundary_with_a_wildcard_under_string_equals_fails_and_is_linted():
    loose = policy(EVERYDAY, app_roles({"StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::*:policy/App*"}}),
                   PASS_TO_LAMBDA)
    result = evaluate("1.4", loose)
    assert lint_requirement("IAM015") in failed(result)
    assert "creates role app/orders-handler" in failed(result)[0]


def test_boundary_that_passes_app_roles_to_any_service_fails_the_hidden_case():
    """Review WG3: without iam:PassedToService the developers could pass an /app/ role to EC2."""
    any_service = copy.deepcopy(BOUNDARY)
    del any_service["Statement"][2]["Condition"]
    assert evaluate("1.4", any_service).passed, "the visible cases cannot see this mistake"
    result = evaluate("1.4", any_service, hidden=notebook_hidden_cases("1.4"))
    assert failed(result) == ["passing the app role app/orders-handler to EC2 is refused"]
    assert "only to Lambda" in result.failures[0].hint


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
    assert lint_requirement("IAM015") in failed(evaluate("1.5", equals))


def test_scp_with_a_principal_element_is_explained():
    bad = copy.deepcopy(region_scp())
    bad["Statement"][0]["Principal"] = "*"
    assert_error(evaluate("1.5", bad), "Principal is not allowed", "your policy.Statement[0]")


# --- 1.6 choosing a control ----------------------------------------------------------------------------

def test_control_choice_with_scp_for_the_resource_perimeter_and_a_boundary_for_one_job():
    result = evaluate("1.6", dict(CONTROLS, req1="SCP", req5="permissions boundary"))
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'SCP'. An SCP only limits the principals of your own organization's accounts" in hints
    assert "You chose 'permissions boundary'. A permissions boundary caps only the IAM users and roles" in hints
    assert "RCP" not in hints and "session policy" not in hints, "the hints never name the right controls"


def test_control_choice_that_uses_an_scp_for_a_setting():
    result = evaluate("1.6", dict(CONTROLS, req3="SCP"))
    assert result.score == pytest.approx(5 / 6)
    hint = result.failures[0].hint
    assert hint.startswith("You chose 'SCP'. An SCP caps what the principals") and "declarative" not in hint
    assert_error(evaluate("1.6", dict(CONTROLS, req3="tag policy")), "'SCP' or 'RCP'")


# --- 1.7 S3 folders with a Cognito variable ----------------------------------------------------------------

def test_photos_with_a_wildcard_instead_of_the_variable():
    result = evaluate("1.7", photos_policy(objects={"Resource": f"{part1.PHOTOS}/private/*"}))
    assert_partial(result, ["cannot read Omar's photo"], "opens every user's folder")
    hidden = evaluate("1.7", photos_policy(objects={"Resource": f"{part1.PHOTOS}/private/*"}),
                      hidden=notebook_hidden_cases("1.7"))
    assert "Omar cannot upload into Maria's folder" in failed(hidden)


def test_photos_with_one_users_id_written_in():
    fixed = photos_policy(objects={"Resource": f"{part1.PHOTOS}/private/{part1.MARIA_ID}/*"})
    assert_partial(evaluate("1.7", fixed), ["Omar reads one of his own photos"], "policy variable")


def test_photos_listing_without_a_prefix_condition_or_with_if_exists():
    assert_partial(evaluate("1.7", photos_policy(listing={"Condition": None})),
                   ["cannot list Omar's folder", "cannot list the whole bucket"], "every user's files")
    if_exists = photos_policy(listing={"Condition": {"StringLikeIfExists": OWN_PREFIX["StringLike"]}})
    assert_partial(evaluate("1.7", if_exists), ["cannot list the whole bucket"], "no s3:prefix key")


def test_photos_listing_granted_on_object_arns():
    result = evaluate("1.7", photos_policy(listing={"Resource": OWN_FOLDER, "Condition": None}))
    assert_partial(result, ["lists her own folder"], "bucket's ARN")


def test_photos_with_every_s3_action():
    result = evaluate("1.7", photos_policy(objects={"Action": "s3:*", "Resource": f"{part1.PHOTOS}/*"}))
    assert_partial(result, ["cannot read Omar's photo", "outside the private/ area", lint_requirement("IAM010")])


def test_photos_hidden_cases_catch_a_prefix_pattern_that_also_admits_the_parent():
    loose = photos_policy(listing={"Condition": {"StringLike": {"s3:prefix": [
        "private/", "private/${cognito-identity.amazonaws.com:sub}/*"]}}})
    assert evaluate("1.7", loose).passed, "the visible cases cannot see this mistake"
    result = evaluate("1.7", loose, hidden=notebook_hidden_cases("1.7"))
    assert failed(result) == ["Maria cannot list the parent private/ folder"]


# --- 1.8 choosing an identity service ---------------------------------------------------------------------

def test_identity_choice_with_simple_ad_and_a_user_pool_for_credentials():
    result = evaluate("1.8", dict(IDENTITY_SERVICES, need4="Simple AD", need3="Cognito user pool"))
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'Simple AD'. Simple AD is a small Samba-based directory in AWS: it cannot hold a trust" in hints
    assert "You chose 'Cognito user pool'" in hints and "not AWS credentials" in hints
    assert "identity pool" not in hints and "Managed Microsoft AD" not in hints, "the right services go unnamed"


def test_identity_choice_that_keeps_access_keys():
    result = evaluate("1.8", dict(IDENTITY_SERVICES, need6="IAM users with access keys", need5="Simple AD"))
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'IAM users with access keys'. IAM users with access keys are long-term credentials" in hints
    assert "Roles Anywhere" not in hints and "AD Connector" not in hints


# =====================================================================================================
# Part 2 — KMS, secrets and certificates
# =====================================================================================================

KEY_ADMIN_ACTIONS = ["kms:CreateAlias", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                     "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
                     "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"]
KEY_USER_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]


def key_policy(admin_actions: list | str = KEY_ADMIN_ACTIONS, condition: dict | None = None,
               extra: tuple = ()) -> dict:
    if condition is None:
        condition = {"StringEquals": {"kms:ViaService": part2.S3_VIA,
                                      "kms:EncryptionContext:aws:s3:arn": part2.PAYROLL_BUCKET}}
    user = {"Sid": "PayrollAppThroughS3ForTheArchive", "Effect": "Allow", "Principal": {"AWS": part2.PAYROLL_APP},
            "Action": KEY_USER_ACTIONS, "Resource": "*"}
    if condition:
        user["Condition"] = condition
    return policy(*extra, {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": part2.KEY_ADMINS},
                           "Action": admin_actions, "Resource": "*"}, user)


def secrets_policy(condition: dict | None = None, actions: list | str = ("secretsmanager:GetSecretValue",
                                                                        "secretsmanager:DescribeSecret")) -> dict:
    statement = {"Sid": "ReadOwnProjectSecrets", "Effect": "Allow", "Action": list(actions) if not isinstance(
        actions, str) else actions, "Resource": "*"}
    condition = {"StringEquals": {"aws:ResourceTag/project": "${aws:PrincipalTag/project}"}} \
        if condition is None else condition
    if condition:
        statement["Condition"] = condition
    return policy(statement)


ARCHIVE = [part2.PAYROLL_BUCKET, f"{part2.PAYROLL_BUCKET}/*"]


def endpoint_policy(condition: dict | None = None, resource: list | str = ARCHIVE, **changes) -> dict:
    statement = {"Sid": "OnlyThroughTheArchiveEndpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": resource,
                 "Condition": condition or {"StringNotEquals": {"aws:SourceVpce": part2.ENDPOINT},
                                            "ArnNotEquals": {"aws:PrincipalArn": part2.ARCHIVE_ADMIN}}}
    for key, value in changes.items():
        if value is None:
            statement.pop(key)
        else:
            statement[key] = value
    return policy(statement)


PERIMETER_CONDITION = {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": scenario.ORG_ID},
                       "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}


def rcp(condition: dict = PERIMETER_CONDITION, actions: list | str = ("s3:*", "kms:*", "secretsmanager:*"),
        **changes) -> dict:
    statement = {"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
                 "Action": list(actions) if not isinstance(actions, str) else actions, "Resource": "*",
                 "Condition": condition}
    statement.update(changes)
    return policy(statement)


KEY_CHOICES = {"need1": "AWS owned key", "need2": "AWS managed key", "need3": "customer managed key",
               "need4": "imported key material", "need5": "CloudHSM key store", "need6": "external key store",
               "need7": "multi-Region key", "need8": "CloudHSM cluster without KMS"}

REFERENCES.update({
    "1.9": key_policy(),
    "1.10": KEY_CHOICES,
    "1.11": secrets_policy(),
    "1.12": endpoint_policy(),
    "1.13": rcp(),
    "1.14": {"A", "B", "C"},
})
POINTS.update({"1.9": 5, "1.10": 4, "1.11": 4, "1.12": 4, "1.13": 5, "1.14": 3})


# --- 1.9 key policy ---------------------------------------------------------------------------------------

def test_key_policy_that_also_delegates_to_iam_lets_power_users_decrypt():
    root = {"Sid": "EnableIamPolicies", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{scenario.PROD}:root"},
            "Action": "kms:*", "Resource": "*"}
    result = evaluate("1.9", key_policy(extra=(root,)))
    assert_partial(result, ["cannot call Decrypt directly", "another bucket", "administrators cannot decrypt",
                            "PowerUserAccess cannot decrypt"], "delegates to IAM policies")


def test_key_policy_that_gives_administrators_every_kms_action():
    result = evaluate("1.9", key_policy(admin_actions="kms:*"))
    assert_partial(result, ["administrators cannot decrypt"], "Managing a key is not using it")


def test_key_policy_without_via_service_or_without_any_condition():
    no_via = key_policy(condition={"StringEquals": {"kms:EncryptionContext:aws:s3:arn": part2.PAYROLL_BUCKET}})
    assert_partial(evaluate("1.9", no_via), ["cannot call Decrypt directly"], "copied out of the bucket")
    assert_partial(evaluate("1.9", key_policy(condition={})), ["cannot call Decrypt directly", "another bucket"],
                   "encryption context aws:s3:arn")


def test_key_policy_with_a_wildcard_under_string_equals():
    loose = key_policy(condition={"StringEquals": {"kms:ViaService": part2.S3_VIA,
                                                   "kms:EncryptionContext:aws:s3:arn": f"{part2.PAYROLL_BUCKET}/*"}})
    result = evaluate("1.9", loose)
    assert failed(result)[:2] == ["the payroll app gets a data key through S3 for payroll-archive",
                                  "the payroll app decrypts through S3 for payroll-archive"]
    assert lint_requirement("IAM015") in failed(result)


def test_key_policy_with_the_aws_default_create_star_lets_administrators_grant_themselves_decrypt():
    """Review WG1: kms:Create* includes kms:CreateGrant, and a grant to themselves lets the admins decrypt."""
    default_admin = key_policy(admin_actions=["kms:Create*", *KEY_ADMIN_ACTIONS[1:]])
    assert evaluate("1.9", default_admin).passed, "the visible cases cannot see this mistake"
    result = evaluate("1.9", default_admin, hidden=notebook_hidden_cases("1.9"))
    assert failed(result) == ["the key administrators cannot create a grant for themselves"]
    assert "kms:CreateGrant" in result.failures[0].hint and result.score < 1


def test_key_policy_hidden_cases_catch_a_role_name_without_an_account():
    any_account = key_policy()
    any_account["Statement"][1]["Principal"] = "*"
    any_account["Statement"][1]["Condition"]["ArnLike"] = {"aws:PrincipalArn": "arn:aws:iam::*:role/PayrollApp"}
    assert evaluate("1.9", any_account).passed, "the visible cases cannot see this mistake"
    result = evaluate("1.9", any_account, hidden=notebook_hidden_cases("1.9"))
    assert failed(result) == ["a role of another account cannot decrypt through S3"]


# --- 1.10 kinds of key ----------------------------------------------------------------------------------

def test_key_choice_that_confuses_the_keys_aws_manages():
    result = evaluate("1.10", dict(KEY_CHOICES, need1="AWS managed key", need2="AWS owned key"))
    assert result.score == pytest.approx(6 / 8)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'AWS managed key'. An AWS managed key sits in your account" in hints
    assert "You chose 'AWS owned key'. An AWS owned key lives in an AWS account, not yours" in hints


def test_key_choice_that_uses_cloudhsm_for_everything():
    result = evaluate("1.10", dict(KEY_CHOICES, need4="CloudHSM key store", need6="CloudHSM key store"))
    assert result.score == pytest.approx(6 / 8)
    hints = " ".join(r.hint for r in result.failures)
    assert hints.count("You chose 'CloudHSM key store'. A CloudHSM key store keeps KMS key material in your "
                       "CloudHSM cluster inside AWS") == 2
    assert "imported" not in hints and "external key store" not in hints


# --- 1.11 Secrets Manager ABAC -----------------------------------------------------------------------------

def test_secrets_policy_with_one_project_written_in():
    result = evaluate("1.11", secrets_policy({"StringEquals": {"aws:ResourceTag/project": "orders"}}))
    assert_partial(result, ["payments function reads"], "policy variable")


def test_secrets_policy_with_if_exists_reads_untagged_secrets():
    if_exists = secrets_policy({"StringEqualsIfExists": {"aws:ResourceTag/project": "${aws:PrincipalTag/project}"}})
    assert_partial(evaluate("1.11", if_exists), ["untagged secret is not readable", "role without a project tag"],
                   "no tag at all")


def test_secrets_policy_with_if_exists_on_the_roles_tag():
    reverse = secrets_policy({"StringEqualsIfExists": {"aws:PrincipalTag/project": "${aws:ResourceTag/project}"}})
    assert_partial(evaluate("1.11", reverse), ["role without a project tag"], "role has no tag")


def test_secrets_policy_with_every_action_or_no_condition():
    assert_partial(evaluate("1.11", secrets_policy(actions="secretsmanager:*")),
                   ["cannot change its secret's value", lint_requirement("IAM010")], "rotation writes them")
    assert_partial(evaluate("1.11", secrets_policy(condition={})),
                   ["cannot read a payments secret", "untagged secret", "role without a project tag"],
                   "every application reads every secret")


# --- 1.12 VPC endpoint bucket policy --------------------------------------------------------------------

def test_endpoint_policy_that_allows_instead_of_denying():
    allow = endpoint_policy(condition={"StringEquals": {"aws:SourceVpce": part2.ENDPOINT}}, Effect="Allow")
    assert_partial(evaluate("1.12", allow), ["over the internet", "another endpoint", "cannot list the bucket"],
                   "only a Deny can take access away")


def test_endpoint_policy_on_the_vpc_instead_of_the_endpoint():
    vpc = endpoint_policy(condition={"StringNotEquals": {"aws:SourceVpc": part2.VPC},
                                     "ArnNotEquals": {"aws:PrincipalArn": part2.ARCHIVE_ADMIN}})
    assert_partial(evaluate("1.12", vpc), ["another endpoint in the same VPC"], "names one endpoint")


def test_endpoint_policy_for_objects_only_and_without_the_admin_exemption():
    assert_partial(evaluate("1.12", endpoint_policy(resource=f"{part2.PAYROLL_BUCKET}/*")),
                   ["cannot list the bucket"], "bucket itself")
    no_exemption = endpoint_policy(condition={"StringNotEquals": {"aws:SourceVpce": part2.ENDPOINT}})
    assert_partial(evaluate("1.12", no_exemption), ["ArchiveAdmin can still manage"], "aws:PrincipalArn")


def test_endpoint_policy_that_exempts_the_admin_with_not_principal():
    not_principal = endpoint_policy(condition={"StringNotEquals": {"aws:SourceVpce": part2.ENDPOINT}},
                                    Principal=None, NotPrincipal={"AWS": part2.ARCHIVE_ADMIN})
    assert_partial(evaluate("1.12", not_principal), ["ArchiveAdmin can still manage", lint_requirement("IAM018")],
                   "does not exempt the role's sessions")


def test_endpoint_policy_hidden_cases_catch_a_prefix_exemption():
    prefix = endpoint_policy(condition={"StringNotEquals": {"aws:SourceVpce": part2.ENDPOINT},
                                        "ArnNotLike": {"aws:PrincipalArn": f"{part2.ARCHIVE_ADMIN}*"}})
    assert evaluate("1.12", prefix).passed
    result = evaluate("1.12", prefix, hidden=notebook_hidden_cases("1.12"))
    assert failed(result) == ["a role named ArchiveAdminTest is not exempt"]


# --- 1.13 resource control policy ------------------------------------------------------------------------

def test_rcp_without_the_service_exemption_breaks_cloudtrail():
    result = evaluate("1.13", rcp({"StringNotEqualsIfExists": {"aws:PrincipalOrgID": scenario.ORG_ID}}))
    assert_partial(result, ["CloudTrail still delivers"], "aws:PrincipalIsAWSService")


def test_rcp_without_if_exists_misses_anonymous_callers():
    plain = rcp({"StringNotEquals": {"aws:PrincipalOrgID": scenario.ORG_ID},
                 "Bool": {"aws:PrincipalIsAWSService": "false"}})
    assert_partial(evaluate("1.13", plain), ["anonymous visitor"], "anonymous request")


def test_rcp_written_as_an_allow_list():
    allow = rcp({"StringEquals": {"aws:PrincipalOrgID": scenario.ORG_ID}}, Effect="Allow")
    assert_partial(evaluate("1.13", allow), ["another organization", "vendor account", "shared KMS key",
                                             "anonymous visitor", lint_requirement("IAM021")], "only ever takes away")


def test_rcp_for_s3_only_and_with_a_named_principal():
    assert_partial(evaluate("1.13", rcp(actions="s3:*")),
                   ["another organization", "vendor account", "shared KMS key"], "cover KMS as well")
    named = rcp(Principal={"AWS": f"arn:aws:iam::{scenario.STRANGER}:root"})
    assert_partial(evaluate("1.13", named), ["vendor account", "anonymous visitor", lint_requirement("IAM022")])


def test_rcp_hidden_cases_catch_a_perimeter_that_exempts_only_cloudtrail():
    cloudtrail_only = rcp({"StringNotEqualsIfExists": {"aws:PrincipalOrgID": scenario.ORG_ID,
                                                       "aws:PrincipalServiceName": "cloudtrail.amazonaws.com"}})
    assert evaluate("1.13", cloudtrail_only).passed
    result = evaluate("1.13", cloudtrail_only, hidden=notebook_hidden_cases("1.13"))
    assert failed(result) == ["AWS Config still delivers its snapshots"]


# --- 1.14 certificates --------------------------------------------------------------------------------------

def test_certificates_with_email_validation_or_one_regional_certificate():
    email = evaluate("1.14", {"A", "B", "C", "D"})
    assert email.score == pytest.approx(6 / 7) and "renewal email" in email.failures[0].hint
    single = evaluate("1.14", {"B", "C", "F"})
    assert single.score == pytest.approx(5 / 7)
    assert "us-east-1 only" in single.failures[0].hint and "1 more option" in single.failures[1].hint


def test_certificates_with_imported_or_exported_keys():
    imported = evaluate("1.14", {"A", "B", "C", "G"})
    assert "does not renew imported" in imported.failures[0].hint
    exported = evaluate("1.14", {"A", "E"})
    assert exported.score == pytest.approx(4 / 7) and "never has to leave ACM" in exported.failures[0].hint
    assert_error(evaluate("1.14", "ABC"), "set of option letters")



# =====================================================================================================
# Part 3 — detection and protection services
# =====================================================================================================

FINDING_TYPES = data.guardduty_finding_types()
S3_DATA = FINDING_TYPES["data_source"].str.contains("S3") & FINDING_TYPES["data_source"].str.contains("data event")
DETECTORS = {"scenario1": "Amazon GuardDuty", "scenario2": "Amazon Inspector", "scenario3": "Amazon Macie",
             "scenario4": "AWS Security Hub", "scenario5": "AWS Config", "scenario6": "IAM Access Analyzer",
             "scenario7": "Amazon Detective"}
PROTECTION = {"need1": "AWS WAF", "need2": "AWS Shield Standard", "need3": "AWS Shield Advanced",
              "need4": "AWS Firewall Manager", "need5": "AWS Artifact", "need6": "AWS Network Firewall"}
SWITCH_OFF = ["guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:DisassociateFromAdministratorAccount",
              "guardduty:CreateFilter", "securityhub:DisableSecurityHub",
              "securityhub:DisassociateFromAdministratorAccount", "config:StopConfigurationRecorder",
              "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel", "macie2:DisableMacie",
              "inspector2:Disable", "access-analyzer:DeleteAnalyzer"]
EXEMPT = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/SecurityAutomation"}}


def guard_scp(actions: list | str = SWITCH_OFF, condition: dict | None = EXEMPT, effect: str = "Deny") -> dict:
    statement = {"Sid": "KeepSecurityServicesOn", "Effect": effect, "Action": actions, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return policy(statement)


def incident_session(isolate: dict | None = None, describe: dict | None = None, upload: dict | None = None,
                     group: dict | None = None) -> dict:
    statements = [
        {"Sid": "IsolateAndTagTheSuspect", "Effect": "Allow",
         "Action": ["ec2:ModifyInstanceAttribute", "ec2:CreateTags"], "Resource": part3.SUSPECT, **(isolate or {})},
        {"Sid": "AttachOnlyTheQuarantineGroup", "Effect": "Allow", "Action": "ec2:ModifyInstanceAttribute",
         "Resource": part3.QUARANTINE_SG, **(group or {})},
        {"Sid": "Describe", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*", **(describe or {})},
        {"Sid": "UploadEvidence", "Effect": "Allow", "Action": "s3:PutObject",
         "Resource": f"{part3.FORENSICS}/case-4711/*", **(upload or {})},
    ]
    return policy(*statements)


REFERENCES.update({
    "1.15": {"bucket_made_public": "still reported", "unusual_reads": "lost without S3 Protection",
             "access_logging_disabled": "still reported", "tor_reads": "lost without S3 Protection",
             "mass_delete": "lost without S3 Protection", "malware_upload": "needs Malware Protection for S3"},
    "1.16": incident_session(),
    "1.17": DETECTORS,
    "1.18": guard_scp(),
    "1.19": PROTECTION,
})
POINTS.update({"1.15": 3, "1.16": 4, "1.17": 4, "1.18": 5, "1.19": 3})


# --- 1.15 what is lost without S3 Protection ----------------------------------------------------------------

def test_s3_protection_the_key_agrees_with_the_shipped_finding_types():
    """The parts named after finding types are 'lost' exactly when the type's data source is an S3 data event."""
    by_type = dict(zip(FINDING_TYPES["finding_type"], S3_DATA, strict=True))
    assert by_type["Exfiltration:S3/ObjectRead.Unusual"] and by_type["UnauthorizedAccess:S3/TorIPCaller"]
    assert not by_type["Policy:S3/BucketAnonymousAccessGranted"]
    assert not by_type["Stealth:S3/ServerAccessLoggingDisabled"]


def test_s3_protection_trusting_one_spelling_gets_the_unusual_reads_wrong_with_its_explanation():
    answer = dict(REFERENCES["1.15"], unusual_reads="still reported")
    result = evaluate("1.15", answer)
    assert result.score == pytest.approx(5 / 6)
    assert "management events" in result.failures[0].hint


def test_s3_protection_thinking_s3_protection_scans_uploads():
    answer = dict(REFERENCES["1.15"], malware_upload="lost without S3 Protection")
    result = evaluate("1.15", answer)
    assert result.score == pytest.approx(5 / 6) and "data events" in result.failures[0].hint


def test_s3_protection_everything_lost_or_malformed():
    everything = {name: "lost without S3 Protection" for name in REFERENCES["1.15"]}
    assert evaluate("1.15", everything).score == pytest.approx(3 / 6)
    assert_error(evaluate("1.15", {}), "empty")
    assert_error(evaluate("1.15", dict(REFERENCES["1.15"], mass_delete="maybe")), "maybe")


# --- 1.16 session policy -----------------------------------------------------------------------------------

def test_session_policy_with_every_ec2_action_on_the_instance():
    result = evaluate("1.16", incident_session(isolate={"Action": "ec2:*"}))
    assert_partial(result, ["cannot terminate"], "destroy the evidence")


def test_session_policy_for_every_instance_or_the_whole_bucket():
    assert_partial(evaluate("1.16", incident_session(isolate={"Resource": "*"})),
                   ["cannot change another instance", "cannot attach another security group"],
                   "suspect instance's ARN")
    wide = incident_session(upload={"Action": "s3:*", "Resource": f"{part3.FORENSICS}/*"})
    assert_partial(evaluate("1.16", wide), ["another case's prefix", "cannot delete evidence"], "prefix of this case")


def test_session_policy_that_names_only_the_instance_fails_in_aws_and_here():
    """Review WG2: changing Groups is authorized against each security group too, so the instance alone fails."""
    instance_only = incident_session()
    del instance_only["Statement"][1]
    assert_partial(evaluate("1.16", instance_only), ["authorized against the quarantine security group"],
                   "quarantine security group's ARN")


def test_session_policy_that_attaches_any_security_group():
    any_group = incident_session(group={"Resource": f"arn:aws:ec2:{scenario.REGION}:{scenario.PROD}:security-group/*"})
    assert_partial(evaluate("1.16", any_group), ["cannot attach another security group"], "open the instance up")


def test_session_policy_whose_describe_names_the_instance():
    narrow = incident_session(describe={"Resource": part3.SUSPECT})
    assert_partial(evaluate("1.16", narrow), ["describes instances"], 'Resource "*"')


def test_session_policy_that_allows_everything():
    result = evaluate("1.16", policy({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    assert_partial(result, ["cannot terminate", "another instance", "another security group", "another case's prefix",
                            "delete evidence", lint_requirement("IAM006")])


def test_session_policy_hidden_cases_catch_a_wildcard_on_modify_and_stop():
    verbs = incident_session(isolate={"Action": ["ec2:Modify*", "ec2:CreateTags", "ec2:Stop*"]})
    assert evaluate("1.16", verbs).passed, "the visible cases cannot see this mistake"
    result = evaluate("1.16", verbs, hidden=notebook_hidden_cases("1.16"))
    assert failed(result) == ["the run cannot stop the suspect instance",
                              "the run cannot change the suspect's metadata options"]


# --- 1.17 choosing a detection service -------------------------------------------------------------------

def test_detection_choice_with_guardduty_for_vulnerabilities_and_security_hub_for_history():
    result = evaluate("1.17", dict(DETECTORS, scenario2="Amazon GuardDuty", scenario5="AWS Security Hub"))
    assert result.score == pytest.approx(5 / 7)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'Amazon GuardDuty'. GuardDuty watches activity" in hints
    assert "You chose 'AWS Security Hub'. Security Hub gathers and scores the findings" in hints
    assert "Inspector" not in hints and "Config" not in hints, "the hints never name the right services"


def test_detection_choice_with_access_analyzer_confused_with_detective():
    result = evaluate("1.17", dict(DETECTORS, scenario6="Amazon Detective", scenario7="IAM Access Analyzer"))
    assert result.score == pytest.approx(5 / 7)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'Amazon Detective'" in hints and "You chose 'IAM Access Analyzer'" in hints


# --- 1.18 SCP for the security services --------------------------------------------------------------------

def test_guard_scp_that_denies_whole_services_blocks_the_responders():
    whole = guard_scp(actions=["guardduty:*", "securityhub:*", "config:*", "macie2:*", "inspector2:*",
                               "access-analyzer:*"])
    assert_partial(evaluate("1.18", whole), ["reads GuardDuty findings", "reads Security Hub findings"],
                   "blocks the people who respond")


def test_guard_scp_without_the_exemption_or_as_an_allow_list():
    assert_partial(evaluate("1.18", guard_scp(condition=None)), ["SecurityAutomation role may delete"],
                   "aws:PrincipalArn")
    allow = guard_scp(actions=["guardduty:Get*", "guardduty:List*", "securityhub:Get*", "ec2:*"], condition=None,
                      effect="Allow")
    assert_partial(evaluate("1.18", allow), ["cannot delete the GuardDuty detector", "cannot disable Security Hub",
                                             "cannot stop the Config recorder"], "Deny statement")


def test_guard_scp_that_forgets_config_or_uses_string_not_equals_with_a_wildcard():
    no_config = guard_scp(actions=[a for a in SWITCH_OFF if not a.startswith("config:")])
    assert_partial(evaluate("1.18", no_config), ["cannot stop the Config recorder"], "blinds them")
    literal = guard_scp(condition={"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/SecurityAutomation"}})
    assert_partial(evaluate("1.18", literal), ["SecurityAutomation role may delete", lint_requirement("IAM015")])


def test_guard_scp_hidden_cases_catch_what_the_visible_ones_do_not():
    partial = guard_scp(actions=["guardduty:DeleteDetector", "securityhub:DisableSecurityHub",
                                 "config:StopConfigurationRecorder"])
    assert evaluate("1.18", partial).passed, "the visible cases check three services only"
    result = evaluate("1.18", partial, hidden=notebook_hidden_cases("1.18"))
    assert failed(result) == ["Macie cannot be disabled", "Inspector cannot be disabled",
                              "an account cannot leave the GuardDuty administrator",
                              "an Access Analyzer analyzer cannot be deleted",
                              "a suppression rule cannot be created in a member account"]


# --- 1.19 choosing a protection or compliance service -------------------------------------------------------

def test_protection_choice_with_shield_advanced_everywhere():
    result = evaluate("1.19", dict(PROTECTION, need2="AWS Shield Advanced", need4="AWS Shield Advanced"))
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert hints.count("You chose 'AWS Shield Advanced'. Shield Advanced is a paid subscription") == 2
    assert "Standard" not in hints and "Firewall Manager" not in hints


def test_protection_choice_with_waf_for_egress_and_artifact_confused():
    result = evaluate("1.19", dict(PROTECTION, need6="AWS WAF", need5="AWS Firewall Manager"))
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'AWS WAF'. AWS WAF filters HTTP requests" in hints
    assert "You chose 'AWS Firewall Manager'. Firewall Manager applies and audits rules" in hints
    assert "Artifact" not in hints and "Network Firewall" not in hints.replace("Network Firewall policies", "")


# =====================================================================================================
# Every exercise of every part (after all the references are defined)
# =====================================================================================================

def test_every_exercise_is_registered_with_the_notebook_points_and_answer_names():
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


@pytest.mark.parametrize("exercise_id", [k for k in sorted(REFERENCES) if get(k).kind != "table"])
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
    source = "".join(p.read_text() for p in (ROOT / "course" / "notebooks" / "security_identity").glob("*.py"))
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
