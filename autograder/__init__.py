"""Batch grading of untrusted course submissions on top of nbgrader (``aws-course grade``).

Pipeline, one module per step: ``intake`` (folders, nbgrader layout, zips; invalid notebooks become
``failed`` rows) -> ``assignment`` (source notebook read in the grader only: check cells, hidden cases
as data, the release version of locked cells) -> ``prepare`` (locked cells restored, extraction cells
injected) -> ``execute`` in a ``sandbox`` (bubblewrap + resource limits) -> ``extract`` (answers as
data) -> ``score`` (trusted checkers; in-kernel disagreement flags the submission) -> ``gradebook``,
``ledger``, CSV, ``feedback``, ``report`` (written by the parent process only, see ``batch``).

Scoring rule: a check cell worth P points earns P x the fraction of its requirements met (weighted,
visible and hidden cases together), rounded to 2 decimals. Statuses: ``graded``; ``flagged`` (a locked
cell was edited or deleted, a fake graded cell was added, or the notebook's own check passed where the
trusted check did not: the trusted score counts); ``failed`` (not a notebook, kernel died, timeout;
answers read out before the stop still count).
"""
