"""Round two of the contract (spec §5.14-§5.16 and the §5.4 transit-gateway rule), one test per rule.

Each test cites the AWS page the rule follows; the spec cites the same pages.
"""

from __future__ import annotations

from typing import Any

import pytest

from course.net import NetworkBuilder, NetworkError, allow, load, sg_rule

from .helpers import INTERNET, NAT_EIP, answer, q, two_tier

RNAT_EIP = "54.0.8.100"
LB_EIP = "54.0.0.30"


# -- §5.14 regional NAT gateways -------------------------------------------------------------------------
# https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html


def regional() -> NetworkBuilder:
    """vpc-r: two private subnets in two AZs, an IGW that no subnet routes to, one regional NAT gateway."""
    return (
        NetworkBuilder()
        .vpc("vpc-r", "10.8.0.0/16")
        .subnet("subnet-r1", "vpc-r", "10.8.1.0/24", az="us-east-1a")
        .subnet("subnet-r2", "vpc-r", "10.8.2.0/24", az="us-east-1b")
        .igw("igw-r", "vpc-r")
        .regional_nat("nat-r", "vpc-r", RNAT_EIP)
        .route_table("rtb-r", "vpc-r", subnets=["subnet-r1", "subnet-r2"])
        .route("rtb-r", "0.0.0.0/0", "nat-r")
        .sg("sg-r", "vpc-r")
        .eni("eni-r1", "subnet-r1", "10.8.1.10", sgs=["sg-r"])
        .eni("eni-r2", "subnet-r2", "10.8.2.10", sgs=["sg-r"])
    )


def test_regional_nat_needs_no_public_subnet() -> None:
    net = load(regional().build())
    assert not any(s.public for s in net.subnets.values())
    for eni in ("eni-r1", "eni-r2"):  # one gateway serves every AZ
        ans = answer(regional(), q(eni, INTERNET, 443))
        assert ans.reachable, ans.explain()
        assert any(h["kind"] == "nat" and RNAT_EIP in h["detail"] for h in ans.path)


def test_regional_nat_traffic_is_filtered_by_the_source_subnet_nacl_only() -> None:
    # there is no NAT subnet whose NACL could filter egress; the workload subnet's NACL is the place
    b = regional().nacl("acl-r", "vpc-r", inbound=[allow(100, "tcp", (1024, 65535))],
                        outbound=[allow(100, "tcp", 443)], subnets=["subnet-r1"])
    assert answer(b, q("eni-r1", INTERNET, 443)).reachable
    ans = answer(b, q("eni-r1", INTERNET, 80))
    assert (ans.blocked_by, ans.blocked_at) == ("nacl-outbound", "acl-r")
    assert not any(h["kind"] == "nacl" and h["resource"] != "acl-r" for h in ans.path)


def test_regional_nat_without_an_internet_gateway() -> None:
    b = regional()
    b.doc["internet_gateways"]["igw-r"]["vpc"] = None
    ans = answer(b, q("eni-r1", INTERNET, 443))
    assert (ans.blocked_by, ans.blocked_at) == ("nat-no-igw-route", "nat-r")


def test_regional_nat_takes_no_inbound_connections() -> None:
    ans = answer(regional(), q(INTERNET, RNAT_EIP, 443))
    assert (ans.blocked_by, ans.blocked_at) == ("nat-no-inbound", "nat-r")


def test_regional_nat_forwards_only_to_the_internet() -> None:
    b = regional().route("rtb-r", "10.9.0.0/16", "nat-r").vpc("vpc-x", "10.9.0.0/16")
    ans = answer(b, q("eni-r1", "10.9.0.5", 443))
    assert (ans.blocked_by, ans.blocked_at) == ("route-missing", "nat-r")


@pytest.mark.parametrize(("field", "value", "path"), [
    ("subnet", "subnet-r1", "nat_gateways.nat-r.subnet"),
    ("private_ip", "10.8.1.5", "nat_gateways.nat-r.private_ip"),
    ("connectivity", "private", "nat_gateways.nat-r.connectivity"),
    ("vpc", "vpc-nope", "nat_gateways.nat-r.vpc"),
    ("public_ip", None, "nat_gateways.nat-r.public_ip"),
    ("availability_mode", "zonalish", "nat_gateways.nat-r.availability_mode"),
])
def test_regional_nat_fields_are_checked(field: str, value: Any, path: str) -> None:
    doc = regional().build()
    doc["nat_gateways"]["nat-r"][field] = value
    with pytest.raises(NetworkError) as info:
        load(doc)
    assert info.value.path == path


