"""The exchange of docs/instructor-guide.md, measured with real Unix users (#17 item 5).

An instructor and two students, each a real account, share one exchange folder as on a one-machine hub.
What the guide's setup must stop, and what plain nbgrader 0.9 with a ``chmod 777`` exchange lets through:

- bob submits in alice's name (``nbgrader submit --student alice``): nbgrader's collect takes the newest
  folder named for alice, bob's; the course's collector (``course.exchange``) leaves it out;
- bob renames the instructor's course folder in the exchange (to put his own in its place): possible in a
  ``777`` exchange, refused in the guide's ``1777`` (sticky) one;
- bob renames or deletes alice's submission folder once he learns its name: possible in nbgrader's
  ``2733`` inbound, refused once the guide's ``chmod +t`` made it sticky. nbgrader leaves the folder itself
  ``0777``, so he can still swap the files inside: the collector then leaves that folder out, and alice's
  previous submission is collected.

It needs root (to make the accounts and switch to them with runuser); elsewhere it is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from unix_users import accounts, run_as, shared_bindir, uid

from course.demo import create, filled

COURSE_ID = "aws-security-notebooks"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bindir() -> Iterator[Path]:
    with shared_bindir() as found:
        yield found


@pytest.fixture(scope="module")
def people() -> Iterator[dict[str, str]]:
    with accounts("instructor", "alice", "bob") as names:
        yield names


BIN: list[Path] = []  # set by the fixtures: the bin/ the users run


def as_user(user: str, *command: str, cwd: Path, check: bool = True, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess:
    return run_as(user, BIN[0], *command, cwd=cwd, check=check, env=env)


@pytest.fixture(scope="module")
def loop(people, bindir) -> Iterator[dict]:
    """The guide's setup: a 1777 exchange, the instructor releases, alice submits her answers, bob
    submits a blank notebook in alice's name afterwards."""
    BIN[:] = [bindir]
    base = Path(tempfile.mkdtemp(prefix="ag-exchange-"))
    os.chmod(base, 0o755)
    try:
        exchange = base / "exchange"
        exchange.mkdir()
        os.chmod(exchange, 0o1777)  # the guide: sticky, like /tmp
        inst, alice, bob = people["instructor"], people["alice"], people["bob"]
        course = Path(f"/home/{inst}/course")
        create(course, ROOT)
        shutil.rmtree(course / "grading" / "submitted")  # the demo's fake students are not part of this
        subprocess.run(["chown", "-R", f"{inst}:{inst}", str(course)], check=True)
        name = sorted(p.name for p in (course / "release").iterdir() if p.is_dir())[0]
        env = {"AWS_COURSE_EXCHANGE": str(exchange)}
        nbgrader = [str(bindir / "python"), "-m", "nbgrader"]
        as_user(inst, *nbgrader, "generate_assignment", name, "--force", cwd=course, env=env)
        as_user(inst, *nbgrader, "release_assignment", name, cwd=course, env=env)
        inbound = exchange / COURSE_ID / "inbound"
        os.chmod(inbound, 0o3733)  # stands for the instructor's `chmod +t` of the guide (same mode bits)
        student_config = (f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
                          f"c.Exchange.root = {str(exchange)!r}\n")
        for student in (alice, bob):
            home = Path(f"/home/{student}")
            (home / "nbgrader_config.py").write_text(student_config)
            os.chmod(home / "nbgrader_config.py", 0o644)
            as_user(student, *nbgrader, "fetch_assignment", name, cwd=home)
        notebook = sorted((course / "release" / name).glob("*.ipynb"))[0].name
        work = Path(f"/home/{alice}") / name / notebook
        source = nbformat.read(course / "source" / name / notebook, as_version=4)
        nbformat.write(filled(nbformat.read(work, as_version=4), source, "full"), work)
        as_user(alice, *nbgrader, "submit", name, cwd=Path(f"/home/{alice}"))  # her answers
        as_user(alice, *nbgrader, "submit", name, cwd=Path(f"/home/{alice}"))  # again, newer
        forged = as_user(bob, *nbgrader, "submit", name, "--student", alice, cwd=Path(f"/home/{bob}"), check=False)
        # bob learns the name of alice's newest folder and swaps her notebook for his blank one
        newest = sorted(p for p in inbound.glob(f"{alice}+*") if p.stat().st_uid == uid(alice))[-1]
        swap = as_user(bob, "sh", "-c", f'rm -f "{newest}/{notebook}" && cp "/home/{bob}/{name}/{notebook}" '
                       f'"{newest}/{notebook}"', cwd=Path("/"), check=False)
        yield {"people": people, "course": course, "exchange": exchange, "inbound": inbound, "name": name,
               "notebook": notebook, "env": env, "nbgrader": nbgrader, "forged": forged, "swap": swap}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def folders_of(inbound: Path, student: str) -> list[Path]:
    return sorted(inbound.glob(f"{student}+*"))


