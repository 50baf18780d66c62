"""Exercises of notebook 07, Analytics (Athena, OpenSearch Service, Glue, Kinesis).

Eleven questions. Six are graded against ground truth computed from data: real CloudTrail of an S3
exfiltration and real honey-bucket alerts (OTRF Security-Datasets), and generated VPC flow logs and
GuardDuty findings (``course.generate``):

- 7.1 what an Athena query scans (partitions, text versus columnar files);
- 7.2 what was exfiltrated from S3 and when (the Athena-style question answered in pandas);
- 7.3 the write attempts on a honey bucket;
- 7.4 a port-scan detector function, graded on the generated day and on unseen flow logs;
- 7.5 the permissions an Athena query needs;
- 7.6 rejected traffic over time (the data behind the chart);
- 7.7 joining flow logs with GuardDuty findings;
- 7.8 securing an OpenSearch Service domain;
- 7.9 the analytics service for each job;
- 7.10 which OpenSearch Serverless policy (encryption, network, data access) or IAM policy meets a need;
- 7.11 an OpenSearch Service domain access policy, graded by ``course.iam``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

from course.exercises.kinds.choice import MultipleChoice, order_per_learner
from course.exercises.kinds.logs import DetectorMatch, DetectorVariants, TimedMapping, run_detector
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part, TableMatch, table_keys
from course.exercises.registry import register
from course.exercises.variants import Scenario, VariantFamily

__all__ = ["run_detector", "scan_cases"]

YES_NO = ("yes", "no")

# --- 7.1 bytes scanned ------------------------------------------------------------------------

BYTES_SCANNED = MappingMatch(
    id="7.1", title="What does the query scan?", points=3, answer_name="answer_7_1",
    parts=[
        Part("full_scan_bytes", "ec5108808a47de3e1933cf2fc996d6db75662098452fb22092ec81642fed5d35",
             "Without a partition filter Athena reads every object under the table's location: the whole file, "
             "header included, byte for byte.", "bytes read by a query with no partition filter"),
        Part("hour_bytes", "ea985b44ff6bd7f1c13ee1709f40352ab843b066cd333c1049edea5a196bfceb",
             "Only the 09:00 object is read: its header line plus every record whose start falls in that hour, "
             "each line with its newline, counted in bytes.", "bytes read from the 09:00 hourly partition"),
        Part("text_fewer_columns", "0261a3d68e844481121ac896ab0a98c98a3bb55d6968752efca95c7e653d520d",
             "A text file stores whole lines; to find two fields Athena must still read each line entirely.",
             "fewer columns on text files", YES_NO),
        Part("parquet_fewer_columns", "b0a74a6b3234e78dd5231b591f08419e1db6cc027347193697351dc06e4ca784",
             "A columnar file stores each column separately, so a query can skip the columns it does not use.",
             "fewer columns on Parquet files", YES_NO),
    ],
)

# --- 7.2 what was exfiltrated, and when -------------------------------------------------------

EXFILTRATION = TimedMapping(
    id="7.2", title="What was taken from S3, and when?", points=3, answer_name="answer_7_2",
    time_parts=("first_download",),
    parts=[
        Part("bucket", "481840a512bc0fb5aa6e51ed0bd635cecee7dc4fe7d31c1e5c5c2493e625ae32",
             "Read requestParameters.bucketName of the stolen session's GetObject calls.", "bucket: where from"),
        Part("key", "cc047d998dacb397a55ac1fcc5dfafc50c67e04d0b973a3ba5f8d3c6d1463332",
             "ListObjects only lists names; the object that left the bucket is the key of a GetObject call.",
             "key: which object"),
        Part("first_download", "b929eb8711305164b915ad76bfa788da201a178b4d635af8da6cd004088644ff",
             "Take the earliest GetObject of the stolen session, not its first call of any kind.",
             "first_download: when it first left"),
        Part("downloads", "1a26faf3c24a6d5d95bedbc555210ff5a0cb9acf9218fef8a3c2b7954bd86fe6",
             "Count the stolen session's GetObject calls, not all of its calls.", "downloads: how many times"),
    ],
)

# --- 7.3 honey bucket writes ------------------------------------------------------------------

HONEY_WRITES = TableMatch(
    id="7.3", title="Who tried to write to the honey bucket?", points=3, answer_name="answer_7_3",
    columns=["Event DateTime", "accountId", "Source IP", "key"],
    rows_key="d3f3bf159610e381ede652d6d63a177a8ee0ee70ed6ce5863b39de8347986348",
    column_keys={
        "Event DateTime": "2da5dd6a6b1eb14f618b604e004022f1c8506f1be1ddc69a8f9c0d721e8dc45c",
        "accountId": "40252b456ca47fc8fcd80196f2c042c0f771148b9207926c76618b24e932bcde",
        "Source IP": "db22edc007345ad74e16f63741dbe3ec026fb8c89c14e8df7d98f439bd3dcb1f",
        "key": "fc428ba69cb092ecf31af45d97c898f9b547c8ac1c0104b35968f613f970fae9",
    },
    hints={
        "rows": "Keep only the alerts whose Event Name is the API that writes an object; listing and HeadBucket "
                "only read.",
        "Event DateTime": "Keep the Event DateTime column as loaded (UTC timestamps), one row per write attempt.",
        "accountId": "The accountId column is parsed from User ID; write attempts came from authenticated callers.",
        "Source IP": "Copy Source IP from the same rows.",
        "key": "The key column is parsed from Request Parameters.",
    },
)

# --- 7.4 port-scan detector (a function, graded on unseen data) ----------------------------------


def scan_cases() -> dict:
    """Inputs of 7.4: the generated day of flow logs and six generated hours the learner has not seen."""
    from course import data
    from course.generate import flow_log_case, flow_log_trap_case

    cases = {"generated_day": data.vpc_flow_logs()}
    for n, seed in enumerate((4, 9, 12), start=1):
        cases[f"unseen_{n}"] = flow_log_case(seed)
    # one trap each (review F20): exactly 100 ports is a scan; 150 rejected flows to one port is not
    cases["unseen_4"] = flow_log_trap_case(15, "threshold")
    cases["unseen_5"] = flow_log_trap_case(21, "one_port")
    cases["unseen_6"] = flow_log_trap_case(27, "below")  # 99 ports: one short of the rule, not a scan
    return cases


def scan_pairs(frame) -> list[str]:
    """``srcaddr>dstaddr`` of each row of a returned DataFrame, sorted and without duplicates."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"got {type(frame).__name__}")
    missing = {"srcaddr", "dstaddr"} - set(frame.columns)
    if missing:
        raise KeyError(f"missing column(s) {', '.join(sorted(missing))}")
    return sorted({f"{s}>{d}" for s, d in zip(frame["srcaddr"].astype(str), frame["dstaddr"].astype(str),
                                               strict=True)})


