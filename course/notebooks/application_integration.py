"""Exercises of notebook 08, Application Integration (Amazon SNS and Amazon SQS).

Five questions: who may subscribe to a topic (8.1), choosing SNS, SQS, both, or the FIFO pair for four
workloads (8.2), an SQS queue policy that lets exactly one SNS topic send, graded by ``course.iam`` (8.3), and the
KMS permissions an encrypted EventBridge -> SNS -> SQS path needs (8.4), and a queue policy that refuses
requests without TLS and keeps messages behind one VPC endpoint, graded by ``course.iam`` (8.5).

Answer keys are salted hashes (``course.exercises.keys.make_key``), never plain values. Every option
carries an explanation; only the explanations of options a learner got wrong are ever shown.
"""

from __future__ import annotations

from course.exercises.kinds.choice import MultipleChoice, SingleChoice, order_per_learner
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part
from course.exercises.registry import register

# --- 8.1 Who may subscribe to a topic ---------------------------------------------------------------

SUBSCRIBE_CONTROL = order_per_learner(SingleChoice(
    id="8.1", title="Stop strangers from subscribing to a findings topic", points=2, answer_name="answer_8_1",
    options={
        "A": "Nothing more is needed: every new subscription must be confirmed, so an outsider cannot receive "
             "messages",
        "B": "Limit `sns:Subscribe` in the topic policy to principals of your own account (optionally with "
             "`sns:Protocol` or `sns:Endpoint` conditions), then delete the unknown subscription",
        "C": "Encrypt the topic with a customer managed KMS key so that the outsider cannot read the messages",
        "D": "Allow only HTTPS subscriptions so that the messages are encrypted in transit",
    },
    explanations={
        "A": "The confirmation message goes to the endpoint being subscribed, and here the outsider owns that "
             "endpoint, so the outsider confirms; confirmation proves the endpoint wants the messages, not "
             "that you want to send them there.",
        "B": "Who may call Subscribe is decided by the topic's resource policy, like any other topic action.",
        "C": "Server-side encryption protects messages while SNS stores them; SNS decrypts each message before "
             "delivering it, so every confirmed subscriber still receives plaintext.",
        "D": "HTTPS protects the message on its way to the endpoint, whoever owns it; it says nothing about "
             "whether that endpoint should receive it.",
    },
    key="7ccef2a7e28ab035ff7c6c180573ce5e2347c7dd284dcbcbf6a3613b3f7f2099",
))

# --- 8.2 SNS, SQS, both, or the FIFO pair -------------------------------------------------------

_PATTERNS = ("sns", "sqs", "sns+sqs", "fifo")

# What each messaging design gives and what it lacks, shown for the design a learner chose where it does not fit.
_PATTERN_EXPLANATIONS = {
    "sns": "A standard topic with direct subscriptions pushes each message at once and keeps no backlog: a "
           "subscriber that is away misses it, and there is no ordering or de-duplication.",
    "sqs": "One standard queue keeps a backlog, but hands each message to one reader only, reaches no email or "
           "phone, and gives no ordering or de-duplication.",
    "sns+sqs": "A standard topic fanning out to queues gives each consumer its own copy and backlog, at the cost "
               "of a queue per consumer to run, and still without ordering or de-duplication.",
    "fifo": "The FIFO pair orders and de-duplicates messages, with lower throughput and more design work "
            "(message groups, de-duplication IDs), and a FIFO topic delivers only to SQS queues, not to email or "
            "SMS.",
}

