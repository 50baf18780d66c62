"""course.figures draws the notebooks' diagrams: one box() and arrow() instead of a copy in every setup cell."""

from __future__ import annotations

import contextlib
import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import nbformat
import pytest
from conftest import SOURCE_NOTEBOOKS

from course.figures import BOX_COLOUR, LABEL_GAP, arrow, box

if TYPE_CHECKING:
    import pandas as pd

matplotlib.use("Agg")


@pytest.fixture
def ax():
    from matplotlib.figure import Figure

    axes = Figure(figsize=(4, 3)).subplots()
    axes.set_xlim(0, 4)
    axes.set_ylim(0, 3)
    return axes


def test_a_box_is_a_rounded_patch_with_its_text_centred(ax):
    box(ax, 1, 1, 2, 0.5, "KMS key", "#fde8e8", size=8.5)
    [patch] = ax.patches
    assert patch.get_boxstyle().__class__.__name__ == "Round"
    assert matplotlib.colors.to_hex(patch.get_facecolor()) == "#fde8e8"
    [text] = ax.texts
    assert (text.get_text(), text.get_position(), text.get_fontsize()) == ("KMS key", (2, 1.25), 8.5)
    assert (text.get_ha(), text.get_va()) == ("center", "center")
    box(ax, 0, 0, 1, 1, "default")
    assert matplotlib.colors.to_hex(ax.patches[1].get_facecolor()) == BOX_COLOUR and ax.texts[1].get_fontsize() == 9


