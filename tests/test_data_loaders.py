"""course.data loads every shipped file into typed frames; bad files fail clearly; generators are deterministic."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import ROOT

from course import data, generate
from course.data import DataFileError

LOADERS = {
    "stratus_cloudtrail": (data.stratus_cloudtrail, 2900),
    "stratus_ground_truth": (data.stratus_ground_truth, 80),
    "otrf_exfiltration": (data.otrf_exfiltration, 103),
    "console_signin_examples": (data.console_signin_examples, 10),
    "honey_bucket": (data.honey_bucket, 301),
    "flow_v2": (lambda: data.flow_log_examples(2), 7),
    "flow_v3": (lambda: data.flow_log_examples(3), 8),
    "flow_v5": (lambda: data.flow_log_examples(5), 2),
    "s3_access": (data.s3_access_log_examples, 5),
    "alb_access": (data.alb_access_log_examples, 7),
    "guardduty_types": (data.guardduty_finding_types, 74),
    "vpc_flow_logs": (data.vpc_flow_logs, 2958),
    "guardduty_findings": (data.guardduty_findings, len(generate.FINDINGS)),
    "config_snapshot": (data.config_snapshot, 16),
}


@pytest.mark.parametrize("name", LOADERS)
def test_every_shipped_file_loads_with_the_documented_row_count(name):
    loader, rows = LOADERS[name]
    frame = loader()
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == rows


def test_every_data_file_is_read_by_some_loader():
    covered = {"CloudTrail", "ground_truth_stratus_detonations.csv", "ec2_proxy_s3_exfiltration_2020-09-14011940.json",
               "AWS_S3_HoneyBucketLogs.csv", "cloudtrail_console_signin_examples.json",
               "vpc_flow_logs_v2_default.log", "vpc_flow_logs_v3_tcp_flags.log", "vpc_flow_logs_v5_traffic_path.log",
               "s3_server_access_log_examples.log", "alb_access_log_examples.log",
               "guardduty_finding_types_2022-01.csv", "vpc_flow_logs.log", "guardduty_findings.json",
               "config_snapshot.json"}
    not_data = {"SOURCE.md", "LICENSE", "MANIFEST.sha256", "README.md", "SHA256SUMS"}
    for path in (ROOT / "data").rglob("*"):
        if path.is_file() and path.name not in not_data:
            assert path.name in covered or path.parent.name in covered, f"no loader reads {path}"


def test_cloudtrail_is_flattened_typed_and_sorted():
    frame = data.stratus_cloudtrail()
    assert str(frame["eventTime"].dtype) == "datetime64[us, UTC]"
    assert frame["eventTime"].is_monotonic_increasing
    assert frame["eventTime"].min() == pd.Timestamp("2023-07-10T11:42:18Z")
    assert frame["readOnly"].dtype == "boolean"
    for column in ("userIdentity.arn", "sourceIPAddress", "eventName", "errorCode", "additionalEventData.MFAUsed"):
        assert column in frame.columns
    assert frame["eventID"].is_unique
    assert set(frame["recipientAccountId"].dropna()) == {"123837392027"}
    assert isinstance(frame.loc[0, "userIdentity"], dict)  # nested objects are kept too


def test_otrf_timestamp_renamed_by_logstash_becomes_event_time():
    frame = data.otrf_exfiltration()
    assert frame["eventTime"].notna().all()
    stolen = frame[frame["userIdentity.sessionContext.ec2RoleDelivery"] == "1.0"]
    assert len(stolen) == 11
    first_get = stolen[stolen["eventName"] == "GetObject"]["eventTime"].min()
    assert first_get == pd.Timestamp("2020-09-14T01:02:34Z")


def test_honey_bucket_parses_python_literal_columns():
    frame = data.honey_bucket()
    assert frame["Event Name"].value_counts().to_dict() == {"HeadBucket": 159, "ListObjects": 138, "PutObject": 4}
    assert (frame["accountId"] == "ANONYMOUS_PRINCIPAL").sum() == 284
    assert set(frame["bucketName"]) == {"microsoft-devtest"}
    assert frame["Repeated Attempts"].max() == 62
    assert str(frame["Event DateTime"].dtype).startswith("datetime64")


def test_flow_logs_have_integer_ports_and_utc_windows_and_dashes_become_missing():
    frame = data.vpc_flow_logs()
    assert frame["dstport"].dtype == "Int64" and frame["tcp-flags"].dtype == "Int64"
    assert str(frame["start"].dtype) == "datetime64[us, UTC]"
    nodata = frame[frame["log-status"] == "NODATA"]
    assert len(nodata) and nodata["srcaddr"].isna().all() and nodata["dstport"].isna().all()
    v2 = data.flow_log_examples(2)
    assert set(v2["log-status"]) == {"OK", "NODATA", "SKIPDATA"}


def test_generated_flow_logs_hold_the_documented_port_scan():
    frame = data.vpc_flow_logs()
    truth = generate.GROUND_TRUTH["flow_logs"]
    scan = frame[(frame["srcaddr"] == truth["scanner"]) & (frame["dstaddr"] == truth["target"])]
    assert scan["dstport"].nunique() == 1024
    assert set(scan.loc[scan["action"] == "ACCEPT", "dstport"]) == {truth["open_port_found"]}
    assert scan["start"].min() == pd.Timestamp(truth["scan_start"])


def test_generated_config_snapshot_is_the_delivered_form():
    raw = json.loads((ROOT / "data" / "generated" / "config_snapshot.json").read_text())
    assert raw["fileVersion"] == "1.0" and raw["configurationItems"]
    item = raw["configurationItems"][0]
    assert {"configurationItemVersion", "awsAccountId", "ARN", "configuration"} <= set(item)
    frame = data.config_snapshot()
    assert set(generate.GROUND_TRUTH["config"]) <= set(frame["resourceId"])


def test_guardduty_findings_get_severity_labels():
    frame = data.guardduty_findings()
    assert frame["severity"].dtype == "float64"
    labels = dict(zip(frame["severity"], frame["severityLabel"].astype(str), strict=False))
    assert labels[2.0] == "Low" and labels[5.0] == "Medium" and labels[8.0] == "High"
    assert frame["type"].str.match(r"^[A-Za-z]+:[A-Za-z0-9]+/").all()


def test_access_logs_parse_quoted_fields_and_times():
    s3 = data.s3_access_log_examples()
    assert s3["http_status"].dtype == "Int64" and str(s3["time"].dtype).startswith("datetime64")
    assert s3.loc[0, "request_uri"].startswith("GET ")
    alb = data.alb_access_log_examples()
    assert alb["request"].str.contains("HTTP/").all()


# --- missing and corrupt files --------------------------------------------------------------------

@pytest.fixture
def fake_data(tmp_path, monkeypatch):
    """A data/ folder in tmp_path that the loaders use instead of the real one."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setattr(data, "data_root", lambda: root)
    return root


