"""Exercises of notebook 04 (Compute): reference solutions, realistic wrong answers with partial credit and
hints, malformed input, and the notebook's hidden cases."""

from __future__ import annotations

import copy
import json
import re

import pytest
from conftest import ROOT
from nbhelpers import solution_value

from course.authoring import hidden_cases
from course.exercises import CheckResult, evaluate, get
from course.exercises.kinds.policy import lint_requirement
from course.net import load, reach
from course.notebooks.compute import FUNCTION

NOTEBOOK = ROOT / "source" / "04-compute" / "04-compute.ipynb"
PROD_ROOT = "arn:aws:iam::444455556666:root"
ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5C4F2B8E9D1A7E3F6B0C2D4A8E1F3B7C"
CSC = "arn:aws:lambda:eu-west-1:111122223333:code-signing-config:csc-0a1b2c3d4e5f60718"

REFERENCES = {
    "4.1": {"Version": "2012-10-17", "Statement": [
        {"Sid": "RequireImdsV2AtLaunch", "Effect": "Deny", "Action": "ec2:RunInstances",
         "Resource": "arn:aws:ec2:*:*:instance/*",
         "Condition": {"StringNotEquals": {"ec2:MetadataHttpTokens": "required"}}},
        {"Sid": "OnlyAdminsChangeMetadataOptions", "Effect": "Deny", "Action": "ec2:ModifyInstanceMetadataOptions",
         "Resource": "*", "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ec2-imds-admin"}}}]},
    "4.2": {"A", "C", "D", "F"},
    "4.3": {"pull_private_image": "execution role", "awslogs": "execution role",
            "secret_in_task_definition": "execution role", "app_writes_dynamodb": "task role",
            "app_reads_s3_at_runtime": "task role", "network_mode": "awsvpc"},
    "4.4": {"Version": "2012-10-17", "Statement": [{
        "Sid": "ProductionPulls", "Effect": "Allow", "Principal": {"AWS": PROD_ROOT},
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]}]},
    "4.5": {"Version": "2012-10-17", "Statement": [
        {"Sid": "Uploads", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
         "Action": "lambda:InvokeFunction", "Resource": FUNCTION,
         "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::example-uploads"},
                       "StringEquals": {"AWS:SourceAccount": "111122223333"}}},
        {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": PROD_ROOT}, "Action": "lambda:InvokeFunction",
         "Resource": FUNCTION}]},
    "4.6": {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "lambda:AddPermission",
        "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:*",
        "Condition": {"StringEquals": {"lambda:Principal": ["s3.amazonaws.com", "events.amazonaws.com"]}}}]},
    "4.7": {"B", "C", "D"},
    "4.8": {"A", "C", "E"},
    "4.9": {"Version": "2012-10-17", "Statement": [
        {"Sid": "NoUnauthenticatedFunctionUrls", "Effect": "Deny",
         "Action": ["lambda:CreateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig"], "Resource": "*",
         "Condition": {"StringNotEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}},
        {"Sid": "NoPublicUrlPermissions", "Effect": "Deny", "Action": "lambda:AddPermission", "Resource": "*",
         "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}},
        {"Sid": "SignedCodeOnly", "Effect": "Deny", "Action": "lambda:CreateFunction", "Resource": "*",
         "Condition": {"StringNotEquals": {"lambda:CodeSigningConfigArn": CSC}}},
        {"Sid": "KeepCodeSigning", "Effect": "Deny", "Action": "lambda:DeleteFunctionCodeSigningConfig",
         "Resource": "*"}]},
    "4.10": {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:orders:orders-api",
                                       f"{ISSUER}:aud": "sts.amazonaws.com"}}}]},
    "4.11": {"Version": "2012-10-17", "Statement": [
        {"Sid": "TaggedInstances", "Effect": "Allow", "Action": "ec2:RunInstances",
         "Resource": "arn:aws:ec2:eu-west-1:111122223333:instance/*",
         "Condition": {"StringEquals": {"aws:RequestTag/team": "payments"}}},
        {"Sid": "GoldenImages", "Effect": "Allow", "Action": "ec2:RunInstances",
         "Resource": "arn:aws:ec2:eu-west-1::image/*", "Condition": {"StringEquals": {"ec2:Owner": "555566667777"}}},
        {"Sid": "AppSubnets", "Effect": "Allow", "Action": "ec2:RunInstances",
         "Resource": "arn:aws:ec2:eu-west-1:111122223333:subnet/*",
         "Condition": {"StringEquals": {"ec2:ResourceTag/tier": "app"}}},
        {"Sid": "ApprovedGroupAndNewInterfaces", "Effect": "Allow", "Action": "ec2:RunInstances",
         "Resource": ["arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0a1b2c3d4e5f60718",
                      "arn:aws:ec2:eu-west-1:111122223333:network-interface/*"]},
        {"Sid": "EncryptedVolumes", "Effect": "Allow", "Action": "ec2:RunInstances",
         "Resource": "arn:aws:ec2:eu-west-1:111122223333:volume/*", "Condition": {"Bool": {"ec2:Encrypted": "true"}}}]},
}


