"""Same-answer detection (issue #19): answers that score below full on their learner's own variant but full on
another learner's variant of the same question, which is what a copied answer usually looks like.

It is evidence for the instructor, never a verdict and never a penalty: scores are unchanged, the gradebook is
not touched, and the batch report says how likely a coincidence is. A pair whose coincidence is unlikely is
``flagged`` in ``grades.csv`` (a derived annotation, rebuilt with every CSV, so it follows re-gradings).

**How.** The trusted scorer keeps each answer to a varying question as data (:func:`kept_answer`, stored in the
ledger with the cell's score). After a batch, :func:`find` takes every result of the assignment (all runs),
and for each distinct below-full answer asks the scorer's budgeted helper process (never the learner's kernel,
never the grader's own process) which of the assignment's learners' variants it fits
(:func:`course.exercises.variants.fits_another`). Only the batch's identities are compared; identical answers
are checked once; each request is a chunk within the helper's time budget; the total is capped.

**How likely a coincidence is.** Some answers fit many variants (a set of option letters is the right answer
for one variant in 21 or 35; a single letter for one in four). So an answer that fits another learner's
variant is also tried on sample variants: ``p`` = (fits + 1) / (samples + 1) estimates how often it fits a
variant by chance, and a pair's expected number of coincidences in the batch is ``(learners - 1) x`` the product
of ``p`` over the questions the pair shares. A pair is flagged when that is at most :data:`CHANCE`; the others are
listed in the report as weaker matches. Samples grow (up to :data:`MAX_SAMPLES`) only while a pair is undecided
and the answer not clearly common.

**The authored question.** Every below-full answer is also compared with the authored question (the one in
``source/``, whose model answers are public and which the instructor's notebooks show), as one more "other": the
reserved identity :data:`course.exercises.variants.AUTHORED`, inside the same requests, chunks and cap. A learner
whose answers fit it is a finding of its own kind (:attr:`Pair.authored`): they may have worked in the
instructor's notebook or copied its published solution. It is one comparison, not ``learners - 1``, so the
expected number of coincidences is the product of ``p`` over the fitting questions times the number of ways to
pick that many of the learner's compared answers (``comb(n, k)``: a learner with many wrong answers has more
chances for one to fit by chance); flagged at the same :data:`CHANCE`, and only on two or more questions unless
the one answer fit none of the sample variants (:func:`_authored_enough`): an honest learner's letters can land on
the authored ones (A and B, A to D are natural guesses) more often than random variants suggest, addresses and
ports do not.
"""

from __future__ import annotations

import functools
import json
import math
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder.atomic import write_atomic
from autograder.outcome import Outcome
from course.exercises.variants import AUTHORED

if TYPE_CHECKING:  # the scorer's helper imports this module: no nbgrader there
    from autograder.assignment import Assignment

MAX_KEPT_ANSWER_BYTES = 64 * 1024  # a larger answer is not kept, so not compared
FIRST_SAMPLES = 200  # sample variants an answer that fits another learner's is tried on first
MAX_SAMPLES = 10_000
COMMON = 5  # sample fits that show an answer is common: no more samples
GROW_ROUNDS = 4
CHUNK = 100  # evaluations per request to the helper at most (each request has the helper's time budget)
CHANCE = 0.05  # flag a pair when fewer coincidences than this are expected in the batch
DEFAULT_LIMIT = 200_000  # evaluations per batch; AUTOGRADER_SAME_ANSWER_LIMIT overrides (0: no comparison)
FILE = "same-answer.json"  # in the workspace: the latest findings per assignment
SAMPLE_PREFIX = "sample-variant-"
METHOD = 2  # of the comparison: saved findings of an older method are not reused (2: the authored question too)


# --- the helper side (autograder.scorer's process) -------------------------------------------------------

def kept_answer(exercise_id: str, answer: Any) -> Any:
    """``answer`` as data when question ``exercise_id`` varies per learner and the data is small, else None."""
    from course.exercises.answers import to_data
    from course.exercises.registry import get

    try:
        if get(exercise_id).variants is None:
            return None
        data = to_data(answer)
        return data if len(json.dumps(data)) <= MAX_KEPT_ANSWER_BYTES else None
    except Exception:  # noqa: BLE001 - not kept means not compared, the score is unaffected
        return None


