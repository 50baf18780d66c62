"""The instructor guide on a real JupyterHub (#17 item 6), driven through the REST APIs a browser uses.

JupyterHub from PyPI with its proxy (configurable-http-proxy, from npm) on 127.0.0.1, the dummy
authenticator and the local process spawner, an instructor and two students as real Unix accounts. The
instructor generates and releases an assignment through formgrader's API, the students fetch, answer (through
the contents API) and submit through the Assignment List's API, bob after the due date; the instructor
collects, runs ``aws-course grade`` with the late penalty of the course's ``nbgrader_config.py``, releases
feedback through formgrader's API, the students fetch it, and the grades are exported for Canvas. The students'
servers serve neither formgrader nor the instructor's files. Everything started is stopped at the end, also
when a step fails.

It needs root (accounts, the spawner switches users) and npm or an installed configurable-http-proxy;
elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib import error, parse, request

import nbformat
import pytest
from conftest import ROOT
from unix_users import accounts, run_as, shared_bindir

from course.demo import create, filled

pytestmark = pytest.mark.slow
COURSE_ID = "aws-security-notebooks"
NAME = "10-customer-engagement"
CHP_VERSION = "5"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def proxy_command() -> str:
    """configurable-http-proxy: on PATH, or installed once from npm next to this environment."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    prefix = Path(sys.prefix) / "node"
    local = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if not local.exists():
        if not shutil.which("npm"):
            pytest.skip("JupyterHub's proxy needs configurable-http-proxy (npm install configurable-http-proxy)")
        proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(prefix),
                               f"configurable-http-proxy@{CHP_VERSION}"], capture_output=True, text=True, timeout=600)
        if proc.returncode != 0 or not local.exists():
            pytest.skip(f"npm could not install configurable-http-proxy: {proc.stderr[-300:]}")
    return str(local)


class Hub:
    """HTTP calls to the hub and to users' servers with one admin service token."""

    def __init__(self, port: int, token: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.token = token

    def call(self, method: str, path: str, body: Any = None, form: dict[str, str] | None = None,
             ok: tuple[int, ...] = (200, 201, 202, 204)) -> tuple[int, Any]:
        data, headers = None, {"Authorization": f"token {self.token}"}
        if form is not None:
            data = parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with request.urlopen(req, timeout=300) as resp:
                status, text = resp.status, resp.read().decode()
        except error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        if ok and status not in ok:
            raise AssertionError(f"{method} {path}: HTTP {status}: {text[:1500]}")
        try:
            return status, json.loads(text) if text else None
        except json.JSONDecodeError:
            return status, text

    def wait_ready(self, user: str, timeout: float = 240) -> None:
        self.call("POST", f"/hub/api/users/{user}/server", ok=(201, 202, 400))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _, info = self.call("GET", f"/hub/api/users/{user}")
            server = (info.get("servers") or {}).get("") if isinstance(info, dict) else None
            if server and server.get("ready"):
                return
            time.sleep(1)
        raise AssertionError(f"{user}'s server did not start in {timeout} s")


def write(path: Path, text: str, owner: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    subprocess.run(["chown", "-R", f"{owner}:{owner}", str(path.parent)], check=True)


@pytest.fixture(scope="module")
def hub() -> Iterator[dict[str, Any]]:
    chp = proxy_command()
    with shared_bindir() as bindir, accounts("instructor", "alice", "bob") as people:
        base = Path(tempfile.mkdtemp(prefix="ag-hub-"))
        os.chmod(base, 0o755)
        try:
            yield from _run_hub(base, bindir, people, chp, base / "hub.log", _STARTED.append)
        finally:
            process = _STARTED.pop() if _STARTED else None
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)  # the hub stops the proxy and every server it spawned
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=30)
            _stop_leftovers(people.values())
            shutil.rmtree(base, ignore_errors=True)


_STARTED: list[subprocess.Popen] = []  # the hub process, once started


def _stop_leftovers(users: Any) -> None:
    """Any process still running as a test account after the hub stopped (a server the hub lost): ended
    by its id, so the accounts can be removed."""
    for user in users:
        found = subprocess.run(["pgrep", "-u", user], capture_output=True, text=True)
        for pid in found.stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass


