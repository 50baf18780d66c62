"""Explanations: why a request was allowed or denied, as data, text and HTML.

Shape of ``EvaluationResult.to_dict()["explanation"]``::

    {
      "decided_by": "identity[0] statement AllowRead",   # who decided (string, see below)
      "reason": "the identity-based policy allows the action ...",   # one sentence
      "deciding_statement": {"policy": "identity[0]", "statement": "AllowRead", "sid": "AllowRead",
                             "index": 1, "effect": "Allow",
                             "path": "policies.identity[0].Statement[1]"} | null,
      "statements": [   # every statement of every policy that applied, in evaluation order
        {"policy": "resource", "policy_type": "resource", "statement": "#0", "sid": null,
         "index": 0, "effect": "Allow", "path": "policies.resource.Statement[0]",
         "matched": false,
         "grant": "direct" | "role" | "account" | null,     # resource/RCP statements that matched
         "why_not": {"element": "Condition", "detail": "...",
                     "failed_conditions": [{"operator": "StringEquals", "key": "aws:SourceVpce",
                                            "policy_values": ["vpce-1"], "request_values": null,
                                            "result": false}]} | null}
      ],
      "steps": [{"step": "explicit deny", "outcome": "none", "detail": "..."}, ...]
    }

``decided_by`` is a policy label (``identity[i]``, ``resource``, ``boundary``, ``session``,
``scps[level][i]``, ``rcps[level][i]``) followed by ``statement <Sid or #index>``; or, for an
implicit deny, the policy type that failed to allow (``identity``, ``boundary``, ``session``,
``resource``, ``scps[level]``); ``root user`` for the root user's default access.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

from .errors import PolicyError
from .model import Statement
from .request import Request
from .variables import parse_template


def _policy_type(label: str) -> str:
    return label.split("[", 1)[0]


_RECORD_BASES: dict[tuple[str, int], tuple[Statement, dict]] = {}


def _record_base(label: str, s: Statement) -> dict:
    # The fields that depend only on the statement are built once per (label, statement) and copied.
    key = (label, id(s))
    hit = _RECORD_BASES.get(key)
    if hit is None or hit[0] is not s:
        if len(_RECORD_BASES) > 8192:
            _RECORD_BASES.clear()
        hit = _RECORD_BASES[key] = (s, {
            "policy": label, "policy_type": _policy_type(label), "statement": s.label, "sid": s.sid,
            "index": s.index, "effect": s.effect, "path": s.path,
        })
    return hit[1]


def statement_record(label: str, s: Statement, matched: bool, why_not: dict | None,
                     grant: str | None = None) -> dict:
    record = _record_base(label, s).copy()
    record["matched"] = matched
    record["grant"] = grant
    record["why_not"] = why_not
    return record


def _json_encoder() -> Callable[[object], str]:
    """``json.dumps(o, ensure_ascii=False)`` as one call into the C encoder, built once.

    ``JSONEncoder.encode`` builds a new C encoder object on every call (a few microseconds, more than
    encoding a small dict takes); the explanation text encodes a few small dicts per answer. Falls back to
    the encoder's own method where the C accelerator is missing.
    """
    encoder = json.JSONEncoder(ensure_ascii=False, check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has _json
        return encoder.encode
    iterencode = make(None, encoder.default, json.encoder.encode_basestring, None, ": ", ", ", False, False,
                      True)
    join = "".join

    def encode(o: object) -> str:
        if o.__class__ is str:
            return json.encoder.encode_basestring(o)
        return join(iterencode(o, 0))

    return encode


_ENCODE = _json_encoder()


def record_prefix(label: str, s: Statement) -> str:
    """The JSON text of a statement record up to (not including) ``, "matched"``; cached on the statement."""
    cache = s.text_cache
    text = cache.get(label)
    if text is None:
        text = cache[label] = _ENCODE(_record_base(label, s))[:-1]
    return text


def deciding_text(label: str, s: Statement) -> str:
    """The JSON text of the ``deciding_statement`` object naming ``s`` under ``label``; cached."""
    cache = s.text_cache
    key = (1, label)
    text = cache.get(key)
    if text is None:
        text = cache[key] = _ENCODE({"policy": label, "statement": s.label, "sid": s.sid, "index": s.index,
                                     "effect": s.effect, "path": s.path})
    return text


_template = lru_cache(maxsize=4096)(parse_template)  # explanations parse the same patterns again and again


def _missing_variables(text: str, ctx: dict, substitute: bool) -> list[str]:
    t = _template(text, substitute)
    out = []
    for part in t.parts:
        if part[0] == 2 and part[2] is None and not isinstance(ctx.get(part[1]), str):
            out.append(part[1])
    return out


def describe_mismatch(s: Statement, req: Request, principal_failed: bool = False) -> dict:
    """The first element, in AWS's order, that stopped the statement from matching."""
    if principal_failed:
        element = "NotPrincipal" if s.not_principal else "Principal"
        detail = (f"{req.caller.raw} is excluded by NotPrincipal" if s.not_principal
                  else f"{req.caller.raw} is not named in Principal")
        return {"element": element, "detail": detail}
    if not s.action_matches(req.action):
        if s.not_action:
            return {"element": "NotAction", "detail": f"{req.action} is listed in NotAction"}
        listed = s.actions_text
        if listed is None:
            listed = s.actions_text = str(list(s.actions))
        return {"element": "Action", "detail": f"{req.action} matches none of {listed}"}
    if not s.resource_matches(req.resource, req.context):
        substitute = s.resource_templates is not None
        # Without templates no Resource has a policy variable, so none can be missing.
        missing = sorted({v for r in s.resources for v in _missing_variables(r, req.context, substitute)}) \
            if substitute else ()
        extra = f" (policy variable(s) with no value in the request: {missing})" if missing else ""
        if s.not_resource:
            return {"element": "NotResource", "detail": f"{req.resource} is covered by NotResource{extra}"}
        listed = s.resources_text
        if listed is None:
            listed = s.resources_text = str(list(s.resources))
        return {"element": "Resource", "detail": f"{req.resource} matches none of {listed}{extra}"}
    failed = [c.describe(req.context) for c in s.conditions if not c.evaluate(req.context)]
    parts = []
    for f in failed:
        got = "absent" if f["request_values"] is None else f["request_values"]
        parts.append(f"{f['operator']} {f['key']}: policy {f['policy_values']}, request {got}")
    return {"element": "Condition", "detail": "; ".join(parts), "failed_conditions": failed}


