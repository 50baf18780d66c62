"""Progress is read from saved check-cell outputs: real kernels produce the outputs, progress never runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import RELEASE_NOTEBOOKS, ROOT
from nbclient import NotebookClient

from course import authoring
from course.demo import filled
from course.exercises import all_exercises
from course.exercises.results import CHECK_MIMETYPE
from course.progress import (
    CHART_MAX_HEIGHT,
    FAILED,
    NOT_RUN,
    PASSED,
    WRITTEN,
    chart_png,
    check_cell_status,
    collect,
    describe,
    notebook_progress,
    progress_chart,
    progress_html,
    progress_table,
    summary_table,
)

IDS = [p.parent.name for p in RELEASE_NOTEBOOKS]

# A setup cell that registers two throwaway exercises in the kernel, so the framework's real check()
# produces the outputs this test reads.
SETUP = """
from course.exercises import ValueMatch, check, make_key, register
register(
    ValueMatch(id="99.1", title="Port of SMTPS", points=2, answer_name="answer_99_1",
               key=make_key("99.1", 465), expected_type=int, description="the port is right",
               hint="STARTTLS uses 587; implicit TLS uses another port"),
    ValueMatch(id="99.2", title="Record type of SPF", points=1, answer_name="answer_99_2",
               key=make_key("99.2", "TXT", casefold=True), casefold=True, expected_type=str,
               description="the record type is right", hint="the SPF record type was retired in RFC 7208"),
    ValueMatch(id="99.4", title="Never run", points=1, answer_name="answer_99_4",
               key=make_key("99.4", 1), expected_type=int, description="right", hint="no"),
)
"""


def synthetic(answer_1: str, answer_2: str) -> nbformat.NotebookNode:
    return authoring.notebook([
        authoring.markdown("# 99 · Test notebook"),
        authoring.locked_code("99-setup", SETUP),
        authoring.markdown("### Question 99.1 — Port of SMTPS (2 points)"),
        authoring.answer("answer-99-1", answer_1),
        authoring.check_cell("check-99-1", 'check("99.1", answer_99_1)', 2),
        authoring.markdown("### Question 99.2 — Record type of SPF (1 point)"),
        authoring.answer("answer-99-2", answer_2),
        authoring.check_cell("check-99-2", 'check("99.2", answer_99_2)', 1),
        authoring.markdown("### Question 99.3 — Why DMARC (3 points)"),
        authoring.written_answer("answer-99-3", "Because alignment.", 3),
        authoring.markdown("### Question 99.4 — Never run (1 point)"),
        authoring.answer("answer-99-4", "answer_99_4 = 1"),
        authoring.check_cell("check-99-4", 'check("99.4", answer_99_4)', 1),
    ])


def execute(nb: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    """Run every cell in a real kernel, errors allowed, as a learner pressing Run All would."""
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


@pytest.fixture(scope="module")
def learner_folder(tmp_path_factory) -> Path:
    """my-work with one executed notebook: 99.1 right, 99.2 wrong, 99.3 written, 99.4 cleared (not run)."""
    folder = tmp_path_factory.mktemp("my-work")
    (folder / "99-test").mkdir()
    nb = execute(synthetic("answer_99_1 = 465", 'answer_99_2 = "SPF"'), folder / "99-test")
    check_4 = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "check-99-4")
    check_4.outputs, check_4.execution_count = [], None
    nbformat.write(nb, folder / "99-test" / "99-test.ipynb")
    checkpoints = folder / "99-test" / ".ipynb_checkpoints"
    checkpoints.mkdir()
    nbformat.write(nb, checkpoints / "99-test-checkpoint.ipynb")  # never counted twice
    return folder


@pytest.mark.slow  # the learner folder is made by running a notebook in a real kernel
def test_statuses_come_from_the_saved_outputs(learner_folder):
    rows = {r.exercise: r for r in collect(learner_folder)}
    assert list(rows) == ["99.1", "99.2", "99.3", "99.4"]
    assert rows["99.1"].status == PASSED and rows["99.1"].points == 2 and rows["99.1"].title == "Port of SMTPS"
    assert rows["99.2"].status == FAILED and "requirements met" in rows["99.2"].detail
    assert rows["99.3"].status == WRITTEN
    assert rows["99.4"].status == NOT_RUN
    assert rows["99.1"].mark.startswith("✔") and rows["99.2"].mark.startswith("✘")


@pytest.mark.slow  # the learner folder is made by running a notebook in a real kernel
def test_reading_progress_never_executes_the_notebook(learner_folder, tmp_path):
    target = tmp_path / "99-test"
    shutil.copytree(learner_folder / "99-test", target)
    path = target / "99-test.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = "raise SystemExit('progress executed the notebook')"
    nbformat.write(nb, path)
    before = path.read_bytes()
    assert [r.status for r in notebook_progress(path)] == [PASSED, FAILED, WRITTEN, NOT_RUN]
    assert path.read_bytes() == before, "progress must not touch the learner's file"


def _check_cell(nb: nbformat.NotebookNode, exercise: str) -> nbformat.NotebookNode:
    grade_id = "check-" + exercise.replace(".", "-")
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.mark.slow  # the learner folder is made by running a notebook in a real kernel
def test_a_check_saves_its_verdict_as_data_beside_the_table(learner_folder):
    nb = nbformat.read(learner_folder / "99-test" / "99-test.ipynb", as_version=4)
    passed = [o.data for o in _check_cell(nb, "99.1").outputs if CHECK_MIMETYPE in o.get("data", {})]
    assert len(passed) == 1 and {"text/html", "text/plain"} <= set(passed[0])
    verdict = passed[0][CHECK_MIMETYPE]
    assert (verdict["schema"], verdict["exercise_id"], verdict["title"], verdict["passed"]) == (
        1, "99.1", "Port of SMTPS", True)
    failed = next(o.data[CHECK_MIMETYPE] for o in _check_cell(nb, "99.2").outputs
                  if CHECK_MIMETYPE in o.get("data", {}))
    assert failed["passed"] is False and failed["summary"] == "Question 99.2: 0 of 1 requirements met"
    assert "The SPF record type was retired" in failed["requirements"][0]["hint"]


@pytest.mark.slow  # the learner folder is made by running a notebook in a real kernel
def test_progress_reads_the_verdict_data_not_the_rendered_table(learner_folder):
    nb = nbformat.read(learner_folder / "99-test" / "99-test.ipynb", as_version=4)
    cell = _check_cell(nb, "99.1")
    for output in cell.outputs:  # the table rendered differently (another wording, another mark)
        for kind in ("text/html", "text/plain"):
            if kind in output.get("data", {}):
                output.data[kind] = "Question 99.1 looks fine"
    assert check_cell_status(cell) == (PASSED, "")
    verdict = next(o.data[CHECK_MIMETYPE] for o in cell.outputs if CHECK_MIMETYPE in o.get("data", {}))
    verdict["passed"], verdict["summary"] = False, "Question 99.1: 0 of 1 requirements met"
    assert check_cell_status(cell) == (FAILED, "Question 99.1: 0 of 1 requirements met")


def test_titles_and_points_come_from_the_registry(tmp_path):
    """A heading or metadata that drifted from the registry does not change what progress reports."""
    exercise = all_exercises()[0]
    slug = exercise.id.replace(".", "-")
    nb = authoring.notebook([
        authoring.markdown(f"### Question {exercise.id} — an old title (99 points)"),
        authoring.check_cell(f"check-{slug}", f'check("{exercise.id}", {exercise.answer_name})', 99),
    ])
    (tmp_path / "nb").mkdir()
    nbformat.write(nb, tmp_path / "nb" / "nb.ipynb")
    [row] = notebook_progress(tmp_path / "nb" / "nb.ipynb")
    assert (row.title, row.points, row.status) == (exercise.title, exercise.points, NOT_RUN)


def test_a_check_run_before_its_answer_is_not_run_not_failed():
    """The error output a real kernel saves (see tests/test_slips.py) when the answer cell was never run."""
    cell = nbformat.v4.new_code_cell('check("99.5", answer_99_5)', execution_count=4)
    cell.outputs = [nbformat.v4.new_output(
        "error", ename="NameError", evalue="name 'answer_99_5' is not defined",
        traceback=["Question 99.5 is not answered yet: run the cell with `answer_99_5 = …` above first, "
                   "then run this check again."])]
    assert check_cell_status(cell) == (NOT_RUN, "the check ran before its answer: run the cell with "
                                                "`answer_99_5 = …` first")
    cell.outputs[0].evalue = "name 'answer_99_6' is not defined"  # an answer this cell does not check
    assert check_cell_status(cell)[0] == FAILED
    cell.outputs[0].evalue = "name 'polcy' is not defined"  # a typo in code the learner wrote
    assert check_cell_status(cell)[0] == FAILED


def test_a_pass_table_followed_by_an_error_is_not_a_pass():
    """Outputs saved before check results carried data are still read, from their text marks."""
    cell = nbformat.v4.new_code_cell('check("99.1", answer_99_1)', execution_count=3)
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/plain": "Question 99.1\n  ✔ PASS  right"}),
        nbformat.v4.new_output("error", ename="NameError", evalue="name 'x' is not defined", traceback=[]),
    ]
    assert check_cell_status(cell) == (FAILED, "NameError: name 'x' is not defined")
    cell.outputs = cell.outputs[:1]
    assert check_cell_status(cell)[0] == PASSED
    cell.outputs = []
    assert check_cell_status(cell)[0] == FAILED, "a run that showed nothing is not a pass"


@pytest.mark.slow  # the learner folder is made by running a notebook in a real kernel
def test_tables_chart_and_alt_text(learner_folder):
    table = progress_table(learner_folder)
    assert list(table.result) == ["✔ passed", "✘ failed", "✎ graded by instructor", "– not run"]
    summary = summary_table(table)
    row = summary.iloc[0]
    assert (row.passed, row.failed, row["not run"], row.exercises) == (1, 1, 1, 3)
    assert (row["points passed"], row.points) == (2, 4)
    fig = progress_chart(summary)
    assert fig.get_suptitle().startswith("Exercises passed per notebook")
    assert fig.get_label() == describe(summary)
    assert "99-test: 1 of 3 passed, 1 failed, 1 not run" in fig.get_label()
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "1 ✔" in labels and "1 ✘" in labels, "bars carry text marks, not colour alone"


@pytest.mark.slow  # the learner folder is made by running a notebook in a real kernel
def test_cli_prints_the_table_and_writes_chart_and_csv(learner_folder, tmp_path):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run(["aws-course", "progress", str(learner_folder), "--chart", str(tmp_path / "p.png"),
                           "--csv", str(tmp_path / "p.csv")], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "99.1  ✔ passed" in proc.stdout and "99.2  ✘ failed" in proc.stdout and "– not run" in proc.stdout
    lines = proc.stdout.splitlines()
    assert lines[0] == ("In total: 1 of 3 self-checked exercises passed (2 of 4 points), 1 failed, 1 not run; "
                        "1 written answer graded by your instructor."), "the summary comes first"
    summary_at = next(i for i, line in enumerate(lines) if line.split()[:1] == ["99-test"])
    total_at = next(i for i, line in enumerate(lines) if line.split()[:1] == ["total"])
    assert summary_at < total_at < next(i for i, line in enumerate(lines) if "99.1  ✔ passed" in line)
    from PIL import Image

    with Image.open(tmp_path / "p.png") as image:
        assert "1 of 3 passed" in image.info["Description"]
    assert (tmp_path / "p.csv").read_text().count("\n") == 5
    missing = subprocess.run(["aws-course", "progress", str(tmp_path / "nope")], capture_output=True, text=True,
                             env=env, cwd=tmp_path, timeout=120)
    assert missing.returncode == 1 and "make lab" in missing.stdout


@pytest.mark.slow  # the learner folder is made by running a notebook in a real kernel
def test_show_progress_from_a_notebook_displays_table_and_captioned_chart(learner_folder, tmp_path):
    nb = authoring.notebook([nbformat.v4.new_code_cell(
        f"from course.progress import show_progress\nshow_progress({str(learner_folder)!r})")])
    execute(nb, tmp_path)
    outputs = nb.cells[0].outputs
    assert not [o for o in outputs if o.output_type == "error"], outputs
    html = "\n".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "✔ passed" in html and "✘ failed" in html
    assert "In total: 1 of 3 self-checked exercises passed" in html
    assert html.count("<details") == 1 and "<summary>99-test — 1 of 3 passed, 1 failed, 1 not run" in html
    assert '<img src="data:image/png;base64,' in html and 'alt="Bar chart of self-checked exercises' in html
    assert "<figcaption>" in html


def _copy_to_work(path: Path, nb: nbformat.NotebookNode, folder: Path) -> Path:
    target = folder / path.parent.name / path.name
    target.parent.mkdir(parents=True)
    for item in path.parent.iterdir():  # files that sit next to the notebook (data, images)
        if item.name != path.name and item.is_file():
            shutil.copy2(item, target.parent / item.name)
    nbformat.write(nb, target)
    return target


@pytest.mark.parametrize("path", RELEASE_NOTEBOOKS, ids=IDS)
def test_every_release_notebook_starts_with_every_exercise_not_run(path, tmp_path):
    rows = notebook_progress(_copy_to_work(path, nbformat.read(path, as_version=4), tmp_path))
    number = path.parent.name[:2].lstrip("0")
    assert rows, f"{path.name}: no check cells found"
    assert {r.status for r in rows} <= {NOT_RUN, WRITTEN}
    registered = {e.id for e in all_exercises() if e.id.split(".")[0] == number}
    assert {r.exercise for r in rows if r.status == NOT_RUN} <= registered
    assert all(r.title and r.points > 0 for r in rows), "titles and points come from the registry"


# Executing a whole notebook twice costs seconds: one real notebook stands for all (the course's first).
EXECUTED = [p for p in RELEASE_NOTEBOOKS if p.parent.name == "10-customer-engagement"] or RELEASE_NOTEBOOKS[:1]


@pytest.mark.slow
@pytest.mark.parametrize("path", EXECUTED, ids=[p.parent.name for p in EXECUTED])
def test_real_release_notebook_solved_passes_and_blank_fails(path, tmp_path):
    release = nbformat.read(path, as_version=4)
    source = nbformat.read(ROOT / "source" / path.relative_to(ROOT / "release"), as_version=4)
    expected = {r.exercise: r.status for r in notebook_progress(_copy_to_work(path, release, tmp_path / "unrun"))}

    def run(nb: nbformat.NotebookNode, name: str) -> dict[str, str]:
        target = _copy_to_work(path, nb, tmp_path / name)
        nbformat.write(execute(nb, target.parent), target)
        return {r.exercise: r.status for r in notebook_progress(target)}

    solved = run(filled(release, source, "full"), "solved")
    assert solved == {k: WRITTEN if v == WRITTEN else PASSED for k, v in expected.items()}
    # Run All on the blank notebook: every answer cell raises the stub's NotImplementedError, so every check
    # meets an undefined answer variable: those questions are not run yet, not failed
    blank = run(nbformat.from_dict(release), "blank")
    assert blank == expected and set(blank.values()) <= {NOT_RUN, WRITTEN}


@pytest.mark.slow  # the learner folder is made by running a notebook in a real kernel
def test_default_folder_is_my_work_else_the_folder_above_the_notebook(learner_folder, tmp_path, monkeypatch):
    from course.progress import default_folder

    course = tmp_path / "course"
    (course / "my-work").mkdir(parents=True)
    monkeypatch.setenv("AWS_COURSE_ROOT", str(course))
    assert default_folder() == course / "my-work"
    monkeypatch.setenv("AWS_COURSE_ROOT", str(tmp_path / "hub-home-has-no-course"))
    monkeypatch.chdir(learner_folder / "99-test")  # a notebook fetched on JupyterHub runs here
    assert default_folder() == learner_folder
    assert [r.exercise for r in collect()] == ["99.1", "99.2", "99.3", "99.4"]


def _all_release_notebooks(folder: Path) -> Path:
    """my-work as `make lab` makes it: a copy of every release folder, no cell run yet."""
    for path in sorted({p.parent for p in RELEASE_NOTEBOOKS}):
        shutil.copytree(path, folder / path.name)
    return folder


def test_the_notebook_view_shows_every_exercise_grouped_per_notebook_with_a_total(tmp_path):
    """pandas cut the ~94 rows of the whole course to 10: the view now writes every row itself."""
    table = progress_table(_all_release_notebooks(tmp_path))
    summary = summary_table(table)
    assert len(table) > 60, "more rows than pandas would display untruncated"
    html = progress_html(table, summary)
    assert html.count("<details") == len(RELEASE_NOTEBOOKS) == len(summary)
    assert "…" not in html and "..." not in html
    for row in table.itertuples():
        assert f"<tr><td>{row.exercise}</td>" in html, f"{row.notebook} {row.exercise} is missing"
    assert html.count("<tr><td>") == len(table)
    checked = len(table[table.status != WRITTEN])
    assert f"In total: 0 of {checked} self-checked exercises passed" in html
    assert "<td>total</td>" in html, "the summary ends with a grand total row"


def _texts_outside(fig) -> list[str]:
    """Text of the figure (title, labels, legend, bar labels, drawn ticks) that reaches past its edges."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    edge = fig.bbox.padded(1)  # one pixel of rounding
    ticks = {id(label) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
             for label in axis.get_ticklabels(which="both")}
    outside = []
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text() and id(text) not in ticks:
            box = text.get_window_extent(renderer)
            if not (edge.contains(box.x0, box.y0) and edge.contains(box.x1, box.y1)):
                outside.append(text.get_text())
    tight = fig.get_tightbbox(renderer)  # in inches; counts the tick labels that are drawn
    if not (tight.x0 >= -0.01 and tight.y0 >= -0.01 and tight.x1 <= fig.get_figwidth() + 0.01
            and tight.y1 <= fig.get_figheight() + 0.01):
        outside.append(f"drawn artists span {tight}, the figure is {fig.get_figwidth()}x{fig.get_figheight()}")
    return outside


