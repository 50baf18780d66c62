"""Rule-by-rule behaviour of the model (spec §5), with the AWS page each case comes from."""

from __future__ import annotations

from course.net import NetworkBuilder, allow, deny, sg_rule

from .helpers import INTERNET, NAT_EIP, S3_CIDR, S3_IP, WEB_EIP, answer, q, two_tier, with_s3

# -- order and first blocker (spec §5.1) ----------------------------------------------------------------


def test_first_blocker_is_earliest_in_canonical_order_and_others_are_reported() -> None:
    b = two_tier().nacl("acl-app", "vpc-a", inbound=[allow(100)], outbound=[], subnets=["subnet-app"])
    b.doc["security_groups"]["sg-app"]["outbound"] = []
    ans = answer(b, q("eni-app", "eni-db", 5432))
    assert (ans.blocked_by, ans.blocked_at) == ("sg-outbound", "sg-app")
    assert ans.also_blocked_by == ["nacl-outbound"]  # sg-db admits sg-app, so only the NACL remains
    assert ans.to_dict()["path"][0]["direction"] == "request"


def test_several_security_groups_are_unioned_and_named_together() -> None:
    # https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html (rules of all groups are aggregated)
    b = two_tier().sg("sg-extra", "vpc-a", inbound=[sg_rule("tcp", 5432, "10.0.1.0/24")])
    b.doc["enis"]["eni-db"]["security_groups"] = ["sg-db", "sg-extra"]
    assert answer(b, q("eni-web", "eni-db", 5432)).reachable
    ans = answer(b, q("eni-web", "eni-db", 6379))
    assert (ans.blocked_by, ans.blocked_at) == ("sg-inbound", "sg-db,sg-extra")


# -- NACLs (spec §5.3) ----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html : "rules are evaluated starting with the
# lowest numbered rule ... as soon as a rule matches traffic, it's applied regardless of any higher-numbered rule"


def test_nacl_lowest_rule_number_wins_even_if_listed_later() -> None:
    acl_in = [allow(200, "all"), deny(100, "tcp", 5432, "10.0.2.0/24")]
    b = two_tier().nacl("acl-db", "vpc-a", inbound=acl_in, outbound=[allow(100)], subnets=["subnet-db"])
    ans = answer(b, q("eni-app", "eni-db", 5432))
    assert (ans.blocked_by, ans.blocked_at) == ("nacl-inbound", "acl-db")
    assert any(h.get("rule") == "100" for h in ans.path)


def test_nacl_ephemeral_ports_on_the_reply() -> None:
    # https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
    good = two_tier().nacl("acl-web", "vpc-a", inbound=[allow(100, "tcp", 443)],
                           outbound=[allow(100, "tcp", (1024, 65535))], subnets=["subnet-pub"])
    assert answer(good, q(INTERNET, "eni-web", 443, src_port=49152)).reachable
    linux = two_tier().nacl("acl-web", "vpc-a", inbound=[allow(100, "tcp", 443)],
                            outbound=[allow(100, "tcp", (32768, 60999))], subnets=["subnet-pub"])
    assert answer(linux, q(INTERNET, "eni-web", 443, src_port=40000)).reachable
    assert answer(linux, q(INTERNET, "eni-web", 443, src_port=61000)).blocked_by == "nacl-outbound-return"


def test_nacl_rule_matches_only_its_own_address_family() -> None:
    b = two_tier().nacl("acl-db", "vpc-a", inbound=[allow(100, "all", None, "::/0")], outbound=[allow(100)],
                        subnets=["subnet-db"])
    assert answer(b, q("eni-app", "eni-db", 5432)).blocked_by == "nacl-inbound"


def test_nacls_skip_traffic_within_a_subnet_but_sgs_apply() -> None:
    b = (two_tier().nacl("acl-db", "vpc-a", inbound=[], outbound=[], subnets=["subnet-db"])
         .eni("eni-db2", "subnet-db", "10.0.3.20", sgs=["sg-app"]))
    assert answer(b, q("eni-db2", "eni-db", 5432)).reachable
    assert answer(b, q("eni-db", "eni-db2", 8080)).blocked_by == "sg-inbound"


