"""Per-learner option order of every single- and multiple-choice question (issue #19, item 3).

Each learner sees a choice question's options in their own order, lettered A, B, C... in that order; their letters
are mapped back for grading, and every hint names options in their letters. No identity (tests, the instructor's
source notebooks) keeps the authored order. The notebooks list the options in a code cell (``vN_M =
variant("N.M")``) and answer in the learner's letters (``vN_M.letters(...)``).
"""

from __future__ import annotations

import itertools
import json
import re

import nbformat
import pytest
from conftest import ROOT
from variant_helpers import _no_identity, model  # noqa: F401 - an autouse fixture

from autograder.scorer import _score
from course.exercises import evaluate, get, variant
from course.exercises.answers import from_data, to_data
from course.exercises.keys import make_key
from course.exercises.kinds.choice import MultipleChoice, SingleChoice, choice_keys, order_per_learner
from course.exercises.model_answers import explanation
from course.exercises.registry import all_exercises
from course.exercises.variants import (
    STUDENT_VARIABLE,
    OptionOrder,
    UnknownIdentity,
    mentions_relettered,
    options_of,
    pinned,
)

CHOICE = sorted((e.id for e in all_exercises() if isinstance(e, (SingleChoice, MultipleChoice))),
                key=lambda i: tuple(int(p) for p in i.split(".")))
LEARNERS = ["learner01", "learner02", "s1234567", "local-0a1b2c3d4e"]


def values(question: str, who: str | None) -> OptionOrder:
    return get(question).variants.values(question, who)


def graded(question: str, answer, who: str | None):
    """Scored as the grader scores: the answer travels as data, the identity is explicit."""
    return evaluate(question, from_data(json.loads(json.dumps(to_data(answer)))), identity=who)


def authored_right(question: str) -> set[str]:
    return get(question).right_letters()


