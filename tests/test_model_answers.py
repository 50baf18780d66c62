"""Model answers are offered on purpose: after a pass, in a lab profile, collapsed; never before a pass."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from conftest import ROOT
from nbhelpers import solution_value

from course.exercises import ExerciseFailed, check, get, model_answers
from course.exercises.checking import offer_model_answer

SOURCE = ROOT / "source" / "10-customer-engagement" / "10-customer-engagement.ipynb"


def model_code(exercise_id: str) -> str:
    cell = next(c for c in nbformat.read(SOURCE, as_version=4).cells
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == model_answers.grade_id(exercise_id))
    return model_answers.MARKER.sub("", cell.source).strip("\n")


def right_answer(exercise_id: str):
    """The model answer for no identity (10.1 is a choice question: its letters follow the authored order)."""
    return solution_value(exercise_id, model_code(exercise_id))


@pytest.fixture
def learner(monkeypatch):
    monkeypatch.setenv(model_answers.PROFILE_VARIABLE, "learner")
    monkeypatch.setenv(model_answers.ROOT_VARIABLE, str(ROOT))


def test_a_pass_in_the_learner_profile_offers_the_model_answer_with_why_it_works(learner, capsys):
    check("10.1", right_answer("10.1"))
    out = capsys.readouterr().out
    assert "✔ PASS" in out and "Model answer for question 10.1:" in out
    assert model_code("10.1") in out
    assert get("10.1").explain(right_answer("10.1")) in out  # the author's explanation of the right option


def test_the_offer_is_collapsed_html():
    offer = model_answers.ModelAnswer("10.1", 'answer_10_1 = "B"', "B: because <topics> fan out.")
    page = offer._repr_html_()
    assert page.startswith('<details class="aws-course-model-answer"><summary>') and page.endswith("</details>")
    assert "answer_10_1 = &quot;B&quot;" in page and "&lt;topics&gt;" in page and " open>" not in page


def test_before_a_pass_nothing_is_shown_and_the_instructor_notebooks_are_not_read(learner, capsys, monkeypatch):
    def no_reading(*args):
        raise AssertionError("source/ was read before a pass")

    monkeypatch.setattr(model_answers, "read_model_answer", no_reading)
    wrong = next(o for o in get("10.1").options if o != right_answer("10.1"))
    with pytest.raises(ExerciseFailed):
        check("10.1", wrong)
    assert "Model answer" not in capsys.readouterr().out


@pytest.mark.parametrize("profile", [None, "instructor"])
def test_outside_the_learner_profile_a_pass_offers_nothing(monkeypatch, capsys, profile):
    """The grader's kernels and test runs have no profile, and nbgrader run from the instructor's lab must not
    copy model answers into feedback either."""
    if profile is None:
        monkeypatch.delenv(model_answers.PROFILE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(model_answers.PROFILE_VARIABLE, profile)
    monkeypatch.setenv(model_answers.ROOT_VARIABLE, str(ROOT))
    check("10.1", right_answer("10.1"))
    assert "Model answer" not in capsys.readouterr().out


def test_without_instructor_notebooks_the_offer_says_they_come_from_the_instructor(tmp_path, monkeypatch, capsys):
    """A hub installs the course without source/: after a pass the learner is told where answers come from."""
    monkeypatch.setenv(model_answers.PROFILE_VARIABLE, "learner")
    monkeypatch.setenv(model_answers.ROOT_VARIABLE, str(tmp_path))
    check("10.1", right_answer("10.1"))
    out = capsys.readouterr().out
    assert model_answers.FROM_INSTRUCTOR in out and model_code("10.1") not in out
    monkeypatch.delenv(model_answers.ROOT_VARIABLE)
    assert model_answers.model_answer(get("10.1"), "B") == model_answers.ModelAnswer("10.1", None)


def test_non_choice_questions_get_the_solution_cell_and_a_general_word(learner, capsys):
    offer = model_answers.model_answer(get("10.4"), right_answer("10.4"))
    assert offer is not None and offer.code == model_code("10.4") and "### BEGIN SOLUTION" not in offer.code
    assert offer.explanation == model_answers.DEFAULT_EXPLANATION


def test_a_question_no_source_notebook_has_offers_nothing(tmp_path, monkeypatch, capsys):
    (tmp_path / "source" / "10-customer-engagement").mkdir(parents=True)
    shutil.copy2(SOURCE, tmp_path / "source" / "10-customer-engagement")
    monkeypatch.setenv(model_answers.PROFILE_VARIABLE, "learner")
    monkeypatch.setenv(model_answers.ROOT_VARIABLE, str(tmp_path))
    offer_model_answer("3.1", {"a": "Allow"})  # 03's notebook is not in this source/
    assert capsys.readouterr().out == ""
