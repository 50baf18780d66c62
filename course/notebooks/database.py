"""Exercises of notebook 05, Database (RDS, Aurora, DynamoDB, Redshift, Neptune, DocumentDB).

Six questions: completing the security comparison of the six services (5.1), querying it with pandas
(5.2), a DynamoDB fine-grained access policy with ``dynamodb:LeadingKeys`` and a policy variable (5.3,
graded by ``course.iam``), an ``rds-db:connect`` policy for IAM database authentication to Aurora (5.6,
``course.iam``), which DynamoDB calls CloudTrail records as management or data events (5.5), and how to
encrypt an existing unencrypted RDS instance (5.6).

The comparison table (``COMPARISON``) is data the notebook shows; its ground truth was checked against the
AWS documentation (see the notebook's Sources). Answer keys are salted hashes, never plain values.
"""

from __future__ import annotations

from course.exercises.kinds.choice import SingleChoice
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part, TableMatch
from course.exercises.registry import register

ACCOUNT = "111122223333"
REGION = "eu-west-1"
MISSING = "?"

# --- the comparison the learner completes (5.1) and queries (5.2) -----------------------------------------

COLUMNS = ["service", "transport", "at_rest", "at_rest_summary", "audit", "audit_destination", "authentication",
           "authorization", "authorization_by", "resource_policy"]

COMPARISON = [
    ("RDS",
     "TLS with certificates from the RDS certificate authorities; each engine has its own setting to require it",
     "KMS (instance, backups, snapshots, replicas); TDE option for SQL Server and Oracle",
     MISSING,
     "engine logs (audit plugins, pgaudit, SQL Server audit...) exported to CloudWatch Logs; CloudTrail for the API",
     "CloudWatch Logs",
     "database users; IAM database authentication for MariaDB, MySQL and PostgreSQL; Kerberos",
     "SQL GRANTs in the engine", "database engine", "no"),
    ("Aurora",
     "TLS as for RDS, configured as for MySQL or PostgreSQL",
     "KMS; new clusters encrypted by default from 18 February 2026",
     "on by default for new clusters",
     "Aurora MySQL advanced auditing or pgaudit, exported to CloudWatch Logs; CloudTrail for the API",
     MISSING,
     "database users; IAM database authentication (MySQL and PostgreSQL); Kerberos",
     "SQL GRANTs in the engine", "database engine", "no"),
    ("DynamoDB",
     "HTTPS API endpoint (TLS), also through gateway or interface VPC endpoints",
     "always encrypted; key: AWS owned (default), AWS managed or customer managed KMS key",
     MISSING,
     "CloudTrail management events; item-level calls as CloudTrail data events",
     MISSING,
     "IAM only: every request is SigV4-signed (Cognito can hand out role credentials)",
     "IAM identity policies and resource-based policies, with fine-grained condition keys",
     "IAM policies", MISSING),
    ("Redshift",
     "TLS, required with the require_ssl parameter",
     "KMS (or a legacy HSM); newer docs describe clusters as encrypted by default",
     "on by default for new clusters",
     "audit logging: connection log, user log, user activity log",
     MISSING,
     "database users; temporary database credentials derived from IAM; federation through an IdP",
     "SQL GRANTs and roles in the engine", "database engine", "no"),
    ("Neptune",
     "TLS (HTTPS and WebSocket over TLS) to the cluster endpoints",
     "KMS, chosen at creation (the console now enforces it for new clusters)",
     "chosen at creation",
     "audit log, exported to CloudWatch Logs",
     MISSING,
     "IAM database authentication (SigV4-signed requests), off until enabled; otherwise network controls only",
     "with IAM authentication: IAM policies with neptune-db actions (fine-grained since engine 1.2.0.0)",
     "IAM policies", "no"),
    ("DocumentDB",
     "TLS, on by default through the cluster parameter group",
     "KMS, chosen at creation (on by default in the console, off in the CLI and CloudFormation)",
     "chosen at creation",
     "auditing of connections, DDL, user management and authorization events",
     "CloudWatch Logs",
     "MongoDB users (SCRAM); IAM authentication on instance-based 5.0 clusters, not for the primary user",
     "MongoDB role-based access control", "database engine", "no"),
]

_AT_REST = ("always on", "on by default for new clusters", "chosen at creation")
_AUDIT_TO = ("CloudTrail only", "CloudWatch Logs", "S3 or CloudWatch Logs", "console download only")