_SCAN_HINTS = {
    "generated_day": "On the generated day: replies of accepted connections go to many ephemeral ports; count "
                     "only rejected flows, per source and destination pair.",
    "unseen_1": "On unseen data: at least 100 distinct destination ports (100 itself counts) of one destination.",
    "unseen_2": "On unseen data: a source that touched a few dozen ports, or one port on several hosts, is not a "
                "vertical scan by this rule.",
    "unseen_3": "On unseen data: return one row per (srcaddr, dstaddr) pair that meets the rule, with both columns.",
    "unseen_4": "On unseen data: a source rejected on exactly 100 distinct ports of one destination meets the rule "
                "(at least 100).",
    "unseen_5": "On unseen data: many rejected flows to one single port are a brute force, not a vertical scan: "
                "count distinct destination ports, not flows.",
    "unseen_6": "On unseen data: a source rejected on 99 distinct ports of one destination is one short of the rule "
                "(at least 100): not a scan.",
}
_SCAN_KEYS = {
    "generated_day": "a6c630119fae5d733fbd1ed6f33c959c2d86b69068e313ad1bce3a7556710704",
    "unseen_1": "18b1343fc3bc448705c1d551e4d6490167dd9c64d96922763f97160fa2baff05",
    "unseen_2": "056b983c8d7441b6978b55378ff37400512596fc43bfd543d5b97c1bfd5b7d71",
    "unseen_3": "ea5f5b60dd921876dea31add277b477085f9b1118b7b0e9427f3609dee29b2f3",
    "unseen_4": "93db3ec90bd646397ef023d55de3efcd22a3125015bcb41335eb7d50c8bac631",
    "unseen_5": "200cf8db0c73a9804380e56a91bda03e4dd9319f903ec04849cfbd99735ee89c",
    "unseen_6": "09aebc02dd242ed7a09525e5eea8bfae8c5ed35a50901cf1edfe70094c6ba4bf",
}

