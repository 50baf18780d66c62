"""Exercises of notebook 05 (Database): reference solutions, realistic wrong answers, malformed input.

The policy exercises (5.3 DynamoDB LeadingKeys, 5.6 rds-db:connect) are graded by the real ``course.iam``
engine; their hidden cases are read from the notebook's check cells.
"""

from __future__ import annotations

import ast
import copy
import json
import re

import pandas as pd
import pytest
from conftest import ROOT

from course.authoring import hidden_cases
from course.exercises import CheckResult, evaluate, get
from course.exercises.kinds.logs import run_detector
from course.exercises.kinds.policy import lint_requirement
from course.notebooks.database import (
    ALICE,
    COLUMNS,
    COMPARISON,
    DB_USER,
    MISSING,
    ORG_ACCOUNTS,
    SNAPSHOT_COLUMNS,
    SNAPSHOT_INVENTORY,
    TABLE_ARN,
    dbuser_arn,
)

NOTEBOOK = ROOT / "source" / "05-database" / "05-database.ipynb"

DATABASES = pd.DataFrame(COMPARISON, columns=COLUMNS)

REFERENCE_5_1 = {
    "rds_at_rest": "chosen at creation", "dynamodb_at_rest": "always on",
    "aurora_audit_destination": "CloudWatch Logs", "dynamodb_audit_destination": "CloudTrail only",
    "redshift_audit_destination": "S3 or CloudWatch Logs", "neptune_audit_destination": "CloudWatch Logs",
    "dynamodb_resource_policy": "yes",
}
REFERENCE_5_2 = DATABASES.loc[DATABASES["authorization_by"] == "IAM policies", ["service", "authentication"]]
REFERENCE_5_3 = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "OwnItemsOnly", "Effect": "Allow",
        "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                   "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"],
        "Resource": TABLE_ARN,
        "Condition": {"ForAllValues:StringEquals": {
            "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}},
    }],
}
REFERENCE_5_4 = {
    "CreateTable": "management", "UpdateTable": "management", "DescribeTable": "management",
    "UpdateTimeToLive": "management", "RestoreTableToPointInTime": "management", "PutItem": "data",
    "Query": "data", "ExecuteStatement": "data", "TransactWriteItems": "data", "GetRecords": "data",
}
REFERENCE_5_6 = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ConnectAsOrdersApp", "Effect": "Allow", "Action": "rds-db:connect",
                   "Resource": dbuser_arn(DB_USER)}],
}
ORG = {"111122223333", "444455556666", "555566667777"}


def reference_exposed(snapshots: pd.DataFrame) -> pd.DataFrame:
    """The exposure rule of 5.7: 'all' or any account outside the organization in the restore attribute."""
    def exposed(value: str) -> bool:
        entries = [entry.strip() for entry in str(value).split(";") if entry.strip()]
        return any(entry == "all" or entry not in ORG for entry in entries)
    return snapshots[snapshots["restore_accounts"].map(exposed)][["snapshot_id"]]


RDS_ADMIN = "arn:aws:iam::111122223333:role/rds-admin"
VIA_RDS = {"StringEquals": {"kms:ViaService": "rds.eu-west-1.amazonaws.com"}}
REFERENCE_5_8 = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/orders-service"},
    "Action": "kms:Decrypt", "Resource": "*",
    "Condition": {"StringEquals": {"kms:ViaService": "ssm.eu-west-1.amazonaws.com"},
                  "StringLike": {"kms:EncryptionContext:PARAMETER_ARN":
                                 "arn:aws:ssm:eu-west-1:111122223333:parameter/orders/*"}}}]}
REFERENCE_5_9 = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": RDS_ADMIN},
     "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
     "Resource": "*", "Condition": VIA_RDS},
    {"Effect": "Allow", "Principal": {"AWS": RDS_ADMIN}, "Action": "kms:CreateGrant", "Resource": "*",
     "Condition": {**VIA_RDS, "Bool": {"kms:GrantIsForAWSResource": "true"}}},
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/key-auditor"},
     "Action": ["kms:ListGrants", "kms:RevokeGrant"], "Resource": "*"}]}

