"""Shared by the browser tests: a private copy of the course, `make lab`/`make instructor` on a free port,
Debian's Chromium through Selenium, and a clean stop of the lab and its kernels."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
TOKEN = "aws-course-browser-test"
WAIT = 60  # seconds: generous, a loaded CI machine must not make the test flaky

NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: install Debian's chromium and chromium-driver "
                                  "packages (.ci/run does) to run the browser test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def release_notebooks(tmp: Path) -> Path:
    """The committed release/, or (while an assignment is being written) a fresh nbgrader generation."""
    if sorted((ROOT / "release").glob("*/*.ipynb")):
        return ROOT / "release"
    from course.release import generate

    generate(tmp / "generated-release", ROOT)
    return tmp / "generated-release"


def private_course(tmp: Path) -> Path:
    """A copy of the course for the lab to run in: config, source, release and data."""
    course = tmp / "course"
    course.mkdir()
    shutil.copy2(ROOT / "nbgrader_config.py", course)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    shutil.copytree(release_notebooks(tmp), course / "release", ignore=ignore)
    for folder in ("source", "data"):
        shutil.copytree(ROOT / folder, course / folder, ignore=ignore)
    return course


def lab_env(course: Path, tmp: Path, settings: dict[str, dict] | None = None) -> dict[str, str]:
    """Point the course and every Jupyter folder at temporary places (HOME included). ``settings``:
    JupyterLab user settings by plugin id (the lab's own config folder is `aws-course lab`'s to write)."""
    env = dict(os.environ)
    env.update(
        AWS_COURSE_ROOT=str(course), AWS_COURSE_WORKSPACE=str(course / "grading"), HOME=str(tmp / "home"),
        JUPYTER_DATA_DIR=str(tmp / "jupyter-data"), JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    (tmp / "home").mkdir(exist_ok=True)
    if settings:
        for plugin, values in settings.items():
            package, name = plugin.split(":")
            path = tmp / "lab-settings" / package / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env["JUPYTERLAB_SETTINGS_DIR"] = str(tmp / "lab-settings")
    return env


def get_url(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def start_lab(env: dict[str, str], log_path: Path, target: str = "lab",
              attempts: int = 3, extra: str = "") -> tuple[subprocess.Popen, str, float]:
    """`make lab ARGS=...` (or `make instructor`) on a free port, waiting until /lab answers; another port if
    that one was taken. ``extra``: more arguments for `aws-course lab` (e.g. ``--variant 7``)."""
    for _ in range(attempts):
        port = free_port()
        args = f"--no-browser --port={port} --ip=127.0.0.1 --IdentityProvider.token={TOKEN} --ServerApp.port_retries=0"
        args = f"{extra} {args}" if extra else args
        started = time.monotonic()
        with log_path.open("w") as log:
            # -o: the virtual environment is already installed (make test made it); never reinstall in a test
            proc = subprocess.Popen(["make", "--no-print-directory", "-C", str(ROOT), "-o", ".venv/.installed",
                                     target, f"ARGS={args}"],
                                    env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        while proc.poll() is None and time.monotonic() - started < WAIT:
            try:
                if get_url(f"{base}/lab?token={TOKEN}", timeout=2)[0] == 200:
                    return proc, base, time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.5)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            pytest.fail(f"JupyterLab did not answer on /lab within {WAIT} s:\n{log_path.read_text()[-3000:]}")
        if "already in use" not in log_path.read_text():
            break
    pytest.fail(f"`make {target}` exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")


def stop_lab(proc: subprocess.Popen, base: str) -> None:
    """Stop kernels through the API first, so none outlives the test, then the server's process group."""
    try:
        _, body = get_url(f"{base}/api/kernels?token={TOKEN}")
        for kernel in json.loads(body or "[]"):
            request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={TOKEN}", method="DELETE")
            urllib.request.urlopen(request, timeout=10).close()
    except (OSError, ValueError):
        pass
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def running_lab(env: dict[str, str], log_path: Path, target: str = "lab",
                extra: str = "") -> Iterator[tuple[str, float]]:
    proc, base, startup = start_lab(env, log_path, target, extra=extra)
    try:
        yield base, startup
    finally:
        stop_lab(proc, base)


@contextmanager
def chromium(profile: Path) -> Iterator:
    """Headless Chromium with a fresh profile folder, quit afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def screenshot_on_failure(driver, name: str) -> Iterator[None]:
    """Leave the page a failed walk stopped on, for whoever debugs it."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / f"{name}-failure.png"))
        (ARTIFACTS / f"{name}-failure.html").write_text(driver.page_source)
        raise
