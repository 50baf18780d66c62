"""Kernels made ready ahead (#22): each in its own fresh sandbox, warmed up silently, used for exactly one
notebook, and the warm-up's figure stand-in. Real kernels, real bubblewrap when it can run here."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from autograder.execute import BLANK_PNG, warmup_code
from autograder.sandbox import Sandbox, bwrap_works, sandbox_uid
from autograder.warm import Pool, imported_modules


def test_imported_modules_are_read_from_the_instructor_cells_in_order():
    cells = [nbformat.v4.new_code_cell("import json\nimport os.path as p\nfrom collections import abc"),
             nbformat.v4.new_markdown_cell("import markdown_is_not_code"),
             nbformat.v4.new_code_cell("from . import relative\nimport json\nnot python ("),
             nbformat.v4.new_code_cell("def f():\n    import csv\n")]
    assert imported_modules(cells) == ("json", "os.path", "collections", "csv")


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def _stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def _warm_kernel(readonly: Path, warmup: str):
    """One kernel started and warmed up as a worker makes one ahead, in its own sandbox that can read
    ``readonly`` (bubblewrap and a fresh uid when they work here)."""
    from autograder import warm

    use_bwrap = bwrap_works()
    return warm._start(lambda w: Sandbox(w, use_bwrap=use_bwrap, readonly=[readonly], uid=sandbox_uid(use_bwrap)),
                       [], warmup)


@pytest.mark.slow
def test_a_kernel_made_ahead_has_its_own_sandbox_and_runs_one_notebook(tmp_path):
    use_bwrap = bwrap_works()

    def make(workdir: Path) -> Sandbox:
        return Sandbox(workdir, use_bwrap=use_bwrap, uid=sandbox_uid(use_bwrap))

    pool = Pool()
    warmup = warmup_code(("json", "matplotlib.figure"))
    learner = "o'brien\"\n{x}\\"
    try:
        first = pool.take("key", make, [], warmup)
        pool.prepare_next("key", make, [], warmup)
        assert pool.ahead is not None
        second = pool.ahead[1]
        assert first.scratch != second.scratch and first.sandbox.workdir != second.sandbox.workdir
        if os.geteuid() == 0 and first.sandbox.uid is not None:
            assert first.sandbox.uid != second.sandbox.uid, "a fresh uid for every kernel"
        secret = first.sandbox.workdir / "secret.txt"
        done = first.run(_notebook(
            "import sys, os\nprint('json' in sys.modules, 'matplotlib.figure' in sys.modules)",
            f"open({str(secret)!r}, 'w').write('learner one')\nprint(os.getuid())",
            "import io\nfrom matplotlib.figure import Figure\nb = io.BytesIO()\n"
            "Figure().savefig(b, format='png')\nprint(len(b.getvalue()))",
            "print(repr(os.environ['AWS_COURSE_STUDENT']))"), 30, 120, {"AWS_COURSE_STUDENT": learner})
        assert done.stopped is None, done.stopped
        cells = done.nb.cells
        assert _stdout(cells[0]).split() == ["True", "True"], "the warm-up imported the modules"
        assert [c.execution_count for c in cells] == [1, 2, 3, 4], "the warm-up is not a cell of the notebook"
        assert _stdout(cells[3]).strip() == repr(learner), "the learner's id reaches the kernel exactly"
        assert _stdout(cells[2]).strip() == str(len(BLANK_PNG)), "a PNG figure is a blank stand-in"
        with pytest.raises(RuntimeError, match="exactly one notebook"):
            first.run(_notebook("print('again')"), 30, 120)

        taken = pool.take("key", make, [], warmup)
        assert taken is second and pool.ahead is None
        seen = taken.run(_notebook(f"import os\nprint(os.path.exists({str(secret)!r}))\nprint(os.getuid())"),
                         30, 120)
        assert seen.stopped is None, seen.stopped
        exists, uid = _stdout(seen.nb.cells[0]).split()
        if use_bwrap:
            assert exists == "False", "the next learner's kernel cannot see the previous one's work dir"
        assert uid != _stdout(cells[1]).strip() or os.geteuid() != 0
    finally:
        pool.close()
        for ready in (locals().get("first"), locals().get("second")):
            if ready is not None:
                ready.remove()


@pytest.mark.slow
def test_a_kernel_made_for_other_settings_is_stopped_unused(tmp_path):
    use_bwrap = bwrap_works()
    pool = Pool()
    try:
        pool.prepare_next("old", lambda w: Sandbox(w, use_bwrap=use_bwrap, uid=sandbox_uid(use_bwrap)), [], "")
        assert pool.ahead is not None
        stale = pool.ahead[1]
        kernel = stale.kernel.result(timeout=120)
        fresh = pool.take("new", lambda w: Sandbox(w, use_bwrap=use_bwrap, uid=sandbox_uid(use_bwrap)), [], "")
        assert fresh is not stale and not stale.scratch.exists(), "the stale kernel's folder is removed"
        process = kernel.km.provisioner.process if kernel.km.provisioner is not None else None
        assert process is None or process.poll() is not None, "the stale kernel is stopped"
        out = fresh.run(_notebook("print(1 + 1)"), 30, 120)
        assert out.stopped is None and _stdout(out.nb.cells[0]).strip() == "2"
        fresh.remove()
    finally:
        pool.close()


@pytest.mark.slow
def test_instructor_figures_are_stand_ins_and_the_kernel_starts_lean(tmp_path):
    """An instructor cell (its exact release text) gets a figure stand-in that saves as a blank PNG without
    matplotlib; the learner's own cell gets the real figure; the debugger is not loaded at start-up but
    importable; matplotlib's font list is the grader's copy in the kernel's own config folder."""
    import course.exercises

    course_dir = Path(course.exercises.__file__).resolve().parents[1]
    release = ("from course.net import draw\nfrom course.notebooks import networking as lab",
               "import io, sys\nfig = draw(lab.egress_base())\nb = io.BytesIO()\n"
               "fig.savefig(b, format='png', dpi=fig.dpi)\n"
               "print(type(fig).__name__, b.getvalue() == BLANK, 'matplotlib' in sys.modules)")
    ready = _warm_kernel(course_dir, warmup_code(("course.net",), release))
    out = ready.run(_notebook(
        f"import sys, os, glob\nBLANK = {BLANK_PNG!r}\nprint('debugpy' in sys.modules, "
        "bool(glob.glob(os.environ['MPLCONFIGDIR'] + '/fontlist-*.json')))",
        release[0], release[1],
        release[1] + "  # the learner's copy is not the release's text",
        "print(type(draw).__name__, draw.__module__)\nimport debugpy\nprint('debugger importable')",
        "b = io.BytesIO()\ndraw(lab.egress_base()).savefig(b, format='png')\nprint(b.getvalue() == BLANK)"), 60, 180)
    ready.remove()
    assert out.stopped is None, out.stopped
    lines = [_stdout(c).strip() for c in out.nb.cells]
    assert lines[0].split()[0] == "False", "the debugger is not loaded when the kernel starts"
    assert lines[0].split()[1] == "True", "the font list is in the kernel's own MPLCONFIGDIR"
    assert lines[2] == "Undrawn True False", "instructor figure: a blank PNG, matplotlib never imported"
    # the cell that first imports matplotlib still rasterises; Figure.savefig is patched before the next cell
    assert lines[3] == "Figure False True", "the learner's cell draws a real figure"
    assert lines[4] == "function course.net\ndebugger importable", "the real draw is back after the cell"
    assert lines[5] == "True", "from then on a PNG of a real figure is blank too"


