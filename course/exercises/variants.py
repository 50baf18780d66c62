"""Per-learner variants: each learner gets their own numbers for a question, and is graded against them.

**Identity.** A learner's variant comes from a stable identity, first found of:

1. ``AWS_COURSE_STUDENT``: set by the autograder for the kernel that runs a submission (the submission's
   student id) and by ``aws-course lab --variant N`` (an instructor's preview);
2. ``JUPYTERHUB_USER``: on a JupyterHub, the nbgrader student id;
3. for self-study, a local id created once in ``my-work/.aws-course-id`` (``aws-course progress`` shows it;
   a learner who hands in notebooks under a student id writes that id into the file);
4. none: the question's authored (default) scenario, what tests and the instructor's source notebooks use.

:data:`AUTHORED` is a reserved identity whose variant is the authored scenario too: same-answer detection
compares an answer with the authored question through it (``autograder.same_answer``), and the intake refuses
it as a student id (``autograder.intake.names.id_problem``), so no learner's variant can be taken for it.

The grader never uses this lookup: its trusted scorer passes the submission's student id explicitly
(``evaluate(..., identity=student_id)``), so nothing the notebook sets in its own kernel can choose the
variant that is graded.

**Seed.** ``HMAC-SHA256(key=course id, message=question id + identity)``: stable for a learner, different per
question, and a new course id re-deals every variant.

**Families.** A question that varies is built per variant by a :class:`VariantFamily`: ``scenario(seed)``
gives the scenario values (a frozen :class:`Scenario` dataclass), ``build(values)`` the exercise for them and
``model(values)`` its model answer. The registered exercise is the default scenario's, with ``variants`` set.
Hidden test cells stay literal data: a string ``"${name}"`` in them is replaced by the field ``name`` of the
learner's scenario (the value itself when the string is only the placeholder, so ports stay numbers).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import html
import os
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from course.exercises.base import Exercise

COURSE_ID = "aws-security-notebooks"
STUDENT_VARIABLE = "AWS_COURSE_STUDENT"
HUB_VARIABLE = "JUPYTERHUB_USER"
ROOT_VARIABLE = "AWS_COURSE_ROOT"
WORK_DIR = "my-work"
ID_FILE = ".aws-course-id"
PREVIEW_PREFIX = "preview-"
AUTHORED = "authored-question"  # reserved: the authored scenario's identity (never a student id)
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
T = TypeVar("T")
CURRENT = object()  # evaluate()'s default identity: whoever this kernel's learner is


class UnknownIdentity(LookupError):
    """A variant was asked for an identity that is empty (the grader refuses to guess one)."""


@dataclass(frozen=True)
class Identity:
    """Who the variant is for; ``name`` None means no identity (the authored scenario)."""

    name: str | None
    source: str


_PINNED: list[Identity] = []


@contextmanager
def pinned(name: str | None, source: str = "pinned by the caller") -> Iterator[Identity]:
    """Use ``name`` as this process's identity inside the block (mutation testing, tests, previews)."""
    identity = Identity(name, source)
    _PINNED.append(identity)
    try:
        yield identity
    finally:
        _PINNED.pop()


def work_folder(start: Path | None = None) -> Path | None:
    """The learner's ``my-work/`` folder: under ``$AWS_COURSE_ROOT`` (the lab sets it), else the working
    directory or a parent of it named ``my-work``."""
    root = os.environ.get(ROOT_VARIABLE)
    if root and (Path(root) / WORK_DIR).is_dir():
        return Path(root) / WORK_DIR
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if folder.name == WORK_DIR:
            return folder
    return None


def local_identity(folder: Path, create: bool = True) -> str | None:
    """The id in ``folder/.aws-course-id``, written once (``local-`` and 10 random hex digits) when missing."""
    path = folder / ID_FILE
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        text = ""
    except OSError:
        return None
    if text:
        return text.splitlines()[0].strip()
    if not create:
        return None
    new = f"local-{secrets.token_hex(5)}"
    try:
        with open(path, "x", encoding="utf-8") as out:  # never overwrite one written meanwhile
            out.write(new + "\n")
    except FileExistsError:
        return local_identity(folder, create=False)
    except OSError:
        return None
    return new


