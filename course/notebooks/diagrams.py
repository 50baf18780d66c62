"""The diagrams of notebooks 03, 05 and 08 to 12: request flows, trust chains and one chart of audit findings.

They live here rather than in the notebooks' cells so that each is a :func:`course.figures.figure_maker`: an
instructor cell that only shows one costs the grader nothing (no matplotlib import, no drawing). Each returns
a bare ``Figure`` (no pyplot state) for :func:`course.figures.show_figure`. Importing this module must not
import matplotlib: it is imported while a grading kernel warms up.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from course.figures import ALLOW_TINT, CHECK_TINT, DENY_TINT, arrow, box, diagram, figure_maker

if TYPE_CHECKING:  # matplotlib and pandas load when a figure is drawn
    import pandas as pd
    from matplotlib.figure import Figure

# The dense diagrams of notebooks 09 and 11 set their text a little smaller than the course's default.
small_box = partial(box, size=8.5)
small_arrow = partial(arrow, size=7.5)


@figure_maker
def s3_request_decision() -> Figure:
    """Notebook 03: how S3 decides one request (explicit Deny, Block Public Access, then the account rule)."""
    fig, ax = diagram(12, 4.2, 12, 4.2)
    box(ax, 0.1, 1.7, 1.6, 0.9, "request\n(signed or\nanonymous)")
    box(ax, 2.2, 1.7, 1.9, 0.9, "any explicit\nDeny?", DENY_TINT)
    box(ax, 4.6, 1.7, 2.2, 0.9, "Block Public Access:\npublic grants\nignored?", CHECK_TINT)
    box(ax, 7.3, 2.9, 2.3, 0.9, "same account:\nidentity OR bucket\npolicy allows", ALLOW_TINT)
    box(ax, 7.3, 0.5, 2.3, 0.9, "other account:\nidentity AND bucket\npolicy allow", ALLOW_TINT)
    box(ax, 10.2, 1.7, 1.6, 0.9, "Allow, else\nimplicit deny")
    arrow(ax, (1.7, 2.15), (2.2, 2.15))
    arrow(ax, (4.1, 2.15), (4.6, 2.15), "no")
    arrow(ax, (3.15, 1.7), (3.15, 0.9), "yes: ExplicitDeny")
    arrow(ax, (6.8, 2.4), (7.3, 3.2))
    arrow(ax, (6.8, 1.9), (7.3, 1.1))
    arrow(ax, (9.6, 3.3), (10.2, 2.5))
    arrow(ax, (9.6, 0.9), (10.2, 1.8))
    ax.set_title("How S3 decides one request (simplified; SCPs, RCPs and endpoint policies left out)", fontsize=11)
    return fig


@figure_maker
def database_planes() -> Figure:
    """Notebook 05: the management plane (IAM decides) and the data plane (the engine's own users decide)."""
    fig, ax = diagram(9.5, 4.2, 10.4, 4.6, layout="constrained")
    allow, check = "#e3f4e1", "#fff4d6"
    # management plane (top row): always the AWS API, always IAM, always CloudTrail
    box(ax, 0.1, 3.0, 2.3, 1.0, "administrator\n(an IAM principal)")
    box(ax, 3.6, 3.0, 3.0, 1.0, "service API: rds:, redshift:,\ndynamodb: (SigV4)")
    box(ax, 7.7, 3.0, 2.6, 1.0, "IAM policies decide;\nCloudTrail records", allow)
    arrow(ax, (2.4, 3.5), (3.6, 3.5), "create, snapshot,\ndelete")
    arrow(ax, (6.6, 3.5), (7.7, 3.5))
    # data plane (bottom row): a database protocol with its own users, except DynamoDB and Neptune with IAM on
    box(ax, 0.1, 0.6, 2.3, 1.0, "application")
    box(ax, 3.6, 0.6, 3.0, 1.0, "database endpoint\n(SQL, MongoDB, Gremlin...)")
    box(ax, 7.7, 0.6, 2.6, 1.0, "engine users and GRANTs\ndecide (IAM may sign in)", check)
    arrow(ax, (2.4, 1.1), (3.6, 1.1), "queries")
    arrow(ax, (6.6, 1.1), (7.7, 1.1))
    ax.text(0.1, 4.3, "Management plane", fontsize=10, fontweight="bold")
    ax.text(0.1, 1.9, "Data plane", fontsize=10, fontweight="bold")
    ax.text(5.1, 0.2, "DynamoDB: the data plane is the API, so IAM decides here too. "
            "Neptune with IAM auth: IAM policies decide queries.", ha="center", fontsize=8.5)
    ax.set_title("Two planes in every database service: who decides each call")
    return fig


@figure_maker
def sns_fan_out() -> Figure:
    """Notebook 08: SNS pushes a copy to each subscription; each SQS queue is a backlog its consumer polls."""
    fig, ax = diagram(11, 3.8, 11, 4)
    box(ax, 0.1, 1.6, 1.9, 0.9, "EventBridge rule\n(GuardDuty finding)")
    box(ax, 2.8, 1.5, 2.0, 1.1, "SNS topic\nsecurity-findings\nSSE: key K1", CHECK_TINT)
    box(ax, 5.8, 3.0, 2.0, 0.8, "email / SMS\n(push, no backlog)", ALLOW_TINT)
    box(ax, 5.8, 1.6, 2.0, 0.9, "SQS queue\nfindings-intake\nSSE: key K2", CHECK_TINT)
    box(ax, 5.8, 0.2, 2.0, 0.9, "SQS queue\nfindings-archive", CHECK_TINT)
    box(ax, 8.7, 1.6, 2.1, 0.9, "triage Lambda\n(polls via mapping)", ALLOW_TINT)
    box(ax, 8.7, 0.2, 2.1, 0.9, "archiver\n(polls when it can)", ALLOW_TINT)
    arrow(ax, (2.0, 2.05), (2.8, 2.05), "Publish")
    arrow(ax, (4.8, 2.4), (5.8, 3.3), "push")
    arrow(ax, (4.8, 2.05), (5.8, 2.05), "push")
    arrow(ax, (4.8, 1.7), (5.8, 0.7), "push")
    arrow(ax, (8.7, 2.05), (7.8, 2.05), "poll")
    arrow(ax, (8.7, 0.65), (7.8, 0.65), "poll")
    ax.set_title("Fan-out: SNS pushes a copy to each subscription; each queue is a private backlog that its "
                 "consumer polls", fontsize=10)
    return fig


@figure_maker
def cross_account_deployment() -> Figure:
    """Notebook 09: the roles of a cross-account pipeline: who assumes, who passes a role, who creates."""
    from matplotlib.patches import Rectangle

    fig, ax = diagram(12, 4.6, 12, 4.8)
    ax.add_patch(Rectangle((0.05, 0.05), 4.7, 4.6, facecolor="#f6f6f6", edgecolor="#999999"))
    ax.add_patch(Rectangle((5.15, 0.05), 6.8, 4.6, facecolor="#f6f6f6", edgecolor="#999999"))
    ax.text(2.4, 4.45, "tools account 111122223333", ha="center", fontsize=9, weight="bold")
    ax.text(8.55, 4.45, "production account 444455556666", ha="center", fontsize=9, weight="bold")
    small_box(ax, 0.2, 3.1, 2.1, 0.8, "CodePipeline\n(codepipeline.\namazonaws.com)")
    small_box(ax, 2.6, 3.1, 1.9, 0.8, "pipeline service role", CHECK_TINT)
    small_box(ax, 0.3, 0.4, 4.2, 1.1, "artifact bucket + customer managed KMS key\nbucket policy and key policy admit\n"
              "the production action role", ALLOW_TINT)
    small_box(ax, 5.5, 3.1, 2.4, 0.8, "action role\nweb-app-deployer", CHECK_TINT)
    small_box(ax, 8.6, 3.1, 3.0, 0.8, "CloudFormation\n(cloudformation.amazonaws.com)")
    small_box(ax, 8.6, 1.7, 3.0, 0.8, "deployment role\nweb-app-cfn-deploy", CHECK_TINT)
    small_box(ax, 8.6, 0.3, 3.0, 0.8, "stack web-app:\nfunctions, tables, roles", ALLOW_TINT)
    small_arrow(ax, (2.3, 3.5), (2.6, 3.5), "1 assumes", dy=0.5)
    small_arrow(ax, (4.5, 3.5), (5.5, 3.5), "2 sts:AssumeRole", dy=0.3)
    small_arrow(ax, (6.7, 3.1), (4.5, 1.3), "3a reads artifacts", dy=-0.3, dx=0.9)
    small_arrow(ax, (7.9, 3.5), (8.6, 3.5), "3b calls", dy=0.25)
    small_arrow(ax, (7.3, 3.1), (8.6, 2.1), "3c iam:PassRole", dy=-0.3, dx=-0.75)
    small_arrow(ax, (10.1, 3.1), (10.1, 2.5), "4 assumes", dy=-0.05, dx=0.55)
    small_arrow(ax, (10.1, 1.7), (10.1, 1.1), "creates", dy=-0.05, dx=0.45)
    ax.set_title("Cross-account deployment: who assumes, who passes, who creates", fontsize=10)
    return fig


@figure_maker
def dmarc_alignment() -> Figure:
    """Notebook 10: the three domains of one message, and the alignment question DMARC asks about them."""
    fig, ax = diagram(10, 3.6, 10, 4)
    box(ax, 0.2, 2.6, 2.9, 1.0, "MAIL FROM (envelope)\nbounce.example.com\nchecked by SPF", CHECK_TINT)
    box(ax, 3.55, 2.6, 2.9, 1.0, "From: header\nbilling@example.com\nwhat the reader sees", ALLOW_TINT)
    box(ax, 6.9, 2.6, 2.9, 1.0, "DKIM-Signature d=\nexample.com\nchecked by DKIM", CHECK_TINT)
    box(ax, 2.3, 0.1, 5.4, 1.2, "DMARC: did SPF or DKIM pass for a domain\nthat aligns with the From domain?\n"
        "relaxed: same organizational domain; strict: identical", "#e8f0fe")
    arrow(ax, (1.65, 2.6), (3.6, 1.3), "aligned?")
    arrow(ax, (8.35, 2.6), (6.4, 1.3), "aligned?")
    arrow(ax, (5.0, 2.6), (5.0, 1.3))
    ax.set_title("Three domains in one message, and the question DMARC asks about them", fontsize=11)
    return fig


@figure_maker
def ses_receiving_controls() -> Figure:
    """Notebook 10: where the controls sit on the path of a message SES receives (filters, rule, KMS, S3)."""
    fig, ax = diagram(12, 3.6, 11.2, 3.4)
    box(ax, 0.1, 1.3, 1.7, 0.9, "sending\nmail server")
    box(ax, 2.4, 1.3, 2.0, 0.9, "SES inbound (MX)\nIP address filters")
    box(ax, 5.0, 1.0, 2.4, 1.5, "receipt rule\nrecipient condition\nrequire TLS\nspam and virus scan")
    box(ax, 8.1, 2.2, 3.0, 1.0, "S3 action: encrypt with\nyour KMS key, then PutObject", CHECK_TINT)
    box(ax, 8.1, 0.1, 3.0, 1.1, "S3 bucket: policy admits\nses.amazonaws.com\nfor this rule only", ALLOW_TINT)
    arrow(ax, (1.8, 1.75), (2.4, 1.75), "TLS")
    arrow(ax, (4.4, 1.75), (5.0, 1.75))
    arrow(ax, (7.4, 2.1), (8.1, 2.6))
    arrow(ax, (9.6, 2.2), (9.6, 1.2))
    ax.set_title("Where the controls sit on the path of a received message", fontsize=11)
    return fig


@figure_maker
def workspaces_trusted_devices() -> Figure:
    """Notebook 11: WorkSpaces trusted devices: the client type decides whether a certificate is demanded."""
    fig, ax = diagram(11, 3.6, 11, 3.8)
    small_box(ax, 0.1, 2.7, 2.3, 0.8, "managed Windows laptop\ndevice certificate", ALLOW_TINT)
    small_box(ax, 0.1, 1.5, 2.3, 0.8, "personal iPad\nno certificate check", "#fde2e1")
    small_box(ax, 0.1, 0.3, 2.3, 0.8, "browser (web access)\nno certificate check", "#fde2e1")
    small_box(ax, 3.6, 1.2, 2.6, 1.6, "WorkSpaces sign-in\n1. device check per client type\n2. user: SAML + "
              "certificate\n   or AD password + MFA")
    small_box(ax, 7.4, 2.2, 3.4, 0.9, "directory: root certificates\n(up to two) + access settings", CHECK_TINT)
    small_box(ax, 7.4, 0.6, 3.4, 0.9, "WorkSpace (Windows desktop)\nvolumes encrypted with KMS", "#e8f0fe")
    small_arrow(ax, (2.4, 3.1), (3.6, 2.4), "certificate chains\nto a root: admitted", dy=0.3, dx=0.45)
    small_arrow(ax, (2.4, 1.9), (3.6, 1.95), "denied", dy=0.1)
    small_arrow(ax, (2.4, 0.7), (3.6, 1.5), "denied", dy=-0.05)
    small_arrow(ax, (7.4, 2.65), (6.2, 2.3), "checks against")
    small_arrow(ax, (6.2, 1.6), (7.4, 1.05), "session streamed", dy=-0.3, dx=0.2)
    ax.set_title("Trusted devices: the client type decides whether a certificate is demanded", fontsize=10)
    return fig


SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]


