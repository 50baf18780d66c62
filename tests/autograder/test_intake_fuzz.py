"""Random batches fed to the intake, as a folder and as a .zip: odd names (bytes that are not UTF-8,
reserved words, case variants, collisions, long and non-ASCII ids), links (dangling, outside, loops, to a
sibling), FIFOs, folders named like notebooks, unsafe zip paths. Whatever the batch, no exception escapes,
every student entry gets exactly one row, and a row is either a gradable private copy or a reason."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.intake import Submission, collect, shown, validate

A = "99-fixture"
NB = nbformat.writes(nbformat.v4.new_notebook()).encode()

BASE_NAMES = [b"ann", b"Ann", b"ANN", b"submitted", b"Submitted", b"source", b"feedback", b"release", b"a b",
              b"x+y", b"jos\xc3\xa9", b"bad\xff", b"\xfe\xff", b"n" * 142, b"n" * 128, b"-", b"@", b"a.b",
              b"__MACOSX", b".hidden", b"x" * 240, b"99-fixture", b"\x1b[31mred", b"tab\tname", b"\\"]
KINDS = ["nb", "garbage", "student_dir", "flat_dir", "empty_dir", "dangling", "outside", "loop", "sibling",
         "fifo", "text"]
INNER = ["nb", "garbage", "link", "fifo", "dir", "assignment_link", "case", "two", "empty", "loose"]



def notebook_path(sub: Submission) -> Path | None:
    """The private copy of a one-notebook assignment's submission (None when it is not gradable)."""
    assert len(sub.parts) <= 1, sub.parts
    return sub.parts[0].path if sub.parts else None

def _ok(name: bytes) -> bool:
    return (0 < len(name) <= 255 and b"/" not in name and b"\0" not in name and name not in (b".", b"..")
            and not re.fullmatch(rb"[A-Za-z]:", name))  # a drive letter: an unsafe (absolute) zip path


names = st.builds(lambda stem, suffix: stem + suffix,
                  st.one_of(st.sampled_from(BASE_NAMES), st.binary(min_size=1, max_size=12)),
                  st.sampled_from([b"", b".ipynb", b".IPYNB", b".Ipynb", b".txt"])).filter(_ok)


@dataclass(frozen=True)
class Entry:
    name: bytes
    kind: str
    inner: str


entries = st.lists(st.builds(Entry, names, st.sampled_from(KINDS), st.sampled_from(INNER)), max_size=10,
                   unique_by=lambda e: e.name)
unsafe = st.lists(st.sampled_from([b"../up.ipynb", b"/abs/x.ipynb", b"C:/win.ipynb", b"a/../../b.ipynb"]),
                  max_size=2, unique=True)


def _with_guards(batch: list[Entry]) -> list[Entry]:
    """Two plain students, so the batch never looks like one wrapper folder (the intake would step in)."""
    taken = {e.name for e in batch}
    return batch + [Entry(n, "nb", "nb") for n in (b"zz1.ipynb", b"zz2.ipynb") if n not in taken]


def _is_student(entry: Entry) -> bool:
    if entry.name.startswith(b".") or entry.name == b"__MACOSX":
        return False
    regular = entry.kind in ("nb", "garbage", "text")
    return not regular or (entry.name.lower().endswith(b".ipynb") and len(entry.name) > 6)


def _build_folder(root: Path, batch: list[Entry], outside: Path) -> None:
    base = os.fsencode(root)
    for entry in batch:
        path = base + b"/" + entry.name
        if entry.kind == "nb":
            Path(os.fsdecode(path)).write_bytes(NB)
        elif entry.kind in ("garbage", "text"):
            Path(os.fsdecode(path)).write_bytes(b"\x00\xff not json")
        elif entry.kind == "empty_dir":
            os.mkdir(path)
        elif entry.kind == "flat_dir":
            os.mkdir(path)
            Path(os.fsdecode(path + b"/" + A.encode() + b".ipynb")).write_bytes(NB)
        elif entry.kind == "student_dir":
            _build_student(path, entry.inner, outside)
        elif entry.kind == "dangling":
            os.symlink(b"/nonexistent/x.ipynb", path)
        elif entry.kind == "outside":
            os.symlink(os.fsencode(outside), path)
        elif entry.kind == "loop":
            os.symlink(entry.name, path)
        elif entry.kind == "sibling":
            os.symlink(b"zz1.ipynb", path)
        elif entry.kind == "fifo":
            os.mkfifo(path)


def _build_student(path: bytes, inner: str, outside: Path) -> None:
    os.mkdir(path)
    folder = path + b"/" + A.encode()
    target = folder + b"/" + A.encode() + b".ipynb"
    if inner == "assignment_link":
        os.symlink(os.fsencode(outside.parent), folder)
        return
    os.mkdir(folder)
    if inner == "nb":
        Path(os.fsdecode(target)).write_bytes(NB)
    elif inner == "garbage":
        Path(os.fsdecode(target)).write_bytes(b"{")
    elif inner == "link":
        os.symlink(os.fsencode(outside), target)
    elif inner == "fifo":
        os.mkfifo(target)
    elif inner == "dir":
        os.mkdir(target)
    elif inner == "case":
        Path(os.fsdecode(folder + b"/" + A.upper().encode() + b".IPYNB")).write_bytes(NB)
    elif inner == "two":
        for stem in (b"one", b"two"):
            Path(os.fsdecode(folder + b"/" + stem + b".ipynb")).write_bytes(NB)
    elif inner == "loose":
        Path(os.fsdecode(path + b"/anything.ipynb")).write_bytes(NB)


