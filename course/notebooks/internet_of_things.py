"""Exercises of notebook 12, Internet of Things (AWS IoT Device Defender, AWS IoT Device Management).

Four questions: reviewing a triage proposal for Device Defender audit findings (fix now, planned work or
suppress; severity alone does not decide) (12.1), the mitigation action that fits each finding when the scenario,
not the check's name, decides (12.2), choosing Audit, Rules Detect or ML Detect (12.3), and the steps that
replace a certificate shared by a whole batch of devices, using Device Management (12.4).

Answer keys are salted hashes (``course.exercises.keys.make_key``), never plain values. Every option
carries an explanation; only the explanations of options a learner got wrong are ever shown.
"""

from __future__ import annotations

from course.exercises.kinds.choice import MultipleChoice, SingleChoice, order_per_learner
from course.exercises.kinds.value import MappingMatch, Part
from course.exercises.registry import register

# The constructed audit findings of the notebook (one scheduled audit of a fleet of water pumps).
FINDINGS_COLUMNS = ["finding_id", "check_name", "severity", "resource_type", "resource", "is_suppressed"]
FINDINGS = [
    ("F-101", "DEVICE_CERTIFICATE_SHARED_CHECK", "CRITICAL", "DEVICE_CERTIFICATE", "cert 7f3a19c2 (pump batch 2024-03)",
     False),
    ("F-102", "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "CRITICAL", "IOT_POLICY", "pump-telemetry, version 4", False),
    ("F-103", "LOGGING_DISABLED_CHECK", "LOW", "ACCOUNT_SETTINGS", "account 111122223333", False),
    ("F-104", "CONFLICTING_CLIENT_IDS_CHECK", "HIGH", "CLIENT_ID", "pump-0042", False),
    ("F-105", "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK", "MEDIUM", "DEVICE_CERTIFICATE", "cert 91c04e7d",
     False),
    ("F-106", "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK", "CRITICAL", "CA_CERTIFICATE", "factory-ca-2019", False),
    ("F-107", "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "CRITICAL", "IOT_POLICY", "lab-bench, version 1", True),
    ("F-108", "DEVICE_CERTIFICATE_AGE_CHECK", "LOW", "DEVICE_CERTIFICATE", "cert 0b44d1aa", False),
    ("F-109", "CONFLICTING_CLIENT_IDS_CHECK", "HIGH", "CLIENT_ID", "test-rig-07", True),
    ("F-110", "DEVICE_CERTIFICATE_SHARED_CHECK", "CRITICAL", "DEVICE_CERTIFICATE", "cert c5d2808f (valve controllers)",
     False),
    ("F-111", "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK", "MEDIUM", "DEVICE_CERTIFICATE", "cert 3e9f6b21",
     True),
]


def findings_frame():
    """The audit findings as a pandas DataFrame (what the notebook shows and the learner filters)."""
    import pandas as pd

    return pd.DataFrame(FINDINGS, columns=FINDINGS_COLUMNS)


# --- 12.1 Review a triage proposal (judgement, not a filter) --------------------------------------------

_DISPOSITIONS = ("fix now", "planned work", "suppress")

# What each disposition means, shown for the one a learner chose where it does not fit.
_DISPOSITION_EXPLANATIONS = {
    "fix now": "Fixing now spends today's effort on this finding: right when it is exploitable now or blocks the "
               "response to something that is, wasteful when the risk is real but slow.",
    "planned work": "Planned work accepts the risk until the next maintenance window: fine for a slow-moving risk "
                    "with no attacker in sight, wrong for a key an attacker may already hold or for a gap that "
                    "blinds the response to an incident under way.",
    "suppress": "Suppressing hides the finding from every later audit: only right when the condition is understood "
                "and harmless where it occurs; it never removes the risk itself.",
}

TRIAGE = MappingMatch(
    id="12.1", title="Review the team's triage proposal", points=3, answer_name="answer_12_1",
    explanations=_DISPOSITION_EXPLANATIONS,
    parts=[
        Part("F-101", "ad51f0ca8efdb15610c8d63094b325989b5bf32b33236fc1fb2b2ab8ddb8f038",
             "Reread F-101: one extracted key from any pump of the batch lets someone act as all of them.",
             "F-101 (shared certificate, pump batch)", _DISPOSITIONS),
        Part("F-103", "aee1b08506001f99d463309f78b99bfe35769b961e0b8f031adc1ae1ad3fb486",
             "Reread F-103: its severity is LOW, but what does the team need while it investigates F-101?",
             "F-103 (logging disabled)", _DISPOSITIONS),
        Part("F-108", "7195a250b08ff3339bea6f759f0794324a1299501200dc114208b8d67ebaeda4",
             "Reread F-108: nothing suggests the key is exposed; the risk grows slowly with age.",
             "F-108 (old device certificate)", _DISPOSITIONS),
        Part("F-109", "9590fd2b4f2f7d5d061c2029178895ad0e8d4ddcf2aa7734d4b2fda741a0f325",
             "Reread F-109: the condition is deliberate and understood where it occurs.",
             "F-109 (conflicting client IDs on the test rig)", _DISPOSITIONS),
        Part("F-110", "74d9017e8dbc982e6267628f87bcbce7e729fbf94dbb8fe180d4a44455da6d16",
             "Reread F-110: the vendor's habit does not change what one leaked key allows.",
             "F-110 (shared certificate, proposed for suppression)", _DISPOSITIONS),
        Part("F-111", "f2b37804ef1bf45961dbc76ac7f15bc6f3f8bfa7cc0b5ecde15da5fa26c52a5e",
             "Reread F-111: a revoked certificate's key is presumed compromised wherever the device is.",
             "F-111 (revoked certificate, suppressed)", _DISPOSITIONS),
    ],
)

# --- 12.2 Mitigation actions ---------------------------------------------------------------------------

_ACTIONS = ("UPDATE_DEVICE_CERTIFICATE", "UPDATE_CA_CERTIFICATE", "ADD_THINGS_TO_THING_GROUP",
            "REPLACE_DEFAULT_POLICY_VERSION", "ENABLE_IOT_LOGGING", "PUBLISH_FINDINGS_TO_SNS")

# What each mitigation action changes, shown for the action a learner chose where it does not fit.
_ACTION_EXPLANATIONS = {
    "UPDATE_DEVICE_CERTIFICATE": "UPDATE_DEVICE_CERTIFICATE sets a device certificate to inactive: every device "
                                 "using it goes offline, and no policy, CA or account setting changes.",
    "UPDATE_CA_CERTIFICATE": "UPDATE_CA_CERTIFICATE changes the status of a CA certificate in AWS IoT; it "
                             "touches no device certificate, policy or account setting.",
    "ADD_THINGS_TO_THING_GROUP": "ADD_THINGS_TO_THING_GROUP moves things into a thing group, such as one whose "
                                 "policy restricts them; it changes no certificate, policy version or account "
                                 "setting.",
    "REPLACE_DEFAULT_POLICY_VERSION": "REPLACE_DEFAULT_POLICY_VERSION replaces a policy's default version with a "
                                      "restrictive template, for every certificate the policy is attached to; it "
                                      "changes no certificate, CA or logging setting.",
    "ENABLE_IOT_LOGGING": "ENABLE_IOT_LOGGING switches on AWS IoT logging for the account; it changes no device, "
                          "certificate or policy.",
    "PUBLISH_FINDINGS_TO_SNS": "PUBLISH_FINDINGS_TO_SNS only sends the finding to a topic for your own process; "
                               "it changes nothing in AWS IoT.",
}

MITIGATIONS = MappingMatch(
    id="12.2", title="Choose a mitigation action for each finding", points=3, answer_name="answer_12_2",
    explanations=_ACTION_EXPLANATIONS,
    casefold=True,
    parts=[
        Part("F-102", "b8cb21271c2daec4d3b83c870700f745bed3848715ebf8a42e061459edaed554",
             "Reread F-102: what is too broad, and what must the fix change?",
             "F-102 (policy too broad)", _ACTIONS),
        Part("F-106", "2cc878fa2b985113507d9cdd22a7c9e089677a833ddc6a16e7a6b62077832f1d",
             "Reread F-106: which object was revoked, and where must its status change?",
             "F-106 (revoked CA still active)", _ACTIONS),
        Part("F-105", "f66d9097383ef942a7000c220e3448f1061bd0b949307c9ba26243e39e15ebde",
             "Reread F-105: does anything legitimate still need this certificate, unlike the pumps of F-101?",
             "F-105 (revoked certificate of a stolen pump)", _ACTIONS),
        Part("F-104", "c844ebd634abc214d68c285531bece7b0421d4bfed239ee19d6b330d521c8fb5",
             "Reread F-104: can AWS IoT change what causes it, or who must act?",
             "F-104 (conflicting client IDs)", _ACTIONS),
        Part("F-101", "0f530382f90071898a08d09c0fefe9f7fa295bd16dc65d86bb2253c1f4df94af",
             "Reread F-101: what must the devices keep doing while the team investigates?",
             "F-101 (shared certificate, quarantine first)", _ACTIONS),
    ],
)

# --- 12.3 Audit, Rules Detect or ML Detect -------------------------------------------------------------

DETECT_CHOICE = order_per_learner(SingleChoice(
    id="12.3", title="Watch device behaviour without hand-set thresholds", points=2, answer_name="answer_12_3",
    options={
        "A": "A daily scheduled Device Defender audit with every check enabled",
        "B": "A Rules Detect security profile with static thresholds on each metric",
        "C": "An ML Detect security profile on the fleet's thing group, with alarms sent to SNS",
        "D": "Fleet indexing queries run every hour against the device registry",
    },
    explanations={
        "A": "Audit checks configuration (policies, certificates, settings) against best practice; it does not "
             "watch how each device behaves.",
        "B": "Rules Detect needs you to choose the thresholds, which is exactly what the team cannot do for a "
             "mixed fleet.",
        "C": "ML Detect learns each metric's normal range from recent data and alarms on deviations.",
        "D": "Fleet indexing searches registry, shadow and connectivity data; it raises no alarms on traffic "
             "patterns by itself.",
    },
    key="2e37f0ab6e36eb4502830ed94694d28b0dd3f915f381deed45719163a200fce4",
))

# --- 12.4 Replacing a shared certificate with Device Management ----------------------------------------

ROTATION = order_per_learner(MultipleChoice(
    id="12.4", title="Replace a certificate shared by a whole batch", points=3, answer_name="answer_12_4",
    options={
        "A": "Turn on fleet indexing and define a dynamic thing group whose query selects the pumps of batch "
             "2024-03",
        "B": "Run an AWS IoT job on that group that makes each pump obtain and install a certificate of its own",
        "C": "Give all the pumps one new certificate, so that the change is a single step",
        "D": "Once the pumps connect with their new certificates, set the old shared certificate to REVOKED "
             "(or INACTIVE)",
        "E": "Use ML Detect to rotate the certificates automatically",
        "F": "Suppress the `DEVICE_CERTIFICATE_SHARED_CHECK` finding for this certificate, because the pumps are "
             "legitimate devices",
    },
    explanations={
        "A": "A dynamic group keeps matching devices by query, including ones registered later, and it "
             "depends on fleet indexing.",
        "B": "Jobs deliver remote operations to a group of devices and track each device's progress.",
        "C": "A certificate used by many devices is exactly the finding you are fixing: one stolen copy "
             "still speaks for the whole batch.",
        "D": "Until the old certificate is revoked or deactivated, a clone holding it can still connect.",
        "E": "Detect watches behaviour and raises alarms; it does not issue or install certificates.",
        "F": "A cloned identity looks like a legitimate device; suppressing the finding hides the risk "
             "instead of removing it.",
    },
    keys={
        "A": "96be057dd94e7c9a15e70e3e1ca36eaf3d9c37278f935d19be0e409b83a0c24e",
        "B": "5aadc50445214cdfe7ad0e7a8bf7a5ce5145104b187c02cbcfda37323daaa66a",
        "C": "e21738ebe4d6ae57daf5f25402f6f145f3d03f0d0acd0aff4f7c2ae312087f1d",
        "D": "56dd7f3f899410921ddd92d8f12cc2a090ba9b42a9f9519a068439237061a6fa",
        "E": "9722588c175f564fe6699b34c324bcb106a3d64465e3732fc50d37f4d2c62525",
        "F": "868b97fe206f5a5c3cd52485254f5dc6570d625d4f01871cb8c0693cdd3d876a",
    },
))

register(TRIAGE, MITIGATIONS, DETECT_CHOICE, ROTATION)
