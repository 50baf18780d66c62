"""course.figures draws the notebooks' diagrams: one box() and arrow() instead of a copy in every setup cell."""

from __future__ import annotations

import re

import matplotlib
import nbformat
import pytest
from conftest import SOURCE_NOTEBOOKS

from course.figures import BOX_COLOUR, LABEL_GAP, arrow, box

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
