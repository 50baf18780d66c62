"""Student ids: what the intake accepts, and a safe way to show a name it refuses.

An accepted id is used unchanged as nbgrader's student id, a folder name (``autograded/<id>``,
``feedback/<id>``), a CSV field and a primary key in the gradebook, so the rules are the strictest of those:
nbgrader refuses ``+`` and ``*`` in ids (its exchange splits on ``+``, ``student_id`` is a file glob), its
gradebook stores ids in ``varchar(128)`` columns (``Student.id``, ``SubmittedAssignment.student_id``), and
the layout words below are folders of the course, not students. Nothing is normalised: a name that breaks a
rule is refused with the rule it breaks, so two names can never silently become one id.
"""

from __future__ import annotations

import hashlib
import re

from autograder.same_answer import SAMPLE_PREFIX
from course.exercises.variants import AUTHORED

MAX_ID_CHARS = 128  # nbgrader.api.Student.id is String(128)
ALLOWED = "letters A-Z and a-z, digits, and _ . @ - (not first: .)"
_ID = re.compile(r"[A-Za-z0-9_@-][A-Za-z0-9_.@-]*")
# nbgrader's course folders and the exchange's: a student named like one would be taken for the layout
RESERVED = frozenset({"submitted", "autograded", "feedback", "release", "source", "exchange", "inbound",
                      "outbound", "cache", "reports", "__macosx"})
MAX_SHOWN_BYTES = 200  # a row id is also a folder name (feedback/<id>): well under the usual 255-byte limit


def id_problem(student_id: str) -> str | None:
    """Why ``student_id`` cannot be a student id (in nbgrader and its gradebook), or None when it can."""
    if not student_id:
        return "an empty student id"
    if len(student_id) > MAX_ID_CHARS:
        return (f"the student id is {len(student_id)} characters long; the gradebook stores at most "
                f"{MAX_ID_CHARS} (nbgrader's varchar({MAX_ID_CHARS}))")
    if not student_id.isascii():
        return f"the student id {shown(student_id)!r} is not ASCII (allowed: {ALLOWED})"
    if not _ID.fullmatch(student_id):
        bad = sorted({c for c in student_id if not re.fullmatch(r"[A-Za-z0-9_.@-]", c)})
        what = f"the characters {' '.join(repr(c) for c in bad)}" if bad else "a leading '.'"
        return f"the student id {shown(student_id)!r} has {what} (allowed: {ALLOWED})"
    if student_id.lower() in RESERVED:
        return f"the student id {student_id!r} is a reserved folder name of nbgrader's course layout"
    if student_id.lower() == AUTHORED:
        return (f"the student id {student_id!r} is reserved: same-answer detection uses it for the authored "
                "question (the instructor's version in source/), so a learner under it would be graded and "
                "compared as the authored question; rename the submission")
    if re.fullmatch(re.escape(SAMPLE_PREFIX) + r"\d+", student_id.lower()):
        return (f"the student id {student_id!r} is reserved: same-answer detection names the sample variants it "
                f"compares answers with {SAMPLE_PREFIX}N, and a learner under such an id would have one of their "
                "variants; rename the submission")
    return None


def storable(student_id: str) -> bool:
    """Whether the gradebook may hold this id (refused ids get a CSV and ledger row only)."""
    return id_problem(student_id) is None


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(name: bytes | str) -> str:
    """``name`` made printable and safe as one folder name: bytes that are not UTF-8, control characters,
    ``/`` and ``\\`` escaped (``\\xff``), at most ``MAX_SHOWN_BYTES`` bytes (cut names end in a hash)."""
    text = name.decode("utf-8", "surrogateescape") if isinstance(name, bytes) else name
    out = "".join(c if c.isprintable() and c not in "/\\" else _escape(c) for c in text)
    if out in ("", ".", ".."):
        out = "".join(_escape(c) for c in out) or "(empty name)"
    return cap(out)


def cap(text: str) -> str:
    """Printable ``text`` cut to ``MAX_SHOWN_BYTES`` bytes; a cut one ends in a hash of the whole, so two
    different names stay different."""
    if len(text.encode("utf-8", "surrogateescape")) <= MAX_SHOWN_BYTES:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    cut = text
    while len(cut.encode("utf-8", "surrogateescape")) > MAX_SHOWN_BYTES - 16:
        cut = cut[: max(1, len(cut) - 8)]
    return f"{cut}…{digest}"
