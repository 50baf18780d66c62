"""The course as a learner meets it: `make lab`, real JupyterLab, Debian's Chromium driven by Selenium.

One test walks the whole path (start the lab, answer, check, pass; answer wrongly, see the hint; open the
assignment list and formgrader) because starting JupyterLab and Chromium is most of the cost. The lab
runs on a private copy of the course (AWS_COURSE_ROOT) so `my-work/` and the grading workspace are
created in a temporary folder, never in the repository. Screenshots go to test-artifacts/browser/.
"""

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
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from course.demo import model_answer
from course.exercises import SingleChoice, evaluate, get

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
TOKEN = "aws-course-browser-test"
WAIT = 60  # seconds: generous, a loaded CI machine must not make the test flaky

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: install Debian's chromium and "
                                                     "chromium-driver packages (.ci/run does) to run the browser test"),
]


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


def lab_env(course: Path, tmp: Path) -> dict[str, str]:
    """Point the course and every Jupyter folder at temporary places; all cells rendered (no windowing)."""
    settings = tmp / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    apputils = tmp / "lab-settings" / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                          "checkForUpdates": False}))
    env = dict(os.environ)
    env.update(
        AWS_COURSE_ROOT=str(course), AWS_COURSE_WORKSPACE=str(course / "grading"),
        JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"), JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "lab-settings"), JUPYTERLAB_WORKSPACES_DIR=str(tmp / "lab-workspaces"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    return env


def get_url(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def start_lab(env: dict[str, str], log_path: Path, attempts: int = 3) -> tuple[subprocess.Popen, str, float]:
    """`make lab ARGS=...` on a free port, waiting until /lab answers; another port if that one was taken."""
    for _ in range(attempts):
        port = free_port()
        args = (f"--no-browser --port={port} --ip=127.0.0.1 --ServerApp.token={TOKEN} "
                "--ServerApp.port_retries=0 --LabApp.news_url=''")
        started = time.monotonic()
        with log_path.open("w") as log:
            # -o: the virtual environment is already installed (make test made it); never reinstall in a test
            proc = subprocess.Popen(["make", "--no-print-directory", "-C", str(ROOT), "-o", ".venv/.installed",
                                     "lab", f"ARGS={args}"],
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
    pytest.fail(f"`make lab` exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[dict]:
    """`make lab ARGS=...` on a free port; yields its base URL; stops it and its kernels afterwards."""
    tmp = tmp_path_factory.mktemp("browser")
    course = private_course(tmp)
    env = lab_env(course, tmp)
    name, question = pick_question(course)
    released = subprocess.run([sys.executable, "-m", "nbgrader", "release_assignment", "--force", name],
                              cwd=course, env=env, capture_output=True, text=True, timeout=120)
    assert released.returncode == 0, released.stdout[-2000:] + released.stderr[-3000:]
    log_path = tmp / "lab.log"
    proc, base, startup = start_lab(env, log_path)
    try:
        yield {"base": base, "course": course, "startup": startup, "log": log_path, "assignment": name,
               "question": question}
    finally:
        try:  # stop kernels through the API first, so none outlives the test
            _, body = get_url(f"{base}/api/kernels?token={TOKEN}")
            for kernel in json.loads(body or "[]"):
                request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={TOKEN}",
                                                 method="DELETE")
                urllib.request.urlopen(request, timeout=10).close()
        except (OSError, ValueError):
            pass
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh profile for every run
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


def pick_question(course: Path) -> tuple[str, dict]:
    """The first assignment (in course order) with a single-choice question, and that question."""
    for path in sorted((course / "release").glob("*/*.ipynb")):
        source = nbformat.read(course / "source" / path.relative_to(course / "release"), as_version=4)
        question = choice_exercise(nbformat.read(path, as_version=4), source)
        if question is not None:
            return path.parent.name, {**question, "notebook": path.name}
    raise AssertionError("no release notebook has a single-choice question to answer in the browser")


def choice_exercise(release: nbformat.NotebookNode, source: nbformat.NotebookNode) -> dict | None:
    """The first single-choice question: its cells, the model answer, and a wrong answer with its hint."""
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "") for c in release.cells]
    for index, grade_id in enumerate(ids):
        if not grade_id.startswith("answer-") or release.cells[index].cell_type != "code":
            continue
        exercise_id = grade_id.removeprefix("answer-").replace("-", ".")
        exercise = get(exercise_id)
        if not isinstance(exercise, SingleChoice):
            continue
        right = model_answer(next(c for c in source.cells
                                  if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id))
        namespace: dict = {}
        exec(right, namespace)  # the instructor's own model answer, from source/
        correct = namespace[exercise.answer_name]
        wrong = next(option for option in exercise.options if option != correct)
        result = evaluate(exercise_id, wrong)
        assert evaluate(exercise_id, correct).passed and result.failures
        return {"id": exercise_id, "answer": index, "check": ids.index(f"check-{grade_id[7:]}"),
                "setup": next(i for i, g in enumerate(ids) if g.endswith("-setup")),
                "right": right, "wrong": f"{exercise.answer_name} = {wrong!r}", "hint": result.failures[0].hint}
    return None


def normalise(text: str) -> str:
    return " ".join(text.split())


def test_learner_answers_checks_and_sees_feedback_then_instructor_pages(lab, browser):
    try:
        walk_through(lab, browser)
    except BaseException:
        # leave the page the walk stopped on, for whoever debugs it
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "failure.png"))
        (ARTIFACTS / "failure.html").write_text(browser.page_source)
        raise


def walk_through(lab: dict, browser) -> None:
    """The learner's path and the instructor's two pages, with a screenshot at each step."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    started = time.monotonic()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert lab["startup"] < WAIT
    course: Path = lab["course"]
    release_path = course / "my-work" / lab["assignment"] / lab["question"]["notebook"]
    assert release_path.read_bytes() == (course / "release" / release_path.relative_to(course / "my-work")
                                         ).read_bytes(), "make lab gave the learner a copy of the release"
    question = lab["question"]
    wait = WebDriverWait(browser, WAIT, poll_frequency=0.25)

    def cell(index: int):
        return browser.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Notebook .jp-Cell")[index]

    def run(index: int) -> None:
        """Click into the cell's editor, then Shift+Enter as a learner would."""
        editor = cell(index).find_element(By.CSS_SELECTOR, ".cm-content")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", editor)
        editor.click()
        editor.send_keys(Keys.SHIFT, Keys.ENTER)

    def type_answer(text: str) -> None:
        editor = cell(question["answer"]).find_element(By.CSS_SELECTOR, ".cm-content")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", editor)
        editor.click()
        editor.send_keys(Keys.CONTROL, "a")
        editor.send_keys(Keys.DELETE)
        for line in text.splitlines(keepends=True):  # typed as keys, one line at a time
            editor.send_keys(line.rstrip("\n"))
            if line.endswith("\n"):
                editor.send_keys(Keys.ENTER)
        wait.until(lambda _: normalise(cell(question["answer"]).find_element(
            By.CSS_SELECTOR, ".cm-content").text) == normalise(text))

    def check_output(mark: str) -> str:
        """Wait for the check cell's feedback table to show ``mark``; return the table's text."""
        selector = ".jp-OutputArea table.aws-course-check"

        def shown(_):
            tables = cell(question["check"]).find_elements(By.CSS_SELECTOR, selector)
            return tables and mark in tables[0].text and tables[0].text
        return wait.until(shown)

    relative = release_path.relative_to(course).as_posix()
    browser.get(f"{lab['base']}/lab/tree/{relative}?token={TOKEN}")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Notebook .jp-Cell")))
    cells = len(nbformat.read(release_path, as_version=4).cells)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Notebook .jp-Cell")) == cells)
    # the kernel has started: the status bar says "Python 3 (ipykernel) | Idle"
    wait.until(lambda d: "| Idle" in d.find_element(By.CSS_SELECTOR, ".jp-StatusBar-Widget").text)
    browser.save_screenshot(str(ARTIFACTS / "01-notebook-open.png"))

    run(question["setup"])
    wait.until(lambda _: cell(question["setup"]).find_element(By.CSS_SELECTOR, ".jp-InputPrompt").text.strip()
               not in ("[ ]:", "[*]:", ""))
    stderr = cell(question["setup"]).find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr']")
    assert not [e for e in stderr if "Error" in e.text], "the setup cell ran without error"

    type_answer(question["right"])
    run(question["answer"])
    run(question["check"])
    passed = check_output("✔ PASS")
    assert "✘ FAIL" not in passed
    assert f"Question {question['id']}" in passed
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell(question["check"]))
    browser.save_screenshot(str(ARTIFACTS / "02-correct-answer-pass.png"))

    type_answer(question["wrong"])
    run(question["answer"])
    run(question["check"])
    failed = check_output("✘ FAIL")
    assert "✔ PASS" not in failed
    assert normalise(question["hint"]) in normalise(failed), "the hint names the misconception"
    error = wait.until(lambda _: cell(question["check"]).find_elements(
        By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr']"))
    # the failure is one calm line, not a traceback through the library's files
    assert "requirement" in error[0].text and "not met" in error[0].text, error[0].text
    assert "Traceback" not in error[0].text and ".py" not in error[0].text, error[0].text
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell(question["check"]))
    browser.save_screenshot(str(ARTIFACTS / "03-wrong-answer-hint.png"))

    # the learner's assignment list, from the Nbgrader menu, shows the assignment released to the exchange
    menu = wait.until(ec.element_to_be_clickable((By.XPATH, "//li[contains(@class,'lm-MenuBar-item')]"
                                                            "[.//div[text()='Nbgrader']]")))
    menu.click()
    wait.until(ec.element_to_be_clickable((By.XPATH, "//li[contains(@class,'lm-Menu-item')]"
                                                     "[.//div[text()='Assignment List']]"))).click()
    name = release_path.parent.name
    panel = wait.until(ec.visibility_of_element_located((By.ID, "nbgrader-assignment-list")))
    wait.until(lambda _: name in panel.find_element(By.ID, "released_assignments_list").text)
    assert "Released assignments" in panel.text and "Submitted assignments" in panel.text
    browser.save_screenshot(str(ARTIFACTS / "04-assignment-list.png"))

    # formgrader in its own tab, as the instructor guide says
    browser.switch_to.new_window("tab")
    browser.get(f"{lab['base']}/formgrader?token={TOKEN}")
    wait.until(lambda d: name in d.find_element(By.TAG_NAME, "body").text)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Manage Assignments" in body
    browser.save_screenshot(str(ARTIFACTS / "05-formgrader.png"))
    elapsed = time.monotonic() - started
    (ARTIFACTS / "timings.txt").write_text(f"lab startup {lab['startup']:.1f} s, browser steps {elapsed:.1f} s\n")
