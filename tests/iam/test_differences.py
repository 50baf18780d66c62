"""One test per class of disagreement with @cloud-copilot/iam-simulate (docs/iam-differences.md).

Each pins the decision we chose for the class's minimized example, so a later change cannot flip it
unnoticed. Class D1 is the one we got wrong (an RCP with NotAction was accepted); it is a regression test.
"""

from __future__ import annotations

import pytest

from course.iam import evaluate_json

from .helpers import ACCT, OTHER, allow, decide, deny, pol

BOB = f"arn:aws:iam::{OTHER}:user/bob"
APP = f"arn:aws:iam::{ACCT}:role/app"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCT}:orders"
TOPIC = f"arn:aws:sns:us-east-1:{ACCT}:alerts"


def test_c1_incomplete_arn_in_not_resource_is_completed() -> None:
    """iam-simulate treats "arn:aws:sqs" literally; IAM completes it to arn:aws:sqs:*:*:*."""
    bucket_like = pol({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                       "Action": "sqs:SendMessage", "NotResource": "arn:aws:sqs"})
    assert decide(BOB, "sqs:SendMessage", QUEUE, identity=[pol(allow("sqs:SendMessage"))],
                  resource=bucket_like) == "ImplicitDeny"


def test_c2_rcps_skip_services_that_do_not_support_them() -> None:
    rcp = [[pol(deny("sns:Publish", Principal="*"))]]
    assert decide(APP, "sns:Publish", TOPIC, identity=[pol(allow("sns:Publish"))], rcps=rcp) == "Allow"
    assert decide(APP, "sqs:SendMessage", QUEUE, identity=[pol(allow("sqs:SendMessage"))],
                  rcps=[[pol(deny("sqs:SendMessage", Principal="*"))]]) == "ExplicitDeny"


def test_c3_rcp_with_action_star_is_accepted() -> None:
    rcp = [[pol(deny("*", Principal="*", Condition={"StringNotEquals": {"aws:PrincipalAccount": ACCT}}))]]
    assert decide(BOB, "sqs:SendMessage", QUEUE, identity=[pol(allow("sqs:SendMessage"))],
                  resource=pol(allow("sqs:SendMessage", Principal={"AWS": BOB})), rcps=rcp) == "ExplicitDeny"


def test_d1_rcp_with_not_action_is_rejected() -> None:
    """Regression: the RCP grammar has no NotAction element (orgs_manage_policies_rcps_syntax.html)."""
    rcp = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "NotAction": "sqs:SendMessage", "Resource": "*"}]}
    answer = evaluate_json({"request": {"principal": APP, "action": "sqs:SendMessage", "resource": QUEUE},
                            "policies": {"identity": [pol(allow("sqs:*"))], "rcps": [[rcp]]}})
    assert answer["error"]["path"] == "policies.rcps[0][0].Statement[0].NotAction"
    assert "NotAction" in answer["error"]["message"]


@pytest.mark.parametrize(("effect", "expected"), [("Allow", "Allow"), ("Deny", "ExplicitDeny")])
def test_c4_missing_variable_in_not_resource_excludes_nothing(effect: str, expected: str) -> None:
    """The role has no aws:username: the NotResource pattern matches nothing, so the statement applies."""
    stmt = {"Effect": effect, "Action": "s3:ListBucket",
            "NotResource": "arn:aws:s3:::data-bucket/home/${aws:username}/*"}
    identity = [pol(stmt)] if effect == "Allow" else [pol(stmt, allow("s3:ListBucket"))]
    assert decide(APP, "s3:ListBucket", "arn:aws:s3:::data-bucket", identity=identity) == expected


@pytest.mark.parametrize(("condition", "context", "expected"), [
    ({"StringEqualsIfExists": {"aws:PrincipalTag/team": "blue"}}, {"aws:PrincipalTag/team": ""}, "Allow"),
    ({"StringLike": {"aws:PrincipalTag/team": "*"}}, {"aws:PrincipalTag/team": ""}, "ImplicitDeny"),
    ({"Null": {"aws:PrincipalTag/team": "true"}}, {"aws:PrincipalTag/team": ""}, "Allow"),
    ({"Null": {"aws:TagKeys": "false"}}, {"aws:TagKeys": []}, "ImplicitDeny"),
])
def test_c5_empty_values_are_absent(condition: dict, context: dict, expected: str) -> None:
    assert decide(APP, "sqs:SendMessage", QUEUE, context=context,
                  identity=[pol(allow("sqs:SendMessage", Condition=condition))]) == expected


def test_c6_variables_are_literal_under_version_2008() -> None:
    identity = [pol(allow("s3:PutObject"), deny("s3:PutObject", "arn:aws:s3:::data-bucket/home/${aws:username}/*"),
                    version="2008-10-17")]
    assert decide(f"arn:aws:iam::{ACCT}:user/alice", "s3:PutObject", "arn:aws:s3:::data-bucket/home/alice/f.txt",
                  context={"aws:username": "alice"}, identity=identity) == "Allow"
