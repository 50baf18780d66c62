"""AWS Network Firewall policies and Gateway Load Balancer appliances (spec §5.17): parse and decide.

A port *range* (a NAT gateway's 1024-65535, an unknown client port) is judged as "every port": a pass rule
must cover all of it, and a drop rule that touches any of it drops (the flow does not work for every port).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import fields as f
from .addr import Addr, Cidr
from .errors import NetworkError
from .fields import at
from .model import PortRange, Subnet, Vpc

STATELESS_ACTIONS = ("pass", "drop", "forward")
STATEFUL_ACTIONS = ("pass", "drop")
DOMAIN_PROTOCOLS = ("tls_sni", "http_host")


@dataclass(slots=True)
class FlowRule:
    """A 5-tuple rule: protocol, source and destination CIDRs and ports (absent = any)."""

    index: int
    priority: int
    action: str
    protocol: str
    src: Cidr | None
    dst: Cidr | None
    src_ports: PortRange | None
    dst_ports: PortRange | None

    def describe(self, kind: str) -> str:
        parts = [self.protocol]
        if self.src is not None:
            parts.append(f"from {self.src.text}")
        if self.src_ports is not None:
            parts.append(f"source ports {_ports(self.src_ports)}")
        if self.dst is not None:
            parts.append(f"to {self.dst.text}")
        if self.dst_ports is not None:
            parts.append(f"port {_ports(self.dst_ports)}")
        where = f"priority {self.priority}" if kind == "stateless" else f"#{self.index}"
        return f"{kind} rule {where} {self.action.upper()} {' '.join(parts)}"


@dataclass(slots=True)
class DomainList:
    index: int
    allow: bool  # allowlist (everything else of these protocols is dropped) or denylist
    domains: list[str]
    protocols: tuple[str, ...]

    def matches(self, domain: str) -> bool:
        name = domain.lower().rstrip(".")
        for item in self.domains:
            if item.startswith("."):
                if name == item[1:] or name.endswith(item):
                    return True
            elif name == item:
                return True
        return False

    def describe(self) -> str:
        kind = "allowlist" if self.allow else "denylist"
        return f"domain {kind} #{self.index} ({', '.join(self.domains)}; {', '.join(self.protocols)})"


@dataclass(slots=True)
class InspectionPolicy:
    """A firewall policy (stateless then stateful) or a GWLB appliance fleet's rules (stateless only)."""

    stateless: list[FlowRule]
    stateless_default: str
    stateful: list[FlowRule] = field(default_factory=list)
    domain_lists: list[DomainList] = field(default_factory=list)
    stateful_default: str = "pass"


@dataclass(slots=True)
class InspectionEndpoint:
    """A Network Firewall endpoint or a GWLB endpoint: a route target in its own subnet."""

    id: str
    kind: str  # "network-firewall" | "gwlb"
    owner: str  # the firewall or the Gateway Load Balancer
    subnet: Subnet
    policy: InspectionPolicy

    @property
    def vpc(self) -> Vpc:
        return self.subnet.vpc


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    stage: str  # "stateless" | "stateful" | "domain" | "appliance"
    detail: str


def _ports(p: PortRange) -> str:
    return str(p[0]) if p[0] == p[1] else f"{p[0]}-{p[1]}"


def _covers(rule: PortRange | None, pkt: PortRange | None) -> bool:
    return rule is None or pkt is None or (rule[0] <= pkt[0] and pkt[1] <= rule[1])


def _touches(rule: PortRange | None, pkt: PortRange | None) -> bool:
    return rule is None or pkt is None or (rule[0] <= pkt[1] and pkt[0] <= rule[1])


def _addr_ok(block: Cidr | None, addr: Addr) -> bool:
    return block is None or block.contains(addr)


def rule_hits(rule: FlowRule, proto: str, src: Addr, dst: Addr, sports: PortRange | None,
              dports: PortRange | None) -> str:
    """"all" (the rule applies to every port of the packet), "some" (to some ports) or "" (no match)."""
    if rule.protocol != "all" and rule.protocol != proto:
        return ""
    if not (_addr_ok(rule.src, src) and _addr_ok(rule.dst, dst)):
        return ""
    if _covers(rule.src_ports, sports) and _covers(rule.dst_ports, dports):
        return "all"
    if _touches(rule.src_ports, sports) and _touches(rule.dst_ports, dports):
        return "some"
    return ""


def decide(policy: InspectionPolicy, proto: str, src: Addr, dst: Addr, sports: PortRange | None,
           dports: PortRange | None, *, established: bool, domain: str | None, app: str | None,
           appliance: bool = False) -> Verdict:
    """Stateless rules by priority (first full match wins), then the stateful engine unless the flow is
    established (a reply: the stateful engine saw the request), in AWS's default action order: pass rules,
    then drop rules, then the default."""
    action, why = policy.stateless_default, f"stateless default action {policy.stateless_default.upper()}"
    for rule in policy.stateless:
        hit = rule_hits(rule, proto, src, dst, sports, dports)
        if hit == "all" or (hit == "some" and rule.action == "drop"):
            action, why = rule.action, rule.describe("stateless")
            break
    stage = "appliance" if appliance else "stateless"
    if action == "drop":
        return Verdict(False, stage, why)
    if action == "pass" or appliance:
        return Verdict(True, stage, why)
    if established:
        return Verdict(True, "stateful", f"{why}; the stateful engine passes the reply of a flow it saw")
    for rule in policy.stateful:
        if rule.action == "pass" and rule_hits(rule, proto, src, dst, sports, dports) == "all":
            return Verdict(True, "stateful", rule.describe("stateful"))
    kind = {"tls": "tls_sni", "http": "http_host"}.get(app or "")
    if domain and kind:
        for dl in policy.domain_lists:
            if dl.allow and kind in dl.protocols and dl.matches(domain):
                return Verdict(True, "domain", f"{domain} is on {dl.describe()}")
    for rule in policy.stateful:
        if rule.action == "drop" and rule_hits(rule, proto, src, dst, sports, dports):
            return Verdict(False, "stateful", rule.describe("stateful"))
    if domain and kind:
        for dl in policy.domain_lists:
            if kind not in dl.protocols:
                continue
            if dl.allow:
                return Verdict(False, "domain", f"{domain} is not on {dl.describe()}")
            if dl.matches(domain):
                return Verdict(False, "domain", f"{domain} is on {dl.describe()}")
    if policy.stateful_default == "drop":
        return Verdict(False, "stateful", "no stateful rule passes it; the stateful default action is DROP")
    return Verdict(True, "stateful", f"{why}; no stateful rule drops it")