def test_unassociated_nacl_has_no_effect() -> None:
    b = two_tier().nacl("acl-unused", "vpc-a", inbound=[], outbound=[])
    assert answer(b, q("eni-app", "eni-db", 5432)).reachable


def test_amazon_dns_is_never_filtered() -> None:
    # https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html ("Amazon DNS ... not filtered")
    b = two_tier().nacl("acl-db", "vpc-a", inbound=[], outbound=[], subnets=["subnet-db"])
    b.doc["security_groups"]["sg-db"]["outbound"] = []
    assert answer(b, q("eni-db", "10.0.0.2", 53, "udp")).reachable
    assert not answer(b, q("eni-db", "10.0.0.2", 80, "tcp")).reachable


def test_icmp_echo_needs_icmp_rules_both_ways() -> None:
    b = two_tier().sg("sg-ping", "vpc-a", inbound=[sg_rule("icmp", None, "10.0.0.0/16")])
    b.doc["enis"]["eni-db"]["security_groups"] = ["sg-ping"]
    assert answer(b, q("eni-app", "eni-db", None, "icmp", icmp_type=8)).reachable
    b.nacl("acl-db", "vpc-a", inbound=[allow(100, "icmp")], outbound=[allow(100, "tcp")], subnets=["subnet-db"])
    assert answer(b, q("eni-app", "eni-db", None, "icmp")).blocked_by == "nacl-outbound-return"


# -- routing (spec §5.2) --------------------------------------------------------------------------------
# https://docs.aws.amazon.com/vpc/latest/userguide/how-route-tables-work.html#route-table-priority


def test_longest_prefix_wins_and_blackhole_has_no_fallback() -> None:
    b = two_tier().route("rtb-app", "203.0.113.0/24", "nat-deleted0", blackhole=True)
    assert answer(b, q("eni-app", INTERNET, 443)).blocked_by == "route-blackhole"
    assert answer(b, q("eni-app", "192.0.2.77", 443)).reachable


def test_cidr_route_beats_prefix_list_route_of_equal_length() -> None:
    b = with_s3(two_tier()).route("rtb-app", S3_CIDR, "nat-a")
    ans = answer(b, q("eni-app", "s3", 443, dst_ip=S3_IP))
    assert ans.reachable
    assert any(h["resource"] == "nat-a" for h in ans.path)
    assert not any(h["resource"] == "vpce-s3" for h in ans.path)


def test_subnet_without_explicit_table_uses_main_table() -> None:
    b = two_tier().route("rtb-a-main", "0.0.0.0/0", "nat-a")
    ans = answer(b, q("eni-db", INTERNET, 443))
    assert ans.reachable
    assert any(h["resource"] == "rtb-a-main" for h in ans.path)


# -- internet gateway (spec §5.5) -----------------------------------------------------------------------
# https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html


def test_igw_ingress_by_public_ip_and_dst_ip() -> None:
    assert answer(two_tier(), q(INTERNET, "eni-web", 443, dst_ip=WEB_EIP)).reachable
    assert answer(two_tier(), q(INTERNET, "eni-web", 80)).blocked_by == "sg-inbound"
    assert answer(two_tier(), q("198.51.100.25", "eni-web", 22)).reachable
    assert answer(two_tier(), q("192.0.2.77", "eni-web", 22)).blocked_by == "sg-inbound"


def test_hairpin_through_the_igw_translates_the_source() -> None:
    b = two_tier().eni("eni-web2", "subnet-pub", "10.0.1.11", public_ip="54.0.0.11", sgs=["sg-web"])
    assert answer(b, q("eni-web2", "eni-web", 443, dst_ip=WEB_EIP)).reachable
    # sg-app admits sg-web only by private address: via the public IP the reference no longer matches
    b.doc["enis"]["eni-app"]["public_ip"] = "54.0.0.12"
    b.route("rtb-app", "54.0.0.12/32", "igw-a")
    assert answer(b, q("eni-web", "eni-app", 8080)).reachable
    assert answer(b, q("eni-web", "eni-app", 8080, dst_ip="54.0.0.12")).blocked_by == "sg-inbound"


