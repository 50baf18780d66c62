"""The reachability question (spec §3), checked and resolved against one network.

Ports: a null ``src_port`` means "some client ephemeral port", so replies must be allowed for every
port in 1024-65535 (the range AWS recommends opening in NACLs); a null ``port`` for tcp/udp means
every destination port. ICMP has no ports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .addr import Addr, fmt, try_parse_ip
from .errors import NetworkError
from .fields import integer
from .model import ALL_PORTS, EPHEMERAL, Eni, LoadBalancer, Network, PortRange

QUERY_PROTOCOLS = ("tcp", "udp", "icmp")


@dataclass(slots=True)
class Query:
    raw: dict[str, Any]
    protocol: str
    version: int
    src_eni: Eni | None
    src_addr: Addr
    dst_text: str
    dst_eni: Eni | None  # the intended destination host, when known
    dst_addr: Addr | None  # None only when the answer is already no-public-ip
    service: str | None
    dst_ports: PortRange | None  # None for ICMP
    src_ports: PortRange | None  # the client's port(s): what the reply is addressed to
    action: str
    resource: str
    icmp_type: int | None
    request: dict[str, Any]  # the IAM request an endpoint policy decides (action, resource, principal, context...)
    lb: LoadBalancer | None = None  # dst named a load balancer: dst_eni is the node that takes the connection
    domain: str | None = None  # TLS SNI or HTTP Host a firewall's domain lists see (§5.17)
    app: str | None = None  # "tls" | "http" when a domain is given

    @property
    def src_text(self) -> str:
        return self.src_eni.id if self.src_eni else fmt(self.src_addr)


def _port(raw: dict[str, Any], key: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    return integer(value, f"query.{key}", 0, 65535)


def parse_query(net: Network, raw: Any) -> Query:
    if not isinstance(raw, dict):
        raise NetworkError("expected a query object", "query")
    proto = raw.get("protocol")
    if proto not in QUERY_PROTOCOLS:
        raise NetworkError(f"protocol must be tcp, udp or icmp; got {proto!r}", "query.protocol")
    version = raw.get("ip_version", 4)
    if version is None:
        version = 4
    if version not in (4, 6) or isinstance(version, bool):
        raise NetworkError(f"ip_version must be 4 or 6, got {version!r}", "query.ip_version")
    port = _port(raw, "port")
    src_port = _port(raw, "src_port")
    icmp_type = raw.get("icmp_type")
    if icmp_type is not None:
        integer(icmp_type, "query.icmp_type", 0, 255)
    if proto == "icmp":
        dst_ports = src_ports = None
    else:
        dst_ports = (port, port) if port is not None else ALL_PORTS
        src_ports = (src_port, src_port) if src_port is not None else EPHEMERAL
    request = raw.get("request") or {}
    if not isinstance(request, dict):
        raise NetworkError("request must be an object with action and resource (and optionally principal, "
                           "context and the other fields of an IAM request)", "query.request")
    action = request.get("action", "")
    resource = request.get("resource", "")
    for key, value in (("action", action), ("resource", resource)):
        if not isinstance(value, str):
            raise NetworkError(f"expected a string, got {value!r}", f"query.request.{key}")

    domain = raw.get("domain")
    app = None
    if domain is not None:
        if not isinstance(domain, str) or not domain.strip(". ") or proto != "tcp":
            raise NetworkError(f"domain must be a host name on a tcp query, got {domain!r}", "query.domain")
        app = raw.get("app_protocol") or ("http" if port == 80 else "tls")
        if app not in ("tls", "http"):
            raise NetworkError(f"app_protocol must be tls or http, got {app!r}", "query.app_protocol")
    elif raw.get("app_protocol") is not None:
        raise NetworkError("app_protocol needs a domain", "query.app_protocol")

    src = raw.get("src")
    if not isinstance(src, str) or not src:
        raise NetworkError("src must be an ENI id or an external IP address", "query.src")
    src_eni = net.enis.get(src)
    if src_eni is not None:
        src_addr = src_eni.address(version)
        if src_addr is None:
            raise NetworkError(f"{src} has no IPv{version} address", "query.src")
    else:
        parsed = try_parse_ip(src)
        if parsed is None:
            raise NetworkError(f"unknown ENI or invalid IP address {src!r}", "query.src")
        if parsed[0] != version:
            raise NetworkError(f"{src} is not an IPv{version} address", "query.src")
        src_addr = parsed

    dst = raw.get("dst")
    if not isinstance(dst, str) or not dst:
        raise NetworkError("dst must be an ENI id, an IP address or a service name", "query.dst")
    dst_ip = raw.get("dst_ip")
    dialled: Addr | None = None
    if dst_ip is not None:
        dialled = try_parse_ip(dst_ip) if isinstance(dst_ip, str) else None
        if dialled is None:
            raise NetworkError(f"not a valid IP address: {dst_ip!r}", "query.dst_ip")
        if dialled[0] != version:
            raise NetworkError(f"{dst_ip} is not an IPv{version} address", "query.dst_ip")

    dst_eni: Eni | None = None
    service: str | None = None
    dst_addr: Addr | None
    lb: LoadBalancer | None = None
    if dst in net.load_balancers:
        lb = net.load_balancers[dst]
        if proto == "icmp" or port is None:
            raise NetworkError("a load balancer query needs tcp or udp and the listener port", "query.port")
        dst_eni = _lb_node(lb, src_eni, dialled, dst_ip)
        dst_addr = _dialled_address(dst, dst_eni, dialled, src_eni, version)
    elif dst in net.enis:
        dst_eni = net.enis[dst]
        dst_addr = _dialled_address(dst, dst_eni, dialled, src_eni, version)
    elif dst in net.aws_services:
        service = dst
        dst_eni = _private_dns(net, src_eni, dst)
        if dst_eni is not None:
            dst_addr = dst_eni.address(version)
            if dst_addr is None:
                raise NetworkError(f"the endpoint ENI {dst_eni.id} has no IPv{version} address", "query.dst")
        elif dialled is None:
            raise NetworkError(f"dst_ip is required to reach {dst} without a private-DNS endpoint", "query.dst_ip")
        else:
            dst_addr = dialled
    else:
        parsed = try_parse_ip(dst)
        if parsed is None:
            raise NetworkError(f"unknown ENI, service or invalid IP address {dst!r}", "query.dst")
        if parsed[0] != version:
            raise NetworkError(f"{dst} is not an IPv{version} address", "query.dst")
        dst_addr = parsed
        dst_eni = _owner(net, parsed)
    return Query(
        raw, proto, version, src_eni, src_addr, dst, dst_eni, dst_addr, service, dst_ports, src_ports,
        action, resource, icmp_type, request, lb, domain, app,
    )


def _dialled_address(dst: str, dst_eni: Eni, dialled: Addr | None, src_eni: Eni | None, version: int) -> Addr | None:
    """The address a query reaches ``dst_eni`` at: the one it dialled, else the public one from the internet, else
    the private one (which must exist in the query's IP version)."""
    if dialled is not None:
        return dialled
    if src_eni is None:
        return dst_eni.public_ip if version == 4 else dst_eni.ipv6_ip
    addr = dst_eni.address(version)
    if addr is None:
        raise NetworkError(f"{dst} has no IPv{version} address", "query.dst")
    return addr


def _lb_node(lb: LoadBalancer, src: Eni | None, dialled: Addr | None, dst_ip: Any) -> Eni:
    """The node that takes the connection: the one whose address was dialled, else one in the client's AZ."""
    if dialled is not None:
        for node in lb.nodes:
            if dialled in (node.private_ip, node.public_ip, node.ipv6_ip):
                return node
        raise NetworkError(f"{dst_ip} is not an address of a node of {lb.id}", "query.dst_ip")
    if src is not None:
        same = [n for n in lb.nodes if n.subnet.az == src.subnet.az]
        if same:
            return same[0]
    return lb.nodes[0]


def _private_dns(net: Network, src: Eni | None, service: str) -> Eni | None:
    """Spec §3: an interface endpoint with private DNS in the source VPC captures the service name."""
    if src is None:
        return None
    for ep in net.vpc_endpoints.values():
        if ep.type == "interface" and ep.private_dns and ep.vpc is src.vpc and ep.service == service and ep.enis:
            same_az = [e for e in ep.enis if e.subnet.az == src.subnet.az]
            return same_az[0] if same_az else ep.enis[0]
    return None


def _owner(net: Network, addr: Addr) -> Eni | None:
    owner = net.owner_by_public.get(addr)
    if isinstance(owner, Eni):
        return owner
    candidates = net.enis_by_private.get(addr, [])
    return candidates[0] if len(candidates) == 1 else None
