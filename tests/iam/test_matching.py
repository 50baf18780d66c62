"""Action / NotAction / Resource / NotResource matching.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
"""

import pytest

from course.iam.matching import GlobSet, arn_match, glob_match

from .helpers import ALICE, OBJ, allow, decide, deny, pol


@pytest.mark.parametrize(("pattern", "action", "expected"), [
    ("s3:GetObject", "s3:GetObject", True),
    ("s3:getobject", "S3:GETOBJECT", True),          # actions are case-insensitive
    ("s3:Get*", "s3:GetObjectAcl", True),
    ("s3:Get*", "s3:PutObject", False),
    ("iam:*AccessKey*", "iam:CreateAccessKey", True),  # example from the Action element page
    ("s3:?etObject", "s3:GetObject", True),
    ("s3:?etObject", "s3:GGetObject", False),
    ("*", "ec2:RunInstances", True),
    ("s3:*", "s3express:CreateSession", False),
])
def test_action_patterns(pattern: str, action: str, expected: bool) -> None:
    assert decide(action=action, identity=[pol(allow(pattern))]) == ("Allow" if expected else "ImplicitDeny")


def test_action_list_is_ored() -> None:
    p = pol(allow(["sqs:SendMessage", "s3:GetObject"]))
    assert decide(identity=[p]) == "Allow"


def test_resource_is_case_sensitive() -> None:
    assert decide(identity=[pol(allow(resource="arn:aws:s3:::Example-Bucket/*"))]) == "ImplicitDeny"
    assert decide(identity=[pol(allow(resource="arn:aws:s3:::example-bucket/*"))]) == "Allow"


def test_resource_wildcards_span_slashes_and_question_mark() -> None:
    assert decide(identity=[pol(allow(resource="arn:aws:s3:::example-*/*"))]) == "Allow"
    assert decide(identity=[pol(allow(resource="arn:aws:s3:::example-bucket/reports/q?.csv"))]) == "Allow"
    assert decide(identity=[pol(allow(resource="arn:aws:s3:::example-bucket/reports/q??.csv"))]) \
        == "ImplicitDeny"


def test_notaction_allow_everything_except() -> None:
    """NotAction with Allow: everything except the listed actions (NotAction page example)."""
    p = pol({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert decide(identity=[p]) == "Allow"
    assert decide(action="iam:CreateUser", resource="*", identity=[p]) == "ImplicitDeny"


def test_notaction_deny_everything_except() -> None:
    p = pol(allow("*"), {"Effect": "Deny", "NotAction": ["s3:GetObject"], "Resource": "*"})
    assert decide(identity=[p]) == "Allow"
    assert decide(action="s3:PutObject", identity=[p]) == "ExplicitDeny"


def test_notresource() -> None:
    p = pol({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})
    assert decide(identity=[p]) == "Allow"
    assert decide(resource="arn:aws:s3:::secret/x", identity=[p]) == "ImplicitDeny"
    d = pol(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::example-bucket/*"})
    assert decide(identity=[d]) == "Allow"
    assert decide(resource="arn:aws:s3:::other/x", identity=[d]) == "ExplicitDeny"


def test_glob_helpers() -> None:
    assert glob_match("a*c", "abbbc") and not glob_match("a*c", "abbb")
    assert glob_match("A*", "abc", ignore_case=True)
    gs = GlobSet(("s3:Get*", "sqs:SendMessage"), ignore_case=True)
    assert gs.matches("S3:GETOBJECT") and gs.matches("sqs:sendmessage") and not gs.matches("s3:Put")
    assert gs.first_match("s3:GetObject") == "s3:Get*"


def test_arn_match_is_per_segment() -> None:
    assert arn_match("arn:aws:iam::*:role/admin-*", "arn:aws:iam::111122223333:role/admin-x")
    assert not arn_match("arn:aws:iam::*:role/admin-*", "arn:aws:iam::111122223333:user/admin-x")
    assert not arn_match("arn:aws:iam::*", "arn:aws:iam::1:role/x")  # too few segments
    assert arn_match("*", "anything")


def test_single_statement_object_and_principal_user() -> None:
    doc = {"Version": "2012-10-17", "Statement": allow()}
    assert decide(ALICE, "s3:GetObject", OBJ, identity=[doc]) == "Allow"
    assert decide(identity=[pol(allow(), deny("s3:Get*"))]) == "ExplicitDeny"
