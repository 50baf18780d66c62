"""Exercises of notebook 10, Customer Engagement (Amazon SES).

Six questions: the TLS policy that keeps breach notices off clear-text connections to recipients (10.1;
it replaced a choice of SNS or SES for alerts that repeated 8.2), an SMTP connection for a TLS requirement (10.2),
a DKIM option (10.3), DMARC verdicts read from constructed message headers (10.4), a sending
authorization policy graded by ``course.iam`` (10.5) and the controls that protect received mail
stored in S3 (10.6).

Answer keys are salted hashes (``course.exercises.keys.make_key``), never plain values. Every option
carries an explanation; only the explanations of options a learner got wrong are ever shown.
"""

from __future__ import annotations

from course.exercises.kinds.choice import MultipleChoice, SingleChoice, order_per_learner
from course.exercises.kinds.policy import PolicyCase, PolicyExercise
from course.exercises.kinds.value import MappingMatch, Part
from course.exercises.registry import register

# --- 10.1 TLS to the recipient's server ------------------------------------------------------------

BREACH_NOTICE_TLS = order_per_learner(SingleChoice(
    id="10.1", title="Keep breach notices off clear-text connections", points=2, answer_name="answer_10_1",
    options={
        "A": "Send the notices with a configuration set whose TLS policy is `Require`",
        "B": "Connect to the SES SMTP endpoint with TLS Wrapper on port 465 instead of STARTTLS on port 587",
        "C": "Nothing: SES delivers over TLS 1.3 by default",
        "D": "Reach the SES SMTP endpoint through an interface VPC endpoint",
        "E": "Sign the notices with DKIM for the sending domain",
    },
    explanations={
        "A": "With the TLS policy Require, SES delivers a message only over a TLS connection to the receiving "
             "server and otherwise lets the delivery fail, which is what the rule asks for.",
        "B": "Both mechanisms already encrypt the leg from the application to SES (the SMTP interface accepts no "
             "session without TLS); neither says anything about the leg from SES to the recipient's server.",
        "C": "TLS is SES's first try, not a guarantee: with the default policy (Optional) SES falls back to a "
             "clear-text delivery when the receiving server cannot do TLS.",
        "D": "An interface endpoint keeps the application's connection to SES off the internet; the delivery from "
             "SES to the recipient's server still crosses the internet under the configuration set's TLS policy.",
        "E": "A DKIM signature lets the recipient check who sent the message and that it was not changed; it "
             "encrypts nothing.",
    },
    key="2f0529aef5a26d6a7cf339ec92cc590a4941ea737fbc7180f722596eee0196ea",
))

# --- 10.2 SMTP port and TLS mechanism ----------------------------------------------------------

SMTP_PORT = order_per_learner(SingleChoice(
    id="10.2", title="Connect an appliance to the SES SMTP endpoint", points=2, answer_name="answer_10_2",
    options={
        "A": "Port 25 with STARTTLS",
        "B": "Port 587 with STARTTLS",
        "C": "Port 465 with TLS Wrapper",
        "D": "Port 2465 with TLS Wrapper",
        "E": "Port 2587 with TLS Wrapper",
        "F": "Port 587 without TLS, because the traffic runs over a private line",
    },
    explanations={
        "A": "STARTTLS opens the session in plain text and upgrades it after EHLO, which this client cannot "
             "do; the port is also below the firewall's limit (and EC2 throttles port 25 by default).",
        "B": "STARTTLS starts in plain text and upgrades the session, but this client only speaks implicit "
             "TLS; 587 is also below the firewall's limit.",
        "C": "Implicit TLS is the right mechanism, but 465 is below 1024, so the firewall drops the "
             "connection.",
        "D": "SES offers TLS Wrapper on two ports, one of them above 1024.",
        "E": "2587 is a STARTTLS port: the server expects a plain-text greeting and the client's TLS "
             "handshake fails.",
        "F": "The SES SMTP endpoint accepts only TLS-encrypted connections; a private network path does "
             "not make an unencrypted session acceptable.",
    },
    key="90470ef0c45ebe33bbea95f4f2a18ee371a358195c3fbda96941e453e94ad647",
))

# --- 10.3 DKIM option ---------------------------------------------------------------------------