REFERENCES = {"5.1": REFERENCE_5_1, "5.2": REFERENCE_5_2, "5.3": REFERENCE_5_3, "5.4": REFERENCE_5_4,
              "5.5": "C", "5.6": REFERENCE_5_6, "5.7": run_detector("5.7", reference_exposed),
              "5.8": REFERENCE_5_8, "5.9": REFERENCE_5_9}


def statement_with(policy: dict, **changes) -> dict:
    policy = copy.deepcopy(policy)
    statement = policy["Statement"][0]
    for field, value in changes.items():
        if value is None:
            statement.pop(field, None)
        else:
            statement[field] = value
    return policy


def failed(result: CheckResult) -> list[str]:
    return [r.description for r in result.failures]


def notebook_cell(grade_id: str) -> str:
    nb = json.loads(NOTEBOOK.read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return "".join(cell["source"])
    raise AssertionError(f"no cell {grade_id} in {NOTEBOOK.name}")


def notebook_hidden_cases(exercise_id: str) -> list:
    """The literal ``hidden=[...]`` data in the notebook's check cell of ``exercise_id``."""
    return hidden_cases(NOTEBOOK, exercise_id)


def notebook_solution(exercise_id: str):
    """The value the notebook's solution cell assigns (5.2's is pandas code, run against the table)."""
    source = notebook_cell("answer-" + exercise_id.replace(".", "-"))
    block = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, re.S).group(1)
    if exercise_id == "5.7":
        v5_7 = get("5.7").variants.values("5.7", None)  # the default scenario (no identity in tests)
        scope = {"pd": pd, "run_detector": run_detector, "ORG_ACCOUNTS": ORG_ACCOUNTS,
                 "SNAPSHOT_COLUMNS": SNAPSHOT_COLUMNS, "SNAPSHOT_INVENTORY": SNAPSHOT_INVENTORY,
                 "v5_7": v5_7, "inventory_5_7": v5_7.inventory()}
        exec(source, scope)  # noqa: S102 - the notebook's own solution code
        return scope["answer_5_7"]
    if exercise_id == "5.2":
        scope = {"databases": DATABASES.copy(), "pd": pd}
        exec(block, scope)  # noqa: S102 - the notebook's own solution code
        return scope["answer_5_2"]
    if get(exercise_id).variants is not None:
        return _built_from_the_variant(exercise_id, block)
    return ast.literal_eval(ast.parse(block).body[0].value)


def _built_from_the_variant(exercise_id: str, block: str):
    """A solution written in terms of the learner's variant (``v1_3``), for the default scenario."""
    scope = {"v" + exercise_id.replace(".", "_"): get(exercise_id).variants.values(exercise_id, None)}
    exec(block, scope)  # noqa: S102 - the notebook's own solution code
    return scope["answer_" + exercise_id.replace(".", "_")]


def assert_error(result: CheckResult, *words: str) -> None:
    assert result.error is not None, f"expected an error, got requirements {result.requirements}"
    assert result.score == 0 and not result.passed
    for word in words:
        assert word in result.error, f"{word!r} not in {result.error!r}"


# --- every exercise --------------------------------------------------------------------------------

def test_the_module_registers_nine_exercises_of_six_kinds_with_the_notebook_points():
    exercises = {i: get(i) for i in REFERENCES}
    assert {e.kind for e in exercises.values()} == {"mapping", "table", "policy", "single-choice", "detector"}
    assert {i: e.points for i, e in exercises.items()} == {"5.1": 3, "5.2": 2, "5.3": 4, "5.4": 3, "5.5": 2,
                                                          "5.6": 3, "5.7": 4, "5.8": 4, "5.9": 4}
    for exercise_id, exercise in exercises.items():
        assert exercise.answer_name == "answer_" + exercise_id.replace(".", "_")


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_solution_scores_full_marks(exercise_id):
    result = evaluate(exercise_id, REFERENCES[exercise_id])
    assert result.error is None, result.error
    assert result.passed and result.score == 1.0, str(result)


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_the_notebook_solution_is_a_full_marks_answer_and_passes_the_hidden_cases(exercise_id):
    hidden = notebook_hidden_cases(exercise_id)
    result = evaluate(exercise_id, notebook_solution(exercise_id), hidden=hidden or None)
    assert result.passed and result.score == 1.0, str(result)
    if exercise_id in ("5.3", "5.6", "5.8", "5.9"):
        assert hidden and sum(r.hidden for r in result.requirements) == len(hidden)


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
@pytest.mark.parametrize("bad", [None, ..., 42, 3.5, True, [1, 2], "", object()],
                         ids=lambda v: "object" if type(v) is object else repr(v))