def current_identity(create: bool = True) -> Identity:
    """The identity of this kernel's learner (see the module docstring for the order)."""
    if _PINNED:
        return _PINNED[-1]
    for variable, source in ((STUDENT_VARIABLE, f"${STUDENT_VARIABLE}"), (HUB_VARIABLE, "your JupyterHub user")):
        value = os.environ.get(variable, "").strip()
        if value:
            return Identity(value, source)
    folder = work_folder()
    if folder is not None:
        name = local_identity(folder, create)
        if name:
            return Identity(name, f"your local id ({WORK_DIR}/{ID_FILE})")
    return Identity(None, "no identity found: the question's default scenario")


def preview_identity(n: str) -> str:
    """``aws-course lab --variant N``: a number previews variant N, anything else is taken as a student id."""
    n = str(n).strip()
    if not n:
        raise ValueError("--variant needs a number or a student id")
    return f"{PREVIEW_PREFIX}{int(n)}" if n.isdigit() else n


def seed(question_id: str, identity: str, course_id: str = COURSE_ID) -> int:
    """The keyed hash of course id, question id and identity, as a 64-bit number."""
    if not identity:
        raise UnknownIdentity(f"question {question_id}: no identity to choose a variant for")
    message = f"{question_id}\x1f{identity}".encode()
    return int.from_bytes(hmac.new(course_id.encode(), message, hashlib.sha256).digest()[:8], "big")


