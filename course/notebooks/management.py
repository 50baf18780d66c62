"""Exercises of notebook 06, Management & Governance (CloudTrail, CloudWatch, Config, CloudFormation, ...).

Twelve questions, numbered in reading order. Most are graded against ground truth computed from real CloudTrail
(the Stratus Red Team dataset of Invictus IR and the OTRF "cloud bank breach") or from the generated Config
snapshot:

- 6.1 the attacker's principal, source IP and first call in the Stratus CloudTrail;
- 6.2 the error burst that reveals enumeration;
- 6.3 EC2 instance credentials used from outside EC2 (OTRF);
- 6.4 a function that finds console logins without MFA, graded on real and unseen data;
- 6.5 a CloudWatch metric filter written as a pandas function, graded on real and unseen data;
- 6.6 how many 5-minute periods breach the alarm built on that filter;
- 6.7 who can use a CloudFormation stack's service role (multiple choice);
- 6.8 the non-compliant resources of a Config snapshot, and the managed rule each breaks;
- 6.9 which Config rule or Trusted Advisor check catches a misconfiguration;
- 6.10 the governance service for a scenario;
- 6.11 an identity policy that reads production parameters only, pinned by Parameter Store's encryption context
  (graded by ``course.iam``);
- 6.12 which API Gateway log (access, execution, CloudTrail, AWS WAF) answers a question.

Until December 2026 they were numbered out of reading order (old -> new: 6.2 -> 6.1, 6.4 -> 6.2, 6.5 -> 6.3,
6.3 -> 6.4, 6.6 -> 6.5, 6.7 -> 6.6, 6.1 -> 6.7); keys are salted with the id, so they were regenerated.

Answer keys are salted hashes; unseen cases are generated from fixed seeds in :func:`signin_cases` and
:func:`unauthorized_cases`.
"""

from __future__ import annotations

import numbers
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from course.exercises.keys import make_key
from course.exercises.kinds.choice import MultipleChoice, order_per_learner
from course.exercises.kinds.logs import (
    DetectorMatch,
    DetectorVariants,
    TimedMapping,
    event_describer,
    event_ids,
    run_detector,
)
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part, TableMatch, ValueMatch, table_keys
from course.exercises.registry import register
from course.exercises.variants import Scenario, VariantFamily

__all__ = ["run_detector", "signin_cases", "unauthorized_cases"]

# --- 6.7 CloudFormation service role ------------------------------------------------------------

SERVICE_ROLE = order_per_learner(MultipleChoice(
    id="6.7", title="Who can use a stack's service role?", points=3, answer_name="answer_6_7",
    options={
        "A": "Dana can add an IAM user with administrator rights to the stack's template and update the stack; "
             "CloudFormation creates the user with the service role's permissions",
        "B": "Dana cannot update the stack at all, because she lacks `iam:PassRole` on `cfn-network-admin`",
        "C": "Because Dana has no IAM permissions of her own, the stack cannot be used to change IAM",
        "D": "A Deny for Dana on `cloudformation:UpdateStack`, `cloudformation:CreateChangeSet` and "
             "`cloudformation:ExecuteChangeSet` with the stack's ARN "
             "(`arn:aws:cloudformation:eu-west-1:111122223333:stack/network-baseline/*`) as the resource closes the "
             "path for her",
        "E": "To create a new stack that uses `cfn-network-admin`, Dana would need `iam:PassRole` on that role",
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
        "A": "c81bd256687a675a38835c615f1612600d4a356bcf08bd83e2b83289100a3f8a",
        "B": "83814d6e3f0bd99810c27c93d64c039835edf09760becfcf178c642e9eb04eae",
        "C": "ace6a42b424316a6da87ebed77649d1490722a4e48c364f1d8b8163578ed345f",
        "D": "98e2d98816bafbc47dfc9eeb2e138662a3b846ce2b17cbe70ef6931d955d86bb",
        "E": "82e9cb97c07b333db39b576e333bc22413f67ddff0f75a133cae34835052bcaa",
    },
))

# --- 6.1 attacker's principal and IP --------------------------------------------------------------

