"""Exercises of notebook 02, Networking & Content Delivery.

Ten questions. Network exercises are graded by ``course.net`` reachability (see
``course.exercises.kinds.network``): an egress design for a private subnet (2.1), NACL rules for a public web
tier (2.2), security group rules with group references for three tiers (2.3), fixing a broken network
from the model's explanation (2.4), a gateway endpoint policy (2.5) and peering versus a transit gateway
for centralized egress (2.7). Policies are graded by ``course.iam``: a bucket policy with
``aws:SourceVpce`` (2.6), an API Gateway resource policy for a private API (2.9) and a bucket policy for
CloudFront origin access control (2.10). 2.8 is a single choice about encrypting Direct Connect.

The networks are built with ``course.net.NetworkBuilder``; the notebook draws them from these
functions, so what a learner sees is exactly what is graded. Outside hosts use documentation
addresses; Elastic IPs use the 198.18.0.0/15 benchmarking range, which is never routed on the internet.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from course.exercises.kinds.choice import SingleChoice, order_per_learner
from course.exercises.kinds.network import Flow, NetworkExercise, Option, Options, Slot, Slots
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.registry import register
from course.exercises.variants import Scenario, VariantFamily, shuffled
from course.net import NetworkBuilder, allow, sg_rule

REGION = "eu-west-1"
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
INTERNET_CLIENT = "203.0.113.50"
PARTNER_API = "192.0.2.77"
OFFICE = "198.51.100.25"
OFFICE_CIDR = "198.51.100.0/24"
S3_CIDR = "52.218.0.0/17"  # one of the S3 address ranges of eu-west-1, as a prefix list would list it
S3_IP = "52.218.16.10"


def _s3(b: NetworkBuilder) -> NetworkBuilder:
    return (b.prefix_list("pl-6da54004", f"com.amazonaws.{REGION}.s3", [S3_CIDR])
            .service("s3", [S3_CIDR], prefix_list="pl-6da54004"))


def _tcp(src: str, dst: str, port: int, **extra) -> dict:
    return {"src": src, "dst": dst, "protocol": "tcp", "port": port, **extra}


# --- 2.1 Egress for a private subnet ----------------------------------------------------------------

def egress_base() -> dict:
    """A VPC whose private worker must reach S3 and one partner API, and accept nothing inbound."""
    return _s3(NetworkBuilder(REGION).vpc("vpc-batch", "10.0.0.0/16", ipv6="2001:db8:1234::/56")
               .subnet("subnet-public", "vpc-batch", "10.0.0.0/24", az=f"{REGION}a", ipv6="2001:db8:1234::/64")
               .subnet("subnet-private", "vpc-batch", "10.0.1.0/24", az=f"{REGION}a", ipv6="2001:db8:1234:1::/64")
               .route_table("rtb-public", "vpc-batch", subnets=["subnet-public"])
               .route_table("rtb-private", "vpc-batch", subnets=["subnet-private"])
               .igw("igw-batch", "vpc-batch").route("rtb-public", "0.0.0.0/0", "igw-batch")
               # the perimeter NACL of the public subnet: HTTPS out to the partner's range only
               .nacl("acl-public", "vpc-batch", subnets=["subnet-public"],
                     inbound=[allow(100, "tcp", 443, "10.0.0.0/16"), allow(110, "tcp", (1024, 65535), "192.0.2.0/24")],
                     outbound=[allow(100, "tcp", 443, "192.0.2.0/24"), allow(110, "tcp", (1024, 65535), "10.0.0.0/16")])
               # a leftover rule from testing: the worker's group still admits HTTPS from anywhere
               # a new group in a dual-stack VPC lets everything out, over IPv4 and IPv6
               .sg("sg-worker", "vpc-batch", inbound=[sg_rule("tcp", 443, "0.0.0.0/0")],
                   outbound=[sg_rule("all", None, "0.0.0.0/0"), sg_rule("all", None, "::/0")])
               # the worker is dual-stack (review AM2): an IPv6 path to the internet must not bypass acl-public
               .eni("eni-worker", "subnet-private", "10.0.1.20", ipv6="2001:db8:1234:1::20", sgs=["sg-worker"])).build()


def _add_nat(doc: dict, subnet: str, private_ip: str) -> None:
    doc.setdefault("nat_gateways", {})["nat-batch"] = {"subnet": subnet, "connectivity": "public",
                                                       "private_ip": private_ip, "public_ip": "198.18.0.5"}
    doc["route_tables"]["rtb-private"]["routes"].append({"dest": "0.0.0.0/0", "target": "nat-batch"})


def _egress_igw(doc: dict) -> None:
    doc["enis"]["eni-worker"]["public_ip"] = "198.18.0.20"
    doc["route_tables"]["rtb-private"]["routes"].append({"dest": "0.0.0.0/0", "target": "igw-batch"})


def _egress_nat_public(doc: dict) -> None:
    _add_nat(doc, "subnet-public", "10.0.0.5")


def _egress_nat_private(doc: dict) -> None:
    _add_nat(doc, "subnet-private", "10.0.1.5")


def _egress_s3_gateway(doc: dict) -> None:
    doc.setdefault("vpc_endpoints", {})["vpce-0a1b2c3d4e5f60789"] = {
        "type": "gateway", "vpc": "vpc-batch", "service": "s3", "route_tables": ["rtb-private"], "policy": None}
    doc["route_tables"]["rtb-private"]["routes"].append({"dest": "pl-6da54004", "target": "vpce-0a1b2c3d4e5f60789"})


def _egress_eigw(doc: dict) -> None:
    doc.setdefault("egress_only_internet_gateways", {})["eigw-batch"] = {"vpc": "vpc-batch"}
    doc["route_tables"]["rtb-private"]["routes"].append({"dest": "::/0", "target": "eigw-batch"})


_DEFAULT_ROUTE = "the private route table's IPv4 default route (0.0.0.0/0)"

EGRESS_OPTIONS = {
    "A": Option("Give the worker a public IPv4 address and add 0.0.0.0/0 -> igw-batch to rtb-private",
                _egress_igw, "A host with a public address behind an internet gateway can be reached from the "
                "internet as well; only its security group then stands in the way.", sets=(_DEFAULT_ROUTE,)),
    "B": Option("Create a public NAT gateway in subnet-public and add 0.0.0.0/0 -> nat-batch to rtb-private",
                _egress_nat_public, "A NAT gateway's traffic leaves through its own subnet, so that subnet's NACL "
                "and route table apply to everything it forwards.", sets=(_DEFAULT_ROUTE,)),
    "C": Option("Create a public NAT gateway in subnet-private and add 0.0.0.0/0 -> nat-batch to rtb-private",
                _egress_nat_private, "A NAT gateway forwards by the route table of the subnet it sits in.",
                sets=(_DEFAULT_ROUTE,)),
    "D": Option("Create an S3 gateway endpoint and add its prefix-list route to rtb-private",
                _egress_s3_gateway, "A gateway endpoint carries S3 (or DynamoDB) traffic only."),
    "E": Option("Create an egress-only internet gateway and add ::/0 -> eigw-batch to rtb-private",
                _egress_eigw, "An egress-only internet gateway forwards IPv6 only."),
}

EGRESS = NetworkExercise(
    id="2.1", title="Choose the egress for a private subnet", points=3, answer_name="answer_2_1",
    base=egress_base(), form=Options(EGRESS_OPTIONS, multiple=True),
    flows=[
        Flow("the worker calls the partner API (192.0.2.77, HTTPS)", _tcp("eni-worker", PARTNER_API, 443),
             hint="A host without a public address needs something that translates its IPv4 traffic, and that "
                  "something must itself be able to reach the internet gateway."),
        Flow("the worker reads its S3 bucket (HTTPS)",
             _tcp("eni-worker", "s3", 443, dst_ip=S3_IP,
                  request={"action": "s3:GetObject", "resource": "arn:aws:s3:::example-batch-input/day.csv"}),
             hint="S3's public addresses are internet addresses too: whatever path you give S3 traffic must get "
                  "past every filter on the way."),
        Flow("nobody on the internet can open a connection to the worker (HTTPS)",
             _tcp(INTERNET_CLIENT, "eni-worker", 443), expect="blocked",
             hint="Being 'private' is a property of the route and the address, not of the security group: here the "
                  "group still admits HTTPS from anywhere."),
        Flow("the worker cannot reach other internet hosts (203.0.113.50, HTTPS)",
             _tcp("eni-worker", INTERNET_CLIENT, 443), expect="blocked",
             hint="Egress filtering only works if the traffic passes the filter; a direct path to the internet "
                  "gateway skips the public subnet's NACL."),
        Flow("the worker cannot reach other internet hosts over IPv6 (2001:db8:ffff::50, HTTPS)",
             _tcp("eni-worker", "2001:db8:ffff::50", 443, ip_version=6), expect="blocked",
             hint="The worker has an IPv6 address too, and IPv6 needs no translation: a path for it that does "
                  "not cross the public subnet's NACL is a way round the egress control."),
    ])

# --- 2.2 NACL for a public web tier ----------------------------------------------------------------

def web_base() -> dict:
    return (NetworkBuilder(REGION).vpc("vpc-shop", "10.20.0.0/16")
            .subnet("subnet-web", "vpc-shop", "10.20.1.0/24").subnet("subnet-app", "vpc-shop", "10.20.2.0/24")
            .route_table("rtb-web", "vpc-shop", subnets=["subnet-web"])
            .igw("igw-shop", "vpc-shop").route("rtb-web", "0.0.0.0/0", "igw-shop")
            .nacl("acl-web", "vpc-shop", subnets=["subnet-web"])
            # the web group is too generous: SSH is open to the world, so the NACL is the second line
            .sg("sg-web", "vpc-shop", inbound=[sg_rule("tcp", 443, "0.0.0.0/0"), sg_rule("tcp", 22, "0.0.0.0/0")])
            .sg("sg-app", "vpc-shop", inbound=[sg_rule("tcp", 8080, "sg-web")])
            .eni("eni-web", "subnet-web", "10.20.1.10", public_ip="198.18.1.10", sgs=["sg-web"])
            .eni("eni-app", "subnet-app", "10.20.2.10", sgs=["sg-app"])).build()


_EPHEMERAL_OUT = ("NACLs are stateless: the server's reply leaves the subnet towards the client's ephemeral port "
                  "(1024-65535), and needs an outbound rule of its own.")
_EPHEMERAL_IN = ("Replies to connections the server opens come back to its ephemeral ports; a NACL does not "
                 "remember that the server asked for them.")

WEB_NACL = NetworkExercise(
    id="2.2", title="Write the network ACL of a public web subnet", points=4, answer_name="answer_2_2",
    base=web_base(),
    form=Slots([Slot(("inbound",), ("nacls", "acl-web", "inbound"), "nacl_rules"),
                Slot(("outbound",), ("nacls", "acl-web", "outbound"), "nacl_rules")]),
    flows=[
        Flow("customers on the internet reach the site (HTTPS)", _tcp(INTERNET_CLIENT, "eni-web", 443),
             hint=_EPHEMERAL_OUT),
        Flow("administrators in the office reach the server over SSH", _tcp(OFFICE, "eni-web", 22),
             hint="SSH from the office range is allowed; its replies need an outbound rule too. " + _EPHEMERAL_OUT),
        Flow("the web server calls the app tier (10.20.2.10, TCP 8080)", _tcp("eni-web", "eni-app", 8080),
             hint="Traffic between subnets of one VPC crosses both subnets' NACLs. " + _EPHEMERAL_IN),
        Flow("the web server downloads updates from the internet (HTTPS)", _tcp("eni-web", INTERNET_CLIENT, 443),
             hint=_EPHEMERAL_IN),
        Flow("SSH from anywhere else on the internet is refused", _tcp(INTERNET_CLIENT, "eni-web", 22),
             expect="blocked",
             hint="The security group admits SSH from everywhere, so the NACL must narrow it: an allow-all "
                  "inbound rule, or a rule numbered before the restriction, lets it in."),
        Flow("the web server cannot send mail to the internet (TCP 25)", _tcp("eni-web", INTERNET_CLIENT, 25),
             expect="blocked",
             hint="An allow-all outbound rule also lets a compromised server send spam or exfiltrate data; open "
                  "only what the tier needs."),
    ])

# --- 2.3 Security groups for three tiers ------------------------------------------------------------

def tiers_base() -> dict:
    empty: list = []
    return (NetworkBuilder(REGION).vpc("vpc-app", "10.30.0.0/16")
            .subnet("subnet-edge", "vpc-app", "10.30.0.0/24").subnet("subnet-app", "vpc-app", "10.30.1.0/24")
            .subnet("subnet-data", "vpc-app", "10.30.2.0/24")
            .route_table("rtb-edge", "vpc-app", subnets=["subnet-edge"])
            .igw("igw-app", "vpc-app").route("rtb-edge", "0.0.0.0/0", "igw-app")
            .sg("sg-lb", "vpc-app", outbound=empty).sg("sg-app", "vpc-app", outbound=empty)
            .sg("sg-db", "vpc-app", outbound=empty)
            .sg("sg-ops", "vpc-app")  # an operations host: all outbound, nothing inbound
            .eni("eni-lb", "subnet-edge", "10.30.0.10", public_ip="198.18.3.10", sgs=["sg-lb"])
            .eni("eni-app", "subnet-app", "10.30.1.10", sgs=["sg-app"])
            .eni("eni-ops", "subnet-app", "10.30.1.50", sgs=["sg-ops"])
            .eni("eni-db", "subnet-data", "10.30.2.10", sgs=["sg-db"])).build()


_STATEFUL = ("Security groups are stateful, so replies need no rule, but the request needs an outbound rule on the "
             "sender as well as an inbound rule on the receiver.")
_CIDR_PEER = ("A CIDR peer admits every address in the range, including hosts that merely share the subnet; "
              "reference the group of the one tier that should connect.")

TIER_GROUPS = NetworkExercise(
    id="2.3", title="Write security groups that reference each other", points=4, answer_name="answer_2_3",
    base=tiers_base(),
    form=Slots([Slot((sg, direction), ("security_groups", sg, direction), "sg_rules")
                for sg in ("sg-lb", "sg-app", "sg-db") for direction in ("inbound", "outbound")]),
    flows=[
        Flow("users on the internet reach the load balancer (HTTPS)", _tcp(INTERNET_CLIENT, "eni-lb", 443),
             hint=_STATEFUL),
        Flow("the load balancer reaches the application (TCP 8443)", _tcp("eni-lb", "eni-app", 8443), hint=_STATEFUL),
        Flow("the application reaches the database (TCP 5432)", _tcp("eni-app", "eni-db", 5432), hint=_STATEFUL),
        Flow("the load balancer cannot reach the database", _tcp("eni-lb", "eni-db", 5432), expect="blocked",
             hint="Each tier talks only to its neighbour; " + _CIDR_PEER),
        Flow("the operations host in the app subnet cannot reach the database", _tcp("eni-ops", "eni-db", 5432),
             expect="blocked", hint=_CIDR_PEER),
        Flow("the operations host cannot call the application directly", _tcp("eni-ops", "eni-app", 8443),
             expect="blocked", hint=_CIDR_PEER),
        Flow("nobody on the internet reaches SSH on the load balancer", _tcp(INTERNET_CLIENT, "eni-lb", 22),
             expect="blocked", hint="Open only the port the load balancer serves; 'all traffic' rules open SSH too."),
    ])

# --- 2.4 Fix a broken network -----------------------------------------------------------------------

def broken_base() -> dict:
    """Three faults: default route to a NAT gateway in a private subnet, a blackhole, a missing return route."""
    return (NetworkBuilder(REGION).vpc("vpc-a", "10.40.0.0/16").vpc("vpc-b", "10.50.0.0/16")
            .subnet("subnet-pub", "vpc-a", "10.40.0.0/24").subnet("subnet-priv", "vpc-a", "10.40.1.0/24")
            .subnet("subnet-report", "vpc-b", "10.50.1.0/24")
            .route_table("rtb-pub", "vpc-a", subnets=["subnet-pub"])
            .route_table("rtb-priv", "vpc-a", subnets=["subnet-priv"])
            .route_table("rtb-b", "vpc-b", subnets=["subnet-report"])
            .igw("igw-a", "vpc-a").route("rtb-pub", "0.0.0.0/0", "igw-a")
            .nat("nat-0pub", "subnet-pub", "10.40.0.5", "198.18.4.5")
            .nat("nat-0priv", "subnet-priv", "10.40.1.5", "198.18.4.6")
            .peering("pcx-ab", "vpc-a", "vpc-b")
            .route("rtb-priv", "0.0.0.0/0", "nat-0priv")
            .route("rtb-priv", "10.50.0.0/16", "pcx-0deleted", blackhole=True)
            .sg("sg-worker", "vpc-a", inbound=[sg_rule("tcp", 443, "10.40.0.0/16")])
            .sg("sg-report", "vpc-b", inbound=[sg_rule("tcp", 5432, "10.40.1.0/24")])
            .eni("eni-worker", "subnet-priv", "10.40.1.20", sgs=["sg-worker"])
            .eni("eni-report", "subnet-report", "10.50.1.10", sgs=["sg-report"])).build()


BROKEN = NetworkExercise(
    id="2.4", title="Repair a network from the model's explanation", points=3, answer_name="answer_2_4",
    base=broken_base(),
    form=Slots([Slot(("rtb-priv",), ("route_tables", "rtb-priv", "routes"), "routes"),
                Slot(("rtb-b",), ("route_tables", "rtb-b", "routes"), "routes")]),
    flows=[
        Flow("the worker reaches an internet API (HTTPS)", _tcp("eni-worker", INTERNET_CLIENT, 443),
             hint="A NAT gateway only reaches the internet if the subnet it sits in has a route to the internet "
                  "gateway; a private host cannot use an internet gateway without a public address."),
        Flow("the worker reaches the reporting database in vpc-b (TCP 5432)", _tcp("eni-worker", "eni-report", 5432),
             hint="A blackhole route drops traffic even when a working path exists, and peering needs a route on "
                  "both sides: the reply is routed by the destination subnet's table."),
        Flow("the internet cannot open connections to the worker", _tcp(INTERNET_CLIENT, "eni-worker", 443),
             expect="blocked", hint="The private subnet should stay private."),
    ])

# --- 2.5 Gateway endpoint policy --------------------------------------------------------------------

BUCKET = "example-reports-prod"
VPCE = "vpce-0a1b2c3d4e5f60789"


def endpoint_base() -> dict:
    return _s3(NetworkBuilder(REGION).vpc("vpc-data", "10.60.0.0/16")
               .subnet("subnet-private", "vpc-data", "10.60.1.0/24")
               .route_table("rtb-private", "vpc-data", subnets=["subnet-private"])
               .sg("sg-reporter", "vpc-data")
               .eni("eni-reporter", "subnet-private", "10.60.1.20", sgs=["sg-reporter"])) \
        .gateway_endpoint(VPCE, "vpc-data", "s3", route_tables=["rtb-private"]).build()


ORG_ID = "o-a1b2c3d4e5"  # the organization the team's account belongs to
REPORTER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/reporter"
REPORTER_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/reporter/i-0fedcba9876543210"
# who owns each bucket the flows name; any other bucket belongs to an account outside the organization
BUCKET_ACCOUNTS = {BUCKET: ACCOUNT}


def reporter_request(request: dict) -> dict:
    """The request as AWS sees it at the endpoint: the reporter's role session calls, and the context holds
    the keys a data-perimeter endpoint policy tests (``course.net`` adds ``aws:SourceVpce`` and ``aws:SourceVpc``)."""
    resource = str(request.get("resource", ""))
    bucket = resource.split(":::", 1)[1].split("/", 1)[0] if resource.startswith("arn:aws:s3:::") else ""
    owner = BUCKET_ACCOUNTS.get(bucket, OTHER_ACCOUNT)
    context = {"aws:PrincipalArn": REPORTER_ROLE, "aws:PrincipalAccount": ACCOUNT, "aws:PrincipalOrgID": ORG_ID,
               "aws:ResourceAccount": owner, "s3:ResourceAccount": owner, "aws:SecureTransport": "true"}
    if owner == ACCOUNT:
        context["aws:ResourceOrgID"] = ORG_ID
    return {"principal": REPORTER_SESSION, "principalAccount": ACCOUNT, "resourceAccount": owner,
            "context": context, **request}


def s3_flow(description: str, action: str, resource: str, expect: str = "reachable", hint: str = "") -> Flow:
    return Flow(description, _tcp("eni-reporter", "s3", 443, dst_ip=S3_IP,
                                  request={"action": action, "resource": resource}), expect, hint)


ENDPOINT_POLICY = NetworkExercise(
    id="2.5", title="Write a gateway endpoint policy against exfiltration", points=3, answer_name="answer_2_5",
    base=endpoint_base(),
    form=Slots([Slot((), ("vpc_endpoints", VPCE, "policy"), "policy")]),
    complete_request=reporter_request,
    flows=[
        s3_flow("the reporter reads a report", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/2026/q1.csv",
                hint="The endpoint policy must allow the actions the workload needs on its own bucket's objects."),
        s3_flow("the reporter writes a report", "s3:PutObject", f"arn:aws:s3:::{BUCKET}/2026/q2.csv",
                hint="The endpoint policy must allow the actions the workload needs on its own bucket's objects."),
        s3_flow("nobody in the VPC can upload to another bucket", "s3:PutObject",
                "arn:aws:s3:::exfil-drop-bucket/dump.tgz", "blocked",
                hint="The endpoint's default policy allows every bucket in the world, including an attacker's; "
                     "name the bucket in Resource (or require your account with the s3:ResourceAccount condition)."),
        s3_flow("nobody in the VPC can change the bucket policy through the endpoint", "s3:PutBucketPolicy",
                f"arn:aws:s3:::{BUCKET}", "blocked",
                hint="Allowing s3:* through the endpoint includes administrative actions; list only what the "
                     "workload uses."),
    ])

# --- 2.6 Bucket policy that requires the endpoint ----------------------------------------------------

WRITER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/report-writer"
WRITER_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/report-writer/i-0abc12345def67890"
WRITER_IDENTITY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ReportsBucket", "Effect": "Allow", "Action": "s3:*",
                   "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]}],
}


def s3_request(action: str, resource: str, *, vpce: str | None = VPCE, vpc: str | None = "vpc-0d4ta5e7",
               session: str = WRITER_SESSION, role: str = WRITER_ROLE, account: str = ACCOUNT,
               source_ip: str | None = None) -> dict:
    context: dict[str, str | None] = {"aws:PrincipalAccount": account, "aws:PrincipalArn": role,
                                      "aws:SecureTransport": "true"}
    if vpce:
        context["aws:SourceVpce"] = vpce
        context["aws:SourceVpc"] = vpc
    if source_ip:
        context["aws:SourceIp"] = source_ip
    return {"principal": session, "principalAccount": account, "action": action, "resource": resource,
            "resourceAccount": ACCOUNT, "context": context}


OBJECT = f"arn:aws:s3:::{BUCKET}/2026/q1.csv"
BUCKET_POLICY = PolicyExercise(
    id="2.6", title="Require the VPC endpoint in a bucket policy", points=3, answer_name="answer_2_6",
    slot="resource", context_policies={"identity": [WRITER_IDENTITY_POLICY]}, lint_forbidden=["IAM015"],
    cases=[
        PolicyCase("report-writer reads an object through the endpoint", s3_request("s3:GetObject", OBJECT), True,
                   "A Deny must not catch requests that do arrive through the endpoint."),
        PolicyCase("report-writer writes an object through the endpoint", s3_request("s3:PutObject", OBJECT), True,
                   "A Deny must not catch requests that do arrive through the endpoint."),
        PolicyCase("report-writer's stolen credentials used from the internet cannot read an object",
                   s3_request("s3:GetObject", OBJECT, vpce=None, source_ip=INTERNET_CLIENT), False,
                   "The role's identity policy already allows S3 in the same account; an Allow in the bucket policy "
                   "cannot take that away, only an explicit Deny can."),
        PolicyCase("the same credentials cannot list the bucket from the internet",
                   s3_request("s3:ListBucket", f"arn:aws:s3:::{BUCKET}", vpce=None, source_ip=INTERNET_CLIENT),
                   False, "Bucket-level actions use the bucket ARN, object actions the object ARN: the Deny needs "
                          "both."),
        PolicyCase("a request through a second S3 endpoint in the same VPC is denied",
                   s3_request("s3:GetObject", OBJECT, vpce="vpce-0f9e8d7c6b5a43210"), False,
                   "The key aws:SourceVpc accepts every endpoint in the VPC, including one whose policy is not "
                   "restricted; the requirement names one endpoint."),
    ])

# --- 2.7 Peering or transit gateway -------------------------------------------------------------------

def hub_base() -> dict:
    """An egress VPC with the only NAT gateway, and two spoke VPCs (prod, dev) that must use it."""
    b = (NetworkBuilder(REGION)
         .vpc("vpc-egress", "10.0.0.0/16").vpc("vpc-prod", "10.1.0.0/16").vpc("vpc-dev", "10.2.0.0/16")
         .subnet("subnet-nat", "vpc-egress", "10.0.0.0/24", az=f"{REGION}a")
         .subnet("subnet-tools", "vpc-egress", "10.0.1.0/24", az=f"{REGION}a")
         .subnet("subnet-prod", "vpc-prod", "10.1.1.0/24", az=f"{REGION}a")
         .subnet("subnet-dev", "vpc-dev", "10.2.1.0/24", az=f"{REGION}a")
         .route_table("rtb-nat", "vpc-egress", subnets=["subnet-nat"])
         .route_table("rtb-tools", "vpc-egress", subnets=["subnet-tools"])
         .route_table("rtb-prod", "vpc-prod", subnets=["subnet-prod"])
         .route_table("rtb-dev", "vpc-dev", subnets=["subnet-dev"])
         .igw("igw-egress", "vpc-egress").route("rtb-nat", "0.0.0.0/0", "igw-egress")
         .nat("nat-egress", "subnet-nat", "10.0.0.5", "198.18.5.5")
         .route("rtb-tools", "0.0.0.0/0", "nat-egress")
         .sg("sg-tools", "vpc-egress", inbound=[sg_rule("tcp", 443, "10.0.0.0/8")])
         .sg("sg-prod", "vpc-prod", inbound=[sg_rule("tcp", None, "10.0.0.0/8")])
         .sg("sg-dev", "vpc-dev", inbound=[sg_rule("tcp", None, "10.0.0.0/8")])
         .eni("eni-tools", "subnet-tools", "10.0.1.10", sgs=["sg-tools"])
         .eni("eni-prod", "subnet-prod", "10.1.1.10", sgs=["sg-prod"])
         .eni("eni-dev", "subnet-dev", "10.2.1.10", sgs=["sg-dev"]))
    return b.build()


def _route(doc: dict, rtb: str, dest: str, target: str) -> None:
    doc["route_tables"][rtb]["routes"].append({"dest": dest, "target": target})


def _hub_peering(doc: dict, mesh: bool) -> None:
    doc["peering_connections"] = {"pcx-prod": {"requester_vpc": "vpc-prod", "accepter_vpc": "vpc-egress",
                                               "status": "active"},
                                  "pcx-dev": {"requester_vpc": "vpc-dev", "accepter_vpc": "vpc-egress",
                                              "status": "active"}}
    for spoke, cidr, pcx in (("prod", "10.1.0.0/16", "pcx-prod"), ("dev", "10.2.0.0/16", "pcx-dev")):
        _route(doc, f"rtb-{spoke}", "0.0.0.0/0", pcx)
        for rtb in ("rtb-nat", "rtb-tools"):
            _route(doc, rtb, cidr, pcx)
    if mesh:
        doc["peering_connections"]["pcx-prod-dev"] = {"requester_vpc": "vpc-prod", "accepter_vpc": "vpc-dev",
                                                      "status": "active"}
        _route(doc, "rtb-prod", "10.2.0.0/16", "pcx-prod-dev")
        _route(doc, "rtb-dev", "10.1.0.0/16", "pcx-prod-dev")


def _hub_tgw(doc: dict, isolated: bool, blackholes: bool = False, egress_default_blackhole: bool = False) -> None:
    spokes_rt = "tgw-rtb-spokes" if isolated else "tgw-rtb-all"
    egress_rt = "tgw-rtb-egress" if isolated else "tgw-rtb-all"
    tables: dict[str, dict[str, list[dict]]] = {spokes_rt: {"routes": []}, egress_rt: {"routes": []}}
    doc["transit_gateways"] = {"tgw-hub": {"route_tables": tables, "attachments": {
        "tgw-attach-egress": {"vpc": "vpc-egress", "subnets": ["subnet-tools"], "association": egress_rt},
        "tgw-attach-prod": {"vpc": "vpc-prod", "subnets": ["subnet-prod"], "association": spokes_rt},
        "tgw-attach-dev": {"vpc": "vpc-dev", "subnets": ["subnet-dev"], "association": spokes_rt}}}}
    tables[spokes_rt]["routes"] += [{"dest": "0.0.0.0/0", "attachment": "tgw-attach-egress"},
                                    {"dest": "10.0.0.0/16", "attachment": "tgw-attach-egress"}]
    if blackholes:
        tables[spokes_rt]["routes"] += [{"dest": "10.1.0.0/16", "blackhole": True},
                                        {"dest": "10.2.0.0/16", "blackhole": True}]
    tables[egress_rt]["routes"] += [{"dest": "10.1.0.0/16", "attachment": "tgw-attach-prod"},
                                    {"dest": "10.2.0.0/16", "attachment": "tgw-attach-dev"}]
    if egress_default_blackhole:
        tables[egress_rt]["routes"].append({"dest": "0.0.0.0/0", "blackhole": True})
    for spoke in ("prod", "dev"):
        _route(doc, f"rtb-{spoke}", "0.0.0.0/0", "tgw-hub")
    for rtb in ("rtb-nat", "rtb-tools"):
        _route(doc, rtb, "10.0.0.0/8", "tgw-hub")


HUB_OPTIONS = {
    "A": Option("Peer vpc-prod and vpc-dev with vpc-egress; the spokes' default routes point at their peering "
                "connection, and the egress VPC routes each spoke's CIDR back over its peering connection",
                lambda doc: _hub_peering(doc, mesh=False),
                "A peered VPC's NAT gateway, internet gateway and gateway endpoints cannot be borrowed."),
    "B": Option("As A, and also peer vpc-prod with vpc-dev so that every VPC can reach every other",
                lambda doc: _hub_peering(doc, mesh=True),
                "A full mesh adds paths between every pair of VPCs, and still cannot borrow a peer's gateways."),
    "C": Option("A transit gateway with one route table shared by all three attachments: 0.0.0.0/0 and "
                "10.0.0.0/16 to the egress attachment, 10.1.0.0/16 and 10.2.0.0/16 to the spokes",
                lambda doc: _hub_tgw(doc, isolated=False),
                "A transit gateway route table associated with every attachment routes every attachment to "
                "every other one it has a route for."),
    "D": Option("A transit gateway with two route tables: the spokes' table sends 0.0.0.0/0 and 10.0.0.0/16 to "
                "the egress attachment; the egress table sends 10.1.0.0/16 and 10.2.0.0/16 to the spokes",
                lambda doc: _hub_tgw(doc, isolated=True),
                "A spoke's packet for another spoke matches the default route, enters the egress VPC, and is "
                "routed back to the transit gateway by the attachment subnet's table."),
    "E": Option("As D, plus blackhole routes for 10.1.0.0/16 and 10.2.0.0/16 in the spokes' table",
                lambda doc: _hub_tgw(doc, isolated=True, blackholes=True),
                "Blackhole routes for the spoke CIDRs stop spoke-to-spoke traffic at the transit gateway."),
    "F": Option("As D, plus a blackhole route for 0.0.0.0/0 in the egress table, so that traffic coming back "
                "from the egress VPC can only go to the spokes",
                lambda doc: _hub_tgw(doc, isolated=True, egress_default_blackhole=True),
                "A blackhole in the egress table drops only what matches no spoke route; the leak between "
                "spokes goes through the egress table's own spoke routes, so it needs blocking in the spokes' "
                "table."),
}

HUB = NetworkExercise(
    id="2.7", title="Peering or a transit gateway for centralized egress", points=3, answer_name="answer_2_7",
    base=hub_base(), form=Options(HUB_OPTIONS),
    flows=[
        Flow("prod reaches the internet through the egress VPC's NAT gateway", _tcp("eni-prod", INTERNET_CLIENT, 443),
             hint="Reaching the internet through another VPC's NAT gateway is transitive routing."),
        Flow("dev reaches the internet through the egress VPC's NAT gateway", _tcp("eni-dev", INTERNET_CLIENT, 443),
             hint="Reaching the internet through another VPC's NAT gateway is transitive routing."),
        Flow("prod reaches the shared tools server in vpc-egress", _tcp("eni-prod", "eni-tools", 443)),
        Flow("dev cannot reach prod", _tcp("eni-dev", "eni-prod", 5432), expect="blocked",
             hint="The two environments must stay apart even though their security groups trust 10.0.0.0/8."),
        Flow("prod cannot reach dev", _tcp("eni-prod", "eni-dev", 22), expect="blocked",
             hint="The two environments must stay apart even though their security groups trust 10.0.0.0/8."),
    ])

# --- 2.9 API Gateway private API resource policy ----------------------------------------------------

API_ID = "a1b2c3d4e5"
API_VPCE = "vpce-0c4a7e9b1d2f3a456"
API_ARN = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}"


def api_request(method: str, path: str, *, vpce: str | None = API_VPCE, stage: str = "prod") -> dict:
    context = {"aws:SecureTransport": "true"}
    if vpce:
        context["aws:SourceVpce"] = vpce
    return {"principal": "anonymous", "principalAccount": None, "action": "execute-api:Invoke",
            "resource": f"{API_ARN}/{stage}/{method}/{path}", "resourceAccount": ACCOUNT, "context": context}


API_POLICY = PolicyExercise(
    id="2.9", title="Restrict a private API to one VPC endpoint", points=3, answer_name="answer_2_9",
    slot="resource", lint_forbidden=["IAM010", "IAM015"],
    cases=[
        PolicyCase("a client in the VPC calls GET /reports through the team's endpoint", api_request("GET", "reports"),
                   True, "Callers of this API do not sign their requests, so the statement that allows must name "
                         "every principal and let the endpoint condition do the restricting."),
        PolicyCase("a client in the VPC calls POST /reports through the team's endpoint",
                   api_request("POST", "reports"), True,
                   "The Resource must cover every method and path of the API (use the full ARN with wildcards)."),
        PolicyCase("a caller using another account's interface endpoint is refused",
                   api_request("GET", "reports", vpce="vpce-0ffff1111aaaa2222"), False,
                   "A private API can be reached through any execute-api endpoint whose owner knows its id; "
                   "only the resource policy ties it to yours."),
        PolicyCase("a request with no endpoint at all is refused", api_request("GET", "reports", vpce=None), False,
                   "An Allow without a condition admits every caller, wherever it comes from."),
    ])

# --- 2.10 CloudFront origin access control ------------------------------------------------------------

SITE_BUCKET = "example-static-site"
DISTRIBUTION = f"arn:aws:cloudfront::{ACCOUNT}:distribution/EDFDVBD6EXAMPLE"


def cf_request(action: str, key: str, *, source_arn: str | None = DISTRIBUTION,
               source_account: str | None = ACCOUNT, principal: str = "cloudfront.amazonaws.com") -> dict:
    context: dict = {"aws:SecureTransport": "true"}
    if source_arn:
        context["aws:SourceArn"] = source_arn
    if source_account:
        context["aws:SourceAccount"] = source_account
    return {"principal": principal, "principalAccount": None, "action": action,
            "resource": f"arn:aws:s3:::{SITE_BUCKET}/{key}", "resourceAccount": ACCOUNT, "context": context}


OAC_POLICY = PolicyExercise(
    id="2.10", title="Let only your distribution read a private bucket", points=3, answer_name="answer_2_10",
    slot="resource", lint_forbidden=["IAM004", "IAM010"],
    cases=[
        PolicyCase("your distribution fetches index.html through origin access control",
                   cf_request("s3:GetObject", "index.html"), True,
                   "With origin access control, CloudFront signs its requests as the service principal "
                   "cloudfront.amazonaws.com; the bucket policy must name that service."),
        PolicyCase("your distribution fetches an image", cf_request("s3:GetObject", "img/logo.png"), True,
                   "The Resource must cover every object in the bucket."),
        PolicyCase("another customer's distribution cannot read your bucket",
                   cf_request("s3:GetObject", "index.html",
                              source_arn=f"arn:aws:cloudfront::{OTHER_ACCOUNT}:distribution/E2OTHEREXAMPLE",
                              source_account=OTHER_ACCOUNT), False,
                   "Every CloudFront distribution in the world uses the same service principal; without a "
                   "condition on the distribution, anyone can put your bucket behind their distribution."),
        PolicyCase("nobody reads objects straight from S3 without CloudFront",
                   {"principal": "anonymous", "principalAccount": None, "action": "s3:GetObject",
                    "resource": f"arn:aws:s3:::{SITE_BUCKET}/index.html", "resourceAccount": ACCOUNT,
                    "context": {"aws:SecureTransport": "true", "aws:SourceIp": INTERNET_CLIENT}}, False,
                   "A public-read statement defeats the point of putting CloudFront in front."),
        PolicyCase("the distribution cannot overwrite objects", cf_request("s3:PutObject", "index.html"), False,
                   "A static site's distribution only reads; grant only the read action."),
    ])

# --- 2.8 Encrypting Direct Connect ------------------------------------------------------------------

DX_ENCRYPTION = order_per_learner(SingleChoice(
    id="2.8", title="Encrypt a Direct Connect link at layer 2", points=2, answer_name="answer_2_8",
    options={
        "A": "Nothing: a Direct Connect link is a private fibre, so its traffic is already encrypted",
        "B": "Turn on MACsec on the dedicated connection with the encryption mode `should_encrypt`",
        "C": "Turn on MACsec on the dedicated connection with the encryption mode `must_encrypt`",
        "D": "Run a Site-to-Site VPN over the Direct Connect connection",
        "E": "Ask for a hosted connection and configure MACsec keys on it yourself",
    },
    explanations={
        "A": "Direct Connect does not encrypt traffic on its own; 'private' describes who shares the path, not "
             "whether anyone on it can read it.",
        "B": "The mode should_encrypt prefers encryption but lets traffic flow in clear when MACsec cannot be "
             "established, which the rule forbids.",
        "C": "With must_encrypt the connection stays down unless MACsec protects it.",
        "D": "IPsec tunnels are encryption at layer 3, and each tunnel has a throughput ceiling far below the "
             "link's speed; the rule asks for line-rate layer-2 encryption.",
        "E": "Customers cannot set MACsec on hosted connections; only a partner that secures its own "
             "interconnect can offer that.",
    },
    key="eb4f2f69ca191051f8102a70cfd9ed73ce4b0076aab796229046cefee2504c23",
))

# === Section 9: load balancers, Block Public Access and Network Firewall (course.net round two) ===========
# These three questions vary per learner (course.exercises.variants): each learner's notebook shows their own
# CIDRs, ports, addresses, domains and option order (`v = variant("2.11")`), and is graded against them. The
# default scenario (no identity: tests, the instructor's source notebook) is the one authored first.

_DOC_RANGES = ("192.0.2", "198.51.100", "203.0.113")  # the three documentation /24s (RFC 5737)


def _block(rng: random.Random, base: str) -> tuple[str, list[str]]:
    """A /24, /25 or /26 inside a documentation range, and two distinct host addresses in it."""
    prefix = rng.choice((24, 25, 26))
    size = 2 ** (32 - prefix)
    start = rng.randrange(0, 256, size)
    hosts = rng.sample(range(start + 1, start + size - 1), 2)
    return f"{base}.{start}/{prefix}", [f"{base}.{h}" for h in hosts]


def _letters(order: tuple[str, ...], canonical: tuple[str, ...]) -> set[str]:
    """The letters a learner sees for the authored options ``canonical`` (``order[i]`` is shown as letter i)."""
    return {chr(ord("A") + order.index(letter)) for letter in canonical}


def _relabel(options: dict[str, Option], order: tuple[str, ...]) -> dict[str, Option]:
    return {chr(ord("A") + i): options[letter] for i, letter in enumerate(order)}


def _about(text: str, hidden: bool = False) -> dict:
    return {"about": text, "hidden": hidden}


# --- 2.11 Security groups for an NLB that preserves client IPs -----------------------------------------

@dataclass(frozen=True, repr=False)
class NlbScenario(Scenario):
    """Question 2.11's values: the VPC, the two client ranges, the listeners and the application's ports."""

    vpc_cidr: str = field(metadata=_about("the media VPC"))
    partner_cidr: str = field(metadata=_about("the partner's range: uses the stream listener"))
    partner_host: str = field(metadata=_about("one partner host"))
    office_cidr: str = field(metadata=_about("the office range: uses the admin listener"))
    office_host: str = field(metadata=_about("one office host"))
    internet_host: str = field(metadata=_about("some other host on the internet"))
    stream_listener: int = field(metadata=_about("the NLB's stream listener (TCP), forwards to tg-stream"))
    admin_listener: int = field(metadata=_about("the NLB's admin listener (TCP), forwards to tg-admin"))
    stream_port: int = field(metadata=_about("the application's stream port (tg-stream)"))
    admin_port: int = field(metadata=_about("the application's admin port (tg-admin)"))
    partner_host_2: str = field(default="", metadata=_about("a second partner host", hidden=True))

    def net(self, host: int, third: int = 0) -> str:
        return ".".join(self.vpc_cidr.split(".")[:2] + [str(third), str(host)])


NLB_DEFAULT = NlbScenario(vpc_cidr="10.60.0.0/16", partner_cidr="192.0.2.0/24", partner_host=PARTNER_API,
                          office_cidr=OFFICE_CIDR, office_host=OFFICE, internet_host=INTERNET_CLIENT,
                          stream_listener=443, admin_listener=9443, stream_port=8443, admin_port=9000,
                          partner_host_2="192.0.2.200")
PARTNER_CIDR = NLB_DEFAULT.partner_cidr


def nlb_scenario(seed: int) -> NlbScenario:
    rng = random.Random(seed)
    partner_base, office_base, internet_base = rng.sample(_DOC_RANGES, 3)
    partner_cidr, partner_hosts = _block(rng, partner_base)
    office_cidr, office_hosts = _block(rng, office_base)
    stream_listener, admin_listener = rng.choice((443, 4443, 5443)), rng.choice((9443, 10443, 8843))
    return NlbScenario(vpc_cidr=f"10.{rng.randint(16, 99)}.0.0/16", partner_cidr=partner_cidr,
                       partner_host=partner_hosts[0], office_cidr=office_cidr, office_host=office_hosts[0],
                       internet_host=f"{internet_base}.{rng.randint(1, 254)}", stream_listener=stream_listener,
                       admin_listener=admin_listener, stream_port=rng.choice((8443, 8080, 7443, 6443)),
                       admin_port=rng.choice((9000, 9090, 9200, 9300)), partner_host_2=partner_hosts[1])


def nlb_base(v: NlbScenario = NLB_DEFAULT) -> dict:
    """An internet-facing NLB with a security group; both listeners' targets see the client's own address."""
    return (NetworkBuilder(REGION).vpc("vpc-media", v.vpc_cidr)
            .subnet("subnet-edge", "vpc-media", v.net(0) + "/24", az=f"{REGION}a")
            .subnet("subnet-app", "vpc-media", v.net(0, 1) + "/24", az=f"{REGION}a")
            .route_table("rtb-edge", "vpc-media", subnets=["subnet-edge"])
            .igw("igw-media", "vpc-media").route("rtb-edge", "0.0.0.0/0", "igw-media")
            .sg("sg-nlb", "vpc-media", outbound=[sg_rule("tcp", v.stream_port, "sg-app"),
                                                 sg_rule("tcp", v.admin_port, "sg-app")])
            .sg("sg-app", "vpc-media")
            .sg("sg-ops", "vpc-media")  # an operations host in the application subnet
            .eni("eni-nlb-a", "subnet-edge", v.net(10), public_ip="198.18.6.10")
            .eni("eni-app", "subnet-app", v.net(10, 1), sgs=["sg-app"])
            .eni("eni-ops", "subnet-app", v.net(50, 1), sgs=["sg-ops"])
            # instance targets: client IP preservation is on (the NLB default for instance targets)
            .target_group("tg-stream", v.stream_port, ["eni-app"]).target_group("tg-admin", v.admin_port, ["eni-app"])
            .load_balancer("lb-media", "network", ["eni-nlb-a"], sgs=["sg-nlb"],
                           listeners=[(v.stream_listener, "tcp", "tg-stream"),
                                      (v.admin_listener, "tcp", "tg-admin")])).build()


_PRESERVED = ("With client IP preservation the target sees the client's own address, not the load balancer's: a "
              "rule for the load balancer's subnet or private IPs matches nothing. Reference the load balancer's "
              "security group, or the clients' ranges.")
_NLB_SG = ("The load balancer's security group is where client ranges are narrowed; an NLB listener with an "
           "open group serves the whole internet.")


def nlb_question(v: NlbScenario) -> NetworkExercise:
    return NetworkExercise(
        id="2.11", title="Security groups for an NLB that preserves client IPs", points=3, answer_name="answer_2_11",
        base=nlb_base(v),
        form=Slots([Slot(("sg-nlb",), ("security_groups", "sg-nlb", "inbound"), "sg_rules"),
                    Slot(("sg-app",), ("security_groups", "sg-app", "inbound"), "sg_rules")]),
        flows=[
            Flow(f"the partner ({v.partner_host}) streams through the NLB (TCP {v.stream_listener})",
                 _tcp(v.partner_host, "lb-media", v.stream_listener), hint=_PRESERVED),
            Flow(f"the office ({v.office_host}) reaches the admin listener (TCP {v.admin_listener})",
                 _tcp(v.office_host, "lb-media", v.admin_listener), hint=_PRESERVED),
            Flow(f"other internet hosts cannot stream ({v.internet_host}, TCP {v.stream_listener})",
                 _tcp(v.internet_host, "lb-media", v.stream_listener),
                 expect="blocked", blocked_by=("sg-inbound",), hint=_NLB_SG),
            Flow(f"the partner cannot reach the admin listener (TCP {v.admin_listener})",
                 _tcp(v.partner_host, "lb-media", v.admin_listener),
                 expect="blocked", hint=_NLB_SG + " Each listener needs its own, narrower rule."),
            Flow(f"the operations host cannot bypass the NLB to the application (TCP {v.stream_port})",
                 _tcp("eni-ops", "eni-app", v.stream_port), expect="blocked",
                 hint="A rule for the VPC or the subnet admits every host in it, not only the load balancer."),
        ])


def nlb_model(v: NlbScenario) -> dict:
    return {"sg-nlb": [sg_rule("tcp", v.stream_listener, v.partner_cidr),
                       sg_rule("tcp", v.admin_listener, v.office_cidr)],
            "sg-app": [sg_rule("tcp", v.stream_port, "sg-nlb"), sg_rule("tcp", v.admin_port, "sg-nlb")]}


NLB_GROUPS = VariantFamily(NLB_DEFAULT, nlb_scenario, nlb_question, nlb_model).registered()

# --- 2.12 Egress filtering by domain with AWS Network Firewall -------------------------------------------

# package registries a build host may need: (exact name, subdomain entry, a subdomain, a look-alike name)
REGISTRIES = (
    ("pypi.org", ".pythonhosted.org", "files.pythonhosted.org", "evilpythonhosted.org"),
    ("rubygems.org", ".rubygems.org", "index.rubygems.org", "evilrubygems.org"),
    ("crates.io", ".crates.io", "static.crates.io", "notcrates.io"),
    ("proxy.golang.org", ".golang.org", "sum.golang.org", "evilgolang.org"),
    ("repo.maven.apache.org", ".maven.org", "repo1.maven.org", "evilmaven.org"),
)
PASTE_SITES = ("paste.example.net", "upload.example.org", "share.example.com", "drop.example.net")
SEVEN = tuple("ABCDEFG")


@dataclass(frozen=True, repr=False)
class FirewallScenario(Scenario):
    """Question 2.12's values: the VPC's subnets, the allowlist and the names the build host asks for."""

    vpc_cidr: str = field(metadata=_about("the build VPC"))
    build_subnet: str = field(metadata=_about("subnet-build (the build host eni-build)"))
    nat_subnet: str = field(metadata=_about("subnet-nat (the zonal NAT gateway nat-build)"))
    firewall_subnet: str = field(metadata=_about("subnet-fw (the firewall endpoint vpce-fw-build)"))
    allowlist: tuple[str, ...] = field(metadata=_about("the firewall's domain allowlist (TLS SNI, HTTP Host)"))
    download_domain: str = field(metadata=_about("where the packages are downloaded from"))
    paste_domain: str = field(metadata=_about("a paste site the build host must not reach"))
    exact_domain: str = field(default="", metadata=_about("the allowlist's exact name", hidden=True))
    lookalike_domain: str = field(default="", metadata=_about("a name that only ends like an allowed one",
                                                              hidden=True))
    order: tuple[str, ...] = field(default=SEVEN, metadata=_about("option order", hidden=True))

    def letters(self, *canonical: str) -> set[str]:
        """The letters this learner sees for the authored options ``canonical``."""
        return _letters(self.order, canonical)


def _firewall_scenario(registry: tuple[str, str, str, str], octet: int, thirds: tuple[int, int, int],
                       paste: str, order: tuple[str, ...]) -> FirewallScenario:
    exact, suffix, download, lookalike = registry
    return FirewallScenario(vpc_cidr=f"10.{octet}.0.0/16", build_subnet=f"10.{octet}.{thirds[0]}.0/24",
                            nat_subnet=f"10.{octet}.{thirds[1]}.0/24", firewall_subnet=f"10.{octet}.{thirds[2]}.0/24",
                            allowlist=(exact, suffix), download_domain=download, paste_domain=paste,
                            exact_domain=exact, lookalike_domain=lookalike, order=order)


FIREWALL_DEFAULT = _firewall_scenario(REGISTRIES[0], 70, (1, 2, 3), PASTE_SITES[0], SEVEN)


def firewall_scenario(seed: int) -> FirewallScenario:
    rng = random.Random(seed)
    thirds = tuple(rng.sample(range(1, 20), 3))
    return _firewall_scenario(rng.choice(REGISTRIES), rng.randint(16, 99), thirds,  # type: ignore[arg-type]
                              rng.choice(PASTE_SITES), shuffled(list(SEVEN), rng.getrandbits(64)))


def firewall_policy(v: FirewallScenario = FIREWALL_DEFAULT) -> dict:
    return {"stateless_default": "forward",
            "domain_lists": [{"type": "allowlist", "domains": list(v.allowlist),
                              "protocols": ["tls_sni", "http_host"]}]}


FIREWALL_POLICY = firewall_policy()


def firewall_base(v: FirewallScenario = FIREWALL_DEFAULT) -> dict:
    """A build subnet, a NAT subnet and a firewall subnet, with no routes out yet."""
    nat_ip = v.nat_subnet.rsplit(".", 1)[0] + ".5"
    b = (NetworkBuilder(REGION).vpc("vpc-build", v.vpc_cidr)
         .subnet("subnet-build", "vpc-build", v.build_subnet, az=f"{REGION}a")
         .subnet("subnet-nat", "vpc-build", v.nat_subnet, az=f"{REGION}a")
         .subnet("subnet-fw", "vpc-build", v.firewall_subnet, az=f"{REGION}a")
         .route_table("rtb-build", "vpc-build", subnets=["subnet-build"])
         .route_table("rtb-nat", "vpc-build", subnets=["subnet-nat"])
         .route_table("rtb-fw", "vpc-build", subnets=["subnet-fw"])
         .igw("igw-build", "vpc-build")
         .nat("nat-build", "subnet-nat", nat_ip, "198.18.7.5")
         .regional_nat("nat-regional", "vpc-build", "198.18.7.6")
         # the build host's group admits HTTPS from anywhere (a leftover); only routing keeps it unreachable
         .sg("sg-build", "vpc-build", inbound=[sg_rule("tcp", 443, "0.0.0.0/0")])
         .eni("eni-build", "subnet-build", v.build_subnet.rsplit(".", 1)[0] + ".20", sgs=["sg-build"]))
    b.doc["network_firewalls"] = {"nfw-egress": {"vpc": "vpc-build", "endpoints": {"vpce-fw-build": "subnet-fw"},
                                                 "policy": firewall_policy(v)}}
    return b.build()


def _default_route(table: str, target: str) -> Callable[[dict], None]:
    def apply(doc: dict) -> None:
        doc["route_tables"][table]["routes"].append({"dest": "0.0.0.0/0", "target": target})
    return apply


def _edge_nat_subnet(v: FirewallScenario) -> Callable[[dict], None]:
    def apply(doc: dict) -> None:
        doc["route_tables"]["rtb-edge"] = {"vpc": "vpc-build", "edge_associations": ["igw-build"], "routes": [
            {"dest": v.vpc_cidr, "target": "local"}, {"dest": v.nat_subnet, "target": "vpce-fw-build"}]}
    return apply


_BUILD_ROUTE, _NAT_ROUTE, _FW_ROUTE = ("rtb-build's default route", "rtb-nat's default route",
                                       "rtb-fw's default route")


def firewall_options(v: FirewallScenario = FIREWALL_DEFAULT) -> dict[str, Option]:
    """The options in the authored order (letters A-G before a learner's shuffle)."""
    return {
        "A": Option("Add 0.0.0.0/0 -> nat-build to rtb-build", _default_route("rtb-build", "nat-build"),
                    "The build host has no public address, so its IPv4 traffic needs a NAT gateway.",
                    sets=(_BUILD_ROUTE,)),
        "B": Option("Add 0.0.0.0/0 -> vpce-fw-build to rtb-nat", _default_route("rtb-nat", "vpce-fw-build"),
                    "The NAT gateway forwards by its own subnet's route table: that is where the firewall goes on "
                    "the path.", sets=(_NAT_ROUTE,)),
        "C": Option("Add 0.0.0.0/0 -> igw-build to rtb-fw", _default_route("rtb-fw", "igw-build"),
                    "After inspection the firewall subnet's table sends traffic on to the internet gateway.",
                    sets=(_FW_ROUTE,)),
        "D": Option("Create a gateway route table rtb-edge, edge-associated with igw-build, with "
                    f"{v.nat_subnet} -> vpce-fw-build", _edge_nat_subnet(v),
                    "Replies come in through the internet gateway; without ingress routing they skip the firewall."),
        "E": Option("Add 0.0.0.0/0 -> igw-build to rtb-nat", _default_route("rtb-nat", "igw-build"),
                    "A route straight to the internet gateway takes the NAT gateway's traffic round the firewall.",
                    sets=(_NAT_ROUTE,)),
        "F": Option("Add 0.0.0.0/0 -> vpce-fw-build to rtb-build", _default_route("rtb-build", "vpce-fw-build"),
                    "Inspecting before the NAT gateway leaves nothing to translate the private source address.",
                    sets=(_BUILD_ROUTE,)),
        "G": Option("Add 0.0.0.0/0 -> nat-regional to rtb-build (the regional NAT gateway)",
                    _default_route("rtb-build", "nat-regional"),
                    "A regional NAT gateway has no subnet of yours: AWS routes it to the internet gateway itself, "
                    "so no route table of yours can put the firewall after it.", sets=(_BUILD_ROUTE,)),
    }


FIREWALL_OPTIONS = firewall_options()


def firewall_question(v: FirewallScenario) -> NetworkExercise:
    return NetworkExercise(
        id="2.12", title="Filter egress by domain name with AWS Network Firewall", points=3, answer_name="answer_2_12",
        base=firewall_base(v), form=Options(_relabel(firewall_options(v), v.order), multiple=True),
        flows=[
            Flow(f"the build host downloads packages from {v.download_domain} (HTTPS)",
                 _tcp("eni-build", INTERNET_CLIENT, 443, domain=v.download_domain),
                 hint="Every hop needs a route: build subnet to NAT, NAT subnet to the firewall, firewall to the "
                      "internet gateway, and the replies back the same way."),
            Flow(f"the build host cannot upload to {v.paste_domain} (HTTPS)",
                 _tcp("eni-build", "192.0.2.77", 443, domain=v.paste_domain), expect="blocked",
                 blocked_by=("firewall-domain",),
                 hint="The domain allowlist only decides what passes through the firewall endpoint."),
            Flow("nobody on the internet can open a connection to the build host (HTTPS)",
                 _tcp(INTERNET_CLIENT, "eni-build", 443), expect="blocked",
                 hint="The build host must stay without a public address or a route from the internet."),
        ])


FIREWALL = VariantFamily(FIREWALL_DEFAULT, firewall_scenario, firewall_question,
                         lambda v: v.letters("A", "B", "C", "D")).registered()

# --- 2.13 VPC Block Public Access with exclusions ------------------------------------------------------

LEGACY_SERVICES = ((22, "SSH"), (3389, "RDP"), (5900, "VNC"))


@dataclass(frozen=True, repr=False)
class BpaScenario(Scenario):
    """Question 2.13's values: the shop VPC, the legacy host's open service and the outside hosts."""

    vpc_cidr: str = field(metadata=_about("the shop VPC (subnets web, nat, app, legacy)"))
    legacy_service: str = field(metadata=_about("what the legacy host's group admits from anywhere"))
    legacy_port: int = field(metadata=_about("its port (TCP)"))
    payment_api: str = field(metadata=_about("the payment API the application calls (HTTPS)"))
    internet_host: str = field(metadata=_about("a customer, or anybody, on the internet"))
    internet_host_2: str = field(default="", metadata=_about("a second internet host", hidden=True))
    thirds: tuple[int, int, int, int] = field(default=(1, 2, 3, 4), metadata=_about("subnets", hidden=True))
    order: tuple[str, ...] = field(default=SEVEN, metadata=_about("option order", hidden=True))

    def subnet(self, index: int, host: int = 0) -> str:
        return ".".join(self.vpc_cidr.split(".")[:2] + [str(self.thirds[index]), str(host)])

    def letters(self, *canonical: str) -> set[str]:
        return _letters(self.order, canonical)


BPA_DEFAULT = BpaScenario(vpc_cidr="10.80.0.0/16", legacy_service="SSH", legacy_port=22, payment_api=PARTNER_API,
                          internet_host=INTERNET_CLIENT, internet_host_2="192.0.2.77")


def bpa_scenario(seed: int) -> BpaScenario:
    rng = random.Random(seed)
    port, service = rng.choice(LEGACY_SERVICES)
    api_base, client_base, other_base = rng.sample(_DOC_RANGES, 3)
    return BpaScenario(vpc_cidr=f"10.{rng.randint(16, 99)}.0.0/16", legacy_service=service, legacy_port=port,
                       payment_api=f"{api_base}.{rng.randint(1, 254)}",
                       internet_host=f"{client_base}.{rng.randint(1, 254)}",
                       internet_host_2=f"{other_base}.{rng.randint(1, 254)}",
                       thirds=tuple(rng.sample(range(1, 30), 4)),  # type: ignore[arg-type]
                       order=shuffled(list(SEVEN), rng.getrandbits(64)))


def bpa_base(v: BpaScenario = BPA_DEFAULT) -> dict:
    """Block Public Access is bidirectional for the Region; four subnets, one of them a forgotten host."""
    return (NetworkBuilder(REGION).vpc("vpc-shop2", v.vpc_cidr)
            .subnet("subnet-web", "vpc-shop2", v.subnet(0) + "/24", az=f"{REGION}a")
            .subnet("subnet-nat", "vpc-shop2", v.subnet(1) + "/24", az=f"{REGION}a")
            .subnet("subnet-app", "vpc-shop2", v.subnet(2) + "/24", az=f"{REGION}a")
            .subnet("subnet-legacy", "vpc-shop2", v.subnet(3) + "/24", az=f"{REGION}a")
            .igw("igw-shop2", "vpc-shop2")
            .route_table("rtb-public", "vpc-shop2", subnets=["subnet-web", "subnet-nat", "subnet-legacy"])
            .route("rtb-public", "0.0.0.0/0", "igw-shop2")
            .nat("nat-shop2", "subnet-nat", v.subnet(1, 5), "198.18.8.5")
            .route_table("rtb-app", "vpc-shop2", subnets=["subnet-app"]).route("rtb-app", "0.0.0.0/0", "nat-shop2")
            .sg("sg-web", "vpc-shop2", inbound=[sg_rule("tcp", 443, "0.0.0.0/0")])
            .sg("sg-app", "vpc-shop2")
            .sg("sg-legacy", "vpc-shop2", inbound=[sg_rule("tcp", v.legacy_port, "0.0.0.0/0")])
            .eni("eni-web", "subnet-web", v.subnet(0, 10), public_ip="198.18.8.10", sgs=["sg-web"])
            .eni("eni-app", "subnet-app", v.subnet(2, 10), sgs=["sg-app"])
            .eni("eni-legacy", "subnet-legacy", v.subnet(3, 40), public_ip="198.18.8.40", sgs=["sg-legacy"])
            .block_public_access("block-bidirectional")).build()


def _exclude(kind: str, rid: str, mode: str) -> Callable[[dict], None]:
    def apply(doc: dict) -> None:
        doc["block_public_access"]["exclusions"].append({kind: rid, "mode": mode})
    return apply


BPA_OPTIONS = {
    "A": Option("Exclude subnet-web with allow-bidirectional", _exclude("subnet", "subnet-web", "allow-bidirectional"),
                "The web tier must accept connections from the internet: only a bidirectional exclusion allows "
                "inbound-initiated traffic.", sets=("subnet-web's exclusion",)),
    "B": Option("Exclude subnet-nat with allow-egress", _exclude("subnet", "subnet-nat", "allow-egress"),
                "Block Public Access judges NAT traffic where it crosses the internet gateway: in the NAT "
                "gateway's subnet.", sets=("subnet-nat's exclusion",)),
    "C": Option("Exclude vpc-shop2 with allow-bidirectional", _exclude("vpc", "vpc-shop2", "allow-bidirectional"),
                "A VPC-wide exclusion also re-opens every forgotten host in it."),
    "D": Option("Exclude subnet-app with allow-egress", _exclude("subnet", "subnet-app", "allow-egress"),
                "The application subnet never touches the internet gateway; its traffic crosses it from the NAT "
                "gateway's subnet.", sets=("subnet-app's exclusion",)),
    "E": Option("Exclude subnet-web with allow-egress", _exclude("subnet", "subnet-web", "allow-egress"),
                "An allow-egress exclusion keeps inbound-initiated connections blocked.",
                sets=("subnet-web's exclusion",)),
    "F": Option("Exclude subnet-legacy with allow-egress", _exclude("subnet", "subnet-legacy", "allow-egress"),
                "An egress exclusion lets the forgotten host open connections to the internet.",
                sets=("subnet-legacy's exclusion",)),
    "G": Option("Exclude subnet-nat with allow-bidirectional",
                _exclude("subnet", "subnet-nat", "allow-bidirectional"),
                "A NAT gateway accepts no inbound connections, so a bidirectional exclusion on its subnet opens "
                "nothing more than egress (unless other hosts share that subnet).", sets=("subnet-nat's exclusion",)),
}


def bpa_question(v: BpaScenario) -> NetworkExercise:
    return NetworkExercise(
        id="2.13", title="Keep Block Public Access on with the fewest exclusions", points=3, answer_name="answer_2_13",
        base=bpa_base(v), form=Options(_relabel(BPA_OPTIONS, v.order), multiple=True),
        flows=[
            Flow("customers reach the web server (HTTPS)", _tcp(v.internet_host, "eni-web", 443),
                 hint="Under block-bidirectional nothing crosses the internet gateway unless its subnet or VPC is "
                      "excluded, and only allow-bidirectional lets connections in."),
            Flow("the application calls a payment API through the NAT gateway (HTTPS)",
                 _tcp("eni-app", v.payment_api, 443),
                 hint="Block Public Access looks at the subnet whose traffic crosses the internet gateway."),
            Flow(f"nobody on the internet reaches {v.legacy_service} on the forgotten legacy host",
                 _tcp(v.internet_host, "eni-legacy", v.legacy_port), expect="blocked",
                 blocked_by=("block-public-access",),
                 hint=f"The legacy host's group admits {v.legacy_service} from anywhere: Block Public Access is what "
                      "protects it."),
            Flow("the legacy host cannot open connections to the internet (HTTPS)",
                 _tcp("eni-legacy", v.internet_host, 443), expect="blocked",
                 hint="Exclude only the subnets that need the internet."),
        ])


BPA = VariantFamily(BPA_DEFAULT, bpa_scenario, bpa_question, lambda v: v.letters("A", "B")).registered()

register(EGRESS, WEB_NACL, TIER_GROUPS, BROKEN, ENDPOINT_POLICY, BUCKET_POLICY, HUB, API_POLICY, OAC_POLICY,
         DX_ENCRYPTION, NLB_GROUPS, FIREWALL, BPA)
