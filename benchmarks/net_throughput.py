"""Queries per second of course.net.reach on a 4-VPC, 15-subnet network, in one process.

The network has the round-two components too (spec §5.14-§5.18): VPC Block Public Access with exclusions, an
internet-facing NLB preserving client IPs, and an egress VPC whose NAT gateway's traffic passes an AWS Network
Firewall with a domain allowlist and a gateway route table for the replies.

The floor is 5,000 queries/s on one core: exercise grading batch-checks many flows against one
network, so the network is loaded and indexed once and then queried repeatedly.

    python benchmarks/net_throughput.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import itertools
import time
from typing import Any

from course.net import NetworkBuilder, allow, load, parse_query, reach, sg_rule

FLOOR = 5000


def build_network() -> dict[str, Any]:
    """Three VPCs (web, data, shared services), four subnets each, peering, a TGW, IGW, NAT and S3 endpoint."""
    b = NetworkBuilder()
    b.prefix_list("pl-s3", "com.amazonaws.us-east-1.s3", ["52.216.0.0/15"]).service(
        "s3", ["52.216.0.0/15"], prefix_list="pl-s3")
    for n, name in enumerate(("web", "data", "shared")):
        vpc = f"vpc-{name}"
        b.vpc(vpc, f"10.{n}.0.0/16")
        b.route_table(f"rtb-{name}-pub", vpc).route_table(f"rtb-{name}-priv", vpc)
        for s in range(4):
            kind = "pub" if s < 2 else "priv"
            b.subnet(f"subnet-{name}-{s}", vpc, f"10.{n}.{s}.0/24", az=f"us-east-1{'ab'[s % 2]}",
                     route_table=f"rtb-{name}-{kind}")
        b.nacl(f"acl-{name}", vpc, subnets=[f"subnet-{name}-{s}" for s in range(4)],
               inbound=[allow(100, "tcp", 443), allow(110, "tcp", 5432, "10.0.0.0/8"),
                        allow(120, "tcp", (1024, 65535)), allow(130, "icmp", None, "10.0.0.0/8")],
               outbound=[allow(100, "all")])
        b.igw(f"igw-{name}", vpc).route(f"rtb-{name}-pub", "0.0.0.0/0", f"igw-{name}")
        b.nat(f"nat-{name}", f"subnet-{name}-0", f"10.{n}.0.100", f"54.{n}.0.100")
        b.route(f"rtb-{name}-priv", "0.0.0.0/0", f"nat-{name}")
        b.gateway_endpoint(f"vpce-s3-{name}", vpc, "s3", route_tables=[f"rtb-{name}-priv"])
        b.sg(f"sg-{name}", vpc, inbound=[sg_rule("tcp", 443, "0.0.0.0/0"), sg_rule("tcp", 5432, "10.0.0.0/8"),
                                         sg_rule("icmp", None, "10.0.0.0/8")])
        for s in range(4):
            b.eni(f"eni-{name}-{s}", f"subnet-{name}-{s}", f"10.{n}.{s}.10", sgs=[f"sg-{name}"],
                  public_ip=f"54.{n}.{s}.10" if s < 2 else None)
    b.peering("pcx-web-data", "vpc-web", "vpc-data")
    for table in ("rtb-web-pub", "rtb-web-priv"):
        b.route(table, "10.1.0.0/16", "pcx-web-data")
    for table in ("rtb-data-pub", "rtb-data-priv"):
        b.route(table, "10.0.0.0/16", "pcx-web-data").route(table, "10.2.0.0/16", "tgw-1")
    b.tgw("tgw-1").tgw_route_table("tgw-1", "tgw-rtb")
    for name, n in (("data", 1), ("shared", 2)):
        b.tgw_attachment("tgw-1", f"tgw-attach-{name}", f"vpc-{name}", [f"subnet-{name}-2", f"subnet-{name}-3"],
                         "tgw-rtb")
        b.tgw_route("tgw-1", "tgw-rtb", f"10.{n}.0.0/16", f"tgw-attach-{name}")
    for table in ("rtb-shared-pub", "rtb-shared-priv"):
        b.route(table, "10.1.0.0/16", "tgw-1")
    _round_two(b)
    return b.build()


def _round_two(b: NetworkBuilder) -> None:
    """Block Public Access, an NLB in vpc-web, and a firewalled egress VPC (spec §5.15-§5.18)."""
    b.block_public_access("block-ingress", exclusions=[
        {"subnet": f"subnet-{name}-{s}", "mode": "allow-bidirectional"}
        for name in ("web", "data", "shared") for s in (0, 1)])
    b.eni("eni-web-lb", "subnet-web-1", "10.0.1.30", public_ip="54.0.1.30")
    b.target_group("tg-web", 443, ["eni-web-2", "eni-web-3"])
    b.load_balancer("lb-web", "network", ["eni-web-lb"], listeners=[(443, "tcp", "tg-web")])
    b.vpc("vpc-egress", "10.3.0.0/16")
    for s, kind in enumerate(("work", "nat", "fw")):
        b.subnet(f"subnet-egress-{kind}", "vpc-egress", f"10.3.{s}.0/24", az="us-east-1a")
        b.route_table(f"rtb-egress-{kind}", "vpc-egress", subnets=[f"subnet-egress-{kind}"])
    b.igw("igw-egress", "vpc-egress").nat("nat-egress", "subnet-egress-nat", "10.3.1.100", "54.3.1.100")
    b.route("rtb-egress-work", "0.0.0.0/0", "nat-egress").route("rtb-egress-nat", "0.0.0.0/0", "vpce-fw-egress")
    b.route("rtb-egress-fw", "0.0.0.0/0", "igw-egress")
    b.route_table("rtb-egress-edge", "vpc-egress").route("rtb-egress-edge", "10.3.1.0/24", "vpce-fw-egress")
    b.doc["route_tables"]["rtb-egress-edge"]["edge_associations"] = ["igw-egress"]
    b.doc["network_firewalls"] = {"nfw-egress": {
        "vpc": "vpc-egress", "endpoints": {"vpce-fw-egress": "subnet-egress-fw"},
        "policy": {"stateless_rules": [{"priority": 10, "action": "drop", "protocol": "udp"}],
                   "stateful_rules": [{"action": "drop", "protocol": "tcp", "dst_ports": [22, 22]}],
                   "domain_lists": [{"type": "allowlist", "domains": [".example.com"]}]}}}
    b.sg("sg-egress", "vpc-egress").eni("eni-egress-work", "subnet-egress-work", "10.3.0.10", sgs=["sg-egress"])


def queries() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    names = ("web", "data", "shared")
    for a, b in itertools.product(names, names):
        for s, t in ((0, 2), (2, 3), (3, 1)):
            out.append({"src": f"eni-{a}-{s}", "dst": f"eni-{b}-{t}", "protocol": "tcp", "port": 5432})
    for name in names:
        out.append({"src": "203.0.113.50", "dst": f"eni-{name}-0", "protocol": "tcp", "port": 443,
                    "src_port": 49152})
        out.append({"src": f"eni-{name}-2", "dst": "203.0.113.50", "protocol": "tcp", "port": 443})
        out.append({"src": f"eni-{name}-3", "dst": "s3", "dst_ip": "52.216.1.1", "protocol": "tcp", "port": 443})
        out.append({"src": f"eni-{name}-1", "dst": "eni-data-2", "protocol": "icmp", "port": None})
    internet = "203.0.113.50"
    out += [
        {"src": internet, "dst": "lb-web", "protocol": "tcp", "port": 443, "src_port": 49152},
        {"src": "192.0.2.77", "dst": "lb-web", "protocol": "tcp", "port": 443},
        {"src": internet, "dst": "eni-data-2", "protocol": "tcp", "port": 443},
        {"src": "eni-egress-work", "dst": internet, "protocol": "tcp", "port": 443, "domain": "api.example.com"},
        {"src": "eni-egress-work", "dst": internet, "protocol": "tcp", "port": 443, "domain": "paste.example.net"},
        {"src": "eni-egress-work", "dst": internet, "protocol": "tcp", "port": 22},
        {"src": "eni-egress-work", "dst": "203.0.113.53", "protocol": "udp", "port": 53},
    ]
    return out


def measure(seconds: float) -> tuple[float, int, dict[str, int]]:
    net = load(build_network())
    assert len(net.vpcs) == 4 and len(net.subnets) == 15
    qs = queries()
    outcomes: dict[str, int] = {}
    for query in qs:
        label = reach(net, query).blocked_by or "reachable"
        outcomes[label] = outcomes.get(label, 0) + 1
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for query in qs:
            reach(net, query)
        done += len(qs)
    elapsed = time.perf_counter() - start
    return done / elapsed, len(qs), outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    rate, distinct, outcomes = measure(args.seconds)
    print(f"course.net reach: {rate:,.0f} queries/s (4 VPCs, 15 subnets, {distinct} distinct queries, one process)")
    print(f"outcomes of the query mix: {outcomes}")
    print(f"floor {FLOOR:,}/s: {'OK' if rate >= FLOOR else 'BELOW FLOOR'}")
    return 0 if rate >= FLOOR else 1


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["build_network", "measure", "parse_query", "queries"]
