"""Notebook 01 part 3, detection and protection (1.15-1.19).

What GuardDuty still reports about S3 with S3 Protection off, judged from the guide's finding types (1.15), a
session policy for an incident-response run (1.16), choosing a detection service (1.17), an SCP that keeps
the security services on (1.18) and choosing a protection or compliance service (1.19).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part
from course.exercises.registry import register
from course.exercises.variants import Scenario
from course.notebooks.policy_variants import about, account, bucket, hex_id, policy_family
from course.notebooks.security_identity.scenario import ALLOW_ALL, FULL_AWS_ACCESS, PROD, REGION, policy, request

# --- 1.15 What GuardDuty still sees of S3 with S3 Protection off ---------------------------------------------

_S3_PROTECTION = ("still reported", "lost without S3 Protection", "needs Malware Protection for S3")

# What each answer means, shown for the answer a learner chose where it does not fit.
_S3_PROTECTION_EXPLANATIONS = {
    "still reported": "Findings that come from CloudTrail management events (bucket policies, ACLs, Block Public "
                      "Access, logging settings) are foundational: GuardDuty keeps producing them with S3 "
                      "Protection off.",
    "lost without S3 Protection": "S3 Protection is what makes GuardDuty analyse CloudTrail data events for S3 "
                                  "(object reads, writes, deletions); every finding built on them stops when "
                                  "the plan is off.",
    "needs Malware Protection for S3": "Malware Protection for S3 scans newly uploaded objects; it is a plan of "
                                       "its own, enabled per bucket, whatever S3 Protection's setting.",
}

S3_PROTECTION_OFF = MappingMatch(
    id="1.15", title="What do you lose without S3 Protection?", points=3, answer_name="answer_1_15",
    explanations=_S3_PROTECTION_EXPLANATIONS,
    parts=[
        Part("bucket_made_public", "bdba4264738f6623be78869eed55cb16960952d3c4ae21cede8ccf32c47dbbdb",
             "Look up Policy:S3/BucketAnonymousAccessGranted: what records a change to a bucket policy or ACL?",
             "a bucket policy is changed to grant anonymous access", _S3_PROTECTION),
        Part("unusual_reads", "610e7c2371c6cd9459863eb02915251c71df444874402e06ef4dfe34f99fc007",
             "Look up Exfiltration:S3/ObjectRead.Unusual, and read its data source carefully (it was typed by hand).",
             "a role reads objects in an unusual way (Exfiltration:S3/ObjectRead.Unusual)", _S3_PROTECTION),
        Part("access_logging_disabled", "9c5dd85205cf103d657e1f05b9003ec3c84f0f99527132f9f85aaabe0ab196dd",
             "Turning off server access logging is a bucket configuration call.",
             "someone turns off the bucket's server access logging", _S3_PROTECTION),
        Part("tor_reads", "decf534d21690d152c4106e5bfe1b562ed41028f94141ae8390d9d61801b46be",
             "Look up UnauthorizedAccess:S3/TorIPCaller: which calls does it watch?",
             "objects are downloaded from a Tor exit node", _S3_PROTECTION),
        Part("mass_delete", "13a507dc89c04d44a7cfa5133d6e578b4f478a1c570f810d2de1df2ba6a18712",
             "Ransomware in S3 deletes or overwrites objects: which kind of CloudTrail event records that?",
             "stolen keys are used to delete and overwrite objects in bulk (ransomware)", _S3_PROTECTION),
        Part("malware_upload", "844a2c519e84fa8b83423351d0a57d3db10d2b5bc8bfe508c28e362a6be8cd3d",
             "Neither management nor data events see the content of an uploaded file.",
             "an uploaded file contains malware", _S3_PROTECTION),
    ],
)

# --- 1.16 A session policy for one incident --------------------------------------------------------------------

RESPONDER_SESSION = f"arn:aws:sts::{PROD}:assumed-role/IncidentResponder/case-4711"
SUSPECT = f"arn:aws:ec2:{REGION}:{PROD}:instance/i-0abc1234def567890"
OTHER_INSTANCE = f"arn:aws:ec2:{REGION}:{PROD}:instance/i-0fedcba9876543210"
# ec2:ModifyInstanceAttribute with new Groups is authorized against the instance and against each security
# group (Service Authorization Reference: the security-group resource, ec2:SecurityGroupID). course.iam
# takes one resource per request, so the security-group half of the call is a case of its own.
QUARANTINE_SG = f"arn:aws:ec2:{REGION}:{PROD}:security-group/sg-0d1e2f3a4b5c6d7e8"
OTHER_SG = f"arn:aws:ec2:{REGION}:{PROD}:security-group/sg-0a9b8c7d6e5f40312"
FORENSICS = "arn:aws:s3:::example-forensics"
# The IncidentResponder role can do a lot: its permissions policy is broad on purpose.
RESPONDER_ROLE_POLICY = policy(
    {"Sid": "BroadResponse", "Effect": "Allow", "Action": ["ec2:*", "s3:*", "ssm:*"], "Resource": "*"},
)


def responder(action: str, resource: str) -> dict:
    return request(RESPONDER_SESSION, action, resource)


_INCIDENT_SESSION = PolicyExercise(
    id="1.16", title="A session policy that limits an incident-response run to one instance", points=4,
    answer_name="answer_1_16", slot="session", context_policies={"identity": [RESPONDER_ROLE_POLICY]},
    lint_forbidden=["IAM006"],
    cases=[
        PolicyCase("the run isolates the suspect instance (changes its security groups)",
                   responder("ec2:ModifyInstanceAttribute", SUSPECT), True,
                   "Allow changing the attributes of the suspect instance, named by its ARN."),
        PolicyCase("the same call is authorized against the quarantine security group it attaches",
                   responder("ec2:ModifyInstanceAttribute", QUARANTINE_SG), True,
                   "Changing an instance's security groups is authorized against each group it attaches as well "
                   "as the instance: name the quarantine security group's ARN too."),
        PolicyCase("the run tags the suspect instance", responder("ec2:CreateTags", SUSPECT), True,
                   "The run tags the instance with the case number."),
        PolicyCase("the run describes instances", responder("ec2:DescribeInstances", "*"), True,
                   "Describe actions do not support resource ARNs: they need Resource \"*\"."),
        PolicyCase("the run uploads a memory image under case-4711/",
                   responder("s3:PutObject", f"{FORENSICS}/case-4711/memory.lime"), True,
                   "Allow PutObject under the case's prefix of the forensics bucket."),
        PolicyCase("the run cannot terminate the suspect instance",
                   responder("ec2:TerminateInstances", SUSPECT), False,
                   "A session policy only narrows the role; the role allows ec2:*, so ec2:* (or any action "
                   "you do not need) in the session policy lets the run destroy the evidence."),
        PolicyCase("the run cannot change another instance",
                   responder("ec2:ModifyInstanceAttribute", OTHER_INSTANCE), False,
                   "Name the suspect instance's ARN, not every instance."),
        PolicyCase("the run cannot attach another security group",
                   responder("ec2:ModifyInstanceAttribute", OTHER_SG), False,
                   "Name the quarantine security group, not every security group: another group could open "
                   "the instance up."),
        PolicyCase("the run cannot write under another case's prefix",
                   responder("s3:PutObject", f"{FORENSICS}/case-4702/memory.lime"), False,
                   "Limit uploads to the prefix of this case."),
        PolicyCase("the run cannot delete evidence",
                   responder("s3:DeleteObject", f"{FORENSICS}/case-4711/memory.lime"), False,
                   "The run only adds evidence: grant PutObject, not every S3 action."),
    ],
)



@dataclass(frozen=True, repr=False)
class IncidentScenario(Scenario):
    """Question 1.16's values: the account, the suspect instance, the quarantine group, the case and the bucket."""

    account: str = field(metadata=about("the workload account (Region eu-west-1)"))
    instance: str = field(metadata=about("the suspect instance's ID"))
    quarantine_sg: str = field(metadata=about("the quarantine security group's ID"))
    case: str = field(metadata=about("the case: the session name and the evidence prefix"))
    bucket: str = field(metadata=about("the forensics bucket that receives the evidence"))


