"""Seeded generators for the data that no open dataset supplies, with a known ground truth.

Three files in ``data/generated/`` come from here (``python -m course.generate`` rewrites them):

- ``vpc_flow_logs.log``: six hours of VPC flow logs (custom format, version 3 fields, with the header line
  that S3 delivery writes) of a small web VPC: web clients, app traffic, an SSH admin, background internet
  noise, and one vertical port scan;
- ``guardduty_findings.json``: GuardDuty findings as EventBridge events, some tied to the flow logs;
- ``config_snapshot.json``: an AWS Config snapshot (the delivered form) of the same account, with a few
  misconfigurations among compliant resources.

Everything derives from :data:`SEED` through ``random.Random``, so the same seed gives the same bytes.
:func:`flow_log_case` makes smaller flow logs from other seeds: the unseen data that functions written in
the notebooks are graded on. The ground truth of each generated file is :data:`GROUND_TRUTH`.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

SEED = 20260302
ACCOUNT = "111122223333"
REGION = "eu-west-1"
VPC = "vpc-0a1b2c3d4e5f60718"
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
HOURS = 6

FLOW_FIELDS = ("version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport "
               "pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status")

# the hosts of the VPC: name -> (instance, eni, subnet, private ip)
HOSTS = {
    "web": ("i-0a11web0000000001", "eni-0a11web000000001", "subnet-0public00000001", "10.0.1.25"),
    "bastion": ("i-0b22bastion000002", "eni-0b22bastion00002", "subnet-0public00000001", "10.0.1.10"),
    "app": ("i-0c33app0000000003", "eni-0c33app000000003", "subnet-0private0000002", "10.0.2.40"),
}
ADMIN_IP = "203.0.113.10"
SCANNER_IP = "198.51.100.77"
SCAN_START = START + timedelta(hours=3, minutes=14)

GROUND_TRUTH: dict[str, dict[str, Any]] = {
    "flow_logs": {
        "scanner": SCANNER_IP, "target": HOSTS["web"][3], "target_instance": HOSTS["web"][0],
        "ports": "1-1024", "open_port_found": 443, "scan_start": SCAN_START.isoformat(),
    },
    "config": {  # resource id -> the managed rule it breaks
        "example-public-website": "s3-bucket-public-read-prohibited",
        "example-data-exports": "s3-bucket-public-read-prohibited",
        "sg-0b22bastion000002": "restricted-ssh",
        "i-0b22bastion000002": "ec2-imdsv2-check",
        "vol-0c33app00000data": "encrypted-volumes",
    },
}


# --- VPC flow logs --------------------------------------------------------------------------------

def _public_ip(rng: random.Random) -> str:
    first = rng.choice([31, 37, 46, 62, 77, 81, 84, 86, 90, 91, 93, 109, 151, 176, 178, 185, 188, 193, 212, 213])
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _flow(host: str, src: str, dst: str, sport: int, dport: int, proto: int, nbytes: int, packets: int,
          window: datetime, action: str, flags: int) -> str:
    instance, eni, subnet, _ = HOSTS[host]
    start = _epoch(window)
    return " ".join(str(v) for v in (3, VPC, subnet, instance, eni, ACCOUNT, "IPv4", src, dst, sport, dport,
                                     src, dst, proto, nbytes, packets, start, start + 60, action, flags, "OK"))


def _nodata(host: str, window: datetime) -> str:
    instance, eni, subnet, _ = HOSTS[host]
    start = _epoch(window)
    return " ".join(str(v) for v in (3, VPC, subnet, instance, eni, ACCOUNT, "-", "-", "-", "-", "-", "-", "-", "-",
                                     "-", "-", start, start + 60, "-", "-", "NODATA"))


def flow_log_lines(seed: int = SEED, *, start: datetime = START, hours: int = HOURS,
                   scanner: str | None = SCANNER_IP, scan_at: datetime | None = SCAN_START,
                   scan_ports: Sequence[int] = range(1, 1025), sweep: str | None = None) -> list[str]:
    """Flow-log records (without the header), sorted by start time.

    Args:
        seed: the random seed; the same arguments always give the same lines.
        start: the first one-minute aggregation window.
        hours: how many hours of traffic.
        scanner: the source of a vertical scan of the web server (None: no scan).
        scan_at: when the scan starts; it covers ``scan_ports`` at about 200 ports a minute.
        scan_ports: the destination ports the scanner tries (a port listed twice is tried twice).
        sweep: the source of a slow horizontal sweep of port 22 across the VPC's hosts (None: none).
    """
    rng = random.Random(seed)
    web, bastion, app = HOSTS["web"][3], HOSTS["bastion"][3], HOSTS["app"][3]
    clients = [_public_ip(rng) for _ in range(120)]
    lines: list[tuple[int, str]] = []
    for minute in range(hours * 60):
        window = start + timedelta(minutes=minute)
        busy = 2 + int(2 * (minute % 180 > 90))  # load varies over the day
        for _ in range(rng.randint(1, busy)):  # HTTPS clients of the web server
            client, sport = rng.choice(clients), rng.randint(32768, 60999)
            packets = rng.randint(6, 40)
            lines.append((minute, _flow("web", client, web, sport, 443, 6, packets * rng.randint(90, 1400),
                                        packets, window, "ACCEPT", 3)))
            lines.append((minute, _flow("web", web, client, 443, sport, 6, packets * rng.randint(200, 1400),
                                        packets + rng.randint(0, 4), window, "ACCEPT", 19)))
        if rng.random() < 0.5:  # the web tier calls the app tier
            sport, packets = rng.randint(32768, 60999), rng.randint(4, 20)
            lines.append((minute, _flow("app", web, app, sport, 8080, 6, packets * 300, packets, window,
                                        "ACCEPT", 3)))
            lines.append((minute, _flow("app", app, web, 8080, sport, 6, packets * 900, packets, window,
                                        "ACCEPT", 19)))
        elif rng.random() < 0.1:
            lines.append((minute, _nodata("app", window)))
        if rng.random() < 0.08:  # internet background noise: a probe of a common port, rejected
            host = rng.choice(["web", "bastion"])
            port = rng.choice([23, 445, 3389, 1433, 5900, 8080, 6379, 22])
            action = "ACCEPT" if host == "bastion" and port == 22 else "REJECT"
            lines.append((minute, _flow(host, _public_ip(rng), HOSTS[host][3], rng.randint(1024, 65535), port, 6,
                                        44 * (n := rng.randint(1, 2)), n, window, action, 2)))
        if minute % 47 == 5:  # the administrator's SSH session to the bastion
            sport, packets = rng.randint(49152, 65535), rng.randint(30, 300)
            lines.append((minute, _flow("bastion", ADMIN_IP, bastion, sport, 22, 6, packets * 120, packets, window,
                                        "ACCEPT", 3)))
            lines.append((minute, _flow("bastion", bastion, ADMIN_IP, 22, sport, 6, packets * 160, packets, window,
                                        "ACCEPT", 19)))
    if scanner and scan_at is not None:
        ports = list(scan_ports)
        rng.shuffle(ports)
        base = int((scan_at - start).total_seconds() // 60)
        for i, port in enumerate(ports):
            minute = base + i // 200
            window = start + timedelta(minutes=minute)
            sport = rng.randint(40000, 65000)
            if port == 443:  # the one open port answers
                lines.append((minute, _flow("web", scanner, web, sport, port, 6, 44, 1, window, "ACCEPT", 2)))
                lines.append((minute, _flow("web", web, scanner, port, sport, 6, 44, 1, window, "ACCEPT", 18)))
            else:
                lines.append((minute, _flow("web", scanner, web, sport, port, 6, 44, 1, window, "REJECT", 2)))
    if sweep:
        for i, host in enumerate(["web", "bastion", "app"]):
            minute = 30 + 40 * i
            window = start + timedelta(minutes=minute)
            action = "ACCEPT" if host == "bastion" else "REJECT"
            lines.append((minute, _flow(host, sweep, HOSTS[host][3], rng.randint(40000, 65000), 22, 6, 44, 1,
                                        window, action, 2)))
    lines.sort(key=lambda item: item[0])  # stable: records of one window keep their order
    return [line for _, line in lines]


def flow_log_text(seed: int = SEED, **kwargs) -> str:
    """The flow-log file: the header line, then the records."""
    return "\n".join([FLOW_FIELDS, *flow_log_lines(seed, **kwargs)]) + "\n"


def flow_log_case(seed: int):
    """A smaller flow log (one hour) made from ``seed``, parsed: unseen data for grading functions.

    The seed decides whether a vertical scan happens, from which address and over which ports, and whether a
    slow SSH sweep (three packets, one per host) is present.
    """
    from course.data import parse_flow_log

    rng = random.Random(seed * 7919)
    scanner = f"192.0.2.{rng.randint(2, 250)}" if rng.random() < 0.8 else None
    low = rng.randint(1, 2000)
    ports = range(low, low + rng.choice([30, 120, 400]))
    sweep = f"203.0.113.{rng.randint(100, 200)}" if rng.random() < 0.6 else None
    text = flow_log_text(seed, hours=1, scanner=scanner, scan_at=START + timedelta(minutes=rng.randint(5, 40)),
                         scan_ports=ports, sweep=sweep)
    return parse_flow_log(text, f"generated flow log (seed {seed})")


def flow_log_trap_case(seed: int, trap: str, threshold: int = 100):
    """An unseen hour with one trap for a vertical-scan detector, parsed.

    ``"threshold"``: one source is rejected on exactly ``threshold`` distinct ports of the web server (the
    rule's threshold, so it is a scan); ``"below"``: on one fewer (so not a scan). ``"one_port"``: one
    source is rejected 150 times (or ``threshold`` + 50) on a single port (a brute force, not a vertical scan).
    Port 443 is kept out of all three, since the web server accepts it.
    """
    from course.data import parse_flow_log

    rng = random.Random(seed * 7919)
    source = f"192.0.2.{rng.randint(2, 250)}"
    if trap in ("threshold", "below"):
        low = rng.randint(1025, 30000)
        ports: list[int] = list(range(low, low + (threshold if trap == "threshold" else threshold - 1)))
    elif trap == "one_port":
        ports = [rng.choice([22, 3389, 5432])] * max(150, threshold + 50)
    else:
        raise ValueError(f"trap must be 'threshold', 'below' or 'one_port', not {trap!r}")
    text = flow_log_text(seed, hours=1, scanner=source, scan_at=START + timedelta(minutes=rng.randint(5, 40)),
                         scan_ports=ports)
    return parse_flow_log(text, f"generated flow log (seed {seed}, {trap})")


@cache
def _background_hour(seed: int):
    """One parsed hour of the VPC's ordinary traffic, without any scan (built once per process)."""
    from course.data import parse_flow_log

    return parse_flow_log(flow_log_text(seed, hours=1, scanner=None), f"generated flow log (seed {seed})")


def learner_trap_cases(seed: int, threshold: int, background: int = 15) -> dict[str, Any]:
    """A learner's three traps for a vertical-scan detector at their ``threshold`` (see
    :func:`flow_log_trap_case`), each on a shared hour of ordinary traffic, with one parse for the three scans:
    ``"threshold"`` (exactly ``threshold`` rejected ports), ``"one_port"`` (one port, many times) and
    ``"below"`` (one short in REJECT flows, plus port 443, which the web server accepts)."""
    import pandas as pd

    from course.data import parse_flow_log

    rng = random.Random(seed * 7919 + 5)
    sources = [f"192.0.2.{octet}" for octet in rng.sample(range(2, 251), 3)]
    low = rng.randint(1025, 30000)
    plans = {"threshold": list(range(low, low + threshold)),
             "one_port": [rng.choice([22, 3389, 5432])] * max(150, threshold + 50),
             "below": list(range(low, low + threshold - 1)) + [443]}
    web = HOSTS["web"][3]
    lines: list[str] = []
    for source, ports in zip(sources, plans.values(), strict=True):
        ports = list(ports)
        rng.shuffle(ports)
        base = rng.randint(5, 40)
        for i, port in enumerate(ports):
            window = START + timedelta(minutes=base + i // 200)
            sport = rng.randint(40000, 65000)
            action = "ACCEPT" if port == 443 else "REJECT"
            lines.append(_flow("web", source, web, sport, port, 6, 44, 1, window, action, 2))
            if port == 443:
                lines.append(_flow("web", web, source, port, sport, 6, 44, 1, window, "ACCEPT", 18))
    scans = parse_flow_log("\n".join([FLOW_FIELDS, *lines]), f"generated scans (seed {seed})")
    hour = _background_hour(background)
    cases = {}
    for source, trap in zip(sources, plans, strict=True):
        mine = scans[(scans["srcaddr"] == source) | (scans["dstaddr"] == source)]
        cases[trap] = (pd.concat([hour, mine], ignore_index=True).sort_values("start", kind="stable")
                       .reset_index(drop=True))
    return cases


def learner_flow_day(seed: int, hours: int = 4):
    """A learner's own flow logs (issue #19, per-learner variants), parsed: the same small web VPC as the
    file, with its own clients, noise, and one vertical scan from its own address, at its own time, over its
    own range of at least 300 ports (so it crosses any threshold a variant asks for). Same seed, same frame."""
    from course.data import parse_flow_log

    rng = random.Random(seed * 104729 + 17)
    base = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
    scanner = f"{base}.{rng.randint(20, 250)}"  # never the administrator 203.0.113.10
    low = rng.randint(1, 400)
    ports = range(low, low + rng.randint(300, 1025 - low))
    scan_at = START + timedelta(minutes=rng.randint(30, hours * 60 - 20))
    text = flow_log_text(seed, hours=hours, scanner=scanner, scan_at=scan_at, scan_ports=ports)
    return parse_flow_log(text, f"your generated flow logs (seed {seed})")


# --- GuardDuty findings ---------------------------------------------------------------------------

FINDINGS = [
    # (type, severity, resource, actor ip, minutes after START, count)
    ("Recon:EC2/PortProbeUnprotectedPort", 2.0, "bastion", "185.220.101.4", 12, 14),
    ("Recon:EC2/PortProbeUnprotectedPort", 2.0, "bastion", "45.155.205.233", 95, 6),
    ("UnauthorizedAccess:EC2/SSHBruteForce", 2.0, "bastion", "91.240.118.172", 140, 212),
    ("UnauthorizedAccess:EC2/TorClient", 8.0, "app", "10.0.2.40", 230, 3),
    ("CryptoCurrency:EC2/BitcoinTool.B!DNS", 8.0, "app", None, 232, 41),
    ("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 8.0, "key", "198.51.100.23", 250, 9),
    ("Stealth:IAMUser/CloudTrailLoggingDisabled", 2.0, "key", "198.51.100.23", 262, 1),
    ("Policy:IAMUser/RootCredentialUsage", 2.0, "root", "203.0.113.10", 300, 2),
    ("Discovery:S3/MaliciousIPCaller.Custom", 8.0, "key", "198.51.100.23", 255, 1),
    ("Recon:IAMUser/MaliciousIPCaller.Custom", 5.0, "key", "198.51.100.23", 251, 12),
    ("UnauthorizedAccess:EC2/MaliciousIPCaller.Custom", 5.0, "web", "198.51.100.77", 196, 1),
]


def guardduty_events(seed: int = SEED) -> list[dict]:
    """GuardDuty findings wrapped as EventBridge events (camelCase ``detail``), in creation order."""
    rng = random.Random(seed + 1)
    detector = "12abc34d567e8fa901bc2d34eexample"
    events = []
    for number, (ftype, severity, target, ip, minutes, count) in enumerate(FINDINGS):
        first = START + timedelta(minutes=minutes)
        last = first + timedelta(minutes=rng.randint(0, 25) if count > 1 else 0)
        created = last + timedelta(minutes=rng.randint(3, 9))
        finding_id = uuid.UUID(int=rng.getrandbits(128)).hex
        if target in HOSTS:
            instance, eni, subnet, private_ip = HOSTS[target]
            resource = {"resourceType": "Instance", "instanceDetails": {
                "instanceId": instance, "instanceType": "t3.small", "availabilityZone": f"{REGION}a",
                "networkInterfaces": [{"networkInterfaceId": eni, "subnetId": subnet, "vpcId": VPC,
                                       "privateIpAddress": private_ip}],
                "tags": [{"key": "Name", "value": target}]}}
        else:
            user = {"key": ("AssumedRole", "web-app-role", "ASIAEXAMPLEWEB0000001"),
                    "root": ("Root", "Root", "")}[target]
            resource = {"resourceType": "AccessKey", "accessKeyDetails": {
                "userType": user[0], "userName": user[1], "accessKeyId": user[2],
                "principalId": "AROAEXAMPLEWEBROLE000:i-0a11web0000000001" if target == "key" else ACCOUNT}}
        if ftype.startswith("Recon:EC2/PortProbe"):
            action = {"actionType": "PORT_PROBE", "portProbeAction": {"blocked": False, "portProbeDetails": [
                {"localPortDetails": {"port": 22, "portName": "SSH"},
                 "remoteIpDetails": {"ipAddressV4": ip, "organization": {"asnOrg": "EXAMPLE-HOSTING"}}}]}}
        elif target in HOSTS and ip:
            outbound = ip.startswith("10.")
            action = {"actionType": "NETWORK_CONNECTION", "networkConnectionAction": {
                "connectionDirection": "OUTBOUND" if outbound else "INBOUND", "blocked": False, "protocol": "TCP",
                "remoteIpDetails": {"ipAddressV4": ip if not outbound else "192.0.2.99"},
                "localPortDetails": {"port": 22 if "SSH" in ftype else 443}}}
        elif target in HOSTS:
            action = {"actionType": "DNS_REQUEST", "dnsRequestAction": {"domain": "pool.example-mining.test",
                                                                         "protocol": "UDP", "blocked": False}}
        else:
            api = {"InstanceCredentialExfiltration": "ListBuckets", "CloudTrailLoggingDisabled": "StopLogging",
                   "RootCredentialUsage": "ConsoleLogin", "Discovery:S3": "ListBuckets",
                   "MaliciousIPCaller": "GetCallerIdentity"}
            name = next(v for k, v in api.items() if k in ftype)
            action = {"actionType": "AWS_API_CALL", "awsApiCallAction": {
                "api": name, "serviceName": "s3.amazonaws.com" if name == "ListBuckets" else "iam.amazonaws.com",
                "callerType": "Remote IP", "remoteIpDetails": {"ipAddressV4": ip}}}
        detail = {
            "schemaVersion": "2.0", "accountId": ACCOUNT, "region": REGION, "partition": "aws",
            "id": finding_id, "arn": f"arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/{detector}/finding/{finding_id}",
            "type": ftype, "resource": resource, "severity": severity,
            "createdAt": created.isoformat().replace("+00:00", "Z"),
            "updatedAt": created.isoformat().replace("+00:00", "Z"),
            "title": f"{ftype.split('/')[1].split('.')[0].split('!')[0]} observed on {target}",
            "description": f"Generated example finding {number + 1} for the course (not from a real account).",
            "service": {"serviceName": "guardduty", "detectorId": detector, "action": action,
                        "resourceRole": "TARGET", "archived": ftype.startswith("Policy:"), "count": count,
                        "eventFirstSeen": first.isoformat().replace("+00:00", "Z"),
                        "eventLastSeen": last.isoformat().replace("+00:00", "Z"),
                        "additionalInfo": {"generated": True}},
        }
        events.append({"version": "0", "id": str(uuid.UUID(int=rng.getrandbits(128))),
                       "detail-type": "GuardDuty Finding", "source": "aws.guardduty", "account": ACCOUNT,
                       "time": detail["createdAt"], "region": REGION, "resources": [], "detail": detail})
    return sorted(events, key=lambda e: e["time"])


# --- Config snapshot -----------------------------------------------------------------------------

def _item(resource_type: str, resource_id: str, name: str, arn: str, configuration: dict, captured: datetime,
          supplementary: dict | None = None, relationships: list | None = None, tags: dict | None = None) -> dict:
    return {
        "configurationItemVersion": "1.3", "configurationItemCaptureTime": captured.isoformat().replace("+00:00", "Z"),
        "configurationStateId": int(captured.timestamp() * 1000), "awsAccountId": ACCOUNT,
        "configurationItemStatus": "OK", "resourceType": resource_type, "resourceId": resource_id,
        "resourceName": name, "ARN": arn, "awsRegion": REGION, "availabilityZone": "Not Applicable"
        if resource_type.startswith("AWS::S3") else f"{REGION}a", "configurationStateMd5Hash": "",
        "resourceCreationTime": (captured - timedelta(days=90)).isoformat().replace("+00:00", "Z"),
        "tags": tags or {}, "relatedEvents": [], "relationships": relationships or [],
        "configuration": configuration, "supplementaryConfiguration": supplementary or {},
    }


def _bucket(name: str, captured: datetime, *, pab: dict | None, policy: dict | None, acl_public: bool) -> dict:
    owner = {"id": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", "displayName": None}
    grants = [{"grantee": {"id": owner["id"]}, "permission": "FullControl"}]
    if acl_public:
        grants.append({"grantee": "AllUsers", "permission": "Read"})
    supplementary = {
        "AccessControlList": json.dumps({"grantSet": None, "grantList": grants, "owner": owner,
                                         "isRequesterCharged": False}),
        "BucketVersioningConfiguration": {"status": "Off", "isMfaDeleteEnabled": None},
        "ServerSideEncryptionConfiguration": {"rules": [{"applyServerSideEncryptionByDefault": {
            "sseAlgorithm": "AES256", "kmsMasterKeyID": None}, "bucketKeyEnabled": False}]},
    }
    if pab is not None:
        supplementary["PublicAccessBlockConfiguration"] = pab
    if policy is not None:
        supplementary["BucketPolicy"] = {"policyText": json.dumps(policy)}
    return _item("AWS::S3::Bucket", name, name, f"arn:aws:s3:::{name}",
                 {"name": name, "owner": owner, "creationDate": (captured - timedelta(days=200)).isoformat()},
                 captured, supplementary, tags={"team": "web"})


def _pab(flag: bool) -> dict:
    return {"blockPublicAcls": flag, "ignorePublicAcls": flag, "blockPublicPolicy": flag,
            "restrictPublicBuckets": flag}


def _sg(group_id: str, name: str, rules: list[tuple[int, int, str]], captured: datetime) -> dict:
    permissions = [{"ipProtocol": "tcp", "fromPort": low, "toPort": high,
                    "ipv4Ranges": [{"cidrIp": source}] if "/" in source else [],
                    "userIdGroupPairs": [] if "/" in source else [{"groupId": source}],
                    "ipv6Ranges": [], "prefixListIds": []} for low, high, source in rules]
    return _item("AWS::EC2::SecurityGroup", group_id, name, f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group_id}",
                 {"groupId": group_id, "groupName": name, "vpcId": VPC, "ownerId": ACCOUNT,
                  "description": f"{name} tier", "ipPermissions": permissions,
                  "ipPermissionsEgress": [{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}],
                                           "ipv6Ranges": [], "prefixListIds": [], "userIdGroupPairs": []}]},
                 captured, relationships=[{"resourceType": "AWS::EC2::VPC", "resourceId": VPC,
                                           "relationshipName": "Is contained in Vpc"}])


def _instance(host: str, group: str, http_tokens: str, captured: datetime) -> dict:
    instance, eni, subnet, ip = HOSTS[host]
    return _item("AWS::EC2::Instance", instance, host, f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance}",
                 {"instanceId": instance, "instanceType": "t3.small", "privateIpAddress": ip, "subnetId": subnet,
                  "vpcId": VPC, "securityGroups": [{"groupId": group}],
                  "metadataOptions": {"state": "applied", "httpTokens": http_tokens, "httpPutResponseHopLimit": 1,
                                      "httpEndpoint": "enabled"},
                  "iamInstanceProfile": {"arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{host}-profile"}},
                 captured, relationships=[
                     {"resourceType": "AWS::EC2::SecurityGroup", "resourceId": group,
                      "relationshipName": "Is associated with SecurityGroup"},
                     {"resourceType": "AWS::EC2::NetworkInterface", "resourceId": eni,
                      "relationshipName": "Contains NetworkInterface"}], tags={"Name": host})