COMPLETE_TABLE = MappingMatch(
    id="5.1", title="Complete the security comparison", points=3, answer_name="answer_5_1",
    parts=[
        Part("rds_at_rest", "668f74ce7af617ec65b665d2bc9a03f234699ab7977b1704150f430939e7b0ab",
             "RDS: when is an instance's storage encryption decided, and can it be switched on afterwards?",
             "RDS: encryption at rest", _AT_REST),
        Part("dynamodb_at_rest", "4bcc9a6b642ea121cd21e05f7cf7b12f5dd18dd97266e08cffeaf157db9f3c86",
             "DynamoDB: the 2019 notes called encryption at rest optional; check what has changed since.",
             "DynamoDB: encryption at rest", _AT_REST),
        Part("aurora_audit_destination", "9087895280c988e7f9ff15583dc1a09bdb7164de1fca9a1937aaed1a56b13c5b",
             "Aurora: where can the database's own audit records be sent, beyond what CloudTrail sees of the "
             "management API?",
             "Aurora: where the database audit log goes", _AUDIT_TO),
        Part("dynamodb_audit_destination", "851eac34991fc34b27c371c9144319d1f3f5221e5fdfc2303fcb836a1fac737c",
             "DynamoDB: is there a database engine log to export at all, and if not, what records the calls?",
             "DynamoDB: where the audit records go", _AUDIT_TO),
        Part("redshift_audit_destination", "afd23bd840479c4087e56f87907b3b2e1ebf813a2140a9b6097c40a25a763492",
             "Redshift: the 2019 answer (an S3 bucket only) has since gained a second destination.",
             "Redshift: where the audit logs go", _AUDIT_TO),
        Part("neptune_audit_destination", "d2397a6d17cc9418d41729391375c12b0e917fc9c1c531c20dc48b35b8eb2b41",
             "Neptune: in 2019 its audit logs could only be viewed or downloaded in the console; that is no "
             "longer the whole story.",
             "Neptune: where the audit log goes", _AUDIT_TO),
        Part("dynamodb_resource_policy", "614cef0cf984a76cc3ecffd52b9c654805873fa53aa9d86d005cacf7b65e4dbb",
             "DynamoDB: the 2019 notes said no resource-based policies; check the changes for tables and "
             "streams.",
             "DynamoDB: resource-based policies", ("yes", "no")),
    ],
)

# --- 5.2 query the comparison with pandas -------------------------------------------------------------------

IAM_AUTHORIZES = TableMatch(
    id="5.2", title="Query the comparison: where does IAM authorize data access?", points=2,
    answer_name="answer_5_2", columns=["service", "authentication"],
    rows_key="dc3b2dafd542ef922f541bc3bec771a70b7d9ebc79d63987e1cf6c9793cb5171",
    column_keys={
        "service": "f30cecfb91c7eda09f73a2fb06d38fe11a2d3c959b90e9ebc69360f5a6030813",
        "authentication": "f3a24824894cf6defdd79abbe040125496e13501538f5000038db2f4de8b2c95",
    },
    hints={
        "rows": "The number of rows is not right: keep only the services whose authorization_by column says "
                "that IAM policies decide; IAM authentication alone (as for RDS) is not IAM authorization.",
        "service": "The services are not the right ones: filter on the authorization_by column, not on "
                   "whether IAM can authenticate.",
        "authentication": "Copy the authentication column of the same rows, unchanged.",
    },
)

# --- 5.3 DynamoDB fine-grained access (graded by course.iam) -------------------------------------------------

TABLE = "GameScores"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}"
OTHER_TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Payments"
PLAYER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/GameAppAuthenticated"
PLAYER_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/GameAppAuthenticated/CognitoIdentityCredentials"
ALICE = f"{REGION}:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
BOB = f"{REGION}:9a8b7c6d-5e4f-4031-9214-a5b6c7d8e9f0"


def dynamodb_request(action: str, leading_keys: list[str] | None, *, table_arn: str = TABLE_ARN,
                     caller: str = ALICE) -> dict:
    """A player's DynamoDB call through Cognito-issued role credentials; None = no LeadingKeys in the request."""
    context: dict[str, str | list[str]] = {
        "aws:SecureTransport": "true", "aws:PrincipalArn": PLAYER_ROLE, "aws:PrincipalAccount": ACCOUNT,
        "aws:PrincipalType": "AssumedRole", "cognito-identity.amazonaws.com:sub": caller,
        "cognito-identity.amazonaws.com:aud": f"{REGION}:11112222-3333-4444-5555-666677778888"}
    if leading_keys is not None:
        context["dynamodb:LeadingKeys"] = leading_keys
    return {"principal": PLAYER_SESSION, "principalAccount": ACCOUNT, "action": f"dynamodb:{action}",
            "resource": table_arn, "resourceAccount": ACCOUNT, "context": context}


