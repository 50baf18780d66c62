"""Turn a network document (spec §2) into a checked, cross-referenced ``Network``."""

from __future__ import annotations

from typing import Any

from . import fields as f
from .addr import Cidr
from .endpoint_policy import EndpointPolicy, compile_policy
from .errors import NetworkError
from .fields import at
from .firewall import InspectionEndpoint, InspectionPolicy, parse_appliance_rules, parse_policy
from .index import build_indexes
from .model import (
    AwsService,
    BlockPublicAccess,
    EgressOnlyGateway,
    Eni,
    InternetGateway,
    Listener,
    LoadBalancer,
    Nacl,
    NaclRule,
    NatGateway,
    Network,
    Peering,
    PrefixList,
    Route,
    RouteTable,
    SecurityGroup,
    SgRule,
    Subnet,
    TargetGroup,
    TgwAttachment,
    TgwRoute,
    TransitGateway,
    Vpc,
    VpcEndpoint,
)

TOP_LEVEL = (
    "region", "vpcs", "subnets", "route_tables", "nacls", "security_groups", "enis", "internet_gateways",
    "egress_only_internet_gateways", "nat_gateways", "prefix_lists", "aws_services", "vpc_endpoints",
    "peering_connections", "transit_gateways", "load_balancers", "target_groups", "network_firewalls",
    "gateway_load_balancers", "gwlb_endpoints",
)

TARGET_KINDS = {
    "igw-": "internet_gateways",
    "eigw-": "egress_only_internet_gateways",
    "nat-": "nat_gateways",
    "vpce-": "vpc_endpoints",
    "pcx-": "peering_connections",
    "tgw-": "transit_gateways",
    "eni-": "enis",
}


def validate(doc: Any) -> Network:
    """Check every field and reference; raise NetworkError at the first problem."""
    doc = f.obj(doc, "")
    region = f.string(doc, "region", "", "us-east-1")
    for key in TOP_LEVEL[1:]:
        f.collection(doc, key)
    if "block_public_access" in doc and doc["block_public_access"] is not None:
        f.obj(doc["block_public_access"], "block_public_access")
    prefix_lists = _prefix_lists(doc)
    vpcs = _vpcs(doc, region)
    route_tables = _route_tables(doc, vpcs)
    nacls = _nacls(doc, vpcs)
    subnets = _subnets(doc, vpcs, route_tables, nacls)
    sgs = _security_groups_shell(doc, vpcs)
    enis = _enis(doc, subnets, sgs)
    _sg_rules(doc, sgs, prefix_lists)
    igws = _igws(doc, vpcs)
    eigws = {
        gid: EgressOnlyGateway(gid, _ref(vpcs, g, "vpc", at("egress_only_internet_gateways", gid)))
        for gid, g in f.collection(doc, "egress_only_internet_gateways").items()
    }
    nats = _nats(doc, subnets, vpcs)
    services = _services(doc, region, prefix_lists)
    endpoints = _endpoints(doc, vpcs, services, enis)
    peerings = _peerings(doc, vpcs)
    tgws = _tgws(doc, vpcs, subnets)
    net = Network(
        doc=doc, region=region, vpcs=vpcs, subnets=subnets, route_tables=route_tables, nacls=nacls,
        security_groups=sgs, enis=enis, internet_gateways=igws, egress_only_gateways=eigws,
        nat_gateways=nats, prefix_lists=prefix_lists, aws_services=services, vpc_endpoints=endpoints,
        peerings=peerings, transit_gateways=tgws,
        block_public_access=_block_public_access(doc, region, vpcs, subnets),
    )
    net.target_groups = _target_groups(doc, enis)
    net.load_balancers = _load_balancers(doc, enis, sgs, net.target_groups)
    net.inspection_endpoints = _inspection_endpoints(doc, subnets, endpoints)
    _routes(doc, net)
    build_indexes(net)
    return net


def _ref(table: dict[str, Any], d: dict[str, Any], key: str, path: str) -> Any:
    rid = f.string(d, key, path)
    if rid not in table:
        raise NetworkError(f"unknown {key} {rid!r}", at(path, key))
    return table[rid]


def _prefix_lists(doc: dict[str, Any]) -> dict[str, PrefixList]:
    out = {}
    for pid, p in f.collection(doc, "prefix_lists").items():
        path = at("prefix_lists", pid)
        blocks = [f.cidr(c, at(at(path, "cidrs"), i)) for i, c in enumerate(f.listing(p, "cidrs", path, []))]
        out[pid] = PrefixList(pid, f.string(p, "name", path, pid), blocks)
    return out


