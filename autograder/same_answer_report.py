"""The batch report's section "Answers that fit another learner's variant" (:mod:`autograder.same_answer`'s
findings) with its part "Answers that fit the authored question", as Markdown lines and as HTML, worded as evidence
for the instructor, never an accusation; every piece of learner text escaped for its page."""

from __future__ import annotations

from collections.abc import Sequence

from autograder.escape import html_text
from autograder.escape import markdown as md
from autograder.same_answer import AUTHORED_WHY, Findings, Fit, Pair

INTRO = ("These answers score below full on their learner's own variant but full on another learner's variant of "
         "the same question. A copied answer usually fits the variant it was copied from; a coincidence can too, "
         "so each pair says how many coincidences like it are expected among this assignment's learners. This is "
         "evidence for you to look at (for example, compare the two notebooks), not a verdict: no score was "
         "changed. Likely pairs are also flagged in grades.csv.")


AUTHORED_TITLE = "Answers that fit the authored question"
AUTHORED_INTRO = ("These answers score below full on their learner's own variant but full on the authored question "
                  f"(the instructor's version in source/, whose model answers are published): {AUTHORED_WHY}. "
                  "An honest wrong answer can fit it too, so each row says how many coincidences like it are "
                  "expected for that learner. Evidence for you to look at, not a verdict: no score was changed. "
                  "Likely ones are also flagged in grades.csv (\"authored answer\").")
AUTHORED_HEADERS = ("learner", "questions", "coincidences expected")


def _fit_text(fit: Fit) -> str:
    same = ", the same answer they handed in" if fit.identical else ""
    return f"{fit.question} (fits {fit.sample_fits} of {fit.samples} sample variants{same})"


def _rows(pairs: list[Pair]) -> list[tuple[str, str, str, str]]:
    return [(p.student, p.other, "; ".join(_fit_text(f) for f in p.fits), f"{p.expected:.2g}") for p in pairs]


def _authored_rows(pairs: list[Pair]) -> list[tuple[str, str, str]]:
    return [(p.student, "; ".join(_fit_text(f) for f in p.fits), f"{p.expected:.2g}") for p in pairs]


def _authored(found: Findings) -> tuple[list[Pair], list[Pair]]:
    """The learners whose answers fit the authored question: flagged, and the weaker (a coincidence is likely)."""
    mine = [p for p in found.pairs if p.authored]
    return [p for p in mine if p.flagged], [p for p in mine if not p.flagged]


def _authored_weaker(pairs: list[Pair]) -> list[tuple[str, str]]:
    return [(p.student, f"the answer{'s' if len(p.fits) > 1 else ''} to {', '.join(p.questions)} "
                        f"fit{'' if len(p.fits) > 1 else 's'} the authored question ("
                        + "; ".join(f"{f.question}: {f.sample_fits} of {f.samples} sample variants" for f in p.fits)
                        + f"), {p.expected:.2g} coincidences expected") for p in pairs]


def _weaker(found: Findings, shown: int = 8) -> list[tuple[str, str]]:
    """The weaker matches, one line per learner and question (learner, text): the learners whose variant the
    answer fits, and how common it is; a question already in one of the learner's flagged pairs is left out."""
    covered = {(p.student, q) for p in found.pairs if p.flagged and not p.authored for q in p.questions}
    grouped: dict[tuple[str, str], tuple[Fit, list[str]]] = {}
    for pair in found.pairs:
        if pair.flagged or pair.authored:  # the authored question has its own part
            continue
        for fit in pair.fits:
            if (pair.student, fit.question) not in covered:
                grouped.setdefault((pair.student, fit.question), (fit, []))[1].append(pair.other)
    lines = []
    for (student, question), (fit, others) in sorted(grouped.items()):
        names = ", ".join(sorted(others)[:shown]) + (", ..." if len(others) > shown else "")
        lines.append((student, f"the answer to {question} fits the variants of {len(others)} other learner(s) "
                               f"({names}) and {fit.sample_fits} of {fit.samples} sample variants"))
    return lines


def _summary(found: Findings) -> str:
    return (f"Compared {found.compared} below-full answer(s) with the variants of {found.learners} learner(s) "
            f"and with the authored question ({found.evaluations} trusted checks).")


WEAKER = ("Weaker matches, not flagged: answers that fit several variants (a set of option letters is right for "
          "many variants), too common to point to one learner on their own")
HEADERS = ("learner", "answer fits the variant of", "questions", "coincidences expected")


AUTHORED_WEAKER = "Weaker, not flagged (a coincidence is likely)"


def _md_table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    if not rows:
        return ["None found."]
    return (["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
            + ["| " + " | ".join(md(v) for v in row) + " |" for row in rows])


def _md_list(title: str, items: list[tuple[str, str]]) -> list[str]:
    """``title`` and one line per (learner, text), or nothing when there are none."""
    if not items:
        return []
    return ["", f"{title} ({len(items)}):", ""] + [f"- **{md(s)}**: {md(text)}" for s, text in items]


def _html_table(css: str, headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    esc = html_text
    if not rows:
        return ["<p>None found.</p>"]
    return ([f"<table class='{css}'><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers)
             + "</tr></thead><tbody>"]
            + ["<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in rows]
            + ["</tbody></table>"])


def _html_list(title: str, items: list[tuple[str, str]]) -> list[str]:
    esc = html_text
    if not items:
        return []
    return ([f"<p>{esc(title)} ({len(items)}):</p><ul>"]
            + [f"<li><strong>{esc(s)}</strong>: {esc(text)}</li>" for s, text in items] + ["</ul>"])


def markdown_section(found: Findings | None) -> list[str]:
    """The report's section, as Markdown lines (learner text escaped)."""
    lines = ["", "## Answers that fit another learner's variant", ""]
    if found is None:
        return lines + ["Not compared (no findings for this assignment)."]
    lines += [INTRO, "", _summary(found), ""]
    lines += _md_table(HEADERS, _rows([p for p in found.pairs if p.flagged and not p.authored]))
    lines += _md_list(WEAKER, _weaker(found))
    lines += ["", f"### {AUTHORED_TITLE}", "", AUTHORED_INTRO, ""]
    flagged, weaker = _authored(found)
    lines += _md_table(AUTHORED_HEADERS, _authored_rows(flagged))
    lines += _md_list(AUTHORED_WEAKER, _authored_weaker(weaker))
    if found.notes:
        lines.append("")
    lines += [f"- Note: {md(n)}" for n in found.notes]
    return lines


def html_section(found: Findings | None) -> list[str]:
    """The report's section, as HTML (learner text escaped)."""
    esc = html_text
    parts = ["<h2>Answers that fit another learner's variant</h2>"]
    if found is None:
        return parts + ["<p>Not compared (no findings for this assignment).</p>"]
    parts += [f"<p>{esc(INTRO)}</p>", f"<p>{esc(_summary(found))}</p>"]
    parts += _html_table("same-answer", HEADERS, _rows([p for p in found.pairs if p.flagged and not p.authored]))
    parts += _html_list(WEAKER, _weaker(found))
    parts += [f"<h3>{esc(AUTHORED_TITLE)}</h3>", f"<p>{esc(AUTHORED_INTRO)}</p>"]
    flagged, weaker = _authored(found)
    parts += _html_table("same-answer authored", AUTHORED_HEADERS, _authored_rows(flagged))
    parts += _html_list(AUTHORED_WEAKER, _authored_weaker(weaker))
    if found.notes:
        parts.append("<ul>" + "".join(f"<li>Note: {esc(n)}</li>" for n in found.notes) + "</ul>")
    return parts