INCIDENT_DEFAULT = IncidentScenario(account=PROD, instance=SUSPECT.rsplit("/", 1)[1],
                                    quarantine_sg=QUARANTINE_SG.rsplit("/", 1)[1], case="case-4711",
                                    bucket=FORENSICS.split(":::")[1])
_TAKEN_IDS = {OTHER_INSTANCE.rsplit("/", 1)[1], OTHER_SG.rsplit("/", 1)[1]}


def incident_scenario(rng: random.Random) -> IncidentScenario:
    instance, group = hex_id(rng, "i"), hex_id(rng, "sg")
    while instance in _TAKEN_IDS or group in _TAKEN_IDS:  # never the other instance or group of the cases
        instance, group = hex_id(rng, "i"), hex_id(rng, "sg")
    number = rng.choice([n for n in range(4100, 9900, 7) if n != 4702])  # case-4702 is another case
    return IncidentScenario(account=account(rng, set()), instance=instance, quarantine_sg=group,
                            case=f"case-{number}", bucket=bucket(rng, "forensics"))


INCIDENT_MODEL = policy(
    {"Sid": "IsolateAndTagTheSuspect", "Effect": "Allow", "Action": ["ec2:ModifyInstanceAttribute", "ec2:CreateTags"],
     "Resource": SUSPECT},
    {"Sid": "AttachOnlyTheQuarantineGroup", "Effect": "Allow", "Action": "ec2:ModifyInstanceAttribute",
     "Resource": QUARANTINE_SG},
    {"Sid": "Describe", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
    {"Sid": "UploadEvidence", "Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{FORENSICS}/case-4711/*"},
)
INCIDENT_SESSION = policy_family(_INCIDENT_SESSION, INCIDENT_DEFAULT, incident_scenario, INCIDENT_MODEL)

# --- 1.17 Which detection service? ----------------------------------------------------------------------

_DETECTORS = ("Amazon GuardDuty", "Amazon Inspector", "Amazon Macie", "AWS Security Hub", "AWS Config",
              "IAM Access Analyzer", "Amazon Detective")

# What each detection service looks at and what it does not, shown for the service a learner chose where it
# does not fit.
_DETECTOR_EXPLANATIONS = {
    "Amazon GuardDuty": "GuardDuty watches activity (CloudTrail, flow logs, DNS and its protection plans) for "
                        "threats as they happen; it does not list software vulnerabilities, read the content "
                        "of objects, keep configuration history or reason over who a policy lets in.",
    "Amazon Inspector": "Inspector scans software (EC2, container images, Lambda) for known vulnerabilities and "
                        "network reachability; it does not watch live traffic, read S3 data, or aggregate other "
                        "services' findings.",
    "Amazon Macie": "Macie inspects S3 buckets and the content of their objects; it looks at nothing outside S3 "
                    "and does not watch network or API activity.",
    "AWS Security Hub": "Security Hub gathers and scores the findings other services produce; it does not detect "
                        "threats, scan software, read data or investigate a finding on its own.",
    "AWS Config": "AWS Config records how resources are configured over time and evaluates rules on that; it "
                  "does not watch traffic, scan software, read object content or work out who can reach a "
                  "resource from outside.",
    "IAM Access Analyzer": "IAM Access Analyzer reasons over policies to find access from outside a zone of "
                           "trust, and unused access; it does not watch traffic, read data or follow activity "
                           "over time.",
    "Amazon Detective": "Detective helps investigate after a finding, by graphing past activity; it raises no "
                        "findings of its own about threats, vulnerabilities, data or configuration.",
}

DETECTION_CHOICE = MappingMatch(
    id="1.17", title="Choose the detection service for each scenario", points=4, answer_name="answer_1_17",
    explanations=_DETECTOR_EXPLANATIONS,
    parts=[
        Part("scenario1", "3dae96fa6ab4ee1a0a079688d7944720a3adfb9c4bbb059774fd998558a255df",
             "Reread scenario 1: is something wrong with a configuration, or is something happening?",
             "scenario 1", _DETECTORS),
        Part("scenario2", "42871f826d67b0f247a2d380f932cac55ae60b636bb535e735bdcc51ac83cef9",
             "Reread scenario 2: what must be found, and in what?", "scenario 2", _DETECTORS),
        Part("scenario3", "f0c7d2c29d1c6245c7bb19decd446e4376c591cfd900729cf6f1488452eedba8",
             "Reread scenario 3: what must be looked at to find those numbers?", "scenario 3", _DETECTORS),
        Part("scenario4", "af5791841a80677c13486aaa9506b5dee3bb3676aedf870132d6aa335441c466",
             "Reread scenario 4: does it ask to detect anything new, or to bring results together?",
             "scenario 4", _DETECTORS),
        Part("scenario5", "91ba4b84dd73cedef98de7f62228d73137dc7048378d655d996f87474438df46",
             "Reread scenario 5: what must be kept over time, and what must happen on a change?", "scenario 5",
             _DETECTORS),
        Part("scenario6", "7f0094bc0734437b9056ae94368766496986bb381c7f6007eb26dea769cd2c1d",
             "Reread scenario 6: must anyone actually have reached the resources for them to be listed?",
             "scenario 6", _DETECTORS),
        Part("scenario7", "6c8ad6905cdf0fa48f73a31155b7eeb828e8cdb45e8c0884bab94b5fbd6ec478",
             "Reread scenario 7: there is already a finding; what is asked of you next?", "scenario 7",
             _DETECTORS),
    ],
)

# --- 1.18 An SCP that keeps the security services switched on ------------------------------------------------

SECURITY_AUTOMATION = "SecurityAutomation"


def member_admin(action: str, resource: str = "*", role: str = "AccountAdmin") -> dict:
    """A request by a role in the member account PROD (admin roles have AdministratorAccess)."""
    return request(f"arn:aws:sts::{PROD}:assumed-role/{role}/session", action, resource)


DETECTOR = f"arn:aws:guardduty:{REGION}:{PROD}:detector/12abc34d567e8fa901bc2d34e56789f0"
HUB = f"arn:aws:securityhub:{REGION}:{PROD}:hub/default"

GUARD_SCP = PolicyExercise(
    id="1.18", title="An SCP that stops member accounts from switching off security services", points=5,
    answer_name="answer_1_18", slot="scps", level=-1,
    context_policies={"identity": [ALLOW_ALL], "scps": [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]},
    lint_forbidden=["IAM015"],
    cases=[
        PolicyCase("an account administrator cannot delete the GuardDuty detector",
                   member_admin("guardduty:DeleteDetector", DETECTOR), False,
                   "FullAWSAccess allows everything beside your SCP: list the actions that switch the services off "
                   "in a Deny statement."),
        PolicyCase("an account administrator cannot disable Security Hub",
                   member_admin("securityhub:DisableSecurityHub", HUB), False,
                   "Security Hub can be switched off in a member account too."),
        PolicyCase("an account administrator cannot stop the Config recorder",
                   member_admin("config:StopConfigurationRecorder"), False,
                   "Security Hub's controls rely on the AWS Config recorder: stopping it blinds them."),
        PolicyCase("an account administrator still reads GuardDuty findings",
                   member_admin("guardduty:GetFindings", DETECTOR), True,
                   "Deny only the actions that switch services off or hide findings; a Deny on guardduty:* also "
                   "blocks the people who respond to findings."),
        PolicyCase("an account administrator still reads Security Hub findings",
                   member_admin("securityhub:GetFindings", HUB), True,
                   "Deny only the actions that switch services off; reading findings must keep working."),
        PolicyCase("an account administrator still launches instances",
                   member_admin("ec2:RunInstances", f"arn:aws:ec2:{REGION}:{PROD}:instance/*"), True,
                   "The SCP is about the security services; everything else stays as it was."),
        PolicyCase("the SecurityAutomation role may delete a detector (for example to move accounts)",
                   member_admin("guardduty:DeleteDetector", DETECTOR, role=SECURITY_AUTOMATION), True,
                   "Exempt the security team's SecurityAutomation role (in every account) with a condition on "
                   "aws:PrincipalArn."),
    ],
)

# --- 1.19 Which protection or compliance service? -----------------------------------------------------------

_PROTECTION = ("AWS WAF", "AWS Shield Standard", "AWS Shield Advanced", "AWS Firewall Manager", "AWS Artifact",
               "AWS Network Firewall")

# What each protection or compliance service does and what it does not, shown for the service a learner
# chose where it does not fit.
_PROTECTION_EXPLANATIONS = {
    "AWS WAF": "AWS WAF filters HTTP requests at CloudFront, a load balancer or an API, under web ACLs you write "
               "and pay for; it is not free or set-up-free, brings no response team, does not push rules across "
               "accounts by itself, and does not filter a VPC's other outbound traffic.",
    "AWS Shield Standard": "Shield Standard is the free, always-on protection against common network and "
                           "transport-layer floods; it has no rules you write, no response team, no cost "
                           "protection, and nothing to apply across accounts.",
    "AWS Shield Advanced": "Shield Advanced is a paid subscription with a response team and cost protection; it "
                           "is not free, it does not inspect requests with rules of yours, and it is neither a "
                           "source of audit reports nor a filter for outbound traffic.",
    "AWS Firewall Manager": "Firewall Manager applies and audits rules (web ACLs, security groups, Network "
                            "Firewall policies) across an organization's accounts; on its own it inspects no "
                            "traffic and protects no single application.",
    "AWS Artifact": "AWS Artifact hands out AWS's compliance reports and agreements; it protects no workload and "
                    "filters no traffic.",
    "AWS Network Firewall": "Network Firewall filters traffic at the VPC level, with stateful and "
                            "Suricata-compatible rules; it is not an HTTP filter for one application behind a "
                            "load balancer, and it is neither free nor a DDoS response service.",
}

PROTECTION_CHOICE = MappingMatch(
    id="1.19", title="Choose the protection or compliance service", points=3, answer_name="answer_1_19",
    explanations=_PROTECTION_EXPLANATIONS,
    parts=[
        Part("need1", "201f463844ef1726adf3565be2f06276ac85b772b56bf3e1982a1163091961eb",
             "Reread need 1: what must be examined to spot those attacks, and where does it sit?", "need 1",
             _PROTECTION),
        Part("need2", "09d00107229cac2ee8fd862c0c2490eff2578d1f168d14b323fe3244e341f197",
             "Reread need 2: what may it cost, and what may be set up?", "need 2", _PROTECTION),
        Part("need3", "406014e0abaef903cc79c3ce08e84b03159ed2d44488d015e36e1c5dd06ef5ee",
             "Reread need 3: what does the retailer want besides filtering?", "need 3", _PROTECTION),
        Part("need4", "2da7ca331c6b1df7b6d0de1c1621bb452374ee987361fc5553d1b0a9d29ba4c7",
             "Reread need 4: how many accounts, and which of them exist yet?", "need 4", _PROTECTION),
        Part("need5", "0497e7ddcdaec3695f405393e49093c38cecab5ba65c23dc5cb16ece6a99697a",
             "Reread need 5: is anything to be protected, or is something to be obtained?", "need 5",
             _PROTECTION),
        Part("need6", "4b9171797fcd4a8f722121dcd72638d2e8677ea5281406c6f4984a49c0fc9aeb",
             "Reread need 6: which traffic, and filtered by what kind of rule?", "need 6", _PROTECTION),
    ],
)

register(S3_PROTECTION_OFF, INCIDENT_SESSION, DETECTION_CHOICE, GUARD_SCP, PROTECTION_CHOICE)