@pytest.mark.parametrize("notebooks", [0, 1, len(RELEASE_NOTEBOOKS)])
def test_no_text_of_the_chart_is_clipped(tmp_path, notebooks):
    """The title was centred on the bars and ran past the right edge of the notebook's and the CLI's PNG."""
    table = progress_table(_all_release_notebooks(tmp_path))
    summary = summary_table(table).head(notebooks)
    fig = progress_chart(summary)
    assert _texts_outside(fig) == []
    assert fig.get_suptitle().startswith("Exercises passed per notebook")


def test_the_whole_chart_fits_the_notebook_a_laptop_window_shows(tmp_path):
    """14 notebooks made an 880 px chart, taller than the 636 px of notebook a 1440x900 window shows (504 px in
    1366x768; tests/browser/test_first_hour_browser.py measures both): its height is now capped, its text kept."""
    import io

    from matplotlib.text import Text
    from PIL import Image

    summary = summary_table(progress_table(_all_release_notebooks(tmp_path)))
    fig = progress_chart(summary)
    assert len(summary) >= 14 and fig.get_figheight() <= CHART_MAX_HEIGHT
    assert Image.open(io.BytesIO(chart_png(fig))).size[1] <= 504
    assert min(t.get_fontsize() for t in fig.findobj(Text) if t.get_text()) >= 8  # pt, readable at 100 dpi
    assert _texts_outside(fig) == []
