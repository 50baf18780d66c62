"""The two profiles in a real JupyterLab, seen through Debian's Chromium.

`make lab` is the learner's: the start page opens on the first launch, the Nbgrader menu has only the
Assignment List, there is no Formgrader, Courses or Create Assignment, no "Jupyter news" prompt, whole file
names in the file browser, and nothing above my-work/ through the contents API. `make instructor` serves the
whole course with every nbgrader tool. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path

import pytest
from labdriver import (
    ARTIFACTS,
    NEEDS_CHROMIUM,
    TOKEN,
    WAIT,
    chromium,
    get_url,
    lab_env,
    private_course,
    running_lab,
    screenshot_on_failure,
)

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]

START_PAGE = "00-start-here.ipynb"
SOLUTIONS = "../source/10-customer-engagement/10-customer-engagement.ipynb"


def menu_items(driver, wait, menu: str) -> list[str]:
    """Open a main menu, read its visible item labels, close it."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    wait.until(ec.element_to_be_clickable((By.XPATH, "//li[contains(@class,'lm-MenuBar-item')]"
                                                     f"[.//div[text()='{menu}']]"))).click()
    opened = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".lm-Menu")))
    labels = [e.text for e in opened.find_elements(By.CSS_SELECTOR, ".lm-Menu-itemLabel") if e.text.strip()]
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()  # to the open menu, which has the focus
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".lm-Menu"))
    return labels


def sidebar_titles(driver, side: str) -> list[str]:
    from selenium.webdriver.common.by import By

    tabs = driver.find_elements(By.CSS_SELECTOR, f".jp-SideBar.jp-mod-{side} .lm-TabBar-tab")
    return [tab.get_attribute("title") or tab.text for tab in tabs]


def truncated_names(driver) -> list[str]:
    """File browser entries whose name does not fit its box (shown cut off with "…")."""
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".jp-DirListing-content .jp-DirListing-itemText")
            if driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth + 1", e)]