ATTACKER = TimedMapping(
    id="6.1", title="Find the attacker in the Stratus CloudTrail", points=3, answer_name="answer_6_1",
    time_parts=("first_call",),
    parts=[
        Part("principal", "2a634fa6e88ba37c7cd8cd500a720f061f458bc340007f1bb3f91c1e2671717f",
             "Role sessions named stratus-red-team-... were started by someone: name the long-term identity "
             "whose user agent carries the tool's marker on most calls (userIdentity.arn of an IAM user).",
             "principal: the IAM identity that ran the tool"),
        Part("source_ip", "5697b52af77e34d6599eda89451ff3a07ab3d51a1f43ccfa4c05b57e7d4c361e",
             "Look at sourceIPAddress of the tool's calls, not of the same user's other activity: one address "
             "belongs to a console sign-in with MFA later on.",
             "source_ip: where the tool's calls came from"),
        Part("first_call", "ae67d522020f13ea9640de6cdc764d7bbcaee277dee35d7f1dbecdaf472cb376",
             "Take the earliest eventTime of an event whose userAgent contains the tool's marker "
             "(stratus-red-team_), over all principals.",
             "first_call: time of the first call carrying the tool's marker"),
    ],
)

# --- 6.4 console logins without MFA (a function, graded on unseen data) ------------------------

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
    """Inputs of 6.4: the Stratus CloudTrail, AWS's sign-in examples, and three generated logs."""
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
    "stratus": "982b49cebd20d461cd49ee69b8117cbda717a74ed568ecfbadb0d5d667b31686",
    "aws_docs_examples": "2a3fc6628a3f02db9ec81f3ac501aeaef1a582c8fca1a4a6d96f2f915eba74c1",
    "unseen_1": "fe727f4d9d25412395b0736d8865f6a2dab47e5e53ae48147a367e00f6851218",
    "unseen_2": "f4f01c11c6934e936f338d2faa4b3d4ab18a113f9f261bf779c077c2b4fcf444",
    "unseen_3": "00c7e80b9bf60eeb4f66de2402c9e6dcea736eda38a2e9aa486429fac4c13d1f",
}

# Item keys (course.exercises.kinds.logs.item_key) of what the rule catches on each case, so that a wrong case's
# hint can say what the function missed and what it flagged wrongly; tests check them against the case keys.
_MFA_ITEMS = {
    "stratus": ("f7de31af3f120c44",),
    "aws_docs_examples": ("b00eb3c83e90768b", "48ec6d49b19a7066"),
    "unseen_1": (
        "fcaf8d3729606ebc", "724311ef50e2db3b", "0fc9a4aac2336844", "e5b4c0406e1eccdd", "787eeefd02bc1540",
        "dc15388b593815e5", "bc78dffc46150660", "e23c81f1ef7c4300",
    ),
    "unseen_2": (
        "6103caa0d65babca", "1b5dbbceffc6ce73", "8a084b51c77af908", "dfc88c6e16de500b", "f8b378b6cc9f5c97",
        "cc9baadaa552640b",
    ),
    "unseen_3": (
        "ef649de166c39ba5", "07d872e1f97c960c", "87d04f09ff05d1cf", "66ed5ceaef125843", "d3704f85093a8162",
    ),
}

_NO_MFA = DetectorMatch(
    id="6.4", title="A function that finds console logins without MFA", points=4, answer_name="answer_6_4",
    cases=signin_cases, to_value=event_ids, item_keys=_MFA_ITEMS,
    describe_item=event_describer("eventName", "userIdentity.type", "responseElements.ConsoleLogin",
                                  "additionalEventData.MFAUsed"),
    returns="a DataFrame holding the matching rows of its input (with the eventID column)",
    parts=[Part(name, _MFA_KEYS[name], hint, f"the right logins on {name.replace('_', ' ')}")
           for name, hint in _MFA_HINTS.items()],
)

# --- 6.2 the error burst ------------------------------------------------------------------------

