"""``python -m course.iam evaluate FILE`` and ``python -m course.iam lint FILE`` (FILE "-" = stdin).

Input: one JSON document, a JSON array of documents, or JSON Lines. Output: one JSON object per
document, in order (JSON Lines). Exit status: 0 all fine, 1 some document had an error (for lint:
an error-severity finding), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from .api import evaluate_json
from .batch import BatchEvaluator, encode_answer
from .errors import PolicyError


def split_documents(text: str) -> Iterator[object]:
    """Yield documents; a malformed one yields a PolicyError in its place."""
    stripped = text.strip()
    if not stripped:
        yield PolicyError("the input is empty", "")
        return
    try:
        whole = json.loads(stripped)
    except json.JSONDecodeError as exc:
        whole_error = exc
    except RecursionError:
        yield PolicyError("the input is nested too deeply", "")
        return
    else:
        if isinstance(whole, list):
            yield from whole
        else:
            yield whole
        return
    lines = [ln for ln in stripped.splitlines() if ln.strip()]
    parsed: list[object] = []
    for ln in lines:
        try:
            parsed.append(json.loads(ln))
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = getattr(exc, "msg", "nested too deeply")
            parsed.append(PolicyError(f"invalid JSON on this line: {msg}", ""))
    looks_like_lines = len(lines) > 1 and all(ln.lstrip()[:1] in "{[" for ln in lines) and any(
        not isinstance(p, PolicyError) for p in parsed)
    if looks_like_lines:
        yield from parsed
    else:
        yield PolicyError(
            f"invalid JSON at line {whole_error.lineno} column {whole_error.colno}: {whole_error.msg}", ""
        )


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    with open(source, encoding="utf-8") as fh:
        return fh.read()


def _emit(obj: dict) -> None:
    sys.stdout.write(encode_answer(obj) + "\n")  # the text of json.dumps(obj, ensure_ascii=False)


def json_lines(text: str) -> list[str] | None:
    """The lines of a JSON Lines input, or None when the input is one JSON document (or not JSON Lines).

    Same rule as :func:`split_documents`: several lines, each starting with ``{`` or ``[``, at least one
    of them valid JSON, and the whole text not one document.
    """
    stripped = text.strip()
    if not stripped:
        return None
    try:
        json.loads(stripped)
    except (json.JSONDecodeError, RecursionError):
        pass
    else:
        return None
    lines = [ln for ln in stripped.splitlines() if ln.strip()]
    if len(lines) < 2 or not all(ln.lstrip()[:1] in "{[" for ln in lines):
        return None
    for ln in lines:
        try:
            json.loads(ln)
        except (json.JSONDecodeError, RecursionError):
            continue
        return lines
    return None


_CHUNK = 512  # answers per write in a batch


def cmd_evaluate(text: str) -> int:
    status = 0
    lines = json_lines(text)
    if lines is not None:  # a batch: each distinct policies text is compiled once
        batch = BatchEvaluator()
        for start in range(0, len(lines), _CHUNK):  # written a chunk at a time: fewer, larger writes
            out = []
            for ln in lines[start:start + _CHUNK]:
                answer_text, failed = batch.answer_text(ln)
                if failed:
                    status = 1
                out.append(answer_text)
            out.append("")
            sys.stdout.write("\n".join(out))
        return status
    answers = (doc.to_dict() if isinstance(doc, PolicyError) else evaluate_json(doc)  # type: ignore[arg-type]
               for doc in split_documents(text))
    for answer in answers:
        if "error" in answer:
            status = 1
        _emit(answer)
    return status


def cmd_lint(text: str) -> int:
    from .lint import lint, lint_question  # here, so that evaluating does not import the linter and its data

    status = 0
    for doc in split_documents(text):
        if isinstance(doc, PolicyError):
            _emit(doc.to_dict())
            status = 1
            continue
        findings = lint_question(doc) if isinstance(doc, dict) and "policies" in doc else lint(doc)  # type: ignore[arg-type]
        if any(f.severity == "error" for f in findings):
            status = 1
        _emit({"findings": [f.to_dict() for f in findings]})
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.iam",
                                     description="Evaluate IAM authorization questions or lint policies.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("evaluate", "decide questions (docs/specs/iam-request.md)"),
                            ("lint", "report common mistakes in policies")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("file", help='a JSON / JSON Lines file, or "-" for stdin')
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0
    try:
        text = _read(args.file)
    except (OSError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"cannot read {args.file}: {exc}\n")
        return 2
    return cmd_evaluate(text) if args.command == "evaluate" else cmd_lint(text)