# Item keys (course.exercises.kinds.logs.item_key) of what the rule catches on each case, so that a wrong case's
# hint can say what the function missed and what it flagged wrongly; tests check them against the case keys.
_SCAN_ITEMS = {
    "generated_day": ("10f1832b71016e57",),
    "unseen_1": ("b0be016014ad7826",),
    "unseen_2": (),
    "unseen_3": ("9cd34c5ad2260ca3",),
    "unseen_4": ("5cf5737ccb1da7ec",),
    "unseen_5": (),
    "unseen_6": (),
}


def describe_pair(frame, pair: str) -> str:
    """A source and destination pair with the counts the scan rule looks at."""
    src, _, dst = pair.partition(">")
    flows = frame[(frame["srcaddr"].astype(str) == src) & (frame["dstaddr"].astype(str) == dst)]
    rejected = flows[flows["action"] == "REJECT"]["dstport"].nunique()
    return (f"{src} to {dst}: {rejected} distinct destination ports in REJECT flows, "
            f"{flows['dstport'].nunique()} in all its flows")


_PORT_SCAN = DetectorMatch(
    id="7.4", title="A port-scan detector for flow logs", points=4, answer_name="answer_7_4",
    cases=scan_cases, to_value=scan_pairs, item_keys=_SCAN_ITEMS, describe_item=describe_pair,
    noun=("pair", "pairs"),
    returns="a DataFrame with the columns srcaddr and dstaddr, one row per scanning pair",
    parts=[Part(name, _SCAN_KEYS[name], hint, f"the right pairs on {name.replace('_', ' ')}")
           for name, hint in _SCAN_HINTS.items()],
)

# --- per-learner variants of 7.4 and 7.6 (issue #19): each learner's own flow logs and rule ---------------------
# The default scenario (no identity: tests, the instructor's notebook) is the course's generated file and the
# authored rule. A learner's scenario has its own generated flow logs (course.generate.learner_flow_day) with a
# scan from its own address at its own time, and its own threshold (7.4) or window (7.6), so a neighbour's
# function or table does not fit.


def _about(text: str, hidden: bool = False) -> dict:
    return {"about": text, "hidden": hidden}


@dataclass(frozen=True, repr=False)
class FlowLogScenario(Scenario):
    """Values of a flow-log question: the seed of the learner's flow logs (0: the course's generated file)."""

    data_seed: int = field(default=0, kw_only=True, metadata=_about("the seed of your flow logs", hidden=True))
    hours: ClassVar[int] = 4

    def flow_logs(self) -> Any:
        """Your flow logs for this question (a DataFrame like ``data.vpc_flow_logs()``)."""
        from course import data
        from course.generate import learner_flow_day

        return data.vpc_flow_logs() if self.data_seed == 0 else learner_flow_day(self.data_seed, self.hours)

    def extra_text(self) -> str:
        return "  v.flow_logs(): your own flow logs for this question (a DataFrame)"

    def extra_html(self) -> str:
        return ("<p><code>v.flow_logs()</code> gives your own flow logs for this question "
                "(a DataFrame like <code>data.vpc_flow_logs()</code>).</p>")


@dataclass(frozen=True, repr=False)
class ScanScenario(FlowLogScenario):
    hours: ClassVar[int] = 2
    min_ports: int = field(default=100, metadata=_about("a vertical scan: at least this many distinct ports"))


_THRESHOLDS = (60, 75, 80, 90, 100, 110, 120, 125, 150, 180, 200)


def scan_scenario(seed: int) -> ScanScenario:
    rng = random.Random(seed)
    return ScanScenario(min_ports=rng.choice(_THRESHOLDS), data_seed=rng.randint(1, 2**31))


def scan_variant_cases(v: ScanScenario) -> dict:
    """A learner's cases of 7.4: their own flow logs, three unseen hours and the three traps at their threshold."""
    from course.generate import learner_trap_cases

    base = v.data_seed % 1_000_003
    cases = {"generated_day": v.flow_logs()}
    cases.update(_authored_unseen())  # the same hidden hours for all, graded at the learner's threshold
    traps = learner_trap_cases(base, v.min_ports)
    cases.update(unseen_4=traps["threshold"], unseen_5=traps["one_port"], unseen_6=traps["below"])
    return cases