BURST = MappingMatch(
    id="6.2", title="The error burst that reveals enumeration", points=3, answer_name="answer_6_2",
    casefold=False,
    parts=[
        Part("principal", "677cb532169531ef667ecdf8c2aa2835bb8934131229564ccfe5dc377b7107e3",
             "The biggest authorization burst comes from a role session, not from the IAM user: group the "
             "authorization failures by userIdentity.arn.", "principal: who made the failing calls"),
        Part("event_name", "665d843e2b99daf4fdceee8ba54c162df1b82cd7c39a5ac40cd8b191278e495e",
             "ThrottlingException means too many calls too fast, not missing permissions; an enumeration "
             "burst is made of authorization failures.", "event_name: the API the burst tried"),
        Part("error_code", "911386958eb564b07a5340c80d0e452f8f411e55d06711e5b97019e926f31129",
             "EC2 spells its authorization failure differently from IAM's AccessDenied; copy the errorCode "
             "exactly.", "error_code: the error returned"),
        Part("calls", "578d01ed8166b7ca58c43f15cb1d0c8b2c4b21f13790621e0fca95fb9aa4dae4",
             "Count the failed calls of that principal and API with that error (all of them, over the whole "
             "log).", "calls: how many failed calls"),
    ],
)

# --- 6.3 instance credentials used outside EC2 (OTRF) ------------------------------------------

STOLEN_CREDS = MappingMatch(
    id="6.3", title="Instance credentials used from outside EC2", points=3, answer_name="answer_6_3",
    parts=[
        Part("principal", "0e69b7973d85d9cad3cd5145ddcfdde9c0d34a4450db73a1640270363bb82424",
             "The stolen credentials belong to an EC2 role session: an assumed-role ARN whose session name is an "
             "instance ID, not the console user.", "principal: the session whose credentials were stolen"),
        Part("instance_id", "1ceb983a87f38d89aeee588980f4a0f0eb1e7d588144969aa0fef3775fbfd304",
             "For instance-profile credentials, CloudTrail uses the instance ID as the role session name.",
             "instance_id: the instance they were taken from"),
        Part("imds_version", "ef2a79c5f4fc947006faf455f9578db8b58f9e42e29bdc9cc2a51f6847e9f09e",
             "The field userIdentity.sessionContext.ec2RoleDelivery tells which instance metadata service version "
             "delivered the credentials.", "imds_version: how the credentials left the instance",
             ("IMDSv1", "IMDSv2")),
        Part("client_os", "174d2aba821d59549fd6dac35ab201859192b1d500c2caaa2a40cf00b704675f",
             "The addresses are anonymised in this dataset, so read the userAgent: which operating system "
             "does the CLI report?", "client_os: the operating system the calls came from"),
    ],
)

# --- 6.5 a metric filter as a pandas function, and 6.6 its alarm -----------------------------

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
    """Inputs of 6.5: the Stratus and OTRF CloudTrail, and two generated logs."""
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
    "stratus": "5ae6939f8cfd9cf3d6422a37b704e59cd9b3a830dccb4e8cee41c45893e33162",
    "otrf": "e6e83b3690c71b85c556b7aa165c16d0787d25b74a59ed002c9b2cac4992434e",
    "unseen_1": "9eb60cd90e3e6441a1c97822e1dc1bfa281475d48e8406a41af351af46eafdd4",
    "unseen_2": "e494964c9851f884420d1e45f7e8c36bbcb7a3efb42b5a3bfa0e29380da8535d",
}

