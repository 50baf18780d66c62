"""The red team's intake attacks (issue #23), each one fed to the intake: every one ends as one clear
``failed`` row, nothing outside the submission is read, and the batch goes on."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from autograder.intake import IntakeLimits, Submission, collect, collect_tree, id_problem, open_tree, storable
from autograder.intake.tree import MB, FolderTree, Refused, ZipTree

A = "99-fixture"



def notebook_path(sub: Submission) -> Path | None:
    """The private copy of a one-notebook assignment's submission (None when it is not gradable)."""
    assert len(sub.parts) <= 1, sub.parts
    return sub.parts[0].path if sub.parts else None

def nb_bytes(marker: str = "") -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(f"x = {marker!r}"))
    return nbformat.writes(nb).encode()


@pytest.fixture(autouse=True)
def no_hang(request) -> Iterator[None]:
    """A FIFO opened for reading blocks forever: fail the test instead of hanging the run (the slow test
    runs the CLI under its own timeout)."""
    if request.node.get_closest_marker("slow"):
        yield
        return
    old = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the intake blocked (opened a FIFO?)"))
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def by_id(found: list[Submission]) -> dict[str, Submission]:
    ids = [s.student_id for s in found]
    assert len(ids) == len(set(ids)), f"row ids must be unique: {ids}"
    return {s.student_id: s for s in found}


def nbgrader_layout(root: Path, student: str, data: bytes | None = None) -> Path:
    path = root / "submitted" / student / A / f"{A}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_bytes(data if data is not None else nb_bytes(student))
    return path


def test_a_linked_notebook_is_refused_not_read(tmp_path):
    course_source = tmp_path / "course" / "source" / A / f"{A}.ipynb"
    course_source.parent.mkdir(parents=True)
    course_source.write_bytes(nb_bytes("SOLUTION-FROM-SOURCE"))
    subs = tmp_path / "subs"
    ann = nbgrader_layout(subs, "ann")
    (subs / "submitted" / "ben" / A).mkdir(parents=True)
    (subs / "submitted" / "ben" / A / f"{A}.ipynb").symlink_to(course_source)
    (subs / "submitted" / "cy" / A).mkdir(parents=True)
    (subs / "submitted" / "cy" / A / f"{A}.ipynb").symlink_to(ann)  # another student's notebook
    (subs / "submitted" / "dee").symlink_to(subs / "submitted" / "ann")  # a whole folder linked
    (subs / "submitted" / "eve").mkdir()
    (subs / "submitted" / "eve" / A).symlink_to(course_source.parent)  # the assignment folder linked
    rows = by_id(collect(subs, A, [A], tmp_path / "u"))
    assert rows["ann"].error is None
    for student in ("ben", "cy", "dee", "eve"):
        assert rows[student].error and "a link" in rows[student].error, rows[student]
        assert notebook_path(rows[student]) is None
    assert "SOLUTION-FROM-SOURCE" not in str(list(rows.values()))


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero", "/proc/kmsg", "/proc/self/mem", "fifo"])
def test_links_to_host_files_devices_and_fifos_are_never_opened(tmp_path, target):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ann.ipynb").write_bytes(nb_bytes())
    if target == "fifo":
        os.mkfifo(tmp_path / "fifo")
        target = str(tmp_path / "fifo")
    (subs / "mal.ipynb").symlink_to(target)
    rows = by_id(collect(subs, A, [A], tmp_path / "u"))
    assert rows["ann"].error is None
    assert rows["mal"].error == "mal.ipynb: a link, not a file or folder (links are never followed)"


