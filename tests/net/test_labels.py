"""Every explanation label of the spec (course.net.LABELS) is produced by at least one case here.

Each case cites the AWS page describing the behaviour it models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from course.net import LABELS, NetworkBuilder, allow, sg_rule

from .helpers import INTERNET, NAT_EIP, S3_IP, WEB_EIP, answer, q, two_tier, with_s3

Case = tuple[NetworkBuilder, dict[str, Any], str]


def sg_outbound() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html (no egress rule => no egress)
    b = two_tier()
    b.doc["security_groups"]["sg-app"]["outbound"] = []
    return b, q("eni-app", "eni-db", 5432), "sg-app"


def sg_inbound() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html (only allow rules)
    return two_tier(), q("eni-web", "eni-db", 5432), "sg-db"


def nacl_outbound() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
    b = two_tier().nacl("acl-app", "vpc-a", inbound=[allow(100)], outbound=[allow(100, "tcp", 443)],
                        subnets=["subnet-app"])
    return b, q("eni-app", "eni-db", 5432), "acl-app"


def nacl_inbound() -> Case:
    b = two_tier().nacl("acl-db", "vpc-a", inbound=[allow(100, "tcp", 3306, "10.0.0.0/16")], outbound=[allow(100)],
                        subnets=["subnet-db"])
    return b, q("eni-app", "eni-db", 5432), "acl-db"


def nacl_outbound_return() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
    b = two_tier().nacl("acl-web", "vpc-a", inbound=[allow(100, "tcp", 443)], outbound=[allow(100, "tcp", 443)],
                        subnets=["subnet-pub"])
    return b, q(INTERNET, "eni-web", 443, src_port=49152), "acl-web"


def nacl_inbound_return() -> Case:
    b = two_tier().nacl("acl-app", "vpc-a", inbound=[allow(100, "tcp", 22)], outbound=[allow(100)],
                        subnets=["subnet-app"])
    return b, q("eni-app", "eni-web", 443, src_port=50000), "acl-app"


def route_missing() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/how-route-tables-work.html
    return two_tier(), q("eni-db", INTERNET, 443), "rtb-a-main"


def route_missing_return() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html (the subnet needs the IGW route)
    b = two_tier().eni("eni-odd", "subnet-db", "10.0.3.20", public_ip="54.0.0.20", sgs=["sg-web"])
    return b, q(INTERNET, "eni-odd", 443), "rtb-a-main"


def route_blackhole() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html (blackhole after a NAT is deleted)
    b = two_tier().route("rtb-a-main", "0.0.0.0/0", "nat-deleted0", blackhole=True)
    return b, q("eni-db", INTERNET, 443), "rtb-a-main"


def no_public_ip() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html (public IPv4 needed via an IGW)
    b = two_tier().eni("eni-nopub", "subnet-pub", "10.0.1.20", sgs=["sg-web"])
    return b, q("eni-nopub", INTERNET, 443), "eni-nopub"


def nat_no_igw_route() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html
    b = two_tier()
    b.doc["subnets"]["subnet-pub"]["route_table"] = "rtb-app"  # NAT placed where 0/0 points back to the NAT
    return b, q("eni-app", INTERNET, 443), "rtb-app"


def nat_private_no_internet() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html (private NAT: traffic to an IGW is dropped)
    b = two_tier()
    b.doc["nat_gateways"]["nat-a"] = {"subnet": "subnet-pub", "connectivity": "private", "private_ip": "10.0.1.100"}
    return b, q("eni-app", INTERNET, 443), "nat-a"


def nat_no_inbound() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html (cannot initiate a connection to a NAT)
    return two_tier(), q(INTERNET, NAT_EIP, 443), "nat-a"


def endpoint_policy() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                             "Resource": "arn:aws:s3:::course-bucket/*"}]}
    b = with_s3(two_tier(), policy)
    return b, q("eni-app", "s3", 443, dst_ip=S3_IP,
                request={"action": "s3:GetObject", "resource": "arn:aws:s3:::other-bucket/x"}), "vpce-s3"


def _three_vpcs() -> NetworkBuilder:
    return (
        NetworkBuilder()
        .vpc("vpc-a", "10.0.0.0/16").vpc("vpc-b", "10.1.0.0/16").vpc("vpc-c", "10.2.0.0/16")
        .subnet("subnet-a", "vpc-a", "10.0.1.0/24", az="us-east-1a")
        .subnet("subnet-b", "vpc-b", "10.1.1.0/24", az="us-east-1a")
        .subnet("subnet-c", "vpc-c", "10.2.1.0/24", az="us-east-1a")
        .sg("sg-a", "vpc-a", inbound=[sg_rule("all", None, "10.0.0.0/8")])
        .sg("sg-b", "vpc-b", inbound=[sg_rule("all", None, "10.0.0.0/8")])
        .sg("sg-c", "vpc-c", inbound=[sg_rule("all", None, "10.0.0.0/8")])
        .eni("eni-a", "subnet-a", "10.0.1.10", sgs=["sg-a"])
        .eni("eni-b", "subnet-b", "10.1.1.10", sgs=["sg-b"])
        .eni("eni-c", "subnet-c", "10.2.1.10", sgs=["sg-c"])
    )


def peering_not_transitive() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html (no transitive peering)
    b = (_three_vpcs().peering("pcx-ab", "vpc-a", "vpc-b").peering("pcx-bc", "vpc-b", "vpc-c")
         .route("rtb-a-main", "10.1.0.0/16", "pcx-ab").route("rtb-a-main", "10.2.0.0/16", "pcx-ab")
         .route("rtb-b-main", "10.0.0.0/16", "pcx-ab").route("rtb-b-main", "10.2.0.0/16", "pcx-bc")
         .route("rtb-c-main", "10.1.0.0/16", "pcx-bc"))
    return b, q("eni-a", "eni-c", 443), "pcx-ab"


def peering_edge_to_edge() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html (edge to edge routing)
    b = (_three_vpcs().peering("pcx-ab", "vpc-a", "vpc-b").igw("igw-b", "vpc-b")
         .route("rtb-a-main", "0.0.0.0/0", "pcx-ab").route("rtb-b-main", "0.0.0.0/0", "igw-b"))
    return b, q("eni-a", INTERNET, 443), "pcx-ab"


def peering_inactive() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html (lifecycle: pending-acceptance)
    b = (_three_vpcs().peering("pcx-ab", "vpc-a", "vpc-b", status="pending-acceptance")
         .route("rtb-a-main", "10.1.0.0/16", "pcx-ab").route("rtb-b-main", "10.0.0.0/16", "pcx-ab"))
    return b, q("eni-a", "eni-b", 443), "pcx-ab"


def _tgw(return_route: bool = True, blackhole: bool = False, azs: tuple[str, str] = ("a", "a")) -> NetworkBuilder:
    b = (_three_vpcs().tgw("tgw-1").tgw_route_table("tgw-1", "tgw-rtb-1")
         .subnet("subnet-a2", "vpc-a", "10.0.2.0/24", az="us-east-1b")
         .eni("eni-a2", "subnet-a2", "10.0.2.10", sgs=["sg-a"])
         .tgw_attachment("tgw-1", "tgw-attach-a", "vpc-a", [f"subnet-a{'' if azs[0] == 'a' else '2'}"], "tgw-rtb-1")
         .tgw_attachment("tgw-1", "tgw-attach-b", "vpc-b", ["subnet-b"], "tgw-rtb-1")
         .route("rtb-a-main", "10.1.0.0/16", "tgw-1").route("rtb-b-main", "10.0.0.0/16", "tgw-1"))
    if blackhole:
        b.tgw_route("tgw-1", "tgw-rtb-1", "10.1.0.0/16", blackhole=True)
    else:
        b.tgw_route("tgw-1", "tgw-rtb-1", "10.1.0.0/16", "tgw-attach-b")
    if return_route:
        b.tgw_route("tgw-1", "tgw-rtb-1", "10.0.0.0/16", "tgw-attach-a")
    return b


def tgw_route_missing() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html
    b = _tgw()
    b.doc["transit_gateways"]["tgw-1"]["route_tables"]["tgw-rtb-1"]["routes"] = []
    return b, q("eni-a", "eni-b", 443), "tgw-rtb-1"


def tgw_route_missing_return() -> Case:
    return _tgw(return_route=False), q("eni-a", "eni-b", 443), "tgw-rtb-1"


def tgw_route_blackhole() -> Case:
    return _tgw(blackhole=True), q("eni-a", "eni-b", 443), "tgw-rtb-1"


def tgw_az_not_enabled() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html (resources in AZs without an attachment)
    return _tgw(), q("eni-a2", "eni-b", 443), "tgw-attach-a"


def eigw_inbound() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html
    b = (NetworkBuilder().vpc("vpc-6", "10.6.0.0/16", ipv6="2600:1f18:6::/56")
         .subnet("subnet-6", "vpc-6", "10.6.1.0/24", ipv6="2600:1f18:6:1::/64")
         .eigw("eigw-6", "vpc-6").route("rtb-6-main", "::/0", "eigw-6")
         .sg("sg-6", "vpc-6", inbound=[sg_rule("all", None, "::/0")])
         .eni("eni-6", "subnet-6", "10.6.1.10", ipv6="2600:1f18:6:1::10", sgs=["sg-6"]))
    return b, q("2001:db8::50", "eni-6", 443, ip_version=6), "eigw-6"


def source_dest_check() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html (disable source/dest check)
    b = (two_tier().eni("eni-fw", "subnet-pub", "10.0.1.50", sgs=["sg-web"])
         .route("rtb-app", "10.0.3.0/24", "eni-fw"))
    return b, q("eni-app", "eni-db", 5432), "eni-fw"


def misrouted() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html
    # (overlapping CIDRs: the longest prefix decides which peer gets the packet)
    b = (_three_vpcs())
    b.doc["vpcs"]["vpc-c"]["cidrs"] = ["10.1.0.0/16"]
    b.doc["subnets"]["subnet-c"]["cidr"] = "10.1.1.0/24"
    b.doc["enis"]["eni-c"]["private_ip"] = "10.1.1.10"
    b.doc["route_tables"]["rtb-c-main"]["routes"] = [{"dest": "10.1.0.0/16", "target": "local"}]
    b = (b.peering("pcx-ab", "vpc-a", "vpc-b").peering("pcx-ac", "vpc-a", "vpc-c")
         .route("rtb-a-main", "10.1.0.0/16", "pcx-ab").route("rtb-a-main", "10.1.1.0/24", "pcx-ac")
         .route("rtb-b-main", "10.0.0.0/16", "pcx-ab").route("rtb-c-main", "10.0.0.0/16", "pcx-ac"))
    return b, q("eni-a", "eni-b", 443), "eni-c"


def asymmetric_return() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html (replies must go back via the IGW)
    b = two_tier().eni("eni-odd", "subnet-app", "10.0.2.20", public_ip="54.0.0.20", sgs=["sg-web"])
    return b, q(INTERNET, "eni-odd", 443), "nat-a"


def block_public_access() -> Case:
    # https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html
    return two_tier().block_public_access("block-ingress"), q(INTERNET, "eni-web", 443), "subnet-pub"


def _lb(scheme: str = "internet-facing") -> NetworkBuilder:
    b = two_tier().sg("sg-lb", "vpc-a", inbound=[sg_rule("tcp", None, "0.0.0.0/0")])
    b.doc["security_groups"]["sg-app"]["inbound"].append(sg_rule("tcp", 8080, "sg-lb"))
    b.eni("eni-lb", "subnet-pub", "10.0.1.30", public_ip="54.0.0.30" if scheme == "internet-facing" else None)
    b.target_group("tg-app", 8080, ["eni-app"])
    return b.load_balancer("lb-web", "network", ["eni-lb"], listeners=[(443, "tcp", "tg-app")], sgs=["sg-lb"],
                           scheme=scheme)


def lb_internal() -> Case:
    # https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html (scheme)
    return _lb("internal"), q(INTERNET, "lb-web", 443), "lb-web"


def lb_no_listener() -> Case:
    # https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html
    return _lb(), q(INTERNET, "lb-web", 8443), "lb-web"


def lb_no_targets() -> Case:
    # https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html
    b = _lb()
    b.doc["target_groups"]["tg-app"]["targets"] = []
    return b, q(INTERNET, "lb-web", 443), "tg-app"


def _fw(policy: dict[str, Any], gwlb: bool = False) -> NetworkBuilder:
    from .test_inspection import egress

    return egress(policy, gwlb=gwlb)


def firewall_stateless() -> Case:
    # https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateless-rule-groups-5-tuple.html
    b = _fw({"stateless_rules": [{"priority": 1, "action": "drop", "protocol": "tcp", "dst_ports": [443, 443]}]})
    return b, q("eni-work", INTERNET, 443), "nfw-1"


def firewall_stateful() -> Case:
    # https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-5-tuple.html
    return _fw({"stateful_rules": [{"action": "drop", "protocol": "tcp"}]}), q("eni-work", INTERNET, 443), "nfw-1"


def firewall_domain() -> Case:
    # https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html
    b = _fw({"domain_lists": [{"type": "allowlist", "domains": [".example.com"]}]})
    return b, q("eni-work", INTERNET, 443, domain="evil.test"), "nfw-1"


def appliance_drop() -> Case:
    # https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/introduction.html
    return _fw({"default_action": "drop"}, gwlb=True), q("eni-work", INTERNET, 443), "gwlb-1"


CASES: dict[str, Callable[[], Case]] = {
    "sg-outbound": sg_outbound,
    "sg-inbound": sg_inbound,
    "nacl-outbound": nacl_outbound,
    "nacl-inbound": nacl_inbound,
    "nacl-outbound-return": nacl_outbound_return,
    "nacl-inbound-return": nacl_inbound_return,
    "route-missing": route_missing,
    "route-missing-return": route_missing_return,
    "route-blackhole": route_blackhole,
    "no-public-ip": no_public_ip,
    "nat-no-igw-route": nat_no_igw_route,
    "nat-private-no-internet": nat_private_no_internet,
    "nat-no-inbound": nat_no_inbound,
    "endpoint-policy": endpoint_policy,
    "peering-not-transitive": peering_not_transitive,
    "peering-edge-to-edge": peering_edge_to_edge,
    "peering-inactive": peering_inactive,
    "tgw-route-missing": tgw_route_missing,
    "tgw-route-missing-return": tgw_route_missing_return,
    "tgw-route-blackhole": tgw_route_blackhole,
    "tgw-az-not-enabled": tgw_az_not_enabled,
    "eigw-inbound": eigw_inbound,
    "source-dest-check": source_dest_check,
    "misrouted": misrouted,
    "asymmetric-return": asymmetric_return,
    "block-public-access": block_public_access,
    "lb-internal": lb_internal,
    "lb-no-listener": lb_no_listener,
    "lb-no-targets": lb_no_targets,
    "firewall-stateless": firewall_stateless,
    "firewall-stateful": firewall_stateful,
    "firewall-domain": firewall_domain,
    "appliance-drop": appliance_drop,
}


def test_every_spec_label_has_a_case() -> None:
    assert set(CASES) == set(LABELS)
    assert len(LABELS) == 33


@pytest.mark.parametrize("label", list(LABELS))
def test_label_is_produced(label: str) -> None:
    builder, query, blocked_at = CASES[label]()
    ans = answer(builder, query)
    assert ans.to_dict()["blocked_by"] == label, ans.explain()
    assert ans.blocked_at == blocked_at, ans.explain()
    assert ans.reachable is False


def test_the_fixtures_are_otherwise_reachable() -> None:
    """The label cases are one change away from working networks, so the label is the cause."""
    assert answer(two_tier(), q(INTERNET, "eni-web", 443)).reachable
    assert answer(two_tier(), q(INTERNET, WEB_EIP, 443)).reachable
    assert answer(two_tier(), q("eni-web", "eni-app", 8080)).reachable
    assert answer(two_tier(), q("eni-app", "eni-db", 5432)).reachable
    assert answer(two_tier(), q("eni-app", INTERNET, 443)).reachable
    assert answer(_tgw(), q("eni-a", "eni-b", 443)).reachable
    assert answer(_lb(), q(INTERNET, "lb-web", 443)).reachable
    assert answer(_fw({}), q("eni-work", INTERNET, 443)).reachable
    assert answer(_fw({}, gwlb=True), q("eni-work", INTERNET, 443)).reachable