def fits_reply(request: dict[str, Any]) -> dict[str, Any]:
    """Which of ``request["others"]`` the answer fits (full marks on every hidden call), when it does not fit
    ``request["own"]``; a checker error is a problem, not a crash."""
    from course.exercises.answers import from_data
    from course.exercises.variants import fits_another

    try:
        answer = from_data(request["answer"])
        fits = fits_another(request["exercise_id"], answer, request["own"], list(request["others"]),
                            calls=list(request.get("hidden") or []) or None)
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - one answer's comparison, not the batch
        return {"problem": f"{type(exc).__name__}: {exc}"[:300]}
    return {"fits": fits}


# --- the grader side ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fit:
    """One question on which ``student``'s answer fits ``other``'s variant."""

    question: str
    grade_id: str
    identical: bool  # the very answer ``other`` handed in
    sample_fits: int  # how many of ``samples`` sample variants the answer also fits
    samples: int

    @property
    def p(self) -> float:
        """How often the answer fits a variant by chance (estimated, never 0)."""
        return (self.sample_fits + 1) / (self.samples + 1)


@dataclass
class Pair:
    """``student``'s answers fit ``other``'s variant on the questions of ``fits``."""

    student: str
    other: str
    student_sha: str
    other_sha: str
    fits: list[Fit]
    expected: float = 1.0  # coincidences like this expected among the batch's learners
    flagged: bool = False

    @property
    def questions(self) -> list[str]:
        return [f.question for f in self.fits]

    @property
    def authored(self) -> bool:
        """The answers fit the authored question (the instructor's version in ``source/``), not a learner's."""
        return self.other == AUTHORED


@dataclass
class Findings:
    assignment: str
    learners: int = 0
    compared: int = 0  # distinct below-full answers compared
    evaluations: int = 0
    pairs: list[Pair] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fingerprint: str = ""  # of the submissions and settings compared (see :func:`fingerprint`)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Findings:
        pairs = [Pair(p["student"], p["other"], p["student_sha"], p["other_sha"],
                      [Fit(**f) for f in p["fits"]], float(p["expected"]), bool(p["flagged"]))
                 for p in data.get("pairs") or []]
        return cls(data["assignment"], int(data.get("learners", 0)), int(data.get("compared", 0)),
                   int(data.get("evaluations", 0)), pairs, [str(n) for n in data.get("notes") or []],
                   str(data.get("fingerprint") or ""))


