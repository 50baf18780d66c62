"""`aws-course demo` builds a course nbgrader accepts, and the instructor loop of the guide runs on it."""

from __future__ import annotations

import csv
import getpass
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from course.demo import STUDENTS, answer_cells, commands, create, filled, model_answer

COURSE_ID = "aws-security-notebooks"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "course"
    create(folder, ROOT)
    return folder


def course_env(demo: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_COURSE_WORKSPACE", "AWS_COURSE_EXCHANGE",
                                                            "AWS_COURSE_ROOT")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def assignments(demo: Path) -> list[str]:
    return sorted(p.name for p in (demo / "release").iterdir() if p.is_dir())


def test_layout_is_what_nbgrader_expects(demo):
    names = assignments(demo)
    assert names, "the demo has at least one assignment"
    assert (demo / "nbgrader_config.py").read_text() == (ROOT / "nbgrader_config.py").read_text()
    assert (demo / "grading" / "exchange").is_dir() and (demo / "data").is_dir()
    for release in sorted((demo / "release").glob("*/*.ipynb")):
        name = release.parent.name
        assert (demo / "source" / name / release.name).is_file()
        for student in STUDENTS:
            folder = demo / "grading" / "submitted" / student / name
            notebooks = sorted(p.name for p in (demo / "release" / name).glob("*.ipynb"))
            assert sorted(p.name for p in folder.iterdir()) == [*notebooks, "submission_secret.txt", "timestamp.txt"]
            nbformat.validate(nbformat.read(folder / release.name, as_version=4))
    assert "aws-course grade" in (demo / "README-demo.md").read_text()


def test_submissions_hold_full_partial_and_no_answers(demo):
    for path in sorted((demo / "release").glob("*/*.ipynb")):
        name, notebook = path.parent.name, path.name
        release = nbformat.read(path, as_version=4)
        source = nbformat.read(demo / "source" / name / notebook, as_version=4)
        model = {c.metadata["nbgrader"]["grade_id"]: model_answer(c) for c in source.cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("solution")}

        def answers(student: str, name: str = name, notebook: str = notebook) -> list[str]:
            nb = nbformat.read(demo / "grading" / "submitted" / student / name / notebook, as_version=4)
            return [nb.cells[i].source for i in answer_cells(nb)]

        ids = [release.cells[i].metadata["nbgrader"]["grade_id"] for i in answer_cells(release)]
        full, partial, blank = answers("demo-full"), answers("demo-partial"), answers("demo-blank")
        wrong = answers("demo-wrong")
        assert full == [model[g] for g in ids]
        assert all(w.startswith(model[g]) and "# demo-wrong: one slip" in w for w, g in zip(wrong, ids, strict=True)
                   if "answer_" in model[g]), "every answer is there, with a slip after it"
        assert not any("BEGIN SOLUTION" in a or "NotImplementedError" in a for a in full)
        assert blank == [release.cells[i].source for i in answer_cells(release)]
        answered = sum(a == model[g] for a, g in zip(partial, ids, strict=True))
        assert 0 < answered < len(ids) or len(ids) < 2, "the partial submission answers some questions, not all"


def test_a_slip_makes_each_kind_of_answer_wrong_but_keeps_it_answered():
    from course.demo import slipped

    for answer, wrong in (('answer_1_1 = "B"', "A"), ('answer_1_1 = "A"', "B"), ("answer_1_1 = 3", 4),
                          ("answer_1_1 = True", False), ("answer_1_1 = {'a': 1, 'b': 2}", {"a": 1}),
                          ("answer_1_1 = [1, 2]", [1])):
        namespace: dict = {}
        exec(slipped(answer), namespace)  # noqa: S102 - the demo's own generated code
        assert namespace["answer_1_1"] == wrong, answer


def test_the_printed_tour_is_the_one_in_readme_and_the_guide(demo):
    text = (demo / "README-demo.md").read_text()
    lines = commands("10-customer-engagement", "grading")
    for document in (ROOT / "README.md", ROOT / "docs" / "instructor-guide.md"):
        written = document.read_text()
        assert "aws-course demo /tmp/aws-demo && cd /tmp/aws-demo" in written
        for line in lines:
            assert f"\n{line}" in written, f"{document.name} lacks {line!r}"
    for line in lines:
        assert f"    {line}" in text, f"the demo does not print {line!r}"
    assert "demo-wrong" in text and "10-customer-engagement" in text


def test_filled_never_changes_anything_but_answer_cells():
    path = sorted((ROOT / "source").glob("*/*.ipynb"))[0]
    source = nbformat.read(path, as_version=4)
    release = nbformat.from_dict(source)
    for i in answer_cells(release):
        release.cells[i].source = "# YOUR CODE HERE\nraise NotImplementedError()"
    full = filled(release, source, "full")
    keep = set(range(len(release.cells))) - set(answer_cells(release))
    assert all(full.cells[i] == release.cells[i] for i in keep)
    assert filled(release, source, "blank") == release


def test_the_command_refuses_to_overwrite_a_course(demo, tmp_path):
    env = course_env(demo)
    proc = subprocess.run(["aws-course", "demo", str(demo)], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)
    assert proc.returncode == 1 and "already holds a course" in proc.stdout
    fresh = subprocess.run(["aws-course", "demo", "fresh"], capture_output=True, text=True, env=env, cwd=tmp_path,
                           timeout=120)
    assert fresh.returncode == 0, fresh.stderr
    assert (tmp_path / "fresh" / "grading" / "submitted" / "demo-full").is_dir()
    assert "formgrader" in fresh.stdout


