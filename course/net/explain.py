"""Readable renderings of an answer: one headline sentence, then the hops (text or HTML)."""

from __future__ import annotations

import html
from typing import Any

from .answer import Answer
from .labels import LABELS, MEANINGS


def _flow(ans: Answer) -> str:
    q = ans.query
    proto = q.get("protocol", "?")
    port = q.get("port")
    what = f"{proto} {port}" if port is not None and proto != "icmp" else proto
    return f"{q.get('src', '?')} -> {q.get('dst', '?')} ({what})"


def headline(ans: Answer) -> str:
    """The one sentence a learner needs: what blocked the packet, and why."""
    if ans.reachable:
        return f"reachable: {_flow(ans)}, and the reply comes back"
    label = ans.blocked_by or ""
    at = ans.blocked_at or "?"
    blocking = _blocking_hop(ans)
    if label.startswith("nacl-") and label.endswith("-return") and blocking is not None:
        allowed = next(
            (h for h in ans.path if h["direction"] == "request" and h["resource"] == at and h["decision"] == "allow"),
            None,
        )
        side = blocking.get("nacl_direction", "")
        verb = "leaves" if side == "outbound" else "enters"
        reply = f"the reply to port {blocking.get('ports') or '?'} {verb} through rule {blocking.get('rule', '*')} deny"
        if allowed is not None:
            req_port = allowed.get("ports") or ""
            first = f"rule {allowed.get('rule')} allows {allowed.get('nacl_direction')} {req_port}".rstrip()
            return f"blocked at {at}: {first}, but {reply}"
        return f"blocked at {at}: {reply}"
    why = blocking["detail"] if blocking is not None else MEANINGS.get(label, "")
    return f"blocked at {at} ({label}): {why}"


def _blocking_hop(ans: Answer) -> dict[str, Any] | None:
    for h in ans.path:
        if h["decision"] in ("deny", "drop"):
            return h
    return None


def explain(ans: Answer) -> str:
    lines = [headline(ans)]
    if ans.blocked_by:
        code = LABELS.get(ans.blocked_by) or "no single code"
        lines.append(f"  {ans.blocked_by}: {MEANINGS.get(ans.blocked_by, '')} (Reachability Analyzer: {code})")
    if ans.also_blocked_by:
        lines.append(f"  also blocked by: {', '.join(ans.also_blocked_by)}")
    for h in ans.path:
        mark = {"deny": "x", "drop": "x"}.get(h["decision"], "-")
        lines.append(f"  {mark} [{h['direction']}] {h['resource']}: {h['decision']} - {h['detail']}")
    return "\n".join(lines)


def to_html(ans: Answer) -> str:
    colour = "#1a7f37" if ans.reachable else "#cf222e"
    rows = "".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
            html.escape(h["direction"]), html.escape(h["resource"]),
            html.escape(h["decision"]), html.escape(h["detail"]),
        )
        for h in ans.path
    )
    return (
        f'<div role="region" aria-label="reachability answer">'
        f'<p style="color:{colour};font-weight:bold">{html.escape(headline(ans))}</p>'
        "<table><caption>Hops walked, request then reply</caption>"
        "<thead><tr><th>direction</th><th>resource</th><th>decision</th><th>detail</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )
