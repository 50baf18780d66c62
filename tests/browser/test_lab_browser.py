"""The course as a learner meets it: `make lab`, real JupyterLab, Debian's Chromium driven by Selenium.

One test walks the whole path (start the lab, answer, check, pass and open the model answer; answer wrongly,
see the hint; open the assignment list) because starting JupyterLab and Chromium is most of the cost. The lab
runs on a private copy of the course (AWS_COURSE_ROOT) so `my-work/` and the grading workspace are
created in a temporary folder, never in the repository. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from labdriver import (
    ARTIFACTS,
    NEEDS_CHROMIUM,
    TOKEN,
    WAIT,
    chromium,
    lab_env,
    private_course,
    running_lab,
    screenshot_on_failure,
)
from nbhelpers import solution_value

from course.demo import model_answer
from course.exercises import SingleChoice, evaluate, get

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[dict]:
    """`make lab ARGS=...` on a free port; yields its base URL; stops it and its kernels afterwards."""
    tmp = tmp_path_factory.mktemp("browser")
    course = private_course(tmp)
    # every cell rendered (no windowing), so the test can find cells by index
    env = lab_env(course, tmp, {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}})
    name, question = pick_question(course)
    released = subprocess.run([sys.executable, "-m", "nbgrader", "release_assignment", "--force", name],
                              cwd=course, env=env, capture_output=True, text=True, timeout=120)
    assert released.returncode == 0, released.stdout[-2000:] + released.stderr[-3000:]
    with running_lab(env, tmp / "lab.log") as (base, startup):
        yield {"base": base, "course": course, "startup": startup, "log": tmp / "lab.log", "assignment": name,
               "question": question}


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


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
        # the instructor's own model answer, from source/, answered in the authored option order (no identity)
        correct = solution_value(exercise_id, right)
        wrong = next(option for option in exercise.options if option != correct)
        assert evaluate(exercise_id, correct, identity=None).passed
        assert evaluate(exercise_id, wrong, identity=None).failures
        options = f"options-{grade_id[7:]}"  # the cell that shows this learner's option order (issue #19)
        return {"id": exercise_id, "answer": index, "check": ids.index(f"check-{grade_id[7:]}"),
                "setup": next(i for i, g in enumerate(ids) if g.endswith("-setup")),
                "options": ids.index(options) if options in ids else None,
                "right": right, "authored_wrong": wrong, "answer_name": exercise.answer_name}
    return None


def wrong_answer_for(question: dict, work: Path) -> tuple[str, str]:
    """The authored wrong option in the browser learner's own letters, and the hint their check gives for it.

    The learner's kernel chose its identity (``my-work/.aws-course-id``, written on first use), so their letters
    are worked out for that identity, as the grader would."""
    exercise = get(question["id"])
    letter, identity = question["authored_wrong"], None
    if exercise.variants is not None:
        identity = (work / ".aws-course-id").read_text(encoding="utf-8").strip()
        letter = exercise.variants.values(question["id"], identity).letter(letter)
    result = evaluate(question["id"], letter, identity=identity)
    assert result.failures, f"{letter!r} is wrong for {identity}"
    return f"{question['answer_name']} = {letter!r}", result.failures[0].hint


def normalise(text: str) -> str:
    return " ".join(text.split())


def test_learner_answers_checks_sees_feedback_and_the_model_answer_after_a_pass(lab, browser):
    with screenshot_on_failure(browser, "learner-walk"):
        walk_through(lab, browser)


def walk_through(lab: dict, browser) -> None:
    """The learner's path, with a screenshot at each step (formgrader is the instructor's: see
    test_profiles_browser.py)."""
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

    relative = release_path.relative_to(course / "my-work").as_posix()  # the learner's server root is my-work/
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

    if question["options"] is not None:  # the learner's option order, bound as vN_M for the answer
        run(question["options"])
        wait.until(lambda _: cell(question["options"]).find_element(By.CSS_SELECTOR, ".jp-InputPrompt").text.strip()
                   not in ("[ ]:", "[*]:", ""))
    wrong, hint = wrong_answer_for(question, course / "my-work")

    type_answer(question["right"])
    run(question["answer"])
    run(question["check"])
    passed = check_output("✔ PASS")
    assert "✘ FAIL" not in passed
    assert f"Question {question['id']}" in passed
    # after the pass, the model answer is offered, collapsed; opening it shows the instructor's cell
    offer = wait.until(lambda _: cell(question["check"]).find_elements(By.CSS_SELECTOR,
                                                                       "details.aws-course-model-answer"))[0]
    assert offer.get_attribute("open") is None and f"question {question['id']}" in offer.text
    offer.find_element(By.TAG_NAME, "summary").click()
    wait.until(lambda _: normalise(question["right"]) in normalise(offer.text))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell(question["check"]))
    browser.save_screenshot(str(ARTIFACTS / "02-correct-answer-pass.png"))

    type_answer(wrong)
    run(question["answer"])
    run(question["check"])
    failed = check_output("✘ FAIL")
    assert "✔ PASS" not in failed
    assert not cell(question["check"]).find_elements(By.CSS_SELECTOR, "details.aws-course-model-answer")
    assert normalise(hint) in normalise(failed), "the hint names the misconception"
    error = wait.until(lambda _: cell(question["check"]).find_elements(
        By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr']"))
    # the failure is one calm line, not a traceback through the library's files
    assert "requirement" in error[0].text and "not met" in error[0].text, error[0].text
    assert "Traceback" not in error[0].text and ".py" not in error[0].text, error[0].text
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell(question["check"]))
    browser.save_screenshot(str(ARTIFACTS / "03-wrong-answer-hint.png"))

    # the learner's assignment list, from the Nbgrader menu: the released assignment is already the learner's
    # (my-work/ is the server root and holds their copy), ready to submit
    menu = wait.until(ec.element_to_be_clickable((By.XPATH, "//li[contains(@class,'lm-MenuBar-item')]"
                                                            "[.//div[text()='Nbgrader']]")))
    menu.click()
    wait.until(ec.element_to_be_clickable((By.XPATH, "//li[contains(@class,'lm-Menu-item')]"
                                                     "[.//div[text()='Assignment List']]"))).click()
    name = release_path.parent.name
    panel = wait.until(ec.visibility_of_element_located((By.ID, "nbgrader-assignment-list")))
    fetched = wait.until(lambda _: name in panel.find_element(By.ID, "fetched_assignments_list").text
                         and panel.find_element(By.ID, "fetched_assignments_list"))
    assert "Submit" in fetched.text
    assert "Released assignments" in panel.text and "Submitted assignments" in panel.text
    browser.save_screenshot(str(ARTIFACTS / "04-assignment-list.png"))

    elapsed = time.monotonic() - started
    (ARTIFACTS / "timings.txt").write_text(f"lab startup {lab['startup']:.1f} s, browser steps {elapsed:.1f} s\n")
