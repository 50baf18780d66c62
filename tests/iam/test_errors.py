"""Malformed input: always a PolicyError with a learner-readable message and a JSON path.

Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

import json
import random

import pytest

from course.iam import PolicyError, check_policy, compile_policies, evaluate, evaluate_json, lint

from .helpers import allow, pol, question


@pytest.mark.parametrize(("policy", "path", "needle"), [
    ("not json", "policies.identity[0]", "invalid JSON"),
    ([], "policies.identity[0]", "JSON object"),
    ({"Version": "2012-10-17"}, "policies.identity[0]", "Statement"),
    ({"Version": "2012-10-18", "Statement": []}, "policies.identity[0].Version", "2012-10-17"),
    (pol({"Effect": "allow", "Action": "s3:*", "Resource": "*"}), "policies.identity[0].Statement[0].Effect",
     "Allow"),
    (pol({"Action": "s3:*", "Resource": "*"}), "policies.identity[0].Statement[0].Effect", "Effect"),
    (pol({"Effect": "Allow", "Resource": "*"}), "policies.identity[0].Statement[0]", "Action"),
    (pol({"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:x", "Resource": "*"}),
     "policies.identity[0].Statement[0]", "exactly one"),
    (pol({"Effect": "Allow", "Action": "s3:*"}), "policies.identity[0].Statement[0]", "Resource"),
    (pol({"Effect": "Allow", "Action": "s3GetObject", "Resource": "*"}),
     "policies.identity[0].Statement[0].Action", "service:ActionName"),
    (pol({"Effect": "Allow", "Action": ["s3:GetObject", 7], "Resource": "*"}),
     "policies.identity[0].Statement[0].Action[1]", "strings"),
    (pol({"Effect": "Allow", "Action": [], "Resource": "*"}), "policies.identity[0].Statement[0].Action", "empty"),
    (pol({"Effect": "Allow", "Action": "s3:*", "Resource": "bucket"}),
     "policies.identity[0].Statement[0].Resource", "ARN"),
    (pol({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}),
     "policies.identity[0].Statement[0].Principal", "not allowed"),
    (pol({"Effect": "Allow", "action": "s3:*", "Resource": "*"}), "policies.identity[0].Statement[0].action",
     "case-sensitive"),
    (pol(allow(Condition={"StringLikes": {"s3:prefix": "a"}})),
     "policies.identity[0].Statement[0].Condition.StringLikes", "unknown condition operator"),
    (pol(allow(Condition={"StringLike": {"s3:prefix": {"a": 1}}})),
     "policies.identity[0].Statement[0].Condition.StringLike.s3:prefix", "strings"),
    (pol(allow(Condition={"StringLike": "x"})), "policies.identity[0].Statement[0].Condition.StringLike",
     "map"),
    (pol(allow(Condition={"NullIfExists": {"k": "true"}})),
     "policies.identity[0].Statement[0].Condition.NullIfExists", "unknown"),
    ({"Version": "2012-10-17", "Statement": "x"}, "policies.identity[0].Statement", "object"),
])
def test_identity_policy_errors(policy: object, path: str, needle: str) -> None:
    answer = evaluate_json(question(identity=[policy]))
    assert set(answer) == {"error"}
    assert answer["error"]["path"] == path
    assert needle.lower() in answer["error"]["message"].lower()


def test_condition_path_points_at_operator_in_third_statement() -> None:
    p = pol(allow(), allow(), allow(Condition={"StringLike": {"s3:prefix": []}}))
    answer = evaluate_json(question(identity=[p]))
    assert answer["error"]["path"] == "policies.identity[0].Statement[2].Condition.StringLike.s3:prefix"


@pytest.mark.parametrize(("q", "path"), [
    ({"request": None, "policies": {}}, "request"),
    ({"request": {"principal": "x", "action": "s3:GetObject", "resource": "*"}, "policies": {}},
     "request.principal"),
    ({"request": {"principal": "anonymous", "action": "GetObject", "resource": "*"}, "policies": {}},
     "request.action"),
    ({"request": {"principal": "anonymous", "action": "s3:GetObject"}, "policies": {}}, "request.resource"),
    ({"request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*", "context": {"k": {}}},
      "policies": {}}, "request.context.k"),
    ({"request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*"},
      "policies": {"identities": []}}, "policies.identities"),
    ({"request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*"},
      "policies": {"resource": pol(allow())}}, "policies.resource.Statement[0]"),
    ({"request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*"},
      "policies": {"scps": {"x": 1}}}, "policies.scps"),
    ({"request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*",
                  "settings": {"s3BlockPublicAccess": {"RestrictPublicBuckets": "yes"}}}, "policies": {}},
     "request.settings.s3BlockPublicAccess.RestrictPublicBuckets"),
])
def test_question_errors(q: dict, path: str) -> None:
    answer = evaluate_json(q)
    assert answer["error"]["path"] == path, answer


def test_error_shape_and_type() -> None:
    with pytest.raises(PolicyError) as info:
        evaluate({"request": {}, "policies": {}})
    assert info.value.message and info.value.path == "request.principal"
    broken = evaluate_json("{")
    assert set(broken) == {"error"} and "invalid JSON" in broken["error"]["message"]
    assert broken["error"]["path"] == ""


def test_document_relative_paths() -> None:
    """A learner's bucket policy checked on its own gets paths relative to that document."""
    with pytest.raises(PolicyError) as info:
        check_policy({"Version": "2012-10-17", "Statement": [allow(Principal="*"), {"Effect": "Allow",
                      "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
                      "Condition": {"StringLik": {"aws:SourceVpce": "v"}}}]}, "resource")
    assert info.value.path == "Statement[1].Condition.StringLik"
    err = PolicyError("m", "policies.resource.Statement[1].Condition")
    assert err.relative_to("policies.resource").path == "Statement[1].Condition"
    assert check_policy(json.dumps(pol(allow()))).statements[0].effect == "Allow"


