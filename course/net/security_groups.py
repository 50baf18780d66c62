"""Stateful security groups (spec §5.4): the union of allow rules; group references match private IPs only."""

from __future__ import annotations

from dataclasses import dataclass

from .addr import Addr
from .model import Eni, Network, PortRange, SecurityGroup, SgRule, Vpc


@dataclass(frozen=True, slots=True)
class SgVerdict:
    allowed: bool
    rule: SgRule | None
    group: str | None


def reference_ok(net: Network, remote: Eni, addr: Addr, local_vpc: Vpc, direction: str = "inbound") -> bool:
    """An ``sg-`` peer only sees private addresses, in the same VPC, an active same-Region peer, or (inbound
    rules only) a VPC attached to the same transit gateway with security group referencing on (spec §5.4)."""
    if not remote.owns_private(addr):
        return False
    if remote.vpc is local_vpc:
        return True
    if remote.vpc.id in net.peers_same_region.get(local_vpc.id, ()):
        return True
    return direction == "inbound" and remote.vpc.id in net.sg_refs_over_tgw.get(local_vpc.id, ())


def allows(
    net: Network,
    groups: list[SecurityGroup],
    direction: str,
    protocol: str,
    ports: PortRange | None,
    remote_addr: Addr,
    remote_enis: list[Eni],
    local_vpc: Vpc,
    lb_groups: frozenset[str] = frozenset(),
) -> SgVerdict:
    """Do the groups' ``direction`` rules allow every requested port to/from ``remote_addr``?"""
    needed: list[PortRange] | None = [ports] if ports is not None else None
    first: tuple[SgRule, str] | None = None
    for group in groups:
        for rule in group.inbound if direction == "inbound" else group.outbound:
            if rule.protocol != "all" and rule.protocol != protocol:
                continue
            if not _peer_matches(net, rule, remote_addr, remote_enis, local_vpc, direction, lb_groups):
                continue
            if first is None:
                first = (rule, group.id)
            if rule.ports is None or needed is None:
                return SgVerdict(True, rule, group.id)
            needed = _cut(needed, rule.ports)
            if not needed:
                return SgVerdict(True, rule, group.id)
    return SgVerdict(False, None, None)


def _peer_matches(
    net: Network, rule: SgRule, addr: Addr, remote_enis: list[Eni], local_vpc: Vpc, direction: str,
    lb_groups: frozenset[str],
) -> bool:
    if rule.peer_kind == "cidr":
        assert rule.cidr is not None
        return rule.cidr.contains(addr)
    if rule.peer_kind == "pl":
        return any(block.contains(addr) for block in net.prefix_lists[rule.peer].cidrs)
    if rule.peer in lb_groups:
        return True  # a load balancer's group matches its traffic even with the client IP preserved (§5.16)
    members = net.sg_members.get(rule.peer, ())
    return any(eni.id in members and reference_ok(net, eni, addr, local_vpc, direction) for eni in remote_enis)


def _cut(ranges: list[PortRange], cut: PortRange) -> list[PortRange]:
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
