"""Differential testing of course.iam against @cloud-copilot/iam-simulate (issue #20 item 1).

A seeded generator writes realistic authorization questions (identity, resource, boundary, SCP and RCP
policies; string, ARN, IP, Bool, numeric, date, Null, IfExists and ForAllValues/ForAnyValue
conditions; policy variables; action and resource wildcards, incomplete ARNs; same- and cross-account
callers; empty context values). Both engines decide every question; each disagreement is minimized
(statements, conditions, policies and context keys are removed while the engines still disagree) and
the minimized cases are grouped into classes by their shape. The classes are adjudicated by hand in
docs/iam-differences.md.

Not run in CI. iam-simulate is AGPL-3.0 and is installed outside the repository:

    npm install --prefix /tmp/iam-simulate @cloud-copilot/iam-simulate
    .venv/bin/python tools/iam_differential.py --cases 4000 --seed 1 --iam-simulate /tmp/iam-simulate \\
        --out /tmp/iam-diff.json

It prints one line per class (count, the two decisions, the shape) and writes every class with its
smallest example to --out.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course.iam import evaluate_json  # noqa: E402

ACCT, OTHER = "111122223333", "444455556666"
PRINCIPALS = [
    (f"arn:aws:iam::{ACCT}:user/alice", ACCT),
    (f"arn:aws:iam::{ACCT}:role/app", ACCT),
    (f"arn:aws:sts::{ACCT}:assumed-role/app/session-1", ACCT),
    (f"arn:aws:iam::{OTHER}:user/bob", OTHER),
    (f"arn:aws:iam::{OTHER}:role/partner", OTHER),
]
# (action, resource ARN template; {acct} is the resource account)
TARGETS = [
    ("s3:GetObject", "arn:aws:s3:::data-bucket/reports/q{n}.csv"),
    ("s3:PutObject", "arn:aws:s3:::data-bucket/home/alice/f{n}.txt"),
    ("s3:ListBucket", "arn:aws:s3:::data-bucket"),
    ("sqs:SendMessage", "arn:aws:sqs:us-east-1:{acct}:orders"),
    ("sns:Publish", "arn:aws:sns:us-east-1:{acct}:alerts"),
    ("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:{acct}:table/users"),
]
ACTION_PATTERNS = {
    "s3:GetObject": ["s3:GetObject", "s3:Get*", "s3:*", "S3:getobject", "s3:*Object", "*"],
    "s3:PutObject": ["s3:PutObject", "s3:Put*", "s3:*", "*"],
    "s3:ListBucket": ["s3:ListBucket", "s3:List*", "s3:*"],
    "sqs:SendMessage": ["sqs:SendMessage", "sqs:Send*", "sqs:*", "*"],
    "sns:Publish": ["sns:Publish", "sns:*"],
    "dynamodb:GetItem": ["dynamodb:GetItem", "dynamodb:Get*", "dynamodb:*"],
}
RESOURCE_PATTERNS = {
    "s3": ["arn:aws:s3:::data-bucket/*", "arn:aws:s3:::data-bucket", "arn:aws:s3:::data-*",
           "arn:aws:s3:::data-bucket/reports/*", "arn:aws:s3:::data-bucket/home/${aws:username}/*",
           "arn:aws:s3:::data-bucket/reports/q?.csv", "arn:aws:s3:::*", "*", "arn:aws:s3"],
    "sqs": ["arn:aws:sqs:us-east-1:{acct}:orders", "arn:aws:sqs:*:{acct}:*", "arn:aws:sqs", "*",
            "arn:aws:sqs:us-east-1"],
    "sns": ["arn:aws:sns:us-east-1:{acct}:alerts", "arn:aws:sns:*:*:al*", "*", "arn:aws:sns"],
    "dynamodb": ["arn:aws:dynamodb:us-east-1:{acct}:table/users", "arn:aws:dynamodb:*:*:table/*", "*"],
}
CONDITIONS = [
    ("StringEquals", "aws:PrincipalTag/team", ["blue", ["blue", "green"], "Blue"]),
    ("StringNotEquals", "aws:PrincipalTag/team", ["blue", "red"]),
    ("StringLike", "aws:PrincipalTag/team", ["bl*", "?lue", "*"]),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", ["BLUE"]),
    ("StringEqualsIfExists", "aws:PrincipalTag/team", ["blue"]),
    ("StringNotEqualsIfExists", "aws:PrincipalTag/team", ["blue"]),
    ("StringEquals", "aws:username", ["alice", "${aws:username}"]),
    ("StringLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/*", "*alice"]),
    ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/app*", f"arn:aws:iam::{ACCT}:*"]),
    ("ArnNotLike", "aws:PrincipalArn", [f"arn:aws:iam::{OTHER}:*"]),
    ("StringEquals", "aws:PrincipalAccount", [ACCT, OTHER]),
    ("IpAddress", "aws:SourceIp", ["10.0.0.0/8", ["192.0.2.0/24", "10.1.0.0/16"]]),
    ("NotIpAddress", "aws:SourceIp", ["10.0.0.0/8"]),
    ("Bool", "aws:SecureTransport", ["true", "false"]),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", ["true", "false"]),
    ("NumericLessThan", "aws:MultiFactorAuthAge", ["3600"]),
    ("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", ["60"]),
    ("DateGreaterThan", "aws:CurrentTime", ["2024-01-01T00:00:00Z"]),
    ("DateLessThan", "aws:CurrentTime", ["2025-06-01T00:00:00Z"]),
    ("Null", "aws:TagKeys", ["true", "false"]),
    ("Null", "aws:PrincipalTag/team", ["true", "false"]),
    ("ForAllValues:StringEquals", "aws:TagKeys", [["env", "team"]]),
    ("ForAnyValue:StringEquals", "aws:TagKeys", [["env"]]),
    ("ForAnyValue:StringLike", "aws:TagKeys", [["te*"]]),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", [["secret"]]),
    ("StringEquals", "aws:RequestedRegion", ["us-east-1", ["eu-west-1", "us-east-1"]]),
    ("StringNotEquals", "aws:RequestedRegion", ["us-east-1"]),
    ("StringEquals", "aws:SourceVpce", ["vpce-1a2b3c4d"]),
    ("StringNotEquals", "aws:SourceVpce", ["vpce-1a2b3c4d"]),
    ("StringLike", "s3:prefix", ["home/${aws:username}/*", "reports/*"]),
]
CONTEXT_VALUES = {
    "aws:PrincipalTag/team": ["blue", "red", "BLUE", ""],
    "aws:SourceIp": ["10.1.2.3", "192.0.2.9", "203.0.113.5"],
    "aws:SecureTransport": ["true", "false"],
    "aws:MultiFactorAuthPresent": ["true", "false"],
    "aws:MultiFactorAuthAge": ["30", "7200"],
    "aws:CurrentTime": ["2024-05-01T12:00:00Z", "2026-01-01T00:00:00Z"],
    "aws:TagKeys": [["env"], ["env", "team"], ["secret"], [], ["team", "owner"]],
    "aws:RequestedRegion": ["us-east-1", "eu-west-1"],
    "aws:SourceVpce": ["vpce-1a2b3c4d", "vpce-9999"],
    "s3:prefix": ["home/alice/", "reports/", ""],
}


class Generator:
    """Seeded cases; every choice goes through ``self.rng``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def statement(self, action: str, acct: str, effect: str | None = None, principal: object = None) -> dict:
        rng = self.rng
        effect = effect or ("Allow" if rng.random() < 0.75 else "Deny")
        st: dict = {"Effect": effect}
        pool = ACTION_PATTERNS[action]
        if rng.random() < 0.1:
            other = rng.choice([a for a in ACTION_PATTERNS if a != action])
            st["NotAction" if rng.random() < 0.5 else "Action"] = other
        else:
            st["Action"] = rng.choice(pool) if rng.random() < 0.8 else rng.sample(pool, min(2, len(pool)))
        service = action.split(":")[0]
        res = rng.choice(RESOURCE_PATTERNS[service]).replace("{acct}", rng.choice([acct, acct, "*"]))
        st["NotResource" if rng.random() < 0.07 else "Resource"] = res
        if principal is not None:
            st["Principal"] = principal
        if rng.random() < 0.55:
            cond: dict = {}
            for _ in range(rng.choice([1, 1, 2])):
                op, key, values = rng.choice(CONDITIONS)
                cond.setdefault(op, {})[key] = rng.choice(values)
            st["Condition"] = cond
        return st

    def policy(self, action: str, acct: str, n: int, principal_of: object = None) -> dict:
        stmts = [self.statement(action, acct, principal=principal_of() if principal_of else None)
                 for _ in range(n)]
        return {"Version": self.rng.choice(["2012-10-17"] * 9 + ["2008-10-17"]), "Statement": stmts}

    def case(self, i: int) -> dict:
        rng = self.rng
        principal, p_acct = rng.choice(PRINCIPALS)
        action, template = rng.choice(TARGETS)
        r_acct = ACCT if rng.random() < 0.8 else OTHER
        resource = template.replace("{acct}", r_acct).replace("{n}", str(rng.randrange(10)))
        request: dict = {"principal": principal, "action": action, "resource": resource}
        if resource.startswith("arn:aws:s3"):
            request["resourceAccount"] = r_acct
        context = {}
        for key, values in CONTEXT_VALUES.items():
            if key == "s3:prefix" and action != "s3:ListBucket":
                continue
            if rng.random() < 0.55:
                context[key] = copy.deepcopy(rng.choice(values))
        if "user/alice" in principal:
            context["aws:username"] = "alice"
        context["aws:PrincipalArn"] = principal.replace(":sts::", ":iam::").replace("assumed-role/app/session-1",
                                                                                       "role/app")
        context["aws:PrincipalAccount"] = p_acct
        request["context"] = context
        policies: dict = {"identity": [self.policy(action, r_acct, rng.choice([1, 2, 3]))
                                       for _ in range(rng.choice([1, 1, 2]))]}
        if rng.random() < 0.5 or p_acct != r_acct:
            principals = [{"AWS": f"arn:aws:iam::{p_acct}:root"}, {"AWS": principal}, {"AWS": p_acct}, "*",
                          {"AWS": f"arn:aws:iam::{ACCT}:role/app"}, {"AWS": f"arn:aws:iam::{OTHER}:root"}]
            policies["resource"] = self.policy(action, r_acct, rng.choice([1, 2]),
                                               lambda: copy.deepcopy(rng.choice(principals)))
        if rng.random() < 0.2:
            policies["boundary"] = self.policy(action, r_acct, 1)
        if rng.random() < 0.2:
            full = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            levels = [[full], [full, self.policy(action, r_acct, 1)]]
            if rng.random() < 0.5:
                levels[1] = [self.policy(action, r_acct, 1)]
            policies["scps"] = levels
        if rng.random() < 0.1:
            rcp = {"Version": "2012-10-17", "Statement": [self.statement(action, r_acct, "Deny", "*")]}
            policies["rcps"] = [[rcp]]
        return {"request": request, "policies": policies}


