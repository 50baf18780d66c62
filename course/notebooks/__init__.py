"""What each notebook of the course asks: one module per notebook (notebook 01: one per part).

A module builds its questions from the kinds in ``course.exercises.kinds`` and registers them when it is
imported. The registry finds these modules through the ``aws_course.notebooks`` entry-point group
(``pyproject.toml``), so another installed package can add notebooks the same way.
"""
