"""nbgrader settings of the course (read by nbgrader and by `aws-course`).

The course directory is this repository: assignments live in source/ and release/. Student data
(submitted, autograded, feedback, the gradebook) goes to the grading workspace, a git-ignored
folder named by AWS_COURSE_WORKSPACE (default: grading/), never into the repository.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

_root = Path(__file__).resolve().parent
_workspace = Path(os.environ.get("AWS_COURSE_WORKSPACE", _root / "grading")).resolve()

c.CourseDirectory.course_id = "aws-security-notebooks"
c.CourseDirectory.root = str(_root)
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = str(_workspace / "submitted")
c.CourseDirectory.autograded_directory = str(_workspace / "autograded")
c.CourseDirectory.feedback_directory = str(_workspace / "feedback")
c.CourseDirectory.db_url = f"sqlite:///{_workspace / 'gradebook.db'}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Source notebooks are stored without outputs; the release never carries them either.
c.ClearOutput.enabled = True
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# A learner who deletes a test cell must not escape grading.
c.OverwriteCells.add_missing_cells = True

# Timeouts: a runaway cell must not stall a batch.
c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

c.Exchange.root = os.environ.get("AWS_COURSE_EXCHANGE", str(_workspace / "exchange"))
# `nbgrader collect` leaves out a submission made in another student's name (course/exchange.py)
c.ExchangeFactory.collect = "course.exchange.OwnerCheckedCollect"
