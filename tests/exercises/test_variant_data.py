"""Per-learner variants of the detector, table and value questions on generated data (issue #19, item 3).

Each learner gets their own seeded data (and thresholds, windows, accounts where the question has them):
their model answer earns full marks on their variant and not on another learner's, the data is the same in
every process for one identity, and the default scenario (no identity) is the authored question, keys and all.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import subprocess
import sys
import time

import nbformat
import pandas as pd
import pytest
from conftest import ROOT
from variant_helpers import _no_identity, model  # noqa: F401 - an autouse fixture

from course.authoring import hidden_cases
from course.exercises import evaluate, get, variant
from course.exercises.answers import from_data, to_data
from course.exercises.kinds.logs import DetectorMatch, run_detector
from course.exercises.variants import pinned

NOTEBOOKS = {"5": ROOT / "source" / "05-database" / "05-database.ipynb",
             "6": ROOT / "source" / "06-management-governance" / "06-management-governance.ipynb",
             "7": ROOT / "source" / "07-analytics" / "07-analytics.ipynb"}
VARYING = ("5.7", "6.4", "6.5", "6.6", "6.8", "7.4", "7.6")
LEARNERS = [f"learner{n:02d}" for n in range(1, 7)]
# a value answer is a small count: two learners' counts can agree by chance (measured: 15 % of 60 learners)
CHANCE = {"6.6": 0.35}


def graded(question: str, answer, identity: str | None):
    hidden = hidden_cases(NOTEBOOKS[question[0]], question)
    return evaluate(question, from_data(json.loads(json.dumps(to_data(answer)))), hidden, identity=identity)


def digest(question: str, identity: str) -> str:
    """A fingerprint of everything a learner's variant is built from: the values and every case's data."""
    family = get(question).variants
    values = family.values(question, identity)
    exercise = family.exercise(values)
    parts = [repr(sorted((k, str(v)) for k, v in vars(values).items()))]
    if isinstance(exercise, DetectorMatch):
        parts += [f"{name}:{frame.to_csv(index=False)}" for name, frame in sorted(exercise._inputs().items())]
    for method in ("flow_logs", "events", "snapshot", "inventory"):
        if hasattr(values, method):
            parts.append(getattr(values, method)().to_csv(index=False))
    parts.append(json.dumps(to_data(family.model(values)), sort_keys=True, default=str))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# --- which questions vary ------------------------------------------------------------------------------

def test_the_data_questions_vary_and_the_real_data_tables_do_not():
    assert [q for q in VARYING if get(q).variants is not None] == list(VARYING)
    # 5.2 queries the documented comparison of six services and 7.3 real honey-bucket alerts (four writes):
    # facts that cannot differ per learner, and no honest parameter to vary
    assert get("5.2").variants is None and get("7.3").variants is None


@pytest.mark.parametrize("question", VARYING)
def test_the_default_scenario_is_the_authored_question(question):
    family = get(question).variants
    default = family.values(question, None)
    assert family.exercise(default) is get(question), "no identity: the registered (authored) exercise"
    assert graded(question, model(question, None), None).score == 1.0


# --- each learner's own variant -------------------------------------------------------------------------

@pytest.mark.parametrize("question", VARYING)
def test_every_learners_model_answer_scores_full_on_their_own_variant(question):
    for who in LEARNERS:
        result = graded(question, model(question, who), who)
        assert result.error is None and result.score == 1.0, (who, str(result))


@pytest.mark.parametrize("question", VARYING)
def test_another_learners_model_answer_scores_below_full(question):
    pairs = list(itertools.permutations(LEARNERS, 2))
    full = [(mine, theirs) for mine, theirs in pairs if graded(question, model(question, theirs), mine).score == 1.0]
    assert len(full) <= len(pairs) * CHANCE.get(question, 0.0), f"{len(full)} of {len(pairs)} copies score full"
    assert graded(question, model(question, None), LEARNERS[0]).score < 1.0, "the default's answer is not theirs"


@pytest.mark.parametrize("question", VARYING)
def test_learners_get_different_data(question):
    assert len({digest(question, who) for who in LEARNERS}) == len(LEARNERS)


def test_a_copied_detector_with_the_neighbours_threshold_fails_on_the_learners_traps():
    family = get("7.4").variants
    mine, theirs = (family.values("7.4", who) for who in ("learner01", "learner02"))
    assert mine.min_ports != theirs.min_ports, "pick two learners with different thresholds"
    from course.notebooks.analytics import scan_rule

    with pinned("learner01"):
        own = run_detector("7.4", scan_rule(mine))
        copied = run_detector("7.4", scan_rule(theirs))
    assert graded("7.4", own, "learner01").score == 1.0
    result = graded("7.4", copied, "learner01")
    assert result.score < 1.0
    trap = "unseen_4" if theirs.min_ports > mine.min_ports else "unseen_6"
    failed = [r for r in result.failures if trap.replace("_", " ") in r.description]
    assert failed and str(mine.min_ports) in failed[0].hint, result.failures


def test_run_detector_runs_on_the_kernels_learners_cases():
    from course.notebooks.database import snapshot_rule

    family = get("5.7").variants
    values = family.values("5.7", "learner03")
    with pinned("learner03"):
        answer = run_detector("5.7", snapshot_rule(values))
    assert answer == model("5.7", "learner03") != model("5.7", None)
    assert graded("5.7", answer, "learner03").score == 1.0 and graded("5.7", answer, None).score < 1.0


def test_the_variant_cell_shows_the_learners_values(capsys):
    with pinned("learner04"):
        values = variant("7.4")
    out = capsys.readouterr().out
    assert f"v.min_ports   {values.min_ports}" in out and "v.flow_logs()" in out and "learner04" in out
    assert "data_seed" not in out, "the seed is hidden from the table"
    frame = values.flow_logs()
    assert {"srcaddr", "dstaddr", "dstport", "action", "start"} <= set(frame.columns)
    assert str(get("6.8").variants.values("6.8", "learner04")).count("v.snapshot()") == 1


def test_the_notebooks_own_config_rules_agree_with_the_generators_ground_truth():
    """6.8's answer key comes from the generator; the notebook's model code, written from the managed rules'
    descriptions, must find exactly the same rows in every learner's snapshot."""
    nb = nbformat.read(NOTEBOOKS["6"], as_version=4)
    source = next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answer-6-8")
    family = get("6.8").variants
    for who in [f"config{n}" for n in range(12)]:
        values = family.values("6.8", who)
        scope = {"json": json, "pd": pd, "snapshot_6_8": values.snapshot()}
        exec(source, scope)  # noqa: S102 - the course's own solution code
        assert graded("6.8", scope["answer_6_8"], who).score == 1.0, who
        rules = set(scope["answer_6_8"]["rule"])
        assert rules == {"s3-bucket-public-read-prohibited", "restricted-ssh", "ec2-imdsv2-check",
                         "encrypted-volumes"}, f"{who}: every rule has a finding"


