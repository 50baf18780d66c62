"""The reviewed file of equivalent mutants (``course/mutation/equivalent.yaml``).

``equivalent`` maps a question id to a list of ``{mutant: description, reason: one line}``: a mutant that
earns full marks *because it is as right as the model answer* (never because a case is missing). ``pending`` maps a
question id to a one-line reason: its survivors are listed as pending in the report and the docs table
and do not fail the gate, until someone kills or reviews them. Both are read strictly, so a typo cannot
silently accept a survivor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).with_name("equivalent.yaml")


class ReviewedFileError(ValueError):
    """The equivalents file is malformed; the message names the file and the entry."""


@dataclass
class Reviewed:
    equivalent: dict[str, dict[str, str]] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)

    def reason(self, exercise_id: str, description: str) -> str | None:
        return self.equivalent.get(exercise_id, {}).get(description)


def load(path: Path = DEFAULT_PATH) -> Reviewed:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ReviewedFileError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(data, dict) or set(data) - {"equivalent", "pending"}:
        raise ReviewedFileError(f"{path}: expected the top-level keys 'equivalent' and 'pending' only")
    reviewed = Reviewed()
    for qid, entries in (data.get("equivalent") or {}).items():
        if not isinstance(entries, list):
            raise ReviewedFileError(f"{path}: equivalent[{qid!r}] must be a list of {{mutant, reason}} entries")
        found: dict[str, str] = {}
        for i, entry in enumerate(entries):
            where = f"equivalent[{qid!r}][{i}]"
            if not isinstance(entry, dict) or set(entry) != {"mutant", "reason"}:
                raise ReviewedFileError(f"{path}: {where} must have exactly the keys 'mutant' and 'reason'")
            _one_line(path, f"{where} (mutant)", entry["mutant"])
            _one_line(path, f"{where} (reason)", entry["reason"])
            if entry["mutant"] in found:
                raise ReviewedFileError(f"{path}: {where} repeats the mutant {entry['mutant']!r}")
            found[entry["mutant"]] = entry["reason"].strip()
        reviewed.equivalent[str(qid)] = found
    for qid, reason in (data.get("pending") or {}).items():
        _one_line(path, f"pending[{qid!r}]", reason)
        reviewed.pending[str(qid)] = str(reason).strip()
    return reviewed


def _one_line(path: Path, where: str, text: object) -> None:
    if not isinstance(text, str) or not text.strip() or "\n" in text.strip():
        raise ReviewedFileError(f"{path}: {where} needs one line of text")
