"""Typed field readers: every failure becomes a NetworkError naming the exact field path."""

from __future__ import annotations

from typing import Any

from .addr import Addr, Cidr, parse_cidr, parse_ip
from .errors import NetworkError
from .model import PortRange

MISSING: Any = object()

PROTOCOLS = ("tcp", "udp", "icmp", "all")


def at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise NetworkError(f"expected an object, got {type(value).__name__}", path)
    return value


def collection(doc: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    """A top-level map of id -> resource; absent or null means empty."""
    value = doc.get(key)
    if value is None:
        return {}
    obj(value, key)
    for rid, item in value.items():
        if not isinstance(rid, str) or not rid:
            raise NetworkError("resource ids must be non-empty strings", at(key, str(rid)))
        obj(item, at(key, rid))
    return value


def string(d: dict[str, Any], key: str, path: str, default: Any = MISSING) -> Any:
    value = d.get(key, MISSING)
    if value is MISSING or (value is None and default is not MISSING):
        if default is MISSING:
            raise NetworkError("required field is missing", at(path, key))
        return default
    if not isinstance(value, str) or not value:
        raise NetworkError(f"expected a non-empty string, got {value!r}", at(path, key))
    return value


def ref(value: Any, path: str) -> str:
    """An id given inside a list or an optional field: it must be a non-empty string."""
    if not isinstance(value, str) or not value:
        raise NetworkError(f"expected an id string, got {value!r}", path)
    return value


def boolean(d: dict[str, Any], key: str, path: str, default: bool) -> bool:
    value = d.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise NetworkError(f"expected true or false, got {value!r}", at(path, key))
    return value


def integer(value: Any, path: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NetworkError(f"expected an integer, got {value!r}", path)
    if not lo <= value <= hi:
        raise NetworkError(f"{value} is outside {lo}..{hi}", path)
    return value


def listing(d: dict[str, Any], key: str, path: str, default: Any = MISSING) -> list[Any]:
    value = d.get(key, MISSING)
    if value is MISSING or value is None:
        if default is MISSING:
            raise NetworkError("required field is missing", at(path, key))
        return default
    if not isinstance(value, list):
        raise NetworkError(f"expected a list, got {type(value).__name__}", at(path, key))
    return value


def cidr(value: Any, path: str, version: int | None = None) -> Cidr:
    block = parse_cidr(value, path)
    if version is not None and block.version != version:
        raise NetworkError(f"expected an IPv{version} CIDR, got {value!r}", path)
    return block


def ip(value: Any, path: str, version: int | None = None) -> Addr:
    addr = parse_ip(value, path)
    if version is not None and addr[0] != version:
        raise NetworkError(f"expected an IPv{version} address, got {value!r}", path)
    return addr


def optional_ip(d: dict[str, Any], key: str, path: str, version: int) -> Addr | None:
    value = d.get(key)
    if value is None:
        return None
    return ip(value, at(path, key), version)


def protocol(d: dict[str, Any], path: str) -> str:
    value = d.get("protocol", MISSING)
    if value is MISSING:
        raise NetworkError("required field is missing", at(path, "protocol"))
    if value not in PROTOCOLS:
        raise NetworkError(f"protocol must be one of {', '.join(PROTOCOLS)}; got {value!r}", at(path, "protocol"))
    return value


def ports(d: dict[str, Any], proto: str, path: str) -> PortRange | None:
    value = d.get("ports")
    where = at(path, "ports")
    if value is None:
        return None
    if proto not in ("tcp", "udp"):
        raise NetworkError(f"ports apply only to tcp and udp, not {proto}", where)
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise NetworkError(f"ports must be [from, to], got {value!r}", where)
    lo = integer(value[0], at(where, 0), 0, 65535)
    hi = integer(value[1], at(where, 1), 0, 65535)
    if lo > hi:
        raise NetworkError(f"ports [from, to] has from > to: {value!r}", where)
    return (lo, hi)
