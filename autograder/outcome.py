"""What grading one submission produced, as typed data from the worker to every writer (gradebook, ledger,
CSV, report, feedback): an :class:`Outcome` per student, a :class:`PartOutcome` per notebook of the
assignment, a :class:`CellScore` per check cell. Plain dicts exist only at the two boundaries that need
them: a remote (Dask) worker's reply and the ledger's JSON lines (:meth:`Outcome.to_dict`/``from_dict``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

SEVERITY = {"graded": 0, "flagged": 1, "failed": 2}  # the whole assignment takes its worst part's status


@dataclass
class CellScore:
    grade_id: str
    exercise_id: str
    points: float
    score: float
    passed: bool
    in_kernel_passed: bool | None  # None: the cell never ran
    results: list[dict[str, Any]] = field(default_factory=list)  # CheckResult.to_dict() of each call
    problem: str | None = None
    visible_passed: bool | None = None  # the trusted verdict on the visible cases alone (None: not checked)
    budget: str | None = None  # why the trusted check was stopped (time or memory budget)
    # the answer as data (answers.to_data) when the question varies per learner: same-answer detection
    # compares it with the other learners' variants after the batch (autograder.same_answer)
    answer: Any = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CellScore:
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


@dataclass
class PartOutcome:
    """One notebook's own verdict (an assignment has one part per notebook, most have one)."""

    notebook: str  # nbgrader's notebook name (without .ipynb)
    status: str  # graded | failed | flagged
    score: float
    max_score: float
    detail: str
    cells: list[CellScore] = field(default_factory=list)
    seconds: float = 0.0
    autograded: str | None = None  # the executed notebook (nbformat JSON) until it is saved


@dataclass
class Outcome:
    """One student's whole assignment: scores summed over the parts, the worst status, one CSV row."""

    student_id: str
    assignment: str
    sha256: str
    status: str  # graded | failed | flagged
    score: float
    max_score: float
    detail: str
    parts: list[PartOutcome] = field(default_factory=list)  # empty when nothing could be graded at all
    seconds: float = 0.0
    # nbgrader's lateness, set when the gradebook records the result (autograder.lateness): the submission
    # time from its timestamp.txt ("" without one), seconds past the due date, points taken off the score
    timestamp: str = ""
    late_by_seconds: float = 0.0
    penalty: float = 0.0

    @property
    def cells(self) -> list[CellScore]:
        return [cell for part in self.parts for cell in part.cells]

    def part(self, notebook: str) -> PartOutcome | None:
        """The part of ``notebook``; a ledger line written before parts existed has one unnamed part."""
        named = [p for p in self.parts if p.notebook == notebook]
        if named:
            return named[0]
        return self.parts[0] if len(self.parts) == 1 and not self.parts[0].notebook else None

    def to_dict(self, notebooks: bool = True) -> dict[str, Any]:
        """Plain JSON-able data; ``notebooks=False`` leaves the executed notebooks out (the ledger's lines)."""
        data: dict[str, Any] = {name: getattr(self, name) for name in
                                ("student_id", "assignment", "sha256", "status", "score", "max_score", "detail",
                                 "seconds", "timestamp", "late_by_seconds", "penalty")}
        data["cells"] = [{**asdict(cell), "notebook": part.notebook} for part in self.parts for cell in part.cells]
        data["parts"] = [{"notebook": p.notebook, "status": p.status, "score": p.score, "max_score": p.max_score,
                          "detail": p.detail, "seconds": p.seconds} for p in self.parts]
        if notebooks:
            data["autograded"] = {p.notebook: p.autograded for p in self.parts if p.autograded is not None}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        """The inverse of :meth:`to_dict`; also reads ledger lines written before every outcome had parts
        (cells without a notebook: one unnamed part holding the whole verdict)."""
        cells = [dict(c) for c in data.get("cells") or []]
        notebooks = dict(data.get("autograded") or {})
        parts = [PartOutcome(p["notebook"], p["status"], float(p["score"]), float(p["max_score"]), p["detail"],
                             [CellScore.from_dict(c) for c in cells if c.get("notebook") == p["notebook"]],
                             float(p.get("seconds", 0.0)), notebooks.get(p["notebook"]))
                 for p in data.get("parts") or []]
        if not parts and cells:
            parts = [PartOutcome("", data["status"], float(data["score"]), float(data["max_score"]), data["detail"],
                                 [CellScore.from_dict(c) for c in cells], float(data.get("seconds", 0.0)))]
        return cls(data["student_id"], data["assignment"], data["sha256"], data["status"], float(data["score"]),
                   float(data["max_score"]), data["detail"], parts, float(data.get("seconds", 0.0)),
                   str(data.get("timestamp") or ""), float(data.get("late_by_seconds") or 0.0),
                   float(data.get("penalty") or 0.0))