def notebook_cells() -> dict[str, str]:
    nb = json.loads(NOTEBOOK.read_text())
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in nb["cells"]
            if "nbgrader" in c.get("metadata", {})}


def notebook_hidden(exercise_id: str) -> list:
    """The literal ``hidden=[...]`` data in the notebook's check cell of ``exercise_id``."""
    return hidden_cases(NOTEBOOK, exercise_id)


def assert_error(result: CheckResult, *words: str) -> None:
    assert result.error is not None, f"expected an error, got {result}"
    assert result.score == 0 and not result.passed
    for word in words:
        assert word in result.error, f"{word!r} not in {result.error!r}"


def failures(result: CheckResult) -> dict[str, str]:
    return {r.description: r.hint for r in result.failures}


def with_statement(exercise_id: str, index: int, **changes) -> dict:
    policy = copy.deepcopy(REFERENCES[exercise_id])
    for key, value in changes.items():
        if value is None:
            policy["Statement"][index].pop(key, None)
        else:
            policy["Statement"][index][key] = value
    return policy


# --- every exercise ------------------------------------------------------------------------------------

def test_eleven_exercises_of_four_kinds_with_the_notebook_points():
    exercises = {i: get(i) for i in REFERENCES}
    assert {e.kind for e in exercises.values()} == {"policy", "multiple-choice", "mapping", "network"}
    assert {i: e.points for i, e in exercises.items()} == {
        "4.1": 4, "4.2": 3, "4.3": 3, "4.4": 3, "4.5": 4, "4.6": 3, "4.7": 4, "4.8": 3, "4.9": 4, "4.10": 3,
        "4.11": 4}


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_solution_scores_full_marks_also_with_the_hidden_cases(exercise_id):
    result = evaluate(exercise_id, REFERENCES[exercise_id], hidden=notebook_hidden(exercise_id) or None)
    assert result.error is None, result.error
    assert result.passed and result.score == 1.0, str(result)


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_notebook_solution_cells_pass(exercise_id):
    source = notebook_cells()["answer-" + exercise_id.replace(".", "-")]
    body = source.split("### BEGIN SOLUTION\n")[1].split("### END SOLUTION")[0]
    if get(exercise_id).kind.endswith("choice"):  # letters in the learner's order (issue #19)
        assert evaluate(exercise_id, solution_value(exercise_id, body)).passed
        return
    scope: dict = {}
    exec(body, scope)  # noqa: S102
    assert evaluate(exercise_id, scope["answer_" + exercise_id.replace(".", "_")]).passed


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
@pytest.mark.parametrize("bad", [None, ..., 42, 3.5, True, [1, 2], "", object()],
                         ids=lambda v: "object" if type(v) is object else repr(v))
def test_malformed_answers_give_an_error_and_never_raise(exercise_id, bad):
    result = evaluate(exercise_id, bad)
    assert result.error, f"{exercise_id} accepted {bad!r}: {result}"
    assert result.score == 0


