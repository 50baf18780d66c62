"""AWS Security Notebooks: the teaching library the course notebooks import.

Sub-packages:
- ``course.iam``: an offline IAM policy evaluator that explains its decisions.
- ``course.net``: a VPC reachability model that explains what blocked a packet.
- ``course.exercises``: exercise definitions and checkers, one module per notebook.
"""

DISTRIBUTION = "aws-security-notebooks"  # the name pyproject.toml gives the package


def __getattr__(name: str) -> str:
    """``__version__``, looked up when first asked for: importing importlib.metadata and reading the
    installed metadata costs ~30 ms, which every ``python -m course.iam`` / ``course.net`` run paid."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:  # the version is written once, in pyproject.toml
        found = version(DISTRIBUTION)
    except PackageNotFoundError:  # pragma: no cover - imported from a checkout that was never installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
