"""Who is calling, and whether a policy's Principal / NotPrincipal names them.

The kind of name matters for same-account resource-based policies
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
a grant to the user ARN or the session ARN is *direct*; a grant to the role ARN (for a role
session) is limited by the boundary and session policy; a grant to the account delegates to
the account's identity-based policies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import PolicyError, join_path

DIRECT, ROLE, ACCOUNT = "direct", "role", "account"
_GRANT_RANK = {DIRECT: 3, ROLE: 2, ACCOUNT: 1}

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:([\w-]+):(iam|sts)::(\d{12}|aws):(.+)$")

IAM_KINDS = frozenset({"user", "role", "role_session", "federated_user", "root"})


def grant_rank(kind: str | None) -> int:
    return _GRANT_RANK.get(kind, 0) if kind else 0


@dataclass(frozen=True, slots=True)
class Caller:
    """The request's principal, parsed once."""

    raw: str
    kind: str  # user|role|role_session|federated_user|root|service|federated_provider|anonymous
    account: str | None = None
    partition: str = "aws"
    role_name: str | None = None  # for role and role_session
    service_linked: bool = False

    @property
    def root_arn(self) -> str | None:
        return f"arn:{self.partition}:iam::{self.account}:root" if self.account else None

    def identities(self) -> tuple[str, ...]:
        """Every name AWS may check for this caller (NotPrincipal must list all of them)."""
        if self.kind in ("anonymous",):
            return ("anonymous",)
        if self.kind in ("service", "federated_provider"):
            return (self.raw.lower(),)
        ids = [self.raw]
        if self.kind == "role_session":
            ids.append(f"role:{self.role_name}")
        if self.root_arn and self.raw != self.root_arn:
            ids.append(self.root_arn)
        return tuple(ids)


def parse_caller(principal: object, path: str = "request.principal") -> Caller:
    """Parse the request principal (user/role/session ARN, service name, or "anonymous")."""
    if isinstance(principal, str):
        hit = _CALLERS.get(principal)
        if hit is not None:
            return hit
        caller = _parse_caller(principal, path)
        if len(_CALLERS) > 4096:
            _CALLERS.clear()
        _CALLERS[principal] = caller
        return caller
    return _parse_caller(principal, path)


_CALLERS: dict[str, Caller] = {}


