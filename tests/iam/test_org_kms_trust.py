"""SCPs, RCPs, KMS key policies and role trust policies.

https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html
"""

from .helpers import ACCT, ALICE, BOB_OTHER, OTHER, ROLE, SESSION, allow, decide, deny, pol, result

FULL = pol(allow("*"))
SLR_SESSION = f"arn:aws:sts::{ACCT}:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling"


# ---- SCPs --------------------------------------------------------------------------------
def test_scp_every_level_must_allow() -> None:
    """'If a permission is blocked at any level above the account ... the account does not have it':
    each level (root, OU, account) needs an Allow."""
    ident = [FULL]
    assert decide(identity=ident, scps=[[FULL], [FULL], [FULL]]) == "Allow"
    assert decide(identity=ident, scps=[[FULL], [pol(allow("sqs:*"))], [FULL]]) == "ImplicitDeny"
    assert decide(identity=ident, scps=[[FULL], [pol(allow("sqs:*")), pol(allow("s3:*"))], [FULL]]) == "Allow"
    assert decide(identity=ident, scps=[[FULL], []]) == "ImplicitDeny"


def test_scp_grants_nothing_and_full_access_not_implied() -> None:
    assert decide(scps=[[FULL]]) == "ImplicitDeny"
    assert decide(identity=[FULL], scps=[[pol(deny("ec2:*"))]]) == "ImplicitDeny"  # no FullAWSAccess


def test_scp_deny_list_strategy() -> None:
    assert decide(identity=[FULL], scps=[[FULL, pol(deny("s3:*"))]]) == "ExplicitDeny"


def test_scp_explanation_names_level() -> None:
    r = result(identity=[FULL], scps=[[FULL], [pol(allow("sqs:*"))]])
    assert r.explanation["decided_by"] == "scps[1]"


def test_scp_full_language_conditions_and_notresource() -> None:
    """Since Sep 2025 SCP Allow statements may use conditions, specific resources and NotResource."""
    scp = pol({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*",
               "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}})
    assert decide(identity=[FULL], scps=[[scp]], context={"aws:RequestedRegion": "eu-west-1"}) == "Allow"
    assert decide(identity=[FULL], scps=[[scp]], context={"aws:RequestedRegion": "us-east-1"}) == "ImplicitDeny"


def test_scp_limits_resource_policy_grants() -> None:
    bucket = pol(allow(Principal={"AWS": ALICE}))
    assert decide(resource=bucket, scps=[[pol(allow("sqs:*"))]]) == "ImplicitDeny"


def test_scp_not_for_management_account() -> None:
    assert decide(identity=[FULL], scps=[[pol(deny("*"))]], principalIsOrgManagementAccount=True) == "Allow"


def test_scp_not_for_service_linked_roles() -> None:
    assert decide(SLR_SESSION, identity=[FULL], scps=[[pol(deny("*"))]]) == "Allow"
    slr_role = f"arn:aws:iam::{ACCT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    assert decide(slr_role, identity=[FULL], scps=[[pol(deny("*"))]]) == "Allow"


def test_scp_not_for_service_principals() -> None:
    bucket = pol(allow("s3:PutObject", Principal={"Service": "cloudtrail.amazonaws.com"}))
    assert decide("cloudtrail.amazonaws.com", "s3:PutObject", resource=bucket, principalAccount=None,
                  scps=[[pol(deny("*"))]]) == "Allow"


def test_scp_principal_element_rejected() -> None:
    from course.iam import evaluate_json

    from .helpers import question
    q = question(identity=[FULL], scps=[[pol(allow(Principal="*"))]])
    assert evaluate_json(q)["error"]["path"] == "policies.scps[0][0].Statement[0].Principal"


# ---- RCPs ---------------------------------------------------------------------------------
RCP_ORG_ONLY = pol({"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": "*", "Condition": {
                        "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"},
                        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}})


def test_rcp_full_access_implied() -> None:
    """RCPFullAWSAccess is implied: an RCP level with only unrelated denies does not block."""
    assert decide(identity=[FULL], rcps=[[pol(deny("sqs:*", Principal="*"))]]) == "Allow"
    assert decide(identity=[FULL], rcps=[[], []]) == "Allow"


def test_rcp_data_perimeter_example() -> None:
    """Data perimeter RCP (orgs_manage_policies_rcps_examples): deny principals outside the org."""
    bucket = pol(allow(Principal={"AWS": OTHER}))
    kw = {"resourceAccount": ACCT, "resource": bucket, "identity": [FULL], "rcps": [[RCP_ORG_ONLY]]}
    assert decide(BOB_OTHER, context={"aws:PrincipalOrgID": "o-other"}, **kw) == "ExplicitDeny"
    assert decide(BOB_OTHER, context={"aws:PrincipalOrgID": "o-abc"}, **kw) == "Allow"


def test_rcp_applies_to_same_account_and_root_but_not_management_account() -> None:
    assert decide(identity=[FULL], rcps=[[pol(deny("s3:*", Principal="*"))]]) == "ExplicitDeny"
    assert decide(f"arn:aws:iam::{ACCT}:root", rcps=[[pol(deny("s3:*", Principal="*"))]]) == "ExplicitDeny"
    assert decide(identity=[FULL], rcps=[[pol(deny("s3:*", Principal="*"))]],
                  resourceIsOrgManagementAccount=True) == "Allow"


def test_rcp_not_for_service_linked_roles_or_unsupported_services() -> None:
    rcp = [[pol(deny("*", Principal="*"))]]
    assert decide(SLR_SESSION, identity=[FULL], rcps=rcp) == "Allow"
    assert decide(action="ec2:RunInstances", resource="*", identity=[FULL], rcps=rcp) == "Allow"
    assert decide(action="sqs:SendMessage", resource=f"arn:aws:sqs:us-east-1:{ACCT}:q",
                  identity=[FULL], rcps=rcp) == "ExplicitDeny"


def test_rcp_applies_to_anonymous() -> None:
    bucket = pol(allow(Principal="*"))
    assert decide("anonymous", resource=bucket, rcps=[[pol(deny("s3:*", Principal="*"))]]) == "ExplicitDeny"


# ---- KMS key policies ----------------------------------------------------------------------
KEY = f"arn:aws:kms:us-east-1:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DEFAULT_KEY_POLICY = pol({"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                          "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "kms:*",
                          "Resource": "*"})


