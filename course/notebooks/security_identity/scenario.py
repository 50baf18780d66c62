"""The fictional organization of notebook 01: accounts, Regions and helpers that build IAM requests.

Every part of notebook 01 asks about the same company, so its accounts and ARNs are defined once here.
"""

from __future__ import annotations

# --- the fictional organization used by every scenario -------------------------------------------

ORG_ID = "o-a1b2c3d4e5"
PROD = "111122223333"      # a workload account (member of the organization)
SECURITY = "123456789012"  # the security tooling account (member of the organization)
VENDOR = "444455556666"    # a third-party security vendor (outside the organization)
STRANGER = "777788889999"  # any other AWS account (outside the organization)
REGION = "eu-west-1"
APPROVED_REGIONS = ("eu-west-1", "eu-central-1")


def policy(*statements: dict) -> dict:
    """A policy document with Version 2012-10-17."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


ALLOW_ALL = policy({"Sid": "FullAccess", "Effect": "Allow", "Action": "*", "Resource": "*"})
FULL_AWS_ACCESS = policy({"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"})


def account_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else None


def caller_context(principal: str) -> dict:
    """The global keys AWS adds for an IAM principal: aws:PrincipalArn, ...Account, ...OrgID, ...Type."""
    account = account_of(principal)
    if ":assumed-role/" in principal:
        role = principal.split("/")[1]
        arn, kind = f"arn:aws:iam::{account}:role/{role}", "AssumedRole"
    else:
        arn, kind = principal, "User" if ":user/" in principal else "Role"
    context = {"aws:PrincipalArn": arn, "aws:PrincipalAccount": account, "aws:PrincipalType": kind,
               "aws:PrincipalIsAWSService": "false", "aws:SecureTransport": "true",
               "aws:RequestedRegion": REGION}
    if account in (PROD, SECURITY):
        context["aws:PrincipalOrgID"] = ORG_ID
    return context


def request(principal: str, action: str, resource: str, context: dict | None = None,
            resource_account: str | None = None) -> dict:
    """A request as ``course.iam`` reads it, with the caller's global keys filled in."""
    return {"principal": principal, "principalAccount": account_of(principal), "action": action,
            "resource": resource, "resourceAccount": resource_account or account_of(resource) or PROD,
            "context": {**caller_context(principal), **(context or {})}}


# =================================================================================================
# Part 1 — IAM and Organizations
# =================================================================================================