def _parse_caller(principal: object, path: str) -> Caller:
    if not isinstance(principal, str) or not principal.strip():
        raise PolicyError(
            "principal must be an IAM user/role ARN, an STS session ARN, a service principal "
            "such as 'cloudtrail.amazonaws.com', or 'anonymous'",
            path,
        )
    p = principal.strip()
    if p in ("anonymous", "*"):
        return Caller(p, "anonymous")
    if _ACCOUNT_ID.match(p):
        return Caller(f"arn:aws:iam::{p}:root", "root", p)
    m = _IAM_ARN.match(p)
    if m:
        partition, service, account, rest = m.groups()
        if service == "iam" and rest == "root":
            return Caller(p, "root", account, partition)
        if service == "iam" and rest.startswith("user/"):
            return Caller(p, "user", account, partition)
        if service == "iam" and rest.startswith("role/"):
            name = rest.rsplit("/", 1)[-1]
            slr = rest.startswith("role/aws-service-role/")
            return Caller(p, "role", account, partition, name, slr)
        if service == "sts" and rest.startswith("assumed-role/"):
            bits = rest.split("/")
            if len(bits) < 3 or not bits[1] or not bits[2]:
                raise PolicyError(
                    "an assumed-role ARN looks like arn:aws:sts::123456789012:assumed-role/ROLE/SESSION",
                    path,
                )
            slr = bits[1].startswith("AWSServiceRoleFor")
            return Caller(p, "role_session", account, partition, bits[1], slr)
        if service == "sts" and rest.startswith("federated-user/"):
            return Caller(p, "federated_user", account, partition)
        if service == "iam" and (rest.startswith("saml-provider/") or rest.startswith("oidc-provider/")):
            return Caller(p, "federated_provider", account, partition)
        raise PolicyError(f"unsupported principal ARN {p!r}", path)
    if p.startswith("arn:"):
        raise PolicyError(f"unsupported principal ARN {p!r}", path)
    if "." in p and " " not in p:
        return Caller(p, "service")
    raise PolicyError(
        f"principal {p!r} is not an ARN, a service principal or 'anonymous'", path
    )


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """A parsed Principal or NotPrincipal element."""

    wildcard: bool
    aws: frozenset[str]
    services: frozenset[str]
    federated: frozenset[str]
    canonical: frozenset[str]
    role_names: frozenset[tuple[str, str]]  # (account, role name) for role ARNs named

    def grant(self, caller: Caller) -> str | None:
        """How this element names the caller: DIRECT, ROLE, ACCOUNT or None."""
        if self.wildcard:
            return DIRECT
        kind = caller.kind
        if kind in ("service", "federated_provider"):
            low = caller.raw.lower()
            if low in self.services or low in self.federated:
                return DIRECT
            return None
        if kind == "anonymous":
            return None
        if caller.raw in self.aws:
            return ROLE if kind == "role" else DIRECT
        if kind == "role_session" and (caller.account, caller.role_name) in self.role_names:
            return ROLE
        if caller.root_arn in self.aws:
            return ACCOUNT
        return None

    def excludes(self, caller: Caller) -> bool:
        """For NotPrincipal: is every identity of the caller listed? (then the statement skips it)."""
        if self.wildcard:
            return True
        for ident in caller.identities():
            if ident.startswith("role:"):
                if (caller.account, ident[5:]) not in self.role_names:
                    return False
            elif ident not in self.aws and ident not in self.services and ident not in self.federated:
                return False
        return True


_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")


def parse_principal(value: object, path: str) -> PrincipalSpec:
    if value == "*":
        return PrincipalSpec(True, frozenset(), frozenset(), frozenset(), frozenset(), frozenset())
    if not isinstance(value, dict) or not value:
        raise PolicyError(
            'Principal must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"} '
            'or {"Service": "cloudtrail.amazonaws.com"}',
            path,
        )
    aws: set[str] = set()
    services: set[str] = set()
    federated: set[str] = set()
    canonical: set[str] = set()
    roles: set[tuple[str, str]] = set()
    wildcard = False
    for ptype, entries in value.items():
        ppath = join_path(path, ptype)
        if ptype not in _PRINCIPAL_TYPES:
            raise PolicyError(
                f"unknown principal type {ptype!r}; use AWS, Service, Federated or CanonicalUser", ppath
            )
        items = entries if isinstance(entries, list) else [entries]
        if not items:
            raise PolicyError(f"{ptype} principal list is empty", ppath)
        for i, item in enumerate(items):
            ipath = join_path(ppath, i) if isinstance(entries, list) else ppath
            if not isinstance(item, str) or not item:
                raise PolicyError("principal entries must be non-empty strings", ipath)
            if ptype == "AWS":
                if item == "*":
                    wildcard = True
                    continue
                if _ACCOUNT_ID.match(item):
                    aws.add(f"arn:aws:iam::{item}:root")
                    continue
                m = _IAM_ARN.match(item)
                if not m:
                    raise PolicyError(
                        f"AWS principal {item!r} must be an account ID or an IAM/STS ARN", ipath
                    )
                aws.add(item)
                rest = m.group(4)
                if m.group(2) == "iam" and rest.startswith("role/"):
                    roles.add((m.group(3), rest.rsplit("/", 1)[-1]))
            elif ptype == "Service":
                services.add(item.lower())
            elif ptype == "Federated":
                federated.add(item.lower())
                if item.startswith("arn:"):
                    federated.add(item)
            else:
                canonical.add(item)
    return PrincipalSpec(wildcard, frozenset(aws), frozenset(services), frozenset(federated),
                         frozenset(canonical), frozenset(roles))
