"""Finding submissions: nbgrader's ``submitted/<student>/<assignment>/*.ipynb``, a folder of
``<student>.ipynb``, or a .zip of either. A file that is not a notebook still becomes a submission
(with an ``error``), so it gets a ``failed`` row instead of vanishing from the batch."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
_STUDENT_ID = re.compile(r"[^A-Za-z0-9_.@-]+")


class IntakeError(RuntimeError):
    """The SUBMISSIONS argument cannot be read at all."""


@dataclass(frozen=True)
class Submission:
    student_id: str
    path: Path | None
    sha256: str
    error: str | None = None  # why the file is not a gradable notebook


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def validate(data: bytes) -> str | None:
    """Why ``data`` is not a gradable nbformat-4 notebook, or None when it is."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        return f"invalid notebook: {len(data)} bytes is over the {MAX_NOTEBOOK_BYTES} byte limit"
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return f"invalid notebook: not JSON ({exc})"
    if not isinstance(raw, dict):
        return "invalid notebook: JSON without notebook cells"
    major = raw.get("nbformat")
    if major != 4:
        return f"invalid notebook: nbformat {major!r}, the course uses nbformat 4"
    if "cells" not in raw:
        return "invalid notebook: JSON without notebook cells"
    try:
        nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=4))
    except Exception as exc:  # nbformat raises several types for broken structure
        return f"invalid notebook: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return None


def _submission(student_id: str, path: Path | None, missing: str | None = None) -> Submission:
    if path is None:
        return Submission(student_id, None, _hash(b""), missing or "no notebook in the submission")
    data = path.read_bytes()
    return Submission(student_id, path, _hash(data), validate(data))


def _clean_id(name: str) -> str:
    return _STUDENT_ID.sub("_", name).strip("._") or "unknown"


def _pick(notebooks: list[Path], notebook_name: str) -> Path | None:
    notebooks = sorted(p for p in notebooks if ".ipynb_checkpoints" not in p.parts)
    for p in notebooks:
        if p.stem == notebook_name:
            return p
    return notebooks[0] if len(notebooks) == 1 else None


def collect(submissions: Path, assignment: str, notebook_name: str, unpack_dir: Path) -> list[Submission]:
    """All submissions under ``submissions`` (a folder or a .zip, unpacked into ``unpack_dir``)."""
    if submissions.is_file() and zipfile.is_zipfile(submissions):
        submissions = _unzip(submissions, unpack_dir)
    if not submissions.is_dir():
        raise IntakeError(f"{submissions} is neither a folder nor a .zip of submissions")
    root = _descend(submissions)
    found: list[Submission] = []
    for child in sorted(root.iterdir()):
        if child.name.startswith(".") or child.name == "__MACOSX":
            continue
        if child.is_dir():  # nbgrader layout: <student>/<assignment>/*.ipynb
            folder = child / assignment if (child / assignment).is_dir() else child
            notebooks = list(folder.glob("*.ipynb"))
            found.append(_submission(_clean_id(child.name), _pick(notebooks, notebook_name),
                                     f"no notebook for {assignment} in {child.name}/"))
        elif child.suffix == ".ipynb":
            found.append(_submission(_clean_id(child.stem), child))
    ids = [s.student_id for s in found]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise IntakeError(f"several submissions for the student id(s) {', '.join(sorted(dupes))}")
    return found


def _descend(folder: Path) -> Path:
    """Step into a lone wrapper folder (``submitted/``, or the folder a zip was made from)."""
    while True:
        entries = [p for p in folder.iterdir() if not p.name.startswith(".") and p.name != "__MACOSX"]
        if (folder / "submitted").is_dir():
            folder = folder / "submitted"
            continue
        if len(entries) == 1 and entries[0].is_dir() and not any(entries[0].glob("*/*.ipynb")) \
                and any(entries[0].glob("**/*.ipynb")):
            folder = entries[0]
            continue
        return folder


def _unzip(archive: Path, target: Path) -> Path:
    """Unpack safely: no absolute paths, no ``..``, a size cap."""
    target.mkdir(parents=True, exist_ok=True)
    total = 0
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            name = Path(info.filename)
            if name.is_absolute() or ".." in name.parts:
                raise IntakeError(f"{archive}: unsafe path {info.filename!r} in the zip")
            total += info.file_size
            if total > 50 * MAX_NOTEBOOK_BYTES * 10:
                raise IntakeError(f"{archive}: more than {50 * MAX_NOTEBOOK_BYTES * 10} bytes unpacked")
        zf.extractall(target)
    return target