def _vpcs(doc: dict[str, Any], region: str) -> dict[str, Vpc]:
    out = {}
    for vid, v in f.collection(doc, "vpcs").items():
        path = at("vpcs", vid)
        raw = f.listing(v, "cidrs", path)
        if not raw:
            raise NetworkError("a VPC needs at least one IPv4 CIDR", at(path, "cidrs"))
        cidrs = [f.cidr(c, at(at(path, "cidrs"), i), 4) for i, c in enumerate(raw)]
        v6 = [f.cidr(c, at(at(path, "ipv6_cidrs"), i), 6) for i, c in enumerate(f.listing(v, "ipv6_cidrs", path, []))]
        out[vid] = Vpc(vid, cidrs, v6, f.string(v, "region", path, region), f.boolean(v, "default", path, False))
    return out


def _route_tables(doc: dict[str, Any], vpcs: dict[str, Vpc]) -> dict[str, RouteTable]:
    out = {}
    for rid, r in f.collection(doc, "route_tables").items():
        path = at("route_tables", rid)
        vpc = _ref(vpcs, r, "vpc", path)
        table = RouteTable(rid, vpc, f.boolean(r, "main", path, False), [])
        if table.main:
            if vpc.main_route_table is not None:
                raise NetworkError(
                    f"VPC {vpc.id} already has main route table {vpc.main_route_table.id}", at(path, "main")
                )
            vpc.main_route_table = table
        f.listing(r, "routes", path, [])
        out[rid] = table
    return out


def _nacl_rules(n: dict[str, Any], key: str, path: str) -> list[NaclRule]:
    rules = []
    seen: dict[int, int] = {}
    for i, raw in enumerate(f.listing(n, key, path, [])):
        rpath = at(at(path, key), i)
        r = f.obj(raw, rpath)
        if "rule" not in r:
            raise NetworkError("required field is missing", at(rpath, "rule"))
        number = f.integer(r["rule"], at(rpath, "rule"), 1, 32766)
        if number in seen:
            raise NetworkError(f"rule number {number} is already used by {key}[{seen[number]}]", at(rpath, "rule"))
        seen[number] = i
        proto = f.protocol(r, rpath)
        ports = f.ports(r, proto, rpath)
        block = f.cidr(r.get("cidr", f.MISSING) if "cidr" in r else _missing(rpath, "cidr"), at(rpath, "cidr"))
        action = r.get("action")
        if action not in ("allow", "deny"):
            raise NetworkError(f"action must be allow or deny, got {action!r}", at(rpath, "action"))
        rules.append(NaclRule(number, proto, ports, block, action == "allow"))
    rules.sort(key=lambda rule: rule.rule)
    return rules


def _missing(path: str, key: str) -> Any:
    raise NetworkError("required field is missing", at(path, key))


def _nacls(doc: dict[str, Any], vpcs: dict[str, Vpc]) -> dict[str, Nacl]:
    out = {}
    for nid, n in f.collection(doc, "nacls").items():
        path = at("nacls", nid)
        vpc = _ref(vpcs, n, "vpc", path)
        nacl = Nacl(
            nid, vpc, f.boolean(n, "default", path, False),
            _nacl_rules(n, "inbound", path), _nacl_rules(n, "outbound", path),
        )
        if nacl.default:
            if vpc.default_nacl is not None:
                raise NetworkError(f"VPC {vpc.id} already has default NACL {vpc.default_nacl.id}", at(path, "default"))
            vpc.default_nacl = nacl
        out[nid] = nacl
    return out


def _subnets(
    doc: dict[str, Any], vpcs: dict[str, Vpc], tables: dict[str, RouteTable], nacls: dict[str, Nacl]
) -> dict[str, Subnet]:
    out: dict[str, Subnet] = {}
    for sid, s in f.collection(doc, "subnets").items():
        path = at("subnets", sid)
        vpc: Vpc = _ref(vpcs, s, "vpc", path)
        block = f.cidr(s.get("cidr") if "cidr" in s else _missing(path, "cidr"), at(path, "cidr"), 4)
        if not any(c.overlaps(block) and c.plen <= block.plen for c in vpc.cidrs):
            raise NetworkError(f"{block.text} is not inside any CIDR of {vpc.id}", at(path, "cidr"))
        v6 = None
        if s.get("ipv6_cidr") is not None:
            v6 = f.cidr(s["ipv6_cidr"], at(path, "ipv6_cidr"), 6)
            if not any(c.overlaps(v6) and c.plen <= v6.plen for c in vpc.ipv6_cidrs):
                raise NetworkError(f"{v6.text} is not inside any IPv6 CIDR of {vpc.id}", at(path, "ipv6_cidr"))
        for other in vpc.subnets:
            if other.cidr.overlaps(block):
                raise NetworkError(f"{block.text} overlaps subnet {other.id} ({other.cidr.text})", at(path, "cidr"))
        explicit = s.get("route_table") is not None
        if explicit:
            table = _ref(tables, s, "route_table", path)
        elif vpc.main_route_table is None:
            raise NetworkError(f"no route_table given and {vpc.id} has no main route table", at(path, "route_table"))
        else:
            table = vpc.main_route_table
        if s.get("nacl") is not None:
            nacl = _ref(nacls, s, "nacl", path)
        elif vpc.default_nacl is None:
            raise NetworkError(f"no nacl given and {vpc.id} has no default NACL", at(path, "nacl"))
        else:
            nacl = vpc.default_nacl
        if table.vpc is not vpc:
            raise NetworkError(
                f"route table {table.id} belongs to {table.vpc.id}, not {vpc.id}", at(path, "route_table")
            )
        if nacl.vpc is not vpc:
            raise NetworkError(f"NACL {nacl.id} belongs to {nacl.vpc.id}, not {vpc.id}", at(path, "nacl"))
        az = f.string(s, "az", path, f"{vpc.region}a")
        subnet = Subnet(sid, vpc, block, v6, az, table, nacl, explicit)
        vpc.subnets.append(subnet)
        out[sid] = subnet
    return out