@cache
def _authored_unseen() -> dict:
    """The three unseen hours of the authored 7.4 (built once per process; functions get copies)."""
    from course.generate import flow_log_case

    return {f"unseen_{n}": flow_log_case(seed) for n, seed in enumerate((4, 9, 12), start=1)}


def scan_rule(v: ScanScenario):
    """The rule of 7.4 for ``v``: (srcaddr, dstaddr) pairs rejected on at least ``v.min_ports`` distinct ports."""

    def vertical_scans(flows):
        rejected = flows[flows["action"] == "REJECT"]
        ports = rejected.groupby(["srcaddr", "dstaddr"])["dstport"].nunique()
        return ports[ports >= v.min_ports].reset_index()[["srcaddr", "dstaddr"]]

    return vertical_scans


def scan_hints(v: ScanScenario) -> dict[str, str]:
    n = v.min_ports
    return {
        "generated_day": _SCAN_HINTS["generated_day"],
        "unseen_1": f"On unseen data: at least {n} distinct destination ports ({n} itself counts) of one destination.",
        "unseen_2": "On unseen data: a source that touched fewer ports than the rule asks, or one port on several "
                    "hosts, is not a vertical scan by this rule.",
        "unseen_3": _SCAN_HINTS["unseen_3"],
        "unseen_4": f"On unseen data: a source rejected on exactly {n} distinct ports of one destination meets the "
                    f"rule (at least {n}).",
        "unseen_5": _SCAN_HINTS["unseen_5"],
        "unseen_6": f"On unseen data: a source rejected on {n - 1} distinct ports of one destination is one short of "
                    f"the rule (at least {n}): not a scan, even though one more port answered (count REJECT flows "
                    "only).",
    }


PORT_SCAN = DetectorVariants(_PORT_SCAN, ScanScenario(), scan_scenario, scan_variant_cases, scan_rule,
                             scan_hints).registered()

# --- 7.6 rejected traffic over time -----------------------------------------------------------

_REJECTS_OVER_TIME = TableMatch(
    id="7.6", title="Rejected traffic over time", points=3, answer_name="answer_7_6",
    columns=["window", "rejected"],
    rows_key="ced1eeba381497d88dc0aaf2705cbeea65cb1f98a28f560405cf228d693a7ca6",
    column_keys={
        "window": "19e1a3025e31227052ca6291c5fe44c0b879ed649ecf6d6b57e9971cd5f0251f",
        "rejected": "a38e32addbf0e5c28ddfe065b43b03326b1405a9b1d541ecbf0f0397f0d6d1c1",
    },
    hints={
        "rows": "One row per 10-minute window aligned on the clock (06:00, 06:10, ...) over the whole log, "
                "including windows with no rejected flow.",
        "window": "The window column holds the start of each 10-minute window as a UTC timestamp (from the start "
                  "column).",
        "rejected": "Count flow records whose action is REJECT in each window (records, not packets or bytes).",
    },
)



@dataclass(frozen=True, repr=False)
class WindowScenario(FlowLogScenario):
    window_minutes: int = field(default=10, metadata=_about("the length of one window, in minutes"))


def window_scenario(seed: int) -> WindowScenario:
    rng = random.Random(seed)
    return WindowScenario(window_minutes=rng.choice((5, 15, 20, 30)), data_seed=rng.randint(1, 2**31))


def rejects_table(v: WindowScenario, flows: Any) -> Any:
    """The model table of 7.6 for ``v``: rejected flow records per window of ``v.window_minutes`` minutes."""
    return (flows.assign(rejected=flows["action"] == "REJECT")
            .resample(f"{v.window_minutes}min", on="start")["rejected"].sum()
            .rename_axis("window").reset_index())


