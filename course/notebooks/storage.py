"""Exercises of notebook 03, Storage (Amazon S3, EBS, EFS, S3 Glacier, AWS Backup, Snow Family, Storage Gateway).

Twelve questions: predicting S3 decisions across identity policy, bucket policy and Block Public Access
(3.1), rewriting the bucket policy so that the right callers get in (3.2, graded by ``course.iam``),
object ownership and ACLs (3.3), the four Block Public Access settings (3.4), a bucket policy that
requires TLS and SSE-KMS with one key (3.5, ``course.iam``), choosing an S3 encryption option (3.6),
Object Lock modes, legal hold and MFA delete (3.7), a lifecycle rule for log retention (3.8), an EFS
file system policy for TLS and IAM authorization (3.9, ``course.iam``) AWS Backup Vault Lock (3.10), a bucket policy
for short-lived, download-only presigned URLs (3.11, ``course.iam``) and which S3 record (server access logs,
CloudTrail management or data events, event notifications) answers which question (3.12).

Answer keys are salted hashes (``course.exercises.keys.make_key``), never plain values. ACLs are not
modelled by ``course.iam``, so 3.3 and 3.4 are mapping exercises rather than policy evaluations.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from course.exercises.kinds.choice import MultipleChoice, order_per_learner
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part
from course.exercises.registry import register
from course.exercises.variants import Scenario
from course.notebooks.policy_variants import about, account, bucket, hex_id, key_id, policy_family, upper_id

OWNER = "111122223333"  # owns the buckets, the KMS key and the file system
PARTNER = "444455556666"  # a partner that may read one prefix
STRANGER = "777788889999"  # any other AWS account
REGION = "eu-west-1"

# --- 3.1 Predict S3 decisions (the scenario's policies are shown in the notebook) ----------------------

ANALYTICS_BUCKET = "example-analytics"

# The bucket policy as the learner finds it: an old public grant, a partner grant and a TLS guard.
ANALYTICS_BUCKET_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "PublicReadWebsiteAssets", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{ANALYTICS_BUCKET}/public/*"},
        {"Sid": "PartnerReadsShared", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{ANALYTICS_BUCKET}/shared/*"},
        {"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{ANALYTICS_BUCKET}", f"arn:aws:s3:::{ANALYTICS_BUCKET}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ],
}

# Identity policies: the analyst role and the partner's reader role may read the whole bucket;
# the intern role may read public/ only.
READ_WHOLE_BUCKET = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ReadAnalytics", "Effect": "Allow", "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::{ANALYTICS_BUCKET}/*"}],
}
# The intern's own grant (review F6): request c no longer hinges on whether RestrictPublicBuckets lets an
# insider in through the public "*" statement alone, which AWS's documentation does not settle.
READ_PUBLIC_FOLDER = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ReadWebsiteAssets", "Effect": "Allow", "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::{ANALYTICS_BUCKET}/public/*"}],
}

_DECISIONS = ("Allow", "ImplicitDeny", "ExplicitDeny")

PREDICT_S3 = MappingMatch(
    id="3.1", title="Predict who can read from a bucket", points=3, answer_name="answer_3_1",
    parts=[
        Part("a", "18e64c70f123469d02c3397e15a83d58b316d2b4df41abeb9ec7b96a371b262a",
             "Request a: in the bucket owner's own account, one grant in either the identity policy or the bucket "
             "policy is enough, as long as nothing denies.",
             "a: analyst reads reports/q1.csv over HTTPS", _DECISIONS),
        Part("b", "cd8207addf76d5f562f2e17068b41b313c0fa98b0b17547df36116489fbb3c93",
             "Request b: a public grant is only as good as Block Public Access lets it be; check which "
             "callers RestrictPublicBuckets still lets use a public bucket policy, and whether a Deny "
             "statement matched or merely nothing allowed.",
             "b: an anonymous visitor reads public/logo.png", _DECISIONS),
        Part("c", "767aaefca62fecc7fb95d9f4d8122448c35c6ca459c4de8f2f589c8e8815da43",
             "Request c: RestrictPublicBuckets takes the public statement out of play, not the grants of "
             "principals of the bucket owner's own account: check what the intern's own identity policy grants.",
             "c: the intern (may read public/ only) reads public/logo.png", _DECISIONS),
        Part("d", "1d743b2ed764f4e54a7e8bf80a63ced1038e18a6fc466e2de678af1cd2737be3",
             "Request d: both sides grant the read on paper, but RestrictPublicBuckets judges the bucket "
             "policy as a whole: ask whether this policy counts as public, and what that means for callers "
             "from other accounts.",
             "d: the partner's reader role reads shared/data.csv", _DECISIONS),
        Part("e", "4b74a3d6b4317c4ddf1d9c6a5e55129a1e00b707025a53659fe6a498caf02988",
             "Request e: an identity policy in another account cannot open a bucket on its own, and no "
             "statement denies the call either: which kind of deny is that?",
             "e: the partner's reader role reads reports/q1.csv", _DECISIONS),
        Part("f", "1b4e79f94345c32fff2edb4449f5ef6a0d1ebf953997fa001f279c098d51f088",
             "Request f: an Allow never outweighs a matching Deny, and a Deny statement with Principal "
             "\"*\" applies to the bucket owner's own roles too.",
             "f: analyst reads reports/q1.csv over plain HTTP", _DECISIONS),
    ],
)

# --- 3.2 Fix the bucket policy (graded by course.iam) --------------------------------------------------

DISTRIBUTION_ARN = f"arn:aws:cloudfront::{OWNER}:distribution/EDFDVBD6EXAMPLE"
OTHER_DISTRIBUTION_ARN = f"arn:aws:cloudfront::{STRANGER}:distribution/E2QWRUHEXAMPLE"
PARTNER_ROLE = f"arn:aws:iam::{PARTNER}:role/reader"
PARTNER_SESSION = f"arn:aws:sts::{PARTNER}:assumed-role/reader/etl"
ANALYST_ROLE = f"arn:aws:iam::{OWNER}:role/analyst"
ANALYST_SESSION = f"arn:aws:sts::{OWNER}:assumed-role/analyst/maria"

# Every principal in this scenario has broad S3 permissions of its own, so the bucket policy decides.
BROAD_S3_IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "TeamsOwnS3Permissions", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


def s3_request(principal: str, account: str | None, action: str, key: str, *, bucket: str = ANALYTICS_BUCKET,
               tls: bool = True, role: str | None = None, extra: dict | None = None) -> dict:
    """An S3 object request as ``course.iam`` sees it, with Block Public Access RestrictPublicBuckets on."""
    context: dict = {"aws:SecureTransport": "true" if tls else "false"}
    if account is not None:
        context["aws:PrincipalAccount"] = account
    if role is not None:
        context["aws:PrincipalArn"] = role
    context.update(extra or {})
    request = {"principal": principal, "action": action, "resource": f"arn:aws:s3:::{bucket}/{key}",
               "resourceAccount": OWNER, "context": context,
               "settings": {"s3BlockPublicAccess": {"RestrictPublicBuckets": True}}}
    if account is not None:
        request["principalAccount"] = account
    return request


def cloudfront_request(key: str, source_arn: str = DISTRIBUTION_ARN) -> dict:
    """CloudFront fetching an object through origin access control (service principal)."""
    account = source_arn.split(":")[4]
    return s3_request("cloudfront.amazonaws.com", None, "s3:GetObject", key,
                      extra={"aws:SourceArn": source_arn, "aws:SourceAccount": account})


_FIX_BUCKET_POLICY = PolicyExercise(
    id="3.2", title="Fix the bucket policy", points=4, answer_name="answer_3_2", slot="resource",
    context_policies={"identity": [BROAD_S3_IDENTITY]},
    lint_forbidden=["IAM004"],
    cases=[
        PolicyCase("the partner's reader role reads shared/data.csv over HTTPS",
                   s3_request(PARTNER_SESSION, PARTNER, "s3:GetObject", "shared/data.csv", role=PARTNER_ROLE),
                   True,
                   "A cross-account read needs a statement that names the partner's account (or its role) for "
                   "objects under shared/."),
        PolicyCase("the company's CloudFront distribution fetches public/logo.png",
                   cloudfront_request("public/logo.png"), True,
                   "CloudFront with origin access control calls S3 as the service principal "
                   "cloudfront.amazonaws.com; grant that principal, limited to your own distribution."),
        PolicyCase("a CloudFront distribution of another account cannot fetch public/logo.png",
                   cloudfront_request("public/logo.png", OTHER_DISTRIBUTION_ARN), False,
                   "Every customer's distribution calls S3 as the same service principal; without a condition "
                   "on the source distribution anyone could point CloudFront at your bucket (confused deputy)."),
        PolicyCase("an anonymous visitor cannot read public/logo.png directly",
                   s3_request("anonymous", None, "s3:GetObject", "public/logo.png"), False,
                   "Visitors should reach the assets through CloudFront only; a grant to Principal \"*\" makes "
                   "the policy public, which Block Public Access exists to stop."),
        PolicyCase("the partner's reader role cannot read reports/q1.csv",
                   s3_request(PARTNER_SESSION, PARTNER, "s3:GetObject", "reports/q1.csv", role=PARTNER_ROLE),
                   False, "The partner's grant should cover the shared/ prefix only."),
        PolicyCase("the partner's reader role cannot upload to shared/",
                   s3_request(PARTNER_SESSION, PARTNER, "s3:PutObject", "shared/upload.csv", role=PARTNER_ROLE),
                   False, "The partner reads; grant it s3:GetObject only."),
        PolicyCase("another AWS account cannot read shared/data.csv",
                   s3_request(f"arn:aws:sts::{STRANGER}:assumed-role/etl/x", STRANGER, "s3:GetObject",
                              "shared/data.csv", role=f"arn:aws:iam::{STRANGER}:role/etl"), False,
                   "Name the partner's account, not every AWS account."),
        PolicyCase("the company's analyst cannot read reports/q1.csv over plain HTTP",
                   s3_request(ANALYST_SESSION, OWNER, "s3:GetObject", "reports/q1.csv", tls=False,
                              role=ANALYST_ROLE), False,
                   "The analyst's own identity policy allows S3, so only an explicit Deny in the bucket policy "
                   "can refuse unencrypted connections."),
    ],
)



@dataclass(frozen=True, repr=False)
class FixScenario(Scenario):
    """Question 3.2's values: the partner's account and the company's CloudFront distribution."""

    partner_account: str = field(metadata=about("the partner's account (its role reader reads shared/)"))
    distribution: str = field(metadata=about("the ID of the company's CloudFront distribution (account 111122223333)"))