def _security_groups_shell(doc: dict[str, Any], vpcs: dict[str, Vpc]) -> dict[str, SecurityGroup]:
    out = {}
    for gid, g in f.collection(doc, "security_groups").items():
        path = at("security_groups", gid)
        out[gid] = SecurityGroup(gid, _ref(vpcs, g, "vpc", path), f.boolean(g, "default", path, False), [], [])
    return out


def _sg_rules(doc: dict[str, Any], sgs: dict[str, SecurityGroup], pls: dict[str, PrefixList]) -> None:
    for gid, g in f.collection(doc, "security_groups").items():
        path = at("security_groups", gid)
        for key in ("inbound", "outbound"):
            rules = []
            for i, raw in enumerate(f.listing(g, key, path, [])):
                rpath = at(at(path, key), i)
                r = f.obj(raw, rpath)
                proto = f.protocol(r, rpath)
                ports = f.ports(r, proto, rpath)
                peer = f.string(r, "peer", rpath)
                if peer in sgs:
                    rules.append(SgRule(proto, ports, "sg", peer, None))
                elif peer in pls:
                    rules.append(SgRule(proto, ports, "pl", peer, None))
                elif peer.startswith(("sg-", "pl-")):
                    raise NetworkError(f"unknown peer {peer!r}", at(rpath, "peer"))
                else:
                    rules.append(SgRule(proto, ports, "cidr", peer, f.cidr(peer, at(rpath, "peer"))))
            setattr(sgs[gid], key, rules)


def _enis(doc: dict[str, Any], subnets: dict[str, Subnet], sgs: dict[str, SecurityGroup]) -> dict[str, Eni]:
    out: dict[str, Eni] = {}
    seen: dict[tuple[str, Any], str] = {}
    for eid, e in f.collection(doc, "enis").items():
        path = at("enis", eid)
        subnet: Subnet = _ref(subnets, e, "subnet", path)
        if "private_ip" not in e:
            _missing(path, "private_ip")
        private = f.ip(e["private_ip"], at(path, "private_ip"), 4)
        if not subnet.cidr.contains(private):
            raise NetworkError(
                f"{e['private_ip']} is not inside {subnet.id} ({subnet.cidr.text})", at(path, "private_ip")
            )
        v6 = f.optional_ip(e, "ipv6_ip", path, 6)
        if v6 is not None and not subnet.contains(v6):
            raise NetworkError(f"{e['ipv6_ip']} is not inside the IPv6 CIDR of {subnet.id}", at(path, "ipv6_ip"))
        groups = []
        for i, gid in enumerate(f.listing(e, "security_groups", path, [])):
            gpath = at(at(path, "security_groups"), i)
            if f.ref(gid, gpath) not in sgs:
                raise NetworkError(f"unknown security group {gid!r}", gpath)
            if sgs[gid].vpc is not subnet.vpc:
                raise NetworkError(f"{gid} belongs to {sgs[gid].vpc.id}, not {subnet.vpc.id}", gpath)
            groups.append(sgs[gid])
        for addr, key in ((private, "private_ip"), (v6, "ipv6_ip")):
            if addr is None:
                continue
            if (subnet.vpc.id, addr) in seen:
                raise NetworkError(f"address already used by {seen[(subnet.vpc.id, addr)]}", at(path, key))
            seen[(subnet.vpc.id, addr)] = eid
        endpoint = e.get("endpoint")
        if endpoint is not None and not isinstance(endpoint, str):
            raise NetworkError(f"expected a vpce id, got {endpoint!r}", at(path, "endpoint"))
        out[eid] = Eni(
            eid, subnet, private, f.optional_ip(e, "public_ip", path, 4), v6, groups,
            f.boolean(e, "source_dest_check", path, True), endpoint,
        )
    return out