PATTERN_CHOICE = MappingMatch(
    id="8.2", title="Choose SNS, SQS, both, or the FIFO pair", points=2, answer_name="answer_8_2",
    explanations=_PATTERN_EXPLANATIONS,
    parts=[
        Part("w1", "09cda7f8c8c278c3af514cb279952be0dcf28571335ed7f3796d1a14cc79428f",
             "Reread workload 1: who must be reached, how fast, and does a missed duplicate matter?",
             "workload 1: findings to on-call email, SMS and a Lambda function", _PATTERNS),
        Part("w2", "8b106ad8cc9656c5315188621a2811e152695158644031d78754ce8f2fbd98da",
             "Reread workload 2: what happens to the jobs while the fleet is stopped, and how many scanners handle "
             "each job?",
             "workload 2: scan jobs for a worker fleet that may pause", _PATTERNS),
        Part("w3", "96736451db724faddf3234610e36906c02951e8152a264a8f720458b98507534",
             "Reread workload 3: how many consumers, and what happens while one of them is down?",
             "workload 3: every audit event to three independent consumers", _PATTERNS),
        Part("w4", "6b4caecf078781572e02e4ac2dc7ad4781235fa26e1ea38796483f6b136b3efd",
             "Reread workload 4: what does it say about order and about duplicates?",
             "workload 4: ordered, de-duplicated ledger updates to two services", _PATTERNS),
    ],
)

# --- 8.3 Queue policy: only one topic may send (graded by course.iam) -----------------------------------

OWNER = "111122223333"  # owns the topic and the queue
STRANGER = "444455556666"  # any other AWS account
REGION = "eu-west-1"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{OWNER}:findings-intake"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{OWNER}:security-findings"
OTHER_TOPIC_ARN = f"arn:aws:sns:{REGION}:{OWNER}:marketing-events"
FOREIGN_TOPIC_ARN = f"arn:aws:sns:{REGION}:{STRANGER}:security-findings"


def sns_delivery(source_arn: str, *, action: str = "sqs:SendMessage") -> dict:
    """SNS delivering a message to the queue for the topic ``source_arn``, as ``course.iam`` sees it."""
    source_account = source_arn.split(":")[4]
    return {
        "principal": "sns.amazonaws.com",
        "principalAccount": None,
        "action": action,
        "resource": QUEUE_ARN,
        "resourceAccount": OWNER,
        "context": {"aws:SourceArn": source_arn, "aws:SourceAccount": source_account,
                    "aws:SecureTransport": "true", "aws:RequestedRegion": REGION},
    }


def caller(principal: str, account: str | None, *, action: str = "sqs:SendMessage") -> dict:
    """A direct call on the queue by an IAM principal (or ``anonymous``)."""
    context = {"aws:SecureTransport": "true", "aws:RequestedRegion": REGION}
    if account:
        context["aws:PrincipalAccount"] = account
    return {"principal": principal, "principalAccount": account, "action": action, "resource": QUEUE_ARN,
            "resourceAccount": OWNER, "context": context}


# The stranger's own administrators allow its roles every SQS action, so the queue policy (the learner's)
# is what decides the cross-account request; identity policies play no part for the service principal.
CALLER_IDENTITY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "CallerAdminsAllowSqs", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"}],
}

QUEUE_POLICY = PolicyExercise(
    id="8.3", title="Write a queue policy that admits one SNS topic", points=4, answer_name="answer_8_3",
    slot="resource", context_policies={"identity": [CALLER_IDENTITY_POLICY]},
    # IAM010: "sqs:*" grants every SQS action; IAM004: Principal "*" with no condition at all.
    lint_forbidden=["IAM010", "IAM004"],
    cases=[
        PolicyCase(
            "SNS delivers a finding from the topic security-findings",
            sns_delivery(TOPIC_ARN), True,
            "Allow the SNS service principal to send messages to this queue when it acts for the topic "
            "security-findings."),
        PolicyCase(
            "SNS cannot deliver for another topic of the same account (marketing-events)",
            sns_delivery(OTHER_TOPIC_ARN), False,
            "Naming the SNS service is not enough, and neither is the source account: every topic of the "
            "account would qualify. Pin the one topic that may send."),
        PolicyCase(
            "SNS cannot deliver for a topic with the same name in a stranger's account",
            sns_delivery(FOREIGN_TOPIC_ARN), False,
            "SNS acts for every customer; without a condition on the source, a stranger's topic could make "
            "SNS write into your queue (the confused-deputy problem)."),
        PolicyCase(
            "SNS cannot receive or delete messages from the queue",
            sns_delivery(TOPIC_ARN, action="sqs:ReceiveMessage"), False,
            "A subscription only needs to send; grant that one action, not reading or deleting."),
        PolicyCase(
            "an anonymous caller cannot send to the queue",
            caller("anonymous", None), False,
            "A wildcard principal with no condition on the source lets anyone on the internet send messages."),
        PolicyCase(
            "a role in a stranger's account cannot send to the queue",
            caller(f"arn:aws:sts::{STRANGER}:assumed-role/intruder/x", STRANGER), False,
            "Only SNS, acting for the one topic, should be admitted by this policy."),
    ],
)

