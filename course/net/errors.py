"""The one error type the package raises for bad input, so callers catch a single thing."""

from __future__ import annotations


class NetworkError(ValueError):
    """A network document or query is malformed.

    ``path`` names the resource and field (``nacls.acl-1.inbound[2].ports``) so a learner can find
    the mistake without reading a traceback.
    """

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path

    def to_dict(self) -> dict[str, str]:
        return {"message": self.message, "path": self.path}