# Item keys (course.exercises.kinds.logs.item_key) of what the rule catches on each case, so that a wrong case's
# hint can say what the function missed and what it flagged wrongly; tests check them against the case keys.
_FILTER_ITEMS = {
    "stratus": (
        "a01fa474aae987ed", "642a9930caaebbb8", "120198825cc2a059", "d83c1b6a703c1797", "904c212d9769e4aa",
        "6d88d824fee29ebf", "c6dd72fecd8b1d0c", "5f3dae2b2f6c5b7f", "faa19190d3ee80b1", "5e8032bb09a45e56",
        "2fcaf3b4f6dffa91", "70a86d4897e6d22d", "4db81f3348f2da39", "707efcee15864e9c", "22ed0f66ef579117",
        "5e9437d1d0ae38ea", "f8cf7cb6d3b0a0a9", "7afa9d3cfdb1dd27", "acac8fdb1c60c74a", "48693f935dcba106",
        "b362c407ba08710d", "72cac6a0add99914", "8eb509ce6356ba23", "43733709a74ad346", "370b9aea291d184c",
        "c78c75c412792990", "895acce297ea840f", "c5c812da7e049959", "febb774bb3f9451a", "a01e835edc360899",
        "d43d6f29db30fa46", "5dc8a87c93184f1a", "a2ce6b451f117383", "dcad64cfbf1770f5", "98a1c4618086301f",
        "e0c3a417e312c5fe", "e039f48cf023e0cd", "2a59fee2b4418426", "97c8f77bedfc7e29", "da78a210b0f5a949",
        "54571714f50d6132", "d5e762cc36220594", "ebce4d9b17d3a459", "3e5434ab86149b57", "44cb7c47781e3fc8",
        "3ad5a08afa53ed06", "4ce57a09dfd36a22", "213b8c40ca75e805", "73d0c2f8a2b6f0c0", "6200fe7fa6c1999c",
        "e0b6a4e314624c07", "153f86450b8fb019", "a8297b8774c6e325", "989292ff52e0ba23", "318571c71d5c6b22",
        "45192ab6ce0b48b9", "09bb7c3e482377a3", "5639c4a944601ee8", "872484e6b58cd01d", "b3d7c9f988c31058",
    ),
    "otrf": (),
    "unseen_1": (
        "7ae6d17b7097e6a9", "a19593dce240a206", "eb01c7b29d14eec8", "18a82e4240c1b3dc", "c88a3522195c9e86",
        "69cd42be22e55e62", "1364cad0ee195e60", "32231802878a85a1",
    ),
    "unseen_2": (
        "231ca34677581ea9", "ac8f82d83d2c01ed", "35016777533f8572", "e9088b060cece5ff", "a29545e3e23285a8",
        "53706ea92f213996",
    ),
}

_METRIC_FILTER = DetectorMatch(
    id="6.5", title="A CloudWatch metric filter in pandas", points=4, answer_name="answer_6_5",
    cases=unauthorized_cases, to_value=event_ids, item_keys=_FILTER_ITEMS,
    describe_item=event_describer("eventName", "errorCode"),
    returns="a DataFrame holding the matching rows of its input (with the eventID column)",
    parts=[Part(name, _FILTER_KEYS[name], hint, f"the right events on {name.replace('_', ' ')}")
           for name, hint in _FILTER_HINTS.items()],
)

_ALARM_PERIODS = ValueMatch(
    id="6.6", title="How often would the alarm fire?", points=2, answer_name="answer_6_6",
    key="75510740c89cff1746e9040bc63f714680da5899245ffd1db0e6fd4f41420a39", expected_type=numbers.Integral,
    description="the number of 5-minute periods whose sum reaches the threshold",
    hint="Count matching events per 5-minute period aligned on the clock (12:00, 12:05, ...), then count the "
         "periods whose sum is at least 10: 'reaches' includes equal to the threshold.",
)

# --- per-learner variants of 6.6 and 6.8 (issue #19) -------------------------------------------------------
# The default scenario (no identity: tests, the instructor's notebook) is the authored question on the Stratus
# CloudTrail (6.6) and the course's generated Config snapshot (6.8). A learner's scenario has its own generated
# data: an afternoon of CloudTrail with its own enumeration bursts, alarm period and threshold (6.6), and a
# Config snapshot with its own resources and misconfigurations (6.8).


def _about(text: str, hidden: bool = False) -> dict:
    return {"about": text, "hidden": hidden}


# calls an enumeration burst makes, with the authorization error each service returns
_ENUMERATION = [("ec2.amazonaws.com", "DescribeInstances", "Client.UnauthorizedOperation"),
                ("ec2.amazonaws.com", "DescribeSnapshots", "UnauthorizedOperation"),
                ("iam.amazonaws.com", "ListRoles", "AccessDenied"),
                ("s3.amazonaws.com", "GetBucketPolicy", "AccessDenied"),
                ("kms.amazonaws.com", "ListKeys", "AccessDeniedException")]


