"""Condition operators, IfExists, set operators, AND/OR logic, missing keys.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

import pytest

from .helpers import allow, decide, deny, pol


def cond(condition: dict, context: dict | None, effect: str = "Allow") -> str:
    stmt = allow(Condition=condition) if effect == "Allow" else deny(Condition=condition)
    policies = [pol(stmt)] if effect == "Allow" else [pol(allow(), stmt)]
    return decide(identity=policies, context=context)


def holds(condition: dict, context: dict | None) -> bool:
    return cond(condition, context) == "Allow"


# ---- string -------------------------------------------------------------------------------
@pytest.mark.parametrize(("op", "policy", "request_value", "expected"), [
    ("StringEquals", "iamuser-admin", "iamuser-admin", True),
    ("StringEquals", "iamuser-admin", "IAMUSER-ADMIN", False),       # case-sensitive
    ("StringEquals", "a*", "abc", False),                            # no wildcards
    ("StringNotEquals", "x", "y", True),
    ("StringNotEquals", "x", "x", False),
    ("StringEqualsIgnoreCase", "Admin", "aDMIN", True),
    ("StringNotEqualsIgnoreCase", "Admin", "aDMIN", False),
    ("StringLike", "home/*", "home/alice/x", True),
    ("StringLike", "home/?", "home/ab", False),
    ("StringLike", "Home/*", "home/x", False),                        # StringLike is case-sensitive
    ("StringNotLike", "home/*", "tmp/x", True),
    ("StringNotLike", "home/*", "home/x", False),
])
def test_string_operators(op: str, policy: str, request_value: str, expected: bool) -> None:
    assert holds({op: {"aws:PrincipalTag/job-category": policy}},
                 {"aws:PrincipalTag/job-category": request_value}) is expected


def test_missing_key_positive_false_negated_true() -> None:
    """'If the key that you specify in a policy condition is not present in the request context, the
    values do not match and the condition is false. If the policy condition requires that the key is
    not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition
    is true.' (condition operators page)"""
    assert not holds({"StringEquals": {"aws:PrincipalTag/dept": "x"}}, {})
    assert holds({"StringNotEquals": {"aws:PrincipalTag/dept": "x"}}, {})
    assert holds({"StringNotLike": {"aws:PrincipalTag/dept": "x*"}}, {})
    assert holds({"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:t"}}, {})
    assert holds({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {})
    assert not holds({"NumericLessThan": {"s3:max-keys": "10"}}, {})


def test_condition_keys_are_case_insensitive() -> None:
    """'Condition key names are not case-sensitive... aws:SourceIP is equivalent to AWS:SourceIp'."""
    assert holds({"IpAddress": {"AWS:SOURCEIP": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.7"})


def test_values_ored_keys_and_operators_anded() -> None:
    """Multiple values for one key are ORed; several keys and several operators are ANDed."""
    c = {"StringEquals": {"aws:PrincipalTag/department": ["finance", "hr", "legal"],
                          "aws:PrincipalTag/role": ["audit", "security"]},
         "ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::222222222222:user/Ana",
                                          "arn:aws:iam::222222222222:user/Mary"]}}
    ok = {"aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit",
          "aws:PrincipalArn": "arn:aws:iam::222222222222:user/Mary"}
    assert holds(c, ok)
    assert not holds(c, {**ok, "aws:PrincipalTag/role": "dev"})
    assert not holds(c, {**ok, "aws:PrincipalArn": "arn:aws:iam::222222222222:user/Bob"})


def test_negated_values_are_nor() -> None:
    """A negated operator with several values is a logical NOR (multiple-values page)."""
    c = {"StringNotEquals": {"aws:PrincipalTag/department": ["finance", "hr"]}}
    assert holds(c, {"aws:PrincipalTag/department": "it"})
    assert not holds(c, {"aws:PrincipalTag/department": "hr"})


# ---- numeric, date, bool, binary, ip, arn, null --------------------------------------------
@pytest.mark.parametrize(("op", "policy", "value", "expected"), [
    ("NumericEquals", "10", "10", True),
    ("NumericEquals", "10", "10.0", True),
    ("NumericNotEquals", "10", "11", True),
    ("NumericLessThan", "10", "9", True),
    ("NumericLessThan", "10", "10", False),
    ("NumericLessThanEquals", "10", "10", True),
    ("NumericGreaterThan", "10", "11", True),
    ("NumericGreaterThanEquals", "10", "9", False),
    ("NumericLessThan", "10", "abc", False),
])
def test_numeric(op: str, policy: str, value: str, expected: bool) -> None:
    assert holds({op: {"s3:max-keys": policy}}, {"s3:max-keys": value}) is expected


def test_numeric_policy_value_as_json_number() -> None:
    assert holds({"NumericLessThanEquals": {"s3:max-keys": 10}}, {"s3:max-keys": "10"})


@pytest.mark.parametrize(("op", "policy", "value", "expected"), [
    ("DateLessThan", "2020-04-01T00:00:00Z", "2020-03-31T23:59:59Z", True),
    ("DateLessThan", "2020-04-01T00:00:00Z", "2020-04-01T00:00:00Z", False),
    ("DateLessThanEquals", "2020-04-01T00:00:00Z", "2020-04-01T00:00:00Z", True),
    ("DateGreaterThan", "2020-04-01T00:00:00Z", "2021-01-01T00:00:00Z", True),
    ("DateGreaterThanEquals", "2020-04-01T00:00:00Z", "2020-01-01T00:00:00Z", False),
    ("DateEquals", "2020-04-01T00:00:00Z", "1585699200", True),       # epoch seconds
    ("DateNotEquals", "2020-04-01T00:00:00Z", "2020-04-01T02:00:00+02:00", False),  # same instant
    ("DateGreaterThan", "1585699200", "2020-04-02T00:00:00Z", True),
])
def test_dates(op: str, policy: str, value: str, expected: bool) -> None:
    assert holds({op: {"aws:CurrentTime": policy}}, {"aws:CurrentTime": value}) is expected


def test_bool() -> None:
    """Deny when aws:SecureTransport is false (the Bool example)."""
    c = {"Bool": {"aws:SecureTransport": "false"}}
    assert cond(c, {"aws:SecureTransport": "false"}, "Deny") == "ExplicitDeny"
    assert cond(c, {"aws:SecureTransport": "true"}, "Deny") == "Allow"
    assert cond(c, {}, "Deny") == "Allow"           # absent key: Bool does not match
    assert holds({"Bool": {"aws:MultiFactorAuthPresent": True}}, {"aws:MultiFactorAuthPresent": "TRUE"})


def test_bool_if_exists_mfa_example() -> None:
    """BoolIfExists aws:MultiFactorAuthPresent false: true when absent (long-term keys) or false."""
    c = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    assert cond(c, {}, "Deny") == "ExplicitDeny"
    assert cond(c, {"aws:MultiFactorAuthPresent": "false"}, "Deny") == "ExplicitDeny"
    assert cond(c, {"aws:MultiFactorAuthPresent": "true"}, "Deny") == "Allow"


def test_binary_equals() -> None:
    assert holds({"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="})
    assert not holds({"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, {"key": "QQ=="})


@pytest.mark.parametrize(("op", "policy", "ip", "expected"), [
    ("IpAddress", "203.0.113.0/24", "203.0.113.9", True),
    ("IpAddress", "203.0.113.0/24", "198.51.100.1", False),
    ("IpAddress", "203.0.113.5", "203.0.113.5", True),                 # single address
    ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", True),   # IPv6 example
    ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:9999::1", False),
    ("IpAddress", "203.0.113.0/24", "2001:db8::1", False),             # version mismatch
    ("NotIpAddress", "203.0.113.0/24", "198.51.100.1", True),
    ("NotIpAddress", "203.0.113.0/24", "203.0.113.1", False),
])
def test_ip(op: str, policy: str, ip: str, expected: bool) -> None:
    assert holds({op: {"aws:SourceIp": policy}}, {"aws:SourceIp": ip}) is expected


def test_ip_list_mixed_v4_v6() -> None:
    c = {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:DB8:1234:5678::/64"]}}
    assert holds(c, {"aws:SourceIp": "2001:db8:1234:5678:a::"})
    assert holds(c, {"aws:SourceIp": "192.0.2.200"})


@pytest.mark.parametrize(("op", "policy", "arn", "expected"), [
    ("ArnEquals", "arn:aws:sns:us-east-1:123456789012:t", "arn:aws:sns:us-east-1:123456789012:t", True),
    ("ArnLike", "arn:aws:sns:*:123456789012:*", "arn:aws:sns:eu-west-1:123456789012:t", True),
    ("ArnEquals", "arn:aws:sns:*:123456789012:*", "arn:aws:sns:eu-west-1:123456789012:t", True),
    ("ArnLike", "arn:aws:sns:*:123456789012:*", "arn:aws:sqs:eu-west-1:123456789012:t", False),
    ("ArnLike", "arn:aws:iam::*:role/Admin", "arn:aws:iam::1:role/admin", False),  # case-sensitive
    ("ArnNotLike", "arn:aws:sns:*:123456789012:*", "arn:aws:sqs:eu-west-1:123456789012:t", True),
    ("ArnNotEquals", "arn:aws:sns:us-east-1:123456789012:t", "arn:aws:sns:us-east-1:123456789012:t", False),
])
def test_arn(op: str, policy: str, arn: str, expected: bool) -> None:
    assert holds({op: {"aws:SourceArn": policy}}, {"aws:SourceArn": arn}) is expected


def test_null() -> None:
    """Null true: key absent (e.g. aws:TokenIssueTime absent for long-term credentials)."""
    assert holds({"Null": {"aws:TokenIssueTime": "true"}}, {})
    assert not holds({"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"})
    assert holds({"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "x"})
    assert not holds({"Null": {"aws:TokenIssueTime": "false"}}, {})
    assert holds({"Null": {"aws:TokenIssueTime": False}}, {"aws:TokenIssueTime": "x"})


# ---- IfExists ---------------------------------------------------------------------------------
def test_if_exists() -> None:
    """StringLikeIfExists ec2:InstanceType: true if absent, otherwise evaluated (IfExists example)."""
    c = {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}
    assert holds(c, {})
    assert holds(c, {"ec2:InstanceType": "t2.micro"})
    assert not holds(c, {"ec2:InstanceType": "p3.16xlarge"})
    assert holds({"StringNotEqualsIfExists": {"k": "a"}}, {})
    assert not holds({"StringNotEqualsIfExists": {"k": "a"}}, {"k": "a"})
    assert holds({"NumericLessThanIfExists": {"k": "5"}}, {})
    assert holds({"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:s3:::x"}}, {})


# ---- set operators -----------------------------------------------------------------------------
def test_for_all_values() -> None:
    """ForAllValues: every request value must be in the policy set; true for a missing key or an
    empty set (single- vs multivalued context keys page)."""
    c = {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}
    assert holds(c, {"aws:TagKeys": ["environment"]})
    assert holds(c, {"aws:TagKeys": ["environment", "cost-center"]})
    assert not holds(c, {"aws:TagKeys": ["environment", "owner"]})
    assert holds(c, {})                       # missing key -> true
    assert holds(c, {"aws:TagKeys": []})      # empty set -> true


def test_for_any_value() -> None:
    c = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}
    assert holds(c, {"aws:TagKeys": ["environment", "owner"]})
    assert not holds(c, {"aws:TagKeys": ["owner"]})
    assert not holds(c, {})                   # missing key -> false
    assert not holds(c, {"aws:TagKeys": []})  # empty set -> false


def test_set_operators_with_negation() -> None:
    """ForAllValues:StringNotEquals: no request value is in the set; ForAnyValue:StringNotEquals:
    at least one request value is outside the set."""
    c = {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}}
    assert holds(c, {"aws:TagKeys": ["a", "b"]})
    assert not holds(c, {"aws:TagKeys": ["a", "secret"]})
    assert holds(c, {})
    d = {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["secret"]}}
    assert holds(d, {"aws:TagKeys": ["a", "secret"]})
    assert not holds(d, {"aws:TagKeys": ["secret"]})
    assert not holds(d, {})


def test_for_any_value_like_and_if_exists() -> None:
    assert holds({"ForAnyValue:StringLike": {"aws:TagKeys": "env*"}}, {"aws:TagKeys": ["owner", "envx"]})
    assert holds({"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "x"}}, {})


def test_single_valued_operator_on_multivalued_key_matches_any() -> None:
    assert holds({"StringEquals": {"aws:TagKeys": "b"}}, {"aws:TagKeys": ["a", "b"]})
    assert not holds({"StringNotEquals": {"aws:TagKeys": "b"}}, {"aws:TagKeys": ["a", "b"]})


def test_deny_with_string_not_equals_missing_key_denies() -> None:
    """A Deny with StringNotEquals on an absent key applies (negated + missing = true)."""
    c = {"StringNotEquals": {"aws:PrincipalOrgID": "o-123"}}
    assert cond(c, {}, "Deny") == "ExplicitDeny"
    assert cond(c, {"aws:PrincipalOrgID": "o-123"}, "Deny") == "Allow"
