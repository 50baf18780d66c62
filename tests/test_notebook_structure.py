"""Every notebook has the shape CONTENT.md asks for, and its graded cells agree with the registry."""

from __future__ import annotations

import ast
import re
from collections import Counter

import nbformat
import pytest
from conftest import ROOT, SOURCE_NOTEBOOKS
from nbhelpers import markdown_text, nbgrader_cells, questions, read, shared_runs, words

from course.exercises import all_exercises

IDS = [p.parent.name for p in SOURCE_NOTEBOOKS]


def test_there_is_at_least_one_notebook_and_each_sits_in_its_own_assignment_folder():
    assert SOURCE_NOTEBOOKS, "no source notebooks found"
    for path in SOURCE_NOTEBOOKS:
        assert path.stem.startswith(path.parent.name), (
            f"{path}: the notebook is named after its assignment folder (NN-slug.ipynb or NN-slug-partK.ipynb)")


def test_grade_ids_are_unique_across_the_course_and_points_positive():
    seen = Counter()
    for path in SOURCE_NOTEBOOKS:
        for cell in nbgrader_cells(read(path)):
            seen[cell.grade_id] += 1
            assert cell.grade_id, f"{path.name}: a cell has nbgrader metadata but no grade_id"
            if cell.grade:
                assert cell.points > 0, f"{path.name}:{cell.grade_id} is graded but worth no points"
    assert not [g for g, n in seen.items() if n > 1], "grade ids used twice"


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=IDS)
def test_sections_content_md_asks_for(path):
    nb = read(path)
    text = markdown_text(nb)
    first = nb.cells[0]
    number = path.parent.name[:2]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {number} · "), "title first"
    for needle in ("## Learning objectives", "**Time:**", "**Prerequisites:**", "## Key points", "## Sources",
                   "> **Changed since 2019:**"):
        assert needle in text, f"{path.name} lacks {needle!r}"
    footer = nb.cells[-1]
    assert footer.cell_type == "markdown" and footer.source.startswith("---"), "attribution footer last"
    for needle in ("AWS Service Security Notes", "mykter", "CC BY-SA 4.0",
                   "github.com/mykter/aws-security-cert-service-notes"):
        assert needle in footer.source, f"footer lacks {needle!r}"
    objectives = text.split("## Learning objectives", 1)[1].split("\n#", 1)[0]
    assert 3 <= _bullets(objectives) <= 6, f"{path.name}: 3 to 6 learning objectives"
    key_points = text.split("## Key points", 1)[1].split("\n## ", 1)[0]
    assert 5 <= _bullets(key_points) <= 10, f"{path.name}: 5 to 10 key points"
    sources = text.split("## Sources", 1)[1]
    assert "https://docs.aws.amazon.com/" in sources or "https://aws.amazon.com/" in sources


def _bullets(section: str) -> int:
    """Top-level list items (``- x``, ``* x``, ``1. x``), not bold lines such as ``**Time:**``."""
    return sum(bool(re.match(r"(?:[-*]|\d+\.)\s", line)) for line in section.splitlines())


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=IDS)
def test_setup_cell_is_locked_and_imports_the_course(path):
    cells = nbgrader_cells(read(path))
    setup = [c for c in cells if c.grade_id.endswith("-setup")]
    assert setup, "a locked setup cell NN-setup"
    assert "course" in setup[0].source


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=IDS)
def test_source_notebooks_are_stored_without_outputs(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: outputs stored"


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=IDS)
def test_every_question_has_answer_and_check_cells_matching_the_registry(path):
    nb = read(path)
    asked = questions(nb)
    assert len(asked) >= 4, f"{path.name}: at least 4 exercises"
    cells = {c.grade_id: c for c in nbgrader_cells(nb)}
    registry = {e.id: e for e in all_exercises()}
    kinds = set()
    for qid, points in asked.items():
        slug = qid.replace(".", "-")
        assert qid in registry, f"Question {qid} has no exercise in course.exercises"
        exercise = registry[qid]
        kinds.add(exercise.kind)
        assert exercise.points == points, f"Question {qid}: heading says {points} points, registry {exercise.points}"
        answer, check = cells.get(f"answer-{slug}"), cells.get(f"check-{slug}")
        assert answer and answer.solution, f"Question {qid}: answer cell answer-{slug}"
        assert exercise.answer_name in answer.source, f"answer cell assigns {exercise.answer_name}"
        assert check and check.grade and check.points == points, f"Question {qid}: check cell check-{slug}"
        assert f'check("{qid}", {exercise.answer_name}' in check.source
        _assert_ends_without_a_value(check.source, f"check-{slug}")
    assert len(kinds) >= 2, f"{path.name}: exercises of at least two kinds"


def _assert_ends_without_a_value(source: str, where: str) -> None:
    """A trailing expression would be read by nbgrader as partial credit; check() returns None."""
    lines = [line for line in source.splitlines() if not line.strip().startswith("###")]
    tree = ast.parse("\n".join(lines))
    last = tree.body[-1]
    if isinstance(last, ast.Expr):
        call = last.value
        assert isinstance(call, ast.Call) and getattr(call.func, "id", "") == "check", (
            f"{where} ends in an expression whose value nbgrader would parse as a score")


def test_no_markdown_copies_a_run_of_twelve_words_from_the_source_notes():
    reference = words((ROOT / "docs" / "source-notes" / "aws-service-security-notes.txt").read_text())
    for path in SOURCE_NOTEBOOKS:
        runs = shared_runs(markdown_text(read(path)), reference)
        assert not runs, f"{path.name} copies the source notes: {runs[:3]}"


def test_the_copy_detector_catches_a_copied_sentence():
    reference = words("Uses CloudTrail, VPC Flow Logs, and DNS Logs (if EC2 instances are configured to use "
                      "Route 53 resolvers - the default). Doesn't require you to enable them!")
    copied = "GuardDuty uses CloudTrail, VPC Flow Logs, and DNS Logs (if EC2 instances are configured to use x"
    assert shared_runs(copied, reference)
    assert not shared_runs("GuardDuty reads CloudTrail management events, flow logs and DNS queries.", reference)


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=[p.parent.name for p in SOURCE_NOTEBOOKS])
def test_questions_are_numbered_in_reading_order(path):
    """A learner who discusses "question 6.3" must find it after 6.2 (review F17): N.1, N.2, ... top to bottom."""
    found = [m for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"
             for m in re.findall(r"^###\s+Question\s+(\d+)\.(\d+)\b", cell.source, re.M)]
    numbers = [int(minor) for _, minor in found]
    assert numbers == sorted(numbers), f"{path.name}: questions appear as {[f'{a}.{b}' for a, b in found]}"
    assert len(set(numbers)) == len(numbers), f"{path.name}: a question number appears twice"
