"""IP addresses and CIDRs as plain integers, so the hot path does no object parsing."""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass

from .errors import NetworkError

Addr = tuple[int, int]
"""(ip version, integer value)."""


@dataclass(frozen=True, slots=True)
class Cidr:
    """A parsed CIDR block: membership is one mask and compare."""

    version: int
    net: int
    plen: int
    mask: int
    text: str

    def contains(self, addr: Addr) -> bool:
        return addr[0] == self.version and (addr[1] & self.mask) == self.net

    def overlaps(self, other: Cidr) -> bool:
        if other.version != self.version:
            return False
        mask = self.mask if self.plen <= other.plen else other.mask
        return (self.net & mask) == (other.net & mask)

    @property
    def base(self) -> int:
        return self.net


def parse_cidr(value: object, path: str) -> Cidr:
    if not isinstance(value, str):
        raise NetworkError(f"expected a CIDR string, got {value!r}", path)
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise NetworkError(f"not a valid CIDR: {value!r}", path) from None
    if "/" not in value:
        raise NetworkError(f"CIDR needs a prefix length: {value!r}", path)
    bits = net.max_prefixlen
    mask = ((1 << bits) - 1) ^ ((1 << (bits - net.prefixlen)) - 1)
    return Cidr(net.version, int(net.network_address), net.prefixlen, mask, str(net))


def parse_ip(value: object, path: str) -> Addr:
    if not isinstance(value, str):
        raise NetworkError(f"expected an IP address string, got {value!r}", path)
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        raise NetworkError(f"not a valid IP address: {value!r}", path) from None
    return (ip.version, int(ip))


def try_parse_ip(value: str) -> Addr | None:
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    return (ip.version, int(ip))


@functools.lru_cache(maxsize=4096)
def fmt(addr: Addr) -> str:
    """Render an address for hops and explanations (cached: every hop names one or two addresses)."""
    if addr[0] == 4:
        return str(ipaddress.IPv4Address(addr[1]))
    return str(ipaddress.IPv6Address(addr[1]))


def is_private_v4(addr: Addr) -> bool:
    return addr[0] == 4 and ipaddress.IPv4Address(addr[1]).is_private
