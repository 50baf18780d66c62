"""The exercise framework: a registry of exercises, their checkers, and ``check`` for learners.

A notebook's check cell calls ``check("10.2", answer_10_2)``; the checker is a tested function in
this package, so notebooks stay thin. Hidden test cells call the same ``check`` with extra cases
as plain data: ``check("10.2", answer_10_2, hidden=[...])``.

Importing this package in a Jupyter kernel (every notebook's setup cell does) also registers
:mod:`course.exercises.slips`: a check run before its answer cell says so in one line, not a traceback.
"""

from course.exercises.answers import from_data, to_data
from course.exercises.base import Exercise, MalformedAnswer
from course.exercises.checking import ExerciseFailed, check, evaluate, variant
from course.exercises.keys import make_key
from course.exercises.kinds.choice import (
    MultipleChoice,
    Ordering,
    Precedence,
    SingleChoice,
    choice_keys,
    precedence_key,
)
from course.exercises.kinds.network import Flow, NetworkExercise, Option, Options, Slot, Slots
from course.exercises.kinds.policy import PolicyCase, PolicyExercise, set_policy_evaluator
from course.exercises.kinds.value import MappingMatch, Part, TableMatch, ValueMatch, part_key, table_keys
from course.exercises.registry import all_exercises, get, register
from course.exercises.results import CheckResult, Requirement
from course.exercises.slips import install as _install_slip_messages

__all__ = [
    "CheckResult", "Exercise", "ExerciseFailed", "Flow", "MalformedAnswer", "MappingMatch", "MultipleChoice",
    "NetworkExercise", "Option", "Options", "Ordering", "Part", "PolicyCase", "PolicyExercise", "Precedence",
    "Requirement", "SingleChoice", "Slot", "Slots", "TableMatch", "ValueMatch", "all_exercises",
    "check", "choice_keys", "evaluate", "from_data", "get", "make_key", "part_key", "precedence_key", "register",
    "set_policy_evaluator", "table_keys", "to_data", "variant",
]

_install_slip_messages()  # a no-op outside a Jupyter kernel
