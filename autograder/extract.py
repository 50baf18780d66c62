"""Answers leave the kernel as data: an injected cell writes ``to_data(answer)`` to a file in the
private work dir right after each check cell, under a name chosen per run.

Whatever the learner's code does to its own interpreter, all it can change is *which data* lands in
the file; the trusted checkers in the grader process then judge that data like any other answer.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from course.exercises.answers import UnsupportedAnswer, from_data
from course.exercises.slips import answer_question

MAX_ANSWER_BYTES = 5 * 1024 * 1024
EXTRACT_TAG = "autograder-extract"


class Extraction:
    """The per-run secret file names and the code of the injected cells."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.token = secrets.token_hex(12)

    def path(self, grade_id: str) -> Path:
        return self.workdir / f".answers-{self.token}-{grade_id}.json"

    def cell_source(self, grade_id: str, answer_name: str) -> str:
        path = str(self.path(grade_id))
        return (
            "def __autograder_extract(__name, __path):\n"
            "    import json as _j\n"
            "    from course.exercises.answers import to_data as _to_data\n"
            "    _g = globals()\n"
            "    if __name not in _g:\n"
            "        _text = _j.dumps({'missing': True, 'name': __name})\n"
            "    else:\n"
            "        try:\n"
            "            _text = _j.dumps({'data': _to_data(_g[__name])})\n"
            "        except BaseException as _e:\n"
            "            _text = _j.dumps({'error': f'{type(_e).__name__}: {_e}'[:500]})\n"
            "    with open(__path, 'w') as _f:\n"
            "        _f.write(_text)\n"
            f"__autograder_extract({answer_name!r}, {path!r})\n"
            "del __autograder_extract\n"
        )

    def read(self, grade_id: str) -> tuple[bool, Any, str | None]:
        """``(found, answer, problem)``: the decoded answer, or why there is none."""
        return read_answer(self.path(grade_id))


def not_answered(name: object) -> str:
    """Why a question scores 0 when its answer variable was never set (the kernel names it; only a name
    shaped like ``answer_N_M`` is repeated, the learner's code could write anything there)."""
    if isinstance(name, str) and answer_question(name) is not None:
        return (f"not answered: `{name}` was not defined when the notebook ran "
                f"(write your answer in the cell with `{name} = …` above the check)")
    return "not answered: the answer variable was not defined when the notebook ran"


def read_answer(path: Path) -> tuple[bool, Any, str | None]:
    """``(found, answer, problem)`` from one answer file (the trusted scorer's helper process calls this)."""
    if not path.is_file():
        return False, None, "the answer could not be read out of the kernel (the notebook stopped before it)"
    if path.stat().st_size > MAX_ANSWER_BYTES:
        return False, None, f"the answer is larger than {MAX_ANSWER_BYTES} bytes"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False, None, "the answer data is not valid JSON (or is nested too deeply)"
    if not isinstance(raw, dict):
        return False, None, "the answer data has an unexpected shape"
    if raw.get("missing"):
        return True, None, not_answered(raw.get("name"))
    if "error" in raw:
        return True, None, f"the answer cannot be graded: {str(raw['error'])[:300]}"
    try:
        return True, from_data(raw.get("data")), None
    except RecursionError:
        return False, None, "the answer data is nested too deeply to be decoded"
    except (UnsupportedAnswer, ValueError, TypeError, KeyError) as exc:
        return False, None, f"the answer data cannot be decoded: {exc}"[:300]
