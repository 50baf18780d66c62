"""The exercise framework: kinds, keys, feedback rendering and answers as data."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from course.exercises import (
    CheckResult,
    ExerciseFailed,
    MappingMatch,
    MultipleChoice,
    Ordering,
    Part,
    PolicyCase,
    PolicyExercise,
    Precedence,
    SingleChoice,
    TableMatch,
    ValueMatch,
    choice_keys,
    from_data,
    make_key,
    part_key,
    precedence_key,
    set_policy_evaluator,
    table_keys,
    to_data,
)
from course.exercises.checking import show
from course.exercises.keys import canonical, matches
from course.exercises.kinds.policy import lint_requirement

SINGLE = SingleChoice(
    id="99.1", title="Egress for a private subnet", points=2, answer_name="answer_99_1",
    options={"A": "Internet gateway", "B": "NAT gateway", "C": "Peering"},
    explanations={"A": "An IGW needs a public IP on the instance, so it accepts inbound too.",
                  "B": "A NAT gateway lets the instance start connections out but not receive them.",
                  "C": "Peering connects VPCs, not the internet."},
    key=make_key("99.1", "B"))

MULTI = MultipleChoice(
    id="99.2", title="Protect stored mail", points=3, answer_name="answer_99_2",
    options={"A": "KMS", "B": "public ACL", "C": "source account condition", "D": "disable logging"},
    explanations={"A": "KMS keys protect the mail at rest.", "B": "A public ACL exposes the mail.",
                  "C": "The condition stops a confused deputy.", "D": "Logging is how you notice misuse."},
    keys=choice_keys("99.2", {"A", "C"}, "ABCD"))


def test_keys_are_not_plain_text_and_match_canonical_values():
    key = make_key("99.1", "B")
    assert "B" not in key and len(key) == 64
    assert matches(key, "99.1", " B ")
    assert not matches(key, "99.2", "B"), "the exercise id is part of the salt"
    assert canonical({3, 1, 2}) == [1, 2, 3]
    assert canonical(2.0) == 2 and canonical(0.1234567, decimals=3) == 0.123
    assert not matches(key, "99.1", object()), "odd types never raise"


def test_single_choice_right_wrong_and_malformed():
    assert SINGLE.check("B").passed and SINGLE.check(" b ").score == 1.0
    wrong = SINGLE.check("A")
    assert not wrong.passed and wrong.score == 0
    assert wrong.failures[0].hint == "You chose option A. An IGW needs a public IP on the instance, so it accepts " \
        "inbound too.", "the hint names the chosen option and explains why it is wrong"
    assert "NAT" not in SINGLE.check("C").failures[0].hint, "a hint never describes the right option"
    for bad, words in [(["B"], "exactly one"), (2, "string"), ("Z", "not one of"), (None, "no answer yet")]:
        result = SINGLE.check(bad)
        assert result.error and words in result.error and result.score == 0


def test_multiple_choice_scores_share_of_options_classified_correctly():
    assert MULTI.check({"A", "C"}).score == 1.0
    assert MULTI.check({"A"}).score == pytest.approx(0.75)
    half = MULTI.check({"A", "B"})
    assert half.score == pytest.approx(0.5)
    hints = " ".join(r.hint for r in half.failures)
    assert "You chose option B, which does not apply. A public ACL exposes the mail." in hints
    assert "You chose A and B, and 1 more option applies as well." in hints
    assert "Option C" not in hints and "option C" not in hints, "a missed option is not named"
    assert MULTI.check(set()).error and MULTI.check("AC").error and MULTI.check({"A": 1}).error


def test_value_match_with_type_check_and_hidden_expectation():
    exercise = ValueMatch(id="99.3", title="Count", points=1, answer_name="a", key=make_key("99.3", 42),
                          expected_type=int, description="the number of failed logins", hint="Count rows.")
    assert exercise.check(42).passed
    assert exercise.check(41).failures[0].hint == "You answered 41. Count rows."
    assert "expected a number" in exercise.check("42").error
    assert "expected a number" in exercise.check(True).error, "a bool is not a number answer"
    hidden = exercise.check(42, hidden={"expected": 43})
    assert not hidden.passed and hidden.requirements[-1].hidden


def test_mapping_match_gives_partial_credit_per_part():
    exercise = MappingMatch(id="99.4", title="Verdicts", points=2, answer_name="a", parts=[
        Part("spf", part_key("99.4", "spf", "pass"), "Look at Received-SPF."),
        Part("dmarc", part_key("99.4", "dmarc", "fail"), "Alignment: compare the From domain.")])
    assert exercise.check({"spf": "PASS", "dmarc": "fail"}).passed
    half = exercise.check({"spf": "pass", "dmarc": "pass"})
    assert half.score == 0.5
    assert half.failures[0].hint == "You answered 'pass'. Alignment: compare the From domain."
    assert "missing" in exercise.check({"spf": "pass"}).failures[0].hint
    assert "unexpected key" in exercise.check({"spf": "pass", "dkim": "x"}).error
    assert "expected a dict" in exercise.check(["spf"]).error


def test_table_match_checks_columns_rows_and_values():
    truth = pd.DataFrame({"ip": ["198.51.100.7", "203.0.113.9"], "count": [12, 3]})
    exercise = TableMatch(id="99.5", title="Top talkers", points=2, answer_name="a", columns=["ip", "count"],
                          **table_keys("99.5", truth, ["ip", "count"]), hints={"count": "Count per IP."})
    assert exercise.check(truth.iloc[::-1]).passed, "row order does not matter"
    wrong = truth.assign(count=[12, 4])
    assert exercise.check(wrong).failures[0].hint == "Your column count holds other values. Count per IP."
    short = exercise.check(truth.head(1))
    assert not short.passed and short.failures[0].hint.startswith("Your table has 1 row.")
    missing = exercise.check(truth[["ip"]])
    assert missing.failures[0].hint == "Your table has no column count; it has ip."
    assert "DataFrame" in exercise.check({"ip": []}).error


class FakeEngine:
    """Stands in for course.iam in these framework tests only: allows when the policy names the action."""

    def __call__(self, question: dict) -> dict:
        policy = question["policies"]["resource"]
        if policy.get("Statement") == "broken":
            return {"error": {"message": "Statement must be a list", "path": "policies.resource.Statement"}}
        allowed = any(s.get("Action") == question["request"]["action"] for s in policy["Statement"])
        return {"decision": "Allow" if allowed else "ImplicitDeny", "explanation": {}}


@pytest.fixture
def fake_engine():
    set_policy_evaluator(FakeEngine())
    yield
    set_policy_evaluator(None)


def test_policy_exercise_cases_hidden_cases_and_errors(fake_engine):
    exercise = PolicyExercise(id="99.6", title="Bucket policy", points=3, answer_name="a", slot="resource", cases=[
        PolicyCase("reads are allowed", {"action": "s3:GetObject"}, True, "Grant s3:GetObject."),
        PolicyCase("deletes are denied", {"action": "s3:DeleteObject"}, False, "Do not grant deletes.")])
    good = {"Version": "2012-10-17", "Statement": [{"Action": "s3:GetObject"}]}
    assert exercise.check(good).passed
    assert exercise.check(json.dumps(good)).passed, "a JSON string works too"
    too_open = {"Statement": [{"Action": "s3:GetObject"}, {"Action": "s3:DeleteObject"}]}
    result = exercise.check(too_open)
    assert result.score == 0.5
    assert result.failures[0].hint == ("With your policy this request gets Allow; it should be denied. "
                                       "Do not grant deletes."), "the hint says what the learner's policy did"
    hidden = exercise.check(good, hidden=[{"description": "puts denied", "request": {"action": "s3:PutObject"},
                                           "allow": True}])
    assert not hidden.passed and hidden.failures[0].hidden
    assert "not valid JSON" in exercise.check('{"Statement": [').error
    assert "line 1" in exercise.check('{"Statement": [').error
    assert "no 'Statement'" in exercise.check({"Version": "2012-10-17"}).error
    assert "a policy is a dict" in exercise.check(["x"]).error
    broken = exercise.check({"Statement": "broken"})
    assert "your policy.Statement" in broken.error and "must be a list" in broken.error


def test_check_result_renders_text_and_html_with_symbols_not_only_colour():
    result = SINGLE.check("A")
    text, page = str(result), result._repr_html_()
    assert "✘ FAIL" in text and "hint:" in text
    assert "✘ FAIL" in page and "<table" in page and "<caption" in page
    assert "Internet gateway" not in page, "feedback does not list the options' text"
    assert CheckResult("1.1", "t", error="x<y").to_dict()["score"] == 0
    assert "x&lt;y" in CheckResult("1.1", "t", error="x<y")._repr_html_()


def test_check_prints_table_and_raises_assertion_error(capsys, monkeypatch):
    from course.exercises import checking, registry

    monkeypatch.setitem(registry._REGISTRY, "99.1", SINGLE)
    assert checking.check("99.1", "B") is None
    assert "✔ PASS" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="0 of 1 requirements met"):
        checking.check("99.1", "C")
    with pytest.raises(ExerciseFailed):
        checking.check("99.1", None)
    show(SINGLE.check("B"))
    assert capsys.readouterr().err == "", "nothing on stderr: nbgrader would score that 0"


def test_unknown_exercise_id_says_what_ids_look_like():
    from course.exercises import get

    with pytest.raises(KeyError, match="ids look like"):
        get("nope")


@pytest.mark.parametrize("value", [
    "B", 3, 2.5, True, None, ["a", 1], {"A", "C"}, ("x", 2), {"spf": "pass", 1: [1, 2]},
    {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"]}]},
])
def test_answers_survive_a_trip_as_json(value):
    assert from_data(json.loads(json.dumps(to_data(value)))) == value


def test_dataframe_answers_survive_a_trip_as_json():
    frame = pd.DataFrame({"ip": ["10.0.0.1"], "when": pd.to_datetime(["2023-07-10T12:00:00Z"]), "n": [3]})
    back = from_data(json.loads(json.dumps(to_data(frame))))
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_answers_that_cannot_travel_are_refused():
    from course.exercises.answers import UnsupportedAnswer

    with pytest.raises(UnsupportedAnswer):
        to_data(lambda: 1)
    with pytest.raises(UnsupportedAnswer):
        from_data({"__answer_type__": "evil"})


# --- ordering, and the PolicyExercise options for SCP levels, per-case policies and lint kinds ----------

ORDER = Ordering(
    id="99.7", title="Rotate a key", points=2, answer_name="a",
    options={"A": "create the new key", "B": "switch the applications", "C": "delete the old key"},
    rules=[Precedence("the new key exists before anything uses it", precedence_key("99.7", "A", "B"),
                      "An application cannot switch to a key that does not exist yet."),
           Precedence("nothing still uses the old key when it goes", precedence_key("99.7", "B", "C"),
                      "Deleting first breaks every application that has not switched.")])


def test_ordering_scores_the_share_of_rules_kept_and_names_the_broken_one():
    assert ORDER.check(["A", "B", "C"]).passed and ORDER.check(("a", " b", "C")).passed
    half = ORDER.check(["A", "C", "B"])
    assert half.score == 0.5
    assert half.failures[0].hint == "You put step C before step B. Deleting first breaks every application that " \
        "has not switched.", "the hint names the two steps the learner put the wrong way round"
    assert "A" not in half.failures[0].description, "a rule does not name its steps"
    assert ORDER.check(["C", "B", "A"]).score == 0


@pytest.mark.parametrize("bad, words", [
    ("ABC", "list of option letters"), ({"A", "B", "C"}, "list of option letters"), ([], "A, B, C missing"),
    (["A", "B"], "C missing"), (["A", "A", "B", "C"], "A more than once"), (["A", "B", "Z"], "not one of"),
    ([1, 2, 3], "option letter"),
])
def test_ordering_malformed_answers(bad, words):
    result = ORDER.check(bad)
    assert result.error and words in result.error and result.score == 0


FULL_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DENY_DELETE = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket",
                                                       "Resource": "*"}]}


def _s3_request(action: str) -> dict:
    return {"principal": "arn:aws:iam::111122223333:role/dev", "principalAccount": "111122223333",
            "action": action, "resource": "arn:aws:s3:::example-bucket", "resourceAccount": "111122223333",
            "context": {}}


def _scp_exercise(level: int | None) -> PolicyExercise:
    return PolicyExercise(
        id="99.8", title="Deny-list SCP", points=1, answer_name="a", slot="scps", level=level,
        context_policies={"identity": [FULL_ACCESS], "scps": [[FULL_ACCESS], [FULL_ACCESS]]},
        cases=[PolicyCase("reads work", _s3_request("s3:ListBucket"), True),
               PolicyCase("bucket deletion is denied", _s3_request("s3:DeleteBucket"), False)])


def test_an_scp_can_join_a_level_beside_full_aws_access_or_form_a_level_of_its_own():
    assert _scp_exercise(level=-1).check(DENY_DELETE).passed, "beside FullAWSAccess a Deny-only SCP denies one thing"
    alone = _scp_exercise(level=None).check(DENY_DELETE)
    assert [r.description for r in alone.failures] == ["reads work"], "a level of only Deny statements allows nothing"
    broken = _scp_exercise(level=1).check({"Version": "2012-10-17", "Statement": [{"Effect": "Deny"}]})
    assert broken.error and broken.error.endswith("(at your policy.Statement[0])"), broken.error
    with pytest.raises(ValueError, match="level 2"):
        _scp_exercise(level=2)
    with pytest.raises(ValueError, match="slot must be"):
        PolicyExercise(id="99.9", title="t", points=1, answer_name="a", slot="bucket", cases=[])


def test_a_case_can_bring_its_own_fixed_policies_and_hidden_cases_too():
    key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    key_policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*",
        "Resource": "*"}]}
    request = dict(_s3_request("kms:Decrypt"), resource=key)
    exercise = PolicyExercise(id="99.10", title="t", points=1, answer_name="a", slot="identity", cases=[
        PolicyCase("no key policy, no decrypt", request, False),
        PolicyCase("a key policy that delegates to IAM", request, True, policies={"resource": key_policy})])
    assert exercise.check(FULL_ACCESS).passed
    hidden = [{"description": "again", "request": request, "allow": True, "policies": {"resource": key_policy}}]
    assert exercise.check(FULL_ACCESS, hidden=hidden).passed


def test_lint_uses_the_kind_of_the_slot_or_the_one_named():
    rcp = PolicyExercise(id="99.11", title="t", points=1, answer_name="a", slot="rcps", lint_forbidden=["IAM021"],
                         cases=[PolicyCase("reads work", _s3_request("s3:ListBucket"), True)],
                         context_policies={"identity": [FULL_ACCESS]})
    allow_rcp = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                                         "Resource": "*"}]}
    (failure,) = rcp.check(allow_rcp).failures
    assert failure.description == lint_requirement("IAM021"), "an RCP is linted as an RCP, not as a bucket policy"
    trust = PolicyExercise(id="99.12", title="t", points=1, answer_name="a", slot="resource", lint_kind="trust",
                           lint_forbidden=["IAM001"], cases=[])
    not_principal = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}
    (failure,) = trust.check(not_principal).failures
    assert "NotPrincipal" in failure.hint, "a trust policy may not use NotPrincipal"


# --- hints answer the mistake the learner made ---------------------------------------------------------

CONTROLS = ("SCP", "RCP", "session policy")
CONTROL_EXPLANATIONS = {
    "SCP": "An SCP caps only the principals of your own organization's accounts.",
    "RCP": "An RCP caps what any principal may do to your resources.",
    "session policy": "A session policy narrows one set of temporary credentials.",
}
CHOOSE_CONTROL = MappingMatch(
    id="99.8", title="Pick a control", points=2, answer_name="a", explanations=CONTROL_EXPLANATIONS, parts=[
        Part("outsiders", part_key("99.8", "outsiders", "RCP"), "Reread who the requirement limits.",
             "requirement 1", CONTROLS,
             explanations={"SCP": "An SCP cannot limit principals of other organizations."}),
        Part("one_session", part_key("99.8", "one_session", "session policy"), "Reread what the requirement "
             "limits.", "requirement 2", CONTROLS)])


def test_a_mapping_hint_addresses_the_option_the_learner_chose_for_that_part():
    result = CHOOSE_CONTROL.check({"outsiders": "scp", "one_session": "RCP"})
    first, second = (r.hint for r in result.failures)
    assert first == "You chose 'scp'. An SCP cannot limit principals of other organizations.", \
        "the part's own explanation of the chosen option comes first"
    assert second == "You chose 'RCP'. An RCP caps what any principal may do to your resources.", \
        "then the exercise's explanation of that option"
    assert "session" not in second, "the hint never describes the right option"


def test_a_mapping_hint_falls_back_to_the_part_hint_and_still_names_the_choice():
    bare = MappingMatch(id="99.8", title="t", points=1, answer_name="a", parts=CHOOSE_CONTROL.parts)
    hint = bare.check({"outsiders": "RCP", "one_session": "SCP"}).failures[0].hint
    assert hint == "You chose 'SCP'. Reread what the requirement limits."


def test_a_free_value_mapping_hint_names_the_value_given():
    exercise = MappingMatch(id="99.9", title="t", points=1, answer_name="a",
                            parts=[Part("calls", part_key("99.9", "calls", 29), "Count every failed call.")])
    assert exercise.check({"calls": 12}).failures[0].hint == "You answered 12. Count every failed call."


def test_failed_check_renders_as_one_line_without_a_traceback():
    result = SINGLE.check("A")
    error = ExerciseFailed(result.summary(), result.failure_line())
    assert str(error) == "Question 99.1: 0 of 1 requirements met", "progress reads this message"
    assert error._render_traceback_() == ["✘ Question 99.1: 1 of 1 requirement not met — see the table above"]
    unreadable = SINGLE.check(["B"])
    assert ExerciseFailed(unreadable.summary(), unreadable.failure_line())._render_traceback_() == [
        "✘ Question 99.1: the answer could not be checked — see the message above"]


def test_check_raises_the_one_line_failure(monkeypatch):
    from course.exercises import checking, registry

    monkeypatch.setitem(registry._REGISTRY, "99.7", ORDER)
    with pytest.raises(ExerciseFailed) as info:
        checking.check("99.7", ["C", "B", "A"])
    assert info.value._render_traceback_() == ["✘ Question 99.7: 2 of 2 requirements not met — see the table above"]


def _registered():
    from course.exercises import all_exercises

    return all_exercises()


def test_every_hint_of_every_registered_exercise_reads_as_a_sentence():
    from course.exercises.hints import is_sentence

    checked, bad = 0, []
    for exercise in _registered():
        for text in exercise.hint_texts():
            if text == "" and exercise.kind == "network":
                continue  # a flow's hint is optional: the model's own explanation of the flow is shown
            checked += 1
            if not is_sentence(text):
                bad.append(f"{exercise.id}: {text!r}")
    assert checked > 400, "the exercises' hint texts are all collected"
    assert not bad, "hints must start with a capital letter and end with . ! or ?:\n" + "\n".join(bad)


def test_shared_explanations_cover_every_choice_so_their_absence_says_nothing():
    for exercise in _registered():
        if isinstance(exercise, MappingMatch) and exercise.explanations:
            for part in exercise.parts:
                missing = [c for c in part.choices if c not in exercise.explanations]
                assert not missing, f"{exercise.id} {part.name}: no explanation for {missing}"


def test_choice_explanations_cover_every_option():
    for exercise in _registered():
        if isinstance(exercise, (SingleChoice, MultipleChoice)) and exercise.explanations:
            assert set(exercise.explanations) == set(exercise.options), exercise.id


# --- detector hints come from what the learner's function returned ---------------------------------------

def _ports_case(rows: list[tuple[str, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"eventID": f"{src}-{port}", "src": src, "port": port} for src, port in rows])


def _toy_detector():
    from course.exercises.kinds.logs import DetectorMatch, detector_item_keys, event_ids

    def cases():
        # a scanner touches 100 ports (the rule says 100 counts); a prober touches 30
        return {"unseen": _ports_case([("scanner", p) for p in range(100)] + [("prober", p) for p in range(30)])}

    def describe(frame, event_id):
        src = event_id.split("-")[0]
        return f"a row of {src}, a source with {frame[frame['src'] == src]['port'].nunique()} ports"

    truth = sorted(f"scanner-{p}" for p in range(100))
    return DetectorMatch(
        id="99.10", title="Scanner rows", points=1, answer_name="a", cases=cases, to_value=event_ids,
        returns="rows", item_keys=detector_item_keys("99.10", {"unseen": truth}), describe_item=describe,
        noun=("row", "rows"), parts=[Part("unseen", part_key("99.10", "unseen", truth, casefold=False),
                                          "Count the ports per source.", "the right rows on unseen")])


def test_a_detector_hint_says_what_the_function_missed_with_the_count_that_matters():
    detector = _toy_detector()
    strict = detector.run(lambda frame: frame[frame.groupby("src")["port"].transform("nunique") > 100])
    hint = detector.check(strict).failures[0].hint
    assert hint.startswith("On unseen your function returned 0 rows: it missed 100 of the 100 that the rule catches")
    assert "a source with 100 ports" in hint, "the example gives the count that the rule turns on"
    assert hint.count("a row of scanner") == 2, "a few examples, never the expected list itself"


def test_a_detector_hint_says_what_the_function_flagged_wrongly():
    detector = _toy_detector()
    loose = detector.run(lambda frame: frame[frame.groupby("src")["port"].transform("nunique") >= 20])
    hint = detector.check(loose).failures[0].hint
    assert hint.startswith("On unseen your function returned 130 rows: it flagged 30 that the rule does not catch")
    assert "a source with 30 ports" in hint and "missed" not in hint


def test_a_detector_hint_reports_a_crash_and_duplicates():
    detector = _toy_detector()
    crashed = detector.check(detector.run(lambda frame: frame["nope"]))
    assert crashed.failures[0].hint.startswith("On unseen your function failed: KeyError")
    doubled = detector.run(lambda frame: pd.concat([frame[frame["src"] == "scanner"]] * 2))
    assert "it returned 100 rows more often than the input holds them" in detector.check(doubled).failures[0].hint


def test_detector_item_keys_agree_with_the_case_keys():
    """The per-item keys mark exactly the items whose sorted list is each case's answer key."""
    from course.exercises.kinds.logs import DetectorMatch, item_key

    detectors = [e for e in _registered() if isinstance(e, DetectorMatch)]
    assert len(detectors) >= 3
    for detector in detectors:
        frames = detector.cases()
        for part in detector.parts:
            assert part.name in detector.item_keys, f"{detector.id}: no item keys for {part.name}"
            expected = detector.item_keys[part.name]
            items = sorted(str(v) for v in set(detector.to_value(frames[part.name]))
                           for _ in range(expected.count(item_key(detector.id, part.name, str(v)))))
            assert part_key(detector.id, part.name, items, detector.casefold) == part.key, \
                f"{detector.id} {part.name}: the item keys are stale (regenerate with detector_item_keys)"


