"""The NetworkExercise kind: answers merged into a base network, graded by course.net reachability."""

from __future__ import annotations

import json

import pytest

from course.exercises import CheckResult, Flow, NetworkExercise, Option, Options, Slot, Slots, from_data, to_data
from course.net import NetworkBuilder, allow, sg_rule


def base(web_nacl: tuple = ()) -> dict:
    return (NetworkBuilder().vpc("vpc-a", "10.0.0.0/16")
            .subnet("subnet-web", "vpc-a", "10.0.1.0/24").route_table("rtb-web", "vpc-a", subnets=["subnet-web"])
            .subnet("subnet-app", "vpc-a", "10.0.2.0/24").route_table("rtb-app", "vpc-a", subnets=["subnet-app"])
            .igw("igw-a", "vpc-a").route("rtb-web", "0.0.0.0/0", "igw-a")
            .nacl("acl-web", "vpc-a", inbound=web_nacl, outbound=web_nacl, subnets=["subnet-web"])
            .sg("sg-web", "vpc-a", inbound=[sg_rule("tcp", 443, "0.0.0.0/0"), sg_rule("tcp", 22, "0.0.0.0/0")])
            .sg("sg-app", "vpc-a", inbound=[sg_rule("tcp", 8080, "sg-web")])
            .eni("eni-web", "subnet-web", "10.0.1.10", public_ip="198.18.0.10", sgs=["sg-web"])
            .eni("eni-app", "subnet-app", "10.0.2.10", sgs=["sg-app"])
            .nat("nat-a", "subnet-web", "10.0.1.5", "198.18.0.5")
            .build())


HTTPS_IN = Flow("a client reaches the web server on 443", {"src": "203.0.113.50", "dst": "eni-web",
                                                           "protocol": "tcp", "port": 443},
                hint="NACLs are stateless: the reply needs its own outbound rule")
SSH_IN = Flow("nobody on the internet reaches port 22", {"src": "203.0.113.50", "dst": "eni-web",
                                                         "protocol": "tcp", "port": 22},
              expect="blocked", hint="an allow-all rule also lets in what the security group forgot to close")
WEB_TO_APP = Flow("web reaches the app tier on 8080", {"src": "eni-web", "dst": "eni-app", "protocol": "tcp",
                                                       "port": 8080})

NACL = NetworkExercise(
    id="99.1", title="NACL for a web subnet", points=3, answer_name="answer_99_1", base=base(),
    form=Slots([Slot(("inbound",), ("nacls", "acl-web", "inbound"), "nacl_rules"),
                Slot(("outbound",), ("nacls", "acl-web", "outbound"), "nacl_rules")]),
    flows=[HTTPS_IN, SSH_IN, WEB_TO_APP])

GOOD_NACL = {
    "inbound": [allow(100, "tcp", 443), allow(110, "tcp", (1024, 65535))],
    "outbound": [allow(100, "tcp", (1024, 65535)), allow(110, "tcp", 8080, "10.0.2.0/24")],
}


def _app_egress(doc: dict) -> None:
    doc["route_tables"]["rtb-app"]["routes"].append({"dest": "0.0.0.0/0", "target": "nat-a"})


def _app_igw(doc: dict) -> None:
    doc["route_tables"]["rtb-app"]["routes"].append({"dest": "0.0.0.0/0", "target": "igw-a"})


def _open_app(doc: dict) -> None:
    doc["security_groups"]["sg-app"]["inbound"].append(sg_rule("tcp", None, "0.0.0.0/0"))