DKIM_OPTION = order_per_learner(SingleChoice(
    id="10.3", title="Choose the DKIM option that meets a key-custody rule", points=2,
    answer_name="answer_10_3",
    options={
        "A": "Easy DKIM with a 2048-bit key",
        "B": "Easy DKIM with a 1024-bit key",
        "C": "Bring Your Own DKIM (BYODKIM)",
        "D": "Deterministic Easy DKIM (DEED)",
        "E": "Sign each message in the application, then send it with `SendRawEmail`",
    },
    explanations={
        "A": "With Easy DKIM, SES generates and keeps the key pair and rotates it on its own schedule: "
             "the company neither creates the key nor chooses when it changes.",
        "B": "A shorter key is weaker, and SES still generates and holds it; key length gives you no "
             "custody of the key.",
        "C": "You create the key pair, give SES the private key, publish one TXT record and rotate when "
             "you choose.",
        "D": "DEED copies the signing setup of an Easy DKIM parent identity to other Regions; the key is "
             "still one that SES generated.",
        "E": "Manual signing keeps the key in-house, but every application would have to sign messages and "
             "switch to raw sending, which the scenario rules out.",
    },
    key="c55121d07a95b4633800c09b3c602da5bfd79674b9af547adbfb5dc399c00053",
))

# --- 10.4 DMARC verdicts from constructed headers --------------------------------------------

_VERDICT = ("pass", "fail")
_ALIGN_SPF = ("compare the smtp.mailfrom domain with the From domain in the mode the DMARC record asks "
              "for (aspf; relaxed when absent); an SPF pass counts for DMARC only when the two align.")
_ALIGN_DKIM = ("compare the d= domain of each signature that verified with the From domain in the mode "
               "the DMARC record asks for (adkim; relaxed when absent).")
_COMBINE = "DMARC passes when at least one of its SPF or DKIM results is an aligned pass; it never needs both."

DMARC_VERDICTS = MappingMatch(
    id="10.4", title="Read authentication results and decide DMARC", points=3, answer_name="answer_10_4",
    parts=[
        Part("msg1_spf", "4b2c0e7ffa320139294e3d2f5613d0e6d1a550e248fb7e8f9c7ba69fcd719a66",
             "Message 1: " + _ALIGN_SPF,
             "message 1: SPF result as DMARC counts it", _VERDICT),
        Part("msg1_dkim", "8502ca5d34d7ec1133fda8d2bfda09f89faf6c85e4b07c58ef8516ffd45e5551",
             "Message 1: " + _ALIGN_DKIM,
             "message 1: DKIM result as DMARC counts it", _VERDICT),
        Part("msg1_dmarc", "f764fcdb7ab6bd7918549773fe09c331ab5228b8655d4fc5b032acb2160b838d",
             "Message 1: " + _COMBINE,
             "message 1: DMARC verdict", _VERDICT),
        Part("msg2_spf", "f82fd8e7e25d58b5796c9b6086f79b61b886f2a81e8c5d1f1bc9c828b0c6d357",
             "Message 2: the record asks for strict SPF alignment (aspf=s): only an exact match of the two "
             "domains counts; sharing an organizational domain is not enough.",
             "message 2: SPF result as DMARC counts it", _VERDICT),
        Part("msg2_dkim", "dab951174a605e00fabeff02b292acb71f2a7175d25aa26d1f60a86deadbeac9",
             "Message 2: strict DKIM alignment (adkim=s) compares the d= domain with the From domain "
             "exactly; check the signature's domain character by character.",
             "message 2: DKIM result as DMARC counts it", _VERDICT),
        Part("msg2_dmarc", "3c3856778ab0b4a004637c2ad65a903376a41e4eba565b55bfba60c3073ed0a0",
             "Message 2: " + _COMBINE,
             "message 2: DMARC verdict", _VERDICT),
        Part("msg3_spf", "3c3915c9ece66b04cc27ef5ecddc43f9e0479b430a10992901c1190aeaa1901f",
             "Message 3: SPF passed for the domain it checked, but a pass for some other domain says "
             "nothing about the From domain; " + _ALIGN_SPF,
             "message 3: SPF result as DMARC counts it", _VERDICT),
        Part("msg3_dkim", "b9b95050e2b58a0d4563613749fa9474d0713d34e8b4d0de1b04faeb3fbbbb40",
             "Message 3: a valid signature only proves who signed; " + _ALIGN_DKIM,
             "message 3: DKIM result as DMARC counts it", _VERDICT),
        Part("msg3_dmarc", "048cb1392054c9906c86e6885bfef4c5cd8d139ab9e146db66890bbec2154fa9",
             "Message 3: DMARC uses only aligned results; passes for an unrelated domain do not help, and "
             "this is exactly the forgery DMARC exists to catch.", "message 3: DMARC verdict", _VERDICT),
        Part("msg4_spf", "68ab52f68068d5ff9d141ac795f6c89e6d341e36bd20db2a3ca6815afe609ade",
             "Message 4: with relaxed alignment a subdomain aligns when it shares the From domain's "
             "organizational domain; " + _ALIGN_SPF,
             "message 4: SPF result as DMARC counts it", _VERDICT),
        Part("msg4_dkim", "005f54eb437b955d6965b1c0095c7faa03381a2bdd2f30f67410791c750e4db9",
             "Message 4: an aligned domain is not enough: the signature itself must have verified.",
             "message 4: DKIM result as DMARC counts it", _VERDICT),
        Part("msg4_dmarc", "c53a2f3954fc050962abd7895149ca3787259a5e6fcd92910f278fe68782f43f",
             "Message 4: " + _COMBINE,
             "message 4: DMARC verdict", _VERDICT),
    ],
)