def alarm_records(seed: int, threshold: int) -> list[dict]:
    """Four hours of an account's CloudTrail: background calls (a few failing, with matching and look-alike
    errors) and three to ten enumeration bursts of about ``threshold`` failures each, some split by a period's
    end."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 2, 13, 0, tzinfo=UTC) + timedelta(days=rng.randint(0, 200))
    records = []
    second = 0
    while second < 4 * 3600:
        second += rng.randint(15, 90)
        error = rng.choice(_ERRORS) if rng.random() < 0.2 else None
        source, name, _ = rng.choice(_ENUMERATION)
        records.append(_record(rng, start + timedelta(seconds=second), name, _identity(rng), source=source,
                               error=(error, "generated") if error else None))
    for _ in range(rng.randint(3, 10)):
        at = rng.randint(0, 4 * 3600 - 240)
        identity = _identity(rng)
        source, name, error = rng.choice(_ENUMERATION)
        for n in range(rng.randint(max(2, threshold - 3), threshold * 2)):
            records.append(_record(rng, start + timedelta(seconds=at + 2 * n + rng.randint(0, 1)), name, identity,
                                   source=source, error=(error, "generated")))
    for record in records:
        if record.get("errorCode") is None:
            record.pop("errorCode", None)
            record.pop("errorMessage", None)
    return sorted(records, key=lambda r: (r["eventTime"], r["eventID"]))


@dataclass(frozen=True, repr=False)
class AlarmScenario(Scenario):
    """Question 6.6's values: the alarm's period and threshold, and the seed of the learner's CloudTrail."""

    period_minutes: int = field(default=5, metadata=_about("the alarm's period, in minutes"))
    threshold: int = field(default=10, metadata=_about("the alarm fires when a period's Sum is at least this"))
    data_seed: int = field(default=0, kw_only=True, metadata=_about("the seed of your CloudTrail", hidden=True))

    def events(self) -> Any:
        """Your CloudTrail for this question (the Stratus CloudTrail in the default scenario)."""
        from course import data

        if self.data_seed == 0:
            return data.stratus_cloudtrail()
        return data.cloudtrail_frame(alarm_records(self.data_seed, self.threshold),
                                     f"your generated CloudTrail (seed {self.data_seed})")

    def extra_text(self) -> str:
        return "  v.events(): your own CloudTrail for this question (a DataFrame)"

    def extra_html(self) -> str:
        return "<p><code>v.events()</code> gives your own CloudTrail for this question (a DataFrame).</p>"


def alarm_scenario(seed: int) -> AlarmScenario:
    rng = random.Random(seed)
    return AlarmScenario(period_minutes=rng.choice((1, 5, 10)), threshold=rng.randint(5, 15),
                         data_seed=rng.randint(1, 2**31))


def _matches_filter(events: Any) -> Any:
    """The unauthorized-API-calls metric filter of 6.5 (the rule, for computing a variant's answer)."""
    code = events["errorCode"].fillna("")
    return events[code.str.endswith("UnauthorizedOperation") | code.str.startswith("AccessDenied")]


def alarm_answer(v: AlarmScenario) -> int:
    """How many of ``v``'s periods reach its threshold (the model answer of a variant of 6.6)."""
    per_period = _matches_filter(v.events()).set_index("eventTime").resample(f"{v.period_minutes}min").size()
    return int((per_period >= v.threshold).sum())


def alarm_question(v: AlarmScenario) -> ValueMatch:
    if v == AlarmScenario():
        return _ALARM_PERIODS
    p, t = v.period_minutes, v.threshold
    return ValueMatch(
        id="6.6", title=_ALARM_PERIODS.title, points=2, answer_name="answer_6_6",
        key=make_key("6.6", alarm_answer(v)), expected_type=numbers.Integral,
        description=f"the number of {p}-minute periods whose sum reaches the threshold",
        hint=f"Count matching events per {p}-minute period aligned on the clock, then count the periods whose sum "
             f"is at least {t}: 'reaches' includes equal to the threshold.")


ALARM_PERIODS = VariantFamily(AlarmScenario(), alarm_scenario, alarm_question, alarm_answer).registered()