def _igws(doc: dict[str, Any], vpcs: dict[str, Vpc]) -> dict[str, InternetGateway]:
    out = {}
    attached: dict[str, str] = {}
    for gid, g in f.collection(doc, "internet_gateways").items():
        path = at("internet_gateways", gid)
        vpc = _ref(vpcs, g, "vpc", path) if g.get("vpc") is not None else None
        if vpc is not None:
            if vpc.id in attached:
                raise NetworkError(f"{vpc.id} already has internet gateway {attached[vpc.id]}", at(path, "vpc"))
            attached[vpc.id] = gid
        out[gid] = InternetGateway(gid, vpc)
    return out


def _nats(doc: dict[str, Any], subnets: dict[str, Subnet], vpcs: dict[str, Vpc]) -> dict[str, NatGateway]:
    out = {}
    for nid, n in f.collection(doc, "nat_gateways").items():
        path = at("nat_gateways", nid)
        mode = n.get("availability_mode", "zonal")
        if mode not in ("zonal", "regional"):
            raise NetworkError(f"availability_mode must be zonal or regional, got {mode!r}",
                               at(path, "availability_mode"))
        if mode == "regional":
            out[nid] = _regional_nat(nid, n, path, vpcs)
            continue
        subnet: Subnet = _ref(subnets, n, "subnet", path)
        kind = n.get("connectivity", "public")
        if kind not in ("public", "private"):
            raise NetworkError(f"connectivity must be public or private, got {kind!r}", at(path, "connectivity"))
        if "private_ip" not in n:
            _missing(path, "private_ip")
        private = f.ip(n["private_ip"], at(path, "private_ip"), 4)
        if not subnet.cidr.contains(private):
            raise NetworkError(f"{n['private_ip']} is not inside {subnet.id}", at(path, "private_ip"))
        public = f.optional_ip(n, "public_ip", path, 4)
        if kind == "public" and public is None:
            raise NetworkError("a public NAT gateway needs its Elastic IP", at(path, "public_ip"))
        out[nid] = NatGateway(nid, subnet, kind == "public", private, public if kind == "public" else None)
    return out


def _regional_nat(nid: str, n: dict[str, Any], path: str, vpcs: dict[str, Vpc]) -> NatGateway:
    """Spec §5.14: a regional NAT gateway belongs to a VPC, not a subnet, and is public."""
    for key in ("subnet", "private_ip"):
        if n.get(key) is not None:
            raise NetworkError(f"a regional NAT gateway has no {key} (it spans the VPC's Availability Zones)",
                               at(path, key))
    if n.get("connectivity", "public") != "public":
        raise NetworkError(f"this model's regional NAT gateways are public, got {n.get('connectivity')!r}",
                           at(path, "connectivity"))
    vpc = _ref(vpcs, n, "vpc", path)
    public = f.optional_ip(n, "public_ip", path, 4)
    if public is None:
        raise NetworkError("a public NAT gateway needs its Elastic IP", at(path, "public_ip"))
    return NatGateway(nid, None, True, None, public, vpc)


BPA_MODES = ("off", "block-bidirectional", "block-ingress")
EXCLUSION_MODES = ("allow-bidirectional", "allow-egress")


def _block_public_access(
    doc: dict[str, Any], region: str, vpcs: dict[str, Vpc], subnets: dict[str, Subnet]
) -> BlockPublicAccess | None:
    """Spec §5.15: one Region's VPC Block Public Access mode and its exclusions."""
    raw = doc.get("block_public_access")
    if raw is None:
        return None
    path = "block_public_access"
    mode = f.string(raw, "mode", path, "off")
    if mode not in BPA_MODES:
        raise NetworkError(f"mode must be one of {', '.join(BPA_MODES)}; got {mode!r}", at(path, "mode"))
    bpa = BlockPublicAccess(f.string(raw, "region", path, region), mode, {}, {})
    for i, item in enumerate(f.listing(raw, "exclusions", path, [])):
        epath = at(at(path, "exclusions"), i)
        e = f.obj(item, epath)
        kind = f.string(e, "mode", epath)
        if kind not in EXCLUSION_MODES:
            raise NetworkError(f"mode must be one of {', '.join(EXCLUSION_MODES)}; got {kind!r}", at(epath, "mode"))
        has_vpc, has_subnet = e.get("vpc") is not None, e.get("subnet") is not None
        if has_vpc == has_subnet:
            raise NetworkError("an exclusion names exactly one of vpc or subnet", epath)
        if has_vpc:
            vpc = _ref(vpcs, e, "vpc", epath)
            bpa.vpc_exclusions[vpc.id] = kind
        else:
            subnet = _ref(subnets, e, "subnet", epath)
            bpa.subnet_exclusions[subnet.id] = kind
    return bpa