def test_special_files_are_refused_without_being_opened(tmp_path):
    subs = tmp_path / "subs"
    nbgrader_layout(subs, "ann")
    (subs / "submitted" / "fifo" / A).mkdir(parents=True)
    os.mkfifo(subs / "submitted" / "fifo" / A / f"{A}.ipynb")  # opening it would block forever
    os.mkfifo(subs / "submitted" / "flat.ipynb")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(subs / "submitted" / "sock.ipynb"))
        rows = by_id(collect(subs, A, [A], tmp_path / "u"))
    finally:
        sock.close()
    assert rows["ann"].error is None
    assert rows["fifo"].error == f"submitted/fifo/{A}/{A}.ipynb: a special file (FIFO), not a file"
    assert rows["flat"].error == "flat.ipynb: a special file (FIFO), not a notebook"
    assert rows["sock"].error == "sock.ipynb: a special file (socket), not a notebook"


def test_a_file_swapped_for_a_link_after_listing_is_not_followed(tmp_path):
    (tmp_path / "subs").mkdir()
    victim = tmp_path / "subs" / "ann.ipynb"
    victim.write_bytes(nb_bytes())
    (tmp_path / "secret").write_text("TOP SECRET")
    tree = FolderTree(tmp_path / "subs", IntakeLimits())
    try:
        [node] = tree.children(tree.root)
        victim.unlink()
        victim.symlink_to(tmp_path / "secret")
        with pytest.raises(Refused, match="a link, not a file"):
            tree.read(node)
        victim.unlink()
        os.mkfifo(victim)
        with pytest.raises(Refused, match="FIFO"):
            tree.read(node)  # opened O_NONBLOCK: refused, not blocked
    finally:
        tree.close()