def _volume(volume: str, host: str, encrypted: bool, captured: datetime) -> dict:
    return _item("AWS::EC2::Volume", volume, volume, f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{volume}",
                 {"volumeId": volume, "size": 20 if "root" in volume else 200, "volumeType": "gp3",
                  "encrypted": encrypted, "kmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ebs"
                  if encrypted else None, "attachments": [{"instanceId": HOSTS[host][0], "state": "attached"}]},
                 captured)


def config_snapshot_document(seed: int = SEED) -> dict:
    """The snapshot: buckets, security groups, instances, volumes and a trail, five of them non-compliant."""
    rng = random.Random(seed + 2)
    captured = START - timedelta(hours=1)
    public_read = {"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::example-data-exports/*"}]}
    org_only = {"Version": "2012-10-17", "Statement": [{
        "Sid": "OrgRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::example-partner-share/*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"}}}]}
    tls_only = {"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::example-cloudtrail-logs", "arn:aws:s3:::example-cloudtrail-logs/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
    items = [
        _bucket("example-cloudtrail-logs", captured, pab=_pab(True), policy=tls_only, acl_public=False),
        _bucket("example-public-website", captured, pab=None, policy=None, acl_public=True),
        _bucket("example-data-exports", captured, pab=_pab(False), policy=public_read, acl_public=False),
        _bucket("example-partner-share", captured, pab=_pab(False), policy=org_only, acl_public=False),
        _bucket("example-legacy-assets", captured, pab=_pab(True), policy=None, acl_public=True),
        _sg("sg-0a11web0000000001", "web", [(443, 443, "0.0.0.0/0")], captured),
        _sg("sg-0b22bastion000002", "bastion", [(22, 22, "0.0.0.0/0")], captured),
        _sg("sg-0c33app0000000003", "app", [(8080, 8080, "sg-0a11web0000000001"),
                                            (22, 22, "sg-0b22bastion000002")], captured),
        _instance("web", "sg-0a11web0000000001", "required", captured),
        _instance("bastion", "sg-0b22bastion000002", "optional", captured),
        _instance("app", "sg-0c33app0000000003", "required", captured),
        _volume("vol-0a11web00000root", "web", True, captured),
        _volume("vol-0b22bastion0root", "bastion", True, captured),
        _volume("vol-0c33app00000root", "app", True, captured),
        _volume("vol-0c33app00000data", "app", False, captured),
        _item("AWS::CloudTrail::Trail", "management-trail", "management-trail",
              f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/management-trail",
              {"name": "management-trail", "s3BucketName": "example-cloudtrail-logs", "isMultiRegionTrail": True,
               "includeGlobalServiceEvents": True, "logFileValidationEnabled": True,
               "cloudWatchLogsLogGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:cloudtrail:*",
               "kmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}, captured),
    ]
    rng.shuffle(items)
    return {"fileVersion": "1.0", "configSnapshotId": str(uuid.UUID(int=rng.getrandbits(128))),
            "configurationItems": items}


# --- a learner's own Config snapshot (issue #19, per-learner variants) ------------------------------------

_TEAMS = ("web", "data", "billing", "media", "search", "crm", "payments", "ml", "ops", "mobile")
_PURPOSES = ("assets", "exports", "backups", "reports", "uploads", "static-site", "archive", "partner-share",
             "logs", "images", "invoices", "datasets")
# bucket settings: (policy, public ACL grantee, Block Public Access flag or None) and whether the rule fails
_BUCKETS = {
    "tls-only policy, Block Public Access on": ("tls", None, True, False),
    "public ACL, no Block Public Access": (None, "AllUsers", None, True),
    "ACL for AuthenticatedUsers, Block Public Access off": (None, "AuthenticatedUsers", False, True),
    "public-read policy, Block Public Access off": ("public", None, False, True),
    "public-read policy, no Block Public Access": ("public", None, None, True),
    "public ACL neutralised by Block Public Access": (None, "AllUsers", True, False),
    "Principal * limited by aws:PrincipalOrgID": ("org", None, False, False),
    "public-read policy restricted by Block Public Access": ("public", None, True, False),
    "private, no policy": (None, None, False, False),
}


def _hex_id(rng: random.Random, prefix: str, digits: int = 17) -> str:
    return f"{prefix}-0{rng.getrandbits(4 * (digits - 1)):0{digits - 1}x}"


def _bucket_policy(kind: str | None, name: str) -> dict | None:
    if kind is None:
        return None
    if kind == "tls":
        return {"Version": "2012-10-17", "Statement": [{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
    statement: dict[str, Any] = {"Sid": "PublicRead" if kind == "public" else "OrgRead", "Effect": "Allow",
                                 "Principal": "*" if kind == "public" else {"AWS": "*"}, "Action": "s3:GetObject",
                                 "Resource": f"arn:aws:s3:::{name}/*"}
    if kind == "org":
        statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"}}
    return {"Version": "2012-10-17", "Statement": [statement]}


def learner_config_snapshot(seed: int) -> tuple[dict, list[tuple[str, str]]]:
    """A learner's own Config snapshot and its ground truth ``[(resourceId, managed rule), ...]``.

    Like ``config_snapshot.json``: buckets, security groups, instances, volumes and a trail, with their own
    names and ids, their own mix of misconfigurations (at least one per rule) and of compliant look-alikes (a
    public ACL neutralised by Block Public Access, a ``Principal *`` policy limited to the organization, SSH
    open to an office range, a port range from 0.0.0.0/0 that does or does not cover 22).
    """
    rng = random.Random(seed * 6151 + 3)
    captured = START - timedelta(hours=rng.randint(1, 48))
    truth: list[tuple[str, str]] = []
    items: list[dict] = []
    owner = {"id": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", "displayName": None}
    names = rng.sample([f"{t}-{p}" for t in _TEAMS for p in _PURPOSES], 6)
    suffix = rng.randint(100, 999)
    kinds = list(_BUCKETS)
    chosen = [rng.choice([k for k in kinds if _BUCKETS[k][3]]), rng.choice([k for k in kinds if not _BUCKETS[k][3]
                                                                          and k != "private, no policy"])]
    chosen += rng.sample(kinds, 4)
    for name, kind in zip(names, chosen, strict=True):
        bucket = f"example-{name}-{suffix}"
        policy_kind, grantee, flag, breaks = _BUCKETS[kind]
        grants: list[dict] = [{"grantee": {"id": owner["id"]}, "permission": "FullControl"}]
        if grantee:
            grants.append({"grantee": grantee, "permission": "Read"})
        supplementary: dict = {
            "AccessControlList": json.dumps({"grantSet": None, "grantList": grants, "owner": owner,
                                             "isRequesterCharged": False}),
            "BucketVersioningConfiguration": {"status": "Off", "isMfaDeleteEnabled": None}}
        if flag is not None:
            supplementary["PublicAccessBlockConfiguration"] = _pab(flag)
        policy = _bucket_policy(policy_kind, bucket)
        if policy is not None:
            supplementary["BucketPolicy"] = {"policyText": json.dumps(policy)}
        items.append(_item("AWS::S3::Bucket", bucket, bucket, f"arn:aws:s3:::{bucket}",
                           {"name": bucket, "owner": owner}, captured, supplementary,
                           tags={"team": name.split("-")[0]}))
        if breaks:
            truth.append((bucket, "s3-bucket-public-read-prohibited"))
    # security groups: (rules, breaks restricted-ssh)
    office = f"203.0.113.{rng.randrange(0, 256, 16)}/28"
    groups = [([(22, 22, "0.0.0.0/0")], True), ([(20, 25, "0.0.0.0/0")], True), ([(443, 443, "0.0.0.0/0")], False),
              ([(22, 22, office)], False), ([(23, 3389, "0.0.0.0/0")], False), ([(8080, 8080, "0.0.0.0/0")], False)]
    picked = [groups[rng.randrange(2)], groups[rng.choice((3, 4))]] + rng.sample(groups, 2)
    group_ids = []
    for n, (rules, breaks) in enumerate(picked):
        group = _hex_id(rng, "sg")
        group_ids.append(group)
        items.append(_sg(group, f"tier-{n + 1}", rules, captured))
        if breaks:
            truth.append((group, "restricted-ssh"))
    # instances and their volumes
    hosts = rng.randint(3, 4)
    tokens = ["optional"] + [rng.choice(("required", "required", "optional")) for _ in range(hosts - 1)]
    rng.shuffle(tokens)
    encrypted_flags = [False] + [rng.random() < 0.75 for _ in range(hosts)]
    rng.shuffle(encrypted_flags)
    for n in range(hosts):
        instance = _hex_id(rng, "i")
        ip = f"10.0.{rng.randint(1, 3)}.{rng.randint(10, 250)}"
        items.append(_item("AWS::EC2::Instance", instance, f"host-{n + 1}",
                           f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance}",
                           {"instanceId": instance, "instanceType": "t3.small", "privateIpAddress": ip, "vpcId": VPC,
                            "securityGroups": [{"groupId": group_ids[n % len(group_ids)]}],
                            "metadataOptions": {"state": "applied", "httpTokens": tokens[n],
                                                "httpPutResponseHopLimit": 1, "httpEndpoint": "enabled"}},
                           captured, tags={"Name": f"host-{n + 1}"}))
        if tokens[n] != "required":
            truth.append((instance, "ec2-imdsv2-check"))
        for role in (("root", "data") if n == 0 else ("root",)):
            volume = _hex_id(rng, "vol")
            encrypted = encrypted_flags.pop()
            items.append(_item("AWS::EC2::Volume", volume, volume, f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{volume}",
                               {"volumeId": volume, "size": 20 if role == "root" else 200, "volumeType": "gp3",
                                "encrypted": encrypted, "kmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ebs"
                                if encrypted else None,
                                "attachments": [{"instanceId": instance, "state": "attached"}]}, captured))
            if not encrypted:
                truth.append((volume, "encrypted-volumes"))
    items.append(_item("AWS::CloudTrail::Trail", "management-trail", "management-trail",
                       f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/management-trail",
                       {"name": "management-trail", "s3BucketName": f"example-cloudtrail-logs-{suffix}",
                        "isMultiRegionTrail": True, "logFileValidationEnabled": True}, captured))
    rng.shuffle(items)
    document = {"fileVersion": "1.0", "configSnapshotId": str(uuid.UUID(int=rng.getrandbits(128))),
                "configurationItems": items}
    return document, sorted(truth)


# --- writing the files ------------------------------------------------------------------------------

def files(seed: int = SEED) -> dict[str, str]:
    """File name -> exact text of every generated file."""
    return {
        "vpc_flow_logs.log": flow_log_text(seed),
        "guardduty_findings.json": json.dumps(guardduty_events(seed), indent=1) + "\n",
        "config_snapshot.json": json.dumps(config_snapshot_document(seed), indent=1) + "\n",
    }


def write(folder: str | Path | None = None, seed: int = SEED) -> list[Path]:
    """Write the generated files (default: ``data/generated/``)."""
    if folder is None:
        from course.data import data_root

        folder = data_root() / "generated"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files(seed).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        print(path)