def rejects_question(v: WindowScenario) -> TableMatch:
    if v == WindowScenario():
        return _REJECTS_OVER_TIME
    m = v.window_minutes
    table = rejects_table(v, v.flow_logs())
    return TableMatch(
        id="7.6", title=_REJECTS_OVER_TIME.title, points=3, answer_name="answer_7_6", columns=["window", "rejected"],
        **table_keys("7.6", table, ["window", "rejected"]),
        hints={"rows": f"One row per {m}-minute window aligned on the clock (06:00, 06:{m:02d}, ...) over the whole "
                       "log, including windows with no rejected flow.",
               "window": f"The window column holds the start of each {m}-minute window as a UTC timestamp (from the "
                         "start column).",
               "rejected": _REJECTS_OVER_TIME.hints["rejected"]})


REJECTS_OVER_TIME = VariantFamily(WindowScenario(), window_scenario, rejects_question,
                                  lambda v: rejects_table(v, v.flow_logs())).registered()

# --- 7.7 flow logs meet GuardDuty --------------------------------------------------------------

SEVERITIES = ("Low", "Medium", "High", "Critical")

# GuardDuty's severity bands, shown for the band a learner chose where it does not fit.
_SEVERITY_EXPLANATIONS = {
    "Low": "Low is the band from 1.0 to 3.9: compare the finding's severity number with it.",
    "Medium": "Medium is the band from 4.0 to 6.9: compare the finding's severity number with it.",
    "High": "High is the band from 7.0 to 8.9: compare the finding's severity number with it.",
    "Critical": "Critical is the band from 9.0 up, used for attack sequences: compare the finding's severity "
                "number with it.",
}

SCANNER_FINDING = MappingMatch(
    id="7.7", title="What did GuardDuty say about the scanner?", points=3, answer_name="answer_7_7",
    explanations=_SEVERITY_EXPLANATIONS,
    casefold=False,
    parts=[
        Part("scanner_finding", "f53a5d5d8568288ae67b09f0e2e10273fd24f5a84c6888c6ee23b267fe64d23b",
             "Match the scanner's address from the flow logs against remoteIp of the findings, and copy the type "
             "exactly.", "scanner_finding: the finding type that names the scanner"),
        Part("scanner_severity", "07deaa2f6999ca4da6753f80e678c31586aeb426b57b8d083e253c715a94a815",
             "GuardDuty's bands: Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0 and above.",
             "scanner_severity: its severity band", SEVERITIES),
        Part("high_findings", "c65077ce7f5561a3f0292775f40bbe5e4590f6be12786d8290287c57833621cc",
             "Count findings whose severity is in the High band (7.0 to 8.9), archived or not.",
             "high_findings: how many High findings in total"),
    ],
)

# --- 7.8 securing OpenSearch Service ----------------------------------------------------------

OPENSEARCH = order_per_learner(MultipleChoice(
    id="7.8", title="Secure an OpenSearch Service domain for security logs", points=3,
    answer_name="answer_7_8",
    options={
        "A": "Create the domain with VPC access, so it has no public endpoint",
        "B": "Turn on fine-grained access control, with encryption at rest and node-to-node encryption",
        "C": "Rely on a domain access policy with Principal `\"*\"` limited to the office's IP range to decide which "
             "analysts may read which indices",
        "D": "Authenticate OpenSearch Dashboards users through Amazon Cognito or SAML",
        "E": "Publish audit logs to CloudWatch Logs",
        "F": "Give the Firehose delivery role `es:*` on every domain in the account so that delivery never fails",
    },
    explanations={
        "A": "A VPC domain is reachable only from inside the VPC (and connected networks), so its security groups "
             "apply.",
        "B": "Fine-grained access control adds users and roles down to index, document and field level, and "
             "needs both kinds of encryption.",
        "C": "An address range says where a request comes from, not who sent it: everyone in the office would "
             "get the same access, and nothing would tell analysts apart.",
        "D": "Dashboards sign-in then goes through the organization's identity provider.",
        "E": "Audit logs record who searched and changed what; they need fine-grained access control to be on.",
        "F": "A delivery role needs write access to its own domain only; a wildcard over all domains and actions "
             "breaks least privilege.",
    },
    keys={
        "A": "14e13d10a8275c43c07170da04596d2dfafb46c1303b711e8e3b350e54d4baa1",
        "B": "20e281ce13a10539037c4f3edf9591e910079556539df14f043158ab38143f8a",
        "C": "ba78075df0d9a5bd47ba37fa87fdf0424ce1b6ac476fde29a15bdbddfe590132",
        "D": "eff3e13e4812ac504870d4ca70c60fc1004a29d3cac8ae9c588c5b33df0709d3",
        "E": "a50503938cf38563267c3d69fb805f358f2355abda61ddc9c6fc023db910d113",
        "F": "db6974449a44779b9aeff886b1dde8193e0fb06d7e1dde875a9c1ee2da03ac31",
    },
))

