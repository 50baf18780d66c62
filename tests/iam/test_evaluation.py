"""Same-account and cross-account evaluation, boundaries and session policies.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
"""

from .helpers import (
    ACCT,
    ALICE,
    BOB_OTHER,
    FED,
    OTHER,
    ROLE,
    SESSION,
    allow,
    decide,
    deny,
    pol,
    result,
)

CARLOS = f"arn:aws:iam::{ACCT}:user/carlossalazar"
CARLOS_POLICY = pol(
    {"Sid": "AllowS3ListRead", "Effect": "Allow",
     "Action": ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints",
                "s3:ListAllMyBuckets"], "Resource": "arn:aws:s3:::*"},
    {"Sid": "AllowS3Self", "Effect": "Allow", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]},
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
)
CARLOS_BUCKET = pol({"Effect": "Allow", "Principal": {"AWS": CARLOS}, "Action": "s3:*",
                     "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]})


def test_carlos_example() -> None:
    """The 'Example identity-based and resource-based policy evaluation' (carlossalazar)."""
    r = result(CARLOS, "s3:PutObject", "arn:aws:s3:::carlossalazar-logs/f", identity=[CARLOS_POLICY])
    assert r.decision == "ExplicitDeny"
    assert r.explanation["decided_by"] == "identity[0] statement DenyS3Logs"
    assert decide(CARLOS, "s3:PutObject", "arn:aws:s3:::carlossalazar/f", identity=[CARLOS_POLICY],
                  resource=CARLOS_BUCKET) == "Allow"


def test_explicit_vs_implicit_deny_example() -> None:
    """AllowGetList / DenyReports example from 'The difference between explicit and implicit denies'."""
    p = pol({"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
            {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"})
    assert decide(action="iam:ListUsers", resource="*", identity=[p]) == "Allow"
    assert decide(action="iam:CreatePolicy", resource="*", identity=[p]) == "ImplicitDeny"
    assert decide(action="iam:GetOrganizationsAccessReport", resource="*", identity=[p]) == "ExplicitDeny"
    extra = pol(allow("iam:GenerateCredentialReport"))
    assert decide(action="iam:GenerateCredentialReport", resource="*", identity=[p, extra]) == "ExplicitDeny"


def test_default_is_implicit_deny() -> None:
    assert decide() == "ImplicitDeny"
    assert decide(identity=[]) == "ImplicitDeny"


def test_allow_in_any_identity_policy() -> None:
    assert decide(identity=[pol(allow("sqs:*")), pol(allow("s3:GetObject"))]) == "Allow"


def test_same_account_resource_policy_alone_grants_user() -> None:
    """'If either the identity-based policy or the resource-based policy within the same account
    allows the request and the other doesn't, the request is still allowed.'"""
    bucket = pol(allow(Principal={"AWS": ALICE}))
    assert decide(resource=bucket) == "Allow"
    assert decide(identity=[pol(allow())]) == "Allow"


def test_explicit_deny_in_resource_policy_overrides_identity_allow() -> None:
    bucket = pol(deny(Principal="*"))
    assert decide(identity=[pol(allow())], resource=bucket) == "ExplicitDeny"


def test_same_account_grant_to_account_root_needs_identity_policy() -> None:
    bucket = pol(allow(Principal={"AWS": f"arn:aws:iam::{ACCT}:root"}))
    assert decide(resource=bucket) == "ImplicitDeny"
    assert decide(resource=bucket, identity=[pol(allow())]) == "Allow"
    assert decide(resource=pol(allow(Principal={"AWS": ACCT})), identity=[pol(allow())]) == "Allow"


# ---- permissions boundaries -----------------------------------------------------------------
def test_boundary_intersects_identity_policy() -> None:
    """Effective permissions are the intersection of identity policy and boundary."""
    ident = [pol(allow("s3:*"))]
    assert decide(identity=ident, boundary=pol(allow("s3:GetObject"))) == "Allow"
    assert decide(action="s3:PutObject", identity=ident, boundary=pol(allow("s3:GetObject"))) == "ImplicitDeny"
    assert decide(identity=[pol(allow("sqs:*"))], boundary=pol(allow("s3:*"))) == "ImplicitDeny"


def test_boundary_explicit_deny() -> None:
    assert decide(identity=[pol(allow("s3:*"))], boundary=pol(allow("*"), deny())) == "ExplicitDeny"


def test_boundary_does_not_limit_resource_policy_grant_to_user_arn() -> None:
    """'resource-based policies that grant permissions to an IAM user ARN ... are not limited by an
    implicit deny in an identity-based policy or permissions boundary.'"""
    bucket = pol(allow(Principal={"AWS": ALICE}))
    assert decide(resource=bucket, boundary=pol(allow("sqs:*"))) == "Allow"


def test_boundary_limits_resource_policy_grant_to_role_arn() -> None:
    """'Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit
    deny in a permissions boundary or session policy.'"""
    bucket = pol(allow(Principal={"AWS": ROLE}))
    assert decide(SESSION, resource=bucket) == "Allow"
    assert decide(SESSION, resource=bucket, boundary=pol(allow("sqs:*"))) == "ImplicitDeny"
    assert decide(SESSION, resource=bucket, boundary=pol(allow("s3:*"))) == "Allow"
    assert decide(SESSION, resource=bucket, session=pol(allow("sqs:*"))) == "ImplicitDeny"
    assert decide(SESSION, resource=bucket, session=pol(allow("s3:GetObject"))) == "Allow"


def test_role_arn_with_path_names_the_session_role() -> None:
    bucket = pol(allow(Principal={"AWS": f"arn:aws:iam::{ACCT}:role/team/app"}))
    assert decide(SESSION, resource=bucket) == "Allow"


def test_resource_policy_grant_to_session_arn_not_limited() -> None:
    """'resource-based policies that grant permissions to an IAM role session ARN ... are not limited
    by an implicit deny in an identity-based policy, a permissions boundary, or session policy.'"""
    bucket = pol(allow(Principal={"AWS": SESSION}))
    assert decide(SESSION, resource=bucket, boundary=pol(allow("sqs:*")), session=pol(allow("sqs:*"))) \
        == "Allow"


def test_explicit_deny_in_session_policy_still_wins() -> None:
    bucket = pol(allow(Principal={"AWS": SESSION}))
    assert decide(SESSION, resource=bucket, session=pol(allow("*"), deny())) == "ExplicitDeny"


# ---- session policies --------------------------------------------------------------------------
def test_session_policy_intersects_role_identity_policy() -> None:
    ident = [pol(allow("s3:*"))]
    assert decide(SESSION, identity=ident, session=pol(allow("s3:GetObject"))) == "Allow"
    assert decide(SESSION, identity=ident, session=pol(allow("sqs:*"))) == "ImplicitDeny"
    assert decide(SESSION, identity=[pol(allow("sqs:*"))], session=pol(allow("s3:*"))) == "ImplicitDeny"
    assert decide(SESSION, identity=ident) == "Allow"  # no session policy: role permissions


def test_federated_user_session() -> None:
    """GetFederationToken sessions: permissions are the intersection of the IAM user's policies and
    the session policy; without a session policy the identity path grants nothing; a resource
    policy naming the federated-user ARN grants directly."""
    ident = [pol(allow("s3:*"))]
    assert decide(FED, identity=ident, session=pol(allow("s3:GetObject"))) == "Allow"
    assert decide(FED, identity=ident, session=pol(allow("sqs:*"))) == "ImplicitDeny"
    assert decide(FED, identity=ident) == "ImplicitDeny"
    assert decide(FED, resource=pol(allow(Principal={"AWS": FED})), session=pol(allow("sqs:*"))) == "Allow"


def test_session_policy_ignored_for_iam_user() -> None:
    assert decide(identity=[pol(allow())], session=pol(allow("sqs:*"))) == "Allow"


def test_root_user_has_full_access_but_scps_apply() -> None:
    root = f"arn:aws:iam::{ACCT}:root"
    assert decide(root) == "Allow"
    assert decide(root, scps=[[pol(allow("sqs:*"))]]) == "ImplicitDeny"
    assert decide(root, resource=pol(deny(Principal="*"))) == "ExplicitDeny"


# ---- cross-account --------------------------------------------------------------------------
def test_cross_account_needs_both_sides() -> None:
    """Cross-account: the identity policy in the trusted account AND the resource policy must allow."""
    bucket = pol(allow(Principal={"AWS": OTHER}))
    kw = {"resourceAccount": ACCT}
    assert decide(BOB_OTHER, identity=[pol(allow())], resource=bucket, **kw) == "Allow"
    assert decide(BOB_OTHER, resource=bucket, **kw) == "ImplicitDeny"
    assert decide(BOB_OTHER, identity=[pol(allow())], **kw) == "ImplicitDeny"
    assert decide(BOB_OTHER, identity=[pol(allow())], resource=pol(allow(Principal={"AWS": ACCT})),
                  **kw) == "ImplicitDeny"
    direct = pol(allow(Principal={"AWS": BOB_OTHER}))
    assert decide(BOB_OTHER, identity=[pol(allow())], resource=direct, **kw) == "Allow"
    assert decide(BOB_OTHER, resource=direct, **kw) == "ImplicitDeny"


def test_cross_account_boundary_still_applies() -> None:
    bucket = pol(allow(Principal={"AWS": BOB_OTHER}))
    assert decide(BOB_OTHER, identity=[pol(allow())], resource=bucket, boundary=pol(allow("sqs:*")),
                  resourceAccount=ACCT) == "ImplicitDeny"


def test_cross_account_explicit_deny_on_either_side() -> None:
    bucket = pol(allow(Principal={"AWS": OTHER}))
    assert decide(BOB_OTHER, identity=[pol(allow(), deny())], resource=bucket,
                  resourceAccount=ACCT) == "ExplicitDeny"
    assert decide(BOB_OTHER, identity=[pol(allow())], resource=pol(allow(Principal="*"), deny(Principal="*")),
                  resourceAccount=ACCT) == "ExplicitDeny"


def test_resource_account_from_arn() -> None:
    queue = f"arn:aws:sqs:us-east-1:{ACCT}:q"
    qp = pol(allow("sqs:SendMessage", Principal={"AWS": BOB_OTHER}))
    assert decide(BOB_OTHER, "sqs:SendMessage", queue, resource=qp) == "ImplicitDeny"  # cross-account
    assert decide(BOB_OTHER, "sqs:SendMessage", queue, resource=qp, identity=[pol(allow("sqs:*"))]) == "Allow"


def test_same_account_user_explanation_names_statement() -> None:
    r = result(identity=[pol({"Sid": "ReadReports", **allow()})])
    assert r.allowed and r.explanation["deciding_statement"]["sid"] == "ReadReports"
    assert r.explanation["deciding_statement"]["path"] == "policies.identity[0].Statement[0]"


def test_wildcard_principal_with_principal_arn_condition_not_limited_by_boundary_or_session() -> None:
    """'Permissions boundaries and session policies do not limit permissions granted using the
    aws:PrincipalArn condition key with a wildcard(*) in the Principal element, unless the
    identity-based policies contain an explicit deny.' (evaluation logic, IAM role bullet)"""
    bucket = pol(allow(Principal="*", Condition={"ArnEquals": {"aws:PrincipalArn": ROLE}}))
    ctx = {"aws:PrincipalArn": ROLE}
    assert decide(SESSION, resource=bucket, context=ctx, boundary=pol(allow("sqs:*")),
                  session=pol(allow("sqs:*"))) == "Allow"
    assert decide(SESSION, resource=bucket, context=ctx, identity=[pol(deny())]) == "ExplicitDeny"


def test_root_user_needs_key_policy() -> None:
    """KMS: even the root user is denied when the key policy does not allow the account."""
    key = f"arn:aws:kms:us-east-1:{ACCT}:key/k1"
    root = f"arn:aws:iam::{ACCT}:root"
    only_admin = pol(allow("kms:*", Principal={"AWS": f"arn:aws:iam::{ACCT}:user/admin"}))
    assert decide(root, "kms:Decrypt", key, resource=only_admin) == "ImplicitDeny"
    assert decide(root, "kms:Decrypt", key, resource=pol(allow("kms:*", Principal={"AWS": ACCT}))) == "Allow"


def test_scp_deny_beats_same_account_resource_grant() -> None:
    bucket = pol(allow(Principal={"AWS": ALICE}))
    assert decide(resource=bucket, scps=[[pol(allow("*"), deny("s3:GetObject"))]]) == "ExplicitDeny"


def test_explanation_reports_skipped_scps_for_management_account() -> None:
    r = result(identity=[pol(allow())], scps=[[pol(deny("*"))]], principalIsOrgManagementAccount=True)
    assert r.allowed
    assert any(s["step"] == "service control policies" and s["outcome"] == "skipped"
               for s in r.explanation["steps"])
