"""How hints read: sentences that start from what the learner answered, never from the right answer.

A hint is shown only when a requirement fails. It names what the learner chose (``You chose 'SCP'.``)
and then explains why that choice does not fit, so a second try is a second thought rather than a
lookup. These helpers build such sentences and let a test check every authored hint text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_ENDINGS = (".", "!", "?")
_CLOSERS = "\"')]»”’`"


def is_sentence(text: str) -> bool:
    """True for text that starts with a capital letter (or a digit) and ends with . ! or ?."""
    text = text.strip()
    if not text:
        return False
    first = text[0]
    if not (first.isupper() or first.isdigit()):
        return False
    return text.rstrip(_CLOSERS).endswith(_ENDINGS)


def said(value: Any, limit: int = 60) -> str:
    """A learner's value as it appears in a hint: strings quoted, long values shortened."""
    text = f"'{value.strip()}'" if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sentences(*parts: str) -> str:
    """Join sentence fragments, each ended by a full stop unless it already ends with punctuation."""
    out = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not part.rstrip(_CLOSERS).endswith((*_ENDINGS, ":", ";")):
            part += "."
        out.append(part[0].upper() + part[1:])
    return " ".join(out)


def lookup(explanations: Mapping[str, str], value: Any) -> str:
    """The explanation for a chosen value: exact key first, then ignoring case and surrounding spaces."""
    if not explanations or not isinstance(value, (str, int, float, bool)):
        return ""
    if isinstance(value, str):
        if value in explanations:
            return explanations[value]
        folded = value.strip().casefold()
        for key, text in explanations.items():
            if key.strip().casefold() == folded:
                return text
        return ""
    return explanations.get(str(value), "")
