"""course.authoring: reading a question's hidden cases back from its notebook; headings and points written
from the registry."""

from __future__ import annotations

import copy
import shutil

import nbformat
import pytest
from conftest import ROOT, SOURCE_NOTEBOOKS

from course.authoring import (
    RegistryMismatch,
    check_call,
    check_cell,
    hidden_cases,
    markdown,
    notebook,
    question,
    question_heading,
    sync_questions,
    write,
)
from course.cli import main
from course.exercises import get

TEMPLATE = ROOT / "source" / "10-customer-engagement" / "10-customer-engagement.ipynb"


def test_hidden_cases_come_back_as_data_from_a_notebook_or_its_folder():
    cases = hidden_cases(TEMPLATE, "10.5")
    assert isinstance(cases, list) and cases and all("request" in c for c in cases)
    assert hidden_cases(TEMPLATE.parent, "10.5") == cases
    assert hidden_cases(TEMPLATE, "10.1") == [], "a check cell without hidden tests has none"


def test_a_question_without_a_check_cell_is_a_lookup_error(tmp_path):
    path = write(notebook([check_cell("check-99-1", 'check("99.1", answer_99_1)', 1,
                                      hidden='check("99.1", answer_99_1, hidden={"expected": 3})')]),
                 tmp_path / "99.ipynb")
    assert hidden_cases(path, "99.1") == {"expected": 3}
    with pytest.raises(LookupError, match="check-99-2"):
        hidden_cases(path, "99.2")


# --- the registry is the one source of each question's heading and points -------------------------------

def _drift(nb, exercise_id: str) -> None:
    """Make one question's heading and check-cell points disagree with the registry, as a hand edit would."""
    slug = exercise_id.replace(".", "-")
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith(f"### Question {exercise_id} "):
            old_heading = cell.source.splitlines()[0]
            cell.source = cell.source.replace(old_heading, f"### Question {exercise_id} — old (1 point)")
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == f"check-{slug}":
            cell.metadata["nbgrader"]["points"] = 77


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=[p.parent.name for p in SOURCE_NOTEBOOKS])
def test_every_source_notebook_agrees_with_the_registry(path):
    """Headings and check-cell points are written from the registry: run `aws-course sync` if this fails."""
    assert sync_questions(nbformat.read(path, as_version=4), path.name) == []


def test_the_heading_and_check_points_come_from_the_registry():
    exercise = get("10.1")
    assert question_heading("10.1") == f"### Question 10.1 — {exercise.title} ({exercise.points:g} points)"
    assert question("10.1", "Stem.").source == question_heading("10.1") + "\n\nStem."
    assert check_call("10.1") == f'check("10.1", {exercise.answer_name})'
    assert check_cell("check-10-1", check_call("10.1")).metadata["nbgrader"]["points"] == exercise.points
    with pytest.raises(ValueError, match="names no question"):
        check_cell("10-setup", "pass")


def test_sync_rewrites_only_the_drifted_heading_line_and_points():
    original = nbformat.read(TEMPLATE, as_version=4)
    nb = copy.deepcopy(original)
    _drift(nb, "10.2")
    assert nb != original
    changes = sync_questions(nb, TEMPLATE.name)
    assert len(changes) == 2 and "'### Question 10.2 — old (1 point)' ->" in changes[0] and "points 77 ->" in changes[1]
    assert nb == original, "the stem, the code and every other cell are left as they were"


def test_a_question_the_registry_lacks_is_named(tmp_path):
    nb = notebook([markdown("### Question 99.9 — nowhere (1 point)\n\nStem.")])
    with pytest.raises(RegistryMismatch, match=r"99.ipynb cell 0: no exercise with id '99.9'"):
        sync_questions(nb, "99.ipynb")


def test_sync_command_checks_and_rewrites_a_course(tmp_path, monkeypatch, capsys):
    course = tmp_path / "course"
    target = course / "source" / TEMPLATE.parent.name / TEMPLATE.name
    target.parent.mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    nb = nbformat.read(TEMPLATE, as_version=4)
    _drift(nb, "10.3")
    nbformat.write(nb, target)
    monkeypatch.setenv("AWS_COURSE_ROOT", str(course))
    assert main(["sync", "--check"]) == 1
    out = capsys.readouterr()
    assert "disagrees with the registry: 10-customer-engagement.ipynb cell" in out.out and "aws-course sync" in out.err
    assert main(["sync"]) == 0
    assert target.read_bytes() == TEMPLATE.read_bytes(), "the rewritten notebook is the committed one"
    assert main(["sync", "--check"]) == 0
