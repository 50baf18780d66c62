"""Decisions per second for a typical exercise: 5 policies, 10 statements, with conditions.

Run: ``.venv/bin/python benchmarks/iam_throughput.py`` (one process, one core). The policies are
compiled once (``compile_policies``) and requests are parsed once (``parse_request``), which is how
the grader uses the engine: one learner policy set against many must-allow / must-deny requests.
The figure for requests given as dicts (parsed each time) and for fully explained evaluations is
printed too.

``--whole-process`` (issue #20) measures what an outside caller sees: N question documents (JSON
Lines, each with its policies and a distinct request; 20 policy variants) decided by one process
start to finish, output with full explanations, ``python -m course.iam evaluate FILE`` side by side
with ``@cloud-copilot/iam-simulate`` (through ``tools/iam_simulate_runner.mjs``; install it with
``npm install --prefix /tmp/iam-simulate @cloud-copilot/iam-simulate``, pass ``--iam-simulate DIR``).
Both get the same file; the best of ``--repeat`` runs is reported, per CPU second of the child
process (fair on a shared machine) and per wall second, with the ratio and how many decisions agree.
Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from resource import RUSAGE_CHILDREN, getrusage

from course.iam import compile_policies, parse_request

ACCT = "111122223333"

POLICIES = {
    "identity": [
        {"Version": "2012-10-17", "Statement": [
            {"Sid": "ReadReports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/reports/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
            {"Sid": "OwnHome", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
             "Resource": "arn:aws:s3:::example-bucket/home/${aws:username}/*"},
            {"Sid": "DenyNoMfaDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*",
             "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
        ]},
        {"Version": "2012-10-17", "Statement": [
            {"Sid": "Queues", "Effect": "Allow", "Action": "sqs:SendMessage",
             "Resource": f"arn:aws:sqs:*:{ACCT}:app-*",
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["blue", "green"]}}},
            {"Sid": "TagsOnly", "Effect": "Allow", "Action": "s3:PutObjectTagging", "Resource": "*",
             "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["project", "owner"]}}},
        ]},
    ],
    "resource": {"Version": "2012-10-17", "Statement": [
        {"Sid": "VpceOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"],
         "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}},
        {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/shared/*"},
    ]},
    "boundary": {"Version": "2012-10-17", "Statement": [
        {"Sid": "Max", "Effect": "Allow", "Action": ["s3:*", "sqs:*"], "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}},
    ]},
    "scps": [[{"Version": "2012-10-17", "Statement": [
        {"Sid": "Regions", "Effect": "Allow", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}},
        {"Sid": "NoLeaving", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
    ]}]],
}


def requests() -> list[dict]:
    base_ctx = {"aws:SecureTransport": "true", "aws:SourceVpce": "vpce-1a2b3c4d", "aws:SourceIp": "10.1.2.3",
                "aws:RequestedRegion": "eu-west-1", "aws:username": "alice", "aws:PrincipalTag/team": "blue",
                "aws:MultiFactorAuthPresent": "true", "aws:TagKeys": ["project"]}
    user = f"arn:aws:iam::{ACCT}:user/alice"
    out = []
    cases = [
        ("s3:GetObject", "arn:aws:s3:::example-bucket/reports/q1.csv", {}),
        ("s3:GetObject", "arn:aws:s3:::example-bucket/reports/q1.csv", {"aws:SecureTransport": "false"}),
        ("s3:PutObject", "arn:aws:s3:::example-bucket/home/alice/a.txt", {}),
        ("s3:PutObject", "arn:aws:s3:::example-bucket/home/bob/a.txt", {}),
        ("s3:DeleteObject", "arn:aws:s3:::example-bucket/home/alice/a.txt", {"aws:MultiFactorAuthPresent": "false"}),
        ("sqs:SendMessage", f"arn:aws:sqs:eu-west-1:{ACCT}:app-orders", {}),
        ("sqs:SendMessage", f"arn:aws:sqs:eu-west-1:{ACCT}:app-orders", {"aws:PrincipalTag/team": "red"}),
        ("s3:PutObjectTagging", "arn:aws:s3:::example-bucket/reports/x", {"aws:TagKeys": ["project", "cost"]}),
        ("s3:GetObject", "arn:aws:s3:::example-bucket/reports/q1.csv", {"aws:SourceVpce": "vpce-other"}),
        ("s3:GetObject", "arn:aws:s3:::example-bucket/reports/q1.csv", {"aws:RequestedRegion": "ap-south-1"}),
    ]
    for action, resource, extra in cases:
        out.append({"principal": user, "action": action, "resource": resource, "context": {**base_ctx, **extra}})
    return out


def measure(fn, items: list, seconds: float, rounds: int = 5) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Best rate over several rounds (like timeit, the least-disturbed round is the truest figure),
    per CPU second of this process (one core, unaffected by other processes) and per wall second."""
    best_cpu = best_wall = 0.0
    for _ in range(rounds):
        n = 0
        wall0, cpu0 = time.perf_counter(), time.process_time()
        deadline = wall0 + seconds / rounds
        while True:
            for item in items:
                fn(item)
            n += len(items)
            now = time.perf_counter()
            if now >= deadline:
                break
        cpu = time.process_time() - cpu0
        best_wall = max(best_wall, n / (now - wall0))
        best_cpu = max(best_cpu, n / cpu) if cpu > 0 else best_cpu
    return best_cpu, best_wall