@figure_maker
def audit_findings_by_severity(findings: pd.DataFrame) -> Figure:
    """Notebook 12: stacked bars of ``findings`` (``course.notebooks.internet_of_things.findings_frame()``)
    per severity, active solid and suppressed hatched; the data are an argument so the chart shows what the
    learner's notebook holds."""
    from matplotlib.figure import Figure

    counts = (findings.assign(state=findings["is_suppressed"].map({False: "active", True: "suppressed"}))
              .pivot_table(index="severity", columns="state", values="finding_id", aggfunc="count", fill_value=0)
              .reindex(SEVERITIES, fill_value=0))
    fig = Figure(figsize=(7, 3.2))
    ax = fig.subplots()
    counts.plot.bar(ax=ax, stacked=True, color=["#c0392b", "#bbbbbb"], edgecolor="#333333")
    for bars, hatch in zip(ax.containers, ["", "//"], strict=False):  # active solid, suppressed hatched
        for bar in bars:
            bar.set_hatch(hatch)
    ax.set_xlabel("severity")
    ax.set_ylabel("findings")
    ax.set_title("Audit findings by severity: active and suppressed")
    ax.legend(title="")
    for label in ax.get_xticklabels():  # upright severity names (pandas turns bar labels by 90 degrees)
        label.set_rotation(0)
    fig.tight_layout()
    return fig