LEADING_KEYS = PolicyExercise(
    id="5.3", title="Let each player touch only their own items", points=4, answer_name="answer_5_3",
    slot="identity", context_policies={}, lint_forbidden=["IAM006", "IAM010"],
    cases=[
        PolicyCase("Alice reads her own item (GetItem)", dynamodb_request("GetItem", [ALICE]), True,
                   "Allow the item-level actions on the GameScores table when the partition key is the caller's "
                   "own Cognito identity ID, taken from a policy variable."),
        PolicyCase("Alice queries her own scores (Query)", dynamodb_request("Query", [ALICE]), True,
                   "The game queries a player's scores; Query must be among the allowed actions."),
        PolicyCase("Alice writes her own item (PutItem)", dynamodb_request("PutItem", [ALICE]), True,
                   "Players write their own scores: allow PutItem (and UpdateItem) under the same condition."),
        PolicyCase("Alice cannot read Bob's item", dynamodb_request("GetItem", [BOB]), False,
                   "Compare dynamodb:LeadingKeys with the caller's own identity ID, taken from the request's "
                   "cognito-identity.amazonaws.com:sub through a policy variable, not with a wildcard."),
        PolicyCase("Alice cannot fetch her item and Bob's in one BatchGetItem",
                   dynamodb_request("BatchGetItem", [ALICE, BOB]), False,
                   "The key dynamodb:LeadingKeys is multivalued: a batch carries several partition keys, and an "
                   "operator without a set qualifier (or with ForAnyValue) is satisfied by one matching key."),
        PolicyCase("Alice cannot Scan the table", dynamodb_request("Scan", None), False,
                   "A Scan carries no partition key, and ForAllValues is true when the key is absent: leave Scan "
                   "out of the actions (or require the key to be present)."),
        PolicyCase("Alice cannot read from another table", dynamodb_request("GetItem", [ALICE],
                                                                           table_arn=OTHER_TABLE_ARN), False,
                   "Name the GameScores table in Resource, not every table."),
        PolicyCase("Alice cannot delete the table", dynamodb_request("DeleteTable", None), False,
                   "Grant item-level actions only; table management is for administrators."),
    ],
)

# --- 5.6 IAM database authentication for Aurora (graded by course.iam) ---------------------------------------

CLUSTER_RESOURCE_ID = "cluster-ABCDEFGHIJKL01234MNOPQRSTU"
OTHER_CLUSTER_RESOURCE_ID = "cluster-ZYXWVUTSRQPO98765NMLKJIHGF"
DB_USER = "orders_app"
APP_ROLE = f"arn:aws:iam::{ACCOUNT}:role/orders-service"
APP_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/orders-service/task-4f1c"


def dbuser_arn(user: str, resource_id: str = CLUSTER_RESOURCE_ID, region: str = REGION) -> str:
    return f"arn:aws:rds-db:{region}:{ACCOUNT}:dbuser:{resource_id}/{user}"


def connect_request(user: str = DB_USER, resource_id: str = CLUSTER_RESOURCE_ID, region: str = REGION,
                    action: str = "rds-db:connect", resource: str | None = None) -> dict:
    """The check RDS makes when a client presents an IAM authentication token for ``user``."""
    return {"principal": APP_SESSION, "principalAccount": ACCOUNT, "action": action,
            "resource": resource or dbuser_arn(user, resource_id, region), "resourceAccount": ACCOUNT,
            "context": {"aws:SecureTransport": "true", "aws:PrincipalArn": APP_ROLE,
                        "aws:PrincipalAccount": ACCOUNT, "aws:RequestedRegion": region}}