def test_labels_sit_above_a_sloped_arrow_and_beside_a_vertical_one(ax):
    arrow(ax, (0, 1), (2, 2), "push")
    arrow(ax, (3, 2), (3, 1), "yes: ExplicitDeny")
    arrow(ax, (3, 2), (3, 1), "4 assumes", dx=0.5, dy=-0.05, size=7.5)
    arrow(ax, (0, 0), (1, 0))
    labels = [t for t in ax.texts if t.get_text()]  # the arrows themselves are text-less annotations
    above, beside, placed = labels
    assert above.get_position() == (1, 1.5 + LABEL_GAP) and above.get_ha() == "center"
    assert beside.get_position() == (3 + LABEL_GAP, 1.5) and (beside.get_ha(), beside.get_va()) == ("left", "center")
    assert placed.get_position() == (3.5, 1.45) and placed.get_ha() == "center" and placed.get_fontsize() == 7.5
    assert len(ax.texts) == 4 + 3, "four arrows, three labels: an arrow without a label draws no text"
    assert above.get_path_effects(), "labels carry a white halo so lines do not cross the letters"


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=[p.parent.name for p in SOURCE_NOTEBOOKS])
def test_no_notebook_pastes_its_own_drawing_helpers(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert not re.search(r"^def (box|arrow)\(", cell.source, re.M), (
                f"{path.name}: draw with course.figures.box/arrow instead of a pasted copy")


# --- every figure of every notebook, rendered (issue #16 item 5, #18 item 3) -------------------------------

# Time-series charts, by the variable that holds their data: the cell that assigns it draws the chart, and the
# bars under each tick label must be the data of that label's period. The periods must be uniform in time.
TIME_SERIES = {
    "06-management-governance": ("per_minute", "by_code", "per_period"),
    "07-analytics": ("answer_7_6",),
}


@dataclass
class Rendered:
    """One figure a notebook cell drew, with where it came from and the series it plots (if listed)."""

    figure: object
    where: str
    series: object = None


def _render_notebook(path: Path) -> tuple[list[Rendered], list[str]]:
    """Run ``path``'s code cells in one namespace (check cells too) and keep every figure a cell shows.

    Returns the figures and the matplotlib warnings the cells raised (a warning about tick labels means the
    labels may not belong to the ticks they sit under). Network drawings and the figures of notebook 01 are bare
    figures outside pyplot, shown as PNG by the notebook's ``show`` or by ``course.figures.show_figure``: they
    are kept as ``course.net.draw`` returns them or as ``show_figure`` is given them."""
    import matplotlib.pyplot as plt

    import course.figures
    import course.net

    nb = nbformat.read(path, as_version=4)
    namespace: dict = {"__name__": "__main__"}
    rendered: list[Rendered] = []
    warned: list[str] = []
    shown: list = []
    real_show, real_draw, real_show_figure = plt.show, course.net.draw, course.figures.show_figure
    plt.show = lambda *a, **k: shown.extend(plt.figure(n) for n in plt.get_fignums() if plt.figure(n) not in shown)
    course.figures.show_figure = shown.append  # the setup cell's `from course.figures import show_figure`

    def drawn(*args, **kwargs):
        figure = real_draw(*args, **kwargs)
        shown.append(figure)
        return figure
    course.net.draw = drawn  # the setup cell's `from course.net import draw` picks this up
    cwd = os.getcwd()
    try:
        os.chdir(path.parent)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            where = f"{path.parent.name} cell {index}"
            source = re.sub(r"^(\s*)[%!].*$", r"\1pass", cell.source, flags=re.M)
            shown.clear()
            with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("always")
                try:
                    exec(compile(source, where, "exec"), namespace)  # noqa: S102 - the course's own notebook
                except Exception as exc:  # a failing check cell is not this test's business; figures are
                    if "check(" not in cell.source:
                        raise AssertionError(f"{where} raised {type(exc).__name__}: {exc}") from exc
            warned += [f"{where}: {w.message}" for w in caught if "matplotlib" in (w.filename or "")
                       or "ticklabels" in str(w.message)]
            shown += [plt.figure(n) for n in plt.get_fignums() if plt.figure(n) not in shown]
            names = [n for n in TIME_SERIES.get(path.parent.name, ())
                     if re.search(rf"^{n}\s*=", cell.source, re.M)]
            for figure in shown:
                rendered.append(Rendered(figure, where, namespace[names[0]] if names else None))
            plt.close("all")
    finally:
        plt.show, course.net.draw, course.figures.show_figure = real_show, real_draw, real_show_figure
        os.chdir(cwd)
    return rendered, warned


def _drawn_texts(figure) -> list:
    """Every non-empty text the renderer draws: titles, labels, legends, annotations, tick labels in view."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    FigureCanvasAgg(figure).draw()  # as the inline backend renders it (a closed figure's canvas draws nothing)
    skipped = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            shown = ax.axison and axis.get_visible()  # ax.axis("off") hides every tick of a diagram
            drawn = set(axis._update_ticks()) if shown else set()  # noqa: SLF001 - the ticks it really draws
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if tick not in drawn:
                    skipped.update({id(tick.label1), id(tick.label2)})
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in skipped
            and t.get_figure() is figure]


def _time_rows(series) -> pd.DataFrame:
    import pandas as pd

    if isinstance(series, pd.DataFrame) and "window" in series.columns:
        series = series.set_index("window")
    frame = series.to_frame() if isinstance(series, pd.Series) else series
    return frame.select_dtypes("number")


@pytest.mark.slow
@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=[f"{p.parent.name}/{p.stem}" for p in SOURCE_NOTEBOOKS])
def test_every_figure_keeps_its_text_inside_and_its_time_labels_on_the_data(path):
    rendered, warned = _render_notebook(path)
    assert not warned, "matplotlib warned while drawing:\n" + "\n".join(warned)
    listed = TIME_SERIES.get(path.parent.name, ())
    assert sum(r.series is not None for r in rendered) == len(listed), (
        f"{path.parent.name}: expected one chart per time series {listed}")
    for r in rendered:
        figure = r.figure
        box = figure.bbox
        for text in _drawn_texts(figure):
            extent = text.get_window_extent()
            inside = (extent.x0 >= box.x0 - 1 and extent.y0 >= box.y0 - 1 and extent.x1 <= box.x1 + 1
                      and extent.y1 <= box.y1 + 1)
            assert inside, f"{r.where}: the text {text.get_text()!r} is cut off at the edge of the figure"
        if r.series is not None:
            _check_time_series(r)


def _check_time_series(r: Rendered) -> None:
    """Each tick label names a period whose data equals the height of the bars at that tick, and the bars
    stand one per period of a uniform time index (no missing period squeezed out of the axis)."""
    import numpy as np

    rows = _time_rows(r.series)
    index = rows.index
    steps = set(np.diff(index.asi8)) if len(index) > 1 else set()
    assert len(steps) <= 1, f"{r.where}: the periods are not evenly spaced in time"
    totals = rows.sum(axis=1).to_numpy()
    [ax] = [a for a in r.figure.axes if a.patches]
    heights: dict[float, float] = {}
    for patch in ax.patches:
        centre = round(patch.get_x() + patch.get_width() / 2, 6)
        heights[centre] = heights.get(centre, 0) + patch.get_height()
    assert len(heights) == len(rows), f"{r.where}: {len(heights)} bars for {len(rows)} periods"
    labels = {label.strftime("%H:%M"): i for i, label in enumerate(index)}
    assert len(labels) == len(index), f"{r.where}: the HH:MM labels are ambiguous for this index"
    checked = 0
    for position, label in zip(ax.get_xticks(), [t.get_text() for t in ax.get_xticklabels()], strict=True):
        if not label:
            continue
        assert label in labels, f"{r.where}: tick label {label!r} is no period of the data"
        i = labels[label]
        assert heights.get(round(float(position), 6)) == pytest.approx(totals[i]), (
            f"{r.where}: the bars at the tick {label!r} show {heights.get(round(float(position), 6))}, "
            f"the data of {label} is {totals[i]}")
        checked += 1
    assert checked >= 3, f"{r.where}: only {checked} labelled ticks"


def test_a_diagram_is_a_bare_frameless_figure_whose_data_units_default_to_inches():
    from matplotlib.figure import Figure

    from course.figures import diagram

    fig, ax = diagram(11, 3.6)
    assert isinstance(fig, Figure) and tuple(fig.get_size_inches()) == (11, 3.6)
    assert (ax.get_xlim(), ax.get_ylim(), ax.axison) == ((0, 11), (0, 3.6), False)
    fig, ax = diagram(9.5, 4.2, 10.4, 4.6, layout="constrained")
    assert (ax.get_xlim(), ax.get_ylim(), fig.get_layout_engine().__class__.__name__) == (
        (0, 10.4), (0, 4.6), "ConstrainedLayoutEngine")