FIX_DEFAULT = FixScenario(partner_account=PARTNER, distribution=DISTRIBUTION_ARN.rsplit("/", 1)[1])


def fix_scenario(rng: random.Random) -> FixScenario:
    return FixScenario(partner_account=account(rng, {OWNER}), distribution=upper_id(rng, 14, first="E"))


FIX_MODEL = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
     "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{ANALYTICS_BUCKET}/shared/*"},
    {"Sid": "CloudFrontOAC", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
     "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{ANALYTICS_BUCKET}/public/*",
     "Condition": {"StringEquals": {"AWS:SourceArn": DISTRIBUTION_ARN}}},
    {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": [f"arn:aws:s3:::{ANALYTICS_BUCKET}", f"arn:aws:s3:::{ANALYTICS_BUCKET}/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
FIX_BUCKET_POLICY = policy_family(_FIX_BUCKET_POLICY, FIX_DEFAULT, fix_scenario, FIX_MODEL)

# --- 3.3 Object ownership and ACLs ----------------------------------------------------------------------

_OWNERS = ("bucket owner", "uploader", "request fails")

OBJECT_OWNERSHIP = MappingMatch(
    id="3.3", title="Who owns an object that another account uploads?", points=3, answer_name="answer_3_3",
    parts=[
        Part("enforced_no_acl", "6178e8f98e74252dad2ff42bea193eacf90e00d41fdc2209c6a2e05604ed3d4e",
             "Bucket owner enforced turns ACLs off: ownership no longer depends on who wrote the object.",
             "Bucket owner enforced, upload without an ACL", _OWNERS),
        Part("enforced_bofc", "5647fd8f559c430c108b93398cf590c42aa508af65a36349b0b2fb6e4e34709c",
             "With ACLs disabled, S3 still accepts the one ACL that only restates what is already true; it "
             "does not reject the request.",
             "Bucket owner enforced, upload with bucket-owner-full-control", _OWNERS),
        Part("enforced_public_read", "4d06c57b4f441caad7154737b7895ceb589d9d28a831b0b8e1681b5d61883ec9",
             "When ACLs are disabled S3 does not silently drop a grant in the request: think about what it "
             "does with a PUT that tries to set a public ACL.",
             "Bucket owner enforced, upload with public-read", _OWNERS),
        Part("preferred_bofc", "c381845aa2f31c6e169feef1a056f11a6b1ea471dec1c2ef670032b064b34339",
             "Bucket owner preferred changes who owns a new object exactly when the upload carries a particular "
             "canned ACL: does this one carry it?",
             "Bucket owner preferred, upload with bucket-owner-full-control", _OWNERS),
        Part("preferred_no_acl", "bf5c7201c313ecb8014b9c44c4bfae0a2ea8c66f14b871ebfe185e4ecbbb9703",
             "Bucket owner preferred is a preference, not a rule: without the canned ACL the old behaviour "
             "applies.",
             "Bucket owner preferred, upload without an ACL", _OWNERS),
        Part("writer_bofc", "1abb49c174a2c8ed433b5ca56dc5565dbd29cefad8449701ed0ae1aa39dbbe84",
             "Under Object writer, an ACL can give the bucket owner full control, but full control is a "
             "permission, not ownership.",
             "Object writer, upload with bucket-owner-full-control", _OWNERS),
    ],
)

# --- 3.4 The four Block Public Access settings ------------------------------------------------------------

_BPA = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")

# What each Block Public Access setting does, shown for the setting a learner chose where it does not fit.
_BPA_EXPLANATIONS = {
    "BlockPublicAcls": "BlockPublicAcls rejects requests that would set a public ACL (on a bucket or an object) "
                       "at the moment they are made; it changes nothing about ACLs already in place or about "
                       "bucket policies.",
    "IgnorePublicAcls": "IgnorePublicAcls makes S3 disregard public ACLs that exist, without rejecting any "
                        "request or changing an ACL; it has no effect on bucket policies.",
    "BlockPublicPolicy": "BlockPublicPolicy rejects a PutBucketPolicy that would make the bucket public, at write "
                         "time; it leaves ACLs alone and does not change who may use a policy already attached.",
    "RestrictPublicBuckets": "RestrictPublicBuckets narrows who may use a public bucket policy that is attached; "
                             "it rejects no write and has no effect on ACLs.",
}

BLOCK_PUBLIC_ACCESS = MappingMatch(
    id="3.4", title="Match each effect to its Block Public Access setting", points=2, answer_name="answer_3_4",
    explanations=_BPA_EXPLANATIONS,
    parts=[
        Part("put_with_public_acl", "93fb7893b1c9ebef8e07efa1dd10a04ed184ab1121f8c2911b77b9a436be2d16",
             "Reread the effect: when does it happen, and to what kind of grant?",
             "a PutObject with the public-read canned ACL is rejected", _BPA),
        Part("old_public_acl", "e8c4bc1c25f7aaceec08fca484507c9b29f09d46ec5b2e8d29e71e56794a52b1",
             "Reread the effect: is any request rejected, and has the ACL changed?",
             "an old object whose ACL grants AllUsers read can no longer be read anonymously", _BPA),
        Part("put_public_policy", "7da2dc4822616484fe75e79e610830b723969c384df4d267ab493938312950bb",
             "Reread the effect: when does it happen, and to what kind of grant?",
             "a PutBucketPolicy with Principal \"*\" and no limiting condition is rejected", _BPA),
        Part("existing_public_policy", "917c0d7c22b3b8c89eb75893db3bf817588cf23bcba041167ea4dc2bcb4562af",
             "Reread the effect: is anything rejected, and is the policy still attached?",
             "an attached public bucket policy now serves only service principals and the owner's account",
             _BPA),
    ],
)

# --- 3.5 Bucket policy: TLS and SSE-KMS with one key (graded by course.iam) -------------------------------

PAYROLL_BUCKET = "example-payroll-exports"
PAYROLL_KEY_ARN = f"arn:aws:kms:{REGION}:{OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY_ARN = f"arn:aws:kms:{REGION}:{OWNER}:key/0987dcba-09fe-87dc-65ba-ab0987654321"
EXPORTER_ROLE = f"arn:aws:iam::{OWNER}:role/payroll-exporter"
EXPORTER_SESSION = f"arn:aws:sts::{OWNER}:assumed-role/payroll-exporter/nightly"

EXPORTER_IDENTITY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ExporterUsesTheBucket", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
                   "Resource": f"arn:aws:s3:::{PAYROLL_BUCKET}/*"}],
}


