"""Run the figure tests under another pandas than the one in .venv: by default the lowest that pyproject allows.

Why: issue #16 asks every figure to be rendered under the lowest and the highest pandas the project allows, and
pandas changed how bar charts place their ticks between 2.x and 3.x (review F15). ``make test`` runs the figure
test under the pandas of .venv (the newest the resolver picked); this script makes a throwaway virtual
environment under /tmp that sees .venv's packages but carries its own pandas (and a NumPy that pandas accepts),
and runs ``tests/test_figures.py`` there.

    .venv/bin/python tests/tools/figures_under_pandas.py            # the lower bound of pyproject.toml
    .venv/bin/python tests/tools/figures_under_pandas.py 2.3.3      # any other version
"""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def lowest_allowed() -> str:
    """The version named by pyproject's ``pandas>=X`` requirement, padded to X.Y.Z."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    [spec] = [d for d in deps if re.match(r"pandas\b", d)]
    match = re.search(r">=\s*([0-9.]+)", spec)
    if not match:
        raise SystemExit(f"pyproject.toml: no lower bound in {spec!r}")
    parts = match.group(1).split(".")
    return ".".join((parts + ["0", "0"])[:3])


def main(argv: list[str]) -> int:
    version = argv[1] if len(argv) > 1 else lowest_allowed()
    venv = Path(f"/tmp/aws-course-pandas-{version}")
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # .venv's packages are visible after the throwaway venv's own (a .pth entry is appended to sys.path)
    own = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip())
    (own / "course-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    numpy = "numpy<2" if tuple(int(p) for p in version.split(".")[:3]) < (2, 2, 2) else "numpy"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"pandas=={version}", numpy], check=True)
    shown = subprocess.run([str(python), "-c", "import pandas, numpy, matplotlib; print('pandas', pandas.__version__,"
                            " 'numpy', numpy.__version__, 'matplotlib', matplotlib.__version__)"],
                           check=True, capture_output=True, text=True).stdout.strip()
    print(f"figure tests under {shown}", flush=True)
    env_path = f"{Path(sys.executable).parent}"
    return subprocess.run([str(python), "-m", "pytest", "-p", "no:xdist", "-q", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "test_figures.py")], cwd=ROOT,
                          env={"PATH": f"{venv / 'bin'}:{env_path}:/usr/bin:/bin", "HOME": str(venv)}).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