def fingerprint(rows: Iterable[Outcome], limit: int) -> str:
    """What the findings depend on: every learner's submission (content hash) and the cap. A batch that
    changed none of them (a re-run with nothing new) reuses the saved findings instead of comparing again."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    try:
        checkers = version("aws-security-notebooks")  # the course package that holds the checkers
    except PackageNotFoundError:
        checkers = "unknown"
    text = json.dumps([METHOD, limit, checkers, sorted((r.student_id, r.sha256) for r in rows)])
    return hashlib.sha256(text.encode()).hexdigest()


def key(data: Any) -> str:
    """A canonical text of an answer's data (a set's items sorted), so identical answers compare equal."""
    def canonical(value: Any) -> Any:
        if isinstance(value, list):
            return [canonical(v) for v in value]
        if isinstance(value, dict):
            items = {k: canonical(v) for k, v in value.items()}
            if items.get("__answer_type__") == "set" and isinstance(items.get("items"), list):
                items["items"] = sorted(items["items"], key=lambda v: json.dumps(v, sort_keys=True))
            return items
        return value
    return json.dumps(canonical(data), sort_keys=True)


def limit_from_env() -> int:
    raw = os.environ.get("AUTOGRADER_SAME_ANSWER_LIMIT", "")
    try:
        return int(raw) if raw.strip() else DEFAULT_LIMIT
    except ValueError:
        raise ValueError(f"AUTOGRADER_SAME_ANSWER_LIMIT must be a whole number, not {raw!r}") from None


@dataclass
class _Answer:
    """One distinct below-full answer to one check cell, and who handed it in."""

    exercise_id: str
    grade_id: str
    data: Any
    hidden: list[Any]
    owners: list[str]
    fits: list[str] = field(default_factory=list)  # learners of the batch (or AUTHORED) whose variant it fits
    compared: bool = False  # the first comparison (the batch's variants and the authored one) finished
    sample_fits: int = 0
    samples: int = 0
    stopped: bool = False  # the budget or the cap stopped its sampling


class _Compare:
    """The requests to the helper, counted against the cap. A request holds as many evaluations as fit in a
    quarter of the helper's time budget (measured per question: a detector on generated data is slower than
    a set of letters), at most :data:`CHUNK`."""

    def __init__(self, check: Callable[[dict[str, Any]], dict[str, Any]], limit: int, found: Findings,
                 seconds: float) -> None:
        self.check, self.limit, self.found, self.seconds = check, limit, found, seconds
        self.rate: dict[str, float] = {}  # seconds per evaluation, by question
        self.lock = threading.Lock()  # the count, the cap and the notes, shared by the worker threads

    def chunk(self, exercise_id: str) -> int:
        rate = self.rate.get(exercise_id)
        if rate is None:
            return 10  # a first, small request measures the question
        return max(1, min(CHUNK, int(self.seconds / 4 / max(rate, 1e-6)) - 1))

    def fits(self, answer: _Answer, others: list[str]) -> list[str] | None:
        """The identities among ``others`` the answer fits; None when the cap, the budget or an error stopped it."""
        from autograder.scorer import BudgetExceeded

        out: list[str] = []
        start = 0
        while start < len(others):
            chunk = others[start:start + self.chunk(answer.exercise_id)]
            start += len(chunk)
            with self.lock:
                over = self.found.evaluations + len(chunk) + 1 > self.limit
                if not over:
                    self.found.evaluations += len(chunk) + 1
            if over:
                self.note(f"the comparisons stopped at the cap of {self.limit} evaluations "
                          "(AUTOGRADER_SAME_ANSWER_LIMIT): some answers were not compared")
                return None
            request = {"kind": "fits", "exercise_id": answer.exercise_id, "answer": answer.data,
                       "own": answer.owners[0], "others": chunk, "hidden": answer.hidden}
            began = time.monotonic()
            try:
                reply = self.check(request)
            except BudgetExceeded as exc:
                self.rate[answer.exercise_id] = self.seconds  # one evaluation per request from now on
                self.note(f"question {answer.exercise_id}: a comparison {exc}; that answer was not compared fully")
                return None
            spent = (time.monotonic() - began) / (len(chunk) + 1)
            self.rate[answer.exercise_id] = max(spent, self.rate.get(answer.exercise_id, 0.0) / 2)
            if "fits" not in reply:
                self.note(f"question {answer.exercise_id}: an answer could not be compared "
                          f"({reply.get('problem', 'no reply')})")
                return None
            out += [str(name) for name in reply["fits"]]
        return out

    def note(self, text: str) -> None:
        with self.lock:
            if text not in self.found.notes:
                self.found.notes.append(text)


def _answers(whole: Assignment, rows: list[Outcome]) -> tuple[list[_Answer], dict[tuple[str, str], str]]:
    """Distinct below-full answers per check cell, and every kept answer's key by (grade id, student)."""
    hidden = {(part.notebook_name, c.grade_id): list(c.hidden) for part in whole.parts for c in part.checks}
    grouped: dict[tuple[str, str, str], _Answer] = {}
    keys: dict[tuple[str, str], str] = {}
    for row in rows:
        for part in row.parts:
            for cell in part.cells:
                if cell.answer is None:
                    continue
                where = f"{part.notebook}/{cell.grade_id}"
                text = key(cell.answer)
                keys[(where, row.student_id)] = text
                if cell.score >= cell.points - 1e-9 or cell.budget is not None:
                    continue
                calls = hidden.get((part.notebook, cell.grade_id), [])
                if not calls and len(whole.parts) == 1:
                    calls = hidden.get((whole.parts[0].notebook_name, cell.grade_id), [])
                found = grouped.setdefault((where, cell.exercise_id, text),
                                           _Answer(cell.exercise_id, where, cell.answer, calls, []))
                found.owners.append(row.student_id)
    return list(grouped.values()), keys


def _sample(compare: _Compare, answer: _Answer, upto: int) -> None:
    """Try ``answer`` on sample variants until ``upto`` of them (or it is clearly common: :data:`COMMON` fits)."""
    while answer.samples < upto and answer.sample_fits < COMMON and not answer.stopped:
        count = min(CHUNK, upto - answer.samples)
        names = [f"{SAMPLE_PREFIX}{i}" for i in range(answer.samples, answer.samples + count)]
        fits = compare.fits(answer, names)
        if fits is None:
            answer.stopped = True
            return
        answer.samples += count
        answer.sample_fits += len(fits)