# --- 7.9 the right analytics service -------------------------------------------------------------

SERVICES = ("Amazon Athena", "Amazon OpenSearch Service", "AWS Glue", "Amazon Kinesis Data Streams",
            "Amazon Data Firehose", "Amazon Redshift", "Amazon Managed Service for Apache Flink")

# What each analytics service is for, shown for the service a learner chose where it does not fit.
_SERVICE_EXPLANATIONS = {
    "Amazon Athena": "Athena runs SQL queries over files in S3 when you ask; it delivers no streams, keeps no "
                     "index for full-text search, and is not built for heavy repeated joins over years of data.",
    "Amazon OpenSearch Service": "OpenSearch Service indexes documents for search and dashboards; it is a "
                                 "cluster to run, not a delivery pipe, a catalog, or a pay-per-query SQL engine "
                                 "over S3.",
    "AWS Glue": "Glue discovers schemas, keeps the Data Catalog and runs ETL jobs; it does not deliver or replay "
                "streams, serve search, or answer queries itself.",
    "Amazon Kinesis Data Streams": "Kinesis Data Streams keeps records for consumers you write to read and "
                                   "re-read; it delivers nothing to S3 on its own and answers no queries.",
    "Amazon Data Firehose": "Firehose buffers and delivers a stream to a destination with no code of yours, but "
                            "it keeps no records for several consumers to replay and answers no queries.",
    "Amazon Redshift": "Redshift is a data warehouse for large, repeated structured queries; it is no delivery "
                       "pipe, no schema catalog for Athena, and no search engine.",
    "Amazon Managed Service for Apache Flink": "Managed Service for Apache Flink runs stream-processing "
                                               "applications you write; it is not a store that consumers "
                                               "replay from, a catalog, or a search engine.",
}

WHICH_SERVICE = MappingMatch(
    id="7.9", title="Pick the analytics service", points=2, answer_name="answer_7_9",
    explanations=_SERVICE_EXPLANATIONS,
    parts=[
        Part("deliver_to_s3", "93e06281e04467171b4346b3d0bfda804b93aed0b6beb80a9de421e7a8c68117",
             "Reread the job: what must happen to the records, and who writes code for it?",
             "deliver a log subscription to S3", SERVICES),
        Part("replay", "410d2bcf86478a810096ea296f28127e36499fc35d23a608c3d95973989e8fe3",
             "Reread the job: how many consumers, and what must each be able to do again?",
             "several consumers that can replay", SERVICES),
        Part("catalog", "ab9d6866fa5ae3b13bdc14d886c049bee2a150ed49dd88463696c9d634321f89",
             "Reread the job: what does Athena need before it can query the files?",
             "table definitions for files in S3", SERVICES),
        Part("ad_hoc_sql", "2b66b2535c7822a817a23172823357ba93c7b298636ffc2c43887a24c3d3ea84",
             "Reread the job: how often, over what, and how is it paid?",
             "occasional SQL over S3 logs", SERVICES),
        Part("search", "465707cc97dba29656bc64c13e98f4c729a215754e9c4612b44ad1a2080e9c71",
             "Reread the job: what kind of questions, over which events?",
             "search and dashboards", SERVICES),
        Part("warehouse", "5dc58f41f2b1f4be7cef0cfeb2feaddb89b53b0aec5ac4b083601807e62c1b9c",
             "Reread the job: what kind of queries, over how much data, how often?",
             "large structured reporting", SERVICES),
    ],
)

# --- 7.5 Athena permissions -----------------------------------------------------------------