def payroll_request(action: str = "s3:PutObject", *, tls: bool = True, sse: str | None = "aws:kms",
                    key_id: str | None = PAYROLL_KEY_ARN, key: str = "2026/03/payroll.csv") -> dict:
    """The exporter's request; ``sse``/``key_id`` None leave the encryption headers out."""
    extra: dict = {}
    if action == "s3:PutObject":
        if sse is not None:
            extra["s3:x-amz-server-side-encryption"] = sse
        if key_id is not None:
            extra["s3:x-amz-server-side-encryption-aws-kms-key-id"] = key_id
    request = s3_request(EXPORTER_SESSION, OWNER, action, key, bucket=PAYROLL_BUCKET, tls=tls,
                         role=EXPORTER_ROLE, extra=extra)
    request.pop("settings")
    return request


_TLS_AND_KMS_POLICY = PolicyExercise(
    id="3.5", title="Require TLS and SSE-KMS with the payroll key", points=4, answer_name="answer_3_5",
    slot="resource", context_policies={"identity": [EXPORTER_IDENTITY_POLICY]},
    cases=[
        PolicyCase("an upload over HTTPS with SSE-KMS under the payroll key is allowed", payroll_request(), True,
                   "The right upload must still get through: check that no Deny matches a TLS request that "
                   "names aws:kms and the payroll key's ARN."),
        PolicyCase("a download over HTTPS is allowed", payroll_request("s3:GetObject"), True,
                   "Reads carry no encryption headers; the encryption conditions should only apply to uploads."),
        PolicyCase("an upload that asks for SSE-S3 (AES256) is denied", payroll_request(sse="AES256", key_id=None),
                   False,
                   "The exporter's identity policy already allows uploads, so an Allow with conditions changes "
                   "nothing: only a Deny can refuse the wrong encryption type."),
        PolicyCase("an upload with SSE-KMS under another key is denied", payroll_request(key_id=OTHER_KEY_ARN),
                   False, "Requiring aws:kms is not enough; the key itself must be the payroll key."),
        PolicyCase("an upload without encryption headers is denied", payroll_request(sse=None, key_id=None),
                   False,
                   "A condition key that is absent from the request makes positive operators fail; choose the "
                   "operator so that a missing header also triggers the Deny."),
        PolicyCase("an upload over plain HTTP is denied, even with the right key", payroll_request(tls=False),
                   False, "Deny every request whose aws:SecureTransport is false."),
        PolicyCase("a download over plain HTTP is denied", payroll_request("s3:GetObject", tls=False), False,
                   "The TLS rule covers every S3 action on the bucket, not only uploads."),
    ],
)

