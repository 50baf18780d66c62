"""Longest-prefix route selection (spec §5.2): prefix lists expanded, CIDR beats prefix list on ties."""

from __future__ import annotations

from .addr import Addr, Cidr, parse_cidr
from .model import Network, Route, RouteTable, TgwRoute


def compile_table(net: Network, table: RouteTable) -> None:
    """Sort every (CIDR, route) pair once so lookups stop at the first match."""
    entries: dict[int, list[tuple[int, int, Cidr, Route]]] = {4: [], 6: []}
    for route in table.routes:
        if route.prefix_list is not None:
            for block in net.prefix_lists[route.prefix_list].cidrs:
                entries[block.version].append((-block.plen, 1, block, route))
        else:
            block = parse_cidr(route.dest, "")
            entries[block.version].append((-block.plen, 0, block, route))
    table.compiled = {
        v: [(block, route) for _, _, block, route in sorted(items, key=lambda e: (e[0], e[1], e[3].index))]
        for v, items in entries.items()
    }


def lookup(table: RouteTable, addr: Addr) -> tuple[Cidr, Route] | None:
    """The winning route for ``addr``; a blackhole wins too (no fallback to a shorter prefix)."""
    value = addr[1]
    for block, route in table.compiled[addr[0]]:
        if (value & block.mask) == block.net:
            return block, route
    return None


def tgw_lookup(routes: list[TgwRoute], addr: Addr) -> TgwRoute | None:
    for route in routes:
        if route.dest.contains(addr):
            return route
    return None
