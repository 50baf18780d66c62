"""Finding the submissions in a folder or a .zip, and refusing, one row each, what cannot be graded safely.

Layouts: nbgrader's ``submitted/<student>/<assignment>/<notebook>.ipynb``, a folder of ``<student>.ipynb``
(the extension in any case), or a .zip of either; assignments with several notebooks need nbgrader's layout.
Every top-level entry that is not a hidden file or a plain non-notebook file is a student and gets exactly
one :class:`Submission`: gradable (``error`` None, one :class:`SubmittedNotebook` per notebook of the
assignment, each a private copy of the validated bytes in the grader's own folder, or why that notebook is
missing or not gradable), or ``failed`` with the reason. Only a SUBMISSIONS argument that cannot be read at all
raises :class:`IntakeError`.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.intake.lms import LmsNames
from autograder.intake.names import cap, id_problem, shown
from autograder.intake.notebook import validate
from autograder.intake.tree import FolderTree, IntakeLimits, Node, Refused, Tree, ZipTree

_SUFFIX = b".ipynb"


class IntakeError(RuntimeError):
    """The SUBMISSIONS argument cannot be read at all."""


@dataclass(frozen=True)
class SubmittedNotebook:
    """One notebook of the assignment as the student handed it in."""

    name: str  # the assignment's notebook name, without .ipynb
    path: Path | None  # a private copy of the validated notebook (None when missing or not gradable)
    error: str | None = None  # why this notebook is not gradable


@dataclass(frozen=True)
class Submission:
    """One student's whole assignment: one :class:`SubmittedNotebook` per notebook (one for most)."""

    student_id: str
    sha256: str
    error: str | None = None  # why the submission is not gradable at all (then ``parts`` may be empty)
    parts: tuple[SubmittedNotebook, ...] = ()
    entry: str = ""  # the top-level entry it came from, as shown in reasons (printable)
    # what ``nbgrader submit`` writes beside the notebooks (nbgrader's layout only): the submission time as
    # written (parsed, and refused when it is not a time, by autograder.lateness), where it was, and the
    # secret that names the student's feedback in the exchange
    timestamp: str | None = None
    timestamp_file: str = ""
    secret: str | None = None


