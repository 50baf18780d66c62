"""Short builders for questions used across the IAM tests."""

from __future__ import annotations

from course.iam import evaluate, evaluate_json

ACCT = "111122223333"
OTHER = "444455556666"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
BOB_OTHER = f"arn:aws:iam::{OTHER}:user/bob"
ROLE = f"arn:aws:iam::{ACCT}:role/app"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/app/sess1"
FED = f"arn:aws:sts::{ACCT}:federated-user/carol"
BUCKET = "arn:aws:s3:::example-bucket"
OBJ = "arn:aws:s3:::example-bucket/reports/q1.csv"


def pol(*statements: dict, version: str | None = "2012-10-17") -> dict:
    doc: dict = {"Statement": list(statements)}
    if version is not None:
        doc["Version"] = version
    return doc


def allow(action: object = "s3:GetObject", resource: object = "*", **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: object = "s3:GetObject", resource: object = "*", **extra: object) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def question(principal: str = ALICE, action: str = "s3:GetObject", arn: str = OBJ, *,
             context: dict | None = None, identity: list | None = None, **kw: object) -> dict:
    """``resource`` may be the resource ARN (a string) or the resource-based policy (a dict)."""
    if isinstance(kw.get("resource"), str):
        arn = kw.pop("resource")  # type: ignore[assignment]
    req: dict = {"principal": principal, "action": action, "resource": arn}
    for key in ("principalAccount", "resourceAccount", "principalIsOrgManagementAccount",
                "resourceIsOrgManagementAccount", "settings"):
        if key in kw:
            req[key] = kw.pop(key)
    if context is not None:
        req["context"] = context
    policies: dict = {}
    if identity is not None:
        policies["identity"] = identity
    policies.update(kw)
    return {"request": req, "policies": policies}


def decide(*args: object, **kw: object) -> str:
    q = question(*args, **kw)  # type: ignore[arg-type]
    answer = evaluate_json(q)
    assert "error" not in answer, answer
    fast = __import__("course.iam", fromlist=["compile_policies"]).compile_policies(q["policies"])
    assert fast.decide(q["request"]) == answer["decision"], "fast path disagrees with explained path"
    return answer["decision"]


def result(*args: object, **kw: object):  # type: ignore[no-untyped-def]
    return evaluate(question(*args, **kw))  # type: ignore[arg-type]
