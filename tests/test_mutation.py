"""Mutation testing of the checkers (issue #15): the gate, the docs table, the mutators and the command.

The gate runs every question's mutants once (a module fixture; about 30 s on one core) and fails on any
survivor that is neither recorded as equivalent nor in a pending question, on stale equivalents and on
a model answer that does not earn full marks itself.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pytest

from course.exercises import all_exercises
from course.mutation import detector, network, policy, render, reviewed, run, values
from course.mutation.base import Mutant, unique
from course.mutation.reviewed import ReviewedFileError
from course.mutation.solutions import DetectorSource

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "mutation-testing.md"
sys.path.insert(0, str(ROOT / "tests" / "autograder"))


@pytest.fixture(scope="module")
def report():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run(ROOT, reviewed.load())


@pytest.mark.slow
def test_no_unrecorded_survivors(report):
    failures = [e for e in report.exercises if e.failed]
    assert not failures, render.text(report)


@pytest.mark.slow
def test_every_gradable_question_is_mutated(report):
    assert [e.exercise_id for e in report.exercises] == [e.id for e in all_exercises()]
    assert all(e.mutants > 0 for e in report.exercises), [e.exercise_id for e in report.exercises if not e.mutants]


@pytest.mark.slow
def test_docs_table_is_up_to_date(report):
    assert DOCS.read_text() == render.markdown(report), (
        "docs/mutation-testing.md is out of date: run `aws-course check-checkers --markdown "
        "docs/mutation-testing.md`")


def test_equivalents_and_pending_name_real_questions():
    ids = {e.id for e in all_exercises()}
    data = reviewed.load()
    assert set(data.equivalent) <= ids and set(data.pending) <= ids


def test_reviewed_file_is_read_strictly(tmp_path):
    bad = tmp_path / "eq.yaml"
    bad.write_text('equivalent:\n  "1.3":\n    - {mutant: "drop statement [0]", reason: ""}\n')
    with pytest.raises(ReviewedFileError, match="needs one line"):
        reviewed.load(bad)
    bad.write_text('equivalent:\n  "1.3":\n    "drop statement [0]": "a reason"\n')
    with pytest.raises(ReviewedFileError, match="list of"):
        reviewed.load(bad)
    bad.write_text("equivalents: {}\n")
    with pytest.raises(ReviewedFileError, match="top-level keys"):
        reviewed.load(bad)


POLICY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "Deliver", "Effect": "Allow", "Action": ["kms:CreateKey", "s3:GetObject"],
    "Resource": "arn:aws:s3:::bucket/*",
    "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:topic"},
                  "StringEquals": {"aws:SourceVpce": "vpce-1234", "aws:SourceAccount": "111122223333"}}}]}


def test_policy_mutants_cover_the_issue_families():
    found = {m.description: m.answer for m in unique(POLICY, policy.mutants("0.1", POLICY, [
        {"context": {"aws:SourceVpce": "vpce-1234", "aws:SourceVpc": "vpc-77"}}]))}
    statement = lambda d: found[d]["Statement"][0]  # noqa: E731
    assert "drop statement 'Deliver'" in found
    assert "Condition" in statement("drop the ArnEquals block of statement 'Deliver'")
    assert "aws:SourceVpce" not in statement("drop StringEquals aws:SourceVpce in statement 'Deliver'")[
        "Condition"]["StringEquals"]
    assert statement("widen Resource 'arn:aws:s3:::bucket/*' to '*' in statement 'Deliver'")["Resource"] == "*"
    assert statement("widen action 'kms:CreateKey' to 'kms:*' in statement 'Deliver'")["Action"][0] == "kms:*"
    assert "kms:CreateGrant" in statement("add kms:CreateGrant (sibling of kms:CreateKey) to statement 'Deliver'")[
        "Action"]
    # a bucket-level action beside an object-only Resource grants nothing: not offered
    assert not any("s3:PutBucketPolicy" in d for d in found)
    roles = {"Version": "2012-10-17", "Statement": [{"Sid": "Roles", "Effect": "Allow", "Action": "iam:CreateRole",
                                                     "Resource": "arn:aws:iam::111122223333:role/app/*"}]}
    siblings = lambda p: {m.description for m in policy.mutants("0.1", p)  # noqa: E731
                          if m.family == "policy: sensitive sibling"}
    assert siblings(roles) == set(), "iam:Create... siblings act on users and policies, not on role/app/*"
    anywhere = {"Version": "2012-10-17", "Statement": [{**roles["Statement"][0], "Resource": "*"}]}
    assert "add iam:CreateAccessKey (sibling of iam:CreateRole) to statement 'Roles'" in siblings(anywhere)
    like = statement("ArnEquals -> ArnLike with aws:SourceArn 'arn:aws:sns:eu-west-1:111122223333:topic' -> "
                     "'arn:aws:sns:eu-west-1:*:topic' in statement 'Deliver'")
    assert like["Condition"]["ArnLike"] == {"aws:SourceArn": "arn:aws:sns:eu-west-1:*:topic"}
    assert "StringEqualsIfExists" in statement("StringEquals -> StringEqualsIfExists in statement 'Deliver'")[
        "Condition"]
    weaker = statement("aws:SourceVpce -> aws:SourceVpc (StringEquals 'vpc-77') in statement 'Deliver'")
    assert weaker["Condition"]["StringEquals"]["aws:SourceVpc"] == "vpc-77"
    assert statement("flip the Effect of statement 'Deliver' to Deny")["Effect"] == "Deny"
    assert "NotAction" in statement("turn Action into NotAction in statement 'Deliver'")


def test_network_mutants_widen_remove_reorder_and_add():
    from course.exercises import get

    answer = {"inbound": [{"rule": 100, "protocol": "tcp", "ports": [443, 443], "cidr": "0.0.0.0/0",
                           "action": "allow"},
                          {"rule": 110, "protocol": "tcp", "ports": [22, 22], "cidr": "198.51.100.0/24",
                           "action": "allow"}],
              "outbound": []}
    found = {m.description: m.answer for m in network.mutants(get("2.2"), answer)}
    assert found["inbound: remove rule 100 (allow tcp 443-443 0.0.0.0/0)"]["inbound"][0]["rule"] == 110
    assert found["inbound: widen the ports of rule 110 (allow tcp 22-22 198.51.100.0/24) to 0-65535"][
        "inbound"][1]["ports"] == [0, 65535]
    assert found["inbound: widen the cidr of rule 110 (allow tcp 22-22 198.51.100.0/24) to 0.0.0.0/0"][
        "inbound"][1]["cidr"] == "0.0.0.0/0"
    assert [r["rule"] for r in found["inbound: swap the numbers of rules 100 and 110"]["inbound"]] == [110, 100]
    assert "outbound: add rule 10 allowing all traffic from 0.0.0.0/0 after the others" in found


def test_detector_mutants_are_boundaries_counts_and_filters():
    from course.exercises import get

    source = '''
def scans(flows):
    rejected = flows[(flows["action"] == "REJECT") & (flows["proto"] == 6)]
    ports = rejected.groupby("src")["port"].nunique()
    return ports[ports >= 100]
'''
    node = ast.parse(source).body[0]
    found = {m.description for m in detector.mutants(get("7.4"), DetectorSource("scans", node, {}))}
    assert "scans: `ports >= 100` -> `ports > 100`" in found
    assert "scans: `100` -> `101`" in found and "scans: `100` -> `99`" in found
    assert "scans: `rejected.groupby('src')['port'].nunique()` -> `rejected.groupby('src')['port'].count()`" in found
    assert "scans: `(flows['action'] == 'REJECT') & (flows['proto'] == 6)` -> `flows['proto'] == 6`" in found
    assert "scans: `flows['action'] == 'REJECT'` -> `flows['action'] != 'REJECT'`" in found
    assert "scans: `ports[ports >= 100]` -> `ports`" in found


def test_value_mutants_are_every_single_wrong_choice():
    from course.exercises import get

    assert sorted(m.answer for m in values.mutants(get("2.8"), "C")) == sorted(set(get("2.8").options) - {"C"})
    toggles = {m.description for m in values.mutants(get("1.14"), {"A", "B", "C"})}
    assert {"leave out A", "add D"} <= toggles


def test_mutant_ids_are_stable_and_unique():
    first = [m.id for m in unique(POLICY, policy.mutants("0.1", POLICY))]
    assert first == [m.id for m in unique(POLICY, policy.mutants("0.1", POLICY))]
    assert len(first) == len(set(first))
    with pytest.raises(ValueError, match="share the id"):
        list(unique(None, [Mutant("0.1", "f", "same", 1), Mutant("0.1", "f", "same", 2)]))


def _cli(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course.cli", "check-checkers", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_unknown_question_is_a_one_line_error():
    proc = _cli("42.7")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "unknown question id '42.7'" in proc.stderr


@pytest.mark.slow
def test_a_fixture_course_is_mutated_and_broken_input_is_named(tmp_path):
    import nbfactory as f

    pkg = f.write_course(tmp_path)
    env = {**os.environ, "AWS_COURSE_ROOT": str(tmp_path), "PYTHONPATH": str(pkg)}
    proc = _cli("99.1", "99.2", "99.3", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 questions, 8 mutants: 8 killed, 0 equivalent, 0 unrecorded survivors" in proc.stdout
    notebook = tmp_path / "source" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "answer-99-2")
    cell.source = cell.source.replace("answer_99_2 =", "raise ValueError('boom')\nanswer_99_2 =")
    nbformat.write(nb, notebook)
    proc = _cli("99.2", env=env, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0, proc.stderr
    assert "answer-99-2" in proc.stderr and "ValueError: boom" in proc.stderr
    (pkg / f"{f.EXERCISES_MODULE}.py").write_text("this is not python\n")
    proc = _cli("99.1", env=env, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0, proc.stderr
    assert f.EXERCISES_MODULE in proc.stderr and "cannot be imported" in proc.stderr


@pytest.mark.slow
def test_check_cells_and_scores_agree_with_the_autograder(tmp_path):
    """course.mutation may not import the autograder, so it parses check cells and rounds scores itself:
    both must match what the grader does, on every source notebook and on real mutants."""
    from autograder.assignment import parse_check_cell as grader_parse
    from autograder.score import from_reply
    from autograder.scorer import _score
    from course.exercises.answers import to_data
    from course.mutation.runner import full_marks, generate
    from course.mutation.solutions import check_cells, notebook_solutions, source_notebooks

    for path in source_notebooks(ROOT):
        for exercise_id, cell in check_cells(path).items():
            source = next(c.source for c in nbformat.read(path, as_version=4).cells
                          if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == cell.grade_id)
            theirs = grader_parse(cell.grade_id, source, cell.points)
            assert (theirs.exercise_id, theirs.answer_name, theirs.points, theirs.hidden) == (
                exercise_id, cell.answer_name, cell.points, cell.hidden)
    from course.exercises import get

    solutions = notebook_solutions(ROOT / "source" / "02-networking-content-delivery"
                                   / "02-networking-content-delivery.ipynb")
    verdicts = []
    for exercise_id in ("2.2", "2.3", "2.6"):
        solution = solutions[exercise_id]
        for mutant in generate(get(exercise_id), solution):
            spec = _grader_spec(solution.check)
            answer_file = tmp_path / "answer.json"  # what the kernel's extraction cell writes
            answer_file.write_text(json.dumps({"data": to_data(mutant.build())}))
            request = {"exercise_id": spec.exercise_id, "path": str(answer_file), "hidden": list(spec.hidden)}
            cell = from_reply(spec, _score(request))  # the helper process's own scoring, in this process
            verdicts.append((full_marks(solution.check, mutant.build()), cell.score >= cell.points))
    assert verdicts and all(ours == theirs for ours, theirs in verdicts)
    assert {ours for ours, _ in verdicts} == {True, False}


def _grader_spec(cell):
    from autograder.assignment import CheckSpec

    return CheckSpec(cell.grade_id, cell.exercise_id, cell.answer_name, cell.points, cell.hidden)