def find(whole: Assignment, rows: Iterable[Outcome], check: Callable[[dict[str, Any]], dict[str, Any]],
         limit: int = DEFAULT_LIMIT, seconds: float = 10.0, workers: int = 1) -> Findings:
    """The pairs of ``rows`` (every result of ``whole``) where one learner's answers fit another's variant.

    ``check`` sends one request to the trusted scorer's helper (:meth:`autograder.scorer.Scorer.check`), whose
    time budget per request is ``seconds``; with ``workers`` > 1 it is called from that many threads at once
    (:func:`helpers` gives each thread its own helper process)."""
    known = [r for r in rows if r.student_id.strip() and r.student_id != AUTHORED]
    ids = sorted({r.student_id for r in known})
    sha = {r.student_id: r.sha256 for r in known}
    found = Findings(whole.name, len(ids))
    if any(r.student_id == AUTHORED for r in rows):  # the intake refuses it: only a hand-made row gets here
        found.notes.append(f"a result under the reserved id {AUTHORED!r} (the authored question) was not compared")
    if limit <= 0:
        found.notes.append("same-answer comparison is off (AUTOGRADER_SAME_ANSWER_LIMIT=0)")
        return found
    compare = _Compare(check, limit, found, seconds)
    answers, keys = _answers(whole, known)

    def first(answer: _Answer) -> None:
        fits = compare.fits(answer, [*ids, AUTHORED])  # the authored question is one more "other"
        if fits is None:
            return
        with compare.lock:
            found.compared += 1
        answer.compared = True
        answer.fits = [o for o in fits if o not in answer.owners]
        if answer.fits:
            _sample(compare, answer, FIRST_SAMPLES)

    _each(first, answers, workers)
    pairs = _pairs(answers, keys, sha, len(ids))
    for _ in range(GROW_ROUNDS):  # undecided pairs: more samples can show an answer is rarer than it looked
        targets = _targets(pairs, answers, len(ids))
        if not targets:
            break
        _each(functools.partial(_grow, compare, targets), [a for a in answers if id(a) in targets], workers)
        pairs = _pairs(answers, keys, sha, len(ids))
    found.pairs = sorted(pairs, key=lambda p: (not p.flagged, p.expected, p.student, p.other))
    return found


def _grow(compare: _Compare, targets: dict[int, int], answer: _Answer) -> None:
    _sample(compare, answer, targets[id(answer)])


def _each(work: Callable[[_Answer], None], answers: list[_Answer], workers: int) -> None:
    """``work`` on every answer, in ``workers`` threads (each answer is touched by one thread only)."""
    if workers <= 1 or len(answers) <= 1:
        for answer in answers:
            work(answer)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="same-answer") as pool:
        list(pool.map(work, answers))


@contextmanager
def helpers(budget: Any, paths: tuple[str, ...] = (), modules: tuple[str, ...] = ()
            ) -> Iterator[Callable[[dict[str, Any]], dict[str, Any]]]:
    """A ``check`` for :func:`find`: each calling thread gets its own trusted scorer helper process (under
    ``budget``), and every one of them is stopped when the block ends."""
    from autograder.scorer import Scorer

    local = threading.local()
    started: list[Scorer] = []
    lock = threading.Lock()

    def check(request: dict[str, Any]) -> dict[str, Any]:
        scorer = getattr(local, "scorer", None)
        if scorer is None:
            scorer = local.scorer = Scorer(budget, paths, modules)
            with lock:
                started.append(scorer)
        return scorer.check(request)

    try:
        yield check
    finally:
        for scorer in started:
            scorer.stop()


def _targets(pairs: list[Pair], answers: list[_Answer], learners: int) -> dict[int, int]:
    """How many samples each answer of an undecided pair needs for the pair to be flagged if no more samples
    fit (by ``id`` of the answer); answers already common, stopped or at :data:`MAX_SAMPLES` are left alone."""
    targets: dict[int, int] = {}
    for pair in pairs:
        if pair.flagged or (pair.authored and not _authored_enough(pair.fits)):  # more samples cannot flag it
            continue
        for fit in pair.fits:
            answer = next((a for a in answers if a.grade_id == fit.grade_id and pair.student in a.owners), None)
            if answer is None or answer.stopped or answer.sample_fits >= COMMON or answer.samples >= MAX_SAMPLES:
                continue
            rest = math.prod(f.p for f in pair.fits if f is not fit)
            times = pair.expected / math.prod(f.p for f in pair.fits)  # comparisons the pair stands for
            wanted = CHANCE / (times * rest)  # the p this answer must show
            upto = min(MAX_SAMPLES, math.ceil((answer.sample_fits + 1) / wanted) + CHUNK)
            if upto > answer.samples:
                targets[id(answer)] = max(targets.get(id(answer), 0), upto)
    return targets


