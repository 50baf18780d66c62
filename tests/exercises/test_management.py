"""Exercises of notebook 06 (Management & Governance): reference solutions, realistic wrong answers, malformed input.

The reference answers are computed here from the data, the same way the notebook's solution cells do, so a
change to a dataset or a loader that moves the ground truth fails these tests.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import ROOT

from course import data
from course.exercises import evaluate
from course.notebooks.management import run_detector, signin_cases, unauthorized_cases

NOTEBOOK = ROOT / "source" / "06-management-governance" / "06-management-governance.ipynb"


@pytest.fixture(scope="module")
def events():
    return data.stratus_cloudtrail()


def logins_without_mfa(events):
    logins = events[(events["eventName"] == "ConsoleLogin") & (events["responseElements.ConsoleLogin"] == "Success")]
    return logins[logins["additionalEventData.MFAUsed"].fillna("no").str.lower() != "yes"]


def unauthorized_api_calls(events):
    code = events["errorCode"].fillna("")
    return events[code.str.endswith("UnauthorizedOperation") | code.str.startswith("AccessDenied")]


REFERENCES = {
    "6.7": {"A", "D", "E"},
    "6.1": {"principal": "arn:aws:iam::123837392027:user/bert-jan", "source_ip": "192.168.10.20",
            "first_call": pd.Timestamp("2023-07-10T11:54:33Z")},
    "6.2": {"principal": "arn:aws:sts::123837392027:assumed-role/stratus-red-team-ec2-get-password-data-role/"
                         "aws-go-sdk-1688990082523310002",
            "event_name": "GetPasswordData", "error_code": "Client.UnauthorizedOperation", "calls": 29},
    "6.3": {"principal": "arn:aws:sts::123456789123:assumed-role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0/"
                         "i-0317f6c6b66ae9c40",
            "instance_id": "i-0317f6c6b66ae9c40", "imds_version": "IMDSv1", "client_os": "Darwin"},
    "6.6": 2,
    "6.8": pd.DataFrame([("example-public-website", "s3-bucket-public-read-prohibited"),
                         ("example-data-exports", "s3-bucket-public-read-prohibited"),
                         ("sg-0b22bastion000002", "restricted-ssh"), ("i-0b22bastion000002", "ec2-imdsv2-check"),
                         ("vol-0c33app00000data", "encrypted-volumes")], columns=["resourceId", "rule"]),
    "6.9": {"leaked_key": "Trusted Advisor: Exposed Access Keys", "old_key": "access-keys-rotated",
            "root_mfa": "root-account-mfa-enabled", "imds": "ec2-imdsv2-check", "no_trail": "cloudtrail-enabled"},
    "6.10": {"landing_zone": "AWS Control Tower", "self_service": "AWS Service Catalog",
             "shell_access": "Systems Manager Session Manager", "config_values": "Systems Manager Parameter Store"},
}


def reference(qid):
    if qid == "6.4":
        return run_detector("6.4", logins_without_mfa)
    if qid == "6.5":
        return run_detector("6.5", unauthorized_api_calls)
    return REFERENCES[qid]


ALL = ["6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8", "6.9", "6.10"]


@pytest.mark.parametrize("qid", ALL)
def test_reference_solution_passes(qid):
    result = evaluate(qid, reference(qid))
    assert result.passed, result
    assert result.score == 1.0


@pytest.mark.parametrize("qid", ALL)
@pytest.mark.parametrize("bad", [None, 42, "not an answer", [], {}, json.dumps({"x": 1}), object()],
                         ids=["none", "int", "str", "empty-list", "empty-dict", "json-text", "object"])
def test_malformed_answers_are_errors_not_exceptions(qid, bad):
    if qid == "6.6" and bad == 42:
        pytest.skip("42 is a well-formed (wrong) number for 6.6")
    result = evaluate(qid, bad)
    assert not result.passed
    assert result.score == 0.0
    assert result.error, result


def partial(qid, answer):
    result = evaluate(qid, answer)
    assert not result.passed, result
    return result


# --- ground truth is what the data says -------------------------------------------------------

def test_ground_truth_of_6_1_and_6_2_comes_from_the_data(events):
    tool = events[events["userAgent"].str.contains("stratus-red-team_", na=False)]
    assert tool["userIdentity.arn"].value_counts().index[0] == REFERENCES["6.1"]["principal"]
    assert tool["eventTime"].min() == REFERENCES["6.1"]["first_call"]
    burst = unauthorized_api_calls(events).groupby(["userIdentity.arn", "eventName"]).size()
    assert burst.max() == 29


def test_the_metric_filter_alarm_periods(events):
    periods = unauthorized_api_calls(events).set_index("eventTime").resample("5min").size()
    assert int((periods >= 10).sum()) == 2
    assert int((periods > 22).sum()) == 1  # a strict ">" with a higher threshold would count one


# --- realistic wrong answers: partial credit and hints -----------------------------------------

def test_6_7_believing_passrole_protects_the_stack():
    result = partial("6.7", {"B", "E"})
    assert 0 < result.score < 1
    assert any("PassRole is checked when a role is first given" in r.hint for r in result.failures)


def test_6_7_forgetting_the_deny_on_the_stack():
    result = partial("6.7", {"A", "E"})
    assert result.score > 0.5


def test_6_7_option_d_denies_on_the_stack_arn_not_on_the_role_arn_condition():
    """Review F13: a Deny conditioned on cloudformation:RoleArn misses updates that omit RoleARN, so D names the
    stack's ARN instead, and the notes no longer teach the condition key as the fix."""
    from course.exercises import get

    option_d = get("6.7").options["D"]
    assert "stack's ARN" in option_d and "RoleArn" not in option_d
    assert "stack/network-baseline/*" in option_d  # the options are listed by a code cell (issue #19)
    cells = [c["source"] for c in json.loads(NOTEBOOK.read_text())["cells"]]
    stem = "".join(next(c for c in cells if "### Question 6.7 " in "".join(c)))
    assert "`cloudformation:RoleArn` is `cfn-network-admin`" not in stem


