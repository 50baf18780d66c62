"""AWS Security Notebooks: the teaching library the course notebooks import.

Sub-packages:
- ``course.iam``: an offline IAM policy evaluator that explains its decisions.
- ``course.net``: a VPC reachability model that explains what blocked a packet.
- ``course.exercises``: exercise definitions and checkers, one module per notebook.
"""

__version__ = "0.1.0"