@dataclass(frozen=True, repr=False)
class Scenario:
    """Base of a question's variant data: subclasses are ``@dataclass(frozen=True, repr=False)`` (so that
    Jupyter shows the table, not a dataclass repr). A field's ``metadata["about"]`` says what it is; the
    notebook shows the fields as a small table (the learner uses ``v.<field>``)."""

    question_id: str = field(default="", kw_only=True, metadata={"hidden": True})
    identity: str | None = field(default=None, kw_only=True, metadata={"hidden": True})

    def rows(self) -> list[tuple[str, str, str]]:
        return [(f.name, _shown(getattr(self, f.name)), f.metadata.get("about", ""))
                for f in dataclasses.fields(self)
                if not f.metadata.get("hidden")]

    def caption(self) -> str:
        who = self.identity if self.identity is not None else "the default scenario"
        return f"Your values for question {self.question_id} (variant for {who})"

    def extra_html(self) -> str:
        return ""

    def extra_text(self) -> str:
        return ""

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(f"<tr><td><code>v.{esc(name)}</code></td><td><code>{esc(value)}</code></td>"
                       f"<td>{esc(about)}</td></tr>" for name, value, about in self.rows())
        return (f'<table class="aws-course-variant" aria-label="{esc(self.caption())}">'
                f'<caption style="text-align:left"><strong>{esc(self.caption())}</strong></caption>'
                "<thead><tr><th>name</th><th>value</th><th>meaning</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>{self.extra_html()}")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's text/plain: the table, not the dataclass's repr."""
        printer.text(str(self))

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        width = max((len(name) for name, _, _ in self.rows()), default=0) + 2
        lines = [self.caption()] + [f"  v.{name:<{width}} {value:<20} {about}".rstrip()
                                    for name, value, about in self.rows()]
        extra = self.extra_text()
        return "\n".join(lines) + (f"\n{extra}" if extra else "")


@dataclass(frozen=True)
class OptionList:
    """The options of a question in the order this learner sees them (letters shuffled per learner)."""

    question_id: str
    options: tuple[tuple[str, str], ...]

    def _repr_html_(self) -> str:
        esc = html.escape
        items = "".join(f"<li><strong>{esc(letter)}.</strong> {_inline_code(text)}</li>"
                        for letter, text in self.options)
        return (f'<div class="aws-course-options"><p><strong>Options of question {esc(self.question_id)}</strong> '
                f'(in your order: answer with these letters)</p><ul style="list-style:none">{items}</ul></div>')

    def __str__(self) -> str:
        return "\n".join([f"Options of question {self.question_id} (in your order: answer with these letters):"]
                         + [f"  {letter}. {text}" for letter, text in self.options])

    __repr__ = __str__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def _inline_code(text: str) -> str:
    """``text`` escaped for HTML, with its Markdown code spans (`iam:PassRole`) shown as code."""
    parts = html.escape(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show the text as written
        return html.escape(text)
    return "".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts))


def options_of(exercise: Any) -> OptionList | None:
    """The lettered options of ``exercise`` (a network question's ``form`` or a choice question), if any."""
    form = getattr(exercise, "form", exercise)
    options = getattr(form, "options", None)
    if not isinstance(options, dict) or not options:
        return None
    return OptionList(exercise.id, tuple((letter, str(getattr(option, "text", option)))
                                         for letter, option in sorted(options.items())))


@dataclass(frozen=True, repr=False)
class OptionOrder(Scenario):
    """A choice question's only variant data: its authored option letters in the order this learner sees them
    (``order[i]`` is shown as letter i: A, B, C...). The notebook shows the options, not a table of values."""

    order: tuple[str, ...] = field(default=(), metadata={"about": "option order", "hidden": True})

    def letter(self, authored: str) -> str:
        """The letter this learner sees for the authored option ``authored`` (a single-choice answer)."""
        key = str(authored).strip().upper()
        if key not in self.order:
            raise ValueError(f"question {self.question_id} has no option {authored!r} "
                             f"(its options are {', '.join(sorted(self.order))})")
        return _letter_at(self.order.index(key))

    def letters(self, *authored: str) -> set[str]:
        """The letters this learner sees for the authored options ``authored`` (a multiple-choice answer)."""
        return {self.letter(letter) for letter in authored}

    def caption(self) -> str:
        who = self.identity if self.identity is not None else "the default scenario"
        return f"Question {self.question_id}: the options in your order (variant for {who})"

    def _repr_html_(self) -> str:
        return f'<p class="aws-course-variant">{html.escape(self.caption())}</p>'

    def __str__(self) -> str:
        return self.caption()


def _letter_at(index: int) -> str:
    return chr(ord("A") + index)


def relettered(by_letter: dict[str, T], order: tuple[str, ...]) -> dict[str, T]:
    """``by_letter`` (keyed by authored letters) keyed by the letters a learner sees: ``order[i]`` becomes
    letter i. Letters missing from ``by_letter`` (an option without an explanation) stay missing."""
    return {_letter_at(i): by_letter[letter] for i, letter in enumerate(order) if letter in by_letter}


_MENTION = re.compile(r"\b([Oo]ptions? )([A-Z](?:(?:, | and | or )[A-Z])*)\b")


def mentions_relettered(text: str, order: tuple[str, ...]) -> str:
    """``text`` with its mentions of authored options ("option C", "options A and D") in the learner's letters."""
    shown = {letter: _letter_at(i) for i, letter in enumerate(order)}

    def swap(match: re.Match[str]) -> str:
        letters = re.sub(r"\b[A-Z]\b", lambda m: shown.get(m.group(0), m.group(0)), match.group(2))
        return match.group(1) + letters

    return _MENTION.sub(swap, text)


def _shown(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    return str(value)


S = TypeVar("S", bound=Scenario)


@dataclass(eq=False)
class VariantFamily:
    """How one question varies: the authored ``default`` scenario, ``scenario(seed)`` for a learner's, the
    exercise ``build`` makes for a scenario, and the ``model`` answer for it."""

    default: Scenario
    scenario: Callable[[int], Scenario]
    build: Callable[[Any], Exercise]
    model: Callable[[Any], Any]
    _built: dict[Any, Exercise] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        kind = type(self.default)
        if "__repr__" in kind.__dict__:
            raise TypeError(f"{kind.__name__}: declare a scenario with @dataclass(frozen=True, repr=False)")

    def values(self, question_id: str, identity: str | None) -> Scenario:
        """The scenario of ``identity`` (None or :data:`AUTHORED`: the default scenario); an empty identity is
        refused."""
        if identity is None or identity == AUTHORED:
            values, identity = self.default, None
        else:
            values = self.scenario(seed(question_id, identity))
        return dataclasses.replace(values, question_id=question_id, identity=identity)

    def exercise(self, values: Scenario) -> Exercise:
        """The question for ``values`` (built once per scenario)."""
        key = dataclasses.replace(values, question_id="", identity=None)
        if key not in self._built:
            if len(self._built) > 256:
                self._built.clear()
            self._built[key] = self.build(key)
        return self._built[key]

    def in_default_terms(self, values: Scenario, text: str) -> str:
        """``text`` about ``values``' variant, said of the default scenario: its values (ports, CIDRs, names)
        and option letters replaced by the default's, so that a mutant of any variant is recognised by the
        description the reviewed file gives it for the default scenario."""
        swaps: dict[str, str] = {}
        for f in dataclasses.fields(values):
            mine, theirs = getattr(values, f.name), getattr(self.default, f.name)
            if f.name in ("question_id", "identity", "order") or not isinstance(mine, (str, int)):
                continue
            if str(mine) != str(theirs) and str(mine):
                swaps[str(mine)] = str(theirs)
        if swaps:
            pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, sorted(swaps, key=len, reverse=True)))
                                 + r")(?![\w])")
            text = pattern.sub(lambda m: swaps[m.group(1)], text)
        order = getattr(values, "order", None)
        if order:
            # "option C" (feedback, network mutants) and a choice mutant's "choose C", "add C", "leave out C"
            text = re.sub(r"\b(option|choose|add|leave out) ([A-Z])\b",
                          lambda m: f"{m.group(1)} {order[ord(m.group(2)) - ord('A')]}"
                          if ord(m.group(2)) - ord("A") < len(order) else m.group(0), text)
        return text

    def registered(self) -> Exercise:
        """The exercise to register: the default scenario's, carrying this family."""
        exercise = self.build(self.default)
        exercise.variants = self
        return exercise


