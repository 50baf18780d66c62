"""AWS Security Notebooks: the teaching library the course notebooks import.

Sub-packages:
- ``course.iam``: an offline IAM policy evaluator that explains its decisions.
- ``course.net``: a VPC reachability model that explains what blocked a packet.
- ``course.exercises``: exercise definitions and checkers, one module per notebook.
"""

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "aws-security-notebooks"  # the name pyproject.toml gives the package

try:  # the version is written once, in pyproject.toml
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # pragma: no cover - imported from a checkout that was never installed
    __version__ = "0+unknown"