def test_a_hidden_case_hint_written_as_a_fragment_is_shown_as_a_sentence(fake_engine):
    """Hidden cases are data in the source notebooks; their hints reach the learner as sentences too."""
    from course.exercises.hints import is_sentence

    exercise = PolicyExercise(id="99.11", title="t", points=1, answer_name="a", slot="resource", cases=[])
    result = exercise.check({"Statement": [{"Action": "s3:GetObject"}]}, hidden=[
        {"description": "puts allowed", "request": {"action": "s3:PutObject"}, "allow": True,
         "hint": "writes are needed too"}])
    hint = result.failures[0].hint
    assert hint == "With your policy this request gets ImplicitDeny; it should be allowed. Writes are needed too."
    assert is_sentence(hint)


def test_a_timed_mapping_hint_names_the_time_given():
    from course.exercises.kinds.logs import TimedMapping

    exercise = TimedMapping(id="99.12", title="t", points=1, answer_name="a", time_parts=("first",), parts=[
        Part("first", part_key("99.12", "first", "2023-07-10T11:54:33Z", casefold=True), "Take the earliest call.")])
    hint = exercise.check({"first": pd.Timestamp("2023-07-10 12:00:00", tz="UTC")}).failures[0].hint
    assert hint == "You answered '2023-07-10T12:00:00Z'. Take the earliest call."


