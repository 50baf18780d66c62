"""The public API: builders, batch checking for the exercise framework, the benchmark network."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from course.net import NetworkBuilder, Query, check, load, parse_query, reach, reach_many, sg_rule

from .helpers import INTERNET, q, two_tier

ROOT = Path(__file__).resolve().parents[2]


def test_builder_spells_out_aws_defaults() -> None:
    doc = NetworkBuilder().vpc("vpc-x", "10.0.0.0/16", ipv6="2600:1f18:1::/56").build()
    assert doc["route_tables"]["rtb-x-main"] == {
        "vpc": "vpc-x", "main": True,
        "routes": [{"dest": "10.0.0.0/16", "target": "local"}, {"dest": "2600:1f18:1::/56", "target": "local"}],
    }
    assert doc["nacls"]["acl-x-default"]["default"] is True
    assert {r["cidr"] for r in doc["nacls"]["acl-x-default"]["inbound"]} == {"0.0.0.0/0", "::/0"}
    assert doc["security_groups"]["sg-x-default"]["inbound"] == [{"protocol": "all", "peer": "sg-x-default"}]
    net = load(doc)
    assert repr(net).startswith("<Network 1 VPCs")


def test_builder_output_is_plain_json_the_cli_accepts() -> None:
    import json

    doc = two_tier().build()
    assert json.loads(json.dumps(doc)) == doc
    b = two_tier()
    first = b.build()
    b.eni("eni-later", "subnet-pub", "10.0.1.77", sgs=["sg-web"])
    assert "eni-later" not in first["enis"]


def test_reach_many_and_check_grade_required_and_forbidden_flows() -> None:
    doc = two_tier().build()
    answers = reach_many(doc, [q(INTERNET, "eni-web"), q(INTERNET, "eni-db", 5432)])
    assert [a.reachable for a in answers] == [True, False]
    required = [q(INTERNET, "eni-web"), q("eni-app", "eni-db", 5432)]
    forbidden = [q(INTERNET, "eni-app", 8080), q("eni-web", "eni-db", 5432)]
    assert check(doc, required=required, forbidden=forbidden) == []
    problems = check(doc, required=[q("eni-db", INTERNET)], forbidden=[q(INTERNET, "eni-web")])
    assert len(problems) == 2
    assert problems[0].startswith("required flow is blocked: blocked at rtb-a-main")
    assert problems[1].startswith("forbidden flow is reachable")


def test_parsed_query_can_be_reused() -> None:
    net = load(two_tier().build())
    parsed = parse_query(net, q("eni-web", "eni-app", 8080))
    assert isinstance(parsed, Query)
    assert reach(net, parsed).reachable and reach(net, parsed).reachable


def test_sg_rule_and_builder_helpers_validate_through_load() -> None:
    doc = two_tier().sg("sg-x", "vpc-a", inbound=[sg_rule("udp", (1000, 2000), "pl-none")]).build()
    import pytest

    from course.net import NetworkError

    with pytest.raises(NetworkError) as info:
        load(doc)
    assert info.value.path == "security_groups.sg-x.inbound[0].peer"


def test_benchmark_network_shape_and_speed_smoke() -> None:
    spec = importlib.util.spec_from_file_location("net_throughput", ROOT / "benchmarks" / "net_throughput.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["net_throughput"] = module
    spec.loader.exec_module(module)
    net = load(module.build_network())
    assert (len(net.vpcs), len(net.subnets)) == (4, 15)
    assert net.load_balancers and net.inspection_endpoints and net.block_public_access is not None
    rate, distinct, outcomes = module.measure(0.2)
    assert rate > 0 and distinct == len(module.queries())
    assert sum(outcomes.values()) == distinct


def test_load_from_yaml_and_json_files(tmp_path: Path) -> None:
    import json

    import yaml

    doc = two_tier().build()
    (tmp_path / "net.yaml").write_text(yaml.safe_dump(doc))
    (tmp_path / "net.json").write_text(json.dumps(doc))
    for name in ("net.yaml", "net.json"):
        net = load(tmp_path / name)
        assert reach(net, q(INTERNET, "eni-web")).reachable
        assert load(net) is net
    import pytest

    from course.net import NetworkError

    with pytest.raises(NetworkError):
        load(tmp_path / "missing.yaml")