@dataclass(frozen=True, repr=False)
class UnseenLogsScenario(Scenario):
    """Questions 6.4 and 6.5 vary only in the generated logs the function is graded on (the rule itself is a
    fixed standard: MFAUsed, the CIS metric filter): the seed of the learner's own unseen logs."""

    data_seed: int = field(default=0, kw_only=True, metadata=_about("the seed of your unseen logs", hidden=True))

    def rows(self) -> list[tuple[str, str, str]]:
        return []

    def extra_text(self) -> str:
        return "  (no values: your function is graded on the real logs and on unseen logs generated for you alone)"

    def extra_html(self) -> str:
        return f"<p>{self.extra_text().strip()}</p>"


def _unseen_scenario(seed: int) -> UnseenLogsScenario:
    return UnseenLogsScenario(data_seed=seed % 2**31 + 1)


def _unseen_days(v: UnseenLogsScenario, n: int) -> int:
    """The seed of a learner's n-th unseen log (it also shifts the log's date, so it stays below 1100 days)."""
    return 100 + (v.data_seed * 7 + n * 331) % 997


def signin_variant_cases(v: UnseenLogsScenario) -> dict:
    """A learner's cases of 6.4: the real logs, and three sign-in logs generated for them."""
    from course import data

    authored = _NO_MFA._inputs()
    cases = {name: authored[name] for name in ("stratus", "aws_docs_examples")}
    for n in (1, 2, 3):
        seed = _unseen_days(v, n)
        cases[f"unseen_{n}"] = data.cloudtrail_frame(_signin_records(seed), f"generated sign-in events {seed}")
    return cases


def mfa_rule(v: UnseenLogsScenario):
    """The rule of 6.4 (the same for every learner)."""

    def logins_without_mfa(events):
        logins = events[(events["eventName"] == "ConsoleLogin")
                        & (events["responseElements.ConsoleLogin"] == "Success")]
        mfa = logins["additionalEventData.MFAUsed"].fillna("no").str.lower()
        return logins[mfa != "yes"]

    return logins_without_mfa


def unauthorized_variant_cases(v: UnseenLogsScenario) -> dict:
    """A learner's cases of 6.5: the real logs, and two API logs generated for them."""
    from course import data

    authored = _METRIC_FILTER._inputs()
    cases = {name: authored[name] for name in ("stratus", "otrf")}
    for n in (1, 2):
        seed = _unseen_days(v, n)
        cases[f"unseen_{n}"] = data.cloudtrail_frame(_api_records(seed), f"generated API events {seed}")
    return cases


NO_MFA = DetectorVariants(_NO_MFA, UnseenLogsScenario(), _unseen_scenario, signin_variant_cases,
                          mfa_rule).registered()
METRIC_FILTER = DetectorVariants(_METRIC_FILTER, UnseenLogsScenario(), _unseen_scenario,
                                 unauthorized_variant_cases, lambda v: _matches_filter).registered()

# --- 6.8 the Config snapshot ------------------------------------------------------------------

