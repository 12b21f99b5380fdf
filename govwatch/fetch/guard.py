"""The private-address guard (contract §1, ``GOVWATCH_ALLOW_PRIVATE``).

A registry file is operator input, and pages link anywhere: without this guard a crafted URL could make
the checker probe the office's own network. Targets that are, or resolve to, loopback / private /
link-local / reserved addresses are refused unless private fetching is allowed; the check runs on the
first URL and again on every redirect hop.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class BlockedAddress(Exception):
    """The target is a private address and private fetching is not allowed."""


class ResolveError(Exception):
    """The host name does not resolve."""


def is_private_ip(addr: str) -> bool:
    """True for loopback, private, link-local, multicast, reserved and unspecified addresses."""
    try:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.IPv4Network("100.64.0.0/10"))
    )


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def resolve(host: str, port: int) -> list[str]:
    """Every address a host name resolves to (an IP literal resolves to itself)."""
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ResolveError(f"{host}: {exc}") from None
    return sorted({str(info[4][0]) for info in infos})


async def check_url(url: str, *, allow_private: bool) -> None:
    """Raise :class:`BlockedAddress` when ``url`` targets a private address (and that is not allowed),
    :class:`ResolveError` when its host does not resolve."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host:
        raise ResolveError(f"{url}: no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if allow_private:
        return
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        raise BlockedAddress(host)
    literal = host.strip("[]")
    try:
        ipaddress.ip_address(literal.split("%", 1)[0])
        addrs = [literal]
    except ValueError:
        addrs = await resolve(host, port)
    bad = [a for a in addrs if is_private_ip(a)]
    if bad:
        raise BlockedAddress(f"{host} → {', '.join(bad)}")