def _run_hub(base: Path, bindir: Path, people: dict[str, str], chp: str, log: Path, remember: Any
             ) -> Iterator[dict[str, Any]]:
    inst, alice, bob = people["instructor"], people["alice"], people["bob"]
    exchange = base / "exchange"
    exchange.mkdir()
    os.chmod(exchange, 0o1777)  # the guide, section 2
    # the instructor's clone (the demo course without its fake students), readable by nobody else
    course = Path(f"/home/{inst}/course")
    create(course, ROOT)
    shutil.rmtree(course / "grading" / "submitted")
    with (course / "nbgrader_config.py").open("a") as handle:  # the guide: a late submission scores 0
        handle.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    write(Path(f"/home/{inst}/.jupyter/nbgrader_config.py"),
          f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\n", inst)
    subprocess.run(["chown", "-R", f"{inst}:{inst}", f"/home/{inst}"], check=True)
    os.chmod(Path(f"/home/{inst}"), 0o700)  # the guide: students must not read the clone
    # the students' servers: the course's learner profile (guide, section 2, step 3)
    learner = base / "jupyter" / "learner"
    subprocess.run([sys.executable, "-m", "course.cli", "profile", "learner", str(learner), "--root", "/home",
                    "--exchange", str(exchange)], check=True, capture_output=True, timeout=120, cwd=ROOT)
    subprocess.run(["chmod", "-R", "a+rX", str(base / "jupyter")], check=True)
    port, hub_port, api_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(32)
    config = base / "hub" / "jupyterhub_config.py"
    config.parent.mkdir()
    config.write_text(f"""c = get_config()
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(bindir / 'python')!r}, "-m", "jupyterhub.singleuser"]
INSTRUCTOR = {inst!r}
LEARNER = {str(learner)!r}
def _for(learner, instructor):  # students get the learner profile, the instructor keeps ~/.jupyter
    return lambda spawner: instructor if spawner.user.name == INSTRUCTOR else learner
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {{"PATH": {f'{bindir}:/usr/bin:/bin'!r}, "AWS_COURSE_EXCHANGE": {str(exchange)!r},
    "JUPYTER_CONFIG_DIR": _for(LEARNER, "/home/" + INSTRUCTOR + "/.jupyter"),
    "AWS_COURSE_PROFILE": _for("learner", "instructor")}}
c.Spawner.start_timeout = 240
c.Spawner.http_timeout = 240
c.JupyterHub.db_url = "sqlite:///{base / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = "{base / 'hub' / 'cookie_secret'}"
c.JupyterHub.services = [{{"name": "course-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "course-test", "services": ["course-test"],
    "scopes": ["admin:users", "admin:servers", "access:servers", "read:users"]}}]
""")
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=config.parent,
                                   stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PATH": f"{bindir}:"
                                                                              f"{os.environ.get('PATH', '')}"})
    remember(process)
    client = Hub(port, token)
    deadline = time.monotonic() + 120
    while True:
        try:
            client.call("GET", "/hub/api/", ok=(200,))
            break
        except (OSError, AssertionError):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the hub did not start: {log.read_text()[-3000:]}") from None
            time.sleep(1)
    client.call("POST", "/hub/api/users", {"usernames": [inst, alice, bob]}, ok=(201, 409))
    for user in (inst, alice, bob):
        client.wait_ready(user)
    yield {"client": client, "people": people, "course": course, "exchange": exchange, "bindir": bindir,
           "log": log}


def fill(client: Hub, student: str, full: bool, course: Path) -> None:
    """Answer the fetched notebook through the contents API, as JupyterLab saves it."""
    path = f"/user/{student}/api/contents/{NAME}/{NAME}.ipynb"
    _, model = client.call("GET", path)
    nb = nbformat.from_dict(model["content"])
    if full:
        source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
        nb = filled(nb, source, "full")
    client.call("PUT", path, {"type": "notebook", "format": "json", "content": nb})