def test_malformed_answers_give_an_error_and_never_raise(exercise_id, bad):
    result = evaluate(exercise_id, bad)
    assert result.error, f"{exercise_id} accepted {bad!r}: {result}"
    assert result.score == 0


def test_keys_do_not_appear_in_plain_text_in_the_module():
    source = (ROOT / "course" / "notebooks" / "database.py").read_text()
    assert "make_key(" not in source and "part_key(" not in source and "table_keys(" not in source
    assert len(re.findall(r'"[0-9a-f]{64}"', source)) == 7 + 3 + 10 + 1 + 5


# --- the comparison table --------------------------------------------------------------------------

def test_the_table_has_six_services_and_exactly_the_seven_cells_5_1_asks_for_are_missing():
    assert list(DATABASES["service"]) == ["RDS", "Aurora", "DynamoDB", "Redshift", "Neptune", "DocumentDB"]
    missing = {(row.service, column) for row in DATABASES.itertuples() for column in COLUMNS
               if getattr(row, column) == MISSING}
    assert missing == {("RDS", "at_rest_summary"), ("DynamoDB", "at_rest_summary"),
                       ("Aurora", "audit_destination"), ("DynamoDB", "audit_destination"),
                       ("Redshift", "audit_destination"), ("Neptune", "audit_destination"),
                       ("DynamoDB", "resource_policy")}
    assert MISSING not in set(DATABASES["authorization_by"]), "5.2 queries a complete column"


def test_the_2019_picture_gets_partial_credit_with_hints_about_what_changed():
    notes_2019 = dict(REFERENCE_5_1, dynamodb_at_rest="chosen at creation", dynamodb_resource_policy="no",
                      neptune_audit_destination="console download only")
    result = evaluate("5.1", notes_2019)
    assert result.score == pytest.approx(4 / 7)
    hints = " ".join(r.hint for r in result.failures)
    assert "called encryption at rest optional" in hints and "2019" in hints


def test_confusing_cloudtrail_with_engine_logs():
    result = evaluate("5.1", dict(REFERENCE_5_1, aurora_audit_destination="CloudTrail only",
                                  dynamodb_audit_destination="CloudWatch Logs"))
    assert result.score == pytest.approx(5 / 7)
    assert any("management API" in r.hint for r in result.failures)


def test_completion_values_outside_the_choices_are_errors():
    assert_error(evaluate("5.1", dict(REFERENCE_5_1, dynamodb_at_rest="optional")), "'always on'")
    assert_error(evaluate("5.1", dict(REFERENCE_5_1, dynamodb_resource_policy=True)), "'yes' or 'no'")
    assert_error(evaluate("5.1", {**REFERENCE_5_1, "documentdb_at_rest": "chosen at creation"}), "unexpected key")


def test_filtering_on_iam_authentication_instead_of_authorization_returns_too_many_rows():
    wrong = DATABASES.loc[DATABASES["authentication"].str.contains("IAM"), ["service", "authentication"]]
    result = evaluate("5.2", wrong)
    assert result.error is None and not result.passed
    assert failed(result) == ["has the right number of rows", "column service holds the right values",
                              "column authentication holds the right values"]
    assert "not IAM authorization" in result.failures[0].hint