def run_cell(driver, wait, cell) -> None:
    """Click into the cell's editor and press Shift+Enter, as a learner would; wait until it has run."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    editor = cell.find_element(By.CSS_SELECTOR, ".cm-content")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", editor)
    editor.click()
    editor.send_keys(Keys.SHIFT, Keys.ENTER)
    wait.until(lambda _: cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").text.strip() not in ("[ ]:", "[*]:", ""))


def test_learner_profile_shows_my_work_the_start_page_and_only_the_learner_tools(tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    course = private_course(tmp_path)
    env = lab_env(course, tmp_path, {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_lab(env, tmp_path / "lab.log") as (base, _), chromium(tmp_path / "chromium") as driver:
        wait = WebDriverWait(driver, WAIT, poll_frequency=0.25)
        with screenshot_on_failure(driver, "learner-profile"):
            # nothing above my-work/ is reachable through the server
            assert get_url(f"{base}/api/contents/{START_PAGE}?content=0&token={TOKEN}")[0] == 200
            above = [urllib.parse.quote(p, safe="") for p in ("../source", "../nbgrader_config.py", SOLUTIONS)]
            for path in ("source", SOLUTIONS.removeprefix("../"), *above):
                status, body = get_url(f"{base}/api/contents/{path}?token={TOKEN}")
                assert status in (403, 404), f"/api/contents/{path} answered {status}: {body[:200]}"
                assert "BEGIN SOLUTION" not in body
            for url in (f"/files/{above[-1]}", "/formgrader", "/formgrader/api/assignments"):
                assert get_url(f"{base}{url}?token={TOKEN}")[0] in (403, 404), url

            # first launch: the start page opens by itself (the server's default URL)
            driver.get(f"{base}/?token={TOKEN}")
            wait.until(lambda d: START_PAGE in " ".join(t.text for t in d.find_elements(
                By.CSS_SELECTOR, "#jp-main-dock-panel .lm-TabBar-tab")))
            wait.until(lambda d: "Start here: AWS Security Notebooks" in d.find_element(
                By.CSS_SELECTOR, ".jp-NotebookPanel").text)
            wait.until(lambda d: "| Idle" in d.find_element(By.CSS_SELECTOR, ".jp-StatusBar-Widget").text)
            driver.save_screenshot(str(ARTIFACTS / "start-page.png"))

            # the worked example: the practice answer "A" fails with a hint and one line; progress draws
            cells = driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Notebook .jp-Cell")
            answer = next(i for i, c in enumerate(cells) if "answer_0_1 =" in c.text)
            run_cell(driver, wait, cells[answer])
            run_cell(driver, wait, cells[answer + 1])
            table = wait.until(lambda _: cells[answer + 1].find_elements(By.CSS_SELECTOR, "table.aws-course-check"))
            assert "✘ FAIL" in table[0].text and "You chose option A" in table[0].text
            error = cells[answer + 1].find_element(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr']")
            assert "Question 0.1: 1 of 1 requirement not met" in error.text and "Traceback" not in error.text
            driver.save_screenshot(str(ARTIFACTS / "start-page-practice.png"))
            progress = next(c for c in cells if "show_progress()" in c.text)
            run_cell(driver, wait, progress)
            wait.until(lambda _: progress.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output"))
            assert not progress.find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr']")
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", progress)
            driver.save_screenshot(str(ARTIFACTS / "start-page-progress.png"))

            assert menu_items(driver, wait, "Nbgrader") == ["Assignment List"]
            left, right = sidebar_titles(driver, "left"), sidebar_titles(driver, "right")
            assert any(t.startswith("File Browser") for t in left), left
            assert not [t for t in left + right if "Create Assignment" in t or "Extension Manager" in t], (left, right)
            time.sleep(3)  # JupyterLab asks about news a moment after start, when it asks at all
            toasts = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".Toastify__toast"))
            assert "news" not in toasts.lower(), toasts

            # whole names in the file browser, also for the three parts of notebook 01
            listing = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-DirListing-content"))[0]
            wait.until(lambda _: "01-security-identity-compliance" in listing.text)
            assert truncated_names(driver) == []
            folder = next(e for e in driver.find_elements(By.CSS_SELECTOR, ".jp-DirListing-item")
                          if "01-security-identity-compliance" in e.text)
            ActionChains(driver).double_click(folder).perform()
            wait.until(lambda _: "part3" in listing.text)
            parts = [e.text.replace("\n", "") for e in driver.find_elements(By.CSS_SELECTOR, ".jp-DirListing-itemText")]
            assert [p for p in parts if "part" in p] == [
                f"01-security-identity-compliance-part{n}.ipynb" for n in (1, 2, 3)], parts
            assert truncated_names(driver) == []
            driver.save_screenshot(str(ARTIFACTS / "learner-file-browser.png"))


def test_instructor_profile_serves_the_course_with_every_nbgrader_tool(tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    course = private_course(tmp_path)
    env = lab_env(course, tmp_path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_lab(env, tmp_path / "lab.log", target="instructor") as (base, _), \
            chromium(tmp_path / "chromium") as driver:
        wait = WebDriverWait(driver, WAIT, poll_frequency=0.25)
        with screenshot_on_failure(driver, "instructor-profile"):
            status, body = get_url(f"{base}/api/contents/source/10-customer-engagement?token={TOKEN}")
            assert status == 200 and "10-customer-engagement.ipynb" in body

            driver.get(f"{base}/?token={TOKEN}")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-DirListing-content"))
            wait.until(lambda d: "source" in d.find_element(By.CSS_SELECTOR, ".jp-DirListing-content").text)
            items = menu_items(driver, wait, "Nbgrader")
            assert {"Assignment List", "Course List", "Formgrader"} <= set(items), items
            right = sidebar_titles(driver, "right")
            assert any("Create Assignment" in t for t in right), right
            driver.save_screenshot(str(ARTIFACTS / "instructor-lab.png"))

            # formgrader in its own tab, as the instructor guide says
            driver.get(f"{base}/formgrader?token={TOKEN}")
            wait.until(lambda d: "Manage Assignments" in d.find_element(By.TAG_NAME, "body").text)
            wait.until(lambda d: "10-customer-engagement" in d.find_element(By.TAG_NAME, "body").text)
            driver.save_screenshot(str(ARTIFACTS / "instructor-formgrader.png"))


def test_the_screenshots_folder_is_the_documented_one():
    assert ARTIFACTS == Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
