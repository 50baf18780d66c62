"""Walk a request and its reply through the network (spec §5), recording each decision as a hop.

The walk follows the spec's canonical order, so the first blocker recorded is ``blocked_by``.
Filters (SGs, NACLs, endpoint policies) record a block and let the walk go on, so later
blockers can be reported too; anything that loses the packet stops the walk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import firewall, routing, security_groups
from . import nacl as nacl_eval
from .addr import Addr, fmt
from .answer import Answer
from .firewall import InspectionEndpoint
from .labels import RETURN_LABELS
from .model import (
    EPHEMERAL,
    EgressOnlyGateway,
    Eni,
    InternetGateway,
    LoadBalancer,
    NatGateway,
    Network,
    Peering,
    PortRange,
    Subnet,
    TargetGroup,
    TransitGateway,
    Vpc,
    VpcEndpoint,
    ports_text,
)
from .query import Query, parse_query

MAX_STEPS = 48
AMAZON_DNS_LINK_LOCAL: Addr = (4, 0xA9FEA9FD)  # 169.254.169.253


class _Stop(Exception):
    """The packet is lost; nothing further can be walked."""


def _zonal(nat: NatGateway) -> tuple[Subnet, Addr]:
    """A zonal NAT gateway's subnet and address (validation guarantees both; regional ones have none)."""
    if nat.subnet is None or nat.private_ip is None:
        raise AssertionError(f"{nat.id} is a regional NAT gateway on the zonal path")
    return nat.subnet, nat.private_ip


@dataclass(slots=True)
class Packet:
    src: Addr
    dst: Addr
    dports: PortRange | None
    sports: PortRange | None
    src_eni: Eni | None  # the ENI whose private address is ``src``; None once translated
    via: str | None = None  # pcx/tgw that carried it into the current VPC
    lb_groups: frozenset[str] = frozenset()  # the security groups of the load balancer that forwards it


@dataclass(slots=True)
class Landing:
    kind: str  # "eni" | "internet" | "vpce"
    where: Eni | VpcEndpoint | None
    pkt: Packet


def reach(network: Network, query: Any) -> Answer:
    """Can ``query['src']`` open this connection to ``query['dst']`` and get the reply back?"""
    q = query if isinstance(query, Query) else parse_query(network, query)
    return _Walk(network, q).run()


