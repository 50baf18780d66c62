"""A picture of the network, optionally with an answer's walked path and the rules a question names.

Uses a bare ``Figure`` on the Agg canvas (no pyplot state), so it works headless and in notebooks. The
figure's size follows the data space (``SCALE`` inches per unit), so text keeps its point size whatever the
network: labels are 8.5-12 pt at ``DPI`` (readable at 100% zoom), the layout is computed tight, and the legend
lists only what is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch

from .addr import fmt
from .answer import Answer
from .document import load
from .model import Nacl, Network, RouteTable, SecurityGroup

DPI = 110
SCALE = 0.62  # inches per data unit: small enough to leave no empty acres, large enough for the labels
FONT, SMALL, TITLE = 9.5, 8.5, 12
SUBNET_W, SUBNET_H, GAP = 3.6, 2.0, 0.35
PUBLIC_FILL, PRIVATE_FILL, FIREWALL_FILL = "#dff3e3", "#dde8f6", "#fde2e1"
OK_COLOUR, BLOCKED_COLOUR = "#1a7f37", "#cf222e"
LB_COLOUR, FW_COLOUR = "#9a6700", "#cf222e"

Point = tuple[float, float]


def draw(network: Any, highlight: Answer | None = None, *, title: str | None = None,
         show: Sequence[str] = ()) -> Figure:
    """Draw VPCs, subnets, gateways, endpoints, load balancers, firewalls, peering and TGW links.

    ``highlight``: the request (solid) and reply (dashed) path, green when reachable, red when blocked, with an
    X on the blocking resource. ``show``: ids of route tables, NACLs and security groups to draw with their
    rules beside the network (the resource that blocked ``highlight`` is added when it is one of those).
    """
    net = load(network)
    pos: dict[str, Point] = {}
    drawn: set[str] = set()
    vpcs = list(net.vpcs.values())
    boxes, below_h = _layout(net, vpcs)
    span = max((x + w for x, _, w, _ in boxes.values()), default=2 * SUBNET_W + 3 * GAP)
    top = max((y + h for _, y, _, h in boxes.values()), default=3.0)
    low = min((y for _, y, _, _ in boxes.values()), default=0.0) - below_h

    panels = _panel_ids(net, highlight, show)
    panel_lines = [_panel_text(net, pid) for pid in panels]
    panel_rows = _panel_rows(panel_lines, span)
    panel_h = sum(max(len(lines) for lines in row) * 0.26 + 0.5 for row in panel_rows)
    tgw_h = 1.3 if net.transit_gateways else 0.0
    bottom = low - tgw_h - panel_h - 0.3
    head = 2.9  # the internet, the Block Public Access line and the legend above the VPCs
    height = top + head - bottom
    fig = Figure(figsize=((span + 1.0) * SCALE, (height + 1.6) * SCALE), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0.9 / (height + 1.6), 1, height / (height + 1.6)))
    ax.set_axis_off()
    ax.set_xlim(-0.5, span + 0.5)
    ax.set_ylim(bottom, top + head)

    internet = (span / 2 - (1.9 if net.aws_services else 0), top + 1.35)
    pos["internet"] = internet
    _node(ax, internet, "Internet", "#f6f8fa", w=2.4)
    if net.aws_services:
        pos["aws-services"] = (internet[0] + 3.6, internet[1])
        _node(ax, pos["aws-services"], "AWS services: " + ", ".join(list(net.aws_services)[:3]), "#fff8c5", w=3.8)
    if net.block_public_access is not None and net.block_public_access.mode != "off":
        bpa = net.block_public_access
        excl = [f"{k} {v}" for k, v in {**bpa.vpc_exclusions, **bpa.subnet_exclusions}.items()]
        ax.text(-0.4, top + 0.75, f"Block Public Access: {bpa.mode}" + (f" (exclusions: {'; '.join(excl)})"
                if excl else ""), fontsize=SMALL, va="center", color=BLOCKED_COLOUR, weight="bold")
        drawn.add("bpa")

    for vpc in vpcs:
        _draw_vpc(ax, net, vpc, boxes[vpc.id], pos, drawn, internet)

    for pcx in net.peerings.values():
        a, b = pos[pcx.requester.id], pos[pcx.accepter.id]
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + 0.6)
        pos[pcx.id] = mid
        drawn.add("peering")
        ax.plot([a[0], mid[0], b[0]], [a[1], mid[1], b[1]], color="#8250df", lw=1.4,
                ls="-" if pcx.active else "--")
        ax.text(mid[0], mid[1] + 0.15, f"{pcx.id}{'' if pcx.active else ' (' + pcx.status + ')'}", fontsize=SMALL,
                ha="center", color="#8250df")
    for k, tgw in enumerate(net.transit_gateways.values()):
        tp = (span / 2 + k * 3.0, low - 0.7)
        pos[tgw.id] = tp
        drawn.add("tgw")
        _node(ax, tp, tgw.id, "#fbefff", w=2.2)
        for att in tgw.attachments.values():
            x0, y0, w, _ = boxes[att.vpc.id]
            ax.plot([tp[0], x0 + w / 2], [tp[1] + 0.3, y0], color="#bf3989", lw=1.2, zorder=0)

    y = low - tgw_h - 0.2
    for row in panel_rows:
        x = -0.4
        for lines in row:
            ax.text(x, y, "\n".join(lines), fontsize=SMALL, family="monospace", va="top",
                    bbox={"boxstyle": "round,pad=0.3", "fc": "#f6f8fa", "ec": "#8c959f"})
            x += _panel_width(lines) + 0.4
        y -= max(len(lines) for lines in row) * 0.26 + 0.5

    caption = _caption(net, highlight)
    if highlight is not None:
        _draw_path(ax, highlight, pos)
    heading = fig.suptitle(title or caption[0], fontsize=TITLE, y=1 - 0.2 / (height + 1.6))
    fig.text(0.01, 0.1 / (height + 1.6), caption[1], fontsize=SMALL, wrap=True)
    handles = _legend(drawn, highlight)
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.0), fontsize=SMALL, frameon=False,
                  ncol=min(len(handles), 3), columnspacing=1.2, handlelength=1.6)
    _widen_to_fit(fig, ax, heading)
    return fig


def _widen_to_fit(fig: Figure, ax: Any, heading: Any) -> None:
    """Widen a narrow drawing (one small VPC) until the title, the legend and the boxes above the VPCs fit.

    The axes fill the figure's width, so widening both by the same amount on each side keeps every label's
    point size and the drawing centred; without it the Internet and AWS services boxes were cut at the axes'
    edges and the title stuck out of the figure.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # FigureCanvasAgg's
    x0, x1 = ax.get_xlim()
    inches = fig.get_figwidth()
    per_unit = inches / (x1 - x0)
    need = 0.0  # data units to add on each side
    for patch in ax.patches:
        left, right = ax.transData.inverted().transform(patch.get_window_extent(renderer))[:, 0]
        need = max(need, x0 - left + 0.1, right - x1 + 0.1)
    legend = ax.get_legend()
    for artist in (heading, legend) if legend is not None else (heading,):
        width = artist.get_window_extent(renderer).width / fig.dpi + 0.3  # inches, with a margin
        need = max(need, (width - inches) / per_unit / 2)
    if need > 0:
        ax.set_xlim(x0 - need, x1 + need)
        fig.set_figwidth(inches + 2 * need * per_unit)