# --- 3.6 Choosing an encryption option --------------------------------------------------------------------

_SSE = ("SSE-S3", "SSE-KMS", "DSSE-KMS", "SSE-C", "client-side")

# What each encryption option does and costs, shown for the option a learner chose where it does not fit.
_ENCRYPTION_EXPLANATIONS = {
    "SSE-S3": "SSE-S3 encrypts with keys S3 manages entirely: there is no key policy of yours, no CloudTrail "
              "entry per key use, a single layer, and S3 both sees the plaintext and holds the key.",
    "SSE-KMS": "SSE-KMS encrypts once under a KMS key: it brings a key policy and CloudTrail entries, and with "
               "them KMS requests to manage and pay for; the key lives in AWS and S3 sees the plaintext.",
    "DSSE-KMS": "DSSE-KMS applies two layers of encryption under a KMS key: it costs more than one layer, keeps "
                "the key in AWS, and S3 still receives the plaintext.",
    "SSE-C": "With SSE-C you send your own key with every request and S3 discards it after use: you must manage "
             "and supply keys yourself, there is no key policy or KMS audit, and S3 still receives the plaintext.",
    "client-side": "With client-side encryption you encrypt before upload and S3 only ever stores ciphertext: "
                   "S3 does none of the encryption, and you carry all of the key management.",
}

ENCRYPTION_CHOICE = MappingMatch(
    id="3.6", title="Choose the S3 encryption option for each requirement", points=3, answer_name="answer_3_6",
    explanations=_ENCRYPTION_EXPLANATIONS,
    parts=[
        Part("nothing_to_manage", "5174276824cb363395277fbb4c0bce1e0e290ae8ca4a108a3641f645f37ca7cc",
             "Reread the requirement: what may the team not manage, and what may it not pay for?",
             "encryption at rest with no keys to manage and no KMS charges", _SSE),
        Part("key_policy_and_audit", "18ac83c7d9b68aaf715136d79426866e466166446e7e25c6fed14c050243dcb7",
             "Reread the requirement: what must the security team control and see, and how many layers does it ask "
             "for?",
             "a key policy separate from S3 permissions, and every key use in CloudTrail", _SSE),
        Part("two_layers", "6da0963810340b5fcad018b2f8f1881b219a8303783b40ec64f3eab66231c279",
             "Reread the requirement: how many layers, and who applies them?",
             "two independent layers of encryption applied by the storage service", _SSE),
        Part("own_key_every_request", "11d9b3ab78c29d57c339a1de99c71fdab82349bbe34eba0191a494ad3ed69959",
             "Reread the requirement: who encrypts, and where may the key be kept?",
             "S3 encrypts, but the company's own key is never stored in AWS", _SSE),
        Part("no_plaintext_to_aws", "34161c87cb5bc09b8c3e77c19a93b98b2763d01f5214905a308a2b2042d8e1fb",
             "Reread the requirement: what may reach AWS at all?",
             "AWS must never receive the plaintext", _SSE),
    ],
)

