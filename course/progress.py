"""What a learner has passed so far, read from the saved outputs of their own notebooks.

Self-study needs no grader, gradebook or account: every check cell already records its verdict in the
notebook file when the learner runs it, as data (the ``application/vnd.aws-course.check+json`` output that
``CheckResult`` displays beside its table). So progress is read, never executed: a check cell whose saved
verdicts all passed and that shows no error counts as passed, one that was run and failed or raised as
failed, one never run as not run, and so does one that ran before its answer cell (its ``NameError`` names
the answer variable: nothing was checked yet). Titles and points come from the exercise registry. Learners'
code is never executed here, so reading progress is fast, safe and works offline.

``aws-course progress [FOLDER]`` prints the grand total and the per-notebook summary, then every exercise;
``from course.progress import show_progress`` then ``show_progress()`` in any notebook shows the same, every
exercise in a collapsible section per notebook, and a bar chart with a caption and alt text.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from course.exercises.results import CHECK_MIMETYPE, FAIL_MARK, PASS_MARK
from course.exercises.slips import answer_question

if TYPE_CHECKING:  # pandas and matplotlib load only when a table or a chart is asked for
    import pandas as pd
    from matplotlib.figure import Figure

PASSED, FAILED, NOT_RUN, WRITTEN = "passed", "failed", "not run", "written"
# text marks, so the status never depends on colour
MARKS = {PASSED: "✔ passed", FAILED: "✘ failed", NOT_RUN: "– not run", WRITTEN: "✎ graded by instructor"}
WORK_DIR = "my-work"
NEVER_RUN = "the check cell has not been run"

CHECK_ID = re.compile(r"^check-(\d+)-(\d+)$")
ANSWER_ID = re.compile(r"^answer-(\d+)-(\d+)$")
CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\d+\.\d+)["']""")
UNDEFINED = re.compile(r"name '(\w+)' is not defined")
HEADING = re.compile(r"^#{1,6}\s+Question\s+(\d+\.\d+)\s+—\s+(.+?)\s*(?:\((\d+(?:\.\d+)?)\s+points?\))?\s*$", re.M)


@dataclass(frozen=True)
class ExerciseStatus:
    """One exercise of one notebook as the learner last left it."""

    notebook: str
    exercise: str
    title: str
    points: float
    status: str
    detail: str = ""

    @property
    def mark(self) -> str:
        return MARKS[self.status]


def _verdicts(outputs: list[nbformat.NotebookNode]) -> list[dict]:
    """The check results a cell displayed, as the data ``CheckResult`` saved beside its table."""
    found = []
    for output in outputs:
        data = output.get("data", {}) if output.get("output_type") in ("display_data", "execute_result") else {}
        verdict = data.get(CHECK_MIMETYPE)
        if isinstance(verdict, dict):
            found.append(verdict)
    return found


def _output_text(output: nbformat.NotebookNode) -> str:
    """Everything an output shows, as text (for outputs saved before check results carried data)."""
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    if output.get("output_type") == "error":
        return f"{output.get('ename', '')}: {output.get('evalue', '')}"
    data = output.get("data", {})
    return "\n".join(str(data.get(kind, "")) for kind in ("text/html", "text/plain", "text/markdown"))


def _undefined_answer(errors: list[nbformat.NotebookNode], source: str) -> str | None:
    """The answer variable whose ``NameError`` stopped this check cell (it ran before the answer cell), if any.

    Only a name shaped like ``answer_N_M`` that the cell itself mentions counts: any other error is a failure."""
    for error in errors:
        m = UNDEFINED.fullmatch(str(error.get("evalue", ""))) if error.get("ename") == "NameError" else None
        if m and answer_question(m.group(1)) is not None and re.search(rf"\b{m.group(1)}\b", source):
            return m.group(1)
    return None


