"""What the per-learner variant tests share: no identity from the machine running them, and a variant's model
answer."""

from __future__ import annotations

from typing import Any

import pytest

from course.exercises import get
from course.exercises.variants import STUDENT_VARIABLE


@pytest.fixture(autouse=True)
def _no_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """No identity from the machine running the tests (a developer's hub user or my-work/); a test module
    that imports this fixture gets it for every test."""
    for name in (STUDENT_VARIABLE, "JUPYTERHUB_USER", "AWS_COURSE_ROOT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def model(question: str, identity: str | None) -> Any:
    """The model answer of ``question`` in the variant of ``identity`` (None: the authored question)."""
    family = get(question).variants
    return family.model(family.values(question, identity))
