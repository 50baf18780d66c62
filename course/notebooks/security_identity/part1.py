"""Notebook 01 part 1, IAM and Organizations (1.1-1.8).

The access-key rotation steps in order (1.1), reading a set of policies and predicting each decision (1.2),
a role trust policy with an external ID and MFA (1.3), a permissions boundary for developers who create
roles (1.4), a Region-restricting SCP (1.5), choosing SCP, RCP, declarative policy, boundary or session
policy (1.6), an S3 policy with a Cognito policy variable (1.7) and choosing an identity service (1.8).
Policy exercises are graded by ``course.iam``; answer keys are salted hashes; hints name the misconception.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from course.exercises.kinds.choice import Ordering, Precedence
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part
from course.exercises.registry import register
from course.exercises.variants import Scenario
from course.notebooks.policy_variants import about, account, bucket, policy_family
from course.notebooks.security_identity.scenario import (
    ALLOW_ALL,
    APPROVED_REGIONS,
    FULL_AWS_ACCESS,
    PROD,
    REGION,
    SECURITY,
    STRANGER,
    VENDOR,
    policy,
    request,
)

# --- 1.1 Access-key rotation in order ----------------------------------------------------------------

KEY_ROTATION = Ordering(
    id="1.1", title="Rotate an IAM user's access key without an outage", points=3, answer_name="answer_1_1",
    options={
        "A": "Make the old access key inactive",
        "B": "Create a second access key for the user",
        "C": "Update every application and script to use the new key",
        "D": "Delete the old access key",
        "E": "Check the old key's last-used time until nothing uses it any more",
        "F": "Watch the applications for a while, and reactivate the old key if one of them breaks",
    },
    rules=[
        Precedence("the new key exists before anything is switched to it",
                   "d0d9387d015230308275c702e36ef957dfabc787756ec1b19d31ba43819435cd",
                   "An application cannot be given a key that has not been created yet."),
        Precedence("the last-used check comes after the applications have moved",
                   "f06dcc5880b75abcd9fae79e693e1902e7180e677cdedfb5ec0da7c2ae7c8ac6",
                   "The old key's last-used time says something only once the applications have been "
                   "switched; before that it is of course still in use."),
        Precedence("nobody switches the old key off before checking who still uses it",
                   "faceb8ffd5c5e508edd65b99d5dff521d478ca456d0200f19b38f65c60a2bb41",
                   "Deactivating first breaks the applications nobody told you about; the last-used "
                   "information finds them first."),
        Precedence("the old key is switched off before the waiting period",
                   "9bd617dd96dda0d56ce8a81f8361cd2f194c41f9902aeaeb3fc0172762817d75",
                   "The waiting period is there to catch what breaks once the old key stops working, so it "
                   "follows the deactivation."),
        Precedence("the old key is deleted only after the waiting period",
                   "f61bf5c4a2ad7252b0e68fe977941fbb7a24ad40a3368a7743248a273f1bb4b8",
                   "Deletion cannot be undone; a key that is only inactive can be switched back on while you "
                   "fix a forgotten application."),
        Precedence("the old key is inactive before it is deleted",
                   "c2ce0a018b527529584243f77edb98102cd748bd8dabb83589d88f2330d53052",
                   "Deleting an active key skips the safe, reversible step: deactivate first."),
    ],
)

# --- 1.2 Read a set of policies and predict the decisions ---------------------------------------

ANALYST = f"arn:aws:sts::{PROD}:assumed-role/DataAnalyst/maria"
REPORTS = "arn:aws:s3:::example-reports"

READING_IDENTITY = policy(
    {"Sid": "ReadReports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": [REPORTS, f"{REPORTS}/*"]},
    {"Sid": "WriteScratch", "Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{REPORTS}/scratch/*"},
    {"Sid": "QueryWithAthena", "Effect": "Allow",
     "Action": ["athena:StartQueryExecution", "athena:GetQueryResults", "glue:GetDatabase", "glue:GetTable"],
     "Resource": "*"},
)
READING_BOUNDARY = policy(
    {"Sid": "AnalystCeiling", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:PutObject", "athena:*"],
     "Resource": "*"},
)
READING_SCP = policy(
    {"Sid": "DenyOutsideEU", "Effect": "Deny",
     "NotAction": ["iam:*", "organizations:*", "sts:*", "route53:*", "cloudfront:*", "support:*"],
     "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": list(APPROVED_REGIONS)}}},
)
READING_BUCKET = policy(
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": [REPORTS, f"{REPORTS}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "AuditorsRead", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SECURITY}:role/Auditor"},
     "Action": "s3:GetObject", "Resource": f"{REPORTS}/*"},
)
# What AWS consults for the analyst's requests: identity policy, boundary, the SCPs of the account
# (FullAWSAccess and the Region guard, both attached at the root) and, for S3, the bucket policy.
READING_POLICIES = {"identity": [READING_IDENTITY], "boundary": READING_BOUNDARY,
                    "scps": [[FULL_AWS_ACCESS, READING_SCP]], "resource": READING_BUCKET}

READING_REQUESTS = {
    "r1": request(ANALYST, "s3:GetObject", f"{REPORTS}/2026/q1-sales.csv"),
    "r2": request(ANALYST, "s3:PutObject", f"{REPORTS}/scratch/draft.csv", {"aws:SecureTransport": "false"}),
    "r3": request(ANALYST, "glue:GetTable", f"arn:aws:glue:{REGION}:{PROD}:table/sales/orders"),
    "r4": request(ANALYST, "athena:StartQueryExecution", f"arn:aws:athena:us-east-1:{PROD}:workgroup/primary",
                  {"aws:RequestedRegion": "us-east-1"}),
    "r5": request(ANALYST, "s3:PutObject", f"{REPORTS}/final/q1-sales.pdf"),
}
READING_SIDS = ("ReadReports", "WriteScratch", "QueryWithAthena", "AnalystCeiling", "FullAWSAccess",
                "DenyOutsideEU", "DenyInsecureTransport", "AuditorsRead", "none")
_DECISIONS = ("Allow", "ImplicitDeny", "ExplicitDeny")


def reading_question(name: str) -> dict:
    """The full ``course.iam`` question for one of the 1.1 requests (bucket policy only for S3)."""
    policies = dict(READING_POLICIES)
    if not READING_REQUESTS[name]["action"].startswith("s3:"):
        policies.pop("resource")
    return {"request": READING_REQUESTS[name], "policies": policies}


_NONE_HINT = ("a deciding statement exists only for an Allow or an explicit Deny; when no statement denies and "
              "some policy type simply fails to allow, answer 'none'.")

# What each decision and each statement means, shown for the value a learner gave where it is wrong: the hint
# answers that value (why it cannot be the outcome, or what that statement can and cannot decide).
_READING_EXPLANATIONS = {
    "Allow": "An Allow needs a policy that grants the request, every other policy type that applies (SCPs, the "
             "permissions boundary) to allow it too, and no matching Deny: one of these is missing here.",
    "ImplicitDeny": "An implicit deny means that no Deny matches and the request is simply not allowed; here "
                    "either a Deny statement does match, or every policy type that applies allows.",
    "ExplicitDeny": "An explicit deny needs a Deny statement whose action, resource and condition all match this "
                    "request; none of the Deny statements does.",
    "ReadReports": "ReadReports allows only s3:GetObject and s3:ListBucket on the example-reports bucket and its "
                   "objects; compare the request's action, and the outcome, with it.",
    "WriteScratch": "WriteScratch allows s3:PutObject only on keys under scratch/; compare the request's action "
                    "and key, and the outcome, with it.",
    "QueryWithAthena": "QueryWithAthena grants the Athena and Glue calls in the identity policy; a grant decides "
                       "only a request that ends up allowed.",
    "AnalystCeiling": "AnalystCeiling is the permissions boundary: it sets a ceiling, so it neither grants a "
                      "request nor denies one explicitly.",
    "FullAWSAccess": "FullAWSAccess is an SCP that permits everything: it grants nothing and denies nothing.",
    "DenyOutsideEU": "DenyOutsideEU denies only requests sent to a Region outside the approved two, for services "
                     "its NotAction does not exempt.",
    "DenyInsecureTransport": "DenyInsecureTransport denies only S3 requests to this bucket that do not use TLS.",
    "AuditorsRead": "AuditorsRead names only the Auditor role of the security account as its principal, so it "
                    "never matches the analyst.",
    "none": "Answer 'none' only when no statement decides: nothing denies the request, and it is not allowed in "
            "the end.",
}

READING = MappingMatch(
    id="1.2", title="Predict the decision and the deciding statement", points=5, answer_name="answer_1_2",
    explanations=_READING_EXPLANATIONS,
    parts=[
        Part("r1_decision", "422037476501049fd6d1ed15e5042e5169a7e4a55d758376994958fa8f216f1a",
             "Request 1: go through the steps in order: a matching Deny, then every policy type that applies.",
             "request 1: decision", _DECISIONS,
             explanations={"ImplicitDeny": "The bucket policy does not name the analyst, but inside one account an "
                                           "identity policy alone can grant a request."}),
        Part("r1_statement", "3e219f8351244e46bf40eff51756f3fa0fedf6f64a052f888dbd2992eb53cb46",
             "Request 1: the deciding statement follows from the decision.",
             "request 1: deciding statement", READING_SIDS),
        Part("r2_decision", "856f4fd80c65a8715896cfb8b179bed26853acdf6b0e9e75f361ffdeb656d7d5",
             "Request 2: go through the steps in order: a matching Deny, then every policy type that applies.",
             "request 2: decision", _DECISIONS,
             explanations={"Allow": "WriteScratch does cover this key; look at how the request travels."}),
        Part("r2_statement", "d727ccb98f896139a2f0a14a2706f040e01ab940bea421c86f601c8d0e468271",
             "Request 2: the deciding statement follows from the decision.",
             "request 2: deciding statement", READING_SIDS),
        Part("r3_decision", "d4f145117bfc19c4993d5d01e3e4b61fd95168773bdf1381071eeec3e70237aa",
             "Request 3: go through the steps in order: a matching Deny, then every policy type that applies.",
             "request 3: decision", _DECISIONS,
             explanations={"Allow": "QueryWithAthena does grant glue:GetTable, but the analyst also has a permissions "
                                    "boundary."}),
        Part("r3_statement", "3a6b7f68e31911c09f547068a57b2d94fdc52191b825c5c4973cb47f9d31d679",
             "Request 3: the deciding statement follows from the decision.",
             "request 3: deciding statement", READING_SIDS),
        Part("r4_decision", "e541f1fc50dba4d520ad62c7652454f40f5940f84c4b2d535c211c18e89f48b2",
             "Request 4: go through the steps in order: a matching Deny, then every policy type that applies.",
             "request 4: decision", _DECISIONS,
             explanations={"Allow": "The identity policy and the boundary both cover the Athena call; look at "
                                    "where the request is sent."}),
        Part("r4_statement", "5a41c23bb3a80992f981f9ebfac19c2a1c302c69d543434295db51adbd7ea5e9",
             "Request 4: the deciding statement follows from the decision.",
             "request 4: deciding statement", READING_SIDS),
        Part("r5_decision", "3186908ebe3787aedd3b5e2cdf6cf59a65a38115b54484b3080709f3de9ac329",
             "Request 5: go through the steps in order: a matching Deny, then every policy type that applies.",
             "request 5: decision", _DECISIONS,
             explanations={"Allow": "A Resource pattern must match the whole ARN, object key included: compare "
                                    "the key with WriteScratch's."}),
        Part("r5_statement", "cf3586401bab6adeec3581ec9d5d3a7daed506bb13f9c4c2e2d2cd951b1e7160",
             "Request 5: the deciding statement follows from the decision.",
             "request 5: deciding statement", READING_SIDS),
    ],
)

# --- 1.3 Role trust policy: a vendor with an external ID, responders with MFA -------------------------

AUDIT_ROLE = f"arn:aws:iam::{PROD}:role/InspectionReadOnly"
SCANNER_ROLE = f"arn:aws:iam::{VENDOR}:role/acme-scanner"
SCANNER = f"arn:aws:sts::{VENDOR}:assumed-role/acme-scanner/scan-2026-03-01"
EXTERNAL_ID = "AcmeScan-4f8e2b91"
RESPONDER = f"arn:aws:iam::{SECURITY}:user/responders/li"
# Everyone who tries is allowed sts:AssumeRole by their own account, so the trust policy decides.
ASSUME_ANY_ROLE = policy({"Sid": "AssumeRoles", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})


def assume(principal: str, context: dict | None = None) -> dict:
    """An sts:AssumeRole call on the InspectionReadOnly role."""
    return request(principal, "sts:AssumeRole", AUDIT_ROLE, context, resource_account=PROD)


MFA = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "420"}

_TRUST_POLICY = PolicyExercise(
    id="1.3", title="Trust a vendor with an external ID and your responders with MFA", points=5,
    answer_name="answer_1_3", slot="resource", lint_kind="trust",
    context_policies={"identity": [ASSUME_ANY_ROLE]},
    # IAM004: Principal "*" without a condition; IAM014: a wildcard in a principal ARN never matches;
    # IAM010: sts:* would also let the trusted principals tag sessions and set source identities.
    lint_forbidden=["IAM004", "IAM014", "IAM010"],
    cases=[
        PolicyCase("the vendor's scanner role assumes the role with the agreed external ID",
                   assume(SCANNER, {"sts:ExternalId": EXTERNAL_ID}), True,
                   "Trust the scanner role's ARN and compare sts:ExternalId with the value the vendor gave you; "
                   "conditions meant for your own people must not apply to the vendor."),
        PolicyCase("the scanner role is refused without an external ID",
                   assume(SCANNER), False,
                   "Without an sts:ExternalId condition, any other customer of the vendor could point the "
                   "scanner at your role: the confused-deputy problem."),
        PolicyCase("another role in the vendor's account is refused even with the external ID",
                   assume(f"arn:aws:sts::{VENDOR}:assumed-role/acme-support/ticket-88",
                          {"sts:ExternalId": EXTERNAL_ID}), False,
                   "Trusting the vendor's whole account lets every role there in; name the scanner role."),
        PolicyCase("a role in an unrelated account is refused even with the external ID",
                   assume(f"arn:aws:sts::{STRANGER}:assumed-role/scanner/x", {"sts:ExternalId": EXTERNAL_ID}),
                   False,
                   "An external ID is not a password: with a wildcard principal anyone who learns it gets in."),
        PolicyCase("a responder in the security account who signed in with MFA assumes the role",
                   assume(RESPONDER, MFA), True,
                   "Trust the security account and require MFA for it; the responders carry no external ID."),
        PolicyCase("a responder using long-term access keys without MFA is refused",
                   assume(RESPONDER), False,
                   "With long-term access keys aws:MultiFactorAuthPresent is absent, not false; an ...IfExists "
                   "operator or a negated operator lets such a request through."),
    ],
)



@dataclass(frozen=True, repr=False)
class TrustScenario(Scenario):
    """Question 1.3's values: the three accounts and the vendor's external ID."""

    workload_account: str = field(metadata=about("the workload account: owns the role InspectionReadOnly"))
    security_account: str = field(metadata=about("the security account: your incident responders' IAM users"))
    vendor_account: str = field(metadata=about("the vendor Acme's account: its scanner runs as role acme-scanner"))
    external_id: str = field(metadata=about("the external ID Acme gave you"))


TRUST_DEFAULT = TrustScenario(workload_account=PROD, security_account=SECURITY, vendor_account=VENDOR,
                              external_id=EXTERNAL_ID)


def trust_scenario(rng: random.Random) -> TrustScenario:
    taken: set[str] = set()
    suffix = "".join(rng.choice("0123456789abcdef") for _ in range(8))
    return TrustScenario(workload_account=account(rng, taken), security_account=account(rng, taken),
                         vendor_account=account(rng, taken),
                         external_id=f"AcmeScan-{suffix if suffix != '0c11d2e3' else '1d22e3f4'}")


TRUST_MODEL = policy(
    {"Sid": "VendorScannerWithExternalId", "Effect": "Allow", "Principal": {"AWS": SCANNER_ROLE},
     "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}},
    {"Sid": "RespondersWithMfa", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SECURITY}:root"},
     "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
)
TRUST_POLICY = policy_family(_TRUST_POLICY, TRUST_DEFAULT, trust_scenario, TRUST_MODEL)

# --- 1.4 Permissions boundary for developers who create roles ---------------------------------------

DEVELOPER = f"arn:aws:sts::{PROD}:assumed-role/Developer/ana"
APP_BOUNDARY = f"arn:aws:iam::{PROD}:policy/AppBoundary"
DEVELOPER_BOUNDARY = f"arn:aws:iam::{PROD}:policy/DeveloperBoundary"
APP_ROLE = f"arn:aws:iam::{PROD}:role/app/orders-handler"


def dev(action: str, resource: str, context: dict | None = None) -> dict:
    return request(DEVELOPER, action, resource, context)


def with_boundary(arn: str) -> dict:
    return {"iam:PermissionsBoundary": arn}


_BOUNDARY = PolicyExercise(
    id="1.4", title="A permissions boundary that lets developers create roles without escalating", points=5,
    answer_name="answer_1_4", slot="boundary",
    # The developers keep the broad policy their team was given years ago; only the boundary changes.
    context_policies={"identity": [ALLOW_ALL]},
    lint_forbidden=["IAM006", "IAM015"],
    cases=[
        PolicyCase("a developer creates role app/orders-handler with the AppBoundary boundary",
                   dev("iam:CreateRole", APP_ROLE, with_boundary(APP_BOUNDARY)), True,
                   "The boundary caps everything the developer does, IAM included: it must allow creating roles "
                   "under /app/ when the new role gets AppBoundary."),
        PolicyCase("a developer deploys Lambda code (everyday work still works)",
                   dev("lambda:UpdateFunctionCode", f"arn:aws:lambda:{REGION}:{PROD}:function:orders"), True,
                   "A boundary allows nothing by itself but also denies whatever it leaves out: list the "
                   "developers' everyday services too."),
        PolicyCase("a developer passes role app/orders-handler to Lambda",
                   dev("iam:PassRole", APP_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}), True,
                   "Creating a function with a role needs iam:PassRole on that role."),
        PolicyCase("creating a role without any boundary is refused",
                   dev("iam:CreateRole", f"arn:aws:iam::{PROD}:role/app/reports-job"), False,
                   "A role created without a boundary can be given any policy, AdministratorAccess included: "
                   "make the allow depend on iam:PermissionsBoundary."),
        PolicyCase("creating a role whose boundary is AdministratorAccess is refused",
                   dev("iam:CreateRole", f"arn:aws:iam::{PROD}:role/app/reports-job",
                       with_boundary("arn:aws:iam::aws:policy/AdministratorAccess")), False,
                   "Requiring *a* boundary is not enough: compare iam:PermissionsBoundary with the ARN of "
                   "AppBoundary exactly."),
        PolicyCase("removing the boundary from app/orders-handler is refused",
                   dev("iam:DeleteRolePermissionsBoundary", APP_ROLE, with_boundary(APP_BOUNDARY)), False,
                   "A role whose boundary can be removed afterwards was never bounded."),
        PolicyCase("editing DeveloperBoundary (a new default version) is refused",
                   dev("iam:CreatePolicyVersion", DEVELOPER_BOUNDARY), False,
                   "Whoever can change a boundary policy can raise their own ceiling; keep policy-editing "
                   "actions away from the boundary policies."),
        PolicyCase("attaching AdministratorAccess to the developers' own role is refused",
                   dev("iam:AttachRolePolicy", f"arn:aws:iam::{PROD}:role/Developer",
                       {**with_boundary(DEVELOPER_BOUNDARY),
                        "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}), False,
                   "The Developer role's boundary is not AppBoundary, so a condition on iam:PermissionsBoundary "
                   "keeps the developers from editing their own role; an unconditional attach does not."),
    ],
)



@dataclass(frozen=True, repr=False)
class BoundaryScenario(Scenario):
    """Question 1.4's values: the developers' account and the name of the app roles' boundary."""

    account: str = field(metadata=about("the developers' account"))
    app_boundary: str = field(metadata=about("the managed policy every role the developers create must carry"))