LB_TYPES = ("application", "network")
LISTENER_PROTOCOLS = {"application": ("http", "https"), "network": ("tcp", "udp", "tls", "tcp_udp")}


def _target_groups(doc: dict[str, Any], enis: dict[str, Eni]) -> dict[str, TargetGroup]:
    out = {}
    for tid, t in f.collection(doc, "target_groups").items():
        path = at("target_groups", tid)
        if "port" not in t:
            _missing(path, "port")
        port = f.integer(t["port"], at(path, "port"), 1, 65535)
        proto = f.string(t, "protocol", path, "tcp")
        if proto not in ("tcp", "udp", "tls", "tcp_udp", "http", "https"):
            raise NetworkError(f"unknown target group protocol {proto!r}", at(path, "protocol"))
        targets = []
        for i, eid in enumerate(f.listing(t, "targets", path, [])):
            tpath = at(at(path, "targets"), i)
            if f.ref(eid, tpath) not in enis:
                raise NetworkError(f"unknown ENI {eid!r}", tpath)
            targets.append(enis[eid])
        target_type = f.string(t, "target_type", path, "instance")
        if target_type not in ("instance", "ip"):
            raise NetworkError(f"target_type must be instance or ip, got {target_type!r}", at(path, "target_type"))
        preserve = t.get("preserve_client_ip")
        if preserve is None:
            # NLB defaults: on for instance targets and for UDP; off for ip targets over TCP/TLS (spec §5.16).
            # An ALB never preserves it: _load_balancers refuses an explicit true for an ALB's group.
            preserve = target_type == "instance" or proto in ("udp", "tcp_udp")
            explicit = False
        elif not isinstance(preserve, bool):
            raise NetworkError(f"expected true or false, got {preserve!r}", at(path, "preserve_client_ip"))
        else:
            explicit = True
        out[tid] = TargetGroup(tid, port, proto, targets, preserve, explicit)
    return out


def _load_balancers(
    doc: dict[str, Any], enis: dict[str, Eni], sgs: dict[str, SecurityGroup], tgs: dict[str, TargetGroup]
) -> dict[str, LoadBalancer]:
    out: dict[str, LoadBalancer] = {}
    for lid, raw in f.collection(doc, "load_balancers").items():
        path = at("load_balancers", lid)
        kind = raw.get("type")
        if kind not in LB_TYPES:
            raise NetworkError(f"type must be application or network, got {kind!r}", at(path, "type"))
        scheme = f.string(raw, "scheme", path, "internet-facing")
        if scheme not in ("internet-facing", "internal"):
            raise NetworkError(f"scheme must be internet-facing or internal, got {scheme!r}", at(path, "scheme"))
        groups = []
        for i, gid in enumerate(f.listing(raw, "security_groups", path, [])):
            gpath = at(at(path, "security_groups"), i)
            if f.ref(gid, gpath) not in sgs:
                raise NetworkError(f"unknown security group {gid!r}", gpath)
            groups.append(sgs[gid])
        if kind == "application" and not groups:
            raise NetworkError("an Application Load Balancer needs at least one security group",
                               at(path, "security_groups"))
        nodes: list[Eni] = []
        raw_nodes = f.listing(raw, "nodes", path)
        if not raw_nodes:
            raise NetworkError("a load balancer needs at least one node ENI", at(path, "nodes"))
        for i, eid in enumerate(raw_nodes):
            npath = at(at(path, "nodes"), i)
            if f.ref(eid, npath) not in enis:
                raise NetworkError(f"unknown ENI {eid!r}", npath)
            node = enis[eid]
            if node.load_balancer is not None or node.endpoint is not None:
                raise NetworkError(f"{eid} already belongs to {node.load_balancer or node.endpoint}", npath)
            if nodes and node.vpc is not nodes[0].vpc:
                raise NetworkError(f"{eid} is in {node.vpc.id}, not {nodes[0].vpc.id}", npath)
            if (scheme == "internet-facing") != (node.public_ip is not None):
                need = "needs a public_ip" if scheme == "internet-facing" else "must have no public_ip"
                raise NetworkError(f"a node of an {scheme} load balancer {need}", npath)
            for g in groups:
                if g.vpc is not node.vpc:
                    raise NetworkError(f"{g.id} belongs to {g.vpc.id}, not {node.vpc.id}", at(path, "security_groups"))
            node.load_balancer = lid
            node.security_groups = list(groups)
            nodes.append(node)
        listeners = []
        seen: set[int] = set()
        for i, item in enumerate(f.listing(raw, "listeners", path, [])):
            lpath = at(at(path, "listeners"), i)
            li = f.obj(item, lpath)
            if "port" not in li:
                _missing(lpath, "port")
            port = f.integer(li["port"], at(lpath, "port"), 1, 65535)
            if port in seen:
                raise NetworkError(f"port {port} already has a listener", at(lpath, "port"))
            seen.add(port)
            proto = f.string(li, "protocol", lpath, LISTENER_PROTOCOLS[kind][0])
            if proto not in LISTENER_PROTOCOLS[kind]:
                raise NetworkError(f"a {kind} load balancer's listener protocol is one of "
                                   f"{', '.join(LISTENER_PROTOCOLS[kind])}; got {proto!r}", at(lpath, "protocol"))
            tg = _ref(tgs, li, "target_group", lpath)
            for j, target in enumerate(tg.targets):
                if target.vpc is not nodes[0].vpc:
                    raise NetworkError(f"target {target.id} is in {target.vpc.id}, not the load balancer's "
                                       f"{nodes[0].vpc.id}", at(at(at("target_groups", tg.id), "targets"), j))
            if kind == "application" and tg.preserve_explicit and tg.preserve_client_ip:
                raise NetworkError("an Application Load Balancer never preserves the client IP (it sends "
                                   "X-Forwarded-For instead)", at(at("target_groups", tg.id), "preserve_client_ip"))
            listeners.append(Listener(port, proto, tg.id))
        out[lid] = LoadBalancer(lid, kind, scheme == "internet-facing", nodes, groups, listeners)
    return out