def run_simulate(questions: list[dict], prefix: str) -> list[str]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not installed")
    env = dict(os.environ, IAM_SIMULATE_DIR=prefix)
    text = "".join(json.dumps(q) + "\n" for q in questions)
    out = subprocess.run([node, str(ROOT / "tools" / "iam_simulate_runner.mjs")], input=text, text=True,
                         capture_output=True, env=env, check=True)
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    return [a.get("decision") or "error: " + a["error"][:120] for a in answers]


def ours(q: dict) -> str:
    a = evaluate_json(q)
    return a.get("decision") or "error: " + a["error"]["message"][:120]


def same(o: str, t: str) -> bool:
    """Two answers agree: the same decision, or both engines reject the input (messages differ)."""
    return o == t or (o.startswith("error") and t.startswith("error"))


def reductions(q: dict) -> list[dict]:
    """Every question one step smaller: a policy, a statement, a condition clause or a context key less."""
    out = []
    pol = q["policies"]

    def variant(fn) -> None:  # type: ignore[no-untyped-def]
        c = copy.deepcopy(q)
        if fn(c) is not False:
            out.append(c)

    for name in list(pol):
        if name != "identity":
            variant(lambda c, n=name: c["policies"].pop(n))
    for i in range(len(pol.get("identity", []))):
        variant(lambda c, i=i: c["policies"]["identity"].pop(i))
    action = q["request"]["action"]
    for path, doc in _documents(pol):
        if doc.get("Version") != "2012-10-17":
            variant(lambda c, p=path: _get(c["policies"], p).__setitem__("Version", "2012-10-17"))
        for si, st in enumerate(doc["Statement"]):
            # simpler forms: the plain action, every resource
            if st.get("Action") not in (None, action):
                variant(lambda c, p=path, si=si: _get(c["policies"], p)["Statement"][si].__setitem__(
                    "Action", action))
            if "Resource" in st and st["Resource"] != "*":
                variant(lambda c, p=path, si=si: _get(c["policies"], p)["Statement"][si].__setitem__(
                    "Resource", "*"))
            if len(doc["Statement"]) > 1:
                variant(lambda c, p=path, si=si: _get(c["policies"], p)["Statement"].pop(si))
            for op, keys in (st.get("Condition") or {}).items():
                for key in keys:
                    def drop(c, p=path, si=si, op=op, key=key):  # type: ignore[no-untyped-def]
                        cond = _get(c["policies"], p)["Statement"][si]["Condition"]
                        del cond[op][key]
                        if not cond[op]:
                            del cond[op]
                        if not cond:
                            del _get(c["policies"], p)["Statement"][si]["Condition"]
                    variant(drop)
            if isinstance(st.get("Action"), list) and len(st["Action"]) > 1:
                variant(lambda c, p=path, si=si: _get(c["policies"], p)["Statement"][si].__setitem__(
                    "Action", _get(c["policies"], p)["Statement"][si]["Action"][0]))
    for key in list(q["request"].get("context", {})):
        variant(lambda c, k=key: c["request"]["context"].pop(k))
    return out


