"""The notes are written for a 2026 learner: history is a short callout after the current text (issue #16, item 4).

A "Changed since 2019" callout tells a reader of the 2019 notes what changed; it must not carry the teaching. So
every callout is short (at most ``MAX_WORDS`` words) and comes after at least one paragraph of ordinary text in
its section, where the current behaviour is stated first.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import SOURCE_NOTEBOOKS
from nbformat.v4 import new_markdown_cell, new_notebook

MARKER = "> **Changed since 2019:**"
MAX_WORDS = 60
HEADING = re.compile(r"^#{2,3} ")


def paragraphs(nb: nbformat.NotebookNode) -> list[str]:
    """The markdown paragraphs of a notebook in reading order (code cells contribute none)."""
    out: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            out.extend(p.strip() for p in re.split(r"\n\s*\n", cell.source) if p.strip())
    return out


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """What is wrong with the history callouts of ``nb``, one sentence per callout at fault."""
    found = []
    prose_since_heading = False
    for para in paragraphs(nb):
        if HEADING.match(para):
            prose_since_heading = False
            continue
        if para.startswith(MARKER):
            words = len(para.split()) - len(MARKER.split())
            start = para[len(MARKER):len(MARKER) + 50].strip()
            if words > MAX_WORDS:
                found.append(f"the callout '{start}...' has {words} words (at most {MAX_WORDS}): state the "
                             "current behaviour in the main text and keep only the history here")
            if not prose_since_heading:
                found.append(f"the callout '{start}...' comes before any text of its section: state the current "
                             "behaviour first")
            continue
        if not para.startswith(("**Sources:**", ">", "|", "*Figure")):
            prose_since_heading = True
    return found


def _param(path):
    return pytest.param(path, id=f"{path.parent.name}/{path.stem}")


@pytest.mark.parametrize("path", [_param(p) for p in SOURCE_NOTEBOOKS])
def test_history_callouts_are_short_and_follow_the_current_text(path):
    nb = nbformat.read(path, as_version=4)
    found = problems(nb)
    assert not found, f"{path.name}:\n" + "\n".join(found)


# --- the checker itself ------------------------------------------------------------------------------------

def _nb(*sources: str) -> nbformat.NotebookNode:
    return new_notebook(cells=[new_markdown_cell(s) for s in sources])


def test_a_short_callout_after_the_text_passes():
    nb = _nb("## 1. S3\n\nNew buckets block public access.\n\n" + MARKER + " in 2019 they did not.")
    assert problems(nb) == []


def test_a_long_callout_is_caught():
    long_history = " ".join(["word"] * (MAX_WORDS + 1))
    found = problems(_nb("## 1. S3\n\nSome text.\n\n" + MARKER + " " + long_history))
    assert len(found) == 1 and f"{MAX_WORDS + 1} words" in found[0]


def test_a_callout_that_opens_its_section_is_caught():
    found = problems(_nb("## 1. S3\n\nText of section 1.", "## 2. EBS\n\n" + MARKER + " volumes were ..."))
    assert len(found) == 1 and "before any text" in found[0]


def test_a_table_or_sources_line_does_not_count_as_the_current_text():
    found = problems(_nb("## 1. S3\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" + MARKER + " old."))
    assert len(found) == 1
