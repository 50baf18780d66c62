"""The request half of a question: who, what action, on which resource, in what context."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import PolicyError, join_path
from .principals import Caller, parse_caller

_ARN_ACCOUNT = re.compile(r"^arn:[\w-]+:[\w-]*:[\w-]*:(\d{12}):")
_REQUEST_KEYS = ("principal", "principalAccount", "action", "resource", "resourceAccount", "context",
                 "principalIsOrgManagementAccount", "resourceIsOrgManagementAccount", "settings",
                 "resources")
_REQUEST_KEY_SET = frozenset(_REQUEST_KEYS)
_RESOURCE_KEYS = ("resource", "resourceAccount", "context")


@dataclass(slots=True, eq=False)
class Request:
    """A parsed request; context keys are lower-cased because AWS compares them case-insensitively."""

    caller: Caller
    action: str
    resource: str
    principal_account: str | None
    resource_account: str | None
    context: dict[str, str | list[str]]
    principal_is_mgmt: bool = False
    resource_is_mgmt: bool = False
    restrict_public_buckets: bool = False
    raw: dict = field(default_factory=dict, repr=False)
    action_lower: str = ""
    service: str = ""
    # Additional resources the same call touches (``resources``): one request each, same caller and action.
    additional: tuple[Request, ...] = ()

    def __post_init__(self) -> None:
        self.action_lower = self.action.lower()
        self.service = self.action_lower.split(":", 1)[0]

    @property
    def same_account(self) -> bool:
        return self.principal_account is not None and self.principal_account == self.resource_account

    def to_dict(self) -> dict:
        return dict(self.raw)


def _context_value(value: object, path: str | tuple[str, str]) -> str | list[str]:
    """A context value as a string or a list of strings. ``path`` may be (context path, key): the JSON path
    is only joined when there is an error to report."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(path, str):
        path = join_path(*path)
    if isinstance(value, list):
        out: list[str] = []
        for i, v in enumerate(value):
            if v.__class__ is str:
                out.append(v)
                continue
            item = _context_value(v, join_path(path, i))
            if isinstance(item, list):
                raise PolicyError("context values may be a string or a flat list of strings",
                                  join_path(path, i))
            out.append(item)
        return out
    raise PolicyError(
        "context values must be strings (single-valued keys) or arrays of strings (multivalued keys)",
        path,
    )


def _account(value: object, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:012d}"
    if not isinstance(value, str) or not value:
        raise PolicyError("account must be a 12-digit account ID string or null", path)
    return value


def _flag(raw: dict, key: str, path: str) -> bool:
    value = raw.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise PolicyError(f"{key} must be true or false", join_path(path, key))
    return value


def parse_request(raw: object, path: str = "request") -> Request:
    if isinstance(raw, Request):
        return raw
    if not isinstance(raw, dict):
        raise PolicyError("request must be an object with principal, action and resource", path)
    for key in raw:
        if key not in _REQUEST_KEY_SET:
            raise PolicyError(f"unknown request field {key!r}; expected one of {', '.join(_REQUEST_KEYS)}",
                              join_path(path, key))
    pre = f"{path}." if path else ""  # paths of plain keys, as join_path writes them, without its regex
    caller = parse_caller(raw.get("principal"), pre + "principal")
    action = raw.get("action")
    if not isinstance(action, str) or action.count(":") != 1 or not all(action.split(":")):
        raise PolicyError("action must be a string like 's3:GetObject'", join_path(path, "action"))
    resource = raw.get("resource")
    if not isinstance(resource, str) or not resource:
        raise PolicyError("resource must be an ARN string (or '*')", join_path(path, "resource"))
    p_acct = _account(raw.get("principalAccount"), pre + "principalAccount")
    if p_acct is None:
        p_acct = caller.account
    r_acct = _account(raw.get("resourceAccount"), pre + "resourceAccount")
    if r_acct is None:
        m = _ARN_ACCOUNT.match(resource)
        # ARNs without an account (S3 buckets) default to the caller's account.
        r_acct = m.group(1) if m else (p_acct or caller.account)
    context = _context(raw.get("context", {}), pre + "context")
    settings = raw.get("settings") or {}
    spath = pre + "settings"
    if not isinstance(settings, dict):
        raise PolicyError("settings must be an object", spath)
    bpa = settings.get("s3BlockPublicAccess") or {}
    bpath = spath + ".s3BlockPublicAccess"
    if not isinstance(bpa, dict):
        raise PolicyError("s3BlockPublicAccess must be an object", bpath)
    restrict = bpa.get("RestrictPublicBuckets", False)
    if not isinstance(restrict, bool):
        raise PolicyError("RestrictPublicBuckets must be true or false", join_path(bpath, "RestrictPublicBuckets"))
    primary = Request(
        caller=caller, action=action, resource=resource, principal_account=p_acct,
        resource_account=r_acct, context=context,
        principal_is_mgmt=_flag(raw, "principalIsOrgManagementAccount", path),
        resource_is_mgmt=_flag(raw, "resourceIsOrgManagementAccount", path),
        restrict_public_buckets=restrict, raw=raw,
    )
    if "resources" in raw:
        primary.additional = _additional(primary, raw["resources"], join_path(path, "resources"))
    return primary


