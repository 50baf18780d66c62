"""course.iam: an offline IAM policy evaluator that explains its decisions, plus a policy linter.

Public API::

    evaluate(question) -> EvaluationResult       # raises PolicyError on malformed input
    evaluate_json(question) -> dict               # the contract's answer or {"error": ...}
    compile_policies(policies) -> PolicySet       # parse once, then .decide(request) many times
    lint(policy) -> list[Finding]
    request(principal, action, resource, context=None, ...) -> dict
    question(request, identity=..., resource=..., ...) -> dict
    check_policy(doc, kind) -> Policy             # errors with paths relative to the document
    evaluate_endpoint_policy(policy, request) -> EvaluationResult   # one VPC endpoint policy on its own

The JSON contract is docs/specs/iam-request.md; the explanation's shape is documented in
:mod:`course.iam.explain`.
"""

from __future__ import annotations

from .api import (
    check_policy,
    compile_policies,
    evaluate,
    evaluate_endpoint_policy,
    evaluate_json,
    question,
)
from .errors import PolicyError
from .evaluate import PolicySet
from .explain import EvaluationResult
from .lint import Finding, lint
from .model import Policy, Statement, parse_policy
from .request import Request, parse_request, request

__all__ = [
    "EvaluationResult",
    "Finding",
    "Policy",
    "PolicyError",
    "PolicySet",
    "Request",
    "Statement",
    "check_policy",
    "compile_policies",
    "evaluate",
    "evaluate_endpoint_policy",
    "evaluate_json",
    "lint",
    "parse_policy",
    "parse_request",
    "question",
    "request",
]
