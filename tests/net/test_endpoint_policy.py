"""Endpoint policies are IAM policies decided by course.iam (spec §5.9): case-insensitive actions, conditions,
NotAction/NotResource and Principal, with the context keys AWS adds for a request through an endpoint.

https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from course.net import NetworkError, load, reach, set_endpoint_policy_evaluator
from course.net.endpoint_policy import Decision

from .helpers import S3_IP, q, two_tier, with_s3

ORG = "o-a1b2c3d4e5"
ME = "111122223333"
THEM = "444455556666"
ROLE = f"arn:aws:iam::{ME}:role/app"
SESSION = f"arn:aws:sts::{ME}:assumed-role/app/i-0123456789abcdef0"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(**extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": "*", **extra}


def s3(action: str, resource: str, owner: str = ME, **extra: Any) -> dict[str, Any]:
    """A request from the app role's session, with the context keys a data perimeter tests."""
    context = {"aws:PrincipalOrgID": ORG, "aws:PrincipalAccount": ME, "aws:PrincipalArn": ROLE,
               "s3:ResourceAccount": owner, "aws:ResourceAccount": owner}
    if owner == ME:
        context["aws:ResourceOrgID"] = ORG
    return {"principal": SESSION, "action": action, "resource": resource, "resourceAccount": owner,
            "context": context, **extra}


def decide(doc: dict[str, Any] | None, request: dict[str, Any] | None) -> Any:
    net = load(with_s3(two_tier(), doc).build())
    extra = {"request": request} if request is not None else {}
    return reach(net, q("eni-app", "s3", 443, dst_ip=S3_IP, **extra))


def hop(ans: Any) -> dict[str, Any]:
    return next(h for h in ans.path if h["kind"] == "endpoint-policy")


def test_actions_compare_case_insensitively_as_aws_does() -> None:
    doc = policy(allow(Action="S3:GetObject", Resource="arn:aws:s3:::mine/*"))
    for action in ("s3:GetObject", "s3:getobject", "S3:GETOBJECT"):
        assert decide(doc, s3(action, "arn:aws:s3:::mine/a")).reachable, action
    lower = policy(allow(Action=["s3:getobject", "s3:put*"], Resource="arn:aws:s3:::mine/*"))
    assert decide(lower, s3("s3:PutObject", "arn:aws:s3:::mine/a")).reachable
    # ARNs stay case-sensitive
    assert decide(doc, s3("s3:GetObject", "arn:aws:s3:::MINE/a")).blocked_by == "endpoint-policy"


def test_data_perimeter_conditions_on_the_resource_account_and_the_organization() -> None:
    by_account = policy(allow(Action="s3:*", Resource="*",
                              Condition={"StringEquals": {"s3:ResourceAccount": ME}}))
    assert decide(by_account, s3("s3:PutObject", "arn:aws:s3:::mine/a")).reachable
    ans = decide(by_account, s3("s3:PutObject", "arn:aws:s3:::exfil/a", owner=THEM))
    assert (ans.blocked_by, ans.blocked_at) == ("endpoint-policy", "vpce-s3")
    assert "implicit deny" in hop(ans)["detail"]

    by_org = policy(allow(Principal={"AWS": "*"}, Action="*", Resource="*",
                          Condition={"StringEquals": {"aws:PrincipalOrgID": ORG, "aws:ResourceOrgID": ORG}}))
    assert decide(by_org, s3("s3:GetObject", "arn:aws:s3:::mine/a")).reachable
    assert not decide(by_org, s3("s3:GetObject", "arn:aws:s3:::exfil/a", owner=THEM)).reachable
    outsider = s3("s3:GetObject", "arn:aws:s3:::mine/a")
    outsider["context"]["aws:PrincipalOrgID"] = "o-zzzzzzzzzz"
    assert not decide(by_org, outsider).reachable


def test_not_action_and_not_resource() -> None:
    doc = policy(
        allow(Action="s3:*", Resource="*"),
        {"Effect": "Deny", "Principal": "*", "NotAction": ["s3:GetObject", "s3:PutObject"], "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "NotResource": ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"]},
    )
    assert decide(doc, s3("s3:GetObject", "arn:aws:s3:::mine/a")).reachable
    admin = decide(doc, s3("s3:PutBucketPolicy", "arn:aws:s3:::mine"))
    assert admin.blocked_by == "endpoint-policy"
    assert "explicitly denied by endpoint statement #1" in hop(admin)["detail"]
    other = decide(doc, s3("s3:PutObject", "arn:aws:s3:::theirs/a", owner=THEM))
    assert "explicitly denied by endpoint statement #2" in hop(other)["detail"]