def test_a_query_that_forgets_to_select_the_columns_or_picks_the_engine_services():
    all_columns = DATABASES[DATABASES["authorization_by"] == "IAM policies"]
    result = evaluate("5.2", all_columns)
    assert result.passed, "extra columns are not penalised; the two asked for are present"
    only_service = DATABASES.loc[DATABASES["authorization_by"] == "IAM policies", ["service"]]
    result = evaluate("5.2", only_service)
    assert failed(result) == ["has the columns service, authentication",
                              "column authentication holds the right values"]
    assert result.score == pytest.approx(2 / 4)
    engine = DATABASES.loc[DATABASES["authorization_by"] == "database engine", ["service", "authentication"]]
    assert evaluate("5.2", engine).score == pytest.approx(1 / 4)


def test_a_series_or_a_list_for_5_2():
    result = evaluate("5.2", REFERENCE_5_2["service"])
    assert result.error is None and "has the columns service, authentication" in failed(result)
    assert_error(evaluate("5.2", ["DynamoDB", "Neptune"]), "pandas DataFrame")


# --- 5.3 LeadingKeys ---------------------------------------------------------------------------------

@pytest.mark.parametrize("operator", ["StringEquals", "ForAnyValue:StringEquals"])
def test_an_operator_without_for_all_values_lets_a_mixed_batch_through(operator):
    policy = statement_with(REFERENCE_5_3, Condition={operator: {
        "dynamodb:LeadingKeys": "${cognito-identity.amazonaws.com:sub}"}})
    result = evaluate("5.3", policy)
    assert failed(result) == ["Alice cannot fetch her item and Bob's in one BatchGetItem"]
    assert "multivalued" in result.failures[0].hint and result.score == pytest.approx(9 / 10)


def test_granting_scan_with_for_all_values_opens_the_whole_table():
    policy = statement_with(REFERENCE_5_3, Action=REFERENCE_5_3["Statement"][0]["Action"] + ["dynamodb:Scan"])
    result = evaluate("5.3", policy)
    assert failed(result) == ["Alice cannot Scan the table"]
    assert "absent" in result.failures[0].hint


def test_a_null_check_makes_scan_safe_again():
    policy = statement_with(REFERENCE_5_3, Action=REFERENCE_5_3["Statement"][0]["Action"] + ["dynamodb:Scan"],
                            Condition={**REFERENCE_5_3["Statement"][0]["Condition"],
                                       "Null": {"dynamodb:LeadingKeys": "false"}})
    assert evaluate("5.3", policy).passed


def test_dynamodb_star_fails_scan_delete_table_and_the_linter():
    result = evaluate("5.3", statement_with(REFERENCE_5_3, Action="dynamodb:*"))
    assert failed(result) == ["Alice cannot Scan the table", "Alice cannot delete the table",
                              lint_requirement("IAM010")]


def test_hard_coding_one_players_id_is_caught_by_the_hidden_cases():
    policy = statement_with(REFERENCE_5_3, Condition={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ALICE}})
    assert evaluate("5.3", policy).passed, "the visible cases only involve Alice"
    result = evaluate("5.3", policy, hidden=notebook_hidden_cases("5.3"))
    assert failed(result) == ["Bob reads his own item", "Bob cannot overwrite Alice's item"]
    assert all(r.hidden for r in result.failures)


def test_a_policy_variable_in_a_2008_policy_matches_nothing():
    old = dict(copy.deepcopy(REFERENCE_5_3), Version="2008-10-17")
    result = evaluate("5.3", old)
    assert failed(result)[:3] == ["Alice reads her own item (GetItem)", "Alice queries her own scores (Query)",
                                  "Alice writes her own item (PutItem)"]


def test_every_table_instead_of_game_scores():
    result = evaluate("5.3", statement_with(REFERENCE_5_3, Resource="arn:aws:dynamodb:*:*:table/*"))
    assert failed(result) == ["Alice cannot read from another table"]


def test_leading_keys_policy_errors():
    assert_error(evaluate("5.3", "{not json"), "not valid JSON")
    assert_error(evaluate("5.3", {"Version": "2012-10-17"}), "no 'Statement'")
    assert_error(evaluate("5.3", statement_with(REFERENCE_5_3, Effect="Allowed")))


