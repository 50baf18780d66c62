"""Which of the course's notebooks a submission is, from its nbgrader cell ids.

A learner who uploads the wrong notebook (03-storage where 10-customer-engagement was due) would
otherwise get a ``flagged`` row whose detail lists every missing and unexpected cell. nbgrader's grade ids
(``answer-3-2``, ``check-3-2``...) are unique across the course, so the released notebook sharing most of
them with the submission names what it really is, and the detail can say so in one line.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat


def grade_ids(nb: Any) -> set[str]:
    """The nbgrader grade ids of a notebook's cells (nbformat node or plain dict)."""
    found = set()
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
        grade_id = meta.get("nbgrader", {}).get("grade_id") if isinstance(meta.get("nbgrader"), dict) else None
        if isinstance(grade_id, str):
            found.add(grade_id)
    return found


def released(root: Path) -> dict[str, frozenset[str]]:
    """Grade ids of every released notebook, by ``<assignment>`` (``<assignment>/<notebook>`` when an
    assignment has several notebooks); read once per worker process while the files stay the same."""
    paths = sorted((root / "release").glob("*/*.ipynb"))
    return dict(_read_released(tuple((p, p.stat().st_mtime_ns) for p in paths)))


@lru_cache(maxsize=4)
def _read_released(stamped: tuple[tuple[Path, int], ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    out: dict[str, frozenset[str]] = {}
    for path, _ in stamped:
        siblings = len(list(path.parent.glob("*.ipynb")))
        key = path.parent.name if siblings == 1 else f"{path.parent.name}/{path.stem}"
        try:
            out[key] = frozenset(grade_ids(nbformat.read(path, as_version=4)))
        except Exception:  # noqa: BLE001 - a broken release notebook only means it cannot be recognised
            continue
    return tuple(out.items())


def looks_like(nb: Any, root: Path, expected: str) -> str | None:
    """The released notebook ``nb`` is most likely a copy of, when that is not ``expected`` (an assignment
    name, or ``assignment/notebook``) and more than half of ``nb``'s grade ids are its; else None."""
    ids = grade_ids(nb)
    if not ids:
        return None
    best, share = None, 0.0
    for name, theirs in released(root).items():
        if theirs:
            overlap = len(ids & theirs) / len(ids)
            if overlap > share:
                best, share = name, overlap
    if best is None or share <= 0.5 or best == expected or best.split("/")[0] == expected:
        return None
    return best


def wrong_notebook_detail(nb: Any, root: Path, expected: str) -> str | None:
    """``this looks like 03-storage, not 10-customer-engagement: ...`` (one line), or None."""
    other = looks_like(nb, root, expected)
    if other is None:
        return None
    return (f"this looks like {other}, not {expected}: the learner submitted another notebook; "
            f"ask for {expected} and grade again")
