"""Batch grading of untrusted course submissions on top of nbgrader."""
