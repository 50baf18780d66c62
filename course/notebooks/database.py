"""Exercises of notebook 05, Database (RDS, Aurora, DynamoDB, Redshift, Neptune, DocumentDB).

Nine questions: completing the security comparison of the six services (5.1), querying it with pandas
(5.2), a DynamoDB fine-grained access policy with ``dynamodb:LeadingKeys`` and a policy variable (5.3,
graded by ``course.iam``), which DynamoDB calls CloudTrail records as management or data events (5.4), how
to encrypt an existing unencrypted RDS instance (5.5), an ``rds-db:connect`` policy for IAM database
authentication to Aurora (5.6, ``course.iam``), a detector for RDS snapshots exposed outside the
organization (5.7, run on unseen inventories), a key policy pinned to Parameter Store paths by the
``PARAMETER_ARN`` encryption context (5.8, ``course.iam``) and a key policy that allows grants only for RDS
and lets an auditor list and revoke them (5.9, ``course.iam``).

The comparison table (``COMPARISON``) is data the notebook shows; its ground truth was checked against the
AWS documentation (see the notebook's Sources). Answer keys are salted hashes, never plain values.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from course.exercises.kinds.choice import SingleChoice, order_per_learner
from course.exercises.kinds.logs import DetectorMatch, DetectorVariants
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part, TableMatch
from course.exercises.registry import register
from course.exercises.variants import Scenario
from course.notebooks.policy_variants import about, account, policy_family, upper_id

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


_LEADING_KEYS = PolicyExercise(
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



@dataclass(frozen=True, repr=False)
class ScoresScenario(Scenario):
    """Question 5.3's values: the game's account and its table."""

    account: str = field(metadata=about("the game's account (Region eu-west-1)"))
    table: str = field(metadata=about("the table of scores (partition key PlayerId)"))
    archive_table: str = field(default="", metadata={"about": "a look-alike table", "hidden": True})


SCORES_DEFAULT = ScoresScenario(account=ACCOUNT, table=TABLE, archive_table=f"{TABLE}Archive")
_TABLES = ("GameScores", "PlayerScores", "HighScores", "ArcadeScores", "LeaderboardEntries", "MatchResults",
           "PlayerProgress", "SeasonScores")


def scores_scenario(rng: random.Random) -> ScoresScenario:
    table = rng.choice(_TABLES)
    return ScoresScenario(account=account(rng, set()), table=table, archive_table=f"{table}Archive")


SCORES_MODEL = {"Version": "2012-10-17", "Statement": [{
    "Sid": "OwnItems", "Effect": "Allow",
    "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
               "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"],
    "Resource": TABLE_ARN,
    "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}}]}
LEADING_KEYS = policy_family(_LEADING_KEYS, SCORES_DEFAULT, scores_scenario, SCORES_MODEL)

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


_RDS_CONNECT = PolicyExercise(
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



@dataclass(frozen=True, repr=False)
class ConnectScenario(Scenario):
    """Question 5.6's values: the account, the cluster's resource ID and the database user."""

    account: str = field(metadata=about("the account of the cluster orders-db and the role orders-service"))
    resource_id: str = field(metadata=about("the cluster's resource ID (Region eu-west-1)"))
    db_user: str = field(metadata=about("the database user the orders service logs in as"))
    lookalike_user: str = field(default="", metadata={"about": "a look-alike user name", "hidden": True})


CONNECT_DEFAULT = ConnectScenario(account=ACCOUNT, resource_id=CLUSTER_RESOURCE_ID, db_user=DB_USER,
                                  lookalike_user=f"{DB_USER}_admin")
_DB_USERS = ("orders_app", "orders_svc", "order_service", "orders_rw", "app_orders", "orders_writer")


def connect_scenario(rng: random.Random) -> ConnectScenario:
    user = rng.choice(_DB_USERS)
    resource_id = upper_id(rng, 34, first="cluster-")
    while resource_id == OTHER_CLUSTER_RESOURCE_ID:
        resource_id = upper_id(rng, 34, first="cluster-")
    return ConnectScenario(account=account(rng, set()), resource_id=resource_id, db_user=user,
                           lookalike_user=f"{user}_admin")


CONNECT_MODEL = {"Version": "2012-10-17", "Statement": [{
    "Sid": "OrdersAppOnly", "Effect": "Allow", "Action": "rds-db:connect", "Resource": dbuser_arn(DB_USER)}]}
RDS_CONNECT = policy_family(_RDS_CONNECT, CONNECT_DEFAULT, connect_scenario, CONNECT_MODEL)

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

ENCRYPT_EXISTING = order_per_learner(SingleChoice(
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
))

# --- 5.7 A detector for exposed RDS snapshots (graded by what it returns on unseen inventories) ---------------

ORG_ACCOUNTS = ("111122223333", "444455556666", "555566667777")
_OUTSIDERS = ("999988887777", "123456789012", "210987654321")
SNAPSHOT_COLUMNS = ["snapshot_id", "kind", "snapshot_type", "encrypted", "restore_accounts"]


def _snapshot_rows(seed: int, count: int, org: tuple[str, ...] = ORG_ACCOUNTS,
                   outsiders: tuple[str, ...] = _OUTSIDERS) -> list[tuple]:
    """Deterministic inventory rows: the restore attribute as DescribeDB(Cluster)SnapshotAttributes lists it,
    joined with ';' ('' when the snapshot is shared with nobody)."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        kind = rng.choice(("db", "cluster"))
        stype = rng.choice(("manual", "manual", "manual", "automated"))
        encrypted = rng.random() < 0.6
        shared: list[str] = []
        if stype == "manual":
            roll = rng.random()
            if roll < 0.25:
                shared = [rng.choice(org[1:])]
            elif roll < 0.45:
                shared = rng.sample(org[1:], 1) + [rng.choice(outsiders)]
            elif roll < 0.55 and not encrypted:
                shared = ["all"]
        rng.shuffle(shared)
        prefix = "rds" if stype == "automated" else "manual"
        rows.append((f"{prefix}-{kind}-{seed:02d}{n:03d}", kind, stype, encrypted, ";".join(shared)))
    return rows


