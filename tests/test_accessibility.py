"""Accessibility basics: figures are described in words, headings are in order, feedback never relies on colour.

Figures are found by running the notebook (an image in a cell's output), not by guessing from the code, and
each needs a caption in the markdown cell right after it (``*Figure: ...*``) or alt text on the image.
"""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from conftest import RELEASE_NOTEBOOKS, ROOT, SOURCE_NOTEBOOKS
from nbclient import NotebookClient

from course.exercises import all_exercises, evaluate
from course.exercises.results import FAIL_MARK, PASS_MARK, CheckResult, Requirement

ALL_NOTEBOOKS = SOURCE_NOTEBOOKS + RELEASE_NOTEBOOKS
ALL_IDS = [f"{p.parent.parent.name}/{p.parent.name}" for p in ALL_NOTEBOOKS]
CAPTION = re.compile(r"^\s*[*_]{1,2}Figure\s*\d*[:.]\s*(.+)", re.S)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
HTML_HEADING = re.compile(r"<h([1-6])\b", re.I)
MIN_CAPTION_WORDS = 8  # "Figure: a diagram" says nothing; a caption says what the figure shows


def headings(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(level, text) of every markdown heading, in order, ignoring lines inside code fences."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = FENCE.sub("", cell.source)
        marks = sorted([(m.start(), len(m.group(1)), m.group(2)) for m in HEADING.finditer(text)]
                       + [(m.start(), int(m.group(1)), "<html heading>") for m in HTML_HEADING.finditer(text)])
        found += [(level, title) for _, level, title in marks]
    return found


def heading_problems(found: list[tuple[int, str]]) -> list[str]:
    problems = []
    if not found or found[0][0] != 1:
        problems.append("the notebook must open with one level-1 heading (its title)")
    if sum(level == 1 for level, _ in found) > 1:
        problems.append("more than one level-1 heading")
    for (before, _), (level, title) in zip(found, found[1:], strict=False):
        if level > before + 1:
            problems.append(f"heading {'#' * level} {title!r} skips a level after a level-{before} heading")
    return problems


def test_heading_checker_catches_a_skipped_level():
    assert heading_problems([(1, "t"), (2, "a"), (3, "b"), (2, "c"), (3, "d")]) == []
    assert heading_problems([(1, "t"), (3, "b")]) == ["heading ### 'b' skips a level after a level-1 heading"]
    assert heading_problems([(2, "t")])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\n```\n### not a heading\n```\n## A")])
    assert headings(nb) == [(1, "T"), (2, "A")]


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ALL_IDS)
def test_headings_are_in_order(path):
    problems = heading_problems(headings(nbformat.read(path, as_version=4)))
    assert not problems, f"{path.relative_to(ROOT)}: {problems}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ALL_IDS)
def test_markdown_images_have_alt_text_and_no_colour_only_markup(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for alt in re.findall(r"!\[([^\]]*)\]\(", cell.source):
            assert alt.strip(), f"{path.name}: a markdown image has no alt text"
        for tag in re.findall(r"<img\b[^>]*>", cell.source, re.I):
            assert re.search(r'\balt="[^"]+"', tag), f"{path.name}: {tag} has no alt text"
        assert not re.search(r"<font\b|style=\"[^\"]*\bcolor\s*:", cell.source, re.I), (
            f"{path.name}: coloured text in markdown; say it in words or symbols too")


def figure_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of code cells whose outputs hold an image."""
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            and any(kind.startswith("image/") or "<img" in str(data)
                    for out in cell.get("outputs", []) for kind, data in out.get("data", {}).items())]


def described(nb: nbformat.NotebookNode, index: int) -> str | None:
    """The figure's caption (the next markdown cell) or its alt text; None when it has neither."""
    for out in nb.cells[index].get("outputs", []):
        alt = out.get("metadata", {}).get("alt") or re.search(r'\balt="([^"]+)"', str(out.get("data", {})))
        if alt:
            return alt if isinstance(alt, str) else alt.group(1)
    following = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
    if following is not None and following.cell_type == "markdown" and (m := CAPTION.match(following.source)):
        return m.group(1).split("\n\n")[0]
    return None


def test_caption_finder_needs_a_real_caption():
    image = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    figure = nbformat.v4.new_code_cell("plt.show()", outputs=[image])
    caption = nbformat.v4.new_markdown_cell("*Figure: three boxes, one per domain, and arrows to DMARC.*\n\n## Next")
    nb = nbformat.v4.new_notebook(cells=[figure, caption])
    assert figure_cells(nb) == [0] and described(nb, 0) == "three boxes, one per domain, and arrows to DMARC.*"
    nb.cells[1] = nbformat.v4.new_markdown_cell("Some prose that does not say it is the figure.")
    assert described(nb, 0) is None
    nb.cells = [figure]
    assert described(nb, 0) is None


@pytest.mark.slow
@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=[p.parent.name for p in SOURCE_NOTEBOOKS])
def test_every_figure_has_a_caption_or_alt_text(path, tmp_path):
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nb = nbformat.read(work / path.name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    figures = figure_cells(nb)
    for index in figures:
        text = described(nb, index)
        grade_id = nb.cells[index].get("metadata", {}).get("nbgrader", {}).get("grade_id", f"cell {index}")
        assert text, (f"{path.name}: the figure of {grade_id} has no caption: put a markdown cell starting "
                      "'*Figure: ...*' right after it, saying what it shows")
        assert len(text.split()) >= MIN_CAPTION_WORDS, f"{path.name}: the caption of {grade_id} is too short"


def test_feedback_marks_every_row_in_text_not_colour_alone():
    result = CheckResult("0.0", "demo", [Requirement("met", True), Requirement("not met", False, "why")])
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td>", result._repr_html_())
    assert rows == [f"<strong>{PASS_MARK}</strong>", f"<strong>{FAIL_MARK}</strong>"]
    assert PASS_MARK in str(result) and FAIL_MARK in str(result) and "hint: why" in str(result)
    assert 'aria-label="Check of question 0.0"' in result._repr_html_() and "<caption" in result._repr_html_()


@pytest.mark.parametrize("exercise", all_exercises(), ids=lambda e: e.id)
def test_every_exercises_failure_feedback_says_fail_in_text(exercise):
    """An unanswered question and a malformed answer both show ✘ FAIL in words, in HTML and in plain text."""
    for answer in (None, object()):
        result = evaluate(exercise.id, answer)
        assert not result.passed
        html = result._repr_html_()
        coloured = re.findall(r'<td style="color:[^"]*"[^>]*>(.*?)</td>', html)
        assert coloured and all(FAIL_MARK in cell for cell in coloured), html
        assert FAIL_MARK in str(result)