def test_keys_are_hashes_only():
    source = (ROOT / "course" / "notebooks" / "compute.py").read_text()
    assert "make_key(" not in source and "part_key(" not in source and "choice_keys(" not in source
    assert len(re.findall(r'"[0-9a-f]{64}"', source)) == 7 + 6 + 7


# --- 4.1 IMDSv2 SCP ------------------------------------------------------------------------------------

def test_imds_deny_on_every_resource_blocks_all_launches():
    result = evaluate("4.1", with_statement("4.1", 0, Resource="*"))
    (description, hint), = failures(result).items()
    assert description.startswith("the same launch is also authorized against its subnet")
    assert "every resource it touches" in hint and result.score == pytest.approx(5 / 6)


def test_imds_deny_only_on_optional_misses_launches_without_the_key():
    optional_only = {"StringEquals": {"ec2:MetadataHttpTokens": "optional"}}
    result = evaluate("4.1", with_statement("4.1", 0, Condition=optional_only))
    assert list(failures(result)) == ["a launch that does not set the metadata options at all is denied"]


def test_imds_launch_rule_alone_can_be_undone_later():
    launch_only = copy.deepcopy(REFERENCES["4.1"])
    del launch_only["Statement"][1]
    assert "ModifyInstanceMetadataOptions" in " ".join(failures(evaluate("4.1", launch_only)).values())
    no_exception = with_statement("4.1", 1, Condition=None)
    assert list(failures(evaluate("4.1", no_exception))) == [
        "the ec2-imds-admin role may still change metadata options"]


def test_imds_an_allow_only_scp_enforces_nothing():
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:RunInstances",
                                                     "Resource": "*", "Condition": {"StringEquals": {
                                                         "ec2:MetadataHttpTokens": "required"}}}]}
    result = evaluate("4.1", allow)
    assert not result.passed and 0 < result.score < 1
    assert "only an explicit Deny" in " ".join(failures(result).values())


def test_imds_malformed_policies():
    assert_error(evaluate("4.1", '{"Version": '), "not valid JSON")
    assert_error(evaluate("4.1", {"Version": "2012-10-17"}), "no 'Statement'")
    assert_error(evaluate("4.1", with_statement("4.1", 0, Effect="Block")))


# --- 4.2 EC2 credentials ---------------------------------------------------------------------------------

def test_credentials_access_keys_get_explained_and_partial_credit():
    result = evaluate("4.2", {"A", "B", "C"})
    assert result.score == pytest.approx(4 / 7)
    hints = " ".join(failures(result).values())
    assert "long-lived access key" in hints and "2 more option" in hints
    assert "Option D" not in hints and "Option F" not in hints


def test_credentials_key_in_ami_and_env_var():
    result = evaluate("4.2", {"A", "E", "F", "G"})
    hints = " ".join(failures(result).values())
    assert "public half" in hints and "long-lived key" in hints
    assert_error(evaluate("4.2", "ACDF"), "set of option letters")


# --- 4.3 ECS roles ---------------------------------------------------------------------------------------

def test_ecs_everything_in_the_task_role_loses_the_agent_parts():
    result = evaluate("4.3", dict(REFERENCES["4.3"], pull_private_image="task role", awslogs="task role",
                                  secret_in_task_definition="task role"))
    assert result.score == pytest.approx(0.5)
    assert all("agent" in h for h in failures(result).values())


def test_ecs_execution_role_for_the_app_and_bridge_mode():
    result = evaluate("4.3", dict(REFERENCES["4.3"], app_writes_dynamodb="execution role", network_mode="bridge"))
    assert result.score == pytest.approx(4 / 6)
    hints = failures(result)
    assert "never exposed to the containers" in hints["the application writing orders to its DynamoDB table"]
    assert "Fargate" in hints["network mode that gives each task its own security group"]


