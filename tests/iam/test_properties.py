"""Property-based tests (hypothesis)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.iam import PolicyError, evaluate, evaluate_json

ACTIONS = st.sampled_from(["s3:GetObject", "s3:PutObject", "s3:*", "s3:Get*", "*", "sqs:SendMessage",
                           "kms:Decrypt", "iam:*Report"])
RESOURCES = st.sampled_from(["*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/k", "arn:aws:s3:::other/*",
                             "arn:aws:kms:us-east-1:111122223333:key/k"])
PRINCIPALS = st.sampled_from(["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::444455556666:user/bob",
                              "arn:aws:sts::111122223333:assumed-role/app/s", "anonymous",
                              "cloudtrail.amazonaws.com", "arn:aws:iam::111122223333:root"])
AWS_PRINCIPALS = st.sampled_from(["*", {"AWS": "*"}, {"AWS": "111122223333"},
                                  {"AWS": "arn:aws:iam::444455556666:user/bob"},
                                  {"Service": "cloudtrail.amazonaws.com"},
                                  {"AWS": "arn:aws:iam::111122223333:role/app"}])
CONDITIONS = st.sampled_from([None, {"StringEquals": {"aws:username": "alice"}},
                              {"Bool": {"aws:SecureTransport": "true"}},
                              {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
                              {"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}},
                              {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}])


@st.composite
def statements(draw, with_principal: bool = False):  # type: ignore[no-untyped-def]
    s = {"Effect": draw(st.sampled_from(["Allow", "Deny"])),
         draw(st.sampled_from(["Action", "NotAction"])): draw(ACTIONS),
         "Resource": draw(RESOURCES)}
    c = draw(CONDITIONS)
    if c:
        s["Condition"] = c
    if with_principal:
        s["Principal"] = draw(AWS_PRINCIPALS)
    return s


def policy(with_principal: bool = False):  # type: ignore[no-untyped-def]
    return st.lists(statements(with_principal), min_size=1, max_size=3).map(
        lambda ss: {"Version": "2012-10-17", "Statement": ss})


@st.composite
def questions(draw):  # type: ignore[no-untyped-def]
    policies: dict = {"identity": draw(st.lists(policy(), max_size=2))}
    if draw(st.booleans()):
        policies["resource"] = draw(policy(True))
    if draw(st.booleans()):
        policies["boundary"] = draw(policy())
    if draw(st.booleans()):
        policies["session"] = draw(policy())
    if draw(st.booleans()):
        policies["scps"] = [draw(st.lists(policy(), min_size=1, max_size=2))]
    if draw(st.booleans()):
        # an RCP has no NotAction element (orgs_manage_policies_rcps_syntax.html)
        policies["rcps"] = [[{"Version": "2012-10-17", "Statement": [
            {("Action" if k == "NotAction" else k): v for k, v in {**s, "Principal": "*"}.items()}
            for s in draw(policy())["Statement"]]}]]
    ctx = draw(st.dictionaries(st.sampled_from(["aws:username", "aws:SecureTransport", "aws:SourceIp",
                                                "aws:PrincipalOrgID"]),
                               st.sampled_from(["alice", "true", "10.1.2.3", "o-1", "x"]), max_size=3))
    req = {"principal": draw(PRINCIPALS), "action": draw(ACTIONS.filter(lambda a: "*" not in a)),
           "resource": draw(RESOURCES.filter(lambda r: r != "*")), "context": ctx}
    if draw(st.booleans()):
        req["resourceAccount"] = "111122223333"
    return {"request": req, "policies": policies}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions(), st.sampled_from(["identity", "resource", "boundary", "session", "scps", "rcps"]))
def test_adding_explicit_deny_never_turns_deny_into_allow(q: dict, where: str) -> None:
    before = evaluate(q).decision
    deny_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    pols = q["policies"]
    if where == "identity":
        pols["identity"] = [*pols["identity"], deny_all]
    elif where == "resource":
        stmts = pols.get("resource", {"Version": "2012-10-17", "Statement": []})["Statement"]
        pols["resource"] = {"Version": "2012-10-17",
                            "Statement": [*stmts, {"Effect": "Deny", "Principal": "*", "Action": "*",
                                                   "Resource": "*"}]}
    elif where in ("boundary", "session"):
        if where not in pols:
            return
        pols[where] = {"Version": "2012-10-17", "Statement": [*pols[where]["Statement"], deny_all["Statement"][0]]}
    elif where == "scps":
        pols["scps"] = [*pols.get("scps", []), [deny_all]] if "scps" in pols else None
        if pols["scps"] is None:
            return
    else:
        pols["rcps"] = [[{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
                                                                   "Action": "*", "Resource": "*"}]}]]
    after = evaluate(q).decision
    if before != "Allow":
        assert after != "Allow"


@settings(max_examples=300, deadline=None)
@given(questions())
def test_explained_and_fast_paths_agree(q: dict) -> None:
    from course.iam import compile_policies
    assert compile_policies(q["policies"]).decide(q["request"]) == evaluate(q).decision


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8)
    | st.sampled_from(["Allow", "Deny", "*", "s3:GetObject", "arn:aws:s3:::b", "2012-10-17",
                       "StringEquals", "Statement", "Effect", "Action", "Resource", "Principal"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["Version", "Statement", "Effect", "Action", "NotAction", "Resource",
                                       "Principal", "NotPrincipal", "Condition", "AWS", "Service",
                                       "StringEquals", "ForAnyValue:StringLike", "Null", "aws:SourceIp",
                                       "request", "policies", "identity", "resource", "principal",
                                       "action", "context", "scps", "rcps", "x"]), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(JSONISH)
def test_no_input_raises_anything_but_policy_error(doc: object) -> None:
    try:
        result = evaluate(doc)  # type: ignore[arg-type]
    except PolicyError as exc:
        assert isinstance(exc.path, str)
        assert not exc.message.startswith("could not evaluate"), exc.message  # no internal crash
    else:
        assert result.decision in ("Allow", "ImplicitDeny", "ExplicitDeny")
    answer = evaluate_json(doc)  # type: ignore[arg-type]
    assert set(answer) in ({"error"}, {"decision", "explanation"})


@settings(max_examples=300, deadline=None)
@given(JSONISH)
def test_policy_fuzz_inside_valid_question(doc: object) -> None:
    q = {"request": {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject",
                     "resource": "arn:aws:s3:::b/k", "context": {"aws:SourceIp": "10.0.0.1"}},
         "policies": {"identity": [doc], "resource": doc}}
    answer = evaluate_json(q)
    assert set(answer) in ({"error"}, {"decision", "explanation"})
    if "error" in answer:
        assert not answer["error"]["message"].startswith("could not evaluate"), answer


@settings(max_examples=300, deadline=None)
@given(JSONISH, JSONISH, JSONISH)
def test_request_fuzz_of_resources_and_context(resources: object, context: object, resource: object) -> None:
    """The ``resources`` list (issue #20) and contexts with empty values: an answer or a clean error."""
    req: dict = {"principal": "arn:aws:iam::111122223333:user/a", "action": "ec2:RunInstances",
                 "resource": "arn:aws:ec2:us-east-1:111122223333:instance/*", "context": context,
                 "resources": [resources, {"resource": resource, "context": context}]}
    q = {"request": req, "policies": {"identity": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ec2:*", "Resource": "arn:aws:ec2",
         "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": "a"}, "Null": {"aws:TagKeys": "false"}}}]}]}}
    answer = evaluate_json(q)
    assert set(answer) in ({"error"}, {"decision", "explanation"})
    if "error" in answer:
        assert isinstance(answer["error"]["path"], str) and answer["error"]["path"].startswith("request")
        assert not answer["error"]["message"].startswith("could not evaluate"), answer
