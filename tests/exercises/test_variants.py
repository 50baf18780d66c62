"""Per-learner variants (issue #19): identity, seed, variant families, and the pilot questions 2.11-2.13.

Every variant of a pilot question keeps its teaching point: its model answer earns full marks with the notebook's
own hidden cases, and a model answer of another learner's variant does not (unless the two variants happen to
have the same answer, which must stay rare).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from conftest import ROOT
from variant_helpers import _no_identity, model  # noqa: F401 - an autouse fixture

from autograder.score import identity_problem
from autograder.scorer import _score
from course.authoring import hidden_cases
from course.exercises import evaluate, get, variant
from course.exercises.answers import to_data
from course.exercises.keys import canonical
from course.exercises.variants import (
    ID_FILE,
    STUDENT_VARIABLE,
    UnknownIdentity,
    current_identity,
    fill,
    local_identity,
    pinned,
    preview_identity,
    seed,
)

NOTEBOOK = ROOT / "source" / "02-networking-content-delivery" / "02-networking-content-delivery.ipynb"
PILOT = ("2.11", "2.12", "2.13")
LEARNERS = [f"learner{n:02d}" for n in range(1, 9)]


def graded(question: str, answer, identity: str | None):
    return evaluate(question, to_data_and_back(answer), hidden_cases(NOTEBOOK, question), identity=identity)


def to_data_and_back(answer):
    from course.exercises.answers import from_data

    return from_data(json.loads(json.dumps(to_data(answer))))


# --- identity and seed ------------------------------------------------------------------------------------

def test_seed_is_a_keyed_hash_of_course_question_and_identity():
    assert seed("2.11", "alice") == seed("2.11", "alice")
    assert len({seed("2.11", "alice"), seed("2.12", "alice"), seed("2.11", "bob"),
                seed("2.11", "alice", course_id="another-course")}) == 4
    with pytest.raises(UnknownIdentity):
        seed("2.11", "")


def test_identity_order_student_variable_then_hub_then_local_id(monkeypatch, tmp_path):
    assert current_identity().name is None  # nothing known: the default scenario
    work = tmp_path / "course" / "my-work"
    (work / "02-networking").mkdir(parents=True)
    monkeypatch.chdir(work / "02-networking")  # a kernel's working folder inside my-work/
    local = current_identity()
    assert local.name and local.name.startswith("local-") and "my-work" in local.source
    assert (work / ID_FILE).read_text().strip() == local.name
    assert current_identity().name == local.name, "created once, then stable"
    monkeypatch.setenv("JUPYTERHUB_USER", "hubuser")
    assert current_identity().name == "hubuser"
    monkeypatch.setenv(STUDENT_VARIABLE, "graded-student")
    assert current_identity().name == "graded-student"
    with pinned("pinned-id"):
        assert current_identity().name == "pinned-id"
    assert current_identity().name == "graded-student"


def test_local_id_under_the_course_root_and_a_hand_written_one(monkeypatch, tmp_path):
    (tmp_path / "my-work").mkdir()
    monkeypatch.setenv("AWS_COURSE_ROOT", str(tmp_path))
    (tmp_path / "my-work" / ID_FILE).write_text("s1234567\n")  # a learner who hands in notebooks as s1234567
    assert current_identity().name == "s1234567"
    assert local_identity(tmp_path / "my-work", create=False) == "s1234567"


def test_preview_identities():
    assert preview_identity("3") == "preview-3"
    assert preview_identity("alice") == "alice"
    with pytest.raises(ValueError):
        preview_identity(" ")


def test_placeholders_keep_types_and_unknown_names_are_an_authoring_error():
    values = get("2.11").variants.values("2.11", "alice")
    filled = fill({"port": "${stream_listener}", "text": "to ${partner_cidr} on ${stream_listener}"}, values)
    assert filled["port"] == values.stream_listener and isinstance(filled["port"], int)
    assert filled["text"] == f"to {values.partner_cidr} on {values.stream_listener}"
    with pytest.raises(ValueError, match="no field"):
        fill(["${no_such_field}"], values)


# --- the pilot families -----------------------------------------------------------------------------------

def test_the_pilot_questions_vary_and_others_do_not():
    assert [q for q in PILOT if get(q).variants is not None] == list(PILOT)
    assert get("2.1").variants is None and get("2.1").describe()["varies"] is False
    assert get("2.11").describe()["varies"] is True


def test_the_default_scenario_is_the_authored_one():
    assert model("2.11", None)["sg-nlb"][0]["peer"] == "192.0.2.0/24"
    assert model("2.12", None) == {"A", "B", "C", "D"} and model("2.13", None) == {"A", "B"}


@pytest.mark.parametrize("question", PILOT)
def test_learners_get_different_values(question):
    family = get(question).variants
    scenarios = {family.values(question, who) for who in LEARNERS}
    assert len({json.dumps(to_data(model(question, who)), sort_keys=True) for who in LEARNERS}) >= len(LEARNERS) - 2
    assert len({(s.vpc_cidr,) for s in scenarios}) >= 4, "CIDRs vary"


@pytest.mark.parametrize("question", PILOT)
def test_every_variants_model_answer_scores_full_with_the_notebooks_hidden_cases(question):
    for who in [None, *LEARNERS]:
        result = graded(question, model(question, who), who)
        assert result.error is None and result.score == 1.0, (who, str(result))


@pytest.mark.parametrize("question", PILOT)
def test_another_learners_model_answer_scores_below_full(question):
    """A copied answer fits the neighbour's variant, not the copier's. With shuffled letters two variants can
    still share a right answer by chance: measured over 30 learners (870 copies), 0 % for 2.11, 4 % for 2.12
    (4 of 7 letters) and 10 % for 2.13 (2 of 7 letters, and a few right sets): that must stay rare."""
    pairs = list(itertools.permutations(LEARNERS, 2))
    full = [(mine, theirs) for mine, theirs in pairs
            if graded(question, model(question, theirs), mine).score == 1.0]
    if question == "2.11":  # CIDRs, ports and addresses: a copy never fits
        assert not full
    assert len(full) <= len(pairs) * 0.15, f"{len(full)} of {len(pairs)} copies score full: {full}"


def test_an_explicit_identity_wins_over_whatever_the_process_claims(monkeypatch):
    monkeypatch.setenv(STUDENT_VARIABLE, "learner02")
    monkeypatch.setenv("JUPYTERHUB_USER", "learner02")
    answer = model("2.11", "learner01")
    assert graded("2.11", answer, "learner01").score == 1.0
    assert graded("2.11", answer, "learner02").score < 1.0
    with pinned("learner02"):
        assert graded("2.11", answer, "learner01").score == 1.0


def test_shuffled_letters_map_back_for_feedback():
    who = next(w for w in LEARNERS if model("2.12", w) != {"A", "B", "C", "D"})
    family = get("2.12").variants
    values = family.values("2.12", who)
    shown = values.letters("E")  # the authored option E: a route round the firewall
    letter = next(iter(shown))
    answer = values.letters("A", "C", "D") | shown
    result = graded("2.12", answer, who)
    assert not result.passed
    assert any(f"You chose option {letter}" in r.hint and "round the firewall" in r.hint for r in result.failures)


def test_variant_shows_a_table_and_the_options_in_the_learners_order(capsys):
    with pinned("learner03"):
        values = variant("2.13")
    out = capsys.readouterr().out
    assert values is not None and values.identity == "learner03"
    assert "v.vpc_cidr" in out and values.vpc_cidr in out and "variant for learner03" in out
    letters = sorted(values.letters("C"))
    assert f"  {letters[0]}. Exclude vpc-shop2 with allow-bidirectional" in out
    assert "<code>v.legacy_port</code>" in values._repr_html_()
    assert variant("2.1") is None


def test_alternative_answers_of_each_variant_score_full():
    for who in LEARNERS[:4]:
        v = get("2.11").variants.values("2.11", who)
        app = [{"protocol": "tcp", "ports": [v.stream_port, v.stream_port], "peer": v.partner_cidr},
               {"protocol": "tcp", "ports": [v.admin_port, v.admin_port], "peer": v.office_cidr}]
        client_ranges = {"sg-nlb": model("2.11", who)["sg-nlb"], "sg-app": app}
        assert graded("2.11", client_ranges, who).score == 1.0, who
        for question in ("2.12", "2.13"):
            lower = [letter.lower() for letter in sorted(model(question, who))]
            assert graded(question, lower, who).score == 1.0, (question, who)


# --- the grader's side --------------------------------------------------------------------------------------

def test_the_trusted_scorer_uses_the_submissions_student_id(tmp_path, monkeypatch):
    path = tmp_path / "answer.json"
    path.write_text(json.dumps({"data": to_data(model("2.11", "learner01"))}))
    monkeypatch.setenv(STUDENT_VARIABLE, "learner01")  # the grader's own environment must not count
    request = {"exercise_id": "2.11", "path": str(path), "hidden": [hidden_cases(NOTEBOOK, "2.11")]}
    assert _score({**request, "student": "learner01"})["results"][0]["score"] == 1.0
    assert _score({**request, "student": "learner02"})["results"][0]["score"] < 1.0
    unknown = _score({**request, "student": ""})
    assert "results" not in unknown and "student id is unknown" in unknown["problem"]
    plain = _score({**request, "exercise_id": "2.1", "student": ""})  # a question that does not vary
    assert "results" in plain


def test_an_unknown_identity_fails_the_submission_with_a_clear_reason():
    from autograder.assignment import load_assignment
    from autograder.intake import Submission, SubmittedNotebook
    from autograder.worker import Job, grade

    specs = load_assignment(ROOT, "02-networking-content-delivery").parts
    assert identity_problem("learner01", specs) is None
    assert "2.11, 2.12, 2.13" in identity_problem("", specs)
    outcome = grade(Job(ROOT, "02-networking-content-delivery", Submission("", "hash", None, ()),
                        Path("."), 1.0, 1.0, False))
    assert outcome.status == "failed"
    part = SubmittedNotebook("02-networking-content-delivery", None, None)
    outcome = grade(Job(ROOT, "02-networking-content-delivery", Submission(" ", "hash", None, (part,)),
                        Path("."), 1.0, 1.0, False))
    assert outcome.status == "failed" and "no student id" in outcome.detail and "2.11" in outcome.detail


# --- mutation testing per variant (executes notebook 02 once per identity) ----------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("who", ["learner01", "learner05"])
def test_mutants_of_each_variant_die_or_are_the_reviewed_equivalents(who):
    from course.mutation import reviewed, run
    from course.mutation.solutions import notebook_solutions

    with pinned(who):
        solutions = notebook_solutions(NOTEBOOK)
    for question in PILOT:
        assert canonical(solutions[question].answer) == canonical(model(question, who)), \
            "the notebook's solution cell and the family's model agree"
    report = run(ROOT, reviewed.load(), list(PILOT), identity=who)
    assert not report.failed, [(e.exercise_id, e.status, [m.description for m in e.survivors], e.stale)
                               for e in report.exercises]
    assert all(e.mutants >= 7 for e in report.exercises)


# --- the instructor's preview and the learner's id ----------------------------------------------------------

def test_lab_variant_flag_sets_a_preview_identity_for_the_kernels(tmp_path, monkeypatch):
    import os
    import shutil

    from course import lab
    from course.exercises import variants

    assert (lab.STUDENT_VARIABLE, lab.PREVIEW_PREFIX) == (variants.STUDENT_VARIABLE, variants.PREVIEW_PREFIX)
    assert lab.take_variant(["--variant", "3", "--no-browser"]) == (["--no-browser"], "preview-3")
    assert lab.take_variant(["--variant=learner07"]) == ([], "learner07")
    assert lab.take_variant(["--port", "1"]) == (["--port", "1"], None)
    with pytest.raises(SystemExit, match="needs a number"):
        lab.take_variant(["--variant"])
    seen = {}
    course = tmp_path / "course"
    shutil.copytree(ROOT / "release" / "10-customer-engagement", course / "release" / "10-customer-engagement")
    shutil.copy2(ROOT / "nbgrader_config.py", course)
    (course / "source").mkdir()
    monkeypatch.setenv("AWS_COURSE_ROOT", str(course))
    monkeypatch.setenv("AWS_COURSE_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.setattr(os, "execve", lambda path, cmd, env: seen.update(cmd=cmd, env=env))
    lab.run(["--instructor", "--variant", "3", "--no-browser"])
    assert seen["env"][STUDENT_VARIABLE] == "preview-3" and "--variant" not in seen["cmd"]
    lab.run(["--no-browser"])
    assert STUDENT_VARIABLE not in seen["env"]
    monkeypatch.setenv(STUDENT_VARIABLE, "preview-3")  # what the preview's kernels see
    assert get("2.11").variants.values("2.11", current_identity().name).identity == "preview-3"


def test_progress_shows_the_local_id(tmp_path, monkeypatch):
    from course.cli import _variant_identity

    (tmp_path / "my-work").mkdir()
    line = _variant_identity(tmp_path / "my-work")
    name = (tmp_path / "my-work" / ID_FILE).read_text().strip()
    assert name.startswith("local-") and name in line and _variant_identity(tmp_path / "my-work") == line
    monkeypatch.setenv("JUPYTERHUB_USER", "hubuser")
    assert "hubuser" in _variant_identity(tmp_path / "my-work")


def test_a_copied_answer_is_traced_to_the_variant_it_fits():
    from course.exercises.variants import fits_another

    hidden = hidden_cases(NOTEBOOK, "2.11")
    copied = model("2.11", "learner04")
    assert fits_another("2.11", copied, "learner09", LEARNERS, hidden) == ["learner04"]
    assert fits_another("2.11", model("2.11", "learner09"), "learner09", LEARNERS, hidden) == []
    wrong = {"sg-nlb": [], "sg-app": []}
    assert fits_another("2.11", wrong, "learner09", LEARNERS, hidden) == []
