"""Question texts that the December 2026 content review found ambiguous now say what is graded.

The grading fixes of that review have their wrong answers tested in the per-notebook test files; the items
below were ambiguities of the question text (AM1, AM3, AM5, F5, F6, F11, F25, F27, F28, and the NACL limit
of WG4/AM4), so these tests hold each clarification in place and check that the grading still agrees with
it where the text names something checkable.
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT

from course.exercises import all_exercises, evaluate, get
from course.exercises.kinds.policy import lint_requirement

SOURCE = ROOT / "source"


def stem(exercise_id: str) -> str:
    """The markdown of question ``exercise_id``, from its heading to the end of that cell, and for a choice
    question its options (a code cell lists them, in each learner's order: issue #19)."""
    number = exercise_id.split(".")[0].zfill(2)
    heading = f"### Question {exercise_id} "
    options = " ".join(getattr(get(exercise_id), "options", {}).values()) if exercise_id in CHOICE else ""
    for path in sorted(SOURCE.glob(f"{number}-*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown" and heading in cell.source:
                text = cell.source[cell.source.index(heading):] + " " + options
                return " ".join(text.split())
    raise LookupError(heading)


CHOICE = {e.id for e in all_exercises() if e.kind in ("single-choice", "multiple-choice")}


@pytest.mark.parametrize("exercise_id, phrases", [
    ("1.2", ["for an **Allow**, the statement of the identity (or resource) policy that grants the action",
             "do not name them"]),                                                             # AM1
    ("1.9", ["no grants (`kms:CreateGrant`)", "can still rewrite the policy"]),                # WF3 / WG1
    ("1.16", ["`v1_16.quarantine_sg`", "against the instance **and** against each security group"]),  # WG2
    ("2.1", ["2001:db8:1234:1::20", "over IPv4 or IPv6", "five flows"]),                       # AM2
    ("2.2", ["no SSH (TCP 22)", "any ephemeral port from 1024 to 65535",
             "A NACL cannot stop those", "Network Firewall"]),                                  # WG4 / AM4
    ("3.6", ["without any KMS setup", "external key store"]),                                  # F5
    ("4.3", ["**AWS Fargate**", "container instance's role"]),                                 # AM5
    ("4.6", ["`SourceAccount` or `SourceArn`", "lambda-function-public-access-prohibited",
             "IAM Access Analyzer"]),                                                           # AM3
    ("5.6", ["(IAM010)", "`\"rds-db:*\"`"]),                                                   # F11
    ("6.7", ["stack/network-baseline/*"]),                                                     # F13
    ("8.2", ["Receiving an occasional duplicate is harmless"]),                                # F25
    ("9.3", ["**for the production deploy action**"]),                                         # F27
    ("9.4", ["Prepare the cross-account deployment", "for the artifact store and for the role chain"]),  # F28
])
def test_the_question_text_states_what_is_graded(exercise_id, phrases):
    text = stem(exercise_id)
    for phrase in phrases:
        assert " ".join(phrase.split()) in text, f"{exercise_id}: {phrase!r} missing"


def test_the_intern_of_3_1_has_a_grant_of_its_own():
    """F6: request c no longer depends on an insider reading through the public statement alone."""
    cells = nbformat.read(SOURCE / "03-storage" / "03-storage.ipynb", as_version=4).cells
    assert any("- `intern` (account `111122223333`): an identity policy that allows `s3:GetObject` on `public/*` "
               "only;" in c.source for c in cells)
    assert not any("no S3 permissions at all" in c.source for c in cells)


def test_5_6_loses_marks_for_the_service_wildcard_the_question_now_announces():
    user = "arn:aws:rds-db:eu-west-1:111122223333:dbuser:cluster-ABCDEFGHIJKL01234MNOPQRSTU/orders_app"
    result = evaluate("5.6", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "rds-db:*", "Resource": user}]})
    assert [r.description for r in result.failures] == [lint_requirement("IAM010")]


def test_9_4_title_matches_the_registered_exercise():
    assert get("9.4").title == "Prepare the cross-account deployment"