EGRESS = NetworkExercise(
    id="99.2", title="Egress for the app tier", points=2, answer_name="answer_99_2", base=base((allow(100),)),
    form=Options({"A": Option("route to the NAT gateway", _app_egress, "the NAT gateway translates outbound only",
                              sets=("the default route",)),
                  "B": Option("route to the internet gateway", _app_igw, "an IGW needs a public IP on the host",
                              sets=("the default route",)),
                  "C": Option("open every TCP port to everyone", _open_app, "a wide security group rule")},
                 multiple=True),
    flows=[Flow("the app reaches an API", {"src": "eni-app", "dst": "203.0.113.50", "protocol": "tcp", "port": 443},
                hint="a private subnet needs a translating hop for IPv4"),
           Flow("web still reaches the app", WEB_TO_APP.query),
           Flow("a VPC neighbour without sg-web cannot reach the app", {"src": "eni-web", "dst": "eni-app",
                                                                    "protocol": "tcp", "port": 9090},
                expect="blocked")])


def test_right_rules_pass_every_flow_and_answers_travel_as_data():
    result = NACL.check(GOOD_NACL)
    assert result.passed and result.score == 1.0, str(result)
    assert NACL.check(from_data(to_data(GOOD_NACL))).passed
    assert NACL.kind == "network" and NACL.describe()["flows"] == 3


def test_missing_ephemeral_rule_fails_with_the_models_explanation_and_the_misconception():
    answer = {"inbound": [allow(100, "tcp", 443)], "outbound": [allow(100, "tcp", 443)]}
    result = NACL.check(answer)
    assert result.error is None
    failed = {r.description: r.hint for r in result.failures}
    hint = failed["required: a client reaches the web server on 443"]
    assert "acl-web" in hint and "reply" in hint and "stateless" in hint
    assert result.score == pytest.approx(1 / 3)


def test_allow_all_inbound_lets_a_forbidden_flow_through_with_partial_credit():
    answer = {"inbound": [allow(100)], "outbound": [allow(100)]}
    result = NACL.check(answer)
    (failure,) = result.failures
    assert failure.description == "forbidden: nobody on the internet reaches port 22"
    assert "gets through" in failure.hint and "reachable" in failure.hint and "security group forgot" in failure.hint
    assert result.score == pytest.approx(2 / 3)


def test_rule_helpers_tuples_and_single_ports_are_accepted():
    answer = {"inbound": [{"rule": 100, "protocol": "TCP", "ports": 443, "cidr": "0.0.0.0/0", "action": "Allow"},
                          {"rule": 110, "protocol": "tcp", "ports": (1024, 65535), "cidr": "0.0.0.0/0",
                           "action": "allow"}],
              "outbound": GOOD_NACL["outbound"]}
    assert NACL.check(answer).passed


@pytest.mark.parametrize("bad, words", [
    (None, ["no answer yet"]),
    ([], ["expected a dict"]),
    ("inbound", ["expected a dict"]),
    ({}, ["empty"]),
    ({"inbound": []}, ["answer_99_1['outbound'] is missing"]),
    ({"inbound": [], "outbound": [], "sideways": []}, ["unexpected key", "'sideways'"]),
    ({"inbound": "allow all", "outbound": []}, ["answer_99_1['inbound']", "list"]),
    ({"inbound": [42], "outbound": []}, ["answer_99_1['inbound'][0]", "dict"]),
    ({"inbound": [{"rule": 100, "protocol": "tcp", "cidr": "10.0.0.0/33", "action": "allow"}], "outbound": []},
     ["answer_99_1['inbound'][0]['cidr']"]),
    ({"inbound": [{"rule": 100, "protocol": "tcp", "cidr": "not-a-cidr", "action": "allow"}], "outbound": []},
     ["answer_99_1['inbound'][0]['cidr']"]),
    ({"inbound": [{"protocol": "tcp", "cidr": "0.0.0.0/0", "action": "allow"}], "outbound": []},
     ["answer_99_1['inbound'][0]['rule'] is missing"]),
    ({"inbound": [], "outbound": [{"rule": 100, "protocol": "tcp", "ports": [443, 80], "cidr": "0.0.0.0/0",
                                   "action": "allow"}]}, ["answer_99_1['outbound'][0]['ports']", "from > to"]),
    ({"inbound": [], "outbound": [{"rule": 100, "protocol": "tcp", "cidr": "0.0.0.0/0", "action": "permit"}]},
     ["answer_99_1['outbound'][0]['action']"]),
    ({"inbound": [allow(100), allow(100, "tcp", 22)], "outbound": []},
     ["answer_99_1['inbound'][1]['rule']", "already used"]),
    ({"inbound": [{"rule": 100, "protocol": "tcp", "cidr": "0.0.0.0/0", "action": "allow", "port": 22}],
      "outbound": []}, ["unexpected key", "'port'"]),
])
def test_malformed_answers_give_an_error_with_the_path_of_the_bad_field(bad, words):
    result = NACL.check(bad)
    assert isinstance(result, CheckResult) and result.error, f"accepted {bad!r}"
    assert result.score == 0 and not result.passed
    for word in words:
        assert word in result.error, f"{word!r} not in {result.error!r}"


