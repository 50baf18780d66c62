"""10,000 corrupted documents that use every round-two field: each gives an answer or
``{"error": {"message", "path"}}`` naming a field, never a traceback (issue #21)."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from course.net.cli import answer_one

from .helpers import INTERNET
from .test_inspection import egress
from .test_round_two import tgw_pair, with_lb

JUNK: list[Any] = [
    None, True, 0, -1, 70000, "", "x", "tcp", "allowlist", "allow-egress", "block-ingress", "regional", "local",
    "10.0.0.0/8", "10.20.3.0/24", "::/0", "sg-lb", "vpce-fw", "igw-e", "nat-e", "tg-app", "lb-web", "eni-app",
    [], [1], [443, 80], ["a"], {}, {"x": 1}, {"type": "allowlist", "domains": 5}, 3.5,
]


def base() -> dict[str, Any]:
    """One document with a firewall, a gateway route table, an NLB, BPA, a regional NAT and TGW SG referencing."""
    doc = egress({"stateless_rules": [{"priority": 5, "action": "forward", "protocol": "tcp", "dst_ports": [443, 443]}],
                  "stateful_rules": [{"action": "drop", "protocol": "tcp", "dst_ports": [22, 22]}],
                  "domain_lists": [{"type": "allowlist", "domains": [".example.com"], "protocols": ["tls_sni"]}]}
                 ).build()
    lb = with_lb(sgs=("sg-lb",)).block_public_access(
        "block-ingress", exclusions=[{"subnet": "subnet-pub", "mode": "allow-bidirectional"},
                                     {"vpc": "vpc-e", "mode": "allow-bidirectional"}]).build()
    lb["security_groups"]["sg-app"]["inbound"].append({"protocol": "tcp", "ports": [8080, 8080], "peer": "sg-lb"})
    tgw = tgw_pair(True, True, True).build()
    tgw["vpcs"]["vpc-a"]["cidrs"] = ["10.30.0.0/16"]  # keep the merged document's VPC CIDRs apart
    for key, value in lb.items():
        if isinstance(value, dict):
            doc.setdefault(key, {}).update(value)
        else:
            doc[key] = value
    doc["vpcs"]["vpc-g"] = {"cidrs": ["10.40.0.0/16"]}
    doc["route_tables"]["rtb-g-main"] = {"vpc": "vpc-g", "main": True, "routes": [{"dest": "10.40.0.0/16",
                                                                                   "target": "local"}]}
    doc["nacls"]["acl-g"] = {"vpc": "vpc-g", "default": True, "inbound": [], "outbound": []}
    doc["internet_gateways"]["igw-g"] = {"vpc": "vpc-g"}
    doc["nat_gateways"]["nat-g"] = {"availability_mode": "regional", "vpc": "vpc-g", "public_ip": "54.40.0.1"}
    doc["transit_gateways"] = {"tgw-1": tgw["transit_gateways"]["tgw-1"]}
    doc["transit_gateways"]["tgw-1"]["attachments"] = {
        "tgw-attach-e": {"vpc": "vpc-e", "subnets": ["subnet-work"], "association": "tgw-rtb",
                         "security_group_referencing": True},
        "tgw-attach-a": {"vpc": "vpc-a", "subnets": ["subnet-app"], "association": "tgw-rtb",
                         "security_group_referencing": True},
    }
    doc["transit_gateways"]["tgw-1"]["route_tables"]["tgw-rtb"]["routes"] = [
        {"dest": "10.20.0.0/16", "attachment": "tgw-attach-e"}, {"dest": "10.0.0.0/16", "attachment": "tgw-attach-a"}]
    return doc


QUERIES = [
    {"src": "eni-work", "dst": INTERNET, "protocol": "tcp", "port": 443, "domain": "a.example.com"},
    {"src": INTERNET, "dst": "eni-web", "protocol": "tcp", "port": 443},
    {"src": INTERNET, "dst": "lb-web", "protocol": "tcp", "port": 443},
    {"src": "eni-db", "dst": "lb-web", "protocol": "tcp", "port": 443},
    {"src": "eni-app", "dst": INTERNET, "protocol": "tcp", "port": 443},
    {"src": "eni-work", "dst": "eni-app", "protocol": "tcp", "port": 8080},
]


def _leaves(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _leaves(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _leaves(v, prefix + (i,))
    return out


def _corrupt(doc: dict[str, Any], rng: random.Random, leaves: list[tuple[Any, ...]]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(leaves)
        node: Any = doc
        try:
            for key in path[:-1]:
                node = node[key]
            if rng.random() < 0.2 and isinstance(node, dict):
                node.pop(path[-1], None)
            else:
                node[path[-1]] = rng.choice(JUNK)
        except (KeyError, IndexError, TypeError):
            continue
    return doc


def test_the_fuzz_base_is_a_working_network() -> None:
    doc = base()
    results = [answer_one({"network": doc, "query": qq}, {}) for qq in QUERIES]
    assert all("error" not in r for r in results), results
    assert sum(r["reachable"] for r in results) >= 3


@pytest.mark.slow
def test_ten_thousand_corrupt_documents_never_raise() -> None:
    rng = random.Random(21)
    doc = base()
    leaves = _leaves(doc)
    errors = answers = 0
    paths: set[str] = set()
    for _ in range(10_000):
        bad = _corrupt(doc, rng, leaves) if rng.random() < 0.8 else doc
        query = rng.choice(QUERIES)
        if bad is doc or rng.random() < 0.2:  # corrupt the query's round-two fields too
            query = dict(query)
            query[rng.choice(["domain", "app_protocol", "dst", "port", "protocol", "dst_ip"])] = rng.choice(JUNK)
        result = answer_one({"network": bad, "query": query}, {})  # raises on any non-NetworkError
        if "error" in result:
            errors += 1
            assert set(result["error"]) == {"message", "path"}
            assert isinstance(result["error"]["message"], str) and result["error"]["message"]
            paths.add(result["error"]["path"].split(".")[0])
        else:
            answers += 1
            assert isinstance(result["reachable"], bool)
    assert errors > 1000 and answers > 200
    for key in ("network_firewalls", "load_balancers", "target_groups", "block_public_access", "nat_gateways",
                "transit_gateways", "route_tables", "query"):
        assert key in paths, sorted(paths)