def fill(data: Any, values: Scenario, where: str = "hidden data") -> Any:
    """``data`` with every ``"${name}"`` replaced by the scenario's field ``name``."""
    if isinstance(data, str):
        whole = _PLACEHOLDER.fullmatch(data)
        if whole:
            return _field(values, whole.group(1), where)
        return _PLACEHOLDER.sub(lambda m: str(_field(values, m.group(1), where)), data)
    if isinstance(data, list):
        return [fill(item, values, where) for item in data]
    if isinstance(data, tuple):
        return tuple(fill(item, values, where) for item in data)
    if isinstance(data, dict):
        return {fill(k, values, where): fill(v, values, where) for k, v in data.items()}
    return data


def _field(values: Scenario, name: str, where: str) -> Any:
    if not hasattr(values, name) or name.startswith("_"):
        raise ValueError(f"{where}: the placeholder ${{{name}}} names no field of question "
                         f"{values.question_id}'s scenario")
    return getattr(values, name)


def resolve(exercise: Exercise, identity: str | None | object, hidden: Any) -> tuple[Exercise, Any]:
    """The exercise and hidden data of ``identity``'s variant (``CURRENT``: this kernel's learner)."""
    family = exercise.variants
    if family is None:
        return exercise, hidden
    name = current_identity().name if identity is CURRENT else identity
    if name is not None and not isinstance(name, str):
        raise UnknownIdentity(f"question {exercise.id}: the identity must be a string, got {type(name).__name__}")
    values = family.values(exercise.id, name)
    return family.exercise(values), fill(hidden, values, f"question {exercise.id}'s hidden data")


def shuffled(letters: list[str], seed_value: int) -> tuple[str, ...]:
    """A permutation of ``letters`` drawn from ``seed_value`` (the order a learner sees the options in)."""
    import random

    order = list(letters)
    random.Random(seed_value).shuffle(order)
    return tuple(order)


def fits_another(question_id: str, answer: Any, own: str, others: list[str], hidden: Any = None, *,
                 calls: list[Any] | None = None) -> list[str]:
    """The identities among ``others`` whose variant ``answer`` earns full marks on, when it does not on
    ``own``'s: evidence of a copied answer (a copy usually fits the neighbour's variant), never a verdict.

    ``calls``: the hidden data of each call of a check cell (full marks means full on every call); by default
    the one call with ``hidden``. The core of same-answer detection (``autograder.same_answer``).
    """
    from course.exercises.checking import evaluate

    every = list(calls) if calls else [hidden]

    def full(identity: str) -> bool:
        return all(evaluate(question_id, answer, h, identity=identity).score >= 1.0 for h in every)

    if full(own):
        return []
    return [other for other in others if other != own and full(other)]
