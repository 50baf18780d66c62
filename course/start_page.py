"""The learner's start page, ``my-work/00-start-here.ipynb``: what the course is, a practice check, the map
of notebooks, their progress and where to ask for help.

``aws-course lab`` writes it once, beside the learner's copies of ``release/`` (never over their copy). The
map of notebooks is read from each release notebook's own "Before you start" section (title, time,
prerequisites), so it says what the notebooks say. The practice question is not one of the course's
exercises: it is not graded and not counted in progress.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat

from course.exercises.checking import ExerciseFailed, show
from course.exercises.keys import make_key
from course.exercises.kinds.choice import SingleChoice
from course.exercises.model_answers import ModelAnswer, in_profile

SHARED_RESPONSIBILITY = "https://aws.amazon.com/compliance/shared-responsibility-model/"

PRACTICE = SingleChoice(
    id="0.1", title="Who patches the guest operating system of an EC2 instance?", points=0,
    answer_name="answer_0_1",
    options={
        "A": "AWS, because it runs the hardware and the hypervisor under the instance",
        "B": "The customer, because the guest operating system is theirs to manage",
        "C": "Nobody: Amazon EC2 applies operating system patches automatically",
    },
    explanations={
        "A": "AWS secures the hardware, the hypervisor and the facilities (security of the cloud), but on "
             "EC2 everything from the guest operating system up is the customer's to configure and patch.",
        "B": "EC2 is infrastructure as a service: AWS's shared responsibility page lists the guest operating "
             "system, its updates and security patches among the customer's tasks.",
        "C": "Nothing is patched for you on EC2; tools such as AWS Systems Manager Patch Manager can automate "
             "patching, but the customer has to set them up and choose the baselines.",
    },
    key=make_key("0.1", "B"),
)
PRACTICE_MODEL_ANSWER = 'answer_0_1 = "B"'


def practice_check(answer: Any) -> None:
    """``check`` for the practice question: the same table, the same one-line failure, the same offer of
    the model answer after a pass, but nothing is graded or counted."""
    __tracebackhide__ = True
    result = PRACTICE.check(answer)
    show(result)
    if not result.passed:
        raise ExerciseFailed(result.summary(), result.failure_line())
    if in_profile():
        show(ModelAnswer(PRACTICE.id, PRACTICE_MODEL_ANSWER, PRACTICE.explain("B")))


def _paragraph(text: str, label: str) -> str:
    """The paragraph of ``text`` that starts with ``**label:**``, on one line, without the label."""
    match = re.search(rf"^\*\*{re.escape(label)}:\*\*(.*?)(?:\n\s*\n|\Z)", text, re.M | re.S)
    return " ".join(match.group(1).split()) if match else ""


def notebook_map(release: Path) -> list[dict[str, str]]:
    """One entry per release notebook, in course order: its path under my-work/, title, time, prerequisites."""
    entries = []
    for path in sorted(release.glob("*/*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except (OSError, ValueError) as exc:  # a broken release notebook must not stop the lab from starting
            entries.append({"path": f"{path.parent.name}/{path.name}", "title": path.stem, "time": "",
                            "prerequisites": "", "error": str(exc)})
            continue
        first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
        text = "\n\n".join(c.source for c in nb.cells[:4] if c.cell_type == "markdown")
        title = next((line.lstrip("# ").strip() for line in first.splitlines() if line.startswith("# ")), path.stem)
        entries.append({"path": f"{path.parent.name}/{path.name}", "title": title,
                        "time": _paragraph(text, "Time"), "prerequisites": _paragraph(text, "Prerequisites")})
    return entries


INTRO = f"""# Start here: AWS Security Notebooks

This course teaches the security side of AWS, one notebook per group of services: identity and keys,
networks, storage, compute, databases, logging and governance, analytics, messaging, deployment pipelines,
email, virtual desktops and IoT. Each notebook explains how the services protect (or expose) data and then
asks you to apply it: write an IAM policy, judge which network connections a configuration allows, read
real log records to find an attacker.

Everything runs on your computer and **no AWS account is needed**. The exercises run against local models
of AWS, an IAM policy evaluator and a VPC reachability model that explain their decisions, and against real,
openly licensed log data. The models follow AWS's documented behaviour, and each notebook lists the AWS
documentation it relies on in its Sources section.

