"""Notebook 01 part 2, KMS, secrets and certificates (1.9-1.14).

A key policy separating administrators from users with kms:ViaService and the encryption context (1.9),
choosing a kind of key or key store (1.10), Secrets Manager ABAC with a principal-tag variable (1.11), a
bucket policy for one VPC endpoint (1.12), a data perimeter RCP (1.13) and ACM certificates for
CloudFront and an ALB (1.14).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from course.exercises.kinds.choice import MultipleChoice, order_per_learner
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part
from course.exercises.registry import register
from course.exercises.variants import Scenario
from course.notebooks.policy_variants import about, account, bucket, hex_id, key_id, org_id, policy_family
from course.notebooks.security_identity.scenario import (
    ORG_ID,
    PROD,
    REGION,
    SECURITY,
    STRANGER,
    VENDOR,
    account_of,
    policy,
    request,
)

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
    context: dict[str, str | list[str] | None] = {"kms:CallerAccount": account_of(role_arn)}
    if via:
        context["kms:ViaService"] = via
    if bucket:
        context["kms:EncryptionContext:aws:s3:arn"] = bucket
        context["kms:EncryptionContextKeys"] = ["aws:s3:arn"]
    return request(session(role_arn), action, PAYROLL_KEY, context, resource_account=PROD)


_KEY_POLICY = PolicyExercise(
    id="1.9", title="A key policy that separates key administrators from key users", points=5,
    answer_name="answer_1_9", slot="resource", lint_kind="key",
    context_policies={"identity": [POWER_USER]},
    lint_forbidden=["IAM004", "IAM006", "IAM015"],
    cases=[
        PolicyCase("the payroll app gets a data key through S3 for payroll-archive",
                   kms_call(PAYROLL_APP, "kms:GenerateDataKey"), True,
                   "Name the PayrollApp role as a key user for the data-key and decrypt actions, with conditions "
                   "that S3 in this Region and the payroll-archive bucket satisfy."),
        PolicyCase("the payroll app decrypts through S3 for payroll-archive",
                   kms_call(PAYROLL_APP, "kms:Decrypt"), True,
                   "Reading an SSE-KMS object makes S3 call Decrypt for the app."),
        PolicyCase("the payroll app cannot call Decrypt directly", kms_call(PAYROLL_APP, "kms:Decrypt", via=None),
                   False,
                   "Without kms:ViaService a key user can decrypt anything encrypted under the key outside S3, "
                   "for example ciphertext copied out of the bucket."),
        PolicyCase("the payroll app cannot use the key for another bucket",
                   kms_call(PAYROLL_APP, "kms:Decrypt", bucket="arn:aws:s3:::hr-exports"), False,
                   "S3 passes the bucket's ARN as the encryption context aws:s3:arn: compare it, so that the key "
                   "serves only payroll-archive."),
        PolicyCase("the key administrators schedule the key's deletion",
                   kms_call(KEY_ADMINS, "kms:ScheduleKeyDeletion", via=None, bucket=None), True,
                   "Key administrators manage the key: policy, rotation, enabling, disabling, tags, deletion."),
        PolicyCase("the key administrators change the key policy",
                   kms_call(KEY_ADMINS, "kms:PutKeyPolicy", via=None, bucket=None), True,
                   "Key administrators must be able to change the key policy, or nobody can fix it later."),
        PolicyCase("the key administrators cannot decrypt payroll data",
                   kms_call(KEY_ADMINS, "kms:Decrypt"), False,
                   "Managing a key is not using it: list the administrative actions instead of kms:* or "
                   "kms:Decrypt for the administrators."),
        PolicyCase("a developer with PowerUserAccess cannot decrypt payroll data",
                   kms_call(f"arn:aws:iam::{PROD}:role/Developer", "kms:Decrypt"), False,
                   "A statement for the account root delegates to IAM policies, and PowerUserAccess allows kms:*: "
                   "name the roles in the key policy instead."),
    ],
)



@dataclass(frozen=True, repr=False)
class KeyScenario(Scenario):
    """Question 1.9's values: the payroll account, its key and its archive bucket."""

    account: str = field(metadata=about("the payroll account: owns the key and the roles KeyAdmins and PayrollApp"))
    key_id: str = field(metadata=about("the id of the customer managed key (Region eu-west-1)"))
    bucket: str = field(metadata=about("the archive bucket the key encrypts (SSE-KMS)"))


