"""Questions 2.11-2.13 (notebook 02, section 9: NLB client IP preservation, Network Firewall domain filtering,
VPC Block Public Access): references with the hidden cases, realistic wrong answers and their hints, malformed
input."""

from __future__ import annotations

import pytest
from conftest import ROOT

from course.authoring import hidden_cases
from course.exercises import evaluate, get
from course.net import load, reach, sg_rule

NOTEBOOK = ROOT / "source" / "02-networking-content-delivery" / "02-networking-content-delivery.ipynb"

REFERENCES = {
    "2.11": {"sg-nlb": [sg_rule("tcp", 443, "192.0.2.0/24"), sg_rule("tcp", 9443, "198.51.100.0/24")],
             "sg-app": [sg_rule("tcp", 8443, "sg-nlb"), sg_rule("tcp", 9000, "sg-nlb")]},
    "2.12": {"A", "B", "C", "D"},
    "2.13": {"A", "B"},
}


def failures(exercise_id: str, answer) -> dict[str, str]:
    result = evaluate(exercise_id, answer, hidden=hidden_cases(NOTEBOOK, exercise_id))
    assert result.error is None, result.error
    assert not result.passed and 0 < result.score < 1, result
    return {r.description: r.hint for r in result.failures}


def test_three_network_questions_of_three_points() -> None:
    for exercise_id in REFERENCES:
        exercise = get(exercise_id)
        assert exercise.kind == "network" and exercise.points == 3
        assert exercise.answer_name == "answer_" + exercise_id.replace(".", "_")


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_scores_full_marks_with_the_hidden_cases(exercise_id: str) -> None:
    hidden = hidden_cases(NOTEBOOK, exercise_id)
    assert hidden, "the check cell has hidden cases"
    result = evaluate(exercise_id, REFERENCES[exercise_id], hidden=hidden)
    assert result.error is None and result.passed and result.score == 1.0, str(result)


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_every_flow_of_the_reference_holds_against_the_model_directly(exercise_id: str) -> None:
    exercise = get(exercise_id)
    net = load(exercise.network(REFERENCES[exercise_id]))
    for flow in exercise.flows:
        assert reach(net, flow.query).reachable == (flow.expect == "reachable"), flow.description


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
@pytest.mark.parametrize("bad", [None, 42, "", [], {}, {"sg-nlb": "open"}, {"Z"}, "{not json"],
                         ids=repr)
def test_malformed_answers_give_an_error_and_never_raise(exercise_id: str, bad) -> None:
    result = evaluate(exercise_id, bad)
    assert result.error and result.score == 0


def test_nlb_rules_for_the_load_balancer_subnet_miss_the_preserved_client_address() -> None:
    wrong = {"sg-nlb": REFERENCES["2.11"]["sg-nlb"],
             "sg-app": [sg_rule("tcp", 8443, "10.60.0.0/24"), sg_rule("tcp", 9000, "10.60.0.0/24")]}
    hints = failures("2.11", wrong)
    partner = hints["required: the partner (192.0.2.77) streams through the NLB (TCP 443)"]
    assert "sg-app (sg-inbound)" in partner and "192.0.2.77" in partner and "client's own address" in partner


def test_nlb_open_to_the_internet_or_the_vpc_loses_the_forbidden_flows() -> None:
    hints = failures("2.11", {"sg-nlb": [sg_rule("tcp", 443, "0.0.0.0/0"), sg_rule("tcp", 9443, "0.0.0.0/0")],
                              "sg-app": REFERENCES["2.11"]["sg-app"]})
    assert "forbidden: other internet hosts cannot stream (203.0.113.50, TCP 443)" in hints
    hints = failures("2.11", {"sg-nlb": REFERENCES["2.11"]["sg-nlb"],
                              "sg-app": [*REFERENCES["2.11"]["sg-app"], sg_rule("tcp", (8443, 9000), "10.60.0.0/16")]})
    assert "forbidden: the operations host cannot bypass the NLB to the application (TCP 8443)" in hints


def test_firewall_without_ingress_routing_is_asymmetric() -> None:
    hints = failures("2.12", {"A", "B", "C"})
    text = next(iter(hints.values()))
    assert "asymmetric-return" in text and "vpce-fw-build" in text


@pytest.mark.parametrize("answer", [{"A", "E"}, {"G"}])
def test_routes_round_the_firewall_let_the_paste_site_through(answer) -> None:
    hints = failures("2.12", answer)
    assert "forbidden: the build host cannot upload to paste.example.net (HTTPS)" in hints


def test_firewall_before_the_nat_gateway_has_nothing_to_translate() -> None:
    hints = failures("2.12", {"F", "B", "C", "D"})
    assert any("no-public-ip" in h for h in hints.values())


def test_firewall_conflicting_routes_are_an_error() -> None:
    result = evaluate("2.12", {"A", "B", "C", "D", "E"})
    assert result.error and "both set rtb-nat's default route" in result.error


def test_bpa_exclusion_on_the_app_subnet_does_not_open_the_nat_path() -> None:
    hints = failures("2.13", {"A", "D"})
    text = hints["required: the application calls a payment API through the NAT gateway (HTTPS)"]
    assert "subnet-nat (block-public-access)" in text and "crosses the internet gateway" in text


@pytest.mark.parametrize("answer", [{"C"}, {"A", "B", "F"}])
def test_bpa_broad_exclusions_reopen_the_legacy_host(answer) -> None:
    hints = failures("2.13", answer)
    assert any("legacy" in d for d in hints)


def test_bpa_egress_exclusion_on_the_web_subnet_keeps_customers_out() -> None:
    hints = failures("2.13", {"E", "B"})
    assert "required: customers reach the web server (HTTPS)" in hints
