"""Per-learner variants of the policy questions of notebooks 01, 03 and 05 (issue #19, items 2-3).

Each question's variant is the authored question with the learner's own accounts, buckets, keys and ids
(``course.notebooks.policy_variants``). For every question: the default scenario is the authored one, every
learner's model answer earns full marks with the notebook's hidden cases and the solution cell builds exactly
that answer, another learner's model answer does not, and the names are valid AWS names.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest
from conftest import ROOT
from variant_helpers import _no_identity, model  # noqa: F401 - an autouse fixture

from course.authoring import hidden_cases
from course.exercises import evaluate, get
from course.exercises.answers import from_data, to_data
from course.exercises.keys import canonical
from course.exercises.variants import pinned
from course.notebooks.policy_variants import _named, rename, swaps

SOURCE = ROOT / "source"
NOTEBOOKS = {
    "01-part1": SOURCE / "01-security-identity-compliance" / "01-security-identity-compliance-part1.ipynb",
    "01-part2": SOURCE / "01-security-identity-compliance" / "01-security-identity-compliance-part2.ipynb",
    "01-part3": SOURCE / "01-security-identity-compliance" / "01-security-identity-compliance-part3.ipynb",
    "03": SOURCE / "03-storage" / "03-storage.ipynb",
    "05": SOURCE / "05-database" / "05-database.ipynb",
}
QUESTIONS = {
    "1.3": "01-part1", "1.4": "01-part1", "1.5": "01-part1", "1.7": "01-part1",
    "1.9": "01-part2", "1.12": "01-part2", "1.13": "01-part2", "1.16": "01-part3",
    "3.2": "03", "3.5": "03", "3.9": "03", "3.11": "03",
    "5.3": "05", "5.6": "05", "5.8": "05", "5.9": "05",
}
LEARNERS = [f"learner{n:02d}" for n in range(1, 7)]
ACCOUNT = re.compile(r"^\d{12}$")


def notebook(question: str):
    return NOTEBOOKS[QUESTIONS[question]]


def graded(question: str, answer, identity: str | None):
    answer = from_data(json.loads(json.dumps(to_data(answer))))
    return evaluate(question, answer, hidden_cases(notebook(question), question), identity=identity)


def test_the_converted_questions_vary():
    assert len(QUESTIONS) >= 10
    assert all(get(q).variants is not None and get(q).describe()["varies"] for q in QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_default_scenario_is_the_authored_question(question):
    family = get(question).variants
    assert not swaps(family.default, family.values(question, None))
    assert family.exercise(family.values(question, None)).cases == get(question).cases
    assert graded(question, model(question, None), None).score == 1.0


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_learners_model_answer_scores_full_on_their_variant(question):
    family = get(question).variants
    for who in LEARNERS:
        values = family.values(question, who)
        assert swaps(family.default, values), f"{who} got the authored values"
        result = graded(question, model(question, who), who)
        assert result.error is None and result.score == 1.0, (who, str(result))


@pytest.mark.parametrize("question", QUESTIONS)
def test_another_learners_model_answer_scores_below_full(question):
    """A copied answer names the neighbour's account, bucket or key: it fails on the copier's own variant."""
    family = get(question).variants
    for mine, theirs in itertools.permutations(LEARNERS[:4], 2):
        if model(question, mine) == model(question, theirs):
            continue  # the two variants happen to need the same policy (checked rare below)
        assert graded(question, model(question, theirs), mine).score < 1.0, (mine, theirs)
    answers = {json.dumps(model(question, who), sort_keys=True) for who in LEARNERS}
    assert len(answers) >= len(LEARNERS) - 1, "nearly every learner needs their own policy"
    assert graded(question, model(question, None), LEARNERS[0]).score < 1.0, "the authored answer fails a variant"
    assert family is not None


@pytest.mark.parametrize("question", QUESTIONS)
def test_variant_values_are_valid_aws_names(question):
    family = get(question).variants
    for who in LEARNERS:
        values = family.values(question, who)
        for name, value, _about in values.rows():
            if "account" in name:
                assert ACCOUNT.match(value), (name, value)
            if name == "bucket" or name.endswith("_bucket"):
                assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", value), (name, value)
        renamed = rename(json.dumps(model(question, None)), swaps(family.default, values))
        assert json.loads(renamed) == model(question, who)


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_solution_cell_builds_the_learners_model_answer(question):
    from course.mutation.solutions import notebook_solutions

    for who in (None, "learner03"):
        with pinned(who):
            solution = notebook_solutions(notebook(question))[question]
        assert canonical(solution.answer) == canonical(model(question, who)), who


@pytest.mark.parametrize("question", QUESTIONS)
def test_hidden_cases_name_the_learners_values(question):
    """The hidden cases of a question that names values use placeholders, never the authored literals."""
    family = get(question).variants
    text = json.dumps(hidden_cases(notebook(question), question))
    for name, value in _named(family.default).items():
        assert not re.search(r"(?<![\w-])" + re.escape(value) + r"(?!\w)", text), (name, value)


def test_a_copied_answer_is_traced_to_the_variant_it_fits():
    from course.exercises.variants import fits_another

    hidden = hidden_cases(notebook("1.3"), "1.3")
    copied = model("1.3", "learner04")
    assert fits_another("1.3", copied, "learner02", LEARNERS, hidden) == ["learner04"]
    assert fits_another("1.3", model("1.3", "learner02"), "learner02", LEARNERS, hidden) == []


def test_the_learners_table_shows_their_values(capsys):
    from course.exercises import variant

    with pinned("learner03"):
        values = variant("1.12")
    out = capsys.readouterr().out
    assert values is not None and values.identity == "learner03"
    assert "v.endpoint" in out and values.endpoint in out and values.endpoint != "vpce-0a1b2c3d4e5f67890"
    assert "<code>v.bucket</code>" in values._repr_html_()
    assert "lookalike_user" not in str(get("5.6").variants.values("5.6", "learner03")), "hidden fields stay hidden"


# --- mutation testing per variant (executes the notebooks once per identity) --------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("who", ["learner01", "learner05"])
def test_mutants_of_each_variant_die_or_are_the_reviewed_equivalents(who):
    from course.mutation import reviewed, run

    report = run(ROOT, reviewed.load(), list(QUESTIONS), identity=who)
    assert not report.failed, [(e.exercise_id, e.problem, [m.description for m in e.survivors], e.stale)
                               for e in report.exercises]
    assert all(e.mutants >= 6 and e.killed >= 6 for e in report.exercises)