def test_kms_default_key_policy_enables_iam_policies() -> None:
    """The default key policy's root statement lets IAM policies grant access to the key."""
    assert decide(ALICE, "kms:Decrypt", KEY, resource=DEFAULT_KEY_POLICY, identity=[pol(allow("kms:Decrypt"))]) \
        == "Allow"
    assert decide(ALICE, "kms:Decrypt", KEY, resource=DEFAULT_KEY_POLICY) == "ImplicitDeny"


def test_kms_identity_policy_alone_is_not_enough() -> None:
    """'No AWS principal has any permissions to a KMS key unless ... explicitly allowed in the key
    policy': without the root delegation, IAM policies don't count, even in the same account."""
    key_policy = pol(allow("kms:*", Principal={"AWS": f"arn:aws:iam::{ACCT}:user/admin"}))
    assert decide(ALICE, "kms:Decrypt", KEY, resource=key_policy, identity=[pol(allow("kms:*"))]) \
        == "ImplicitDeny"
    assert decide(ALICE, "kms:Decrypt", KEY, identity=[pol(allow("kms:*"))]) == "ImplicitDeny"


def test_kms_key_policy_naming_principal_grants_alone() -> None:
    key_policy = pol(allow("kms:Decrypt", Principal={"AWS": ALICE}))
    assert decide(ALICE, "kms:Decrypt", KEY, resource=key_policy) == "Allow"


def test_kms_cross_account_needs_key_policy_and_identity_policy() -> None:
    key_policy = pol(allow("kms:Decrypt", Principal={"AWS": f"arn:aws:iam::{OTHER}:root"}))
    assert decide(BOB_OTHER, "kms:Decrypt", KEY, resource=key_policy) == "ImplicitDeny"
    assert decide(BOB_OTHER, "kms:Decrypt", KEY, resource=key_policy,
                  identity=[pol(allow("kms:Decrypt", KEY))]) == "Allow"


def test_kms_non_key_actions_follow_iam() -> None:
    assert decide(ALICE, "kms:ListKeys", "*", identity=[pol(allow("kms:ListKeys"))]) == "Allow"


# ---- role trust policies -------------------------------------------------------------------
TARGET_ROLE = f"arn:aws:iam::{ACCT}:role/target"


def test_trust_policy_must_allow_even_in_account() -> None:
    trust = pol({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
                 "Action": "sts:AssumeRole"})
    ident = [pol(allow("sts:AssumeRole", TARGET_ROLE))]
    assert decide(ALICE, "sts:AssumeRole", TARGET_ROLE, identity=ident, resource=trust) == "Allow"
    assert decide(ALICE, "sts:AssumeRole", TARGET_ROLE, identity=ident) == "ImplicitDeny"
    assert decide(ALICE, "sts:AssumeRole", TARGET_ROLE, resource=trust) == "ImplicitDeny"


def test_trust_policy_naming_user_grants_in_same_account() -> None:
    trust = pol({"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"})
    assert decide(ALICE, "sts:AssumeRole", TARGET_ROLE, resource=trust) == "Allow"


def test_trust_policy_cross_account() -> None:
    trust = pol({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                 "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})
    ident = [pol(allow("sts:AssumeRole", TARGET_ROLE))]
    ctx = {"aws:MultiFactorAuthPresent": "true"}
    assert decide(BOB_OTHER, "sts:AssumeRole", TARGET_ROLE, identity=ident, resource=trust, context=ctx) == "Allow"
    assert decide(BOB_OTHER, "sts:AssumeRole", TARGET_ROLE, identity=ident, resource=trust) == "ImplicitDeny"
    assert decide(BOB_OTHER, "sts:AssumeRole", TARGET_ROLE, resource=trust, context=ctx) == "ImplicitDeny"


def test_trust_policy_service_principal() -> None:
    trust = pol({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
    assert decide("ec2.amazonaws.com", "sts:AssumeRole", ROLE, resource=trust) == "Allow"
    assert decide("lambda.amazonaws.com", "sts:AssumeRole", ROLE, resource=trust) == "ImplicitDeny"


def test_trust_policy_web_identity() -> None:
    trust = pol({"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                 "Action": "sts:AssumeRoleWithWebIdentity",
                 "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"}}})
    ctx = {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"}
    assert decide("cognito-identity.amazonaws.com", "sts:AssumeRoleWithWebIdentity", ROLE, resource=trust,
                  context=ctx) == "Allow"


def test_role_chaining_session_named_by_role() -> None:
    trust = pol({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "sts:AssumeRole"})
    assert decide(SESSION, "sts:AssumeRole", TARGET_ROLE, resource=trust) == "Allow"
    assert decide(SESSION, "sts:AssumeRole", TARGET_ROLE, resource=trust, session=pol(allow("s3:*"))) \
        == "ImplicitDeny"
