"""Intake: finding submissions and refusing, one ``failed`` row each, whatever cannot be graded safely.

``tree`` reads a folder or a .zip without following links, opening special files or inflating beyond a
budget; ``names`` holds the student-id rules (nbgrader's and its gradebook's); ``notebook`` validates the
bytes; ``collect`` knows the layouts and makes one :class:`Submission` per student.
"""

from autograder.intake.collect import IntakeError, Submission, SubmittedNotebook, collect, collect_tree, open_tree
from autograder.intake.names import id_problem, shown, storable
from autograder.intake.notebook import validate
from autograder.intake.tree import MAX_NOTEBOOK_BYTES, MAX_ZIP_BYTES, IntakeLimits, Refused

__all__ = ["MAX_NOTEBOOK_BYTES", "MAX_ZIP_BYTES", "IntakeError", "IntakeLimits", "Refused", "Submission",
           "SubmittedNotebook", "collect", "collect_tree", "id_problem", "open_tree", "shown", "storable", "validate"]
