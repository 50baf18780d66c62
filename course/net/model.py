"""The validated, pre-indexed network: built once, then queried many times."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .addr import Addr, Cidr
from .endpoint_policy import EndpointPolicy

PortRange = tuple[int, int]
ALL_PORTS: PortRange = (0, 65535)
EPHEMERAL: PortRange = (1024, 65535)


@dataclass(slots=True)
class Vpc:
    id: str
    cidrs: list[Cidr]
    ipv6_cidrs: list[Cidr]
    region: str
    default: bool = False
    subnets: list[Subnet] = field(default_factory=list)
    main_route_table: RouteTable | None = None
    default_nacl: Nacl | None = None

    def contains(self, addr: Addr) -> bool:
        blocks = self.cidrs if addr[0] == 4 else self.ipv6_cidrs
        return any(c.contains(addr) for c in blocks)

    def all_cidrs(self) -> list[Cidr]:
        return self.cidrs + self.ipv6_cidrs


@dataclass(slots=True)
class Subnet:
    id: str
    vpc: Vpc
    cidr: Cidr
    ipv6_cidr: Cidr | None
    az: str
    route_table: RouteTable
    nacl: Nacl
    explicit_route_table: bool = False
    public: bool = False

    def contains(self, addr: Addr) -> bool:
        if addr[0] == 4:
            return self.cidr.contains(addr)
        return self.ipv6_cidr is not None and self.ipv6_cidr.contains(addr)


@dataclass(slots=True)
class Route:
    index: int
    dest: str
    prefix_list: str | None
    target: str
    blackhole: bool

    def describe(self) -> str:
        state = " (blackhole)" if self.blackhole else ""
        return f"{self.dest} -> {self.target}{state}"


@dataclass(slots=True)
class RouteTable:
    id: str
    vpc: Vpc
    main: bool
    routes: list[Route]
    # (version, sorted entries) built by routing.compile_table
    compiled: dict[int, list[tuple[Cidr, Route]]] = field(default_factory=dict)
    edge: list[str] = field(default_factory=list)  # internet gateways it is edge-associated with (§5.18)


@dataclass(slots=True)
class NaclRule:
    rule: int
    protocol: str
    ports: PortRange | None
    cidr: Cidr
    allow: bool

    def describe(self, direction: str) -> str:
        verb = "allows" if self.allow else "denies"
        what = self.protocol if self.ports is None else f"{self.protocol} {_ports(self.ports)}"
        side = "from" if direction == "inbound" else "to"
        return f"rule {self.rule} {verb} {direction} {what} {side} {self.cidr.text}"


@dataclass(slots=True)
class Nacl:
    id: str
    vpc: Vpc
    default: bool
    inbound: list[NaclRule]
    outbound: list[NaclRule]


@dataclass(slots=True)
class SgRule:
    protocol: str
    ports: PortRange | None
    peer_kind: str  # "cidr" | "sg" | "pl"
    peer: str
    cidr: Cidr | None

    def describe(self) -> str:
        what = self.protocol if self.ports is None else f"{self.protocol} {_ports(self.ports)}"
        return f"{what} with {self.peer}"


@dataclass(slots=True)
class SecurityGroup:
    id: str
    vpc: Vpc
    default: bool
    inbound: list[SgRule]
    outbound: list[SgRule]


@dataclass(slots=True)
class Eni:
    id: str
    subnet: Subnet
    private_ip: Addr
    public_ip: Addr | None
    ipv6_ip: Addr | None
    security_groups: list[SecurityGroup]
    source_dest_check: bool
    endpoint: str | None
    load_balancer: str | None = None  # set on the nodes of a load balancer (spec §5.16)

    @property
    def vpc(self) -> Vpc:
        return self.subnet.vpc

    def address(self, version: int) -> Addr | None:
        return self.private_ip if version == 4 else self.ipv6_ip

    def owns_private(self, addr: Addr) -> bool:
        return addr == self.private_ip or addr == self.ipv6_ip


@dataclass(slots=True)
class InternetGateway:
    id: str
    vpc: Vpc | None


@dataclass(slots=True)
class EgressOnlyGateway:
    id: str
    vpc: Vpc


@dataclass(slots=True)
class NatGateway:
    """A zonal NAT gateway sits in ``subnet``; a regional one (spec §5.14) has no subnet and no private IP."""

    id: str
    subnet: Subnet | None
    public: bool
    private_ip: Addr | None
    public_ip: Addr | None
    home: Vpc | None = None  # the VPC of a regional NAT gateway

    @property
    def regional(self) -> bool:
        return self.subnet is None

    @property
    def vpc(self) -> Vpc:
        if self.subnet is not None:
            return self.subnet.vpc
        assert self.home is not None
        return self.home


@dataclass(slots=True)
class PrefixList:
    id: str
    name: str
    cidrs: list[Cidr]


@dataclass(slots=True)
class AwsService:
    name: str
    region: str
    public_cidrs: list[Cidr]
    prefix_list: str | None


@dataclass(slots=True)
class VpcEndpoint:
    id: str
    type: str
    vpc: Vpc
    service: str
    route_tables: list[str]
    eni_ids: list[str]
    private_dns: bool
    policy: EndpointPolicy | None  # None: the default policy, full access
    enis: list[Eni] = field(default_factory=list)


@dataclass(slots=True)
class Peering:
    id: str
    requester: Vpc
    accepter: Vpc
    status: str

    @property
    def active(self) -> bool:
        return self.status == "active"

    def other(self, vpc: Vpc) -> Vpc | None:
        if vpc is self.requester:
            return self.accepter
        if vpc is self.accepter:
            return self.requester
        return None


@dataclass(slots=True)
class TgwRoute:
    dest: Cidr
    attachment: str | None
    blackhole: bool


@dataclass(slots=True)
class TgwAttachment:
    id: str
    tgw: str
    vpc: Vpc
    subnets: list[Subnet]
    association: str | None
    security_group_referencing: bool = False


@dataclass(slots=True)
class TransitGateway:
    id: str
    route_tables: dict[str, list[TgwRoute]]
    attachments: dict[str, TgwAttachment]
    security_group_referencing: bool = False


@dataclass(slots=True)
class BlockPublicAccess:
    """VPC Block Public Access for one Region (spec §5.15): a mode plus exclusions per VPC or subnet."""

    region: str
    mode: str  # "off" | "block-bidirectional" | "block-ingress"
    vpc_exclusions: dict[str, str]  # vpc id -> "allow-bidirectional" | "allow-egress"
    subnet_exclusions: dict[str, str]  # subnet id -> the same


@dataclass(slots=True)
class Listener:
    port: int
    protocol: str  # tcp | udp | tls | tcp_udp (network); http | https (application)
    target_group: str


@dataclass(slots=True)
class TargetGroup:
    id: str
    port: int
    protocol: str
    targets: list[Eni]
    preserve_client_ip: bool  # for an NLB; an ALB never preserves it
    preserve_explicit: bool = False


@dataclass(slots=True)
class LoadBalancer:
    """An ALB or NLB (spec §5.16): nodes are ENIs in its subnets; listeners forward to target groups."""

    id: str
    type: str  # "application" | "network"
    internet_facing: bool
    nodes: list[Eni]
    security_groups: list[SecurityGroup]
    listeners: list[Listener]


@dataclass(slots=True)
class Network:
    """Everything ``reach`` needs, with lookup tables built once in ``index.build_indexes``."""

    doc: dict[str, Any]
    region: str
    vpcs: dict[str, Vpc]
    subnets: dict[str, Subnet]
    route_tables: dict[str, RouteTable]
    nacls: dict[str, Nacl]
    security_groups: dict[str, SecurityGroup]
    enis: dict[str, Eni]
    internet_gateways: dict[str, InternetGateway]
    egress_only_gateways: dict[str, EgressOnlyGateway]
    nat_gateways: dict[str, NatGateway]
    prefix_lists: dict[str, PrefixList]
    aws_services: dict[str, AwsService]
    vpc_endpoints: dict[str, VpcEndpoint]
    peerings: dict[str, Peering]
    transit_gateways: dict[str, TransitGateway]
    block_public_access: BlockPublicAccess | None = None
    load_balancers: dict[str, LoadBalancer] = field(default_factory=dict)
    target_groups: dict[str, TargetGroup] = field(default_factory=dict)
    inspection_endpoints: dict[str, Any] = field(default_factory=dict)  # firewall.InspectionEndpoint (§5.17)
    edge_tables: dict[str, RouteTable] = field(default_factory=dict)  # igw id -> its gateway route table
    # indexes
    hosts_by_private: dict[tuple[str, Addr], Eni | NatGateway] = field(default_factory=dict)
    enis_by_private: dict[Addr, list[Eni]] = field(default_factory=dict)
    owner_by_public: dict[Addr, Eni | NatGateway] = field(default_factory=dict)
    igw_by_vpc: dict[str, InternetGateway] = field(default_factory=dict)
    eigw_by_vpc: dict[str, EgressOnlyGateway] = field(default_factory=dict)
    sg_members: dict[str, set[str]] = field(default_factory=dict)
    attachments_by_vpc: dict[tuple[str, str], list[TgwAttachment]] = field(default_factory=dict)
    peers_same_region: dict[str, set[str]] = field(default_factory=dict)
    sg_refs_over_tgw: dict[str, set[str]] = field(default_factory=dict)  # inbound rules only (spec §5.4)

    def __repr__(self) -> str:
        return (
            f"<Network {len(self.vpcs)} VPCs, {len(self.subnets)} subnets, {len(self.enis)} ENIs, "
            f"{len(self.peerings)} peerings, {len(self.transit_gateways)} TGWs>"
        )

    def to_dict(self) -> dict[str, Any]:
        """The document this network was loaded from (the spec's JSON form)."""
        return self.doc

    def vpc_of(self, addr: Addr) -> Vpc | None:
        for vpc in self.vpcs.values():
            if vpc.contains(addr):
                return vpc
        return None


def _ports(ports: PortRange) -> str:
    lo, hi = ports
    return str(lo) if lo == hi else f"{lo}-{hi}"


def ports_text(ports: PortRange | None) -> str:
    if ports is None:
        return ""
    return _ports(ports)