# -- §5.4 security-group references across a transit gateway (inbound rules only) -------------------------
# https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html (security group referencing) and
# https://aws.amazon.com/blogs/networking-and-content-delivery/introducing-security-group-referencing-for-aws-transit-gateway/


def tgw_pair(tgw_flag: bool, att_a: bool, att_b: bool) -> NetworkBuilder:
    b = (
        NetworkBuilder()
        .vpc("vpc-a", "10.0.0.0/16").vpc("vpc-b", "10.1.0.0/16")
        .subnet("subnet-a", "vpc-a", "10.0.1.0/24", az="us-east-1a")
        .subnet("subnet-b", "vpc-b", "10.1.1.0/24", az="us-east-1a")
        .tgw("tgw-1", security_group_referencing=tgw_flag).tgw_route_table("tgw-1", "tgw-rtb")
        .tgw_attachment("tgw-1", "tgw-attach-a", "vpc-a", ["subnet-a"], "tgw-rtb", security_group_referencing=att_a)
        .tgw_attachment("tgw-1", "tgw-attach-b", "vpc-b", ["subnet-b"], "tgw-rtb", security_group_referencing=att_b)
        .tgw_route("tgw-1", "tgw-rtb", "10.0.0.0/16", "tgw-attach-a")
        .tgw_route("tgw-1", "tgw-rtb", "10.1.0.0/16", "tgw-attach-b")
        .route("rtb-a-main", "10.1.0.0/16", "tgw-1").route("rtb-b-main", "10.0.0.0/16", "tgw-1")
        .sg("sg-a", "vpc-a")
        .sg("sg-b", "vpc-b", inbound=[sg_rule("tcp", 5432, "sg-a")])
        .eni("eni-a", "subnet-a", "10.0.1.10", sgs=["sg-a"])
        .eni("eni-b", "subnet-b", "10.1.1.10", sgs=["sg-b"])
    )
    return b


def test_sg_reference_across_a_tgw_needs_the_option_on_the_tgw_and_both_attachments() -> None:
    assert answer(tgw_pair(True, True, True), q("eni-a", "eni-b", 5432)).reachable
    for flags in ((False, True, True), (True, False, True), (True, True, False), (False, False, False)):
        ans = answer(tgw_pair(*flags), q("eni-a", "eni-b", 5432))
        assert (ans.blocked_by, ans.blocked_at) == ("sg-inbound", "sg-b"), flags


def test_sg_reference_across_a_tgw_works_for_inbound_rules_only() -> None:
    b = tgw_pair(True, True, True)
    b.doc["security_groups"]["sg-a"]["outbound"] = [sg_rule("tcp", 5432, "sg-b")]
    ans = answer(b, q("eni-a", "eni-b", 5432))
    assert (ans.blocked_by, ans.blocked_at) == ("sg-outbound", "sg-a")


def test_sg_reference_flags_are_checked() -> None:
    doc = tgw_pair(True, True, True).build()
    doc["transit_gateways"]["tgw-1"]["attachments"]["tgw-attach-a"]["security_group_referencing"] = "yes"
    with pytest.raises(NetworkError) as info:
        load(doc)
    assert info.value.path == "transit_gateways.tgw-1.attachments.tgw-attach-a.security_group_referencing"


# -- §5.15 VPC Block Public Access ------------------------------------------------------------------------
# https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html and
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_BlockPublicAccessStates.html


def bpa(mode: str, *exclusions: dict[str, str]) -> NetworkBuilder:
    return two_tier().block_public_access(mode, exclusions=exclusions)


def test_bpa_off_changes_nothing() -> None:
    assert answer(bpa("off"), q(INTERNET, "eni-web", 443)).reachable


