"""Spec §5.17 (AWS Network Firewall, Gateway Load Balancer endpoints) and §5.18 (IGW ingress routing).

AWS pages: https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-components.html ,
https://docs.aws.amazon.com/network-firewall/latest/developerguide/rule-groups.html ,
https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html ,
https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html ,
https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html ,
https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html ,
https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/introduction.html
"""

from __future__ import annotations

from typing import Any

import pytest

from course.net import NetworkBuilder, NetworkError, load, sg_rule

from .helpers import INTERNET, answer, q

NAT_EIP = "54.20.0.100"
WEB_EIP = "54.20.4.10"


def egress(policy: dict[str, Any] | None = None, *, edge: bool = True, gwlb: bool = False) -> NetworkBuilder:
    """Workload -> NAT gateway -> firewall endpoint -> IGW, with the IGW's gateway route table sending the
    NAT subnet's (and the web subnet's) return traffic back through the firewall endpoint."""
    b = (
        NetworkBuilder()
        .vpc("vpc-e", "10.20.0.0/16")
        .subnet("subnet-work", "vpc-e", "10.20.1.0/24", az="us-east-1a")
        .subnet("subnet-nat", "vpc-e", "10.20.2.0/24", az="us-east-1a")
        .subnet("subnet-fw", "vpc-e", "10.20.3.0/24", az="us-east-1a")
        .subnet("subnet-web", "vpc-e", "10.20.4.0/24", az="us-east-1a")
        .igw("igw-e", "vpc-e")
        .nat("nat-e", "subnet-nat", "10.20.2.100", NAT_EIP)
        .route_table("rtb-work", "vpc-e", subnets=["subnet-work"]).route("rtb-work", "0.0.0.0/0", "nat-e")
        .route_table("rtb-nat", "vpc-e", subnets=["subnet-nat"]).route("rtb-nat", "0.0.0.0/0", "vpce-fw")
        .route_table("rtb-web", "vpc-e", subnets=["subnet-web"]).route("rtb-web", "0.0.0.0/0", "vpce-fw")
        .route_table("rtb-fw", "vpc-e", subnets=["subnet-fw"]).route("rtb-fw", "0.0.0.0/0", "igw-e")
        .sg("sg-work", "vpc-e")
        .sg("sg-web", "vpc-e", inbound=[sg_rule("tcp", 443, "0.0.0.0/0"), sg_rule("tcp", 22, "0.0.0.0/0")])
        .eni("eni-work", "subnet-work", "10.20.1.10", sgs=["sg-work"])
        .eni("eni-web", "subnet-web", "10.20.4.10", public_ip=WEB_EIP, sgs=["sg-web"])
    )
    if gwlb:
        b.doc["gateway_load_balancers"] = {"gwlb-1": policy or {}}
        b.doc["gwlb_endpoints"] = {"vpce-fw": {"subnet": "subnet-fw", "gateway_load_balancer": "gwlb-1"}}
    else:
        b.doc["network_firewalls"] = {"nfw-1": {"vpc": "vpc-e", "endpoints": {"vpce-fw": "subnet-fw"},
                                                "policy": policy or {}}}
    if edge:
        b.route_table("rtb-edge", "vpc-e")
        b.doc["route_tables"]["rtb-edge"]["edge_associations"] = ["igw-e"]
        b.route("rtb-edge", "10.20.2.0/24", "vpce-fw").route("rtb-edge", "10.20.4.0/24", "vpce-fw")
    return b


ALLOW_EXAMPLE = {"domain_lists": [{"type": "allowlist", "domains": [".example.com"]}]}


def test_firewall_in_its_own_subnet_is_on_the_path_both_ways() -> None:
    ans = answer(egress(), q("eni-work", INTERNET, 443))
    assert ans.reachable, ans.explain()
    fw_hops = [h for h in ans.path if h["kind"] == "firewall"]
    assert [h["direction"] for h in fw_hops] == ["request", "reply"]


def test_domain_allowlist_passes_listed_names_and_drops_the_rest() -> None:
    b = egress(ALLOW_EXAMPLE)
    assert answer(b, q("eni-work", INTERNET, 443, domain="api.example.com")).reachable
    assert answer(b, q("eni-work", INTERNET, 443, domain="example.com")).reachable
    ans = answer(b, q("eni-work", INTERNET, 443, domain="example.com.evil.test"))
    assert (ans.blocked_by, ans.blocked_at) == ("firewall-domain", "nfw-1")
    assert "not on domain allowlist" in ans.explain()
    # HTTP Host is matched too, and only the protocols the list names
    assert answer(b, q("eni-work", INTERNET, 80, domain="evil.test")).blocked_by == "firewall-domain"
    sni_only = egress({"domain_lists": [{"type": "allowlist", "domains": ["a.example.com"],
                                         "protocols": ["tls_sni"]}]})
    assert answer(sni_only, q("eni-work", INTERNET, 80, domain="evil.test")).reachable
    assert answer(sni_only, q("eni-work", INTERNET, 443, domain="b.example.com")).blocked_by == "firewall-domain"