def test_the_guides_workflow_on_a_real_hub(hub):
    client, people, course = hub["client"], hub["people"], hub["course"]
    inst, alice, bob = people["instructor"], people["alice"], people["bob"]
    grader = f"/user/{inst}/formgrader/api/assignment/{NAME}"
    # instructor: generate (records the assignment in the gradebook) and release (guide, section 3)
    generated = client.call("POST", f"{grader}/assign")[1]
    assert generated["success"], generated.get("error", generated)[-3000:]
    released = client.call("POST", f"{grader}/release")[1]
    assert released["success"], released
    run_as(inst, hub["bindir"], "chmod", "+t", str(hub["exchange"] / COURSE_ID / "inbound"), cwd=Path("/"))
    # students: list, fetch, answer, submit (alice on time, bob after the due date)
    for student in (alice, bob):
        _, listed = client.call("GET", f"/user/{student}/assignments?course_id={COURSE_ID}")
        assert any(a["assignment_id"] == NAME for a in listed["value"]), listed
        assert client.call("POST", f"/user/{student}/assignments/fetch",
                           form={"course_id": COURSE_ID, "assignment_id": NAME})[1]["success"]
        fill(client, student, True, course)
    assert client.call("POST", f"/user/{alice}/assignments/submit",
                       form={"course_id": COURSE_ID, "assignment_id": NAME})[1]["success"]
    due = (datetime.now(UTC) + timedelta(seconds=2)).strftime("%Y-%m-%d %H:%M:%S")  # after alice's submission
    client.call("PUT", grader, {"duedate_notimezone": due, "duedate_timezone": "UTC"})
    time.sleep(4)
    assert client.call("POST", f"/user/{bob}/assignments/submit",
                       form={"course_id": COURSE_ID, "assignment_id": NAME})[1]["success"]
    # instructor: collect, grade, release feedback (guide, sections 4 and 6)
    collected = client.call("POST", f"{grader}/collect")[1]
    assert collected["success"], collected
    python = str(hub["bindir"] / "python")
    graded = run_as(inst, hub["bindir"], python, "-m", "course.cli", "grade", NAME, "grading/submitted",
                    cwd=course, env={"AWS_COURSE_EXCHANGE": str(hub["exchange"])}, timeout=900)
    assert "2 submissions" in graded.stdout, graded.stdout + graded.stderr
    with (course / "grading" / "grades.csv").open() as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert float(rows[alice]["score"]) == float(rows[alice]["max_score"]) > 0, rows[alice]["detail"][:3000]
    assert float(rows[alice]["late_by_seconds"]) == 0 and float(rows[alice]["penalty"]) == 0
    assert float(rows[bob]["late_by_seconds"]) > 0
    assert float(rows[bob]["penalty"]) == float(rows[bob]["score"]), "penalty_method zero takes every point"
    _, submissions = client.call("GET", f"/user/{inst}/formgrader/api/submissions/{NAME}")
    assert {s["student"]: s["autograded"] for s in submissions} == {alice: True, bob: True}, \
        "formgrader shows aws-course grade's results, not 'needs autograding'"
    assert client.call("POST", f"{grader}/release_feedback")[1]["success"]
    for student in (alice, bob):
        assert client.call("POST", f"/user/{student}/assignments/fetch_feedback",
                           form={"course_id": COURSE_ID, "assignment_id": NAME})[1]["success"]
        _, folder = client.call("GET", f"/user/{student}/api/contents/{NAME}/feedback")
        stamps = [entry["path"] for entry in folder["content"]]
        assert stamps, f"{student} fetched feedback"
        _, page = client.call("GET", f"/user/{student}/api/contents/{parse.quote(stamps[0])}/{NAME}.html")
        assert "feedback for" in page["content"] and student in page["content"]
    # grades for Canvas (guide, section 7)
    roster = course / "roster.csv"
    write(roster, f"student_id,lms_id,name\n{alice},101,Alice\n{bob},102,Bob\n", inst)
    run_as(inst, hub["bindir"], python, "-m", "course.cli", "export", "--format", "canvas", "--roster",
           str(roster), "--to", "canvas.csv", cwd=course)
    with (course / "canvas.csv").open() as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0][:2] == ["Student", "ID"]
    assert {r[1]: float(r[-1]) for r in canvas[2:]} == {"101": float(rows[alice]["max_score"]), "102": 0.0}


def test_students_servers_serve_neither_formgrader_nor_the_instructors_files(hub):
    client, people = hub["client"], hub["people"]
    alice, inst = people["alice"], people["instructor"]
    status, _ = client.call("GET", f"/user/{alice}/formgrader/api/status", ok=())
    assert status == 404, "no formgrader in a student's server"
    status, _ = client.call("GET", f"/user/{inst}/formgrader/api/status", ok=())
    assert status == 200, "the instructor's server has it"
    status, _ = client.call("GET", f"/user/{alice}/api/contents/..%2F{inst}%2Fcourse%2Fsource", ok=())
    assert status in (403, 404), "the contents API stays inside the student's home"
    peek = run_as(alice, hub["bindir"], "ls", str(hub["course"] / "source"), cwd=Path("/"), check=False)
    assert peek.returncode != 0, "a student cannot read the instructor's clone (source/ holds the solutions)"