def test_bpa_bidirectional_blocks_the_internet_both_ways_and_through_nat() -> None:
    for query, where in ((q(INTERNET, "eni-web", 443), "subnet-pub"), (q("eni-web", INTERNET, 443), "subnet-pub"),
                         (q("eni-app", INTERNET, 443), "subnet-pub")):
        ans = answer(bpa("block-bidirectional"), query)
        assert (ans.blocked_by, ans.blocked_at) == ("block-public-access", where), ans.explain()
        assert "block-bidirectional" in ans.explain()


def test_bpa_bidirectional_keeps_private_traffic() -> None:
    assert answer(bpa("block-bidirectional"), q("eni-web", "eni-app", 8080)).reachable


def test_bpa_allow_egress_exclusion_lets_connections_out_only() -> None:
    b = bpa("block-bidirectional", {"subnet": "subnet-pub", "mode": "allow-egress"})
    assert answer(b, q("eni-app", INTERNET, 443)).reachable  # via the NAT gateway in the excluded subnet
    assert answer(b, q("eni-web", INTERNET, 443)).reachable
    assert answer(b, q(INTERNET, "eni-web", 443)).blocked_by == "block-public-access"


def test_bpa_allow_bidirectional_exclusion_on_a_vpc() -> None:
    b = bpa("block-bidirectional", {"vpc": "vpc-a", "mode": "allow-bidirectional"})
    assert answer(b, q(INTERNET, "eni-web", 443)).reachable


def test_bpa_subnet_exclusion_beats_vpc_exclusion() -> None:
    b = bpa("block-bidirectional", {"vpc": "vpc-a", "mode": "allow-bidirectional"},
            {"subnet": "subnet-pub", "mode": "allow-egress"})
    assert answer(b, q(INTERNET, "eni-web", 443)).blocked_by == "block-public-access"
    assert answer(b, q("eni-web", INTERNET, 443)).reachable


def test_bpa_ingress_only_keeps_nat_egress_and_blocks_direct_igw_traffic() -> None:
    b = bpa("block-ingress")
    assert answer(b, q("eni-app", INTERNET, 443)).reachable
    ans = answer(b, q("eni-web", INTERNET, 443))  # the reply would come in through the IGW
    assert (ans.blocked_by, ans.blocked_at) == ("block-public-access", "subnet-pub")
    assert answer(b, q(INTERNET, "eni-web", 443)).blocked_by == "block-public-access"
    # allow-egress applies only under block-bidirectional
    b = bpa("block-ingress", {"subnet": "subnet-pub", "mode": "allow-egress"})
    assert answer(b, q(INTERNET, "eni-web", 443)).blocked_by == "block-public-access"
    b = bpa("block-ingress", {"subnet": "subnet-pub", "mode": "allow-bidirectional"})
    assert answer(b, q(INTERNET, "eni-web", 443)).reachable


def test_bpa_ingress_only_keeps_egress_only_gateway_traffic() -> None:
    b = (NetworkBuilder().vpc("vpc-6", "10.6.0.0/16", ipv6="2600:1f18:6::/56")
         .subnet("subnet-6", "vpc-6", "10.6.1.0/24", ipv6="2600:1f18:6:1::/64")
         .eigw("eigw-6", "vpc-6").route("rtb-6-main", "::/0", "eigw-6")
         .sg("sg-6", "vpc-6", outbound=[sg_rule("all", None, "::/0")])
         .eni("eni-6", "subnet-6", "10.6.1.10", ipv6="2600:1f18:6:1::10", sgs=["sg-6"]))
    six = q("eni-6", "2001:db8::50", 443, ip_version=6)
    assert answer(b.block_public_access("block-ingress"), six).reachable
    assert answer(b.block_public_access("block-bidirectional"), six).blocked_by == "block-public-access"


def test_bpa_applies_to_its_own_region_only() -> None:
    b = bpa("block-bidirectional")
    b.doc["block_public_access"]["region"] = "eu-west-1"
    assert answer(b, q(INTERNET, "eni-web", 443)).reachable


