"""The kinds of exercise the framework grades, one module each.

``choice`` (single, multiple, ordering, precedence), ``value`` (a value, a mapping, a table), ``policy``
(graded by ``course.iam``), ``network`` (graded by ``course.net``) and ``logs`` (timed mappings and
detector functions run on unseen log data). A notebook module builds its questions from these.
"""
