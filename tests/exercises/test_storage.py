"""Exercises of notebook 03 (Storage): reference solutions, realistic wrong answers, malformed input.

The three policy exercises (3.2, 3.5, 3.9) are graded by the real ``course.iam`` engine; their hidden
cases are read from the notebook's check cells so that the tests and the notebook cannot drift apart.
"""

from __future__ import annotations

import ast
import copy
import json
import re

import pytest
from conftest import ROOT

from course.authoring import hidden_cases
from course.exercises import CheckResult, evaluate, get
from course.exercises.kinds.policy import lint_requirement
from course.notebooks.storage import (
    ACCESS_POINT_ARN,
    ANALYTICS_BUCKET,
    ANALYTICS_BUCKET_POLICY,
    DISTRIBUTION_ARN,
    FILE_SYSTEM_ARN,
    PARTNER,
    PAYROLL_BUCKET,
    PAYROLL_KEY_ARN,
    WEB_ROLE,
)

NOTEBOOK = ROOT / "source" / "03-storage" / "03-storage.ipynb"

# --- reference solutions (the same values as the notebook's solution cells) ---------------------

REFERENCE_3_2 = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "PartnerReadsShared", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{ANALYTICS_BUCKET}/shared/*"},
        {"Sid": "CloudFrontReadsPublicAssets", "Effect": "Allow",
         "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{ANALYTICS_BUCKET}/public/*",
         "Condition": {"StringEquals": {"AWS:SourceArn": DISTRIBUTION_ARN}}},
        {"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{ANALYTICS_BUCKET}", f"arn:aws:s3:::{ANALYTICS_BUCKET}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ],
}

REFERENCE_3_5 = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{PAYROLL_BUCKET}", f"arn:aws:s3:::{PAYROLL_BUCKET}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "DenyOtherEncryption", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{PAYROLL_BUCKET}/*",
         "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
        {"Sid": "DenyOtherKeys", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{PAYROLL_BUCKET}/*",
         "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": PAYROLL_KEY_ARN}}},
    ],
}

REFERENCE_3_9 = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "WebAppThroughAccessPointOverTls", "Effect": "Allow", "Principal": {"AWS": WEB_ROLE},
        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        "Resource": FILE_SYSTEM_ARN,
        "Condition": {"Bool": {"aws:SecureTransport": "true"},
                      "StringEquals": {"elasticfilesystem:AccessPointArn": ACCESS_POINT_ARN}},
    }],
}

SHARED = "arn:aws:s3:::example-shared-reports"
REFERENCE_3_11 = {"Version": "2012-10-17", "Statement": [
    {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [SHARED, SHARED + "/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "PresignedLinksLastTenMinutes", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": SHARED + "/*", "Condition": {"NumericGreaterThan": {"s3:signatureAge": "600000"}}},
    {"Sid": "PresignedLinksOnlyDownload", "Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject",
     "Resource": SHARED + "/*", "Condition": {"StringEquals": {"s3:authType": "REST-QUERY-STRING"}}}]}

REFERENCES = {
    "3.1": {"a": "Allow", "b": "ImplicitDeny", "c": "Allow", "d": "ImplicitDeny", "e": "ImplicitDeny",
            "f": "ExplicitDeny"},
    "3.2": REFERENCE_3_2,
    "3.3": {"enforced_no_acl": "bucket owner", "enforced_bofc": "bucket owner",
            "enforced_public_read": "request fails", "preferred_bofc": "bucket owner",
            "preferred_no_acl": "uploader", "writer_bofc": "uploader"},
    "3.4": {"put_with_public_acl": "BlockPublicAcls", "old_public_acl": "IgnorePublicAcls",
            "put_public_policy": "BlockPublicPolicy", "existing_public_policy": "RestrictPublicBuckets"},
    "3.5": REFERENCE_3_5,
    "3.6": {"nothing_to_manage": "SSE-S3", "key_policy_and_audit": "SSE-KMS", "two_layers": "DSSE-KMS",
            "own_key_every_request": "SSE-C", "no_plaintext_to_aws": "client-side"},
    "3.7": {"broker_records": "compliance", "trial_retention": "governance", "litigation": "legal hold",
            "root_code": "MFA delete"},
    "3.8": {"transition_days": 90, "storage_class": "DEEP_ARCHIVE", "expiration_days": 730, "noncurrent_days": 30},
    "3.9": REFERENCE_3_9,
    "3.10": {"A", "C", "E"},
    "3.11": REFERENCE_3_11,
    "3.12": {"who_changed_bucket_policy": "CloudTrail management events",
             "which_role_read_payroll": "CloudTrail data events", "lifecycle_deleted_evidence": "server access logs",
             "referrer_and_turnaround": "server access logs", "scan_each_upload": "S3 event notifications"},
}
POLICY_IDS = ("3.2", "3.5", "3.9", "3.11")
MAPPING_IDS = ("3.1", "3.3", "3.4", "3.6", "3.7", "3.8", "3.12")


def with_statement(policy: dict, index: int, **changes) -> dict:
    """A copy of ``policy`` with fields of statement ``index`` replaced (None removes a field)."""
    policy = copy.deepcopy(policy)
    statement = policy["Statement"][index]
    for field, value in changes.items():
        if value is None:
            statement.pop(field, None)
        else:
            statement[field] = value
    return policy


def without_statement(policy: dict, index: int) -> dict:
    policy = copy.deepcopy(policy)
    del policy["Statement"][index]
    return policy


def failed(result: CheckResult) -> list[str]:
    return [r.description for r in result.failures]


def notebook_hidden_cases(exercise_id: str) -> list:
    """The literal ``hidden=[...]`` data in the notebook's check cell of ``exercise_id``."""
    return hidden_cases(NOTEBOOK, exercise_id)


def notebook_solution(exercise_id: str):
    """The value the notebook's solution cell assigns."""
    nb = json.loads(NOTEBOOK.read_text())
    grade_id = "answer-" + exercise_id.replace(".", "-")
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            source = "".join(cell["source"])
            block = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, re.S).group(1)
            if get(exercise_id).variants is not None:
                return _built_from_the_variant(exercise_id, block)
            return ast.literal_eval(ast.parse(block).body[0].value)
    raise AssertionError(f"no cell {grade_id} in {NOTEBOOK.name}")


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


# --- every exercise --------------------------------------------------------------------------------

def test_the_module_registers_twelve_exercises_with_the_notebook_points():
    exercises = {i: get(i) for i in REFERENCES}
    assert {e.kind for e in exercises.values()} == {"mapping", "policy", "multiple-choice"}
    assert {i: e.points for i, e in exercises.items()} == {
        "3.1": 3, "3.2": 4, "3.3": 3, "3.4": 2, "3.5": 4, "3.6": 3, "3.7": 3, "3.8": 3, "3.9": 4, "3.10": 3,
        "3.11": 4, "3.12": 3}
    for exercise_id, exercise in exercises.items():
        assert exercise.answer_name == "answer_" + exercise_id.replace(".", "_")


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_solution_scores_full_marks(exercise_id):
    result = evaluate(exercise_id, REFERENCES[exercise_id])
    assert result.error is None, result.error
    assert result.passed and result.score == 1.0, str(result)


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_the_notebook_solution_is_a_full_marks_answer_and_passes_the_hidden_cases(exercise_id):
    solution = notebook_solution(exercise_id)
    hidden = notebook_hidden_cases(exercise_id)
    result = evaluate(exercise_id, solution, hidden=hidden or None)
    assert result.passed and result.score == 1.0, str(result)
    if exercise_id in POLICY_IDS:
        assert hidden, "every policy exercise has hidden cases"
        assert sum(r.hidden for r in result.requirements) == len(hidden)


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
@pytest.mark.parametrize("bad", [None, ..., 42, 3.5, True, [1, 2], "", object()],
                         ids=lambda v: "object" if type(v) is object else repr(v))
def test_malformed_answers_give_an_error_and_never_raise(exercise_id, bad):
    result = evaluate(exercise_id, bad)
    assert result.error, f"{exercise_id} accepted {bad!r}: {result}"
    assert result.score == 0


def test_keys_do_not_appear_in_plain_text_in_the_module():
    source = (ROOT / "course" / "notebooks" / "storage.py").read_text()
    assert "make_key(" not in source and "part_key(" not in source and "choice_keys(" not in source
    assert len(re.findall(r'"[0-9a-f]{64}"', source)) == 6 + 6 + 4 + 5 + 4 + 4 + 6 + 5


# --- 3.1 predict the decisions ---------------------------------------------------------------------

def test_predictions_that_ignore_block_public_access_lose_the_public_and_partner_rows():
    naive = dict(REFERENCES["3.1"], b="Allow", d="Allow")
    result = evaluate("3.1", naive)
    assert result.score == pytest.approx(4 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "RestrictPublicBuckets" in hints and "other accounts" in hints


def test_predictions_that_confuse_implicit_and_explicit_deny_get_partial_credit():
    result = evaluate("3.1", dict(REFERENCES["3.1"], e="ExplicitDeny", f="ImplicitDeny", c="ImplicitDeny"))
    assert result.score == pytest.approx(3 / 6)
    assert any("which kind of deny" in r.hint for r in result.failures)
    assert any("own identity policy grants" in r.hint for r in result.failures)


def test_the_predictions_agree_with_the_engine():
    """The answer key of 3.1 is what course.iam decides for the notebook's requests."""
    from course.iam import evaluate_json
    from course.notebooks.storage import (
        ANALYST_ROLE,
        ANALYST_SESSION,
        OWNER,
        PARTNER_ROLE,
        PARTNER_SESSION,
        READ_PUBLIC_FOLDER,
        READ_WHOLE_BUCKET,
        s3_request,
    )

    intern = (f"arn:aws:sts::{OWNER}:assumed-role/intern/sam", f"arn:aws:iam::{OWNER}:role/intern")
    requests = {
        "a": (s3_request(ANALYST_SESSION, OWNER, "s3:GetObject", "reports/q1.csv", role=ANALYST_ROLE), True),
        "b": (s3_request("anonymous", None, "s3:GetObject", "public/logo.png"), False),
        "c": (s3_request(intern[0], OWNER, "s3:GetObject", "public/logo.png", role=intern[1]), "intern"),
        "d": (s3_request(PARTNER_SESSION, PARTNER, "s3:GetObject", "shared/data.csv", role=PARTNER_ROLE), True),
        "e": (s3_request(PARTNER_SESSION, PARTNER, "s3:GetObject", "reports/q1.csv", role=PARTNER_ROLE), True),
        "f": (s3_request(ANALYST_SESSION, OWNER, "s3:GetObject", "reports/q1.csv", tls=False, role=ANALYST_ROLE),
              True),
    }
    for key, (request, reads) in requests.items():
        identity = [READ_PUBLIC_FOLDER] if reads == "intern" else [READ_WHOLE_BUCKET] if reads else []
        question = {"request": request, "policies": {"identity": identity, "resource": ANALYTICS_BUCKET_POLICY}}
        assert evaluate_json(question)["decision"] == REFERENCES["3.1"][key], key
    # Without Block Public Access the partner and the anonymous visitor would get in.
    request = requests["d"][0]
    request.pop("settings")
    assert evaluate_json({"request": request, "policies": {"identity": [READ_WHOLE_BUCKET],
                                                           "resource": ANALYTICS_BUCKET_POLICY}})["decision"] == "Allow"


def test_prediction_values_outside_the_three_decisions_are_errors():
    assert_error(evaluate("3.1", dict(REFERENCES["3.1"], a="allowed")), "'a'", "'Allow'")
    assert_error(evaluate("3.1", dict(REFERENCES["3.1"], g="Allow")), "unexpected key")
    assert_error(evaluate("3.1", {}), "empty")
    assert evaluate("3.1", {k: v.lower() for k, v in REFERENCES["3.1"].items()}).passed, "case is ignored"


# --- 3.2 fix the bucket policy ----------------------------------------------------------------------

def test_leaving_the_old_public_statement_in_place_breaks_the_partner_and_lets_any_distribution_in():
    result = evaluate("3.2", ANALYTICS_BUCKET_POLICY)
    assert result.error is None
    assert failed(result) == [
        "the partner's reader role reads shared/data.csv over HTTPS",
        "a CloudFront distribution of another account cannot fetch public/logo.png",
        lint_requirement("IAM004"),
    ]
    assert "confused deputy" in result.failures[1].hint
    assert 0 < result.score < 1


def test_cloudfront_grant_without_source_arn_is_a_confused_deputy():
    result = evaluate("3.2", with_statement(REFERENCE_3_2, 1, Condition=None))
    assert failed(result) == ["a CloudFront distribution of another account cannot fetch public/logo.png"]
    assert "should be denied" in result.failures[0].hint


def test_a_policy_without_the_tls_deny_lets_the_analyst_in_over_http():
    result = evaluate("3.2", without_statement(REFERENCE_3_2, 2))
    assert failed(result) == ["the company's analyst cannot read reports/q1.csv over plain HTTP"]
    assert "explicit Deny" in result.failures[0].hint


def test_partner_grant_to_every_account_or_the_whole_bucket_fails_the_right_cases():
    # A grant to every account makes the policy public: Block Public Access then shuts out the partner too.
    everyone = evaluate("3.2", with_statement(REFERENCE_3_2, 0, Principal={"AWS": "*"}))
    assert failed(everyone) == ["the partner's reader role reads shared/data.csv over HTTPS",
                                lint_requirement("IAM004")]
    whole_bucket = evaluate("3.2", with_statement(REFERENCE_3_2, 0, Action="s3:*",
                                                  Resource=f"arn:aws:s3:::{ANALYTICS_BUCKET}/*"))
    assert failed(whole_bucket) == ["the partner's reader role cannot read reports/q1.csv",
                                    "the partner's reader role cannot upload to shared/"]


def test_hidden_cases_catch_a_prefix_without_its_slash():
    loose = with_statement(REFERENCE_3_2, 0, Resource=f"arn:aws:s3:::{ANALYTICS_BUCKET}/shared*")
    assert evaluate("3.2", loose).passed, "the visible cases alone do not see this mistake"
    result = evaluate("3.2", loose, hidden=notebook_hidden_cases("3.2"))
    assert not result.passed and {r.hidden for r in result.failures} == {True}


def test_policy_answers_as_json_and_broken_json():
    assert evaluate("3.2", json.dumps(REFERENCE_3_2)).passed
    assert_error(evaluate("3.2", '{"Version": "2012-10-17", "Statement": ['), "not valid JSON")
    assert_error(evaluate("3.2", {}), "no 'Statement'")
    assert_error(evaluate("3.2", [REFERENCE_3_2]), "a policy is a dict")
    assert_error(evaluate("3.2", with_statement(REFERENCE_3_2, 0, Effect="Permit")))


# --- 3.3 and 3.4 ownership and Block Public Access ----------------------------------------------------

def test_the_pre_2021_mental_model_of_ownership_gets_partial_credit():
    # "The uploader always owns the object unless it passes bucket-owner-full-control."
    old_model = dict(REFERENCES["3.3"], enforced_no_acl="uploader", enforced_public_read="uploader",
                     writer_bofc="bucket owner")
    result = evaluate("3.3", old_model)
    assert result.score == pytest.approx(3 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "turns ACLs off" in hints and "permission, not ownership" in hints


def test_thinking_disabled_acls_are_silently_dropped_loses_one_row():
    result = evaluate("3.3", dict(REFERENCES["3.3"], enforced_public_read="bucket owner"))
    assert result.score == pytest.approx(5 / 6)
    assert "silently" in result.failures[0].hint


def test_ownership_and_bpa_values_must_be_among_the_choices():
    assert_error(evaluate("3.3", dict(REFERENCES["3.3"], writer_bofc="partner")), "'request fails'")
    assert_error(evaluate("3.4", dict(REFERENCES["3.4"], old_public_acl="BlockPublicPolicies")),
                 "'RestrictPublicBuckets'")


def test_swapping_the_acl_settings_and_the_policy_settings():
    swapped = {"put_with_public_acl": "IgnorePublicAcls", "old_public_acl": "BlockPublicAcls",
               "put_public_policy": "RestrictPublicBuckets", "existing_public_policy": "BlockPublicPolicy"}
    assert evaluate("3.4", swapped).score == 0
    half = dict(REFERENCES["3.4"], put_public_policy="RestrictPublicBuckets",
                existing_public_policy="BlockPublicPolicy")
    result = evaluate("3.4", half)
    assert result.score == pytest.approx(0.5)
    assert result.failures[0].hint.startswith("You chose 'RestrictPublicBuckets'. RestrictPublicBuckets narrows who")
    assert "BlockPublicPolicy" not in result.failures[0].hint, "the hint never names the right setting"


# --- 3.5 TLS and SSE-KMS policy -----------------------------------------------------------------------

def test_an_allow_with_conditions_changes_nothing_because_the_identity_policy_already_allows():
    allow = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{PAYROLL_BUCKET}/*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"},
                      "StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms",
                                       "s3:x-amz-server-side-encryption-aws-kms-key-id": PAYROLL_KEY_ARN}}}]}
    result = evaluate("3.5", allow)
    assert result.error is None
    assert len(result.failures) == 5 and result.score == pytest.approx(2 / 7)
    assert "only a Deny can refuse" in " ".join(r.hint for r in result.failures)


def test_naming_the_key_by_id_instead_of_arn_blocks_the_right_upload():
    by_id = copy.deepcopy(REFERENCE_3_5)
    by_id["Statement"][2]["Condition"]["StringNotEquals"][
        "s3:x-amz-server-side-encryption-aws-kms-key-id"] = "1234abcd-12ab-34cd-56ef-1234567890ab"
    result = evaluate("3.5", by_id)
    assert failed(result) == ["an upload over HTTPS with SSE-KMS under the payroll key is allowed"]
    assert "should be allowed" in result.failures[0].hint


def test_a_tls_rule_written_as_secure_transport_true_denies_everything_good():
    inverted = copy.deepcopy(REFERENCE_3_5)
    inverted["Statement"][0]["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    result = evaluate("3.5", inverted)
    assert failed(result) == ["an upload over HTTPS with SSE-KMS under the payroll key is allowed",
                              "a download over HTTPS is allowed",
                              "an upload over plain HTTP is denied, even with the right key",
                              "a download over plain HTTP is denied"]


def test_only_requiring_aws_kms_lets_another_key_through():
    result = evaluate("3.5", without_statement(REFERENCE_3_5, 2))
    assert failed(result) == ["an upload with SSE-KMS under another key is denied"]


def test_a_positive_operator_in_the_deny_lets_uploads_without_headers_through():
    positive = copy.deepcopy(REFERENCE_3_5)
    del positive["Statement"][1]
    positive["Statement"][1]["Condition"] = {
        "StringEquals": {"s3:x-amz-server-side-encryption": "AES256"}}
    result = evaluate("3.5", positive)
    assert "an upload without encryption headers is denied" in failed(result)
    assert "absent" in next(r.hint for r in result.failures if "without encryption headers" in r.description)


def test_hidden_cases_catch_a_key_id_wildcard():
    loose = copy.deepcopy(REFERENCE_3_5)
    loose["Statement"][2]["Condition"] = {"StringNotLike": {
        "s3:x-amz-server-side-encryption-aws-kms-key-id": "*1234abcd-12ab-34cd-56ef-1234567890ab"}}
    assert evaluate("3.5", loose).passed, "the visible cases alone do not see this mistake"
    result = evaluate("3.5", loose, hidden=notebook_hidden_cases("3.5"))
    assert failed(result) == ["an upload under a key with the same id in another account is denied"]


# --- 3.6 to 3.8 ---------------------------------------------------------------------------------------

def test_encryption_choices_that_overuse_kms_get_partial_credit():
    kms_everywhere = dict(REFERENCES["3.6"], nothing_to_manage="SSE-KMS", two_layers="SSE-KMS")
    result = evaluate("3.6", kms_everywhere)
    assert result.score == pytest.approx(3 / 5)
    hints = " ".join(r.hint for r in result.failures)
    assert hints.count("You chose 'SSE-KMS'. SSE-KMS encrypts once under a KMS key") == 2
    assert "SSE-S3" not in hints and "DSSE" not in hints, "the hints never name the right options"
    ssec_for_everything_customer = dict(REFERENCES["3.6"], no_plaintext_to_aws="SSE-C")
    result = evaluate("3.6", ssec_for_everything_customer)
    assert result.score == pytest.approx(4 / 5) and "receives the plaintext" in result.failures[0].hint


def test_retention_controls_mixing_up_the_modes():
    swapped = dict(REFERENCES["3.7"], broker_records="governance", trial_retention="compliance")
    result = evaluate("3.7", swapped)
    assert result.score == pytest.approx(0.5)
    hints = " ".join(r.hint for r in result.failures)
    assert "You chose 'governance'. Governance mode keeps a version until a retain-until date" in hints
    assert "You chose 'compliance'. Compliance mode" in hints and "there is no way back, even for a test" in hints
    retention_for_lawsuit = dict(REFERENCES["3.7"], litigation="compliance")
    assert "a retain-until date set in advance" in evaluate("3.7", retention_for_lawsuit).failures[0].hint


def test_lifecycle_answers_counting_from_the_transition_or_picking_flexible_retrieval():
    from_transition = dict(REFERENCES["3.8"], expiration_days=640)
    result = evaluate("3.8", from_transition)
    assert result.score == pytest.approx(3 / 4) and "from the object's creation" in result.failures[0].hint
    flexible = dict(REFERENCES["3.8"], storage_class="glacier")
    result = evaluate("3.8", flexible)
    assert result.score == pytest.approx(3 / 4)
    assert result.failures[0].hint.startswith("You chose 'glacier'. GLACIER (Flexible Retrieval) restores in minutes")
    assert evaluate("3.8", dict(REFERENCES["3.8"], storage_class="deep_archive")).passed, "case is ignored"


def test_lifecycle_numbers_as_strings_are_wrong_not_errors_and_missing_keys_are_named():
    result = evaluate("3.8", dict(REFERENCES["3.8"], transition_days="90"))
    assert result.error is None and result.score == pytest.approx(3 / 4)
    partial = {"transition_days": 90, "storage_class": "DEEP_ARCHIVE"}
    result = evaluate("3.8", partial)
    assert result.score == pytest.approx(0.5) and "missing" in result.failures[0].hint
    assert_error(evaluate("3.8", dict(REFERENCES["3.8"], storage_class="GLACIER_DEEP")), "'DEEP_ARCHIVE'")


# --- 3.9 EFS file system policy -------------------------------------------------------------------------

def test_the_console_style_policy_for_everyone_over_tls_lets_every_role_mount():
    everyone_tls = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": FILE_SYSTEM_ARN,
        "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}
    result = evaluate("3.9", everyone_tls)
    assert failed(result) == [
        "the web-app role cannot mount the whole file system without the access point",
        "the reporting role cannot mount the file system"]
    assert 0 < result.score < 1


def test_granting_root_access_or_dropping_tls_fails_those_cases():
    root = evaluate("3.9", with_statement(REFERENCE_3_9, 0, Action=[
        "elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"]))
    assert failed(root) == ["the web-app role cannot act as root on the file system"]
    no_tls = evaluate("3.9", with_statement(REFERENCE_3_9, 0, Condition={
        "StringEquals": {"elasticfilesystem:AccessPointArn": ACCESS_POINT_ARN}}))
    assert failed(no_tls) == ["the web-app role cannot mount without TLS"]


def test_mount_only_policy_cannot_write():
    result = evaluate("3.9", with_statement(REFERENCE_3_9, 0, Action="elasticfilesystem:ClientMount"))
    assert failed(result) == ["the web-app role writes through its access point over TLS"]
    assert "separate action" in result.failures[0].hint


def test_an_unconditioned_public_grant_is_also_a_lint_failure():
    result = evaluate("3.9", with_statement(REFERENCE_3_9, 0, Principal="*", Condition=None))
    assert lint_requirement("IAM004") in failed(result)


def test_hidden_case_catches_an_access_point_wildcard():
    loose = with_statement(REFERENCE_3_9, 0, Condition={
        "Bool": {"aws:SecureTransport": "true"},
        "StringLike": {"elasticfilesystem:AccessPointArn": ACCESS_POINT_ARN.split("/")[0] + "/*"}})
    assert evaluate("3.9", loose).passed, "the visible cases alone do not see this mistake"
    assert not evaluate("3.9", loose, hidden=notebook_hidden_cases("3.9")).passed


# --- 3.10 Vault Lock ---------------------------------------------------------------------------------------

def test_vault_lock_choices_that_trust_a_policy_or_governance_mode():
    result = evaluate("3.10", {"A", "C", "E", "F"})
    assert result.score == pytest.approx(5 / 6)
    assert "can edit or delete a vault access policy" in result.failures[0].hint
    result = evaluate("3.10", {"A", "B"})
    assert result.score == pytest.approx(3 / 6)
    hints = " ".join(r.hint for r in result.failures)
    assert "AWS Support plays no part" in hints and "2 more option" in hints
    assert "Option C" not in hints and "Option E" not in hints, "missed options are not named"


def test_vault_lock_malformed_choices():
    assert_error(evaluate("3.10", set()), "at least one")
    assert_error(evaluate("3.10", "ACE"), "set of option letters")
    assert_error(evaluate("3.10", {"A", "G"}), "not one of the options")
    assert evaluate("3.10", ["a", "c", "e"]).passed


def failures(result: CheckResult) -> dict[str, str]:
    return {r.description: r.hint for r in result.failures}


# --- 3.11 presigned URLs -----------------------------------------------------------------------------------

def test_presigned_an_ifexists_age_rule_breaks_header_signed_calls():
    ifexists = with_statement(REFERENCE_3_11, 1, Condition={
        "NumericGreaterThanIfExists": {"s3:signatureAge": "600000"}})
    failed = failures(evaluate("3.11", ifexists))
    assert "the portal's own upload, signed in the Authorization header, works" in failed
    assert "...IfExists" in failed["the portal's own upload, signed in the Authorization header, works"]


def test_presigned_download_only_rule_without_auth_type_breaks_the_portal():
    always = with_statement(REFERENCE_3_11, 2, Condition=None)
    assert set(failures(evaluate("3.11", always))) == {
        "the portal's own upload, signed in the Authorization header, works",
        "the portal still deletes old reports with header-signed requests"}


def test_presigned_without_age_cap_or_tls_rule():
    no_age = copy.deepcopy(REFERENCE_3_11)
    no_age["Statement"].pop(1)
    assert list(failures(evaluate("3.11", no_age))) == ["a presigned download signed 30 minutes ago is refused"]
    no_tls = copy.deepcopy(REFERENCE_3_11)
    no_tls["Statement"].pop(0)
    assert set(failures(evaluate("3.11", no_tls))) == {"a presigned download over plain HTTP is refused",
                                                        "a header-signed download over plain HTTP is refused"}


def test_presigned_seconds_instead_of_milliseconds_fails_the_hidden_boundary():
    seconds = with_statement(REFERENCE_3_11, 1, Condition={"NumericGreaterThan": {"s3:signatureAge": "600"}})
    hidden = hidden_cases(NOTEBOOK, "3.11")
    result = evaluate("3.11", seconds, hidden=hidden)
    assert not result.passed
    assert "a presigned link exactly 10 minutes old still works" in failures(result)


# --- 3.12 which record -------------------------------------------------------------------------------------

def test_records_data_events_for_lifecycle_gets_the_internal_endpoint_explanation():
    answer = dict(REFERENCES["3.12"], lifecycle_deleted_evidence="CloudTrail data events")
    result = evaluate("3.12", answer)
    assert result.score == pytest.approx(4 / 5)
    assert "lifecycle actions" in " ".join(failures(result).values())


def test_records_malformed():
    assert_error(evaluate("3.12", {}), "empty")
    assert_error(evaluate("3.12", dict(REFERENCES["3.12"], scan_each_upload="GuardDuty")), "GuardDuty")