def test_bpa_and_a_regional_nat_use_the_vpc_exclusion() -> None:
    b = regional().block_public_access("block-bidirectional")
    ans = answer(b, q("eni-r1", INTERNET, 443))
    assert (ans.blocked_by, ans.blocked_at) == ("block-public-access", "vpc-r")
    b = regional().block_public_access("block-bidirectional", exclusions=[{"vpc": "vpc-r", "mode": "allow-egress"}])
    assert answer(b, q("eni-r1", INTERNET, 443)).reachable


@pytest.mark.parametrize(("value", "path"), [
    ({"mode": "block-everything"}, "block_public_access.mode"),
    ({"mode": "block-ingress", "exclusions": [{"vpc": "vpc-a", "mode": "allow-all"}]},
     "block_public_access.exclusions[0].mode"),
    ({"mode": "block-ingress", "exclusions": [{"mode": "allow-egress"}]}, "block_public_access.exclusions[0]"),
    ({"mode": "block-ingress", "exclusions": [{"vpc": "vpc-a", "subnet": "subnet-pub", "mode": "allow-egress"}]},
     "block_public_access.exclusions[0]"),
    ({"mode": "block-ingress", "exclusions": [{"subnet": "subnet-nope", "mode": "allow-egress"}]},
     "block_public_access.exclusions[0].subnet"),
    ({"mode": "block-ingress", "exclusions": {"vpc": "vpc-a"}}, "block_public_access.exclusions"),
    ("block-ingress", "block_public_access"),
])
def test_bpa_fields_are_checked(value: Any, path: str) -> None:
    doc = two_tier().build()
    doc["block_public_access"] = value
    with pytest.raises(NetworkError) as info:
        load(doc)
    assert info.value.path == path


# -- §5.16 load balancers -------------------------------------------------------------------------------
# https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html
#   (client IP preservation: on by default for instance targets, off for ip targets over TCP/TLS)
# https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
#   (no security group: all traffic reaches the listeners; a target may reference the NLB's group even with
#   client IP preservation on)
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html (scheme)


def with_lb(kind: str = "network", *, sgs: tuple[str, ...] = (), scheme: str = "internet-facing",
            target_type: str = "instance", preserve: bool | None = None) -> NetworkBuilder:
    """An LB node in subnet-pub forwarding TCP 443 to eni-app:8080 (sg-app admits only sg-web by default)."""
    b = two_tier().sg("sg-lb", "vpc-a", inbound=[sg_rule("tcp", 443, "0.0.0.0/0")],
                      outbound=[sg_rule("tcp", 8080, "10.0.0.0/16")])
    b.eni("eni-lb-1", "subnet-pub", "10.0.1.30", public_ip=LB_EIP if scheme == "internet-facing" else None)
    b.target_group("tg-app", 8080, ["eni-app"], target_type=target_type, preserve_client_ip=preserve,
                   protocol="tcp" if kind == "network" else "http")
    proto = "tcp" if kind == "network" else "https"
    return b.load_balancer("lb-web", kind, ["eni-lb-1"], listeners=[(443, proto, "tg-app")], sgs=sgs, scheme=scheme)


def test_nlb_preserving_client_ip_needs_the_client_allowed_at_the_target() -> None:
    ans = answer(with_lb(), q(INTERNET, "lb-web", 443))
    assert (ans.blocked_by, ans.blocked_at) == ("sg-inbound", "sg-app"), ans.explain()
    assert "203.0.113.50" in ans.explain()
    b = with_lb()
    b.doc["security_groups"]["sg-app"]["inbound"].append(sg_rule("tcp", 8080, "0.0.0.0/0"))
    assert answer(b, q(INTERNET, "lb-web", 443)).reachable


def test_nlb_without_preservation_shows_the_node_address() -> None:
    b = with_lb(target_type="ip")  # ip targets over TCP: preservation off by default
    b.doc["security_groups"]["sg-app"]["inbound"].append(sg_rule("tcp", 8080, "10.0.1.0/24"))
    ans = answer(b, q(INTERNET, "lb-web", 443))
    assert ans.reachable, ans.explain()
    assert any("10.0.1.30" in h["detail"] for h in ans.path if h["kind"] == "load-balancer")
    assert answer(with_lb(target_type="ip", preserve=True), q(INTERNET, "lb-web", 443)).blocked_by == "sg-inbound"


