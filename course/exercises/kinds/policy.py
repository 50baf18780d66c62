"""Write-a-policy exercises, graded by evaluating the learner's policy with ``course.iam``.

The learner's policy is placed in one slot of an authorization question (the spec in
``docs/specs/iam-request.md``) beside fixed policies, and every case is a request that must be
allowed or must be denied. The engine is pluggable so that the framework does not depend on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from course.exercises.base import Exercise, MalformedAnswer, type_name
from course.exercises.hints import sentences
from course.exercises.results import Requirement

Evaluator = Callable[[dict], dict]
_evaluator: Evaluator | None = None
SLOTS = ("identity", "resource", "boundary", "session", "scps", "rcps")
# the course.iam lint kind of a policy in each slot (a resource slot may also hold a trust or key policy)
LINT_KINDS = {"identity": "identity", "resource": "resource", "boundary": "boundary", "session": "session",
              "scps": "scp", "rcps": "rcp"}
# course.iam findings from the Service Authorization Reference, shown with the hint of a failed case
VALIDATOR_FINDINGS = frozenset({"IAM023", "IAM024", "IAM025", "IAM026", "IAM027", "IAM028"})


def set_policy_evaluator(evaluator: Evaluator | None) -> None:
    """Use ``evaluator`` (question dict -> answer dict, per the spec) instead of ``course.iam``."""
    global _evaluator
    _evaluator = evaluator


def _evaluate(question: dict) -> dict:
    if _evaluator is not None:
        return _evaluator(question)
    from course.iam import evaluate_json

    return evaluate_json(question)


@dataclass(frozen=True)
class PolicyCase:
    """A request the policy must allow (``allow=True``) or must deny, and the hint when it does not.

    ``policies`` holds fixed policies for this case only (for example the key policy of the key the
    request names), which replace the exercise's ``context_policies`` of the same type.
    """

    description: str
    request: dict
    allow: bool
    hint: str = ""
    policies: dict | None = None

    @classmethod
    def from_data(cls, data: dict) -> PolicyCase:
        return cls(data["description"], data["request"], bool(data["allow"]), data.get("hint", ""),
                   data.get("policies"))


@dataclass(kw_only=True)
class PolicyExercise(Exercise):
    """The learner writes the policy for ``slot``; ``context_policies`` holds the fixed others.

    ``hidden`` is a list of case dicts (``description``, ``request``, ``allow``, ``hint`` and optionally
    ``policies``). ``lint_forbidden`` lists ``course.iam`` lint finding ids that must not appear;
    ``lint_kind`` names the policy kind for the linter when the slot's default is not right (a trust
    or key policy in the resource slot). For the ``scps`` and ``rcps`` slots the learner's policy
    forms a level of its own, or with ``level`` set joins that level of the context policies (an SCP
    attached to an OU beside ``FullAWSAccess``).
    """

    kind: ClassVar[str] = "policy"
    slot: str
    cases: list[PolicyCase]
    context_policies: dict[str, Any] = field(default_factory=dict)
    lint_forbidden: list[str] = field(default_factory=list)
    lint_kind: str = ""
    level: int | None = None

    def __post_init__(self) -> None:
        if self.slot not in SLOTS:
            raise ValueError(f"slot must be one of {', '.join(SLOTS)}, not {self.slot!r}")
        if self.level is not None:
            levels = self.context_policies.get(self.slot) if self.slot in ("scps", "rcps") else None
            if not levels or not -len(levels) <= self.level < len(levels):
                raise ValueError(f"level {self.level} needs that level in context_policies[{self.slot!r}]")

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        policy = parse_policy(answer)
        cases = list(self.cases)
        hidden_cases = [PolicyCase.from_data(c) for c in (hidden or [])]
        advice = self._advice(policy)
        reqs = [self._run(policy, case, hidden=False, advice=advice) for case in cases]
        reqs += [self._run(policy, case, hidden=True, advice=advice) for case in hidden_cases]
        if self.lint_forbidden:
            reqs += self._lint(policy)
        return reqs

    def _question(self, policy: dict, request: dict, extra: dict | None = None) -> dict:
        policies = {**self.context_policies, **(extra or {})}
        if self.slot == "identity":
            policies["identity"] = [policy, *policies.get("identity", [])]
        elif self.slot in ("scps", "rcps") and self.level is not None:
            levels = [list(level) for level in policies[self.slot]]
            levels[self.level].append(policy)
            policies[self.slot] = levels
        elif self.slot in ("scps", "rcps"):
            policies[self.slot] = [*policies.get(self.slot, []), [policy]]
        else:
            policies[self.slot] = policy
        return {"request": request, "policies": policies}

    def _run(self, policy: dict, case: PolicyCase, hidden: bool, advice: str = "") -> Requirement:
        answer = _evaluate(self._question(policy, case.request, case.policies))
        if "error" in answer:
            error = answer["error"]
            where = _learner_path(error, self._learner_prefix(case.policies))
            raise MalformedAnswer(f"{error.get('message', 'invalid policy')} (at {where})")
        decision = answer.get("decision")
        ok = (decision == "Allow") == case.allow
        hint = ""
        if not ok:
            expected = "allowed" if case.allow else "denied"
            hint = sentences(f"With your policy this request gets {decision}; it should be {expected}", case.hint,
                             advice)
        return Requirement(case.description, ok, hint, hidden=hidden)

    def hint_texts(self) -> list[str]:
        return [case.hint for case in self.cases]

    def _learner_prefix(self, extra: dict | None) -> str:
        """Where ``_question`` puts the learner's policy, as the engine writes paths."""
        if self.slot == "identity":
            return "policies.identity[0]"
        if self.slot in ("scps", "rcps"):
            levels = {**self.context_policies, **(extra or {})}.get(self.slot) or []
            if self.level is None:
                return f"policies.{self.slot}[{len(levels)}][0]"
            index = self.level % len(levels)
            return f"policies.{self.slot}[{index}][{len(levels[index])}]"
        return f"policies.{self.slot}"

    def _lint(self, policy: dict) -> list[Requirement]:
        from course.iam import lint
        found = {f.id: f for f in lint(policy, self.lint_kind or LINT_KINDS[self.slot])}
        reqs = []
        for finding_id in self.lint_forbidden:
            finding = found.get(finding_id)
            hint = "" if finding is None else sentences(
                f"Your policy has this problem: {finding.title} ({_in_your_policy(finding.path)}: "
                f"{finding.message})", finding.explanation)
            reqs.append(Requirement(lint_requirement(finding_id), finding is None, hint))
        return reqs

    def _advice(self, policy: dict) -> str:
        """What the offline validator found (unknown actions, keys, resources...), as a hint for failed cases.

        A typo such as ``s3:GetObjects`` is silently an implicit deny in AWS; the case that fails says why.
        """
        from course.iam import lint

        try:
            found = [f for f in lint(policy, self.lint_kind or LINT_KINDS[self.slot]) if f.id in VALIDATOR_FINDINGS]
        except Exception:  # noqa: BLE001 - advice must never stop grading
            return ""
        return " ".join(sentences(f"Check {_in_your_policy(f.path)}: {f.title}: {f.message}") for f in found[:3])


