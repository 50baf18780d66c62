"""Exercises of notebook 06, Management & Governance (CloudTrail, CloudWatch, Config, CloudFormation, ...).

Ten questions. Most are graded against ground truth computed from real CloudTrail (the Stratus Red Team
dataset of Invictus IR and the OTRF "cloud bank breach") or from the generated Config snapshot:

- 6.1 who can use a CloudFormation stack's service role (multiple choice);
- 6.2 the attacker's principal, source IP and first call in the Stratus CloudTrail;
- 6.3 a function that finds console logins without MFA, graded on real and unseen data;
- 6.4 the error burst that reveals enumeration;
- 6.5 EC2 instance credentials used from outside EC2 (OTRF);
- 6.6 a CloudWatch metric filter written as a pandas function, graded on real and unseen data;
- 6.7 how many 5-minute periods breach the alarm built on that filter;
- 6.8 the non-compliant resources of a Config snapshot, and the managed rule each breaks;
- 6.9 which Config rule or Trusted Advisor check catches a misconfiguration;
- 6.10 the governance service for a scenario.

Answer keys are salted hashes; unseen cases are generated from fixed seeds in :func:`signin_cases` and
:func:`unauthorized_cases`.
"""

from __future__ import annotations

import numbers
import random
import uuid
from datetime import UTC, datetime, timedelta

from course.exercises.kinds.choice import MultipleChoice
from course.exercises.kinds.logs import DetectorMatch, TimedMapping, event_describer, event_ids, run_detector
from course.exercises.kinds.value import MappingMatch, Part, TableMatch, ValueMatch
from course.exercises.registry import register

__all__ = ["run_detector", "signin_cases", "unauthorized_cases"]

# --- 6.1 CloudFormation service role ------------------------------------------------------------

SERVICE_ROLE = MultipleChoice(
    id="6.1", title="Who can use a stack's service role?", points=3, answer_name="answer_6_1",
    options={
        "A": "Dana can add an IAM user with administrator rights to the stack's template and update the stack; "
             "CloudFormation creates the user with the service role's permissions",
        "B": "Dana cannot update the stack at all, because she lacks iam:PassRole on cfn-network-admin",
        "C": "Because Dana has no IAM permissions of her own, the stack cannot be used to change IAM",
        "D": "A Deny for Dana on cloudformation:UpdateStack, cloudformation:CreateChangeSet and "
             "cloudformation:ExecuteChangeSet with the stack's ARN as the resource closes the path for her",
        "E": "To create a new stack that uses cfn-network-admin, Dana would need iam:PassRole on that role",
    },
    explanations={
        "A": "Once a role is attached to a stack, CloudFormation uses it for every later operation by anyone "
             "allowed to operate on the stack.",
        "B": "PassRole is checked when a role is first given to a stack; later updates reuse the stored role "
             "without asking the caller to pass it again.",
        "C": "The stack acts with the service role's permissions, not the caller's: the caller only needs "
             "permission to operate on the stack.",
        "D": "Every update of the stack, whichever role it names or leaves out, is authorized against the "
             "stack's ARN, so a Deny there removes the operations that would borrow the powerful role. (A Deny "
             "conditioned on cloudformation:RoleArn would not: an update without RoleARN reuses the stored role.)",
        "E": "Associating a role with a new stack passes it, and passing a role needs iam:PassRole.",
    },
    keys={
        "A": "001063b3b58c86def399818eb92e3e2080b491a735faf962ddcf81a2071e303b",
        "B": "933090f77dfb5d4b89a712aec15812d649e821ccef47dbc2d1cc29ea4b7929ee",
        "C": "a4557a20e006453940666bdd83307ffb60d9f84af88283b2c905657df43c4ff6",
        "D": "a3dd0420eb800f71e64f3b0b3014ca7079294f1058d540a0a3884fa03d287e5e",
        "E": "f870c74762f9e070ee8c10710f9a94c30ca8f696dd1e228ab3f105a4a9f929ed",
    },
)

# --- 6.2 attacker's principal and IP --------------------------------------------------------------

