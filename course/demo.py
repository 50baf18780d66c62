"""``aws-course demo [DIR]``: a local demo course with four fake students' submissions.

An instructor should be able to try the whole loop (grade, review in formgrader, return feedback, export
grades) in ten minutes before touching a real class. The demo is a self-contained nbgrader course folder:
the course's ``nbgrader_config.py``, ``source/``, ``release/`` and ``data/``, and a grading workspace
whose ``submitted/`` holds, per assignment, one full solution (the model answers from ``source/``), one
partial (every other answer), one wrong (every answer with a slip, so the feedback shows hints) and one
blank (the release notebook untouched).
"""

from __future__ import annotations

import re
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from course.paths import course_root
from course.settings import defaults

STUDENTS = {"demo-full": "full", "demo-partial": "partial", "demo-wrong": "wrong", "demo-blank": "blank"}
MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
ANSWER = re.compile(r"^(answer_\w+)\s*=", re.M)
# what demo-wrong adds under each model answer: one slip a learner could make, so the answer is there (the
# checks run and give hints) but wrong; an answer that is a function is left as it is
SLIP = """

# demo-wrong: one slip
if isinstance({name}, str):
    {name} = "A" if {name}.strip().upper() != "A" else "B"
elif isinstance({name}, bool):
    {name} = not {name}
elif isinstance({name}, (int, float)):
    {name} = {name} + 1
elif isinstance({name}, dict) and {name}:
    {name} = dict(list({name}.items())[:-1])
elif isinstance({name}, (list, tuple, set)) and {name}:
    {name} = list({name})[:-1]"""


def model_answer(source_cell: nbformat.NotebookNode) -> str:
    """The answer cell as the instructor wrote it, without nbgrader's solution markers."""
    return MARKER.sub("", source_cell.source).strip("\n")


def answer_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the cells a learner answers in (nbgrader solution cells), in notebook order."""
    return [i for i, cell in enumerate(nb.cells) if cell.get("metadata", {}).get("nbgrader", {}).get("solution")]


def slipped(answer: str) -> str:
    """The model answer followed by one slip per answer variable it assigns (``demo-wrong``)."""
    names = dict.fromkeys(ANSWER.findall(answer))
    return answer + "".join(SLIP.format(name=name) for name in names)


def filled(release: nbformat.NotebookNode, source: nbformat.NotebookNode,
           which: str = "full") -> nbformat.NotebookNode:
    """A copy of the release notebook with model answers in all (``full``) or every other (``partial``)
    answer cell, matched by grade_id; ``wrong``: every model answer with a slip (answered, but wrong);
    ``blank`` leaves it as released."""
    nb = nbformat.from_dict(release)
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells
             if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    indices = answer_cells(nb)
    chosen = {"full": indices, "partial": indices[::2], "wrong": indices, "blank": []}[which]
    for i in chosen:
        grade_id = nb.cells[i].metadata["nbgrader"]["grade_id"]
        if grade_id in by_id:
            answer = model_answer(by_id[grade_id])
            nb.cells[i].source = slipped(answer) if which == "wrong" else answer
    return nb


def create(dest: Path, root: Path | None = None) -> list[Path]:
    """Write the demo course to ``dest`` (which must not hold a course yet); return the submissions."""
    root = root or course_root()
    dest = Path(dest).resolve()
    if (dest / "nbgrader_config.py").exists():
        raise FileExistsError(f"{dest} already holds a course; choose another folder or delete it")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for part in ("source", "release", "data"):
        if (root / part).is_dir():
            shutil.copytree(root / part, dest / part, ignore=ignore, dirs_exist_ok=True)
    if not sorted((dest / "release").glob("*/*.ipynb")):  # a course whose release is not generated yet
        from course.release import generate

        generate(dest / "release", root)
    settings = defaults(dest)  # the copied config's own workspace, as with AWS_COURSE_WORKSPACE unset
    workspace = settings.workspace
    settings.exchange.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    written = []
    for release_path in sorted((dest / "release").glob("*/*.ipynb")):
        name = release_path.parent.name
        source_path = dest / "source" / name / release_path.name
        release = nbformat.read(release_path, as_version=4)
        source = nbformat.read(source_path, as_version=4)
        for student, which in STUDENTS.items():
            folder = workspace / "submitted" / student / name
            folder.mkdir(parents=True, exist_ok=True)
            nb = filled(release, source, which)
            nbformat.validate(nb)
            nbformat.write(nb, folder / release_path.name)
            (folder / "timestamp.txt").write_text(stamp + "\n")
            # what `nbgrader submit` leaves: release_feedback needs it to address the student's feedback
            (folder / "submission_secret.txt").write_text(secrets.token_hex(64))
            written.append(folder / release_path.name)
    (dest / "README-demo.md").write_text(next_steps(dest, sorted({p.parent.name for p in written}),
                                                        workspace.relative_to(dest)))
    return written


DEMO_ASSIGNMENT = "10-customer-engagement"  # the one README and the instructor guide use


def commands(first: str, workspace: str) -> list[str]:
    """The commands of the tour, as README and docs/instructor-guide.md print them (a test compares)."""
    return [f"aws-course grade {first} {workspace}/submitted --workspace {workspace}",
            "jupyter lab --no-browser",
            "aws-course export --format csv"]


def next_steps(dest: Path, names: list[str], workspace: Path) -> str:
    """What to do with the demo, printed by the command and saved next to it (``workspace`` relative to
    ``dest``)."""
    first = DEMO_ASSIGNMENT if DEMO_ASSIGNMENT in names else (names[0] if names else "ASSIGNMENT")
    ws = workspace.as_posix()
    grade, lab, export = commands(first, ws)
    return f"""# Demo course: try the grading loop

Four fake students submitted each assignment: `demo-full` (model answers), `demo-partial` (every other
answer), `demo-wrong` (every answer with one slip: its feedback shows the hints) and `demo-blank`
(nothing). Run these from this folder, with the course's virtual environment active
(`source <course>/.venv/bin/activate`) and `AWS_COURSE_WORKSPACE` unset, so the workspace is `{ws}/` here:

    cd {dest}
    {grade}
    {lab}     # then open http://localhost:8888/formgrader in its own browser tab
    {export}     # the gradebook as CSV; --format canvas or moodle for an LMS

`aws-course grade` writes `{ws}/grades.csv`, each student's feedback in `{ws}/feedback/<student>/{first}/`
(open `demo-wrong`'s to see the hints) and a report with the score distribution in `{ws}/reports/`
(`{first}.html`). Formgrader shows the four submissions with their scores (log in with the URL and token
`jupyter lab` prints). `aws-course export` writes `{ws}/export-csv.csv`.

See docs/instructor-guide.md in the course repository for the whole workflow on a shared JupyterHub.
"""


def main(dest: Path | None) -> int:
    """``aws-course demo``: create the demo and say what to do next."""
    dest = Path(dest or "aws-course-demo")
    try:
        written = create(dest)
    except FileExistsError as exc:
        print(f"aws-course demo: {exc}")
        return 1
    for path in written:
        print(f"submission {path}")
    print()
    print((dest / "README-demo.md").read_text())
    return 0