# --- 10.5 Sending authorization policy (graded by course.iam) ----------------------------------

OWNER = "111122223333"  # owns the verified domain identity example.com
PARTNER = "444455556666"  # the payroll provider, the delegate sender
STRANGER = "777788889999"  # any other AWS account
REGION = "eu-west-1"
IDENTITY_ARN = f"arn:aws:ses:{REGION}:{OWNER}:identity/example.com"
PARTNER_ROLE = f"arn:aws:iam::{PARTNER}:role/payslip-sender"
PARTNER_SESSION = f"arn:aws:sts::{PARTNER}:assumed-role/payslip-sender/run-2026-03"

# The partner's own administrators gave its sending role broad SES permissions; the identity owner's
# policy (the learner's) is therefore what decides every cross-account request below.
PARTNER_IDENTITY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "PartnerAdminsAllowSes", "Effect": "Allow", "Action": "ses:*", "Resource": "*"}],
}


def send_request(from_address: str, recipients: list[str], *, action: str = "ses:SendRawEmail",
                 session: str = PARTNER_SESSION, role: str = PARTNER_ROLE, account: str = PARTNER) -> dict:
    """A send request as ``course.iam`` sees it: the delegate uses the owner's identity ARN."""
    return {
        "principal": session,
        "principalAccount": account,
        "action": action,
        "resource": IDENTITY_ARN,
        "resourceAccount": OWNER,
        "context": {
            "ses:FromAddress": from_address,
            "ses:Recipients": recipients,
            "ses:FeedbackAddress": "bounces@hr.example.com",
            "aws:PrincipalAccount": account,
            "aws:PrincipalArn": role,
            "aws:PrincipalType": "AssumedRole",
            "aws:SecureTransport": "true",
            "aws:RequestedRegion": REGION,
        },
    }


def management_request(action: str) -> dict:
    """A non-sending call by the partner against the owner's identity."""
    request = send_request("payslips@hr.example.com", ["alice@example.com"], action=action)
    for key in ("ses:FromAddress", "ses:Recipients", "ses:FeedbackAddress"):
        request["context"].pop(key)
    return request