ATTACKER = TimedMapping(
    id="6.2", title="Find the attacker in the Stratus CloudTrail", points=3, answer_name="answer_6_2",
    time_parts=("first_call",),
    parts=[
        Part("principal", "7f24f71d385dcbe692e8331cf6ca744fc22b11092ea1e3fce6b4b8da31361d79",
             "Role sessions named stratus-red-team-... were started by someone: name the long-term identity "
             "whose user agent carries the tool's marker on most calls (userIdentity.arn of an IAM user).",
             "principal: the IAM identity that ran the tool"),
        Part("source_ip", "692c3098654f71761d18b9bc1d57eab9ac601800e183519761f063d95ff05c2b",
             "Look at sourceIPAddress of the tool's calls, not of the same user's other activity: one address "
             "belongs to a console sign-in with MFA later on.",
             "source_ip: where the tool's calls came from"),
        Part("first_call", "2ae6061cb32348621513cd3a2e4297d680fe09f192fb77017534776b9b122b52",
             "Take the earliest eventTime of an event whose userAgent contains the tool's marker "
             "(stratus-red-team_), over all principals.",
             "first_call: time of the first call carrying the tool's marker"),
    ],
)

# --- 6.3 console logins without MFA (a function, graded on unseen data) ------------------------

ACCOUNT = "111122223333"


def _record(rng: random.Random, when: datetime, name: str, identity: dict, *, extra: dict | None = None,
            response: dict | None = None, error: tuple[str | None, str] | None = None,
            source: str = "signin.amazonaws.com") -> dict:
    record = {
        "eventVersion": "1.08", "userIdentity": identity, "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source, "eventName": name, "awsRegion": "us-east-1",
        "sourceIPAddress": f"198.51.100.{rng.randint(1, 254)}", "userAgent": "Mozilla/5.0",
        "requestParameters": None, "responseElements": response, "eventID": str(uuid.UUID(int=rng.getrandbits(128))),
        "eventType": "AwsConsoleSignIn" if source == "signin.amazonaws.com" else "AwsApiCall",
        "recipientAccountId": ACCOUNT, "eventCategory": "Management",
    }
    if extra is not None:
        record["additionalEventData"] = extra
    if error is not None:
        record["errorCode"], record["errorMessage"] = error
    return record