def check_cell_status(cell: nbformat.NotebookNode) -> tuple[str, str]:
    """Status of one check cell from its saved outputs, and a short reason."""
    outputs = cell.get("outputs", [])
    if cell.get("execution_count") is None and not outputs:
        return NOT_RUN, NEVER_RUN
    errors = [o for o in outputs if o.get("output_type") == "error"]
    verdicts = _verdicts(outputs)
    if verdicts:
        failed = [v for v in verdicts if not v.get("passed")]
        if failed:
            return FAILED, str(failed[0].get("summary") or "a requirement is not met")
        if errors:  # every check passed, then something else in the cell raised
            first = errors[0]
            return FAILED, f"{first.get('ename', 'error')}: {first.get('evalue', '')}".strip()
        return PASSED, ""
    if (name := _undefined_answer(errors, str(cell.get("source", "")))) is not None:
        return NOT_RUN, f"the check ran before its answer: run the cell with `{name} = …` first"
    # outputs saved by an older course version carry only the rendered table: read its marks
    text = "\n".join(_output_text(o) for o in outputs)
    if errors:
        first = errors[0]
        name = first.get("ename", "error")
        if name == "ExerciseFailed" or FAIL_MARK in text:
            return FAILED, str(first.get("evalue", "")) or "a requirement is not met"
        return FAILED, f"{name}: {first.get('evalue', '')}".strip()
    if FAIL_MARK in text:
        return FAILED, "a requirement is not met"
    if PASS_MARK in text:
        return PASSED, ""
    return FAILED, "the check ran but showed no feedback table"


def _registered() -> dict[str, tuple[str, float]]:
    """Question id -> (title, points) from the exercise registry, the one place both are written."""
    from course.exercises import all_exercises
    from course.exercises.registry import NotebookModuleError

    try:
        return {e.id: (e.title, float(e.points)) for e in all_exercises()}
    except NotebookModuleError:  # a broken installation must not hide the learner's progress
        return {}


def _headings(nb: nbformat.NotebookNode) -> dict[str, tuple[str, float]]:
    """Question id -> (title, points) from the ``### Question N.M — title (P points)`` headings, for questions
    the registry does not know (an exercise defined in the notebook itself)."""
    found: dict[str, tuple[str, float]] = {}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for m in HEADING.finditer(cell.source):
                found[m.group(1)] = (m.group(2), float(m.group(3) or 0))
    return found