RDS_CONNECT = PolicyExercise(
    id="5.6", title="Allow IAM database authentication as one database user", points=3,
    answer_name="answer_5_6", slot="identity", context_policies={}, lint_forbidden=["IAM006", "IAM010"],
    cases=[
        PolicyCase("the orders service connects to orders-db as orders_app", connect_request(), True,
                   "The action is rds-db:connect, and the resource is a dbuser ARN built from the cluster's "
                   "resource ID (not its name) and the database user name."),
        PolicyCase("the orders service cannot connect as the master user postgres", connect_request("postgres"),
                   False, "Name the one database user; a wildcard for the user name lets the role log in as "
                          "anyone who has the rds_iam role, including administrators."),
        PolicyCase("the orders service cannot connect as orders_app_admin", connect_request("orders_app_admin"),
                   False, "A user-name pattern such as orders_app* also matches look-alike users."),
        PolicyCase("the orders service cannot connect to another cluster", connect_request(
            resource_id=OTHER_CLUSTER_RESOURCE_ID), False,
                   "Name the cluster's resource ID; a wildcard there covers every cluster in the account."),
        PolicyCase("the orders service cannot modify the cluster (rds:ModifyDBCluster)", connect_request(
            action="rds:ModifyDBCluster", resource=f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:orders-db"), False,
                   "IAM database authentication needs rds-db:connect only, not RDS management actions."),
    ],
)

# --- 5.4 CloudTrail: management or data events --------------------------------------------------------------

_EVENT = ("management", "data")
_MGMT_HINT = ("{call} changes or describes the table, a backup or a setting, not the items: such calls are "
              "recorded by default.")
_DATA_HINT = ("{call} reads or writes items (or stream records); CloudTrail records such calls only when "
              "data events are selected for the table.")

EVENT_TYPES = MappingMatch(
    id="5.4", title="Which DynamoDB calls are data events?", points=3, answer_name="answer_5_4",
    parts=[
        Part("CreateTable", "d2f49fbec5f10bf46190150fa09c54b81351165d5c07255d695a508a080b07d8",
             _MGMT_HINT.format(call="CreateTable"), "CreateTable", _EVENT),
        Part("UpdateTable", "aa9e33e1618a7654f2447ed7a0ea7f889959996fa5e220c5358fb5f36d3b2bd0",
             _MGMT_HINT.format(call="UpdateTable"), "UpdateTable", _EVENT),
        Part("DescribeTable", "9c7c26ee667a45dc77e594f15dc83c57daa61e649ec292e12f56edf57cd75065",
             "DescribeTable only reads metadata, yet read-only does not make a call a data event: "
             + _MGMT_HINT.format(call="it"), "DescribeTable", _EVENT),
        Part("UpdateTimeToLive", "0300fea2e0b8a1ec75573cf15fcfa223a7f78e4f8a609204520ae4ae790b1e55",
             _MGMT_HINT.format(call="UpdateTimeToLive"), "UpdateTimeToLive", _EVENT),
        Part("RestoreTableToPointInTime", "e6c99068c612b603f2f60aa5838ff2ea4d92db6a4b73425d0c35b7ca34589c36",
             "A restore creates a whole new table from a backup; " + _MGMT_HINT.format(call="it"),
             "RestoreTableToPointInTime", _EVENT),
        Part("PutItem", "54bee66431d81289ffd70c0e561ea910d86611e92d5545fdd4532b19176cd61f",
             _DATA_HINT.format(call="PutItem"), "PutItem", _EVENT),
        Part("Query", "3f805349a2e2266643e9c16c6d490ca9e084bd9e9f5c43283e0ad5b9b461e6d5",
             _DATA_HINT.format(call="Query"), "Query", _EVENT),
        Part("ExecuteStatement", "5b7f58ae551b68775babe324075e4a3876f393ff47af3cfdcad726a38fd3b6d0",
             "PartiQL statements work on items just like the classic calls; " + _DATA_HINT.format(call="such a call"),
             "ExecuteStatement", _EVENT),
        Part("TransactWriteItems", "aaa750ddd2d825674e35b0819147e9ac75e450fd939889c6ce8aa630e23fbc1f",
             _DATA_HINT.format(call="TransactWriteItems"), "TransactWriteItems", _EVENT),
        Part("GetRecords", "b169a294184888db611acb7d8c87974c0f302b5b0a40b837aad393f808d704b4",
             "GetRecords (DynamoDB Streams) returns item changes; " + _DATA_HINT.format(call="it"),
             "GetRecords", _EVENT),
    ],
)

# --- 5.5 Encrypting an existing RDS instance --------------------------------------------------------------

ENCRYPT_EXISTING = SingleChoice(
    id="5.5", title="Encrypt an RDS instance that was created unencrypted", points=2, answer_name="answer_5_5",
    options={
        "A": "Modify the instance and turn on storage encryption; RDS encrypts it during the next maintenance window",
        "B": "Create an encrypted read replica of the instance, then promote the replica",
        "C": "Take a snapshot, copy the snapshot with encryption under a KMS key, restore a new instance from "
             "the copy, and move the application to it",
        "D": "Turn on EBS encryption by default in the Region, then reboot the instance",
        "E": "Add the TDE option to the instance's option group",
    },
    explanations={
        "A": "Storage encryption is fixed when an instance is created; RDS offers no setting to switch it on for "
             "an existing unencrypted instance.",
        "B": "RDS cannot create an encrypted read replica of an unencrypted instance: a replica keeps its "
             "source's encryption state.",
        "C": "Copying a snapshot is the point where encryption can be added; the restored instance is "
             "encrypted, and so are its later snapshots and replicas.",
        "D": "EBS encryption by default concerns EC2 volumes created afterwards; it does not touch RDS storage, "
             "and never encrypts existing volumes.",
        "E": "TDE is an option for SQL Server and Oracle only; RDS for PostgreSQL has no TDE option, and "
             "storage encryption is a separate setting fixed at creation.",
    },
    key="951235a02c446590b156322a96499a4c3970c420f7fb66d806a4e790b8203766",
)

register(COMPLETE_TABLE, IAM_AUTHORIZES, LEADING_KEYS, RDS_CONNECT, EVENT_TYPES, ENCRYPT_EXISTING)