_NONCOMPLIANT = TableMatch(
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



@dataclass(frozen=True, repr=False)
class SnapshotScenario(Scenario):
    """Question 6.8's values: the seed of the learner's Config snapshot (0: the course's generated file)."""

    data_seed: int = field(default=0, kw_only=True, metadata=_about("the seed of your snapshot", hidden=True))

    def snapshot(self) -> Any:
        """Your Config snapshot for this question (a DataFrame like ``data.config_snapshot()``)."""
        from course import data
        from course.generate import learner_config_snapshot

        if self.data_seed == 0:
            return data.config_snapshot()
        return data.config_frame(learner_config_snapshot(self.data_seed)[0], "your Config snapshot")

    def rows(self) -> list[tuple[str, str, str]]:
        return [("snapshot()", "a DataFrame", "your own Config snapshot for this question")]


def snapshot_truth(v: SnapshotScenario) -> Any:
    """The non-compliant resources of ``v``'s snapshot and the rule each breaks (the generator's ground truth)."""
    import pandas as pd

    from course.generate import GROUND_TRUTH, learner_config_snapshot

    if v.data_seed == 0:
        rows = sorted(GROUND_TRUTH["config"].items())
    else:
        rows = learner_config_snapshot(v.data_seed)[1]
    return pd.DataFrame(rows, columns=["resourceId", "rule"])


def snapshot_question(v: SnapshotScenario) -> TableMatch:
    if v == SnapshotScenario():
        return _NONCOMPLIANT
    return TableMatch(id="6.8", title=_NONCOMPLIANT.title, points=4, answer_name="answer_6_8",
                      columns=["resourceId", "rule"], hints=_NONCOMPLIANT.hints,
                      **table_keys("6.8", snapshot_truth(v), ["resourceId", "rule"]))


NONCOMPLIANT = VariantFamily(SnapshotScenario(), lambda seed: SnapshotScenario(data_seed=seed % 2**31 + 1),
                             snapshot_question, snapshot_truth).registered()

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

# --- 6.11 a Parameter Store reader pinned by the encryption context (graded by course.iam) --------

ACCOUNT_ID = "111122223333"
SSM_REGION = "eu-west-1"
APP_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/shop-prod-app"
PARAMETER_KEY = f"arn:aws:kms:{SSM_REGION}:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VIA_SSM = f"ssm.{SSM_REGION}.amazonaws.com"


def parameter_arn(name: str, *, account: str = ACCOUNT_ID, region: str = SSM_REGION) -> str:
    """The ARN of the parameter ``name`` (which starts with a slash), as IAM and the encryption context see it."""
    return f"arn:aws:ssm:{region}:{account}:parameter{name}"


def app_call(action: str, resource: str, **context: str | list[str]) -> dict:
    """A call by the application's role session, over TLS, as ``course.iam`` sees it."""
    return {"principal": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/shop-prod-app/i-0a1b2c3d4e5f67890",
            "principalAccount": ACCOUNT_ID, "action": action, "resource": resource, "resourceAccount": ACCOUNT_ID,
            "context": {"aws:PrincipalArn": APP_ROLE, "aws:PrincipalAccount": ACCOUNT_ID,
                        "aws:PrincipalType": "AssumedRole", "aws:SecureTransport": "true",
                        "aws:RequestedRegion": SSM_REGION, **context}}


def decrypt_for(name: str | None, *, via_ssm: bool = True, account: str = ACCOUNT_ID) -> dict:
    """kms:Decrypt of the parameter ``name``'s value (Parameter Store puts its ARN in the encryption context)."""
    context: dict[str, str | list[str]] = {"kms:EncryptionContextKeys": ["PARAMETER_ARN"]} if name else {}
    if name:
        context["kms:EncryptionContext:PARAMETER_ARN"] = parameter_arn(name, account=account)
    if via_ssm:
        context["kms:ViaService"] = VIA_SSM
    return app_call("kms:Decrypt", PARAMETER_KEY, **context)


# The key's policy is AWS's default one: it lets the account's IAM policies decide who may use the key.
DEFAULT_KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "EnableIamPolicies", "Effect": "Allow",
                   "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "kms:*", "Resource": "*"}],
}
_KEY = {"resource": DEFAULT_KEY_POLICY}

PARAMETER_READER = PolicyExercise(
    id="6.11", title="Read production parameters, and only those", points=4, answer_name="answer_6_11",
    slot="identity",
    # IAM010: a service-wide action such as ssm:* or kms:*; IAM005: write actions on Resource "*".
    lint_forbidden=["IAM010", "IAM005"],
    cases=[
        PolicyCase("the application reads /shop/prod/db/password",
                   app_call("ssm:GetParameter", parameter_arn("/shop/prod/db/password")), True,
                   "The application must be able to read the parameters under /shop/prod/."),
        PolicyCase("the application reads several /shop/prod/ parameters in one call",
                   app_call("ssm:GetParameters", parameter_arn("/shop/prod/api/token")), True,
                   "GetParameters is its own action: the application reads its settings in batches too."),
        PolicyCase("Parameter Store decrypts /shop/prod/db/password for the application",
                   decrypt_for("/shop/prod/db/password"), True, "Reading a SecureString also needs kms:Decrypt on "
                   "its key, asked for by Parameter Store on the caller's behalf.", _KEY),
        PolicyCase("the application cannot read /shop/dev/db/password",
                   app_call("ssm:GetParameter", parameter_arn("/shop/dev/db/password")), False,
                   "Scope the Parameter Store actions to the /shop/prod/ path, not every parameter of the account."),
        PolicyCase("Parameter Store cannot decrypt /shop/dev/db/password for the application",
                   decrypt_for("/shop/dev/db/password"), False,
                   "The same key encrypts other teams' parameters: a kms:Decrypt that only names the key decrypts "
                   "them all. Pin kms:EncryptionContext:PARAMETER_ARN to the /shop/prod/ parameters.", _KEY),
        PolicyCase("Parameter Store cannot decrypt /hr/payroll/api-key for the application",
                   decrypt_for("/hr/payroll/api-key"), False,
                   "The same key encrypts other teams' parameters: the key ARN alone does not say which "
                   "parameter a Decrypt is for; its encryption context does.", _KEY),
        PolicyCase("the application cannot call kms:Decrypt directly, outside Parameter Store",
                   decrypt_for("/shop/prod/db/password", via_ssm=False), False,
                   "The caller supplies the encryption context itself, so anyone holding a ciphertext can claim "
                   "a production PARAMETER_ARN; require kms:ViaService so that only Parameter Store's own calls "
                   "count.", _KEY),
        PolicyCase("the application cannot change /shop/prod/db/password",
                   app_call("ssm:PutParameter", parameter_arn("/shop/prod/db/password")), False,
                   "The application only reads its settings; grant no write action."),
    ],
)
# --- 6.12 which API Gateway log answers the question -------------------------------------------