def test_domain_denylist_drops_listed_names() -> None:
    b = egress({"domain_lists": [{"type": "denylist", "domains": [".evil.test"]}]})
    assert answer(b, q("eni-work", INTERNET, 443, domain="good.example.com")).reachable
    assert answer(b, q("eni-work", INTERNET, 443, domain="x.evil.test")).blocked_by == "firewall-domain"


def test_default_action_order_pass_rules_win_over_domain_drops() -> None:
    b = egress({"stateful_rules": [{"action": "pass", "protocol": "tcp", "dst_ports": [443, 443]}],
                "domain_lists": [{"type": "denylist", "domains": [".evil.test"]}]})
    assert answer(b, q("eni-work", INTERNET, 443, domain="x.evil.test")).reachable


def test_stateless_rules_by_priority_and_pass_skips_the_stateful_engine() -> None:
    policy = {"stateless_rules": [
        {"priority": 20, "action": "drop", "protocol": "udp"},
        {"priority": 10, "action": "pass", "protocol": "tcp", "dst_ports": [443, 443]},
        {"priority": 11, "action": "pass", "protocol": "tcp", "src_ports": [443, 443]},
    ], **ALLOW_EXAMPLE}
    b = egress(policy)
    assert answer(b, q("eni-work", INTERNET, 443, domain="evil.test")).reachable  # pass: no domain check
    ans = answer(b, q("eni-work", "203.0.113.53", 53, "udp"))
    assert (ans.blocked_by, ans.blocked_at) == ("firewall-stateless", "nfw-1")
    assert "priority 20 DROP" in ans.explain()


def test_stateless_rules_see_the_reply_too() -> None:
    b = egress({"stateless_default": "drop",
                "stateless_rules": [{"priority": 10, "action": "pass", "protocol": "tcp", "dst_ports": [443, 443]}]})
    ans = answer(b, q("eni-work", INTERNET, 443))
    assert ans.blocked_by == "firewall-stateless"
    assert [h["direction"] for h in ans.path if h["decision"] == "deny"] == ["reply"]


def test_stateful_rules_and_default() -> None:
    b = egress({"stateful_rules": [{"action": "drop", "protocol": "tcp", "dst_ports": [22, 22]}]})
    assert answer(b, q("eni-work", INTERNET, 443)).reachable
    assert answer(b, q("eni-work", INTERNET, 22)).blocked_by == "firewall-stateful"
    b = egress({"stateful_default": "drop",
                "stateful_rules": [{"action": "pass", "protocol": "tcp", "dst": "203.0.113.0/24"}]})
    assert answer(b, q("eni-work", INTERNET, 443)).reachable
    assert answer(b, q("eni-work", "192.0.2.77", 443)).blocked_by == "firewall-stateful"


def test_igw_ingress_routing_sends_inbound_traffic_through_the_firewall() -> None:
    b = egress({"stateful_rules": [{"action": "drop", "protocol": "tcp", "dst_ports": [22, 22]}]})
    ans = answer(b, q(INTERNET, "eni-web", 443))
    assert ans.reachable, ans.explain()
    assert any(h.get("edge") == "igw-e" for h in ans.path)
    ans = answer(b, q(INTERNET, "eni-web", 22))
    assert (ans.blocked_by, ans.blocked_at) == ("firewall-stateful", "nfw-1")


def test_without_the_edge_association_the_flow_is_asymmetric() -> None:
    ans = answer(egress(edge=False), q(INTERNET, "eni-web", 443))  # request skips, reply enters the firewall
    assert (ans.blocked_by, ans.blocked_at) == ("asymmetric-return", "vpce-fw")
    ans = answer(egress(edge=False), q("eni-work", INTERNET, 443))  # request inspected, reply skips it
    assert (ans.blocked_by, ans.blocked_at) == ("asymmetric-return", "vpce-fw")


def test_gwlb_endpoint_appliances_decide() -> None:
    policy = {"appliance_rules": [{"priority": 5, "action": "drop", "protocol": "tcp", "dst_ports": [22, 22]}]}
    b = egress(policy, gwlb=True)
    assert answer(b, q(INTERNET, "eni-web", 443)).reachable
    ans = answer(b, q(INTERNET, "eni-web", 22))
    assert (ans.blocked_by, ans.blocked_at) == ("appliance-drop", "gwlb-1")
    assert answer(egress({"default_action": "drop"}, gwlb=True), q("eni-work", INTERNET, 443)).blocked_by \
        == "appliance-drop"


