"""Principal, NotPrincipal, anonymous and service principals, S3 Block Public Access.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
"""

import pytest

from course.iam import PolicyError
from course.iam.principals import parse_caller

from .helpers import ACCT, ALICE, BOB_OTHER, OTHER, SESSION, allow, decide, deny, pol

PUBLIC_READ = pol({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                   "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                   "Resource": ["arn:aws:s3:::example-bucket/*"]})


def test_anonymous_only_via_wildcard_resource_policy() -> None:
    assert decide("anonymous", resource=PUBLIC_READ) == "Allow"
    aws_star = pol(allow(Principal={"AWS": "*"}))
    assert decide("anonymous", resource=aws_star) == "Allow"
    assert decide("anonymous", identity=[pol(allow("*"))]) == "ImplicitDeny"
    named = pol(allow(Principal={"AWS": ALICE}))
    assert decide("anonymous", resource=named) == "ImplicitDeny"
    assert decide("anonymous", resource=pol(allow(Principal={"AWS": ACCT}))) == "ImplicitDeny"


def test_wildcard_principal_grants_cross_account_resource_side() -> None:
    assert decide(BOB_OTHER, resource=PUBLIC_READ, resourceAccount=ACCT) == "ImplicitDeny"
    assert decide(BOB_OTHER, resource=PUBLIC_READ, identity=[pol(allow())], resourceAccount=ACCT) == "Allow"


def test_service_principal() -> None:
    """CloudTrail bucket policy example: the Service principal may PutObject with a condition."""
    bucket = pol({"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
                  "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
                  "Resource": "arn:aws:s3:::trail-bucket/AWSLogs/111122223333/*",
                  "Condition": {"StringEquals": {
                      "s3:x-amz-acl": "bucket-owner-full-control",
                      "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}}})
    obj = "arn:aws:s3:::trail-bucket/AWSLogs/111122223333/CloudTrail/x.json.gz"
    ctx = {"s3:x-amz-acl": "bucket-owner-full-control",
           "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}
    assert decide("cloudtrail.amazonaws.com", "s3:PutObject", obj, resource=bucket, context=ctx,
                  principalAccount=None, resourceAccount=ACCT) == "Allow"
    assert decide("cloudtrail.amazonaws.com", "s3:PutObject", obj, resource=bucket, context={},
                  principalAccount=None, resourceAccount=ACCT) == "ImplicitDeny"
    assert decide("config.amazonaws.com", "s3:PutObject", obj, resource=bucket, context=ctx,
                  principalAccount=None, resourceAccount=ACCT) == "ImplicitDeny"


def test_notprincipal_deny_example_user() -> None:
    """NotPrincipal example: deny everyone except Bob, listing Bob's ARN and his account ARN."""
    bob = f"arn:aws:iam::{OTHER}:user/Bob"
    p = pol(allow(Principal="*"),
            {"Effect": "Deny", "NotPrincipal": {"AWS": [bob, f"arn:aws:iam::{OTHER}:root"]},
             "Action": "s3:*", "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"]})
    ident = [pol(allow("s3:*"))]
    assert decide(bob, identity=ident, resource=p, resourceAccount=ACCT) == "Allow"
    assert decide(f"arn:aws:iam::{OTHER}:user/Eve", identity=ident, resource=p, resourceAccount=ACCT) \
        == "ExplicitDeny"
    assert decide(ALICE, identity=ident, resource=p) == "ExplicitDeny"
    assert decide("anonymous", resource=p) == "ExplicitDeny"


def test_notprincipal_without_account_denies_the_user_too() -> None:
    """'If the NotPrincipal element contained only Bob's ARN, the effect of the policy might be to
    explicitly deny access to the AWS account that contains the user Bob.'"""
    bob = f"arn:aws:iam::{OTHER}:user/Bob"
    p = pol(allow(Principal="*"), {"Effect": "Deny", "NotPrincipal": {"AWS": bob}, "Action": "s3:*",
                                   "Resource": "*"})
    assert decide(bob, identity=[pol(allow("s3:*"))], resource=p, resourceAccount=ACCT) == "ExplicitDeny"


def test_notprincipal_role_session_needs_session_role_and_account() -> None:
    role = f"arn:aws:iam::{OTHER}:role/cross-account-read-only-role"
    sess = f"arn:aws:sts::{OTHER}:assumed-role/cross-account-read-only-role/cross-account-audit-app"
    full = [sess, role, f"arn:aws:iam::{OTHER}:root"]
    ident = [pol(allow("s3:*"))]

    def with_np(names: list[str]) -> dict:
        return pol(allow(Principal="*"), {"Effect": "Deny", "NotPrincipal": {"AWS": names}, "Action": "s3:*",
                                          "Resource": "*"})
    assert decide(sess, identity=ident, resource=with_np(full), resourceAccount=ACCT) == "Allow"
    assert decide(sess, identity=ident, resource=with_np(full[1:]), resourceAccount=ACCT) == "ExplicitDeny"
    assert decide(sess, identity=ident, resource=with_np(full[:2]), resourceAccount=ACCT) == "ExplicitDeny"


def test_notprincipal_deny_always_denies_principals_with_boundary() -> None:
    """'The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
    permissions boundary policy attached, regardless of the values specified in NotPrincipal.'"""
    p = pol(allow(Principal="*"), {"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE, f"arn:aws:iam::{ACCT}:root"]},
                                   "Action": "s3:*", "Resource": "*"})
    assert decide(ALICE, resource=p) == "Allow"
    assert decide(ALICE, resource=p, boundary=pol(allow("s3:*"))) == "ExplicitDeny"


def test_notprincipal_allow_grants_everyone_else() -> None:
    p = pol({"Effect": "Allow", "NotPrincipal": {"AWS": BOB_OTHER}, "Action": "s3:GetObject", "Resource": "*"})
    assert decide("anonymous", resource=p) == "Allow"
    assert decide(ALICE, resource=p) == "Allow"


def test_principal_partial_wildcard_never_matches() -> None:
    p = pol(allow(Principal={"AWS": f"arn:aws:iam::{ACCT}:user/*"}))
    assert decide(ALICE, resource=p) == "ImplicitDeny"


def test_principal_account_id_forms() -> None:
    assert decide(ALICE, resource=pol(allow(Principal={"AWS": [ACCT]})), identity=[pol(allow())]) == "Allow"


# ---- S3 Block Public Access ------------------------------------------------------------------
BPA = {"s3BlockPublicAccess": {"RestrictPublicBuckets": True}}


def test_restrict_public_buckets_blocks_anonymous_and_cross_account() -> None:
    """'RestrictPublicBuckets ... restricts access to an access point or S3 bucket with a public
    policy to only AWS service principals and authorized users within the bucket owner's account.'"""
    assert decide("anonymous", resource=PUBLIC_READ, settings=BPA) == "ImplicitDeny"
    assert decide(BOB_OTHER, resource=PUBLIC_READ, identity=[pol(allow())], resourceAccount=ACCT,
                  settings=BPA) == "ImplicitDeny"
    assert decide(ALICE, resource=PUBLIC_READ, settings=BPA) == "Allow"
    assert decide("anonymous", resource=PUBLIC_READ,
                  settings={"s3BlockPublicAccess": {"RestrictPublicBuckets": False}}) == "Allow"


def test_restrict_public_buckets_blocks_named_cross_account_too_when_policy_public() -> None:
    p = pol(allow(Principal="*"), allow(Principal={"AWS": BOB_OTHER}))
    assert decide(BOB_OTHER, resource=p, identity=[pol(allow())], resourceAccount=ACCT, settings=BPA) \
        == "ImplicitDeny"


def test_restrict_public_buckets_ignores_non_public_policies() -> None:
    named = pol(allow(Principal={"AWS": BOB_OTHER}))
    assert decide(BOB_OTHER, resource=named, identity=[pol(allow())], resourceAccount=ACCT, settings=BPA) \
        == "Allow"
    fixed = pol(allow(Principal="*", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}))
    assert decide("anonymous", resource=fixed, context={"aws:SourceVpce": "vpce-1a2b3c4d"}, settings=BPA) \
        == "Allow"
    ip = pol(allow(Principal="*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))
    assert decide("anonymous", resource=ip, context={"aws:SourceIp": "203.0.113.1"}, settings=BPA) == "Allow"
    wide = pol(allow(Principal="*", Condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}))
    assert decide("anonymous", resource=wide, context={"aws:SourceIp": "203.0.113.1"}, settings=BPA) \
        == "ImplicitDeny"


def test_restrict_public_buckets_allows_service_principals() -> None:
    p = pol(allow("s3:PutObject", Principal="*"))
    assert decide("logging.s3.amazonaws.com", "s3:PutObject", resource=p, principalAccount=None,
                  resourceAccount=ACCT, settings=BPA) == "Allow"


# ---- caller parsing ---------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "kind"), [
    (ALICE, "user"), (SESSION, "role_session"), (f"arn:aws:iam::{ACCT}:root", "root"),
    (f"arn:aws:sts::{ACCT}:federated-user/x", "federated_user"), ("anonymous", "anonymous"),
    ("cloudtrail.amazonaws.com", "service"), (ACCT, "root"),
    (f"arn:aws:iam::{ACCT}:role/path/r", "role"),
])
def test_parse_caller(raw: str, kind: str) -> None:
    assert parse_caller(raw).kind == kind


@pytest.mark.parametrize("raw", ["", "bob", "arn:aws:s3:::bucket", "arn:aws:sts::111122223333:assumed-role/x", 5])
def test_parse_caller_errors(raw: object) -> None:
    with pytest.raises(PolicyError):
        parse_caller(raw)


def test_resource_deny_for_principal_not_named_does_not_apply() -> None:
    p = pol(deny(Principal={"AWS": BOB_OTHER}))
    assert decide(ALICE, identity=[pol(allow())], resource=p) == "Allow"


def test_restrict_public_buckets_only_affects_s3() -> None:
    queue = f"arn:aws:sqs:us-east-1:{ACCT}:public-q"
    qp = pol(allow("sqs:SendMessage", Principal="*"))
    assert decide("anonymous", "sqs:SendMessage", queue, resource=qp, settings=BPA) == "Allow"
