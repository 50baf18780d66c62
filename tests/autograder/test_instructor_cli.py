"""The instructor's first minutes without a broken step (#17 item 7): a mistyped assignment is one line
with the valid names, the summary reads as a sentence, a wrong notebook is named for what it is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from conftest import ROOT

from autograder.cli import summary
from autograder.identify import looks_like, wrong_notebook_detail
from autograder.suggest import did_you_mean

AWS_COURSE = str(Path(sys.executable).parent / "aws-course")


def test_a_mistyped_assignment_is_one_line_with_the_valid_names_and_the_closest(tmp_path):
    proc = subprocess.run([AWS_COURSE, "grade", "10-customer-engagment", str(tmp_path)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "valid: 01-security-identity-compliance, 02-networking-content-delivery" in proc.stderr
    assert proc.stderr.rstrip().endswith("did you mean 10-customer-engagement?")


def test_did_you_mean_finds_typos_cut_names_and_numbers():
    names = ["03-storage", "10-customer-engagement", "12-internet-of-things"]
    assert did_you_mean("10-custmer-engagement", names) == "; did you mean 10-customer-engagement?"
    assert did_you_mean("storage", names) == "; did you mean 03-storage?"
    assert did_you_mean("12", names) == "; did you mean 12-internet-of-things?"
    assert did_you_mean("zebra", names) == ""


def test_the_summary_reads_as_a_sentence():
    line = summary("10-customer-engagement", ["graded"] * 3 + ["flagged"], 3, 1, 12.34, Path("grading/grades.csv"))
    assert line == ("10-customer-engagement: 4 submissions (3 new or changed, 1 unchanged since the last run) "
                    "in 12.3 s: 3 graded, 1 flagged for review. Grades in grading/grades.csv")
    one = summary("03-storage", ["failed"], 1, 0, 2.0, Path("g.csv"))
    assert one.startswith("03-storage: 1 submission (all new or changed) in 2.0 s: 1 failed")
    assert summary("03-storage", [], 0, 0, 0.1, Path("g.csv")) == "03-storage: no submissions found; nothing graded"


def test_a_wrong_notebook_is_named_for_what_it_is():
    storage = nbformat.read(ROOT / "release" / "03-storage" / "03-storage.ipynb", as_version=4)
    assert looks_like(storage, ROOT, "10-customer-engagement") == "03-storage"
    assert looks_like(storage, ROOT, "03-storage") is None
    detail = wrong_notebook_detail(storage, ROOT, "10-customer-engagement")
    assert detail is not None and detail.startswith("this looks like 03-storage, not 10-customer-engagement")
    assert "\n" not in detail and len(detail) < 200
    part = sorted((ROOT / "release" / "01-security-identity-compliance").glob("*.ipynb"))[1]
    assert looks_like(nbformat.read(part, as_version=4), ROOT, "10-customer-engagement") == \
        f"01-security-identity-compliance/{part.stem}"
    assert looks_like(nbformat.v4.new_notebook(), ROOT, "10-customer-engagement") is None


def test_the_batch_report_is_also_one_offline_html_page(tmp_path):
    import base64
    import io

    from autograder.assignment import load_assignment
    from autograder.outcome import Outcome
    from autograder.report import write_report

    whole = load_assignment(ROOT, "10-customer-engagement")
    rows = [Outcome(f"s{i}", whole.name, "h", "graded", float(i), whole.max_score, "ok") for i in range(3)]
    rows.append(Outcome("<b>x</b>", whole.name, "h", "failed", 0.0, whole.max_score, "kernel died <script>"))
    write_report(tmp_path, whole, rows)
    page = (tmp_path / "reports" / f"{whole.name}.html").read_text()
    assert "<script" not in page.replace("&lt;script&gt;", "") and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "http" not in page, "offline: nothing is fetched"
    encoded = page.split("data:image/png;base64,")[1].split("'")[0]
    image = base64.b64decode(encoded)
    assert image.startswith(b"\x89PNG") and image == (tmp_path / "reports" / f"{whole.name}-scores.png").read_bytes()
    from matplotlib import image as mpimg

    assert mpimg.imread(io.BytesIO(image)).shape[0] > 100


def test_counts_on_the_histogram_axis_are_whole_numbers():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from autograder import report

    seen = {}
    original = plt.close

    def keep(fig=None):
        seen["ticks"] = list(fig.axes[0].get_yticks()) if fig is not None else []
        original(fig)

    plt.close = keep
    try:
        report._plot([1.0, 2.0, 2.0], 10.0)
    finally:
        plt.close = original
    assert seen["ticks"] and all(float(t).is_integer() for t in seen["ticks"])


def test_feedback_names_questions_and_tells_how_to_answer_an_empty_one(tmp_path):
    from autograder.assignment import load_assignment
    from autograder.extract import not_answered
    from autograder.feedback import write_all
    from autograder.outcome import CellScore, Outcome, PartOutcome

    whole = load_assignment(ROOT, "10-customer-engagement")
    spec = whole.parts[0]
    check = spec.checks[0]
    cell = CellScore(check.grade_id, check.exercise_id, check.points, 0.0, False, None,
                     [{"error": not_answered(check.answer_name), "requirements": []}],
                     not_answered(check.answer_name))
    outcome = Outcome("ann", whole.name, "h", "graded", 0.0, whole.max_score, "ok",
                      [PartOutcome(spec.notebook_name, "graded", 0.0, spec.max_score, "ok", [cell])])
    (page,) = write_all(tmp_path, whole, [outcome])
    text = page.read_text()
    from course.exercises import all_exercises

    title = next(e.title for e in all_exercises() if e.id == check.exercise_id)
    import html

    assert f"Question {check.exercise_id} — {html.escape(title)}: " in text
    assert f"no answer: assign <code>{check.answer_name}</code> in the cell under the question" in text
