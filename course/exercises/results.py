"""The outcome of checking one answer: requirements met or not, with hints, as HTML or text."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

PASS_MARK = "✔ PASS"
FAIL_MARK = "✘ FAIL"
# the check's verdict as data, saved in the notebook beside the HTML and text: `aws-course progress` reads
# this instead of the rendered table (bump CHECK_SCHEMA when a field changes meaning)
CHECK_MIMETYPE = "application/vnd.aws-course.check+json"
CHECK_SCHEMA = 1


@dataclass(frozen=True)
class Requirement:
    """One thing the answer must do; ``hint`` names the misconception when it is not met."""

    description: str
    passed: bool
    hint: str = ""
    hidden: bool = False
    weight: float = 1.0

    def to_dict(self) -> dict:
        return {"description": self.description, "passed": self.passed, "hint": self.hint,
                "hidden": self.hidden, "weight": self.weight}


@dataclass
class CheckResult:
    """Requirements of one exercise, or a single ``error`` when the answer could not be read at all."""

    exercise_id: str
    title: str
    requirements: list[Requirement] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.requirements) and all(r.passed for r in self.requirements)

    @property
    def score(self) -> float:
        """Fraction of requirement weight met, 0.0 to 1.0 (0.0 for an unreadable answer)."""
        if self.error is not None or not self.requirements:
            return 0.0
        total = sum(r.weight for r in self.requirements)
        return sum(r.weight for r in self.requirements if r.passed) / total if total else 0.0

    @property
    def failures(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.passed]

    def to_dict(self) -> dict:
        return {"exercise_id": self.exercise_id, "title": self.title, "passed": self.passed,
                "score": self.score, "error": self.error,
                "requirements": [r.to_dict() for r in self.requirements]}

    def summary(self) -> str:
        if self.error is not None:
            return f"Question {self.exercise_id}: the answer could not be checked: {self.error}"
        met = sum(r.passed for r in self.requirements)
        return f"Question {self.exercise_id}: {met} of {len(self.requirements)} requirements met"

    def failure_line(self) -> str:
        """One line for a failed check, shown under the feedback table in place of a traceback."""
        if self.error is not None:
            return f"{FAIL_MARK.split()[0]} Question {self.exercise_id}: the answer could not be checked — " \
                   "see the message above"
        missed = len(self.failures)
        return (f"{FAIL_MARK.split()[0]} Question {self.exercise_id}: {missed} of {len(self.requirements)} "
                f"requirement{'s' if len(self.requirements) != 1 else ''} not met — see the table above")

    def __str__(self) -> str:
        lines = [f"Question {self.exercise_id} — {self.title}"]
        if self.error is not None:
            lines.append(f"  {FAIL_MARK}  {self.error}")
        for req in self.requirements:
            label = ("(hidden) " if req.hidden else "") + req.description
            lines.append(f"  {PASS_MARK if req.passed else FAIL_MARK}  {label}")
            if not req.passed and req.hint:
                lines.append(f"           hint: {req.hint}")
        lines.append(f"  score: {self.score:.0%}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def payload(self) -> dict:
        """The verdict as JSON data: what a reader of saved notebooks needs without parsing the table."""
        return {"schema": CHECK_SCHEMA, **self.to_dict(), "summary": self.summary()}

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict:
        """The JSON verdict; IPython adds text/html (``_repr_html_``) and text/plain (``__repr__``) to it."""
        return {CHECK_MIMETYPE: self.payload()}

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = []
        if self.error is not None:
            rows.append(f'<tr><td style="color:#a40000">{FAIL_MARK}</td><td>{esc(self.error)}</td><td></td></tr>')
        for req in self.requirements:
            mark = PASS_MARK if req.passed else FAIL_MARK
            colour = "#1a6b1a" if req.passed else "#a40000"
            label = ("<em>(hidden)</em> " if req.hidden else "") + esc(req.description)
            hint = "" if req.passed else esc(req.hint)
            rows.append(f'<tr><td style="color:{colour};white-space:nowrap"><strong>{mark}</strong></td>'
                        f"<td>{label}</td><td>{hint}</td></tr>")
        return (
            f'<table class="aws-course-check" aria-label="Check of question {esc(self.exercise_id)}">'
            f"<caption style=\"text-align:left\"><strong>Question {esc(self.exercise_id)}</strong> — "
            f"{esc(self.title)} · score {self.score:.0%}</caption>"
            "<thead><tr><th>Result</th><th>Requirement</th><th>Hint</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