def _identity(rng: random.Random) -> dict:
    kind = rng.choice(["IAMUser", "IAMUser", "Root", "AssumedRole"])
    if kind == "Root":
        return {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT}
    user = rng.choice(["ana", "bo", "chen", "dee", "eli"])
    if kind == "IAMUser":
        return {"type": "IAMUser", "principalId": "AIDAEXAMPLE" + user.upper(), "userName": user,
                "arn": f"arn:aws:iam::{ACCOUNT}:user/{user}", "accountId": ACCOUNT}
    return {"type": "AssumedRole", "principalId": f"AROAEXAMPLE:{user}", "accountId": ACCOUNT,
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/federated-admins/{user}"}


def _signin_records(seed: int) -> list[dict]:
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC) + timedelta(days=seed)
    records = []
    for i in range(rng.randint(14, 22)):
        when = start + timedelta(minutes=7 * i + rng.randint(0, 5))
        identity = _identity(rng)
        roll = rng.random()
        mfa = rng.choice(["Yes", "YES", "yes", "No", "NO", "no", None])
        extra = {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No"}
        if mfa is not None:
            extra["MFAUsed"] = mfa
        if roll < 0.6:
            records.append(_record(rng, when, "ConsoleLogin", identity, extra=extra,
                                   response={"ConsoleLogin": "Success"}))
        elif roll < 0.8:
            records.append(_record(rng, when, "ConsoleLogin", identity, extra=extra,
                                   response={"ConsoleLogin": "Failure"}, error=(None, "Failed authentication")))
        elif roll < 0.9:
            records.append(_record(rng, when, "CheckMfa", identity, extra={"MfaType": "Virtual MFA"},
                                   response={"CheckMfa": "Success"}))
        else:  # an API call that is not a sign-in, with MFAUsed-like noise in its extra data
            records.append(_record(rng, when, "GetObject", identity, extra={"MFAUsed": "No"},
                                   source="s3.amazonaws.com"))
    for record in records:  # a failure's errorCode stays absent, as in real sign-in events
        if record.get("errorCode") is None:
            record.pop("errorCode", None)
    return records


def signin_cases() -> dict:
    """Inputs of 6.3: the Stratus CloudTrail, AWS's sign-in examples, and three generated logs."""
    from course import data

    cases = {"stratus": data.stratus_cloudtrail(), "aws_docs_examples": data.console_signin_examples()}
    for n, seed in enumerate((61, 62, 63), start=1):
        cases[f"unseen_{n}"] = data.cloudtrail_frame(_signin_records(seed), f"generated sign-in events {seed}")
    return cases


_MFA_HINTS = {
    "stratus": "On the Stratus data: keep only successful ConsoleLogin events and read "
               "additionalEventData.MFAUsed.",
    "aws_docs_examples": "The AWS examples spell the MFA flag in more than one letter case, and some of "
                         "their logins failed: a failed login is not a login.",
    "unseen_1": "On unseen data: compare MFAUsed without regard to letter case, treat a missing flag as no "
                "MFA, and look only at successful ConsoleLogin events.",
    "unseen_2": "On unseen data: other events (CheckMfa, API calls) can carry similar fields; only "
                "ConsoleLogin events are sign-ins.",
    "unseen_3": "On unseen data: root and federated (assumed-role) sign-ins count too; the rule is about the "
                "event, not the kind of principal.",
}

_MFA_KEYS = {
    "stratus": "e5e6ba1e2d3f1071f503d4cc61cef77d1a81245195768613e2cef8baaf68ad21",
    "aws_docs_examples": "bf8763704c62714ab454aa6a031e1797e25f80f1c2ef640a1484a4035dc0298a",
    "unseen_1": "05dfd4a938fc147220f50f314ca88349f0dabda03add4e5aee9a4e761f499927",
    "unseen_2": "5c0b33393dbf2c88a10a320e1887b86f2622f9e31ce3bd81ed563ba0b24ba631",
    "unseen_3": "6b7aeaa72988f4733462bb80b4e42a2b5d6baddb33e3eb7b8167515405c4992d",
}

# Item keys (course.exercises.kinds.logs.item_key) of what the rule catches on each case, so that a wrong case's
# hint can say what the function missed and what it flagged wrongly; tests check them against the case keys.
_MFA_ITEMS = {
    "stratus": ("f871d199657cd257",),
    "aws_docs_examples": ("23a9ef2226a811f6", "440595a42b0537f6"),
    "unseen_1": (
        "43001745e152aa3b", "473bd782fc40ead7", "4aa450177a32b7db", "ac27f2d76fe4b120", "cd63b547ac207438",
        "d50b1a5e06b3fba3", "e2c949f785065c5e", "fda00f06f9ec51ac",
    ),
    "unseen_2": (
        "191180509fe26df4", "517b11525f3f532b", "a4292ad10603effd", "a671135a9d33840e", "e6b8feddfc701d8f",
        "ee6b2ac8b2013bd0",
    ),
    "unseen_3": (
        "2c87353afa606bca", "642efc951276dda2", "af45b8be24800a54", "ced7ab0fa52392d1", "e6d96dfe787f05a4",
    ),
}

NO_MFA = DetectorMatch(
    id="6.3", title="A function that finds console logins without MFA", points=4, answer_name="answer_6_3",
    cases=signin_cases, to_value=event_ids, item_keys=_MFA_ITEMS,
    describe_item=event_describer("eventName", "userIdentity.type", "responseElements.ConsoleLogin",
                                  "additionalEventData.MFAUsed"),
    returns="a DataFrame holding the matching rows of its input (with the eventID column)",
    parts=[Part(name, _MFA_KEYS[name], hint, f"the right logins on {name.replace('_', ' ')}")
           for name, hint in _MFA_HINTS.items()],
)

# --- 6.4 the error burst ------------------------------------------------------------------------

BURST = MappingMatch(
    id="6.4", title="The error burst that reveals enumeration", points=3, answer_name="answer_6_4",
    casefold=False,
    parts=[
        Part("principal", "960dabf23f3912a0ed3ade5ce0032de28fddf0909add5e605089cf373f0699f8",
             "The biggest authorization burst comes from a role session, not from the IAM user: group the "
             "authorization failures by userIdentity.arn.", "principal: who made the failing calls"),
        Part("event_name", "962d6359cef05a3288f8327a8463e0ec0f30c1aa745959f838199ef1515733fd",
             "ThrottlingException means too many calls too fast, not missing permissions; an enumeration "
             "burst is made of authorization failures.", "event_name: the API the burst tried"),
        Part("error_code", "c3a07c02ed72686093e9d868d6e2d7698d83b0f600ecdc1c15848d1906dab5ba",
             "EC2 spells its authorization failure differently from IAM's AccessDenied; copy the errorCode "
             "exactly.", "error_code: the error returned"),
        Part("calls", "e9d4b7a5a1a5f9ed05fc7605b09a637115878e705eea53a25ddc56174aa7da03",
             "Count the failed calls of that principal and API with that error (all of them, over the whole "
             "log).", "calls: how many failed calls"),
    ],
)

# --- 6.5 instance credentials used outside EC2 (OTRF) ------------------------------------------

STOLEN_CREDS = MappingMatch(
    id="6.5", title="Instance credentials used from outside EC2", points=3, answer_name="answer_6_5",
    parts=[
        Part("principal", "08be40a22621a43c70d07f6a524bdc170e17fbbde43f652c840bd63a41623e82",
             "The stolen credentials belong to an EC2 role session: an assumed-role ARN whose session name is an "
             "instance ID, not the console user.", "principal: the session whose credentials were stolen"),
        Part("instance_id", "893483c85939d7cbafa04b52dad5df9e36f4594aa490f002e9bad9edd2026751",
             "For instance-profile credentials, CloudTrail uses the instance ID as the role session name.",
             "instance_id: the instance they were taken from"),
        Part("imds_version", "e8a199d13bd786c298aac0bb12badf54f30364140d98199bcc5579bc0cc0134c",
             "The field userIdentity.sessionContext.ec2RoleDelivery tells which instance metadata service version "
             "delivered the credentials.", "imds_version: how the credentials left the instance",
             ("IMDSv1", "IMDSv2")),
        Part("client_os", "50f7f7cd8f20fd0a6f586d6dec840719e573d8e7b861dad2ec12cef7bdd82fc7",
             "The addresses are anonymised in this dataset, so read the userAgent: which operating system "
             "does the CLI report?", "client_os: the operating system the calls came from"),
    ],
)

# --- 6.6 a metric filter as a pandas function, and 6.7 its alarm -----------------------------

_ERRORS = ["AccessDenied", "AccessDeniedException", "Client.UnauthorizedOperation", "UnauthorizedOperation",
           "ThrottlingException", "NoSuchBucketPolicy", "InvalidAccessException", "Client.InvalidParameterValue",
           "UnauthorizedAccess", "DeniedAccess", None, None, None, None, None]


def _api_records(seed: int) -> list[dict]:
    rng = random.Random(seed)
    start = datetime(2026, 2, 9, 14, 0, tzinfo=UTC) + timedelta(days=seed)
    records = []
    for i in range(rng.randint(25, 40)):
        error = rng.choice(_ERRORS)
        source = rng.choice(["ec2.amazonaws.com", "s3.amazonaws.com", "iam.amazonaws.com", "kms.amazonaws.com"])
        record = _record(rng, start + timedelta(seconds=17 * i), rng.choice(["DescribeInstances", "GetObject",
                         "ListUsers", "Decrypt", "GetBucketPolicy"]), _identity(rng), source=source,
                         error=(error, "generated") if error else None)
        if error is None:
            record.pop("errorCode", None)
            record.pop("errorMessage", None)
        records.append(record)
    return records


def unauthorized_cases() -> dict:
    """Inputs of 6.6: the Stratus and OTRF CloudTrail, and two generated logs."""
    from course import data

    cases = {"stratus": data.stratus_cloudtrail(), "otrf": data.otrf_exfiltration()}
    for n, seed in enumerate((71, 72), start=1):
        cases[f"unseen_{n}"] = data.cloudtrail_frame(_api_records(seed), f"generated API events {seed}")
    return cases


_FILTER_HINTS = {
    "stratus": "On the Stratus data: *UnauthorizedOperation matches any errorCode that ends with "
               "UnauthorizedOperation (EC2 prefixes it with Client.), and AccessDenied* any that starts with "
               "AccessDenied.",
    "otrf": "On the OTRF data: events without an errorCode never match.",
    "unseen_1": "On unseen data: a wildcard stands for any characters, including none; an errorCode that "
                "merely contains 'Denied' or 'Unauthorized' somewhere else does not match.",
    "unseen_2": "On unseen data: the two terms are joined with OR, and each is anchored at one end only.",
}

_FILTER_KEYS = {
    "stratus": "b8564cb3ca1fa3d2e95c5661db9df8a32da8f4f649c2081b86926d38ec8b2802",
    "otrf": "b52382f7d78f77a30a15516aa1cdfeb541bb159e6ff90b3e66791c3a320945e1",
    "unseen_1": "99110e43ce53035a2f56af09c6191647ea0dd3c18a45a891a7309de3502f10ab",
    "unseen_2": "00a37911492f461bf0a05d273eeaed86bc05f1191e7ae283899027fd416e3f87",
}

# Item keys (course.exercises.kinds.logs.item_key) of what the rule catches on each case, so that a wrong case's
# hint can say what the function missed and what it flagged wrongly; tests check them against the case keys.
_FILTER_ITEMS = {
    "stratus": (
        "05afc36db3351b62", "1215e2b9913f3303", "1743e8b3b6929f36", "22ab88f0d9392104", "23a65757da1d13cd",
        "24af5193edec68a2", "3279d8a1f18b36c9", "34ba35378d28acda", "35a2e50711cea08e", "371b42509750bc4f",
        "4d6cab40b3259b38", "4db9cab57fb1c39b", "4ef7923985ddf79d", "50f311b32fb959d6", "513a33ff27d78502",
        "53e9f0f3550f00b4", "54192a095bf23bfd", "55f5cfb0edfb2232", "5e83ceddea1e504c", "61aab5c46426408d",
        "62832b2ceb68847c", "65a5f66451f9d0cb", "69e806adcd5e29fd", "6a58122dfed26c0f", "6b82c3f03bbbc076",
        "6c47bf4be91b1f6d", "707cb1e2419922ac", "76c70d845ed127ad", "7d450393b92fa03d", "80781eaa498e2d2b",
        "887ed6646ef74b00", "894c678e9c733c38", "8998eeea49ffb45e", "8d816bc56effcf42", "8fc52fc5c0a0abd9",
        "947c103ee24e5f35", "98dd6a5dc1867dc1", "9e7d154dd4e916e8", "a23d16e35b21e684", "a5eb97d838d2dc5b",
        "ab5d95d1eac7b8a8", "ae96e730aa473dd4", "b5c6dbf53008a5bd", "bd60ae97a7dc70d7", "c323d6f681ab3c6f",
        "c6a5ec9398046371", "c7111162a20c2a71", "cb0fc9c98847d333", "cc966fb198e02845", "ccbce2d2262b5062",
        "cda978767575dd01", "cf034fc5aa37c94f", "d202cfbb9259335b", "d26acef1aa0c2490", "d7e6657fa33bd0d8",
        "db76b865a239af35", "e71ed2d40c00a331", "e7c3a06880be67ef", "e82020f4cd30753f", "f3750a8959459581",
    ),
    "otrf": (),
    "unseen_1": (
        "2ace1eba4565a854", "3aa5c79ef5425bde", "448834dadc13a7d3", "79c054437d6950bc", "807532ed8f3b18ff",
        "aa0da56eea58d2fc", "b16d35b761f3905d", "efa1cc1d4d4b4ffc",
    ),
    "unseen_2": (
        "1d931ec8a61e76d2", "89718c63e61f19e6", "a5fa6e3e21e450d3", "bd2ae695f1fdefd3", "c066d5f482f452d1",
        "eaf5af40bf4174da",
    ),
}

METRIC_FILTER = DetectorMatch(
    id="6.6", title="A CloudWatch metric filter in pandas", points=4, answer_name="answer_6_6",
    cases=unauthorized_cases, to_value=event_ids, item_keys=_FILTER_ITEMS,
    describe_item=event_describer("eventName", "errorCode"),
    returns="a DataFrame holding the matching rows of its input (with the eventID column)",
    parts=[Part(name, _FILTER_KEYS[name], hint, f"the right events on {name.replace('_', ' ')}")
           for name, hint in _FILTER_HINTS.items()],
)

ALARM_PERIODS = ValueMatch(
    id="6.7", title="How often would the alarm fire?", points=2, answer_name="answer_6_7",
    key="3ff24258b3b185465de06fac9b79dd434241a9cb168cab6371a95b4517ff44d7", expected_type=numbers.Integral,
    description="the number of 5-minute periods whose sum reaches the threshold",
    hint="Count matching events per 5-minute period aligned on the clock (12:00, 12:05, ...), then count the "
         "periods whose sum is at least 10: 'reaches' includes equal to the threshold.",
)

# --- 6.8 the Config snapshot ------------------------------------------------------------------

NONCOMPLIANT = TableMatch(
    id="6.8", title="Evaluate a Config snapshot like the managed rules", points=4, answer_name="answer_6_8",
    columns=["resourceId", "rule"], rows_key="63ec658feb2deda4cccebe8f51f9b65ed61fa1b531b215cbba4b9e620e193def",
    column_keys={
        "resourceId": "10f46b1de2c0a1f637914b7edc2cc640a22e71b259baae306ee2fa089cf9bfeb",
        "rule": "fac32d2ea4dea2d9990bab8f1ddc853ade3e5ac1601bc626c14e35b29c66ef2a",
    },
    hints={
        "rows": "One row per resource and rule it breaks. A public ACL is harmless when Block Public Access "
                "ignores public ACLs, and a Principal \"*\" policy limited by aws:PrincipalOrgID is not public.",
        "resourceId": "Check each rule on its own resource type: buckets (policy, ACL and Block Public Access "
                      "together), security groups (port 22 from 0.0.0.0/0), instances (metadataOptions) and "
                      "volumes (encrypted).",
        "rule": "Use the managed rule names exactly as written in the table of section 4.",
    },
)

# --- 6.9 which control catches it ------------------------------------------------------------

CONTROLS = ("restricted-ssh", "ec2-imdsv2-check", "encrypted-volumes", "root-account-mfa-enabled",
            "access-keys-rotated", "cloudtrail-enabled", "s3-bucket-public-read-prohibited",
            "Trusted Advisor: Exposed Access Keys")

# What each Config rule or Trusted Advisor check evaluates, shown for the control a learner chose where it
# does not fit.
_CONTROL_EXPLANATIONS = {
    "restricted-ssh": "The rule restricted-ssh evaluates security groups for SSH open to 0.0.0.0/0; it looks at "
                      "no key, user, instance setting or trail.",
    "ec2-imdsv2-check": "The rule ec2-imdsv2-check evaluates each instance's metadata options; it knows nothing "
                        "about keys, users or trails.",
    "encrypted-volumes": "The rule encrypted-volumes evaluates whether attached EBS volumes are encrypted; it "
                         "says nothing about credentials, instance metadata or logging.",
    "root-account-mfa-enabled": "The rule root-account-mfa-enabled looks only at the root user's MFA; access "
                                "keys, instances and trails are outside it.",
    "access-keys-rotated": "The rule access-keys-rotated compares each active access key's age with a maximum; "
                           "it cannot tell whether a key has been published, and it ignores the root user's MFA.",
    "cloudtrail-enabled": "The rule cloudtrail-enabled checks that the account has a trail; it evaluates no key, "
                          "user or instance.",
    "s3-bucket-public-read-prohibited": "The rule s3-bucket-public-read-prohibited evaluates buckets for public "
                                        "read access; it has nothing to say about credentials, instances or "
                                        "trails.",
    "Trusted Advisor: Exposed Access Keys": "Exposed Access Keys reports keys found in public code repositories; "
                                            "a key that never leaked, however old, and any setting of the account "
                                            "go unnoticed by it.",
}

WHICH_CONTROL = MappingMatch(
    id="6.9", title="Which Config rule or Trusted Advisor check catches it?", points=3,
    answer_name="answer_6_9",
    explanations=_CONTROL_EXPLANATIONS,
    parts=[
        Part("leaked_key", "cd43c2ec5f5b1c3e301471cf712515c87a6747663c8cf5c6500d80ae97be5a7c",
             "Reread the finding: where did the key end up, and can a Config rule see that place?",
             "a key pushed to a public repository", CONTROLS),
        Part("old_key", "05f1fb6ff1916ee4356a993c0256621bd5897cd50c599207b4134f777c713d67",
             "Reread the finding: has the key leaked, or is something else wrong with it?",
             "a key that has not been replaced for 400 days",
             CONTROLS),
        Part("root_mfa", "3c81164eab34ef0c65d204aea7a0b497b2ec18df612874ae0b0dfc6d5b6ecdce",
             "Reread the finding: which identity is it about?", "root user without MFA",
             CONTROLS),
        Part("imds", "eaae18848df5a6843ee1e47c7a637d6630fff3ce6a1db597a762dc4f3c10bc9e",
             "Reread the finding: which resource and which of its settings?",
             "instances that accept IMDSv1", CONTROLS),
        Part("no_trail", "c280f33a073ad49f91321c6d71ddfae654e2841a6253242a3aa014d59dbbb2a9",
             "Reread the finding: what is missing from the account?",
             "no trail in the account", CONTROLS),
    ],
)

# --- 6.10 the right governance service ------------------------------------------------------

SERVICES = ("AWS Control Tower", "AWS Service Catalog", "Systems Manager Session Manager",
            "Systems Manager Parameter Store", "AWS CloudFormation StackSets", "AWS Trusted Advisor")

# What each governance service is for, shown for the service a learner chose where it does not fit.
_SERVICE_EXPLANATIONS = {
    "AWS Control Tower": "Control Tower sets up and governs a whole multi-account landing zone; it does not let "
                         "users launch single products with a launch role, open shells, or store settings.",
    "AWS Service Catalog": "Service Catalog publishes approved products that users launch through a launch role; "
                           "it does not build a landing zone of accounts, open shell sessions or store settings.",
    "Systems Manager Session Manager": "Session Manager opens recorded shell sessions through the SSM Agent; it "
                                       "does not create accounts, launch products or store configuration values.",
    "Systems Manager Parameter Store": "Parameter Store keeps configuration values and small secrets; it creates "
                                       "no accounts, launches no products and opens no sessions.",
    "AWS CloudFormation StackSets": "StackSets deploys one template to many accounts and Regions; on its own it "
                                    "creates no log or audit accounts with ready-made controls, gives users no "
                                    "launch role, and opens no sessions.",
    "AWS Trusted Advisor": "Trusted Advisor only reports on an account against fixed best-practice checks; it "
                           "sets nothing up, launches nothing and stores nothing.",
}

WHICH_SERVICE = MappingMatch(
    id="6.10", title="Pick the governance service", points=2, answer_name="answer_6_10",
    explanations=_SERVICE_EXPLANATIONS,
    parts=[
        Part("landing_zone", "9ccd73d67392c23420d9f5d8f2368623472016369c4b2f9c57301707349fd57d",
             "Reread the need: what must exist on day one, and for how many accounts?",
             "a governed multi-account start",
             SERVICES),
        Part("self_service", "14e7f67349d68ce3a07b0a2b4cc097cb7aea2d79fb34903d000bd2e578a775f9",
             "Reread the need: which permissions do the data scientists lack, and what must they still be able to "
             "do?", "self-service of approved stacks",
             SERVICES),
        Part("shell_access", "289055f3db9380f27eb6d5af65a7913f9920e8434ead40da222cd1ff0cb2d20a",
             "Reread the need: what may not be opened, and what must be recorded?",
             "shell access without SSH", SERVICES),
        Part("config_values", "faeb6066a463badc4c48f0eaa3ba16675f0bf2e6f696c74d90f6a261d026a78e",
             "Reread the need: what is stored, and what is not needed?",
             "application settings and a few secrets", SERVICES),
    ],
)

register(SERVICE_ROLE, ATTACKER, NO_MFA, BURST, STOLEN_CREDS, METRIC_FILTER, ALARM_PERIODS, NONCOMPLIANT,
         WHICH_CONTROL, WHICH_SERVICE)