ATHENA_PERMISSIONS = order_per_learner(MultipleChoice(
    id="7.5", title="What does an Athena query need?", points=3, answer_name="answer_7_5",
    options={
        "A": "`athena:StartQueryExecution` and `athena:GetQueryResults` in the workgroup",
        "B": "`glue:GetDatabase`, `glue:GetTable` and `glue:GetPartitions` on the catalog, database and table",
        "C": "`s3:ListBucket` and `s3:GetObject` on the CloudTrail bucket and prefix",
        "D": "`kms:Decrypt` on the KMS key that encrypts the CloudTrail log files",
        "E": "`s3:PutObject` on the workgroup's query result location",
        "F": "`cloudtrail:LookupEvents`, because the table holds CloudTrail data",
        "G": "`s3:PutObject` on the CloudTrail bucket, because Athena stages data next to the table",
    },
    explanations={
        "A": "The Athena API actions themselves are authorized by IAM like any other service.",
        "B": "Athena reads the table's definition and partitions from the Glue Data Catalog with the caller's "
             "permissions.",
        "C": "Athena reads the files in S3 as the caller, so the caller needs read access to them.",
        "D": "Objects encrypted with SSE-KMS can be read only by someone allowed to decrypt with the key.",
        "E": "Query results are written to S3 as the caller, in the result location.",
        "F": "LookupEvents is the Event history API; Athena never calls it, it reads the delivered files.",
        "G": "Athena writes only to the query result location; write access to the log bucket would let an analyst "
             "tamper with evidence.",
    },
    keys={
        "A": "d05f21f89d09b0e596f42ee1bda465ad73319241eead8711999fbe4142c4d9b9",
        "B": "6d2dcd549e41bcfbdf59d1476b5f64f14373fd720d3cc4fca843d587d1d4bc78",
        "C": "627ebb2245fa8f79f358362dd32893d566e88be7350af7c503df81782a373d9b",
        "D": "b1bbd042cd930db8cd0845248d479e7912c01b3d62167ebee89ed9c303c0c7ec",
        "E": "60bb77bef9a30b485f94a38359d16ec75e2ebc531cd7a9cf6a0085d24f673e6a",
        "F": "fef584fccd844a4f8e66644a64f4a63e59b81340181905291364fe6f51f2f12c",
        "G": "1abf2558f035c4ea087f343df7a278a45c56695dd0639f48039642c47e2b6f39",
    },
))

# --- 7.10 which OpenSearch Serverless policy -------------------------------------------------------

AOSS_POLICIES = ("encryption policy", "network policy", "data access policy", "IAM identity policy")

# What each kind of policy decides, shown for the kind a learner chose where it does not fit.
_AOSS_EXPLANATIONS = {
    "encryption policy": "An encryption policy only assigns a KMS key (AWS owned or customer managed) to the "
                         "collections whose names match its patterns; it admits or refuses no caller.",
    "network policy": "A network policy decides from where a collection's endpoint and its Dashboards can be "
                      "reached (public, or only through named VPC endpoints); it says nothing about who may read "
                      "which index.",
    "data access policy": "A data access policy grants named principals permissions on collections and indexes "
                          "(read or write documents, create indexes) whatever network they come from; it does not "
                          "choose keys, reachability, or who may create collections.",
    "IAM identity policy": "Identity policies govern the OpenSearch Serverless API itself (creating collections, "
                           "changing security policies) and the right to call the data plane at all; which indexes "
                           "a principal may read is decided by data access policies.",
}

SERVERLESS_POLICIES = MappingMatch(
    id="7.10", title="Which OpenSearch Serverless policy does it?", points=3, answer_name="answer_7_10",
    explanations=_AOSS_EXPLANATIONS,
    parts=[
        Part("collection_key", "5ff8b47836d26e22cf25d36f52fd46d6ced42edfd8c0288ef197f43399c3459d",
             "Reread the need: it is about how the stored data is encrypted.",
             "every collection named logs-* encrypted with the security team's key", AOSS_POLICIES),
        Part("private_endpoint", "7426a6fe236514bb7cc5f44493b40c8049201e090be702e398548ca7ce2f7ed1",
             "Reread the need: it is about the path a request takes, not about who sends it.",
             "logs-cloudtrail and its Dashboards reachable only through the team's VPC endpoint", AOSS_POLICIES),
        Part("ir_reads", "38b958b7da16f8cda6187a92b24a2f52b934df50d106ad7b815f365b632f2803",
             "Reread the need: it names a principal and the indexes it may read.",
             "only the incident-response role reads documents of the cloudtrail-* indexes", AOSS_POLICIES),
        Part("firehose_writes", "341d55ee74619e63982a8ce391fcafc96b644b4de9b839437c03ec0548d65a69",
             "Reread the need: it names a principal and what it may do with the documents.",
             "the Firehose role writes documents to logs-cloudtrail but cannot read them", AOSS_POLICIES),
        Part("create_collections", "c7afe966694b146fec80a1b60668065dfc02c8e632e28a9962ad4d8820f64469",
             "Reread the need: creating collections and changing policies are calls to the service's own API.",
             "only the platform team creates collections and changes security policies", AOSS_POLICIES),
    ],
)