class _RawName(zipfile.ZipInfo):
    """A member whose name bytes are stored as given (no UTF-8 flag), as old or hostile tools write them."""

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.filename.encode("cp437"), self.flag_bits & ~0x800


def _member(name: bytes, mode: int = 0) -> zipfile.ZipInfo:
    info = _RawName(name.decode("cp437"))
    if mode:
        info.create_system, info.external_attr = 3, mode << 16
    return info


def _build_zip(archive: Path, batch: list[Entry], bad: list[bytes]) -> None:
    link = stat.S_IFLNK | 0o777
    with zipfile.ZipFile(archive, "w") as zf:
        for entry in batch:
            name, kind = entry.name, entry.kind
            if kind == "nb":
                zf.writestr(_member(name), NB)
            elif kind in ("garbage", "text"):
                zf.writestr(_member(name), b"\x00\xff not json")
            elif kind == "empty_dir":
                zf.writestr(_member(name + b"/", stat.S_IFDIR | 0o755), b"")
            elif kind == "flat_dir":
                zf.writestr(_member(name + b"/" + A.encode() + b".ipynb"), NB)
            elif kind == "student_dir":
                inner = name + b"/" + A.encode() + b"/" + A.encode() + b".ipynb"
                if entry.inner == "link":
                    zf.writestr(_member(inner, link), b"/etc/passwd")
                elif entry.inner == "fifo":
                    zf.writestr(_member(inner, stat.S_IFIFO | 0o644), b"")
                elif entry.inner == "garbage":
                    zf.writestr(_member(inner), b"{")
                else:
                    zf.writestr(_member(inner), NB)
            elif kind in ("dangling", "outside", "loop", "sibling"):
                zf.writestr(_member(name, link), b"/etc/passwd")
            elif kind == "fifo":
                zf.writestr(_member(name, stat.S_IFIFO | 0o644), b"")
        for name in bad:
            zf.writestr(_member(name), NB)


def _check(found: list[Submission], batch: list[Entry], unpack: Path, extra_rows: int) -> None:
    ids = [s.student_id for s in found]
    assert len(ids) == len(set(ids)), f"row ids are keys: {ids}"
    expected = Counter(shown(e.name) for e in batch if _is_student(e))
    rows = Counter(s.entry for s in found)
    assert all(rows[name] == 1 for name in expected), (expected, rows)
    assert len(found) == sum(expected.values()) + extra_rows, (expected, [(s.entry, s.error) for s in found])
    for sub in found:
        assert "/" not in sub.student_id and sub.student_id.isprintable() and sub.entry.isprintable()
        assert sub.student_id not in ("", ".", "..") and len(sub.student_id.encode()) <= 200
        if sub.error is None:
            path = notebook_path(sub)
            assert path is not None and path.is_relative_to(unpack)
            assert stat.S_ISREG(os.lstat(path).st_mode) and validate(path.read_bytes()) is None
        else:
            assert isinstance(sub.error, str) and sub.error and notebook_path(sub) is None
            assert sub.error.isprintable(), f"no control characters reach a report: {sub.error!r}"
    graded = {s.entry for s in found if s.error is None}
    stems = Counter(e.name.lower().removesuffix(b".ipynb") for e in batch if _is_student(e))
    for guard in ("zz1", "zz2"):
        if f"{guard}.ipynb" in expected and stems[guard.encode()] == 1:
            assert f"{guard}.ipynb" in graded, "a plain notebook with a plain id is graded"


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(entries)
def test_any_folder_gives_one_row_per_student(batch):
    batch = _with_guards(batch)
    with tempfile.TemporaryDirectory(prefix="ag-fuzz-") as tmp:
        root, outside = Path(tmp) / "subs", Path(tmp) / "host-secret.ipynb"
        root.mkdir()
        outside.write_bytes(NB)
        _build_folder(root, batch, outside)
        unpack = Path(tmp) / "unpack"
        found = collect(root, A, [A], unpack)
        _check(found, batch, unpack, 0)
        multi = collect(root, A, [A, "second"], Path(tmp) / "unpack2")
        _check_multi(multi, batch)


def _check_multi(found: list[Submission], batch: list[Entry]) -> None:
    expected = Counter(shown(e.name) for e in batch if _is_student(e))
    assert Counter(s.entry for s in found) == expected
    for sub in found:
        assert sub.error is not None or sub.parts
        for part in sub.parts:
            path, error = part.path, part.error
            assert (path is None) != (error is None)


@FUZZ
@given(entries, unsafe)
def test_any_zip_gives_one_row_per_student(batch, bad):
    batch = _with_guards(batch)
    with tempfile.TemporaryDirectory(prefix="ag-fuzz-") as tmp:
        archive = Path(tmp) / "batch.zip"
        _build_zip(archive, batch, bad)
        unpack = Path(tmp) / "unpack"
        found = collect(archive, A, [A], unpack)
        # unsafe entries outside every student folder are rows of their own; a/../../b.ipynb belongs to
        # student a when there is one
        owned = any(e.name == b"a" and e.kind in ("student_dir", "flat_dir", "empty_dir") for e in batch)
        extra = len([b for b in bad if not (b.startswith(b"a/") and owned)])
        _check(found, batch, unpack, extra)
        assert not any(Path(tmp).rglob("up.ipynb")), "nothing unpacked"
