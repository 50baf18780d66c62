"""A small course of our own for the autograder tests: exercises 99.x and a source notebook built
with course.authoring, plus the submissions (honest and hostile) made from its release version."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import nbformat

from course import authoring

EXERCISES_MODULE = "agfixture_exercises"
ASSIGNMENT = "99-fixture"

EXERCISES_SOURCE = '''
"""Fixture exercises 99.1-99.3 for the autograder tests."""
from course.exercises import MultipleChoice, SingleChoice, ValueMatch, choice_keys, make_key, register

register(
    SingleChoice(id="99.1", title="Egress for a private subnet", points=2, answer_name="answer_99_1",
                 options={"A": "Internet gateway", "B": "NAT gateway", "C": "Peering"},
                 explanations={"A": "an IGW also accepts inbound connections", "C": "peering joins VPCs"},
                 key=make_key("99.1", "B")),
    MultipleChoice(id="99.2", title="Protect stored mail", points=4, answer_name="answer_99_2",
                   options={"A": "KMS", "B": "public ACL", "C": "source account condition", "D": "no logging"},
                   explanations={"B": "a public ACL exposes the mail", "D": "logging is how you notice misuse"},
                   keys=choice_keys("99.2", {"A", "C"}, "ABCD")),
    ValueMatch(id="99.3", title="Failed logins", points=2, answer_name="answer_99_3", key=make_key("99.3", 42),
               expected_type=int, description="the number of failed logins", hint="count the rows with errors"),
)
'''

SOLUTIONS = {"answer_99_1": '"B"', "answer_99_2": '{"A", "C"}', "answer_99_3": "42"}


def register_notebook_module(pkg: Path) -> None:
    """Make ``pkg`` an installed-looking distribution whose entry point names the fixture module, the way
    another course package adds notebooks; a process with ``pkg`` on PYTHONPATH then grades 99.x."""
    info = pkg / f"{EXERCISES_MODULE}-0.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: agfixture-exercises\nVersion: 0.0\n")
    (info / "entry_points.txt").write_text(f"[aws_course.notebooks]\n99 = {EXERCISES_MODULE}\n")


def write_course(root: Path) -> Path:
    """A course root with ``source/99-fixture/99-fixture.ipynb``; returns the folder of the exercises module."""
    pkg = root / "pylib"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / f"{EXERCISES_MODULE}.py").write_text(EXERCISES_SOURCE)
    register_notebook_module(pkg)
    cells = [
        authoring.markdown("# Fixture notebook"),
        authoring.locked_code("99-setup", f"from course.exercises import check\nimport {EXERCISES_MODULE}"),
        authoring.markdown("### Question 99.1 — Egress (2 points)"),
        authoring.answer("answer-99-1", f"answer_99_1 = {SOLUTIONS['answer_99_1']}"),
        authoring.check_cell("check-99-1", 'check("99.1", answer_99_1)', 2),
        authoring.markdown("### Question 99.2 — Mail (4 points)"),
        authoring.answer("answer-99-2", f"answer_99_2 = {SOLUTIONS['answer_99_2']}"),
        authoring.check_cell("check-99-2", 'check("99.2", answer_99_2)', 4),
        authoring.markdown("### Question 99.3 — Logins (2 points)"),
        authoring.answer("answer-99-3", f"answer_99_3 = {SOLUTIONS['answer_99_3']}"),
        authoring.check_cell("check-99-3", 'check("99.3", answer_99_3)', 2,
                             hidden='check("99.3", answer_99_3, hidden={"expected": 42})'),
    ]
    authoring.write(authoring.notebook(cells), root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    shutil.copy2(Path(__file__).resolve().parents[2] / "nbgrader_config.py", root / "nbgrader_config.py")
    return pkg


def release_version(source: Path) -> nbformat.NotebookNode:
    """What learners receive: built by the grader's own loader (nbgrader preprocessors)."""
    from autograder.assignment import load

    return copy.deepcopy(load(source.parents[2], source.parent.name).student_nb)


def with_answers(release: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """Fill answer cells: ``answers`` maps grade_id (``answer-99-1``) to the cell's code."""
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


def correct(release: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return with_answers(release, {f"answer-99-{i}": f"answer_99_{i} = {SOLUTIONS[f'answer_99_{i}']}"
                                  for i in (1, 2, 3)})


def insert_after(nb: nbformat.NotebookNode, grade_id: str, code: str) -> nbformat.NotebookNode:
    """An extra cell (as learners add) after the cell with ``grade_id``."""
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            nb.cells.insert(i + 1, nbformat.v4.new_code_cell(code))
            return nb
    raise KeyError(grade_id)


def write_nb(nb: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1))
    return path


# --- the real course notebook -------------------------------------------------------------------

REAL = "10-customer-engagement"
_SOLUTION = re.compile(r"^### (BEGIN|END) SOLUTION\n?", re.M)


def real_notebook(root: Path, assignment: str = REAL) -> tuple[nbformat.NotebookNode, dict[str, str]]:
    """The release notebook learners get, and the model answer of each answer cell (from source/)."""
    release = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    source = nbformat.read(root / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    solutions = {c.metadata.nbgrader["grade_id"]: _SOLUTION.sub("", c.source) for c in source.cells
                 if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    return release, solutions


def remove_cells(nb: nbformat.NotebookNode, grade_ids: set[str]) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") not in grade_ids]
    return nb


def replace_source(nb: nbformat.NotebookNode, grade_id: str, source: str) -> nbformat.NotebookNode:
    return with_answers(nb, {grade_id: source})


# --- an assignment split into two notebooks -------------------------------------------------------

SPLIT = "98-split"
SPLIT_PARTS = {f"{SPLIT}-part1": (1, 2), f"{SPLIT}-part2": (3,)}  # notebook -> exercises 99.N in it


def write_split_course(root: Path) -> Path:
    """``source/98-split/98-split-part1.ipynb`` (99.1, 99.2: 6 points) and ``-part2.ipynb`` (99.3: 2 points)."""
    pkg = write_course(root)
    titles = {1: ("Egress", 2, ""), 2: ("Mail", 4, ""),
              3: ("Logins", 2, 'check("99.3", answer_99_3, hidden={"expected": 42})')}
    for name, numbers in SPLIT_PARTS.items():
        setup = f"from course.exercises import check\nimport {EXERCISES_MODULE}"
        cells = [authoring.markdown(f"# {name}"), authoring.locked_code(f"{name}-setup", setup)]
        for n in numbers:
            title, points, hidden = titles[n]
            cells += [authoring.markdown(f"### Question 99.{n} — {title} ({points} points)"),
                      authoring.answer(f"answer-99-{n}", f"answer_99_{n} = {SOLUTIONS[f'answer_99_{n}']}"),
                      authoring.check_cell(f"check-99-{n}", f'check("99.{n}", answer_99_{n})', points, hidden=hidden)]
        authoring.write(authoring.notebook(cells), root / "source" / SPLIT / f"{name}.ipynb")
    return pkg


def split_release(root: Path) -> dict[str, nbformat.NotebookNode]:
    """The release version of each part, by notebook name."""
    from autograder.assignment import load_assignment

    return {spec.notebook_name: copy.deepcopy(spec.student_nb) for spec in load_assignment(root, SPLIT).parts}


def split_correct(root: Path) -> dict[str, nbformat.NotebookNode]:
    return {name: with_answers(nb, {f"answer-99-{n}": f"answer_99_{n} = {SOLUTIONS[f'answer_99_{n}']}"
                                    for n in SPLIT_PARTS[name]})
            for name, nb in split_release(root).items()}
