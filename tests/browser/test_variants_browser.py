"""Two learners open notebook 02 in real JupyterLab (Debian's Chromium through Selenium) and run the cell that
shows their values for question 2.11: each sees their own variant, and the two differ (issue #19).

The first learner's lab has ``AWS_COURSE_STUDENT`` set (what a hub or the grader gives a kernel); the second
is an instructor's preview, ``make lab ARGS="--variant 7"`` (``aws-course lab --variant 7``). Each lab runs on
its own private copy of the course, one after the other (two cores). Screenshots go to
test-artifacts/browser/variants-*.png.
"""

from __future__ import annotations

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

from course.exercises import get
from course.exercises.variants import STUDENT_VARIABLE, preview_identity

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]
NOTEBOOK = "02-networking-content-delivery/02-networking-content-delivery.ipynb"
LEARNERS = (("learner-ann", {STUDENT_VARIABLE: "learner-ann"}, ""),
            (preview_identity("7"), {}, "--variant 7"))


def cell_indexes(course: Path) -> tuple[int, int, int]:
    """The setup cell, the cell that shows question 2.11's values, and the number of cells (release notebook)."""
    nb = nbformat.read(course / "release" / NOTEBOOK, as_version=4)
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "") for c in nb.cells]
    shows = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and 'variant("2.11")' in c.source)
    return ids.index("02-setup"), shows, len(nb.cells)


def seen_by(tmp: Path, identity: str, env_extra: dict[str, str], lab_args: str) -> str:
    """Open notebook 02 as ``identity`` in its own lab, run the setup and the 2.11 values cell; the table's text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    course = private_course(tmp)
    env = lab_env(course, tmp, {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}})
    env.pop(STUDENT_VARIABLE, None)
    env.pop("JUPYTERHUB_USER", None)
    env.update(env_extra)
    setup, shows, count = cell_indexes(course)
    name = identity.replace("/", "-")
    with running_lab(env, tmp / "lab.log", extra=lab_args) as (base, _), chromium(tmp / "profile") as browser, \
            screenshot_on_failure(browser, f"variants-{name}"):
        wait = WebDriverWait(browser, WAIT, poll_frequency=0.25)

        def cell(index: int):
            return browser.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Notebook .jp-Cell")[index]

        def run(index: int) -> None:
            editor = cell(index).find_element(By.CSS_SELECTOR, ".cm-content")
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", editor)
            editor.click()
            editor.send_keys(Keys.SHIFT, Keys.ENTER)

        browser.get(f"{base}/lab/tree/{NOTEBOOK}?token={TOKEN}")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Notebook .jp-Cell")))
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Notebook .jp-Cell"))
                   == count)
        wait.until(lambda d: "| Idle" in d.find_element(By.CSS_SELECTOR, ".jp-StatusBar-Widget").text)
        def finished(index: int) -> None:
            wait.until(lambda _: cell(index).find_element(By.CSS_SELECTOR, ".jp-InputPrompt").text.strip()
                       not in ("[ ]:", "[*]:", ""))

        run(setup)
        finished(setup)
        run(shows)
        finished(shows)  # the table, then the flow's explanation and the drawing
        table = wait.until(lambda _: cell(shows).find_elements(By.CSS_SELECTOR, "table.aws-course-variant"))[0]
        text = table.text
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", table)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / f"variants-{name}.png"))
        errors = cell(shows).find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr']")
        assert not [e for e in errors if "Error" in e.text], [e.text for e in errors]
    return text


def test_two_learners_see_their_own_different_values_for_question_2_11(tmp_path_factory):
    family = get("2.11").variants
    seen = {}
    for identity, env_extra, lab_args in LEARNERS:
        text = seen_by(tmp_path_factory.mktemp("variants"), identity, env_extra, lab_args)
        values = family.values("2.11", identity)
        assert f"variant for {identity}" in text, text
        for field in ("partner_cidr", "office_cidr", "stream_listener", "admin_port"):
            assert f"v.{field}" in text and str(getattr(values, field)) in text, (field, text)
        seen[identity] = (values.partner_cidr, values.office_cidr, values.stream_listener, values.admin_port)
    first, second = seen.values()
    assert first != second, "the two learners' values for 2.11 differ"