# --- 8.4 Encryption keys on an EventBridge -> SNS -> SQS path --------------------------------------------

ENCRYPTED_PATH = order_per_learner(MultipleChoice(
    id="8.4", title="Encrypt the findings path end to end", points=3, answer_name="answer_8_4",
    options={
        "A": "Encrypt the topic with a customer managed key (K1) whose key policy lets `events.amazonaws.com` call "
             "`kms:GenerateDataKey*` and `kms:Decrypt`",
        "B": "Encrypt the topic with the AWS managed key `alias/aws/sns`, because EventBridge is an AWS service and "
             "is trusted by it automatically",
        "C": "Let `sns.amazonaws.com` call `kms:GenerateDataKey*` and `kms:Decrypt` in the key policy of the key "
             "that encrypts the queue (K2)",
        "D": "Give the triage function's role `kms:Decrypt` on the queue's key, besides `sqs:ReceiveMessage`",
        "E": "Allow Principal `\"*\"` to use both keys, so that whichever service needs them can",
        "F": "Nothing extra: SNS decrypts with the topic's key and re-encrypts with the same key for the queue",
    },
    explanations={
        "A": "A service that publishes to an encrypted topic needs a data key from the topic's key, and a "
             "customer managed key is the kind whose policy you can change.",
        "B": "The key policy of an AWS managed key cannot be edited, so you cannot grant EventBridge or other "
             "publishing services the use of it; their publishes to the topic would fail.",
        "C": "When SNS delivers to an encrypted queue it is the sender, so it needs the queue key's data keys.",
        "D": "Reading an SSE-KMS message means decrypting its data key, so the consumer needs kms:Decrypt too.",
        "E": "A wildcard principal on a key policy lets any AWS account's principals use the key; name the "
             "services and roles that need it.",
        "F": "The queue encrypts with its own key; SNS, sending to that queue, must be allowed to use that key.",
    },
    keys={
        "A": "2fce9928b722925d01ee20d6ecee47da16e708530a9e7dddbdd557b858796a3e",
        "B": "bdca8ba41cc7e40d7ef39acb92c46a2a8464e33aaaf035734c2c3df846c52154",
        "C": "dce11bb926d707061776b8f8d8079eb061851c1802b83059920dbf54447afad7",
        "D": "3c95d90e6f576dcee56f9dad306bce2728fb244d471f1674ee929bf6dfe746ba",
        "E": "4aa37a4fda3fcef07fd774a7ff79fb7e67c1243586cae496ea49b24828d31e35",
        "F": "baf3c5dd572065e63f21e6902598f6f24bd16c011b48d3f92a47a383a3e3b9fc",
    },
))


# --- 8.5 Queue policy: TLS only, messages only through one VPC endpoint (graded by course.iam) -------------

JOBS_QUEUE_ARN = f"arn:aws:sqs:{REGION}:{OWNER}:payment-jobs"
JOBS_ENDPOINT = "vpce-0a1b2c3d4e5f60789"  # the SQS interface endpoint in the workers' VPC
OTHER_ENDPOINT = "vpce-0ffee0000000000aa"  # another SQS interface endpoint, in the same VPC
WORKERS_VPC = "vpc-0123456789abcdef0"
WORKER_ROLE = f"arn:aws:iam::{OWNER}:role/payments-worker"
ADMIN_ROLE = f"arn:aws:iam::{OWNER}:role/QueueAdmins"


