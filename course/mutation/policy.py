"""Mutants of an IAM policy: the mistakes that make a policy too wide (or wrong) while still looking right.

Each statement is named by its Sid (or its index), so a mutant's description survives edits elsewhere in
the policy. Families, as in issue #15: drop a statement, a condition block or a condition key; widen a
Resource to ``*`` or to a trailing-wildcard prefix; widen an action to ``service:*``; add a sensitive
sibling of an allowed action's family (``kms:CreateGrant`` beside ``kms:CreateKey``); swap an operator
for its wildcard form (``StringEquals`` -> ``StringLike``, ``ArnEquals`` -> ``ArnLike``, with a wildcard
in the value) or add ``IfExists``; replace a condition key by its weaker sibling; flip an Effect; turn
``Action`` into ``NotAction``.

Two families are left out where they cannot change a decision, rather than recorded as equivalent one by
one: ``IfExists`` on a negated operator or under ``ForAllValues:`` (both are already true when the key is
absent), and a sibling that acts on another type of resource than every one the statement names (an S3
bucket-level action beside objects only, an IAM user action beside roles only, ...), which matches none.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from course.mutation.base import Mutant, edited

# Actions that grant power beyond their family's everyday use: adding one beside an allowed sibling of
# the same service and verb is the "wildcard family" mistake (kms:Create* also allows kms:CreateGrant).
SENSITIVE_ACTIONS = (
    "kms:CreateGrant", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DeleteImportedKeyMaterial",
    "iam:PassRole", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:CreateUser",
    "iam:CreateRole", "iam:PutRolePolicy", "iam:PutUserPolicy", "iam:AttachRolePolicy", "iam:AttachUserPolicy",
    "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary",
    "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutObjectAcl",
    "s3:PutBucketPublicAccessBlock", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket",
    "s3:PutLifecycleConfiguration", "s3:PutBucketVersioning", "s3:BypassGovernanceRetention", "s3:GetObject",
    "s3:PutObject", "s3:ListBucket",
    "secretsmanager:GetSecretValue", "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteSecret",
    "secretsmanager:PutSecretValue",
    "ec2:ModifyInstanceMetadataOptions", "ec2:ModifyInstanceAttribute", "ec2:RunInstances",
    "ec2:AuthorizeSecurityGroupIngress", "ec2:DeleteFlowLogs", "ec2:CreateSnapshot",
    "lambda:AddPermission", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
    "lambda:InvokeFunction", "lambda:CreateFunction",
    "dynamodb:Scan", "dynamodb:DeleteTable", "dynamodb:PutResourcePolicy", "dynamodb:UpdateTable",
    "sqs:SendMessage", "sqs:SetQueueAttributes", "sqs:DeleteQueue", "sqs:ReceiveMessage",
    "sns:Publish", "sns:SetTopicAttributes", "sns:Subscribe",
    "ses:SendEmail", "ses:SendRawEmail", "ses:PutIdentityPolicy",
    "cloudformation:ExecuteChangeSet", "cloudformation:DeleteStack", "cloudformation:UpdateStack",
    "cloudformation:CreateStack", "cloudformation:SetStackPolicy",
    "ecr:PutImage", "ecr:SetRepositoryPolicy", "ecr:BatchDeleteImage", "ecr:DeleteRepository",
    "ecr:InitiateLayerUpload",
    "cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
    "guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:CreateFilter",
    "securityhub:DisableSecurityHub", "config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder",
    "organizations:LeaveOrganization", "sts:AssumeRole",
    "elasticfilesystem:ClientRootAccess", "elasticfilesystem:DeleteFileSystem",
    "rds-db:connect", "execute-api:ManageConnections",
)

# S3 actions that act on a bucket (or the account), never on an object ARN ("bucket/key"): beside a statement
# whose Resource names objects only they grant nothing, so they are not offered as siblings there (and the
# object actions are not offered beside a statement on buckets only)
S3_BUCKET_ACTIONS = frozenset(a.lower() for a in (
    "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPublicAccessBlock",
    "s3:DeleteBucket", "s3:PutLifecycleConfiguration", "s3:PutBucketVersioning", "s3:ListBucket"))

# The resource type (the ARN's resource part up to the first "/") other sensitive actions act on: beside a
# statement whose Resource names only other types of the same service they grant nothing (iam:CreateAccessKey
# acts on users, never on role/...), so they are not offered there either.
RESOURCE_TYPES = {a.lower(): kind for kind, actions in {
    "user": ("iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:CreateUser",
             "iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:DeleteUserPermissionsBoundary"),
    "role": ("iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy",
             "iam:DeleteRolePermissionsBoundary", "iam:PassRole"),
    "policy": ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"),
    "instance": ("ec2:ModifyInstanceMetadataOptions", "ec2:ModifyInstanceAttribute"),
    "volume": ("ec2:CreateSnapshot",),
    "security-group": ("ec2:AuthorizeSecurityGroupIngress",),
}.items() for a in actions}

# key (lower case) -> its weaker sibling: true of more requests than the key it replaces
WEAKER_KEYS = {"aws:sourcearn": "aws:SourceAccount", "aws:principalarn": "aws:PrincipalAccount",
               "aws:sourcevpce": "aws:SourceVpc"}
_LIKE = {"StringEquals": "StringLike", "StringNotEquals": "StringNotLike", "ArnEquals": "ArnLike",
         "ArnNotEquals": "ArnNotLike", "StringLike": "StringLike", "StringNotLike": "StringNotLike",
         "ArnLike": "ArnLike", "ArnNotLike": "ArnNotLike"}
_ARN_TO_STRING = {"ArnEquals": "StringEquals", "ArnLike": "StringLike", "ArnNotEquals": "StringNotEquals",
                  "ArnNotLike": "StringNotLike"}


def as_policy(answer: Any) -> dict | None:
    """The answer as a policy dict with a Statement list, or None when it is not a policy."""
    if isinstance(answer, str):
        try:
            answer = json.loads(answer)
        except json.JSONDecodeError:
            return None
    if not isinstance(answer, dict) or "Statement" not in answer:
        return None
    policy = json.loads(json.dumps(answer))
    if isinstance(policy["Statement"], dict):
        policy["Statement"] = [policy["Statement"]]
    return policy


def mutants(exercise_id: str, answer: Any, requests: Iterable[dict] = ()) -> Iterator[Mutant]:
    """Every mutant of the policy ``answer``; ``requests`` (the cases' requests) supply values for the
    weaker condition keys (the VPC of an endpoint, the account of a source ARN)."""
    policy = as_policy(answer)
    if policy is None:
        return
    contexts = [r.get("context", {}) for r in requests if isinstance(r, dict)]
    statements = policy["Statement"]
    names = _names(statements)

    def mutant(family: str, description: str, edit: Any) -> Mutant:
        return Mutant(exercise_id, f"policy: {family}", description, edited(policy, edit))

    for i, statement in enumerate(statements):
        name = names[i]
        yield mutant("drop statement", f"drop statement {name}", lambda p, i=i: p["Statement"].pop(i))
        yield from _condition_mutants(mutant, i, name, statement, contexts)
        yield from _resource_mutants(mutant, i, name, statement)
        yield from _action_mutants(mutant, i, name, statement)
        flipped = "Deny" if statement.get("Effect") == "Allow" else "Allow"
        yield mutant("flip effect", f"flip the Effect of statement {name} to {flipped}",
                     lambda p, i=i, e=flipped: p["Statement"][i].__setitem__("Effect", e))
        if "Action" in statement:
            yield mutant("NotAction", f"turn Action into NotAction in statement {name}",
                         lambda p, i=i: p["Statement"][i].__setitem__("NotAction", p["Statement"][i].pop("Action")))


def _names(statements: list) -> list[str]:
    names = []
    for i, statement in enumerate(statements):
        sid = statement.get("Sid") if isinstance(statement, dict) else None
        names.append(repr(sid) if sid and [s.get("Sid") for s in statements].count(sid) == 1 else f"[{i}]")
    return names


def _listed(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _condition_mutants(mutant: Any, i: int, name: str, statement: dict, contexts: list[dict]) -> Iterator[Mutant]:
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return
    for op, block in condition.items():
        yield mutant("drop condition block", f"drop the {op} block of statement {name}",
                     lambda p, i=i, op=op: _drop_block(p["Statement"][i], op))
        if not isinstance(block, dict):
            continue
        for key in block:
            if len(block) > 1:
                yield mutant("drop condition key", f"drop {op} {key} in statement {name}",
                             lambda p, i=i, op=op, key=key: p["Statement"][i]["Condition"][op].pop(key))
        prefix, base, if_exists = _split_operator(op)
        if base in _LIKE:
            like = prefix + _LIKE[base] + if_exists
            for key, values in block.items():
                for v_index, value in enumerate(_listed(values)):
                    for wide in _wildcards(value):
                        yield mutant("wildcard operator", f"{op} -> {like} with {key} {value!r} -> {wide!r} "
                                     f"in statement {name}",
                                     lambda p, i=i, op=op, like=like, key=key, k=v_index, wide=wide:
                                     _set_value(p["Statement"][i]["Condition"], op, like, key, k, wide))
        if not if_exists and base != "Null" and "Not" not in base and prefix != "ForAllValues:":
            yield mutant("add IfExists", f"{op} -> {op}IfExists in statement {name}",
                         lambda p, i=i, op=op: _rename_block(p["Statement"][i]["Condition"], op, op + "IfExists"))
        for key, values in block.items():
            weaker = WEAKER_KEYS.get(key.lower())
            if weaker is None:
                continue
            found = [_weaker_value(key, weaker, v, contexts) for v in _listed(values)]
            new_values = [v for v in found if v is not None]
            if len(new_values) != len(found):
                continue
            new_op = prefix + _ARN_TO_STRING.get(base, base) + if_exists
            if any("*" in v for v in new_values) and "Like" not in new_op:
                new_op = prefix + _LIKE.get(_ARN_TO_STRING.get(base, base), base) + if_exists
            yield mutant("weaker key", f"{key} -> {weaker} ({new_op} {new_values[0]!r}) in statement {name}",
                         lambda p, i=i, op=op, key=key, new_op=new_op, weaker=weaker, nv=new_values:
                         _replace_key(p["Statement"][i]["Condition"], op, key, new_op, weaker, nv))


def _split_operator(op: str) -> tuple[str, str, str]:
    prefix = ""
    if ":" in op:
        prefix, op = op.split(":", 1)
        prefix += ":"
    if_exists = "IfExists" if op.endswith("IfExists") else ""
    return prefix, op[: len(op) - len(if_exists)], if_exists


def _drop_block(statement: dict, op: str) -> None:
    statement["Condition"].pop(op)
    if not statement["Condition"]:
        statement.pop("Condition")


def _rename_block(condition: dict, op: str, new_op: str) -> None:
    block = condition.pop(op)
    condition.setdefault(new_op, {}).update(block)


def _set_value(condition: dict, op: str, new_op: str, key: str, index: int, value: str) -> None:
    values = _listed(condition[op][key])
    values = [value if k == index else v for k, v in enumerate(values)]
    block = condition[op]
    block[key] = values if len(values) > 1 else values[0]
    if new_op != op:
        moved = {key: block.pop(key)}
        if not block:
            condition.pop(op)
        condition.setdefault(new_op, {}).update(moved)


def _replace_key(condition: dict, op: str, key: str, new_op: str, weaker: str, values: list) -> None:
    block = condition[op]
    block.pop(key)
    if not block:
        condition.pop(op)
    target = condition.setdefault(new_op, {})
    target[weaker] = values if len(values) > 1 else values[0]


def _wildcards(value: Any) -> list[str]:
    """Wider values for a Like operator: an ARN's account or last segment as ``*``; a name's prefix."""
    if not isinstance(value, str) or value == "*":
        return []
    out = []
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) == 6:
            if parts[4] not in ("", "*"):
                out.append(":".join([*parts[:4], "*", parts[5]]))
            resource = parts[5]
            cut = max(resource.rfind("/"), resource.rfind(":"))
            wide = ":".join(parts[:5]) + ":" + (resource[: cut + 1] + "*" if cut >= 0 else "*")
            if wide != value:
                out.append(wide)
    else:
        match = re.search(r"[-_./@]", value)
        out.append(value[: match.end()] + "*" if match and match.end() < len(value) else "*")
    return [v for v in dict.fromkeys(out) if v != value]


def _weaker_value(key: str, weaker: str, value: Any, contexts: list[dict]) -> str | None:
    """The weaker key's value that requests meeting ``key == value`` carry (else the ARN's account)."""
    if not isinstance(value, str):
        return None
    for context in contexts:
        lowered = {str(k).lower(): v for k, v in context.items()}
        strong = lowered.get(key.lower())
        weak = lowered.get(weaker.lower())
        if weak is not None and strong is not None and any(fnmatch.fnmatchcase(s, value) for s in _listed(strong)):
            return str(_listed(weak)[0])
    if value.startswith("arn:"):
        parts = value.split(":")
        if len(parts) > 4 and parts[4]:
            return parts[4]
    return None


def _resource_mutants(mutant: Any, i: int, name: str, statement: dict) -> Iterator[Mutant]:
    if "Resource" not in statement:
        return
    resources = _listed(statement["Resource"])
    for r_index, resource in enumerate(resources):
        if not isinstance(resource, str):
            continue
        for wide in ("*", *_prefixes(resource)):
            if wide == resource:
                continue
            yield mutant("widen resource", f"widen Resource {resource!r} to {wide!r} in statement {name}",
                         lambda p, i=i, k=r_index, wide=wide: _set_listed(p["Statement"][i], "Resource", k, wide))


def _prefixes(resource: str) -> list[str]:
    """Trailing-wildcard prefixes: the name followed by ``*`` (``bucket*``), and its parent path's ``*``."""
    if resource == "*":
        return []
    out = []
    if not resource.endswith("*"):
        out.append(resource + "*")
    stem = resource.rstrip("*").rstrip("/:")
    cut = max(stem.rfind("/"), stem.rfind(":"))
    floor = _arn_head(stem) if stem.startswith("arn:") else -1
    if cut > floor or (stem.startswith("arn:") and cut == floor and cut < len(stem) - 1):
        out.append(stem[: cut + 1] + "*")
    return [p for p in dict.fromkeys(out) if p != resource]