# --- 7.11 an OpenSearch Service domain access policy (graded by course.iam) ----------------------------

ACCOUNT = "111122223333"
REGION = "eu-west-1"
DOMAIN_ARN = f"arn:aws:es:{REGION}:{ACCOUNT}:domain/security-logs"
IR_ROLE = f"arn:aws:iam::{ACCOUNT}:role/incident-response"
FIREHOSE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/firehose-to-security-logs"


def domain_call(role: str | None, action: str, path: str, *, account: str = ACCOUNT) -> dict:
    """An HTTP request to the domain at ``path`` (index and API), signed by a session of ``role`` (None: unsigned)."""
    context = {"aws:SecureTransport": "true", "aws:RequestedRegion": REGION}
    if role is None:
        principal = "anonymous"
    else:
        principal = f"arn:aws:sts::{account}:assumed-role/{role.rsplit('/', 1)[1]}/session"
        context.update({"aws:PrincipalAccount": account, "aws:PrincipalArn": role})
    return {"principal": principal, "principalAccount": None if role is None else account, "action": action,
            "resource": f"{DOMAIN_ARN}/{path}", "resourceAccount": ACCOUNT, "context": context}


DOMAIN_POLICY = PolicyExercise(
    id="7.11", title="Write the access policy of the security-logs domain", points=4, answer_name="answer_7_11",
    slot="resource",
    # IAM010: es:* on the domain; IAM004: a wildcard principal without any condition.
    lint_forbidden=["IAM010", "IAM004"],
    cases=[
        PolicyCase("incident response searches a cloudtrail index",
                   domain_call(IR_ROLE, "es:ESHttpGet", "cloudtrail-2026.03.02/_search"), True,
                   "The incident-response role must be able to search the cloudtrail-* indexes."),
        PolicyCase("incident response reads a document of a cloudtrail index",
                   domain_call(IR_ROLE, "es:ESHttpGet", "cloudtrail-2026.03.02/_doc/4f2a"), True,
                   "Reading a document by its ID is a GET on the index path too."),
        PolicyCase("Firehose delivers a bulk request to the domain",
                   domain_call(FIREHOSE_ROLE, "es:ESHttpPost", "_bulk"), True,
                   "The Firehose role must be able to post bulk requests."),
        PolicyCase("Firehose writes into a cloudtrail index",
                   domain_call(FIREHOSE_ROLE, "es:ESHttpPut", "cloudtrail-2026.03.02/_doc/4f2a"), True,
                   "Firehose also writes documents with PUT."),
        PolicyCase("incident response cannot delete a cloudtrail index",
                   domain_call(IR_ROLE, "es:ESHttpDelete", "cloudtrail-2026.03.02"), False,
                   "The analysts only read: name the HTTP method actions they need, not every es: action."),
        PolicyCase("incident response cannot read the hr-* indexes",
                   domain_call(IR_ROLE, "es:ESHttpGet", "hr-directory/_search"), False,
                   "The domain holds other teams' indexes: scope the analysts' resource to the cloudtrail-* "
                   "index paths, not the whole domain."),
        PolicyCase("the Firehose role cannot read any index",
                   domain_call(FIREHOSE_ROLE, "es:ESHttpGet", "cloudtrail-2026.03.02/_search"), False,
                   "A delivery role writes; if its credentials leak, they should not read the logs back."),
        PolicyCase("an unsigned request cannot search",
                   domain_call(None, "es:ESHttpGet", "cloudtrail-2026.03.02/_search"), False,
                   "Principal \"*\" without a condition opens the domain to anyone who can reach it."),
    ],
)

register(BYTES_SCANNED, EXFILTRATION, HONEY_WRITES, PORT_SCAN, REJECTS_OVER_TIME, SCANNER_FINDING, OPENSEARCH,
         WHICH_SERVICE, ATHENA_PERMISSIONS, SERVERLESS_POLICIES,
         DOMAIN_POLICY)