def calibrate() -> float:
    """Seconds for 1M integer additions, to compare machines."""
    start = time.perf_counter()
    n = 0
    for i in range(1_000_000):
        n += i
    return time.perf_counter() - start


ROOT = Path(__file__).resolve().parents[1]


def variant(policies: dict, k: int) -> dict:
    """Policy set number ``k``: the same shape with its own bucket, team and VPC endpoint."""
    text = json.dumps(policies)
    return json.loads(text.replace("example-bucket", f"bucket-{k}").replace("vpce-1a2b3c4d", f"vpce-{k:08x}")
                      .replace('"blue"', f'"blue{k}"'))


def questions(n: int, seed: int = 20) -> list[dict]:
    """``n`` questions over 20 policy variants; every request is distinct (object key, user, IP)."""
    rng = random.Random(seed)
    sets = [variant(POLICIES, k) for k in range(20)]
    base = requests()
    out = []
    for i in range(n):
        k = rng.randrange(20)
        req = json.loads(json.dumps(base[i % len(base)])
                         .replace("example-bucket", f"bucket-{k}").replace("vpce-1a2b3c4d", f"vpce-{k:08x}")
                         .replace('"blue"', f'"blue{k}"'))
        req["resource"] = req["resource"].replace("q1.csv", f"q{i}.csv").replace("a.txt", f"a{i}.txt")
        req["context"]["aws:SourceIp"] = f"10.{i % 250}.{(i // 250) % 250}.{rng.randrange(1, 250)}"
        out.append({"request": req, "policies": sets[k]})
    return out


def _child_run(cmd: list[str], stdin_path: Path, out_path: Path, env: dict | None = None) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one child process."""
    before = getrusage(RUSAGE_CHILDREN)
    wall0 = time.perf_counter()
    with stdin_path.open("rb") as fin, out_path.open("wb") as fout:
        subprocess.run(cmd, stdin=fin, stdout=fout, check=False, env=env, cwd=ROOT)
    wall = time.perf_counter() - wall0
    after = getrusage(RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def whole_process(n: int, repeat: int, simulate_dir: str | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="iam-bench-"))
    try:
        qs = questions(n)
        src = work / "questions.jsonl"
        src.write_text("".join(json.dumps(q) + "\n" for q in qs), encoding="utf-8")
        engines = {"course.iam": [sys.executable, "-m", "course.iam", "evaluate", "-"]}
        env = dict(os.environ)
        node = shutil.which("node")
        if simulate_dir and node:
            engines["iam-simulate"] = [node, str(ROOT / "tools" / "iam_simulate_runner.mjs")]
            env["IAM_SIMULATE_DIR"] = simulate_dir
        elif simulate_dir:
            print("node is not installed: iam-simulate is not measured")
        best: dict[str, tuple[float, float]] = {}
        outputs: dict[str, list[str]] = {}
        for _ in range(repeat):
            for name, cmd in engines.items():
                out = work / f"{name}.jsonl"
                cpu, wall = _child_run(cmd, src, out, env)
                old = best.get(name)
                best[name] = (min(cpu, old[0]) if old else cpu, min(wall, old[1]) if old else wall)
                outputs[name] = [json.loads(line).get("decision", "error")
                                 for line in out.read_text(encoding="utf-8").splitlines()]
        print(f"whole process, {n} questions (20 policy sets, distinct requests), full explanations, "
              f"best of {repeat}:")
        for name, (cpu, wall) in best.items():
            print(f"  {name:<13} {n / cpu:>9,.0f} decisions/CPU-second   {n / wall:>9,.0f} /wall-second   "
                  f"({cpu:.2f} s CPU, {wall:.2f} s wall)")
        if "iam-simulate" in best:
            ours, theirs = best["course.iam"], best["iam-simulate"]
            agree = sum(a == b for a, b in zip(outputs["course.iam"], outputs["iam-simulate"], strict=False))
            print(f"  ratio course.iam / iam-simulate: {theirs[0] / ours[0]:.1f}x per CPU second, "
                  f"{theirs[1] / ours[1]:.1f}x per wall second; decisions agree on {agree} of {n}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--whole-process", action="store_true", help="compare whole processes (see above)")
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--iam-simulate", metavar="DIR", default=None,
                        help="npm prefix where @cloud-copilot/iam-simulate is installed")
    args = parser.parse_args()
    if args.whole_process:
        whole_process(args.questions, args.repeat, args.iam_simulate)
        return
    print(f"calibration: 1M Python additions take {calibrate():.3f}s on this machine")
    ps = compile_policies(POLICIES)
    raw = requests()
    parsed = [parse_request(r) for r in raw]
    statements = len(ps.identity[0].statements) + len(ps.identity[1].statements) + len(ps.resource.statements) \
        + len(ps.boundary.statements) + sum(len(p.statements) for lvl in ps.scps for p in lvl)
    print(f"policies: 5 documents (2 identity, resource, boundary, SCP), {statements} statements")
    print("decisions:", [ps.decide(r) for r in parsed])
    for label, fn, items in (("compiled policies, pre-parsed requests", ps.decide, parsed),
                             ("compiled policies, dict requests       ", ps.decide, raw),
                             ("compiled policies, full explanations   ", ps.evaluate, parsed)):
        cpu, wall = measure(fn, items, args.seconds)
        print(f"{label}: {cpu:>9,.0f} /CPU-second   ({wall:,.0f} /wall-second)")


if __name__ == "__main__":
    main()