@dataclass
class _Candidate:
    node: Node
    entry: str  # the entry's name, printable
    student: str | None  # a valid student id, or None
    row_id: str
    refusals: list[str] = field(default_factory=list)


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_tree(submissions: Path, limits: IntakeLimits) -> Tree:
    """The SUBMISSIONS argument (the instructor's choice, so a link to it is followed) as a tree."""
    try:
        mode = os.stat(submissions).st_mode
    except OSError as exc:
        raise IntakeError(f"{submissions} cannot be read: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        try:
            return FolderTree(submissions, limits)
        except OSError as exc:
            raise IntakeError(f"{submissions} cannot be read: {exc.strerror}") from None
    if stat.S_ISREG(mode):
        try:
            return ZipTree(submissions, limits)
        except Exception as exc:  # zipfile raises several types for a damaged archive
            raise IntakeError(f"{submissions} is neither a folder nor a readable .zip of submissions "
                              f"({type(exc).__name__}: {str(exc)[:200]})") from None
    raise IntakeError(f"{submissions} is neither a folder nor a .zip of submissions")


def collect(submissions: Path, assignment: str, notebook_names: Sequence[str], unpack_dir: Path,
            limits: IntakeLimits | None = None, lms: LmsNames | None = None) -> list[Submission]:
    """All submissions under ``submissions`` (a folder or a .zip); private copies go to ``unpack_dir``.

    ``notebook_names``: the assignment's notebooks (one for most). With several, only the nbgrader layout
    (``<student>/<assignment>/<notebook>.ipynb`` for each) can hold a whole submission.
    ``lms``: the entries are named as in a Canvas or Moodle download and mapped to student ids by it.
    """
    tree = open_tree(submissions, limits or IntakeLimits())
    try:
        return collect_tree(tree, assignment, notebook_names, unpack_dir, lms)
    finally:
        tree.close()


def collect_tree(tree: Tree, assignment: str, notebook_names: Sequence[str], unpack_dir: Path,
                 lms: LmsNames | None = None) -> list[Submission]:
    if isinstance(notebook_names, str) or not notebook_names:
        raise TypeError("notebook_names: the list of the assignment's notebook names")
    names = list(notebook_names)
    start, chain = _descend(tree, assignment, names)
    try:
        entries = [n for n in tree.children(start) if _visible(n)]
    except Refused as exc:
        raise IntakeError(f"{tree.label}: {exc}") from None
    candidates = [_candidate(n, lms) for n in entries if _is_student_entry(n)]
    _mark_collisions(candidates)
    unpack_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    copies = Path(tempfile.mkdtemp(prefix="copies-", dir=unpack_dir))  # private (0700), fresh on every call
    found: list[Submission] = []
    for index, cand in enumerate(candidates):
        try:
            found.append(_one(tree, cand, assignment, names, copies / f"{index:05d}"))
        except Refused as exc:
            found.append(_failed(cand, str(exc)))
        except Exception as exc:  # an intake bug costs one row, never the batch
            found.append(_failed(cand, f"{cand.entry}: intake error: {type(exc).__name__}: {exc}"[:300]))
    for node in chain:  # unsafe zip entries outside every student's folder: a row each, never dropped
        for entry, reason in node.problems:
            found.append(Submission(shown(entry), _hash(reason.encode()), reason, entry=shown(entry)))
    return _unique(found)


def _visible(node: Node) -> bool:
    return not node.name.startswith(b".") and node.name != b"__MACOSX"


def _nb_name(name: bytes) -> bool:
    return name.lower().endswith(_SUFFIX) and len(name) > len(_SUFFIX)


def _is_student_entry(node: Node) -> bool:
    """Folders, notebooks, and anything that is neither a file nor a folder (so it is refused, not lost)."""
    return _visible(node) and (node.kind != "file" or _nb_name(node.name))


def _candidate(node: Node, lms: LmsNames | None = None) -> _Candidate:
    is_nb = _nb_name(node.name)
    stem = node.name[: -len(_SUFFIX)] if is_nb else node.name
    entry = shown(node.name)
    cand = _Candidate(node, entry, None, shown(stem))
    try:
        text = stem.decode("utf-8")
    except UnicodeDecodeError:
        cand.refusals.append(f"{entry}: the name is not valid UTF-8")
    else:
        problem: str | None
        if lms is None:
            problem = id_problem(text)
        else:  # an LMS download: the id comes from the name's LMS user, through the roster
            mapped = lms.map(text, folder=node.kind == "dir")
            text = mapped.student_id or ""
            problem = mapped.problem or id_problem(text)
        if problem is None:
            cand.student = cand.row_id = text
        else:
            cand.refusals.append(f"{entry}: {problem}")
    if node.kind == "dir" and is_nb:
        cand.refusals.append(f"{entry}: a folder, not a notebook file")
    elif node.kind == "link":
        cand.refusals.append(f"{entry}: a link, not a file or folder (links are never followed)")
    elif node.kind == "special":
        cand.refusals.append(f"{entry}: {node.what}, not a notebook")
    return cand


def _mark_collisions(candidates: list[_Candidate]) -> None:
    """Ids equal up to case (``ann/`` and ``ann.ipynb``, ``Ann.ipynb`` and ``ann.IPYNB``): every one is
    refused, naming all of them, and keeps its own row."""
    groups: dict[str, list[_Candidate]] = defaultdict(list)
    for cand in candidates:
        if cand.student is not None:
            groups[cand.student.lower()].append(cand)
    for group in groups.values():
        if len(group) < 2:
            continue
        listed = ", ".join(f"{c.entry!r} ({c.node.what})" for c in group)
        for cand in group:
            cand.refusals.append(f"{cand.entry}: several submissions for the same student id: {listed}; "
                                 "keep one and grade again")
            cand.row_id = cap(f"{cand.student} [{cand.entry}]")


def _failed(cand: _Candidate, reason: str) -> Submission:
    return Submission(cand.row_id, _hash(reason.encode("utf-8", "backslashreplace")), reason, entry=cand.entry)


def _descend(tree: Tree, assignment: str, notebook_names: list[str]) -> tuple[Node, list[Node]]:
    """Step into ``submitted/`` (when nothing beside it is a student) or a lone wrapper folder (the folder a
    zip was made from); returns the folder holding the students and the folders stepped through."""
    node, chain = tree.root, [tree.root]
    for _ in range(8):
        try:
            kids = [k for k in tree.children(node) if _visible(k)]
        except Refused:
            break
        layout = [k for k in kids if k.kind == "dir" and k.name.lower() in _LAYOUT]
        others = [k for k in kids if _is_student_entry(k) and k not in layout]
        submitted = [k for k in layout if k.name == b"submitted"]
        if submitted and not others:
            node = submitted[0]
        elif (len(kids) == 1 and kids[0].kind == "dir" and not layout
              and _wrapper(tree, kids[0], assignment, notebook_names)):
            node = kids[0]
        else:
            break
        chain.append(node)
    return node, chain


_LAYOUT = {b"submitted", b"autograded", b"feedback", b"release", b"source", b"exchange"}  # nbgrader's folders


def _notebook_depths(tree: Tree, node: Node, max_depth: int = 4, budget: int = 2000) -> set[int]:
    """Depths (1 = directly inside) at which ``node`` holds a ``*.ipynb``; a bounded walk, links not followed."""
    depths: set[int] = set()
    level, depth = [node], 1
    while level and depth <= max_depth and budget > 0:
        nxt = []
        for folder in level:
            try:
                kids = tree.children(folder)
            except Refused:
                continue
            budget -= len(kids)
            for kid in kids:
                if _visible(kid) and _nb_name(kid.name) and kid.kind != "dir":
                    depths.add(depth)
                elif _visible(kid) and kid.kind == "dir":
                    nxt.append(kid)
        level, depth = nxt, depth + 1
    return depths


def _wrapper(tree: Tree, folder: Node, assignment: str, notebook_names: list[str]) -> bool:
    """A lone folder wrapping the batch (a zip's top folder, ``late/``), not one student's folder: a student's
    folder holds ``<assignment>/`` (nbgrader's layout) or the assignment's notebook itself
    (``<student>/<notebook>.ipynb``), so a lone late student is never filed under the notebook's name."""
    if not _notebook_depths(tree, folder):
        return False
    wanted = {f"{n}.ipynb".lower().encode("utf-8") for n in notebook_names}
    try:
        kids = [k for k in tree.children(folder) if _visible(k)]
    except Refused:
        return False
    if any(k.kind == "dir" and k.name == assignment.encode("utf-8") for k in kids):
        return False
    return not any(k.kind != "dir" and k.name.lower() in wanted for k in kids)


def _read(tree: Tree, node: Node) -> bytes:
    try:
        return tree.read(node)
    except Refused as exc:
        raise Refused(f"{node.shown_path}: {exc}") from None


def _private_copy(folder: Path, notebook: str, data: bytes) -> Path:
    """The grader's own copy of bytes it has validated: what the worker reads, whatever the source does."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"{notebook}.ipynb"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return target


def _assignment_folder(tree: Tree, node: Node, assignment: str) -> Node:
    """``<student>/<assignment>/`` when it exists (and is a real folder), else the student's folder."""
    for kid in tree.children(node):
        if kid.name == assignment.encode("utf-8"):
            if kid.kind != "dir":
                raise Refused(f"{kid.shown_path}: {kid.what}, not a folder")
            return kid
    return node


def _notebooks(tree: Tree, folder: Node) -> list[Node]:
    return [k for k in tree.children(folder) if _visible(k) and _nb_name(k.name)]


def _named(notebooks: list[Node], name: str) -> Node | None:
    """The notebook called ``name``: exactly, else the one whose name differs only in case."""
    wanted = name.encode("utf-8")
    exact = [n for n in notebooks if n.name[: -len(_SUFFIX)] == wanted]
    if exact:
        return exact[0]
    folded = [n for n in notebooks if n.name[: -len(_SUFFIX)].lower() == wanted.lower()]
    return folded[0] if len(folded) == 1 else None


def _one(tree: Tree, cand: _Candidate, assignment: str, names: list[str], private: Path) -> Submission:
    if cand.refusals:
        return _failed(cand, "; ".join(cand.refusals))
    problems = tree.problems_under(cand.node)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        return _failed(cand, "; ".join(reason for _, reason in problems[:3]) + more)
    assert cand.student is not None
    if len(names) > 1:
        return _with_beside(tree, cand, assignment, _several(tree, cand, assignment, names, private))
    node = cand.node
    if node.kind == "dir":
        folder = _assignment_folder(tree, node, assignment)
        notebooks = _notebooks(tree, folder)
        picked = _named(notebooks, names[0]) or (notebooks[0] if len(notebooks) == 1 else None)
        if picked is None:
            listed = ", ".join(shown(n.name) for n in notebooks[:5])
            return _failed(cand, f"no notebook for {assignment} in {cand.entry}/"
                                 + (f" ({len(notebooks)} notebooks, none named {names[0]}.ipynb: {listed})"
                                    if notebooks else ""))
        node = picked
    data = _read(tree, node)
    error = validate(data)
    path = _private_copy(private, names[0], data) if error is None else None
    return _with_beside(tree, cand, assignment, Submission(
        cand.student, _hash(data), error, (SubmittedNotebook(names[0], path, error),), entry=cand.entry))


_BESIDE = {b"timestamp.txt": "timestamp", b"submission_secret.txt": "secret"}
_BESIDE_BYTES = 4096


def _with_beside(tree: Tree, cand: _Candidate, assignment: str, sub: Submission) -> Submission:
    """``sub`` with the ``timestamp.txt`` and ``submission_secret.txt`` of its folder; a new time makes a
    new hash (a resubmission of the same notebook is recorded with its new time)."""
    if sub.error is not None or cand.node.kind != "dir":
        return sub
    found: dict[str, str] = {}
    where = ""
    try:
        kids = tree.children(_assignment_folder(tree, cand.node, assignment))
    except Refused:
        return sub
    for kid in kids:
        field_name = _BESIDE.get(kid.name)
        if field_name is None or kid.kind != "file":
            continue
        if kid.size > _BESIDE_BYTES:
            text = f"(a file of {kid.size} bytes)"
        else:
            try:
                text = tree.read(kid).decode("utf-8", "replace")
            except Refused as exc:
                text = f"(unreadable: {exc})"
        found[field_name] = text
        if field_name == "timestamp":
            where = f"{tree.label}/{kid.shown_path}"
    if not found:
        return sub
    sha = sub.sha256
    if "timestamp" in found:
        sha = hashlib.sha256(f"{sha}\ntimestamp:{found['timestamp'].strip()}".encode("utf-8", "replace")).hexdigest()
    return replace(sub, sha256=sha, timestamp=found.get("timestamp"), timestamp_file=where,
                   secret=found.get("secret"))


def _several(tree: Tree, cand: _Candidate, assignment: str, names: list[str], private: Path) -> Submission:
    """One student's folder holding several notebooks: each part found by name, hashed together."""
    layout = (f"{assignment} has {len(names)} notebooks ({', '.join(n + '.ipynb' for n in names)}): "
              f"submit them as <student>/{assignment}/<notebook>.ipynb (nbgrader's layout)")
    if cand.node.kind != "dir":
        return _failed(cand, f"{cand.entry}: a single notebook cannot be graded: {layout}")
    notebooks = _notebooks(tree, _assignment_folder(tree, cand.node, assignment))
    parts: list[SubmittedNotebook] = []
    digest = hashlib.sha256()
    present = False
    for name in names:
        node = _named(notebooks, name)
        if node is None:
            parts.append(SubmittedNotebook(name, None, f"{name}.ipynb is missing from the submission (0 points)"))
            digest.update(f"{name}:missing\n".encode())
            continue
        present = True
        try:
            data = _read(tree, node)
        except Refused as exc:
            parts.append(SubmittedNotebook(name, None, str(exc)))
            digest.update(f"{name}:refused:{exc}\n".encode("utf-8", "backslashreplace"))
            continue
        error = validate(data)
        parts.append(SubmittedNotebook(name, _private_copy(private, name, data) if error is None else None, error))
        digest.update(f"{name}:{_hash(data)}\n".encode())
    error = None if present else \
        f"no notebook of the assignment ({', '.join(n + '.ipynb' for n in names)}) in the submission"
    return Submission(cand.student or cand.row_id, digest.hexdigest(), error, tuple(parts), entry=cand.entry)


def _unique(found: list[Submission]) -> list[Submission]:
    """Row ids are keys (CSV, ledger, feedback folders): gradable ids are unique by construction (collisions
    are refused), so only a refused row is ever renamed, with a counter."""
    taken = {s.student_id for s in found if s.error is None}
    out = []
    for sub in found:
        if sub.error is not None:
            base, n = sub.student_id, 1
            while sub.student_id in taken:
                n += 1
                sub = replace(sub, student_id=cap(f"{base} [{n}]"))
        taken.add(sub.student_id)
        out.append(sub)
    return out
