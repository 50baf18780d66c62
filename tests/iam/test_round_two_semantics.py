"""Issue #20 item 2: incomplete ARNs, empty values, one call on several resources.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ExamplePolicies_EC2.html (RunInstances on several resources)
"""

from __future__ import annotations

import pytest

from course.iam import compile_policies, evaluate, evaluate_json

from .helpers import ACCT, ALICE, OTHER, allow, decide, deny, pol

QUEUE = f"arn:aws:sqs:us-east-1:{ACCT}:orders"


# ---- incomplete ARNs ------------------------------------------------------------------------
@pytest.mark.parametrize(("pattern", "arn", "expected"), [
    ("arn:aws:sqs", QUEUE, "Allow"),                         # arn:aws:sqs:*:*:*
    ("arn:aws:sqs:us-east-1", QUEUE, "Allow"),               # arn:aws:sqs:us-east-1:*:*
    ("arn:aws:sqs:eu-west-1", QUEUE, "ImplicitDeny"),
    (f"arn:aws:sqs:us-east-1:{ACCT}", QUEUE, "Allow"),
    (f"arn:aws:sqs:us-east-1:{OTHER}", QUEUE, "ImplicitDeny"),
    ("arn:aws:sns", QUEUE, "ImplicitDeny"),                   # the service is not a wildcard
])
def test_incomplete_arn_is_completed_with_wildcards(pattern: str, arn: str, expected: str) -> None:
    assert decide(action="sqs:SendMessage", arn=arn,
                  identity=[pol(allow("sqs:SendMessage", pattern))]) == expected


def test_incomplete_arn_in_deny_and_not_resource() -> None:
    identity = [pol(allow("sqs:*", "*"), deny("sqs:DeleteQueue", "arn:aws:sqs"))]
    assert decide(action="sqs:DeleteQueue", arn=QUEUE, identity=identity) == "ExplicitDeny"
    nr = [pol({"Effect": "Allow", "Action": "sqs:SendMessage", "NotResource": "arn:aws:sqs:eu-west-1"})]
    assert decide(action="sqs:SendMessage", arn=QUEUE, identity=nr) == "Allow"


@pytest.mark.parametrize("bad", ["arn", "arn:aws", "arn::sqs", "queue/orders", "arn:aws:"])
def test_arn_without_partition_or_service_is_still_an_error(bad: str) -> None:
    answer = evaluate_json({"request": {"principal": ALICE, "action": "sqs:SendMessage", "resource": QUEUE},
                            "policies": {"identity": [pol(allow("sqs:SendMessage", bad))]}})
    assert answer["error"]["path"] == "policies.identity[0].Statement[0].Resource"
    assert "arn:partition:service" in answer["error"]["message"]


# ---- empty strings and empty lists ----------------------------------------------------------
GUARD = {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}, "Null": {"aws:TagKeys": "false"}}


@pytest.mark.parametrize(("context", "expected"), [
    ({"aws:TagKeys": ["env"]}, "Allow"),
    ({"aws:TagKeys": ["env", "owner"]}, "ImplicitDeny"),
    ({"aws:TagKeys": []}, "ImplicitDeny"),       # the guard pattern denies an empty set ...
    ({"aws:TagKeys": ""}, "ImplicitDeny"),       # ... an empty string ...
    ({}, "ImplicitDeny"),                        # ... and an absent key
])
def test_forallvalues_with_null_false_guard(context: dict, expected: str) -> None:
    assert decide(action="ec2:CreateTags", arn="*", context=context,
                  identity=[pol(allow("ec2:CreateTags", Condition=GUARD))]) == expected