def test_sg_and_route_slots_with_learner_paths_and_local_routes_kept():
    exercise = NetworkExercise(
        id="99.3", title="t", points=1, answer_name="a", base=base((allow(100),)),
        form=Slots([Slot(("sg-app", "inbound"), ("security_groups", "sg-app", "inbound"), "sg_rules"),
                    Slot(("routes",), ("route_tables", "rtb-app", "routes"), "routes", optional=True),
                    Slot(("nat_subnet",), ("nat_gateways", "nat-a", "subnet"), "id", optional=True)]),
        flows=[WEB_TO_APP])
    assert exercise.check({"sg-app": {"inbound": [sg_rule("tcp", 8080, "sg-web")]}}).passed
    cidr_rule = exercise.check({"sg-app": {"inbound": [sg_rule("tcp", 8080, "10.0.1.0/24")]}})
    assert cidr_rule.passed, "a CIDR rule also admits the web subnet"
    closed = exercise.check({"sg-app": {"inbound": []}})
    assert "sg-inbound" in closed.failures[0].hint
    err = exercise.check({"sg-app": {"inbound": [sg_rule("tcp", 8080, "sg-nope")]}}).error
    assert "unknown peer" in err and "a['sg-app']['inbound'][0]['peer']" in err
    err = exercise.check({"sg-app": {"inbound": []}, "routes": [{"dest": "0.0.0.0/0", "target": "nat-a"},
                                                               {"dest": "0.0.0.0/8", "target": "igw-nope"}]}).error
    assert "a['routes'][1]['target']" in err, err
    doc = exercise.network({"sg-app": {"inbound": []}, "routes": [{"dest": "0.0.0.0/0", "target": "nat-a"}]})
    assert doc["route_tables"]["rtb-app"]["routes"][0] == {"dest": "10.0.0.0/16", "target": "local"}
    err = exercise.check({"sg-app": {"inbound": []}, "nat_subnet": "subnet-nope"}).error
    assert "a['nat_subnet']" in err
    assert "a['nat_subnet']" in exercise.check({"sg-app": {"inbound": []}, "nat_subnet": 3}).error
    assert "a['sg-app'] must be a dict" in exercise.check({"sg-app": [sg_rule()]}).error


def test_options_are_graded_by_the_flows_they_produce():
    assert EGRESS.check({"A"}).passed
    igw = EGRESS.check({"B"})
    assert not igw.passed and "no-public-ip" in igw.failures[0].hint
    assert "You chose option B. An IGW needs a public IP" in igw.failures[0].hint, "the chosen option's note is shown"
    wide = EGRESS.check(["a", "c"])
    assert wide.score == pytest.approx(2 / 3) and "gets through" in wide.failures[0].hint


@pytest.mark.parametrize("bad, words", [
    ("A", ["set of option letters"]), (set(), ["at least one"]), ({"Z"}, ["not one of the options"]),
    ({"A", "B"}, ["options A and B both set the default route"]), ({1}, ["option letter"]),
    ({"A": 1}, ["set of option letters"]),
])
def test_malformed_option_answers(bad, words):
    result = EGRESS.check(bad)
    assert result.error and all(w in result.error for w in words), result.error


