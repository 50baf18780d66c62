"""Lookup tables built once per network, so each query is a handful of dict hits."""

from __future__ import annotations

from .model import Network
from .routing import compile_table


def build_indexes(net: Network) -> None:
    for table in net.route_tables.values():
        compile_table(net, table)
    for eni in net.enis.values():
        for addr in (eni.private_ip, eni.ipv6_ip):
            if addr is not None:
                net.hosts_by_private[(eni.vpc.id, addr)] = eni
                net.enis_by_private.setdefault(addr, []).append(eni)
        if eni.public_ip is not None:
            net.owner_by_public[eni.public_ip] = eni
        for sg in eni.security_groups:
            net.sg_members.setdefault(sg.id, set()).add(eni.id)
    for nat in net.nat_gateways.values():
        if nat.private_ip is not None:
            net.hosts_by_private[(nat.vpc.id, nat.private_ip)] = nat
        if nat.public_ip is not None:
            net.owner_by_public[nat.public_ip] = nat
    for igw in net.internet_gateways.values():
        if igw.vpc is not None:
            net.igw_by_vpc[igw.vpc.id] = igw
    for eigw in net.egress_only_gateways.values():
        net.eigw_by_vpc.setdefault(eigw.vpc.id, eigw)
    for tgw in net.transit_gateways.values():
        for att in tgw.attachments.values():
            net.attachments_by_vpc.setdefault((tgw.id, att.vpc.id), []).append(att)
        if tgw.security_group_referencing:
            # spec §5.4: the option must be on for the transit gateway and for both VPCs' attachments
            on = [a.vpc for a in tgw.attachments.values() if a.security_group_referencing]
            for a in on:
                for b in on:
                    if a is not b and a.region == b.region:
                        net.sg_refs_over_tgw.setdefault(a.id, set()).add(b.id)
    for pcx in net.peerings.values():
        if pcx.active and pcx.requester.region == pcx.accepter.region:
            net.peers_same_region.setdefault(pcx.requester.id, set()).add(pcx.accepter.id)
            net.peers_same_region.setdefault(pcx.accepter.id, set()).add(pcx.requester.id)
    for subnet in net.subnets.values():
        subnet.public = any(
            route.target in net.internet_gateways and not route.blackhole for route in subnet.route_table.routes
        )
