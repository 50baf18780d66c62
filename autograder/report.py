"""The batch report for the instructor: score distribution (PNG), per-question pass rates, the failed and
flagged submissions with their reasons, and the answers that fit another learner's variant, as Markdown next
to the CSV and as one offline HTML page (the histogram embedded, nothing fetched).

It covers every result of the assignment in the workspace (the ledger's, not only this batch's), is
written atomically, and every piece of learner text in it (student ids, reasons) is Markdown- or HTML-escaped.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from autograder.assignment import Assignment
from autograder.atomic import write_atomic
from autograder.escape import html_text
from autograder.escape import markdown as md
from autograder.outcome import Outcome
from autograder.same_answer import Findings
from autograder.same_answer_report import html_section, markdown_section


def _plot(scores: list[float], max_score: float) -> bytes:
    """The histogram as PNG bytes; the count axis has whole numbers only (submissions are counted)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(7, 3.5))
    bins = max(5, min(20, int(max_score) + 1)) if max_score else 10
    ax.hist(scores, bins=bins, range=(0, max_score or 1), color="#4a78b5", edgecolor="white")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("submissions")
    ax.set_title("Score distribution")
    fig.tight_layout()
    image = io.BytesIO()
    fig.savefig(image, format="png", dpi=100)
    plt.close(fig)
    return image.getvalue()


def _facts(whole: Assignment, rows: list[Outcome]) -> tuple[str, str | None, list[tuple[str, str, str, str, str]],
                                                             dict[str, list[Outcome]]]:
    """What both pages say: the counts line, the mean line, the per-question rows (question, check cell,
    points, passed, rate; learner-free text) and the failed and flagged submissions."""
    counts = f"{len(rows)} submissions: " + ", ".join(
        f"{sum(r.status == s for r in rows)} {s}" for s in ("graded", "flagged", "failed"))
    mean = f"Mean score {sum(r.score for r in rows) / len(rows):.2f} / {whole.max_score:g}." if rows else None
    table = []
    several = len(whole.parts) > 1
    for part in whole.parts:
        graded = [p for p in (r.part(part.notebook_name) for r in rows) if p is not None]
        for check in part.checks:
            passed = sum(c.passed for p in graded for c in p.cells if c.grade_id == check.grade_id)
            rate = f"{passed / len(rows):.0%}" if rows else "-"
            cell_name = f"{whole.label(part.notebook_name)}/{check.grade_id}" if several else check.grade_id
            table.append((check.exercise_id, cell_name, f"{check.points:g}", f"{passed}/{len(rows)}", rate))
    return counts, mean, table, {s: [r for r in rows if r.status == s] for s in ("failed", "flagged")}


def _markdown(whole: Assignment, rows: list[Outcome], png: str, same: Findings | None = None) -> str:
    counts, mean, table, chosen = _facts(whole, rows)
    lines = [f"# Grading report: {md(whole.name)}", "", counts, ""]
    if mean:
        lines += [mean, ""]
    lines += [f"![Score distribution: a histogram of the {len(rows)} scores]({png})", "",
              "## Per-question pass rates", "", "| question | check cell | points | passed | pass rate |",
              "|---|---|---|---|---|"]
    lines += [f"| {md(q)} | {md(c)} | {p} | {n} | {r} |" for q, c, p, n, r in table]
    for status, listed in chosen.items():
        lines += ["", f"## {status.capitalize()} submissions ({len(listed)})", ""]
        lines += [f"- **{md(r.student_id)}** ({r.score:g}/{r.max_score:g}): {md(r.detail)}" for r in listed] \
            or ["None."]
    if same is not None:
        lines += markdown_section(same)
    return "\n".join(lines) + "\n"


STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
img{max-width:100%}"""


def _html(whole: Assignment, rows: list[Outcome], image: bytes, same: Findings | None = None) -> str:
    """One offline page: no scripts, no links out, the histogram embedded as a data: URL."""
    counts, mean, table, chosen = _facts(whole, rows)
    esc = html_text
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             f"<title>Grading report: {esc(whole.name)}</title><style>{STYLE}</style></head><body>",
             f"<h1>Grading report: {esc(whole.name)}</h1>", f"<p>{esc(counts)}</p>"]
    if mean:
        parts.append(f"<p>{esc(mean)}</p>")
    parts.append(f"<img src='data:image/png;base64,{base64.b64encode(image).decode()}' "
                 f"alt='Score distribution: a histogram of the {len(rows)} scores'>")
    parts.append("<h2>Per-question pass rates</h2><table><thead><tr><th>question</th><th>check cell</th>"
                 "<th>points</th><th>passed</th><th>pass rate</th></tr></thead><tbody>")
    parts += ["<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in table]
    parts.append("</tbody></table>")
    for status, listed in chosen.items():
        parts.append(f"<h2>{status.capitalize()} submissions ({len(listed)})</h2>")
        items = [f"<li><strong>{esc(r.student_id)}</strong> ({r.score:g}/{r.max_score:g}): {esc(r.detail)}</li>"
                 for r in listed]
        parts.append(f"<ul>{''.join(items)}</ul>" if items else "<p>None.</p>")
    if same is not None:
        parts += html_section(same)
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(workspace: Path, whole: Assignment, rows: list[Outcome], same: Findings | None = None) -> Path:
    """``reports/<assignment>.md`` with its histogram PNG, and ``reports/<assignment>.html``, the same as one
    offline page with the histogram inside; check cells are named by part when there are several. ``same``:
    the answers that fit another learner's variant (:mod:`autograder.same_answer`), a section of both pages."""
    folder = workspace / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    image = _plot([r.score for r in rows], whole.max_score)
    png = folder / f"{whole.name}-scores.png"
    write_atomic(png, image)
    write_atomic(folder / f"{whole.name}.html", _html(whole, rows, image, same))
    target = folder / f"{whole.name}.md"
    write_atomic(target, _markdown(whole, rows, png.name, same))
    return target
