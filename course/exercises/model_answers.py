"""Self-study model answers: offered under a check only after the learner has passed it.

A model answer is the instructor's solution cell in ``source/`` (the cell whose nbgrader grade_id is
``answer-<id>``), read at check time and only after a pass, so nothing of it is in the learner's kernel
before. The offer needs the learner profile (``AWS_COURSE_PROFILE=learner``, set by ``aws-course lab`` for its
kernels): the grader's kernels, the instructor profile (whose nbgrader autograde would copy the offer into
feedback) and plain test runs never show one. Where the course was installed without
``source/`` (a JupyterHub's student servers), the offer says that model answers come from the instructor.
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROFILE_VARIABLE = "AWS_COURSE_PROFILE"  # course.profiles.PROFILE_VARIABLE (exercises may not import it)
ROOT_VARIABLE = "AWS_COURSE_ROOT"
MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
FROM_INSTRUCTOR = ("Model answers come from your instructor: this installation has no instructor notebooks "
                   "(source/). Ask them for the model answer of this question.")
DEFAULT_EXPLANATION = ("Your answer met every requirement, as this one does. It is one way to write it, not "
                       "the only one: compare the two and keep whichever you can explain.")


@dataclass(frozen=True)
class ModelAnswer:
    """What a learner who passed may open: the model answer and why it works, collapsed."""

    exercise_id: str
    code: str | None  # None: no instructor notebooks here
    explanation: str = ""

    def _repr_html_(self) -> str:
        esc = html.escape
        summary = f"Model answer for question {esc(self.exercise_id)} (you passed: open to compare)"
        if self.code is None:
            body = f"<p>{esc(FROM_INSTRUCTOR)}</p>"
        else:
            body = f"<pre><code>{esc(self.code)}</code></pre><p>{esc(self.explanation)}</p>"
        return (f'<details class="aws-course-model-answer"><summary>{summary}</summary>{body}</details>')

    def __repr__(self) -> str:
        if self.code is None:
            return f"Question {self.exercise_id}: {FROM_INSTRUCTOR}"
        return f"Model answer for question {self.exercise_id}:\n{self.code}\n{self.explanation}"


LEARNER = "learner"


def in_profile() -> bool:
    """True in a kernel started by the learner's lab (``aws-course lab``, or a hub that sets the variable)."""
    return os.environ.get(PROFILE_VARIABLE) == LEARNER


def grade_id(exercise_id: str) -> str:
    return "answer-" + exercise_id.replace(".", "-")


def source_folder() -> Path | None:
    """The instructor notebooks of the course the lab serves, if this installation has them."""
    root = os.environ.get(ROOT_VARIABLE)
    folder = Path(root) / "source" if root else None
    return folder if folder is not None and folder.is_dir() else None


def read_model_answer(exercise_id: str, source: Path) -> str | None:
    """The solution cell of ``exercise_id`` in the notebooks of ``source/NN-*/`` (NN: the question's
    notebook), without nbgrader's solution markers; None if no notebook has it."""
    number = exercise_id.split(".")[0]
    wanted = grade_id(exercise_id)
    for path in sorted(source.glob(f"{int(number):02d}-*/*.ipynb")) if number.isdigit() else []:
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == wanted:
                text = cell.get("source", "")
                return MARKER.sub("", "".join(text) if isinstance(text, list) else text).strip("\n")
    return None


def explanation(exercise: Any, answer: Any) -> str:
    """Why the (passing) answer works, from what the author wrote: the explanations of the options it
    chose for choice questions, the ordering rules it keeps for orderings; otherwise a general word."""
    from course.exercises.kinds.choice import Ordering, _Options

    if isinstance(exercise, Ordering):
        return " ".join(f"{rule.description[:1].upper()}{rule.description[1:]}." for rule in exercise.rules)
    if isinstance(exercise, _Options):
        chosen = [answer] if isinstance(answer, str) else list(answer) if isinstance(answer, (set, list, tuple)) else []
        letters = sorted({str(c).strip().upper() for c in chosen})
        texts = [f"{letter}: {exercise.explain(letter)}" for letter in letters if exercise.explain(letter)]
        if texts:
            return " ".join(texts)
    return DEFAULT_EXPLANATION


def model_answer(exercise: Any, answer: Any) -> ModelAnswer | None:
    """The offer for a passed ``exercise`` (reads source/ now, never before a pass); None when the
    instructor notebooks are here but none has this question (an exercise of another package)."""
    source = source_folder()
    if source is None:
        return ModelAnswer(exercise.id, None)
    code = read_model_answer(exercise.id, source)
    return ModelAnswer(exercise.id, code, explanation(exercise, answer)) if code is not None else None
