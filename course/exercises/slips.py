"""One calm line, in place of a traceback, for the two usual slips of a learner in a course notebook.

1. Running a check cell, ``check("2.2", answer_2_2)``, before the answer cell above it: Python raises
   ``NameError`` in the learner's kernel before ``check`` is even called, so ``check`` cannot catch it.
2. Running an answer cell that still holds nbgrader's stub, ``raise NotImplementedError()``.

Both are caught by an IPython custom exception handler that ``import course.exercises`` registers in a
Jupyter kernel (the setup cell of every notebook does that import), so no notebook carries extra code.
The error still happens: the cell's execute reply is an error, the saved output is an ``error`` output with
the same ``ename`` and ``evalue`` (which ``aws-course progress`` reads as "not run"), nbgrader gives the cell
no points, and the grader's in-kernel tripwire sees a failed check. Only the traceback text changes, which
is also what ``nbgrader validate`` prints. Every other exception keeps IPython's usual traceback.
"""

from __future__ import annotations

import linecache
import re
from types import TracebackType
from typing import Any

ANSWER_NAME = re.compile(r"answer_(\d+)_(\d+)")
STUB_LINE = "raise NotImplementedError()"


def answer_question(name: str) -> str | None:
    """``"2.2"`` for ``answer_2_2``; None for a name that is not an answer variable."""
    m = ANSWER_NAME.fullmatch(name)
    return f"{m.group(1)}.{m.group(2)}" if m else None


def undefined_answer_line(name: str) -> str | None:
    """The one line for a check that ran before its answer cell, or None if ``name`` is no answer variable."""
    question = answer_question(name)
    if question is None:
        return None
    return (f"Question {question} is not answered yet: run the cell with `{name} = …` above first, "
            "then run this check again.")


def _innermost_line(tb: TracebackType | None) -> tuple[str, str]:
    """(function name, source line) of the frame that raised."""
    if tb is None:
        return "", ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return code.co_name, linecache.getline(code.co_filename, tb.tb_lineno).strip()


def slip_line(value: BaseException, tb: TracebackType | None) -> str | None:
    """The one friendly line for ``value``, or None when it is not one of the usual slips."""
    if isinstance(value, NameError) and getattr(value, "name", None):
        return undefined_answer_line(str(value.name))
    if type(value) is NotImplementedError and not value.args:
        function, line = _innermost_line(tb)
        if function == "<module>" and line == STUB_LINE:  # raised by the cell itself, not by library code
            return (f"Not answered yet: replace `# YOUR CODE HERE` and `{STUB_LINE}` in this cell with your "
                    "answer, then run it.")
    return None


def _handler(shell: Any, etype: type[BaseException], value: BaseException, tb: TracebackType | None,
             tb_offset: int | None = None) -> None:
    """IPython's custom exception handler: one line for a slip, the usual traceback for anything else."""
    line = slip_line(value, tb)
    if line is not None:
        # IPython shows what _render_traceback_ returns in place of the traceback (also in saved outputs)
        value._render_traceback_ = lambda: [line]  # type: ignore[attr-defined]
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def install(shell: Any = None) -> bool:
    """Register the handler in the running Jupyter kernel; True if it was registered.

    Does nothing outside a kernel (a plain script, the test runner, the grader's own process), and never
    replaces a custom handler someone else registered.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with ipykernel
            return False
        shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    current = getattr(shell, "custom_exceptions", ())
    ours = (NameError, NotImplementedError)
    if current and tuple(current) != ours:
        return False
    shell.set_custom_exc(ours, _handler)
    return True