def test_ecs_malformed_parts():
    assert_error(evaluate("4.3", dict(REFERENCES["4.3"], network_mode="vpc")), "'network_mode'", "'awsvpc'")
    assert_error(evaluate("4.3", dict(REFERENCES["4.3"], awslogs="instance role")), "'task role' or 'execution role'")
    assert_error(evaluate("4.3", {}), "empty")
    assert evaluate("4.3", {k: v.upper() for k, v in REFERENCES["4.3"].items()}).passed


# --- 4.4 ECR repository policy -----------------------------------------------------------------------------

def test_ecr_service_wildcard_lets_production_push():
    result = evaluate("4.4", with_statement("4.4", 0, Action="ecr:*"))
    assert set(failures(result)) == {"production cannot push a new image (PutImage)",
                                     "production cannot start a layer upload", lint_requirement("IAM010")}
    assert 0 < result.score < 1


def test_ecr_everyone_and_manifest_only():
    everyone = evaluate("4.4", with_statement("4.4", 0, Principal="*"))
    assert "an unrelated account cannot pull" in failures(everyone) and lint_requirement("IAM004") in failures(everyone)
    manifest_only = evaluate("4.4", with_statement("4.4", 0, Action="ecr:BatchGetImage"))
    assert all("more than one action" in h for h in failures(manifest_only).values())
    assert manifest_only.score == pytest.approx(6 / 8)


def test_ecr_hidden_cases_catch_admin_actions():
    admin = with_statement("4.4", 0, Action=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                                             "ecr:BatchCheckLayerAvailability", "ecr:DeleteRepository",
                                             "ecr:SetRepositoryPolicy"])
    assert evaluate("4.4", admin).passed
    result = evaluate("4.4", admin, hidden=notebook_hidden("4.4"))
    assert [r.hidden for r in result.failures] == [True, True]


# --- 4.5 function policy -----------------------------------------------------------------------------------

def test_function_policy_without_source_conditions_is_a_confused_deputy():
    result = evaluate("4.5", with_statement("4.5", 0, Condition=None))
    (hint,) = failures(result).values()
    assert "Every bucket in the world" in hint


def test_function_policy_partner_with_every_action_or_everyone():
    wide = evaluate("4.5", with_statement("4.5", 1, Action="lambda:*"))
    assert set(failures(wide)) == {"the partner cannot replace the function's code", lint_requirement("IAM010")}
    public = evaluate("4.5", with_statement("4.5", 1, Principal="*"))
    assert "an unrelated account cannot invoke the function" in failures(public)


