"""Load a network from a dict, JSON or YAML text, or a file path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import NetworkError
from .model import Network
from .validate import validate


def load(doc: Any) -> Network:
    """A ``Network`` from a dict (spec §2), an already-loaded Network, JSON/YAML text, or a Path."""
    if isinstance(doc, Network):
        return doc
    if isinstance(doc, Path):
        try:
            text = doc.read_text(encoding="utf-8")
        except OSError as exc:
            raise NetworkError(f"cannot read {doc}: {exc.strerror}", "") from None
        return load_yaml(text) if doc.suffix in (".yaml", ".yml") else load_json(text)
    if isinstance(doc, str):
        return load_yaml(doc)  # YAML is a superset of JSON
    return validate(doc)


def load_json(text: str) -> Network:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NetworkError(f"invalid JSON: {exc.msg} at line {exc.lineno}", "") from None
    return validate(doc)


def load_yaml(text: str) -> Network:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise NetworkError(f"invalid YAML: {exc}", "") from None
    return validate(doc)
