"""Typed, pre-compiled policies: parse once, evaluate many times.

"String or list" elements are normalised to tuples here, wildcard patterns are compiled,
and every grammar mistake becomes a :class:`PolicyError` with a JSON path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .conditions import Clause, compile_condition
from .errors import PolicyError, join_path
from .matching import GlobSet
from .principals import Caller, PrincipalSpec, parse_principal
from .variables import Template, parse_template

VERSIONS = ("2012-10-17", "2008-10-17")
POLICY_KEYS = ("Version", "Id", "Statement")
STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
                  "Principal", "NotPrincipal", "Condition")
# Policy types that carry a Principal element.
PRINCIPAL_KINDS = frozenset({"resource", "trust", "key", "endpoint", "rcp"})
KIND_NAMES = {
    "identity": "identity-based policy",
    "resource": "resource-based policy",
    "trust": "role trust policy",
    "key": "KMS key policy",
    "endpoint": "VPC endpoint policy",
    "boundary": "permissions boundary",
    "session": "session policy",
    "scp": "service control policy",
    "rcp": "resource control policy",
}


@dataclass(slots=True, eq=False)
class Statement:
    """One statement, with its matchers compiled."""

    index: int
    sid: str | None
    effect: str
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    principal: PrincipalSpec | None
    not_principal: bool
    conditions: tuple[Clause, ...]
    path: str
    raw: dict
    is_allow: bool = False
    action_set: GlobSet = field(repr=False, default=None)  # type: ignore[assignment]
    resource_set: GlobSet | None = field(repr=False, default=None)
    resource_templates: tuple[Template, ...] | None = field(repr=False, default=None)
    actions_text: str | None = field(repr=False, default=None)  # explanations: str(list(actions)), once
    resources_text: str | None = field(repr=False, default=None)  # explanations: str(list(resources)), once
    explain_cache: dict = field(repr=False, default_factory=dict)  # (label, action) -> action-mismatch record
    text_cache: dict = field(repr=False, default_factory=dict)  # JSON text of its records (course.iam.explain)

    @property
    def label(self) -> str:
        return self.sid if self.sid else f"#{self.index}"

    def action_matches(self, action: str) -> bool:
        hit = self.action_set.matches(action)
        return not hit if self.not_action else hit

    def resource_matches(self, resource: str, ctx: dict) -> bool:
        if self.resource_set is not None:
            hit = self.resource_set.matches(resource)
        else:
            hit = False
            for t in self.resource_templates or ():
                pat = t.resolve_glob(ctx)
                if pat is not None and pat.matches(resource):
                    hit = True
                    break
        return not hit if self.not_resource else hit

    def principal_grant(self, caller: Caller, has_boundary: bool) -> str | None:
        """How the Principal/NotPrincipal element covers the caller (None: not at all)."""
        spec = self.principal
        if spec is None:
            return "direct"
        if self.not_principal:
            if not self.is_allow and has_boundary and caller.kind in ("user", "role", "role_session"):
                # Documented trap: NotPrincipal+Deny always denies principals with a boundary.
                return "direct"
            return None if spec.excludes(caller) else "direct"
        return spec.grant(caller)

    def applies(self, action: str, resource: str, ctx: dict) -> bool:
        """Action, resource and conditions all match (Principal is checked separately)."""
        return self.action_matches(action) and self.applies_to_resource(resource, ctx)

    def applies_to_resource(self, resource: str, ctx: dict) -> bool:
        """Resource and conditions match (the action is already known to match)."""
        rs = self.resource_set
        if rs is not None and not self.not_resource:
            if not rs.matches(resource):
                return False
        elif not self.resource_matches(resource, ctx):
            return False
        for clause in self.conditions:
            if not clause.evaluate(ctx):
                return False
        return True


@dataclass(slots=True, eq=False)
class Policy:
    kind: str
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    path: str
    raw: dict
    _by_action: dict[str, tuple[Statement, ...]] = field(default_factory=dict, repr=False)

    def candidates(self, action: str) -> tuple[Statement, ...]:
        """Statements whose Action/NotAction covers ``action`` (cached per action name)."""
        hit = self._by_action.get(action)
        if hit is None:
            hit = tuple(s for s in self.statements if s.action_matches(action))
            if len(self._by_action) > 4096:
                self._by_action.clear()
            self._by_action[action] = hit
        return hit

    @property
    def substitutes_variables(self) -> bool:
        return self.version == "2012-10-17"

    @property
    def allows(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.is_allow)

    @property
    def denies(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if not s.is_allow)


def load_document(doc: object, path: str = "") -> object:
    """Accept a policy as a dict or as JSON text."""
    if isinstance(doc, bytes | bytearray):
        try:
            doc = doc.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PolicyError(f"policy text is not UTF-8: {exc}", path) from None
    if isinstance(doc, str):
        try:
            return json.loads(doc)
        except json.JSONDecodeError as exc:
            raise PolicyError(
                f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", path
            ) from None
        except RecursionError:
            raise PolicyError("JSON is nested too deeply", path) from None
    return doc


def _string_list(value: object, path: str, element: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise PolicyError(f"{element} must not be an empty list", path)
    out: list[str] = []
    for i, item in enumerate(items):
        ipath = join_path(path, i) if isinstance(value, list) else path
        if not isinstance(item, str) or not item:
            raise PolicyError(f"{element} entries must be non-empty strings", ipath)
        out.append(item)
    return tuple(out)


def _check_action(action: str, path: str) -> None:
    if action == "*":
        return
    service, sep, name = action.partition(":")
    if not sep or not service or not name or ":" in name or " " in action:
        raise PolicyError(
            f"action {action!r} must look like 'service:ActionName' (for example 's3:GetObject') or '*'",
            path,
        )


def complete_arn(resource: str, path: str) -> str:
    """``resource`` checked, with the fields an incomplete ARN leaves out completed by ``*``.

    IAM's identifiers page (reference_identifiers.html#identifiers-arns): an ARN in a policy with fewer
    than the six fields is completed with wildcards, so ``arn:aws:sqs`` means ``arn:aws:sqs:*:*:*``.
    The partition and the service must be there (a wildcard may not stand for the service).
    """
    if resource == "*":
        return resource
    parts = resource.split(":", 5)
    if parts[0] != "arn" or len(parts) < 3 or not parts[1] or not parts[2]:
        raise PolicyError(
            f"resource {resource!r} must be '*' or an ARN such as 'arn:aws:s3:::bucket/key' "
            "(at least 'arn:partition:service')", path
        )
    if len(parts) < 6:
        return resource + ":*" * (6 - len(parts))
    return resource


def parse_statement(raw: object, index: int, path: str, kind: str, substitute: bool) -> Statement:
    if not isinstance(raw, dict):
        raise PolicyError("each statement must be a JSON object", path)
    for key in raw:
        if key not in STATEMENT_KEYS:
            hint = next((k for k in STATEMENT_KEYS if k.lower() == str(key).lower()), None)
            extra = f" (did you mean {hint!r}? element names are case-sensitive)" if hint else ""
            raise PolicyError(f"unknown statement element {key!r}{extra}", join_path(path, key))
    sid = raw.get("Sid")
    if "Sid" in raw and not isinstance(sid, str):
        raise PolicyError("Sid must be a string", join_path(path, "Sid"))
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(
            'Effect is required and must be exactly "Allow" or "Deny"' + (
                f", not {effect!r}" if effect is not None else ""),
            join_path(path, "Effect"),
        )
    # Action / NotAction
    if ("Action" in raw) == ("NotAction" in raw):
        raise PolicyError("a statement needs exactly one of Action or NotAction", path)
    akey = "Action" if "Action" in raw else "NotAction"
    apath = join_path(path, akey)
    if kind == "rcp" and akey == "NotAction":
        # orgs_manage_policies_rcps_syntax.html lists the elements an RCP may use: NotAction is not one.
        raise PolicyError("a resource control policy does not support NotAction; list the actions to deny "
                          "in Action", apath)
    actions = _string_list(raw[akey], apath, akey)
    for i, a in enumerate(actions):
        _check_action(a, join_path(apath, i) if isinstance(raw[akey], list) else apath)
    # Resource / NotResource
    if "Resource" in raw and "NotResource" in raw:
        raise PolicyError("a statement cannot have both Resource and NotResource", path)
    if "Resource" in raw or "NotResource" in raw:
        rkey = "Resource" if "Resource" in raw else "NotResource"
        rpath = join_path(path, rkey)
        resources = tuple(
            complete_arn(r, join_path(rpath, i) if isinstance(raw[rkey], list) else rpath)
            for i, r in enumerate(_string_list(raw[rkey], rpath, rkey))
        )
        not_resource = rkey == "NotResource"
    elif kind in ("identity", "boundary", "session", "endpoint"):
        # An endpoint policy is attached to the endpoint, not to the resource: there is no resource to imply.
        raise PolicyError(f"a statement in a {KIND_NAMES[kind]} needs Resource or NotResource", path)
    else:
        # Trust policies and policies attached to a resource may omit it: the resource itself.
        resources, not_resource = ("*",), False
    # Principal / NotPrincipal
    principal: PrincipalSpec | None = None
    not_principal = False
    has_p, has_np = "Principal" in raw, "NotPrincipal" in raw
    if kind in PRINCIPAL_KINDS:
        if has_p and has_np:
            raise PolicyError("a statement cannot have both Principal and NotPrincipal", path)
        if has_p or has_np:
            pkey = "Principal" if has_p else "NotPrincipal"
            principal = parse_principal(raw[pkey], join_path(path, pkey))
            not_principal = has_np
            if kind in ("rcp", "trust") and has_np:
                raise PolicyError(f"a {KIND_NAMES[kind]} does not support NotPrincipal; use Principal "
                                  "with a condition on aws:PrincipalArn", join_path(path, pkey))
        elif kind in ("resource", "trust", "key"):
            raise PolicyError(
                "a statement in a resource-based policy needs Principal or NotPrincipal", path
            )
    elif has_p or has_np:
        pkey = "Principal" if has_p else "NotPrincipal"
        raise PolicyError(
            f"{pkey} is not allowed in a {KIND_NAMES[kind]}: it applies to the identity it is "
            "attached to; remove the element",
            join_path(path, pkey),
        )
    conditions: tuple[Clause, ...] = ()
    if "Condition" in raw:
        conditions = compile_condition(raw["Condition"], join_path(path, "Condition"), substitute)
    stmt = Statement(
        index=index, sid=sid, effect=effect, actions=actions, not_action=akey == "NotAction",
        resources=resources, not_resource=not_resource, principal=principal,
        not_principal=not_principal, conditions=conditions, path=path, raw=raw, is_allow=effect == "Allow",
    )
    stmt.action_set = GlobSet(actions, ignore_case=True)
    templates = tuple(parse_template(r, substitute) for r in resources)
    if any(t.has_vars or t.has_literals for t in templates):
        stmt.resource_templates = templates
    else:
        stmt.resource_set = GlobSet(resources)
    return stmt


def parse_policy(doc: object, kind: str = "identity", path: str = "") -> Policy:
    """Parse and compile one policy document (dict or JSON text)."""
    if kind not in KIND_NAMES:
        raise PolicyError(f"unknown policy kind {kind!r}", path)
    doc = load_document(doc, path)
    if not isinstance(doc, dict):
        raise PolicyError(f"a {KIND_NAMES[kind]} must be a JSON object", path)
    for key in doc:
        if key not in POLICY_KEYS:
            hint = next((k for k in POLICY_KEYS if k.lower() == str(key).lower()), None)
            extra = f" (did you mean {hint!r}?)" if hint else ""
            if key in STATEMENT_KEYS:
                extra = " (statement elements belong inside Statement)"
            raise PolicyError(f"unknown policy element {key!r}{extra}", join_path(path, key))
    version = doc.get("Version")
    if "Version" in doc and version not in VERSIONS:
        raise PolicyError(
            f'Version must be "2012-10-17" (or the legacy "2008-10-17"), not {version!r}',
            join_path(path, "Version"),
        )
    pid = doc.get("Id")
    if "Id" in doc and not isinstance(pid, str):
        raise PolicyError("Id must be a string", join_path(path, "Id"))
    if "Statement" not in doc:
        raise PolicyError("a policy needs a Statement element", path)
    raw_statements = doc["Statement"]
    spath = join_path(path, "Statement")
    substitute = version == "2012-10-17"
    statements: tuple[Statement, ...]
    if isinstance(raw_statements, dict):
        statements = (parse_statement(raw_statements, 0, spath, kind, substitute),)
    elif isinstance(raw_statements, list):
        statements = tuple(
            parse_statement(s, i, join_path(spath, i), kind, substitute)
            for i, s in enumerate(raw_statements)
        )
    else:
        raise PolicyError("Statement must be an object or a list of objects", spath)
    return Policy(kind, version, pid, statements, path, doc)