@pytest.mark.parametrize("empty", [None, "", []])
@pytest.mark.parametrize(("operator", "expected"), [
    ({"Null": {"k:x": "true"}}, "Allow"),
    ({"Null": {"k:x": "false"}}, "ImplicitDeny"),
    ({"ForAllValues:StringEquals": {"k:x": "a"}}, "Allow"),
    ({"ForAnyValue:StringEquals": {"k:x": "a"}}, "ImplicitDeny"),
    ({"ForAnyValue:StringNotEquals": {"k:x": "a"}}, "ImplicitDeny"),
    ({"StringEqualsIfExists": {"k:x": "a"}}, "Allow"),
    ({"StringNotEqualsIfExists": {"k:x": "a"}}, "Allow"),
    ({"StringEquals": {"k:x": "a"}}, "ImplicitDeny"),
    ({"StringEquals": {"k:x": ""}}, "ImplicitDeny"),   # "" is not a value that can be matched
    ({"StringNotEquals": {"k:x": "a"}}, "Allow"),
    ({"StringLike": {"k:x": "*"}}, "ImplicitDeny"),
])
def test_absent_empty_string_and_empty_list_are_one_case(empty: object, operator: dict, expected: str) -> None:
    context = {} if empty is None else {"k:x": empty}
    assert decide(action="s3:GetObject", context=context,
                  identity=[pol(allow(Condition=operator))]) == expected


# ---- several resources in one call --------------------------------------------------------------
INSTANCE = f"arn:aws:ec2:us-east-1:{ACCT}:instance/*"
SG_OK = f"arn:aws:ec2:us-east-1:{ACCT}:security-group/sg-0aaa"
SG_OTHER_VPC = f"arn:aws:ec2:us-east-1:{ACCT}:security-group/sg-0bbb"
VPC = f"arn:aws:ec2:us-east-1:{ACCT}:vpc/vpc-1111"


def run_instances(resources: list[dict], identity: list[dict]) -> dict:
    return {"request": {"principal": ALICE, "action": "ec2:RunInstances", "resource": INSTANCE,
                        "context": {"aws:RequestedRegion": "us-east-1"}, "resources": resources},
            "policies": {"identity": identity}}


SG_IN_VPC = pol(
    allow("ec2:RunInstances", INSTANCE),
    allow("ec2:RunInstances", f"arn:aws:ec2:us-east-1:{ACCT}:security-group/*",
          Condition={"ArnEquals": {"ec2:Vpc": VPC}}),
)


def test_every_resource_must_be_authorized() -> None:
    ok = run_instances([{"resource": SG_OK, "context": {"ec2:Vpc": VPC}}], [SG_IN_VPC])
    assert evaluate_json(ok)["decision"] == "Allow"
    bad = run_instances([{"resource": SG_OK, "context": {"ec2:Vpc": VPC}},
                         {"resource": SG_OTHER_VPC, "context": {"ec2:Vpc": VPC.replace("1111", "2222")}}],
                        [SG_IN_VPC])
    result = evaluate(bad)
    assert result.decision == "ImplicitDeny"
    expl = result.explanation
    assert expl["resource"] == SG_OTHER_VPC
    assert SG_OTHER_VPC in expl["reason"]
    assert [r["decision"] for r in expl["resources"]] == ["Allow", "Allow", "ImplicitDeny"]
    assert expl["resources"][0]["primary"] is True
    # the failing resource's statements are explained, with the condition that failed
    failed = [s for s in expl["statements"] if s["why_not"] and s["why_not"]["element"] == "Condition"]
    assert failed and failed[0]["why_not"]["failed_conditions"][0]["key"] == "ec2:Vpc"
    assert compile_policies(bad["policies"]).decide(bad["request"]) == "ImplicitDeny"


def test_primary_alone_would_pass_but_an_unlisted_resource_type_fails() -> None:
    """A model answer that allows only the instance: AWS refuses RunInstances (the security group is
    also authorized), and so does the engine once the request lists it."""
    identity = [pol(allow("ec2:RunInstances", INSTANCE))]
    alone = {"request": {"principal": ALICE, "action": "ec2:RunInstances", "resource": INSTANCE},
             "policies": {"identity": identity}}
    assert evaluate_json(alone)["decision"] == "Allow"
    assert evaluate_json(run_instances([{"resource": SG_OK}], identity))["decision"] == "ImplicitDeny"


