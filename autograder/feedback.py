"""Per-student feedback as one self-contained HTML file: no scripts, no CDN, no test code, no solutions.

Every string in it is HTML-escaped (learner text reaches it through student ids and error messages).
It is built from the trusted results only (requirement descriptions, met or not, hints), never from
the executed notebook, so nothing of the hidden test cells or the source notebook can leak into it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autograder.assignment import Assignment, AssignmentSpec, as_assignment
from autograder.escape import html_text

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
.pass{color:#1a6b1a;font-weight:bold}.fail{color:#a40000;font-weight:bold}
.status{padding:.2rem .5rem;border-radius:.3rem;background:#eee}
"""


def render(spec: AssignmentSpec, row: dict[str, Any], whole: dict[str, Any] | None = None) -> str:
    """The feedback of one notebook; ``whole``: the assignment's row when it has several notebooks."""
    esc = html_text  # HTML-escaped, control characters and terminal escapes removed
    title = spec.name if whole is None else f"{spec.name} / {spec.notebook_name}"
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             f"<title>Feedback: {esc(title)} for {esc(row['student_id'])}</title>",
             f"<style>{STYLE}</style></head><body>",
             f"<h1>{esc(title)}: feedback for {esc(row['student_id'])}</h1>"]
    if whole is not None:
        parts.append(f"<p>Whole assignment: <strong>{whole['score']:g} / {whole['max_score']:g}</strong> · "
                     f"<span class='status'>{esc(whole['status'])}</span></p>")
    parts.append(f"<p>{'This notebook' if whole is not None else 'Score'}: "
                 f"<strong>{row['score']:g} / {row['max_score']:g}</strong> · "
                 f"<span class='status'>{esc(row['status'])}</span></p>")
    if row["status"] != "graded" or row.get("detail", "ok") != "ok":
        parts.append(f"<p><strong>Note:</strong> {esc(str(row.get('detail', '')))}</p>")
    for cell in row.get("cells", []):
        parts.append(f"<h2>Question {esc(cell['exercise_id'])}: {cell['score']:g} / {cell['points']:g} points</h2>")
        seen: set[tuple[str, bool, bool]] = set()
        rows = []
        for result in cell.get("results", []):
            if result.get("error"):
                rows.append(f"<tr><td class='fail'>✘ not checked</td><td>{esc(result['error'])}</td><td></td></tr>")
            for req in result.get("requirements", []):
                key = (req["description"], req["passed"], req["hidden"])
                if key in seen:  # visible requirements repeat in every hidden call
                    continue
                seen.add(key)
                mark = "<span class='pass'>✔ met</span>" if req["passed"] else "<span class='fail'>✘ not met</span>"
                label = ("<em>(hidden case)</em> " if req["hidden"] else "") + esc(req["description"])
                hint = "" if req["passed"] else esc(req.get("hint", ""))
                rows.append(f"<tr><td>{mark}</td><td>{label}</td><td>{hint}</td></tr>")
        parts.append("<table><thead><tr><th>Result</th><th>Requirement</th><th>Hint</th></tr></thead>"
                     f"<tbody>{''.join(rows)}</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _part_rows(whole: Assignment, row: dict[str, Any]) -> list[tuple[AssignmentSpec, dict[str, Any]]]:
    """Each notebook's own row: its cells, score and verdict (all of them failed when the row has no parts)."""
    parts = {p["notebook"]: p for p in row.get("parts", [])}
    out = []
    for spec in whole.parts:
        verdict = parts.get(spec.notebook_name, {"status": row["status"], "score": 0.0,
                                                 "max_score": spec.max_score, "detail": row.get("detail", "")})
        cells = [c for c in row.get("cells", []) if c.get("notebook") == spec.notebook_name]
        out.append((spec, {**verdict, "student_id": row["student_id"], "cells": cells}))
    return out


def write_all(workspace: Path, spec: AssignmentSpec | Assignment, rows: list[dict[str, Any]]) -> list[Path]:
    """``feedback/<student>/<assignment>/<notebook>.html``, where nbgrader puts its own feedback
    (one file per notebook when the assignment has several)."""
    whole = as_assignment(spec)
    written = []
    for row in rows:
        if whole.multi:
            pages = [(part, render(part, part_row, row)) for part, part_row in _part_rows(whole, row)]
        else:
            pages = [(whole.parts[0], render(whole.parts[0], row))]
        for part, text in pages:
            target = workspace / "feedback" / row["student_id"] / whole.name / f"{part.notebook_name}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written