def test_single_option_form_takes_one_letter():
    single = NetworkExercise(id="99.4", title="t", points=1, answer_name="a", base=EGRESS.base,
                             form=Options(dict(EGRESS.form.options)), flows=EGRESS.flows)
    assert single.check(" a ").passed
    assert "one option letter" in single.check({"A"}).error


def test_hidden_flows_are_literal_data_and_marked_hidden():
    hidden = [{"description": "ssh from the internet stays closed", "expect": "blocked",
               "query": {"src": "192.0.2.77", "dst": "eni-web", "protocol": "tcp", "port": 22},
               "hint": "check the inbound rules"}]
    result = NACL.check(GOOD_NACL, hidden=hidden)
    assert result.passed and result.requirements[-1].hidden
    loose = NACL.check({"inbound": [allow(100)], "outbound": [allow(100)]}, hidden=hidden)
    assert loose.requirements[-1].hidden and not loose.requirements[-1].passed
    with pytest.raises(ValueError):
        Flow.from_data({"description": "x", "query": {}, "expect": "maybe"})


def test_a_query_the_model_rejects_is_an_authoring_error_surfaced_as_error_not_exception():
    bad = [{"description": "x", "expect": "reachable", "query": {"src": "eni-nope", "dst": "eni-web",
                                                                   "protocol": "tcp", "port": 1}}]
    with pytest.raises(Exception):  # noqa: B017 - authoring mistakes in hidden data must be loud for the author
        NACL.check(GOOD_NACL, hidden=bad)


