"""VPC endpoint policies (spec §5.9) are IAM policies, so ``course.iam`` decides them.

The evaluator is injected the way exercises inject theirs (``set_policy_evaluator``): ``course.net``
does not import ``course.iam`` until a network with an endpoint policy is loaded, and a caller (a test,
another engine) may put its own in with :func:`set_endpoint_policy_evaluator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .errors import NetworkError

ALLOW = "Allow"


class EndpointPolicyEvaluator(Protocol):
    """What ``course.net`` needs from a policy engine: parse a policy once, then decide requests."""

    def compile(self, document: dict[str, Any], path: str) -> Any:
        """The parsed policy; a malformed one raises :class:`NetworkError` with a path under ``path``."""
        ...

    def decide(self, policy: Any, request: dict[str, Any]) -> Decision:
        """Whether the policy lets ``request`` (an IAM request, ``docs/specs/iam-request.md``) through.

        A malformed request raises :class:`NetworkError` with a path under ``query.request``."""
        ...


@dataclass(frozen=True, slots=True)
class Decision:
    decision: str  # Allow | ExplicitDeny | ImplicitDeny
    reason: str

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOW


class IamEvaluator:
    """The default: ``course.iam`` with the policy kind ``endpoint``, imported on first use."""

    def compile(self, document: dict[str, Any], path: str) -> Any:
        from course.iam import PolicyError, check_policy

        try:
            return check_policy(document, "endpoint")
        except PolicyError as exc:
            raise NetworkError(exc.message, _under(path, exc.path)) from None

    def decide(self, policy: Any, request: dict[str, Any]) -> Decision:
        from course.iam import PolicyError, evaluate_endpoint_policy

        try:
            result = evaluate_endpoint_policy(policy, request)
        except PolicyError as exc:
            raise NetworkError(exc.message, _under("query", exc.path or "request")) from None
        return Decision(result.decision, result.explanation["reason"])


@dataclass(slots=True)
class EndpointPolicy:
    """An endpoint's policy: the document as written, parsed once by the evaluator that will decide it."""

    document: dict[str, Any]
    parsed: Any
    engine: EndpointPolicyEvaluator

    def decide(self, request: dict[str, Any]) -> Decision:
        return self.engine.decide(self.parsed, request)


def compile_policy(document: dict[str, Any], path: str) -> EndpointPolicy:
    engine = evaluator()
    return EndpointPolicy(document, engine.compile(document, path), engine)


_evaluator: EndpointPolicyEvaluator | None = None


def set_endpoint_policy_evaluator(evaluator: EndpointPolicyEvaluator | None) -> None:
    """Use ``evaluator`` for endpoint policies instead of ``course.iam`` (``None`` restores it)."""
    global _evaluator
    _evaluator = evaluator


def evaluator() -> EndpointPolicyEvaluator:
    return _evaluator if _evaluator is not None else _DEFAULT


_DEFAULT = IamEvaluator()


def _under(prefix: str, path: str) -> str:
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"