def _documents(pol: dict) -> list[tuple[tuple, dict]]:
    docs: list[tuple[tuple, dict]] = [(("identity", i), d) for i, d in enumerate(pol.get("identity", []))]
    for name in ("resource", "boundary", "session"):
        if name in pol:
            docs.append(((name,), pol[name]))
    for name in ("scps", "rcps"):
        for li, level in enumerate(pol.get(name, [])):
            docs += [((name, li, i), d) for i, d in enumerate(level)]
    return docs


def _get(pol: dict, path: tuple) -> dict:
    node: object = pol
    for part in path:
        node = node[part]  # type: ignore[index]
    return node  # type: ignore[return-value]


def minimize(cases: list[tuple[dict, str, str]], prefix: str, rounds: int = 12) -> list[tuple[dict, str, str]]:
    """Shrink every disagreement while the two engines still disagree (in the same way)."""
    current = list(cases)
    for _ in range(rounds):
        batch, owners = [], []
        for idx, (q, _o, _t) in enumerate(current):
            for r in reductions(q):
                batch.append(r)
                owners.append(idx)
        if not batch:
            break
        theirs = run_simulate(batch, prefix)
        changed = False
        taken: set[int] = set()
        nxt = list(current)
        for r, idx, t in zip(batch, owners, theirs, strict=True):
            if idx in taken:
                continue
            o = ours(r)
            if (o, t) == (current[idx][1], current[idx][2]):
                nxt[idx] = (r, o, t)
                taken.add(idx)
                changed = True
        current = nxt
        if not changed:
            break
    return current


