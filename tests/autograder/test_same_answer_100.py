"""A hundred learners of notebook 02 graded against their own variants of 2.11-2.13 (issue #19, "Done when").

Grading 100 real submissions end to end (a sandboxed kernel each) would take about ten minutes on the two
cores ``make test`` has, so these 100 go through the grader's trusted scoring path directly: each learner's
answers are written as the answer files the kernel's extraction cell writes, scored by the trusted scorer's
helper process (``autograder.score.trusted`` with the submission's student id), compared by the same-answer
detection of ``aws-course grade`` (``autograder.same_answer.find`` with two real scorer helpers) and reported
(``autograder.report.write_report``, ``grades.csv``). ``test_variants_grading.py`` grades a dozen real
submissions end to end through ``aws-course grade`` (sandbox, kernels) with the same detection.

The batch: every learner's own model answers (``family.model(values)``); four learners copy a neighbour (all
three answers, 2.11 alone, 2.13 alone); two hand in the authored question's model answers (the instructor's
version in source/: all three, and 2.12 + 2.13, the two letter sets); ten honest learners give a wrong two-letter
set on 2.13, which fits some other learners' variants by chance and must not be flagged.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import time
from pathlib import Path

import pytest
from conftest import ROOT

from autograder import same_answer
from autograder.assignment import Assignment, load_assignment
from autograder.outcome import Outcome, PartOutcome
from autograder.report import write_report
from autograder.results_csv import write_csv
from autograder.score import trusted
from autograder.scorer import Budget, Scorer
from course.exercises import get
from course.exercises.answers import to_data

pytestmark = pytest.mark.slow
ASSIGNMENT = "02-networking-content-delivery"
PILOT = ("2.11", "2.12", "2.13")
LEARNERS = [f"s{n:03d}" for n in range(100)]
# copier -> (source, the questions copied)
COPIES = {"s010": ("s011", PILOT), "s020": ("s021", ("2.11",)), "s030": ("s031", ("2.13",)),
          "s040": ("s039", PILOT)}
WRONG_213 = [f"s{n:03d}" for n in range(60, 70)]
AUTHORED_COPIES = {"s050": PILOT, "s051": ("2.12", "2.13")}  # learner -> the questions answered as authored


def model(question: str, identity: str) -> object:
    family = get(question).variants
    return family.model(family.values(question, identity))


def own_answers(learner: str) -> dict[str, object]:
    answers = {q: model(q, learner) for q in PILOT}
    answers.update({q: model(q, None) for q in AUTHORED_COPIES.get(learner, ())})
    if learner in COPIES:
        source, copied = COPIES[learner]
        answers.update({q: model(q, source) for q in copied})
    if learner in WRONG_213:
        right = answers["2.13"]
        answers["2.13"] = next(s for s in ({"A", "G"}, {"C", "D"}, {"B", "F"}) if s != right)
    return answers


def pilot_assignment() -> Assignment:
    whole = load_assignment(ROOT, ASSIGNMENT)
    (spec,) = whole.parts
    return Assignment(whole.name, [dataclasses.replace(spec, checks=[c for c in spec.checks
                                                                     if c.exercise_id in PILOT])])


def write_answer(path: Path, answer: object) -> Path:
    """What the kernel's extraction cell writes (``autograder.extract``)."""
    path.write_text(json.dumps({"data": to_data(answer)}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("hundred")
    whole = pilot_assignment()
    (spec,) = whole.parts
    scorer = Scorer(Budget())
    started = time.monotonic()
    rows, neighbour_scores = [], {}
    try:
        for i, learner in enumerate(LEARNERS):
            answers = own_answers(learner)
            cells = [trusted(check, scorer, write_answer(base / f"{learner}-{check.grade_id}.json",
                                                         answers[check.exercise_id]), learner)
                     for check in spec.checks]
            score = round(sum(c.score for c in cells), 2)
            rows.append(Outcome(learner, whole.name, f"sha-{learner}", "graded", score, whole.max_score, "ok",
                                [PartOutcome(spec.notebook_name, "graded", score, spec.max_score, "ok", cells)]))
            # the next learner's model answers handed in under this learner's id
            neighbour = LEARNERS[(i + 1) % len(LEARNERS)]
            neighbour_scores[learner] = {
                check.exercise_id: trusted(check, scorer, write_answer(base / f"{learner}-n-{check.grade_id}.json",
                                                                       model(check.exercise_id, neighbour)),
                                           learner)
                for check in spec.checks}
    finally:
        scorer.stop()
    scored = time.monotonic() - started
    with same_answer.helpers(Budget()) as check:  # two helper processes, as `aws-course grade --jobs 2`
        found = same_answer.find(whole, rows, check, workers=2)
    compared = time.monotonic() - started - scored
    workspace = base / "ws"
    same_answer.save(workspace, found)
    write_csv(workspace / "grades.csv", same_answer.annotated(workspace, rows))
    report = write_report(workspace, whole, same_answer.annotate(rows, [found]), found)
    print(f"\n100 learners: trusted scoring {scored:.1f} s, same-answer comparison {compared:.1f} s "
          f"({found.evaluations} trusted checks)")
    with open(workspace / "grades.csv", newline="") as handle:
        csv_rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    return {"whole": whole, "rows": {r.student_id: r for r in rows}, "neighbour": neighbour_scores,
            "found": found, "csv": csv_rows, "md": report.read_text(),
            "html": (workspace / "reports" / f"{ASSIGNMENT}.html").read_text()}


def test_each_learners_own_model_answer_scores_full_on_their_variant(graded):
    for learner, row in graded["rows"].items():
        for cell in row.cells:
            question = cell.exercise_id
            copied = learner in COPIES and question in COPIES[learner][1]
            copied = copied or question in AUTHORED_COPIES.get(learner, ())
            if copied or (learner in WRONG_213 and question == "2.13"):
                continue
            assert cell.score == cell.points and cell.passed, (learner, question, cell.results)


def test_a_neighbours_model_answer_scores_below_full(graded):
    """Always on 2.11 (addresses and ports); on 2.12 and 2.13 (option letters, where more than one set can be
    right) unless the two variants happen to accept the same letters, which must stay rare."""
    shared = {"2.12": 0, "2.13": 0}
    for learner in LEARNERS:
        for question, cell in graded["neighbour"][learner].items():
            if question == "2.11":
                assert cell.score < cell.points, (learner, question)
            elif cell.score == cell.points:
                shared[question] += 1
    assert max(shared.values()) <= 15, shared


def test_the_copies_are_found_and_flagged(graded):
    found = graded["found"]
    flagged = {(p.student, p.other): p.questions for p in found.pairs if p.flagged and not p.authored}
    assert flagged == {("s010", "s011"): list(PILOT), ("s020", "s021"): ["2.11"], ("s040", "s039"): list(PILOT)}
    for student in ("s010", "s020", "s040"):
        row = graded["csv"][student]
        assert row["status"] == "flagged" and "same answer" in row["detail"] and "score is unchanged" in row["detail"]
        assert float(row["score"]) == graded["rows"][student].score < 9.0, "never a penalty"
    assert all(f.identical for p in found.pairs if p.flagged and not p.authored for f in p.fits)


def test_the_authored_copies_are_found_and_flagged_as_such(graded):
    found = graded["found"]
    flagged = {p.student: p.questions for p in found.pairs if p.flagged and p.authored}
    # an authored answer that happens to be right for the learner's own variant too scores full: not compared
    below = {learner: [c.exercise_id for c in graded["rows"][learner].cells
                       if c.exercise_id in questions and c.score < c.points]
             for learner, questions in AUTHORED_COPIES.items()}
    assert all(len(q) >= 2 for q in below.values()), below
    assert flagged == below
    for learner in AUTHORED_COPIES:
        row = graded["csv"][learner]
        assert row["status"] == "flagged" and row["detail"].startswith("authored answer:"), row
        assert "instructor's notebook" in row["detail"] and "score is unchanged" in row["detail"]
        assert "same answer" not in row["detail"], "not taken for a copy of another learner"
        assert float(row["score"]) == graded["rows"][learner].score < 9.0, "never a penalty"
    part = graded["md"][graded["md"].index("### Answers that fit the authored question"):]
    assert "| s050 |" in part and "| s051 |" in part
    assert "<h3>Answers that fit the authored question</h3>" in graded["html"]


def test_a_lone_copied_letter_set_and_chance_matches_are_not_flagged(graded):
    csv_rows = graded["csv"]
    assert csv_rows["s011"]["status"] == "graded", "the source of a copy is not flagged"
    for learner in [*WRONG_213, "s030"]:
        assert csv_rows[learner]["status"] == "graded", csv_rows[learner]
    weak = {p.student for p in graded["found"].pairs if not p.flagged}
    # a wrong letter set fits about one variant in 21: some of the ten fit someone, and are listed as weaker
    assert weak & set(WRONG_213) and "s030" in weak, "a lone copied letter set is a weaker match"
    honest = set(LEARNERS) - set(COPIES) - set(AUTHORED_COPIES)
    assert not {p.student for p in graded["found"].pairs if p.flagged} & honest
    assert {p.student for p in graded["found"].pairs if p.authored} - set(AUTHORED_COPIES) <= set(WRONG_213), \
        "only a wrong answer can fit the authored question (own model answers are full marks, never compared)"


def test_the_report_shows_the_section_in_markdown_and_html(graded):
    text = graded["md"]
    section = text[text.index("## Answers that fit another learner's variant"):]
    assert "not a verdict" in section and "no score was changed" in section
    for copier, source in (("s010", "s011"), ("s020", "s021"), ("s040", "s039")):
        assert f"| {copier} | {source} |" in section
    assert "Weaker matches, not flagged" in section
    html = graded["html"]
    assert "<h2>Answers that fit another learner's variant</h2>" in html
    assert "<td>s020</td><td>s021</td>" in html


def test_the_comparison_stays_within_its_cap(graded):
    found = graded["found"]
    assert found.learners == 100 and not found.notes
    assert found.evaluations < 60_000