def test_sizes_are_checked_before_reading(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    with open(subs / "big.ipynb", "wb") as handle:
        handle.truncate(30 * MB)  # sparse: costs no disk
    (subs / "ann.ipynb").write_bytes(nb_bytes())
    rows = by_id(collect(subs, A, [A], tmp_path / "u"))
    assert rows["big"].error == "big.ipynb: 30 MB, over the 20 MB limit for a notebook"
    small = by_id(collect(subs, A, [A], tmp_path / "u2", IntakeLimits(notebook_bytes=100)))
    assert "over the 100 bytes limit" in small["ann"].error


def test_the_grader_reads_its_own_copy(tmp_path):
    subs = tmp_path / "subs"
    original = nbgrader_layout(subs, "ann")
    submitted = original.read_bytes()
    [sub] = collect(subs, A, [A], tmp_path / "u")
    assert notebook_path(sub) is not None and notebook_path(sub).is_relative_to(tmp_path / "u")
    assert notebook_path(sub).read_bytes() == submitted
    assert stat.S_IMODE(notebook_path(sub).stat().st_mode) == 0o600
    original.write_bytes(b"changed after intake")
    assert notebook_path(sub).read_bytes() == submitted


def test_odd_names_each_get_their_own_failed_row(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("ann", "Bob", "bob", "cy", "josé", "a b", "a_b", "x+y", "submitted", "Source", "n" * 142):
        (subs / f"{name}.ipynb").write_bytes(nb_bytes(name))
    (subs / "cy").mkdir()  # collides with cy.ipynb
    (subs / "dee.IPYNB").write_bytes(nb_bytes("dee"))  # read, not skipped
    (subs / "folder.ipynb").mkdir()  # a folder named like a notebook
    os.mkdir(os.fsencode(subs) + b"/bad\xffname")  # not UTF-8
    (subs / "dangling.ipynb").symlink_to(tmp_path / "nowhere")
    (subs / "notes.txt").write_text("not a student")
    (subs / ".hidden.ipynb").write_bytes(b"skipped: hidden")
    found = collect(subs, A, [A], tmp_path / "u")
    rows = by_id(found)
    assert rows["ann"].error is None and rows["dee"].error is None
    assert rows["a_b"].error is None, "no renaming: 'a b' is refused, it never becomes (or collides with) a_b"
    assert {s.entry for s in found} == {
        "ann.ipynb", "Bob.ipynb", "bob.ipynb", "cy.ipynb", "cy", "josé.ipynb", "a b.ipynb", "a_b.ipynb", "x+y.ipynb",
        "submitted.ipynb", "Source.ipynb", "n" * 142 + ".ipynb", "dee.IPYNB", "folder.ipynb", "bad\\xffname",
        "dangling.ipynb"}, "every student entry has exactly one row"
    for pair in (("Bob", "bob"), ("cy", "cy")):
        refused = [s for s in found if s.student_id.lower().startswith(pair[0].lower() + " [")]
        assert len(refused) == 2, found
        for sub in refused:
            assert "several submissions for the same student id" in sub.error
            assert all(repr(e) in sub.error for e in {r.entry for r in refused}), sub.error
    assert "not ASCII" in rows["josé"].error
    assert "'+'" in rows["x+y"].error and "' '" in rows["a b"].error
    assert "reserved" in rows["submitted"].error and "reserved" in rows["Source"].error
    assert "142 characters" in rows["n" * 142].error and "varchar(128)" in rows["n" * 142].error
    assert rows["folder"].error == "folder.ipynb: a folder, not a notebook file"
    assert rows["bad\\xffname"].error == "bad\\xffname: the name is not valid UTF-8"
    assert "a link" in rows["dangling"].error
    for sub in found:
        assert (sub.error is None) == (notebook_path(sub) is not None)
        assert "/" not in sub.student_id and len(sub.student_id.encode()) <= 200
    for refused in ("josé", "a b", "x+y", "submitted", "Source", "n" * 142, "bad\\xffname", "Bob [Bob.ipynb]",
                    "cy [cy]"):
        assert not storable(rows[refused].student_id), "never written to the gradebook"


def test_submitted_is_only_a_layout_word_when_nothing_beside_it_is_a_student(tmp_path):
    course = tmp_path / "course"
    nbgrader_layout(course, "ann")
    for folder in ("source", "release", "autograded"):
        (course / folder).mkdir()
    shutil.copy2(Path(__file__).resolve().parents[2] / "nbgrader_config.py", course / "nbgrader_config.py")
    assert [s.student_id for s in collect(course, A, [A], tmp_path / "u")] == ["ann"]
    flat = tmp_path / "flat"
    (flat / "submitted" / A).mkdir(parents=True)
    (flat / "submitted" / A / f"{A}.ipynb").write_bytes(nb_bytes())
    (flat / "ben.ipynb").write_bytes(nb_bytes())
    rows = by_id(collect(flat, A, [A], tmp_path / "u2"))
    assert rows["ben"].error is None and "reserved" in rows["submitted"].error


def test_student_id_rules_follow_nbgrader_and_its_gradebook():
    assert id_problem("ann.lee@uni-x.edu") is None and id_problem("s_1234") is None
    assert id_problem("a" * 128) is None and "128" in id_problem("a" * 129)
    for bad in ("a+b", "a*b", "a/b", " ann", "ann ", ".ann", "", "josé", "ann\n"):
        assert id_problem(bad), bad


# ----------------------------------------------------------------------------------------------- zips


def write_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def padded_notebook(size: int) -> bytes:
    """A valid notebook of ``size`` bytes that deflates to almost nothing."""
    data = nb_bytes()
    return data[:-2] + b" " * (size - len(data)) + data[-2:]


def test_a_zip_member_over_the_budget_is_refused_while_streaming(tmp_path):
    archive = write_zip(tmp_path / "b.zip", [("ann.ipynb", nb_bytes()), ("bomb.ipynb", padded_notebook(20 * MB))])
    assert archive.stat().st_size < 100_000
    limits = IntakeLimits(notebook_bytes=2 * MB)
    tree = open_tree(archive, limits)
    try:
        rows = by_id(collect_tree(tree, A, [A], tmp_path / "u"))
        assert rows["ann"].error is None
        assert rows["bomb"].error == ("bomb.ipynb: inflates to 20 MB, beyond the 2 MB limit for a notebook "
                                      "(not inflated)")
        assert tree.inflated == len(nb_bytes())
    finally:
        tree.close()


def test_a_zip_that_lies_about_its_size_is_stopped_by_the_running_count(tmp_path):
    archive = write_zip(tmp_path / "b.zip", [("bomb.ipynb", padded_notebook(8 * MB))])
    data = bytearray(archive.read_bytes())
    claimed = struct.pack("<I", 8 * MB)
    for at in (i for i in range(len(data)) if data[i:i + 4] == claimed):  # both headers: claim 1 MB
        data[at:at + 4] = struct.pack("<I", 1 * MB)
    archive.write_bytes(bytes(data))
    tree = ZipTree(archive, IntakeLimits(notebook_bytes=2 * MB))
    try:
        [sub] = collect_tree(tree, A, [A], tmp_path / "u")
        assert sub.error is not None and notebook_path(sub) is None
        assert tree.inflated <= 2 * MB + 1024 * 1024, "never more than the budget and one chunk"
    finally:
        tree.close()


def test_the_whole_zip_has_a_budget_too(tmp_path):
    entries = [(f"s{i}.ipynb", padded_notebook(MB)) for i in range(5)]
    archive = write_zip(tmp_path / "b.zip", entries)
    tree = ZipTree(archive, IntakeLimits(notebook_bytes=2 * MB, zip_bytes=3 * MB))
    try:
        found = collect_tree(tree, A, [A], tmp_path / "u")
        assert [s.error is None for s in found] == [True, True, True, False, False]
        assert "the zip inflates beyond 3 MB in all" in found[3].error
        assert tree.inflated <= 3 * MB
    finally:
        tree.close()


def deflate_bomb(path: Path, name: str, gigabytes: float) -> int:
    """A zip whose one member inflates to ``gigabytes`` of zeros, in about a thousandth of that on disk
    (one deflated 16 MB block repeated: full flushes make each block independent)."""
    block = bytes(16 * MB)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    count = int(gigabytes * 1024 / 16)
    body = unit * count + comp.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    size, raw = count * len(block), name.encode()
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(body), size, len(raw), 0) + raw
    central = struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(body), size, len(raw),
                          0, 0, 0, 0, 0, 0) + raw
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(body), 0)
    path.write_bytes(local + body + central + end)
    return size