def _arn_head(arn: str) -> int:
    """Index of the colon that ends ``arn:partition:service:region:account:``."""
    index = -1
    for _ in range(5):
        index = arn.find(":", index + 1)
    return index


def _set_listed(statement: dict, field: str, index: int, value: str) -> None:
    values = _listed(statement[field])
    values = [value if k == index else v for k, v in enumerate(values)]
    statement[field] = values if len(values) > 1 else values[0]


def _action_mutants(mutant: Any, i: int, name: str, statement: dict) -> Iterator[Mutant]:
    if "Action" not in statement:
        return
    actions = [a for a in _listed(statement["Action"]) if isinstance(a, str)]
    for a_index, action in enumerate(actions):
        if ":" not in action:
            continue
        wide = action.split(":", 1)[0] + ":*"
        if wide.lower() != action.lower():
            yield mutant("widen action", f"widen action {action!r} to {wide!r} in statement {name}",
                         lambda p, i=i, k=a_index, wide=wide: _set_listed(p["Statement"][i], "Action", k, wide))
    if statement.get("Effect") != "Allow":
        return
    families = {_family(a) for a in actions if _family(a)}
    for sensitive in SENSITIVE_ACTIONS:
        if not _can_apply(sensitive, statement.get("Resource", "*")):
            continue
        if _family(sensitive) in families and not any(fnmatch.fnmatch(sensitive.lower(), a.lower()) for a in actions):
            sibling = next(a for a in actions if _family(a) == _family(sensitive))
            yield mutant("sensitive sibling", f"add {sensitive} (sibling of {sibling}) to statement {name}",
                         lambda p, i=i, s=sensitive: p["Statement"][i].__setitem__(
                             "Action", [*_listed(p["Statement"][i]["Action"]), s]))


