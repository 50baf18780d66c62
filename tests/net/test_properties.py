"""Monotonicity: allow rules only open flows, deny rules only close them (hypothesis)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from course.net import load, reach

from .helpers import INTERNET, S3_IP, q, two_tier, with_s3

PORTS = [None, [443, 443], [1024, 65535], [0, 1023], [5432, 5432], [8080, 8080], [32768, 65535], [22, 22]]
CIDRS = ["0.0.0.0/0", "10.0.0.0/16", "10.0.2.0/24", "10.0.1.0/24", "203.0.113.0/24", "52.216.0.0/15", "::/0"]
SUBNET_NACLS = {"subnet-pub": "acl-pub", "subnet-app": "acl-app", "subnet-db": "acl-db"}
QUERIES = [
    q(INTERNET, "eni-web", 443, src_port=49152),
    q(INTERNET, "eni-web", 22),
    q("eni-web", "eni-app", 8080),
    q("eni-app", "eni-db", 5432, src_port=40000),
    q("eni-app", INTERNET, 443),
    q("eni-app", "s3", 443, dst_ip=S3_IP),
    q("eni-db", "eni-web", 443),
    q("eni-web", "eni-db", None, "icmp"),
    q("eni-app", "eni-web", 53, "udp", src_port=33000),
]


@st.composite
def nacl_rule(draw: st.DrawFn, action: str | None = None) -> dict[str, Any]:
    proto = draw(st.sampled_from(["tcp", "udp", "icmp", "all"]))
    rule: dict[str, Any] = {
        "rule": draw(st.integers(1, 400)), "protocol": proto, "cidr": draw(st.sampled_from(CIDRS)),
        "action": action or draw(st.sampled_from(["allow", "deny"])),
    }
    ports = draw(st.sampled_from(PORTS)) if proto in ("tcp", "udp") else None
    if ports is not None:
        rule["ports"] = ports
    return rule


@st.composite
def sg_rule(draw: st.DrawFn) -> dict[str, Any]:
    proto = draw(st.sampled_from(["tcp", "udp", "icmp", "all"]))
    rule: dict[str, Any] = {"protocol": proto,
                            "peer": draw(st.sampled_from(CIDRS + ["sg-web", "sg-app", "sg-db", "pl-63a5400a"]))}
    ports = draw(st.sampled_from(PORTS)) if proto in ("tcp", "udp") else None
    if ports is not None:
        rule["ports"] = ports
    return rule


def _unique(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[int] = set()
    out = []
    for r in rules:
        if r["rule"] not in seen:
            seen.add(r["rule"])
            out.append(r)
    return out


@st.composite
def network(draw: st.DrawFn) -> dict[str, Any]:
    doc = with_s3(two_tier()).build()
    for subnet, acl in SUBNET_NACLS.items():
        doc["nacls"][acl] = {
            "vpc": "vpc-a",
            "inbound": _unique(draw(st.lists(nacl_rule(), max_size=4))),
            "outbound": _unique(draw(st.lists(nacl_rule(), max_size=4))),
        }
        doc["subnets"][subnet]["nacl"] = acl
    for sg in ("sg-web", "sg-app", "sg-db"):
        doc["security_groups"][sg]["inbound"] = draw(st.lists(sg_rule(), max_size=3))
        doc["security_groups"][sg]["outbound"] = draw(st.lists(sg_rule(), max_size=3))
    return doc


def _add_nacl_rule(doc: dict[str, Any], acl: str, direction: str, rule: dict[str, Any]) -> dict[str, Any] | None:
    new = copy.deepcopy(doc)
    rules = new["nacls"][acl][direction]
    if any(r["rule"] == rule["rule"] for r in rules):
        return None
    rules.append(rule)
    return new


ACL_SLOT = st.tuples(st.sampled_from(list(SUBNET_NACLS.values())), st.sampled_from(["inbound", "outbound"]))


@settings(max_examples=150, deadline=None)
@given(network(), st.sampled_from(QUERIES), ACL_SLOT, nacl_rule("allow"))
def test_adding_a_nacl_allow_never_breaks_a_reachable_flow(
    doc: dict[str, Any], query: dict[str, Any], slot: tuple[str, str], rule: dict[str, Any]
) -> None:
    after = _add_nacl_rule(doc, *slot, rule)
    if after is None or not reach(load(doc), query).reachable:
        return
    assert reach(load(after), query).reachable


@settings(max_examples=150, deadline=None)
@given(network(), st.sampled_from(QUERIES), ACL_SLOT, nacl_rule("deny"))
def test_adding_a_nacl_deny_never_opens_an_unreachable_flow(
    doc: dict[str, Any], query: dict[str, Any], slot: tuple[str, str], rule: dict[str, Any]
) -> None:
    after = _add_nacl_rule(doc, *slot, rule)
    if after is None or reach(load(doc), query).reachable:
        return
    assert not reach(load(after), query).reachable


@settings(max_examples=150, deadline=None)
@given(network(), st.sampled_from(QUERIES), st.sampled_from(["sg-web", "sg-app", "sg-db"]),
       st.sampled_from(["inbound", "outbound"]), sg_rule())
def test_adding_an_sg_rule_never_breaks_a_reachable_flow(
    doc: dict[str, Any], query: dict[str, Any], sg: str, direction: str, rule: dict[str, Any]
) -> None:
    before = reach(load(doc), query)
    after_doc = copy.deepcopy(doc)
    after_doc["security_groups"][sg][direction].append(rule)
    after = reach(load(after_doc), query)
    if before.reachable:
        assert after.reachable
    # and the reverse direction of the same fact: removing that rule again cannot open anything
    if not after.reachable:
        assert not before.reachable


@settings(max_examples=120, deadline=None)
@given(network(), st.sampled_from(QUERIES))
def test_answer_is_consistent(doc: dict[str, Any], query: dict[str, Any]) -> None:
    ans = reach(load(doc), query).to_dict()
    assert set(ans) == {"reachable", "blocked_by", "blocked_at", "also_blocked_by", "path"}
    assert ans["reachable"] == (ans["blocked_by"] is None) == (ans["blocked_at"] is None)
    assert ans["path"] and ans["path"][0]["direction"] == "request"
    directions = [h["direction"] for h in ans["path"]]
    assert directions == sorted(directions, key=lambda d: d == "reply")  # request hops, then reply hops
    if ans["reachable"]:
        assert "reply" in directions
        assert all(h["decision"] not in ("deny", "drop") for h in ans["path"])