def test_a_one_and_a_half_gigabyte_member_is_refused_with_the_default_budget_without_inflating(tmp_path):
    size = deflate_bomb(tmp_path / "bomb.zip", "bomb.ipynb", 1.5)
    assert size == 1536 * MB and (tmp_path / "bomb.zip").stat().st_size < 3 * MB
    with zipfile.ZipFile(tmp_path / "bomb.zip") as zf:  # a genuine archive: the first bytes inflate
        assert zf.open("bomb.ipynb").read(10) == bytes(10)
    tree = open_tree(tmp_path / "bomb.zip", IntakeLimits())
    try:
        [sub] = collect_tree(tree, A, [A], tmp_path / "u")
        assert tree.inflated == 0, "refused from the header, nothing inflated"
    finally:
        tree.close()
    assert sub.error == "bomb.ipynb: inflates to 1536 MB, beyond the 20 MB limit for a notebook (not inflated)"
    assert not any((tmp_path / "u").rglob("*.ipynb"))


def zip_link(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def test_zip_links_duplicates_and_unsafe_paths(tmp_path):
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] = [
        ("batch/ann/99-fixture/99-fixture.ipynb", nb_bytes()),
        (zip_link(f"batch/ben/{A}/{A}.ipynb", "/etc/passwd"), b"/etc/passwd"),
        (zip_link("batch/link.ipynb", "../source"), b"../source"),
        (f"batch/cy/{A}/{A}.ipynb", nb_bytes("first")),
        (f"batch/cy/{A}/{A}.ipynb", nb_bytes("second")),  # which one wins depends on the tool
        ("batch/dee/../../etc/cron.d/x", b"* * * * * root sh"),
        ("/abs/evil.ipynb", nb_bytes()),
        ("batch/" + "é" * 150 + ".ipynb", nb_bytes()),
    ]
    archive = tmp_path / "z.zip"
    with pytest.warns(UserWarning, match="Duplicate name"):
        write_zip(archive, entries)
    found = collect(archive, A, [A], tmp_path / "u")
    rows = by_id(found)
    assert rows["ann"].error is None
    assert rows["ben"].error == f"batch/ben/{A}/{A}.ipynb: a link in the zip, not a file"
    assert rows["link"].error.startswith("link.ipynb: a link")
    assert "more than once" in rows["cy"].error
    assert "unsafe zip entry" in rows["dee"].error and "'..'" in rows["dee"].error
    orphan = [s for s in found if "absolute" in (s.error or "")]
    assert len(orphan) == 1 and "/" not in orphan[0].student_id
    long = [s for s in found if "150 characters" in (s.error or "")]
    assert len(long) == 1 and len(long[0].student_id.encode()) <= 200
    assert not list(tmp_path.rglob("cron.d")) and not list((tmp_path / "u").rglob("*passwd*"))