# -- NAT gateway (spec §5.6) ----------------------------------------------------------------------------
# https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html (source ports 1024-65535)


def test_nat_needs_every_ephemeral_port_on_the_nat_subnet_inbound() -> None:
    b = two_tier().nacl("acl-pub", "vpc-a", inbound=[allow(100, "tcp", 443, "10.0.0.0/16"),
                                                     allow(110, "tcp", (32768, 65535))],
                        outbound=[allow(100)], subnets=["subnet-pub"])
    ans = answer(b, q("eni-app", INTERNET, 443))
    assert (ans.blocked_by, ans.blocked_at) == ("nacl-inbound-return", "acl-pub")
    b.doc["nacls"]["acl-pub"]["inbound"][1]["ports"] = [1024, 65535]
    assert answer(b, q("eni-app", INTERNET, 443)).reachable


def test_nat_translated_source_does_not_match_sg_reference() -> None:
    b = two_tier()
    b.doc["security_groups"]["sg-web"]["inbound"] = [sg_rule("tcp", 443, "sg-app")]
    assert answer(b, q("eni-app", "eni-web", 443)).reachable
    assert answer(b, q("eni-app", "eni-web", 443, dst_ip=WEB_EIP)).blocked_by == "sg-inbound"
    b.doc["security_groups"]["sg-web"]["inbound"].append(sg_rule("tcp", 443, f"{NAT_EIP}/32"))
    assert answer(b, q("eni-app", "eni-web", 443, dst_ip=WEB_EIP)).reachable


def test_private_nat_to_tgw_presents_its_private_ip() -> None:
    # https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-scenarios.html (private NAT, overlapping networks)
    b = (two_tier().vpc("vpc-z", "10.9.0.0/16").subnet("subnet-z", "vpc-z", "10.9.1.0/24", az="us-east-1a")
         .sg("sg-z", "vpc-z", inbound=[sg_rule("tcp", 443, "10.0.1.100/32")])
         .eni("eni-z", "subnet-z", "10.9.1.10", sgs=["sg-z"])
         .tgw("tgw-1").tgw_route_table("tgw-1", "tgw-rtb")
         .tgw_attachment("tgw-1", "tgw-attach-a", "vpc-a", ["subnet-pub"], "tgw-rtb")
         .tgw_attachment("tgw-1", "tgw-attach-z", "vpc-z", ["subnet-z"], "tgw-rtb")
         .tgw_route("tgw-1", "tgw-rtb", "10.9.0.0/16", "tgw-attach-z")
         .tgw_route("tgw-1", "tgw-rtb", "10.0.1.0/24", "tgw-attach-a")
         .route("rtb-pub", "10.9.0.0/16", "tgw-1").route("rtb-app", "10.9.0.0/16", "nat-a")
         .route("rtb-z-main", "10.0.0.0/8", "tgw-1"))
    b.doc["nat_gateways"]["nat-a"] = {"subnet": "subnet-pub", "connectivity": "private", "private_ip": "10.0.1.100"}
    ans = answer(b, q("eni-app", "eni-z", 443))
    assert ans.reachable, ans.explain()
    b.doc["security_groups"]["sg-z"]["inbound"] = [sg_rule("tcp", 443, "10.0.2.0/24")]
    assert answer(b, q("eni-app", "eni-z", 443)).blocked_by == "sg-inbound"


# -- gateway and interface endpoints (spec §5.7-5.9) -------------------------------------------------------
# https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html


