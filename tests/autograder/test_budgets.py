"""The trusted scorer's budget (a helper process per worker) and like-with-like flagging, without kernels.

The scorer tests start real helper processes; the near-miss tests use the course's own exercises and the
hidden cases of the source notebooks, and compute the in-kernel verdict the way the check cell does
(``check(id, answer)`` raising or not).
"""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path

import nbfactory as f
import pytest

from autograder.assignment import CheckSpec, load_assignment
from autograder.score import disagreements, trusted
from autograder.scorer import Budget, BudgetExceeded, Scorer
from course.exercises import ExerciseFailed, check, to_data

ROOT = Path(__file__).resolve().parents[2]
MODULE = "agbudget_unit_exercises"
EXERCISES = '''
import os
from dataclasses import dataclass
from typing import Any, ClassVar

from course.exercises import Exercise, Requirement, register


@dataclass(kw_only=True)
class Costly(Exercise):
    kind: ClassVar[str] = "costly"

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        import re

        if answer == "slow":
            while True:
                pass
        if answer == "hog":
            hog = [bytearray(32 * 1024 * 1024) for _ in range(64)]
            return [Requirement("never", len(hog) < 0)]
        if answer == "crash":
            os.kill(os.getpid(), 9)
        if answer.startswith("regex:"):  # a checker built on a backtracking regex, fed a hostile answer
            return [Requirement("matches", re.fullmatch("(a+)+b", answer[6:]) is not None)]
        return [Requirement("the answer is ok", answer == "ok", "write ok")]


register(Costly(id="96.1", title="A costly check", points=2, answer_name="answer_96_1"))
'''
BUDGET = Budget(seconds=1.5, memory_bytes=256 * 1024**2)
SPEC = CheckSpec("check-96-1", "96.1", "answer_96_1", 2.0)


@pytest.fixture(scope="module")
def scorer(tmp_path_factory):
    pylib = tmp_path_factory.mktemp("pylib")
    (pylib / f"{MODULE}.py").write_text(EXERCISES)
    helper = Scorer(BUDGET, (str(pylib),), (MODULE,))
    yield helper
    helper.stop()


@pytest.fixture(scope="module")
def course_scorer():
    helper = Scorer(Budget(seconds=10))
    yield helper
    helper.stop()


def answer_file(folder: Path, answer, name: str = "answer") -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"data": to_data(answer)}))
    return path


def test_an_ordinary_answer_is_scored(scorer, tmp_path):
    cell = trusted(SPEC, scorer, answer_file(tmp_path, "ok"))
    assert (cell.score, cell.passed, cell.visible_passed, cell.budget) == (2.0, True, True, None)
    cell = trusted(SPEC, scorer, tmp_path / "never-written.json")
    assert cell.score == 0 and "could not be read out of the kernel" in cell.problem


@pytest.mark.parametrize("answer, words", [
    ("slow", "took more than 1.5 s"),
    ("regex:" + "a" * 40, "took more than 1.5 s"),
    ("hog", "needed more than 256 MiB of memory"),
    ("crash", "crashed the checker (signal 9"),
])
def test_a_blown_budget_costs_that_question_and_the_next_one_is_scored(scorer, tmp_path, answer, words):
    start = time.monotonic()
    cell = trusted(SPEC, scorer, answer_file(tmp_path, answer))
    assert time.monotonic() - start < BUDGET.seconds + 5
    assert cell.score == 0 and not cell.passed
    assert cell.budget == f"the trusted check of 96.1 {words}: this question scores 0" or \
        cell.budget.startswith(f"the trusted check of 96.1 {words}"), cell.budget
    assert cell.results[0]["error"] == cell.budget  # the learner's feedback shows the reason
    assert disagreements([cell]) == [], "a blown budget is reported as such, not as tampering"
    after = trusted(SPEC, scorer, answer_file(tmp_path, "ok", "after"))  # a fresh helper takes over
    assert (after.score, after.budget) == (2.0, None)


def test_the_scorer_raises_budget_exceeded_itself(scorer, tmp_path):
    with pytest.raises(BudgetExceeded, match="took more than"):
        scorer.check({"exercise_id": "96.1", "path": str(answer_file(tmp_path, "slow")), "hidden": []})