def _right_choice(exercise, part):
    """The choice whose key matches (what any learner could find by trying each choice)."""
    from course.exercises.kinds.value import _part_ok

    right = [c for c in part.choices if _part_ok(exercise.id, part.name, c, part.key, exercise.casefold)]
    assert len(right) == 1, f"{exercise.id} {part.name}: {len(right)} choices match the key"
    return right[0]


SETTING_NAMES = ("Bucket owner enforced", "Bucket owner preferred")


def test_no_mapping_hint_names_the_right_choice():
    """Whatever wrong choice a learner makes, the hint shown never names the right one (when it has 3+ choices)."""
    import re

    named = []
    for exercise in _registered():
        if not isinstance(exercise, MappingMatch):
            continue
        for part in exercise.parts:
            if len(part.choices) < 3:
                continue  # with two choices, explaining the wrong one says which is right anyway
            right = _right_choice(exercise, part)
            pattern = re.compile(rf"(?<![\w-]){re.escape(right)}(?![\w-])")
            for wrong in part.choices:
                hint = exercise.wrong_hint(part, wrong).split(". ", 1)[1]  # after "You chose '...'."
                for name in SETTING_NAMES:  # names of settings in the stems that contain a choice's words
                    hint = hint.replace(name, "")
                if wrong != right and pattern.search(hint):
                    named.append(f"{exercise.id} {part.name}: choosing {wrong!r} shows a hint naming the answer")
    assert not named, "\n".join(named)


def test_no_choice_hint_points_at_the_right_option():
    """A wrong option's explanation never refers to an option that applies ("see option C", "as C")."""
    import re

    pointing = []
    for exercise in _registered():
        if isinstance(exercise, SingleChoice):
            right = {letter for letter in exercise.options if make_key(exercise.id, letter) == exercise.key}
        elif isinstance(exercise, MultipleChoice):
            right = {letter for letter in exercise.options if exercise._applies(letter)}
        else:
            continue
        for letter in set(exercise.options) - right:
            for r in right:
                if re.search(rf"\b(?:[Oo]ptions?|[Aa]s)\s+{r}\b", exercise.explain(letter)):
                    pointing.append(f"{exercise.id}: the explanation of {letter} points at {r}")
    assert not pointing, "\n".join(pointing)