def test_the_grader_and_the_course_agree_on_the_figure_mark():
    """The grader cannot import ``course.figures`` (see docs/architecture.md), so it keeps its own copy."""
    from autograder.execute import FIGURE_MARK
    from course.figures import FIGURE_MARK as COURSE_MARK

    assert FIGURE_MARK == COURSE_MARK


# The release notebooks whose figures all come from figure makers, with how many figure cells each has.
FIGURE_MAKER_NOTEBOOKS = [
    *[(f"01-security-identity-compliance/01-security-identity-compliance-part{part}.ipynb", 1) for part in (1, 2, 3)],
    ("03-storage/03-storage.ipynb", 1),
    ("05-database/05-database.ipynb", 1),
    ("08-application-integration/08-application-integration.ipynb", 1),
    ("09-developer-tools/09-developer-tools.ipynb", 1),
    ("10-customer-engagement/10-customer-engagement.ipynb", 2),
    ("11-end-user-computing/11-end-user-computing.ipynb", 1),
    ("12-internet-of-things/12-internet-of-things.ipynb", 1),
]


@pytest.mark.slow
@pytest.mark.parametrize(("notebook", "figure_cells"), FIGURE_MAKER_NOTEBOOKS,
                         ids=[Path(n).stem for n, _ in FIGURE_MAKER_NOTEBOOKS])