# --- 3.7 Object Lock, legal hold, MFA delete --------------------------------------------------------------

_LOCKS = ("governance", "compliance", "legal hold", "MFA delete")

# What each control does and allows, shown for the control a learner chose where it does not fit.
_LOCK_EXPLANATIONS = {
    "governance": "Governance mode keeps a version until a retain-until date set in advance, but principals "
                  "with s3:BypassGovernanceRetention can delete it early or shorten the period.",
    "compliance": "Compliance mode keeps a version until a retain-until date set in advance, and nobody, the "
                  "root user included, can delete it or shorten the period: there is no way back, even for a "
                  "test.",
    "legal hold": "A legal hold keeps a version until someone removes the hold, with no date at all; anyone "
                  "allowed s3:PutObjectLegalHold can remove it, and it asks for no device code.",
    "MFA delete": "MFA delete is part of the bucket's versioning configuration: it asks for the root user's MFA "
                  "code to delete a version permanently, but keeps nothing for a set period or until a release.",
}

RETENTION_CONTROLS = MappingMatch(
    id="3.7", title="Pick the control that makes objects undeletable", points=3, answer_name="answer_3_7",
    explanations=_LOCK_EXPLANATIONS,
    parts=[
        Part("broker_records", "aaad1f7836aa9e5050922b754b0e600979e50f6e49fc31511aa13494b6aa8dd3",
             "Reread the need: who must be unable to delete or shorten, and for how long?",
             "records nobody, root user included, may delete or shorten for six years", _LOCKS),
        Part("trial_retention", "e950d335410c3926bc74892ad583e1cf34eb97d3906f127f9a933b8809d38ed6",
             "Reread the need: who must still be able to remove objects early?",
             "a trial retention that two administrators can still override", _LOCKS),
        Part("litigation", "4e12f8d641d707e78f4259c7bc86369775b80963ddebf886c12c6991de21de5a",
             "Reread the need: until when must the objects be kept?",
             "keep these objects until counsel releases them, date unknown", _LOCKS),
        Part("root_code", "13e456ddaf7dca0d7192295c7b7ee9333a2f785121c023a6189aecf0a22416a5",
             "Reread the need: what must a permanent delete require?",
             "permanent deletes need a code from the root user's MFA device", _LOCKS),
    ],
)

# --- 3.8 Lifecycle rule for log retention -------------------------------------------------------------------

_CLASSES = ("STANDARD_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")

# What each storage class costs and how fast it returns data, shown for the class a learner chose where it
# does not fit.
_CLASS_EXPLANATIONS = {
    "STANDARD_IA": "STANDARD_IA returns objects in milliseconds, at a storage price well above the archive "
                   "classes: you would pay for instant access that nobody needs.",
    "GLACIER_IR": "GLACIER_IR keeps millisecond access, at a storage price well above the classes that take "
                  "hours to restore.",
    "GLACIER": "GLACIER (Flexible Retrieval) restores in minutes to hours, and costs more to store than the "
               "deepest archive class.",
    "DEEP_ARCHIVE": "DEEP_ARCHIVE is the cheapest class to store, but a standard restore takes up to 12 hours "
                    "and every object is billed for at least 180 days.",
}

LOG_LIFECYCLE = MappingMatch(
    id="3.8", title="Write the lifecycle rule for CloudTrail logs", points=3, answer_name="answer_3_8",
    explanations=_CLASS_EXPLANATIONS,
    parts=[
        Part("transition_days", "e27e593abf88d457922ddc139184f0fa94d1899e1769d9d16d7846d0781153aa",
             "Transition when the logs stop being searched day to day, as the retention standard says; "
             "lifecycle days count from object creation.",
             "transition_days"),
        Part("storage_class", "31ed5e765269eee2abd94956ecef2fda6f6cb8ecc3e07c80ed4bfaabb76326fa",
             "Compare the classes' prices and retrieval times: the cheapest class whose standard retrieval "
             "fits inside 48 hours, with instant access not required.",
             "storage_class", _CLASSES),
        Part("expiration_days", "daa76f333346a80597c58f738e3b8af4ff392bdbe0733f403bb0570f3159e88c",
             "Expiration counts days from the object's creation, not from the transition to the archive "
             "class.",
             "expiration_days"),
        Part("noncurrent_days", "ff035fed4eb7b83853071ddacb04ac9be806823e8a1f1fd4419e032ad729f4e2",
             "Old versions are not removed by the Expiration action, which only places a delete marker on "
             "the current version; they need their own setting, counted from when they became noncurrent.",
             "noncurrent_days"),
    ],
)

# --- 3.9 EFS file system policy (graded by course.iam) --------------------------------------------------