def test_target_may_reference_the_nlb_group_even_with_client_ip_preserved() -> None:
    b = with_lb(sgs=("sg-lb",))
    b.doc["security_groups"]["sg-app"]["inbound"] = [sg_rule("tcp", 8080, "sg-lb")]
    assert answer(b, q(INTERNET, "lb-web", 443)).reachable


def test_nlb_without_security_groups_lets_every_client_reach_the_listener() -> None:
    b = with_lb()
    b.doc["security_groups"]["sg-app"]["inbound"].append(sg_rule("tcp", 8080, "0.0.0.0/0"))
    ans = answer(b, q("192.0.2.77", "lb-web", 443))
    assert ans.reachable
    assert any(h["kind"] == "load-balancer" and "no security groups" in h["detail"] for h in ans.path)


def test_lb_security_group_filters_clients() -> None:
    b = with_lb(sgs=("sg-lb",))
    b.doc["security_groups"]["sg-lb"]["inbound"] = [sg_rule("tcp", 443, "198.51.100.0/24")]
    b.doc["security_groups"]["sg-app"]["inbound"] = [sg_rule("tcp", 8080, "sg-lb")]
    assert answer(b, q("198.51.100.25", "lb-web", 443)).reachable
    ans = answer(b, q(INTERNET, "lb-web", 443))
    assert (ans.blocked_by, ans.blocked_at) == ("sg-inbound", "sg-lb")


def test_lb_security_group_egress_to_the_target() -> None:
    b = with_lb(sgs=("sg-lb",))
    b.doc["security_groups"]["sg-app"]["inbound"] = [sg_rule("tcp", 8080, "sg-lb")]
    b.doc["security_groups"]["sg-lb"]["outbound"] = [sg_rule("tcp", 9090, "10.0.0.0/16")]
    ans = answer(b, q(INTERNET, "lb-web", 443))
    assert (ans.blocked_by, ans.blocked_at) == ("sg-outbound", "sg-lb")


def test_alb_always_shows_its_own_address_to_targets() -> None:
    b = with_lb("application", sgs=("sg-lb",))
    b.doc["security_groups"]["sg-app"]["inbound"] = [sg_rule("tcp", 8080, "203.0.113.0/24")]
    ans = answer(b, q(INTERNET, "lb-web", 443))
    assert (ans.blocked_by, ans.blocked_at) == ("sg-inbound", "sg-app")
    b.doc["security_groups"]["sg-app"]["inbound"] = [sg_rule("tcp", 8080, "sg-lb")]
    assert answer(b, q(INTERNET, "lb-web", 443)).reachable


def test_preserved_client_ip_meets_the_target_subnet_nacl() -> None:
    nacl = {"inbound": [allow(100, "all", None, "10.0.0.0/16")], "outbound": [allow(100, "all", None, "10.0.0.0/16")]}
    b = with_lb(sgs=("sg-lb",)).nacl("acl-app", "vpc-a", subnets=["subnet-app"], **nacl)
    b.doc["security_groups"]["sg-app"]["inbound"] = [sg_rule("tcp", 8080, "sg-lb")]
    ans = answer(b, q(INTERNET, "lb-web", 443))
    assert (ans.blocked_by, ans.blocked_at) == ("nacl-inbound", "acl-app")
    b = with_lb(sgs=("sg-lb",), target_type="ip").nacl("acl-app", "vpc-a", subnets=["subnet-app"], **nacl)
    b.doc["security_groups"]["sg-app"]["inbound"] = [sg_rule("tcp", 8080, "sg-lb")]
    assert answer(b, q(INTERNET, "lb-web", 443)).reachable


def test_internal_lb_is_not_reachable_from_the_internet() -> None:
    b = with_lb(scheme="internal", sgs=("sg-lb",))
    b.doc["security_groups"]["sg-app"]["inbound"] = [sg_rule("tcp", 8080, "sg-lb")]
    ans = answer(b, q(INTERNET, "lb-web", 443))
    assert (ans.blocked_by, ans.blocked_at) == ("lb-internal", "lb-web")
    assert answer(b, q("eni-db", "lb-web", 443)).reachable