def test_a_notebook_of_figure_makers_grades_without_importing_matplotlib(notebook, figure_cells):
    """The figures of these notebooks come from figure makers in instructor cells: a grading kernel, warmed up
    as the worker warms it (``autograder.worker.warmup_for``: every non-solution code cell of the release is an
    instructor cell), runs the whole release notebook without importing matplotlib, and each figure cell shows
    the blank PNG. Outside the grader, ``show_figure`` shows the real figure (tests/test_figures.py)."""
    import base64
    import re

    from nbgrader import utils as nbutils

    import course.exercises

    root = Path(course.exercises.__file__).resolve().parents[2]
    nb = nbformat.read(root / "release" / notebook, as_version=4)
    instructor = [c for c in nb.cells if c.cell_type == "code" and not nbutils.is_solution(c)]
    warmup = warmup_code(imported_modules(instructor), tuple(c.source for c in instructor))
    nb.cells.append(nbformat.v4.new_code_cell("import sys\nprint('matplotlib' in sys.modules)"))
    ready = _warm_kernel(root, warmup)
    out = ready.run(nb, 60, 180)
    ready.remove()
    assert out.stopped is None, out.stopped
    figures = [c for c in out.nb.cells if c.cell_type == "code" and re.search(r"^show_figure\(", c.source, re.M)]
    assert len(figures) == figure_cells, [c.source for c in figures]
    for cell in figures:
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert [base64.b64decode(o["data"]["image/png"]) for o in images] == [BLANK_PNG], (cell.source, cell.outputs)
    assert _stdout(out.nb.cells[-1]).strip() == "False", "matplotlib was imported while grading"


@pytest.mark.slow
def test_a_maker_an_instructor_cell_imports_itself_is_a_stand_in_there_and_real_after(tmp_path):
    """An instructor cell that imports its figure maker itself gets the stand-in (the maker's module attribute is
    swapped while the cell runs); after the cell both the learner's name and the module hold the real maker."""
    import course.exercises

    course_dir = Path(course.exercises.__file__).resolve().parents[1]
    release = ("from course.notebooks import diagrams",
               "import io, sys\nfrom course.notebooks.diagrams import s3_request_decision as decision\n"
               "b = io.BytesIO()\nfig = decision()\nfig.savefig(b, format='png', dpi=fig.dpi)\n"
               "print(type(fig).__name__, b.getvalue() == BLANK, 'matplotlib' in sys.modules)")
    ready = _warm_kernel(course_dir, warmup_code(("course.notebooks.diagrams",), release))
    out = ready.run(_notebook(
        f"BLANK = {BLANK_PNG!r}", release[0], release[1],
        "print(decision is diagrams.s3_request_decision, type(decision).__name__, hasattr(decision, '__wrapped__'))",
        "print(type(decision()).__name__)"), 60, 180)
    ready.remove()
    assert out.stopped is None, out.stopped
    lines = [_stdout(c).strip() for c in out.nb.cells]
    assert lines[2] == "Undrawn True False", "imported inside the instructor cell: still a stand-in, no matplotlib"
    assert lines[3] == "True function False", "after the cell, the learner's name and the module hold the real maker"
    assert lines[4] == "Figure", "the learner's own call draws"