def test_6_1_the_console_address_and_a_role_session():
    wrong = dict(REFERENCES["6.1"], source_ip="10.8.8.10")
    result = partial("6.1", wrong)
    assert result.score == pytest.approx(2 / 3)
    assert "console sign-in" in result.failures[0].hint
    wrong = dict(REFERENCES["6.1"], principal=REFERENCES["6.2"]["principal"], first_call="2023-07-10T11:42:18Z")
    result = partial("6.1", wrong)
    assert result.score == pytest.approx(1 / 3)


def test_6_1_accepts_a_timestamp_or_an_iso_string():
    as_text = dict(REFERENCES["6.1"], first_call="2023-07-10T11:54:33Z")
    assert evaluate("6.1", as_text).passed
    as_local = dict(REFERENCES["6.1"], first_call=pd.Timestamp("2023-07-10 13:54:33", tz="Europe/Berlin"))
    assert evaluate("6.1", as_local).passed


def test_6_4_case_sensitive_comparison_fails_on_the_aws_examples_and_unseen_data():
    def case_sensitive(events):
        logins = events[(events["eventName"] == "ConsoleLogin")
                        & (events["responseElements.ConsoleLogin"] == "Success")]
        return logins[logins["additionalEventData.MFAUsed"] == "No"]

    result = partial("6.4", run_detector("6.4", case_sensitive))
    assert 0 < result.score < 1
    hints = " ".join(r.hint for r in result.failures)
    assert "your function returned" in hints and "it missed" in hints, "the hint says what the function did"
    assert "MFAUsed 'NO'" in hints or "MFAUsed 'no'" in hints or "MFAUsed absent" in hints, \
        "a missed login shows the flag value the comparison did not expect"


def test_6_4_counting_failed_logins_too():
    def any_login(events):
        logins = events[events["eventName"] == "ConsoleLogin"]
        return logins[logins["additionalEventData.MFAUsed"].fillna("no").str.lower() != "yes"]

    result = partial("6.4", run_detector("6.4", any_login))
    assert 0 < result.score < 1


def test_6_4_a_crashing_function_reports_the_error_per_case():
    def broken(events):
        return events[events["no such column"] == 1]

    answer = run_detector("6.4", broken)
    assert all(v.startswith("error: KeyError") for v in answer.values())
    result = partial("6.4", answer)
    assert result.failures[0].hint == "On stratus your function failed: KeyError: 'no such column'."