KEY_DEFAULT = KeyScenario(account=PROD, key_id=PAYROLL_KEY.rsplit("/", 1)[1], bucket=PAYROLL_BUCKET.split(":::")[1])


def key_scenario(rng: random.Random) -> KeyScenario:
    return KeyScenario(account=account(rng, set()), key_id=key_id(rng), bucket=bucket(rng, "payroll-archive"))


KEY_MODEL = policy(
    {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": KEY_ADMINS},
     "Action": ["kms:CreateAlias", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
                "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"],
     "Resource": "*"},
    {"Sid": "PayrollAppThroughS3ForTheArchive", "Effect": "Allow", "Principal": {"AWS": PAYROLL_APP},
     "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
     "Resource": "*",
     "Condition": {"StringEquals": {"kms:ViaService": S3_VIA, "kms:EncryptionContext:aws:s3:arn": PAYROLL_BUCKET}}},
)
KEY_POLICY = policy_family(_KEY_POLICY, KEY_DEFAULT, key_scenario, KEY_MODEL)

# --- 1.10 Which kind of key or key store? ---------------------------------------------------------------

_KEY_OPTIONS = ("AWS owned key", "AWS managed key", "customer managed key", "imported key material",
                "CloudHSM key store", "external key store", "multi-Region key", "CloudHSM cluster without KMS")

# What each kind of key or key store gives and what it cannot, shown for the kind a learner chose where it
# does not fit.
_KEY_EXPLANATIONS = {
    "AWS owned key": "An AWS owned key lives in an AWS account, not yours: you cannot see it, write its policy, "
                     "share it, audit its use in CloudTrail or choose where its material comes from.",
    "AWS managed key": "An AWS managed key sits in your account and its use shows in CloudTrail, but AWS writes "
                       "its key policy and rotates it: you cannot change the policy, share it with another "
                       "account, or bring or remove its material.",
    "customer managed key": "A plain customer managed key gets KMS-generated material that stays in KMS in one "
                            "Region: you write its policy and rotation, but you neither supply the material, "
                            "hold it outside AWS, nor use it from another Region or through PKCS #11.",
    "imported key material": "With imported key material you generate the material yourself and can delete it "
                             "from KMS, but a copy of it still lives inside AWS while it is in use, and it means "
                             "importing and re-importing material by hand.",
    "CloudHSM key store": "A CloudHSM key store keeps KMS key material in your CloudHSM cluster inside AWS, used "
                          "only through the KMS API: the material is generated in AWS, stays in one Region, and "
                          "is not reachable through PKCS #11 by your own code.",
    "external key store": "An external key store leaves the key material in an HSM outside AWS, so every use "
                          "makes a round trip to it: it adds latency and an availability risk that no need "
                          "should take on unless the material may never be inside AWS.",
    "multi-Region key": "A multi-Region key is about using related keys in several Regions; on its own it says "
                        "nothing about who manages the key, where its material comes from, or how your code "
                        "reaches an HSM.",
    "CloudHSM cluster without KMS": "A CloudHSM cluster used directly gives your code an HSM through PKCS #11, "
                                    "JCE or OpenSSL, but AWS services such as S3, EBS and SQS cannot encrypt "
                                    "with it, and you operate the cluster yourself.",
}