# -- parsing -------------------------------------------------------------------------------------------------


def _flow_rules(raw: dict[str, Any], key: str, path: str, actions: tuple[str, ...], ranked: bool) -> list[FlowRule]:
    out = []
    seen: dict[int, int] = {}
    for i, item in enumerate(f.listing(raw, key, path, [])):
        rpath = at(at(path, key), i)
        r = f.obj(item, rpath)
        action = r.get("action")
        if action not in actions:
            raise NetworkError(f"action must be one of {', '.join(actions)}; got {action!r}", at(rpath, "action"))
        priority = i
        if ranked:
            if "priority" not in r:
                raise NetworkError("required field is missing", at(rpath, "priority"))
            priority = f.integer(r["priority"], at(rpath, "priority"), 1, 65535)
            if priority in seen:
                raise NetworkError(f"priority {priority} is already used by {key}[{seen[priority]}]",
                                   at(rpath, "priority"))
            seen[priority] = i
        proto = f.protocol(r, rpath)
        src = f.cidr(r["src"], at(rpath, "src")) if r.get("src") is not None else None
        dst = f.cidr(r["dst"], at(rpath, "dst")) if r.get("dst") is not None else None
        sports = _port_field(r, "src_ports", proto, rpath)
        dports = _port_field(r, "dst_ports", proto, rpath)
        out.append(FlowRule(i, priority, action, proto, src, dst, sports, dports))
    out.sort(key=lambda rule: rule.priority)
    return out


def _port_field(r: dict[str, Any], key: str, proto: str, path: str) -> PortRange | None:
    if r.get(key) is None:
        return None
    return _ports_at(r[key], proto, at(path, key))


def _ports_at(value: Any, proto: str, where: str) -> PortRange:
    if proto not in ("tcp", "udp"):
        raise NetworkError(f"ports apply only to tcp and udp, not {proto}", where)
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise NetworkError(f"ports must be [from, to], got {value!r}", where)
    lo = f.integer(value[0], at(where, 0), 0, 65535)
    hi = f.integer(value[1], at(where, 1), 0, 65535)
    if lo > hi:
        raise NetworkError(f"ports [from, to] has from > to: {value!r}", where)
    return (lo, hi)


def parse_policy(raw: Any, path: str) -> InspectionPolicy:
    """A Network Firewall policy: ``stateless_rules``, ``stateless_default``, ``stateful_rules``,
    ``domain_lists``, ``stateful_default``."""
    p = f.obj(raw if raw is not None else {}, path)
    default = f.string(p, "stateless_default", path, "forward")
    if default not in STATELESS_ACTIONS:
        raise NetworkError(f"stateless_default must be one of {', '.join(STATELESS_ACTIONS)}; got {default!r}",
                           at(path, "stateless_default"))
    stateful_default = f.string(p, "stateful_default", path, "pass")
    if stateful_default not in STATEFUL_ACTIONS:
        raise NetworkError(f"stateful_default must be pass or drop; got {stateful_default!r}",
                           at(path, "stateful_default"))
    lists = []
    for i, item in enumerate(f.listing(p, "domain_lists", path, [])):
        dpath = at(at(path, "domain_lists"), i)
        d = f.obj(item, dpath)
        kind = d.get("type")
        if kind not in ("allowlist", "denylist"):
            raise NetworkError(f"type must be allowlist or denylist, got {kind!r}", at(dpath, "type"))
        domains = []
        for j, name in enumerate(f.listing(d, "domains", dpath)):
            if not isinstance(name, str) or not name.strip(". "):
                raise NetworkError(f"expected a domain name, got {name!r}", at(at(dpath, "domains"), j))
            domains.append(name.lower())
        protocols = f.listing(d, "protocols", dpath, list(DOMAIN_PROTOCOLS))
        for j, proto in enumerate(protocols):
            if proto not in DOMAIN_PROTOCOLS:
                raise NetworkError(f"protocol must be tls_sni or http_host, got {proto!r}",
                                   at(at(dpath, "protocols"), j))
        lists.append(DomainList(i, kind == "allowlist", domains, tuple(protocols)))
    return InspectionPolicy(
        _flow_rules(p, "stateless_rules", path, STATELESS_ACTIONS, True), default,
        _flow_rules(p, "stateful_rules", path, STATEFUL_ACTIONS, False), lists, stateful_default,
    )


def parse_appliance_rules(raw: dict[str, Any], path: str) -> InspectionPolicy:
    """A Gateway Load Balancer's appliances, as far as this model sees them: ordered 5-tuple pass/drop rules."""
    default = f.string(raw, "default_action", path, "pass")
    if default not in ("pass", "drop"):
        raise NetworkError(f"default_action must be pass or drop; got {default!r}", at(path, "default_action"))
    return InspectionPolicy(_flow_rules(raw, "appliance_rules", path, ("pass", "drop"), True), default)