def test_lb_listener_and_targets() -> None:
    ans = answer(with_lb(), q(INTERNET, "lb-web", 80))
    assert (ans.blocked_by, ans.blocked_at) == ("lb-no-listener", "lb-web")
    ans = answer(with_lb(), q(INTERNET, "lb-web", 443, "udp"))
    assert ans.blocked_by == "lb-no-listener"
    b = with_lb()
    b.doc["target_groups"]["tg-app"]["targets"] = []
    ans = answer(b, q(INTERNET, "lb-web", 443))
    assert (ans.blocked_by, ans.blocked_at) == ("lb-no-targets", "tg-app")


def test_every_target_must_be_reachable() -> None:
    b = with_lb(sgs=("sg-lb",))
    b.doc["security_groups"]["sg-app"]["inbound"] = [sg_rule("tcp", 8080, "sg-lb")]
    b.eni("eni-app2", "subnet-app", "10.0.2.20", sgs=["sg-db"])
    b.doc["target_groups"]["tg-app"]["targets"].append("eni-app2")
    ans = answer(b, q(INTERNET, "lb-web", 443))
    assert (ans.blocked_by, ans.blocked_at) == ("sg-inbound", "sg-db")


@pytest.mark.parametrize(("edit", "path"), [
    (lambda d: d["load_balancers"]["lb-web"].update(type="classic"), "load_balancers.lb-web.type"),
    (lambda d: d["load_balancers"]["lb-web"].update(scheme="public"), "load_balancers.lb-web.scheme"),
    (lambda d: d["load_balancers"]["lb-web"].update(nodes=["eni-app"]), "load_balancers.lb-web.nodes[0]"),
    (lambda d: d["load_balancers"]["lb-web"].update(nodes=[]), "load_balancers.lb-web.nodes"),
    (lambda d: d["load_balancers"]["lb-web"].update(nodes=["eni-nope"]), "load_balancers.lb-web.nodes[0]"),
    (lambda d: d["load_balancers"]["lb-web"].update(security_groups=["sg-nope"]),
     "load_balancers.lb-web.security_groups[0]"),
    (lambda d: d["load_balancers"]["lb-web"]["listeners"][0].update(protocol="http"),
     "load_balancers.lb-web.listeners[0].protocol"),
    (lambda d: d["load_balancers"]["lb-web"]["listeners"][0].update(target_group="tg-nope"),
     "load_balancers.lb-web.listeners[0].target_group"),
    (lambda d: d["load_balancers"]["lb-web"]["listeners"][0].update(port=0),
     "load_balancers.lb-web.listeners[0].port"),
    (lambda d: d["target_groups"]["tg-app"].update(preserve_client_ip="on"), "target_groups.tg-app.preserve_client_ip"),
    (lambda d: d["target_groups"]["tg-app"].update(targets=["eni-nope"]), "target_groups.tg-app.targets[0]"),
    (lambda d: d["target_groups"]["tg-app"].update(target_type="lambda"), "target_groups.tg-app.target_type"),
    (lambda d: d["target_groups"]["tg-app"].pop("port"), "target_groups.tg-app.port"),
])
def test_lb_fields_are_checked(edit: Any, path: str) -> None:
    doc = with_lb().build()
    edit(doc)
    with pytest.raises(NetworkError) as info:
        load(doc)
    assert info.value.path == path, info.value.message


def test_alb_rules_are_checked() -> None:
    doc = with_lb("application").build()  # no security group
    with pytest.raises(NetworkError) as info:
        load(doc)
    assert info.value.path == "load_balancers.lb-web.security_groups"
    doc = with_lb("application", sgs=("sg-lb",), preserve=True).build()
    with pytest.raises(NetworkError) as info:
        load(doc)
    assert info.value.path == "target_groups.tg-app.preserve_client_ip"


def test_lb_query_needs_a_port() -> None:
    with pytest.raises(NetworkError) as info:
        answer(with_lb(), q(INTERNET, "lb-web", None))
    assert info.value.path == "query.port"


def test_existing_answers_keep_their_meaning() -> None:
    """A round-one document gives the same answers with the new engine (NAT path unchanged)."""
    ans = answer(two_tier(), q("eni-app", INTERNET, 443))
    assert ans.reachable and any(NAT_EIP in h["detail"] for h in ans.path)