def test_gateway_endpoint_needs_no_public_ip_and_checks_the_return_nacl() -> None:
    b = with_s3(two_tier())
    b.doc["route_tables"]["rtb-app"]["routes"] = [r for r in b.doc["route_tables"]["rtb-app"]["routes"]
                                                  if r["target"] != "nat-a"]
    assert answer(b, q("eni-app", "s3", 443, dst_ip=S3_IP)).reachable
    assert answer(b, q("eni-app", INTERNET, 443)).blocked_by == "route-missing"
    b.nacl("acl-app", "vpc-a", inbound=[allow(100, "tcp", 443)], outbound=[allow(100)], subnets=["subnet-app"])
    ans = answer(b, q("eni-app", "s3", 443, dst_ip=S3_IP, src_port=50000))
    assert (ans.blocked_by, ans.blocked_at) == ("nacl-inbound-return", "acl-app")


def test_other_region_service_follows_other_routes() -> None:
    b = with_s3(two_tier()).service("s3.us-west-2", ["52.218.0.0/17"], region="us-west-2")
    ans = answer(b, q("eni-app", "s3.us-west-2", 443, dst_ip="52.218.1.1"))
    assert ans.reachable and any(h["resource"] == "nat-a" for h in ans.path)


def test_endpoint_policy_deny_wins_and_null_is_full_access() -> None:
    # https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
    request = {"action": "s3:PutObject", "resource": "arn:aws:s3:::course-bucket/a.txt"}
    assert answer(with_s3(two_tier()), q("eni-app", "s3", 443, dst_ip=S3_IP, request=request)).reachable
    policy = {"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": ["s3:Put*", "s3:Delete*"], "Resource": "arn:aws:s3:::course-*"},
    ]}
    b = with_s3(two_tier(), policy)
    assert answer(b, q("eni-app", "s3", 443, dst_ip=S3_IP, request=request)).blocked_by == "endpoint-policy"
    get = {"action": "s3:GetObject", "resource": "arn:aws:s3:::course-bucket/a.txt"}
    assert answer(b, q("eni-app", "s3", 443, dst_ip=S3_IP, request=get)).reachable


def _interface_endpoint(b: NetworkBuilder) -> NetworkBuilder:
    return (b.service("sqs", ["52.46.0.0/18"])
            .sg("sg-vpce", "vpc-a", inbound=[sg_rule("tcp", 443, "10.0.2.0/24")])
            .eni("eni-vpce-1b", "subnet-db", "10.0.3.99", sgs=["sg-vpce"])
            .eni("eni-vpce-1a", "subnet-app", "10.0.2.99", sgs=["sg-vpce"])
            .interface_endpoint("vpce-sqs", "vpc-a", "sqs", enis=["eni-vpce-1b", "eni-vpce-1a"]))