BOUNDARY_DEFAULT = BoundaryScenario(account=PROD, app_boundary="AppBoundary")
_APP_BOUNDARIES = ("AppBoundary", "AppRoleBoundary", "WorkloadBoundary", "ServiceRoleBoundary", "AppCeiling",
                   "ApplicationBoundary", "TeamAppBoundary")


def boundary_scenario(rng: random.Random) -> BoundaryScenario:
    return BoundaryScenario(account=account(rng, set()), app_boundary=rng.choice(_APP_BOUNDARIES))


BOUNDARY_MODEL = policy(
    {"Sid": "EverydayWork", "Effect": "Allow",
     "Action": ["lambda:*", "dynamodb:*", "s3:*", "logs:*", "cloudwatch:*", "iam:Get*", "iam:List*"],
     "Resource": "*"},
    {"Sid": "CreateAndEditBoundedAppRoles", "Effect": "Allow",
     "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy",
                "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"],
     "Resource": f"arn:aws:iam::{PROD}:role/app/*",
     "Condition": {"StringEquals": {"iam:PermissionsBoundary": APP_BOUNDARY}}},
    {"Sid": "PassAppRolesToLambda", "Effect": "Allow", "Action": "iam:PassRole",
     "Resource": f"arn:aws:iam::{PROD}:role/app/*",
     "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}},
)
BOUNDARY = policy_family(_BOUNDARY, BOUNDARY_DEFAULT, boundary_scenario, BOUNDARY_MODEL)

