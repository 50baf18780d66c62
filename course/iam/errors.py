"""The one exception type the engine raises, with a JSON path a learner can follow."""

from __future__ import annotations

import re

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_:/\-]*$")


def join_path(base: str, key: str | int) -> str:
    """Append a key or index to a dotted JSON path (``a.b[0].c``)."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    part = key if _PLAIN_KEY.match(key) else '["' + key.replace('"', '\\"') + '"]'
    if not base:
        return part if not part.startswith("[") else part
    return f"{base}{part}" if part.startswith("[") else f"{base}.{part}"


class PolicyError(ValueError):
    """Malformed question or policy; ``path`` points into the offending document."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path

    def relative_to(self, prefix: str) -> PolicyError:
        """The same error with ``prefix`` stripped, for a policy document checked on its own."""
        path = self.path
        if prefix and path.startswith(prefix):
            path = path[len(prefix):].lstrip(".")
        return PolicyError(self.message, path)

    def to_dict(self) -> dict:
        return {"error": {"message": self.message, "path": self.path}}
