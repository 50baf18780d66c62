"""Exercises of notebook 02 (Networking & Content Delivery): reference solutions, realistic wrong answers with
partial credit and the model's explanation in the hint, malformed input, and the notebook's hidden cases."""

from __future__ import annotations

import copy
import json
import re

import pytest
from conftest import ROOT
from nbhelpers import solution_value

from course.authoring import hidden_cases
from course.exercises import CheckResult, evaluate, get
from course.exercises.kinds.policy import lint_requirement
from course.net import allow, load, reach, sg_rule
from course.notebooks.networking import BUCKET, DISTRIBUTION, VPCE

NOTEBOOK = ROOT / "source" / "02-networking-content-delivery" / "02-networking-content-delivery.ipynb"

OBJECTS = [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/*"

REFERENCES = {
    "2.1": {"B", "D"},
    "2.2": {"inbound": [allow(100, "tcp", 443), allow(110, "tcp", 22, "198.51.100.0/24"),
                        allow(120, "tcp", (1024, 65535))],
            "outbound": [allow(100, "tcp", (1024, 65535)), allow(110, "tcp", 443),
                         allow(120, "tcp", 8080, "10.20.2.0/24")]},
    "2.3": {"sg-lb": {"inbound": [sg_rule("tcp", 443, "0.0.0.0/0")], "outbound": [sg_rule("tcp", 8443, "sg-app")]},
            "sg-app": {"inbound": [sg_rule("tcp", 8443, "sg-lb")], "outbound": [sg_rule("tcp", 5432, "sg-db")]},
            "sg-db": {"inbound": [sg_rule("tcp", 5432, "sg-app")], "outbound": []}},
    "2.4": {"rtb-priv": [{"dest": "0.0.0.0/0", "target": "nat-0pub"}, {"dest": "10.50.0.0/16", "target": "pcx-ab"}],
            "rtb-b": [{"dest": "10.40.0.0/16", "target": "pcx-ab"}]},
    "2.5": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                    "Action": ["s3:GetObject", "s3:PutObject"],
                                                    "Resource": f"arn:aws:s3:::{BUCKET}/*"}]},
    "2.6": {"Version": "2012-10-17", "Statement": [{
        "Sid": "OnlyThroughTheEndpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": OBJECTS,
        "Condition": {"StringNotEquals": {"aws:SourceVpce": VPCE}}}]},
    "2.7": "E",
    "2.8": "C",
    "2.9": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": API},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": API,
         "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0c4a7e9b1d2f3a456"}}}]},
    "2.10": {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::example-static-site/*",
        "Condition": {"StringEquals": {"AWS:SourceArn": DISTRIBUTION}}}]},
}


def notebook_cells() -> dict[str, str]:
    nb = json.loads(NOTEBOOK.read_text())
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in nb["cells"]
            if "nbgrader" in c.get("metadata", {})}


def notebook_hidden(exercise_id: str) -> list:
    """The literal ``hidden=[...]`` data in the notebook's check cell of ``exercise_id``."""
    return hidden_cases(NOTEBOOK, exercise_id)


def assert_error(result: CheckResult, *words: str) -> None:
    assert result.error is not None, f"expected an error, got {result}"
    assert result.score == 0 and not result.passed
    for word in words:
        assert word in result.error, f"{word!r} not in {result.error!r}"


def failures(result: CheckResult) -> dict[str, str]:
    return {r.description: r.hint for r in result.failures}


# --- every exercise -----------------------------------------------------------------------------------

def test_ten_exercises_of_three_kinds_with_the_notebook_points():
    exercises = {i: get(i) for i in REFERENCES}
    assert {e.kind for e in exercises.values()} == {"network", "policy", "single-choice"}
    assert {i: e.points for i, e in exercises.items()} == {
        "2.1": 3, "2.2": 4, "2.3": 4, "2.4": 3, "2.5": 3, "2.6": 3, "2.7": 3, "2.8": 2, "2.9": 3, "2.10": 3}
    assert sum(e.kind == "network" for e in exercises.values()) == 6
    for exercise_id, exercise in exercises.items():
        assert exercise.answer_name == "answer_" + exercise_id.replace(".", "_")


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_solution_scores_full_marks_also_with_the_hidden_cases(exercise_id):
    result = evaluate(exercise_id, REFERENCES[exercise_id], hidden=notebook_hidden(exercise_id) or None)
    assert result.error is None, result.error
    assert result.passed and result.score == 1.0, str(result)


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_notebook_solution_cells_are_the_references(exercise_id):
    source = notebook_cells()["answer-" + exercise_id.replace(".", "-")]
    solution = source.split("### BEGIN SOLUTION\n")[1].split("### END SOLUTION")[0]
    scope: dict = {"allow": allow, "sg_rule": sg_rule}
    if exercise_id == "2.8":  # a choice question: letters in the learner's order (issue #19)
        scope["answer_2_8"] = solution_value(exercise_id, solution)
    else:
        exec(solution, scope)  # noqa: S102 - the notebook's own solution cell
    value = scope["answer_" + exercise_id.replace(".", "_")]
    assert evaluate(exercise_id, value).passed


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
@pytest.mark.parametrize("bad", [None, ..., 42, 3.5, True, [1, 2], "", object()],
                         ids=lambda v: "object" if type(v) is object else repr(v))
def test_malformed_answers_give_an_error_and_never_raise(exercise_id, bad):
    result = evaluate(exercise_id, bad)
    assert result.error, f"{exercise_id} accepted {bad!r}: {result}"
    assert result.score == 0


@pytest.mark.parametrize("exercise_id", ["2.1", "2.2", "2.3", "2.4", "2.7"])
def test_every_network_flow_of_the_reference_holds_against_the_model_directly(exercise_id):
    exercise = get(exercise_id)
    net = load(exercise.network(REFERENCES[exercise_id]))
    for flow in exercise.flows:
        assert reach(net, flow.query).reachable == (flow.expect == "reachable"), flow.description


# --- 2.1 egress options ---------------------------------------------------------------------------------

def test_egress_internet_gateway_opens_the_worker_and_skips_the_egress_filter():
    result = evaluate("2.1", {"A", "D"})
    assert result.score == pytest.approx(3 / 5)
    hints = failures(result)
    inbound = hints["forbidden: nobody on the internet can open a connection to the worker (HTTPS)"]
    assert "gets through" in inbound and "security group" in inbound and "option A" in inbound
    assert "skips the public subnet's NACL" in hints["forbidden: the worker cannot reach other internet hosts "
                                                     "(203.0.113.50, HTTPS)"]


def test_egress_nat_alone_sends_s3_into_the_perimeter_nacl():
    result = evaluate("2.1", {"B"})
    assert result.score == pytest.approx(4 / 5)
    (hint,) = failures(result).values()
    assert "acl-public (nacl-outbound)" in hint and "S3's public addresses" in hint


@pytest.mark.parametrize("answer, label", [({"C", "D"}, "nat-no-igw-route"), ({"D", "E"}, "route-missing")])
def test_egress_nat_in_the_private_subnet_or_ipv6_only_gateway_cannot_reach_the_api(answer, label):
    result = evaluate("2.1", answer)
    hints = failures(result)
    hint = hints.pop("required: the worker calls the partner API (192.0.2.77, HTTPS)")
    assert label in hint and "translates its IPv4" in hint
    if "E" in answer:  # the egress-only gateway also opens an IPv6 path round the egress NACL
        assert list(hints) == ["forbidden: the worker cannot reach other internet hosts over IPv6 "
                               "(2001:db8:ffff::50, HTTPS)"]
    assert result.score == pytest.approx(1 - (1 + len(hints)) / 5)


def test_egress_with_an_unneeded_egress_only_gateway_opens_an_ipv6_path_round_the_nacl():
    """Review AM2: {B, D, E} scored 1.00; the dual-stack worker now reaches any IPv6 host through E."""
    result = evaluate("2.1", {"B", "D", "E"})
    assert result.score == pytest.approx(4 / 5)
    (hint,) = failures(result).values()
    assert "IPv6" in hint and "NACL" in hint


def test_egress_conflicting_default_routes_and_bad_letters_are_errors():
    assert_error(evaluate("2.1", {"A", "B"}), "both set")
    assert_error(evaluate("2.1", "B"), "set of option letters")
    assert_error(evaluate("2.1", {"F"}), "not one of the options")
    assert_error(evaluate("2.1", set()), "at least one")


# --- 2.2 NACL -----------------------------------------------------------------------------------------

def test_nacl_without_ephemeral_ports_fails_every_required_flow_on_the_reply():
    no_ephemeral = {"inbound": [allow(100, "tcp", 443), allow(110, "tcp", 22, "198.51.100.0/24")],
                    "outbound": [allow(100, "tcp", 443), allow(120, "tcp", 8080, "10.20.2.0/24")]}
    result = evaluate("2.2", no_ephemeral)
    assert result.score == pytest.approx(2 / 6)
    for hint in failures(result).values():
        assert "reply" in hint and "1024-65535" in hint and "acl-web" in hint


def test_nacl_allow_all_lets_ssh_and_mail_through():
    result = evaluate("2.2", {"inbound": [allow(100)], "outbound": [allow(100)]})
    assert result.score == pytest.approx(4 / 6)
    assert all("gets through" in h for h in failures(result).values())


def test_nacl_deny_numbered_after_the_allow_does_not_protect_ssh():
    late_deny = copy.deepcopy(REFERENCES["2.2"])
    late_deny["inbound"] = [allow(100, "tcp", 443), allow(105, "tcp", (1, 65535)),
                            {"rule": 200, "protocol": "tcp", "ports": [22, 22], "cidr": "0.0.0.0/0", "action": "deny"}]
    result = evaluate("2.2", late_deny)
    assert "forbidden: SSH from anywhere else on the internet is refused" in failures(result)
    assert 0 < result.score < 1


def test_nacl_deny_list_outbound_loses_the_hidden_ssh_flow():
    """Review WG4: a few outbound denies before allow-all scored 1.00; SSH out to the internet now fails."""
    deny_list = dict(REFERENCES["2.2"], outbound=[{"rule": 90, "protocol": "tcp", "ports": [25, 25],
                                                   "cidr": "0.0.0.0/0", "action": "deny"},
                                                  allow(100, "tcp", (0, 65535))])
    assert evaluate("2.2", deny_list).passed, "the visible flows cannot see this mistake"
    result = evaluate("2.2", deny_list, hidden=notebook_hidden("2.2"))
    assert list(failures(result)) == ["forbidden: no SSH from the web server to an internet host",
                                      "forbidden: the NACL itself refuses SSH from the web server to the app tier"]
    assert result.score < 1


def test_a_rule_widened_behind_the_other_layer_loses_marks():
    """Mutation testing found these: a widened rule that the other layer still masks kept full marks."""
    office_any_port = dict(REFERENCES["2.2"], inbound=[
        r if r["rule"] != 110 else dict(r, ports=[0, 65535]) for r in REFERENCES["2.2"]["inbound"]])
    result = evaluate("2.2", office_any_port, hidden=notebook_hidden("2.2"))
    assert list(failures(result)) == ["forbidden: the NACL itself refuses telnet (TCP 23) from the office"]
    assert "not by nacl-inbound" in result.failures[0].hint and "sg-inbound" in result.failures[0].hint
    wide = {**REFERENCES["2.3"], "sg-db": {"inbound": [{"protocol": "tcp", "peer": "sg-app", "ports": [0, 65535]}],
                                           "outbound": []}}
    result = evaluate("2.3", wide, hidden=notebook_hidden("2.3"))
    assert list(failures(result)) == ["forbidden: the application cannot reach the database on MySQL's port"]
    assert "not by sg-inbound" in result.failures[0].hint


def test_nacl_malformed_rules_name_the_field():
    assert_error(evaluate("2.2", {"inbound": [allow(100, "tcp", 443, "0.0.0.0/40")], "outbound": []}),
                 "answer_2_2['inbound'][0]['cidr']")
    assert_error(evaluate("2.2", {"inbound": []}), "answer_2_2['outbound'] is missing")
    assert_error(evaluate("2.2", {"inbound": [{"protocol": "tcp", "cidr": "0.0.0.0/0", "action": "allow"}],
                                  "outbound": []}), "['rule'] is missing")
    assert_error(evaluate("2.2", {"inbound": [allow(100, "tls", 443)], "outbound": []}),
                 "answer_2_2['inbound'][0]['protocol']")
    assert_error(evaluate("2.2", {}), "empty")


# --- 2.3 security groups --------------------------------------------------------------------------------

def test_groups_with_cidr_peers_let_the_operations_host_in():
    cidrs = {"sg-lb": {"inbound": [sg_rule("tcp", 443, "0.0.0.0/0")],
                       "outbound": [sg_rule("tcp", 8443, "10.30.1.0/24")]},
             "sg-app": {"inbound": [sg_rule("tcp", 8443, "10.30.0.0/16")],
                        "outbound": [sg_rule("tcp", 5432, "10.30.2.0/24")]},
             "sg-db": {"inbound": [sg_rule("tcp", 5432, "10.30.1.0/24")], "outbound": []}}
    result = evaluate("2.3", cidrs)
    hints = failures(result)
    assert set(hints) == {"forbidden: the operations host in the app subnet cannot reach the database",
                          "forbidden: the operations host cannot call the application directly"}
    assert all("reference the group" in h for h in hints.values())
    assert result.score == pytest.approx(5 / 7)


def test_groups_without_outbound_rules_block_the_requests_at_the_sender():
    no_out = {sg: {"inbound": rules["inbound"], "outbound": []} for sg, rules in REFERENCES["2.3"].items()}
    result = evaluate("2.3", no_out)
    assert result.score == pytest.approx(5 / 7)
    assert all("sg-outbound" in h and "stateful" in h for h in failures(result).values())


def test_groups_malformed():
    assert_error(evaluate("2.3", {"sg-lb": {"inbound": [], "outbound": []}}), "answer_2_3['sg-app'] is missing")
    bad_peer = copy.deepcopy(REFERENCES["2.3"])
    bad_peer["sg-db"]["inbound"] = [sg_rule("tcp", 5432, "sg-application")]
    assert_error(evaluate("2.3", bad_peer), "unknown peer", "answer_2_3['sg-db']['inbound'][0]['peer']")
    assert_error(evaluate("2.3", dict(REFERENCES["2.3"], **{"sg-web": {}})), "unexpected key")
    assert_error(evaluate("2.3", dict(REFERENCES["2.3"], **{"sg-db": "open"})), "must be a dict")


# --- 2.4 repair -----------------------------------------------------------------------------------------

def test_repair_without_the_return_route_names_it():
    result = evaluate("2.4", dict(REFERENCES["2.4"], **{"rtb-b": []}))
    (hint,) = failures(result).values()
    assert "route-missing-return" in hint and "rtb-b" in hint
    assert result.score == pytest.approx(2 / 3)


def test_repair_that_keeps_the_broken_routes_gets_the_models_labels():
    result = evaluate("2.4", {"rtb-priv": [{"dest": "0.0.0.0/0", "target": "nat-0priv"},
                                           {"dest": "10.50.0.0/16", "target": "pcx-0deleted", "state": "blackhole"}],
                              "rtb-b": []})
    hints = " ".join(failures(result).values())
    assert "nat-no-igw-route" in hints and "route-blackhole" in hints
    assert result.score == pytest.approx(1 / 3)


def test_repair_via_the_internet_gateway_needs_a_public_address():
    answer = copy.deepcopy(REFERENCES["2.4"])
    answer["rtb-priv"][0]["target"] = "igw-a"
    (hint,) = failures(evaluate("2.4", answer)).values()
    assert "no-public-ip" in hint


def test_repair_malformed_routes():
    assert_error(evaluate("2.4", {"rtb-priv": [{"dest": "0.0.0.0/0", "target": "nat-0missing"}], "rtb-b": []}),
                 "answer_2_4['rtb-priv'][0]['target']")
    assert_error(evaluate("2.4", {"rtb-priv": [{"dest": "10.50.0.0/16"}], "rtb-b": []}), "['target'] is missing")
    assert_error(evaluate("2.4", {"rtb-priv": [{"dest": "10.50.0/16", "target": "pcx-ab"}], "rtb-b": []}),
                 "answer_2_4['rtb-priv'][0]['dest']")
    assert evaluate("2.4", {"rtb-priv": [{"dest": "10.40.0.0/16", "target": "local"},
                                         *REFERENCES["2.4"]["rtb-priv"]], "rtb-b": REFERENCES["2.4"]["rtb-b"]}).passed


# --- 2.5 endpoint policy ----------------------------------------------------------------------------------

def test_endpoint_policy_full_access_fails_both_exfiltration_flows():
    result = evaluate("2.5", {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
    assert result.score == pytest.approx(0.5)
    assert "name the bucket" in " ".join(failures(result).values())


def test_endpoint_policy_prefix_wildcard_is_caught_by_the_hidden_flow():
    loose = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject"],
                            "Resource": f"arn:aws:s3:::{BUCKET}*"}]}
    assert evaluate("2.5", loose).passed, "the visible flows alone do not see this mistake"
    result = evaluate("2.5", loose, hidden=notebook_hidden("2.5"))
    assert not result.passed and {r.hidden for r in result.failures} == {True}


def test_endpoint_policy_with_service_wildcard_loses_the_admin_flow():
    result = evaluate("2.5", {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                              "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]}]})
    assert list(failures(result)) == ["forbidden: nobody in the VPC can change the bucket policy through the endpoint"]


def test_endpoint_policy_actions_are_case_insensitive_as_in_aws():
    for actions in (["S3:GetObject", "S3:PutObject"], ["s3:getobject", "s3:putobject"]):
        answer = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": actions,
                                                          "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}
        result = evaluate("2.5", answer, hidden=notebook_hidden("2.5"))
        assert result.passed and result.error is None, result


def test_endpoint_policy_data_perimeter_on_the_resource_account_is_graded():
    # AWS's data-perimeter pattern: Resource "*" scoped by the bucket owner's account, no bucket names
    perimeter = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*",
        "Condition": {"StringEquals": {"s3:ResourceAccount": "111122223333"}}}]}
    result = evaluate("2.5", perimeter, hidden=notebook_hidden("2.5"))
    assert result.passed and result.error is None, result
    wrong_account = copy.deepcopy(perimeter)
    wrong_account["Statement"][0]["Condition"]["StringEquals"]["s3:ResourceAccount"] = "444455556666"
    result = evaluate("2.5", wrong_account)
    assert result.error is None and result.score == pytest.approx(0.25)  # the outsider's account is let in instead
    assert set(failures(result)) == {"required: the reporter reads a report", "required: the reporter writes a report",
                                     "forbidden: nobody in the VPC can upload to another bucket"}


def test_endpoint_policy_organization_perimeter_with_every_action_loses_only_the_admin_flows():
    org = {"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowRequestsByOrgsIdentitiesToOrgsResources", "Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:ResourceOrgID": "o-a1b2c3d4e5"}}}]}
    result = evaluate("2.5", org, hidden=notebook_hidden("2.5"))
    assert result.error is None
    assert set(failures(result)) == {"forbidden: nobody in the VPC can change the bucket policy through the endpoint",
                                     "forbidden: no deleting the bucket through the endpoint",
                                     "forbidden: no deleting a report through the endpoint",
                                     "forbidden: no making a report public through the endpoint"}


def test_endpoint_policy_not_action_and_not_resource_are_decided():
    guard = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "NotAction": ["s3:GetObject", "s3:PutObject"], "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "*", "NotResource": f"arn:aws:s3:::{BUCKET}/*"}]}
    assert evaluate("2.5", guard, hidden=notebook_hidden("2.5")).passed
    no_resource_guard = copy.deepcopy(guard)
    del no_resource_guard["Statement"][2]
    result = evaluate("2.5", no_resource_guard, hidden=notebook_hidden("2.5"))
    assert result.error is None and {r.description for r in result.failures} == {
        "forbidden: nobody in the VPC can upload to another bucket",
        "forbidden: no upload to a bucket whose name only starts like the team's"}


def test_endpoint_policy_malformed():
    assert_error(evaluate("2.5", '{"Statement": ['), "not valid JSON")
    assert_error(evaluate("2.5", {"Version": "2012-10-17"}), "no 'Statement'")
    assert_error(evaluate("2.5", {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}),
                 "needs Resource or NotResource", "answer_2_5['Statement'][0]")
    assert_error(evaluate("2.5", {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                 "Resource": "*", "Condition": {"StringEqual": {"a": "b"}}}]}),
                 "answer_2_5['Statement'][0]['Condition']['StringEqual']")
    assert evaluate("2.5", json.dumps(REFERENCES["2.5"])).passed


# --- 2.6 bucket policy ------------------------------------------------------------------------------------

def test_bucket_policy_allow_instead_of_deny_does_not_remove_identity_access():
    allow_only = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": OBJECTS,
        "Condition": {"StringEquals": {"aws:SourceVpce": VPCE}}}]}
    result = evaluate("2.6", allow_only)
    assert result.score == pytest.approx(0.5)
    assert "only an explicit Deny" in " ".join(failures(result).values())


def test_bucket_policy_on_objects_only_misses_list_bucket():
    objects_only = copy.deepcopy(REFERENCES["2.6"])
    objects_only["Statement"][0]["Resource"] = OBJECTS[1]
    (description,) = failures(evaluate("2.6", objects_only))
    assert description.startswith("the same credentials cannot list the bucket")


def test_bucket_policy_on_source_vpc_admits_the_second_endpoint():
    by_vpc = copy.deepcopy(REFERENCES["2.6"])
    by_vpc["Statement"][0]["Condition"] = {"StringNotEquals": {"aws:SourceVpc": "vpc-0d4ta5e7"}}
    hints = failures(evaluate("2.6", by_vpc))
    assert len(hints) == 1 and "aws:SourceVpc accepts every endpoint" in next(iter(hints.values()))


def test_bucket_policy_hints_never_give_the_solution():
    result = evaluate("2.6", {"Version": "2012-10-17", "Statement": []})
    hints = " ".join(r.hint for r in result.failures)
    assert VPCE not in hints and "StringNotEquals" not in hints


# --- 2.7 peering or transit gateway -----------------------------------------------------------------------

def test_hub_peering_cannot_borrow_the_nat_gateway():
    result = evaluate("2.7", "A")
    assert result.score == pytest.approx(3 / 5)
    assert all("peering-edge-to-edge" in h and "transitive" in h for h in failures(result).values())


@pytest.mark.parametrize("letter", ["B", "C", "D", "F"])
def test_hub_designs_that_join_the_spokes_fail_the_isolation_flows(letter):
    result = evaluate("2.7", letter)
    hints = failures(result)
    assert "forbidden: dev cannot reach prod" in hints and "forbidden: prod cannot reach dev" in hints
    assert all(f"option {letter}" in h for h in hints.values())
    assert 0 < result.score < 1


def test_hub_single_letter_only():
    assert_error(evaluate("2.7", {"E"}), "one option letter")
    assert_error(evaluate("2.7", "Z"), "not one of the options")
    assert evaluate("2.7", " e ").passed


# --- 2.8 Direct Connect --------------------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, words", [("A", "does not encrypt"), ("B", "clear"), ("D", "layer 3"),
                                          ("E", "hosted connections")])
def test_direct_connect_wrong_options_explain_the_misconception(wrong, words):
    result = evaluate("2.8", wrong)
    assert result.score == 0 and words in result.failures[0].hint
    assert "must_encrypt" not in result.failures[0].hint


# --- 2.9 API Gateway -------------------------------------------------------------------------------------

def test_api_policy_without_the_endpoint_condition_lets_everyone_in():
    result = evaluate("2.9", {"Version": "2012-10-17", "Statement": [REFERENCES["2.9"]["Statement"][0]]})
    assert result.score == pytest.approx(4 / 6)
    assert "any execute-api endpoint" in " ".join(failures(result).values())


def test_api_policy_limited_to_one_method_or_signed_callers_fails_allowed_calls():
    get_only = copy.deepcopy(REFERENCES["2.9"])
    get_only["Statement"][0]["Resource"] = API.replace("/*", "/prod/GET/*")
    assert list(failures(evaluate("2.9", get_only))) == [
        "a client in the VPC calls POST /reports through the team's endpoint"]
    account_only = copy.deepcopy(REFERENCES["2.9"])
    account_only["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::111122223333:root"}
    hints = failures(evaluate("2.9", account_only))
    assert len(hints) == 2 and "do not sign" in next(iter(hints.values()))


def test_api_policy_shorthand_resource_is_an_error_pointing_into_the_policy():
    shorthand = copy.deepcopy(REFERENCES["2.9"])
    shorthand["Statement"][0]["Resource"] = "execute-api:/*"
    assert_error(evaluate("2.9", shorthand), "your policy.Statement[0].Resource")


def test_api_policy_service_wildcard_costs_a_lint_point():
    wild = copy.deepcopy(REFERENCES["2.9"])
    for statement in wild["Statement"]:
        statement["Action"] = "execute-api:*"
    result = evaluate("2.9", wild)
    assert [r.description for r in result.failures] == [lint_requirement("IAM010")]


# --- 2.10 CloudFront OAC -----------------------------------------------------------------------------------

def test_oac_policy_without_source_arn_admits_every_distribution():
    no_condition = copy.deepcopy(REFERENCES["2.10"])
    del no_condition["Statement"][0]["Condition"]
    hints = failures(evaluate("2.10", no_condition))
    assert list(hints) == ["another customer's distribution cannot read your bucket"]
    assert "same service principal" in hints["another customer's distribution cannot read your bucket"]


def test_oac_public_read_fails_cases_and_lint():
    public = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                       "Resource": "arn:aws:s3:::example-static-site/*"}]}
    result = evaluate("2.10", public)
    descriptions = [r.description for r in result.failures]
    assert "nobody reads objects straight from S3 without CloudFront" in descriptions
    assert lint_requirement("IAM004") in descriptions
    assert 0 < result.score < 1


def test_oac_write_access_fails_put_and_lint():
    s3_all = copy.deepcopy(REFERENCES["2.10"])
    s3_all["Statement"][0]["Action"] = "s3:*"
    descriptions = [r.description for r in evaluate("2.10", s3_all).failures]
    assert descriptions == ["the distribution cannot overwrite objects", lint_requirement("IAM010")]


def test_oac_hidden_cases_catch_an_account_wide_condition():
    account_wide = copy.deepcopy(REFERENCES["2.10"])
    account_wide["Statement"][0]["Condition"] = {"StringEquals": {"AWS:SourceAccount": "111122223333"}}
    assert evaluate("2.10", account_wide).passed
    result = evaluate("2.10", account_wide, hidden=notebook_hidden("2.10"))
    assert [r.hidden for r in result.failures] == [True, True]  # another distribution; no distribution named


def test_keys_are_hashes_only():
    source = (ROOT / "course" / "notebooks" / "networking.py").read_text()
    assert "make_key(" not in source and len(re.findall(r'"[0-9a-f]{64}"', source)) == 1
