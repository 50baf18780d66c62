"""Entry points used by exercises, the autograder and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import PolicyError
from .evaluate import PolicySet, evaluate_question
from .explain import EvaluationResult
from .model import Policy, load_document, parse_policy


def _guard(fn, *args):  # type: ignore[no-untyped-def]
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
    try:
        return evaluate(question).to_dict()
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


@dataclass
class GradeReport:
    """Outcome of checking a learner's policy against must-allow and must-deny requests."""

    passed: bool
    failures: list[dict] = field(default_factory=list)
    error: PolicyError | None = None

    def text(self) -> str:
        if self.error is not None:
            where = f" at {self.error.path}" if self.error.path else ""
            return f"Your policy could not be read{where}: {self.error.message}"
        if self.passed:
            return "All requests were decided as expected."
        lines = []
        for f in self.failures:
            r = f["request"]
            lines.append(f"- {r['principal']} {r['action']} {r['resource']}: expected {f['expected']}, "
                         f"got {f['decision']} ({f['reason']})")
        return "\n".join(lines)

    __str__ = text


def grade(policy: dict | str, *, kind: str = "identity", must_allow: list[dict] = (),  # type: ignore[assignment]
          must_deny: list[dict] = (), others: dict | None = None) -> GradeReport:  # type: ignore[assignment]
    """Put ``policy`` in the ``kind`` slot of ``others`` and check every request's decision.

    Errors in the learner's policy come back with paths relative to that document."""
    slot = {"identity": "identity", "resource": "resource", "trust": "resource", "key": "resource",
            "boundary": "boundary", "session": "session"}.get(kind)
    if slot is None:
        raise PolicyError(f"grade() cannot place a policy of kind {kind!r}", "")
    try:
        check_policy(policy, kind)
    except PolicyError as exc:
        return GradeReport(False, [], exc)
    policies = dict(others or {})
    doc = load_document(policy)
    if slot == "identity":
        policies["identity"] = [*policies.get("identity", []), doc]
    else:
        policies[slot] = doc
    ps = compile_policies(policies)
    failures: list[dict] = []
    for expected, reqs in (("Allow", must_allow), ("Deny", must_deny)):
        for req in reqs:
            res = _guard(ps.evaluate, req)
            if (res.decision == "Allow") != (expected == "Allow"):
                failures.append({"request": req, "expected": expected, "decision": res.decision,
                                 "reason": res.explanation["reason"], "result": res})
    return GradeReport(not failures, failures)