def _inspection_endpoints(
    doc: dict[str, Any], subnets: dict[str, Subnet], vpc_endpoints: dict[str, VpcEndpoint]
) -> dict[str, InspectionEndpoint]:
    """Spec §5.17: Network Firewall endpoints and Gateway Load Balancer endpoints, both route targets."""
    out: dict[str, InspectionEndpoint] = {}

    def add(eid: str, kind: str, owner: str, subnet: Subnet, policy: InspectionPolicy, path: str) -> None:
        if eid in out or eid in vpc_endpoints:
            raise NetworkError(f"endpoint id {eid!r} is already used", path)
        if not eid.startswith("vpce-"):
            raise NetworkError(f"endpoint ids start with vpce-, got {eid!r}", path)
        out[eid] = InspectionEndpoint(eid, kind, owner, subnet, policy)

    for fid, fw in f.collection(doc, "network_firewalls").items():
        path = at("network_firewalls", fid)
        vpc = _ref(vpcs_of(subnets), fw, "vpc", path)
        policy = parse_policy(fw.get("policy"), at(path, "policy"))
        raw = fw.get("endpoints")
        if not raw:
            raise NetworkError("a firewall needs at least one endpoint {vpce-id: subnet}", at(path, "endpoints"))
        f.obj(raw, at(path, "endpoints"))
        azs: set[str] = set()
        for eid, sid in raw.items():
            epath = at(at(path, "endpoints"), eid)
            if f.ref(sid, epath) not in subnets:
                raise NetworkError(f"unknown subnet {sid!r}", epath)
            subnet = subnets[sid]
            if subnet.vpc is not vpc:
                raise NetworkError(f"{sid} is not in {vpc.id}", epath)
            if subnet.az in azs:
                raise NetworkError(f"only one firewall endpoint per Availability Zone ({subnet.az})", epath)
            azs.add(subnet.az)
            add(eid, "network-firewall", fid, subnet, policy, epath)
    gwlbs = {}
    for gid, g in f.collection(doc, "gateway_load_balancers").items():
        gwlbs[gid] = parse_appliance_rules(g, at("gateway_load_balancers", gid))
    for eid, e in f.collection(doc, "gwlb_endpoints").items():
        path = at("gwlb_endpoints", eid)
        subnet = _ref(subnets, e, "subnet", path)
        gid = f.string(e, "gateway_load_balancer", path)
        if gid not in gwlbs:
            raise NetworkError(f"unknown gateway load balancer {gid!r}", at(path, "gateway_load_balancer"))
        add(eid, "gwlb", gid, subnet, gwlbs[gid], path)
    return out


def vpcs_of(subnets: dict[str, Subnet]) -> dict[str, Vpc]:
    out: dict[str, Vpc] = {}
    for s in subnets.values():
        out.setdefault(s.vpc.id, s.vpc)
    return out


def _services(doc: dict[str, Any], region: str, pls: dict[str, PrefixList]) -> dict[str, AwsService]:
    out = {}
    for name, s in f.collection(doc, "aws_services").items():
        path = at("aws_services", name)
        blocks = [
            f.cidr(c, at(at(path, "public_cidrs"), i)) for i, c in enumerate(f.listing(s, "public_cidrs", path, []))
        ]
        pl = s.get("prefix_list")
        if pl is not None and f.ref(pl, at(path, "prefix_list")) not in pls:
            raise NetworkError(f"unknown prefix list {pl!r}", at(path, "prefix_list"))
        out[name] = AwsService(name, f.string(s, "region", path, region), blocks, pl)
    return out