def _fw(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["network_firewalls"]["nfw-1"]


@pytest.mark.parametrize(("edit", "path"), [
    (lambda d: _fw(d)["policy"].update(stateless_default="allow"), "network_firewalls.nfw-1.policy.stateless_default"),
    (lambda d: _fw(d)["policy"].update(stateful_default="alert"), "network_firewalls.nfw-1.policy.stateful_default"),
    (lambda d: _fw(d)["policy"].update(stateless_rules=[{"action": "pass", "protocol": "tcp"}]),
     "network_firewalls.nfw-1.policy.stateless_rules[0].priority"),
    (lambda d: _fw(d)["policy"].update(stateless_rules=[{"priority": 1, "action": "pass", "protocol": "tcp"},
                                                        {"priority": 1, "action": "drop", "protocol": "udp"}]),
     "network_firewalls.nfw-1.policy.stateless_rules[1].priority"),
    (lambda d: _fw(d)["policy"].update(stateful_rules=[{"action": "forward", "protocol": "tcp"}]),
     "network_firewalls.nfw-1.policy.stateful_rules[0].action"),
    (lambda d: _fw(d)["policy"].update(stateful_rules=[{"action": "drop", "protocol": "icmp", "dst_ports": [1, 2]}]),
     "network_firewalls.nfw-1.policy.stateful_rules[0].dst_ports"),
    (lambda d: _fw(d)["policy"].update(stateful_rules=[{"action": "drop", "protocol": "tcp", "src": "10.0.0.0/33"}]),
     "network_firewalls.nfw-1.policy.stateful_rules[0].src"),
    (lambda d: _fw(d)["policy"].update(domain_lists=[{"type": "greylist", "domains": ["a.b"]}]),
     "network_firewalls.nfw-1.policy.domain_lists[0].type"),
    (lambda d: _fw(d)["policy"].update(domain_lists=[{"type": "allowlist", "domains": [""]}]),
     "network_firewalls.nfw-1.policy.domain_lists[0].domains[0]"),
    (lambda d: _fw(d)["policy"].update(domain_lists=[{"type": "allowlist", "domains": ["a"], "protocols": ["dns"]}]),
     "network_firewalls.nfw-1.policy.domain_lists[0].protocols[0]"),
    (lambda d: _fw(d).update(endpoints={}), "network_firewalls.nfw-1.endpoints"),
    (lambda d: _fw(d).update(endpoints={"vpce-fw": "subnet-nope"}), "network_firewalls.nfw-1.endpoints.vpce-fw"),
    (lambda d: _fw(d).update(vpc="vpc-nope"), "network_firewalls.nfw-1.vpc"),
    (lambda d: d["route_tables"]["rtb-edge"].update(edge_associations=["igw-nope"]),
     "route_tables.rtb-edge.edge_associations[0]"),
    (lambda d: d["route_tables"]["rtb-edge"]["routes"].append({"dest": "10.20.9.0/24", "target": "nat-e"}),
     "route_tables.rtb-edge.routes[3].target"),
])
def test_inspection_fields_are_checked(edit: Any, path: str) -> None:
    doc = egress().build()
    edit(doc)
    with pytest.raises(NetworkError) as info:
        load(doc)
    assert info.value.path == path, info.value.message


def test_gwlb_fields_are_checked() -> None:
    doc = egress(gwlb=True).build()
    doc["gwlb_endpoints"]["vpce-fw"]["gateway_load_balancer"] = "gwlb-nope"
    with pytest.raises(NetworkError) as info:
        load(doc)
    assert info.value.path == "gwlb_endpoints.vpce-fw.gateway_load_balancer"


@pytest.mark.parametrize(("extra", "path"), [
    ({"domain": "a.example.com", "protocol": "udp"}, "query.domain"),
    ({"domain": 5}, "query.domain"),
    ({"domain": "a.example.com", "app_protocol": "ftp"}, "query.app_protocol"),
    ({"app_protocol": "tls"}, "query.app_protocol"),
])
def test_query_domain_fields_are_checked(extra: dict[str, Any], path: str) -> None:
    query = q("eni-work", INTERNET, 443)
    query.update(extra)
    with pytest.raises(NetworkError) as info:
        answer(egress(), query)
    assert info.value.path == path


def test_block_public_access_judges_the_interface_subnet_not_the_firewall_subnet() -> None:
    # https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html : exclusions name the resources' subnets
    b = egress().block_public_access("block-bidirectional",
                                     exclusions=[{"subnet": "subnet-web", "mode": "allow-bidirectional"}])
    assert answer(b, q(INTERNET, "eni-web", 443)).reachable
    assert answer(b, q("eni-web", INTERNET, 443)).reachable  # leaves through subnet-fw, judged as subnet-web
    ans = answer(b, q("eni-work", INTERNET, 443))  # NAT traffic: judged at the NAT gateway's subnet
    assert (ans.blocked_by, ans.blocked_at) == ("block-public-access", "subnet-nat")
