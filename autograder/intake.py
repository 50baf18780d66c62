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
    # several-notebook assignments: (notebook name, path or None when missing, why it is not gradable)
    # for each of the assignment's notebooks; ``path`` is then the student's folder
    parts: tuple[tuple[str, Path | None, str | None], ...] = ()


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


def _multi_submission(student_id: str, folder: Path, notebook_names: list[str]) -> Submission:
    """One student's folder holding several notebooks: each part found by name, hashed together."""
    present = {p.stem: p for p in folder.glob("*.ipynb")} if folder.is_dir() else {}
    parts: list[tuple[str, Path | None, str | None]] = []
    digest = hashlib.sha256()
    for name in notebook_names:
        path = present.get(name)
        if path is None:
            parts.append((name, None, f"{name}.ipynb is missing from the submission (0 points)"))
            digest.update(f"{name}:missing\n".encode())
            continue
        data = path.read_bytes()
        parts.append((name, path, validate(data)))
        digest.update(f"{name}:{_hash(data)}\n".encode())
    error = None if any(p is not None for _, p, _ in parts) else \
        f"no notebook of the assignment ({', '.join(n + '.ipynb' for n in notebook_names)}) in the submission"
    return Submission(student_id, folder, digest.hexdigest(), error, tuple(parts))


def collect(submissions: Path, assignment: str, notebook_name: str | list[str], unpack_dir: Path) -> list[Submission]:
    """All submissions under ``submissions`` (a folder or a .zip, unpacked into ``unpack_dir``).

    ``notebook_name``: the assignment's notebook, or the list of its notebooks. With several, only the
    nbgrader layout (``<student>/<assignment>/<notebook>.ipynb`` for each) can hold a whole submission.
    """
    names = [notebook_name] if isinstance(notebook_name, str) else list(notebook_name)
    if len(names) > 1:
        return _collect_multi(submissions, assignment, names, unpack_dir)
    notebook_name = names[0]
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


def _collect_multi(submissions: Path, assignment: str, names: list[str], unpack_dir: Path) -> list[Submission]:
    if submissions.is_file() and zipfile.is_zipfile(submissions):
        submissions = _unzip(submissions, unpack_dir)
    if not submissions.is_dir():
        raise IntakeError(f"{submissions} is neither a folder nor a .zip of submissions")
    root = _descend(submissions)
    layout = (f"{assignment} has {len(names)} notebooks ({', '.join(n + '.ipynb' for n in names)}): "
              f"submit them as <student>/{assignment}/<notebook>.ipynb (nbgrader's layout)")
    entries = [c for c in sorted(root.iterdir()) if not c.name.startswith(".") and c.name != "__MACOSX"]
    if entries and not any(c.is_dir() for c in entries):
        raise IntakeError(f"{root} holds single notebooks, one per student, but {layout}")
    found: list[Submission] = []
    for child in entries:
        if child.is_dir():
            folder = child / assignment if (child / assignment).is_dir() else child
            found.append(_multi_submission(_clean_id(child.name), folder, names))
        elif child.suffix == ".ipynb":  # a stray single notebook: a failed row that says why
            found.append(Submission(_clean_id(child.stem), None, _hash(child.read_bytes()),
                                    f"a single notebook cannot be graded: {layout}"))
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
