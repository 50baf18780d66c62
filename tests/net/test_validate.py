"""Malformed documents and queries get one clean NetworkError naming the resource and field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.net import NetworkError, allow, load, load_json, load_yaml, reach

from .helpers import INTERNET, q, two_tier, with_s3


def base() -> dict[str, Any]:
    b = with_s3(two_tier()).nacl("acl-x", "vpc-a", inbound=[allow(100, "tcp", 443)], outbound=[allow(100)])
    return b.build()


def _set(doc: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def _error(doc: Any) -> NetworkError:
    with pytest.raises(NetworkError) as info:
        load(doc)
    return info.value


NACL_RULE = ["nacls", "acl-x", "inbound", 0]

CASES = [
    (NACL_RULE + ["ports"], [5], "nacls.acl-x.inbound[0].ports"),
    (NACL_RULE + ["ports"], [500, 400], "nacls.acl-x.inbound[0].ports"),
    (NACL_RULE + ["ports"], [0, 70000], "nacls.acl-x.inbound[0].ports[1]"),
    (NACL_RULE + ["ports"], ["1", 2], "nacls.acl-x.inbound[0].ports[0]"),
    (NACL_RULE + ["protocol"], "tcpp", "nacls.acl-x.inbound[0].protocol"),
    (NACL_RULE + ["action"], "permit", "nacls.acl-x.inbound[0].action"),
    (NACL_RULE + ["cidr"], "10.0.0.0/33", "nacls.acl-x.inbound[0].cidr"),
    (NACL_RULE + ["rule"], 0, "nacls.acl-x.inbound[0].rule"),
    (NACL_RULE + ["rule"], "100", "nacls.acl-x.inbound[0].rule"),
    (["vpcs", "vpc-a", "cidrs", 0], "10.0.0/16", "vpcs.vpc-a.cidrs[0]"),
    (["vpcs", "vpc-a", "cidrs"], [], "vpcs.vpc-a.cidrs"),
    (["subnets", "subnet-app", "vpc"], "vpc-nope", "subnets.subnet-app.vpc"),
    (["subnets", "subnet-app", "cidr"], "10.1.2.0/24", "subnets.subnet-app.cidr"),
    (["subnets", "subnet-app", "cidr"], "10.0.1.128/25", "subnets.subnet-app.cidr"),
    (["subnets", "subnet-app", "route_table"], "rtb-nope", "subnets.subnet-app.route_table"),
    (["subnets", "subnet-app", "nacl"], "acl-nope", "subnets.subnet-app.nacl"),
    (["route_tables", "rtb-app", "routes", 1, "target"], "nat-gone", "route_tables.rtb-app.routes[1].target"),
    (["route_tables", "rtb-app", "routes", 1, "dest"], "0.0.0.0/x", "route_tables.rtb-app.routes[1].dest"),
    (["route_tables", "rtb-app", "routes", 1, "dest"], "pl-nope", "route_tables.rtb-app.routes[1].dest"),
    (["route_tables", "rtb-app", "routes", 1, "state"], "gone", "route_tables.rtb-app.routes[1].state"),
    (["route_tables", "rtb-app", "main"], True, "route_tables.rtb-app.main"),
    (["enis", "eni-app", "private_ip"], "10.0.9.10", "enis.eni-app.private_ip"),
    (["enis", "eni-app", "private_ip"], "not-an-ip", "enis.eni-app.private_ip"),
    (["enis", "eni-app", "public_ip"], "2001:db8::1", "enis.eni-app.public_ip"),
    (["enis", "eni-app", "security_groups", 0], "sg-nope", "enis.eni-app.security_groups[0]"),
    (["enis", "eni-app", "source_dest_check"], "yes", "enis.eni-app.source_dest_check"),
    (["security_groups", "sg-app", "inbound", 0, "peer"], "sg-nope", "security_groups.sg-app.inbound[0].peer"),
    (["security_groups", "sg-app", "inbound", 0, "peer"], "everyone", "security_groups.sg-app.inbound[0].peer"),
    (["security_groups", "sg-app", "inbound", 0, "ports"], [1], "security_groups.sg-app.inbound[0].ports"),
    (["nat_gateways", "nat-a", "connectivity"], "both", "nat_gateways.nat-a.connectivity"),
    (["nat_gateways", "nat-a", "public_ip"], None, "nat_gateways.nat-a.public_ip"),
    (["vpc_endpoints", "vpce-s3", "service"], "s4", "vpc_endpoints.vpce-s3.service"),
    (["vpc_endpoints", "vpce-s3", "type"], "gatewayish", "vpc_endpoints.vpce-s3.type"),
    (["vpc_endpoints", "vpce-s3", "policy"], {"Statement": [{"Effect": "Allow", "Resource": "*"}]},
     "vpc_endpoints.vpce-s3.policy.Statement[0]"),  # course.iam names the statement missing Action
    (["vpc_endpoints", "vpce-s3", "policy"], {"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]},
     "vpc_endpoints.vpce-s3.policy.Statement[0].Effect"),
    (["internet_gateways", "igw-a", "vpc"], "vpc-nope", "internet_gateways.igw-a.vpc"),
    (["subnets"], [], "subnets"),
    (["enis", "eni-app"], "eni", "enis.eni-app"),
]


@pytest.mark.parametrize(("where", "value", "path"), CASES, ids=[c[2] for c in CASES])
def test_malformed_field_is_named(where: list[Any], value: Any, path: str) -> None:
    err = _error(_set(base(), where, value))
    assert err.path == path, err.message
    assert err.message and isinstance(err.message, str)


def test_missing_required_fields_are_named() -> None:
    doc = base()
    del doc["nacls"]["acl-a-default"]["inbound"][0]["cidr"]
    assert _error(doc).path == "nacls.acl-a-default.inbound[0].cidr"
    doc = base()
    del doc["enis"]["eni-web"]["subnet"]
    assert _error(doc).path == "enis.eni-web.subnet"


def test_duplicate_nacl_rule_number() -> None:
    doc = base()
    rules = doc["nacls"]["acl-a-default"]["inbound"]
    rules.append(dict(rules[0]))
    assert _error(doc).path == "nacls.acl-a-default.inbound[1].rule"


def test_blackhole_route_may_name_a_deleted_resource() -> None:
    doc = base()
    doc["route_tables"]["rtb-app"]["routes"].append({"dest": "192.0.2.0/24", "target": "nat-deleted0",
                                                     "state": "blackhole"})
    load(doc)


def test_tgw_references_are_checked() -> None:
    doc = two_tier().tgw("tgw-1").tgw_route_table("tgw-1", "tgw-rtb").tgw_attachment(
        "tgw-1", "tgw-att", "vpc-a", ["subnet-pub"], "tgw-rtb").build()
    bad = copy.deepcopy(doc)
    bad["transit_gateways"]["tgw-1"]["attachments"]["tgw-att"]["association"] = "tgw-rtb-x"
    assert _error(bad).path == "transit_gateways.tgw-1.attachments.tgw-att.association"
    bad = copy.deepcopy(doc)
    bad["transit_gateways"]["tgw-1"]["route_tables"]["tgw-rtb"]["routes"] = [{"dest": "10.0.0.0/8",
                                                                             "attachment": "tgw-att-x"}]
    assert _error(bad).path == "transit_gateways.tgw-1.route_tables.tgw-rtb.routes[0].attachment"


def test_top_level_must_be_an_object() -> None:
    assert _error([]).path == ""
    assert _error({"vpcs": "x"}).path == "vpcs"


def test_json_and_yaml_load_the_same_network() -> None:
    doc = base()
    text = json.dumps(doc)
    assert len(load_json(text).subnets) == len(load_yaml(text).subnets) == 3
    import yaml

    assert reach(load_yaml(yaml.safe_dump(doc)), q(INTERNET, "eni-web")).reachable
    with pytest.raises(NetworkError):
        load_json("{not json")
    with pytest.raises(NetworkError):
        load_yaml("vpcs: [unclosed")


QUERY_CASES = [
    ({"src": "eni-nope", "dst": "eni-web", "protocol": "tcp", "port": 443}, "query.src"),
    ({"src": "eni-app", "dst": "db.internal", "protocol": "tcp", "port": 443}, "query.dst"),
    ({"src": "eni-app", "dst": "eni-web", "protocol": "sctp", "port": 443}, "query.protocol"),
    ({"src": "eni-app", "dst": "eni-web", "protocol": "tcp", "port": 70000}, "query.port"),
    ({"src": "eni-app", "dst": "eni-web", "protocol": "tcp", "port": 443, "src_port": -1}, "query.src_port"),
    ({"src": "eni-app", "dst": "s3", "protocol": "tcp", "port": 443}, "query.dst_ip"),
    ({"src": "eni-app", "dst": "eni-web", "protocol": "tcp", "port": 443, "ip_version": 5}, "query.ip_version"),
    ({"src": "eni-app", "dst": "eni-web", "protocol": "tcp", "port": 443, "ip_version": 6}, "query.src"),
    ({"src": "eni-app", "dst": "eni-web", "protocol": "tcp", "dst_ip": "nope"}, "query.dst_ip"),
    ("eni-app", "query"),
]


@pytest.mark.parametrize(("query", "path"), QUERY_CASES, ids=[c[1] + str(i) for i, c in enumerate(QUERY_CASES)])
def test_malformed_query_is_named(query: Any, path: str) -> None:
    net = load(base())
    with pytest.raises(NetworkError) as info:
        reach(net, query)
    assert info.value.path == path


JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 70000), st.text(max_size=12),
    st.sampled_from(["10.0.0.0/8", "::/0", "sg-web", "pl-63a5400a", "tcp", "local", "igw-a", "nat-a"]),
    st.lists(st.integers(-1, 70000), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _leaves(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _leaves(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _leaves(v, prefix + (i,))
    return out


BASE = base()
LEAVES = _leaves(BASE)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(LEAVES), JUNK), min_size=1, max_size=3))
def test_any_corruption_gives_network_error_or_a_network(edits: list[tuple[tuple[Any, ...], Any]]) -> None:
    """Never a bare KeyError/TypeError from inside: corrupt fields at random and load."""
    doc = copy.deepcopy(BASE)
    for path, value in edits:
        try:
            _set(doc, list(path), value)
        except (KeyError, IndexError, TypeError):
            continue
    try:
        net = load(doc)
    except NetworkError as exc:
        assert isinstance(exc.path, str)
        return
    for query in (q("eni-app", INTERNET), q(INTERNET, "eni-web"), q("eni-web", "eni-db", 5432)):
        try:
            reach(net, query)
        except NetworkError:
            pass


@pytest.mark.parametrize("target", ["nat-b", "igw-b", "eni-b"])
def test_a_route_to_a_gateway_or_interface_of_another_vpc_is_refused(target):
    """AWS refuses such a route ("belong to different networks"); only peering and transit gateways lead out."""
    doc = (two_tier()
           .vpc("vpc-b", "10.1.0.0/16")
           .subnet("subnet-b", "vpc-b", "10.1.1.0/24", az="us-east-1a")
           .igw("igw-b", "vpc-b")
           .route_table("rtb-b", "vpc-b", subnets=["subnet-b"])
           .route("rtb-b", "0.0.0.0/0", "igw-b")
           .nat("nat-b", "subnet-b", "10.1.1.100", "198.18.9.9")
           .eni("eni-b", "subnet-b", "10.1.1.10")
           .build())
    doc["route_tables"]["rtb-app"]["routes"][1]["target"] = target
    error = _error(doc)
    assert error.path == "route_tables.rtb-app.routes[1].target"
    assert "belongs to vpc-b, not to vpc-a" in str(error)