def _policy(raw: Any, path: str) -> EndpointPolicy | None:
    """An IAM policy of kind ``endpoint``, parsed by the endpoint policy evaluator (``course.iam``)."""
    if raw is None:
        return None
    return compile_policy(f.obj(raw, path), path)


def _endpoints(
    doc: dict[str, Any], vpcs: dict[str, Vpc], services: dict[str, AwsService], enis: dict[str, Eni]
) -> dict[str, VpcEndpoint]:
    out = {}
    for vid, v in f.collection(doc, "vpc_endpoints").items():
        path = at("vpc_endpoints", vid)
        kind = v.get("type")
        if kind not in ("gateway", "interface"):
            raise NetworkError(f"type must be gateway or interface, got {kind!r}", at(path, "type"))
        vpc = _ref(vpcs, v, "vpc", path)
        service = f.string(v, "service", path)
        if service not in services:
            raise NetworkError(f"unknown service {service!r} (not in aws_services)", at(path, "service"))
        tables = f.listing(v, "route_tables", path, [])
        eni_ids = f.listing(v, "enis", path, [])
        ep = VpcEndpoint(
            vid, kind, vpc, service, tables, eni_ids, f.boolean(v, "private_dns", path, False),
            _policy(v.get("policy"), at(path, "policy")),
        )
        for i, eid in enumerate(eni_ids):
            if f.ref(eid, at(at(path, "enis"), i)) not in enis:
                raise NetworkError(f"unknown ENI {eid!r}", at(at(path, "enis"), i))
            enis[eid].endpoint = vid
            ep.enis.append(enis[eid])
        out[vid] = ep
    for eid, eni in enis.items():
        if eni.endpoint is None:
            continue
        owner = out.get(eni.endpoint)
        if owner is None or owner.type != "interface":
            raise NetworkError(f"{eni.endpoint!r} is not an interface endpoint", at(at("enis", eid), "endpoint"))
        if eni not in owner.enis:
            owner.enis.append(eni)
    return out


def _peerings(doc: dict[str, Any], vpcs: dict[str, Vpc]) -> dict[str, Peering]:
    out = {}
    for pid, p in f.collection(doc, "peering_connections").items():
        path = at("peering_connections", pid)
        req = _ref(vpcs, p, "requester_vpc", path)
        acc = _ref(vpcs, p, "accepter_vpc", path)
        if req is acc:
            raise NetworkError("a VPC cannot peer with itself", at(path, "accepter_vpc"))
        out[pid] = Peering(pid, req, acc, f.string(p, "status", path, "active"))
    return out


def _tgws(doc: dict[str, Any], vpcs: dict[str, Vpc], subnets: dict[str, Subnet]) -> dict[str, TransitGateway]:
    out = {}
    for tid, t in f.collection(doc, "transit_gateways").items():
        path = at("transit_gateways", tid)
        raw_atts = t.get("attachments") or {}
        f.obj(raw_atts, at(path, "attachments"))
        raw_rts = t.get("route_tables") or {}
        f.obj(raw_rts, at(path, "route_tables"))
        atts = {}
        for aid, a in raw_atts.items():
            apath = at(at(path, "attachments"), aid)
            a = f.obj(a, apath)
            vpc = _ref(vpcs, a, "vpc", apath)
            subs: list[Subnet] = []
            for i, sid in enumerate(f.listing(a, "subnets", apath)):
                spath = at(at(apath, "subnets"), i)
                if f.ref(sid, spath) not in subnets:
                    raise NetworkError(f"unknown subnet {sid!r}", spath)
                if subnets[sid].vpc is not vpc:
                    raise NetworkError(f"{sid} is not in {vpc.id}", spath)
                if any(s.az == subnets[sid].az for s in subs):
                    raise NetworkError(f"only one subnet per Availability Zone ({subnets[sid].az})", spath)
                subs.append(subnets[sid])
            assoc = a.get("association")
            if assoc is not None and f.ref(assoc, at(apath, "association")) not in raw_rts:
                raise NetworkError(f"unknown transit gateway route table {assoc!r}", at(apath, "association"))
            atts[aid] = TgwAttachment(aid, tid, vpc, subs, assoc,
                                      f.boolean(a, "security_group_referencing", apath, False))
        tables = {}
        for rtid, rt in raw_rts.items():
            rpath = at(at(path, "route_tables"), rtid)
            rt = f.obj(rt, rpath)
            routes = []
            for i, raw in enumerate(f.listing(rt, "routes", rpath, [])):
                ppath = at(at(rpath, "routes"), i)
                r = f.obj(raw, ppath)
                dest = f.cidr(r.get("dest") if "dest" in r else _missing(ppath, "dest"), at(ppath, "dest"))
                blackhole = f.boolean(r, "blackhole", ppath, False)
                att = None
                if not blackhole:
                    att = f.string(r, "attachment", ppath)
                    if att not in atts:
                        raise NetworkError(f"unknown attachment {att!r}", at(ppath, "attachment"))
                routes.append(TgwRoute(dest, att, blackhole))
            routes.sort(key=lambda route: -route.dest.plen)
            tables[rtid] = routes
        out[tid] = TransitGateway(tid, tables, atts, f.boolean(t, "security_group_referencing", path, False))
    return out