def _pairs(answers: list[_Answer], keys: dict[tuple[str, str], str], sha: dict[str, str],
           learners: int) -> list[Pair]:
    by_pair: dict[tuple[str, str], list[Fit]] = defaultdict(list)
    compared: dict[str, int] = defaultdict(int)  # each learner's answers compared (with the authored question)
    for answer in answers:
        for student in answer.owners:
            compared[student] += answer.compared
    for answer in answers:
        mine = key(answer.data)
        for student in answer.owners:
            for other in answer.fits:
                identical = keys.get((answer.grade_id, other)) == mine
                by_pair[(student, other)].append(Fit(answer.exercise_id, answer.grade_id, identical,
                                                     answer.sample_fits, answer.samples))
    pairs = []
    for (student, other), fits in by_pair.items():
        fits.sort(key=lambda f: f.grade_id)
        if other == AUTHORED:  # one comparison, over any k of the learner's n compared answers
            times = float(math.comb(max(compared[student], len(fits)), len(fits)))
        else:
            times = float(max(learners - 1, 1))
        expected = times * math.prod(f.p for f in fits)
        pairs.append(Pair(student, other, sha.get(student, ""), sha.get(other, ""), fits, expected,
                          expected <= CHANCE and (other != AUTHORED or _authored_enough(fits))))
    return pairs


def _authored_enough(fits: list[Fit]) -> bool:
    """Whether answers that fit the authored question can be flagged at all: two or more questions, or one whose
    answer fit no sample variant (a one-off like addresses and ports, not letters an honest guess can land on)."""
    return len(fits) >= 2 or (len(fits) == 1 and fits[0].sample_fits == 0)


# --- where the findings go: the workspace file and grades.csv (the report: same_answer_report) ----------------

def save(workspace: Path, found: Findings) -> None:
    """The assignment's latest findings in ``<workspace>/same-answer.json`` (the others' are kept)."""
    everything = _load_all(workspace)
    everything[found.assignment] = found.to_dict()
    write_atomic(workspace / FILE, json.dumps(everything, indent=1, sort_keys=True))


def _load_all(workspace: Path) -> dict[str, Any]:
    try:
        data = json.loads((workspace / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load(workspace: Path, assignment: str) -> Findings | None:
    data = _load_all(workspace).get(assignment)
    try:
        return Findings.from_dict(data) if isinstance(data, dict) else None
    except (KeyError, TypeError, ValueError):
        return None


def current(found: Findings, rows: Iterable[Outcome]) -> list[Pair]:
    """The flagged pairs that still hold: both submissions (the learner's alone for the authored question) are the
    ones the findings compared."""
    sha = {r.student_id: r.sha256 for r in rows if r.assignment == found.assignment}
    return [p for p in found.pairs if p.flagged and sha.get(p.student) == p.student_sha
            and (p.authored or sha.get(p.other) == p.other_sha)]


AUTHORED_WHY = ("they may have worked in the instructor's notebook or copied its published solution")


def detail(pairs: list[Pair]) -> str:
    """The ``flagged`` detail of one learner's pairs (evidence wording, the score is unchanged): the answers that
    fit another learner's variant ("same answer"), then those that fit the authored question."""
    def answers(p: Pair) -> str:
        many = len(p.fits) > 1
        return f"the answer{'s' if many else ''} to {', '.join(p.questions)} fit{'' if many else 's'}"

    said = []
    learners = [p for p in pairs if not p.authored]
    if learners:
        said.append("same answer: " + "; ".join(f"{answers(p)} {p.other}'s variant, not this learner's own"
                                                for p in learners)
                    + " (evidence for review, not a verdict: a copied answer usually fits its source's variant; "
                    "the score is unchanged)")
    said += [f"authored answer: {answers(p)} the authored question (the instructor's version in source/), not this "
             f"learner's variant; {AUTHORED_WHY} (evidence for review, not a verdict; the score is unchanged)"
             for p in pairs if p.authored]
    return "; ".join(said)


def annotate(rows: list[Outcome], found: Iterable[Findings]) -> list[Outcome]:
    """``rows`` with each learner whose answers fit another's variant ``flagged`` (a failed one stays failed)
    and the reason added to the detail; the scores stay as they are."""
    pairs: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for findings in found:
        for pair in current(findings, rows):
            pairs[(findings.assignment, pair.student)].append(pair)
    out = []
    for row in rows:
        mine = pairs.get((row.assignment, row.student_id))
        if not mine:
            out.append(row)
            continue
        why = detail(mine)
        out.append(replace(row, status="flagged" if row.status == "graded" else row.status,
                           detail=why if row.detail in ("", "ok") else f"{row.detail}; {why}"))
    return out


def annotated(workspace: Path, rows: list[Outcome]) -> list[Outcome]:
    """``rows`` annotated with every assignment's saved findings (what ``grades.csv`` shows)."""
    saved = _load_all(workspace)
    found = []
    for data in saved.values():
        try:
            found.append(Findings.from_dict(data))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return annotate(rows, found)