def test_fifo_mode_in_a_zip_is_refused(tmp_path):
    fifo = zipfile.ZipInfo("fifo.ipynb")
    fifo.create_system, fifo.external_attr = 3, (stat.S_IFIFO | 0o644) << 16
    archive = write_zip(tmp_path / "z.zip", [(fifo, nb_bytes()), ("ann.ipynb", nb_bytes())])
    rows = by_id(collect(archive, A, [A], tmp_path / "u"))
    assert rows["ann"].error is None
    assert rows["fifo"].error == "fifo.ipynb: a special file (FIFO), not a notebook"


def test_a_damaged_or_missing_argument_is_the_only_batch_error(tmp_path):
    from autograder.intake import IntakeError

    (tmp_path / "not.zip").write_bytes(b"PK\x03\x04 not really")
    os.mkfifo(tmp_path / "fifo")
    for argument in ("not.zip", "fifo", "missing"):
        with pytest.raises(IntakeError):
            collect(tmp_path / argument, A, [A], tmp_path / "u")


# ------------------------------------------------------------------------------------ a whole batch

ROOT = Path(__file__).resolve().parents[2]
SECRET = "HOST-SECRET-7f3a"


def run_grade(course: Path, pylib: Path, subs: Path, ws: Path, *extra: str) -> subprocess.CompletedProcess:
    import nbfactory as f

    env = dict(os.environ)
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", AWS_COURSE_ROOT=str(course),
               PYTHONPATH=str(pylib))
    return subprocess.run([sys.executable, "-m", "course.cli", "grade", f.ASSIGNMENT, str(subs), "--workspace",
                           str(ws), "--jobs", "2", *extra], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def hostile_batch(tmp_path: Path, course: Path) -> Path:
    """Every intake attack of the red team in one folder of <student>.ipynb, beside honest students."""
    import nbfactory as f

    release = f.release_version(course / "source" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.ipynb")
    subs = tmp_path / "subs"
    subs.mkdir()
    f.write_nb(f.correct(release), subs / "ann.ipynb")
    f.write_nb(f.correct(release), subs / "dee.IPYNB")
    (subs / "src.ipynb").symlink_to(course / "source" / f.ASSIGNMENT / f"{f.ASSIGNMENT}.ipynb")
    (subs / "copycat.ipynb").symlink_to(subs / "ann.ipynb")
    (tmp_path / "host.txt").write_text(SECRET)
    (subs / "host.ipynb").symlink_to(tmp_path / "host.txt")
    (subs / "zero.ipynb").symlink_to("/dev/zero")
    (subs / "kmsg.ipynb").symlink_to("/proc/kmsg")
    os.mkfifo(subs / "fifo.ipynb")
    (subs / "dangling.ipynb").symlink_to(tmp_path / "nowhere")
    (subs / "folder.ipynb").mkdir()
    os.mkdir(os.fsencode(subs) + b"/bad\xffname")
    f.write_nb(f.correct(release), subs / "submitted.ipynb")
    f.write_nb(f.correct(release), subs / "Eve.ipynb")
    f.write_nb(f.correct(release), subs / "eve.ipynb")
    f.write_nb(f.correct(release), subs / "josé.ipynb")
    with open(subs / "huge.ipynb", "wb") as handle:
        handle.truncate(1536 * MB)  # sparse
    return subs


@pytest.mark.slow
def test_a_hostile_batch_grades_everyone_else_and_reads_nothing_outside(tmp_path):
    import nbfactory as f

    course = tmp_path / "course"
    pylib = f.write_course(course)
    subs = hostile_batch(tmp_path, course)
    ws = tmp_path / "ws"
    runs = []
    for _ in range(2):  # the re-run reports the same
        proc = run_grade(course, pylib, subs, ws)
        assert proc.returncode == 0, proc.stderr[-3000:]
        with open(ws / "grades.csv", newline="", encoding="utf-8") as handle:
            runs.append({r["student_id"]: (r["status"], float(r["score"]), r["detail"])
                         for r in csv.DictReader(handle)})
    first, second = runs
    assert first == second
    assert first["ann"][:2] == ("graded", 8) and first["dee"][:2] == ("graded", 8)
    expected_failed = {"src", "copycat", "host", "zero", "kmsg", "fifo", "dangling", "folder", "bad\\xffname",
                       "submitted", "Eve [Eve.ipynb]", "eve [eve.ipynb]", "josé", "huge"}
    assert set(first) == expected_failed | {"ann", "dee"}
    for student in expected_failed:
        assert first[student][:2] == ("failed", 0), (student, first[student])
    assert "a link" in first["src"][2] and "FIFO" in first["fifo"][2] and "1536 MB" in first["huge"][2]
    everything = "".join(p.read_text(encoding="utf-8", errors="replace") for p in ws.rglob("*")
                         if p.is_file() and p.suffix in (".csv", ".jsonl", ".html", ".md"))
    assert SECRET not in everything and "BEGIN SOLUTION" not in everything
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{ws / 'gradebook.db'}") as gb:
        stored = {s.id for s in gb.students}
    assert {"ann", "dee"} <= stored and not stored & {"submitted", "josé", "Eve [Eve.ipynb]", "bad\\xffname"}


@pytest.mark.parametrize("layout", ["late/alice/{A}.ipynb", "submitted/alice/{A}.ipynb", "alice/{A}.ipynb",
                                    "late/alice/{A}/{A}.ipynb", "late/alice/{upper}.IPYNB"])
def test_a_lone_late_student_keeps_their_id(tmp_path, layout):
    """One student graded on their own, as ``<student>/<notebook>.ipynb``, is filed under the student's id,
    never under the notebook's name (the red team's late submission)."""
    path = tmp_path / "subs" / layout.format(A=A, upper=A.upper())
    path.parent.mkdir(parents=True)
    path.write_bytes(nb_bytes("alice"))
    rows = by_id(collect(tmp_path / "subs", A, [A], tmp_path / "u"))
    assert list(rows) == ["alice"], rows
    assert rows["alice"].error is None


def test_a_wrapper_folder_of_student_notebooks_is_still_stepped_into(tmp_path):
    for student in ("alice", "bob"):
        path = tmp_path / "subs" / "batch-3" / f"{student}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(nb_bytes(student))
    rows = by_id(collect(tmp_path / "subs", A, [A], tmp_path / "u"))
    assert sorted(rows) == ["alice", "bob"]
