"""Drawing the course's box-and-arrow diagrams (request flows, pipelines, trust chains) on matplotlib axes.

The notebooks draw their diagrams in data coordinates on an axis with its frame switched off; ``box`` and
``arrow`` give every diagram the same boxes, arrows and label placement. ``figure_maker`` marks a function
that returns a figure only to be looked at, and ``show_figure`` shows such a figure in a notebook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:  # matplotlib loads when a diagram is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

F = TypeVar("F", bound=Callable[..., Any])

BOX_COLOUR = "#e8f0fe"  # light blue; the notebooks pass red, amber or green tints for deny, check, allow
DENY_TINT, CHECK_TINT, ALLOW_TINT = "#fde8e8", "#fdf3e1", "#e3f4e3"
EDGE_COLOUR = "#333333"
LABEL_COLOUR = "#444444"
LABEL_GAP = 0.12  # data units between an arrow's midpoint and its label


def diagram(width: float, height: float, xmax: float | None = None, ymax: float | None = None,
            layout: Literal["constrained"] | None = None) -> tuple[Figure, Axes]:
    """A bare figure ``width`` x ``height`` inches (no pyplot state) and its frameless axis spanning ``xmax`` x
    ``ymax`` data units (by default as many as inches), for a diagram drawn with :func:`box` and :func:`arrow`."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout=layout)
    ax = fig.subplots()
    ax.set_xlim(0, width if xmax is None else xmax)
    ax.set_ylim(0, height if ymax is None else ymax)
    ax.axis("off")
    return fig, ax


def box(ax: Axes, x: float, y: float, w: float, h: float, text: str, colour: str = BOX_COLOUR,
        size: float = 9) -> None:
    """A rounded box with its lower left corner at (x, y), ``w`` wide and ``h`` high, ``text`` centred."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", facecolor=colour, edgecolor=EDGE_COLOUR))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size)


def arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], label: str = "",
          dx: float | None = None, dy: float | None = None, size: float = 8) -> None:
    """An arrow from ``start`` to ``end`` with an optional ``label`` near its middle.

    The label sits centred just above the midpoint, or, on a vertical arrow, just right of it so the line
    does not cross the text; ``dx`` and ``dy`` move it from the midpoint instead (centred on that point).
    """
    from matplotlib.patheffects import withStroke

    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": EDGE_COLOUR})
    if not label:
        return
    # a thin white halo keeps the label readable where it meets a line
    style: dict[str, Any] = {"fontsize": size, "color": LABEL_COLOUR,
                             "path_effects": [withStroke(linewidth=2.5, foreground="white")]}
    mid_x, mid_y = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    if dx is None and dy is None and start[0] == end[0]:
        ax.text(mid_x + LABEL_GAP, mid_y, label, ha="left", va="center", **style)
        return
    ax.text(mid_x + (dx or 0.0), mid_y + (LABEL_GAP if dy is None else dy), label, ha="center", **style)


FIGURE_MARK = "__course_figure__"


def figure_maker(make: F) -> F:
    """Mark ``make`` as a function that only makes a figure to look at (nothing a score depends on).

    The grader gives an instructor cell a stand-in for such a function that never draws: a notebook whose
    figures all come from figure makers then grades without importing matplotlib.
    """
    setattr(make, FIGURE_MARK, True)
    return make


def show_figure(fig: Figure) -> None:
    """Show ``fig`` in the notebook as a PNG, as the inline backend would (its dpi, cropped to its content)."""
    import io

    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")
    display(Image(buffer.getvalue()))