def notebook_progress(path: Path) -> list[ExerciseStatus]:
    """Every exercise of one notebook, in notebook order, with the status its check cell last showed."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    name = path.stem
    known = _registered()
    headings = _headings(nb)
    rows: list[ExerciseStatus] = []
    seen: set[str] = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = str(meta.get("grade_id", ""))
        exercise = None
        if cell.cell_type == "code" and (m := CHECK_ID.match(grade_id)):
            exercise = f"{m.group(1)}.{m.group(2)}"
        elif cell.cell_type == "code" and not grade_id and (m := CHECK_CALL.search(cell.source)):
            exercise = m.group(1)  # a check cell without nbgrader metadata (a learner's own notebook)
        if exercise is not None and exercise not in seen:
            seen.add(exercise)
            status, detail = check_cell_status(cell)
            if exercise in known:
                title, points = known[exercise]
            else:
                title, heading_points = headings.get(exercise, ("", 0.0))
                title = next((str(v["title"]) for v in _verdicts(cell.get("outputs", [])) if v.get("title")), title)
                points = float(meta.get("points", heading_points) or 0)
            rows.append(ExerciseStatus(name, exercise, title, points, status, detail))
        elif cell.cell_type == "markdown" and meta.get("grade") and (m := ANSWER_ID.match(grade_id)):
            exercise = f"{m.group(1)}.{m.group(2)}"
            if exercise not in seen:  # a written answer: no self-check, the instructor grades it
                seen.add(exercise)
                title, points = known.get(exercise) or (headings.get(exercise, ("", 0.0))[0],
                                                        float(meta.get("points", 0) or 0))
                rows.append(ExerciseStatus(name, exercise, title, points, WRITTEN,
                                           "a written answer, graded by the instructor"))
    return rows


def _notebooks(folder: Path) -> list[Path]:
    """The learner's notebooks: ``NN-slug/NN-slug.ipynb`` (or any ``*/*.ipynb``), never checkpoints."""
    return sorted(p for p in folder.glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def default_folder() -> Path:
    """Where the learner's notebooks are: ``my-work/`` of the course (what ``make lab`` makes), else, on a
    JupyterHub where assignments are fetched into the home folder, the folder above the current notebook."""
    from course.paths import CourseNotFound, course_root

    try:
        work = course_root() / WORK_DIR
    except CourseNotFound:
        work = None
    if work is not None and work.is_dir():
        return work
    here = Path.cwd()
    return here.parent if any(here.glob("*.ipynb")) else here


def collect(folder: Path | None = None) -> list[ExerciseStatus]:
    """Every exercise of every notebook in ``folder`` (default: ``my-work/``)."""
    folder = Path(folder).expanduser() if folder is not None else default_folder()
    if not folder.is_dir():
        raise FileNotFoundError(f"no folder {folder}: run `make lab` once to create your copies, "
                                "or name the folder that holds your notebooks")
    rows: list[ExerciseStatus] = []
    for path in _notebooks(folder):
        try:
            rows += notebook_progress(path)
        except Exception as exc:  # noqa: BLE001 - one unreadable notebook must not hide the others
            rows.append(ExerciseStatus(path.stem, "—", f"unreadable notebook: {exc}", 0.0, FAILED, str(exc)))
    return rows


def progress_table(folder: Path | None = None, rows: Iterable[ExerciseStatus] | None = None) -> pd.DataFrame:
    """One row per exercise: notebook, exercise, title, points, status, result (a text mark), detail."""
    import pandas as pd

    rows = list(rows) if rows is not None else collect(folder)
    columns = ["notebook", "exercise", "title", "points", "status", "result", "detail"]
    return pd.DataFrame([{**asdict(r), "result": r.mark} for r in rows], columns=columns)


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per notebook: how many self-checked exercises passed, failed, were not run; points passed."""
    import pandas as pd

    records = []
    for notebook, group in table.groupby("notebook", sort=True):
        checked = group[group.status != WRITTEN]
        records.append({
            "notebook": notebook,
            PASSED: int((checked.status == PASSED).sum()),
            FAILED: int((checked.status == FAILED).sum()),
            NOT_RUN: int((checked.status == NOT_RUN).sum()),
            "exercises": len(checked),
            "points passed": float(checked.loc[checked.status == PASSED, "points"].sum()),
            "points": float(checked.points.sum()),
        })
    return pd.DataFrame(records, columns=["notebook", PASSED, FAILED, NOT_RUN, "exercises", "points passed",
                                          "points"])


def total(table: pd.DataFrame) -> dict[str, float]:
    """The grand total over every notebook: counts of self-checked exercises, their points, written answers."""
    checked = table[table.status != WRITTEN]
    return {
        PASSED: int((checked.status == PASSED).sum()),
        FAILED: int((checked.status == FAILED).sum()),
        NOT_RUN: int((checked.status == NOT_RUN).sum()),
        "exercises": len(checked),
        "points passed": float(checked.loc[checked.status == PASSED, "points"].sum()),
        "points": float(checked.points.sum()),
        WRITTEN: int((table.status == WRITTEN).sum()),
    }


def total_line(table: pd.DataFrame) -> str:
    """The grand total in one sentence, the first thing both views show."""
    t = total(table)
    written = (f"; {t[WRITTEN]} written answer{'s' if t[WRITTEN] != 1 else ''} graded by your instructor"
               if t[WRITTEN] else "")
    return (f"In total: {t[PASSED]} of {t['exercises']} self-checked exercises passed "
            f"({t['points passed']:g} of {t['points']:g} points), {t[FAILED]} failed, {t[NOT_RUN]} not run"
            f"{written}.")


def with_total_row(summary: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The per-notebook summary with a last row ``total``."""
    import pandas as pd

    t = total(table)
    row = {"notebook": "total", **{k: v for k, v in t.items() if k in summary.columns}}
    return pd.concat([summary, pd.DataFrame([row], columns=summary.columns)], ignore_index=True)


def describe(summary: pd.DataFrame) -> str:
    """The chart in words: its alt text, and the caption printed under it."""
    if summary.empty:
        return "Progress chart: no notebooks found yet."
    parts = [f"{row.notebook}: {row.passed} of {row.exercises} passed, {row.failed} failed, "
             f"{row['not run']} not run" for _, row in summary.iterrows()]
    total, passed = int(summary.exercises.sum()), int(summary.passed.sum())
    return (f"Bar chart of self-checked exercises per notebook ({passed} of {total} passed overall). "
            + "; ".join(parts) + ".")


# Okabe-Ito colours (distinguishable with colour-blindness) plus hatching and text labels, so no bar
# relies on colour alone.
_STYLE = {PASSED: ("#009E73", ""), FAILED: ("#D55E00", "xx"), NOT_RUN: ("#BBBBBB", "..")}
CHART_TITLE = "Exercises passed per notebook\n(from your saved check cells)"
# The whole chart is seen at once on a laptop: the notebook that JupyterLab shows with its file browser open is
# 636 px high in a 1440x900 window and 504 px in a 1366x768 one (measured by
# tests/browser/test_first_hour_browser.py), so the chart is at most CHART_MAX_HEIGHT inches at 100 dpi and the
# bars of more notebooks sit closer, down to the least ROW_HEIGHT (their 9 pt labels need it; 15 notebooks fit).
CHART_MARGINS = 1.3  # inches: the title, the axis and the legend
ROW_HEIGHT = (0.24, 0.5)  # inches per notebook: the least and the most
CHART_MAX_HEIGHT = 4.9


def progress_chart(summary: pd.DataFrame) -> Figure:
    """A horizontal stacked bar per notebook: passed, failed, not run, each labelled with its count.

    The title is the figure's (centred on the whole figure, which constrained layout keeps inside it), not
    the axes' (centred on the bars, so long notebook names pushed it past the right edge), and the figure
    widens with the longest notebook name, so no text is clipped. Its height is capped (CHART_MAX_HEIGHT) so
    that the whole chart is seen at once on a laptop.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    names = list(summary.notebook) or ["(no notebooks)"]
    low, high = ROW_HEIGHT
    height = CHART_MARGINS + len(names) * min(high, max(low, (CHART_MAX_HEIGHT - CHART_MARGINS) / len(names)))
    width = max(7.0, 4.5 + 0.085 * max(len(str(n)) for n in names))
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.subplots()
    left = [0.0] * len(names)
    for status, (colour, hatch) in _STYLE.items():
        counts = [float(v) for v in summary[status]] if not summary.empty else [0.0]
        bars = ax.barh(names, counts, left=left, color=colour, hatch=hatch, edgecolor="black",
                       label=MARKS[status])
        labels = [f"{int(c)} {MARKS[status].split()[0]}" if c else "" for c in counts]
        ax.bar_label(bars, labels=labels, label_type="center", fontsize=9,
                     bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"})
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("exercises")
    fig.suptitle(CHART_TITLE, fontsize=11)
    fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    locator = ax.xaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)
    fig.set_label(describe(summary))  # the alt text travels with the figure
    return fig


def chart_png(fig: Figure) -> bytes:
    """The chart as PNG, with its alt text in the PNG's Description field."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Title": "Course progress", "Description": fig.get_label()})
    return buffer.getvalue()


def format_text(table: pd.DataFrame, summary: pd.DataFrame) -> str:
    """The report for a terminal: the grand total and the per-notebook summary first, then every exercise."""
    if table.empty:
        return "No notebooks with exercises found."
    overview = with_total_row(summary, table)
    width = max(len(str(n)) for n in overview.notebook)
    overview["notebook"] = [f"{n:<{width}}" for n in overview.notebook]  # names read left to right
    overview = overview.rename(columns={"notebook": "notebook".ljust(width)})
    lines = [total_line(table), "", overview.to_string(index=False), "", "Every exercise:"]
    for notebook, group in table.groupby("notebook", sort=True):
        lines.append(str(notebook))
        for _, row in group.iterrows():
            extra = f"  ({row.detail})" if row.status in (FAILED, NOT_RUN) and row.detail not in ("", NEVER_RUN) else ""
            lines.append(f"  {row.exercise:>6}  {row.result:<24} {row.points:>4g} pt  {row.title}{extra}")
    return "\n".join(lines)


def _notebook_heading(notebook: str, group: pd.DataFrame) -> str:
    checked = group[group.status != WRITTEN]
    passed = int((checked.status == PASSED).sum())
    points = float(checked.loc[checked.status == PASSED, "points"].sum())
    return (f"{notebook} — {passed} of {len(checked)} passed, {int((checked.status == FAILED).sum())} failed, "
            f"{int((checked.status == NOT_RUN).sum())} not run · {points:g} of {float(checked.points.sum()):g} points")


def progress_html(table: pd.DataFrame, summary: pd.DataFrame) -> str:
    """Every exercise, in one collapsible section per notebook (open where something failed), after the grand
    total and the per-notebook summary. Written out in full: pandas would cut a long table to 10 rows."""
    esc = html.escape
    parts = [f"<p><strong>{esc(total_line(table))}</strong></p>"]
    if table.empty:
        return parts[0] + "<p>No notebooks with exercises found.</p>"
    parts.append(with_total_row(summary, table).to_html(index=False, max_rows=None, border=0,
                                                         classes="aws-course-progress-summary"))
    for notebook, group in table.groupby("notebook", sort=True):
        rows = "".join(
            f"<tr><td>{esc(str(r.exercise))}</td><td style=\"white-space:nowrap\">{esc(str(r.result))}</td>"
            f"<td>{r.points:g}</td><td>{esc(str(r.title))}</td>"
            f"<td>{esc(str(r.detail)) if r.status in (FAILED, NOT_RUN) and r.detail != NEVER_RUN else ''}</td></tr>"
            for r in group.itertuples())
        opened = " open" if (group.status == FAILED).any() else ""
        parts.append(
            f'<details class="aws-course-progress"{opened}><summary>{esc(_notebook_heading(str(notebook), group))}'
            "</summary><table><thead><tr><th>question</th><th>result</th><th>points</th><th>title</th>"
            f"<th>why</th></tr></thead><tbody>{rows}</tbody></table></details>")
    return "\n".join(parts)


def show_progress(folder: str | Path | None = None, chart: bool = True) -> None:
    """Show progress in a notebook: the grand total, the per-notebook summary, every exercise (one collapsible
    section per notebook) and a chart.

    Reads saved notebooks, so save (Ctrl-S) the notebook you are in first for its latest checks to count.
    Returns None so nothing is displayed twice when this is the last line of a cell.
    """
    from IPython.display import HTML, display

    table = progress_table(Path(folder) if folder is not None else None)
    summary = summary_table(table)
    display(HTML("<p><strong>Your progress</strong>, read from the saved outputs of your check cells "
                 "(save the notebook you are in first). ✔ passed, ✘ failed, – not run; "
                 "click a notebook to see its questions.</p>" + progress_html(table, summary)))
    if chart:
        fig = progress_chart(summary)
        alt = html.escape(str(fig.get_label()), quote=True)
        data = base64.b64encode(chart_png(fig)).decode("ascii")
        display(HTML(f'<figure><img src="data:image/png;base64,{data}" alt="{alt}">'
                     f"<figcaption>Figure: exercises per notebook — {alt}</figcaption></figure>"))


def main(folder: Path | None, chart_path: Path | None = None, csv_path: Path | None = None) -> int:
    """``aws-course progress``: print the report; optionally write the chart (PNG) and the table (CSV)."""
    try:
        table = progress_table(folder)
    except FileNotFoundError as exc:
        print(f"aws-course progress: {exc}")
        return 1
    summary = summary_table(table)
    print(format_text(table, summary))
    if csv_path is not None:
        table.to_csv(csv_path, index=False)
        print(f"wrote {csv_path}")
    if chart_path is not None:
        fig = progress_chart(summary)
        Path(chart_path).write_bytes(chart_png(fig))
        print(f"wrote {chart_path}: {fig.get_label()}")
    return 0
