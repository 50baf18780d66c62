"""Mutation testing of the checkers (issue #15): would a subtly wrong answer still earn full marks?

For every gradable question the model answer is read from its source notebook (``solutions``), mutated
by kind (``policy``, ``network``, ``detector``, ``values``), and each mutant is scored as the autograder
scores a submission, with the check cell's hidden cases (``runner``). Survivors must be killed or
recorded as equivalent, with a reason, in ``equivalent.yaml`` (``reviewed``). ``aws-course check-checkers`` runs it
and prints the table (``render``); ``tests/test_mutation.py`` is the gate in ``make test``.
"""

from course.mutation.base import Mutant
from course.mutation.reviewed import Reviewed, ReviewedFileError
from course.mutation.runner import ExerciseReport, MutationError, Report, run
from course.mutation.solutions import SolutionError

__all__ = ["ExerciseReport", "Mutant", "MutationError", "Report", "Reviewed", "ReviewedFileError",
           "SolutionError", "run"]