API_LOGS = ("access log", "execution log", "CloudTrail", "AWS WAF log")

# What each log holds, shown for the log a learner chose where it does not fit.
_API_LOG_EXPLANATIONS = {
    "access log": "An access log has one line per request in the format you chose from $context variables (caller, "
                  "source IP, status, latency, request ID); it says nothing about how API Gateway processed the "
                  "request inside, and nothing about changes to the API itself.",
    "execution log": "An execution log is API Gateway's own trace of processing each request (authorizer, integration, "
                     "mapping, errors; payloads only with data tracing); it is for debugging, not an audit of who "
                     "changed the API's configuration.",
    "CloudTrail": "CloudTrail records calls to API Gateway's management API (creating, deploying, changing "
                  "stages), not the requests that clients send to your API.",
    "AWS WAF log": "A web ACL's log shows the requests AWS WAF inspected and the rule that matched; requests it let "
                   "through are then processed, and logged, by API Gateway itself.",
}

API_GATEWAY_LOGS = MappingMatch(
    id="6.12", title="Which API Gateway log answers the question?", points=3, answer_name="answer_6_12",
    explanations=_API_LOG_EXPLANATIONS,
    parts=[
        Part("who_called", "78787f1a256aa4436d7b4264746c44d9e9009c31b5a5faab124f25e8db583cbd",
             "Reread the question: is it about one request's processing, or about every caller and its result?",
             "which source IPs and callers sent requests to the prod stage, with status and latency", API_LOGS),
        Part("mapping_error", "5b12cd44cc195745ebe3618970a99565a80de8d7aa7f9c6665006fe7f51e4a6e",
             "Reread the question: the answer is inside API Gateway's own processing of the request.",
             "why requests fail with 500 after the integration answered", API_LOGS),
        Part("stage_logging_off", "b9a466b0af3b3f246c1adabce3ef684e887ee3f957c7224340371c794c9c460f",
             "Reread the question: it is about a change to the API's configuration, not about a request to the API.",
             "who switched off logging on the prod stage yesterday", API_LOGS),
        Part("authorizer_denied", "0bbbbd07dd9e2c463943138586e55bdba6cee2885d6829248b0c46b802eff37c",
             "Reread the question: the Lambda authorizer's output is part of how the request was processed.",
             "what the Lambda authorizer returned for a request it refused", API_LOGS),
        Part("waf_blocked", "f2e5f0d3882c3aba513f7c1013e2b97af892099e3c6503a81c32bd423c6fa50d",
             "Reread the question: these requests were stopped before API Gateway processed them.",
             "which rule stopped the SQL-injection attempts in front of the API", API_LOGS),
    ],
)

register(ATTACKER, BURST, STOLEN_CREDS, NO_MFA, METRIC_FILTER, ALARM_PERIODS, SERVICE_ROLE, NONCOMPLIANT,
         WHICH_CONTROL, WHICH_SERVICE, PARAMETER_READER, API_GATEWAY_LOGS)
