"""Decisions per second for a typical exercise: 5 policies, 10 statements, with conditions.

Run: ``.venv/bin/python benchmarks/iam_throughput.py`` (one process, one core). The policies are
compiled once (``compile_policies``) and requests are parsed once (``parse_request``), which is how
the grader uses the engine: one learner policy set against many must-allow / must-deny requests.
The figure for requests given as dicts (parsed each time) and for fully explained evaluations is
printed too.
"""

from __future__ import annotations

import argparse
import time

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
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