def snapshot_cases() -> dict:
    import pandas as pd

    def frame(rows: list[tuple]):
        return pd.DataFrame(rows, columns=SNAPSHOT_COLUMNS)

    cases = {"inventory": frame(SNAPSHOT_INVENTORY)}
    cases["unseen_1"] = frame(_snapshot_rows(41, 40))
    cases["unseen_2"] = frame(_snapshot_rows(42, 60))
    # one trap each: 'all' listed after an organization account; only organization accounts; nothing shared
    cases["unseen_3"] = frame([
        ("manual-db-public-late", "db", "manual", False, "444455556666;all"),
        ("manual-cluster-org-two", "cluster", "manual", True, "444455556666;555566667777"),
        ("manual-db-private", "db", "manual", True, ""),
        ("manual-cluster-outsider-last", "cluster", "manual", True, "555566667777;444455556666;999988887777"),
        ("rds-db-automated", "db", "automated", True, ""),
    ])
    cases["unseen_4"] = frame([
        ("manual-db-own-account", "db", "manual", False, "111122223333"),
        ("manual-db-lookalike", "db", "manual", True, "4444555566667"),
    ])
    return cases


SNAPSHOT_INVENTORY = [
    ("manual-db-orders-2026-11-30", "db", "manual", True, "444455556666"),
    ("manual-db-legacy-crm", "db", "manual", False, "all"),
    ("manual-cluster-payments-q3", "cluster", "manual", True, "555566667777;999988887777"),
    ("rds-db-orders-2026-12-03", "db", "automated", True, ""),
    ("manual-cluster-analytics", "cluster", "manual", True, ""),
    ("manual-db-test-restore", "db", "manual", False, "444455556666;555566667777"),
    ("manual-cluster-migration", "cluster", "manual", False, "123456789012"),
    ("rds-cluster-payments-2026-12-03", "cluster", "automated", True, ""),
]


