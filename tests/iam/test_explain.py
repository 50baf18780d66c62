"""Explanations: deciding statement, matched statements, reasons for non-matches, renderings."""

from course.iam import EvaluationResult, compile_policies, question, request

from .helpers import ALICE, OBJ, allow, deny, pol, result


def test_explanation_lists_matches_and_reasons() -> None:
    p = pol({"Sid": "Read", **allow()},
            {"Sid": "Put", **allow("s3:PutObject")},
            {"Sid": "Other", **allow(resource="arn:aws:s3:::other/*")},
            {"Sid": "Cond", **allow(Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}})})
    r = result(identity=[p], context={"aws:SourceVpce": "vpce-2"})
    assert r.decision == "Allow"
    by_sid = {s["sid"]: s for s in r.explanation["statements"]}
    assert by_sid["Read"]["matched"] and r.matched_statements()[0]["sid"] == "Read"
    assert by_sid["Put"]["why_not"]["element"] == "Action"
    assert by_sid["Other"]["why_not"]["element"] == "Resource"
    failed = by_sid["Cond"]["why_not"]["failed_conditions"][0]
    assert failed["key"] == "aws:SourceVpce" and failed["policy_values"] == ["vpce-1"]
    assert failed["request_values"] == ["vpce-2"]


def test_missing_key_reported_as_absent() -> None:
    p = pol(allow(Condition={"Bool": {"aws:SecureTransport": "true"}}))
    r = result(identity=[p])
    st = r.explanation["statements"][0]
    assert st["why_not"]["failed_conditions"][0]["request_values"] is None
    assert "absent" in st["why_not"]["detail"]
    assert r.explanation["decided_by"] == "identity"


def test_statement_index_used_without_sid() -> None:
    r = result(identity=[pol(allow("sqs:*"), deny())])
    assert r.decision == "ExplicitDeny" and r.explanation["decided_by"] == "identity[0] statement #1"


def test_principal_mismatch_reason() -> None:
    r = result(resource=pol(allow(Principal={"AWS": "arn:aws:iam::111122223333:user/bob"})))
    assert r.explanation["statements"][0]["why_not"]["element"] == "Principal"


def test_text_and_html_rendering() -> None:
    r = result(identity=[pol({"Sid": "Read", **allow()}, {"Sid": "<b>", **allow("sqs:*")})])
    text = str(r)
    assert text.startswith("Allow") and "Read" in text
    html = r._repr_html_()
    assert "Allow" in html and "<td>&lt;b&gt;</td>" in html and "<td><b></td>" not in html


def test_builders_and_compiled_set() -> None:
    req = request(ALICE, "s3:GetObject", OBJ, {"aws:SecureTransport": "true"}, restrict_public_buckets=True)
    q = question(req, identity=pol(allow()))
    assert q["policies"]["identity"][0]["Statement"][0]["Effect"] == "Allow"
    ps = compile_policies(q["policies"])
    assert ps.decide(req) == "Allow"
    assert ps.decide_many([req, {**req, "action": "s3:PutObject"}]) == ["Allow", "ImplicitDeny"]
    r = ps.evaluate(req)
    assert isinstance(r, EvaluationResult) and r.to_dict()["decision"] == "Allow"
    assert set(r.to_dict()) == {"decision", "explanation"}


def test_check_policy_paths_are_relative_to_the_document() -> None:
    from course.iam import PolicyError, check_policy

    broken = pol({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
                  "Condition": {"StringEqual": {"aws:SourceVpce": "v"}}})
    try:
        check_policy(broken, "resource")
    except PolicyError as exc:
        assert exc.path == "Statement[0].Condition.StringEqual"
    else:
        raise AssertionError("a misspelt condition operator must be an error")


def test_trust_and_key_kinds() -> None:
    from course.iam import PolicyError, check_policy

    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                      "Action": "sts:AssumeRole"}]}
    assert check_policy(trust, "trust").statements[0].principal is not None
    np = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"},
                                                   "Action": "sts:AssumeRole"}]}
    try:
        check_policy(np, "trust")
    except PolicyError as exc:
        assert exc.path == "Statement[0].NotPrincipal"
    else:
        raise AssertionError("NotPrincipal accepted in a trust policy")
    assert check_policy(np, "key").statements[0].not_principal
