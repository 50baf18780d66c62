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