# --- 1.5 SCP: only two Regions, except global services and a break-glass role ----------------------------

BREAK_GLASS = "BreakGlass"


def member(action: str, resource: str, region: str, role: str = "Platform") -> dict:
    """A request from a role in the member account PROD, sent to ``region``."""
    return request(f"arn:aws:sts::{PROD}:assumed-role/{role}/session", action, resource,
                   {"aws:RequestedRegion": region})


_REGION_SCP = PolicyExercise(
    id="1.5", title="An SCP that keeps workloads in two Regions", points=5, answer_name="answer_1_5",
    slot="scps", level=-1,
    # FullAWSAccess is attached at the root and at the Workloads OU; the learner's SCP joins it at the OU.
    context_policies={"identity": [ALLOW_ALL], "scps": [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]},
    lint_forbidden=["IAM015"],
    cases=[
        PolicyCase("an instance is launched in eu-west-1",
                   member("ec2:RunInstances", f"arn:aws:ec2:eu-west-1:{PROD}:instance/*", "eu-west-1"), True,
                   "Requests to an approved Region must pass; check the Region names in your condition."),
        PolicyCase("an object is written to a bucket through eu-central-1",
                   member("s3:PutObject", "arn:aws:s3:::example-eu-data/file.csv", "eu-central-1"), True,
                   "Both approved Regions must pass."),
        PolicyCase("an instance launch in us-east-1 is denied",
                   member("ec2:RunInstances", f"arn:aws:ec2:us-east-1:{PROD}:instance/*", "us-east-1"), False,
                   "FullAWSAccess still allows everything beside your SCP: an Allow with a condition restricts "
                   "nothing, only a Deny does."),
        PolicyCase("creating a DynamoDB table in ap-southeast-2 is denied",
                   member("dynamodb:CreateTable", f"arn:aws:dynamodb:ap-southeast-2:{PROD}:table/t",
                          "ap-southeast-2"), False,
                   "Every Region other than the two approved ones is denied, not only us-east-1."),
        PolicyCase("IAM still works (its endpoint is in us-east-1)",
                   member("iam:CreateRole", f"arn:aws:iam::{PROD}:role/app/new-role", "us-east-1"), True,
                   "Global services such as IAM are served from us-east-1: exempt them with NotAction, or "
                   "the Region condition denies them."),
        PolicyCase("a CloudFront distribution can still be created",
                   member("cloudfront:CreateDistribution", f"arn:aws:cloudfront::{PROD}:distribution/*",
                          "us-east-1"), True,
                   "CloudFront is one of the global services to exempt."),
        PolicyCase("a Route 53 record can still be changed",
                   member("route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0EXAMPLE",
                          "us-east-1"), True, "Route 53 is one of the global services to exempt."),
        PolicyCase("the BreakGlass role may act in any Region",
                   member("ec2:RunInstances", f"arn:aws:ec2:us-east-1:{PROD}:instance/*", "us-east-1",
                          role=BREAK_GLASS), True,
                   "Exempt the break-glass role with a condition on aws:PrincipalArn (an SCP has no "
                   "Principal element)."),
    ],
)