def test_function_policy_prefix_pattern_caught_by_hidden_case():
    prefix = copy.deepcopy(REFERENCES["4.5"])
    prefix["Statement"][0]["Condition"] = {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::example-uploads*"}}
    assert evaluate("4.5", prefix).passed
    assert not evaluate("4.5", prefix, hidden=notebook_hidden("4.5")).passed


# --- 4.6 lambda:Principal --------------------------------------------------------------------------------

def test_add_permission_without_condition_allows_accounts_and_public():
    result = evaluate("4.6", with_statement("4.6", 0, Condition=None))
    assert len(result.failures) == 3 and result.score == pytest.approx(4 / 7)
    assert "lambda:Principal" in " ".join(failures(result).values())


def test_add_permission_any_service_pattern_admits_sns():
    any_service = {"StringLike": {"lambda:Principal": "*.amazonaws.com"}}
    result = evaluate("4.6", with_statement("4.6", 0, Condition=any_service))
    assert list(failures(result)) == ["a developer cannot wire a trigger type the platform does not support (SNS)"]


def test_add_permission_service_wildcard_costs_lint_and_hidden_cases():
    result = evaluate("4.6", with_statement("4.6", 0, Action="lambda:*"), hidden=notebook_hidden("4.6"))
    assert [r.description for r in result.failures] == [lint_requirement("IAM010")]
    assert sum(r.hidden and r.passed for r in result.requirements) == 3, "the condition still denies the rest"


# --- 4.7 Lambda in a VPC --------------------------------------------------------------------------------------

def test_lambda_public_subnet_has_no_public_ip():
    result = evaluate("4.7", {"A", "C", "D"})
    (hint,) = failures(result).values()
    assert "no-public-ip" in hint and "never get public addresses" in hint and "option A" in hint
    assert result.score == pytest.approx(4 / 5)


def test_lambda_nat_alone_sends_aws_apis_into_the_egress_filter():
    result = evaluate("4.7", {"B"})
    assert result.score == pytest.approx(3 / 5)
    assert all("acl-public" in h for h in failures(result).values())
    assert "no gateway endpoint" in failures(evaluate("4.7", {"B", "C"}))[
        "required: the function reads its database password from Secrets Manager"]


def test_lambda_elastic_ip_is_explained_as_impossible():
    result = evaluate("4.7", {"C", "D", "E"})
    (hint,) = failures(result).values()
    assert "cannot give them Elastic IPs" in hint


def test_lambda_malformed_choices():
    assert_error(evaluate("4.7", {"A", "B"}), "both set")
    assert_error(evaluate("4.7", {"Z"}), "not one of the options")
    net = load(get("4.7").network(REFERENCES["4.7"]))
    for flow in get("4.7").flows:
        assert reach(net, flow.query).reachable == (flow.expect == "reachable")


# --- 4.8 ELB -------------------------------------------------------------------------------------------------

def test_elb_default_policy_and_late_security_group_misconceptions():
    result = evaluate("4.8", {"B", "C", "F"})
    hints = " ".join(failures(result).values())
    assert "ELBSecurityPolicy-2016-08" in hints and "cannot have them added later" in hints
    assert 0 < result.score < 1
    old_notes = evaluate("4.8", {"A", "D", "G"})
    assert "supported SNI" in " ".join(failures(old_notes).values())


# --- 4.9 Lambda guardrails SCP -------------------------------------------------------------------------------

def test_guardrails_a_deny_on_any_auth_type_key_blocks_every_trigger():
    wide = with_statement("4.9", 1, Condition={"StringNotEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}})
    assert list(failures(evaluate("4.9", wide))) == [
        "a developer still lets S3 invoke a function (AddPermission without a function URL)"]


def test_guardrails_create_only_leaves_update_open():
    create_only = with_statement("4.9", 0, Action="lambda:CreateFunctionUrlConfig")
    assert "UpdateFunctionUrlConfig" in " ".join(failures(evaluate("4.9", create_only)).values())


def test_guardrails_code_signing_pattern_or_equals_operator_is_caught():
    any_config = with_statement("4.9", 2, Condition={
        "StringNotLike": {"lambda:CodeSigningConfigArn": "arn:aws:lambda:*"}})
    assert "a developer cannot create a function with another code-signing configuration" in failures(
        evaluate("4.9", any_config))
    only_other = with_statement("4.9", 2, Condition={"StringEquals": {"lambda:CodeSigningConfigArn": "*"}})
    assert "a developer cannot create a function without a code-signing configuration" in failures(
        evaluate("4.9", only_other))


def test_guardrails_without_the_delete_statement_signing_can_be_removed():
    policy = copy.deepcopy(REFERENCES["4.9"])
    policy["Statement"].pop(3)
    assert list(failures(evaluate("4.9", policy))) == [
        "a developer cannot remove the code-signing configuration of a function"]


def test_guardrails_deny_all_lambda_breaks_the_rest():
    deny_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "lambda:*", "Resource": "*"}]}
    result = evaluate("4.9", deny_all)
    assert not result.passed and "a developer still invokes and updates functions" in failures(result)


# --- 4.10 IRSA trust policy ----------------------------------------------------------------------------------

def test_irsa_without_a_sub_condition_trusts_every_service_account():
    no_sub = copy.deepcopy(REFERENCES["4.10"])
    del no_sub["Statement"][0]["Condition"]["StringEquals"][f"{ISSUER}:sub"]
    assert set(failures(evaluate("4.10", no_sub))) == {
        "another service account of the same namespace cannot assume it",
        "a service account with the same name in another namespace cannot assume it"}


