"""Stateless NACL evaluation (spec §5.3): rules by number, first match wins, implicit final deny.

A port *range* is checked as "every port must be allowed": that is how a NAT gateway's
1024-65535 source ports (and an unknown client port) are judged.
"""

from __future__ import annotations

from dataclasses import dataclass

from .addr import Addr
from .model import NaclRule, PortRange


@dataclass(frozen=True, slots=True)
class NaclVerdict:
    allowed: bool
    rule: NaclRule | None  # None: the implicit final "*" deny

    @property
    def rule_label(self) -> str:
        return "*" if self.rule is None else str(self.rule.rule)


def evaluate(rules: list[NaclRule], protocol: str, peer: Addr, ports: PortRange | None) -> NaclVerdict:
    """``peer`` is the source address for inbound rules, the destination for outbound ones."""
    remaining = [ports] if ports is not None else None
    version, value = peer
    for rule in rules:
        if rule.protocol != "all" and rule.protocol != protocol:
            continue
        block = rule.cidr
        if block.version != version or (value & block.mask) != block.net:
            continue
        if rule.ports is None or remaining is None:
            return NaclVerdict(rule.allow, rule)
        lo, hi = rule.ports
        hit = [(max(a, lo), min(b, hi)) for a, b in remaining if a <= hi and b >= lo]
        if not hit:
            continue
        if not rule.allow:
            return NaclVerdict(False, rule)
        remaining = _subtract(remaining, rule.ports)
        if not remaining:
            return NaclVerdict(True, rule)
    return NaclVerdict(False, None)


def _subtract(ranges: list[PortRange], cut: PortRange) -> list[PortRange]:
    lo, hi = cut
    out: list[PortRange] = []
    for a, b in ranges:
        if b < lo or a > hi:
            out.append((a, b))
            continue
        if a < lo:
            out.append((a, lo - 1))
        if b > hi:
            out.append((hi + 1, b))
    return out
