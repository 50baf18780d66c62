"""VPC endpoint policies decided on their own (``evaluate_endpoint_policy``), as course.net asks:
a Deny wins, an Allow lets the request through, anything else is an implicit deny.

https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
"""

from __future__ import annotations

import pytest

from course.iam import PolicyError, check_policy, evaluate_endpoint_policy, request

from .helpers import ACCT, OBJ, OTHER, SESSION, pol

EVERYONE = {"Principal": "*"}


def test_deny_wins_allow_passes_and_nothing_is_an_implicit_deny() -> None:
    doc = pol({"Sid": "Objects", "Effect": "Allow", **EVERYONE, "Action": "s3:*Object", "Resource": "*"},
              {"Sid": "NoDelete", "Effect": "Deny", **EVERYONE, "Action": "s3:DeleteObject", "Resource": "*"})
    ok = evaluate_endpoint_policy(doc, request(SESSION, "s3:getobject", OBJ))
    assert ok.decision == "Allow" and ok.explanation["decided_by"] == "endpoint statement Objects"
    denied = evaluate_endpoint_policy(doc, request(SESSION, "s3:DeleteObject", OBJ))
    assert denied.decision == "ExplicitDeny" and denied.explanation["deciding_statement"]["sid"] == "NoDelete"
    none = evaluate_endpoint_policy(doc, request(SESSION, "s3:ListBucket", "arn:aws:s3:::example-bucket"))
    assert none.decision == "ImplicitDeny" and "implicit deny" in none.explanation["reason"]
    assert {s["sid"] for s in none.explanation["statements"]} == {"Objects", "NoDelete"}


def test_an_endpoint_policy_grants_nothing_else_is_needed() -> None:
    # no identity policy is consulted: a principal of the account passes the endpoint, nothing more
    doc = pol({"Effect": "Allow", "Principal": {"AWS": ACCT}, "Action": "s3:GetObject", "Resource": "*"})
    assert evaluate_endpoint_policy(doc, request(SESSION, "s3:GetObject", OBJ)).allowed
    outsider = f"arn:aws:iam::{OTHER}:role/x"
    assert not evaluate_endpoint_policy(doc, request(outsider, "s3:GetObject", OBJ)).allowed
    assert not evaluate_endpoint_policy(doc, request("anonymous", "s3:GetObject", OBJ)).allowed


def test_conditions_not_action_and_not_resource() -> None:
    doc = pol({"Effect": "Allow", **EVERYONE, "NotAction": "s3:PutBucketPolicy", "NotResource": "arn:aws:s3:::x/*",
               "Condition": {"StringEquals": {"s3:ResourceAccount": ACCT}}})
    mine = request(SESSION, "s3:PutObject", OBJ, {"s3:ResourceAccount": ACCT})
    assert evaluate_endpoint_policy(doc, mine).allowed
    assert not evaluate_endpoint_policy(doc, {**mine, "context": {"s3:ResourceAccount": OTHER}}).allowed
    assert not evaluate_endpoint_policy(doc, {**mine, "action": "s3:PutBucketPolicy"}).allowed
    assert not evaluate_endpoint_policy(doc, {**mine, "resource": "arn:aws:s3:::x/y"}).allowed


def test_a_parsed_policy_is_reused_and_the_grammar_is_the_endpoint_kind() -> None:
    parsed = check_policy(pol({"Effect": "Allow", **EVERYONE, "Action": "*", "Resource": "*"}), "endpoint")
    assert evaluate_endpoint_policy(parsed, request(SESSION, "kms:Decrypt", "*")).allowed
    with pytest.raises(PolicyError) as err:  # attached to the endpoint, so no resource is implied
        check_policy(pol({"Effect": "Allow", **EVERYONE, "Action": "*"}), "endpoint")
    assert err.value.path == "Statement[0]" and "Resource or NotResource" in err.value.message
    with pytest.raises(PolicyError) as err:
        evaluate_endpoint_policy(parsed, {"principal": SESSION, "action": "s3", "resource": OBJ})
    assert err.value.path == "request.action"