@dataclass(frozen=True, repr=False)
class PayrollScenario(Scenario):
    """Question 3.5's values: the account, the export bucket and the payroll key."""

    account: str = field(metadata=about("the account that owns the bucket, the key and the role payroll-exporter"))
    bucket: str = field(metadata=about("the bucket that receives the nightly exports"))
    key_id: str = field(metadata=about("the id of the payroll key (Region eu-west-1)"))


PAYROLL_DEFAULT = PayrollScenario(account=OWNER, bucket=PAYROLL_BUCKET, key_id=PAYROLL_KEY_ARN.rsplit("/", 1)[1])


def payroll_scenario(rng: random.Random) -> PayrollScenario:
    return PayrollScenario(account=account(rng, set()), bucket=bucket(rng, "payroll-exports"), key_id=key_id(rng))


PAYROLL_MODEL = {"Version": "2012-10-17", "Statement": [
    {"Sid": "HttpsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": [f"arn:aws:s3:::{PAYROLL_BUCKET}", f"arn:aws:s3:::{PAYROLL_BUCKET}/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "KmsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
     "Resource": f"arn:aws:s3:::{PAYROLL_BUCKET}/*",
     "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
    {"Sid": "PayrollKeyOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
     "Resource": f"arn:aws:s3:::{PAYROLL_BUCKET}/*",
     "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": PAYROLL_KEY_ARN}}}]}
TLS_AND_KMS_POLICY = policy_family(_TLS_AND_KMS_POLICY, PAYROLL_DEFAULT, payroll_scenario, PAYROLL_MODEL)

FILE_SYSTEM_ARN = f"arn:aws:elasticfilesystem:{REGION}:{OWNER}:file-system/fs-0123456789abcdef0"
ACCESS_POINT_ARN = f"arn:aws:elasticfilesystem:{REGION}:{OWNER}:access-point/fsap-0a1b2c3d4e5f67890"
OTHER_ACCESS_POINT_ARN = f"arn:aws:elasticfilesystem:{REGION}:{OWNER}:access-point/fsap-0fedcba9876543210"
WEB_ROLE = f"arn:aws:iam::{OWNER}:role/web-app"
WEB_SESSION = f"arn:aws:sts::{OWNER}:assumed-role/web-app/i-0abcd1234efgh5678"
REPORT_ROLE = f"arn:aws:iam::{OWNER}:role/reporting"
REPORT_SESSION = f"arn:aws:sts::{OWNER}:assumed-role/reporting/i-0fedc4321hgfe8765"


def efs_request(action: str, *, tls: bool = True, access_point: str | None = ACCESS_POINT_ARN,
                session: str = WEB_SESSION, role: str = WEB_ROLE) -> dict:
    """An NFS client's IAM-authorized mount or write, as the EFS mount helper sends it."""
    context = {"aws:SecureTransport": "true" if tls else "false", "aws:PrincipalArn": role,
               "aws:PrincipalAccount": OWNER, "elasticfilesystem:AccessedViaMountTarget": "true"}
    if access_point is not None:
        context["elasticfilesystem:AccessPointArn"] = access_point
    return {"principal": session, "principalAccount": OWNER, "action": f"elasticfilesystem:{action}",
            "resource": FILE_SYSTEM_ARN, "resourceAccount": OWNER, "context": context}


_EFS_POLICY = PolicyExercise(
    id="3.9", title="Write an EFS file system policy", points=4, answer_name="answer_3_9", slot="resource",
    context_policies={"identity": []},  # the instance roles have no EFS permissions of their own
    lint_forbidden=["IAM004"],
    cases=[
        PolicyCase("the web-app role mounts through its access point over TLS", efs_request("ClientMount"), True,
                   "Grant the web-app role ClientMount on the file system when it comes through its access point "
                   "over TLS."),
        PolicyCase("the web-app role writes through its access point over TLS", efs_request("ClientWrite"), True,
                   "Mounting gives read-only access; writing is a separate action."),
        PolicyCase("the web-app role cannot act as root on the file system", efs_request("ClientRootAccess"), False,
                   "Root access (UID 0 keeps its privileges) is a third action; leave it out."),
        PolicyCase("the web-app role cannot mount without TLS", efs_request("ClientMount", tls=False), False,
                   "Require aws:SecureTransport on the grant, or deny requests without it."),
        PolicyCase("the web-app role cannot mount the whole file system without the access point",
                   efs_request("ClientMount", access_point=None), False,
                   "A mount that does not use the access point escapes its root directory and POSIX identity; "
                   "require the access point's ARN."),
        PolicyCase("the reporting role cannot mount the file system",
                   efs_request("ClientMount", session=REPORT_SESSION, role=REPORT_ROLE), False,
                   "Name the web-app role as the principal, not the whole account or everyone."),
    ],
)



@dataclass(frozen=True, repr=False)
class EfsScenario(Scenario):
    """Question 3.9's values: the account, the file system and the web application's access point."""

    account: str = field(metadata=about("the account of the file system and the roles web-app and reporting"))
    file_system: str = field(metadata=about("the file system's ID (Region eu-west-1)"))
    access_point: str = field(metadata=about("the web application's access point's ID"))


EFS_DEFAULT = EfsScenario(account=OWNER, file_system=FILE_SYSTEM_ARN.rsplit("/", 1)[1],
                          access_point=ACCESS_POINT_ARN.rsplit("/", 1)[1])


def efs_scenario(rng: random.Random) -> EfsScenario:
    point = hex_id(rng, "fsap")
    while point == OTHER_ACCESS_POINT_ARN.rsplit("/", 1)[1]:
        point = hex_id(rng, "fsap")
    return EfsScenario(account=account(rng, set()), file_system=hex_id(rng, "fs"), access_point=point)