def _mutations(rng: random.Random) -> object:
    """A random malformed-or-odd policy document."""
    junk = [None, 1, 2.5, True, "", "x", [], {}, [1], {"a": None}, "s3:", "arn:", "*", ["*", None]]
    base = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                   "Resource": "*", "Condition": {"StringEquals": {"k": "v"}}}]}
    doc = json.loads(json.dumps(base))
    stmt = doc["Statement"][0]
    for _ in range(rng.randint(1, 3)):
        where = rng.randrange(8)
        value = rng.choice(junk)
        if where == 0:
            doc["Version"] = value
        elif where == 1:
            doc["Statement"] = value
        elif where == 2:
            stmt[rng.choice(["Effect", "Action", "Resource", "NotAction", "Principal", "Sid"])] = value
        elif where == 3:
            stmt["Condition"] = value
        elif where == 4:
            stmt["Condition"] = {rng.choice(["StringEquals", "Foo", "ForAllValues:Bool", "IpAddress"]): value}
        elif where == 5:
            stmt["Condition"] = {"StringEquals": {"k": value}}
        elif where == 6:
            doc[rng.choice(["Statment", "version", "Id"])] = value
        else:
            return rng.choice(junk)
    return doc


_JUNK = [None, 1, 2.5, True, "", [], {}, [1], {"a": None}, [None], ["*", 3]]
_BAD_ACTIONS = ["s3", "s3:", ":GetObject", "s3 GetObject", "s3:Get:Object"]


def _malformed(rng: random.Random) -> dict | object:
    """A policy that is certainly malformed: one guaranteed-invalid mutation of a valid policy."""
    doc = {"Version": "2012-10-17", "Statement": [
        {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
         "Condition": {"StringEquals": {"k": "v"}}},
        {"Effect": "Deny", "Action": ["s3:PutObject"], "Resource": "*"}]}
    stmt = doc["Statement"][rng.randrange(2)]
    choice = rng.randrange(13)
    junk = rng.choice(_JUNK)
    if choice == 0:
        doc["Version"] = rng.choice([None, 1, "2012-10-18", "", "2012-10-17 "])
    elif choice == 1:
        doc["Statement"] = rng.choice([None, 1, "x", True, [1], [None], ["x"]])
    elif choice == 2:
        stmt["Effect"] = rng.choice([None, "allow", "DENY", "", 1, ["Allow"]])
    elif choice == 3:
        stmt["Action"] = rng.choice([*_BAD_ACTIONS, None, 1, [], [1], {}])
    elif choice == 4:
        stmt["Resource"] = rng.choice(["bucket", "arn:aws", None, 7, [], [None], {}])
    elif choice == 5:
        stmt["Condition"] = rng.choice([None, "x", 1, [], [{}]])
    elif choice == 6:
        stmt["Condition"] = {rng.choice(["Foo", "StringEqual", "NullIfExists", "ForSomeValues:StringLike",
                                         "stringequals "]): {"k": "v"}}
    elif choice == 7:
        stmt["Condition"] = {"StringEquals": rng.choice([{"k": None}, {"k": {}}, {"k": []}, {"k": [None]},
                                                         {}, "k"])}
    elif choice == 8:
        doc[rng.choice(["Statment", "version", "Principal", "Effect"])] = junk
    elif choice == 9:
        stmt[rng.choice(["Principal", "NotPrincipal"])] = rng.choice(["*", {"AWS": "*"}, junk])
    elif choice == 10:
        stmt["NotAction"] = "s3:*"  # both Action and NotAction
    elif choice == 11:
        del stmt[rng.choice(["Effect", "Action", "Resource"])]
    else:
        stmt[rng.choice(["Sid", "action", "Resources", "Conditions"])] = rng.choice([None, 1, [], {}])
    return doc


def test_ten_thousand_malformed_policies_all_get_clean_errors() -> None:
    """10,000 certainly-malformed identity policies: every one a PolicyError with a message and path."""
    rng = random.Random(2026)
    req = {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject", "resource": "*"}
    for _ in range(10_000):
        doc = _malformed(rng)
        with pytest.raises(PolicyError) as info:
            compile_policies({"identity": [doc]}).decide(req)
        exc = info.value
        assert exc.message and not exc.message.startswith("could not evaluate"), exc.message
        assert exc.path.startswith("policies.identity[0]"), exc.path
        assert lint(doc, kind="identity")[0].severity == "error"  # type: ignore[arg-type]


def test_ten_thousand_random_mutations_never_crash() -> None:
    rng = random.Random(1234)
    req = {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject", "resource": "*"}
    errors = 0
    for _ in range(10_000):
        doc = _mutations(rng)
        try:
            compile_policies({"identity": [doc]}).decide(req)
        except PolicyError as exc:
            errors += 1
            assert isinstance(exc.message, str) and exc.message
            assert not exc.message.startswith("could not evaluate"), exc.message
            assert exc.path.startswith("policies.identity[0]")
        findings = lint(doc)  # type: ignore[arg-type]
        assert isinstance(findings, list)
    assert errors > 5_000  # most mutations are genuinely malformed
