"""Every figure also renders right under the lowest pandas pyproject allows (issue #16, review F15).

Why: pandas changed how bar charts place their ticks between 2.x and 3.x, and ``make test`` otherwise sees only
the newest pandas the resolver picked. This runs ``tests/test_figures.py`` (clipped text, tick labels against
the data) once more in a throwaway environment that carries the lower bound (tests/tools/figures_under_pandas.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "tools"))

from figures_under_pandas import lowest_allowed  # noqa: E402


@pytest.mark.slow
def test_every_figure_passes_under_the_lowest_allowed_pandas():
    version = lowest_allowed()
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "tools" / "figures_under_pandas.py"), version],
                          capture_output=True, text=True, timeout=1500)
    assert f"pandas {version}" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