@dataclass(frozen=True, repr=False)
class RegionScenario(Scenario):
    """Question 1.5's values: the two Regions the workloads may use (one geography, for data residency)."""

    region_a: str = field(metadata=about("the first approved Region"))
    region_b: str = field(metadata=about("the second approved Region"))
    near_region: str = field(default="", metadata={"about": "a Region of the same geography, denied", "hidden": True})


REGION_DEFAULT = RegionScenario(region_a=APPROVED_REGIONS[0], region_b=APPROVED_REGIONS[1], near_region="eu-north-1")
# Each geography: the Regions that may be approved, and others of the same geography that a case expects to be
# denied (so that a wildcard such as "eu-*" in place of one approved Region fails). No approved Region is
# us-east-1 (where the global services answer, so their exemption stays the point) or one the cases deny
# (ap-southeast-2, us-west-2, eu-north-1).
_GEOGRAPHIES = (
    (("eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-south-1", "eu-south-2"),
     ("eu-north-1",)),
    (("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1",
      "ap-southeast-3"), ("ap-southeast-2", "ap-east-1")),
)  # 42 pairs: two learners rarely share one (the US has too few Regions outside us-east-1 and us-west-2)


def region_scenario(rng: random.Random) -> RegionScenario:
    approvable, denied = rng.choice(_GEOGRAPHIES)
    first, second = rng.sample(approvable, 2)
    return RegionScenario(region_a=first, region_b=second, near_region=rng.choice(denied))