def test_interface_endpoint_private_dns_same_az_sg_and_policy() -> None:
    # https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html (private DNS)
    b = _interface_endpoint(two_tier())
    ans = answer(b, q("eni-app", "sqs", 443))
    assert ans.reachable
    assert any(h["resource"] == "eni-vpce-1a" for h in ans.path)
    ans = answer(b, q("eni-web", "sqs", 443))  # eni-web's subnet (1a) ... the SG only admits the app subnet
    assert (ans.blocked_by, ans.blocked_at) == ("sg-inbound", "sg-vpce")
    b.doc["vpc_endpoints"]["vpce-sqs"]["policy"] = {"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}
    assert answer(b, q("eni-app", "sqs", 443, request={"action": "sqs:SendMessage", "resource": "x"})).reachable
    deny_ans = answer(b, q("eni-app", "sqs", 443, request={"action": "sqs:DeleteQueue", "resource": "x"}))
    assert (deny_ans.blocked_by, deny_ans.blocked_at) == ("endpoint-policy", "vpce-sqs")


def test_without_private_dns_the_service_name_uses_dst_ip() -> None:
    b = _interface_endpoint(two_tier())
    b.doc["vpc_endpoints"]["vpce-sqs"]["private_dns"] = False
    ans = answer(b, q("eni-app", "sqs", 443, dst_ip="52.46.1.1"))
    assert ans.reachable and any(h["resource"] == "nat-a" for h in ans.path)


# -- peering (spec §5.10) -------------------------------------------------------------------------------
# https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html (SG references, same Region)


def _peered(region_b: str = "us-east-1") -> NetworkBuilder:
    return (
        two_tier().vpc("vpc-b", "10.1.0.0/16", region=region_b)
        .subnet("subnet-b", "vpc-b", "10.1.1.0/24", az=f"{region_b}a")
        .sg("sg-b", "vpc-b", inbound=[sg_rule("tcp", 8080, "sg-app")])
        .eni("eni-b", "subnet-b", "10.1.1.10", sgs=["sg-b"])
        .peering("pcx-ab", "vpc-a", "vpc-b")
        .route("rtb-app", "10.1.0.0/16", "pcx-ab").route("rtb-b-main", "10.0.0.0/16", "pcx-ab")
    )


def test_sg_reference_across_same_region_peering_only() -> None:
    assert answer(_peered(), q("eni-app", "eni-b", 8080)).reachable
    ans = answer(_peered("eu-west-1"), q("eni-app", "eni-b", 8080))
    assert (ans.blocked_by, ans.blocked_at) == ("sg-inbound", "sg-b")


def test_peering_reply_needs_a_route_back() -> None:
    b = _peered()
    b.doc["route_tables"]["rtb-b-main"]["routes"].pop()
    assert answer(b, q("eni-app", "eni-b", 8080)).blocked_by == "route-missing-return"


def test_peered_vpc_cannot_use_the_other_side_gateway_endpoint() -> None:
    b = with_s3(_peered()).route("rtb-b-main", "pl-63a5400a", "pcx-ab")
    b.doc["security_groups"]["sg-b"]["outbound"] = [sg_rule("all", None, "0.0.0.0/0")]
    ans = answer(b, q("eni-b", "s3", 443, dst_ip=S3_IP))
    assert (ans.blocked_by, ans.blocked_at) == ("peering-edge-to-edge", "pcx-ab")


def test_overlapping_peers_send_the_reply_to_the_wrong_vpc() -> None:
    # https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html
    b = (_peered().vpc("vpc-c", "10.0.0.0/16").subnet("subnet-c", "vpc-c", "10.0.2.0/24")
         .peering("pcx-bc", "vpc-b", "vpc-c").route("rtb-b-main", "10.0.2.0/24", "pcx-bc"))
    b.doc["security_groups"]["sg-b"]["inbound"] = [sg_rule("tcp", 8080, "10.0.0.0/16")]
    ans = answer(b, q("eni-app", "eni-b", 8080))
    assert (ans.blocked_by, ans.blocked_at) == ("asymmetric-return", "pcx-bc")


# -- transit gateway (spec §5.11) -----------------------------------------------------------------------
# https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/
#   centralized-egress-to-internet.html


def _central_egress() -> NetworkBuilder:
    b = (
        NetworkBuilder()
        .vpc("vpc-spoke", "10.10.0.0/16").vpc("vpc-egress", "10.99.0.0/16")
        .subnet("subnet-spoke", "vpc-spoke", "10.10.1.0/24", az="us-east-1a")
        .subnet("subnet-tgw", "vpc-egress", "10.99.0.0/28", az="us-east-1a", route_table="rtb-tgw")
        .subnet("subnet-natpub", "vpc-egress", "10.99.1.0/24", az="us-east-1a", route_table="rtb-natpub")
        .route_table("rtb-tgw", "vpc-egress").route_table("rtb-natpub", "vpc-egress")
        .igw("igw-e", "vpc-egress")
        .nat("nat-e", "subnet-natpub", "10.99.1.10", "54.9.9.9")
        .route("rtb-tgw", "0.0.0.0/0", "nat-e")
        .route("rtb-natpub", "0.0.0.0/0", "igw-e").route("rtb-natpub", "10.0.0.0/8", "tgw-1")
        .route("rtb-spoke-main", "0.0.0.0/0", "tgw-1")
        .sg("sg-spoke", "vpc-spoke")
        .eni("eni-spoke", "subnet-spoke", "10.10.1.10", sgs=["sg-spoke"])
        .tgw("tgw-1").tgw_route_table("tgw-1", "tgw-rtb-spokes").tgw_route_table("tgw-1", "tgw-rtb-egress")
        .tgw_attachment("tgw-1", "tgw-attach-spoke", "vpc-spoke", ["subnet-spoke"], "tgw-rtb-spokes")
        .tgw_attachment("tgw-1", "tgw-attach-egress", "vpc-egress", ["subnet-tgw"], "tgw-rtb-egress")
        .tgw_route("tgw-1", "tgw-rtb-spokes", "0.0.0.0/0", "tgw-attach-egress")
        .tgw_route("tgw-1", "tgw-rtb-egress", "10.10.0.0/16", "tgw-attach-spoke")
    )
    return b


def test_centralized_egress_through_tgw_and_nat() -> None:
    ans = answer(_central_egress(), q("eni-spoke", INTERNET, 443))
    assert ans.reachable, ans.explain()
    kinds = [h["resource"] for h in ans.path]
    assert "nat-e" in kinds and "igw-e" in kinds and "tgw-rtb-egress" in kinds


def test_tgw_attachment_subnet_nacl_is_not_evaluated() -> None:
    b = _central_egress().nacl("acl-tgw", "vpc-egress", inbound=[], outbound=[], subnets=["subnet-tgw"])
    assert answer(b, q("eni-spoke", INTERNET, 443)).reachable


def test_tgw_reply_route_missing_in_egress_table() -> None:
    b = _central_egress()
    b.doc["transit_gateways"]["tgw-1"]["route_tables"]["tgw-rtb-egress"]["routes"] = []
    ans = answer(b, q("eni-spoke", INTERNET, 443))
    assert (ans.blocked_by, ans.blocked_at) == ("tgw-route-missing-return", "tgw-rtb-egress")


# -- IPv6 and egress-only gateways (spec §5.12) ---------------------------------------------------------
# https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html


def _v6(with_igw: bool = False) -> NetworkBuilder:
    b = (NetworkBuilder().vpc("vpc-6", "10.6.0.0/16", ipv6="2600:1f18:6::/56")
         .subnet("subnet-6", "vpc-6", "10.6.1.0/24", ipv6="2600:1f18:6:1::/64")
         .eigw("eigw-6", "vpc-6").route("rtb-6-main", "::/0", "eigw-6")
         .sg("sg-6", "vpc-6", inbound=[sg_rule("tcp", 443, "::/0")],
             outbound=[sg_rule("all", None, "::/0"), sg_rule("all")])
         .eni("eni-6", "subnet-6", "10.6.1.10", ipv6="2600:1f18:6:1::10", sgs=["sg-6"]))
    if with_igw:
        b.igw("igw-6", "vpc-6")
        b.doc["route_tables"]["rtb-6-main"]["routes"][-1]["target"] = "igw-6"
    return b


def test_ipv6_outbound_through_eigw_works_without_public_ip() -> None:
    assert answer(_v6(), q("eni-6", "2001:db8::50", 443, ip_version=6)).reachable
    assert answer(_v6(), q("eni-6", INTERNET, 443)).blocked_by == "route-missing"  # v4 and v6 routes are separate


def test_ipv6_inbound_through_igw() -> None:
    assert answer(_v6(with_igw=True), q("2001:db8::50", "eni-6", 443, ip_version=6)).reachable
    assert answer(_v6(), q("2001:db8::50", "eni-6", 443, ip_version=6)).blocked_by == "eigw-inbound"


# -- source/dest check (spec §5.12) ---------------------------------------------------------------------


def test_route_to_eni_addressed_to_it_is_fine_and_disabled_check_forwards() -> None:
    # https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html#EIP_Disable_SrcDestCheck
    b = (two_tier().eni("eni-fw", "subnet-pub", "10.0.1.50", sgs=["sg-web"], source_dest_check=False)
         .route("rtb-app", "10.0.3.0/24", "eni-fw"))
    assert answer(b, q("eni-app", "eni-db", 5432)).reachable
