"""Is a bucket policy "public" in the sense S3 Block Public Access uses?

https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
A policy is public when an Allow statement grants to a wildcard principal (``*``, or
NotPrincipal) unless a condition pins one of the listed keys to fixed, non-wildcard values.
"""

from __future__ import annotations

from .conditions import parse_network
from .matching import has_wildcard
from .model import Policy, Statement

_FIXING_KEYS = frozenset({
    "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:userid", "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount", "aws:principalorgid", "aws:principalaccount", "aws:principalarn",
    "aws:sourceorgid",
})
_FIXING_OPERATORS = frozenset({"StringEquals", "StringEqualsIgnoreCase", "ArnEquals", "StringLike",
                               "ArnLike"})


def _fixed(values: tuple[str, ...], key: str) -> bool:
    if key == "aws:userid":
        return all(not v.endswith(":*") and v != "*" for v in values) and not any(
            has_wildcard(v) for v in values)
    return not any(has_wildcard(v) or "${" in v for v in values)


def _ip_restricted(values: tuple[str, ...]) -> bool:
    for v in values:
        net = parse_network(v)
        if net is None:
            return False
        if net.prefixlen < (8 if net.version == 4 else 32):
            return False
    return True


def statement_is_public(stmt: Statement) -> bool:
    if not stmt.is_allow or stmt.principal is None:
        return False
    if not stmt.not_principal and not stmt.principal.wildcard:
        return False
    for clause in stmt.conditions:
        if clause.set_op is not None or clause.if_exists or clause.negated:
            continue
        if clause.base in _FIXING_OPERATORS and clause.key_lower in _FIXING_KEYS and _fixed(
            clause.values, clause.key_lower
        ):
            return False
        if clause.base == "IpAddress" and clause.key_lower == "aws:sourceip" and _ip_restricted(clause.values):
            return False
    return True


def policy_is_public(policy: Policy | None) -> bool:
    return policy is not None and any(statement_is_public(s) for s in policy.statements)
