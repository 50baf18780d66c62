"""The start page: the map says what the notebooks say, and its practice check and progress cell run."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT

from course import start_page
from course.exercises import ExerciseFailed, model_answers


def test_the_map_lists_every_release_notebook_in_course_order_with_time_and_prerequisites():
    entries = start_page.notebook_map(ROOT / "release")
    assert [e["path"] for e in entries] == [p.relative_to(ROOT / "release").as_posix()
                                            for p in sorted((ROOT / "release").glob("*/*.ipynb"))]
    for entry in entries:
        assert entry["title"][:2].isdigit(), entry
        assert entry["time"].startswith("about "), entry
        assert entry["prerequisites"] and "**" not in entry["prerequisites"] and "##" not in entry["prerequisites"]
    page = start_page.build(ROOT / "release")
    text = "\n".join(c.source for c in page.cells)
    for entry in entries:
        assert f"]({entry['path']})" in text  # a link the learner clicks to open the notebook


def test_the_page_has_one_title_and_headings_that_never_skip_a_level():
    import re

    page = start_page.build(ROOT / "release")
    levels = [len(m.group(1)) for c in page.cells if c.cell_type == "markdown"
              for m in re.finditer(r"^(#{1,6}) ", c.source, re.M)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_the_practice_check_fails_with_a_hint_then_passes_and_offers_its_model_answer(monkeypatch, capsys):
    monkeypatch.setenv(model_answers.PROFILE_VARIABLE, "learner")
    with pytest.raises(ExerciseFailed) as failed:
        start_page.practice_check("A")
    assert "You chose option A" in capsys.readouterr().out
    assert "1 of 1 requirement not met" in failed.value.line
    start_page.practice_check("b")
    out = capsys.readouterr().out
    assert "✔ PASS" in out and start_page.PRACTICE_MODEL_ANSWER in out


@pytest.mark.slow
def test_the_start_page_runs_in_a_kernel_as_a_learner_would(tmp_path, monkeypatch):
    """Executed as written: the practice check fails on "A" with one line, passes on "B" with the model
    answer collapsed, and the progress cell draws its table."""
    from nbclient import NotebookClient

    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv(model_answers.PROFILE_VARIABLE, "learner")
    monkeypatch.setenv(model_answers.ROOT_VARIABLE, str(ROOT))
    work = tmp_path / "my-work"
    path = start_page.write(work / "00-start-here.ipynb", ROOT / "release")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(work)}}).execute()
    answer = next(i for i, c in enumerate(nb.cells) if "answer_0_1 =" in c.source)
    errors = [o for o in nb.cells[answer + 1].outputs if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "ExerciseFailed"
    assert errors[0].traceback == ["✘ Question 0.1: 1 of 1 requirement not met — see the table above"]
    progress = next(c for c in nb.cells if "show_progress()" in c.source)
    assert progress.outputs and not [o for o in progress.outputs if o.output_type == "error"]

    nb.cells[answer].source = nb.cells[answer].source.replace('"A"', '"B"')
    NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(work)}}).execute()
    html = "".join(o.get("data", {}).get("text/html", "") for o in nb.cells[answer + 1].outputs)
    assert "✔ PASS" in html and '<details class="aws-course-model-answer">' in html
    assert not [o for o in nb.cells[answer + 1].outputs if o.output_type == "error"]
