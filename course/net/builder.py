"""Short Python builders for exercise networks; ``build()`` returns the spec's JSON document.

``vpc()`` creates the AWS defaults a new VPC gets (main route table with the local routes, default
NACL allowing everything, default security group), so an exercise only writes what it teaches.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from .document import load
from .model import Network

Ports = int | tuple[int, int] | list[int] | None


def _ports(ports: Ports) -> list[int] | None:
    if ports is None:
        return None
    if isinstance(ports, int):
        return [ports, ports]
    return [int(ports[0]), int(ports[1])]


def allow(rule: int, protocol: str = "all", ports: Ports = None, cidr: str = "0.0.0.0/0") -> dict[str, Any]:
    """A NACL allow rule: ``allow(100, "tcp", 443)``."""
    return _nacl_rule(rule, protocol, ports, cidr, "allow")


def deny(rule: int, protocol: str = "all", ports: Ports = None, cidr: str = "0.0.0.0/0") -> dict[str, Any]:
    """A NACL deny rule: ``deny(90, "tcp", 22, "203.0.113.0/24")``."""
    return _nacl_rule(rule, protocol, ports, cidr, "deny")


def _nacl_rule(rule: int, protocol: str, ports: Ports, cidr: str, action: str) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": rule, "protocol": protocol, "cidr": cidr, "action": action}
    if _ports(ports) is not None:
        out["ports"] = _ports(ports)
    return out


def sg_rule(protocol: str = "all", ports: Ports = None, peer: str = "0.0.0.0/0") -> dict[str, Any]:
    """A security group rule: ``sg_rule("tcp", 443, "0.0.0.0/0")`` or ``sg_rule("tcp", 5432, "sg-app")``."""
    out: dict[str, Any] = {"protocol": protocol, "peer": peer}
    if _ports(ports) is not None:
        out["ports"] = _ports(ports)
    return out


ALLOW_ALL_V4 = [allow(100, "all", None, "0.0.0.0/0")]
ALLOW_ALL_V6 = [allow(101, "all", None, "::/0")]


class NetworkBuilder:
    """Chainable builder: ``NetworkBuilder().vpc("vpc-a", "10.0.0.0/16").subnet(...).build()``."""

    def __init__(self, region: str = "us-east-1") -> None:
        self.doc: dict[str, Any] = {"region": region}

    def _put(self, key: str, rid: str, value: dict[str, Any]) -> NetworkBuilder:
        self.doc.setdefault(key, {})[rid] = value
        return self

    def _vpc_region(self, vpc: str) -> str:
        return self.doc["vpcs"][vpc].get("region", self.doc["region"])

    def vpc(
        self, vpc_id: str, cidr: str | list[str], *, ipv6: str | None = None, region: str | None = None,
        defaults: bool = True,
    ) -> NetworkBuilder:
        cidrs = [cidr] if isinstance(cidr, str) else list(cidr)
        body: dict[str, Any] = {"cidrs": cidrs}
        if ipv6:
            body["ipv6_cidrs"] = [ipv6]
        if region:
            body["region"] = region
        self._put("vpcs", vpc_id, body)
        if defaults:
            suffix = vpc_id.removeprefix("vpc-")
            routes = [{"dest": c, "target": "local"} for c in cidrs + ([ipv6] if ipv6 else [])]
            self._put("route_tables", f"rtb-{suffix}-main", {"vpc": vpc_id, "main": True, "routes": routes})
            rules = ALLOW_ALL_V4 + (ALLOW_ALL_V6 if ipv6 else [])
            self._put("nacls", f"acl-{suffix}-default", {
                "vpc": vpc_id, "default": True, "inbound": copy.deepcopy(rules), "outbound": copy.deepcopy(rules),
            })
            out = [sg_rule("all", None, "0.0.0.0/0")] + ([sg_rule("all", None, "::/0")] if ipv6 else [])
            self._put("security_groups", f"sg-{suffix}-default", {
                "vpc": vpc_id, "default": True, "inbound": [sg_rule("all", None, f"sg-{suffix}-default")],
                "outbound": out,
            })
        return self

    def subnet(
        self, subnet_id: str, vpc: str, cidr: str, *, az: str | None = None, ipv6: str | None = None,
        route_table: str | None = None, nacl: str | None = None,
    ) -> NetworkBuilder:
        body: dict[str, Any] = {"vpc": vpc, "cidr": cidr, "az": az or f"{self._vpc_region(vpc)}a"}
        if ipv6:
            body["ipv6_cidr"] = ipv6
        if route_table:
            body["route_table"] = route_table
        if nacl:
            body["nacl"] = nacl
        return self._put("subnets", subnet_id, body)

    def route_table(self, rtb_id: str, vpc: str, *, subnets: Sequence[str] = (), main: bool = False) -> NetworkBuilder:
        """A custom route table with the VPC's local routes; associates ``subnets`` with it."""
        body = self.doc["vpcs"][vpc]
        routes = [{"dest": c, "target": "local"} for c in body["cidrs"] + body.get("ipv6_cidrs", [])]
        self._put("route_tables", rtb_id, {"vpc": vpc, "main": main, "routes": routes})
        for sid in subnets:
            self.doc["subnets"][sid]["route_table"] = rtb_id
        return self

    def route(self, rtb_id: str, dest: str, target: str, *, blackhole: bool = False) -> NetworkBuilder:
        route: dict[str, Any] = {"dest": dest, "target": target}
        if blackhole:
            route["state"] = "blackhole"
        self.doc["route_tables"][rtb_id]["routes"].append(route)
        return self

    def igw(self, igw_id: str, vpc: str | None) -> NetworkBuilder:
        return self._put("internet_gateways", igw_id, {"vpc": vpc})

    def eigw(self, eigw_id: str, vpc: str) -> NetworkBuilder:
        return self._put("egress_only_internet_gateways", eigw_id, {"vpc": vpc})

    def nat(
        self, nat_id: str, subnet: str, private_ip: str, public_ip: str | None = None, *, private: bool = False
    ) -> NetworkBuilder:
        body: dict[str, Any] = {
            "subnet": subnet, "connectivity": "private" if private else "public", "private_ip": private_ip,
        }
        if public_ip and not private:
            body["public_ip"] = public_ip
        return self._put("nat_gateways", nat_id, body)

    def regional_nat(self, nat_id: str, vpc: str, public_ip: str) -> NetworkBuilder:
        """A regional NAT gateway (spec §5.14): no subnet; AWS routes it to the VPC's internet gateway."""
        return self._put("nat_gateways", nat_id, {"availability_mode": "regional", "vpc": vpc,
                                                  "public_ip": public_ip})

    def block_public_access(self, mode: str, *, exclusions: Sequence[dict[str, str]] = ()) -> NetworkBuilder:
        """VPC Block Public Access for the document's Region (spec §5.15).

        ``exclusions``: ``[{"subnet": "subnet-pub", "mode": "allow-bidirectional"}]`` or ``{"vpc": ...}``."""
        self.doc["block_public_access"] = {"mode": mode, "exclusions": [dict(e) for e in exclusions]}
        return self

    def target_group(
        self, tg_id: str, port: int, targets: Sequence[str], *, protocol: str = "tcp", target_type: str = "instance",
        preserve_client_ip: bool | None = None,
    ) -> NetworkBuilder:
        body: dict[str, Any] = {"port": port, "protocol": protocol, "targets": list(targets),
                                "target_type": target_type}
        if preserve_client_ip is not None:
            body["preserve_client_ip"] = preserve_client_ip
        return self._put("target_groups", tg_id, body)

    def load_balancer(
        self, lb_id: str, kind: str, nodes: Sequence[str], *, listeners: Sequence[tuple[int, str, str]] = (),
        sgs: Sequence[str] = (), scheme: str = "internet-facing",
    ) -> NetworkBuilder:
        """An ALB (``kind="application"``) or NLB (``"network"``); ``listeners``: ``[(443, "tcp", "tg-web")]``."""
        return self._put("load_balancers", lb_id, {
            "type": kind, "scheme": scheme, "nodes": list(nodes), "security_groups": list(sgs),
            "listeners": [{"port": port, "protocol": proto, "target_group": tg} for port, proto, tg in listeners],
        })

    def nacl(
        self, acl_id: str, vpc: str, *, inbound: Sequence[dict[str, Any]] = (),
        outbound: Sequence[dict[str, Any]] = (), subnets: Sequence[str] = (), default: bool = False,
    ) -> NetworkBuilder:
        self._put("nacls", acl_id, {"vpc": vpc, "default": default, "inbound": list(inbound),
                                    "outbound": list(outbound)})
        for sid in subnets:
            self.doc["subnets"][sid]["nacl"] = acl_id
        return self

    def sg(
        self, sg_id: str, vpc: str, *, inbound: Sequence[dict[str, Any]] = (),
        outbound: list[dict[str, Any]] | None = None,
    ) -> NetworkBuilder:
        """A security group; ``outbound=None`` spells out the new-SG default (all IPv4 out)."""
        if outbound is None:
            outbound = [sg_rule("all", None, "0.0.0.0/0")]
        return self._put("security_groups", sg_id, {"vpc": vpc, "inbound": list(inbound),
                                                     "outbound": list(outbound)})

    def eni(
        self, eni_id: str, subnet: str, private_ip: str, *, public_ip: str | None = None, ipv6: str | None = None,
        sgs: Sequence[str] = (), source_dest_check: bool = True,
    ) -> NetworkBuilder:
        body: dict[str, Any] = {"subnet": subnet, "private_ip": private_ip, "security_groups": list(sgs)}
        if public_ip:
            body["public_ip"] = public_ip
        if ipv6:
            body["ipv6_ip"] = ipv6
        if not source_dest_check:
            body["source_dest_check"] = False
        return self._put("enis", eni_id, body)

    def prefix_list(self, pl_id: str, name: str, cidrs: list[str]) -> NetworkBuilder:
        return self._put("prefix_lists", pl_id, {"name": name, "cidrs": list(cidrs)})

    def service(
        self, name: str, public_cidrs: list[str], *, prefix_list: str | None = None, region: str | None = None
    ) -> NetworkBuilder:
        body: dict[str, Any] = {"region": region or self.doc["region"], "public_cidrs": list(public_cidrs)}
        if prefix_list:
            body["prefix_list"] = prefix_list
        return self._put("aws_services", name, body)

    def gateway_endpoint(
        self, vpce_id: str, vpc: str, service: str, *, route_tables: Sequence[str] = (),
        policy: dict[str, Any] | None = None,
    ) -> NetworkBuilder:
        """A gateway endpoint plus its prefix-list route in each of ``route_tables``."""
        self._put("vpc_endpoints", vpce_id, {
            "type": "gateway", "vpc": vpc, "service": service, "route_tables": list(route_tables), "policy": policy,
        })
        pl = self.doc["aws_services"][service].get("prefix_list")
        for rtb in route_tables:
            if pl:
                self.route(rtb, pl, vpce_id)
        return self

    def interface_endpoint(
        self, vpce_id: str, vpc: str, service: str, *, enis: list[str], private_dns: bool = True,
        policy: dict[str, Any] | None = None,
    ) -> NetworkBuilder:
        self._put("vpc_endpoints", vpce_id, {
            "type": "interface", "vpc": vpc, "service": service, "enis": list(enis), "private_dns": private_dns,
            "policy": policy,
        })
        for eid in enis:
            self.doc["enis"][eid]["endpoint"] = vpce_id
        return self

    def peering(self, pcx_id: str, requester: str, accepter: str, *, status: str = "active") -> NetworkBuilder:
        return self._put("peering_connections", pcx_id, {
            "requester_vpc": requester, "accepter_vpc": accepter, "status": status,
        })

    def tgw(self, tgw_id: str, *, security_group_referencing: bool = False) -> NetworkBuilder:
        body: dict[str, Any] = {"route_tables": {}, "attachments": {}}
        if security_group_referencing:
            body["security_group_referencing"] = True
        return self._put("transit_gateways", tgw_id, body)

    def tgw_route_table(self, tgw_id: str, rtb_id: str) -> NetworkBuilder:
        self.doc["transit_gateways"][tgw_id]["route_tables"][rtb_id] = {"routes": []}
        return self

    def tgw_attachment(
        self, tgw_id: str, att_id: str, vpc: str, subnets: list[str], association: str | None, *,
        security_group_referencing: bool = False,
    ) -> NetworkBuilder:
        body: dict[str, Any] = {"vpc": vpc, "subnets": list(subnets), "association": association}
        if security_group_referencing:
            body["security_group_referencing"] = True
        self.doc["transit_gateways"][tgw_id]["attachments"][att_id] = body
        return self

    def tgw_route(
        self, tgw_id: str, rtb_id: str, dest: str, attachment: str | None = None, *, blackhole: bool = False
    ) -> NetworkBuilder:
        route: dict[str, Any] = {"dest": dest}
        if blackhole:
            route["blackhole"] = True
        else:
            route["attachment"] = attachment
        self.doc["transit_gateways"][tgw_id]["route_tables"][rtb_id]["routes"].append(route)
        return self

    def build(self) -> dict[str, Any]:
        """The spec's JSON document (a deep copy, so the builder can keep going)."""
        return copy.deepcopy(self.doc)

    def network(self) -> Network:
        return load(self.build())
