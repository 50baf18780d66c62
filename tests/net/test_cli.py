"""``python -m course.net reach FILE`` through a real subprocess (spec §1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from .helpers import INTERNET, q, two_tier

DOC = two_tier().build()


def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "course.net", *args], input=stdin, capture_output=True, text=True,
                          timeout=60)


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def test_single_object_file(tmp_path: Path) -> None:
    f = tmp_path / "one.json"
    f.write_text(json.dumps({"network": DOC, "query": q(INTERNET, "eni-web", 443)}))
    proc = run(["reach", str(f)])
    assert proc.returncode == 0, proc.stderr
    [ans] = lines(proc.stdout)
    assert ans["reachable"] is True and ans["blocked_by"] is None and ans["path"]


def test_array_in_order_with_error_keeps_going(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(DOC))
    bad["nacls"]["acl-a-default"]["inbound"][0]["ports"] = [1]
    items = [
        {"network": DOC, "query": q("eni-db", INTERNET, 443)},
        {"network": bad, "query": q(INTERNET, "eni-web", 443)},
        {"network": DOC, "query": q(INTERNET, "eni-web", 443)},
        {"network": DOC},
    ]
    f = tmp_path / "batch.json"
    f.write_text(json.dumps(items))
    proc = run(["reach", str(f)])
    assert proc.returncode == 1
    out = lines(proc.stdout)
    assert len(out) == 4
    assert out[0]["blocked_by"] == "route-missing"
    assert out[1] == {"error": {"message": out[1]["error"]["message"], "path": "nacls.acl-a-default.inbound[0].ports"}}
    assert out[2]["reachable"] is True
    assert out[3]["error"]["path"] == "query"


def test_json_lines_from_stdin_with_a_broken_line() -> None:
    text = "\n".join([
        json.dumps({"network": DOC, "query": q(INTERNET, "eni-web", 443)}),
        "{broken",
        "",
        json.dumps({"network": DOC, "query": q(INTERNET, "eni-app", 443)}),
    ])
    proc = run(["reach", "-"], stdin=text)
    assert proc.returncode == 1
    out = lines(proc.stdout)
    assert [("error" in o) for o in out] == [False, True, False]
    assert out[2]["blocked_by"] == "no-public-ip" and out[2]["blocked_at"] == "eni-app"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run([]).returncode == 2
    assert run(["frobnicate", "x"]).returncode == 2
    assert run(["reach"]).returncode == 2
    assert run(["reach", str(tmp_path / "missing.json")]).returncode == 2


def test_empty_input_is_answered_with_nothing() -> None:
    proc = run(["reach", "-"], stdin="")
    assert proc.returncode == 0 and proc.stdout == ""