MAX_ROW = 15.5  # data units (about 9.6 inches): VPCs wrap onto a new row beyond this width


def _layout(net: Network, vpcs: list[Any]) -> tuple[dict[str, tuple[float, float, float, float]], float]:
    """Each VPC's box (x, y, w, h): one or two subnet columns, VPCs side by side, wrapping into rows."""
    sizes = {}
    for vpc in vpcs:
        cols = 1 if len(vpc.subnets) <= 1 else 2
        rows = max(1, -(-len(vpc.subnets) // cols))
        sizes[vpc.id] = (cols * SUBNET_W + (cols + 1) * GAP, rows * (SUBNET_H + GAP) + 1.0)
    grid: list[list[Any]] = [[]]
    width = 0.0
    for vpc in vpcs:
        w = sizes[vpc.id][0]
        if grid[-1] and width + 1.6 + w > MAX_ROW:
            grid.append([])
            width = 0.0
        width += (1.6 if grid[-1] else 0.0) + w
        grid[-1].append(vpc)
    below = any(ep.type == "gateway" for ep in net.vpc_endpoints.values()) or bool(net.load_balancers)
    below_h = 1.6 if below else 0.0
    boxes: dict[str, tuple[float, float, float, float]] = {}
    y_top = 0.0
    for r, row in enumerate(g for g in grid if g):
        row_h = max(sizes[v.id][1] for v in row)
        x = 0.0
        for vpc in row:
            w, h = sizes[vpc.id]
            boxes[vpc.id] = (x, y_top - row_h + (row_h - h), w, h)
            x += w + 1.6
        y_top -= row_h + below_h + (1.3 if r < len(grid) - 1 else 0.0)
    shift = -min((y for _, y, _, _ in boxes.values()), default=0.0) + (below_h if below else 0.0)
    boxes = {k: (x, y + shift, w, h) for k, (x, y, w, h) in boxes.items()}
    return boxes, below_h


def _draw_vpc(ax: Any, net: Network, vpc: Any, box: tuple[float, float, float, float], pos: dict[str, Point],
              drawn: set[str], internet: Point) -> None:
    x0, y0, width, h = box
    cols = 1 if len(vpc.subnets) <= 1 else 2
    ax.add_patch(FancyBboxPatch((x0, y0), width, h, boxstyle="round,pad=0.05", fc="none", ec="#57606a", lw=1.6))
    ax.text(x0 + 0.15, y0 + h - 0.2, f"{vpc.id}  {', '.join(c.text for c in vpc.cidrs)}", fontsize=FONT,
            weight="bold", va="top")
    pos[vpc.id] = (x0 + width / 2, y0 + h / 2)
    for j, subnet in enumerate(vpc.subnets):
        sx = x0 + GAP + (j % cols) * (SUBNET_W + GAP)
        sy = y0 + h - 0.75 - (j // cols + 1) * (SUBNET_H + GAP) + GAP
        firewall = any(e.subnet is subnet for e in net.inspection_endpoints.values())
        fill = FIREWALL_FILL if firewall else PUBLIC_FILL if subnet.public else PRIVATE_FILL
        drawn.add("firewall-subnet" if firewall else "public" if subnet.public else "private")
        ax.add_patch(FancyBboxPatch((sx, sy), SUBNET_W, SUBNET_H, boxstyle="round,pad=0.02", fc=fill, ec="#8c959f"))
        ax.text(sx + 0.08, sy + SUBNET_H - 0.08, f"{subnet.id}\n{subnet.cidr.text}  {subnet.az}", fontsize=SMALL,
                va="top")
        pos[subnet.id] = (sx + SUBNET_W / 2, sy + SUBNET_H / 2)
        hosts: list[tuple[str, str]] = [(e.id, "D" if e.endpoint else "P" if e.load_balancer else "o")
                                        for e in net.enis.values() if e.subnet is subnet]
        hosts += [(n.id, "s") for n in net.nat_gateways.values() if n.subnet is subnet]
        hosts += [(e.id, "^") for e in net.inspection_endpoints.values() if e.subnet is subnet]
        for k, (hid, marker) in enumerate(hosts[:4]):
            hx = sx + 0.25 + (k % 2) * (SUBNET_W / 2)
            hy = sy + 0.75 - (k // 2) * 0.5
            pos[hid] = (hx, hy)
            ax.plot([hx], [hy], marker=marker, color=FW_COLOUR if marker == "^" else "#24292f", ms=7)
            ax.text(hx + 0.15, hy, hid, fontsize=SMALL, va="center")
        if len(hosts) > 4:
            ax.text(sx + SUBNET_W - 0.08, sy + 0.08, f"+{len(hosts) - 4} more", fontsize=SMALL, ha="right")
    gateways: list[tuple[str, str, str]] = []
    igw = net.igw_by_vpc.get(vpc.id)
    if igw is not None:
        edge = net.edge_tables.get(igw.id)
        gateways.append((igw.id, igw.id + (f"\nedge: {edge.id}" if edge else ""), "-"))
    eigw = net.eigw_by_vpc.get(vpc.id)
    if eigw is not None:
        gateways.append((eigw.id, eigw.id, ":"))
    for nat in net.nat_gateways.values():
        if nat.regional and nat.vpc is vpc:
            gateways.append((nat.id, f"{nat.id}\n(regional NAT)", "-"))
    for k, (gid, label, style) in enumerate(gateways):
        gx = x0 + width / 2 + (k - (len(gateways) - 1) / 2) * 2.4
        pos[gid] = (gx, y0 + h)
        _node(ax, pos[gid], label, "#ffffff", w=2.2)
        ax.plot([gx, internet[0]], [y0 + h + 0.35, internet[1] - 0.35], color="#8c959f", lw=0.9, ls=style, zorder=0)
    below = [(ep.id, f"{ep.id}\n(gateway endpoint: {ep.service})", "#fff8c5")
             for ep in net.vpc_endpoints.values() if ep.vpc is vpc and ep.type == "gateway"]
    below += [(lb.id, f"{lb.id}\n({'ALB' if lb.type == 'application' else 'NLB'}, "
                      f"{'internet-facing' if lb.internet_facing else 'internal'})", "#fff1c2")
              for lb in net.load_balancers.values() if lb.nodes[0].vpc is vpc]
    for k, (bid, label, fill) in enumerate(below):
        pos[bid] = (x0 + 1.5 + k * 2.9, y0 - 0.8)
        _node(ax, pos[bid], label, fill, w=2.7)
        lb_ = net.load_balancers.get(bid)
        if lb_ is not None:
            drawn.add("lb")
            for node in lb_.nodes:
                if node.id in pos:
                    ax.plot([pos[bid][0], pos[node.id][0]], [pos[bid][1] + 0.35, pos[node.id][1]],
                            color=LB_COLOUR, lw=1.0, ls="--", zorder=1)


def _panel_width(lines: list[str]) -> float:
    return max(len(t) for t in lines) * 0.118 + 0.3


def _panel_rows(panels: list[list[str]], span: float) -> list[list[list[str]]]:
    rows: list[list[list[str]]] = []
    width = 0.0
    for lines in panels:
        w = _panel_width(lines) + 0.4
        if rows and width + w <= span + 0.9:
            rows[-1].append(lines)
            width += w
        else:
            rows.append([lines])
            width = w
    return rows


def _legend(drawn: set[str], highlight: Answer | None) -> list[Any]:
    """Only what is in the picture."""
    entries = [
        ("public", Patch(fc=PUBLIC_FILL, ec="#8c959f", label="public subnet (route to an IGW)")),
        ("private", Patch(fc=PRIVATE_FILL, ec="#8c959f", label="private subnet")),
        ("firewall-subnet", Patch(fc=FIREWALL_FILL, ec="#8c959f", label="firewall / GWLB endpoint subnet")),
        ("lb", Line2D([], [], color=LB_COLOUR, ls="--", label="load balancer to its nodes")),
        ("peering", Line2D([], [], color="#8250df", label="VPC peering")),
        ("tgw", Line2D([], [], color="#bf3989", label="transit gateway attachment")),
    ]
    handles = [h for key, h in entries if key in drawn]
    if highlight is not None:
        colour = OK_COLOUR if highlight.reachable else BLOCKED_COLOUR
        handles += [Line2D([], [], color=colour, lw=2.5, label="request"),
                    Line2D([], [], color=colour, lw=2.5, ls="--", label="reply")]
    return handles


def _panel_ids(net: Network, ans: Answer | None, show: Sequence[str]) -> list[str]:
    ids = [s for s in show if s in net.route_tables or s in net.nacls or s in net.security_groups]
    unknown = [s for s in show if s not in ids]
    if unknown:
        from .errors import NetworkError

        raise NetworkError(f"draw(show=...) names no route table, NACL or security group: {', '.join(unknown)}",
                           "show")
    if ans is not None and ans.blocked_at:
        for part in ans.blocked_at.split(","):
            if part not in ids and (part in net.route_tables or part in net.nacls or part in net.security_groups):
                ids.append(part)
    return ids


def _panel_text(net: Network, rid: str) -> list[str]:
    """The key rules of one route table, NACL or security group, a line each."""
    if rid in net.route_tables:
        table: RouteTable = net.route_tables[rid]
        return [f"{rid} (route table)"] + [f"  {r.describe()}" for r in table.routes]
    if rid in net.nacls:
        acl: Nacl = net.nacls[rid]
        out = [f"{rid} (network ACL)"]
        for direction, rules in (("inbound", acl.inbound), ("outbound", acl.outbound)):
            out += [f"  {r.describe(direction)}" for r in rules] + [f"  rule * denies {direction} all"]
        return out
    sg: SecurityGroup = net.security_groups[rid]
    out = [f"{rid} (security group)"]
    out += [f"  in:  {r.describe()}" for r in sg.inbound] or ["  in:  (no rules: nothing in)"]
    out += [f"  out: {r.describe()}" for r in sg.outbound] or ["  out: (no rules: nothing out)"]
    return out


def _node(ax: Any, p: Point, text: str, fill: str, w: float = 1.6) -> None:
    lines = text.count("\n") + 1
    hgt = 0.32 * lines + 0.12
    ax.add_patch(FancyBboxPatch((p[0] - w / 2, p[1] - hgt / 2), w, hgt, boxstyle="round,pad=0.05", fc=fill,
                                ec="#57606a", zorder=2))
    ax.text(p[0], p[1], text, fontsize=SMALL, ha="center", va="center", zorder=3)


def _hop_point(hop: dict[str, Any], pos: dict[str, Point]) -> Point | None:
    kind = hop["kind"]
    if kind in ("internet",):
        return pos["internet"]
    if kind == "aws-service":
        return pos.get(hop["resource"]) or pos.get("aws-services")
    if kind in ("nacl", "route-table"):
        return pos.get(hop.get("subnet", ""))
    if kind == "tgw-route-table":
        return pos.get(hop.get("tgw", ""))
    if kind == "tgw-attachment":
        return next((pos[t] for t in pos if t.startswith("tgw-") and t in hop.get("detail", "")), None)
    if kind == "firewall":
        return pos.get(hop.get("endpoint", ""))
    if kind in ("security-group", "block-public-access", "target-group", "load-balancer"):
        return None
    return pos.get(hop["resource"])


def _draw_path(ax: Any, ans: Answer, pos: dict[str, Point]) -> None:
    colour = OK_COLOUR if ans.reachable else BLOCKED_COLOUR
    for direction, style in (("request", "-"), ("reply", "--")):
        pts: list[Point] = []
        shift = 0.0 if direction == "request" else 0.15  # keep the reply visible beside the request
        for hop in ans.path:
            if hop["direction"] != direction or hop["kind"] in ("nacl", "route-table"):
                continue
            p = _hop_point(hop, pos)
            if p is not None:
                p = (p[0] + shift, p[1] - shift)
                if not pts or pts[-1] != p:
                    pts.append(p)
        if len(pts) >= 2:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], color=colour, lw=2.5, ls=style, alpha=0.85, zorder=5)
        elif pts:
            ax.plot([pts[0][0]], [pts[0][1]], marker="o", color=colour, ms=9, zorder=5)
    if not ans.reachable:
        spot = None
        for hop in ans.path:
            if hop["decision"] in ("deny", "drop"):
                spot = _hop_point(hop, pos) or spot
                break
        if spot is None and ans.blocked_at:
            spot = pos.get(ans.blocked_at.split(",")[0])
        if spot is not None:
            ax.plot([spot[0]], [spot[1]], marker="X", color=BLOCKED_COLOUR, ms=16, mec="white", zorder=6)


def _caption(net: Any, ans: Answer | None) -> tuple[str, str]:
    parts = [f"{len(net.vpcs)} VPC(s)", f"{len(net.subnets)} subnet(s)", f"{len(net.enis)} ENI(s)",
             f"{len(net.internet_gateways)} internet gateway(s)", f"{len(net.nat_gateways)} NAT gateway(s)",
             f"{len(net.vpc_endpoints)} endpoint(s)", f"{len(net.peerings)} peering(s)",
             f"{len(net.transit_gateways)} transit gateway(s)"]
    if net.load_balancers:
        parts.append(f"{len(net.load_balancers)} load balancer(s)")
    if net.inspection_endpoints:
        parts.append(f"{len(net.inspection_endpoints)} firewall/GWLB endpoint(s)")
    summary = ", ".join(parts)
    if ans is None:
        return "VPC network diagram", f"Diagram of {summary}."
    from .explain import headline

    q = ans.query
    state = "reachable" if ans.reachable else f"blocked by {ans.blocked_by} at {ans.blocked_at}"
    title = f"Path {q.get('src')} -> {q.get('dst')}: {state}"
    return title, f"Diagram of {summary}. Highlighted: {headline(ans)}. Solid line = request, dashed = reply."


__all__ = ["draw", "fmt"]
