"""Every numbered section of every notebook ends with a "Sources" line of AWS links (issue #16, item 3).

A learner must be able to follow each claim to the AWS page it comes from, section by section, not only from
the list at the end of a notebook. A section is the text from a ``## N.`` heading to the next ``## `` heading;
its last markdown line must start with ``**Sources:**`` and link at least one page, and every link on that line
must be AWS documentation or an AWS page (``https://docs.aws.amazon.com/...`` or ``https://aws.amazon.com/...``,
which holds the AWS blogs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat
import pytest
from conftest import SOURCE_NOTEBOOKS
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NUMBERED = re.compile(r"^## (\d+)\.\s")
HEADING = re.compile(r"^## ")
LINK = re.compile(r"\]\((\S+?)\)|(?<![(\[])(https?://[^\s)>\]]+)")
AWS_URL = re.compile(r"^https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/\S*$")


@dataclass
class Section:
    title: str
    lines: list[str]  # the markdown lines of the section, in order (code cells contribute none)


def sections(nb: nbformat.NotebookNode) -> list[Section]:
    """The numbered sections of a notebook, each with its markdown lines up to the next ``## `` heading."""
    out: list[Section] = []
    current: Section | None = None
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if HEADING.match(line):
                current = Section(line.strip(), []) if NUMBERED.match(line) else None
                if current is not None:
                    out.append(current)
            elif current is not None:
                current.lines.append(line)
    return out


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """What is wrong with the Sources lines of ``nb``, one sentence per section at fault."""
    found = []
    for section in sections(nb):
        text = [line.strip() for line in section.lines if line.strip()]
        last = text[-1] if text else ""
        if not last.startswith("**Sources:**"):
            found.append(f"{section.title!r} does not end with a line starting **Sources:**")
            continue
        links = [a or b for a, b in LINK.findall(last)]
        if not links:
            found.append(f"{section.title!r}: its Sources line links no page")
        for url in links:
            if not AWS_URL.match(url):
                found.append(f"{section.title!r}: {url} is not an AWS documentation or blog URL")
    return found


def _param(path):
    return pytest.param(path, id=f"{path.parent.name}/{path.stem}")


@pytest.mark.parametrize("path", [_param(p) for p in SOURCE_NOTEBOOKS])
def test_every_numbered_section_ends_with_aws_sources(path):
    nb = nbformat.read(path, as_version=4)
    assert sections(nb), f"{path.name} has no numbered section"
    found = problems(nb)
    assert not found, f"{path.name}:\n" + "\n".join(found)


# --- the checker itself ------------------------------------------------------------------------------------

def _notebook(*cells):
    return new_notebook(cells=[new_markdown_cell(c) if isinstance(c, str) else c for c in cells])


GOOD = "**Sources:** [IAM](https://docs.aws.amazon.com/IAM/latest/UserGuide/intro.html) · " \
       "[blog](https://aws.amazon.com/blogs/security/some-post/)"


def test_a_section_with_aws_sources_after_its_code_passes():
    nb = _notebook("# Title", "## 1. One\ntext", new_code_cell("x = 1"), GOOD, "## 2. Two\nmore\n\n" + GOOD,
                   "## Key points\n- no sources needed here")
    assert problems(nb) == []
    assert [s.title for s in sections(nb)] == ["## 1. One", "## 2. Two"]


def test_a_missing_a_misplaced_and_an_empty_sources_line_are_each_reported():
    nb = _notebook("## 1. One\ntext", "## 2. Two\n" + GOOD + "\nmore text after it", "## 3. Three\n**Sources:** none",
                   "## Sources")
    found = problems(nb)
    assert any("'## 1. One' does not end" in f for f in found)
    assert any("'## 2. Two' does not end" in f for f in found)
    assert any("'## 3. Three': its Sources line links no page" in f for f in found)


@pytest.mark.parametrize("url", [
    "https://datatracker.ietf.org/doc/html/rfc7489", "http://docs.aws.amazon.com/IAM/latest/UserGuide/intro.html",
    "https://repost.aws/knowledge-center/x", "https://docs.aws.amazon.com.evil.example/x",
    "https://github.com/awsdocs/iam-user-guide",
])
def test_links_that_are_not_aws_documentation_are_reported(url):
    nb = _notebook(f"## 1. One\ntext\n\n**Sources:** [page]({url}) · [IAM](https://docs.aws.amazon.com/IAM/)")
    assert problems(nb) == [f"'## 1. One': {url} is not an AWS documentation or blog URL"]


def test_bare_urls_count_as_links():
    nb = _notebook("## 1. One\n**Sources:** https://docs.aws.amazon.com/IAM/ and https://example.com/x")
    assert problems(nb) == ["'## 1. One': https://example.com/x is not an AWS documentation or blog URL"]
