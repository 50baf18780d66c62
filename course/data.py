"""Loaders for the datasets in ``data/``: typed pandas DataFrames, with clear errors.

Every loader reads one shipped file (or folder), parses timestamps as timezone-aware UTC, flattens the
nested JSON that analysts filter on most (``userIdentity.arn``, ``additionalEventData.MFAUsed``, ...)
into dotted columns, and keeps the nested objects themselves as dict columns for everything else.
A missing, unreadable or corrupt file raises :class:`DataFileError` naming the file and what is wrong.

Real data (see each folder's ``SOURCE.md``):

- :func:`stratus_cloudtrail`: CloudTrail of a Stratus Red Team attack simulation (Invictus IR, MIT);
- :func:`stratus_ground_truth`: the table of Stratus runs derived from it;
- :func:`otrf_exfiltration`: CloudTrail of EC2 instance credentials stolen through SSRF and used to copy
  an S3 object (OTRF Security-Datasets, MIT);
- :func:`honey_bucket`: alerts from an S3 honey bucket scanned from the internet (OTRF, MIT);
- :func:`console_signin_examples`, :func:`flow_log_examples`, :func:`s3_access_log_examples`,
  :func:`alb_access_log_examples`, :func:`guardduty_finding_types`: examples from AWS's documentation.

Generated data (by :mod:`course.generate`, with a fixed seed; see ``data/generated/SOURCE.md``):

- :func:`vpc_flow_logs`: a day of flow logs of a small web VPC with a port scan in it;
- :func:`guardduty_findings`: GuardDuty findings as EventBridge delivers them;
- :func:`config_snapshot`: an AWS Config snapshot of a small account with misconfigurations.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from course.paths import CourseNotFound, data_dir

STRATUS = "invictus-aws-stratus-cloudtrail"
OTRF = "otrf-security-datasets-aws"
AWSDOCS = "awsdocs-log-format-examples"
GENERATED = "generated"

# CloudTrail fields pulled out of the nested record into their own (dotted) columns
CLOUDTRAIL_FLAT = (
    "userIdentity.type", "userIdentity.arn", "userIdentity.accountId", "userIdentity.userName",
    "userIdentity.principalId", "userIdentity.accessKeyId", "userIdentity.invokedBy",
    "userIdentity.sessionContext.sessionIssuer.arn", "userIdentity.sessionContext.attributes.mfaAuthenticated",
    "userIdentity.sessionContext.ec2RoleDelivery", "additionalEventData.MFAUsed",
    "responseElements.ConsoleLogin", "requestParameters.bucketName", "requestParameters.key",
)
CLOUDTRAIL_TOP = (
    "eventTime", "eventVersion", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
    "errorCode", "errorMessage", "readOnly", "eventType", "eventCategory", "eventID", "requestID",
    "recipientAccountId",
)
CLOUDTRAIL_NESTED = ("userIdentity", "requestParameters", "responseElements", "additionalEventData", "resources")

FLOW_INT_FIELDS = ("version", "srcport", "dstport", "protocol", "packets", "bytes", "tcp-flags", "traffic-path")


class DataFileError(RuntimeError):
    """A data file is missing, unreadable or not in the expected format."""


# --- locating files -------------------------------------------------------------------------------

def data_root() -> Path:
    """The ``data/`` folder: the course's (``course.paths.data_dir``), else the one beside this package."""
    try:
        root = data_dir()
    except CourseNotFound:
        root = None
    if root is None or not root.is_dir():
        root = Path(__file__).resolve().parents[1] / "data"
    return root


def data_file(*parts: str) -> Path:
    """The path of a shipped data file; :class:`DataFileError` when it is missing."""
    path = data_root().joinpath(*parts)
    if not path.exists():
        raise DataFileError(f"data file not found: {path} (is the course's data/ folder complete? "
                            "compare it with data/SHA256SUMS)")
    return path


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"data file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"cannot read data file {path}: {exc}") from None


def _json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}): "
                            "the file is corrupt or truncated") from None


# --- CloudTrail -------------------------------------------------------------------------------------