def test_irsa_a_namespace_wildcard_or_a_prefix_pattern_is_caught():
    any_namespace = copy.deepcopy(REFERENCES["4.10"])
    any_namespace["Statement"][0]["Condition"] = {"StringLike": {
        f"{ISSUER}:sub": "system:serviceaccount:*:orders-api", f"{ISSUER}:aud": "sts.amazonaws.com"}}
    assert list(failures(evaluate("4.10", any_namespace))) == [
        "a service account with the same name in another namespace cannot assume it"]
    prefix = copy.deepcopy(REFERENCES["4.10"])
    prefix["Statement"][0]["Condition"] = {"StringLike": {
        f"{ISSUER}:sub": "system:serviceaccount:orders:orders-api*", f"{ISSUER}:aud": "sts.amazonaws.com"}}
    assert evaluate("4.10", prefix).passed
    assert not evaluate("4.10", prefix, hidden=notebook_hidden("4.10")).passed


def test_irsa_without_the_audience_accepts_tokens_for_other_audiences():
    no_aud = copy.deepcopy(REFERENCES["4.10"])
    del no_aud["Statement"][0]["Condition"]["StringEquals"][f"{ISSUER}:aud"]
    assert list(failures(evaluate("4.10", no_aud))) == ["a token issued for another audience is refused"]


# --- 4.11 one RunInstances call, every resource it touches (request.resources) -------------------------------

LAUNCH_OK = "the pipeline launches a tagged instance from a golden image into the app subnet with the approved " \
            "security group and an encrypted volume"


def test_launch_cases_authorize_every_resource_with_only_its_own_keys():
    from course.notebooks.compute import launch

    request = launch()
    kinds = [r["resource"].split(":")[-1].split("/")[0] for r in request["resources"]]
    assert request["resource"].endswith(":instance/*")
    assert kinds == ["image", "subnet", "security-group", "network-interface", "volume"]
    assert request["context"]["aws:RequestTag/team"] == "payments"
    for entry in request["resources"]:  # instance-only keys are absent ("" / []) on every other resource
        assert entry["context"]["aws:RequestTag/team"] == "" and entry["context"]["aws:TagKeys"] == []
    image, subnet = request["resources"][0]["context"], request["resources"][1]["context"]
    assert image["ec2:Owner"] == "555566667777" and "ec2:ResourceTag/tier" not in image
    assert subnet["ec2:ResourceTag/tier"] == "app" and "ec2:Owner" not in subnet
    assert all("resources" in case.request for case in get("4.11").cases[:7])


def test_launch_explanation_names_the_resource_that_was_not_authorized():
    from course.iam import evaluate as iam_evaluate
    from course.notebooks.compute import OPEN_SG, TAG_ON_LAUNCH, launch

    policies = {"identity": [REFERENCES["4.11"], TAG_ON_LAUNCH]}
    ok = iam_evaluate({"request": launch(), "policies": policies})
    assert ok.decision == "Allow"
    assert [r["decision"] for r in ok.explanation["resources"]] == ["Allow"] * 6
    denied = iam_evaluate({"request": launch(groups=(OPEN_SG,)), "policies": policies})
    assert denied.decision == "ImplicitDeny"
    assert denied.explanation["resource"].endswith(f"security-group/{OPEN_SG}")
    assert denied.explanation["reason"].startswith("for the additional resource")


def test_launch_one_statement_for_every_resource_type_fails_the_allowed_launch():
    """The classic mistake: one statement with Resource "*" and every condition; the subnet carries no request
    tag and the image no subnet tag, so the launch itself is denied."""
    one = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestTag/team": "payments", "ec2:Owner": "555566667777",
                                       "ec2:ResourceTag/tier": "app"}, "Bool": {"ec2:Encrypted": "true"}}}]}
    result = evaluate("4.11", one)
    assert list(failures(result)) == [LAUNCH_OK]
    assert "one statement per resource type" in failures(result)[LAUNCH_OK]