EFS_MODEL = {"Version": "2012-10-17", "Statement": [{
    "Sid": "WebAppThroughAccessPointOverTls", "Effect": "Allow", "Principal": {"AWS": WEB_ROLE},
    "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": FILE_SYSTEM_ARN,
    "Condition": {"Bool": {"aws:SecureTransport": "true"},
                  "StringEquals": {"elasticfilesystem:AccessPointArn": ACCESS_POINT_ARN}}}]}
EFS_POLICY = policy_family(_EFS_POLICY, EFS_DEFAULT, efs_scenario, EFS_MODEL)

# --- 3.10 AWS Backup Vault Lock ---------------------------------------------------------------------------

VAULT_LOCK = order_per_learner(MultipleChoice(
    id="3.10", title="What AWS Backup Vault Lock guarantees", points=3, answer_name="answer_3_10",
    options={
        "A": "In compliance mode, once the grace period has ended, nobody (not the root user, not AWS) can remove "
             "the lock or shorten the retention it enforces.",
        "B": "In governance mode, only AWS Support can remove the lock.",
        "C": "A compliance-mode lock can still be changed or removed during its grace period of at least 72 hours, "
             "which is the time to test it.",
        "D": "Vault Lock re-encrypts recovery points under a key that only AWS holds.",
        "E": "A logically air-gapped vault is always locked in compliance mode and can be shared with another "
             "account through AWS RAM for recovery.",
        "F": "A vault access policy that denies `backup:DeleteRecoveryPoint` to everyone gives the same guarantee as "
             "compliance mode.",
    },
    explanations={
        "A": "After the grace period a compliance-mode lock is immutable for everyone.",
        "B": "Governance mode is the flexible one: principals with the right IAM permissions can remove it; "
             "AWS Support plays no part.",
        "C": "The grace period exists so that you can test the settings before they become permanent.",
        "D": "Vault Lock is about retention and deletion, not encryption; the vault's KMS key is unchanged.",
        "E": "These vaults are built for recovery when the owning account is lost or compromised.",
        "F": "An administrator of the account can edit or delete a vault access policy; a compliance-mode lock "
             "cannot be lifted once its grace period is over.",
    },
    keys={
        "A": "0def7c274788bef788fc40bb87c2e14e89771b126be7afc91499d11d917f361b",
        "B": "fbb985cb5f8eeea811fa3ac3aea5e1224d79fd38ba6d4634c9fb54c9f5a89749",
        "C": "3a3e9c31641fd3e4102eddf685e2e3dbba4b98ed2c8a6d1620c31cb93d758ced",
        "D": "8934df16a5bb4e70789ad7fb64f0ba2abc2d4f15e5356b93116e3b5e3d9782f5",
        "E": "96a74173402d783624fdc19a6adf7914a76cde568130a793b184cc318df557c9",
        "F": "f81e9778b1ff4f2fde3b91cbaca8503d892683548863faa5ced2179fd90b3d91",
    },
))

# --- 3.11 Presigned URLs: short-lived, download-only, TLS only (graded by course.iam) -------------------------