def _context(ctx_raw: object, cpath: str) -> dict[str, str | list[str]]:
    if ctx_raw is None:
        return {}
    if not isinstance(ctx_raw, dict):
        raise PolicyError("context must be an object of condition keys", cpath)
    return {
        str(k).lower(): v if v.__class__ is str else _context_value(v, (cpath, str(k)))
        for k, v in ctx_raw.items()
    }


def _additional(primary: Request, items: object, path: str) -> tuple[Request, ...]:
    """The other resources of one call (``ec2:RunInstances`` names an image, a subnet, security groups...).

    Each is authorized as its own request: same caller, action and flags; the request context plus the
    resource's own condition keys (which win on a clash); the resource's account from ``resourceAccount``,
    else its ARN, else the caller's. AWS allows the call only if every resource is authorized.
    """
    if not isinstance(items, list):
        raise PolicyError("resources must be a list of {resource, resourceAccount?, context?} objects", path)
    out: list[Request] = []
    for i, item in enumerate(items):
        ipath = join_path(path, i)
        if not isinstance(item, dict):
            raise PolicyError("each entry of resources must be an object with a 'resource' ARN", ipath)
        for key in item:
            if key not in _RESOURCE_KEYS:
                raise PolicyError(f"unknown field {key!r} in a resources entry; expected one of "
                                  f"{', '.join(_RESOURCE_KEYS)}", join_path(ipath, key))
        arn = item.get("resource")
        if not isinstance(arn, str) or not arn:
            raise PolicyError("resource must be an ARN string (or '*')", join_path(ipath, "resource"))
        acct = _account(item.get("resourceAccount"), join_path(ipath, "resourceAccount"))
        if acct is None:
            m = _ARN_ACCOUNT.match(arn)
            acct = m.group(1) if m else (primary.principal_account or primary.caller.account)
        own = _context(item.get("context", {}), join_path(ipath, "context"))
        out.append(Request(
            caller=primary.caller, action=primary.action, resource=arn,
            principal_account=primary.principal_account, resource_account=acct,
            context={**primary.context, **own}, principal_is_mgmt=primary.principal_is_mgmt,
            resource_is_mgmt=primary.resource_is_mgmt, restrict_public_buckets=primary.restrict_public_buckets,
            raw=item,
        ))
    return tuple(out)


def request(
    principal: str,
    action: str,
    resource: str,
    context: dict | None = None,
    *,
    principal_account: str | None = None,
    resource_account: str | None = None,
    principal_is_org_management_account: bool = False,
    resource_is_org_management_account: bool = False,
    restrict_public_buckets: bool | None = None,
    resources: list[dict] | None = None,
) -> dict:
    """Build a request dict in the contract's shape, leaving optional fields out when unset."""
    out: dict = {"principal": principal, "action": action, "resource": resource}
    if principal_account is not None:
        out["principalAccount"] = principal_account
    if resource_account is not None:
        out["resourceAccount"] = resource_account
    if context:
        out["context"] = dict(context)
    if principal_is_org_management_account:
        out["principalIsOrgManagementAccount"] = True
    if resource_is_org_management_account:
        out["resourceIsOrgManagementAccount"] = True
    if restrict_public_buckets is not None:
        out["settings"] = {"s3BlockPublicAccess": {"RestrictPublicBuckets": restrict_public_buckets}}
    if resources:
        out["resources"] = [dict(r) for r in resources]
    return out
