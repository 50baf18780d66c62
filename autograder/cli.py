"""``aws-course grade``: the stable command line of the autograder (others script against it)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="assignment name, e.g. 10-customer-engagement")
    parser.add_argument("submissions", type=Path,
                        help="submitted/<student>/<assignment>/*.ipynb, a folder of <student>.ipynb, or a .zip")
    parser.add_argument("--workspace", type=Path, default=None,
                        help="grading workspace (default: $AWS_COURSE_WORKSPACE or grading/)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)")
    parser.add_argument("--csv", type=Path, default=None, help="grades CSV (default: <workspace>/grades.csv)")
    parser.add_argument("--db", default=None, help="gradebook SQLAlchemy URL (default: sqlite in the workspace)")
    parser.add_argument("--timeout-cell", type=float, default=60.0, help="seconds per cell (default 60)")
    parser.add_argument("--timeout-notebook", type=float, default=300.0, help="seconds per notebook (default 300)")
    parser.add_argument("--require-sandbox", action="store_true", help="refuse to run without bubblewrap")
    parser.add_argument("--force", action="store_true", help="grade again even unchanged graded submissions")
    parser.add_argument("--student", action="append", default=[], metavar="ID",
                        help="grade only this student (repeatable); the others' results are kept")
    parser.add_argument("--lms", choices=["canvas", "moodle"], default=None,
                        help="SUBMISSIONS is this LMS's 'download all submissions' zip (needs --roster)")
    parser.add_argument("--roster", type=Path, default=None,
                        help="CSV mapping the LMS's user ids to student ids (student_id,lms_id), or Canvas's "
                             "gradebook export")
    parser.add_argument("--executor", choices=["local", "dask"], default="local")
    parser.add_argument("--scheduler", default=None, help="Dask scheduler address (with --executor dask)")


def run(args: argparse.Namespace) -> int:
    from autograder.batch import Options, run_batch
    from autograder.escape import terminal
    from autograder.extras import notebook_packages
    from autograder.intake import IntakeError
    from autograder.roster import RosterError
    from autograder.roster import load as load_roster
    from autograder.sandbox import SandboxUnavailable
    from course import settings
    from course.paths import course_root
    from course.settings import SettingsError

    if args.executor == "dask" and not args.scheduler:
        print("aws-course grade: --executor dask needs --scheduler ADDRESS", file=sys.stderr)
        return 2
    if args.lms and not args.roster:
        print(f"aws-course grade: --lms {args.lms} needs --roster FILE: the CSV that maps {args.lms}'s user ids "
              "to student ids (student_id,lms_id)", file=sys.stderr)
        return 2
    if args.roster:
        try:
            load_roster(args.roster)  # a bad roster is one line before anything runs
        except RosterError as exc:
            print(f"aws-course grade: {terminal(exc)}", file=sys.stderr)
            return 2
    root = course_root()
    unknown = unknown_assignment(root, args.assignment)
    if unknown:
        print(f"aws-course grade: {terminal(unknown)}", file=sys.stderr)
        return 2
    workspace = args.workspace or settings.workspace(root)
    paths, modules = notebook_packages()
    opts = Options(args.assignment, args.submissions.resolve(), workspace.resolve(), root, jobs=max(1, args.jobs),
                   csv_path=args.csv, db_url=args.db, cell_timeout=args.timeout_cell,
                   notebook_timeout=args.timeout_notebook, require_sandbox=args.require_sandbox,
                   force=args.force, extra_paths=paths, extra_modules=modules, executor=args.executor,
                   scheduler=args.scheduler, students=tuple(args.student), lms=args.lms, roster=args.roster)
    try:
        result = run_batch(opts)
    except SandboxUnavailable as exc:
        print(f"aws-course grade: {terminal(exc)}", file=sys.stderr)
        return 3
    except (IntakeError, FileNotFoundError, SettingsError, RosterError) as exc:
        print(f"aws-course grade: {terminal(exc)}", file=sys.stderr)  # names of learners' files
        return 2
    print(terminal(summary(args.assignment, [row.status for row in result.rows], result.graded_now,
                           result.skipped, result.seconds, opts.csv_path or opts.workspace / "grades.csv")))
    return 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary(assignment: str, statuses: list[str], graded_now: int, skipped: int, seconds: float,
            csv_path: Path) -> str:
    """One line a person reads: ``10-customer-engagement: 4 submissions (3 new or changed, 1 unchanged
    since the last run) in 12.3 s: 3 graded, 1 flagged for review. Grades in grading/grades.csv``."""
    if not statuses:
        return f"{assignment}: no submissions found; nothing graded"
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    words = {"flagged": "flagged for review", "failed": "failed (see the detail column)"}
    order = ["graded", "flagged", "failed"]
    listed = ", ".join(f"{counts[s]} {words.get(s, s)}" for s in sorted(counts, key=lambda s: (
        order.index(s) if s in order else len(order), s)))
    how = (f"{graded_now} new or changed, {skipped} unchanged since the last run" if skipped
           else "all new or changed")
    return (f"{assignment}: {_count(len(statuses), 'submission')} ({how}) in {seconds:.1f} s: {listed}. "
            f"Grades in {csv_path}")


def unknown_assignment(root: Path, assignment: str) -> str | None:
    """One line naming the valid assignments (and the closest) when ``assignment`` is not one of them."""
    from autograder.suggest import did_you_mean, valid_names

    folder = root / "source"
    names = sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))) \
        if folder.is_dir() else []
    if assignment in names:
        return None
    return (f"no assignment {assignment!r} in {folder} (valid: {valid_names(names)})"
            f"{did_you_mean(assignment, names)}")


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    from autograder.export import FORMATS

    parser.add_argument("--format", choices=FORMATS, default="csv",
                        help="canvas: Canvas gradebook import; moodle: Moodle grade import; csv: plain (default)")
    parser.add_argument("--assignment", action="append", default=[], metavar="NAME",
                        help="export only this assignment (repeatable; default: every assignment graded)")
    parser.add_argument("--roster", type=Path, default=None,
                        help="CSV mapping LMS ids to student ids (student_id,lms_id,...), or Canvas's gradebook "
                             "export; needed for canvas")
    parser.add_argument("--column", action="append", default=[], metavar="ASSIGNMENT=HEADER",
                        help="the LMS column for an assignment, e.g. '10-customer-engagement=Lab 10 (1234)'")
    parser.add_argument("--to", type=Path, default=None,
                        help="output file (default: <workspace>/export-<format>.csv)")
    parser.add_argument("--workspace", type=Path, default=None,
                        help="grading workspace (default: $AWS_COURSE_WORKSPACE or grading/)")
    parser.add_argument("--db", default=None, help="gradebook SQLAlchemy URL (default: nbgrader_config.py's)")


def run_export(args: argparse.Namespace) -> int:
    """``aws-course export``: one summary line, or one error line naming the file and what to do."""
    from autograder import export, roster
    from autograder.escape import terminal
    from course import settings
    from course.paths import course_root
    from course.settings import SettingsError

    def fail(message: object) -> int:
        print(f"aws-course export: {terminal(message)}", file=sys.stderr)
        return 2

    try:
        conf = settings.load(course_root())
        workspace = (args.workspace or conf.workspace).resolve()
        db_url = args.db or (f"sqlite:///{workspace / 'gradebook.db'}" if args.workspace else conf.db_url)
        people = roster.load(args.roster) if args.roster else None
        columns = {}
        for item in args.column:
            name, sep, header = item.partition("=")
            if not sep or not name or not header:
                return fail(f"--column {item!r}: write it as ASSIGNMENT=HEADER")
            columns[name] = header
        names, scores = export.read_scores(db_url, conf.course_id, args.assignment or None,
                                           [p.student_id for p in people.people] if people else [])
        result = export.render(args.format, names, scores, people, columns)
        target = args.to or workspace / f"export-{args.format}.csv"
        export.write(target, result)
    except (SettingsError, roster.RosterError, export.ExportError) as exc:
        return fail(exc)
    except OSError as exc:
        return fail(f"{exc.filename or ''}: {exc.strerror}")
    notes = []
    if result.review:
        notes.append(f"{len(result.review)} left blank, waiting for review in formgrader: "
                     + ", ".join(result.review[:10]) + (" ..." if len(result.review) > 10 else ""))
    if result.missing:
        notes.append(f"{len(result.missing)} not in the roster, not exported: " + ", ".join(result.missing[:10]))
    if result.absent:
        notes.append(f"{result.absent} without a submission get 0")
    print(terminal(f"wrote {target}: {result.rows} students, {', '.join(names)} ({args.format})"
                   + "".join(f"; {n}" for n in notes)))
    return 0