SENDING_POLICY = PolicyExercise(
    id="10.5", title="Write a sending authorization policy for a payroll provider", points=4,
    answer_name="answer_10_5", slot="resource",
    context_policies={"identity": [PARTNER_IDENTITY_POLICY]},
    # IAM010: "ses:*" grants every SES action; IAM015: a wildcard under StringEquals matches nothing.
    lint_forbidden=["IAM010", "IAM015"],
    cases=[
        PolicyCase(
            "the partner sends a payslip (SendRawEmail) from payslips@hr.example.com to an employee",
            send_request("payslips@hr.example.com", ["alice@example.com"]), True,
            "Grant the partner's account both sending actions on the identity example.com, and check that "
            "your conditions accept an hr.example.com From address and example.com recipients."),
        PolicyCase(
            "the partner sends a notice (SendEmail) from no-reply@hr.example.com to two employees",
            send_request("no-reply@hr.example.com", ["alice@example.com", "bob@example.com"],
                         action="ses:SendEmail"), True,
            "The partner uses both SendEmail and SendRawEmail; a recipient condition must accept a message "
            "whose recipients are all employees."),
        PolicyCase(
            "the partner cannot send as ceo@example.com",
            send_request("ceo@example.com", ["alice@example.com"]), False,
            "A verified domain covers every address in it; only a condition on the From address keeps the "
            "partner inside hr.example.com."),
        PolicyCase(
            "the partner cannot send from a look-alike domain such as payslips@fakehr.example.com",
            send_request("payslips@fakehr.example.com", ["alice@example.com"]), False,
            "A wildcard placed before the subdomain's name without the '@' also matches look-alike "
            "subdomains; anchor the pattern on the whole domain."),
        PolicyCase(
            "the partner cannot copy a payslip to an outside address alongside an employee",
            send_request("payslips@hr.example.com", ["alice@example.com", "alice.private@mail.example.net"]),
            False,
            "The key ses:Recipients holds several values; a condition operator without a set operator is satisfied "
            "when any one value matches, so one employee address lets an outsider through."),
        PolicyCase(
            "another AWS account cannot send as example.com",
            send_request("payslips@hr.example.com", ["alice@example.com"],
                         session=f"arn:aws:sts::{STRANGER}:assumed-role/mailer/x",
                         role=f"arn:aws:iam::{STRANGER}:role/mailer", account=STRANGER), False,
            "The Principal should name the partner's account only, not everyone."),
        PolicyCase(
            "the partner cannot delete the identity (ses:DeleteEmailIdentity)",
            management_request("ses:DeleteEmailIdentity"), False,
            "Grant the sending actions only: a wildcard such as ses:* hands the partner far more than sending."),
    ],
)

# --- 10.6 Protecting received mail in S3 ------------------------------------------------------

RECEIVED_MAIL = order_per_learner(MultipleChoice(
    id="10.6", title="Protect received mail stored in S3", points=3, answer_name="answer_10_6",
    options={
        "A": "In the receipt rule's S3 action, turn on message encryption with a symmetric customer managed "
             "KMS key whose key policy lets SES use it for this account",
        "B": "A bucket policy that allows `ses.amazonaws.com` to call `s3:PutObject` only with `AWS:SourceAccount` "
             "set to the account and `AWS:SourceArn` set to the receipt rule",
        "C": "A bucket policy that allows Principal `\"*\"` to call `s3:PutObject`, because SES writes to the bucket "
             "without credentials",
        "D": "An asymmetric KMS key, so that only holders of the private key can ever read the mail",
        "E": "Give `kms:Decrypt` on the key only to the triage role, which reads messages with the S3 encryption "
             "client",
        "F": "Keep the bucket's default SSE-S3 encryption: it already gives the security team control of "
             "the key",
    },
    explanations={
        "A": "SES encrypts each message before it writes it, under the key named in the action.",
        "B": "The service principal plus source conditions admits SES only when it acts for this account's "
             "own receipt rule.",
        "C": "SES writes as the service principal ses.amazonaws.com; a wildcard principal lets anyone on the "
             "internet write into the bucket.",
        "D": "SES encrypts received mail only with symmetric KMS keys; an asymmetric key cannot be chosen.",
        "E": "The mail is encrypted on the client side, so reading it needs the S3 encryption client and "
             "permission to decrypt the data key.",
        "F": "SSE-S3 keys are owned and managed by S3: there is no key policy, so the team cannot decide who "
             "may decrypt.",
    },
    keys={
        "A": "f4f837e27da8a384e9aa0f289bba2bff9ee3727c4a552f016a9926015651c53d",
        "B": "a0b706f436d6cedb9e0019afce9b4118e4472672fb334d0bccf48c297659324d",
        "C": "e03dfeef7c46cdb7f9507299d56e79c6d7eebeccc482ba38d80d934bd78d7556",
        "D": "92a8471afee88e40db8651cdf7a9973c2bcf8f863743ce526f19082446af74de",
        "E": "13621d60d030b0c01cfcea334fb66fb5875f5a2afcf62999eff410c73d15e56d",
        "F": "fc0cce52430183089ce29eda187aa036c1c82287850e79e16b1f330e19b80fad",
    },
))

register(BREACH_NOTICE_TLS, SMTP_PORT, DKIM_OPTION, DMARC_VERDICTS, SENDING_POLICY, RECEIVED_MAIL)
