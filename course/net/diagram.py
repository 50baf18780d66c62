"""A picture of the network, optionally with an answer's walked path drawn over it.

Uses a bare ``Figure`` on the Agg canvas (no pyplot state), so it works headless and in notebooks.
"""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch

from .addr import fmt
from .answer import Answer
from .document import load

SUBNET_W, SUBNET_H, GAP = 3.2, 1.7, 0.4
PUBLIC_FILL, PRIVATE_FILL = "#dff3e3", "#dde8f6"
OK_COLOUR, BLOCKED_COLOUR = "#1a7f37", "#cf222e"

Point = tuple[float, float]


def draw(network: Any, highlight: Answer | None = None, *, title: str | None = None) -> Figure:
    """Draw VPCs, subnets (public/private), gateways, endpoints, peering and TGW links.

    With ``highlight``, the request (solid) and reply (dashed) path is drawn green when reachable,
    red when blocked, with an X on the blocking resource.
    """
    net = load(network)
    pos: dict[str, Point] = {}
    vpcs = list(net.vpcs.values())
    heights = [max(1, (len(v.subnets) + 1) // 2) * (SUBNET_H + GAP) + 1.4 for v in vpcs]
    top = max(heights, default=3.0)
    width_each = 2 * SUBNET_W + 3 * GAP
    fig = Figure(figsize=(max(8.0, 4.2 * len(vpcs) + 2), 7.5), layout=None)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.12, 0.96, 0.78))
    ax.set_axis_off()

    internet = ((len(vpcs) * (width_each + 2.5) - 2.5) / 2, top + 2.4)
    services = (internet[0] + 4.5, internet[1])
    pos["internet"] = internet
    _node(ax, internet, "Internet", "#f6f8fa", w=3.0)
    if net.aws_services:
        pos["aws-services"] = services
        _node(ax, services, "AWS services\n" + ", ".join(list(net.aws_services)[:4]), "#fff8c5", w=3.6)

    for i, vpc in enumerate(vpcs):
        x0 = i * (width_each + 2.5)
        h = heights[i]
        ax.add_patch(FancyBboxPatch((x0, 0), width_each, h, boxstyle="round,pad=0.05", fc="none", ec="#57606a", lw=1.6))
        ax.text(x0 + 0.15, h - 0.35, f"{vpc.id}  {', '.join(c.text for c in vpc.cidrs)}", fontsize=8, weight="bold",
                va="top")
        pos[vpc.id] = (x0 + width_each / 2, h / 2)
        for j, subnet in enumerate(vpc.subnets):
            sx = x0 + GAP + (j % 2) * (SUBNET_W + GAP)
            sy = h - 1.0 - (j // 2 + 1) * (SUBNET_H + GAP) + GAP
            fill = PUBLIC_FILL if subnet.public else PRIVATE_FILL
            ax.add_patch(FancyBboxPatch((sx, sy), SUBNET_W, SUBNET_H, boxstyle="round,pad=0.02", fc=fill, ec="#8c959f"))
            kind = "public" if subnet.public else "private"
            ax.text(sx + 0.08, sy + SUBNET_H - 0.1, f"{subnet.id} ({kind})\n{subnet.cidr.text} {subnet.az}",
                    fontsize=6.5, va="top")
            pos[subnet.id] = (sx + SUBNET_W / 2, sy + SUBNET_H / 2)
            hosts: list[tuple[str, str]] = [(e.id, "D" if e.endpoint else "o") for e in net.enis.values()
                                            if e.subnet is subnet]
            hosts += [(n.id, "s") for n in net.nat_gateways.values() if n.subnet is subnet]
            for k, (hid, marker) in enumerate(hosts[:6]):
                hx = sx + 0.35 + (k % 3) * 1.0
                hy = sy + 0.55 - (k // 3) * 0.45
                pos[hid] = (hx, hy)
                ax.plot([hx], [hy], marker=marker, color="#24292f", ms=5)
                ax.text(hx + 0.1, hy + 0.08, hid, fontsize=5.5)
        igw = net.igw_by_vpc.get(vpc.id)
        if igw is not None:
            pos[igw.id] = (x0 + width_each / 2 - 0.8, h)
            _node(ax, pos[igw.id], igw.id, "#ffffff")
            ax.plot([pos[igw.id][0], internet[0]], [h + 0.2, internet[1] - 0.3], color="#8c959f", lw=0.8)
        eigw = net.eigw_by_vpc.get(vpc.id)
        if eigw is not None:
            pos[eigw.id] = (x0 + width_each / 2 + 0.9, h)
            _node(ax, pos[eigw.id], eigw.id, "#ffffff")
            ax.plot([pos[eigw.id][0], internet[0]], [h + 0.2, internet[1] - 0.3], color="#8c959f", lw=0.8, ls=":")
        gateways = [ep for ep in net.vpc_endpoints.values() if ep.vpc is vpc and ep.type == "gateway"]
        for k, ep in enumerate(gateways):
            pos[ep.id] = (x0 + 1.2 + k * 2.2, 0)
            _node(ax, pos[ep.id], f"{ep.id}\n({ep.service})", "#fff8c5")

    for pcx in net.peerings.values():
        a, b = pos[pcx.requester.id], pos[pcx.accepter.id]
        mid = ((a[0] + b[0]) / 2, max(a[1], b[1]) + 0.6)
        pos[pcx.id] = mid
        ax.plot([a[0], mid[0], b[0]], [a[1], mid[1], b[1]], color="#8250df", lw=1.4,
                ls="-" if pcx.active else "--")
        ax.text(mid[0], mid[1] + 0.15, f"{pcx.id}{'' if pcx.active else ' (' + pcx.status + ')'}", fontsize=7,
                ha="center", color="#8250df")
    for k, tgw in enumerate(net.transit_gateways.values()):
        tp = (internet[0] + k * 3.0, -2.2)
        pos[tgw.id] = tp
        _node(ax, tp, tgw.id, "#fbefff", w=2.2)
        for att in tgw.attachments.values():
            vx = pos[att.vpc.id][0]
            ax.plot([tp[0], vx], [tp[1] + 0.3, 0], color="#bf3989", lw=1.2)

    caption = _caption(net, highlight)
    if highlight is not None:
        _draw_path(ax, highlight, pos)
    ax.set_xlim(-1.0, max(internet[0] * 2, services[0] + 2.5) + 1.0)
    ax.set_ylim(-3.3, top + 3.3)
    fig.suptitle(title or caption[0], fontsize=11)
    fig.text(0.02, 0.02, caption[1], fontsize=8, wrap=True)
    handles = [
        Patch(fc=PUBLIC_FILL, ec="#8c959f", label="public subnet (route to an IGW)"),
        Patch(fc=PRIVATE_FILL, ec="#8c959f", label="private subnet"),
        Line2D([], [], color="#8250df", label="VPC peering"),
        Line2D([], [], color="#bf3989", label="transit gateway attachment"),
    ]
    if highlight is not None:
        colour = OK_COLOUR if highlight.reachable else BLOCKED_COLOUR
        handles += [Line2D([], [], color=colour, lw=2.5, label="request"),
                    Line2D([], [], color=colour, lw=2.5, ls="--", label="reply")]
    ax.legend(handles=handles, loc="upper left", fontsize=7, frameon=False)
    return fig


def _node(ax: Any, p: Point, text: str, fill: str, w: float = 1.5) -> None:
    ax.add_patch(FancyBboxPatch((p[0] - w / 2, p[1] - 0.3), w, 0.6, boxstyle="round,pad=0.05", fc=fill, ec="#57606a"))
    ax.text(p[0], p[1], text, fontsize=6.5, ha="center", va="center")


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
    if kind == "security-group":
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
    summary = (
        f"{len(net.vpcs)} VPC(s), {len(net.subnets)} subnet(s), {len(net.enis)} ENI(s), "
        f"{len(net.internet_gateways)} internet gateway(s), {len(net.nat_gateways)} NAT gateway(s), "
        f"{len(net.vpc_endpoints)} endpoint(s), {len(net.peerings)} peering(s), "
        f"{len(net.transit_gateways)} transit gateway(s)"
    )
    if ans is None:
        return "VPC network diagram", f"Diagram of {summary}."
    from .explain import headline

    q = ans.query
    state = "reachable" if ans.reachable else f"blocked by {ans.blocked_by} at {ans.blocked_at}"
    title = f"Path {q.get('src')} -> {q.get('dst')}: {state}"
    return title, f"Diagram of {summary}. Highlighted: {headline(ans)}. Solid line = request, dashed = reply."


__all__ = ["draw", "fmt"]