def test_a_policy_slot_takes_the_whole_answer_as_dict_or_json_and_checks_it():
    b = (NetworkBuilder().vpc("vpc-a", "10.0.0.0/16").subnet("subnet-a", "vpc-a", "10.0.1.0/24")
         .route_table("rtb-a", "vpc-a", subnets=["subnet-a"]).sg("sg-a", "vpc-a")
         .eni("eni-a", "subnet-a", "10.0.1.10", sgs=["sg-a"])
         .prefix_list("pl-s3", "s3", ["52.218.0.0/17"]).service("s3", ["52.218.0.0/17"], prefix_list="pl-s3"))
    b.gateway_endpoint("vpce-1", "vpc-a", "s3", route_tables=["rtb-a"])

    def flow(action: str, resource: str, expect: str) -> Flow:
        return Flow(action, {"src": "eni-a", "dst": "s3", "dst_ip": "52.218.1.1", "protocol": "tcp", "port": 443,
                             "request": {"action": action, "resource": resource}}, expect)

    exercise = NetworkExercise(id="99.5", title="t", points=1, answer_name="a", base=b.build(),
                               form=Slots([Slot((), ("vpc_endpoints", "vpce-1", "policy"), "policy")]),
                               flows=[flow("s3:GetObject", "arn:aws:s3:::mine/x", "reachable"),
                                      flow("s3:PutObject", "arn:aws:s3:::theirs/x", "blocked")])
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::mine/*"}]}
    assert exercise.check(policy).passed
    assert exercise.check(json.dumps(policy)).passed
    everything = exercise.check({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
    assert everything.score == 0.5 and "gets through" in everything.failures[0].hint
    assert "endpoint-policy" in exercise.check({"Statement": []}).failures[0].hint
    for bad, words in [("{", "not valid JSON"), ([policy], "must be a policy"), ({}, "no 'Statement'"),
                       ({"Statement": [{"Effect": "Permit", "Action": "s3:*", "Resource": "*"}]},
                        "a['Statement'][0]['Effect']"),
                       ({"Statement": [{"Effect": "Allow", "Resource": "*"}]},
                        "one of Action or NotAction (at a['Statement'][0])"),
                       ({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                        "Condition": {"StringEqual": {"aws:PrincipalOrgID": "o-1"}}}]},
                        "a['Statement'][0]['Condition']['StringEqual']")]:
        result = exercise.check(bad)
        assert result.error and words in result.error, (bad, result.error)
    # conditions are decided as IAM does; course.net puts aws:SourceVpce and aws:SourceVpc in the context
    for key, value, passes in [("aws:SourceVpce", "vpce-1", True), ("aws:sourcevpc", "vpc-a", True),
                               ("aws:SourceVpce", "vpce-other", False)]:
        scoped = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                 "Resource": "arn:aws:s3:::mine/*", "Condition": {"StringEquals": {key: value}}}]}
        result = exercise.check(scoped)
        assert result.error is None and result.passed == passes, (key, value, result)


def test_complete_request_fills_every_flow_and_the_flow_keeps_what_it_says():
    b = (NetworkBuilder().vpc("vpc-a", "10.0.0.0/16").subnet("subnet-a", "vpc-a", "10.0.1.0/24")
         .route_table("rtb-a", "vpc-a", subnets=["subnet-a"]).sg("sg-a", "vpc-a")
         .eni("eni-a", "subnet-a", "10.0.1.10", sgs=["sg-a"])
         .prefix_list("pl-s3", "s3", ["52.218.0.0/17"]).service("s3", ["52.218.0.0/17"], prefix_list="pl-s3"))
    b.gateway_endpoint("vpce-1", "vpc-a", "s3", route_tables=["rtb-a"])

    def flow(resource: str, expect: str, **request: object) -> Flow:
        return Flow(resource, {"src": "eni-a", "dst": "s3", "dst_ip": "52.218.1.1", "protocol": "tcp", "port": 443,
                               "request": {"action": "s3:GetObject", "resource": resource, **request}}, expect)

    def caller(request: dict) -> dict:
        owner = "111122223333" if "/mine/" in request["resource"] else "444455556666"
        return {"principal": "arn:aws:iam::111122223333:user/u", "context": {"s3:ResourceAccount": owner}}

    exercise = NetworkExercise(
        id="99.6", title="t", points=1, answer_name="a", base=b.build(), complete_request=caller,
        form=Slots([Slot((), ("vpc_endpoints", "vpce-1", "policy"), "policy")]),
        flows=[flow("arn:aws:s3:::x/mine/k", "reachable"), flow("arn:aws:s3:::theirs/k", "blocked"),
               # the flow's own context key wins over the completed one
               flow("arn:aws:s3:::x/mine/k", "blocked", context={"s3:ResourceAccount": "444455556666"})])
    mine = {"StringEquals": {"s3:ResourceAccount": "111122223333"}}
    perimeter = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*",
                                "Resource": "*", "Condition": mine}]}
    assert exercise.check(perimeter).passed
    assert exercise.query(exercise.flows[2])["request"]["principal"] == "arn:aws:iam::111122223333:user/u"
    # without the completion the caller is anonymous, whom a Principal naming the account does not cover
    bare = NetworkExercise(id="99.7", title="t", points=1, answer_name="a", base=b.build(), form=exercise.form,
                           flows=exercise.flows[:1])
    assert not bare.check(perimeter).passed


def test_blocked_by_names_known_labels_on_blocked_flows_only():
    from course.exercises.kinds.network import Flow

    query = {"src": "10.0.0.1", "dst": "10.0.0.2", "protocol": "tcp", "port": 22}
    assert Flow("x", query, "blocked", blocked_by=("sg-inbound",)).blocked_by == ("sg-inbound",)
    with pytest.raises(ValueError, match="unknown label"):
        Flow("x", query, "blocked", blocked_by=("sg-inbund",))
    with pytest.raises(ValueError, match="must be blocked"):
        Flow("x", query, "reachable", blocked_by=("sg-inbound",))
    with pytest.raises(ValueError, match="blocked_by must be a list"):
        Flow.from_data({"description": "x", "query": query, "expect": "blocked", "blocked_by": "sg-inbound"})
