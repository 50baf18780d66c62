"""Policy variables. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""

from course.iam.variables import parse_template

from .helpers import allow, decide, pol

HOME = [pol(
    {"Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket"],
     "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}},
    {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow",
     "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"]},
)]


def test_username_in_resource_home_directory_example() -> None:
    """The 'home directory' example from the Resource element section."""
    ctx = {"aws:username": "alice"}
    assert decide(resource="arn:aws:s3:::mybucket/alice/f.txt", identity=HOME, context=ctx) == "Allow"
    assert decide(resource="arn:aws:s3:::mybucket/bob/f.txt", identity=HOME, context=ctx) == "ImplicitDeny"


def test_username_in_condition() -> None:
    ctx = {"aws:username": "alice", "s3:prefix": "alice/docs"}
    assert decide(action="s3:ListBucket", resource="arn:aws:s3:::mybucket", identity=HOME, context=ctx) == "Allow"
    ctx["s3:prefix"] = "bob/"
    assert decide(action="s3:ListBucket", resource="arn:aws:s3:::mybucket", identity=HOME,
                  context=ctx) == "ImplicitDeny"


def test_missing_variable_makes_resource_not_match() -> None:
    """A role session has no aws:username: the resource with ${aws:username} matches nothing."""
    assert decide(resource="arn:aws:s3:::mybucket/alice/f", identity=HOME, context={}) == "ImplicitDeny"


def test_missing_variable_in_conditions() -> None:
    """'When you use a variable with no value ... StringEquals or StringLike do not match ... Inverted
    condition operators like StringNotEquals or StringNotLike do match against a null value'."""
    pos = pol(allow(Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))
    neg = pol(allow(Condition={"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))
    ctx = {"aws:ResourceTag/team": "blue"}
    assert decide(identity=[pos], context=ctx) == "ImplicitDeny"
    assert decide(identity=[neg], context=ctx) == "Allow"
    ctx["aws:PrincipalTag/team"] = "blue"
    assert decide(identity=[pos], context=ctx) == "Allow"
    assert decide(identity=[neg], context=ctx) == "ImplicitDeny"


def test_tag_variable_in_resource_and_default_value() -> None:
    """'arn:aws:s3:::amzn-s3-demo-bucket-${aws:PrincipalTag/team, 'company-wide'}' example."""
    p = [pol(allow(resource="arn:aws:s3:::amzn-s3-demo-bucket-${aws:PrincipalTag/team, 'company-wide'}"))]
    yellow = "arn:aws:s3:::amzn-s3-demo-bucket-yellow"
    wide = "arn:aws:s3:::amzn-s3-demo-bucket-company-wide"
    assert decide(resource=yellow, identity=p, context={"aws:PrincipalTag/team": "yellow"}) == "Allow"
    assert decide(resource=wide, identity=p, context={"aws:PrincipalTag/team": "yellow"}) == "ImplicitDeny"
    assert decide(resource=wide, identity=p, context={}) == "Allow"
    assert decide(resource=yellow, identity=p, context={}) == "ImplicitDeny"


def test_variable_keys_case_insensitive() -> None:
    p = [pol(allow(resource="arn:aws:s3:::b/${AWS:UserName}/*"))]
    assert decide(resource="arn:aws:s3:::b/alice/x", identity=p, context={"aws:username": "alice"}) == "Allow"


def test_special_character_variables() -> None:
    """${*}, ${?} and ${$} stand for the literal characters."""
    p = [pol(allow(resource="arn:aws:s3:::b/${*}${?}${$}"))]
    assert decide(resource="arn:aws:s3:::b/*?$", identity=p) == "Allow"
    assert decide(resource="arn:aws:s3:::b/ab$", identity=p) == "ImplicitDeny"
    c = [pol(allow(Condition={"StringLike": {"s3:prefix": "a${*}"}}))]
    assert decide(identity=c, context={"s3:prefix": "a*"}) == "Allow"
    assert decide(identity=c, context={"s3:prefix": "abc"}) == "ImplicitDeny"


def test_substituted_value_is_literal_not_a_wildcard() -> None:
    p = [pol(allow(resource="arn:aws:s3:::b/${aws:username}/*"))]
    assert decide(resource="arn:aws:s3:::b/bob/x", identity=p, context={"aws:username": "*"}) == "ImplicitDeny"


def test_no_substitution_without_version_2012() -> None:
    """Under Version 2008-10-17 or no Version, ${aws:username} is literal text."""
    for version in (None, "2008-10-17"):
        p = [pol(allow(resource="arn:aws:s3:::b/${aws:username}/*"), version=version)]
        assert decide(resource="arn:aws:s3:::b/alice/x", identity=p, context={"aws:username": "alice"}) \
            == "ImplicitDeny"
        assert decide(resource="arn:aws:s3:::b/${aws:username}/x", identity=p,
                      context={"aws:username": "alice"}) == "Allow"


def test_multivalued_key_is_not_a_variable() -> None:
    p = [pol(allow(resource="arn:aws:s3:::b/${aws:TagKeys}"))]
    assert decide(resource="arn:aws:s3:::b/a", identity=p, context={"aws:TagKeys": ["a"]}) == "ImplicitDeny"


def test_variables_not_substituted_for_numeric_operators() -> None:
    p = [pol(allow(Condition={"NumericEquals": {"s3:max-keys": "${aws:username}"}}))]
    assert decide(identity=p, context={"s3:max-keys": "5", "aws:username": "5"}) == "ImplicitDeny"


def test_template_parsing() -> None:
    t = parse_template("a/${aws:username, 'it''s'}/b", True)
    assert t.has_vars and t.variables() == ["aws:username"]
    assert t.resolve({}) == "a/it's/b"
    assert t.resolve({"aws:username": "x"}) == "a/x/b"
    assert parse_template("a/${oops", True).resolve({}) == "a/${oops"