def test_explicit_deny_on_any_resource_wins() -> None:
    identity = [pol(allow("ec2:RunInstances", "*"), deny("ec2:RunInstances", SG_OTHER_VPC))]
    q = run_instances([{"resource": SG_OK}, {"resource": SG_OTHER_VPC}], identity)
    answer = evaluate_json(q)
    assert answer["decision"] == "ExplicitDeny"
    assert answer["explanation"]["decided_by"] == "identity[0] statement #1"
    assert compile_policies(q["policies"]).decide(q["request"]) == "ExplicitDeny"


def test_resource_context_overrides_request_context_for_that_resource_only() -> None:
    identity = [pol(allow("ec2:RunInstances", "*", Condition={"StringEquals": {"aws:ResourceTag/env": "dev"}}))]
    q = run_instances([{"resource": SG_OK, "context": {"aws:ResourceTag/env": "dev"}}], identity)
    q["request"]["context"]["aws:ResourceTag/env"] = "prod"
    assert evaluate_json(q)["decision"] == "ImplicitDeny"   # the primary (instance) is tagged prod
    q["request"]["context"]["aws:ResourceTag/env"] = "dev"
    assert evaluate_json(q)["decision"] == "Allow"


def test_resource_policy_applies_to_the_primary_resource_only() -> None:
    bucket_policy = pol({"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "s3:GetObject",
                         "Resource": "arn:aws:s3:::src/*"})
    q = {"request": {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::src/a",
                     "resources": [{"resource": "arn:aws:s3:::other/b"}]},
         "policies": {"resource": bucket_policy}}
    assert evaluate_json(q)["decision"] == "ImplicitDeny"
    q["request"]["resources"] = []
    assert evaluate_json(q)["decision"] == "Allow"


@pytest.mark.parametrize(("resources", "path"), [
    ({"resource": SG_OK}, "request.resources"),
    (["x"], "request.resources[0]"),
    ([{"arn": SG_OK}], "request.resources[0].arn"),
    ([{}], "request.resources[0].resource"),
    ([{"resource": SG_OK, "context": []}], "request.resources[0].context"),
    ([{"resource": SG_OK, "context": {"k": {"a": 1}}}], "request.resources[0].context.k"),
    ([{"resource": SG_OK, "resourceAccount": 1.5}], "request.resources[0].resourceAccount"),
])
def test_malformed_resources_entries_are_errors_with_paths(resources: object, path: str) -> None:
    answer = evaluate_json(run_instances(resources, [SG_IN_VPC]))  # type: ignore[arg-type]
    assert set(answer) == {"error"}
    assert answer["error"]["path"] == path
    assert answer["error"]["message"]


def test_ten_thousand_fuzzed_requests_with_resources_never_raise() -> None:
    """Seeded fuzz of the new request fields: every document gets a decision or a clean error."""
    import random

    rng = random.Random(20)
    junk = [None, 1, 2.5, True, "", "x", [], {}, [1], {"a": None}, "*", "arn:aws:sqs", [None], {"k": []},
            {"resource": None}, {"resource": "*", "context": {"k": ""}}, {"resource": "arn:aws", "x": 1}]
    for _ in range(10_000):
        entry = rng.choice(junk + [{"resource": rng.choice(["*", SG_OK, "arn:aws:sqs"]),
                                    "context": {"ec2:Vpc": rng.choice(["", [], VPC, None, 5])},
                                    "resourceAccount": rng.choice([None, ACCT, 7, "", True])}])
        doc = run_instances(rng.choice([[entry], entry, [entry, entry], []]), [SG_IN_VPC])
        if rng.random() < 0.3:
            doc["request"]["context"] = rng.choice(junk)
        answer = evaluate_json(doc)
        assert set(answer) in ({"error"}, {"decision", "explanation"})
        if "error" in answer:
            assert answer["error"]["path"].startswith("request") and answer["error"]["message"]
            assert not answer["error"]["message"].startswith("could not evaluate"), answer
