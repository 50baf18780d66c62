"""The batch path (course.iam.batch, used by ``python -m course.iam evaluate`` on JSON Lines) gives exactly
the answers of the ordinary path; only the time differs (issue #20 item 4)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings

from course.iam import evaluate_json
from course.iam.batch import BatchEvaluator

from .test_properties import JSONISH

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from iam_throughput import questions  # noqa: E402


def test_batch_answers_equal_the_ordinary_answers() -> None:
    batch = BatchEvaluator(capacity=4)  # fewer slots than policy sets: eviction is exercised
    qs = questions(400, seed=7)
    for q in qs:
        line = json.dumps(q)
        assert batch.answer(line) == evaluate_json(json.loads(line))


def test_batch_reuses_compiled_policies_for_identical_text() -> None:
    batch = BatchEvaluator()
    qs = questions(50, seed=3)
    for q in qs:
        batch.answer(json.dumps(q))
    assert batch._count == len({json.dumps(q["policies"]) for q in qs})


def test_odd_lines_fall_back_with_the_same_answers() -> None:
    q = questions(1)[0]
    good = json.dumps(q)
    lines = [
        good.replace('"request"', '"request"', 1) + "  ",
        json.dumps({"policies": q["policies"], "request": q["request"]}),        # other key order
        '{"request": 1, "request": ' + json.dumps(q["request"]) + ', "policies": {}}',  # duplicate key
        json.dumps({"request": q["request"], "policies": {"identity": [{"Statement": 5}]}}),  # policy error
        json.dumps({"request": {"principal": "x"}, "policies": q["policies"]}),  # request error
        json.dumps([q]), "[]", "{}", '{"policies": {}}', "{", "not json", '{"a": 1} x',
    ]
    batch = BatchEvaluator()
    for line in lines:
        try:
            expected = evaluate_json(json.loads(line))
        except json.JSONDecodeError:
            expected = None
        got = batch.answer(line)
        if expected is None:
            assert set(got) == {"error"} and got["error"]["message"].startswith("invalid JSON on this line")
        else:
            assert got == expected, line


@settings(max_examples=200, deadline=None)
@given(JSONISH)
def test_fuzzed_lines_agree(doc: object) -> None:
    policies = questions(1)[0]["policies"]
    batch = BatchEvaluator()
    for value in ({"request": doc, "policies": policies}, {"request": questions(1)[0]["request"], "policies": doc}):
        line = json.dumps(value)
        assert batch.answer(line) == evaluate_json(json.loads(line))


def test_cli_on_json_lines_matches_per_document_answers(tmp_path: Path) -> None:
    rng = random.Random(1)
    qs = questions(30, seed=rng.randrange(100))
    src = tmp_path / "q.jsonl"
    src.write_text("\n".join(json.dumps(q) for q in qs) + "\n{broken\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "course.iam", "evaluate", str(src)], capture_output=True,
                         text=True, cwd=ROOT, check=False)
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert answers[:-1] == [evaluate_json(q) for q in qs]
    assert "error" in answers[-1] and out.returncode == 1


def test_fast_ipv4_path_agrees_with_ipaddress() -> None:
    import ipaddress

    from course.iam.conditions import compile_condition

    nets = ["10.0.0.0/8", "192.168.1.0/24", "203.0.113.7", "2001:db8::/32", "0.0.0.0/0"]
    rng = random.Random(5)
    values = ["01.2.3.4", "256.1.1.1", " 10.1.2.3", "10.1.2.3 ", "10.1.2", "::ffff:10.1.2.3", "1.2.3.4.5",
              "2001:db8::1", "", "0.0.0.0", "255.255.255.255"]
    values += [".".join(str(rng.randrange(256)) for _ in range(4)) for _ in range(300)]
    for subset in (nets[:3], nets[1:2], nets[3:]):
        (clause,) = compile_condition({"IpAddress": {"aws:SourceIp": subset}}, "c", True)
        networks = [ipaddress.ip_network(n, strict=False) for n in subset]
        for v in values:
            try:
                ip = ipaddress.ip_address(v.strip())
                expected = any(ip.version == n.version and ip in n for n in networks)
            except ValueError:
                expected = False
            assert clause.evaluate({"aws:sourceip": v}) is expected or (v == "" and not clause.evaluate(
                {"aws:sourceip": v})), (subset, v)


def test_encoded_answers_are_exactly_json_dumps() -> None:
    from course.iam.batch import encode_answer

    batch = BatchEvaluator()
    for q in questions(200, seed=11):
        answer = batch.answer(json.dumps(q))
        assert encode_answer(answer) == json.dumps(answer, ensure_ascii=False)
    tricky = {"request": {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject",
                          "resource": 'arn:aws:s3:::b/"statements": "\x00statements\x00"'},
              "policies": {"identity": [{"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
                  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}]}}
    line = json.dumps(tricky)
    for _ in range(2):  # the second time the action-mismatch record comes from the cache
        answer = batch.answer(line)
        assert encode_answer(answer) == json.dumps(answer, ensure_ascii=False)



def _text_corpus() -> list[dict]:
    """Questions of every shape the text path meets: the benchmark's, the differential generator's
    (boundaries, SCPs, RCPs, resource policies, anonymous and service callers, conditions), several
    resources, non-ASCII Sids and values, an endpoint-style Principal."""
    sys.path.insert(0, str(ROOT / "tools"))
    from iam_differential import Generator

    gen = Generator(3)
    qs = questions(150, seed=4) + [gen.case(i) for i in range(600)]
    multi = questions(20, seed=5)
    for q in multi:
        q["request"]["resources"] = [{"resource": "arn:aws:sqs:eu-west-1:111122223333:app-x"},
                                     {"resource": "arn:aws:s3:::other/x", "context": {"aws:SecureTransport": "false"}}]
    unicode_q = {"request": {"principal": "arn:aws:iam::111122223333:user/zoë", "action": "s3:GetObject",
                             "resource": "arn:aws:s3:::b/ünïcode\u2028\"key\\", "context": {"aws:username": "zoë"}},
                 "policies": {"identity": [{"Version": "2012-10-17", "Statement": [
                     {"Sid": "Lesen€", "Effect": "Allow", "Action": "s3:GetObject",
                      "Resource": "arn:aws:s3:::b/${aws:username}/*"},
                     {"Sid": "Nein", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"},
                     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                      "Condition": {"StringEquals": {"aws:PrincipalTag/équipe": "bleu"}}}]}]}}
    return qs + multi + [unicode_q, unicode_q]


def test_answer_text_is_exactly_json_dumps_of_the_answer() -> None:
    """The JSON text built from cached fragments (EvaluationResult.json_text, the CLI's batch path) is
    byte for byte what json.dumps writes for the dict answer, which is built lazily from the same trace."""
    from course.iam import evaluate

    batch = BatchEvaluator()
    checked = 0
    for q in _text_corpus():
        line = json.dumps(q, ensure_ascii=False)
        expected = evaluate_json(json.loads(line))
        for _ in range(2):  # the second time the cached texts are used
            text, failed = batch.answer_text(line)
            assert text == json.dumps(expected, ensure_ascii=False), line
            assert failed == ("error" in expected)
        if "error" not in expected:
            fresh = evaluate(q)  # text first, then the dict: both from one trace
            assert fresh.json_text() == json.dumps(fresh.to_dict(), ensure_ascii=False)
            assert fresh.to_dict() == expected
            checked += 1
    assert checked > 700


def test_a_failure_while_building_an_explanation_is_an_error_answer_not_a_traceback(monkeypatch) -> None:
    """Explanations are built lazily, after the decision: a bug there must still give the contract's
    ``{"error": {"message", "path"}}`` (the CLI, evaluate_json) or a PolicyError (the API), never a traceback."""
    import pytest

    from course.iam import PolicyError, evaluate
    from course.iam.evaluate import _Run

    def broken(self: object, decision: str) -> str:
        raise RuntimeError("broken explanation")

    monkeypatch.setattr(_Run, "explanation", broken)
    monkeypatch.setattr(_Run, "explanation_text", broken)
    q = questions(1)[0]
    line = json.dumps(q)
    text, failed = BatchEvaluator().answer_text(line)
    assert failed and set(json.loads(text)["error"]) == {"message", "path"}
    assert "broken explanation" in json.loads(text)["error"]["message"]
    assert set(BatchEvaluator().answer(line)) == {"error"}
    assert set(evaluate_json(q)) == {"error"}
    result = evaluate(q)
    assert result.decision in ("Allow", "ImplicitDeny", "ExplicitDeny")
    with pytest.raises(PolicyError):
        _ = result.explanation