def test_launch_if_exists_everywhere_lets_untagged_launches_and_other_groups_through():
    lax = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
        "Condition": {"StringEqualsIfExists": {"aws:RequestTag/team": "payments", "ec2:Owner": "555566667777",
                                               "ec2:ResourceTag/tier": "app"},
                      "BoolIfExists": {"ec2:Encrypted": "true"}}}]}
    assert set(failures(evaluate("4.11", lax))) == {
        "a launch with another security group (tagged tier=app too) is denied",
        "a launch whose instance is not tagged team=payments is denied"}


def test_launch_a_request_tag_statement_on_every_resource_admits_tagged_unencrypted_volumes():
    wide = copy.deepcopy(REFERENCES["4.11"])
    wide["Statement"][0]["Resource"] = "arn:aws:ec2:eu-west-1:111122223333:*"
    assert list(failures(evaluate("4.11", wide))) == ["a launch whose unencrypted volume is tagged team=payments "
                                                      "too is denied"]


def test_launch_ec2_star_is_caught_and_a_pinned_subnet_fails_a_hidden_case():
    star = copy.deepcopy(REFERENCES["4.11"])
    for statement in star["Statement"]:
        statement["Action"] = "ec2:*"
    assert set(failures(evaluate("4.11", star))) == {
        "the pipeline cannot open the approved security group with AuthorizeSecurityGroupIngress",
        "the pipeline cannot change a golden image's launch permissions"}
    pinned = copy.deepcopy(REFERENCES["4.11"])
    pinned["Statement"][2]["Resource"] = "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0a1b2c3d"
    assert evaluate("4.11", pinned).passed
    hidden = evaluate("4.11", pinned, hidden=notebook_hidden("4.11"))
    assert [r.description for r in hidden.failures] == ["a launch into another subnet tagged tier=app works"]


def test_launch_validator_names_a_typo_and_an_unknown_condition_key_in_the_feedback():
    """Issue #20: the offline validator on a real exercise answer: an action typo (an implicit deny in AWS) and
    a misspelt condition key both reach the learner by the finding's title, with the fix."""
    typo = json.loads(json.dumps(REFERENCES["4.11"]).replace('"ec2:RunInstances"', '"ec2:RunInstance"', 1))
    result = evaluate("4.11", typo)
    assert not result.passed
    hints = " ".join(r.hint for r in result.failures)
    assert "Unknown action" in hints and "did you mean ec2:RunInstances?" in hints and "IAM024" not in hints
    key = json.loads(json.dumps(REFERENCES["4.11"]).replace("ec2:ResourceTag/tier", "ec2:ResourceTags/tier"))
    result = evaluate("4.11", key)
    assert not result.passed
    hints = " ".join(r.hint for r in result.failures)
    assert "Unknown condition key" in hints and "ec2:ResourceTags/tier" in hints and "IAM025" not in hints


def test_launch_an_equally_right_answer_with_other_condition_keys_passes_also_the_hidden_cases():
    """aws:ResourceTag instead of ec2:ResourceTag, the group by ec2:SecurityGroupID, images in any Region: right
    in AWS too (the requests carry every key RunInstances offers for these resources), so full marks."""
    ec2 = "arn:aws:ec2:eu-west-1:111122223333"
    alternative = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": f"{ec2}:instance/*",
         "Condition": {"StringEquals": {"aws:RequestTag/team": "payments"}}},
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "arn:aws:ec2:*::image/*",
         "Condition": {"StringEquals": {"ec2:Owner": "555566667777"}}},
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": f"{ec2}:subnet/*",
         "Condition": {"StringEquals": {"aws:ResourceTag/tier": "app"}}},
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": f"{ec2}:security-group/*",
         "Condition": {"StringEquals": {"ec2:SecurityGroupID": "sg-0a1b2c3d4e5f60718"}}},
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": f"{ec2}:network-interface/*"},
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": f"{ec2}:volume/*",
         "Condition": {"Bool": {"ec2:Encrypted": "true"}}}]}
    result = evaluate("4.11", alternative, hidden=notebook_hidden("4.11"))
    assert result.passed and result.score == 1.0, str(result)