def test_traps_keep_their_teaching_point_in_every_variant():
    """7.4's traps sit at the learner's threshold; 5.7's at the learner's accounts; 6.8 keeps compliant
    look-alikes."""
    for who in LEARNERS:
        v = get("7.4").variants.values("7.4", who)
        cases = get("7.4").variants.exercise(v)._inputs()
        for case, ports in (("unseen_4", v.min_ports), ("unseen_6", v.min_ports - 1)):
            rejected = cases[case][cases[case]["action"] == "REJECT"]
            assert rejected.groupby(["srcaddr", "dstaddr"])["dstport"].nunique().max() == ports
        s = get("5.7").variants.values("5.7", who)
        assert len(set(s.org_accounts) | set(s.outsiders)) == 6 and all(re.fullmatch(r"[1-9]\d{11}", a)
                                                                         for a in s.org_accounts)
        assert model("5.7", who)["inventory"], "every inventory has exposed snapshots"


# --- deterministic and fast -------------------------------------------------------------------------------

def test_generation_is_deterministic_in_this_process_and_in_another():
    expected = {q: digest(q, "learner05") for q in VARYING}
    for question in VARYING:  # a fresh family cache: build again from scratch
        get(question).variants._built.clear()
    assert {q: digest(q, "learner05") for q in VARYING} == expected
    code = ("import json, sys; sys.path.insert(0, 'tests/exercises'); sys.path.insert(0, 'tests');"
            "import course.notebooks.database, course.notebooks.management, course.notebooks.analytics;"
            "from test_variant_data import digest, VARYING;"
            "print(json.dumps({q: digest(q, 'learner05') for q in VARYING}))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == expected


@pytest.mark.parametrize("question", VARYING)
def test_a_variant_builds_in_well_under_a_tenth_of_a_second_of_cpu(question):
    family = get(question).variants
    family.exercise(family.values(question, "warm-up"))  # the real datasets load once per process
    times = []
    for n in range(5):
        values = family.values(question, f"timing{n}")
        start = time.process_time()
        family.exercise(values)
        times.append(time.process_time() - start)
    assert sorted(times)[2] < 0.1, f"{question}: median {sorted(times)[2] * 1000:.0f} ms of CPU"


# --- mutation testing of the variants (the notebook's own model answers) -----------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("who", ["learner01", "learner02"])
def test_mutants_of_each_learners_variant_are_killed(who):
    import warnings

    from course.exercises.keys import canonical
    from course.mutation import reviewed, run
    from course.mutation.solutions import notebook_solutions

    with pinned(who):
        solutions = {}
        for path in NOTEBOOKS.values():
            solutions.update(notebook_solutions(path))
    for question in ("5.7", "6.4", "6.5", "6.6", "7.4"):  # answers that are plain data (the tables: row order)
        assert canonical(solutions[question].answer) == canonical(model(question, who)), \
            f"{question}: the notebook's solution cell and the family's model agree"
    for question in ("6.8", "7.6"):
        assert graded(question, solutions[question].answer, who).score == 1.0, question
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = run(ROOT, reviewed.load(), list(VARYING), identity=who)
    for item in report.exercises:
        assert item.problem is None, (item.exercise_id, item.problem)
        assert not item.survivors, (item.exercise_id, [m.description for m in item.survivors])
        assert item.mutants > 0 and item.killed > 0, item.exercise_id
