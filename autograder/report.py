"""The batch report for the instructor: score distribution (PNG), per-question pass rates, and the
failed and flagged submissions with their reasons, as Markdown next to the CSV.

It covers every result of the assignment in the workspace (the ledger's, not only this batch's), is
written atomically, and every piece of learner text in it (student ids, reasons) is Markdown-escaped.
"""

from __future__ import annotations

import io
from pathlib import Path

from autograder.assignment import Assignment
from autograder.atomic import write_atomic
from autograder.escape import markdown as md
from autograder.outcome import Outcome


def _plot(scores: list[float], max_score: float, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.5))
    bins = max(5, min(20, int(max_score) + 1)) if max_score else 10
    ax.hist(scores, bins=bins, range=(0, max_score or 1), color="#4a78b5", edgecolor="white")
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("submissions")
    ax.set_title("Score distribution")
    fig.tight_layout()
    image = io.BytesIO()
    fig.savefig(image, format="png", dpi=100)
    plt.close(fig)
    write_atomic(target, image.getvalue())


def write_report(workspace: Path, whole: Assignment, rows: list[Outcome]) -> Path:
    """``reports/<assignment>.md`` and its histogram; check cells are named by part when there are several."""
    folder = workspace / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{whole.name}-scores.png"
    _plot([r.score for r in rows], whole.max_score, png)
    lines = [f"# Grading report: {md(whole.name)}", "",
             f"{len(rows)} submissions: " + ", ".join(
                 f"{sum(r.status == s for r in rows)} {s}" for s in ("graded", "flagged", "failed")), ""]
    if rows:
        mean = sum(r.score for r in rows) / len(rows)
        lines += [f"Mean score {mean:.2f} / {whole.max_score:g}.", ""]
    lines += [f"![Score distribution: a histogram of the {len(rows)} scores]({png.name})", "",
              "## Per-question pass rates", "", "| question | check cell | points | passed | pass rate |",
              "|---|---|---|---|---|"]
    several = len(whole.parts) > 1
    for part in whole.parts:
        graded = [p for p in (r.part(part.notebook_name) for r in rows) if p is not None]
        for check in part.checks:
            passed = sum(c.passed for p in graded for c in p.cells if c.grade_id == check.grade_id)
            rate = f"{passed / len(rows):.0%}" if rows else "-"
            cell_name = f"{whole.label(part.notebook_name)}/{check.grade_id}" if several else check.grade_id
            lines.append(f"| {md(check.exercise_id)} | {md(cell_name)} | {check.points:g} | {passed}/{len(rows)} "
                         f"| {rate} |")
    for status in ("failed", "flagged"):
        chosen = [r for r in rows if r.status == status]
        lines += ["", f"## {status.capitalize()} submissions ({len(chosen)})", ""]
        lines += [f"- **{md(r.student_id)}** ({r.score:g}/{r.max_score:g}): {md(r.detail)}"
                  for r in chosen] or ["None."]
    target = folder / f"{whole.name}.md"
    write_atomic(target, "\n".join(lines) + "\n")
    return target