def snapshot_ids(frame) -> list[str]:
    """The sorted snapshot_id values of the returned DataFrame."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"got {type(frame).__name__}")
    if "snapshot_id" not in frame.columns:
        raise KeyError("missing column snapshot_id")
    return sorted(str(v) for v in frame["snapshot_id"])


def describe_snapshot(frame, snapshot_id: str) -> str:
    """The facts about one snapshot that the exposure rule looks at."""
    row = frame[frame["snapshot_id"] == snapshot_id]
    if row.empty:
        return f"{snapshot_id} (not in this inventory)"
    shared = row["restore_accounts"].iloc[0] or "nobody"
    return f"{snapshot_id}: {row['snapshot_type'].iloc[0]}, restorable by {shared}"


_SNAPSHOT_HINTS = {
    "inventory": "On the inventory: a snapshot is exposed when its restore attribute holds 'all' (public) or any "
                 "account that is not one of the organization's.",
    "unseen_1": "On unseen data: split restore_accounts on ';' and test every entry, not only the first one.",
    "unseen_2": "On unseen data: sharing with accounts of the organization only is not an exposure.",
    "unseen_3": "On unseen data: 'all' can appear next to other accounts, and an outside account can come last.",
    "unseen_4": "On unseen data: compare whole account IDs; a longer string that contains an organization "
                "account is still an outsider.",
}
_SNAPSHOT_KEYS = {
    "inventory": "b8073a39ca0e8f9e8a5a23d080bf4a213cf545947c6c95856b0a264b19761be8",
    "unseen_1": "b95d7209b934116b8605642854ed11f13980a6ac37e948ac1d03f4f4f913e889",
    "unseen_2": "84a598d79b8ac1ec045f8269e19d702ced894fe99720332db3dcf7b54cad6bbe",
    "unseen_3": "697caf45e6d034c0769567f0bb6aacd7b5748aca923378bcff0299c7351aa324",
    "unseen_4": "a0c1f0401199504408a3e542ff2f5864f3dbbdf9657cd563cf70d649831dbda7",
}
_SNAPSHOT_ITEMS: dict[str, tuple[str, ...]] = {
    "inventory": ("3d80032fff2ed71e", "76ad4f120dbd7dd2", "a77e4cfc480cd0bd"),
    "unseen_1": ("1ff9ba65c88b37d6", "2b1e4ef0781af304", "7f9dbbbddd4ff21b", "92135b9eeec2b6de",
        "aa3ae3e18aa165c6", "b3ae411472943e30"),
    "unseen_2": ("0980380584eab659", "164ef5f15d341818", "2866cdb2bbc5a155", "6c735b542a4472e2",
        "75368f8d1d1b16f3", "7b924b6d50e357b5", "8cf2600ade1050a6", "a27679b47666dd3a", "a5094b3e824d8255",
        "e8970fe7d261338d"),
    "unseen_3": ("7b6c0e7d53fe599e", "f3041d901a31792b"),
    "unseen_4": ("37614fa0e611100c",),
}

_EXPOSED_SNAPSHOTS = DetectorMatch(
    id="5.7", title="Find the RDS snapshots exposed outside the organization", points=4,
    answer_name="answer_5_7", cases=snapshot_cases, to_value=snapshot_ids, item_keys=_SNAPSHOT_ITEMS,
    describe_item=describe_snapshot, noun=("snapshot", "snapshots"),
    returns="a DataFrame with a snapshot_id column, one row per exposed snapshot",
    parts=[Part(name, _SNAPSHOT_KEYS[name], hint, f"the right snapshots on {name.replace('_', ' ')}")
           for name, hint in _SNAPSHOT_HINTS.items()],
)

# per-learner variants of 5.7 (issue #19): each learner's organization has its own accounts, and their
# inventory and the unseen ones are generated for them; the default scenario is the authored question.

_APPS = ("orders", "billing", "crm", "payments", "analytics", "inventory", "search", "hr", "ledger", "catalog")


def _account(rng: random.Random) -> str:
    return f"{rng.randint(1, 9)}{rng.randint(0, 10**11 - 1):011d}"


@dataclass(frozen=True, repr=False)
class ExposureScenario(Scenario):
    """Question 5.7's values: the organization's accounts (the learner's own account first)."""

    org_accounts: tuple[str, ...] = field(default=ORG_ACCOUNTS, metadata={
        "about": "the organization's accounts (the first is the one that owns the snapshots)"})
    outsiders: tuple[str, ...] = field(default=_OUTSIDERS, metadata={"hidden": True})
    data_seed: int = field(default=0, kw_only=True, metadata={"hidden": True})

    def inventory(self) -> Any:
        """Your snapshot inventory (columns ``SNAPSHOT_COLUMNS``)."""
        import pandas as pd

        rows = SNAPSHOT_INVENTORY if self.data_seed == 0 else learner_inventory(self)
        return pd.DataFrame(rows, columns=SNAPSHOT_COLUMNS)

    def extra_text(self) -> str:
        return "  v.inventory(): your own snapshot inventory (a DataFrame)"

    def extra_html(self) -> str:
        return "<p><code>v.inventory()</code> gives your own snapshot inventory (a DataFrame).</p>"


def snapshot_scenario(seed: int) -> ExposureScenario:
    rng = random.Random(seed)
    accounts: list[str] = []
    while len(accounts) < 6:
        account = _account(rng)
        if account not in accounts:
            accounts.append(account)
    return ExposureScenario(org_accounts=tuple(accounts[:3]), outsiders=tuple(accounts[3:]),
                            data_seed=rng.randint(1, 2**31))


def learner_inventory(v: ExposureScenario) -> list[tuple]:
    """A learner's inventory: eight to ten snapshots with at least one public, one shared with an outsider (not
    first in the list), one shared inside the organization only, and one automated."""
    rng = random.Random(v.data_seed)
    org = v.org_accounts[1:]
    rows: list[tuple] = []

    def snapshot_id(stype: str, kind: str) -> str:
        app = rng.choice(_APPS)
        if stype == "automated":
            return f"rds-{kind}-{app}-2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}-{len(rows)}"
        return f"manual-{kind}-{app}-{rng.choice(('q1', 'q2', 'q3', 'q4', 'migration', 'test', 'copy'))}-{len(rows)}"

    fixed = [("manual", False, "all"), ("manual", True, ";".join([rng.choice(org), rng.choice(v.outsiders)])),
             ("manual", rng.random() < 0.5, ";".join(rng.sample(org, rng.randint(1, 2)))), ("automated", True, "")]
    for stype, encrypted, shared in fixed:
        kind = rng.choice(("db", "cluster"))
        rows.append((snapshot_id(stype, kind), kind, stype, encrypted, shared))
    for extra in _snapshot_rows(v.data_seed % 1000, rng.randint(4, 6), v.org_accounts, v.outsiders):
        rows.append((snapshot_id(extra[2], extra[1]), *extra[1:]))
    rng.shuffle(rows)
    return rows


def snapshot_variant_cases(v: ExposureScenario) -> dict:
    import pandas as pd

    def frame(rows: list[tuple]):
        return pd.DataFrame(rows, columns=SNAPSHOT_COLUMNS)

    own, second, third = v.org_accounts
    base = v.data_seed % 100_003
    return {
        "inventory": v.inventory(),
        "unseen_1": frame(_snapshot_rows(base * 4 + 1, 40, v.org_accounts, v.outsiders)),
        "unseen_2": frame(_snapshot_rows(base * 4 + 2, 60, v.org_accounts, v.outsiders)),
        "unseen_3": frame([
            ("manual-db-public-late", "db", "manual", False, f"{second};all"),
            ("manual-cluster-org-two", "cluster", "manual", True, f"{second};{third}"),
            ("manual-db-private", "db", "manual", True, ""),
            ("manual-cluster-outsider-last", "cluster", "manual", True, f"{third};{second};{v.outsiders[0]}"),
            ("rds-db-automated", "db", "automated", True, ""),
        ]),
        "unseen_4": frame([
            ("manual-db-own-account", "db", "manual", False, own),
            ("manual-db-lookalike", "db", "manual", True, second + "7"),
        ]),
    }


def snapshot_rule(v: ExposureScenario):
    """The rule of 5.7 for ``v``: public, or shared with an account outside ``v.org_accounts``."""

    def exposed_snapshots(snapshots):
        def exposed(restore_accounts):
            entries = [entry.strip() for entry in str(restore_accounts).split(";") if entry.strip()]
            return any(entry == "all" or entry not in v.org_accounts for entry in entries)

        return snapshots[snapshots["restore_accounts"].map(exposed)][["snapshot_id"]]

    return exposed_snapshots


EXPOSED_SNAPSHOTS = DetectorVariants(_EXPOSED_SNAPSHOTS, ExposureScenario(), snapshot_scenario,
                                     snapshot_variant_cases, snapshot_rule).registered()

# --- 5.8 Parameter Store: a key that decrypts only one application's parameters (graded by course.iam) --------

PARAMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b"
SSM_VIA = f"ssm.{REGION}.amazonaws.com"


def parameter_arn(name: str) -> str:
    return f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{name.lstrip('/')}"


def parameter_decrypt(name: str | None, *, action: str = "kms:Decrypt", via: str | None = SSM_VIA) -> dict:
    """The KMS call Parameter Store makes when the orders service reads a SecureString (``name`` None: no
    encryption context; ``via`` None: the role calls KMS itself)."""
    context: dict[str, str | list[str]] = {"aws:PrincipalArn": APP_ROLE, "aws:PrincipalAccount": ACCOUNT,
                                           "kms:CallerAccount": ACCOUNT}
    if via:
        context["kms:ViaService"] = via
    if name is not None:
        context["kms:EncryptionContext:PARAMETER_ARN"] = parameter_arn(name)
        context["kms:EncryptionContextKeys"] = ["PARAMETER_ARN"]
    return {"principal": APP_SESSION, "principalAccount": ACCOUNT, "action": action, "resource": PARAMS_KEY,
            "resourceAccount": ACCOUNT, "context": context}


_PARAMETER_KEY_POLICY = PolicyExercise(
    id="5.8", title="A key that decrypts only the orders service's parameters", points=4,
    answer_name="answer_5_8", slot="resource", lint_forbidden=["IAM006"],
    cases=[
        PolicyCase("the orders service reads /orders/db-password through Parameter Store",
                   parameter_decrypt("/orders/db-password"), True,
                   "Allow kms:Decrypt for the orders-service role when Parameter Store calls KMS for a parameter "
                   "under /orders/."),
        PolicyCase("the orders service reads the nested /orders/partner/api-token",
                   parameter_decrypt("/orders/partner/api-token"), True,
                   "Every parameter under /orders/ counts, at any depth: match the PARAMETER_ARN with a pattern "
                   "that ends in /orders/*."),
        PolicyCase("the orders service cannot read /payments/db-password",
                   parameter_decrypt("/payments/db-password"), False,
                   "Parameter Store passes the parameter's ARN as the encryption context PARAMETER_ARN: condition "
                   "on kms:EncryptionContext:PARAMETER_ARN so the key serves only /orders/."),
        PolicyCase("the orders service cannot read /orders-archive/db-password",
                   parameter_decrypt("/orders-archive/db-password"), False,
                   "A pattern such as parameter/orders* also matches /orders-archive/: keep the slash."),
        PolicyCase("the orders service cannot call Decrypt itself with a made-up encryption context",
                   parameter_decrypt("/orders/db-password", via=None), False,
                   "Anyone may put any encryption context in a direct Decrypt call: require kms:ViaService "
                   "ssm.eu-west-1.amazonaws.com so only Parameter Store's calls count."),
        PolicyCase("the orders service cannot encrypt (write SecureString values)",
                   parameter_decrypt("/orders/db-password", action="kms:Encrypt"), False,
                   "The service only reads its parameters: allow kms:Decrypt alone."),
    ],
)



@dataclass(frozen=True, repr=False)
class AccountScenario(Scenario):
    """Questions 5.8 and 5.9's values: the account of the key and its roles."""

    account: str = field(metadata=about("the account of the key and its roles (Region eu-west-1)"))


ACCOUNT_DEFAULT = AccountScenario(account=ACCOUNT)


def account_scenario(rng: random.Random) -> AccountScenario:
    return AccountScenario(account=account(rng, set()))


PARAMETER_KEY_MODEL = {"Version": "2012-10-17", "Statement": [{
    "Sid": "OrdersServiceReadsItsParameters", "Effect": "Allow", "Principal": {"AWS": APP_ROLE},
    "Action": "kms:Decrypt", "Resource": "*",
    "Condition": {"StringEquals": {"kms:ViaService": SSM_VIA},
                  "StringLike": {"kms:EncryptionContext:PARAMETER_ARN": parameter_arn("/orders/*")}}}]}
PARAMETER_KEY_POLICY = policy_family(_PARAMETER_KEY_POLICY, ACCOUNT_DEFAULT, account_scenario, PARAMETER_KEY_MODEL)

# --- 5.9 RDS encryption with a customer managed key: grants for RDS only (graded by course.iam) ----------------

RDS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/7c8d9e0f-2a3b-4c5d-8e9f-0a1b2c3d4e5f"
RDS_ADMIN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/rds-admin"
RDS_ADMIN_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/rds-admin/dba"
AUDITOR_ROLE = f"arn:aws:iam::{ACCOUNT}:role/key-auditor"
AUDITOR_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/key-auditor/review"
RDS_VIA = f"rds.{REGION}.amazonaws.com"


def rds_key_call(action: str, *, role: str = RDS_ADMIN_ROLE, session: str = RDS_ADMIN_SESSION,
                 via: str | None = RDS_VIA, for_resource: bool | None = None) -> dict:
    """A KMS call on the RDS key, by RDS for ``role`` (``via``) or by the role itself (``via`` None)."""
    context: dict[str, str] = {"aws:PrincipalArn": role, "aws:PrincipalAccount": ACCOUNT, "kms:CallerAccount": ACCOUNT}
    if via:
        context["kms:ViaService"] = via
    if for_resource is not None:
        context["kms:GrantIsForAWSResource"] = "true" if for_resource else "false"
    return {"principal": session, "principalAccount": ACCOUNT, "action": action, "resource": RDS_KEY,
            "resourceAccount": ACCOUNT, "context": context}


_RDS_GRANTS_KEY_POLICY = PolicyExercise(
    id="5.9", title="A key for RDS: grants only for RDS, reviewed and revoked by auditors", points=4,
    answer_name="answer_5_9", slot="resource", lint_forbidden=["IAM006"],
    cases=[
        PolicyCase("RDS gets a data key for a new encrypted instance of rds-admin",
                   rds_key_call("kms:GenerateDataKeyWithoutPlaintext"), True,
                   "Allow rds-admin the data-key, encrypt, decrypt and describe actions when RDS makes the call "
                   "(kms:ViaService rds.eu-west-1.amazonaws.com)."),
        PolicyCase("RDS creates a grant for the new instance", rds_key_call("kms:CreateGrant", for_resource=True),
                   True,
                   "RDS keeps using the key through a grant it creates for the instance: allow kms:CreateGrant "
                   "for rds-admin when the grant is for an AWS resource and RDS asks for it."),
        PolicyCase("rds-admin cannot create a grant for itself directly",
                   rds_key_call("kms:CreateGrant", via=None, for_resource=False), False,
                   "A grant made directly hands on the key's use to any grantee, with no key-policy change "
                   "that anyone would review: require kms:GrantIsForAWSResource (and kms:ViaService)."),
        PolicyCase("another service (EBS through EC2) cannot create grants for rds-admin",
                   rds_key_call("kms:CreateGrant", via=f"ec2.{REGION}.amazonaws.com", for_resource=True), False,
                   "The key kms:GrantIsForAWSResource is true for any integrated service: name RDS in "
                   "kms:ViaService too."),
        PolicyCase("rds-admin cannot decrypt directly", rds_key_call("kms:Decrypt", via=None), False,
                   "Without kms:ViaService the DBA could decrypt data copied out of RDS."),
        PolicyCase("the key auditor lists the key's grants", rds_key_call(
            "kms:ListGrants", role=AUDITOR_ROLE, session=AUDITOR_SESSION, via=None), True,
                   "Grants never expire: the auditor must be able to list them (kms:ListGrants)."),
        PolicyCase("the key auditor revokes a grant", rds_key_call(
            "kms:RevokeGrant", role=AUDITOR_ROLE, session=AUDITOR_SESSION, via=None), True,
                   "Ending a grant that should not exist is kms:RevokeGrant; give it to the auditor."),
        PolicyCase("the key auditor cannot decrypt", rds_key_call(
            "kms:Decrypt", role=AUDITOR_ROLE, session=AUDITOR_SESSION, via=None), False,
                   "Reviewing grants is not using the key: name the grant actions, not kms:*."),
        PolicyCase("rds-admin cannot revoke grants", rds_key_call("kms:RevokeGrant", via=None), False,
                   "Revoking is the auditors' control; the DBA role gets only what RDS needs."),
    ],
)

RDS_GRANTS_MODEL = {"Version": "2012-10-17", "Statement": [
    {"Sid": "RdsAdminUsesTheKeyThroughRds", "Effect": "Allow", "Principal": {"AWS": RDS_ADMIN_ROLE},
     "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
     "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": RDS_VIA}}},
    {"Sid": "RdsAdminGrantsOnlyForRdsResources", "Effect": "Allow", "Principal": {"AWS": RDS_ADMIN_ROLE},
     "Action": "kms:CreateGrant", "Resource": "*",
     "Condition": {"StringEquals": {"kms:ViaService": RDS_VIA}, "Bool": {"kms:GrantIsForAWSResource": "true"}}},
    {"Sid": "AuditorReviewsAndRevokesGrants", "Effect": "Allow", "Principal": {"AWS": AUDITOR_ROLE},
     "Action": ["kms:ListGrants", "kms:RevokeGrant"], "Resource": "*"},
]}
RDS_GRANTS_KEY_POLICY = policy_family(_RDS_GRANTS_KEY_POLICY, ACCOUNT_DEFAULT, account_scenario, RDS_GRANTS_MODEL)


register(COMPLETE_TABLE, IAM_AUTHORIZES, LEADING_KEYS, RDS_CONNECT, EVENT_TYPES, ENCRYPT_EXISTING,
         EXPOSED_SNAPSHOTS, PARAMETER_KEY_POLICY, RDS_GRANTS_KEY_POLICY)