REGION_MODEL = policy(
    {"Sid": "DenyOutsideApprovedRegions", "Effect": "Deny",
     "NotAction": ["iam:*", "organizations:*", "route53:*", "cloudfront:*", "support:*", "sts:*"],
     "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": list(APPROVED_REGIONS)},
                   "ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{BREAK_GLASS}"}}},
)
REGION_SCP = policy_family(_REGION_SCP, REGION_DEFAULT, region_scenario, REGION_MODEL)

# --- 1.6 Which control? SCP, RCP, declarative policy, permissions boundary, session policy --------------

_CONTROLS = ("SCP", "RCP", "declarative policy", "permissions boundary", "session policy")

# What each kind of policy is for and what it cannot do: shown for the kind a learner chose where it does
# not fit, so the hint answers that choice and never describes the right one.
_CONTROL_EXPLANATIONS = {
    "SCP": "An SCP caps what the principals of your organization's member accounts may call, a whole account or "
           "OU at a time; it cannot limit principals of other organizations, and it cannot single out a few "
           "roles or one job's credentials.",
    "RCP": "An RCP caps what any principal may do to your resources in the services it supports; it does not "
           "limit the calls your own principals make to other APIs, such as buying capacity or leaving the "
           "organization.",
    "declarative policy": "A declarative policy fixes how a service is configured (EC2 defaults and the like) "
                          "in every account it covers; it neither grants nor denies API calls, and it cannot "
                          "single out principals, roles or sessions.",
    "permissions boundary": "A permissions boundary caps only the IAM users and roles it is attached to, in one "
                            "account; principals without it, administrators who can remove it, and principals "
                            "of other accounts are not limited by it.",
    "session policy": "A session policy narrows one set of temporary credentials, and only when the caller "
                      "passes it while asking for them: nobody else is bound by it, and it lasts one session.",
}