def shape(q: dict, o: str, t: str) -> str:
    """A class key: the decisions and the features of the minimized case."""
    feats = set()
    pol = q["policies"]
    for name in pol:
        if name != "identity" or pol[name]:
            feats.add(f"policy:{name}")
    for _path, doc in _documents(pol):
        if doc.get("Version") != "2012-10-17":
            feats.add("version:2008")
        for st in doc["Statement"]:
            if st["Effect"] == "Deny":
                feats.add("deny")
            for k in ("NotAction", "NotResource"):
                if k in st:
                    feats.add(k)
            res = st.get("Resource", st.get("NotResource"))
            for r in ([res] if isinstance(res, str) else res or []):
                if r != "*" and r.count(":") < 5:
                    feats.add("incomplete-arn")
                if "${" in r:
                    feats.add("variable-in-resource")
            for op, keys in (st.get("Condition") or {}).items():
                for key, val in keys.items():
                    feats.add(f"cond:{op}:{key}")
                    if "${" in json.dumps(val):
                        feats.add("variable-in-condition")
            if "Principal" in st:
                p = st["Principal"]
                feats.add("principal:*" if p == "*" else f"principal:{_principal_kind(p)}")
    ctx = q["request"].get("context", {})
    for key, value in ctx.items():
        if value in ("", []):
            feats.add(f"empty:{key}")
    req = q["request"]
    p_acct = req["principal"].split(":")[4]
    r_acct = req.get("resourceAccount") or req["resource"].split(":")[4] or p_acct
    feats.add("cross-account" if p_acct != r_acct else "same-account")
    return f"ours={o} theirs={t} | " + " ".join(sorted(feats))