def test_principal_names_who_may_use_the_endpoint() -> None:
    doc = policy(allow(Principal={"AWS": ROLE}, Action="s3:*", Resource="*"))
    assert decide(doc, s3("s3:GetObject", "arn:aws:s3:::mine/a")).reachable
    assert not decide(doc, {"action": "s3:GetObject", "resource": "arn:aws:s3:::mine/a"}).reachable  # anonymous
    account = policy(allow(Principal={"AWS": ME}, Action="s3:*", Resource="*"))  # any principal of the account
    assert decide(account, s3("s3:GetObject", "arn:aws:s3:::mine/a")).reachable


def test_the_model_adds_the_endpoint_keys_unless_the_request_gives_them() -> None:
    doc = policy(allow(Action="s3:*", Resource="*", Condition={
        "StringEquals": {"aws:SourceVpce": "vpce-s3", "aws:SourceVpc": "vpc-a"},
        "IpAddress": {"aws:VpcSourceIp": "10.0.2.0/24"}}))
    request = {"action": "s3:GetObject", "resource": "arn:aws:s3:::mine/a"}
    assert decide(doc, request).reachable
    given = {**request, "context": {"AWS:SOURCEVPCE": "vpce-elsewhere"}}
    assert decide(doc, given).blocked_by == "endpoint-policy"


def test_default_policy_and_a_query_without_a_request() -> None:
    assert decide(None, None).reachable
    ans = decide(policy(allow(Action="*", Resource="*")), None)
    assert ans.blocked_by == "endpoint-policy" and "no request" in hop(ans)["detail"]


def test_malformed_policies_and_requests_name_the_field() -> None:
    bad = [
        (policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}),
         "vpc_endpoints.vpce-s3.policy.Statement[0]", "Resource"),
        (policy(allow(Action="s3:*", Resource="*", Condition={"StringEqual": {"aws:SourceVpce": "v"}})),
         "vpc_endpoints.vpce-s3.policy.Statement[0].Condition.StringEqual", "StringEqual"),
        (policy(allow(Action="s3 GetObject", Resource="*")), "vpc_endpoints.vpce-s3.policy.Statement[0].Action",
         "service:ActionName"),
    ]
    for doc, path, word in bad:
        with pytest.raises(NetworkError) as err:
            load(with_s3(two_tier(), doc).build())
        assert err.value.path == path and word in err.value.message, err.value
    doc = policy(allow(Action="s3:*", Resource="*"))
    with pytest.raises(NetworkError) as err:
        decide(doc, {"action": "s3GetObject", "resource": "arn:aws:s3:::mine/a"})
    assert err.value.path == "query.request.action"
    with pytest.raises(NetworkError) as err:
        decide(doc, {"action": "s3:GetObject", "resource": "arn:aws:s3:::mine/a", "context": ["x"]})
    assert err.value.path == "query.request.context"


class _Everything:
    """An evaluator that allows every request, to show the injection point is used."""

    def __init__(self) -> None:
        self.asked: list[dict[str, Any]] = []

    def compile(self, document: dict[str, Any], path: str) -> Any:
        return document

    def decide(self, policy: Any, request: dict[str, Any]) -> Decision:
        self.asked.append(request)
        return Decision("Allow", "the test evaluator allows everything")


def test_an_injected_evaluator_replaces_course_iam() -> None:
    deny_all = policy({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"})
    request = {"action": "s3:GetObject", "resource": "arn:aws:s3:::mine/a"}
    assert not decide(deny_all, request).reachable
    fake = _Everything()
    set_endpoint_policy_evaluator(fake)
    try:
        ans = decide(deny_all, request)
    finally:
        set_endpoint_policy_evaluator(None)
    assert ans.reachable and "the test evaluator" in hop(ans)["detail"]
    assert fake.asked[0]["principal"] == "anonymous" and fake.asked[0]["context"]["aws:SourceVpce"] == "vpce-s3"
    assert not decide(deny_all, request).reachable


def test_importing_course_net_does_not_import_course_iam() -> None:
    code = "import sys, course.net; print('course.iam' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
