"""``python -m course.iam evaluate|lint`` (docs/specs/iam-request.md, "Command line")."""

import json
import subprocess
import sys
from pathlib import Path

from .helpers import allow, pol, question

REPO = Path(__file__).resolve().parents[2]


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "course.iam", *args], input=stdin, capture_output=True,
                          text=True, cwd=REPO, timeout=60)


GOOD = question(identity=[pol(allow())])
DENIED = question(identity=[pol(allow("sqs:*"))])


def lines(out: str) -> list[dict]:
    return [json.loads(ln) for ln in out.splitlines()]


def test_single_document_file(tmp_path: Path) -> None:
    f = tmp_path / "q.json"
    f.write_text(json.dumps(GOOD, indent=2))
    proc = run(["evaluate", str(f)])
    assert proc.returncode == 0, proc.stderr
    [answer] = lines(proc.stdout)
    assert answer["decision"] == "Allow" and "explanation" in answer


def test_array_in_order_from_stdin() -> None:
    proc = run(["evaluate", "-"], json.dumps([GOOD, DENIED]))
    assert proc.returncode == 0
    assert [a["decision"] for a in lines(proc.stdout)] == ["Allow", "ImplicitDeny"]


def test_json_lines_with_a_malformed_document_continues() -> None:
    bad = question(identity=[pol({"Effect": "Allow", "Action": "s3:GetObject"})])
    text = "\n".join([json.dumps(GOOD), "{oops", json.dumps(bad), json.dumps(DENIED)]) + "\n"
    proc = run(["evaluate", "-"], text)
    assert proc.returncode == 1
    out = lines(proc.stdout)
    assert len(out) == 4
    assert out[0]["decision"] == "Allow" and out[3]["decision"] == "ImplicitDeny"
    assert set(out[1]) == {"error"} and "decision" not in out[1]
    assert out[2]["error"]["path"] == "policies.identity[0].Statement[0]"


def test_malformed_pretty_document_is_one_error(tmp_path: Path) -> None:
    f = tmp_path / "q.json"
    f.write_text(json.dumps(GOOD, indent=2)[:-3])
    proc = run(["evaluate", str(f)])
    assert proc.returncode == 1
    [answer] = lines(proc.stdout)
    assert "invalid JSON" in answer["error"]["message"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run([]).returncode == 2
    assert run(["frobnicate", "-"]).returncode == 2
    assert run(["evaluate", str(tmp_path / "missing.json")]).returncode == 2


def test_lint_command() -> None:
    proc = run(["lint", "-"], json.dumps(pol(allow("*"))))
    assert proc.returncode == 1
    [out] = lines(proc.stdout)
    assert any(f["id"] == "IAM006" for f in out["findings"])
    clean = run(["lint", "-"], json.dumps(pol(allow("s3:GetObject", "arn:aws:s3:::b/*"))))
    assert clean.returncode == 0 and lines(clean.stdout) == [{"findings": []}]