def test_budget_from_the_environment(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CHECK_SECONDS", "2.5")
    monkeypatch.setenv("AUTOGRADER_CHECK_MEMORY_MB", "300")
    assert Budget.from_env() == Budget(2.5, 300 * 1024**2)
    monkeypatch.setenv("AUTOGRADER_CHECK_SECONDS", "soon")
    with pytest.raises(ValueError, match="AUTOGRADER_CHECK_SECONDS"):
        Budget.from_env()


# --- honest near-misses on the course's exercises --------------------------------------------------


def _solution(notebook: str, exercise_id: str, student: str | None = None):
    _, solutions = f.real_notebook(ROOT, notebook)
    name = "answer_" + exercise_id.replace(".", "_")
    from course.exercises.registry import get

    family = get(exercise_id).variants  # a solution built from the learner's values (v3_2): ``student``'s
    ns: dict = {} if family is None else {"v" + name[7:]: family.values(exercise_id, student)}
    exec(solutions["answer-" + exercise_id.replace(".", "-")], ns)
    return ns[name]


def _spec(notebook: str, exercise_id: str) -> CheckSpec:
    return next(c for c in load_assignment(ROOT, notebook).parts[0].checks if c.exercise_id == exercise_id)


def _in_kernel(exercise_id: str, answer) -> bool:
    """What the released check cell does in the kernel: ``check(id, answer)`` without hidden cases."""
    try:
        check(exercise_id, answer)
    except ExerciseFailed:
        return False
    return True


def _resource(value):
    def edit(policy):
        policy["Statement"][0]["Resource"] = value
    return edit


def _action(value):
    def edit(policy):
        policy["Statement"][0]["Action"] = value
    return edit


def _principal(value):
    def edit(policy):
        policy["Statement"][0]["Principal"] = value
    return edit


NEAR_MISSES = [  # (notebook, exercise, kind, an honest edit of the model answer that only a hidden case catches)
    ("02-networking-content-delivery", "2.5", "network", _resource("arn:aws:s3:::example-reports-prod*/*")),
    ("02-networking-content-delivery", "2.6", "policy", _action(["s3:Get*", "s3:Put*", "s3:List*"])),
    ("03-storage", "3.2", "policy", _resource("arn:aws:s3:::example-analytics/shared*")),
    ("10-customer-engagement", "10.5", "policy",
     _principal({"AWS": "arn:aws:iam::444455556666:role/payslip-sender"})),
]


@pytest.mark.parametrize("notebook, exercise_id, kind, edit", NEAR_MISSES,
                         ids=[f"{n[1]}-{n[2]}" for n in NEAR_MISSES])
def test_an_honest_hidden_case_miss_is_not_a_disagreement(course_scorer, tmp_path, notebook, exercise_id, kind, edit):
    if not (ROOT / "source" / notebook).is_dir():
        pytest.skip(f"source/{notebook} is not there")
    from course.exercises.registry import get

    assert get(exercise_id).kind == kind
    spec = _spec(notebook, exercise_id)
    assert spec.hidden, "the source notebook's check cell has hidden cases"
    from course.exercises.variants import pinned

    student = "learner01" if get(exercise_id).variants is not None else ""  # graded against their variant
    answer = copy.deepcopy(_solution(notebook, exercise_id, student or None))
    edit(answer)
    cell = trusted(spec, course_scorer, answer_file(tmp_path, answer), student=student)
    with pinned(student or None):
        cell.in_kernel_passed = _in_kernel(exercise_id, answer)
    assert cell.in_kernel_passed is True, "the visible cases pass, in the kernel as in the grader"
    assert cell.visible_passed is True
    assert not cell.passed and 0 < cell.score < spec.points, "the hidden case costs points..."
    assert disagreements([cell]) == [], "...and nothing more: no flag, no accusation"
    missed = [r for res in cell.results for r in res["requirements"] if not r["passed"]]
    assert missed and all(r["hidden"] for r in missed)


def test_a_kernel_that_lies_about_the_visible_cases_is_still_flagged(course_scorer, tmp_path):
    """The tripwire still works: a wrong answer whose in-kernel check 'passed' (a patched checker)."""
    spec = _spec("02-networking-content-delivery", "2.6")
    answer = copy.deepcopy(_solution("02-networking-content-delivery", "2.6"))
    answer["Statement"][0]["Effect"] = "Allow"  # a real mistake on visible cases
    cell = trusted(spec, course_scorer, answer_file(tmp_path, answer))
    assert _in_kernel("2.6", answer) is False and cell.visible_passed is False
    cell.in_kernel_passed = True  # what a patched checker in the kernel reports
    [reason] = disagreements([cell])
    assert "tampering suspected" in reason and "same visible cases" in reason


def test_an_answer_the_grader_cannot_read_is_flagged_for_review_without_accusation(course_scorer, tmp_path):
    spec = _spec("02-networking-content-delivery", "2.6")
    path = tmp_path / "answer.json"
    path.write_text(json.dumps({"error": "UnsupportedAnswer: an answer of type ndarray cannot be graded"}))
    cell = trusted(spec, course_scorer, path)
    cell.in_kernel_passed = True
    [reason] = disagreements([cell])
    assert "please review" in reason and "tamper" not in reason


def test_a_pathological_policy_answer_is_checked_within_the_budget(course_scorer, tmp_path):
    """The model answer plus a condition that is always true but written as ``*?*?...*?x``: the old
    backtracking matcher needed 0.95 s for the visible cases with 6 pairs, 37 s with 8 and over two minutes
    with 12 (measured; 1-13 ms now); the trusted check now scores it normally, well within the budget."""
    spec = _spec("02-networking-content-delivery", "2.6")
    answer = copy.deepcopy(_solution("02-networking-content-delivery", "2.6"))
    answer["Statement"][0]["Condition"]["StringNotLike"] = {"aws:PrincipalArn": "*?" * 12 + "x"}
    start = time.monotonic()
    cell = trusted(spec, course_scorer, answer_file(tmp_path, answer))
    assert time.monotonic() - start < 5
    assert cell.budget is None and cell.problem is None
    assert cell.score == spec.points, "the extra condition changes no decision"
    assert re.search("took more than", json.dumps(cell.results)) is None