def notebook_cells(question: str) -> tuple[str, str, str]:
    """The question's markdown, its option cell and its solution cell, from the source notebook."""
    slug = question.replace(".", "-")
    for path in sorted((ROOT / "source").glob(f"{int(question.split('.')[0]):02d}-*/*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        ids = [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in cells]
        if f"answer-{slug}" in ids:
            i = ids.index(f"options-{slug}")
            assert ids[i + 1] == f"answer-{slug}", f"{question}: the option cell comes right before the answer cell"
            return cells[i - 1].source, cells[i].source, cells[i + 1].source
    raise LookupError(question)


def notebook_answer(question: str, who: str | None):
    """What the notebook's option cell and solution cell give for ``who`` (run as the kernel would run them)."""
    _, shown, solution = notebook_cells(question)
    scope: dict = {}
    with pinned(who):
        exec(shown, scope)  # noqa: S102 - the course's own cells
        exec(solution, scope)  # noqa: S102
    return scope[get(question).answer_name]


# --- every choice question varies ---------------------------------------------------------------------------

def test_all_22_choice_questions_vary_by_option_order_only():
    assert len(CHOICE) == 22 and "2.8" in CHOICE
    for question in CHOICE:
        exercise = get(question)
        assert exercise.describe()["varies"] is True, question
        default = values(question, None)
        assert isinstance(default, OptionOrder) and default.rows() == [], "no table of values, only the order"
        assert default.order == tuple(sorted(exercise.options)), "no identity: the authored order"
        assert exercise.variants.exercise(default) is exercise, "the default variant is the registered question"


@pytest.mark.parametrize("question", CHOICE)
def test_learners_see_their_own_order_and_their_model_answer_scores_full(question):
    orders = {values(question, who).order for who in [*LEARNERS, "learner05", "learner06", "learner07"]}
    assert len(orders) >= 5, f"{question}: seven learners share {len(orders)} orders"
    for who in [None, *LEARNERS]:
        mine = model(question, who)
        result = graded(question, mine, who)
        assert result.error is None and result.score == 1.0, (who, str(result))
        # the learner's letters name the authored right options
        shown = values(question, who)
        letters = {mine} if isinstance(mine, str) else mine
        assert {shown.order[ord(letter) - ord("A")] for letter in letters} == authored_right(question)


@pytest.mark.parametrize("question", CHOICE)
def test_the_authored_letters_score_below_full_when_the_learners_order_moves_them(question):
    default = model(question, None)
    moved = [who for who in LEARNERS if model(question, who) != default]
    assert moved, f"{question}: every sample learner has the authored answer letters"
    for who in moved:
        assert graded(question, default, who).score < 1.0, who
    for who in set(LEARNERS) - set(moved):  # same letters by chance: the same answer is right
        assert graded(question, default, who).score == 1.0


@pytest.mark.parametrize("question", CHOICE)
def test_feedback_names_the_learners_letters_and_explains_the_option_they_chose(question):
    exercise = get(question)
    wrong = sorted(set(exercise.options) - authored_right(question))[0]  # an authored wrong option
    for who in LEARNERS:
        shown = values(question, who)
        mine = shown.letter(wrong)
        answer = mine if isinstance(exercise, SingleChoice) else model(question, who) | {mine}
        result = graded(question, answer, who)
        assert not result.passed
        hints = " ".join(r.hint for r in result.failures)
        assert f"You chose option {mine}" in hints, (who, hints)
        assert exercise.explain(wrong) in hints, "the explanation of the option the learner chose"
        if mine != wrong:
            assert f"option {wrong}," not in hints and f"option {wrong}." not in hints
        chosen = sorted(model(question, who))[1:]  # a multiple-choice answer that leaves a right option out
        if isinstance(exercise, MultipleChoice) and chosen:
            hint = " ".join(r.hint for r in graded(question, set(chosen), who).failures)
            listed = chosen[0] if len(chosen) == 1 else f"{', '.join(chosen[:-1])} and {chosen[-1]}"
            assert f"You chose {listed}, and 1 more option applies as well" in hint, hint


def test_a_copied_answer_rarely_fits_the_copier():
    """A neighbour's letters fit only when the two orders put the right options under the same letters: measured
    over 8 learners (56 copies a question), 22 % for the ten single-choice questions (1 in 4 to 6 by chance) and
    5 % for the twelve multiple-choice ones."""
    fits = {"single-choice": [0, 0], "multiple-choice": [0, 0]}
    learners = [f"learner{n:02d}" for n in range(1, 9)]
    for question in CHOICE:
        for mine, theirs in itertools.permutations(learners, 2):
            tally = fits[get(question).kind]
            tally[0] += graded(question, model(question, theirs), mine).score == 1.0
            tally[1] += 1
    assert fits["single-choice"][0] / fits["single-choice"][1] <= 0.3, fits
    assert fits["multiple-choice"][0] / fits["multiple-choice"][1] <= 0.1, fits


# --- the notebooks -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("question", CHOICE)
def test_the_notebook_lists_the_options_in_a_cell_and_answers_in_the_learners_letters(question):
    markdown, shown, solution = notebook_cells(question)
    assert not re.search(r"^- \*\*[A-Z]\.\*\*", markdown, re.M), "no fixed option list in the question's markdown"
    assert f"### Question {question} " in markdown and "every learner sees the\noptions in another order" in markdown
    name = "v" + question.replace(".", "_")
    assert f'{name} = variant("{question}")' in shown
    assert f"{name}.letter" in solution and "### BEGIN SOLUTION" in solution
    for who in [None, *LEARNERS]:
        assert notebook_answer(question, who) == model(question, who), who


def test_the_option_cell_shows_the_learners_order_as_an_html_list_and_text(capsys):
    question, who = "9.1", "learner02"
    with pinned(who):
        shown = variant(question)
    out = capsys.readouterr().out
    assert isinstance(shown, OptionOrder) and shown.identity == who
    assert "Options of question 9.1 (in your order: answer with these letters):" in out
    assert "Your values" not in out, "a question that varies by order only shows no empty table"
    exercise = get(question)
    for i, authored in enumerate(shown.order):
        assert f"  {chr(ord('A') + i)}. {exercise.options[authored]}" in out
    listed = options_of(exercise.variants.exercise(shown))
    page = listed._repr_html_()
    assert page.count("<li>") == len(exercise.options) and "<code>codeconnections:UseConnection</code>" in page
    assert "`" not in page and "<strong>A.</strong>" in page


def test_the_model_answer_offer_explains_in_the_learners_letters():
    question, who = "10.1", "learner02"
    shown = values(question, who)
    variant_exercise = get(question).variants.exercise(shown)
    right = next(iter(authored_right(question)))
    text = explanation(variant_exercise, shown.letter(right))
    assert text == f"{shown.letter(right)}: {get(question).explain(right)}"


# --- the grader's side ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["2.8", "9.4", "12.3"])
def test_the_trusted_scorer_grades_the_submissions_student_against_their_own_order(question, tmp_path, monkeypatch):
    mine, theirs = next((a, b) for a, b in itertools.permutations(LEARNERS, 2)
                        if graded(question, model(question, a), b).score < 1.0)
    path = tmp_path / "answer.json"
    path.write_text(json.dumps({"data": to_data(model(question, mine))}))
    monkeypatch.setenv(STUDENT_VARIABLE, theirs)  # the grader's own environment must not count
    request = {"exercise_id": question, "path": str(path), "hidden": []}
    assert _score({**request, "student": mine})["results"][0]["score"] == 1.0
    assert _score({**request, "student": theirs})["results"][0]["score"] < 1.0
    unknown = _score({**request, "student": ""})
    assert "results" not in unknown and "student id is unknown" in unknown["problem"]


def test_an_empty_identity_is_refused_not_graded_as_the_default_order():
    with pytest.raises(UnknownIdentity):
        evaluate("9.1", "A", identity="")


# --- the generic parts --------------------------------------------------------------------------------------

def test_mentions_of_options_in_explanations_follow_the_learners_letters():
    order = ("C", "A", "B", "D")  # the learner sees authored C as A, A as B, B as C
    assert mentions_relettered("Unlike option A, this one ...", order) == "Unlike option B, this one ..."
    assert mentions_relettered("Options A and C both fail; see option D.", order) == \
        "Options B and A both fail; see option D."
    assert mentions_relettered("A role is not a user (Option B).", order) == "A role is not a user (Option C)."


def test_a_written_explanation_that_names_another_option_is_relettered():
    exercise = order_per_learner(SingleChoice(
        id="99.7", title="t", points=1, answer_name="answer_99_7",
        options={"A": "right", "B": "wrong", "C": "also wrong"},
        explanations={"A": "Right.", "B": "Half of option A: it misses the key.", "C": "Worse than option B."},
        key=make_key("99.7", "A")))
    family = exercise.variants
    shown = OptionOrder(order=("B", "C", "A"))
    variant_exercise = family.exercise(shown)
    assert variant_exercise.options == {"A": "wrong", "B": "also wrong", "C": "right"}
    assert variant_exercise.explanations == {"A": "Half of option C: it misses the key.",
                                             "B": "Worse than option A.", "C": "Right."}
    assert variant_exercise.check("C").passed and not variant_exercise.check("A").passed
    assert family.model(shown) == "C" and exercise.check("A").passed, "the authored question is unchanged"


def test_a_multiple_choice_question_keeps_its_explanations_per_option():
    exercise = order_per_learner(MultipleChoice(
        id="99.8", title="t", points=1, answer_name="answer_99_8",
        options={"A": "a", "B": "b", "C": "c", "D": "d"}, explanations={"C": "C is wrong."},
        keys=choice_keys("99.8", {"A", "D"}, "ABCD")))
    shown = OptionOrder(order=("D", "C", "B", "A"))
    variant_exercise = exercise.variants.exercise(shown)
    assert variant_exercise.explanations == {"B": "C is wrong."}, "only options with an explanation have one"
    assert exercise.variants.model(shown) == {"A", "D"} and variant_exercise.check({"A", "D"}).passed
    assert variant_exercise.check({"A", "B", "D"}).score < 1.0


def test_a_choice_question_that_cannot_vary_is_an_authoring_error():
    with pytest.raises(ValueError, match="99.9: cannot vary the option order: its key names 0 options"):
        order_per_learner(SingleChoice(id="99.9", title="t", points=1, answer_name="answer_99_9",
                                       options={"A": "a", "B": "b"}, key="not-a-key"))
    with pytest.raises(ValueError, match="not A, B, C"):
        order_per_learner(MultipleChoice(id="99.9", title="t", points=1, answer_name="answer_99_9",
                                         options={"A": "a", "C": "c"}, keys=choice_keys("99.9", "A", "AC")))
    with pytest.raises(ValueError, match="no option 'Z'"):
        values("9.1", "learner01").letter("Z")


def test_a_variants_mutant_is_named_as_the_reviewed_file_names_the_default_one():
    family = get("9.4").variants
    shown = values("9.4", "learner01")
    letter = shown.letter("B")
    assert family.in_default_terms(shown, f"add {letter}") == "add B"
    assert family.in_default_terms(shown, f"leave out {shown.letter('F')}") == "leave out F"
    assert family.in_default_terms(values("9.1", "learner02"), f"choose {values('9.1', 'learner02').letter('D')}") \
        == "choose D"


# --- mutation testing per variant (executes the notebooks once per identity) ----------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("who", ["learner01", "s1234567"])
def test_mutants_of_each_learners_variant_die(who):
    from course.mutation import reviewed, run

    questions = ["9.1", "9.4", "11.1", "11.2", "11.4"]
    report = run(ROOT, reviewed.load(), questions, identity=who)
    assert not report.failed, [(e.exercise_id, e.status, [m.description for m in e.survivors], e.stale)
                               for e in report.exercises]
    for e in report.exercises:
        assert e.mutants == e.killed == len(get(e.exercise_id).options) - (e.kind == "single-choice"), e


def test_the_source_notebooks_are_unchanged_for_the_instructor():
    """No identity: the notebook's answers are the authored letters the exercise tests use."""
    assert notebook_answer("2.8", None) == "C" and notebook_answer("9.4", None) == {"A", "C", "F"}