def _routes(doc: dict[str, Any], net: Network) -> None:
    lookup: dict[str, dict[str, Any]] = {
        "internet_gateways": net.internet_gateways,
        "egress_only_internet_gateways": net.egress_only_gateways,
        "nat_gateways": net.nat_gateways,
        "vpc_endpoints": net.vpc_endpoints,
        "peering_connections": net.peerings,
        "transit_gateways": net.transit_gateways,
        "enis": net.enis,
        "inspection_endpoints": net.inspection_endpoints,
    }
    for rid, r in f.collection(doc, "route_tables").items():
        path = at("route_tables", rid)
        table = net.route_tables[rid]
        for i, raw in enumerate(f.listing(r, "routes", path, [])):
            rpath = at(at(path, "routes"), i)
            route = f.obj(raw, rpath)
            dest = f.string(route, "dest", rpath)
            state = route.get("state", "active")
            if state not in ("active", "blackhole"):
                raise NetworkError(f"state must be active or blackhole, got {state!r}", at(rpath, "state"))
            pl = None
            version: int | None
            if dest.startswith("pl-"):
                if dest not in net.prefix_lists:
                    raise NetworkError(f"unknown prefix list {dest!r}", at(rpath, "dest"))
                pl = dest
                version = None
            else:
                version = f.cidr(dest, at(rpath, "dest")).version
            target = f.string(route, "target", rpath)
            if state == "active" and target != "local":
                _check_target(net, lookup, table, target, version, at(rpath, "target"))
            table.routes.append(Route(i, dest, pl, target, state == "blackhole"))
        _edge(r, table, net, path)


def _edge(r: dict[str, Any], table: RouteTable, net: Network, path: str) -> None:
    """Spec §5.18: a gateway route table, edge-associated with internet gateways of its VPC."""
    for i, gid in enumerate(f.listing(r, "edge_associations", path, [])):
        gpath = at(at(path, "edge_associations"), i)
        if f.ref(gid, gpath) not in net.internet_gateways:
            raise NetworkError(f"unknown internet gateway {gid!r}", gpath)
        if net.internet_gateways[gid].vpc is not table.vpc:
            raise NetworkError(f"{gid} is not attached to {table.vpc.id}", gpath)
        if gid in net.edge_tables:
            raise NetworkError(f"{gid} is already edge-associated with {net.edge_tables[gid].id}", gpath)
        net.edge_tables[gid] = table
        table.edge.append(gid)
    if table.edge:
        for i, route in enumerate(table.routes):
            ok = route.target == "local" or route.blackhole or route.target in net.inspection_endpoints \
                or route.target in net.enis
            if not ok:
                raise NetworkError("a gateway route table's routes target local, a firewall or Gateway Load "
                                   f"Balancer endpoint, or a network interface; got {route.target!r}",
                                   at(at(at(path, "routes"), i), "target"))


def _check_target(
    net: Network, lookup: dict[str, dict[str, Any]], table: RouteTable, target: str, version: int | None, path: str
) -> None:
    kinds = [k for prefix, k in TARGET_KINDS.items() if target.startswith(prefix)] or list(TARGET_KINDS.values())
    found = next((lookup[k][target] for k in [*kinds, "inspection_endpoints"] if target in lookup[k]), None)
    if found is None:
        raise NetworkError(f"unknown route target {target!r} (only blackhole routes may name deleted resources)", path)
    if isinstance(found, EgressOnlyGateway) and version == 4:
        raise NetworkError("an egress-only internet gateway takes IPv6 routes only", path)
    if isinstance(found, VpcEndpoint) and found.type != "gateway":
        raise NetworkError(f"{target} is an interface endpoint; only gateway endpoints are route targets", path)
    # AWS refuses a route to a gateway, NAT gateway, endpoint or interface of another VPC ("belong to different
    # networks"); only peering connections and transit gateways lead out of the table's VPC
    own = getattr(found, "vpc", None) if isinstance(
        found, (InternetGateway, EgressOnlyGateway, NatGateway, VpcEndpoint, Eni, InspectionEndpoint)) else None
    if own is not None and own.id != table.vpc.id:
        raise NetworkError(f"{target} belongs to {own.id}, not to {table.vpc.id} of route table {table.id}: a route "
                           "can lead out of its VPC only through a peering connection or a transit gateway", path)


def cidr_text(block: Cidr) -> str:
    return block.text