CONTROL_CHOICE = MappingMatch(
    id="1.6", title="Choose the kind of policy for each requirement", points=3, answer_name="answer_1_6",
    explanations=_CONTROL_EXPLANATIONS,
    parts=[
        Part("req1", "2f31e9b9abca649a4a49c8414b02ea16c53aa9286f0f0f3e9e8cc030da6defcf",
             "Reread requirement 1: whose requests must be stopped, and what may a team write that the "
             "control must still overrule?", "requirement 1", _CONTROLS,
             explanations={"SCP": "An SCP only limits the principals of your own organization's accounts; the "
                                  "readers in requirement 1 come from outside it."}),
        Part("req2", "c79f26cad9cdba7ce6d58602fb8f58316ac74b323f267ca5e668409ae2bed896",
             "Reread requirement 2: who must be stopped, and can they lift the control themselves?",
             "requirement 2", _CONTROLS),
        Part("req3", "bd44c777fb65b2290d44320a8c34986749ac4557c6812aa5681513773a01afa0",
             "Reread requirement 3: is it about stopping calls, or about what a setting must be?",
             "requirement 3", _CONTROLS),
        Part("req4", "6f1d77d554bb2fcedb008c160721fe56709b98ce4a044ec4005fd8f0155f56fe",
             "Reread requirement 4: how many accounts and which principals does it limit, and do those "
             "principals exist yet?", "requirement 4", _CONTROLS),
        Part("req5", "47c2b5a2cdb4cbb2399ef4d33940110c74633c00d8a9a8d4df5eb5d35d9689b6",
             "Reread requirement 5: what must change, and what must stay as it is?", "requirement 5", _CONTROLS),
        Part("req6", "50b062085626922dff44832c4d56efa0ec8c914721fd6c2f08bb854745aa4816",
             "Reread requirement 6: whose API call must be stopped?", "requirement 6", _CONTROLS),
    ],
)

