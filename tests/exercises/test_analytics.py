"""Exercises of notebook 07 (Analytics): reference solutions, realistic wrong answers, malformed input.

References are computed from the data here, as the notebook's solution cells do, so a change to a dataset,
a loader or the generator that moves the ground truth fails these tests.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from course import data
from course.exercises import evaluate
from course.notebooks.analytics import run_detector, scan_cases


@pytest.fixture(scope="module")
def flows():
    return data.vpc_flow_logs()


def vertical_scans(flows):
    rejected = flows[flows["action"] == "REJECT"]
    ports = rejected.groupby(["srcaddr", "dstaddr"])["dstport"].nunique()
    return ports[ports >= 100].reset_index()[["srcaddr", "dstaddr"]]


def hour_bytes(raw: bytes, hour: int) -> int:
    lines = raw.decode().splitlines(keepends=True)
    keep = [line for line in lines[1:]
            if pd.Timestamp(int(line.split()[16]), unit="s", tz="UTC").hour == hour]
    return len((lines[0] + "".join(keep)).encode())


def rejects(flows):
    return (flows.assign(rejected=flows["action"] == "REJECT").resample("10min", on="start")["rejected"].sum()
            .rename_axis("window").reset_index())


def references():
    raw = data.data_file("generated", "vpc_flow_logs.log").read_bytes()
    flows = data.vpc_flow_logs()
    honey = data.honey_bucket()
    return {
        "7.1": {"full_scan_bytes": len(raw), "hour_bytes": hour_bytes(raw, 9), "text_fewer_columns": "no",
                "parquet_fewer_columns": "yes"},
        "7.2": {"bucket": "mordors3stack-s3bucket-llp2yingx64a", "key": "ring.txt",
                "first_download": pd.Timestamp("2020-09-14T01:02:34Z"), "downloads": 2},
        "7.3": honey[honey["Event Name"] == "PutObject"][["Event DateTime", "accountId", "Source IP", "key"]],
        "7.4": run_detector("7.4", vertical_scans),
        "7.6": rejects(flows),
        "7.7": {"scanner_finding": "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom", "scanner_severity": "Medium",
                "high_findings": 4},
        "7.8": {"A", "B", "D", "E"},
        "7.9": {"deliver_to_s3": "Amazon Data Firehose", "replay": "Amazon Kinesis Data Streams",
                "catalog": "AWS Glue", "ad_hoc_sql": "Amazon Athena", "search": "Amazon OpenSearch Service",
                "warehouse": "Amazon Redshift"},
        "7.5": {"A", "B", "C", "D", "E"},
    }


REFS = references()
ALL = sorted(REFS, key=lambda q: int(q.split(".")[1]))


@pytest.mark.parametrize("qid", ALL)
def test_reference_solution_passes(qid):
    result = evaluate(qid, REFS[qid])
    assert result.passed, result
    assert result.score == 1.0


@pytest.mark.parametrize("qid", ALL)
@pytest.mark.parametrize("bad", [None, 42, "not an answer", [], {}, json.dumps({"x": 1}), object()],
                         ids=["none", "int", "str", "empty-list", "empty-dict", "json-text", "object"])
def test_malformed_answers_are_errors_not_exceptions(qid, bad):
    result = evaluate(qid, bad)
    assert not result.passed
    assert result.score == 0.0
    assert result.error, result


def partial(qid, answer):
    result = evaluate(qid, answer)
    assert not result.passed, result
    return result


# --- ground truth is what the data says -----------------------------------------------------------

def test_the_generated_scan_is_what_the_generator_promised(flows):
    from course.generate import GROUND_TRUTH

    truth = GROUND_TRUTH["flow_logs"]
    assert REFS["7.4"]["generated_day"] == [f"{truth['scanner']}>{truth['target']}"]
    peak = REFS["7.6"].loc[REFS["7.6"]["rejected"].idxmax(), "window"]
    assert peak == pd.Timestamp("2026-03-02T09:10:00Z")
    assert len(REFS["7.6"]) == 36


def test_unseen_cases_cover_scan_no_scan_and_a_small_probe():
    assert set(scan_cases()) == {"generated_day", "unseen_1", "unseen_2", "unseen_3", "unseen_4", "unseen_5",
                                "unseen_6"}
    assert REFS["7.4"]["unseen_2"] == []  # a 30-port probe and an SSH sweep are not vertical scans
    assert len(REFS["7.4"]["unseen_1"]) == len(REFS["7.4"]["unseen_3"]) == 1


# --- realistic wrong answers -----------------------------------------------------------------------

def test_7_1_believing_columns_help_on_text_and_forgetting_the_header():
    wrong = dict(REFS["7.1"], text_fewer_columns="yes")
    result = partial("7.1", wrong)
    assert result.score == 0.75
    assert "whole lines" in result.failures[0].hint
    wrong = dict(REFS["7.1"], hour_bytes=REFS["7.1"]["hour_bytes"] - len(data.data_file(
        "generated", "vpc_flow_logs.log").read_text().splitlines(keepends=True)[0]))
    assert partial("7.1", wrong).score == 0.75
    assert evaluate("7.1", dict(REFS["7.1"], parquet_fewer_columns="maybe")).error


def test_7_2_first_call_instead_of_first_download_and_all_calls():
    wrong = dict(REFS["7.2"], first_download="2020-09-14T01:00:04Z", downloads=11)
    result = partial("7.2", wrong)
    assert result.score == 0.5
    assert any("earliest GetObject" in r.hint for r in result.failures)


def test_7_3_all_authenticated_callers_or_the_wrong_columns():
    honey = data.honey_bucket()
    authenticated = honey[honey["accountId"] != "ANONYMOUS_PRINCIPAL"][["Event DateTime", "accountId", "Source IP",
                                                                      "key"]]
    result = partial("7.3", authenticated)
    assert 0 < result.score < 1
    assert "writes an object" in result.failures[0].hint
    no_key = REFS["7.3"].drop(columns="key")
    assert partial("7.3", no_key).score < 1


def test_7_4_counting_accepted_replies_too():
    def all_flows(flows):
        ports = flows.groupby(["srcaddr", "dstaddr"])["dstport"].nunique()
        return ports[ports >= 100].reset_index()[["srcaddr", "dstaddr"]]

    result = partial("7.4", run_detector("7.4", all_flows))
    assert result.score == pytest.approx(6 / 7)
    assert result.failures[0].hint.startswith("On generated day your function returned 2 pairs: it flagged 1 that "
                                              "the rule does not catch (10.0.2.40 to 10.0.1.25")


def test_7_4_strictly_more_than_100_ports_misses_the_threshold_case():
    """Review F20: ``> 100`` scored 1.00 because no case had exactly 100 ports."""
    def above(flows):
        rejected = flows[flows["action"] == "REJECT"]
        ports = rejected.groupby(["srcaddr", "dstaddr"])["dstport"].nunique()
        return ports[ports > 100].reset_index()[["srcaddr", "dstaddr"]]

    result = partial("7.4", run_detector("7.4", above))
    assert [r.description for r in result.failures] == ["the right pairs on unseen 4"]
    assert "missed 1" in result.failures[0].hint and "100 distinct destination ports" in result.failures[0].hint


def test_7_4_counting_flows_instead_of_distinct_ports_flags_a_brute_force():
    """Review F20: ``count()`` scored 1.00 although it calls 150 tries of one port a scan."""
    def flows_counted(flows):
        rejected = flows[flows["action"] == "REJECT"]
        ports = rejected.groupby(["srcaddr", "dstaddr"])["dstport"].count()
        return ports[ports >= 100].reset_index()[["srcaddr", "dstaddr"]]

    result = partial("7.4", run_detector("7.4", flows_counted))
    assert [r.description for r in result.failures] == ["the right pairs on unseen 5"]
    assert "distinct destination ports" in result.failures[0].hint


def test_7_4_threshold_too_low_and_wrong_return_shape():
    def low(flows):
        rejected = flows[flows["action"] == "REJECT"]
        ports = rejected.groupby(["srcaddr", "dstaddr"])["dstport"].nunique()
        return ports[ports >= 20].reset_index()[["srcaddr", "dstaddr"]]

    assert partial("7.4", run_detector("7.4", low)).score == pytest.approx(5 / 7)  # also flags the 99-port hour

    def series(flows):
        return flows.groupby("srcaddr")["dstport"].nunique()

    answer = run_detector("7.4", series)
    assert all(v.startswith("error: ") for v in answer.values())
    assert partial("7.4", answer).score == 0


def test_7_6_only_windows_with_rejects_or_packets_instead_of_records(flows):
    packets = (flows[flows["action"] == "REJECT"].resample("10min", on="start")["packets"].sum()
               .rename("rejected").rename_axis("window").reset_index())
    result = partial("7.6", packets)
    assert 0 < result.score < 1
    as_text = REFS["7.6"].assign(window=REFS["7.6"]["window"].dt.strftime("%H:%M"))
    assert partial("7.6", as_text).score == pytest.approx(3 / 4)


def test_7_7_severity_from_the_wrong_band_and_counting_medium():
    result = partial("7.7", dict(REFS["7.7"], scanner_severity="Low", high_findings=7))
    assert result.score == pytest.approx(1 / 3)
    assert evaluate("7.7", dict(REFS["7.7"], scanner_severity="medium-ish")).error


def test_7_8_trusting_ip_ranges():
    result = partial("7.8", {"A", "C"})
    assert 0 < result.score < 1
    assert any("where a request comes from" in r.hint for r in result.failures)
    assert partial("7.8", {"A", "B", "D", "E", "F"}).score > 0.8


def test_7_9_streams_for_delivery():
    result = partial("7.9", dict(REFS["7.9"], deliver_to_s3="Amazon Kinesis Data Streams"))
    assert result.score == pytest.approx(5 / 6)
    assert evaluate("7.9", dict(REFS["7.9"], catalog="Amazon EMR")).error


def test_7_5_forgetting_kms_and_the_result_bucket():
    result = partial("7.5", {"A", "B", "C"})
    assert 0 < result.score < 1
    result = partial("7.5", {"A", "B", "C", "D", "E", "F", "G"})
    assert any("tamper" in r.hint for r in result.failures)
