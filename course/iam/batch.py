"""Answer a batch of JSON Lines questions, compiling each distinct ``policies`` text once.

A batch (the CLI, a grading run, the differential tester) usually asks many questions of the same
policies. Parsing and compiling the policies is most of the cost of one question, and even decoding
their JSON again costs more than the decision. So each line's top-level object is read field by field
with the standard library's own JSON scanner, and a ``policies`` value whose text is verbatim one seen
before (compared as text, which is exact: a JSON value's text fixes where it ends) reuses that parse and
that compiled :class:`PolicySet`. Anything unusual (not an object, duplicate keys, a policy error, a
bug) falls back to the ordinary ``json.loads`` + :func:`evaluate_json` path, so answers and error
messages are the same either way; only the time differs.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict

from .api import evaluate_json
from .errors import PolicyError
from .evaluate import PolicySet
from .explain import _ENCODE, EvaluationResult
from .request import parse_request

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_PREFIX = 48  # characters of a policies text used to find candidates


class BatchEvaluator:
    """``answer(line)`` gives the contract's answer for one JSON line; remembers up to 64 policy sets."""

    def __init__(self, capacity: int = 64) -> None:
        self.capacity = capacity
        self._seen: OrderedDict[str, list[tuple[str, object, PolicySet]]] = OrderedDict()
        self._count = 0

    def answer(self, line: str) -> dict:
        fast = self._try_fast(line)
        if isinstance(fast, EvaluationResult):
            try:
                return fast.to_dict()
            except Exception:  # noqa: BLE001 - any surprise: the ordinary path answers, with its own messages
                fast = None
        return fast if fast is not None else self._slow(line)

    def answer_text(self, line: str) -> tuple[str, bool]:
        """The answer's JSON text (``encode_answer(self.answer(line))``) and whether it is an error."""
        fast = self._try_fast(line)
        if isinstance(fast, EvaluationResult):
            try:
                return fast.json_text(), False
            except Exception:  # noqa: BLE001 - any surprise: the ordinary path answers, with its own messages
                fast = None
        answer = fast if fast is not None else self._slow(line)
        return _ENCODE(answer), "error" in answer

    def _try_fast(self, line: str) -> EvaluationResult | dict | None:
        try:
            return self._fast(line)
        except Exception:  # noqa: BLE001 - any surprise: the ordinary path decides, with its own messages
            return None

    def _slow(self, line: str) -> dict:
        try:
            doc = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = getattr(exc, "msg", "nested too deeply")
            return PolicyError(f"invalid JSON on this line: {msg}", "").to_dict()
        return evaluate_json(doc)

    def _fast(self, s: str) -> EvaluationResult | dict | None:
        end = len(s)
        i = _WS.match(s, 0).end()  # type: ignore[union-attr]
        if i >= end or s[i] != "{":
            return None
        i = _WS.match(s, i + 1).end()  # type: ignore[union-attr]
        fields: dict[str, object] = {}
        ps: PolicySet | None = None
        while True:
            if i >= end or s[i] != '"':
                return None
            key, i = json.decoder.scanstring(s, i + 1)  # type: ignore[attr-defined]
            i = _WS.match(s, i).end()  # type: ignore[union-attr]
            if i >= end or s[i] != ":" or key in fields:
                return None
            i = _WS.match(s, i + 1).end()  # type: ignore[union-attr]
            if key == "policies":
                value, ps, i = self._policies(s, i)
                if ps is None:
                    return None
            else:
                value, i = _DECODER.raw_decode(s, i)
            fields[key] = value
            i = _WS.match(s, i).end()  # type: ignore[union-attr]
            if i < end and s[i] == ",":
                i = _WS.match(s, i + 1).end()  # type: ignore[union-attr]
                continue
            if i < end and s[i] == "}":
                i += 1
                break
            return None
        if _WS.match(s, i).end() != end or ps is None:  # type: ignore[union-attr]
            return None
        try:
            req = parse_request(fields.get("request"), "request")
        except PolicyError as exc:
            return exc.to_dict()
        return ps.evaluate(req)

    def _policies(self, s: str, i: int) -> tuple[object, PolicySet | None, int]:
        bucket = self._seen.get(s[i:i + _PREFIX])
        if bucket is not None:
            for text, value, ps in bucket:
                if s.startswith(text, i):
                    return value, ps, i + len(text)
        value, j = _DECODER.raw_decode(s, i)
        try:
            ps = PolicySet.from_dict(value, "policies")
        except (PolicyError, RecursionError):
            return value, None, j
        text = s[i:j]
        prefix = text[:_PREFIX]
        self._seen.setdefault(prefix, []).append((text, value, ps))
        self._seen.move_to_end(prefix)
        self._count += 1
        while self._count > self.capacity:
            _old_prefix, old = self._seen.popitem(last=False)
            self._count -= len(old)
        return value, ps, j



def encode_answer(answer: dict) -> str:
    """The answer's JSON line text: ``json.dumps(answer, ensure_ascii=False)`` with an encoder built once
    (``json.dumps`` with options builds a new one per call). Splicing cached records' text in was tried
    and measured slower than encoding the whole answer in one C call."""
    return _ENCODE(answer)
