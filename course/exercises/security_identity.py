"""Exercises of notebook 01, Security, Identity & Compliance, in three parts.

Part 1, IAM and Organizations (1.1-1.8): the access-key rotation steps in order (1.1), reading a set
of policies and predicting each decision (1.2), a role trust policy with an external ID and MFA (1.3),
a permissions boundary for developers who create roles (1.4), a Region-restricting SCP (1.5),
choosing SCP, RCP, declarative policy, boundary or session policy (1.6), an S3 policy with a Cognito
policy variable (1.7) and choosing an identity service (1.8).
Part 2, KMS, secrets and certificates (1.9-1.14): a key policy separating administrators from users with
kms:ViaService and the encryption context (1.9), choosing a kind of key or key store (1.10), Secrets
Manager ABAC with a principal-tag variable (1.11), a bucket policy for one VPC endpoint (1.12), a data
perimeter RCP (1.13) and ACM certificates for CloudFront and an ALB (1.14).
Part 3, detection and protection (1.15-1.19): GuardDuty finding types that need S3 Protection, from the
GuardDuty guide's table with pandas (1.15), a session policy for an incident-response run (1.16),
choosing a detection service (1.17), an SCP that keeps the security services on (1.18) and choosing a
protection or compliance service (1.19).

Every policy exercise is graded by ``course.iam``. Answer keys are salted hashes, never plain values;
hints name the misconception, never the answer. The scenario data (accounts, ARNs, the fixed policies)
live here so that the notebook can show exactly what the checker uses.
"""

from __future__ import annotations

from course.exercises.choice import MultipleChoice, Ordering, Precedence
from course.exercises.policy import PolicyCase, PolicyExercise
from course.exercises.registry import register
from course.exercises.value import MappingMatch, Part, TableMatch

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
                   "an application cannot be given a key that has not been created yet."),
        Precedence("the last-used check comes after the applications have moved",
                   "f06dcc5880b75abcd9fae79e693e1902e7180e677cdedfb5ec0da7c2ae7c8ac6",
                   "the old key's last-used time says something only once the applications have been "
                   "switched; before that it is of course still in use."),
        Precedence("nobody switches the old key off before checking who still uses it",
                   "faceb8ffd5c5e508edd65b99d5dff521d478ca456d0200f19b38f65c60a2bb41",
                   "deactivating first breaks the applications nobody told you about; the last-used "
                   "information finds them first."),
        Precedence("the old key is switched off before the waiting period",
                   "9bd617dd96dda0d56ce8a81f8361cd2f194c41f9902aeaeb3fc0172762817d75",
                   "the waiting period is there to catch what breaks once the old key stops working, so it "
                   "follows the deactivation."),
        Precedence("the old key is deleted only after the waiting period",
                   "f61bf5c4a2ad7252b0e68fe977941fbb7a24ad40a3368a7743248a273f1bb4b8",
                   "deletion cannot be undone; a key that is only inactive can be switched back on while you "
                   "fix a forgotten application."),
        Precedence("the old key is inactive before it is deleted",
                   "c2ce0a018b527529584243f77edb98102cd748bd8dabb83589d88f2330d53052",
                   "deleting an active key skips the safe, reversible step: deactivate first."),
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