def test_a_submission_in_another_students_name_is_not_collected(loop):
    alice, bob = loop["people"]["alice"], loop["people"]["bob"]
    assert loop["forged"].returncode == 0, "nbgrader lets bob submit in alice's name (what the collector stops)"
    assert loop["swap"].returncode == 0, "nbgrader's 0777 submission folder lets bob swap the files in it"
    owners = {Path(p).stat().st_uid for p in folders_of(loop["inbound"], alice)}
    assert owners == {uid(alice), uid(bob)}, "three folders named for alice: two of hers and bob's"
    inst = loop["people"]["instructor"]
    proc = as_user(inst, *loop["nbgrader"], "collect", loop["name"], cwd=loop["course"], env=loop["env"])
    log = proc.stdout + proc.stderr
    assert f"claims to be {alice}'s submission but {bob} made it" in log
    assert f"made by {bob}, not by {alice}" in log
    collected = loop["course"] / "grading" / "submitted" / alice / loop["name"] / loop["notebook"]
    nb = nbformat.read(collected, as_version=4)
    assert not any("NotImplementedError" in c.source for c in nb.cells
                   if c.get("metadata", {}).get("nbgrader", {}).get("solution")), "alice's answers, not bob's blank"


def test_a_student_cannot_move_the_course_folder_or_anothers_submission(loop):
    bob, alice = loop["people"]["bob"], loop["people"]["alice"]
    course_folder = loop["exchange"] / COURSE_ID
    moved = as_user(bob, "mv", str(course_folder), str(loop["exchange"] / "taken"), cwd=Path("/"), check=False)
    assert moved.returncode != 0 and course_folder.is_dir(), "the sticky exchange keeps the course folder"
    hers = [p for p in folders_of(loop["inbound"], alice) if p.stat().st_uid != Path(f"/home/{bob}").stat().st_uid]
    assert hers
    for attempt in (["mv", str(hers[0]), str(loop["inbound"] / "junk")], ["rmdir", str(hers[0])]):
        proc = as_user(bob, *attempt, cwd=Path("/"), check=False)
        assert proc.returncode != 0 and hers[0].is_dir(), f"{attempt[0]}: the sticky inbound keeps her folder"
    listing = as_user(bob, "ls", str(loop["inbound"]), cwd=Path("/"), check=False)
    assert listing.returncode != 0, "students cannot list the inbound folder (nbgrader's 0733)"


def test_without_the_guides_modes_the_same_attacks_succeed(people, bindir):
    """The measurement behind the guide: a 777 exchange and nbgrader's own 2733 inbound."""
    bob = people["bob"]
    BIN[:] = [bindir]
    base = Path(tempfile.mkdtemp(prefix="ag-exchange-open-"))
    try:
        os.chmod(base, 0o755)
        exchange = base / "exchange"
        (exchange / COURSE_ID / "inbound" / "alice+a+2026-01-01 00:00:00.000000 UTC+x").mkdir(parents=True)
        os.chmod(exchange, 0o777)
        os.chmod(exchange / COURSE_ID, 0o755)
        os.chmod(exchange / COURSE_ID / "inbound", 0o2733)
        sub = exchange / COURSE_ID / "inbound" / "alice+a+2026-01-01 00:00:00.000000 UTC+x"
        os.chmod(sub, 0o777)  # what nbgrader submit leaves
        gone = as_user(bob, "mv", str(sub), str(sub.parent / "junk"), cwd=Path("/"), check=False)
        assert gone.returncode == 0, "in nbgrader's own inbound a known submission can be moved away"
        taken = as_user(bob, "mv", str(exchange / COURSE_ID), str(exchange / "taken"), cwd=Path("/"), check=False)
        assert taken.returncode == 0, "in a 777 exchange the course folder can be renamed"
    finally:
        shutil.rmtree(base, ignore_errors=True)
