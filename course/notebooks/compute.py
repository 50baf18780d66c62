"""Exercises of notebook 04, Compute.

Eleven questions: an SCP that enforces IMDSv2 (4.1, ``course.iam``), protecting an application's
credentials on EC2 (4.2, multiple choice), ECS task role, execution role and network mode (4.3, mapping),
an ECR repository policy for cross-account pulls (4.4, ``course.iam``), a Lambda function policy with
source conditions (4.5, ``course.iam``), an identity policy limiting ``lambda:AddPermission`` with
``lambda:Principal`` (4.6, ``course.iam``), the network of a Lambda function in a VPC (4.7, graded by
``course.net`` reachability), TLS and security groups on a Network Load Balancer (4.8, multiple choice),
an SCP against unauthenticated function URLs and unsigned Lambda code (4.9, ``course.iam``), an
IRSA trust policy for one Kubernetes service account (4.10, ``course.iam``) and an identity policy that
authorizes every resource of one ``ec2:RunInstances`` call (4.11, ``course.iam`` with ``request.resources``).

Answer keys of the choice and mapping kinds are salted hashes; the policy and network exercises are
graded by evaluating the learner's answer.
"""

from __future__ import annotations

from course.exercises.kinds.choice import MultipleChoice, order_per_learner
from course.exercises.kinds.network import Flow, NetworkExercise, Option, Options
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part
from course.exercises.registry import register
from course.net import NetworkBuilder, allow, sg_rule

REGION = "eu-west-1"
ACCOUNT = "111122223333"
PROD = "444455556666"
STRANGER = "777788889999"


def _policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


FULL_AWS_ACCESS = _policy({"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"})

# --- 4.1 IMDSv2 enforcement SCP ----------------------------------------------------------------------

