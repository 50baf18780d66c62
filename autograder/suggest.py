"""``did you mean``: the closest valid name, for one-line errors about a mistyped name."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 10-customer-engagement?"`` or ``""``; matched without case, on the whole name
    and on its part after a ``NN-`` prefix (``10-customer-engagment`` and ``customer-engagement`` both
    find ``10-customer-engagement``)."""
    options = sorted(set(choices))
    keys: dict[str, str] = {}
    for name in options:
        keys.setdefault(name.lower(), name)
        head, _, rest = name.partition("-")
        if head.isdigit() and rest:
            keys.setdefault(rest.lower(), name)
            keys.setdefault(head, name)
    starting = [name for name in options if word and name.lower().startswith(word.lower())]
    if len(starting) == 1:  # a cut-short name: 01-security
        return f"; did you mean {starting[0]}?"
    close = difflib.get_close_matches(word.lower(), list(keys), n=1, cutoff=0.6)
    return f"; did you mean {keys[close[0]]}?" if close else ""


def valid_names(choices: Iterable[str], limit: int = 20) -> str:
    """The choices as one line, at most ``limit`` of them."""
    options = sorted(set(choices))
    more = f" (and {len(options) - limit} more)" if len(options) > limit else ""
    return ", ".join(options[:limit]) + more if options else "(none)"
