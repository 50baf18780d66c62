"""Entry points used by exercises, the autograder and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .errors import PolicyError
from .evaluate import PolicySet, evaluate_alone, evaluate_question
from .explain import EvaluationResult
from .model import Policy, load_document, parse_policy
from .request import Request

T = TypeVar("T")


def _guard(fn: Callable[..., T], *args: Any) -> T:
    """Turn any unexpected failure into a PolicyError so callers see one exception type."""
    try:
        return fn(*args)
    except PolicyError:
        raise
    except RecursionError:
        raise PolicyError("input is nested too deeply", "") from None
    except Exception as exc:  # noqa: BLE001 - the contract promises PolicyError only
        raise PolicyError(f"could not evaluate this input: {type(exc).__name__}: {exc}", "") from None


def evaluate(question: dict | str) -> EvaluationResult:
    """Decide one question (``{"request": ..., "policies": ...}``) and explain why."""
    return _guard(lambda q: evaluate_question(load_document(q)), question)


def evaluate_json(question: dict | str) -> dict:
    """The contract's answer: ``{"decision", "explanation"}`` or ``{"error": {"message", "path"}}``."""
    try:  # the explanation is built lazily, by to_dict: inside the guard too
        return _guard(lambda q: evaluate(q).to_dict(), question)
    except PolicyError as exc:
        return exc.to_dict()


def compile_policies(policies: dict) -> PolicySet:
    """Parse and compile the ``policies`` half of a question once, for many ``decide`` calls."""
    return _guard(PolicySet.from_dict, policies)


def check_policy(document: dict | str, kind: str = "identity") -> Policy:
    """Parse one policy document on its own; error paths are relative to it (``Statement[2]...``)."""
    return _guard(lambda d: parse_policy(d, kind, ""), document)


def question(
    request: dict,
    *,
    identity: list | dict | None = None,
    resource: dict | None = None,
    boundary: dict | None = None,
    session: dict | None = None,
    scps: list | None = None,
    rcps: list | None = None,
) -> dict:
    """Assemble a question document from its parts, leaving absent policy types out."""
    policies: dict = {}
    if identity is not None:
        policies["identity"] = identity if isinstance(identity, list) else [identity]
    for name, value in (("resource", resource), ("boundary", boundary), ("session", session),
                        ("scps", scps), ("rcps", rcps)):
        if value is not None:
            policies[name] = value
    return {"request": request, "policies": policies}


def evaluate_endpoint_policy(policy: Policy | dict | str, request: dict | Request) -> EvaluationResult:
    """Decide whether a VPC endpoint policy lets ``request`` through the endpoint (``course.net`` asks this).

    ``policy`` is a document or one parsed with ``check_policy(doc, "endpoint")`` (parse once, decide many
    times). IAM semantics throughout: actions compare case-insensitively, conditions, NotAction,
    NotResource, Principal/NotPrincipal. A Deny wins; an Allow lets the request pass (an endpoint policy
    never grants on its own); no match is an implicit deny."""
    parsed = policy if isinstance(policy, Policy) else check_policy(policy, "endpoint")
    return _guard(evaluate_alone, parsed, request)