READING = MappingMatch(
    id="1.2", title="Predict the decision and the deciding statement", points=5, answer_name="answer_1_2",
    parts=[
        Part("r1_decision", "422037476501049fd6d1ed15e5042e5169a7e4a55d758376994958fa8f216f1a",
             "Request 1: go through the steps in order. Is there a matching Deny? Does every policy type that "
             "applies (SCPs, identity policy, permissions boundary) allow? Inside one account the bucket "
             "policy need not allow as well.", "request 1: decision", _DECISIONS),
        Part("r1_statement", "3e219f8351244e46bf40eff51756f3fa0fedf6f64a052f888dbd2992eb53cb46",
             "Request 1: for an Allow, name the identity-policy statement that grants the action on this "
             "resource; the boundary and FullAWSAccess only permit it, they grant nothing.",
             "request 1: deciding statement", READING_SIDS),
        Part("r2_decision", "856f4fd80c65a8715896cfb8b179bed26853acdf6b0e9e75f361ffdeb656d7d5",
             "Request 2: look at the transport. A Deny in any policy that applies, the bucket policy "
             "included, overrides every Allow.", "request 2: decision", _DECISIONS),
        Part("r2_statement", "d727ccb98f896139a2f0a14a2706f040e01ab940bea421c86f601c8d0e468271",
             "Request 2: when a Deny matches, it is the deciding statement, whatever else allows.",
             "request 2: deciding statement", READING_SIDS),
        Part("r3_decision", "d4f145117bfc19c4993d5d01e3e4b61fd95168773bdf1381071eeec3e70237aa",
             "Request 3: an identity policy that allows is not enough when the principal also has a "
             "permissions boundary: check whether the boundary covers the action.", "request 3: decision",
             _DECISIONS),
        Part("r3_statement", "3a6b7f68e31911c09f547068a57b2d94fdc52191b825c5c4973cb47f9d31d679",
             "Request 3: " + _NONE_HINT,
             "request 3: deciding statement", READING_SIDS),
        Part("r4_decision", "e541f1fc50dba4d520ad62c7652454f40f5940f84c4b2d535c211c18e89f48b2",
             "Request 4: note the Region of the request and which services the SCP's NotAction leaves out.",
             "request 4: decision", _DECISIONS),
        Part("r4_statement", "5a41c23bb3a80992f981f9ebfac19c2a1c302c69d543434295db51adbd7ea5e9",
             "Request 4: an SCP's Deny statement can decide a request just like an identity policy's.",
             "request 4: deciding statement", READING_SIDS),
        Part("r5_decision", "3186908ebe3787aedd3b5e2cdf6cf59a65a38115b54484b3080709f3de9ac329",
             "Request 5: a Resource pattern must match the whole ARN, object key included; compare the key "
             "with each PutObject statement's prefix.", "request 5: decision", _DECISIONS),
        Part("r5_statement", "cf3586401bab6adeec3581ec9d5d3a7daed506bb13f9c4c2e2d2cd951b1e7160",
             "Request 5: " + _NONE_HINT,
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

TRUST_POLICY = PolicyExercise(
    id="1.3", title="Trust a vendor with an external ID and your responders with MFA", points=5,
    answer_name="answer_1_3", slot="resource", lint_kind="trust",
    context_policies={"identity": [ASSUME_ANY_ROLE]},
    # IAM004: Principal "*" without a condition; IAM014: a wildcard in a principal ARN never matches.
    lint_forbidden=["IAM004", "IAM014"],
    cases=[
        PolicyCase("the vendor's scanner role assumes the role with the agreed external ID",
                   assume(SCANNER, {"sts:ExternalId": EXTERNAL_ID}), True,
                   "trust the scanner role's ARN and compare sts:ExternalId with the value the vendor gave you; "
                   "conditions meant for your own people must not apply to the vendor."),
        PolicyCase("the scanner role is refused without an external ID",
                   assume(SCANNER), False,
                   "without an sts:ExternalId condition, any other customer of the vendor could point the "
                   "scanner at your role: the confused-deputy problem."),
        PolicyCase("another role in the vendor's account is refused even with the external ID",
                   assume(f"arn:aws:sts::{VENDOR}:assumed-role/acme-support/ticket-88",
                          {"sts:ExternalId": EXTERNAL_ID}), False,
                   "trusting the vendor's whole account lets every role there in; name the scanner role."),
        PolicyCase("a role in an unrelated account is refused even with the external ID",
                   assume(f"arn:aws:sts::{STRANGER}:assumed-role/scanner/x", {"sts:ExternalId": EXTERNAL_ID}),
                   False,
                   "an external ID is not a password: with a wildcard principal anyone who learns it gets in."),
        PolicyCase("a responder in the security account who signed in with MFA assumes the role",
                   assume(RESPONDER, MFA), True,
                   "trust the security account and require MFA for it; the responders carry no external ID."),
        PolicyCase("a responder using long-term access keys without MFA is refused",
                   assume(RESPONDER), False,
                   "with long-term access keys aws:MultiFactorAuthPresent is absent, not false; an ...IfExists "
                   "operator or a negated operator lets such a request through."),
    ],
)

# --- 1.4 Permissions boundary for developers who create roles ---------------------------------------

DEVELOPER = f"arn:aws:sts::{PROD}:assumed-role/Developer/ana"
APP_BOUNDARY = f"arn:aws:iam::{PROD}:policy/AppBoundary"
DEVELOPER_BOUNDARY = f"arn:aws:iam::{PROD}:policy/DeveloperBoundary"
APP_ROLE = f"arn:aws:iam::{PROD}:role/app/orders-handler"


def dev(action: str, resource: str, context: dict | None = None) -> dict:
    return request(DEVELOPER, action, resource, context)


def with_boundary(arn: str) -> dict:
    return {"iam:PermissionsBoundary": arn}


BOUNDARY = PolicyExercise(
    id="1.4", title="A permissions boundary that lets developers create roles without escalating", points=5,
    answer_name="answer_1_4", slot="boundary",
    # The developers keep the broad policy their team was given years ago; only the boundary changes.
    context_policies={"identity": [ALLOW_ALL]},
    lint_forbidden=["IAM006", "IAM015"],
    cases=[
        PolicyCase("a developer creates role app/orders-handler with the AppBoundary boundary",
                   dev("iam:CreateRole", APP_ROLE, with_boundary(APP_BOUNDARY)), True,
                   "the boundary caps everything the developer does, IAM included: it must allow creating roles "
                   "under /app/ when the new role gets AppBoundary."),
        PolicyCase("a developer deploys Lambda code (everyday work still works)",
                   dev("lambda:UpdateFunctionCode", f"arn:aws:lambda:{REGION}:{PROD}:function:orders"), True,
                   "a boundary allows nothing by itself but also denies whatever it leaves out: list the "
                   "developers' everyday services too."),
        PolicyCase("a developer passes role app/orders-handler to Lambda",
                   dev("iam:PassRole", APP_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}), True,
                   "creating a function with a role needs iam:PassRole on that role."),
        PolicyCase("creating a role without any boundary is refused",
                   dev("iam:CreateRole", f"arn:aws:iam::{PROD}:role/app/reports-job"), False,
                   "a role created without a boundary can be given any policy, AdministratorAccess included: "
                   "make the allow depend on iam:PermissionsBoundary."),
        PolicyCase("creating a role whose boundary is AdministratorAccess is refused",
                   dev("iam:CreateRole", f"arn:aws:iam::{PROD}:role/app/reports-job",
                       with_boundary("arn:aws:iam::aws:policy/AdministratorAccess")), False,
                   "requiring *a* boundary is not enough: compare iam:PermissionsBoundary with the ARN of "
                   "AppBoundary exactly."),
        PolicyCase("removing the boundary from app/orders-handler is refused",
                   dev("iam:DeleteRolePermissionsBoundary", APP_ROLE, with_boundary(APP_BOUNDARY)), False,
                   "a role whose boundary can be removed afterwards was never bounded."),
        PolicyCase("editing DeveloperBoundary (a new default version) is refused",
                   dev("iam:CreatePolicyVersion", DEVELOPER_BOUNDARY), False,
                   "whoever can change a boundary policy can raise their own ceiling; keep policy-editing "
                   "actions away from the boundary policies."),
        PolicyCase("attaching AdministratorAccess to the developers' own role is refused",
                   dev("iam:AttachRolePolicy", f"arn:aws:iam::{PROD}:role/Developer",
                       {**with_boundary(DEVELOPER_BOUNDARY),
                        "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}), False,
                   "the Developer role's boundary is not AppBoundary, so a condition on iam:PermissionsBoundary "
                   "keeps the developers from editing their own role; an unconditional attach does not."),
    ],
)

# --- 1.5 SCP: only two Regions, except global services and a break-glass role ----------------------------

BREAK_GLASS = "BreakGlass"


def member(action: str, resource: str, region: str, role: str = "Platform") -> dict:
    """A request from a role in the member account PROD, sent to ``region``."""
    return request(f"arn:aws:sts::{PROD}:assumed-role/{role}/session", action, resource,
                   {"aws:RequestedRegion": region})


REGION_SCP = PolicyExercise(
    id="1.5", title="An SCP that keeps workloads in two Regions", points=5, answer_name="answer_1_5",
    slot="scps", level=-1,
    # FullAWSAccess is attached at the root and at the Workloads OU; the learner's SCP joins it at the OU.
    context_policies={"identity": [ALLOW_ALL], "scps": [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]},
    lint_forbidden=["IAM015"],
    cases=[
        PolicyCase("an instance is launched in eu-west-1",
                   member("ec2:RunInstances", f"arn:aws:ec2:eu-west-1:{PROD}:instance/*", "eu-west-1"), True,
                   "requests to an approved Region must pass; check the Region names in your condition."),
        PolicyCase("an object is written to a bucket through eu-central-1",
                   member("s3:PutObject", "arn:aws:s3:::example-eu-data/file.csv", "eu-central-1"), True,
                   "both approved Regions must pass."),
        PolicyCase("an instance launch in us-east-1 is denied",
                   member("ec2:RunInstances", f"arn:aws:ec2:us-east-1:{PROD}:instance/*", "us-east-1"), False,
                   "FullAWSAccess still allows everything beside your SCP: an Allow with a condition restricts "
                   "nothing, only a Deny does."),
        PolicyCase("creating a DynamoDB table in ap-southeast-2 is denied",
                   member("dynamodb:CreateTable", f"arn:aws:dynamodb:ap-southeast-2:{PROD}:table/t",
                          "ap-southeast-2"), False,
                   "every Region other than the two approved ones is denied, not only us-east-1."),
        PolicyCase("IAM still works (its endpoint is in us-east-1)",
                   member("iam:CreateRole", f"arn:aws:iam::{PROD}:role/app/new-role", "us-east-1"), True,
                   "global services such as IAM are served from us-east-1: exempt them with NotAction, or "
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
                   "exempt the break-glass role with a condition on aws:PrincipalArn (an SCP has no "
                   "Principal element)."),
    ],
)

# --- 1.6 Which control? SCP, RCP, declarative policy, permissions boundary, session policy --------------

_CONTROLS = ("SCP", "RCP", "declarative policy", "permissions boundary", "session policy")

CONTROL_CHOICE = MappingMatch(
    id="1.6", title="Choose the kind of policy for each requirement", points=3, answer_name="answer_1_6",
    parts=[
        Part("req1", "2f31e9b9abca649a4a49c8414b02ea16c53aa9286f0f0f3e9e8cc030da6defcf",
             "Requirement 1 is about who may reach the resources, whatever their bucket or key policies "
             "say; SCPs only limit the principals of your own accounts.", "requirement 1", _CONTROLS),
        Part("req2", "c79f26cad9cdba7ce6d58602fb8f58316ac74b323f267ca5e668409ae2bed896",
             "Requirement 2 limits what every principal of some accounts may do, administrators included: "
             "a guardrail on the accounts' own identities.", "requirement 2", _CONTROLS),
        Part("req3", "bd44c777fb65b2290d44320a8c34986749ac4557c6812aa5681513773a01afa0",
             "Requirement 3 fixes a service setting so that account administrators cannot change it, rather "
             "than denying API calls one by one.", "requirement 3", _CONTROLS),
        Part("req4", "6f1d77d554bb2fcedb008c160721fe56709b98ce4a044ec4005fd8f0155f56fe",
             "Requirement 4 sets a ceiling on particular IAM roles inside one account, including ones that do "
             "not exist yet; an organization policy would cap the whole account.", "requirement 4", _CONTROLS),
        Part("req5", "47c2b5a2cdb4cbb2399ef4d33940110c74633c00d8a9a8d4df5eb5d35d9689b6",
             "Requirement 5 narrows one set of temporary credentials at the moment they are requested, "
             "without changing the role.", "requirement 5", _CONTROLS),
        Part("req6", "50b062085626922dff44832c4d56efa0ec8c914721fd6c2f08bb854745aa4816",
             "Requirement 6 stops member accounts' own principals, their administrators included, from "
             "taking an Organizations action.", "requirement 6", _CONTROLS),
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


PHOTOS_POLICY = PolicyExercise(
    id="1.7", title="Each app user reaches only their own folder in S3", points=4, answer_name="answer_1_7",
    slot="identity",
    lint_forbidden=["IAM006", "IAM010"],
    cases=[
        PolicyCase("Maria uploads a photo into her own folder",
                   app_user("PutObject", f"private/{MARIA_ID}/2026/beach.jpg"), True,
                   "allow the object actions on keys under private/ followed by the caller's own identity ID."),
        PolicyCase("Omar reads one of his own photos", app_user("GetObject", f"private/{OMAR_ID}/cat.jpg", OMAR_ID),
                   True, "one policy serves every user: put a policy variable in the Resource, not one user's ID."),
        PolicyCase("Maria lists her own folder", app_user("ListBucket", prefix=f"private/{MARIA_ID}/"), True,
                   "ListBucket is an action on the bucket's ARN, not on object ARNs; narrow it with a condition "
                   "on s3:prefix."),
        PolicyCase("Maria cannot read Omar's photo", app_user("GetObject", f"private/{OMAR_ID}/cat.jpg"), False,
                   "a wildcard in place of the identity ID (private/*) opens every user's folder."),
        PolicyCase("Maria cannot list Omar's folder", app_user("ListBucket", prefix=f"private/{OMAR_ID}/"), False,
                   "without a condition on s3:prefix, ListBucket shows the names of every user's files."),
        PolicyCase("Maria cannot list the whole bucket", app_user("ListBucket"), False,
                   "a listing without a prefix carries no s3:prefix key: an ...IfExists or negated operator lets "
                   "it through."),
        PolicyCase("Maria cannot write outside the private/ area", app_user("PutObject", "public/index.html"), False,
                   "the Resource must begin with private/ and the caller's identity ID."),
        PolicyCase("Maria cannot change the bucket policy", app_user("PutBucketPolicy"), False,
                   "grant only the object actions and the listing, not every S3 action."),
    ],
)

# --- 1.8 Which identity service? -------------------------------------------------------------------------

_IDENTITY_SERVICES = ("IAM Identity Center", "Cognito user pool", "Cognito identity pool",
                      "AWS Managed Microsoft AD", "AD Connector", "Simple AD", "IAM Roles Anywhere",
                      "IAM users with access keys")

IDENTITY_CHOICE = MappingMatch(
    id="1.8", title="Choose the identity service for each need", points=3, answer_name="answer_1_8",
    parts=[
        Part("need1", "b1280a48e0c444cd98bc513831e3e386097e10f99d2a9aba6626a2ccca791254",
             "Need 1 is workforce access to many accounts of an organization from an external identity "
             "provider, with permission sets.", "need 1", _IDENTITY_SERVICES),
        Part("need2", "bccc1da0fb6ed54333374505443dacde28b9571623213a81e9bcb4116cfa8af5",
             "Need 2 is a user directory and sign-in for an application's customers, not for staff and not "
             "AWS credentials.", "need 2", _IDENTITY_SERVICES),
        Part("need3", "d98be1153aa372479a4f8a518fa310f06383f8b42a024e49df3d81fad2ab1246",
             "Need 3 turns an app user's sign-in into temporary AWS credentials; a user directory alone does "
             "not give AWS credentials.", "need 3", _IDENTITY_SERVICES),
        Part("need4", "b8d977a8930aac4e0d5cba68e92e3c43352d09b2fa0b5d159c220d5f619fffa7",
             "Need 4 asks for a real Active Directory running in AWS, with a trust to the on-premises "
             "forest; a proxy or a Samba-based directory cannot hold a forest trust.", "need 4",
             _IDENTITY_SERVICES),
        Part("need5", "63df54946ea2a3f079e21627127443bfc61a8de293adfefa8d4d8a460d79b42d",
             "Need 5 keeps every identity in the existing on-premises directory and copies nothing to AWS: "
             "that calls for a proxy, not a new directory.", "need 5", _IDENTITY_SERVICES),
        Part("need6", "78641a3260b57bb0d2c3bd966e2eadaa54c53edb6886fef38028f388fee6b1e6",
             "Need 6 is about workloads outside AWS that already hold 1.509 certificates; long-term keys are "
             "what the company wants to get rid of.", "need 6", _IDENTITY_SERVICES),
    ],
)

register(KEY_ROTATION, READING, TRUST_POLICY, BOUNDARY, REGION_SCP, CONTROL_CHOICE, PHOTOS_POLICY, IDENTITY_CHOICE)


# =================================================================================================
# Part 2 — KMS, secrets and certificates
# =================================================================================================

# --- 1.9 KMS key policy: administrators apart from users, S3 only, one bucket only -------------------

PAYROLL_KEY = f"arn:aws:kms:{REGION}:{PROD}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PAYROLL_BUCKET = "arn:aws:s3:::payroll-archive"
KEY_ADMINS = f"arn:aws:iam::{PROD}:role/KeyAdmins"
PAYROLL_APP = f"arn:aws:iam::{PROD}:role/PayrollApp"
S3_VIA = f"s3.{REGION}.amazonaws.com"
# Every role in the account carries the AWS managed PowerUserAccess policy, which includes kms:*.
POWER_USER = policy(
    {"Sid": "PowerUserAccess", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"],
     "Resource": "*"},
)


def session(role_arn: str, name: str = "session") -> str:
    """The role session ARN of ``role_arn``."""
    account, role = account_of(role_arn), role_arn.rsplit("/", 1)[-1]
    return f"arn:aws:sts::{account}:assumed-role/{role}/{name}"


def kms_call(role_arn: str, action: str, via: str | None = S3_VIA, bucket: str | None = PAYROLL_BUCKET) -> dict:
    """A KMS request on the payroll key, made directly or by a service (``via``) for a bucket."""
    context = {"kms:CallerAccount": account_of(role_arn)}
    if via:
        context["kms:ViaService"] = via
    if bucket:
        context["kms:EncryptionContext:aws:s3:arn"] = bucket
        context["kms:EncryptionContextKeys"] = ["aws:s3:arn"]
    return request(session(role_arn), action, PAYROLL_KEY, context, resource_account=PROD)


KEY_POLICY = PolicyExercise(
    id="1.9", title="A key policy that separates key administrators from key users", points=5,
    answer_name="answer_1_9", slot="resource", lint_kind="key",
    context_policies={"identity": [POWER_USER]},
    lint_forbidden=["IAM004", "IAM006", "IAM015"],
    cases=[
        PolicyCase("the payroll app gets a data key through S3 for payroll-archive",
                   kms_call(PAYROLL_APP, "kms:GenerateDataKey"), True,
                   "name the PayrollApp role as a key user for the data-key and decrypt actions, with conditions "
                   "that S3 in this Region and the payroll-archive bucket satisfy."),
        PolicyCase("the payroll app decrypts through S3 for payroll-archive",
                   kms_call(PAYROLL_APP, "kms:Decrypt"), True,
                   "reading an SSE-KMS object makes S3 call Decrypt for the app."),
        PolicyCase("the payroll app cannot call Decrypt directly", kms_call(PAYROLL_APP, "kms:Decrypt", via=None),
                   False,
                   "without kms:ViaService a key user can decrypt anything encrypted under the key outside S3, "
                   "for example ciphertext copied out of the bucket."),
        PolicyCase("the payroll app cannot use the key for another bucket",
                   kms_call(PAYROLL_APP, "kms:Decrypt", bucket="arn:aws:s3:::hr-exports"), False,
                   "S3 passes the bucket's ARN as the encryption context aws:s3:arn: compare it, so that the key "
                   "serves only payroll-archive."),
        PolicyCase("the key administrators schedule the key's deletion",
                   kms_call(KEY_ADMINS, "kms:ScheduleKeyDeletion", via=None, bucket=None), True,
                   "key administrators manage the key: policy, rotation, enabling, disabling, tags, deletion."),
        PolicyCase("the key administrators change the key policy",
                   kms_call(KEY_ADMINS, "kms:PutKeyPolicy", via=None, bucket=None), True,
                   "key administrators must be able to change the key policy, or nobody can fix it later."),
        PolicyCase("the key administrators cannot decrypt payroll data",
                   kms_call(KEY_ADMINS, "kms:Decrypt"), False,
                   "managing a key is not using it: list the administrative actions instead of kms:* or "
                   "kms:Decrypt for the administrators."),
        PolicyCase("a developer with PowerUserAccess cannot decrypt payroll data",
                   kms_call(f"arn:aws:iam::{PROD}:role/Developer", "kms:Decrypt"), False,
                   "a statement for the account root delegates to IAM policies, and PowerUserAccess allows kms:*: "
                   "name the roles in the key policy instead."),
    ],
)

# --- 1.10 Which kind of key or key store? ---------------------------------------------------------------

_KEY_OPTIONS = ("AWS owned key", "AWS managed key", "customer managed key", "imported key material",
                "CloudHSM key store", "external key store", "multi-Region key", "CloudHSM cluster without KMS")

KEY_CHOICE = MappingMatch(
    id="1.10", title="Choose the kind of key or key store", points=4, answer_name="answer_1_10",
    parts=[
        Part("need1", "3f61400b2622ffe3c05dc8da45a8ac2c43762abe85d9faab256ceda3bcfd573a",
             "Need 1 asks for no key in the account at all: no key policy, no KMS request charges, nothing to "
             "see in CloudTrail.", "need 1", _KEY_OPTIONS),
        Part("need2", "a62b80abe420366cbed83b59f20811b92d3e7d3000212b6ac134d7b4b4e8f025",
             "Need 2 wants KMS usage in CloudTrail but nothing to administer: no key policy to write, rotation "
             "done by AWS, one key per service in the account.", "need 2", _KEY_OPTIONS),
        Part("need3", "f2c46046501c9e043ac41aa1f2c5ad8a8d29fecd8c2b11d3779f127c1a7535ed",
             "Need 3 needs a key policy you write and sharing with another account, which the keys AWS "
             "manages for you do not offer; nothing asks for special key material.", "need 3", _KEY_OPTIONS),
        Part("need4", "43bdf2f440ceef34168aa1475fe593e7d737db09e3a6026a93c493f85b8fc3f0",
             "Need 4 is about where the key material is generated and being able to remove it at once; "
             "KMS keeps using it afterwards.", "need 4", _KEY_OPTIONS),
        Part("need5", "ae3a73b023aeb59c89a91c1825ce0512f92fb82b828430ce469ac0264aa6d10d",
             "Need 5 keeps KMS's integration with AWS services but puts the key material in single-tenant "
             "HSMs that you control inside AWS.", "need 5", _KEY_OPTIONS),
        Part("need6", "5f83875aa887c34595c0457610a73d25dc5333b6e37498d2003ce7f218981aa9",
             "Need 6 says the key material must never be inside AWS at all.", "need 6", _KEY_OPTIONS),
        Part("need7", "370b88154a12e0cf65f39a39356a65f6a687efd3edd884d20f027801bbd5bc7a",
             "Need 7 decrypts in another Region what was encrypted in the first, without calling back across "
             "Regions; a normal KMS key never leaves its Region.", "need 7", _KEY_OPTIONS),
        Part("need8", "e6402b4c3ea5b36a6283967cc8d63672256bb7c7b64cd4630a9cb6c76b1e340e",
             "Need 8 uses an HSM through PKCS#11 from its own code, which KMS's API does not offer.", "need 8",
             _KEY_OPTIONS),
    ],
)

# --- 1.11 Secrets Manager with attribute-based access control ------------------------------------------------


def secret_arn(name: str) -> str:
    return f"arn:aws:secretsmanager:{REGION}:{PROD}:secret:{name}-a1B2c3"


def app_reads(role: str, project: str | None, action: str, secret: str, secret_project: str | None) -> dict:
    """A call by the application role ``role`` (tagged project=``project``) on a secret."""
    context = {}
    if project is not None:
        context["aws:PrincipalTag/project"] = project
    if secret_project is not None:
        context["aws:ResourceTag/project"] = secret_project
        context["secretsmanager:ResourceTag/project"] = secret_project
    return request(session(f"arn:aws:iam::{PROD}:role/{role}", "lambda"), action, secret_arn(secret), context)


SECRETS_ABAC = PolicyExercise(
    id="1.11", title="One policy for every application: read the secrets of your own project", points=4,
    answer_name="answer_1_11", slot="identity",
    lint_forbidden=["IAM006", "IAM010"],
    cases=[
        PolicyCase("the orders function reads a secret of project orders",
                   app_reads("OrdersFunction", "orders", "secretsmanager:GetSecretValue", "orders/db", "orders"),
                   True, "allow reading secrets whose project tag equals the caller's project tag."),
        PolicyCase("the payments function reads a secret of project payments",
                   app_reads("PaymentsFunction", "payments", "secretsmanager:GetSecretValue", "payments/api-key",
                             "payments"), True,
                   "the same policy serves every project: compare the two tags with a policy variable, not with "
                   "one project's name."),
        PolicyCase("the orders function describes its secret",
                   app_reads("OrdersFunction", "orders", "secretsmanager:DescribeSecret", "orders/db", "orders"),
                   True, "the applications also call DescribeSecret."),
        PolicyCase("the orders function cannot read a payments secret",
                   app_reads("OrdersFunction", "orders", "secretsmanager:GetSecretValue", "payments/api-key",
                             "payments"), False,
                   "without a condition on the secret's tag every application reads every secret."),
        PolicyCase("an untagged secret is not readable",
                   app_reads("OrdersFunction", "orders", "secretsmanager:GetSecretValue", "legacy/ldap", None),
                   False,
                   "a negated operator or an ...IfExists operator is satisfied when the secret has no tag at all."),
        PolicyCase("a role without a project tag cannot read an untagged secret",
                   app_reads("LegacyJob", None, "secretsmanager:GetSecretValue", "legacy/ldap", None), False,
                   "a role without the tag must get nothing: an ...IfExists operator on the role's tag is "
                   "satisfied when the role has no tag at all."),
        PolicyCase("the orders function cannot change its secret's value",
                   app_reads("OrdersFunction", "orders", "secretsmanager:PutSecretValue", "orders/db", "orders"),
                   False, "applications only read secrets; rotation writes them."),
    ],
)

# --- 1.12 A bucket reachable only through one VPC endpoint -----------------------------------------------

ENDPOINT = "vpce-0a1b2c3d4e5f67890"
OTHER_ENDPOINT = "vpce-0fedcba9876543210"
VPC = "vpc-0123456789abcdef0"
ARCHIVE_ADMIN = f"arn:aws:iam::{PROD}:role/ArchiveAdmin"
# Every role in the account has an identity policy that allows S3 on the archive bucket.
S3_ON_ARCHIVE = policy({"Sid": "ArchiveAccess", "Effect": "Allow", "Action": "s3:*",
                        "Resource": [PAYROLL_BUCKET, f"{PAYROLL_BUCKET}/*"]})


def s3_call(role_arn: str, action: str, key: str | None = "2026/03/payslips.csv",
            endpoint: str | None = ENDPOINT) -> dict:
    """An S3 request by ``role_arn`` on the archive bucket, through ``endpoint`` or over the internet."""
    resource = f"{PAYROLL_BUCKET}/{key}" if key else PAYROLL_BUCKET
    context = {"aws:SourceVpce": endpoint, "aws:SourceVpc": VPC} if endpoint else {"aws:SourceIp": "203.0.113.25"}
    return request(session(role_arn), action, resource, context, resource_account=PROD)


ENDPOINT_POLICY = PolicyExercise(
    id="1.12", title="A bucket policy that admits only one VPC endpoint", points=4, answer_name="answer_1_12",
    slot="resource", context_policies={"identity": [S3_ON_ARCHIVE]},
    lint_forbidden=["IAM004", "IAM018"],
    cases=[
        PolicyCase("the payroll app reads a payslip through the endpoint",
                   s3_call(PAYROLL_APP, "s3:GetObject"), True,
                   "requests through the endpoint must still work: check the endpoint ID in your condition."),
        PolicyCase("the payroll app writes a payslip through the endpoint",
                   s3_call(PAYROLL_APP, "s3:PutObject"), True,
                   "requests through the endpoint must still work, writes included."),
        PolicyCase("the payroll app is refused over the internet",
                   s3_call(PAYROLL_APP, "s3:GetObject", endpoint=None), False,
                   "the roles' identity policies already allow S3, so an Allow in the bucket policy changes nothing; "
                   "only a Deny can take access away."),
        PolicyCase("a request through another endpoint in the same VPC is refused",
                   s3_call(PAYROLL_APP, "s3:GetObject", endpoint=OTHER_ENDPOINT), False,
                   "aws:SourceVpc matches every endpoint of the VPC; aws:SourceVpce names one endpoint."),
        PolicyCase("a developer browsing from the internet cannot list the bucket",
                   s3_call(f"arn:aws:iam::{PROD}:role/Developer", "s3:ListBucket", key=None, endpoint=None), False,
                   "the Deny must cover the bucket itself (ListBucket, policy changes) as well as its objects."),
        PolicyCase("ArchiveAdmin can still manage the bucket policy from anywhere",
                   s3_call(ARCHIVE_ADMIN, "s3:PutBucketPolicy", key=None, endpoint=None), True,
                   "exempt the administrator role with a condition on aws:PrincipalArn; NotPrincipal with a role ARN "
                   "does not exempt the role's sessions."),
    ],
)

# --- 1.13 A resource control policy: the organization's data perimeter -----------------------------------

OTHER_ORG = "o-9z8y7x6w5v"
ORDERS_SECRET = secret_arn("orders/db")
LOG_BUCKET = "arn:aws:s3:::example-org-cloudtrail"


def perimeter_call(account: str, action: str, resource: str, org: str | None) -> dict:
    """A call by a role of ``account``; ``org`` is the organization that account belongs to (or None)."""
    req = request(f"arn:aws:sts::{account}:assumed-role/DataReader/session", action, resource,
                  resource_account=PROD)
    req["context"].pop("aws:PrincipalOrgID", None)
    if org:
        req["context"]["aws:PrincipalOrgID"] = org
    return req


def service_call(service: str, action: str, resource: str) -> dict:
    """A call by an AWS service principal on behalf of the PROD account."""
    return {"principal": service, "principalAccount": None, "action": action, "resource": resource,
            "resourceAccount": PROD,
            "context": {"aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": service,
                        "aws:SourceAccount": PROD, "aws:SecureTransport": "true", "aws:RequestedRegion": REGION}}


def anonymous_call(action: str, resource: str) -> dict:
    return {"principal": "anonymous", "principalAccount": None, "action": action, "resource": resource,
            "resourceAccount": PROD, "context": {"aws:SecureTransport": "true", "aws:RequestedRegion": REGION}}


READ_ANYTHING = policy({"Sid": "ReadData", "Effect": "Allow",
                        "Action": ["s3:GetObject", "kms:Decrypt", "secretsmanager:GetSecretValue"],
                        "Resource": "*"})
# The resource policies written by the teams. Two of them share too much: that is what the RCP is for.
SHARED_SECRET_POLICY = policy(
    {"Sid": "ShareWithSecurityAndPartner", "Effect": "Allow",
     "Principal": {"AWS": [f"arn:aws:iam::{SECURITY}:root", f"arn:aws:iam::{STRANGER}:root",
                           f"arn:aws:iam::{VENDOR}:root"]},
     "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
)
SHARED_KEY_POLICY = policy(
    {"Sid": "AccountAdmins", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"},
     "Action": "kms:*", "Resource": "*"},
    {"Sid": "SecurityAndPartnerDecrypt", "Effect": "Allow",
     "Principal": {"AWS": [f"arn:aws:iam::{SECURITY}:root", f"arn:aws:iam::{STRANGER}:root"]},
     "Action": "kms:Decrypt", "Resource": "*"},
)
PUBLIC_BUCKET_POLICY = policy(
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::example-marketing/*"},
    {"Sid": "PartnerRead", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{STRANGER}:root"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-marketing/*"},
)
TRAIL_BUCKET_POLICY = policy(
    {"Sid": "CloudTrailWrites", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "s3:PutObject", "Resource": f"{LOG_BUCKET}/*",
     "Condition": {"StringEquals": {"aws:SourceAccount": PROD}}},
)
OBJECT = "arn:aws:s3:::example-marketing/brochure.pdf"

PERIMETER_RCP = PolicyExercise(
    id="1.13", title="An RCP that keeps keys, secrets and buckets inside the organization", points=5,
    answer_name="answer_1_13", slot="rcps",
    context_policies={"identity": [READ_ANYTHING]},
    lint_forbidden=["IAM021", "IAM022"],
    cases=[
        PolicyCase("the security account (in the organization) reads the shared secret",
                   perimeter_call(SECURITY, "secretsmanager:GetSecretValue", ORDERS_SECRET, ORG_ID), True,
                   "principals of your own organization must keep working: compare aws:PrincipalOrgID with "
                   "your organization's ID.", policies={"resource": SHARED_SECRET_POLICY}),
        PolicyCase("an account of another organization cannot read the secret",
                   perimeter_call(STRANGER, "secretsmanager:GetSecretValue", ORDERS_SECRET, OTHER_ORG), False,
                   "an RCP only ever takes away: write a Deny that matches principals whose aws:PrincipalOrgID is "
                   "not yours.", policies={"resource": SHARED_SECRET_POLICY}),
        PolicyCase("a vendor account in no organization cannot read the secret",
                   perimeter_call(VENDOR, "secretsmanager:GetSecretValue", ORDERS_SECRET, None), False,
                   "an account outside any organization has no aws:PrincipalOrgID at all: a positive or "
                   "...IfExists comparison must still deny it.", policies={"resource": SHARED_SECRET_POLICY}),
        PolicyCase("an outside account cannot decrypt with the shared KMS key",
                   perimeter_call(STRANGER, "kms:Decrypt", PAYROLL_KEY, OTHER_ORG), False,
                   "the perimeter must cover KMS as well as Secrets Manager and S3.",
                   policies={"resource": SHARED_KEY_POLICY}),
        PolicyCase("an anonymous visitor cannot read an object of a public bucket",
                   anonymous_call("s3:GetObject", OBJECT), False,
                   "an anonymous request carries neither aws:PrincipalOrgID nor aws:PrincipalIsAWSService; make "
                   "sure your conditions still match it.", policies={"resource": PUBLIC_BUCKET_POLICY}),
        PolicyCase("CloudTrail still delivers logs to the trail bucket",
                   service_call("cloudtrail.amazonaws.com", "s3:PutObject", f"{LOG_BUCKET}/AWSLogs/x.json.gz"), True,
                   "AWS services writing on your behalf have no aws:PrincipalOrgID: exempt requests where "
                   "aws:PrincipalIsAWSService is true.", policies={"resource": TRAIL_BUCKET_POLICY}),
    ],
)

# --- 1.14 Certificates for CloudFront and an ALB ----------------------------------------------------------

CERTIFICATES = MultipleChoice(
    id="1.14", title="Certificates for a site behind CloudFront and a load balancer", points=3,
    answer_name="answer_1_14",
    options={
        "A": "Request a public ACM certificate for shop.example.com in us-east-1 and use it on the CloudFront "
             "distribution",
        "B": "Request a public ACM certificate for shop.example.com in eu-west-1 and use it on the ALB",
        "C": "Validate the domain with DNS, leaving the CNAME record that ACM gives you in the hosted zone",
        "D": "Validate the domain by email, so that ACM can renew without anybody doing anything",
        "E": "Export the certificate's private key from ACM and upload it to the load balancer",
        "F": "Request a single certificate in eu-west-1 and attach it to both the distribution and the ALB",
        "G": "Import a certificate bought from another CA into ACM and let ACM renew it",
    },
    explanations={
        "A": "CloudFront takes certificates from ACM in us-east-1 only.",
        "B": "An ALB uses ACM certificates from its own Region.",
        "C": "With the validation record left in place ACM renews a DNS-validated certificate on its own.",
        "D": "An email-validated certificate needs someone to answer a renewal email, or it expires.",
        "E": "Load balancers use ACM certificates directly; the private key never has to leave ACM.",
        "F": "ACM certificates are Regional, and CloudFront looks for them in us-east-1 only.",
        "G": "ACM does not renew imported certificates; you import a new one before the old one expires.",
    },
    keys={
        "A": "d6a117cfff0d2f2310856bea78dbd447adac67fc363b806a792b17d055bc9d34",
        "B": "25d3ee66ae8619e1d38c73c73c0552a598374bb056445d2ba2ccedb952b72878",
        "C": "5c0a71da2450f5962b8e6a51b2982b7b7c696936e46467118e5128dfd636f7a1",
        "D": "5185656c48ded1dccfbec9e5b96cfbb7603932166849e216a751a8cb59012fa9",
        "E": "9bddb751b47ccebf34b12c79ed1a385f04cc9a1c4d3aaed864a078262a4d037f",
        "F": "b6e7388f045bffb426f545f2a8326304bf9a9050e7955931fa28280575a974c5",
        "G": "7c7ec48dff10c3f8949b6c71990ef4c3c37dbf596a74889a88277821a4de67d5",
    },
)

register(KEY_POLICY, KEY_CHOICE, SECRETS_ABAC, ENDPOINT_POLICY, PERIMETER_RCP, CERTIFICATES)


# =================================================================================================
# Part 3 — detection and protection services
# =================================================================================================

# --- 1.15 GuardDuty finding types that depend on S3 data events --------------------------------------------

S3_DATA_EVENT_TYPES = TableMatch(
    id="1.15", title="Which finding types need S3 Protection?", points=3, answer_name="answer_1_15",
    columns=["finding_type", "severity"],
    rows_key="6492b79c23ce75366c455986cf6220e827f97ea06543379e6f834ccd62e68e10",
    column_keys={
        "finding_type": "978e564021d091e69e61f918ff938a511de9aff287f17412aa85807a1e44af8a",
        "severity": "626820ac5400ba88ad66911a3b22d2247aa985c96b761033190824ebd9fb23f2",
    },
    hints={"rows": "count again: the data source column is written by hand, and one S3 finding type spells its data "
                   "source with the words in another order; a finding type that can also come from management "
                   "events does not depend on S3 Protection.",
           "finding_type": "keep the finding types whose data source is a CloudTrail data event for S3 only.",
           "severity": "take the severity column as it is, for the same rows."},
)

# --- 1.16 A session policy for one incident --------------------------------------------------------------------

RESPONDER_SESSION = f"arn:aws:sts::{PROD}:assumed-role/IncidentResponder/case-4711"
SUSPECT = f"arn:aws:ec2:{REGION}:{PROD}:instance/i-0abc1234def567890"
OTHER_INSTANCE = f"arn:aws:ec2:{REGION}:{PROD}:instance/i-0fedcba9876543210"
FORENSICS = "arn:aws:s3:::example-forensics"
# The IncidentResponder role can do a lot: its permissions policy is broad on purpose.
RESPONDER_ROLE_POLICY = policy(
    {"Sid": "BroadResponse", "Effect": "Allow", "Action": ["ec2:*", "s3:*", "ssm:*"], "Resource": "*"},
)


def responder(action: str, resource: str) -> dict:
    return request(RESPONDER_SESSION, action, resource)


INCIDENT_SESSION = PolicyExercise(
    id="1.16", title="A session policy that limits an incident-response run to one instance", points=4,
    answer_name="answer_1_16", slot="session", context_policies={"identity": [RESPONDER_ROLE_POLICY]},
    lint_forbidden=["IAM006"],
    cases=[
        PolicyCase("the run isolates the suspect instance (changes its security groups)",
                   responder("ec2:ModifyInstanceAttribute", SUSPECT), True,
                   "allow changing the attributes of the suspect instance, named by its ARN."),
        PolicyCase("the run tags the suspect instance", responder("ec2:CreateTags", SUSPECT), True,
                   "the run tags the instance with the case number."),
        PolicyCase("the run describes instances", responder("ec2:DescribeInstances", "*"), True,
                   "Describe actions do not support resource ARNs: they need Resource \"*\"."),
        PolicyCase("the run uploads a memory image under case-4711/",
                   responder("s3:PutObject", f"{FORENSICS}/case-4711/memory.lime"), True,
                   "allow PutObject under the case's prefix of the forensics bucket."),
        PolicyCase("the run cannot terminate the suspect instance",
                   responder("ec2:TerminateInstances", SUSPECT), False,
                   "a session policy only narrows the role; the role allows ec2:*, so ec2:* (or any action "
                   "you do not need) in the session policy lets the run destroy the evidence."),
        PolicyCase("the run cannot change another instance",
                   responder("ec2:ModifyInstanceAttribute", OTHER_INSTANCE), False,
                   "name the suspect instance's ARN, not every instance."),
        PolicyCase("the run cannot write under another case's prefix",
                   responder("s3:PutObject", f"{FORENSICS}/case-4702/memory.lime"), False,
                   "limit uploads to the prefix of this case."),
        PolicyCase("the run cannot delete evidence",
                   responder("s3:DeleteObject", f"{FORENSICS}/case-4711/memory.lime"), False,
                   "the run only adds evidence: grant PutObject, not every S3 action."),
    ],
)

# --- 1.17 Which detection service? ----------------------------------------------------------------------

_DETECTORS = ("Amazon GuardDuty", "Amazon Inspector", "Amazon Macie", "AWS Security Hub", "AWS Config",
              "IAM Access Analyzer", "Amazon Detective")

DETECTION_CHOICE = MappingMatch(
    id="1.17", title="Choose the detection service for each scenario", points=4, answer_name="answer_1_17",
    parts=[
        Part("scenario1", "3dae96fa6ab4ee1a0a079688d7944720a3adfb9c4bbb059774fd998558a255df",
             "Scenario 1 is a threat seen in network and DNS activity as it happens, not a weakness in "
             "software or configuration.", "scenario 1", _DETECTORS),
        Part("scenario2", "42871f826d67b0f247a2d380f932cac55ae60b636bb535e735bdcc51ac83cef9",
             "Scenario 2 is about known vulnerabilities (CVEs) in installed packages, rescanned when new ones are "
             "published.", "scenario 2", _DETECTORS),
        Part("scenario3", "f0c7d2c29d1c6245c7bb19decd446e4376c591cfd900729cf6f1488452eedba8",
             "Scenario 3 needs the content of S3 objects to be inspected for sensitive data.", "scenario 3",
             _DETECTORS),
        Part("scenario4", "af5791841a80677c13486aaa9506b5dee3bb3676aedf870132d6aa335441c466",
             "Scenario 4 aggregates other services' findings across accounts and Regions and scores accounts "
             "against published standards.", "scenario 4", _DETECTORS),
        Part("scenario5", "91ba4b84dd73cedef98de7f62228d73137dc7048378d655d996f87474438df46",
             "Scenario 5 needs a history of each resource's configuration and rules evaluated on every change.",
             "scenario 5", _DETECTORS),
        Part("scenario6", "7f0094bc0734437b9056ae94368766496986bb381c7f6007eb26dea769cd2c1d",
             "Scenario 6 is about what resource policies let in from outside a zone of trust, worked out by "
             "reasoning over the policies rather than watching traffic.", "scenario 6", _DETECTORS),
        Part("scenario7", "6c8ad6905cdf0fa48f73a31155b7eeb828e8cdb45e8c0884bab94b5fbd6ec478",
             "Scenario 7 investigates a finding after the fact, following related entities over weeks of "
             "activity.", "scenario 7", _DETECTORS),
    ],
)

# --- 1.18 An SCP that keeps the security services switched on ------------------------------------------------

SECURITY_AUTOMATION = "SecurityAutomation"


def member_admin(action: str, resource: str = "*", role: str = "AccountAdmin") -> dict:
    """A request by a role in the member account PROD (admin roles have AdministratorAccess)."""
    return request(f"arn:aws:sts::{PROD}:assumed-role/{role}/session", action, resource)


DETECTOR = f"arn:aws:guardduty:{REGION}:{PROD}:detector/12abc34d567e8fa901bc2d34e56789f0"
HUB = f"arn:aws:securityhub:{REGION}:{PROD}:hub/default"

GUARD_SCP = PolicyExercise(
    id="1.18", title="An SCP that stops member accounts from switching off security services", points=5,
    answer_name="answer_1_18", slot="scps", level=-1,
    context_policies={"identity": [ALLOW_ALL], "scps": [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]},
    lint_forbidden=["IAM015"],
    cases=[
        PolicyCase("an account administrator cannot delete the GuardDuty detector",
                   member_admin("guardduty:DeleteDetector", DETECTOR), False,
                   "FullAWSAccess allows everything beside your SCP: list the actions that switch the services off "
                   "in a Deny statement."),
        PolicyCase("an account administrator cannot disable Security Hub",
                   member_admin("securityhub:DisableSecurityHub", HUB), False,
                   "Security Hub can be switched off in a member account too."),
        PolicyCase("an account administrator cannot stop the Config recorder",
                   member_admin("config:StopConfigurationRecorder"), False,
                   "Security Hub's controls rely on the AWS Config recorder: stopping it blinds them."),
        PolicyCase("an account administrator still reads GuardDuty findings",
                   member_admin("guardduty:GetFindings", DETECTOR), True,
                   "deny only the actions that switch services off or hide findings; a Deny on guardduty:* also "
                   "blocks the people who respond to findings."),
        PolicyCase("an account administrator still reads Security Hub findings",
                   member_admin("securityhub:GetFindings", HUB), True,
                   "deny only the actions that switch services off; reading findings must keep working."),
        PolicyCase("an account administrator still launches instances",
                   member_admin("ec2:RunInstances", f"arn:aws:ec2:{REGION}:{PROD}:instance/*"), True,
                   "the SCP is about the security services; everything else stays as it was."),
        PolicyCase("the SecurityAutomation role may delete a detector (for example to move accounts)",
                   member_admin("guardduty:DeleteDetector", DETECTOR, role=SECURITY_AUTOMATION), True,
                   "exempt the security team's SecurityAutomation role (in every account) with a condition on "
                   "aws:PrincipalArn."),
    ],
)

# --- 1.19 Which protection or compliance service? -----------------------------------------------------------

_PROTECTION = ("AWS WAF", "AWS Shield Standard", "AWS Shield Advanced", "AWS Firewall Manager", "AWS Artifact",
               "AWS Network Firewall")

PROTECTION_CHOICE = MappingMatch(
    id="1.19", title="Choose the protection or compliance service", points=3, answer_name="answer_1_19",
    parts=[
        Part("need1", "201f463844ef1726adf3565be2f06276ac85b772b56bf3e1982a1163091961eb",
             "Need 1 inspects HTTP requests (the body, the rate per client) in front of one application.",
             "need 1", _PROTECTION),
        Part("need2", "09d00107229cac2ee8fd862c0c2490eff2578d1f168d14b323fe3244e341f197",
             "Need 2 asks for nothing to buy and nothing to configure.", "need 2", _PROTECTION),
        Part("need3", "406014e0abaef903cc79c3ce08e84b03159ed2d44488d015e36e1c5dd06ef5ee",
             "Need 3 wants a response team and protection against the bill of an attack: paid services.",
             "need 3", _PROTECTION),
        Part("need4", "2da7ca331c6b1df7b6d0de1c1621bb452374ee987361fc5553d1b0a9d29ba4c7",
             "Need 4 is about applying rules across many accounts of an organization, including accounts that "
             "do not exist yet.", "need 4", _PROTECTION),
        Part("need5", "0497e7ddcdaec3695f405393e49093c38cecab5ba65c23dc5cb16ece6a99697a",
             "Need 5 is about AWS's own audit reports and agreements, not about protecting a workload.",
             "need 5", _PROTECTION),
        Part("need6", "4b9171797fcd4a8f722121dcd72638d2e8677ea5281406c6f4984a49c0fc9aeb",
             "Need 6 filters traffic leaving VPCs by domain and with IDS-style rules, which is not HTTP in "
             "front of one application.", "need 6", _PROTECTION),
    ],
)

register(S3_DATA_EVENT_TYPES, INCIDENT_SESSION, DETECTION_CHOICE, GUARD_SCP, PROTECTION_CHOICE)