def queue_call(role: str, action: str, *, endpoint: str | None = None, tls: bool = True,
               account: str = OWNER) -> dict:
    """A call on the payment-jobs queue by a session of ``role``, through ``endpoint`` (None: over the internet)."""
    name = role.rsplit("/", 1)[1]
    context = {"aws:SecureTransport": "true" if tls else "false", "aws:RequestedRegion": REGION,
               "aws:PrincipalAccount": account, "aws:PrincipalArn": role}
    if endpoint:
        context.update({"aws:SourceVpce": endpoint, "aws:SourceVpc": WORKERS_VPC})
    return {"principal": f"arn:aws:sts::{account}:assumed-role/{name}/session", "principalAccount": account,
            "action": action, "resource": JOBS_QUEUE_ARN, "resourceAccount": OWNER, "context": context}


# The account's identity policies: the workers may send, receive and delete; the admins may do anything with
# the queue. The learner's queue policy can only take access away from them.
WORKERS_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "WorkersUseTheQueue", "Effect": "Allow",
     "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
     "Resource": JOBS_QUEUE_ARN}]}
ADMINS_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "AdminsRunTheQueue", "Effect": "Allow", "Action": "sqs:*", "Resource": JOBS_QUEUE_ARN}]}
_WORKER = {"identity": [WORKERS_POLICY]}
_ADMIN = {"identity": [ADMINS_POLICY]}

PERIMETER_POLICY = PolicyExercise(
    id="8.5", title="Keep a queue's messages on TLS and inside the VPC", points=4, answer_name="answer_8_5",
    slot="resource", context_policies={"identity": [WORKERS_POLICY]},
    cases=[
        PolicyCase("a worker sends a job through the VPC endpoint over TLS",
                   queue_call(WORKER_ROLE, "sqs:SendMessage", endpoint=JOBS_ENDPOINT), True,
                   "The workers' own path must keep working: TLS through the queue's VPC endpoint.", _WORKER),
        PolicyCase("a worker receives a job through the VPC endpoint over TLS",
                   queue_call(WORKER_ROLE, "sqs:ReceiveMessage", endpoint=JOBS_ENDPOINT), True,
                   "Receiving through the endpoint over TLS must work too.", _WORKER),
        PolicyCase("the worker role cannot send from the internet, even over TLS",
                   queue_call(WORKER_ROLE, "sqs:SendMessage"), False,
                   "Stolen worker credentials used from a laptop arrive with no aws:SourceVpce at all: a Deny "
                   "with StringNotEquals on aws:SourceVpce matches such a request, an Allow conditioned on the "
                   "endpoint does not stop it (the identity policy already allows it).", _WORKER),
        PolicyCase("the worker role cannot receive through another VPC endpoint",
                   queue_call(WORKER_ROLE, "sqs:ReceiveMessage", endpoint=OTHER_ENDPOINT), False,
                   "The key aws:SourceVpc names the VPC, and the other endpoint sits in the same VPC: pin the "
                   "one endpoint with aws:SourceVpce.", _WORKER),
        PolicyCase("a worker cannot send through the endpoint without TLS",
                   queue_call(WORKER_ROLE, "sqs:SendMessage", endpoint=JOBS_ENDPOINT, tls=False), False,
                   "Refuse every request whose aws:SecureTransport is false, whatever its path.", _WORKER),
        PolicyCase("an administrator changes the queue's attributes from the console over TLS",
                   queue_call(ADMIN_ROLE, "sqs:SetQueueAttributes"), True,
                   "Only sending, receiving and deleting messages are tied to the endpoint; managing the queue "
                   "from the console, over TLS, must still work.", _ADMIN),
        PolicyCase("an administrator cannot read the queue's attributes without TLS",
                   queue_call(ADMIN_ROLE, "sqs:GetQueueAttributes", tls=False), False,
                   "The TLS rule holds for every action and every principal, administrators included.", _ADMIN),
        PolicyCase("an administrator cannot receive messages from the internet",
                   queue_call(ADMIN_ROLE, "sqs:ReceiveMessage"), False,
                   "The messages hold payment data: nobody, administrators included, reads them outside the "
                   "VPC endpoint.", _ADMIN),
    ],
)

register(PATTERN_CHOICE, SUBSCRIBE_CONTROL, QUEUE_POLICY, ENCRYPTED_PATH, PERIMETER_POLICY)