# --- 5.4 and 5.5 -------------------------------------------------------------------------------------

def test_treating_read_only_calls_as_data_events():
    read_only = dict(REFERENCE_5_4, DescribeTable="data")
    result = evaluate("5.4", read_only)
    assert result.score == pytest.approx(9 / 10) and "read-only does not make" in result.failures[0].hint


def test_the_2019_belief_that_only_management_calls_reach_cloudtrail():
    # "Get and Put are not logged": a learner who thinks PartiQL, transactions and streams are management calls.
    result = evaluate("5.4", dict(REFERENCE_5_4, ExecuteStatement="management", TransactWriteItems="management",
                                  GetRecords="management"))
    assert result.score == pytest.approx(7 / 10)
    assert any("PartiQL" in r.hint for r in result.failures)
    assert_error(evaluate("5.4", dict(REFERENCE_5_4, PutItem="data event")), "'management' or 'data'")
    assert_error(evaluate("5.4", {**REFERENCE_5_4, "Scan": "data"}), "unexpected key")


@pytest.mark.parametrize("wrong, words", [
    ("A", "fixed when an instance is created"),
    ("B", "keeps its source's encryption state"),
    ("D", "EC2 volumes"),
    ("E", "SQL Server and Oracle only"),
])
def test_encrypting_an_existing_instance_wrong_options_explain_the_misconception(wrong, words):
    result = evaluate("5.5", wrong)
    assert not result.passed and words in result.failures[0].hint
    assert "snapshot" not in result.failures[0].hint.lower() or wrong != "A", "the hint does not give the answer"


def test_single_choice_form():
    assert evaluate("5.5", " c ").passed
    assert_error(evaluate("5.5", ["C"]), "exactly one")
    assert_error(evaluate("5.5", "F"), "not one of the options")


# --- 5.6 rds-db:connect ------------------------------------------------------------------------------

def test_the_cluster_name_instead_of_its_resource_id_never_matches():
    result = evaluate("5.6", statement_with(REFERENCE_5_6, Resource=dbuser_arn(DB_USER, "orders-db")))
    assert failed(result) == ["the orders service connects to orders-db as orders_app"]
    assert "resource ID" in result.failures[0].hint


def test_a_wildcard_user_or_cluster_lets_the_role_in_as_anyone_or_anywhere():
    any_user = evaluate("5.6", statement_with(REFERENCE_5_6, Resource=dbuser_arn("*")))
    assert failed(any_user) == ["the orders service cannot connect as the master user postgres",
                                "the orders service cannot connect as orders_app_admin"]
    prefix = evaluate("5.6", statement_with(REFERENCE_5_6, Resource=dbuser_arn("orders_app*")))
    assert failed(prefix) == ["the orders service cannot connect as orders_app_admin"]
    any_cluster = evaluate("5.6", statement_with(REFERENCE_5_6, Resource=dbuser_arn(DB_USER, "*")))
    assert failed(any_cluster) == ["the orders service cannot connect to another cluster"]


def test_the_wrong_action_names_fail_the_connection():
    for action in ("rds:connect", "rds:*", "rds-data:*"):
        result = evaluate("5.6", statement_with(REFERENCE_5_6, Action=action))
        assert "the orders service connects to orders-db as orders_app" in failed(result), action
    everything = evaluate("5.6", statement_with(REFERENCE_5_6, Action="*", Resource="*"))
    assert lint_requirement("IAM006") in failed(everything)
    assert "the orders service cannot modify the cluster (rds:ModifyDBCluster)" in failed(everything)


def test_hidden_case_catches_a_wildcard_region():
    loose = statement_with(REFERENCE_5_6, Resource=dbuser_arn(DB_USER, region="*"))
    assert evaluate("5.6", loose).passed, "the visible cases alone do not see this mistake"
    result = evaluate("5.6", loose, hidden=notebook_hidden_cases("5.6"))
    assert not result.passed and {r.hidden for r in result.failures} == {True}