REPORTS_BUCKET = "example-shared-reports"
SHARER_ROLE = f"arn:aws:iam::{OWNER}:role/report-sharer"
SHARER_SESSION = f"arn:aws:sts::{OWNER}:assumed-role/report-sharer/portal"
SHARER_IDENTITY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ManageReports", "Effect": "Allow",
                   "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                   "Resource": f"arn:aws:s3:::{REPORTS_BUCKET}/*"}],
}


def report_request(action: str = "s3:GetObject", *, presigned_age_ms: int | None = None, tls: bool = True,
                   key: str = "2026/q3/board-pack.pdf") -> dict:
    """A request signed with the sharer's credentials: presigned (query string) with its signature's age in
    milliseconds, or signed in the Authorization header when ``presigned_age_ms`` is None."""
    extra: dict = {"s3:authType": "REST-HEADER", "s3:signatureversion": "AWS4-HMAC-SHA256"}
    if presigned_age_ms is not None:
        extra.update({"s3:authType": "REST-QUERY-STRING", "s3:signatureAge": str(presigned_age_ms)})
    request = s3_request(SHARER_SESSION, OWNER, action, key, bucket=REPORTS_BUCKET, tls=tls, role=SHARER_ROLE,
                         extra=extra)
    request.pop("settings")
    return request


_PRESIGNED_POLICY = PolicyExercise(
    id="3.11", title="Short-lived, download-only presigned URLs", points=4, answer_name="answer_3_11",
    slot="resource", context_policies={"identity": [SHARER_IDENTITY_POLICY]},
    cases=[
        PolicyCase("a presigned download signed 5 minutes ago, over HTTPS, works",
                   report_request(presigned_age_ms=300_000), True,
                   "A fresh presigned download over HTTPS must still work: check that no Deny matches it."),
        PolicyCase("a presigned download signed 30 minutes ago is refused",
                   report_request(presigned_age_ms=1_800_000), False,
                   "A presigned URL made with a role's credentials can stay valid for hours (and up to 7 days "
                   "with a user's keys); only a Deny on s3:signatureAge (in milliseconds) shortens it."),
        PolicyCase("a presigned upload is refused, however fresh",
                   report_request("s3:PutObject", presigned_age_ms=60_000), False,
                   "Anyone holding a presigned PUT link can write to the bucket: deny every action but "
                   "s3:GetObject when s3:authType is REST-QUERY-STRING."),
        PolicyCase("the portal's own upload, signed in the Authorization header, works",
                   report_request("s3:PutObject"), True,
                   "A request signed in the header carries no s3:signatureAge: a ...IfExists operator on that key, "
                   "or a Deny on every non-GetObject action regardless of s3:authType, breaks the portal."),
        PolicyCase("the portal still deletes old reports with header-signed requests",
                   report_request("s3:DeleteObject"), True,
                   "Limit the download-only rule to presigned requests (s3:authType REST-QUERY-STRING); the "
                   "portal's own header-signed calls keep their identity-policy permissions."),
        PolicyCase("a presigned download over plain HTTP is refused",
                   report_request(presigned_age_ms=60_000, tls=False), False,
                   "Deny every request whose aws:SecureTransport is false, presigned or not."),
        PolicyCase("a header-signed download over plain HTTP is refused",
                   report_request(tls=False), False,
                   "The TLS rule covers every request, not only presigned ones."),
    ],
)



@dataclass(frozen=True, repr=False)
class PresignedScenario(Scenario):
    """Question 3.11's values: the account and the board portal's bucket."""

    account: str = field(metadata=about("the account of the role report-sharer and the bucket"))
    bucket: str = field(metadata=about("the bucket that holds the board reports"))


PRESIGNED_DEFAULT = PresignedScenario(account=OWNER, bucket=REPORTS_BUCKET)


def presigned_scenario(rng: random.Random) -> PresignedScenario:
    return PresignedScenario(account=account(rng, set()), bucket=bucket(rng, "shared-reports"))


PRESIGNED_MODEL = {"Version": "2012-10-17", "Statement": [
    {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": [f"arn:aws:s3:::{REPORTS_BUCKET}", f"arn:aws:s3:::{REPORTS_BUCKET}/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "PresignedLinksLastTenMinutes", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": f"arn:aws:s3:::{REPORTS_BUCKET}/*",
     "Condition": {"NumericGreaterThan": {"s3:signatureAge": "600000"}}},
    {"Sid": "PresignedLinksOnlyDownload", "Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject",
     "Resource": f"arn:aws:s3:::{REPORTS_BUCKET}/*",
     "Condition": {"StringEquals": {"s3:authType": "REST-QUERY-STRING"}}}]}
PRESIGNED_POLICY = policy_family(_PRESIGNED_POLICY, PRESIGNED_DEFAULT, presigned_scenario, PRESIGNED_MODEL)

# --- 3.12 Which record answers which question: S3 logs, CloudTrail events, event notifications --------------

_RECORDS = ("server access logs", "CloudTrail management events", "CloudTrail data events",
            "S3 event notifications")

_RECORD_EXPLANATIONS = {
    "server access logs": "Server access logs are written on a best-effort basis, usually within hours, with no "
                          "completeness guarantee; they are the only record of S3's own lifecycle actions and "
                          "carry web-server fields such as referrer and turn-around time.",
    "CloudTrail management events": "Management events record bucket-level configuration calls (policy, ACL, "
                                    "encryption, logging settings) and are on by default, but never object "
                                    "reads or writes.",
    "CloudTrail data events": "Data events record object-level API calls with the full IAM identity, are "
                              "delivered within minutes and can be selected per bucket or prefix, but they "
                              "cost per event, are off by default and do not see lifecycle actions, which S3 "
                              "performs internally.",
    "S3 event notifications": "Event notifications are triggers (to SNS, SQS, Lambda or EventBridge) for new "
                              "objects, deletions and other events; they are not an audit record of who "
                              "called what.",
}

S3_RECORDS = MappingMatch(
    id="3.12", title="Which record answers which question?", points=3, answer_name="answer_3_12",
    explanations=_RECORD_EXPLANATIONS,
    parts=[
        Part("who_changed_bucket_policy", "3dfa441c8246dffd605930f35871b1b99c3e4000ed4bb8bf71cf1fdb01b5e417",
             "Changing a bucket policy is a bucket-level configuration call.",
             "who replaced the bucket policy last night", _RECORDS),
        Part("which_role_read_payroll", "01bda4a5463b2846dcbbc40cca15142fde2c687419fcfde437698c7d1b20f022",
             "The auditors want the IAM identity of an object read, delivered reliably within minutes.",
             "which IAM role session downloaded the payroll file, reliably recorded", _RECORDS),
        Part("lifecycle_deleted_evidence", "ad2837dad947f56e1d571c87938fe8fbb27007ff4f56717343dd867d8667d3e9",
             "S3 performs lifecycle actions itself, through internal endpoints, not through the API.",
             "whether a lifecycle rule, not a person, removed the evidence files", _RECORDS),
        Part("referrer_and_turnaround", "c73d979f4ae5bb541ff5622dac93f43b926dceb673456e7dba68c0c9a0c780c4",
             "Referrer and turn-around time are web-server fields of one kind of record only.",
             "the HTTP referrer and turn-around time of each anonymous website download", _RECORDS),
        Part("scan_each_upload", "7f8517d0224d60587774ac68a5b8c6821e57ff3157a1c09e1dfe33812b5a2732",
             "Starting work when an object arrives needs a trigger, not a log to read later.",
             "start a malware scan as soon as each object is uploaded", _RECORDS),
    ],
)


register(PREDICT_S3, FIX_BUCKET_POLICY, OBJECT_OWNERSHIP, BLOCK_PUBLIC_ACCESS, TLS_AND_KMS_POLICY,
         ENCRYPTION_CHOICE, RETENTION_CONTROLS, LOG_LIFECYCLE, EFS_POLICY, VAULT_LOCK, PRESIGNED_POLICY,
         S3_RECORDS)
