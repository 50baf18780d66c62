"""``aws-course``: the course's command line (release, lab, exercises)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _sync(args: argparse.Namespace) -> int:
    from course.paths import course_root
    from course.release import sync_sources

    changes, error = sync_sources(course_root(), args.assignments or None, write_back=not args.check)
    for change in changes:
        print(("disagrees with the registry: " if args.check else "rewrote ") + change)
    if error:
        print(f"aws-course sync: {error}", file=sys.stderr)
        return 1
    if args.check and changes:
        print("run `aws-course sync` to rewrite them from the registry", file=sys.stderr)
        return 1
    if not changes:
        print("every question heading and check cell agrees with the registry")
    return 0


def _release(args: argparse.Namespace) -> int:
    from course.paths import course_root
    from course.release import ReleaseError, generate, sync_sources

    root = course_root()
    changes, error = sync_sources(root, args.assignments or None, write_back=True)
    for change in changes:
        print(f"rewrote {change}")
    if error:
        print(f"aws-course release: {error}", file=sys.stderr)
        return 1
    try:
        written = generate(root / "release", root, args.assignments or None)
    except ReleaseError as exc:
        print(f"aws-course release: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    return 0


def _lab(args: argparse.Namespace) -> int:
    from course.lab import run

    return run(args.jupyter_args)


def _profile(args: argparse.Namespace) -> int:
    """Write a profile's Jupyter config for servers `aws-course lab` does not start (a JupyterHub's)."""
    from course import profiles
    from course.lab import WORK_DIR
    from course.paths import CourseNotFound, course_root
    from course.settings import SettingsError, load

    try:
        root = course_root()
        settings = load(root)
    except (CourseNotFound, SettingsError) as exc:
        print(f"aws-course profile: {exc}", file=sys.stderr)
        return 2
    if args.name == profiles.LEARNER:
        profile = profiles.learner((args.root or root / WORK_DIR).resolve(), settings.course_id,
                                   (args.exchange or settings.exchange).resolve())
    else:
        profile = profiles.instructor((args.root or root).resolve())
    folder = profiles.write_config(profile, args.folder.resolve())
    print(f"wrote the {profile.name} profile to {folder}: start jupyter-server or jupyterhub-singleuser with "
          f"JUPYTER_CONFIG_DIR={folder}" + (f" and {profiles.PROFILE_VARIABLE}={profile.name}"
                                           if profile.name == profiles.LEARNER else ""))
    return 0


def _exercises(args: argparse.Namespace) -> int:
    from course.exercises import all_exercises

    for exercise in all_exercises():
        print(f"{exercise.id:>6}  {exercise.kind:<16} {exercise.points:>4g} pt  {exercise.title}")
    return 0


def _progress(args: argparse.Namespace) -> int:
    from course.progress import main

    status = main(args.folder, args.chart, args.csv)
    print(_variant_identity(args.folder))
    return status


def _variant_identity(folder: Path | None) -> str:
    """Who this learner's variants are chosen for (``course.exercises.variants``): the hub user, or the local
    id in my-work/ (created now if it is missing), so that a learner can tell the instructor."""
    from course.exercises.variants import ID_FILE, current_identity, local_identity
    from course.lab import WORK_DIR
    from course.paths import CourseNotFound, course_root

    chosen = "Your variants (the values of questions that differ per learner) are chosen for"
    identity = current_identity(create=False)
    if identity.name is not None and identity.source.startswith(("$", "your JupyterHub")):
        return f"{chosen}: {identity.name} ({identity.source})"
    try:
        work = folder or course_root() / WORK_DIR
    except CourseNotFound:
        work = None
    name = local_identity(work) if work is not None and work.is_dir() else None
    if work is None or name is None:
        return "Your variants: no id yet (no my-work/ folder), so questions show their default scenario"
    return f"{chosen}: {name} (from {work / ID_FILE}; write your student id there if your instructor asks)"


def _demo(args: argparse.Namespace) -> int:
    from course.demo import main

    return main(args.folder)


def _grade(args: argparse.Namespace) -> int:
    from autograder.cli import run

    return run(args)


def _export(args: argparse.Namespace) -> int:
    from autograder.cli import run_export

    return run_export(args)


def _check_checkers(args: argparse.Namespace) -> int:
    """Mutation testing of the checkers: a one-line error for bad input, never a traceback."""
    import warnings

    from course.exercises.registry import NotebookModuleError
    from course.mutation import MutationError, ReviewedFileError, SolutionError, render, reviewed, run
    from course.paths import CourseNotFound, course_root

    warnings.simplefilter("ignore")  # the notebooks' own plotting warnings are not the report
    try:
        root = course_root()
        report = run(root, reviewed.load(args.reviewed or reviewed.DEFAULT_PATH), args.questions or None,
                     identity=args.variant_of)
    except (MutationError, ReviewedFileError, SolutionError, NotebookModuleError, CourseNotFound) as exc:
        print(f"aws-course check-checkers: {exc}", file=sys.stderr)
        return 2
    print(render.text(report))
    if args.markdown:
        args.markdown.write_text(render.markdown(report))
        print(f"wrote {args.markdown}")
    return 1 if report.failed else 0


def build_parser() -> argparse.ArgumentParser:
    from course import __version__

    parser = argparse.ArgumentParser(prog="aws-course", description="AWS Security Notebooks course tools")
    parser.add_argument("--version", action="version", version=f"aws-course {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    release = sub.add_parser("release", help="sync headings from the registry, then generate release/ from "
                             "source/ with nbgrader")
    release.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    release.set_defaults(func=_release)

    sync = sub.add_parser("sync", help="rewrite question headings and check-cell points in source/ from the registry")
    sync.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    sync.add_argument("--check", action="store_true", help="only report disagreements (exit 1 if any)")
    sync.set_defaults(func=_sync)

    lab = sub.add_parser("lab", help="start JupyterLab on your copies of the notebooks (my-work/); "
                         "--instructor: on the whole course with every nbgrader tool")
    lab.add_argument("jupyter_args", nargs=argparse.REMAINDER,
                     help="--instructor, and options passed to jupyter lab")
    lab.set_defaults(func=_lab)

    profile = sub.add_parser("profile", help="write the learner's or instructor's Jupyter config to a folder, for "
                             "servers that aws-course lab does not start (a JupyterHub's single-user servers)")
    profile.add_argument("name", choices=["learner", "instructor"])
    profile.add_argument("folder", type=Path, help="the folder to write (the servers' JUPYTER_CONFIG_DIR)")
    profile.add_argument("--root", type=Path, help="the folder the server shows (default: my-work/ for the "
                         "learner, the course for the instructor)")
    profile.add_argument("--exchange", type=Path, help="the nbgrader exchange (default: nbgrader_config.py's)")
    profile.set_defaults(func=_profile)

    exercises = sub.add_parser("exercises", help="list every exercise with its kind and points")
    exercises.set_defaults(func=_exercises)

    progress = sub.add_parser("progress", help="what you have passed, read from your notebooks' saved checks")
    progress.add_argument("folder", nargs="?", type=Path, help="folder of your notebooks (default: my-work/)")
    progress.add_argument("--chart", type=Path, metavar="PNG", help="also save a bar chart (PNG, with alt text)")
    progress.add_argument("--csv", type=Path, metavar="FILE", help="also save the table as CSV")
    progress.set_defaults(func=_progress)

    demo = sub.add_parser("demo", help="set up a demo course with three fake students' submissions to grade")
    demo.add_argument("folder", nargs="?", type=Path, help="where to create it (default: ./aws-course-demo)")
    demo.set_defaults(func=_demo)

    checkers = sub.add_parser("check-checkers",
                              help="mutation-test the checkers: mutants of each model answer must lose marks")
    checkers.add_argument("questions", nargs="*", metavar="QUESTION", help="question ids such as 1.3 (default: all)")
    checkers.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table as Markdown")
    checkers.add_argument("--variant-of", metavar="STUDENT", default=None,
                          help="mutate the model answers of this learner's variants (default: the default "
                               "scenarios, what the docs table shows)")
    checkers.add_argument("--reviewed", type=Path, metavar="YAML",
                          help="the reviewed equivalents file (default: course/mutation/equivalent.yaml)")
    checkers.set_defaults(func=_check_checkers)

    from autograder.cli import add_arguments as grade_arguments

    grade = sub.add_parser("grade", help="grade submissions: sandboxed, parallel, scored outside the kernel")
    grade_arguments(grade)
    grade.set_defaults(func=_grade)

    from autograder.cli import add_export_arguments

    export = sub.add_parser("export", help="write the gradebook's scores for Canvas, Moodle or as plain CSV")
    add_export_arguments(export)
    export.set_defaults(func=_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["lab"]:  # everything after `lab` belongs to JupyterLab, options included
        return _lab(argparse.Namespace(jupyter_args=argv[1:]))
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