def test_a_missing_file_names_the_file(fake_data):
    with pytest.raises(DataFileError, match="vpc_flow_logs.log"):
        data.vpc_flow_logs()
    with pytest.raises(DataFileError, match="CloudTrail"):
        data.stratus_cloudtrail()


def test_corrupt_cloudtrail_json_names_the_file(fake_data):
    folder = fake_data / data.STRATUS / "CloudTrail"
    folder.mkdir(parents=True)
    (folder / "broken.json").write_text('{"Records": [{"eventName": "X", ')
    with pytest.raises(DataFileError, match=r"broken\.json.*(corrupt|JSON)"):
        data.stratus_cloudtrail()


def test_a_cloudtrail_record_without_event_time_is_rejected(fake_data):
    path = fake_data / "one.json"
    path.write_text(json.dumps({"Records": [{"eventName": "GetObject"}]}))
    with pytest.raises(DataFileError, match="eventTime"):
        data.load_cloudtrail(path)


def test_corrupt_json_lines_name_the_line(fake_data):
    folder = fake_data / data.OTRF
    folder.mkdir()
    (folder / "ec2_proxy_s3_exfiltration_2020-09-14011940.json").write_text(
        '{"eventName": "A", "@timestamp": "2020-09-14T00:00:00Z"}\nnot json\n')
    with pytest.raises(DataFileError, match="line 2"):
        data.otrf_exfiltration()


def test_flow_log_with_short_line_or_no_header(fake_data):
    folder = fake_data / "generated"
    folder.mkdir()
    (folder / "vpc_flow_logs.log").write_text("version srcaddr dstaddr action\n2 10.0.0.1 10.0.0.2\n")
    with pytest.raises(DataFileError, match="line 2"):
        data.vpc_flow_logs()
    (folder / "vpc_flow_logs.log").write_text("2 10.0.0.1 10.0.0.2 ACCEPT\n")
    with pytest.raises(DataFileError, match="first line"):
        data.vpc_flow_logs()
    (folder / "vpc_flow_logs.log").write_text("version srcaddr dstaddr dstport action\n2 a b http ACCEPT\n")
    with pytest.raises(DataFileError, match="dstport"):
        data.vpc_flow_logs()


def test_csv_missing_columns_or_bad_literals(fake_data):
    folder = fake_data / data.OTRF
    folder.mkdir()
    path = folder / "AWS_S3_HoneyBucketLogs.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(DataFileError, match="missing column"):
        data.honey_bucket()
    header = ",".join(data.HONEY_COLUMNS)
    path.write_text(header + '\nAwsApiCall,ListObjects,R,"{not a dict",{},x,E,2022-01-01T00:00:00Z,'
                    "2022-01-01T00:00:00Z,1.2.3.4,ua,1\n")
    with pytest.raises(DataFileError, match="User ID"):
        data.honey_bucket()


def test_generated_json_files_must_have_their_shape(fake_data):
    folder = fake_data / "generated"
    folder.mkdir()
    (folder / "guardduty_findings.json").write_text('{"not": "a list"}')
    with pytest.raises(DataFileError, match="guardduty_findings.json"):
        data.guardduty_findings()
    (folder / "config_snapshot.json").write_text("[1, 2")
    with pytest.raises(DataFileError, match="config_snapshot.json.*not valid JSON"):
        data.config_snapshot()


# --- generators ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(generate.files()))
def test_generator_with_the_committed_seed_gives_the_committed_bytes(name):
    committed = (ROOT / "data" / "generated" / name).read_text(encoding="utf-8")
    assert generate.files(generate.SEED)[name] == committed, (
        f"data/generated/{name} differs from course.generate: run `python -m course.generate` and update "
        "data/SHA256SUMS, or restore the generator")


def test_generators_are_deterministic_and_seed_dependent():
    assert generate.flow_log_text(5, hours=1) == generate.flow_log_text(5, hours=1)
    assert generate.flow_log_text(5, hours=1) != generate.flow_log_text(6, hours=1)
    assert generate.guardduty_events(3) == generate.guardduty_events(3)
    case = generate.flow_log_case(11)
    assert case.equals(generate.flow_log_case(11))


def test_write_creates_the_files(tmp_path):
    written = generate.write(tmp_path)
    assert sorted(p.name for p in written) == sorted(generate.files())