class _Walk:
    def __init__(self, net: Network, q: Query) -> None:
        self.net = net
        self.q = q
        self.hops: list[dict[str, Any]] = []
        self.blockers: list[tuple[str, str | None]] = []
        self.used: set[str] = set()
        self.reply = False
        self.nat_state: dict[str, tuple[Addr, PortRange | None, Eni | None]] = {}
        self.steps = 0
        self.last_table: str | None = None
        # who must receive the request and the reply: the query's ends, or a load balancer and its target
        self.want_dst: Eni | None = q.dst_eni
        self.want_src: Eni | None = q.src_eni
        self.inspected: list[str] = []  # inspection endpoints the request passed, in order (§5.17)
        self.inspected_reply: set[str] = set()

    # -- bookkeeping -------------------------------------------------------------------------
    def hop(self, resource: str, kind: str, decision: str, detail: str, **extra: Any) -> None:
        h = {
            "direction": "reply" if self.reply else "request",
            "resource": resource,
            "kind": kind,
            "decision": decision,
            "detail": detail,
        }
        if extra:
            h.update(extra)
        self.hops.append(h)

    def block(self, label: str, at: str | None, stop: bool = True) -> None:
        if self.reply:
            label = RETURN_LABELS.get(label, label)
        self.blockers.append((label, at))
        if stop:
            raise _Stop

    def answer(self) -> Answer:
        if not self.blockers:
            return Answer(True, None, None, [], self.hops, self.q.raw)
        label, at = self.blockers[0]
        also: list[str] = []
        for other, _ in self.blockers[1:]:
            if other not in also:
                also.append(other)
        return Answer(False, label, at, also, self.hops, self.q.raw)

    # -- driver ------------------------------------------------------------------------------
    def run(self) -> Answer:
        q = self.q
        try:
            if q.dst_addr is None:
                assert q.dst_eni is not None
                if q.lb is not None:
                    self.hop(q.lb.id, "load-balancer", "deny",
                             f"{q.lb.id} is internal: it has no public address for {q.src_text} to dial")
                    self.block("lb-internal", q.lb.id)
                self.hop(q.dst_eni.id, "eni", "deny", f"{q.dst_eni.id} has no public IP for {q.src_text} to dial")
                self.block("no-public-ip", q.dst_eni.id)
                return self.answer()  # not reached: block() stops the walk
            if self._amazon_dns():
                return self.answer()
            pkt = Packet(q.src_addr, q.dst_addr, q.dst_ports, q.src_ports, q.src_eni)
            if q.src_eni is not None:
                eni = q.src_eni
                self.hop(eni.id, "eni", "send", f"{fmt(pkt.src)} sends {self._what(pkt)} to {fmt(pkt.dst)}")
                self._sg_egress(pkt, eni)
                landing = self.send(pkt, eni.subnet, eni)
            else:
                self.hop(fmt(pkt.src), "internet", "send", f"{fmt(pkt.src)} sends {self._what(pkt)} to {fmt(pkt.dst)}")
                landing = self.internet(pkt)
            if q.lb is not None:
                self._load_balance(q.lb, landing)
            self.reply = True
            self._walk_reply(landing)
        except _Stop:
            pass
        return self.answer()

    def _walk_reply(self, landing: Landing) -> None:
        req = landing.pkt
        rpkt = Packet(req.dst, req.src, req.sports, req.dports, None)
        if landing.kind == "eni":
            eni = landing.where
            assert isinstance(eni, Eni)
            rpkt.src_eni = eni
            self.hop(eni.id, "eni", "send", f"replies {self._what(rpkt)} to {fmt(rpkt.dst)}")
            back = self.send(rpkt, eni.subnet, eni)
        elif landing.kind == "vpce":
            ep = landing.where
            assert isinstance(ep, VpcEndpoint)
            self.hop(ep.id, "vpc-endpoint", "forward", f"{ep.service} replies into {ep.vpc.id}")
            back = self.arrive(rpkt, ep.vpc, None)
        else:
            self.hop(fmt(rpkt.src), "internet", "send", f"replies {self._what(rpkt)} to {fmt(rpkt.dst)}")
            back = self.internet(rpkt)
        q = self.q
        home = back.kind == "eni" and back.where is q.src_eni if q.src_eni else back.kind == "internet"
        if not home:
            self.block("asymmetric-return", getattr(back.where, "id", None))
        skipped = [e for e in self.inspected if e not in self.inspected_reply]
        if skipped:
            self.hop(skipped[0], "firewall-endpoint", "drop", f"the reply bypasses {skipped[0]}: the inspection "
                     "that saw the request never sees the reply, so the flow is not symmetric")
            self.block("asymmetric-return", skipped[0])
        assert q.dst_addr is not None
        if back.pkt.src != q.dst_addr:
            self.hop(
                q.src_text, "eni" if q.src_eni else "internet", "drop",
                f"the reply comes from {fmt(back.pkt.src)}, not the dialled {fmt(q.dst_addr)}",
            )
            self.block("asymmetric-return", q.dst_eni.id if q.dst_eni else q.dst_text)
        self.hop(q.src_text, "eni" if q.src_eni else "internet", "receive", f"reply from {fmt(back.pkt.src)} arrives")

    def _amazon_dns(self) -> bool:
        q = self.q
        eni = q.src_eni
        if eni is None or q.protocol not in ("tcp", "udp") or q.dst_ports != (53, 53) or q.dst_addr is None:
            return False
        dns = (4, eni.vpc.cidrs[0].net + 2)
        if q.dst_addr not in (dns, AMAZON_DNS_LINK_LOCAL):
            return False
        self.hop(eni.id, "eni", "send", f"queries the Amazon DNS server {fmt(q.dst_addr)}")
        self.hop("amazon-dns", "amazon-dns", "allow",
                 "traffic to the Amazon DNS server is never filtered by NACLs or SGs")
        self.reply = True
        self.hop(eni.id, "eni", "receive", "the DNS answer arrives")
        return True

    def _what(self, pkt: Packet) -> str:
        if self.q.protocol == "icmp":
            return "ICMP echo reply" if self.reply else "ICMP echo request"
        return f"{self.q.protocol} port {ports_text(pkt.dports)}"

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            self.hop(self.last_table or "?", "route-table", "drop", "routing loop: the packet never arrives")
            self.block("misrouted", self.last_table)

    # -- filters -----------------------------------------------------------------------------
    def _no_sg_lb(self, eni: Eni, direction: str) -> bool:
        """An NLB created without security groups lets all client traffic in and all traffic out (§5.16)."""
        if eni.load_balancer is None or eni.security_groups:
            return False
        self.hop(eni.load_balancer, "load-balancer", "allow",
                 f"{eni.load_balancer} has no security groups: all {direction} traffic is allowed")
        return True

    def _sg_egress(self, pkt: Packet, eni: Eni) -> None:
        if self._no_sg_lb(eni, "outbound"):
            return
        q = self.q
        if q.dst_eni is not None and q.dst_eni.owns_private(pkt.dst):
            remotes = [q.dst_eni]
        else:
            remotes = self.net.enis_by_private.get(pkt.dst, [])
        verdict = security_groups.allows(
            self.net, eni.security_groups, "outbound", q.protocol, pkt.dports, pkt.dst, remotes, eni.vpc
        )
        ids = ",".join(g.id for g in eni.security_groups) or eni.id
        if verdict.allowed:
            assert verdict.rule is not None
            self.hop(verdict.group or ids, "security-group", "allow",
                     f"outbound rule allows {verdict.rule.describe()}")
        else:
            self.hop(ids, "security-group", "deny",
                     f"no outbound rule allows {self._what(pkt)} to {fmt(pkt.dst)}")
            self.block("sg-outbound", ids, stop=False)

    def _sg_ingress(self, pkt: Packet, eni: Eni) -> None:
        if self._no_sg_lb(eni, "inbound"):
            return
        remotes = [pkt.src_eni] if pkt.src_eni is not None else []
        verdict = security_groups.allows(
            self.net, eni.security_groups, "inbound", self.q.protocol, pkt.dports, pkt.src, remotes, eni.vpc,
            pkt.lb_groups,
        )
        ids = ",".join(g.id for g in eni.security_groups) or eni.id
        if verdict.allowed:
            assert verdict.rule is not None
            self.hop(verdict.group or ids, "security-group", "allow", f"inbound rule allows {verdict.rule.describe()}")
        else:
            self.hop(ids, "security-group", "deny", f"no inbound rule allows {self._what(pkt)} from {fmt(pkt.src)}")
            self.block("sg-inbound", ids, stop=False)

    def _nacl(self, subnet: Subnet, direction: str, pkt: Packet) -> None:
        acl = subnet.nacl
        rules = acl.inbound if direction == "inbound" else acl.outbound
        peer = pkt.src if direction == "inbound" else pkt.dst
        verdict = nacl_eval.evaluate(rules, self.q.protocol, peer, pkt.dports)
        what = self._what(pkt)
        if verdict.rule is None:
            detail = f"{direction} {what} {'from' if direction == 'inbound' else 'to'} {fmt(peer)} hits rule * deny"
        else:
            detail = f"{verdict.rule.describe(direction)} ({what})"
        self.hop(acl.id, "nacl", "allow" if verdict.allowed else "deny", detail,
                 rule=verdict.rule_label, subnet=subnet.id, nacl_direction=direction,
                 ports=ports_text(pkt.dports))
        if not verdict.allowed:
            self.block(f"nacl-{direction}", acl.id, stop=False)

    def _endpoint_policy(self, ep: VpcEndpoint, pkt: Packet) -> None:
        q = self.q
        if ep.policy is None:
            ok, reason = True, "default policy allows full access"
        elif not q.action:
            ok, reason = False, "the query has no request (action and resource) for the endpoint policy to allow"
        else:
            decision = ep.policy.decide(endpoint_request(q.request, ep, pkt.src))
            ok, reason = decision.allowed, decision.reason
        self.hop(ep.id, "endpoint-policy", "allow" if ok else "deny", reason)
        if not ok:
            self.block("endpoint-policy", ep.id, stop=False)

    # -- forwarding --------------------------------------------------------------------------
    def send(self, pkt: Packet, subnet: Subnet, sender: Eni | NatGateway | None, nacl: bool = True) -> Landing:
        """A packet leaves a host (or an attachment) in ``subnet``."""
        self.tick()
        vpc = subnet.vpc
        if subnet.contains(pkt.dst):
            return self.arrive(pkt, vpc, subnet)
        if nacl:
            self._nacl(subnet, "outbound", pkt)
        table = subnet.route_table
        self.last_table = table.id
        match = routing.lookup(table, pkt.dst)
        nat_sender = isinstance(sender, NatGateway) and not self.reply
        internet_dst = nat_sender and self.net.vpc_of(pkt.dst) is None
        if match is None:
            self.hop(table.id, "route-table", "drop", f"no route matches {fmt(pkt.dst)}", subnet=subnet.id)
            if internet_dst:
                self.block("nat-no-igw-route", table.id)
            self.block("route-missing", table.id)
        assert match is not None
        block, route = match
        if route.blackhole:
            self.hop(table.id, "route-table", "drop", f"{fmt(pkt.dst)} matches blackhole route {route.describe()}",
                     subnet=subnet.id)
            self.block("route-blackhole", table.id)
        via_pl = f" (prefix list {route.prefix_list}: {block.text})" if route.prefix_list else ""
        self.hop(table.id, "route-table", "forward", f"{fmt(pkt.dst)} matches {route.describe()}{via_pl}",
                 subnet=subnet.id, target=route.target)
        target = route.target
        net = self.net
        if target == "local":
            return self.arrive(pkt, vpc, subnet)
        if target in net.internet_gateways:
            return self.via_igw(pkt, net.internet_gateways[target], subnet, sender)
        if target in net.nat_gateways:
            nat = net.nat_gateways[target]
            if nat.regional:
                return self.via_regional_nat(pkt, nat, subnet)
            if internet_dst:
                assert sender is not None
                self.hop(table.id, "route-table", "drop", f"{sender.id}'s subnet sends internet traffic to {target}")
                self.block("nat-no-igw-route", table.id)
            return self.via_nat(pkt, nat, subnet)
        if target in net.egress_only_gateways:
            return self.via_eigw(pkt, net.egress_only_gateways[target], subnet)
        if target in net.vpc_endpoints:
            return self.via_gateway_endpoint(pkt, net.vpc_endpoints[target], subnet)
        if target in net.peerings:
            return self.via_peering(pkt, net.peerings[target], subnet)
        if target in net.transit_gateways:
            return self.via_tgw(pkt, net.transit_gateways[target], subnet)
        if target in net.inspection_endpoints:
            return self.via_inspection(pkt, net.inspection_endpoints[target], subnet)
        return self.via_eni(pkt, net.enis[target], subnet)

    def arrive(self, pkt: Packet, vpc: Vpc, from_subnet: Subnet | None) -> Landing:
        """Local delivery inside ``vpc`` to whatever host owns ``pkt.dst``."""
        net = self.net
        subnet = next((s for s in vpc.subnets if s.contains(pkt.dst)), None)
        host = net.hosts_by_private.get((vpc.id, pkt.dst))
        where = subnet.id if subnet else vpc.id
        if host is None:
            self.hop(where, "subnet", "drop", f"no host has {fmt(pkt.dst)} in {vpc.id}")
            self.block("asymmetric-return" if self.reply else "misrouted", where)
        assert host is not None and subnet is not None
        if not self.reply:
            if isinstance(host, NatGateway):
                self.hop(host.id, "nat", "drop", "a NAT gateway does not accept inbound connections")
                self.block("nat-no-inbound", host.id)
            if self.want_dst is not None and host is not self.want_dst:
                self.hop(host.id, "eni", "drop", f"{fmt(pkt.dst)} in {vpc.id} is {host.id}, not {self.want_dst.id}")
                self.block("misrouted", host.id)
        elif isinstance(host, Eni) and host is not self.want_src:
            want = self.want_src.id if self.want_src else self.q.src_text
            self.hop(host.id, "eni", "drop", f"the reply reaches {host.id}, not {want}")
            self.block("asymmetric-return", host.id)
        if subnet is not from_subnet:
            self._nacl(subnet, "inbound", pkt)
        if isinstance(host, NatGateway):
            return self.nat_return(pkt, host)
        if self.reply:
            return Landing("eni", host, pkt)
        self.hop(host.id, "eni", "receive", f"{fmt(pkt.dst)} receives {self._what(pkt)} from {fmt(pkt.src)}")
        self._sg_ingress(pkt, host)
        if host.endpoint is not None:
            self._endpoint_policy(net.vpc_endpoints[host.endpoint], pkt)
        return Landing("eni", host, pkt)

    def via_igw(self, pkt: Packet, igw: InternetGateway, subnet: Subnet, sender: Eni | NatGateway | None) -> Landing:
        vpc = subnet.vpc
        if igw.vpc is not vpc:
            self.hop(igw.id, "igw", "drop", f"{igw.id} is not attached to {vpc.id}")
            self.block("route-blackhole", subnet.route_table.id)
        if self.reply and igw.id not in self.used:
            self.hop(igw.id, "igw", "drop", "the reply leaves through a gateway the request never used")
            self.block("asymmetric-return", igw.id)
        # the NAT gateway that translated it: the sender, or (after a firewall endpoint) the owner of the source
        nat_owner = self.net.hosts_by_private.get((vpc.id, pkt.src))
        nat = sender if isinstance(sender, NatGateway) else nat_owner if isinstance(nat_owner, NatGateway) else None
        translated_by_nat = nat is not None and pkt.src == nat.private_ip
        if not self.reply:
            # the subnet of the interface whose address crosses the gateway (not a firewall subnet on the way)
            where = nat.subnet if translated_by_nat and nat is not None and nat.subnet is not None else \
                nat_owner.subnet if isinstance(nat_owner, Eni) else subnet
            self._bpa(vpc, where, "outbound", "nat" if translated_by_nat else "igw", igw.id)
        detail = "IPv6: no translation"
        if pkt.dst[0] == 4:
            if translated_by_nat and nat is not None:
                sender = nat
                if not sender.public or sender.public_ip is None:
                    self.hop(sender.id, "nat", "drop", "a private NAT gateway's traffic is dropped by the IGW")
                    self.block("nat-private-no-internet", sender.id)
                assert sender.public_ip is not None
                public = sender.public_ip
            else:
                owner = self.net.hosts_by_private.get((vpc.id, pkt.src))
                if not isinstance(owner, Eni) or owner.public_ip is None:
                    culprit = owner.id if owner else (pkt.src_eni.id if pkt.src_eni else self.q.src_text)
                    self.hop(igw.id, "igw", "drop", f"{fmt(pkt.src)} has no public IPv4 address to translate to")
                    self.block("no-public-ip", culprit)
                assert isinstance(owner, Eni) and owner.public_ip is not None
                public = owner.public_ip
            detail = f"translates source {fmt(pkt.src)} to {fmt(public)}"
            pkt = Packet(public, pkt.dst, pkt.dports, pkt.sports, None)
        self.used.add(igw.id)
        self.hop(igw.id, "igw", "forward", f"out to the internet; {detail}")
        return self.internet(pkt)

    def via_eigw(self, pkt: Packet, eigw: EgressOnlyGateway, subnet: Subnet) -> Landing:
        if self.reply and eigw.id not in self.used:
            self.hop(eigw.id, "eigw", "drop", "the reply leaves through a gateway the request never used")
            self.block("asymmetric-return", eigw.id)
        if eigw.vpc is not subnet.vpc or pkt.dst[0] != 6:
            self.hop(eigw.id, "eigw", "drop", f"{eigw.id} cannot carry this packet from {subnet.vpc.id}")
            self.block("route-blackhole", subnet.route_table.id)
        if not self.reply:
            self._bpa(subnet.vpc, subnet, "outbound", "eigw", eigw.id)
        self.used.add(eigw.id)
        self.hop(eigw.id, "eigw", "forward", "IPv6 out to the internet (egress-only)")
        return self.internet(pkt)

    def internet(self, pkt: Packet) -> Landing:
        """The packet is on the internet: deliver to a public address of the network, or outside."""
        net = self.net
        dst = pkt.dst
        if dst[0] == 4:
            owner = net.owner_by_public.get(dst)
            if owner is not None:
                vpc = owner.vpc
                igw = net.igw_by_vpc.get(vpc.id)
                if igw is None:
                    self.hop(vpc.id, "vpc", "drop", f"{vpc.id} has no internet gateway for {fmt(dst)}")
                    self.block("route-missing", vpc.id)
                assert igw is not None
                if self.reply and igw.id not in self.used:
                    self.hop(igw.id, "igw", "drop", "the reply enters through a gateway the request never used")
                    self.block("asymmetric-return", igw.id)
                if not self.reply and isinstance(owner, NatGateway):
                    self.hop(owner.id, "nat", "drop", "a NAT gateway does not accept inbound connections")
                    self.block("nat-no-inbound", owner.id)
                if not self.reply and isinstance(owner, Eni):
                    self._bpa(vpc, owner.subnet, "inbound", "igw", igw.id)
                if isinstance(owner, NatGateway) and owner.regional:
                    self.used.add(igw.id)
                    self.hop(igw.id, "igw", "forward", f"in from the internet to {owner.id} at {fmt(dst)}")
                    return self.regional_nat_return(pkt, owner)
                self.used.add(igw.id)
                assert owner.private_ip is not None
                self.hop(igw.id, "igw", "forward", f"in from the internet; translates {fmt(dst)} to "
                         f"{fmt(owner.private_ip)}")
                return self.enter(Packet(pkt.src, owner.private_ip, pkt.dports, pkt.sports, None), vpc, igw)
        else:
            vpc6 = net.vpc_of(dst)
            if vpc6 is not None:
                igw = net.igw_by_vpc.get(vpc6.id)
                eigw = net.eigw_by_vpc.get(vpc6.id)
                gw: InternetGateway | EgressOnlyGateway | None
                if self.reply:
                    gw = next((g for g in (eigw, igw) if g is not None and g.id in self.used), None)
                    if gw is None:
                        first = igw or eigw
                        self.hop(first.id if first else vpc6.id, "igw", "drop",
                                 "the reply enters through a gateway the request never used")
                        self.block("asymmetric-return", first.id if first else vpc6.id)
                elif igw is not None:
                    gw = igw
                    inside = next((s for s in vpc6.subnets if s.contains(dst)), None)
                    self._bpa(vpc6, inside, "inbound", "igw", igw.id)
                elif eigw is not None:
                    self.hop(eigw.id, "eigw", "drop", "an egress-only gateway refuses connections from the internet")
                    self.block("eigw-inbound", eigw.id)
                else:
                    self.hop(vpc6.id, "vpc", "drop", f"{vpc6.id} has no internet gateway")
                    self.block("route-missing", vpc6.id)
                assert gw is not None
                self.used.add(gw.id)
                self.hop(gw.id, "igw" if isinstance(gw, InternetGateway) else "eigw", "forward",
                         f"in from the internet to {fmt(dst)}")
                if isinstance(gw, InternetGateway):
                    return self.enter(pkt, vpc6, gw)
                return self.arrive(pkt, vpc6, None)
        if self.reply:
            if self.q.src_eni is None and dst == self.q.src_addr:
                return Landing("internet", None, pkt)
            self.hop(fmt(dst), "internet", "drop", f"the reply goes to {fmt(dst)} on the internet")
            self.block("asymmetric-return", fmt(dst))
        if self.q.dst_eni is not None:
            self.hop(self.q.dst_eni.id, "eni", "drop", f"{fmt(dst)} is not a public address on the internet")
            self.block("no-public-ip", self.q.dst_eni.id)
        name = self.q.service or fmt(dst)
        self.hop(name, "aws-service" if self.q.service else "internet", "receive",
                 f"{fmt(dst)} receives {self._what(pkt)} from {fmt(pkt.src)}")
        return Landing("internet", None, pkt)

    def via_nat(self, pkt: Packet, nat: NatGateway, from_subnet: Subnet) -> Landing:
        if self.reply:
            self.hop(nat.id, "nat", "drop", "the reply is routed into a NAT gateway the request never used")
            self.block("asymmetric-return", nat.id)
        self.used.add(nat.id)
        nat_subnet, nat_ip = _zonal(nat)
        if nat_subnet is not from_subnet:
            self._nacl(nat_subnet, "inbound", pkt)
        sports = None if self.q.protocol == "icmp" else EPHEMERAL
        self.nat_state[nat.id] = (pkt.src, pkt.sports, pkt.src_eni)
        self.hop(nat.id, "nat", "translate",
                 f"source {fmt(pkt.src)} becomes {fmt(nat_ip)}" + (", ports 1024-65535" if sports else ""))
        return self.send(Packet(nat_ip, pkt.dst, pkt.dports, sports, None), nat_subnet, nat)

    def nat_return(self, pkt: Packet, nat: NatGateway) -> Landing:
        if nat.id not in self.nat_state:
            self.hop(nat.id, "nat", "drop", "the NAT gateway has no connection for this reply")
            self.block("asymmetric-return", nat.id)
        src, sports, src_eni = self.nat_state[nat.id]
        self.hop(nat.id, "nat", "translate", f"reply translated back to {fmt(src)}")
        return self.send(Packet(pkt.src, src, sports, pkt.sports, None), _zonal(nat)[0], nat)

    def via_gateway_endpoint(self, pkt: Packet, ep: VpcEndpoint, subnet: Subnet) -> Landing:
        if self.reply:
            self.hop(ep.id, "vpc-endpoint", "drop", "the reply is routed into an endpoint the request never used")
            self.block("asymmetric-return", ep.id)
        if pkt.via is not None:
            self.hop(ep.id, "vpc-endpoint", "drop", f"traffic that arrived over {pkt.via} cannot use {ep.id}")
            self.block("peering-edge-to-edge", pkt.via if pkt.via in self.net.peerings else ep.id)
        if ep.vpc is not subnet.vpc:
            self.hop(ep.id, "vpc-endpoint", "drop", f"{ep.id} belongs to {ep.vpc.id}")
            self.block("route-blackhole", subnet.route_table.id)
        self.used.add(ep.id)
        self.hop(ep.id, "vpc-endpoint", "forward", f"gateway endpoint to {ep.service}")
        self._endpoint_policy(ep, pkt)
        self.hop(ep.service, "aws-service", "receive", f"{ep.service} receives the request at {fmt(pkt.dst)}")
        return Landing("vpce", ep, pkt)

    def via_peering(self, pkt: Packet, pcx: Peering, subnet: Subnet) -> Landing:
        vpc = subnet.vpc
        peer = pcx.other(vpc)
        if self.reply and pcx.id not in self.used:
            self.hop(pcx.id, "peering", "drop", "the reply takes a peering connection the request never used")
            self.block("asymmetric-return", pcx.id)
        if peer is None:
            self.hop(pcx.id, "peering", "drop", f"{pcx.id} does not connect {vpc.id}")
            self.block("route-blackhole", subnet.route_table.id)
        assert peer is not None
        if not pcx.active:
            self.hop(pcx.id, "peering", "drop", f"{pcx.id} is {pcx.status}, not active")
            self.block("peering-inactive", pcx.id)
        if pkt.via is not None:
            self.hop(pcx.id, "peering", "drop", f"traffic that arrived over {pkt.via} cannot continue over {pcx.id}")
            self.block("peering-not-transitive" if pkt.via in self.net.peerings else "peering-edge-to-edge", pcx.id)
        self.used.add(pcx.id)
        if not peer.contains(pkt.dst):
            other = self.net.vpc_of(pkt.dst)
            if other is not None:
                self.hop(pcx.id, "peering", "drop", f"{fmt(pkt.dst)} is in {other.id}, not the peer {peer.id}")
                self.block("peering-not-transitive", pcx.id)
            self.hop(pcx.id, "peering", "drop", f"{fmt(pkt.dst)} is outside {peer.id}; its gateways are off-limits")
            self.block("peering-edge-to-edge", pcx.id)
        self.hop(pcx.id, "peering", "forward", f"{vpc.id} -> {peer.id}")
        pkt.via = pcx.id
        return self.arrive(pkt, peer, None)

    def via_tgw(self, pkt: Packet, tgw: TransitGateway, subnet: Subnet) -> Landing:
        if self.reply and tgw.id not in self.used:
            self.hop(tgw.id, "transit-gateway", "drop", "the reply takes a transit gateway the request never used")
            self.block("asymmetric-return", tgw.id)
        atts = self.net.attachments_by_vpc.get((tgw.id, subnet.vpc.id))
        if not atts:
            self.hop(tgw.id, "transit-gateway", "drop", f"{subnet.vpc.id} has no attachment to {tgw.id}")
            self.block("tgw-az-not-enabled", tgw.id)
        assert atts is not None
        att = next((a for a in atts if any(s.az == subnet.az for s in a.subnets)), None)
        if att is None:
            self.hop(atts[0].id, "tgw-attachment", "drop", f"no attachment subnet in {subnet.az}")
            self.block("tgw-az-not-enabled", atts[0].id)
        assert att is not None
        self.used.add(tgw.id)
        if att.association is None:
            self.hop(att.id, "tgw-attachment", "drop", f"{att.id} is associated with no route table")
            self.block("tgw-route-missing", att.id)
        assert att.association is not None
        rtb = att.association
        route = routing.tgw_lookup(tgw.route_tables[rtb], pkt.dst)
        if route is None:
            self.hop(rtb, "tgw-route-table", "drop", f"no route matches {fmt(pkt.dst)}")
            self.block("tgw-route-missing", rtb)
        assert route is not None
        if route.blackhole:
            self.hop(rtb, "tgw-route-table", "drop", f"{fmt(pkt.dst)} matches blackhole {route.dest.text}")
            self.block("tgw-route-blackhole", rtb)
        assert route.attachment is not None
        target = tgw.attachments[route.attachment]
        self.hop(rtb, "tgw-route-table", "forward", f"{fmt(pkt.dst)} matches {route.dest.text} -> {target.id}",
                 tgw=tgw.id, attachment=att.id)
        pkt.via = tgw.id
        if target.vpc.contains(pkt.dst):
            return self.arrive(pkt, target.vpc, None)
        entry = next((s for s in target.subnets if s.az == subnet.az), target.subnets[0] if target.subnets else None)
        if entry is None:
            self.hop(target.id, "tgw-attachment", "drop", f"{target.id} has no subnets")
            self.block("tgw-az-not-enabled", target.id)
        assert entry is not None
        self.hop(entry.id, "subnet", "forward", f"enters {target.vpc.id} through attachment subnet {entry.id}")
        return self.send(pkt, entry, None, nacl=False)

    # -- spec §5.17-§5.18: inspection endpoints and IGW ingress routing ----------------------------
    def enter(self, pkt: Packet, vpc: Vpc, igw: InternetGateway) -> Landing:
        """A packet the IGW let in: its gateway route table (edge association) decides, else the local route."""
        table = self.net.edge_tables.get(igw.id)
        if table is None:
            return self.arrive(pkt, vpc, None)
        self.tick()
        self.last_table = table.id
        match = routing.lookup(table, pkt.dst)
        if match is None:
            self.hop(table.id, "route-table", "drop", f"no route in gateway route table matches {fmt(pkt.dst)}",
                     edge=igw.id)
            self.block("route-missing", table.id)
        assert match is not None
        _, route = match
        if route.blackhole:
            self.hop(table.id, "route-table", "drop", f"{fmt(pkt.dst)} matches blackhole route {route.describe()}",
                     edge=igw.id)
            self.block("route-blackhole", table.id)
        self.hop(table.id, "route-table", "forward", f"gateway route table of {igw.id}: {fmt(pkt.dst)} matches "
                 f"{route.describe()}", edge=igw.id, target=route.target)
        if route.target == "local":
            return self.arrive(pkt, vpc, None)
        if route.target in self.net.inspection_endpoints:
            return self.via_inspection(pkt, self.net.inspection_endpoints[route.target], None)
        return self.via_eni(pkt, self.net.enis[route.target], None)  # type: ignore[arg-type]

    def via_inspection(self, pkt: Packet, ep: InspectionEndpoint, from_subnet: Subnet | None) -> Landing:
        """Network Firewall or GWLB endpoint: its subnet's NACLs, the policy, then its subnet's route table."""
        if ep.subnet is not from_subnet:
            self._nacl(ep.subnet, "inbound", pkt)
        if self.reply:
            if ep.id not in self.inspected:
                self.hop(ep.id, "firewall-endpoint", "drop", f"the reply enters {ep.id}, which never saw the "
                         "request: the stateful inspection drops a flow it did not see start")
                self.block("asymmetric-return", ep.id)
            self.inspected_reply.add(ep.id)
        else:
            if ep.id in self.inspected:
                self.hop(ep.id, "firewall-endpoint", "drop", f"the request loops back into {ep.id}")
                self.block("misrouted", ep.id)
            self.inspected.append(ep.id)
        q = self.q
        verdict = firewall.decide(ep.policy, q.protocol, pkt.src, pkt.dst, pkt.sports, pkt.dports,
                                  established=self.reply, domain=q.domain, app=q.app, appliance=ep.kind == "gwlb")
        what = "Network Firewall" if ep.kind == "network-firewall" else "Gateway Load Balancer appliances"
        self.hop(ep.owner, "firewall", "allow" if verdict.allowed else "deny",
                 f"{what} ({ep.id}): {verdict.detail}", endpoint=ep.id, stage=verdict.stage)
        if not verdict.allowed:
            label = "appliance-drop" if ep.kind == "gwlb" else f"firewall-{verdict.stage}"
            self.block(label, ep.owner)
        return self.send(pkt, ep.subnet, None)

    # -- spec §5.14: regional NAT gateways ------------------------------------------------------
    def via_regional_nat(self, pkt: Packet, nat: NatGateway, from_subnet: Subnet) -> Landing:
        """No subnet of yours: no NAT-subnet NACL and no NAT-subnet route table; AWS routes it to the VPC's IGW."""
        if self.reply:
            self.hop(nat.id, "nat", "drop", "the reply is routed into a NAT gateway the request never used")
            self.block("asymmetric-return", nat.id)
        vpc = nat.vpc
        if nat.vpc is not from_subnet.vpc:
            self.hop(nat.id, "nat", "drop", f"{nat.id} belongs to {nat.vpc.id}")
            self.block("route-blackhole", from_subnet.route_table.id)
        if pkt.dst[0] != 4 or self.net.vpc_of(pkt.dst) is not None:
            self.hop(nat.id, "nat", "drop", f"a regional NAT gateway forwards only to the internet, not to "
                     f"{fmt(pkt.dst)}")
            self.block("route-missing", nat.id)
        igw = self.net.igw_by_vpc.get(vpc.id)
        if igw is None:
            self.hop(nat.id, "nat", "drop", f"{vpc.id} has no internet gateway for the regional NAT gateway")
            self.block("nat-no-igw-route", nat.id)
        assert igw is not None and nat.public_ip is not None
        self.used.add(nat.id)
        self._bpa(vpc, None, "outbound", "nat", igw.id)
        sports = None if self.q.protocol == "icmp" else EPHEMERAL
        self.nat_state[nat.id] = (pkt.src, pkt.sports, pkt.src_eni)
        self.hop(nat.id, "nat", "translate", f"regional NAT gateway: source {fmt(pkt.src)} becomes "
                 f"{fmt(nat.public_ip)}" + (", ports 1024-65535" if sports else "") + "; no NAT subnet, no NAT "
                 "subnet NACL")
        self.used.add(igw.id)
        self.hop(igw.id, "igw", "forward", f"out to the internet from {nat.id}")
        return self.internet(Packet(nat.public_ip, pkt.dst, pkt.dports, sports, None))

    def regional_nat_return(self, pkt: Packet, nat: NatGateway) -> Landing:
        if nat.id not in self.nat_state:
            self.hop(nat.id, "nat", "drop", "the NAT gateway has no connection for this reply")
            self.block("asymmetric-return", nat.id)
        src, sports, _ = self.nat_state[nat.id]
        self.hop(nat.id, "nat", "translate", f"reply translated back to {fmt(src)}")
        return self.arrive(Packet(pkt.src, src, sports, pkt.sports, None), nat.vpc, None)

    # -- spec §5.15: VPC Block Public Access ---------------------------------------------------
    def _bpa(self, vpc: Vpc, subnet: Subnet | None, initiated: str, via: str, gateway: str) -> None:
        """Does Block Public Access let a connection ``initiated`` outbound/inbound cross ``gateway``?"""
        bpa = self.net.block_public_access
        if bpa is None or bpa.mode == "off" or vpc.region != bpa.region:
            return
        exclusion, scope = None, vpc.id
        if subnet is not None and subnet.id in bpa.subnet_exclusions:
            exclusion, scope = bpa.subnet_exclusions[subnet.id], subnet.id
        elif vpc.id in bpa.vpc_exclusions:
            exclusion = bpa.vpc_exclusions[vpc.id]
        where = subnet.id if subnet is not None else vpc.id
        if exclusion == "allow-bidirectional":
            ok, why = True, f"exclusion allow-bidirectional on {scope}"
        elif bpa.mode == "block-bidirectional":
            ok = exclusion == "allow-egress" and initiated == "outbound"
            why = (f"exclusion allow-egress on {scope} lets outbound-initiated traffic through" if ok else
                   f"block-bidirectional blocks {initiated}-initiated traffic of {where}"
                   + (f" (exclusion {exclusion} on {scope} allows only egress)" if exclusion else " (no exclusion)"))
        else:  # block-ingress
            ok = initiated == "outbound" and via in ("nat", "eigw")
            why = ("block-ingress still lets connections out through NAT and egress-only gateways" if ok else
                   f"block-ingress blocks {initiated}-initiated internet traffic of {where} through {gateway}"
                   + (" (only NAT and egress-only gateways may start connections)" if initiated == "outbound" else "")
                   + (f"; exclusion {exclusion} on {scope} applies only under block-bidirectional" if exclusion
                      else ""))
        self.hop("block-public-access", "block-public-access", "allow" if ok else "deny",
                 f"VPC Block Public Access ({bpa.region}): {why}")
        if not ok:
            self.block("block-public-access", where)

    # -- spec §5.16: load balancers ------------------------------------------------------------
    def _load_balance(self, lb: LoadBalancer, landing: Landing) -> None:
        """The node took the connection: find the listener, then reach every target of its group."""
        node = landing.where
        assert isinstance(node, Eni)
        port = self.q.dst_ports[0] if self.q.dst_ports else None
        listener = next((li for li in lb.listeners if li.port == port), None)
        if listener is None or not _listener_fits(listener.protocol, self.q.protocol):
            have = ", ".join(f"{li.protocol.upper()} {li.port}" for li in lb.listeners) or "none"
            self.hop(lb.id, "load-balancer", "drop",
                     f"no {self.q.protocol} listener on port {port} (listeners: {have})")
            self.block("lb-no-listener", lb.id)
        assert listener is not None
        tg = self.net.target_groups[listener.target_group]
        preserve = lb.type == "network" and tg.preserve_client_ip
        self.hop(lb.id, "load-balancer", "forward",
                 f"listener {listener.protocol.upper()} {listener.port} -> {tg.id} (port {tg.port}); "
                 + ("client IP preserved: targets see " + fmt(landing.pkt.src) if preserve else
                    f"targets see the node's address {fmt(node.private_ip)}"))
        if not tg.targets:
            self.hop(tg.id, "target-group", "drop", f"{tg.id} has no registered targets")
            self.block("lb-no-targets", tg.id)
        for target in tg.targets:
            self._lb_target(lb, node, tg, target, landing.pkt, preserve)

    def _lb_target(self, lb: LoadBalancer, node: Eni, tg: TargetGroup, target: Eni, client: Packet,
                   preserve: bool) -> None:
        saved = (self.want_dst, self.want_src, self.steps)
        self.want_dst, self.want_src, self.steps = target, node, 0
        groups = frozenset(g.id for g in lb.security_groups)
        src = client.src if preserve else node.private_ip
        pkt = Packet(src, target.private_ip, (tg.port, tg.port), client.sports if preserve else EPHEMERAL,
                     None if preserve else node, lb_groups=groups)
        self.hop(node.id, "load-balancer", "send", f"{lb.id} opens {self.q.protocol} port {tg.port} to target "
                 f"{target.id} ({fmt(target.private_ip)}) from {fmt(src)}")
        self._sg_egress(pkt, node)
        landing = self.send(pkt, node.subnet, node)
        self.reply = True
        rpkt = Packet(pkt.dst, pkt.src, pkt.sports, pkt.dports, target)
        self.hop(target.id, "eni", "send", f"target replies {self._what(rpkt)} to {fmt(rpkt.dst)}")
        if preserve:
            # the NLB carries replies to a preserved client address back itself: no route lookup (§5.16)
            if target.subnet is not node.subnet:
                self._nacl(target.subnet, "outbound", rpkt)
                self._nacl(node.subnet, "inbound", rpkt)
            self.hop(lb.id, "load-balancer", "receive", f"the reply to {fmt(rpkt.dst)} returns through {lb.id}")
        else:
            back = self.send(rpkt, target.subnet, target)
            if back.where is not node:
                self.block("asymmetric-return", getattr(back.where, "id", None))
        del landing
        self.reply = False
        self.want_dst, self.want_src, self.steps = saved

    def via_eni(self, pkt: Packet, target: Eni, subnet: Subnet) -> Landing:
        if target.owns_private(pkt.dst):
            return self.arrive(pkt, target.vpc, subnet)
        if target.source_dest_check:
            self.hop(target.id, "eni", "drop", f"source/dest check on {target.id} drops a packet for {fmt(pkt.dst)}")
            self.block("source-dest-check", target.id)
        if target.subnet is not subnet:
            self._nacl(target.subnet, "inbound", pkt)
        self.hop(target.id, "eni", "forward", "source/dest check disabled: the appliance forwards the packet")
        return self.send(pkt, target.subnet, target)


# Keys AWS puts in the request context of a request that arrives through a VPC endpoint
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
def _listener_fits(listener: str, protocol: str) -> bool:
    if protocol == "udp":
        return listener in ("udp", "tcp_udp")
    return listener != "udp"


def endpoint_request(request: dict[str, Any], ep: VpcEndpoint, src: Addr) -> dict[str, Any]:
    """The IAM request an endpoint policy decides: the query's request, ``anonymous`` when it names no
    principal, with ``aws:SourceVpce``, ``aws:SourceVpc`` and ``aws:VpcSourceIp`` added unless given."""
    out = dict(request)
    out.setdefault("principal", "anonymous")
    raw = out.get("context") or {}
    if not isinstance(raw, dict):
        return out  # the policy engine names the bad field
    context = dict(raw)
    given = {str(k).lower() for k in context}
    for key, value in (("aws:SourceVpce", ep.id), ("aws:SourceVpc", ep.vpc.id), ("aws:VpcSourceIp", fmt(src))):
        if key.lower() not in given:
            context[key] = value
    out["context"] = context
    return out