def _can_apply(action: str, resources: Any) -> bool:
    """Can ``action`` act on one of the statement's resources (S3 bucket versus object ARNs, IAM users
    versus roles, ...)?"""
    kind = RESOURCE_TYPES.get(action.lower())
    if kind is not None:
        return any(_may_be_type(resource, action.split(":", 1)[0].lower(), kind) for resource in _listed(resources))
    if not action.lower().startswith("s3:"):
        return True
    bucket_action = action.lower() in S3_BUCKET_ACTIONS
    for resource in _listed(resources):
        if not isinstance(resource, str) or not resource.startswith("arn:aws:s3:::"):
            return True  # "*" or a pattern that is not an S3 ARN: could be either
        name = resource[len("arn:aws:s3:::"):]
        if "/" in name:  # bucket ARNs never hold a slash: this names objects only
            if not bucket_action:
                return True
        elif "*" in name or bucket_action:  # a wildcard bucket name matches objects too
            return True
    return False


def _may_be_type(resource: Any, service: str, kind: str) -> bool:
    """Could ``resource`` (an ARN pattern) name a resource of ``service`` of type ``kind``?"""
    if not isinstance(resource, str) or not resource.startswith("arn:") or resource.count(":") < 5:
        return True  # "*" or something that is not an ARN: it could be anything
    parts = resource.split(":", 5)
    if parts[2].lower() != service:
        return "*" in parts[2]
    head = parts[5].split("/", 1)[0]
    return "*" in head or head.lower() == kind


def _family(action: str) -> tuple[str, str] | None:
    """``("kms", "create")`` for ``kms:CreateKey`` and ``kms:Create*``: service and leading verb."""
    if ":" not in action:
        return None
    service, name = action.split(":", 1)
    match = re.match(r"[A-Z][a-z]+|[a-z]+", name)
    return (service.lower(), match.group(0).lower()) if match else None