# --- 1.7 S3 per-user folders with a Cognito identity pool variable ---------------------------------------

PHOTOS = "arn:aws:s3:::example-photos"
MARIA_ID = "eu-west-1:6f1c2a4e-51b7-4a8e-9b1d-0c6f1e2d3a4b"
OMAR_ID = "eu-west-1:0d9e8f7a-2b3c-4d5e-8f90-a1b2c3d4e5f6"


def app_user(action: str, key: str | None = None, identity: str = MARIA_ID, prefix: str | None = None,
             bucket: str = PHOTOS) -> dict:
    """An S3 call made with the Cognito identity pool's credentials for ``identity``: on the object ``key``,
    or on the bucket itself (a listing sends the requested ``prefix`` as ``s3:prefix``)."""
    context = {"cognito-identity.amazonaws.com:sub": identity,
               "cognito-identity.amazonaws.com:aud": f"{REGION}:11111111-2222-3333-4444-555555555555",
               "cognito-identity.amazonaws.com:amr": ["authenticated", "cognito-idp"]}
    if prefix is not None:
        context["s3:prefix"] = prefix
    resource = f"{bucket}/{key}" if key is not None else bucket
    return request(f"arn:aws:sts::{PROD}:assumed-role/PhotosAppAuthenticated/CognitoIdentityCredentials",
                   f"s3:{action}", resource, context, resource_account=PROD)


_PHOTOS_POLICY = PolicyExercise(
    id="1.7", title="Each app user reaches only their own folder in S3", points=4, answer_name="answer_1_7",
    slot="identity",
    lint_forbidden=["IAM006", "IAM010"],
    cases=[
        PolicyCase("Maria uploads a photo into her own folder",
                   app_user("PutObject", f"private/{MARIA_ID}/2026/beach.jpg"), True,
                   "Allow the object actions on keys under private/ followed by the caller's own identity ID."),
        PolicyCase("Omar reads one of his own photos", app_user("GetObject", f"private/{OMAR_ID}/cat.jpg", OMAR_ID),
                   True, "One policy serves every user: put a policy variable in the Resource, not one user's ID."),
        PolicyCase("Maria lists her own folder", app_user("ListBucket", prefix=f"private/{MARIA_ID}/"), True,
                   "ListBucket is an action on the bucket's ARN, not on object ARNs; narrow it with a condition "
                   "on s3:prefix."),
        PolicyCase("Maria cannot read Omar's photo", app_user("GetObject", f"private/{OMAR_ID}/cat.jpg"), False,
                   "A wildcard in place of the identity ID (private/*) opens every user's folder."),
        PolicyCase("Maria cannot list Omar's folder", app_user("ListBucket", prefix=f"private/{OMAR_ID}/"), False,
                   "Without a condition on s3:prefix, ListBucket shows the names of every user's files."),
        PolicyCase("Maria cannot list the whole bucket", app_user("ListBucket"), False,
                   "A listing without a prefix carries no s3:prefix key: an ...IfExists or negated operator lets "
                   "it through."),
        PolicyCase("Maria cannot write outside the private/ area", app_user("PutObject", "public/index.html"), False,
                   "The Resource must begin with private/ and the caller's identity ID."),
        PolicyCase("Maria cannot change the bucket policy", app_user("PutBucketPolicy"), False,
                   "Grant only the object actions and the listing, not every S3 action."),
    ],
)



@dataclass(frozen=True, repr=False)
class PhotosScenario(Scenario):
    """Question 1.7's values: the app's account and its photo bucket."""

    account: str = field(metadata=about("the app's account (owns the role PhotosAppAuthenticated)"))
    bucket: str = field(metadata=about("the bucket that holds every user's photos"))


PHOTOS_DEFAULT = PhotosScenario(account=PROD, bucket=PHOTOS.split(":::")[1])


