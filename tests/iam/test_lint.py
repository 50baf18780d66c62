"""Lint findings catalogue and rules."""

import json

import pytest

from course.iam import Finding, lint
from course.iam.lint import catalogue, lint_question

from .helpers import allow, deny, pol


def ids(findings: list[Finding]) -> set[str]:
    return {f.id for f in findings}


def test_catalogue_is_data_with_required_fields() -> None:
    cat = catalogue()
    assert len(cat) >= 15
    for fid, entry in cat.items():
        assert fid == entry["id"] and entry["severity"] in ("error", "warning", "info")
        assert entry["title"] and entry["explanation"] and entry["name"]


def test_clean_policy_has_no_findings() -> None:
    p = pol({"Sid": "Read", **allow(["s3:GetObject"], "arn:aws:s3:::b/*")})
    assert lint(p) == []


@pytest.mark.parametrize(("policy", "expected"), [
    ("{not json", "IAM001"),
    (pol({"Effect": "Allow", "Action": "s3:*"}), "IAM001"),
    (pol(allow(Condition={"StringEqual": {"k": "v"}})), "IAM002"),
    (pol({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), "IAM003"),
    (pol(allow(Principal="*")), "IAM004"),
    (pol(allow(Principal={"AWS": "*"})), "IAM004"),
    (pol(allow(["s3:PutObject"], "*")), "IAM005"),
    (pol(allow("*", "*")), "IAM006"),
    (pol(allow("s3:GetObject", "arn:aws:s3:::b/*"), allow("s3:Get*", "arn:aws:s3:::b/*")), "IAM007"),
    (pol(allow("s3:GetObject", "arn:aws:s3:::b/*"), allow("s3:GetObject", "arn:aws:s3:::b/*")), "IAM007"),
    (pol({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/a"},
          "Action": "s3:GetObject", "Resource": "*"}), "IAM008"),
    (pol({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/*"}), "IAM009"),
    (pol(allow("s3:*", "arn:aws:s3:::b/*")), "IAM010"),
    (pol(allow(resource="arn:aws:s3:::b/*"), version=None), "IAM011"),
    (pol(allow(resource="arn:aws:s3:::b/${aws:username}/*"), version="2008-10-17"), "IAM012"),
    (pol({"Sid": "A", **allow()}, {"Sid": "A", **deny()}), "IAM013"),
    (pol(allow(Principal={"AWS": "arn:aws:iam::111122223333:user/*"})), "IAM014"),
    (pol(allow(Condition={"StringEquals": {"s3:prefix": "home/*"}})), "IAM015"),
    (pol(allow(Condition={"NumericLessThan": {"s3:max-keys": "ten"}})), "IAM016"),
    (pol(allow(Condition={"IpAddress": {"aws:SourceIp": "300.1.1.1/8"}})), "IAM016"),
    (pol(allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}})), "IAM017"),
    (pol(allow(Principal="*"), {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::444455556666:user/Bob"},
                                "Action": "s3:*", "Resource": "*"}), "IAM018"),
    ({"Version": "2012-10-17", "Statement": []}, "IAM019"),
    (pol(allow(Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}})), "IAM020"),
])
def test_rules(policy: object, expected: str) -> None:
    found = lint(policy)  # type: ignore[arg-type]
    assert expected in ids(found), found
    f = next(f for f in found if f.id == expected)
    assert f.title == catalogue()[expected]["title"] and f.message
    assert json.dumps(f.to_dict()) and str(f).startswith(f.severity.upper())


def test_redundancy_is_not_reported_for_different_conditions() -> None:
    p = pol(allow("s3:GetObject", "arn:aws:s3:::b/*", Condition={"Bool": {"aws:SecureTransport": "true"}}),
            allow("s3:Get*", "arn:aws:s3:::b/*", Condition={"Bool": {"aws:SecureTransport": "false"}}))
    assert "IAM007" not in ids(lint(p))
    q = pol(allow("s3:GetObject", "arn:aws:s3:::b/*", Condition={"Bool": {"aws:SecureTransport": "true"}}),
            allow("s3:Get*", "arn:aws:s3:::b/*"))
    assert "IAM007" in ids(lint(q))


def test_duplicate_reported_once() -> None:
    p = pol(allow("s3:GetObject", "arn:aws:s3:::b/*"), allow("s3:GetObject", "arn:aws:s3:::b/*"))
    assert [f.path for f in lint(p) if f.id == "IAM007"] == ["Statement[1]"]


def test_identity_policy_with_principal_is_grammar_error_when_kind_given() -> None:
    found = lint(pol(allow(Principal="*")), kind="identity")
    assert ids(found) == {"IAM001"} and found[0].path == "Statement[0].Principal"


def test_read_actions_on_star_are_fine() -> None:
    assert "IAM005" not in ids(lint(pol(allow(["s3:GetObject", "s3:ListBucket"], "*"))))


def test_lint_question_paths() -> None:
    q = {"request": {}, "policies": {"identity": [pol(allow("*"))], "resource": pol(allow(Principal="*")),
                                     "scps": [[pol(allow("*"))]]}}
    found = lint_question(q)
    paths = {(f.id, f.path) for f in found}
    assert ("IAM006", "policies.identity[0].Statement[0].Action") in paths
    assert ("IAM004", "policies.resource.Statement[0].Principal") in paths


def test_rcp_rules() -> None:
    rcp = pol(allow(Principal="*"), deny("s3:*", Principal={"AWS": "111122223333"}))
    found = ids(lint(rcp, kind="rcp"))
    assert {"IAM021", "IAM022"} <= found
