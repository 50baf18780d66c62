"""Same-answer detection (``autograder.same_answer``, issue #19 item 4) on its own: which answers are kept, how
identical answers are recognised, what is flagged and how it reads, and that a flag follows the submissions
it was found on. The comparisons use the real checkers of notebook 02's questions 2.11-2.13 through
``fits_reply`` (the function the scorer's helper process runs), in this process to stay fast; the helper
process itself is exercised by ``test_same_answer_100.py`` and ``test_variants_grading.py``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import ROOT

from autograder import same_answer
from autograder.assignment import Assignment, load_assignment
from autograder.outcome import CellScore, Outcome, PartOutcome
from autograder.report import write_report
from autograder.results_csv import render
from course.exercises import get
from course.exercises.answers import to_data
from course.exercises.checking import evaluate

ASSIGNMENT = "02-networking-content-delivery"
PILOT = ("2.11", "2.12", "2.13")


@pytest.fixture(scope="module")
def whole() -> Assignment:
    loaded = load_assignment(ROOT, ASSIGNMENT)
    (spec,) = loaded.parts
    return Assignment(loaded.name, [dataclasses.replace(spec, checks=[c for c in spec.checks
                                                                      if c.exercise_id in PILOT])])


def model(question: str, identity: str) -> object:
    family = get(question).variants
    return family.model(family.values(question, identity))


def outcome(whole: Assignment, student: str, answers: dict[str, object], sha: str | None = None) -> Outcome:
    """What the grader records for ``student``: each cell scored by the real checker on their own variant."""
    (spec,) = whole.parts
    cells = []
    for check in spec.checks:
        answer = answers[check.exercise_id]
        fraction = sum(evaluate(check.exercise_id, answer, h, identity=student).score
                       for h in check.hidden or [None]) / max(len(check.hidden), 1)
        cells.append(CellScore(check.grade_id, check.exercise_id, check.points, round(check.points * fraction, 2),
                               fraction >= 1, True, answer=same_answer.kept_answer(check.exercise_id, answer)))
    score = sum(c.score for c in cells)
    return Outcome(student, whole.name, sha or f"sha-{student}", "graded", score, whole.max_score, "ok",
                   [PartOutcome(spec.notebook_name, "graded", score, spec.max_score, "ok", cells)])


def in_process(request: dict) -> dict:
    return same_answer.fits_reply(request)


def test_only_answers_of_varying_questions_are_kept_as_data():
    assert same_answer.kept_answer("2.11", model("2.11", "ann")) == to_data(model("2.11", "ann"))
    assert same_answer.kept_answer("2.1", {"anything": 1}) is None, "2.1 does not vary: nothing to compare"
    huge = {"sg-nlb": [{"protocol": "tcp", "peer": "x" * 100_000, "ports": [1, 1]}]}
    assert same_answer.kept_answer("2.11", huge) is None, "over the size cap: not kept, not compared"


def test_identical_answers_have_one_key_whatever_the_set_order():
    one = {"__answer_type__": "set", "items": ["B", "A", "D"]}
    other = {"__answer_type__": "set", "items": ["D", "B", "A"]}
    assert same_answer.key(one) == same_answer.key(other)
    assert same_answer.key(one) != same_answer.key({"__answer_type__": "set", "items": ["A", "B"]})


def test_a_copy_is_flagged_with_evidence_wording_and_the_score_unchanged(whole):
    rows = [outcome(whole, name, {q: model(q, name) for q in PILOT}) for name in ("ann", "bob", "cy")]
    rows.append(outcome(whole, "dan", {q: model(q, "ann") for q in PILOT}))  # dan hands in ann's answers
    found = same_answer.find(whole, rows, in_process)
    flagged = [p for p in found.pairs if p.flagged]
    assert [(p.student, p.other, p.questions) for p in flagged] == [("dan", "ann", list(PILOT))]
    assert all(f.identical for f in flagged[0].fits)
    shown = {r.student_id: r for r in same_answer.annotate(rows, [found])}
    dan = next(r for r in rows if r.student_id == "dan")
    assert shown["dan"].status == "flagged" and shown["dan"].score == dan.score
    assert "ann's variant" in shown["dan"].detail and "not a verdict" in shown["dan"].detail
    assert {shown[n].status for n in ("ann", "bob", "cy")} == {"graded"}, "the source is not flagged"
    assert dan.status == "graded", "annotating never changes the recorded outcome"


def test_honest_learners_are_never_compared_and_nothing_is_flagged(whole):
    rows = [outcome(whole, name, {q: model(q, name) for q in PILOT}) for name in ("ann", "bob", "cy")]
    calls = []
    found = same_answer.find(whole, rows, lambda r: calls.append(r) or in_process(r))
    assert found.pairs == [] and calls == [] and found.compared == 0


def test_a_wrong_answer_that_fits_nobody_costs_one_comparison_per_distinct_answer(whole):
    wrong = {"sg-nlb": [], "sg-app": []}
    rows = [outcome(whole, name, {**{q: model(q, name) for q in PILOT}, "2.11": wrong}) for name in ("ann", "bob")]
    found = same_answer.find(whole, rows, in_process)
    assert found.pairs == [] and found.compared == 1
    assert found.evaluations == 4, "own + the two learners + the authored question"


def test_a_flag_follows_the_submissions_it_was_found_on(whole, tmp_path: Path):
    rows = [outcome(whole, "ann", {q: model(q, "ann") for q in PILOT}),
            outcome(whole, "dan", {q: model(q, "ann") for q in PILOT})]
    found = same_answer.find(whole, rows, in_process)
    same_answer.save(tmp_path, found)
    assert same_answer.load(tmp_path, whole.name) == found
    assert "flagged" in render(same_answer.annotated(tmp_path, rows))
    # dan hands in his own work later: the old finding no longer holds for the new submission
    fixed = [rows[0], outcome(whole, "dan", {q: model(q, "dan") for q in PILOT}, sha="sha-dan-2")]
    assert [r.status for r in same_answer.annotated(tmp_path, fixed)] == ["graded", "graded"]


def test_the_fingerprint_changes_with_any_submission_or_the_cap(whole):
    rows = [outcome(whole, "ann", {q: model(q, "ann") for q in PILOT}),
            outcome(whole, "dan", {q: model(q, "ann") for q in PILOT})]
    stamp = same_answer.fingerprint(rows, 100)
    assert stamp == same_answer.fingerprint(list(reversed(rows)), 100)
    assert stamp != same_answer.fingerprint(rows, 99)
    assert stamp != same_answer.fingerprint([rows[0], dataclasses.replace(rows[1], sha256="new")], 100)
    assert stamp != same_answer.fingerprint(rows[:1], 100)


def test_the_cap_stops_the_comparison_with_a_note(whole):
    rows = [outcome(whole, "ann", {q: model(q, "ann") for q in PILOT}),
            outcome(whole, "dan", {q: model(q, "ann") for q in PILOT})]
    found = same_answer.find(whole, rows, in_process, limit=5)
    assert found.evaluations <= 5 and any("AUTOGRADER_SAME_ANSWER_LIMIT" in n for n in found.notes)
    off = same_answer.find(whole, rows, in_process, limit=0)
    assert off.pairs == [] and off.evaluations == 0 and "off" in off.notes[0]


def test_a_checker_problem_is_a_note_not_a_crash(whole):
    rows = [outcome(whole, "ann", {q: model(q, "ann") for q in PILOT}),
            outcome(whole, "dan", {q: model(q, "ann") for q in PILOT})]
    found = same_answer.find(whole, rows, lambda r: {"problem": "ValueError: bad data"})
    assert found.pairs == [] and any("could not be compared" in n for n in found.notes)


def test_a_blown_time_budget_is_a_note_and_later_requests_are_smaller(whole):
    from autograder.scorer import BudgetExceeded

    rows = [outcome(whole, name, {q: model(q, "ann") for q in PILOT}) for name in ("ann", "dan", "eve")]
    sizes = []

    def slow(request: dict) -> dict:
        sizes.append((request["exercise_id"], len(request["others"])))
        raise BudgetExceeded("took more than 10 s")

    found = same_answer.find(whole, rows, slow)
    assert found.pairs == [] and any("not compared fully" in n for n in found.notes)
    # the three learners and the authored question in one request; each question's answer stops at its first blow
    assert sizes == [("2.11", 4), ("2.12", 4), ("2.13", 4)]
    compare = same_answer._Compare(slow, 1000, same_answer.Findings("x"), 10.0)
    assert compare.chunk("2.11") == 10, "a first, small request measures a question"
    compare.rate["2.11"] = 0.001
    assert compare.chunk("2.11") == same_answer.CHUNK
    compare.rate["2.11"] = 0.5
    assert compare.chunk("2.11") == 4, "a quarter of the 10 s budget: five evaluations, own included"
    compare.rate["2.11"] = 10.0  # what a blown budget sets
    assert compare.chunk("2.11") == 1


def test_the_report_section_escapes_learner_text(whole, tmp_path: Path):
    sneaky = "eve<script>"
    rows = [outcome(whole, "ann", {q: model(q, "ann") for q in PILOT}),
            outcome(whole, sneaky, {q: model(q, "ann") for q in PILOT})]
    found = same_answer.find(whole, rows, in_process)
    write_report(tmp_path, whole, same_answer.annotate(rows, [found]), found)
    page = (tmp_path / "reports" / f"{whole.name}.html").read_text()
    text = (tmp_path / "reports" / f"{whole.name}.md").read_text()
    assert "<script>" not in page and "eve&lt;script&gt;" in page
    assert "<script>" not in text and "Answers that fit another learner's variant" in text


def test_without_findings_the_report_has_no_section(whole, tmp_path: Path):
    rows = [outcome(whole, "ann", {q: model(q, "ann") for q in PILOT})]
    write_report(tmp_path, whole, rows)
    assert "another learner's variant" not in (tmp_path / "reports" / f"{whole.name}.md").read_text()


# --- the authored question (the instructor's version in source/, whose model answers are published) -----------

def authored(question: str) -> object:
    family = get(question).variants
    return family.model(family.default)


def test_the_reserved_identity_is_the_authored_question_and_no_student_id():
    from autograder.intake import id_problem
    from course.exercises.variants import AUTHORED

    for question in PILOT:
        family = get(question).variants
        assert family.values(question, AUTHORED) == family.values(question, None)
        assert evaluate(question, authored(question), identity=AUTHORED).score == 1.0
    for spelled in (AUTHORED, AUTHORED.upper()):
        problem = id_problem(spelled)
        assert problem and "reserved" in problem and "authored question" in problem, problem
    assert id_problem("authored") is None and id_problem("ann") is None, "only the reserved id itself is refused"


def test_the_names_of_sample_variants_are_no_student_ids():
    """Sampling compares an answer with the variants of ``sample-variant-N``: a learner under such an id would
    make their own variant one of the samples, so the intake refuses those ids (and only those)."""
    from autograder.intake import id_problem
    from autograder.same_answer import SAMPLE_PREFIX

    for spelled in (f"{SAMPLE_PREFIX}0", f"{SAMPLE_PREFIX}1234", f"{SAMPLE_PREFIX}7".upper()):
        problem = id_problem(spelled)
        assert problem and "reserved" in problem and "sample variants" in problem, problem
    for fine in (f"{SAMPLE_PREFIX}x", "sample-variant", f"my-{SAMPLE_PREFIX}1", "sample"):
        assert id_problem(fine) is None, fine


def test_the_reserved_identity_is_refused_by_the_intake_with_a_clear_reason(tmp_path: Path):
    from autograder.intake import collect
    from course.exercises.variants import AUTHORED

    folder = tmp_path / "in"
    folder.mkdir()
    notebook = (ROOT / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes()
    (folder / f"{AUTHORED}.ipynb").write_bytes(notebook)
    (folder / "ann.ipynb").write_bytes(notebook)
    found = {s.student_id: s for s in collect(folder, ASSIGNMENT, [ASSIGNMENT], tmp_path / "unpacked")}
    assert found["ann"].error is None
    (refused,) = [s for s in found.values() if s.student_id != "ann"]
    assert refused.error and "reserved" in refused.error and "authored question" in refused.error


def test_a_learner_who_hands_in_the_authored_answers_is_flagged_as_such(whole):
    rows = [outcome(whole, name, {q: model(q, name) for q in PILOT}) for name in ("ann", "bob", "cy")]
    rows.append(outcome(whole, "dan", {q: authored(q) for q in PILOT}))
    found = same_answer.find(whole, rows, in_process)
    flagged = [p for p in found.pairs if p.flagged]
    assert [(p.student, p.authored, p.questions) for p in flagged] == [("dan", True, list(PILOT))]
    assert flagged[0].expected <= same_answer.CHANCE and not flagged[0].fits[0].identical
    shown = {r.student_id: r for r in same_answer.annotate(rows, [found])}
    assert shown["dan"].status == "flagged" and shown["dan"].score == rows[3].score
    why = shown["dan"].detail
    assert why.startswith("authored answer: the answers to 2.11, 2.12, 2.13 fit the authored question")
    assert "instructor's notebook" in why and "not a verdict" in why and "score is unchanged" in why
    assert "same answer" not in why and "cheat" not in why.lower()
    assert {shown[n].status for n in ("ann", "bob", "cy")} == {"graded"}, "own model answers are not flagged"


def test_an_honest_wrong_answer_that_fits_the_authored_question_is_not_flagged(whole):
    """2.13's authored answer {A, B} fits many variants; 2.12's {A, B, C, D} fits few, but one letter set alone
    is what an honest guess can land on: listed as weaker, never flagged. A wrong 2.11 fits nobody."""
    rows = [outcome(whole, name, {q: model(q, name) for q in PILOT}) for name in ("ann", "bob")]
    rows.append(outcome(whole, "eve", {**{q: model(q, "eve") for q in PILOT}, "2.13": authored("2.13")}))
    rows.append(outcome(whole, "jo", {**{q: model(q, "jo") for q in PILOT}, "2.12": authored("2.12")}))
    rows.append(outcome(whole, "kim", {**{q: model(q, "kim") for q in PILOT}, "2.11": {"sg-nlb": [], "sg-app": []}}))
    assert all(r.score < r.max_score for r in rows[2:]), "each of them is below full on their own variant"
    found = same_answer.find(whole, rows, in_process)
    authored_pairs = {p.student: p for p in found.pairs if p.authored}
    assert set(authored_pairs) == {"eve", "jo"} and not any(p.flagged for p in found.pairs)
    assert authored_pairs["jo"].fits[0].sample_fits > 0, "letters fit some sample variants"
    assert {r.status for r in same_answer.annotate(rows, [found])} == {"graded"}


def test_a_one_off_answer_alone_is_enough_for_the_authored_question(whole):
    rows = [outcome(whole, name, {q: model(q, name) for q in PILOT}) for name in ("ann", "bob")]
    rows.append(outcome(whole, "dan", {**{q: model(q, "dan") for q in PILOT}, "2.11": authored("2.11")}))
    found = same_answer.find(whole, rows, in_process)
    (pair,) = [p for p in found.pairs if p.flagged]
    assert pair.student == "dan" and pair.authored and pair.questions == ["2.11"]
    assert pair.fits[0].sample_fits == 0 and pair.expected <= same_answer.CHANCE


def test_the_authored_finding_follows_the_learners_submission_and_reads_in_the_report(whole, tmp_path: Path):
    rows = [outcome(whole, "ann", {q: model(q, "ann") for q in PILOT}),
            outcome(whole, "dan", {q: authored(q) for q in PILOT}),
            outcome(whole, "eve<b>", {q: model(q, "ann") for q in PILOT})]
    found = same_answer.find(whole, rows, in_process)
    same_answer.save(tmp_path, found)
    assert same_answer.load(tmp_path, whole.name) == found
    assert "authored answer" in render(same_answer.annotated(tmp_path, rows))
    fixed = [rows[0], outcome(whole, "dan", {q: model(q, "dan") for q in PILOT}, sha="sha-dan-2"), rows[2]]
    assert [r.status for r in same_answer.annotated(tmp_path, fixed)] == ["graded", "graded", "flagged"]
    write_report(tmp_path, whole, same_answer.annotate(rows, [found]), found)
    text = (tmp_path / "reports" / f"{whole.name}.md").read_text()
    page = (tmp_path / "reports" / f"{whole.name}.html").read_text()
    part = text[text.index("### Answers that fit the authored question"):]
    assert "| dan | 2\\.11" in part and "instructor's version in source/" in part and "not a verdict" in part
    other = text[text.index("## Answers that fit another learner's variant"):text.index("### Answers that fit")]
    assert "| dan |" not in other, "the authored finding is not listed as a learner pair"
    assert "<h3>Answers that fit the authored question</h3>" in page and "<td>dan</td>" in page
    assert "<b>" not in page and "eve&lt;b&gt;" in page


def test_a_row_under_the_reserved_identity_is_not_compared(whole):
    from course.exercises.variants import AUTHORED

    rows = [outcome(whole, "ann", {q: model(q, "ann") for q in PILOT}),
            outcome(whole, AUTHORED, {q: model(q, "ann") for q in PILOT})]
    found = same_answer.find(whole, rows, in_process)
    assert found.learners == 1 and found.pairs == [] and any("reserved id" in n for n in found.notes)
