"""``python -m course.net reach FILE``: batches of {"network", "query"} documents, one JSON answer per line."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from .document import load
from .errors import NetworkError
from .model import Network
from .reach import reach


def _documents(text: str) -> list[Any]:
    """One object, a JSON array, or JSON Lines. Unparseable lines become NetworkErrors in place."""
    stripped = text.strip()
    if not stripped:
        return []
    try:
        whole = json.loads(stripped)
    except json.JSONDecodeError:
        whole = None
    else:
        return whole if isinstance(whole, list) else [whole]
    items: list[Any] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            items.append(NetworkError(f"line {number}: invalid JSON: {exc.msg}", ""))
    return items


def answer_one(item: Any, cache: dict[str, Network]) -> dict[str, Any]:
    """The answer dict, or {"error": {...}} for a malformed document."""
    try:
        if isinstance(item, NetworkError):
            raise item
        if not isinstance(item, dict):
            raise NetworkError('expected an object with "network" and "query"', "")
        if "network" not in item:
            raise NetworkError("required field is missing", "network")
        if "query" not in item:
            raise NetworkError("required field is missing", "query")
        key = json.dumps(item["network"], sort_keys=True)
        net = cache.get(key)
        if net is None:
            net = load(item["network"]) if isinstance(item["network"], dict) else _not_object()
            cache[key] = net
        return reach(net, item["query"]).to_dict()
    except NetworkError as exc:
        return {"error": exc.to_dict()}


def _not_object() -> Network:
    raise NetworkError("expected an object", "network")


def run_reach(text: str, out: TextIO) -> int:
    cache: dict[str, Network] = {}
    failed = False
    for item in _documents(text):
        result = answer_one(item, cache)
        failed |= "error" in result
        out.write(json.dumps(result) + "\n")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.net", description="VPC reachability in batches")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("reach", help="answer reachability queries")
    cmd.add_argument("file", metavar="FILE", help="object, JSON array or JSON Lines of {network, query}; - = stdin")
    args = parser.parse_args(argv)
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        print(f"python -m course.net: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    return run_reach(text, sys.stdout)