def parse_policy(answer: Any, where: str | None = None) -> dict:
    """The learner's policy as a dict, from a dict or a JSON string, with a clear message otherwise.

    ``where`` names the policy inside a larger answer (a network exercise's slot) in the messages.
    """
    if isinstance(answer, str):
        try:
            answer = json.loads(answer)
        except json.JSONDecodeError as exc:
            raise MalformedAnswer(f"the policy is not valid JSON: {exc.msg} at line {exc.lineno}, "
                                  f"column {exc.colno}") from None
    if not isinstance(answer, dict):
        if where:
            raise MalformedAnswer(f"{where} must be a policy (a dict or JSON text with 'Statement'), got "
                                  f"{type_name(answer)}")
        raise MalformedAnswer(f"a policy is a dict (or a JSON string) with 'Version' and 'Statement', "
                              f"got {type_name(answer)}")
    if "Statement" not in answer:
        raise MalformedAnswer(f"{where} has no 'Statement' key" if where else "the policy has no 'Statement' key")
    return answer


def lint_requirement(finding_id: str) -> str:
    """The requirement a ``lint_forbidden`` entry adds, named by the finding's title (never a bare id)."""
    from course.iam.lint import catalogue

    return f"no lint finding: {catalogue()[finding_id]['title']}"


def _in_your_policy(path: str) -> str:
    """A lint path (relative to the policy) as the learner reads it."""
    return f"your policy {path}" if path else "your policy"


def _learner_path(error: dict, prefix: str) -> str:
    """Rewrite the engine's path (policies.resource.Statement[0]) to one the learner recognises."""
    path = str(error.get("path", ""))
    if path == prefix or path.startswith((prefix + ".", prefix + "[")):
        return "your policy" + path[len(prefix):]
    return path or "your policy"