One idea helps in every notebook: AWS's [shared responsibility model]({SHARED_RESPONSIBILITY}). AWS is
responsible for the security *of* the cloud (the hardware, the software that runs its services, the
facilities); you are responsible for security *in* the cloud, and how much that is depends on the service
you choose. The practice question below is about exactly that.

Your notebooks are in the folders on the left, one per notebook of the course; notebook 01 has three parts.
They are your own copies: your answers stay in them, and new notebooks are added when the course is updated.
"""

HOW_CHECKS_WORK = """## How a question and a check work

Every question has a heading (its number, title and points), a cell where you write your answer, and a
**check cell** under it. Run your answer cell (Shift+Enter), then the check cell. The check prints a table:
each requirement your answer must meet, ✔ PASS or ✘ FAIL, and for a failure a hint that starts from what you
answered and says why it does not fit. It never gives the solution away. A failed check ends with one line
such as "✘ Question 0.1: 1 of 1 requirement not met — see the table above", not a long error.

Once you pass, the check offers the **model answer**, folded away under "Model answer for question …": open it
to compare with yours and read why it works. You will never see it before you pass.

Try it with the practice question below (it is not graded and does not count in your progress):

1. Run the next code cell as it is. The answer `"A"` is wrong: read the hint in the table.
2. Change the answer, run the answer cell again, then the check cell, until it passes.
3. Open the model answer under the table.

### Practice question 0.1 — Who patches the guest operating system of an EC2 instance? (not graded)

A team runs its web shop on an Amazon EC2 instance. A critical security update for the instance's Linux
kernel has just been published. Who is responsible for installing it?

- **A.** AWS, because it runs the hardware and the hypervisor under the instance
- **B.** The customer, because the guest operating system is theirs to manage
- **C.** Nobody: Amazon EC2 applies operating system patches automatically

Assign the letter of your choice, as a string, to `answer_0_1`.
"""

PROGRESS = """## Your progress

Run the cell below to see what you have passed so far, per notebook and question, read from the check cells
you last ran (nothing is sent anywhere). Run it again whenever you like; `aws-course progress` in a terminal
shows the same.
"""

HELP = f"""## Where to ask for help

- **A check fails and the hint does not help**: reread the notes above the question; the hint names the idea
  your answer misses. Compare with the model answer once you pass.
- **In a class**: ask your instructor or the course forum they gave you. They can also give you model answers
  if this installation has none.
- **Studying on your own**: the project's issue tracker (see README.md of the course repository) is the
  place for errors in the course, unclear questions and broken checks. For questions about AWS itself,
  [AWS re:Post](https://repost.aws/) is AWS's community question-and-answer site, and each notebook links the
  AWS documentation pages it draws on.
- **The lab itself**: the menu *Help › JupyterLab Reference* explains the interface; *Nbgrader › Assignment
  List* shows the assignments your instructor released and what you submitted.

Background reading: [AWS shared responsibility model]({SHARED_RESPONSIBILITY}).
"""


def _map_markdown(entries: list[dict[str, str]]) -> str:
    lines = ["## The notebooks", "",
             "In course order; each one's *Before you start* section says the same. Click a title to open it.", ""]
    for entry in entries:
        line = f"- **[{entry['title']}]({entry['path']})**"
        if entry["time"]:
            line += f" — {entry['time']}"
        if entry["prerequisites"]:
            line += f"<br>Before it: {entry['prerequisites']}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def build(release: Path) -> nbformat.NotebookNode:
    """The start page for the notebooks in ``release/``."""
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell(INTRO),
        v4.new_markdown_cell(HOW_CHECKS_WORK),
        v4.new_code_cell('from course.start_page import practice_check\n\nanswer_0_1 = "A"'),
        v4.new_code_cell("practice_check(answer_0_1)"),
        v4.new_markdown_cell(_map_markdown(notebook_map(release))),
        v4.new_markdown_cell(PROGRESS),
        v4.new_code_cell("from course.progress import show_progress\n\nshow_progress()"),
        v4.new_markdown_cell(HELP),
    ]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(path: Path, release: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(build(release), path)
    return path
