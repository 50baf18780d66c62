"""The decision, following AWS's documented evaluation order.

Sources (cited again in the tests):
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html

Order: explicit Deny anywhere -> RCPs (implied RCPFullAWSAccess) -> every SCP level must allow ->
resource-based policy (same account: may grant alone, depending on which principal it names) ->
identity-based policies -> permissions boundary -> session policy. KMS key policies and role
trust policies must allow even inside the account; cross-account access needs both sides.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import PolicyError, join_path
from .explain import _ENCODE, EvaluationResult, deciding_text, describe_mismatch, record_prefix, statement_record
from .model import Policy, Statement, parse_policy
from .principals import ACCOUNT, DIRECT, ROLE, grant_rank
from .public import policy_is_public
from .request import Request, parse_request

ALLOW, IMPLICIT, EXPLICIT = "Allow", "ImplicitDeny", "ExplicitDeny"

# Services whose actions RCPs apply to (orgs_manage_policies_rcps.html, "List of AWS services that
# support RCPs").
RCP_SERVICES = frozenset({
    "appstream", "dsql", "clouddirectory", "cloudfront", "cloudsearch", "logs", "networkmonitor",
    "cognito-identity", "cognito-idp", "comprehend", "comprehendmedical", "firehose", "dynamodb",
    "dax", "autoscaling", "ecr", "ecr-public", "gamelift", "inspector-scan", "kendra", "kinesisvideo",
    "memorydb", "aoss", "personalize", "polly", "s3", "swf", "sqs", "textract", "timestream-influxdb",
    "transcribe", "translate", "workspaces", "appconfig", "autoscaling-plans", "budgets",
    "servicediscovery", "cloudtrail-data", "codeartifact", "codebuild", "codecommit", "codepipeline",
    "compute-optimizer", "cost-optimization-hub", "events", "fms", "fis", "health", "rolesanywhere",
    "kms", "opensearch", "pricing", "pca-connector-ad", "resource-groups", "secretsmanager", "sts",
    "signin", "support", "transfer", "notifications", "wafv2", "xray",
})
# Actions authorized by the role's trust policy.
TRUST_ACTIONS = frozenset({
    "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity", "sts:tagsession",
    "sts:setsourceidentity", "sts:setcontext",
})
# Kinds of statement record in a trace (see _Run._matched_traced).
_MATCHED, _ACTION, _PRINCIPAL, _OTHER = 0, 1, 2, 3
_STR = json.encoder.encode_basestring  # a str as JSON text (ensure_ascii=False)
_UNMATCHED = ', "matched": false, "grant": null, "why_not": '
_MATCHED_TEXT = {g: f', "matched": true, "grant": {_ENCODE(g)}, "why_not": null}}'
                 for g in (None, DIRECT, ROLE, ACCOUNT)}
SESSION_KINDS = frozenset({"role", "role_session", "federated_user"})
IDENTITY_KINDS = frozenset({"user", "role", "role_session", "federated_user"})
SCP_KINDS = frozenset({"user", "role", "role_session", "federated_user", "root"})


def _policy_list(value: object, path: str) -> list[object]:
    if value is None:
        return []
    if isinstance(value, dict | str):
        return [value]
    if not isinstance(value, list):
        raise PolicyError("expected a list of policy documents", path)
    return value


def _levels(value: object, path: str, kind: str) -> tuple[tuple[Policy, ...], ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise PolicyError(
            f"{kind}s must be a list of levels (root first, account last), each a list of policies",
            path,
        )
    levels: list[tuple[Policy, ...]] = []
    for li, level in enumerate(value):
        lpath = join_path(path, li)
        if isinstance(level, dict | str):  # a bare policy: a level holding just that policy
            levels.append((parse_policy(level, kind, lpath),))
            continue
        if not isinstance(level, list):
            raise PolicyError("each level must be a list of policy documents", lpath)
        levels.append(tuple(parse_policy(p, kind, join_path(lpath, i)) for i, p in enumerate(level)))
    return tuple(levels)


_POLICY_FIELDS = ("identity", "resource", "boundary", "session", "scps", "rcps")


@dataclass(slots=True, eq=False)
class PolicySet:
    """Every policy AWS would consult, parsed and compiled once; evaluate many requests."""

    identity: tuple[Policy, ...] = ()
    resource: Policy | None = None
    boundary: Policy | None = None
    session: Policy | None = None
    scps: tuple[tuple[Policy, ...], ...] | None = None
    rcps: tuple[tuple[Policy, ...], ...] | None = None
    resource_public: bool = False
    # (label, policy) pairs, computed once so each decision does no string formatting.
    identity_labelled: tuple[tuple[str, Policy], ...] = field(default=(), init=False, repr=False)
    scp_labelled: tuple[tuple[tuple[str, Policy], ...], ...] = field(default=(), init=False, repr=False)
    rcp_labelled: tuple[tuple[str, Policy], ...] = field(default=(), init=False, repr=False)
    _groups: dict[tuple[bool, ...], tuple[tuple[str, Policy], ...]] = field(
        default_factory=dict, init=False, repr=False)
    _others: PolicySet | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.identity_labelled = tuple((f"identity[{i}]", p) for i, p in enumerate(self.identity))
        self.scp_labelled = tuple(
            tuple((f"scps[{li}][{i}]", p) for i, p in enumerate(level)) for li, level in enumerate(self.scps or ())
        )
        self.rcp_labelled = tuple(
            (f"rcps[{li}][{i}]", p) for li, level in enumerate(self.rcps or ()) for i, p in enumerate(level)
        )

    def groups(self, identity_on: bool, boundary_on: bool, session_on: bool, scp_on: bool,
               rcp_on: bool) -> tuple[tuple[str, Policy], ...]:
        """The (label, policy) pairs that apply, in evaluation order; cached per combination."""
        key = (identity_on, boundary_on, session_on, scp_on, rcp_on)
        hit = self._groups.get(key)
        if hit is None:
            out: list[tuple[str, Policy]] = list(self.identity_labelled) if identity_on else []
            if self.resource is not None:
                out.append(("resource", self.resource))
            if boundary_on and self.boundary is not None:
                out.append(("boundary", self.boundary))
            if session_on and self.session is not None:
                out.append(("session", self.session))
            if scp_on:
                for level in self.scp_labelled:
                    out.extend(level)
            if rcp_on:
                out.extend(self.rcp_labelled)
            hit = self._groups[key] = tuple(out)
        return hit

    @classmethod
    def from_dict(cls, policies: object, path: str = "policies") -> PolicySet:
        if policies is None:
            policies = {}
        if not isinstance(policies, dict):
            raise PolicyError("policies must be an object (identity, resource, boundary, ...)", path)
        for key in policies:
            if key not in _POLICY_FIELDS:
                raise PolicyError(
                    f"unknown policy type {key!r}; expected one of {', '.join(_POLICY_FIELDS)}",
                    join_path(path, key),
                )
        ipath = join_path(path, "identity")
        identity = tuple(
            parse_policy(p, "identity", join_path(ipath, i))
            for i, p in enumerate(_policy_list(policies.get("identity"), ipath))
        )

        def single(name: str, kind: str) -> Policy | None:
            value = policies.get(name)
            return None if value is None else parse_policy(value, kind, join_path(path, name))

        resource = single("resource", "resource")
        return cls(
            identity=identity,
            resource=resource,
            boundary=single("boundary", "boundary"),
            session=single("session", "session"),
            scps=_levels(policies.get("scps"), join_path(path, "scps"), "scp"),
            rcps=_levels(policies.get("rcps"), join_path(path, "rcps"), "rcp"),
            resource_public=policy_is_public(resource),
        )

    def for_additional_resources(self) -> PolicySet:
        """The policies that apply to a request's additional resources: all but the resource-based
        policy, which belongs to the primary resource."""
        if self.resource is None:
            return self
        if self._others is None:
            self._others = PolicySet(self.identity, None, self.boundary, self.session, self.scps, self.rcps)
        return self._others

    def decide(self, request: Request | dict) -> str:
        """Just the decision string: the fast path for grading many requests."""
        req = request if isinstance(request, Request) else parse_request(request)
        decision = _Run(self, req, trace=False).decide()
        if req.additional and decision != EXPLICIT:
            others = self.for_additional_resources()
            for sub in req.additional:
                d = _Run(others, sub, trace=False).decide()
                if d == EXPLICIT:
                    return d
                if decision == ALLOW:
                    decision = d
        return decision

    def decide_many(self, requests: Iterable[Request | dict]) -> list[str]:
        return [self.decide(r) for r in requests]

    def evaluate(self, request: Request | dict) -> EvaluationResult:
        """The decision with its full explanation."""
        req = request if isinstance(request, Request) else parse_request(request)
        run = _Run(self, req, trace=True)
        decision = run.decide()
        if not req.additional:
            return EvaluationResult(decision, None, req.raw, source=run)
        runs = [(req, run, decision)]
        others = self.for_additional_resources()
        for sub in req.additional:
            sub_run = _Run(others, sub, trace=True)
            runs.append((sub, sub_run, sub_run.decide()))
        # Explicit deny on any resource wins; else the first resource not allowed decides; else all allow.
        chosen = next((r for r in runs if r[2] == EXPLICIT), None) or next(
            (r for r in runs if r[2] != ALLOW), runs[0])
        sub, chosen_run, decision = chosen
        explanation = chosen_run.explanation(decision)
        if sub is not req:
            explanation["reason"] = f"for the additional resource {sub.resource}: {explanation['reason']}"
        explanation["resource"] = sub.resource
        explanation["resources"] = [
            {"resource": r.resource, "primary": r is req, "decision": d, "decided_by": rr.decided_by,
             "reason": rr.reason} for r, rr, d in runs
        ]
        return EvaluationResult(decision, explanation, req.raw)


class _Run:
    """One evaluation. With ``trace`` it also records every statement and step."""

    __slots__ = ("ps", "req", "trace", "memo", "records", "steps", "decided_by", "deciding", "reason",
                 "has_boundary")

    def __init__(self, ps: PolicySet, req: Request, trace: bool) -> None:
        self.ps = ps
        self.req = req
        self.trace = trace
        self.memo: dict[int, list[tuple[Statement, str]]] = {}
        self.records: list[tuple[int, str, Statement, str | None]] = []
        self.steps: list[tuple[str, str, str]] = []
        self.decided_by = "default"
        self.deciding: tuple[str, Statement] | None = None
        self.reason = ""
        self.has_boundary = ps.boundary is not None and req.caller.kind in IDENTITY_KINDS

    # -- statement matching -------------------------------------------------------------
    def matched(self, policy: Policy, label: str) -> list[tuple[Statement, str]]:
        key = id(policy)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        if self.trace:
            out = self._matched_traced(policy, label)
        else:
            req = self.req
            resource, ctx, caller = req.resource, req.context, req.caller
            out = []
            for s in policy.candidates(req.action):
                grant = DIRECT
                if s.principal is not None:
                    grant = s.principal_grant(caller, self.has_boundary)  # type: ignore[assignment]
                    if grant is None:
                        continue
                if s.applies_to_resource(resource, ctx):
                    out.append((s, grant))
        self.memo[key] = out
        return out

    def _matched_traced(self, policy: Policy, label: str) -> list[tuple[Statement, str]]:
        # Records are kept as (kind, label, statement, grant) and turned into dicts or JSON text only when
        # the explanation is asked for (explanation / explanation_text): the same detail, built lazily.
        req = self.req
        action, resource, ctx, caller = req.action, req.resource, req.context, req.caller
        candidates = policy.candidates(action)
        out: list[tuple[Statement, str]] = []
        records = self.records
        for s in policy.statements:
            grant = DIRECT
            if s.principal is not None:
                g = s.principal_grant(caller, self.has_boundary)
                if g is None:
                    records.append((_PRINCIPAL, label, s, None))
                    continue
                grant = g
            if s not in candidates:
                records.append((_ACTION, label, s, None))
            elif s.applies_to_resource(resource, ctx):
                out.append((s, grant))
                records.append((_MATCHED, label, s, grant if s.principal is not None else None))
            else:
                records.append((_OTHER, label, s, None))
        return out

    def step(self, name: str, outcome: str, detail: str) -> None:
        if self.trace:
            self.steps.append((name, outcome, detail))

    def decided(self, decision: str, by: str, reason: str, stmt: Statement | None = None,
                label: str | None = None) -> str:
        if self.trace:
            self.decided_by = by
            self.reason = reason
            if stmt is not None and label is not None:
                self.deciding = (label, stmt)
        return decision

    # -- the decision ---------------------------------------------------------------
    def decide(self) -> str:
        ps, req = self.ps, self.req
        caller = req.caller
        kind = caller.kind
        action_l = req.action_lower
        service = req.service

        identity_on = kind in IDENTITY_KINDS
        boundary_on = self.has_boundary
        session_on = ps.session is not None and kind in SESSION_KINDS
        scp_on = (ps.scps is not None and kind in SCP_KINDS and not req.principal_is_mgmt
                  and not caller.service_linked)
        rcp_on = (ps.rcps is not None and not req.resource_is_mgmt and not caller.service_linked
                  and service in RCP_SERVICES and action_l != "kms:retiregrant")
        if self.trace:
            self._note_applicability(identity_on, boundary_on, session_on, scp_on, rcp_on)

        groups = ps.groups(identity_on, boundary_on, session_on, scp_on, rcp_on)

        if self.trace:  # explain every statement, even after the decision is known
            for label, policy in groups:
                self.matched(policy, label)

        # 1. Explicit deny anywhere wins.
        matched = self.matched
        for label, policy in groups:
            for s, _g in matched(policy, label):
                if not s.is_allow:
                    if self.trace:
                        self.step("explicit deny", "Deny", f"{label} statement {s.label} denies the request")
                    return self.decided(EXPLICIT, f"{label} statement {s.label}",
                                        f"explicitly denied by {label} statement {s.label}", s, label)
        self.step("explicit deny", "none", "no applicable policy has a Deny statement that matches")

        # 2. RCPs: RCPFullAWSAccess is implied at every level, so only their Deny statements count.
        if rcp_on:
            self.step("resource control policies", "pass",
                      "RCPFullAWSAccess is implied at every level and no RCP Deny matched")

        # 3. Every SCP level must allow.
        if scp_on:
            for li, level in enumerate(ps.scp_labelled):
                allowed = None
                for lab, p in level:
                    allowed = next(((s, lab) for s, _g in self.matched(p, lab) if s.is_allow), None)
                    if allowed:
                        break
                if allowed is None:
                    if self.trace:
                        self.step("service control policies", "ImplicitDeny",
                                  f"no SCP at level {li} allows {req.action}")
                    return self.decided(IMPLICIT, f"scps[{li}]",
                                        f"no service control policy at level {li} allows the action")
            self.step("service control policies", "pass", "every SCP level allows the action")

        # 4. Resource-based policy.
        grant, grant_stmt = None, None
        if ps.resource is not None:
            for s, g in self.matched(ps.resource, "resource"):
                if s.is_allow and grant_rank(g) > grant_rank(grant):
                    grant, grant_stmt = g, s
        if grant is not None and req.restrict_public_buckets and service == "s3" and ps.resource_public:
            insider = kind in ("service",) or (req.principal_account is not None
                                               and req.principal_account == req.resource_account)
            if not insider:
                self.step("S3 Block Public Access", "blocked",
                          "RestrictPublicBuckets is on and the bucket policy is public: only AWS service "
                          "principals and principals in the bucket owner's account may use it")
                grant, grant_stmt = None, None
        if ps.resource is not None and self.trace:
            self.step("resource-based policy", grant and "Allow" or "no allow",
                      f"statement {grant_stmt.label} allows the principal ({_grant_words(grant)})"
                      if grant_stmt else "no statement allows this principal")

        strict = action_l in TRUST_ACTIONS or (service == "kms" and ":key/" in req.resource)
        strict_name = "role trust policy" if action_l in TRUST_ACTIONS else "KMS key policy"

        # Principals without identity-based policies: the resource policy alone decides.
        if kind in ("anonymous", "service", "federated_provider"):
            if grant is not None:
                return self.decided(ALLOW, f"resource statement {grant_stmt.label}",  # type: ignore[union-attr]
                                    "the resource-based policy allows this principal", grant_stmt, "resource")
            return self.decided(IMPLICIT, "resource",
                                "only a resource-based policy can allow this principal, and none does")

        # 5-7. Identity side: identity policies ∩ boundary ∩ session policy.
        id_stmt: tuple[Statement, str] | None = None
        if kind == "root":
            id_ok = True
        else:
            for lab, p in ps.identity_labelled:
                id_stmt = next(((s, lab) for s, _g in self.matched(p, lab) if s.is_allow), None)
                if id_stmt:
                    break
            id_ok = id_stmt is not None
        boundary_ok = True
        if boundary_on:
            boundary_ok = any(s.is_allow for s, _g in self.matched(ps.boundary, "boundary"))  # type: ignore[arg-type]
        session_ok = True
        if session_on:
            session_ok = any(s.is_allow for s, _g in self.matched(ps.session, "session"))  # type: ignore[arg-type]
        elif kind == "federated_user":
            session_ok = False
        identity_path = id_ok and boundary_ok and session_ok
        if self.trace:
            self._note_identity(kind, id_ok, id_stmt, boundary_on, boundary_ok, session_on, session_ok)

        same = req.same_account
        if strict:
            if grant is None:
                return self.decided(IMPLICIT, "resource",
                                    f"the {strict_name} must allow the principal, even within the "
                                    "account, and it does not" + ("" if ps.resource else " (none given)"))
            if same and grant == DIRECT:
                return self.decided(ALLOW, f"resource statement {grant_stmt.label}",  # type: ignore[union-attr]
                                    f"the {strict_name} names this principal directly", grant_stmt, "resource")
            if same and grant == ROLE and boundary_ok and session_ok:
                return self.decided(ALLOW, f"resource statement {grant_stmt.label}",  # type: ignore[union-attr]
                                    f"the {strict_name} names the role; boundary and session policy allow",
                                    grant_stmt, "resource")
            if identity_path:
                assert grant_stmt is not None
                if kind == "root":
                    return self.decided(ALLOW, f"resource statement {grant_stmt.label}",
                                        f"the {strict_name} allows the account and the root user has full "
                                        "access within it", grant_stmt, "resource")
                s, lab = id_stmt  # type: ignore[misc]
                return self.decided(ALLOW, f"{lab} statement {s.label}",
                                    f"the {strict_name} allows the {'account' if same else 'principal'}"
                                    f" and the identity-based policy allows the action", s, lab)
            return self._identity_denial(id_ok, boundary_ok, session_ok, kind,
                                         f"the {strict_name} allows the account, so")

        if same:
            if grant == DIRECT:
                return self.decided(ALLOW, f"resource statement {grant_stmt.label}",  # type: ignore[union-attr]
                                    "the resource-based policy names this principal directly (same "
                                    "account), so identity policies, boundary and session policy do not "
                                    "limit it", grant_stmt, "resource")
            if grant == ROLE and boundary_ok and session_ok:
                return self.decided(ALLOW, f"resource statement {grant_stmt.label}",  # type: ignore[union-attr]
                                    "the resource-based policy names the role (same account); the "
                                    "boundary and session policy allow it", grant_stmt, "resource")
            if identity_path:
                return self._identity_allow(kind, id_stmt)
            return self._identity_denial(id_ok, boundary_ok, session_ok, kind, "")

        # Cross-account: both sides must allow.
        if not identity_path:
            return self._identity_denial(id_ok, boundary_ok, session_ok, kind,
                                         "cross-account access needs the principal's own account to allow:")
        if grant is None:
            return self.decided(IMPLICIT, "resource",
                                "cross-account access needs the resource-based policy in the resource's "
                                "account to allow the principal, and "
                                + ("it does not" if ps.resource else "there is none"))
        self.step("cross-account", "Allow", "both the identity side and the resource side allow")
        return self.decided(ALLOW, f"resource statement {grant_stmt.label}",  # type: ignore[union-attr]
                            "cross-account: the identity side and the resource-based policy both allow",
                            grant_stmt, "resource")

    def _identity_allow(self, kind: str, id_stmt: tuple[Statement, str] | None) -> str:
        if kind == "root" or id_stmt is None:
            return self.decided(ALLOW, "root user", "the account root user has full access by default")
        s, lab = id_stmt
        return self.decided(ALLOW, f"{lab} statement {s.label}",
                            "the identity-based policy allows the action (and any boundary/session "
                            "policy allows it too)", s, lab)

    def _identity_denial(self, id_ok: bool, boundary_ok: bool, session_ok: bool, kind: str,
                         prefix: str) -> str:
        pre = (prefix + " ") if prefix else ""
        if not id_ok:
            return self.decided(IMPLICIT, "identity", pre + "no identity-based policy allows the action")
        if not boundary_ok:
            return self.decided(IMPLICIT, "boundary", pre + "the permissions boundary does not allow the action")
        if kind == "federated_user" and self.ps.session is None:
            return self.decided(IMPLICIT, "session",
                                pre + "a federated user session without a session policy gets no permissions "
                                "from identity-based policies")
        return self.decided(IMPLICIT, "session", pre + "the session policy does not allow the action")

    # -- explanation helpers ------------------------------------------------------------
    def _note_applicability(self, identity_on: bool, boundary_on: bool, session_on: bool,
                            scp_on: bool, rcp_on: bool) -> None:
        ps, req, caller = self.ps, self.req, self.req.caller
        if ps.scps is not None and not scp_on:
            why = ("the principal is in the organization's management account" if req.principal_is_mgmt
                   else "SCPs do not apply to service-linked roles" if caller.service_linked
                   else f"SCPs apply only to IAM users and roles, not to a {caller.kind} principal")
            self.step("service control policies", "skipped", why)
        if ps.rcps is not None and not rcp_on:
            why = ("the resource is in the organization's management account" if req.resource_is_mgmt
                   else "RCPs do not apply to service-linked roles" if caller.service_linked
                   else f"RCPs do not apply to {req.action}")
            self.step("resource control policies", "skipped", why)
        if ps.identity and not identity_on:
            self.step("identity-based policies", "skipped",
                      f"a {caller.kind} principal has no identity-based policies")
        if ps.boundary is not None and not boundary_on:
            self.step("permissions boundary", "skipped", "boundaries apply only to IAM users and roles")
        if ps.session is not None and not session_on:
            self.step("session policy", "skipped", "session policies apply only to session principals")

    def _note_identity(self, kind: str, id_ok: bool, id_stmt: tuple[Statement, str] | None,
                       boundary_on: bool, boundary_ok: bool, session_on: bool, session_ok: bool) -> None:
        if kind == "root":
            self.step("identity-based policies", "Allow", "the root user has full access by default")
        else:
            self.step("identity-based policies", "Allow" if id_ok else "no allow",
                      f"{id_stmt[1]} statement {id_stmt[0].label} allows the action" if id_stmt
                      else "no identity-based statement allows the action")
        if boundary_on:
            self.step("permissions boundary", "Allow" if boundary_ok else "no allow",
                      "the boundary allows the action" if boundary_ok
                      else "the boundary does not allow the action")
        if session_on:
            self.step("session policy", "Allow" if session_ok else "no allow",
                      "the session policy allows the action" if session_ok
                      else "the session policy does not allow the action")

    def explanation(self, decision: str) -> dict:
        req = self.req
        records = []
        for kind, label, s, grant in self.records:
            if kind == _ACTION:
                # The commonest record by far (the action is not this statement's): built once per
                # (policy label, action) and copied, with its why_not.
                key = (label, req.action)
                cached = s.explain_cache.get(key)
                if cached is None:
                    if len(s.explain_cache) > 256:
                        s.explain_cache.clear()
                    cached = s.explain_cache[key] = statement_record(label, s, False, describe_mismatch(s, req))
                record = cached.copy()
                record["why_not"] = cached["why_not"].copy()
            elif kind == _MATCHED:
                record = statement_record(label, s, True, None, grant)
            else:
                record = statement_record(label, s, False, describe_mismatch(s, req, kind == _PRINCIPAL))
            records.append(record)
        deciding = None
        if self.deciding is not None:
            label, stmt = self.deciding
            deciding = {"policy": label, "statement": stmt.label, "sid": stmt.sid, "index": stmt.index,
                        "effect": stmt.effect, "path": stmt.path}
        return {
            "decided_by": self.decided_by,
            "reason": self.reason,
            "deciding_statement": deciding,
            "statements": records,
            "steps": [{"step": n, "outcome": o, "detail": d} for n, o, d in self.steps],
        }

    def explanation_text(self, decision: str) -> str:
        """The JSON text of ``{"decision": decision, "explanation": self.explanation(decision)}`` as
        ``json.dumps(..., ensure_ascii=False)`` writes it, from per-statement text cached on the statements."""
        req = self.req
        action = req.action
        texts = []
        for kind, label, s, grant in self.records:
            cache = s.text_cache
            if kind == _ACTION:
                key = (0, label, action)
                text = cache.get(key)
                if text is None:
                    if len(cache) > 256:
                        cache.clear()
                    text = cache[key] = (record_prefix(label, s) + _UNMATCHED
                                         + _ENCODE(describe_mismatch(s, req)) + "}")
            elif kind == _MATCHED:
                text = record_prefix(label, s) + _MATCHED_TEXT[grant]
            elif kind == _PRINCIPAL:  # depends on the statement and the caller only: cached per caller
                key = (2, label, req.caller.raw)
                text = cache.get(key)
                if text is None:
                    if len(cache) > 256:
                        cache.clear()
                    text = cache[key] = (record_prefix(label, s) + _UNMATCHED
                                         + _ENCODE(describe_mismatch(s, req, True)) + "}")
            else:
                text = record_prefix(label, s) + _UNMATCHED + _ENCODE(describe_mismatch(s, req)) + "}"
            texts.append(text)
        if self.deciding is None:
            deciding = "null"
        else:
            label, stmt = self.deciding
            deciding = deciding_text(label, stmt)
        steps = [f'{{"step": {_STR(n)}, "outcome": {_STR(o)}, "detail": {_STR(d)}}}' for n, o, d in self.steps]
        return (f'{{"decision": {_STR(decision)}, "explanation": {{"decided_by": {_STR(self.decided_by)}, '
                f'"reason": {_STR(self.reason)}, "deciding_statement": {deciding}, '
                f'"statements": [{", ".join(texts)}], "steps": [{", ".join(steps)}]}}}}')


def _grant_words(grant: str | None) -> str:
    return {DIRECT: "names it directly", ROLE: "names its role", ACCOUNT: "names its account"}.get(
        grant or "", "")


# Compiled policy sets by the JSON text of their ``policies``: a batch (the CLI, a grading run, the
# differential tester) asks many questions of the same policies, and compiling is most of the cost of one.
_COMPILED: OrderedDict[str, PolicySet] = OrderedDict()
_COMPILED_MAX = 256


def compiled_policies(policies: object) -> PolicySet:
    """``PolicySet.from_dict(policies)``, reused while the same policies come again (LRU of 256)."""
    try:
        key = json.dumps(policies, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return PolicySet.from_dict(policies, "policies")  # not plain JSON: no sharing
    hit = _COMPILED.get(key)
    if hit is not None:
        _COMPILED.move_to_end(key)
        return hit
    ps = PolicySet.from_dict(policies, "policies")
    _COMPILED[key] = ps
    if len(_COMPILED) > _COMPILED_MAX:
        _COMPILED.popitem(last=False)
    return ps


def evaluate_question(question: object) -> EvaluationResult:
    if not isinstance(question, dict):
        raise PolicyError("a question must be an object with 'request' and 'policies'", "")
    req = parse_request(question.get("request"), "request")
    ps = compiled_policies(question.get("policies"))
    return ps.evaluate(req)


def evaluate_alone(policy: Policy, request: Request | dict, label: str = "endpoint") -> EvaluationResult:
    """One policy on its own, as AWS applies a policy that can only restrict (a VPC endpoint policy).

    An endpoint policy grants nothing; it is one more gate the request must pass, besides the identity
    and resource policies: a matching Deny denies, else a matching Allow lets the request through, else
    it is implicitly denied. A statement matches when its Principal names the caller in any way (a
    whole account included), and its action, resource and conditions match.
    """
    req = request if isinstance(request, Request) else parse_request(request)
    run = _Run(PolicySet(), req, trace=True)
    matched = run.matched(policy, label)
    deny = next((s for s, _g in matched if not s.is_allow), None)
    allow = next((s for s, _g in matched if s.is_allow), None)
    if deny is not None:
        run.step("explicit deny", "Deny", f"{label} statement {deny.label} denies the request")
        decision = run.decided(EXPLICIT, f"{label} statement {deny.label}",
                               f"explicitly denied by {label} statement {deny.label}", deny, label)
    elif allow is not None:
        run.step("explicit deny", "none", f"no {label} statement denies the request")
        decision = run.decided(ALLOW, f"{label} statement {allow.label}",
                               f"{label} statement {allow.label} allows {req.action} on {req.resource}", allow,
                               label)
    else:
        run.step("explicit deny", "none", f"no {label} statement denies the request")
        decision = run.decided(IMPLICIT, label,
                               f"no {label} statement allows {req.action} on {req.resource} (implicit deny)")
    return EvaluationResult(decision, None, req.raw, source=run)