KEY_CHOICE = MappingMatch(
    id="1.10", title="Choose the kind of key or key store", points=4, answer_name="answer_1_10",
    explanations=_KEY_EXPLANATIONS,
    parts=[
        Part("need1", "3f61400b2622ffe3c05dc8da45a8ac2c43762abe85d9faab256ceda3bcfd573a",
             "Reread need 1: what does the team want to manage, pay and see?", "need 1", _KEY_OPTIONS),
        Part("need2", "a62b80abe420366cbed83b59f20811b92d3e7d3000212b6ac134d7b4b4e8f025",
             "Reread need 2: what must the team see, and what does it refuse to do?", "need 2", _KEY_OPTIONS),
        Part("need3", "f2c46046501c9e043ac41aa1f2c5ad8a8d29fecd8c2b11d3779f127c1a7535ed",
             "Reread need 3: who writes the policy, and who outside the account must use the key?", "need 3",
             _KEY_OPTIONS),
        Part("need4", "43bdf2f440ceef34168aa1475fe593e7d737db09e3a6026a93c493f85b8fc3f0",
             "Reread need 4: where is the material generated, and what must the bank be able to do at once?",
             "need 4", _KEY_OPTIONS),
        Part("need5", "ae3a73b023aeb59c89a91c1825ce0512f92fb82b828430ce469ac0264aa6d10d",
             "Reread need 5: where must the material be kept, and what must keep working?", "need 5",
             _KEY_OPTIONS),
        Part("need6", "5f83875aa887c34595c0457610a73d25dc5333b6e37498d2003ce7f218981aa9",
             "Reread need 6: where may the key material be, and what risk is accepted?", "need 6", _KEY_OPTIONS),
        Part("need7", "370b88154a12e0cf65f39a39356a65f6a687efd3edd884d20f027801bbd5bc7a",
             "Reread need 7: in which Regions must the key work, and what call must be avoided?", "need 7",
             _KEY_OPTIONS),
        Part("need8", "e6402b4c3ea5b36a6283967cc8d63672256bb7c7b64cd4630a9cb6c76b1e340e",
             "Reread need 8: through which interface must the service reach its keys?", "need 8", _KEY_OPTIONS),
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
                   True, "Allow reading secrets whose project tag equals the caller's project tag."),
        PolicyCase("the payments function reads a secret of project payments",
                   app_reads("PaymentsFunction", "payments", "secretsmanager:GetSecretValue", "payments/api-key",
                             "payments"), True,
                   "The same policy serves every project: compare the two tags with a policy variable, not with "
                   "one project's name."),
        PolicyCase("the orders function describes its secret",
                   app_reads("OrdersFunction", "orders", "secretsmanager:DescribeSecret", "orders/db", "orders"),
                   True, "The applications also call DescribeSecret."),
        PolicyCase("the orders function cannot read a payments secret",
                   app_reads("OrdersFunction", "orders", "secretsmanager:GetSecretValue", "payments/api-key",
                             "payments"), False,
                   "Without a condition on the secret's tag every application reads every secret."),
        PolicyCase("an untagged secret is not readable",
                   app_reads("OrdersFunction", "orders", "secretsmanager:GetSecretValue", "legacy/ldap", None),
                   False,
                   "A negated operator or an ...IfExists operator is satisfied when the secret has no tag at all."),
        PolicyCase("a role without a project tag cannot read an untagged secret",
                   app_reads("LegacyJob", None, "secretsmanager:GetSecretValue", "legacy/ldap", None), False,
                   "A role without the tag must get nothing: an ...IfExists operator on the role's tag is "
                   "satisfied when the role has no tag at all."),
        PolicyCase("the orders function cannot change its secret's value",
                   app_reads("OrdersFunction", "orders", "secretsmanager:PutSecretValue", "orders/db", "orders"),
                   False, "Applications only read secrets; rotation writes them."),
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


_ENDPOINT_POLICY = PolicyExercise(
    id="1.12", title="A bucket policy that admits only one VPC endpoint", points=4, answer_name="answer_1_12",
    slot="resource", context_policies={"identity": [S3_ON_ARCHIVE]},
    lint_forbidden=["IAM004", "IAM018"],
    cases=[
        PolicyCase("the payroll app reads a payslip through the endpoint",
                   s3_call(PAYROLL_APP, "s3:GetObject"), True,
                   "Requests through the endpoint must still work: check the endpoint ID in your condition."),
        PolicyCase("the payroll app writes a payslip through the endpoint",
                   s3_call(PAYROLL_APP, "s3:PutObject"), True,
                   "Requests through the endpoint must still work, writes included."),
        PolicyCase("the payroll app is refused over the internet",
                   s3_call(PAYROLL_APP, "s3:GetObject", endpoint=None), False,
                   "The roles' identity policies already allow S3, so an Allow in the bucket policy changes nothing; "
                   "only a Deny can take access away."),
        PolicyCase("a request through another endpoint in the same VPC is refused",
                   s3_call(PAYROLL_APP, "s3:GetObject", endpoint=OTHER_ENDPOINT), False,
                   "The key aws:SourceVpc matches every endpoint of the VPC; aws:SourceVpce names one endpoint."),
        PolicyCase("a developer browsing from the internet cannot list the bucket",
                   s3_call(f"arn:aws:iam::{PROD}:role/Developer", "s3:ListBucket", key=None, endpoint=None), False,
                   "The Deny must cover the bucket itself (ListBucket, policy changes) as well as its objects."),
        PolicyCase("ArchiveAdmin can still manage the bucket policy from anywhere",
                   s3_call(ARCHIVE_ADMIN, "s3:PutBucketPolicy", key=None, endpoint=None), True,
                   "Exempt the administrator role with a condition on aws:PrincipalArn; NotPrincipal with a role ARN "
                   "does not exempt the role's sessions."),
    ],
)



@dataclass(frozen=True, repr=False)
class EndpointScenario(Scenario):
    """Question 1.12's values: the account, the archive bucket, the VPC and its two S3 endpoints."""

    account: str = field(metadata=about("the payroll account: owns the bucket and the role ArchiveAdmin"))
    bucket: str = field(metadata=about("the archive bucket"))
    endpoint: str = field(metadata=about("the payroll application's S3 gateway endpoint"))
    other_endpoint: str = field(metadata=about("the VPC's second S3 endpoint, for other applications"))
    vpc: str = field(metadata=about("the VPC of both endpoints"))


ENDPOINT_DEFAULT = EndpointScenario(account=PROD, bucket=PAYROLL_BUCKET.split(":::")[1], endpoint=ENDPOINT,
                                    other_endpoint=OTHER_ENDPOINT, vpc=VPC)


def endpoint_scenario(rng: random.Random) -> EndpointScenario:
    endpoint, other = hex_id(rng, "vpce"), hex_id(rng, "vpce")
    return EndpointScenario(account=account(rng, set()), bucket=bucket(rng, "payroll-archive"), endpoint=endpoint,
                            other_endpoint=other if other != endpoint else hex_id(rng, "vpce"),
                            vpc=hex_id(rng, "vpc"))


ENDPOINT_MODEL = policy(
    {"Sid": "OnlyThroughTheArchiveEndpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": [PAYROLL_BUCKET, f"{PAYROLL_BUCKET}/*"],
     "Condition": {"StringNotEquals": {"aws:SourceVpce": ENDPOINT},
                   "ArnNotEquals": {"aws:PrincipalArn": ARCHIVE_ADMIN}}},
)
ENDPOINT_POLICY = policy_family(_ENDPOINT_POLICY, ENDPOINT_DEFAULT, endpoint_scenario, ENDPOINT_MODEL)

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

_PERIMETER_RCP = PolicyExercise(
    id="1.13", title="An RCP that keeps keys, secrets and buckets inside the organization", points=5,
    answer_name="answer_1_13", slot="rcps",
    context_policies={"identity": [READ_ANYTHING]},
    lint_forbidden=["IAM021", "IAM022"],
    cases=[
        PolicyCase("the security account (in the organization) reads the shared secret",
                   perimeter_call(SECURITY, "secretsmanager:GetSecretValue", ORDERS_SECRET, ORG_ID), True,
                   "Principals of your own organization must keep working: compare aws:PrincipalOrgID with "
                   "your organization's ID.", policies={"resource": SHARED_SECRET_POLICY}),
        PolicyCase("an account of another organization cannot read the secret",
                   perimeter_call(STRANGER, "secretsmanager:GetSecretValue", ORDERS_SECRET, OTHER_ORG), False,
                   "An RCP only ever takes away: write a Deny that matches principals whose aws:PrincipalOrgID is "
                   "not yours.", policies={"resource": SHARED_SECRET_POLICY}),
        PolicyCase("a vendor account in no organization cannot read the secret",
                   perimeter_call(VENDOR, "secretsmanager:GetSecretValue", ORDERS_SECRET, None), False,
                   "An account outside any organization has no aws:PrincipalOrgID at all: a positive or "
                   "...IfExists comparison must still deny it.", policies={"resource": SHARED_SECRET_POLICY}),
        PolicyCase("an outside account cannot decrypt with the shared KMS key",
                   perimeter_call(STRANGER, "kms:Decrypt", PAYROLL_KEY, OTHER_ORG), False,
                   "The perimeter must cover KMS as well as Secrets Manager and S3.",
                   policies={"resource": SHARED_KEY_POLICY}),
        PolicyCase("an anonymous visitor cannot read an object of a public bucket",
                   anonymous_call("s3:GetObject", OBJECT), False,
                   "An anonymous request carries neither aws:PrincipalOrgID nor aws:PrincipalIsAWSService; make "
                   "sure your conditions still match it.", policies={"resource": PUBLIC_BUCKET_POLICY}),
        PolicyCase("CloudTrail still delivers logs to the trail bucket",
                   service_call("cloudtrail.amazonaws.com", "s3:PutObject", f"{LOG_BUCKET}/AWSLogs/x.json.gz"), True,
                   "AWS services writing on your behalf have no aws:PrincipalOrgID: exempt requests where "
                   "aws:PrincipalIsAWSService is true.", policies={"resource": TRAIL_BUCKET_POLICY}),
    ],
)



@dataclass(frozen=True, repr=False)
class PerimeterScenario(Scenario):
    """Question 1.13's values: the organization and the accounts its teams' policies share with."""

    org_id: str = field(metadata=about("your organization's ID"))
    security_account: str = field(metadata=about("the security account (a member of your organization)"))
    partner_account: str = field(metadata=about("an account of another organization"))
    vendor_account: str = field(metadata=about("a vendor's account, in no organization"))


PERIMETER_DEFAULT = PerimeterScenario(org_id=ORG_ID, security_account=SECURITY, partner_account=STRANGER,
                                      vendor_account=VENDOR)


def perimeter_scenario(rng: random.Random) -> PerimeterScenario:
    taken: set[str] = set()
    org = org_id(rng)
    while org == OTHER_ORG:  # the cases' other organization is never the learner's own
        org = org_id(rng)
    return PerimeterScenario(org_id=org, security_account=account(rng, taken), partner_account=account(rng, taken),
                             vendor_account=account(rng, taken))


PERIMETER_MODEL = policy(
    {"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*", "Action": ["s3:*", "kms:*", "secretsmanager:*"],
     "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID},
                   "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}},
)
PERIMETER_RCP = policy_family(_PERIMETER_RCP, PERIMETER_DEFAULT, perimeter_scenario, PERIMETER_MODEL)

# --- 1.14 Certificates for CloudFront and an ALB ----------------------------------------------------------

CERTIFICATES = order_per_learner(MultipleChoice(
    id="1.14", title="Certificates for a site behind CloudFront and a load balancer", points=3,
    answer_name="answer_1_14",
    options={
        "A": "Request a public ACM certificate for `shop.example.com` in `us-east-1` and use it on the CloudFront "
             "distribution",
        "B": "Request a public ACM certificate for `shop.example.com` in `eu-west-1` and use it on the ALB",
        "C": "Validate the domain with DNS, leaving the CNAME record that ACM gives you in the hosted zone",
        "D": "Validate the domain by email, so that ACM can renew without anybody doing anything",
        "E": "Export the certificate's private key from ACM and upload it to the load balancer",
        "F": "Request a single certificate in `eu-west-1` and attach it to both the distribution and the ALB",
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
))

register(KEY_POLICY, KEY_CHOICE, SECRETS_ABAC, ENDPOINT_POLICY, PERIMETER_RCP, CERTIFICATES)