# --- 5.7 exposed snapshots ---------------------------------------------------------------------------------

def failures(result: CheckResult) -> dict[str, str]:
    return {r.description: r.hint for r in result.failures}


def test_snapshots_first_entry_only_misses_outsiders_listed_later():
    def first_only(snapshots):
        first = snapshots["restore_accounts"].str.split(";").str[0]
        return snapshots[(first == "all") | (~first.isin(ORG) & (first != ""))]
    result = evaluate("5.7", run_detector("5.7", first_only))
    assert not result.passed
    assert "missed" in failures(result)["the right snapshots on unseen 3"]


def test_snapshots_every_shared_snapshot_flags_organization_sharing():
    result = evaluate("5.7", run_detector("5.7", lambda s: s[s["restore_accounts"] != ""]))
    assert "flagged" in failures(result)["the right snapshots on inventory"]


def test_snapshots_substring_match_treats_a_lookalike_account_as_inside():
    def substring(snapshots):
        return snapshots[snapshots["restore_accounts"].map(
            lambda v: "all" in v or (v != "" and not any(account in v for account in ORG)))]
    result = evaluate("5.7", run_detector("5.7", substring))
    assert "the right snapshots on unseen 4" in failures(result)


def test_snapshots_a_crashing_or_wrong_shaped_detector_is_reported_per_case():
    result = evaluate("5.7", run_detector("5.7", lambda s: s["snapshot_id"]))
    assert not result.passed and "snapshot_id" not in str(result.error or "")
    assert_error(evaluate("5.7", reference_exposed), "run_detector")


# --- 5.8 Parameter Store key ---------------------------------------------------------------------------------

def test_parameters_a_prefix_without_its_slash_reaches_orders_archive():
    loose = copy.deepcopy(REFERENCE_5_8)
    loose["Statement"][0]["Condition"]["StringLike"]["kms:EncryptionContext:PARAMETER_ARN"] = (
        "arn:aws:ssm:eu-west-1:111122223333:parameter/orders*")
    assert list(failures(evaluate("5.8", loose))) == ["the orders service cannot read /orders-archive/db-password"]


def test_parameters_without_via_service_a_forged_context_decrypts():
    direct = copy.deepcopy(REFERENCE_5_8)
    del direct["Statement"][0]["Condition"]["StringEquals"]
    failed = failures(evaluate("5.8", direct))
    assert "the orders service cannot call Decrypt itself with a made-up encryption context" in failed


def test_parameters_any_service_fails_the_hidden_secrets_manager_case():
    any_service = copy.deepcopy(REFERENCE_5_8)
    any_service["Statement"][0]["Condition"]["StringLike"]["kms:ViaService"] = "*.eu-west-1.amazonaws.com"
    del any_service["Statement"][0]["Condition"]["StringEquals"]
    result = evaluate("5.8", any_service, hidden=notebook_hidden_cases("5.8"))
    assert "Secrets Manager cannot be used as a way round the parameter condition" in failures(result)


# --- 5.9 RDS key and grants -------------------------------------------------------------------------------

def test_grants_without_via_service_let_ebs_create_grants():
    any_service = copy.deepcopy(REFERENCE_5_9)
    any_service["Statement"][1]["Condition"] = {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    assert list(failures(evaluate("5.9", any_service))) == [
        "another service (EBS through EC2) cannot create grants for rds-admin"]


def test_grants_unconditional_create_grant_lets_the_dba_grant_itself():
    open_grants = copy.deepcopy(REFERENCE_5_9)
    del open_grants["Statement"][1]["Condition"]
    assert "rds-admin cannot create a grant for itself directly" in failures(evaluate("5.9", open_grants))


def test_grants_an_auditor_with_kms_star_can_decrypt():
    wide = copy.deepcopy(REFERENCE_5_9)
    wide["Statement"][2]["Action"] = "kms:*"
    assert list(failures(evaluate("5.9", wide))) == ["the key auditor cannot decrypt"]
