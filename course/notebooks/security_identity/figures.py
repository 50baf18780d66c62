"""Notebook 01's figures: the order of an IAM decision (part 1), envelope encryption (part 2) and the GuardDuty
finding types per resource (part 3).

They live here rather than in the notebooks' cells so the notebooks stay thin and so each is a
:func:`course.figures.figure_maker`: an instructor cell that only shows one costs the grader nothing (no
matplotlib import, no drawing). Each returns a bare ``Figure`` (no pyplot state) for
:func:`course.figures.show_figure`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course.figures import ALLOW_TINT, CHECK_TINT, DENY_TINT, arrow, box, diagram, figure_maker

if TYPE_CHECKING:  # matplotlib and pandas load when a figure is drawn
    import pandas as pd
    from matplotlib.figure import Figure


# One step of the decision per column: the question AWS asks, and where a "no" (or a "yes") leads.
DECISION_STEPS = (
    ("explicit Deny\nin any policy?", "yes: ExplicitDeny"),
    ("RCPs: does every\nlevel allow?", "no: ImplicitDeny"),
    ("SCPs: does every\nlevel allow?", "no: ImplicitDeny"),
    ("resource policy\nallows?", "same account:\nmay Allow here"),
    ("identity policy\nallows?", "no: ImplicitDeny"),
    ("boundary and\nsession policy\nallow?", "no: ImplicitDeny"),
)


@figure_maker
def evaluation_order() -> Figure:
    """The order in which AWS decides one request, one column per step (simplified)."""
    fig, ax = diagram(12, 4.2)
    for i, (question_text, outcome) in enumerate(DECISION_STEPS):
        x = 0.1 + i * 1.98
        box(ax, x, 2.4, 1.7, 1.1, question_text)
        box(ax, x, 0.6, 1.7, 0.9, outcome, DENY_TINT if "Deny" in outcome else ALLOW_TINT, size=8)
        arrow(ax, (x + 0.85, 2.4), (x + 0.85, 1.5))
        if i < len(DECISION_STEPS) - 1:
            arrow(ax, (x + 1.7, 2.95), (x + 1.98, 2.95))
    ax.text(11.8, 3.75, "all passed: Allow", ha="right", fontsize=10)
    ax.set_title("The order in which AWS decides one request (simplified)", fontsize=11)
    return fig


@figure_maker
def envelope_encryption() -> Figure:
    """KMS protects a small data key; the data key protects the data."""
    fig, ax = diagram(11, 3.6)
    box(ax, 0.2, 2.2, 2.2, 1.0, "KMS key\n(never leaves KMS)", CHECK_TINT)
    box(ax, 3.3, 2.2, 2.6, 1.0, "GenerateDataKey returns\nplaintext data key +\nencrypted data key")
    box(ax, 6.8, 2.2, 3.9, 1.0, "encrypt the data locally with the\nplaintext data key, then erase it")
    box(ax, 3.3, 0.3, 7.4, 1.0, "store the ciphertext together with the encrypted data key;\n"
        "to read it back, send the encrypted data key to KMS Decrypt", ALLOW_TINT)
    arrow(ax, (2.4, 2.7), (3.3, 2.7))
    arrow(ax, (5.9, 2.7), (6.8, 2.7))
    arrow(ax, (8.75, 2.2), (8.75, 1.3))
    ax.set_title("Envelope encryption: KMS protects a small data key, the data key protects the data", fontsize=11)
    return fig


@figure_maker
def finding_types_by_resource(finding_types: pd.DataFrame) -> Figure:
    """Stacked bars: how many of ``finding_types`` (``course.data.guardduty_finding_types()``) concern each
    resource type, per severity, each segment labelled with its count."""
    import pandas as pd
    from matplotlib.figure import Figure

    counts = pd.crosstab(finding_types["resource"], finding_types["severity"])[["Low", "Medium", "High"]]
    fig = Figure(figsize=(8, 2.8))
    ax = fig.subplots()
    counts.plot.barh(ax=ax, stacked=True, color=["#deebf7", "#9ecae1", "#4292c6"],  # Low, Medium, High
                     edgecolor="#333333")
    ax.set_xlabel("number of finding types (GuardDuty user guide, January 2022)")
    ax.set_ylabel("resource type")
    ax.set_title("GuardDuty finding types per resource type and severity", fontsize=11)
    for container in ax.containers:  # one BarContainer per severity
        ax.bar_label(container, label_type="center", fontsize=8)  # type: ignore[arg-type]
    fig.tight_layout()
    return fig