@pytest.mark.slow
def test_the_guides_loop_release_fetch_submit_collect_grade_feedback_export(tmp_path_factory):
    """The exchange round trip of docs/instructor-guide.md with `aws-course grade` (never nbgrader's
    autograde or generate_feedback): a late submission gets the configured penalty, formgrader counts every
    submission as autograded, release_feedback and fetch_feedback work, the export has the penalty."""
    base = tmp_path_factory.mktemp("loop")
    demo = base / "course"
    create(demo, ROOT)
    with (demo / "nbgrader_config.py").open("a") as handle:  # the guide, section 4: late work scores 0
        handle.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    name = "10-customer-engagement"
    env = course_env(demo)
    exchange = demo / "grading" / "exchange"

    def run(*args: str, cwd: Path = demo) -> subprocess.CompletedProcess:
        proc = subprocess.run(list(args), capture_output=True, text=True, cwd=cwd, env=env, timeout=900)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
        return proc

    def nbgrader(*args: str, cwd: Path = demo) -> subprocess.CompletedProcess:
        return run(sys.executable, "-m", "nbgrader", *args, cwd=cwd)

    # instructor: record the assignment in the gradebook (release/ is regenerated identically), release it
    nbgrader("generate_assignment", name, "--force")
    nbgrader("release_assignment", name)
    notebooks = sorted(p.name for p in (demo / "release" / name).glob("*.ipynb"))
    assert sorted(p.name for p in (exchange / COURSE_ID / "outbound" / name).glob("*.ipynb")) == notebooks
    # the due date passes after the demo's students submitted, before this user does
    due = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S UTC")
    nbgrader("db", "assignment", "add", name, f"--duedate={due}")
    time.sleep(2)
    # a student (this user) with only the exchange settings of the guide: fetch, answer, submit
    home = base / "student"
    home.mkdir()
    (home / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n")
    listed = nbgrader("list", cwd=home)
    assert name in listed.stdout + listed.stderr
    nbgrader("fetch_assignment", name, cwd=home)
    for notebook in notebooks:
        work = home / name / notebook
        source = nbformat.read(demo / "source" / name / notebook, as_version=4)
        nbformat.write(filled(nbformat.read(work, as_version=4), source, "full"), work)
    nbgrader("submit", name, cwd=home)
    # instructor: collect into grading/submitted/<student>/, then grade everyone as the guide says
    nbgrader("collect", name)
    student = getpass.getuser()
    assert sorted(p.name for p in (demo / "grading" / "submitted" / student / name).glob("*.ipynb")) == notebooks
    graded = run("aws-course", "grade", name, "grading/submitted", "--workspace", "grading")
    assert f"{name}: 5 submissions (all new or changed)" in graded.stdout, graded.stdout
    with (demo / "grading" / "grades.csv").open() as handle:
        ours = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert float(ours[student]["late_by_seconds"]) > 0 and ours[student]["timestamp"]
    assert float(ours[student]["penalty"]) == float(ours[student]["score"]) > 0, "penalty_method zero"
    assert float(ours["demo-full"]["late_by_seconds"]) == 0 and float(ours["demo-full"]["penalty"]) == 0
    wrong = (demo / "grading" / "feedback" / "demo-wrong" / name / f"{name}.html").read_text()
    assert "✘ not met" in wrong, "the wrong-but-answered student's feedback shows what is not met"
    # formgrader's view: every submission counts as autograded (no 'needs autograding', no ⚡ invitation)
    check = run(sys.executable, "-c", "import json\nfrom nbgrader.apps import NbGraderAPI\n"
                "from traitlets.config.loader import PyFileConfigLoader\n"
                "api = NbGraderAPI(config=PyFileConfigLoader('nbgrader_config.py', path='.').load_config())\n"
                f"print(json.dumps({{s['student']: s['autograded'] for s in api.get_submissions({name!r})}}))")
    assert json.loads(check.stdout.strip().splitlines()[-1]) == {s: True for s in [*STUDENTS, student]}
    nbgrader("export", "--to", "grades.csv")
    with (demo / "grades.csv").open() as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {*STUDENTS, student}
    maximum = float(rows["demo-full"]["max_score"])
    assert maximum > 0 and float(rows["demo-full"]["score"]) == maximum
    assert float(rows[student]["raw_score"]) == maximum and float(rows[student]["score"]) == 0, "late: zero"
    assert float(rows["demo-blank"]["score"]) == 0
    assert 0 < float(rows["demo-partial"]["score"]) < maximum
    assert float(rows["demo-wrong"]["score"]) < maximum
    # feedback back to the students through the exchange, straight after aws-course grade
    nbgrader("release_feedback", name)
    feedback = list((exchange / COURSE_ID / "feedback").glob("*.html"))
    assert len(feedback) == len(rows) * len(notebooks), "release_feedback puts everyone's feedback in the exchange"
    nbgrader("fetch_feedback", name, cwd=home)
    fetched = list((home / name / "feedback").rglob("*.html"))
    assert fetched and "feedback for" in fetched[0].read_text(), "the student fetched aws-course grade's feedback"
    shutil.rmtree(base, ignore_errors=True)