class _Explainer(Protocol):
    def explanation(self, decision: str) -> dict: ...
    def explanation_text(self, decision: str) -> str | None: ...


class EvaluationResult:
    """A decision with its explanation; renders as text (``str``) and HTML in notebooks.

    The explanation is built when it is first asked for, from the evaluation's trace (which holds
    everything it needs), so a caller that only wants the decision does not pay for it and a caller that
    wants the JSON text (:meth:`json_text`) gets it from cached fragments; both carry the same detail.
    """

    __slots__ = ("decision", "_explanation", "request", "_source")

    def __init__(self, decision: str, explanation: dict | None = None, request: dict | None = None, *,
                 source: _Explainer | None = None) -> None:
        if explanation is None and source is None:
            explanation = {}
        self.decision = decision
        self._explanation = explanation
        self.request = {} if request is None else request
        self._source = source

    @property
    def explanation(self) -> dict:
        ex = self._explanation
        if ex is None:
            try:
                ex = self._source.explanation(self.decision)  # type: ignore[union-attr]
            except PolicyError:
                raise
            except Exception as exc:  # noqa: BLE001 - the contract promises PolicyError only
                raise PolicyError(f"could not explain this decision: {type(exc).__name__}: {exc}", "") from None
            self._explanation = ex
        return ex

    @explanation.setter
    def explanation(self, value: dict) -> None:
        self._explanation = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EvaluationResult):
            return NotImplemented
        return (self.decision, self.explanation, self.request) == (other.decision, other.explanation,
                                                                   other.request)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"EvaluationResult(decision={self.decision!r}, explanation={self.explanation!r}, "
                f"request={self.request!r})")

    def json_text(self) -> str:
        """``json.dumps(self.to_dict(), ensure_ascii=False)``, built from cached text where it can be."""
        if self._explanation is None and self._source is not None:
            text = self._source.explanation_text(self.decision)
            if text is not None:
                return text
        return _ENCODE(self.to_dict())

    @property
    def allowed(self) -> bool:
        return self.decision == "Allow"

    def to_dict(self) -> dict:
        return {"decision": self.decision, "explanation": self.explanation}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=False)

    def matched_statements(self) -> list[dict]:
        return [s for s in self.explanation["statements"] if s["matched"]]

    def text(self) -> str:
        ex = self.explanation
        lines = [f"{self.decision}: {ex['reason'] or ex['decided_by']}", f"  decided by: {ex['decided_by']}"]
        if ex["steps"]:
            lines.append("  steps:")
            lines += [f"    - {st['step']}: {st['outcome']} ({st['detail']})" for st in ex["steps"]]
        if ex["statements"]:
            lines.append("  statements:")
            for st in ex["statements"]:
                mark = "MATCH" if st["matched"] else "no   "
                why = "" if st["matched"] else f" - {st['why_not']['element']}: {st['why_not']['detail']}"
                lines.append(f"    [{mark}] {st['policy']} {st['statement']} ({st['effect']}){why}")
        return "\n".join(lines)

    __str__ = text

    def _repr_html_(self) -> str:
        import html  # only notebooks render HTML

        ex = self.explanation
        colour = {"Allow": "#1a7f37", "ImplicitDeny": "#9a6700", "ExplicitDeny": "#cf222e"}[self.decision]
        esc = html.escape
        rows = []
        for st in ex["statements"]:
            why = "" if st["matched"] else f"{esc(st['why_not']['element'])}: {esc(st['why_not']['detail'])}"
            rows.append(
                f"<tr><td>{esc(st['policy'])}</td><td>{esc(st['statement'])}</td><td>{esc(st['effect'])}</td>"
                f"<td>{'&#10003;' if st['matched'] else ''}</td><td>{why}</td></tr>"
            )
        steps = "".join(
            f"<li><b>{esc(s['step'])}</b>: {esc(s['outcome'])} &mdash; {esc(s['detail'])}</li>"
            for s in ex["steps"]
        )
        table = (
            "<table><thead><tr><th>policy</th><th>statement</th><th>effect</th><th>matched</th>"
            f"<th>why not</th></tr></thead><tbody>{''.join(rows)}</tbody></table>" if rows else ""
        )
        return (
            f'<div class="iam-result"><p style="font-weight:bold;color:{colour}">{esc(self.decision)}</p>'
            f"<p>{esc(ex['reason'])}<br><small>decided by {esc(ex['decided_by'])}</small></p>"
            f"<ol>{steps}</ol>{table}</div>"
        )
