"""Whether bytes already read (and size-checked) are a gradable nbformat-4 notebook."""

from __future__ import annotations

import json

import nbformat

from autograder.intake.tree import MAX_NOTEBOOK_BYTES


def validate(data: bytes) -> str | None:
    """Why ``data`` is not a gradable nbformat-4 notebook, or None when it is."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        return f"invalid notebook: {len(data)} bytes is over the {MAX_NOTEBOOK_BYTES} byte limit"
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return f"invalid notebook: not JSON ({exc})"
    except RecursionError:
        return "invalid notebook: JSON nested too deeply"
    if not isinstance(raw, dict):
        return "invalid notebook: JSON without notebook cells"
    major = raw.get("nbformat")
    if major != 4:
        return f"invalid notebook: nbformat {repr(major)[:40]}, the course uses nbformat 4"
    if "cells" not in raw:
        return "invalid notebook: JSON without notebook cells"
    try:
        nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=4))
    except Exception as exc:  # nbformat raises several types for broken structure
        return f"invalid notebook: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    return None
