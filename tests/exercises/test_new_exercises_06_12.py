"""The exercises added to notebooks 06-12 for issue #16: reference answers (with the notebooks' own hidden
cases), realistic wrong answers and the hints they get, malformed input.

6.11 Parameter Store encryption context (course.iam), 6.12 API Gateway logs, 7.10 OpenSearch Serverless
policies, 7.11 an OpenSearch domain access policy (course.iam), 8.5 a TLS-only, endpoint-only queue policy
(course.iam), 11.5 WorkSpaces in-session data controls.
"""

from __future__ import annotations

import copy

import pytest
from conftest import ROOT

from course.authoring import hidden_cases
from course.exercises import evaluate, get

SOURCE = ROOT / "source"
NOTEBOOK = {"6": "06-management-governance", "7": "07-analytics", "8": "08-application-integration",
            "11": "11-end-user-computing"}

KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PROD = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/prod/*"
REF_6_11 = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParameters"], "Resource": PROD},
    {"Sid": "Decrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY,
     "Condition": {"StringLike": {"kms:EncryptionContext:PARAMETER_ARN": PROD},
                   "StringEquals": {"kms:ViaService": "ssm.eu-west-1.amazonaws.com"}}}]}
REF_6_12 = {"who_called": "access log", "mapping_error": "execution log", "stage_logging_off": "CloudTrail",
            "authorizer_denied": "execution log", "waf_blocked": "AWS WAF log"}
REF_7_10 = {"collection_key": "encryption policy", "private_endpoint": "network policy",
            "ir_reads": "data access policy", "firehose_writes": "data access policy",
            "create_collections": "IAM identity policy"}
DOMAIN = "arn:aws:es:eu-west-1:111122223333:domain/security-logs"
REF_7_11 = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/incident-response"},
     "Action": "es:ESHttpGet", "Resource": f"{DOMAIN}/cloudtrail-*"},
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/firehose-to-security-logs"},
     "Action": ["es:ESHttpPost", "es:ESHttpPut"], "Resource": f"{DOMAIN}/*"}]}
QUEUE = "arn:aws:sqs:eu-west-1:111122223333:payment-jobs"
REF_8_5 = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": QUEUE,
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Effect": "Deny", "Principal": "*", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
     "Resource": QUEUE, "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60789"}}}]}
REF_11_5 = {"clipboard": "local to WorkSpace only", "printing": "disabled", "windows_where": "Group Policy",
            "linux_where": "agent configuration on the WorkSpace"}
REFERENCES = {"6.11": REF_6_11, "6.12": REF_6_12, "7.10": REF_7_10, "7.11": REF_7_11, "8.5": REF_8_5,
              "11.5": REF_11_5}


def hidden(exercise_id: str):
    return hidden_cases(SOURCE / NOTEBOOK[exercise_id.split(".")[0]], exercise_id) or None


def failing(exercise_id: str, answer) -> list[str]:
    result = evaluate(exercise_id, answer, hidden(exercise_id))
    assert not result.passed, f"{exercise_id} accepted a wrong answer"
    return [f"{r.description}: {r.hint}" for r in result.failures]


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_answers_score_full_marks_with_the_notebooks_hidden_cases(exercise_id):
    result = evaluate(exercise_id, REFERENCES[exercise_id], hidden(exercise_id))
    assert result.error is None and result.passed and result.score == 1.0, str(result)


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
@pytest.mark.parametrize("bad", [None, 42, "", "{not json", [], {}], ids=repr)
def test_malformed_answers_give_an_error_and_never_raise(exercise_id, bad):
    result = evaluate(exercise_id, bad)
    assert result.error, f"{exercise_id} gave no error for {bad!r}: {result}"
    assert result.score == 0 and not result.passed


def test_the_policy_exercises_are_graded_by_course_iam():
    assert {i: get(i).kind for i in ("6.11", "7.11", "8.5")} == {"6.11": "policy", "7.11": "policy", "8.5": "policy"}


# --- 6.11 ----------------------------------------------------------------------------------------------

def test_6_11_decrypt_on_the_key_alone_decrypts_other_teams_parameters():
    wrong = copy.deepcopy(REF_6_11)
    del wrong["Statement"][1]["Condition"]
    failures = " ".join(failing("6.11", wrong))
    assert "/shop/dev/" in failures and "Pin kms:EncryptionContext:PARAMETER_ARN" in failures


def test_6_11_context_without_via_service_lets_a_caller_claim_any_context():
    wrong = copy.deepcopy(REF_6_11)
    del wrong["Statement"][1]["Condition"]["StringEquals"]
    [failure] = failing("6.11", wrong)
    assert "directly" in failure and "kms:ViaService" in failure


def test_6_11_a_path_without_the_slash_admits_look_alike_paths():
    wrong = copy.deepcopy(REF_6_11)
    look_alike = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/prod*"
    wrong["Statement"][0]["Resource"] = look_alike
    wrong["Statement"][1]["Condition"]["StringLike"]["kms:EncryptionContext:PARAMETER_ARN"] = look_alike
    failures = " ".join(failing("6.11", wrong))
    assert "prod-copy" in failures and "slash before the wildcard" in failures


def test_6_11_kms_star_is_refused_by_the_linter():
    wrong = copy.deepcopy(REF_6_11)
    wrong["Statement"][1]["Action"] = "kms:*"
    assert any(f.startswith("no lint finding: All actions of a service") for f in failing("6.11", wrong))


# --- 6.12, 7.10, 11.5 (mappings with explanations of the chosen value) --------------------------------

def test_6_12_cloudtrail_for_client_requests_is_explained():
    failures = failing("6.12", dict(REF_6_12, who_called="CloudTrail"))
    assert len(failures) == 1 and "not the requests that clients send" in failures[0]


def test_6_12_access_log_for_the_authorizer_is_explained_without_the_answer():
    [failure] = failing("6.12", dict(REF_6_12, authorizer_denied="access log"))
    assert "says nothing about how API Gateway processed the request" in failure
    assert "'execution log'" not in failure


def test_7_10_network_policy_for_who_may_read_is_explained():
    [failure] = failing("7.10", dict(REF_7_10, ir_reads="network policy"))
    assert "nothing about who may read which index" in failure


def test_7_10_data_access_policy_for_creating_collections_is_wrong():
    result = evaluate("7.10", dict(REF_7_10, create_collections="data access policy"))
    assert result.score == pytest.approx(4 / 5)


def test_11_5_clipboard_out_of_the_workspace_is_the_leak():
    [failure] = failing("11.5", dict(REF_11_5, clipboard="WorkSpace to local only"))
    assert "out of the WorkSpace" in failure


def test_11_5_group_policy_for_linux_is_explained():
    [failure] = failing("11.5", dict(REF_11_5, linux_where="Group Policy"))
    assert "Linux WorkSpaces do not apply Group Policy" in failure


# --- 7.11 ----------------------------------------------------------------------------------------------

def test_7_11_analysts_on_the_whole_domain_read_hr_indexes():
    wrong = copy.deepcopy(REF_7_11)
    wrong["Statement"][0]["Resource"] = f"{DOMAIN}/*"
    [failure] = failing("7.11", wrong)
    assert "hr-*" in failure


def test_7_11_a_wildcard_principal_opens_the_domain():
    wrong = copy.deepcopy(REF_7_11)
    wrong["Statement"][0]["Principal"] = "*"
    failures = " ".join(failing("7.11", wrong))
    assert "anyone who can reach it" in failures
    assert 'Allow to everyone (Principal "*") without a condition' in failures


def test_7_11_an_account_principal_is_not_enough_when_the_roles_hold_no_permission():
    wrong = copy.deepcopy(REF_7_11)
    wrong["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::111122223333:root"}
    wrong["Statement"][0]["Condition"] = {"ArnEquals": {
        "aws:PrincipalArn": "arn:aws:iam::111122223333:role/incident-response"}}
    assert any("search the cloudtrail-* indexes" in f for f in failing("7.11", wrong))


# --- 8.5 -----------------------------------------------------------------------------------------------

def test_8_5_an_allow_with_the_endpoint_takes_nothing_away():
    wrong = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": QUEUE,
         "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60789"},
                       "Bool": {"aws:SecureTransport": "true"}}}]}
    failures = " ".join(failing("8.5", wrong))
    assert "an Allow conditioned on the endpoint does not stop it" in failures
    assert "another account cannot send" in failures


def test_8_5_source_vpc_instead_of_the_endpoint_admits_the_other_endpoint():
    wrong = copy.deepcopy(REF_8_5)
    wrong["Statement"][1]["Condition"] = {"StringNotEquals": {"aws:SourceVpc": "vpc-0123456789abcdef0"}}
    failures = " ".join(failing("8.5", wrong))
    assert "pin the one endpoint with aws:SourceVpce" in failures


def test_8_5_an_endpoint_deny_on_every_action_locks_out_the_console():
    wrong = copy.deepcopy(REF_8_5)
    wrong["Statement"][1]["Action"] = "sqs:*"
    [failure] = failing("8.5", wrong)
    assert "managing the queue from the console" in failure


def test_8_5_tls_rule_only_on_the_message_actions_misses_the_admins():
    wrong = copy.deepcopy(REF_8_5)
    wrong["Statement"][0]["Action"] = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
    [failure] = failing("8.5", wrong)
    assert "administrators included" in failure