def test_6_4_returning_a_count_instead_of_rows():
    answer = run_detector("6.4", lambda events: len(events))
    assert all("must return a DataFrame" in v for v in answer.values())
    assert evaluate("6.4", answer).score == 0


def test_6_4_passing_the_function_itself_is_malformed():
    result = evaluate("6.4", logins_without_mfa)
    assert result.error and "run_detector" in result.error


def test_6_4_and_6_5_cases_are_deterministic():
    first, second = signin_cases(), signin_cases()
    assert all(first[k].equals(second[k]) for k in first)
    assert set(unauthorized_cases()) == {"stratus", "otrf", "unseen_1", "unseen_2"}


def test_6_2_throttling_is_not_enumeration():
    wrong = {"principal": "arn:aws:iam::123837392027:user/bert-jan", "event_name": "DeleteParameter",
             "error_code": "ThrottlingException", "calls": 38}
    result = partial("6.2", wrong)
    assert result.score == 0
    assert any("ThrottlingException" in r.hint for r in result.failures)
    result = partial("6.2", dict(REFERENCES["6.2"], error_code="AccessDenied", calls=28))
    assert result.score == 0.5


def test_6_3_wrong_imds_version_and_console_user():
    result = partial("6.3", dict(REFERENCES["6.3"], imds_version="IMDSv2"))
    assert result.score == 0.75
    result = partial("6.3", dict(REFERENCES["6.3"], principal="arn:aws:iam::123456789123:user/pedro",
                                 client_os="Linux"))
    assert result.score == 0.5
    assert evaluate("6.3", dict(REFERENCES["6.3"], imds_version="v1")).error  # not one of the choices


def test_6_5_substring_match_and_and_instead_of_or():
    def contains(events):
        code = events["errorCode"].fillna("")
        return events[code.str.contains("Unauthorized") | code.str.contains("Denied")]

    result = partial("6.5", run_detector("6.5", contains))
    assert 0 < result.score < 1

    def exact(events):
        return events[events["errorCode"].isin(["AccessDenied", "UnauthorizedOperation"])]

    result = partial("6.5", run_detector("6.5", exact))
    assert 0 < result.score < 1
    assert any("it missed" in r.hint and "errorCode 'Client.UnauthorizedOperation'" in r.hint
               or "errorCode 'AccessDenied" in r.hint for r in result.failures), "a missed event shows its errorCode"


def test_6_6_strict_threshold_and_numpy_integers():
    assert not evaluate("6.6", 1).passed
    assert "equal to the threshold" in evaluate("6.6", 1).failures[0].hint
    import numpy as np

    assert evaluate("6.6", np.int64(2)).passed
    assert evaluate("6.6", 2.0).error  # a float is not a count


def test_6_8_falling_for_the_traps():
    trap = pd.concat([REFERENCES["6.8"], pd.DataFrame([("example-legacy-assets", "s3-bucket-public-read-prohibited"),
                                                       ("example-partner-share", "s3-bucket-public-read-prohibited")],
                                                      columns=["resourceId", "rule"])])
    result = partial("6.8", trap)
    assert 0 < result.score < 1
    assert "Block Public Access" in result.failures[0].hint
    missing_rule_column = REFERENCES["6.8"][["resourceId"]]
    result = partial("6.8", missing_rule_column)
    assert any("missing" in r.hint for r in result.failures)


def test_6_9_config_for_a_leaked_key():
    result = partial("6.9", dict(REFERENCES["6.9"], leaked_key="access-keys-rotated"))
    assert result.score == 0.8
    assert "You chose 'access-keys-rotated'" in result.failures[0].hint
    assert "it cannot tell whether a key has been published" in result.failures[0].hint
    result = partial("6.9", dict(REFERENCES["6.9"], no_trail="Trusted Advisor: Exposed Access Keys",
                                 imds="restricted-ssh"))
    assert result.score == 0.6
    assert evaluate("6.9", dict(REFERENCES["6.9"], imds="GuardDuty")).error


def test_6_10_stacksets_for_a_landing_zone():
    result = partial("6.10", dict(REFERENCES["6.10"], landing_zone="AWS CloudFormation StackSets"))
    assert result.score == 0.75
    result = partial("6.10", dict(REFERENCES["6.10"], shell_access="AWS Service Catalog",
                                  self_service="AWS CloudFormation StackSets"))
    assert result.score == 0.5
