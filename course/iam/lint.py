"""Policy linter: common mistakes as findings from a catalogue kept in ``lint_catalogue.json``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache

from .conditions import value_problems
from .errors import PolicyError, join_path
from .matching import glob_match, has_wildcard
from .model import Policy, Statement, load_document, parse_policy
from .validate import validate_statement

_READ_PREFIXES = ("Get", "List", "Describe", "Head", "Search", "Query", "Scan", "BatchGet", "View",
                  "Lookup", "Select", "Check", "Estimate", "Preview", "Read", "Validate")


@dataclass(frozen=True)
class Finding:
    id: str
    name: str
    severity: str  # error | warning | info
    title: str
    explanation: str
    message: str
    path: str

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.severity.upper()} {self.id} {self.path or '(policy)'}: {self.message}"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict]:
    """The findings catalogue: id -> {id, name, severity, title, explanation}."""
    from importlib import resources  # imported when first needed: evaluating never needs it

    text = resources.files(__package__).joinpath("lint_catalogue.json").read_text(encoding="utf-8")
    return {entry["id"]: entry for entry in json.loads(text)}


def _finding(fid: str, message: str, path: str) -> Finding:
    c = catalogue()[fid]
    return Finding(fid, c["name"], c["severity"], c["title"], c["explanation"], message, path)


def _is_write(action: str) -> bool:
    if action == "*":
        return True
    name = action.split(":", 1)[1] if ":" in action else action
    if name == "*":
        return True
    return not name.startswith(_READ_PREFIXES)


def _guess_kind(doc: object) -> str:
    if isinstance(doc, dict):
        stmts = doc.get("Statement")
        items = stmts if isinstance(stmts, list) else [stmts]
        if any(isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s) for s in items):
            return "resource"
    return "identity"


def lint(policy: dict | str, kind: str = "auto", path: str = "", validate: bool = True) -> list[Finding]:
    """Findings for one policy document; ``kind`` is a policy type or "auto" (guess from Principal).

    ``validate`` adds the checks against the Service Authorization Reference (course.iam.validate).
    """
    try:
        doc = load_document(policy, path)
        if kind == "auto":
            kind = _guess_kind(doc)
        parsed = parse_policy(doc, kind, path)
    except PolicyError as exc:
        fid = "IAM002" if exc.message.startswith("unknown condition operator") else "IAM001"
        return [_finding(fid, exc.message, exc.path)]
    except RecursionError:
        return [_finding("IAM001", "the document is nested too deeply", path)]
    return _lint_parsed(parsed, validate)


def _lint_parsed(p: Policy, validate: bool = True) -> list[Finding]:
    out: list[Finding] = []
    if p.version != "2012-10-17":
        out.append(_finding("IAM011", f"Version is {p.version!r}; use \"2012-10-17\"", join_path(p.path, "Version")
                            if p.version else p.path))
        if "${" in json.dumps(p.raw):
            out.append(_finding("IAM012", "policy variables are compared literally under this Version",
                                p.path))
    if not p.statements:
        out.append(_finding("IAM019", "Statement is empty", join_path(p.path, "Statement")))
    seen: dict[str, int] = {}
    for s in p.statements:
        if s.sid:
            if s.sid in seen:
                out.append(_finding("IAM013", f"Sid {s.sid!r} is also used by statement {seen[s.sid]}",
                                    join_path(s.path, "Sid")))
            seen.setdefault(s.sid, s.index)
        if validate:
            out.extend(_finding(i.fid, i.message, i.path) for i in validate_statement(s))
        out.extend(_lint_statement(s))
        if p.kind == "rcp":
            if s.is_allow:
                out.append(_finding("IAM021", "RCPs only take Deny statements", join_path(s.path, "Effect")))
            if s.principal is not None and not s.principal.wildcard:
                out.append(_finding("IAM022", "use Principal \"*\" with a condition",
                                    join_path(s.path, "Principal")))
    out.extend(_redundant(p))
    return out


def _lint_statement(s: Statement) -> list[Finding]:
    out: list[Finding] = []
    allow = s.is_allow
    apath = join_path(s.path, "NotAction" if s.not_action else "Action")
    if allow and s.not_action:
        out.append(_finding("IAM003", f"allows every action except {list(s.actions)}", apath))
    if allow and not s.not_action:
        if any(a in ("*", "*:*") for a in s.actions):
            out.append(_finding("IAM006", "Action \"*\" grants every action", apath))
        else:
            for a in s.actions:
                if a.endswith(":*"):
                    out.append(_finding("IAM010", f"{a} allows every action of the service", apath))
    if allow and s.not_resource:
        out.append(_finding("IAM009", f"allows every resource except {list(s.resources)}",
                            join_path(s.path, "NotResource")))
    if allow and not s.not_resource and "*" in s.resources and not s.not_action:
        writes = [a for a in s.actions if _is_write(a) and a not in ("*", "*:*")]
        if writes:
            out.append(_finding("IAM005", f"write actions {writes} on Resource \"*\"",
                                join_path(s.path, "Resource")))
    if s.principal is not None:
        ppath = join_path(s.path, "NotPrincipal" if s.not_principal else "Principal")
        if allow and s.not_principal:
            out.append(_finding("IAM008", "NotPrincipal with Allow grants everyone not listed", ppath))
        if allow and not s.not_principal and s.principal.wildcard and not s.conditions:
            out.append(_finding("IAM004", "anyone, including anonymous callers, is allowed", ppath))
        for arn in sorted(s.principal.aws):
            if has_wildcard(arn):
                out.append(_finding("IAM014", f"{arn} contains a wildcard and never matches", ppath))
        if s.not_principal and not allow:
            accounts = {a.split(":")[4] for a in s.principal.aws if a.endswith(":root")}
            for arn in sorted(s.principal.aws):
                acct = arn.split(":")[4]
                if not arn.endswith(":root") and acct not in accounts:
                    out.append(_finding("IAM018", f"{arn} is listed without arn:aws:iam::{acct}:root",
                                        ppath))
    for c in s.conditions:
        for bad in value_problems(c):
            out.append(_finding("IAM016", f"{bad!r} is not a valid value for {c.base}", c.path))
        if c.family == "string" and any(has_wildcard(v) and "${" not in v for v in c.values):
            out.append(_finding("IAM015", f"{c.operator} compares literally; use StringLike", c.path))
        if allow and c.set_op == "all":
            out.append(_finding("IAM017", f"{c.operator} is also true when {c.key} is absent", c.path))
        if allow and c.negated and c.set_op is None and not c.if_exists:
            out.append(_finding("IAM020", f"{c.operator} is also true when {c.key} is absent", c.path))
    return out


def _covers(patterns: tuple[str, ...], items: tuple[str, ...], ignore_case: bool) -> bool:
    return all(any(glob_match(p, i, ignore_case) for p in patterns) for i in items)


def _redundant(p: Policy) -> list[Finding]:
    out: list[Finding] = []
    stmts = p.statements
    for a in stmts:
        for b in stmts:
            if a is b or a.effect != b.effect or a.not_action or b.not_action or a.not_resource \
                    or b.not_resource or a.not_principal != b.not_principal:
                continue
            same_conditions = a.raw.get("Condition") == b.raw.get("Condition")
            if a.raw.get("Principal") != b.raw.get("Principal") or (not same_conditions and b.conditions):
                continue  # b is narrower in some way (an unconditional b covers a conditional a)
            if not _covers(b.actions, a.actions, True) or not _covers(b.resources, a.resources, False):
                continue
            mutual = _covers(a.actions, b.actions, True) and _covers(a.resources, b.resources, False) \
                and a.raw.get("Condition") == b.raw.get("Condition")
            if mutual and a.index < b.index:
                continue  # report duplicates once, on the later statement
            out.append(_finding("IAM007", f"statement {a.label} is covered by statement {b.label}", a.path))
            break
    return out


def lint_question(doc: dict) -> list[Finding]:
    """Lint every policy inside a question document, with paths into the question."""
    out: list[Finding] = []
    policies = doc.get("policies") if isinstance(doc, dict) else None
    if not isinstance(policies, dict):
        return [_finding("IAM001", "a question needs a 'policies' object", "policies")]
    kinds = {"identity": "identity", "resource": "resource", "boundary": "boundary", "session": "session"}
    for name, value in policies.items():
        base = join_path("policies", name)
        if name in ("scps", "rcps") and isinstance(value, list):
            for li, level in enumerate(value):
                level_items = level if isinstance(level, list) else [level]
                for i, pol in enumerate(level_items):
                    out += lint(pol, name[:-1], join_path(join_path(base, li), i))
        elif name == "identity" and isinstance(value, list):
            for i, pol in enumerate(value):
                out += lint(pol, "identity", join_path(base, i))
        elif name in kinds and value is not None:
            out += lint(value, kinds[name], base)
    return out


