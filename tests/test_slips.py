"""The usual slips (a check run before its answer cell, an answer cell still holding the stub) read as one
line in a real kernel and in `nbgrader validate`, while the cell still counts as an error everywhere."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from course.exercises import slips


def _raise(source: str) -> tuple[BaseException, object]:
    """Run ``source`` as a cell's module code would, and return the exception and its traceback."""
    linecache_name = "<cell-under-test>"
    import linecache

    linecache.cache[linecache_name] = (len(source), None, source.splitlines(True), linecache_name)
    try:
        exec(compile(source, linecache_name, "exec"), {})
    except BaseException as exc:  # noqa: BLE001 - the test wants whatever the cell raised
        return exc, exc.__traceback__
    raise AssertionError("the cell did not raise")


def test_an_undefined_answer_names_the_cell_to_run_first():
    exc, tb = _raise('check = print\ncheck("2.2", answer_2_2)')
    assert slips.slip_line(exc, tb) == ("Question 2.2 is not answered yet: run the cell with `answer_2_2 = …` "
                                        "above first, then run this check again.")


def test_other_undefined_names_keep_their_traceback():
    exc, tb = _raise("print(polcy)")
    assert slips.slip_line(exc, tb) is None
    assert slips.answer_question("answer_12_3") == "12.3" and slips.answer_question("answer") is None


def test_only_the_stub_itself_reads_as_not_answered():
    exc, tb = _raise("# YOUR CODE HERE\nraise NotImplementedError()")
    assert "Not answered yet" in str(slips.slip_line(exc, tb))
    exc, tb = _raise("def f():\n    raise NotImplementedError()\nf()")  # library code that is unfinished
    assert slips.slip_line(exc, tb) is None
    exc, tb = _raise("raise NotImplementedError('IPv6 is not modelled')")
    assert slips.slip_line(exc, tb) is None


def test_outside_a_kernel_nothing_is_registered():
    assert slips.install() is False


@pytest.mark.slow  # runs a real kernel
def test_in_a_kernel_the_slip_is_one_line_and_still_an_error(tmp_path):
    nb = new_notebook(cells=[
        new_code_cell("from course.exercises import check\nimport course.notebooks.compute"),
        new_code_cell('check("4.1", answer_4_1)'),
        new_code_cell("# YOUR CODE HERE\nraise NotImplementedError()"),
        new_code_cell("print(undefined_thing)"),
    ])
    client = NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    check, stub, other = (cell.outputs for cell in nb.cells[1:])
    assert [(o.output_type, o.ename, o.evalue) for o in check] == [
        ("error", "NameError", "name 'answer_4_1' is not defined")]  # progress and nbgrader still see the error
    assert check[0].traceback == ["Question 4.1 is not answered yet: run the cell with `answer_4_1 = …` above "
                                  "first, then run this check again."]
    assert len(stub[0].traceback) == 1 and stub[0].traceback[0].startswith("Not answered yet: replace")
    assert any("Traceback" in line for line in other[0].traceback), "an unrelated NameError keeps its traceback"


@pytest.mark.slow  # nbgrader validate runs the notebook in a kernel
def test_validate_says_not_answered_yet_instead_of_tracebacks(tmp_path, venv_env):
    notebook = tmp_path / "04-compute.ipynb"
    shutil.copy(ROOT / "release" / "04-compute" / "04-compute.ipynb", notebook)
    questions = [c.source for c in nbformat.read(notebook, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("check-")]
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "validate", notebook.name], cwd=tmp_path,
                          env=venv_env, capture_output=True, text=True, timeout=300)
    report = proc.stdout + proc.stderr
    assert "VALIDATION FAILED" in report  # an unanswered notebook is still not full credit
    assert "Traceback" not in report and "NameError" not in report, report[-3000:]
    said = re.findall(r"Question (\d+\.\d+) is not answered yet: run the cell with `answer_\d+_\d+ = …`", report)
    assert len(said) == len(questions) >= 1, report[-3000:]


def test_the_grader_reads_an_undefined_answer_as_not_answered(tmp_path):
    from autograder.extract import Extraction

    extraction = Extraction(tmp_path)
    namespace: dict = {}
    exec(extraction.cell_source("check-2-2", "answer_2_2"), namespace)  # what the grader's cell does in the kernel
    found, answer, problem = extraction.read("check-2-2")
    assert (found, answer) == (True, None)
    assert problem == ("not answered: `answer_2_2` was not defined when the notebook ran "
                       "(write your answer in the cell with `answer_2_2 = …` above the check)")
    forged = tmp_path / "forged.json"
    forged.write_text('{"missing": true, "name": "<b>free text</b>"}')
    from autograder.extract import read_answer

    assert read_answer(forged)[2] == "not answered: the answer variable was not defined when the notebook ran"
    assert slips.answer_question("answer_2_2\n") is None
