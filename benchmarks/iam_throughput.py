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
Both get the same file, one right after the other, ``--repeat`` times (default 5); every pair is printed
with the load average, and the median of the pairs' ratios is the figure, per CPU second of the child
process (fairer on a shared machine) and per wall second, with how many decisions agree. course.iam's
bytecode is compiled first, as an installed package has it.
Not run in CI.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import shutil
import statistics
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


def _load() -> str:
    """The 1/5/15-minute load averages (``uptime``'s numbers): the machine is shared."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _median(values: list[float]) -> float:
    return statistics.median(values)


def whole_process(n: int, repeat: int, simulate_dir: str | None) -> None:
    """Both engines on the same file, one after the other, ``repeat`` times; the median ratio of the
    pairs is the figure (each pair ran seconds apart, so both met about the same load)."""
    work = Path(tempfile.mkdtemp(prefix="iam-bench-"))
    try:
        # Bytecode, as an installed package has it (pip compiles it at install time): without this, an
        # environment with PYTHONDONTWRITEBYTECODE=1 makes every run compile course.iam's sources again.
        compileall.compile_dir(str(ROOT / "course"), quiet=1)
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
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in engines}
        outputs: dict[str, list[str]] = {}
        print(f"whole process, {n} questions (20 policy sets, distinct requests), full explanations, "
              f"{repeat} side-by-side runs; load average before: {_load()}")
        for k in range(repeat):
            line = f"  run {k + 1}:"
            for name, cmd in engines.items():
                out = work / f"{name}.jsonl"
                cpu, wall = _child_run(cmd, src, out, env)
                runs[name].append((cpu, wall))
                outputs[name] = [json.loads(text).get("decision", "error")
                                 for text in out.read_text(encoding="utf-8").splitlines()]
                line += f"  {name} {cpu:.2f} s CPU {wall:.2f} s wall;"
            if len(engines) == 2:
                (oc, ow), (tc, tw) = runs["course.iam"][-1], runs["iam-simulate"][-1]
                line += f"  ratio {tc / oc:.1f}x CPU, {tw / ow:.1f}x wall"
            print(line + f"  (load {_load()})")
        for name, pairs in runs.items():
            cpu = _median([c for c, _w in pairs])
            wall = _median([w for _c, w in pairs])
            print(f"  {name:<13} median {n / cpu:>9,.0f} decisions/CPU-second   {n / wall:>9,.0f} /wall-second   "
                  f"({cpu:.2f} s CPU, {wall:.2f} s wall)")
        if "iam-simulate" in runs:
            ratios_cpu = [t[0] / o[0] for o, t in zip(runs["course.iam"], runs["iam-simulate"], strict=True)]
            ratios_wall = [t[1] / o[1] for o, t in zip(runs["course.iam"], runs["iam-simulate"], strict=True)]
            agree = sum(a == b for a, b in zip(outputs["course.iam"], outputs["iam-simulate"], strict=False))
            print(f"  ratio course.iam / iam-simulate, median of {repeat} pairs: {_median(ratios_cpu):.1f}x per "
                  f"CPU second (range {min(ratios_cpu):.1f}-{max(ratios_cpu):.1f}), {_median(ratios_wall):.1f}x "
                  f"per wall second (range {min(ratios_wall):.1f}-{max(ratios_wall):.1f}); decisions agree on "
                  f"{agree} of {n}; load average after: {_load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--whole-process", action="store_true", help="compare whole processes (see above)")
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
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