DEV_ROLE = f"arn:aws:iam::{ACCOUNT}:role/developer"
DEV_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/developer/alice"
ADMIN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ec2-imds-admin"
ADMIN_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/ec2-imds-admin/bob"
EC2_ADMIN_POLICY = _policy({"Sid": "Ec2Everything", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"})


def ec2_request(action: str, resource: str, *, tokens: str | None = None, session: str = DEV_SESSION,
                role: str = DEV_ROLE) -> dict:
    context = {"aws:PrincipalArn": role, "aws:PrincipalAccount": ACCOUNT, "aws:RequestedRegion": REGION}
    if tokens is not None:
        context["ec2:MetadataHttpTokens"] = tokens
    return {"principal": session, "principalAccount": ACCOUNT, "action": action, "resource": resource,
            "resourceAccount": ACCOUNT, "context": context}


INSTANCE = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/*"
SUBNET = f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0a1b2c3d"
RUNNING = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0abc12345def67890"

IMDS_SCP = PolicyExercise(
    id="4.1", title="Enforce IMDSv2 with a service control policy", points=4, answer_name="answer_4_1",
    slot="scps", level=-1, lint_kind="scp",
    context_policies={"identity": [EC2_ADMIN_POLICY], "scps": [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]},
    cases=[
        PolicyCase("a developer launches an instance that requires IMDSv2 tokens",
                   ec2_request("ec2:RunInstances", INSTANCE, tokens="required"), True,
                   "Launches that do require tokens must still work."),
        PolicyCase("the same launch is also authorized against its subnet (a resource without metadata options)",
                   ec2_request("ec2:RunInstances", SUBNET), True,
                   "RunInstances is authorized once for every resource it touches (instance, subnet, volume, "
                   "network interface, image...); only the instance carries the metadata condition key, so a "
                   "Deny that covers every resource blocks all launches."),
        PolicyCase("a launch that leaves IMDSv1 available (tokens optional) is denied",
                   ec2_request("ec2:RunInstances", INSTANCE, tokens="optional"), False,
                   "An Allow in an SCP never stops a launch that the identity policy allows; only an explicit "
                   "Deny on the instance resource does."),
        PolicyCase("a launch that does not set the metadata options at all is denied",
                   ec2_request("ec2:RunInstances", INSTANCE), False,
                   "A condition that only matches the value 'optional' lets through requests that do not carry "
                   "the key; deny whatever is not 'required'."),
        PolicyCase("a developer cannot switch a running instance back to IMDSv1",
                   ec2_request("ec2:ModifyInstanceMetadataOptions", RUNNING, tokens="optional"), False,
                   "Enforcement at launch is undone by ModifyInstanceMetadataOptions unless that action is "
                   "restricted too."),
        PolicyCase("the ec2-imds-admin role may still change metadata options",
                   ec2_request("ec2:ModifyInstanceMetadataOptions", RUNNING, tokens="required",
                               session=ADMIN_SESSION, role=ADMIN_ROLE), True,
                   "Exempt the administrators' role by its ARN (aws:PrincipalArn) rather than denying everyone."),
    ])

# --- 4.2 Credentials for an application on EC2 ------------------------------------------------------

EC2_CREDENTIALS = order_per_learner(MultipleChoice(
    id="4.2", title="Give an EC2 application credentials safely", points=3, answer_name="answer_4_2",
    options={
        "A": "Create an IAM role whose trust policy names `ec2.amazonaws.com`, with only the table's permissions, "
             "and attach it to the instance through an instance profile",
        "B": "Create an IAM user for the application and pass its access key in the instance's user data",
        "C": "Give the engineers who launch the instances `iam:PassRole` for that role only",
        "D": "Require IMDSv2 on the instances (`HttpTokens` required) and keep the response hop limit at 1 where no "
             "containers need the metadata service",
        "E": "Bake the SSH private key of the instances' key pair into the AMI so that operators can always "
             "log in",
        "F": "Use Systems Manager Session Manager for operator access instead of opening SSH to the office",
        "G": "Store the access key in an environment variable set by the AMI, which is safer than user data",
    },
    explanations={
        "A": "The instance profile makes the role's temporary credentials available to code on the instance.",
        "B": "User data is readable by anyone who can describe the instance or reach its metadata service, and "
             "a long-lived access key never expires on its own.",
        "C": "Without PassRole limits, anyone who can launch instances can run code with any role.",
        "D": "Session tokens defeat the request-forgery tricks that read credentials from IMDSv1.",
        "E": "A private key inside an image is copied to every instance, snapshot and account the AMI is "
             "shared with; key pairs are for you to keep, and AWS only stores the public half.",
        "F": "Session Manager needs no inbound port and no key pair, and logs every session.",
        "G": "An environment variable baked into an image is as static and as copyable as the key itself; "
             "the problem is the long-lived key, not where it is written.",
    },
    keys={
        "A": "e4724d754584b97b4446df2b9c36df3a5eb1ba656a1764413c13ed54097a0bc5",
        "B": "5c55cba01fcf76e79ab34f501fd5653c35dc0ae2ed0394439a5cf4a7cd1461fd",
        "C": "49aab9195c3573070f05e17a39eee87ddd6f63cd4615f51b3d9ce8f62c4842e0",
        "D": "ede99b9e8437ec1586c6b11ee80008d832b07c7bd6a3544feee3fdbd120ce276",
        "E": "c0abbbb56cbac13f5e5dd92595a42fd0b86b9711598cb5b0d0d1896fb0f66d04",
        "F": "82ddf70f228f08ab27d004187fdfcaa8c7867fd264447fe25e77fc297e791609",
        "G": "b105b306609289a02745a8846047c1aed911d6048e2837b15d51db7193758382",
    },
))

# --- 4.3 ECS roles and network mode -------------------------------------------------------------------

_ROLE = ("task role", "execution role")
_EXEC = ("This happens before or around your code, done by the ECS or Fargate agent when it starts the task; "
         "the application's own credentials are not available yet, and are not what the agent uses.")
_TASK = ("This call is made by your application's code while it runs; the credentials the agent uses to start "
         "the task are never exposed to the containers.")

ECS_ROLES = MappingMatch(
    id="4.3", title="Task role, execution role and awsvpc", points=3, answer_name="answer_4_3",
    parts=[
        Part("pull_private_image", "876cd888d899ce51214c221cf81d482697d89c9086e82220f1ba39c4f62cbe72",
             _EXEC, "pulling the image from a private ECR repository", _ROLE),
        Part("awslogs", "56520c8637cc08cf636bd1adadd095685a9b5040f849ad3db7f4c018f4bfb19c",
             _EXEC, "sending container output to CloudWatch Logs with the awslogs driver", _ROLE),
        Part("secret_in_task_definition", "937f18f216e953def1bd20a068dd22c97d90ca3590609585b7a8f79476776677", _EXEC,
             "injecting a Secrets Manager secret named in the task definition's secrets section", _ROLE),
        Part("app_writes_dynamodb", "1cb8211347a40a7f33ee1604e6ff3506581b1985b5b90493cca2f0eec601c580",
             _TASK, "the application writing orders to its DynamoDB table", _ROLE),
        Part("app_reads_s3_at_runtime", "886e15c39360dd505a60c21a38044bcaaaf16513145385e820b1cb318fd5b609",
             _TASK, "the application reading a template from S3 while it runs",
             _ROLE),
        Part("network_mode", "1c7a3790ab39181940e4372de0afcff01f7587c1ad75858400ca5ec139c65371",
             "Reread the requirement: what must each task have of its own, and where must the tasks run?",
             "network mode that gives each task its own security group", ("awsvpc", "bridge", "host", "none"),
             explanations={
                 "bridge": "In bridge mode the containers reach the network through Docker's bridge on the "
                           "instance's ENI: no task has a security group or flow logs of its own, and Fargate "
                           "does not offer it.",
                 "host": "In host mode the containers use the instance's network directly, its ENI and security "
                         "group included, and Fargate does not offer it.",
                 "none": "With the none mode a task has no external network connectivity at all.",
             }),
    ],
)

# --- 4.4 ECR repository policy ------------------------------------------------------------------------

REPO = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/payments-api"
PROD_DEPLOYER = f"arn:aws:iam::{PROD}:role/ecs-task-execution"
PROD_SESSION = f"arn:aws:sts::{PROD}:assumed-role/ecs-task-execution/task-7f3a"
PROD_IDENTITY = _policy({"Sid": "PullAnything", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"})


def ecr_request(action: str, *, account: str = PROD, role: str = PROD_DEPLOYER, session: str = PROD_SESSION) -> dict:
    return {"principal": session, "principalAccount": account, "action": action, "resource": REPO,
            "resourceAccount": ACCOUNT,
            "context": {"aws:PrincipalAccount": account, "aws:PrincipalArn": role, "aws:SecureTransport": "true"}}


ECR_POLICY = PolicyExercise(
    id="4.4", title="Let the production account pull, and only pull", points=3, answer_name="answer_4_4",
    slot="resource", context_policies={"identity": [PROD_IDENTITY]}, lint_forbidden=["IAM004", "IAM010"],
    cases=[
        PolicyCase("production pulls the image manifest (BatchGetImage)", ecr_request("ecr:BatchGetImage"), True,
                   "A cross-account pull needs the repository policy to name the other account as well as that "
                   "account's own IAM policy."),
        PolicyCase("production downloads the layers (GetDownloadUrlForLayer)",
                   ecr_request("ecr:GetDownloadUrlForLayer"), True,
                   "Pulling an image takes more than one action: the manifest and the layers."),
        PolicyCase("production checks which layers it already has (BatchCheckLayerAvailability)",
                   ecr_request("ecr:BatchCheckLayerAvailability"), True,
                   "Pulling an image takes more than one action: the manifest and the layers."),
        PolicyCase("production cannot push a new image (PutImage)", ecr_request("ecr:PutImage"), False,
                   "A pull-only consumer must not be able to replace the images it runs; grant the read actions "
                   "only."),
        PolicyCase("production cannot start a layer upload", ecr_request("ecr:InitiateLayerUpload"), False,
                   "A pull-only consumer must not be able to replace the images it runs; grant the read actions "
                   "only."),
        PolicyCase("an unrelated account cannot pull",
                   ecr_request("ecr:BatchGetImage", account=STRANGER, role=f"arn:aws:iam::{STRANGER}:role/x",
                               session=f"arn:aws:sts::{STRANGER}:assumed-role/x/y"), False,
                   "Name the production account, not everyone."),
    ])

# --- 4.5 Lambda function policy -----------------------------------------------------------------------

FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:thumbnailer"
UPLOADS = "arn:aws:s3:::example-uploads"
PARTNER_ROLE = f"arn:aws:iam::{PROD}:role/order-sync"
PARTNER_SESSION = f"arn:aws:sts::{PROD}:assumed-role/order-sync/run-42"
PARTNER_IDENTITY = _policy({"Sid": "CallLambda", "Effect": "Allow", "Action": "lambda:*", "Resource": "*"})


def invoke_by_s3(bucket_arn: str, source_account: str, action: str = "lambda:InvokeFunction") -> dict:
    return {"principal": "s3.amazonaws.com", "principalAccount": None, "action": action, "resource": FUNCTION,
            "resourceAccount": ACCOUNT,
            "context": {"aws:SourceArn": bucket_arn, "aws:SourceAccount": source_account}}


def invoke_by_account(account: str, action: str = "lambda:InvokeFunction") -> dict:
    role = f"arn:aws:iam::{account}:role/order-sync"
    return {"principal": f"arn:aws:sts::{account}:assumed-role/order-sync/run-42", "principalAccount": account,
            "action": action, "resource": FUNCTION, "resourceAccount": ACCOUNT,
            "context": {"aws:PrincipalAccount": account, "aws:PrincipalArn": role}}


FUNCTION_POLICY = PolicyExercise(
    id="4.5", title="Write a Lambda function policy for S3 and a partner", points=4, answer_name="answer_4_5",
    slot="resource", context_policies={"identity": [PARTNER_IDENTITY]}, lint_forbidden=["IAM004", "IAM010"],
    cases=[
        PolicyCase("the example-uploads bucket's event notification invokes the function",
                   invoke_by_s3(UPLOADS, ACCOUNT), True,
                   "S3 invokes functions as the service principal s3.amazonaws.com; the function policy must "
                   "name that service."),
        PolicyCase("another customer's bucket cannot invoke the function",
                   invoke_by_s3("arn:aws:s3:::someone-elses-bucket", STRANGER), False,
                   "Every bucket in the world notifies as the same service principal; without a condition on "
                   "the source bucket (and its account) anyone can trigger your function."),
        PolicyCase("the partner account's role invokes the function", invoke_by_account(PROD), True,
                   "Another account is granted by naming it as a principal; its own IAM policy must allow the "
                   "call too."),
        PolicyCase("the partner cannot replace the function's code", invoke_by_account(PROD,
                                                                                       "lambda:UpdateFunctionCode"),
                   False, "Invoking is one action; the partner needs nothing else."),
        PolicyCase("an unrelated account cannot invoke the function", invoke_by_account(STRANGER), False,
                   "Name the partner's account, not everyone."),
    ])

# --- 4.6 lambda:Principal in an identity policy -------------------------------------------------------

FUNCTIONS = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:*"


def add_permission(principal_value: str, action: str = "lambda:AddPermission") -> dict:
    return {"principal": DEV_SESSION, "principalAccount": ACCOUNT, "action": action,
            "resource": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:thumbnailer", "resourceAccount": ACCOUNT,
            "context": {"aws:PrincipalArn": DEV_ROLE, "aws:PrincipalAccount": ACCOUNT,
                        "lambda:Principal": principal_value}}


ADD_PERMISSION = PolicyExercise(
    id="4.6", title="Let developers wire triggers, not open functions", points=3, answer_name="answer_4_6",
    slot="identity", lint_forbidden=["IAM010", "IAM015"],
    cases=[
        PolicyCase("a developer lets S3 invoke a function", add_permission("s3.amazonaws.com"), True,
                   "The call lambda:AddPermission must be allowed when the principal being added is S3."),
        PolicyCase("a developer lets EventBridge invoke a function", add_permission("events.amazonaws.com"), True,
                   "The call lambda:AddPermission must be allowed when the principal being added is EventBridge."),
        PolicyCase("a developer cannot grant another AWS account", add_permission(STRANGER), False,
                   "The key lambda:Principal holds the principal that the new statement would name; limit its values."),
        PolicyCase("a developer cannot wire a trigger type the platform does not support (SNS)",
                   add_permission("sns.amazonaws.com"), False,
                   "A pattern such as *.amazonaws.com admits every AWS service, not the two that are supported."),
        PolicyCase("a developer cannot make a function public", add_permission("*"), False,
                   "A wildcard principal in a function policy lets anyone invoke it; a condition on "
                   "lambda:Principal with the service names excludes it."),
    ])

# --- 4.7 Lambda in a VPC ------------------------------------------------------------------------------

DDB_CIDR = "52.119.240.0/21"
DDB_IP = "52.119.240.10"
SM_CIDR = "52.94.0.0/22"
SM_IP = "52.94.0.10"
WEBHOOK = "192.0.2.77"


def lambda_base() -> dict:
    """A function's ENI in a private subnet; the public subnet's NACL only lets HTTPS out to the partner."""
    return (NetworkBuilder(REGION).vpc("vpc-orders", "10.70.0.0/16")
            .subnet("subnet-public", "vpc-orders", "10.70.0.0/24", az=f"{REGION}a")
            .subnet("subnet-fn", "vpc-orders", "10.70.1.0/24", az=f"{REGION}a")
            .route_table("rtb-public", "vpc-orders", subnets=["subnet-public"])
            .route_table("rtb-fn", "vpc-orders", subnets=["subnet-fn"])
            .igw("igw-orders", "vpc-orders").route("rtb-public", "0.0.0.0/0", "igw-orders")
            .nacl("acl-public", "vpc-orders", subnets=["subnet-public"],
                  inbound=[allow(100, "tcp", 443, "10.70.0.0/16"), allow(110, "tcp", (1024, 65535), "192.0.2.0/24")],
                  outbound=[allow(100, "tcp", 443, "192.0.2.0/24"), allow(110, "tcp", (1024, 65535), "10.70.0.0/16")])
            .prefix_list("pl-fabb4b93", f"com.amazonaws.{REGION}.dynamodb", [DDB_CIDR])
            .service("dynamodb", [DDB_CIDR], prefix_list="pl-fabb4b93")
            .service("secretsmanager", [SM_CIDR])
            .sg("sg-fn", "vpc-orders")
            .sg("sg-endpoints", "vpc-orders", inbound=[sg_rule("tcp", 443, "sg-fn")], outbound=[])
            # a Lambda function's ENI never has a public address
            .eni("eni-fn", "subnet-fn", "10.70.1.30", sgs=["sg-fn"])).build()


def _fn_public_subnet(doc: dict) -> None:
    doc["route_tables"]["rtb-fn"]["routes"].append({"dest": "0.0.0.0/0", "target": "igw-orders"})


def _fn_nat(doc: dict) -> None:
    doc.setdefault("nat_gateways", {})["nat-orders"] = {"subnet": "subnet-public", "connectivity": "public",
                                                        "private_ip": "10.70.0.5", "public_ip": "198.18.7.5"}
    doc["route_tables"]["rtb-fn"]["routes"].append({"dest": "0.0.0.0/0", "target": "nat-orders"})


def _fn_ddb_gateway(doc: dict) -> None:
    doc.setdefault("vpc_endpoints", {})["vpce-0ddb0000000000001"] = {
        "type": "gateway", "vpc": "vpc-orders", "service": "dynamodb", "route_tables": ["rtb-fn"], "policy": None}
    doc["route_tables"]["rtb-fn"]["routes"].append({"dest": "pl-fabb4b93", "target": "vpce-0ddb0000000000001"})


def _fn_sm_interface(doc: dict) -> None:
    doc["enis"]["eni-vpce-sm"] = {"subnet": "subnet-fn", "private_ip": "10.70.1.200",
                                  "security_groups": ["sg-endpoints"], "endpoint": "vpce-0sm00000000000001"}
    doc.setdefault("vpc_endpoints", {})["vpce-0sm00000000000001"] = {
        "type": "interface", "vpc": "vpc-orders", "service": "secretsmanager", "enis": ["eni-vpce-sm"],
        "private_dns": True, "policy": None}


def _fn_eip(doc: dict) -> None:
    doc["route_tables"]["rtb-fn"]["routes"].append({"dest": "0.0.0.0/0", "target": "igw-orders"})
    doc["enis"]["eni-fn"]["public_ip"] = "198.18.7.30"


_FN_DEFAULT = "rtb-fn's IPv4 default route (0.0.0.0/0)"

LAMBDA_OPTIONS = {
    "A": Option("Route 0.0.0.0/0 in rtb-fn to igw-orders, making the function's subnet public", _fn_public_subnet,
                "An internet gateway only translates for interfaces that have a public address.",
                sets=(_FN_DEFAULT,)),
    "B": Option("Create a NAT gateway in subnet-public and route 0.0.0.0/0 in rtb-fn to it", _fn_nat,
                "Traffic through the NAT gateway also passes the public subnet's NACL.", sets=(_FN_DEFAULT,)),
    "C": Option("Create a DynamoDB gateway endpoint with its prefix-list route in rtb-fn", _fn_ddb_gateway,
                "A gateway endpoint carries only its own service's traffic."),
    "D": Option("Create a Secrets Manager interface endpoint (private DNS on) in subnet-fn, in sg-endpoints",
                _fn_sm_interface, "An interface endpoint serves only its own service."),
    "E": Option("Associate an Elastic IP with the function's network interface and route 0.0.0.0/0 to igw-orders",
                _fn_eip, "Lambda manages the function's network interfaces itself; you cannot give them Elastic "
                "IPs, and a function reachable from the internet is exactly what the requirement forbids.",
                sets=(_FN_DEFAULT,)),
}

LAMBDA_VPC = NetworkExercise(
    id="4.7", title="Network a Lambda function in a VPC", points=4, answer_name="answer_4_7",
    base=lambda_base(), form=Options(LAMBDA_OPTIONS, multiple=True),
    flows=[
        Flow("the function posts to the partner's webhook (192.0.2.77, HTTPS)", {
            "src": "eni-fn", "dst": WEBHOOK, "protocol": "tcp", "port": 443},
             hint="A function attached to a VPC has no internet access of its own and its interfaces never get "
                  "public addresses; IPv4 traffic to the internet needs a NAT gateway."),
        Flow("the function writes to DynamoDB", {
            "src": "eni-fn", "dst": "dynamodb", "dst_ip": DDB_IP, "protocol": "tcp", "port": 443,
            "request": {"action": "dynamodb:PutItem",
                        "resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"}},
             hint="AWS service endpoints are public addresses; from a VPC they need either an internet path that "
                  "the filters allow, or a VPC endpoint."),
        Flow("the function reads its database password from Secrets Manager", {
            "src": "eni-fn", "dst": "secretsmanager", "dst_ip": SM_IP, "protocol": "tcp", "port": 443,
            "request": {"action": "secretsmanager:GetSecretValue",
                        "resource": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:orders-db-AbCdEf"}},
             hint="Secrets Manager has no gateway endpoint; without an internet path it needs an interface "
                  "endpoint."),
        Flow("the function cannot reach any other internet host (203.0.113.50, HTTPS)", {
            "src": "eni-fn", "dst": "203.0.113.50", "protocol": "tcp", "port": 443}, expect="blocked",
             hint="The egress filter in the public subnet only works for traffic that passes through it."),
        Flow("nothing on the internet can connect to the function's interface", {
            "src": "203.0.113.50", "dst": "eni-fn", "protocol": "tcp", "port": 443}, expect="blocked",
             hint="The function must not be reachable from the internet."),
    ])

# --- 4.8 ELB TLS and security groups ------------------------------------------------------------------

NLB_TLS = order_per_learner(MultipleChoice(
    id="4.8", title="TLS and security groups on a Network Load Balancer", points=3, answer_name="answer_4_8",
    options={
        "A": "Name a TLS 1.3/1.2 security policy such as `ELBSecurityPolicy-TLS13-1-2-2021-06` on the TLS listener "
             "in the template",
        "B": "Leave the listener's security policy unset: CloudFormation picks a TLS 1.3 policy by default",
        "C": "Put both ACM certificates on the one TLS listener (a default certificate plus the certificate "
             "list); the NLB chooses by SNI",
        "D": "Create two Network Load Balancers, one per domain, because NLBs do not support SNI",
        "E": "Create the NLB with a security group, and let the targets' security group admit traffic only "
             "from that group",
        "F": "Create the NLB now without a security group and attach one later once the targets are ready",
        "G": "Use a Classic Load Balancer instead, which supports SNI for several domains",
    },
    explanations={
        "A": "A named policy fixes the protocols and ciphers; TLS 1.3 policies also accept TLS 1.2 clients.",
        "B": "Listeners created through the API, CLI or CloudFormation still default to the older "
             "ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1; only the console now defaults to a "
             "TLS 1.3 policy.",
        "C": "A TLS listener holds a default certificate and a list that it picks from by SNI.",
        "D": "NLB TLS listeners have supported SNI for years; one load balancer can serve both names.",
        "E": "Referencing the load balancer's group admits the NLB and nothing else on the target port.",
        "F": "A Network Load Balancer created without security groups cannot have them added later.",
        "G": "Classic Load Balancers still do not support SNI.",
    },
    keys={
        "A": "dd7489db51e64213979921d59398cd6a7b9ca072a1804c51062d9913bf89971c",
        "B": "7c37049fdeff74bfef1f7b630d5411123982684e6fcbca170a30974000e2363c",
        "C": "7bcf4e23f679fa2cfb4dd604f2815578e48eefabd20477fd43cca47aa0d5277d",
        "D": "cf5cbacbd225387f53e14bd47e62102356a7f33d6fec6ce281b4d9917da46dc7",
        "E": "cd2a3b79b56e7f0dd8771042930079cfdcbe8ad4995cf3476fb89f4e772af7ba",
        "F": "ca27045078b63f5b21af294b280cff4e50677c0a5321ffb6c1849875a3631e86",
        "G": "54866419b7a759491ceaaa765768ad873c85b06067895bbb7a19a0308d9296f4",
    },
))

# --- 4.9 Lambda guardrails SCP: no public function URLs, signed code only ---------------------------------

LAMBDA_DEV_POLICY = _policy({"Sid": "LambdaEverything", "Effect": "Allow", "Action": "lambda:*", "Resource": "*"})
APPROVED_CSC = f"arn:aws:lambda:{REGION}:{ACCOUNT}:code-signing-config:csc-0a1b2c3d4e5f60718"
OTHER_CSC = f"arn:aws:lambda:{REGION}:{ACCOUNT}:code-signing-config:csc-0f9e8d7c6b5a40312"
ORDERS_FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-api"


def lambda_request(action: str, *, auth_type: str | None = None, csc: str | None = None,
                   principal: str | None = None) -> dict:
    """A developer's Lambda call on orders-api; None leaves the condition key out of the request."""
    context: dict[str, str] = {"aws:PrincipalArn": DEV_ROLE, "aws:PrincipalAccount": ACCOUNT,
                               "aws:RequestedRegion": REGION}
    if auth_type is not None:
        context["lambda:FunctionUrlAuthType"] = auth_type
    if csc is not None:
        context["lambda:CodeSigningConfigArn"] = csc
    if principal is not None:
        context["lambda:Principal"] = principal
    return {"principal": DEV_SESSION, "principalAccount": ACCOUNT, "action": action, "resource": ORDERS_FN,
            "resourceAccount": ACCOUNT, "context": context}


LAMBDA_GUARDRAILS = PolicyExercise(
    id="4.9", title="An SCP against public function URLs and unsigned code", points=4,
    answer_name="answer_4_9", slot="scps", level=-1, lint_kind="scp",
    context_policies={"identity": [LAMBDA_DEV_POLICY], "scps": [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]},
    cases=[
        PolicyCase("a developer creates a function URL that requires IAM authentication",
                   lambda_request("lambda:CreateFunctionUrlConfig", auth_type="AWS_IAM"), True,
                   "Function URLs with AuthType AWS_IAM must still be possible."),
        PolicyCase("a developer cannot create a function URL without authentication (AuthType NONE)",
                   lambda_request("lambda:CreateFunctionUrlConfig", auth_type="NONE"), False,
                   "Deny CreateFunctionUrlConfig when lambda:FunctionUrlAuthType is not AWS_IAM."),
        PolicyCase("a developer cannot switch an existing function URL to AuthType NONE",
                   lambda_request("lambda:UpdateFunctionUrlConfig", auth_type="NONE"), False,
                   "A URL created with IAM authentication can be changed later: UpdateFunctionUrlConfig needs the "
                   "same Deny as CreateFunctionUrlConfig."),
        PolicyCase("a developer cannot add a function-policy statement that opens an unauthenticated URL",
                   lambda_request("lambda:AddPermission", auth_type="NONE", principal="*"), False,
                   "An AuthType NONE URL only answers once the function policy allows lambda:InvokeFunctionUrl "
                   "for everyone; AddPermission carries lambda:FunctionUrlAuthType too, so deny it when that key "
                   "is NONE."),
        PolicyCase("a developer still lets S3 invoke a function (AddPermission without a function URL)",
                   lambda_request("lambda:AddPermission", principal="s3.amazonaws.com"), True,
                   "AddPermission for an ordinary trigger carries no lambda:FunctionUrlAuthType: a Deny that "
                   "matches an absent key (StringNotEquals AWS_IAM) blocks every trigger."),
        PolicyCase("a developer creates a function with the approved code-signing configuration",
                   lambda_request("lambda:CreateFunction", csc=APPROVED_CSC), True,
                   "Functions created with the approved code-signing configuration must still be possible."),
        PolicyCase("a developer cannot create a function without a code-signing configuration",
                   lambda_request("lambda:CreateFunction"), False,
                   "A request without the key must be denied as well: use an operator that matches an absent "
                   "key (StringNotEquals or ArnNotEquals) for lambda:CodeSigningConfigArn."),
        PolicyCase("a developer cannot create a function with another code-signing configuration",
                   lambda_request("lambda:CreateFunction", csc=OTHER_CSC), False,
                   "Compare lambda:CodeSigningConfigArn with the approved configuration's ARN, not with a "
                   "pattern that admits any configuration."),
        PolicyCase("a developer cannot remove the code-signing configuration of a function",
                   lambda_request("lambda:DeleteFunctionCodeSigningConfig"), False,
                   "Signing enforced at creation is undone by DeleteFunctionCodeSigningConfig unless that action "
                   "is denied too."),
        PolicyCase("a developer still invokes and updates functions",
                   lambda_request("lambda:InvokeFunction"), True,
                   "The SCP sits beside FullAWSAccess: deny only the risky calls, not the rest of Lambda."),
    ])

# --- 4.10 IRSA trust policy: one service account of one cluster (graded by course.iam) ------------------------

OIDC_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5C4F2B8E9D1A7E3F6B0C2D4A8E1F3B7C"
OTHER_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/0A9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D"
OIDC_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC_ISSUER}"
OTHER_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OTHER_ISSUER}"
ORDERS_READER = f"arn:aws:iam::{ACCOUNT}:role/orders-reader"


def web_identity(service_account: str = "system:serviceaccount:orders:orders-api", *, aud: str = "sts.amazonaws.com",
                 provider: str = OIDC_PROVIDER, issuer: str = OIDC_ISSUER) -> dict:
    """A pod's AssumeRoleWithWebIdentity call with the token its cluster's OIDC issuer signed."""
    return {"principal": provider, "action": "sts:AssumeRoleWithWebIdentity", "resource": ORDERS_READER,
            "resourceAccount": ACCOUNT,
            "context": {f"{issuer}:sub": service_account, f"{issuer}:aud": aud, "aws:RequestedRegion": REGION}}


IRSA_TRUST = PolicyExercise(
    id="4.10", title="Trust one Kubernetes service account (IRSA)", points=3, answer_name="answer_4_10",
    slot="resource", lint_kind="trust",
    cases=[
        PolicyCase("the orders-api service account of namespace orders assumes the role", web_identity(), True,
                   "Trust the cluster's OIDC provider (Principal Federated, its ARN) for "
                   "sts:AssumeRoleWithWebIdentity."),
        PolicyCase("another service account of the same namespace cannot assume it",
                   web_identity("system:serviceaccount:orders:batch"), False,
                   "Without a condition on the token's sub claim, every service account of the cluster can assume "
                   "the role: compare ISSUER:sub with system:serviceaccount:orders:orders-api."),
        PolicyCase("a service account with the same name in another namespace cannot assume it",
                   web_identity("system:serviceaccount:staging:orders-api"), False,
                   "The sub claim includes the namespace: a pattern such as system:serviceaccount:*:orders-api "
                   "admits the name in every namespace."),
        PolicyCase("a pod of another cluster cannot assume it, even with the same names",
                   web_identity(provider=OTHER_PROVIDER, issuer=OTHER_ISSUER), False,
                   "Name this cluster's OIDC provider ARN as the Federated principal, not a wildcard or another "
                   "cluster's provider."),
        PolicyCase("a token issued for another audience is refused",
                   web_identity(aud="orders-frontend"), False,
                   "EKS tokens for IAM carry the audience sts.amazonaws.com: require it with ISSUER:aud."),
    ],
)

# --- 4.11 One RunInstances call, every resource it touches (graded by course.iam, request.resources) --------

PLATFORM = "555566667777"  # the platform team's account, which owns the golden images
DEPLOYER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/payments-deployer"
DEPLOYER_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/payments-deployer/pipeline"
VPC = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-0a1b2c3d"
GOLDEN_AMI = "ami-0f1e2d3c4b5a69788"
COMMUNITY_AMI = "ami-0123456789abcdef0"
APPROVED_SG = "sg-0a1b2c3d4e5f60718"
OPEN_SG = "sg-0f9e8d7c6b5a40312"
APP_SUBNET = "subnet-0a1b2c3d"
PUBLIC_SUBNET = "subnet-0c9d8e7f"
# When RunInstances tags what it creates, EC2 also authorizes ec2:CreateTags for those resources (with
# ec2:CreateAction = RunInstances); this fixed policy of the role grants that, so the learner's policy is about
# RunInstances only.
TAG_ON_LAUNCH = _policy({
    "Sid": "TagWhatTheLaunchCreates", "Effect": "Allow", "Action": "ec2:CreateTags",
    "Resource": [f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/*", f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/*",
                 f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/*"],
    "Condition": {"StringEquals": {"ec2:CreateAction": "RunInstances"}}})
# Keys the Service Authorization Reference lists for RunInstances on the instance resource type only (of the ones
# used here); every other resource of the call gets them as "" (an absent key, docs/specs/iam-request.md).
_INSTANCE_ONLY = ("aws:RequestTag/team", "aws:TagKeys", "ec2:InstanceType")


def _tier(tier: str | None) -> dict:
    """A resource's tier tag, under both of the keys RunInstances offers for existing resources' tags."""
    return {} if tier is None else {"aws:ResourceTag/tier": tier, "ec2:ResourceTag/tier": tier}


def launch_resources(*, region: str = REGION, image: str = GOLDEN_AMI, image_owner: str = PLATFORM,
                     subnet: str = APP_SUBNET, tier: str | None = "app", groups: tuple[str, ...] = (APPROVED_SG,),
                     team: str | None = "payments", volumes: tuple[bool, ...] = (True,),
                     tag_volumes: bool = False, snapshot: bool = False, key_pair: bool = False) -> list[dict]:
    """Every resource one ``ec2:RunInstances`` call is authorized against, instance first, each with the
    condition keys the Service Authorization Reference lists for its resource type in that action."""
    arn = f"arn:aws:ec2:{region}:{ACCOUNT}"
    instance: dict = {"ec2:InstanceType": "t3.micro"}
    if team is not None:
        instance.update({"aws:RequestTag/team": team, "aws:TagKeys": ["team"]})
    blank: dict = {key: [] if key == "aws:TagKeys" else "" for key in _INSTANCE_ONLY}
    out = [
        {"resource": f"{arn}:instance/*", "context": instance},
        {"resource": f"arn:aws:ec2:{region}::image/{image}",
         "context": {**blank, "ec2:ImageID": image, "ec2:Owner": image_owner,
                     "ec2:Public": "false" if image_owner == PLATFORM else "true", "ec2:ImageType": "machine"}},
        {"resource": f"{arn}:subnet/{subnet}",
         "context": {**blank, "ec2:SubnetID": subnet, "ec2:Vpc": VPC, **_tier(tier)}},
    ]
    # The open group is the app tier's debugging group: tagged tier=app like the app subnets.
    out += [{"resource": f"{arn}:security-group/{sg}",
             "context": {**blank, "ec2:SecurityGroupID": sg, "ec2:Vpc": VPC, **_tier("app" if sg == OPEN_SG else None)}}
            for sg in groups]
    out.append({"resource": f"{arn}:network-interface/*",
                "context": {**blank, "ec2:Subnet": f"{arn}:subnet/{subnet}", "ec2:Vpc": VPC}})
    for encrypted in volumes:
        volume = {**blank, "ec2:Encrypted": "true" if encrypted else "false", "ec2:VolumeType": "gp3"}
        if tag_volumes:
            volume.update({"aws:RequestTag/team": "payments", "aws:TagKeys": ["team"]})
        out.append({"resource": f"{arn}:volume/*", "context": volume})
    if snapshot:  # a block device mapping that restores a volume from the platform team's snapshot
        out.append({"resource": f"arn:aws:ec2:{region}::snapshot/snap-0a1b2c3d4e5f60718",
                    "context": {**blank, "ec2:Owner": PLATFORM, "ec2:VolumeSize": "20"}})
    if key_pair:
        out.append({"resource": f"{arn}:key-pair/payments-ops",
                    "context": {**blank, "ec2:KeyPairName": "payments-ops"}})
    return out


def pipeline_call(action: str, resource: str, **keys: str) -> dict:
    """Another EC2 call by the deployment pipeline, on one existing resource with its condition keys."""
    return {"principal": DEPLOYER_SESSION, "principalAccount": ACCOUNT, "action": action, "resource": resource,
            "resourceAccount": ACCOUNT,
            "context": {"aws:PrincipalArn": DEPLOYER_ROLE, "aws:PrincipalAccount": ACCOUNT,
                        "aws:RequestedRegion": REGION, **keys}}


def launch(**kwargs: object) -> dict:
    """The request of one ``ec2:RunInstances`` call by the deployment pipeline: the instance is the primary
    resource (its keys in ``context``) and the image, subnet, security groups, network interface and volumes are
    ``resources``; AWS allows the call only if every one of them is authorized."""
    region = str(kwargs.get("region", REGION))
    first, *others = launch_resources(**kwargs)  # type: ignore[arg-type]
    context = {"aws:PrincipalArn": DEPLOYER_ROLE, "aws:PrincipalAccount": ACCOUNT, "aws:RequestedRegion": region,
               "ec2:Region": region, **first["context"]}
    return {"principal": DEPLOYER_SESSION, "principalAccount": ACCOUNT, "action": "ec2:RunInstances",
            "resource": first["resource"], "resourceAccount": ACCOUNT, "context": context, "resources": others}


RUN_INSTANCES = PolicyExercise(
    id="4.11", title="Authorize every resource of a launch", points=4, answer_name="answer_4_11",
    slot="identity", context_policies={"identity": [TAG_ON_LAUNCH]},
    cases=[
        PolicyCase("the pipeline launches a tagged instance from a golden image into the app subnet with the "
                   "approved security group and an encrypted volume", launch(), True,
                   "RunInstances is authorized against the instance, the image, the subnet, the security group, the "
                   "network interface and the volume, each with its own condition keys: aws:RequestTag is on the "
                   "instance only, ec2:Owner on the image only, ec2:ResourceTag/tier on the subnet only. A "
                   "statement whose Condition names a key the resource does not carry fails for that resource, so "
                   "write one statement per resource type."),
        PolicyCase("a launch with another security group (tagged tier=app too) is denied", launch(groups=(OPEN_SG,)),
                   False, f"Name the approved group's ARN (security-group/{APPROVED_SG}); a statement for "
                   "resources tagged tier=app that is not limited to subnets admits this group too."),
        PolicyCase("a launch into a subnet tagged tier=public is denied",
                   launch(subnet=PUBLIC_SUBNET, tier="public"), False,
                   "Allow the subnet resource only when ec2:ResourceTag/tier is app."),
        PolicyCase("a launch from a community image owned by another account is denied",
                   launch(image=COMMUNITY_AMI, image_owner=STRANGER), False,
                   f"Allow the image resource only when ec2:Owner is the platform account {PLATFORM}."),
        PolicyCase("a launch whose instance is not tagged team=payments is denied", launch(team=None), False,
                   "Require aws:RequestTag/team = payments on the instance resource: a condition that only holds "
                   "when the key is present (...IfExists) lets an untagged launch through."),
        PolicyCase("a launch with an unencrypted volume is denied", launch(volumes=(False,)), False,
                   "Allow the volume resource only when ec2:Encrypted is true."),
        PolicyCase("a launch whose unencrypted volume is tagged team=payments too is denied",
                   launch(volumes=(False,), tag_volumes=True), False,
                   "Volumes can carry request tags as well: limit the statement on aws:RequestTag/team to "
                   "instance resources."),
        PolicyCase("the pipeline cannot open the approved security group with AuthorizeSecurityGroupIngress",
                   pipeline_call("ec2:AuthorizeSecurityGroupIngress",
                                 f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{APPROVED_SG}", **{"ec2:Vpc": VPC}),
                   False, "Allow ec2:RunInstances only, not ec2:*: the same resources are used by other actions."),
        PolicyCase("the pipeline cannot change a golden image's launch permissions",
                   pipeline_call("ec2:ModifyImageAttribute", f"arn:aws:ec2:{REGION}::image/{GOLDEN_AMI}",
                                 **{"ec2:Owner": PLATFORM}),
                   False, "Allow ec2:RunInstances only, not ec2:*: ModifyImageAttribute could make the image "
                   "public."),
    ])


register(IMDS_SCP, EC2_CREDENTIALS, ECS_ROLES, ECR_POLICY, FUNCTION_POLICY, ADD_PERMISSION, LAMBDA_VPC, NLB_TLS,
         LAMBDA_GUARDRAILS, IRSA_TRUST, RUN_INSTANCES)
