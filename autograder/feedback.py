"""Per-student feedback as one self-contained HTML file: no scripts, no CDN, no test code, no solutions.

Every string in it is HTML-escaped (learner text reaches it through student ids and error messages).
It is built from the trusted results only (requirement descriptions, met or not, hints), never from
the executed notebook, so nothing of the hidden test cells or the source notebook can leak into it.
"""

from __future__ import annotations

from pathlib import Path

from autograder.assignment import Assignment, AssignmentSpec
from autograder.escape import html_text
from autograder.outcome import Outcome, PartOutcome

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
.pass{color:#1a6b1a;font-weight:bold}.fail{color:#a40000;font-weight:bold}
.status{padding:.2rem .5rem;border-radius:.3rem;background:#eee}
"""


NOT_ANSWERED = ("not answered", "the answer variable is not defined")  # autograder.extract's reasons


def question_titles() -> dict[str, str]:
    """Each question's title from the course's registry (``10.3`` -> ``Route an SES bounce...``); none
    when the registry cannot be read (the page then shows the number alone)."""
    try:
        from course.exercises import all_exercises

        return {exercise.id: exercise.title for exercise in all_exercises()}
    except Exception:  # noqa: BLE001 - a title is a courtesy, never a reason to lose a feedback page
        return {}


def _no_answer_hint(error: str, answer_name: str | None) -> str:
    """What to do about a question left unanswered (the answer variable was never assigned), as HTML."""
    if answer_name and any(reason in error for reason in NOT_ANSWERED):
        return f"no answer: assign <code>{html_text(answer_name)}</code> in the cell under the question"
    return ""


def render(spec: AssignmentSpec, part: PartOutcome, outcome: Outcome, several: bool = False,
           titles: dict[str, str] | None = None) -> str:
    """The feedback page of one notebook (``part``) of ``outcome``; ``several``: the assignment has several
    notebooks, so the page names its notebook and shows the whole assignment's score too."""
    esc = html_text  # HTML-escaped, control characters and terminal escapes removed
    title = f"{spec.name} / {spec.notebook_name}" if several else spec.name
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             f"<title>Feedback: {esc(title)} for {esc(outcome.student_id)}</title>",
             f"<style>{STYLE}</style></head><body>",
             f"<h1>{esc(title)}: feedback for {esc(outcome.student_id)}</h1>"]
    if several:
        parts.append(f"<p>Whole assignment: <strong>{outcome.score:g} / {outcome.max_score:g}</strong> · "
                     f"<span class='status'>{esc(outcome.status)}</span></p>")
    parts.append(f"<p>{'This notebook' if several else 'Score'}: "
                 f"<strong>{part.score:g} / {part.max_score:g}</strong> · "
                 f"<span class='status'>{esc(part.status)}</span></p>")
    if part.status != "graded" or part.detail != "ok":
        parts.append(f"<p><strong>Note:</strong> {esc(part.detail)}</p>")
    names = {check.grade_id: check.answer_name for check in spec.checks}
    for cell in part.cells:
        named = (titles or {}).get(cell.exercise_id)
        heading = f"Question {cell.exercise_id}" + (f" — {named}" if named else "")
        parts.append(f"<h2>{esc(heading)}: {cell.score:g} / {cell.points:g} points</h2>")
        seen: set[tuple[str, bool, bool]] = set()
        rows = []
        for result in cell.results:
            if result.get("error"):
                hint = _no_answer_hint(str(result["error"]), names.get(cell.grade_id))
                rows.append(f"<tr><td class='fail'>✘ not checked</td><td>{esc(result['error'])}</td>"
                            f"<td>{hint}</td></tr>")
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


def part_of(outcome: Outcome, spec: AssignmentSpec) -> PartOutcome:
    """The notebook's own verdict; when nothing could be graded (no part), 0 points with the outcome's
    status and reason."""
    return outcome.part(spec.notebook_name) or PartOutcome(spec.notebook_name, outcome.status, 0.0,
                                                           spec.max_score, outcome.detail)


def write_all(workspace: Path, whole: Assignment, outcomes: list[Outcome]) -> list[Path]:
    """``feedback/<student>/<assignment>/<notebook>.html``, where nbgrader puts its own feedback: one page
    per notebook of the assignment."""
    several = len(whole.parts) > 1
    titles = question_titles()
    written = []
    for outcome in outcomes:
        for spec in whole.parts:
            target = workspace / "feedback" / outcome.student_id / whole.name / f"{spec.notebook_name}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render(spec, part_of(outcome, spec), outcome, several, titles), encoding="utf-8")
            written.append(target)
    return written