def photos_scenario(rng: random.Random) -> PhotosScenario:
    return PhotosScenario(account=account(rng, set()), bucket=bucket(rng, "photos"))


_OWN_FOLDER = "private/${cognito-identity.amazonaws.com:sub}/*"
PHOTOS_MODEL = policy(
    {"Sid": "OwnPhotos", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": f"{PHOTOS}/{_OWN_FOLDER}"},
    {"Sid": "ListOwnFolder", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": PHOTOS,
     "Condition": {"StringLike": {"s3:prefix": _OWN_FOLDER}}},
)
PHOTOS_POLICY = policy_family(_PHOTOS_POLICY, PHOTOS_DEFAULT, photos_scenario, PHOTOS_MODEL)

# --- 1.8 Which identity service? -------------------------------------------------------------------------

_IDENTITY_SERVICES = ("IAM Identity Center", "Cognito user pool", "Cognito identity pool",
                      "AWS Managed Microsoft AD", "AD Connector", "Simple AD", "IAM Roles Anywhere",
                      "IAM users with access keys")

# What each identity service does and cannot do, shown for the service a learner chose where it does not fit.
_IDENTITY_EXPLANATIONS = {
    "IAM Identity Center": "IAM Identity Center signs a workforce in to AWS accounts and business applications; "
                           "it is no directory for an app's customers, gives app users no AWS credentials, and "
                           "offers no domain for servers to join.",
    "Cognito user pool": "A Cognito user pool is a directory and sign-in for an application's users; on its own "
                         "it issues tokens for your app, not AWS credentials, and it is neither a workforce "
                         "portal to AWS accounts nor a Windows domain.",
    "Cognito identity pool": "A Cognito identity pool trades a sign-in from some provider for temporary AWS "
                             "credentials; it keeps no users or passwords and offers no sign-up, and it serves "
                             "app users, not staff or servers.",
    "AWS Managed Microsoft AD": "AWS Managed Microsoft AD runs a real Active Directory in AWS, so it holds "
                                "directory data in AWS; it is not how an app's customers sign up, nor how staff "
                                "whose identities live in an external IdP reach AWS accounts.",
    "AD Connector": "AD Connector is a proxy to your on-premises directory and keeps no directory in AWS: "
                    "there is no domain in AWS for it to trust, and it serves neither an app's customers nor "
                    "machines that sign in with certificates.",
    "Simple AD": "Simple AD is a small Samba-based directory in AWS: it cannot hold a trust with another forest, "
                 "it does not use your on-premises accounts, and it is no sign-in service for an app's customers.",
    "IAM Roles Anywhere": "IAM Roles Anywhere gives workloads outside AWS temporary credentials for their X.509 "
                          "certificates; people do not sign in with it, and it is no directory.",
    "IAM users with access keys": "IAM users with access keys are long-term credentials, one user and key per "
                                  "person or machine in one account, to be rotated by hand: exactly what AWS "
                                  "advises replacing with temporary credentials.",
}

IDENTITY_CHOICE = MappingMatch(
    id="1.8", title="Choose the identity service for each need", points=3, answer_name="answer_1_8",
    explanations=_IDENTITY_EXPLANATIONS,
    parts=[
        Part("need1", "b1280a48e0c444cd98bc513831e3e386097e10f99d2a9aba6626a2ccca791254",
             "Reread need 1: who signs in, where do their identities live, and to what?", "need 1",
             _IDENTITY_SERVICES),
        Part("need2", "bccc1da0fb6ed54333374505443dacde28b9571623213a81e9bcb4116cfa8af5",
             "Reread need 2: who are the users, and what must they be able to do first?", "need 2",
             _IDENTITY_SERVICES),
        Part("need3", "d98be1153aa372479a4f8a518fa310f06383f8b42a024e49df3d81fad2ab1246",
             "Reread need 3: the users are already signed in; what do they still lack to call S3?", "need 3",
             _IDENTITY_SERVICES),
        Part("need4", "b8d977a8930aac4e0d5cba68e92e3c43352d09b2fa0b5d159c220d5f619fffa7",
             "Reread need 4: what must the servers and the database join, and what must it trust?", "need 4",
             _IDENTITY_SERVICES),
        Part("need5", "63df54946ea2a3f079e21627127443bfc61a8de293adfefa8d4d8a460d79b42d",
             "Reread need 5: where must the accounts stay, and what may not be copied?", "need 5",
             _IDENTITY_SERVICES),
        Part("need6", "78641a3260b57bb0d2c3bd966e2eadaa54c53edb6886fef38028f388fee6b1e6",
             "Reread need 6: what do the build servers already hold, and which credentials must go?", "need 6",
             _IDENTITY_SERVICES),
    ],
)

register(KEY_ROTATION, READING, TRUST_POLICY, BOUNDARY, REGION_SCP, CONTROL_CHOICE, PHOTOS_POLICY, IDENTITY_CHOICE)