def _dig(record: dict, dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def cloudtrail_frame(records: Iterable[dict], source: str = "CloudTrail records") -> pd.DataFrame:
    """Flatten CloudTrail records into a DataFrame sorted by ``eventTime`` (UTC).

    Args:
        records: CloudTrail event records (dicts), as in a trail file's ``Records`` list.
        source: a name for error messages (usually the file).
    """
    rows = []
    for n, record in enumerate(records):
        if not isinstance(record, dict):
            raise DataFileError(f"{source}: record {n} is not a JSON object")
        if "eventTime" not in record and "@timestamp" in record:  # renamed by Logstash (OTRF)
            record = {**record, "eventTime": record["@timestamp"]}
        if "eventName" not in record or "eventTime" not in record:
            raise DataFileError(f"{source}: record {n} has no eventName or eventTime; is this CloudTrail?")
        row = {field: record.get(field) for field in CLOUDTRAIL_TOP}
        row.update({field: _dig(record, field) for field in CLOUDTRAIL_FLAT})
        row.update({field: record.get(field) for field in CLOUDTRAIL_NESTED})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*CLOUDTRAIL_TOP, *CLOUDTRAIL_FLAT, *CLOUDTRAIL_NESTED])
    try:
        frame["eventTime"] = pd.to_datetime(frame["eventTime"], utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise DataFileError(f"{source}: an eventTime is not an ISO-8601 timestamp ({exc})") from None
    frame["readOnly"] = frame["readOnly"].astype("boolean")
    for column in frame.columns:
        if column not in CLOUDTRAIL_NESTED and column not in ("eventTime", "readOnly"):
            frame[column] = frame[column].astype("str")
    return frame.sort_values(["eventTime", "eventID"], kind="stable").reset_index(drop=True)


def read_cloudtrail_file(path: Path) -> list[dict]:
    """Records of one CloudTrail file: ``{"Records": [...]}`` as a trail writes it, or JSON lines."""
    text = _read_text(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as whole_error:
        document = None
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise DataFileError(f"{path} is not valid JSON (line {whole_error.lineno}, column "
                                f"{whole_error.colno}): the file is corrupt or truncated") from None
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise DataFileError(f"{path}: line {number} is not a JSON record: the file is corrupt "
                                    "or truncated") from None
        return records
    if isinstance(document, dict) and isinstance(document.get("Records"), list):
        return document["Records"]
    if isinstance(document, dict) and "eventName" in document:
        return [document]
    raise DataFileError(f"{path}: expected a CloudTrail file ({{\"Records\": [...]}} or one record per line)")


def load_cloudtrail(path: str | Path) -> pd.DataFrame:
    """A CloudTrail file, or every ``*.json`` file of a folder, as one flattened DataFrame."""
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"data file not found: {path}")
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise DataFileError(f"{path} holds no *.json CloudTrail files")
    records: list[dict] = []
    for file in files:
        records.extend(read_cloudtrail_file(file))
    return cloudtrail_frame(records, str(path))


def stratus_cloudtrail() -> pd.DataFrame:
    """The Stratus Red Team CloudTrail (55 files, 2,900 management events, 2023-07-10)."""
    return load_cloudtrail(data_file(STRATUS, "CloudTrail"))


def stratus_ground_truth() -> pd.DataFrame:
    """One row per Stratus run: technique, phase, first and last event, calls, errors, principals, IPs."""
    path = data_file(STRATUS, "ground_truth_stratus_detonations.csv")
    frame = _csv(path, ["stratus_uuid", "stratus_technique", "phase", "first_event_utc", "last_event_utc"])
    for column in ("first_event_utc", "last_event_utc"):
        frame[column] = _times(frame[column], path, column)
    return frame


def otrf_exfiltration() -> pd.DataFrame:
    """OTRF "cloud bank breach": stolen EC2 role credentials used to list and copy S3 objects (2020-09-14).

    The file is JSON lines shipped by Logstash, which renamed ``eventTime`` to ``@timestamp``; the loader
    maps it back to ``eventTime``.
    """
    return load_cloudtrail(data_file(OTRF, "ec2_proxy_s3_exfiltration_2020-09-14011940.json"))


def console_signin_examples() -> pd.DataFrame:
    """The console sign-in event examples from the CloudTrail guide (ConsoleLogin, CheckMfa, ...)."""
    return load_cloudtrail(data_file(AWSDOCS, "cloudtrail_console_signin_examples.json"))


# --- S3 honey bucket ------------------------------------------------------------------------------

HONEY_COLUMNS = ["Event Type", "Event Name", "Request ID", "User ID", "Request Parameters", "Alert", "Event ID",
                 "Event DateTime", "Alarm DateTime", "Source IP", "Request User Agent", "Repeated Attempts"]


def honey_bucket() -> pd.DataFrame:
    """Alerts of the S3 honey bucket ``microsoft-devtest`` (2020-02 to 2022-02), one row per alert.

    Adds ``accountId``, ``userType``, ``bucketName`` and ``key`` parsed from the Python-literal columns
    ``User ID`` and ``Request Parameters``; ``Event DateTime`` and ``Alarm DateTime`` become UTC times.
    """
    path = data_file(OTRF, "AWS_S3_HoneyBucketLogs.csv")
    frame = _csv(path, HONEY_COLUMNS)
    users = [_literal(v, path, "User ID") for v in frame["User ID"]]
    params = [_literal(v, path, "Request Parameters") for v in frame["Request Parameters"]]
    frame["userType"] = pd.array([u.get("type") for u in users], dtype="str")
    frame["accountId"] = pd.array([u.get("accountId") for u in users], dtype="str")
    frame["bucketName"] = pd.array([p.get("bucketName") for p in params], dtype="str")
    frame["key"] = pd.array([p.get("key") for p in params], dtype="str")
    frame["Event DateTime"] = _times(frame["Event DateTime"], path, "Event DateTime")
    frame["Alarm DateTime"] = _times(frame["Alarm DateTime"], path, "Alarm DateTime")
    frame["Repeated Attempts"] = _ints(frame["Repeated Attempts"], path, "Repeated Attempts")
    return frame.sort_values("Event DateTime", kind="stable").reset_index(drop=True)


def _literal(text: Any, path: Path, column: str) -> dict:
    if text is None or (isinstance(text, float) and pd.isna(text)) or str(text).strip() == "":
        return {}
    try:
        value = ast.literal_eval(str(text))
    except (ValueError, SyntaxError):
        raise DataFileError(f"{path}: a {column!r} value is not a Python dict literal: {str(text)[:60]!r}") from None
    if not isinstance(value, dict):
        raise DataFileError(f"{path}: a {column!r} value is not a dict")
    return value


# --- VPC flow logs --------------------------------------------------------------------------------

def parse_flow_log(text: str, source: str = "flow log") -> pd.DataFrame:
    """Parse flow-log text whose first line names the fields (the header S3 delivery writes).

    Numbers become integers (nullable, since ``-`` means "no value"), ``start``/``end`` UTC times.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DataFileError(f"{source} is empty")
    header = lines[0].split()
    if "srcaddr" not in header or "action" not in header:
        raise DataFileError(f"{source}: the first line must name the fields (version srcaddr ... action ...)")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        values = line.split()
        if len(values) < len(header):
            raise DataFileError(f"{source}: line {number} has {len(values)} fields, the header names {len(header)}")
        rows.append([None if v == "-" else v for v in values[:len(header)]])  # extra trailing fields: ignored
    frame = pd.DataFrame(rows, columns=header)
    for column in header:
        if column in FLOW_INT_FIELDS or column in ("start", "end"):
            frame[column] = _ints(frame[column], source, column)
        else:
            frame[column] = frame[column].astype("str")
    for column in ("start", "end"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column].astype("Int64"), unit="s", utc=True)
    return frame


def flow_log_examples(version: int = 2) -> pd.DataFrame:
    """The flow-log examples of the VPC guide: ``version`` 2 (default format), 3 (TCP flags) or 5."""
    names = {2: "vpc_flow_logs_v2_default.log", 3: "vpc_flow_logs_v3_tcp_flags.log",
             5: "vpc_flow_logs_v5_traffic_path.log"}
    if version not in names:
        raise ValueError(f"version must be one of {sorted(names)}")
    path = data_file(AWSDOCS, names[version])
    return parse_flow_log(_read_text(path), str(path))


def vpc_flow_logs() -> pd.DataFrame:
    """Generated: one day of flow logs (custom v3 format) of a small web VPC, with a port scan in it."""
    path = data_file(GENERATED, "vpc_flow_logs.log")
    return parse_flow_log(_read_text(path), str(path))


# --- S3 server access and ALB access logs ------------------------------------------------------

S3_ACCESS_FIELDS = [
    "bucket_owner", "bucket", "time", "remote_ip", "requester", "request_id", "operation", "key", "request_uri",
    "http_status", "error_code", "bytes_sent", "object_size", "total_time", "turn_around_time", "referer",
    "user_agent", "version_id", "host_id", "signature_version", "cipher_suite", "authentication_type",
    "host_header", "tls_version", "access_point_arn", "acl_required",
]
ALB_FIELDS = [
    "type", "time", "elb", "client_port", "target_port", "request_processing_time", "target_processing_time",
    "response_processing_time", "elb_status_code", "target_status_code", "received_bytes", "sent_bytes",
    "request", "user_agent", "ssl_cipher", "ssl_protocol", "target_group_arn", "trace_id", "domain_name",
    "chosen_cert_arn", "matched_rule_priority", "request_creation_time", "actions_executed", "redirect_url",
    "error_reason", "target_port_list", "target_status_code_list", "classification", "classification_reason",
]


def _split_log_line(line: str, source: str, number: int) -> list[str]:
    # S3 puts the time in brackets with a space inside: make it one quoted token first
    line = re.sub(r"\[([^\]]*)\]", r'"\1"', line)
    try:
        return shlex.split(line, posix=True)
    except ValueError:
        raise DataFileError(f"{source}: line {number} has an unbalanced quote") from None


def _space_log(path: Path, fields: list[str]) -> pd.DataFrame:
    rows = []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        values = _split_log_line(line, str(path), number)
        if len(values) < len(fields):
            raise DataFileError(f"{path}: line {number} has {len(values)} fields, expected {len(fields)}")
        rows.append([None if v == "-" else v for v in values[:len(fields)]])
    if not rows:
        raise DataFileError(f"{path} holds no log lines")
    return pd.DataFrame(rows, columns=fields).astype("str")


def s3_access_log_examples() -> pd.DataFrame:
    """The S3 server access log examples of the S3 guide (26 fields each)."""
    path = data_file(AWSDOCS, "s3_server_access_log_examples.log")
    frame = _space_log(path, S3_ACCESS_FIELDS)
    frame["time"] = pd.to_datetime(frame["time"], format="%d/%b/%Y:%H:%M:%S %z", utc=True)
    for column in ("http_status", "bytes_sent", "object_size", "total_time", "turn_around_time"):
        frame[column] = _ints(frame[column], path, column)
    return frame


def alb_access_log_examples() -> pd.DataFrame:
    """The Application Load Balancer access log examples of the ELB guide (29 fields each)."""
    path = data_file(AWSDOCS, "alb_access_log_examples.log")
    frame = _space_log(path, ALB_FIELDS)
    for column in ("time", "request_creation_time"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    for column in ("elb_status_code", "received_bytes", "sent_bytes"):
        frame[column] = _ints(frame[column], path, column)
    return frame


# --- GuardDuty and Config -------------------------------------------------------------------------

def guardduty_finding_types() -> pd.DataFrame:
    """GuardDuty finding types of January 2022 (EC2, IAM and S3), from the GuardDuty guide."""
    path = data_file(AWSDOCS, "guardduty_finding_types_2022-01.csv")
    return _csv(path, ["finding_type", "resource", "data_source", "severity", "severity_varies"])


GUARDDUTY_FLAT = ("id", "type", "severity", "title", "accountId", "region", "createdAt", "updatedAt",
                  "resource.resourceType", "resource.instanceDetails.instanceId",
                  "resource.accessKeyDetails.userName", "resource.accessKeyDetails.accessKeyId",
                  "service.action.actionType", "service.count", "service.eventFirstSeen",
                  "service.eventLastSeen", "service.archived")


def guardduty_findings() -> pd.DataFrame:
    """Generated: GuardDuty findings as EventBridge events (``detail`` holds the finding), one row each.

    Adds ``severityLabel`` (Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0 and above) and
    ``remoteIp`` from the action block; the whole finding stays in the ``detail`` column.
    """
    path = data_file(GENERATED, "guardduty_findings.json")
    events = _json(path)
    if not isinstance(events, list):
        raise DataFileError(f"{path}: expected a JSON list of EventBridge events")
    rows = []
    for n, event in enumerate(events):
        detail = event.get("detail") if isinstance(event, dict) else None
        if not isinstance(detail, dict) or "type" not in detail or "severity" not in detail:
            raise DataFileError(f"{path}: event {n} has no GuardDuty finding in its detail")
        row = {field: _dig(detail, field) for field in GUARDDUTY_FLAT}
        row["remoteIp"] = _remote_ip(detail)
        row["detail"] = detail
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*GUARDDUTY_FLAT, "remoteIp", "detail"])
    for column in ("createdAt", "updatedAt", "service.eventFirstSeen", "service.eventLastSeen"):
        frame[column] = _times(frame[column], path, column)
    frame["severity"] = frame["severity"].astype("float64")
    frame["service.count"] = frame["service.count"].astype("Int64")
    frame["service.archived"] = frame["service.archived"].astype("boolean")
    frame["severityLabel"] = pd.cut(frame["severity"], [0, 4, 7, 9, 10.01], right=False,
                                    labels=["Low", "Medium", "High", "Critical"])
    for column in frame.columns:
        if frame[column].dtype == object and column != "detail":
            frame[column] = frame[column].astype("str")
    return frame.sort_values("createdAt", kind="stable").reset_index(drop=True)


def _remote_ip(detail: dict) -> str | None:
    action = _dig(detail, "service.action") or {}
    for block in ("networkConnectionAction", "awsApiCallAction"):
        ip = _dig(action, f"{block}.remoteIpDetails.ipAddressV4")
        if ip:
            return ip
    probes = _dig(action, "portProbeAction.portProbeDetails") or []
    if probes:
        return _dig(probes[0], "remoteIpDetails.ipAddressV4")
    return None


CONFIG_FLAT = ("resourceType", "resourceId", "resourceName", "ARN", "awsRegion", "awsAccountId",
               "configurationItemStatus", "configurationItemCaptureTime")


def config_snapshot() -> pd.DataFrame:
    """Generated: an AWS Config snapshot (the delivered form), one row per configuration item.

    ``configuration``, ``supplementaryConfiguration``, ``tags`` and ``relationships`` stay as dict/list
    columns; the identifying fields become string columns.
    """
    path = data_file(GENERATED, "config_snapshot.json")
    return config_frame(_json(path), path)


def config_frame(document: Any, path: Any = "Config snapshot") -> pd.DataFrame:
    """A Config snapshot document (the delivered JSON, parsed) as :func:`config_snapshot`'s DataFrame."""
    items = document.get("configurationItems") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise DataFileError(f"{path}: expected a Config snapshot with a configurationItems list")
    rows = []
    for n, item in enumerate(items):
        if not isinstance(item, dict) or "resourceType" not in item or "configuration" not in item:
            raise DataFileError(f"{path}: configuration item {n} lacks resourceType or configuration")
        row = {field: item.get(field) for field in CONFIG_FLAT}
        for field in ("configuration", "supplementaryConfiguration", "tags", "relationships"):
            row[field] = item.get(field) or ({} if field != "relationships" else [])
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["configurationItemCaptureTime"] = _times(frame["configurationItemCaptureTime"], path,
                                                   "configurationItemCaptureTime")
    for column in CONFIG_FLAT[:-1]:
        frame[column] = frame[column].astype("str")
    return frame


# --- helpers ----------------------------------------------------------------------------------------

def _csv(path: Path, required: list[str]) -> pd.DataFrame:
    text = _read_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype="str", keep_default_na=False, na_values=[""],
                            quoting=csv.QUOTE_MINIMAL, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(f"{path} is not a readable CSV file: {exc}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataFileError(f"{path}: missing column(s) {', '.join(missing)}: the file is corrupt or not this dataset")
    return frame


def _times(series: pd.Series, source: Any, column: str) -> pd.Series:
    try:
        return pd.to_datetime(series, utc=True, format="ISO8601")
    except (ValueError, TypeError):
        raise DataFileError(f"{source}: column {column!r} holds a value that is not an ISO-8601 time") from None


def _ints(series: pd.Series, source: Any, column: str) -> pd.Series:
    try:
        return pd.to_numeric(series, errors="raise").astype("Int64")
    except (ValueError, TypeError):
        raise DataFileError(f"{source}: column {column!r} holds a value that is not a whole number") from None