CAUSES = {
    "C1": "incomplete ARN in Resource/NotResource (we complete it with wildcards)",
    "C2": "RCP on a service that does not support RCPs (we skip it)",
    "C3": "RCP with Action \"*\" (iam-simulate rejects the policy; we accept it)",
    "C4": "policy variable with no value inside NotResource (we: the pattern matches nothing)",
    "C5": "empty string or empty list in the context (we: same as an absent key)",
    "C6": "policy variable under Version 2008-10-17 (we: literal text)",
    "D1": "RCP with NotAction (we accepted it; now rejected)",
}


def cause(q: dict, o: str, t: str) -> str:
    """The adjudicated class (docs/iam-differences.md) a minimized disagreement belongs to."""
    from course.iam.evaluate import RCP_SERVICES

    feats = shape(q, o, t).split(" | ", 1)[1].split()
    text = json.dumps(q["policies"])
    if t.startswith("error") and "Action cannot be" in t:
        return "C3"
    if t.startswith("error") and "NotAction" in t:
        return "D1"
    if "incomplete-arn" in feats:
        return "C1"
    if "version:2008" in feats and "${" in text:
        return "C6"
    if any(f.startswith("empty:") for f in feats):
        return "C5"
    if "NotResource" in feats and "${" in text:
        return "C4"
    if "policy:rcps" in feats and q["request"]["action"].split(":")[0].lower() not in RCP_SERVICES:
        return "C2"
    return "unclassified"


def _principal_kind(p: object) -> str:
    value = p.get("AWS") if isinstance(p, dict) else p
    value = value if isinstance(value, str) else str(value)
    if value.endswith(":root") or value.isdigit():
        return "account"
    if ":role/" in value:
        return "role"
    if ":user/" in value:
        return "user"
    return "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--iam-simulate", metavar="DIR", default="/tmp/iam-simulate")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    gen = Generator(args.seed)
    cases = [gen.case(i) for i in range(args.cases)]
    theirs = run_simulate(cases, args.iam_simulate)
    mine = [ours(q) for q in cases]
    disagreements = [(q, o, t) for q, o, t in zip(cases, mine, theirs, strict=True) if not same(o, t)]
    agree = len(cases) - len(disagreements)
    print(f"{len(cases)} cases (seed {args.seed}): agree on {agree} ({100 * agree / len(cases):.1f}%), "
          f"{len(disagreements)} disagreements")
    minimized = minimize(disagreements, args.iam_simulate)
    classes: dict[str, list[dict]] = defaultdict(list)
    by_cause: dict[str, list[dict]] = defaultdict(list)
    for q, o, t in minimized:
        classes[shape(q, o, t)].append(q)
        by_cause[cause(q, o, t)].append(q)
    print("by adjudicated class (docs/iam-differences.md):")
    for key in sorted(by_cause):
        print(f"{len(by_cause[key]):>5}  {key}  {CAUSES.get(key, 'not adjudicated yet: read the examples')}")
    print("by shape of the minimized case:")
    ordered = sorted(classes.items(), key=lambda kv: -len(kv[1]))
    for key, items in ordered:
        print(f"{len(items):>5}  {key}")
    if args.out:
        smallest = lambda v: min(v, key=lambda q: len(json.dumps(q)))  # noqa: E731
        report = {"seed": args.seed, "cases": len(cases), "agree": agree,
                  "causes": [{"class": k, "meaning": CAUSES.get(k), "count": len(v), "example": smallest(v)}
                             for k, v in sorted(by_cause.items())],
                  "classes": [{"key": k, "count": len(v), "example": smallest(v)} for k, v in ordered]}
        args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
        print(f"classes with their smallest example: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
